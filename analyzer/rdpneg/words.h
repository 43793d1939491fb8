/*
 * words.h - a text of whole items, as the library's name functions write
 * it (rdpneg_bits_str(), tls_text.h): each item, its separator with it,
 * goes in whole or not at all, and after the first that does not fit
 * none; the full text's length is counted either way.  Internal to the
 * library.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_WORDS_H
#define RDPNEG_WORDS_H

#include <stddef.h>
#include <stdint.h>

#include "rdpneg/rdpneg.h"

struct words {
	char	*buf;
	size_t	 size;
	size_t	 used;		/* bytes written, before the NUL */
	size_t	 need;		/* bytes of the full text */
	int	 stopped;	/* an item did not fit: write no more */
};

/* Start an empty text in buf (size bytes; none written when 0). */
void words_init(struct words *w, char *buf, size_t size);

/* Append sep and s together if they fit whole with the NUL. */
void words_put(struct words *w, const char *sep, const char *s);

/* Append sep and value's name in table, or value in hexfmt when the
 * table has no name for it. */
void words_name(struct words *w, const char *sep,
    const struct rdpneg_tok *table, uint32_t value, const char *hexfmt);

#endif /* RDPNEG_WORDS_H */
