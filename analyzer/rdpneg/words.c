/*
 * words.c - a text of whole items (words.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "rdpneg/words.h"

void
words_init(struct words *w, char *buf, size_t size)
{
	w->buf = buf;
	w->size = size;
	w->used = 0;
	w->need = 0;
	w->stopped = 0;
	if (size > 0)
		buf[0] = '\0';
}

void
words_put(struct words *w, const char *sep, const char *s)
{
	size_t ls = strlen(sep), len = ls + strlen(s);

	w->need += len;
	if (w->stopped || w->size == 0 || w->used + len >= w->size) {
		w->stopped = 1;
		return;
	}
	memcpy(w->buf + w->used, sep, ls);
	memcpy(w->buf + w->used + ls, s, len - ls);
	w->used += len;
	w->buf[w->used] = '\0';
}

void
words_name(struct words *w, const char *sep, const struct rdpneg_tok *table,
    uint32_t value, const char *hexfmt)
{
	const char *name = rdpneg_tok_str(table, value);
	char hex[48];		/* hexfmt's words and 8 hex digits */

	if (name == NULL) {
		snprintf(hex, sizeof(hex), hexfmt, value);
		name = hex;
	}
	words_put(w, sep, name);
}
