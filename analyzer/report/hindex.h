/*
 * hindex.h - a hash index over an array of records that the caller owns
 * (the summary's servers, the findings): open addressing with linear
 * probing, at most half full; a slot holds a record's position + 1.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_HINDEX_H
#define RDPNEG_HINDEX_H

#include <stddef.h>
#include <stdint.h>

struct hindex {
	size_t	*slots;
	size_t	 nslots;	/* a power of two, or 0 */
};

/* Record i's hash, and whether record i holds key. */
typedef uint32_t (*hindex_hash_fn)(size_t i, const void *records);
typedef int (*hindex_same_fn)(size_t i, const void *records,
    const void *key);

/*
 * The slot of key (hash h) among the n records: the one holding its
 * record (*slot != 0), or the free slot where a record n for it goes.
 * Rebuilds the index with twice the slots when a record more would fill
 * it past half.  NULL: out of memory.
 */
size_t *hindex_slot(struct hindex *x, uint32_t h, const void *key,
    const void *records, size_t n, hindex_hash_fn hash,
    hindex_same_fn same);

void hindex_free(struct hindex *x);

/*
 * The caller's array v of n records of size bytes (room for *cap) with
 * room for one more: v itself, or v reallocated to twice its room (first
 * records when it has none).  NULL when out of memory; v is then
 * unchanged.
 */
void *hindex_room(void *v, size_t n, size_t *cap, size_t first, size_t size);

/* FNV-1a over len bytes, from h (2166136261u to start). */
uint32_t hindex_fnv(uint32_t h, const void *p, size_t len);

#endif /* RDPNEG_HINDEX_H */
