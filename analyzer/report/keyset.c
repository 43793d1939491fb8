/*
 * keyset.c - distinct fixed-width keys (keyset.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "report/hindex.h"
#include "report/hll.h"
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

/* The slot holding key (not all-zero), or the free slot where it goes. */
static uint8_t *
slot_for(const struct keyset *s, const uint8_t *key)
{
	size_t w = s->width, k;
	uint8_t *slot;

	for (k = slot_of(key, w, s->cap - 1);
	    memcmp(slot = s->slots + k * w, zero_key, w) != 0;
	    k = (k + 1) & (s->cap - 1))
		if (memcmp(slot, key, w) == 0)
			break;
	return slot;
}

/* Every key of the set into a sketch, which replaces the set. */
static int
to_sketch(struct keyset *s)
{
	size_t w = s->width, i;

	if ((s->hll = calloc(HLL_M, 1)) == NULL)
		return -1;
	for (i = 0; i < s->cap; i++)
		if (memcmp(s->slots + i * w, zero_key, w) != 0)
			hll_add(s->hll, s->slots + i * w, w);
	if (s->zero)
		hll_add(s->hll, zero_key, w);
	free(s->slots);
	s->slots = NULL;
	s->cap = 0;
	s->n = 0;
	s->zero = 0;
	return 0;
}

void
keyset_add(struct keyset *s, const uint8_t *key)
{
	size_t w = s->width;
	uint8_t *slot = NULL;

	if (s->hll != NULL) {
		hll_add(s->hll, key, w);
		return;
	}
	if (memcmp(key, zero_key, w) == 0) {
		if (s->zero)
			return;
	} else {
		if (s->cap == 0 && grow(s) < 0)
			return;
		if (memcmp(slot = slot_for(s, key), key, w) == 0)
			return;
	}
	/* A new key. */
	if (s->n == KEYSET_EXACT_MAX) {
		if (to_sketch(s) == 0)
			hll_add(s->hll, key, w);
		return;
	}
	if (slot == NULL) {
		s->zero = 1;
		s->n++;
		return;
	}
	if (2 * (s->n + 1) > s->cap) {
		if (grow(s) < 0)
			return;
		slot = slot_for(s, key);
	}
	memcpy(slot, key, w);
	s->n++;
}

size_t
keyset_count(const struct keyset *s)
{
	return s->hll != NULL ? hll_estimate(s->hll) : s->n;
}

int
keyset_estimated(const struct keyset *s)
{
	return s->hll != NULL;
}

void
keyset_free(struct keyset *s)
{
	free(s->slots);
	free(s->hll);
	keyset_init(s, s->width);
}
