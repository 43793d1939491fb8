/*
 * outbuf.h - an append buffer in front of a FILE, for a report that writes
 * many small pieces: appending is a memcpy into a fixed buffer, written out
 * with fwrite when the buffer fills and on outbuf_flush.  Write errors stay
 * on the FILE (ferror), as with stdio.  Nothing is allocated.
 *
 * The caller owns the struct; one thread uses it at a time.  Flush it before
 * anything else writes to the same FILE.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_OUTBUF_H
#define RDPNEG_OUTBUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define OUTBUF_SIZE	(64 * 1024)

struct outbuf {
	FILE	*out;
	size_t	 used;
	char	 buf[OUTBUF_SIZE];
};

void outbuf_init(struct outbuf *ob, FILE *out);

/* Write what is buffered to the FILE (not fflush: stdio keeps its own). */
void outbuf_flush(struct outbuf *ob);

/* Appending more than the room left: flush first, or write through. */
void outbuf_write_slow(struct outbuf *ob, const void *p, size_t n);

static inline void
outbuf_write(struct outbuf *ob, const void *p, size_t n)
{
	if (n > sizeof(ob->buf) - ob->used) {
		outbuf_write_slow(ob, p, n);
		return;
	}
	memcpy(ob->buf + ob->used, p, n);
	ob->used += n;
}

static inline void
outbuf_putc(struct outbuf *ob, char c)
{
	if (ob->used == sizeof(ob->buf))
		outbuf_flush(ob);
	ob->buf[ob->used++] = c;
}

/* A string literal, its length known at compile time. */
#define outbuf_lit(ob, s)	outbuf_write((ob), "" s, sizeof(s) - 1)

static inline void
outbuf_puts(struct outbuf *ob, const char *s)
{
	outbuf_write(ob, s, strlen(s));
}

/* An unsigned decimal number, as "%" PRIu64. */
void outbuf_u64(struct outbuf *ob, uint64_t v);

#define OUTBUF_LABEL_WIDTH	10

/* A report label, as "  %-10s ": indented, padded to 10 columns.  Inline,
 * so that a constant label's length is known at compile time. */
static inline void
outbuf_label(struct outbuf *ob, const char *label)
{
	static const char spaces[] = "            ";	/* 12 */
	size_t len = strlen(label);

	outbuf_lit(ob, "  ");
	outbuf_write(ob, label, len);
	/* The padding, then the space before the value. */
	outbuf_write(ob, spaces, len < OUTBUF_LABEL_WIDTH ?
	    OUTBUF_LABEL_WIDTH - len + 1 : 1);
}

#endif /* RDPNEG_OUTBUF_H */
