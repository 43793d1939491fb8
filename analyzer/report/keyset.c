/*
 * keyset.c - distinct fixed-width keys (keyset.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "report/hindex.h"
#include "report/keyset.h"

static const uint8_t zero_key[KEYSET_WIDTH_MAX];

void
keyset_init(struct keyset *s, size_t width)
{
	memset(s, 0, sizeof(*s));
	s->width = width;
}

static size_t
slot_of(const uint8_t *key, size_t width, size_t mask)
{
	return hindex_fnv(2166136261u, key, width) & mask;
}

/* Twice the slots, rehashed. */
static int
grow(struct keyset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 8, w = s->width, i, k;
	uint8_t *slots = calloc(cap, w), *old;

	if (slots == NULL)
		return -1;
	for (i = 0; i < s->cap; i++) {
		old = s->slots + i * w;
		if (memcmp(old, zero_key, w) == 0)
			continue;
		for (k = slot_of(old, w, cap - 1);
		    memcmp(slots + k * w, zero_key, w) != 0;
		    k = (k + 1) & (cap - 1))
			;
		memcpy(slots + k * w, old, w);
	}
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
	return 0;
}

void
keyset_add(struct keyset *s, const uint8_t *key)
{
	size_t w = s->width, k;
	uint8_t *slot;

	if (memcmp(key, zero_key, w) == 0) {
		s->n += !s->zero;
		s->zero = 1;
		return;
	}
	if (2 * (s->n + 1) > s->cap && grow(s) < 0)
		return;
	for (k = slot_of(key, w, s->cap - 1);
	    memcmp(slot = s->slots + k * w, zero_key, w) != 0;
	    k = (k + 1) & (s->cap - 1))
		if (memcmp(slot, key, w) == 0)
			return;
	memcpy(slot, key, w);
	s->n++;
}

void
keyset_free(struct keyset *s)
{
	free(s->slots);
	keyset_init(s, s->width);
}
