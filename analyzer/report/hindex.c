/*
 * hindex.c - a hash index over records the caller owns (hindex.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>

#include "report/hindex.h"

uint32_t
hindex_fnv(uint32_t h, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

/* Index the n records anew in twice the slots. */
static int
rebuild(struct hindex *x, const void *records, size_t n, hindex_hash_fn hash)
{
	size_t nslots = x->nslots ? x->nslots * 2 : 64, i, k;
	size_t *slots = calloc(nslots, sizeof(*slots));

	if (slots == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		for (k = hash(i, records); slots[k & (nslots - 1)] != 0; k++)
			;
		slots[k & (nslots - 1)] = i + 1;
	}
	free(x->slots);
	x->slots = slots;
	x->nslots = nslots;
	return 0;
}

size_t *
hindex_slot(struct hindex *x, uint32_t h, const void *key,
    const void *records, size_t n, hindex_hash_fn hash, hindex_same_fn same)
{
	size_t k, *slot;

	if (2 * (n + 1) > x->nslots && rebuild(x, records, n, hash) < 0)
		return NULL;
	for (k = h;; k++) {
		slot = &x->slots[k & (x->nslots - 1)];
		if (*slot == 0 || same(*slot - 1, records, key))
			return slot;
	}
}

void *
hindex_room(void *v, size_t n, size_t *cap, size_t first, size_t size)
{
	size_t room = *cap ? *cap * 2 : first;

	if (n < *cap)
		return v;
	if (room < *cap || room > SIZE_MAX / size ||
	    (v = realloc(v, room * size)) == NULL)
		return NULL;
	*cap = room;
	return v;
}

void
hindex_free(struct hindex *x)
{
	free(x->slots);
	x->slots = NULL;
	x->nslots = 0;
}
