/*
 * keyset.h - a set of fixed-width keys (client addresses, hashed user
 * names) that counts distinct ones: open addressing with linear probing,
 * at most half full, so that a flood from a million sources costs no more
 * than a few lookups each.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_KEYSET_H
#define RDPNEG_KEYSET_H

#include <stddef.h>
#include <stdint.h>

#define KEYSET_WIDTH_MAX	16

struct keyset {
	uint8_t	*slots;		/* cap keys; all-zero is a free slot */
	size_t	 width;		/* bytes per key, 1 to KEYSET_WIDTH_MAX */
	size_t	 cap;		/* a power of two, or 0 */
	size_t	 n;		/* distinct keys, the all-zero one included */
	int	 zero;		/* the all-zero key seen (counted apart) */
};

void keyset_init(struct keyset *s, size_t width);

/* Count key (s->width bytes) once.  Out of memory, it is not counted. */
void keyset_add(struct keyset *s, const uint8_t *key);

void keyset_free(struct keyset *s);

#endif /* RDPNEG_KEYSET_H */
