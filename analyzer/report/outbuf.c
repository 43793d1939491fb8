/*
 * outbuf.c - the append buffer of the text report.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "report/outbuf.h"

void
outbuf_init(struct outbuf *ob, FILE *out)
{
	ob->out = out;
	ob->used = 0;
}

void
outbuf_flush(struct outbuf *ob)
{
	/* A short write leaves the error on the FILE for ferror. */
	if (ob->used > 0)
		(void)fwrite(ob->buf, 1, ob->used, ob->out);
	ob->used = 0;
}

void
outbuf_write_slow(struct outbuf *ob, const void *p, size_t n)
{
	outbuf_flush(ob);
	if (n > sizeof(ob->buf)) {
		(void)fwrite(p, 1, n, ob->out);
		return;
	}
	memcpy(ob->buf, p, n);
	ob->used = n;
}

void
outbuf_u64(struct outbuf *ob, uint64_t v)
{
	char digits[20];	/* 18446744073709551615 */
	size_t i = sizeof(digits);

	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	outbuf_write(ob, digits + i, sizeof(digits) - i);
}
