/*
 * keyset.h - counts the distinct fixed-width keys (client addresses,
 * hashed user names) of a server or a diagnosis.  Exact while there are at
 * most KEYSET_EXACT_MAX of them: a set with open addressing and linear
 * probing, at most half full, so that each key costs a few lookups.  One
 * distinct key more and the set becomes a HyperLogLog sketch (hll.h: 16
 * KiB, a standard error of about 0.81 %), so that a flood from a million
 * sources costs no more memory than one from a hundred thousand.
 * Every key the set held goes into the sketch, and registers only keep
 * maxima: the count depends on the keys added, not on their order.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_KEYSET_H
#define RDPNEG_KEYSET_H

#include <stddef.h>
#include <stdint.h>

#define KEYSET_WIDTH_MAX	16
#define KEYSET_EXACT_MAX	65536	/* distinct keys counted exactly */

/* Read through keyset_count() and keyset_estimated(). */
struct keyset {
	uint8_t	*slots;		/* cap keys; all-zero is a free slot */
	uint8_t	*hll;		/* HLL_M registers once estimated, else NULL */
	size_t	 width;		/* bytes per key, 1 to KEYSET_WIDTH_MAX */
	size_t	 cap;		/* a power of two, or 0 */
	size_t	 n;		/* exact: distinct keys, the all-zero one too */
	int	 zero;		/* the all-zero key seen (counted apart) */
};

void keyset_init(struct keyset *s, size_t width);

/* Count key (s->width bytes) once.  Out of memory, it is not counted. */
void keyset_add(struct keyset *s, const uint8_t *key);

/* The distinct keys: exact, or the sketch's estimate (rounded). */
size_t keyset_count(const struct keyset *s);

/* Whether keyset_count() is an estimate. */
int keyset_estimated(const struct keyset *s);

void keyset_free(struct keyset *s);

#endif /* RDPNEG_KEYSET_H */
