/*
 * cursor.h - a bounds-checked reader over an untrusted byte span.
 *
 * Every read checks and advances in one call, so a field's width and the
 * cursor's advance cannot drift apart.  The first failed read sets a sticky
 * status; later reads return 0 and change nothing.
 *
 * Two limits are kept apart, as tcpdump's truncation vs invalid and
 * Wireshark's BoundsError vs ReportedBoundsError:
 *   end   the structure's declared end (from a length field): reading past
 *         it means the structure is malformed (RDPNEG_ERR_NEG_SHORT, or
 *         the status given to cur_init_short(): each protocol names its
 *         own);
 *   avail the bytes the caller actually has: reading past them (but inside
 *         end) means "not yet" (RDPNEG_TRUNCATED).
 * Comparisons are written as "n > limit - off" so they cannot overflow.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_CURSOR_H
#define RDPNEG_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#include "rdpneg/rdpneg.h"

struct cursor {
	const uint8_t		*buf;
	size_t			 off;
	size_t			 end;	/* declared end of the structure */
	size_t			 avail;	/* bytes present, <= end */
	enum rdpneg_status	 st;
	enum rdpneg_status	 short_st;	/* a read past end */
};

static inline void
cur_init_short(struct cursor *c, const uint8_t *buf, size_t len, size_t end,
    enum rdpneg_status short_st)
{
	c->buf = buf;
	c->off = 0;
	c->end = end;
	c->avail = len < end ? len : end;
	c->st = RDPNEG_OK;
	c->short_st = short_st;
}

static inline void
cur_init(struct cursor *c, const uint8_t *buf, size_t len, size_t end)
{
	cur_init_short(c, buf, len, end, RDPNEG_ERR_NEG_SHORT);
}

/* Make n more bytes readable, or fail with the right status. */
static inline int
cur_need(struct cursor *c, size_t n)
{
	if (c->st != RDPNEG_OK)
		return 0;
	if (n > c->end - c->off) {
		c->st = c->short_st;
		return 0;
	}
	if (n > c->avail - c->off) {
		c->st = RDPNEG_TRUNCATED;
		return 0;
	}
	return 1;
}

/* Bytes left before the declared end. */
static inline size_t
cur_left(const struct cursor *c)
{
	return c->end - c->off;
}

/* The next byte without consuming it; -1 when none is available. */
static inline int
cur_peek(const struct cursor *c)
{
	if (c->st != RDPNEG_OK || c->off >= c->avail)
		return -1;
	return c->buf[c->off];
}

static inline uint8_t
cur_u8(struct cursor *c)
{
	if (!cur_need(c, 1))
		return 0;
	return c->buf[c->off++];
}

static inline uint16_t
cur_be16(struct cursor *c)
{
	uint16_t v;

	if (!cur_need(c, 2))
		return 0;
	v = (uint16_t)((unsigned)c->buf[c->off] << 8 | c->buf[c->off + 1]);
	c->off += 2;
	return v;
}

static inline uint32_t
cur_be24(struct cursor *c)
{
	uint32_t v;

	if (!cur_need(c, 3))
		return 0;
	v = (uint32_t)c->buf[c->off] << 16 |
	    (uint32_t)c->buf[c->off + 1] << 8 |
	    (uint32_t)c->buf[c->off + 2];
	c->off += 3;
	return v;
}

static inline uint16_t
cur_le16(struct cursor *c)
{
	uint16_t v;

	if (!cur_need(c, 2))
		return 0;
	v = (uint16_t)(c->buf[c->off] | (unsigned)c->buf[c->off + 1] << 8);
	c->off += 2;
	return v;
}

static inline uint32_t
cur_le32(struct cursor *c)
{
	uint32_t v;

	if (!cur_need(c, 4))
		return 0;
	v = (uint32_t)c->buf[c->off] |
	    (uint32_t)c->buf[c->off + 1] << 8 |
	    (uint32_t)c->buf[c->off + 2] << 16 |
	    (uint32_t)c->buf[c->off + 3] << 24;
	c->off += 4;
	return v;
}

/* Lend the next n bytes as a span into the caller's buffer. */
static inline int
cur_span(struct cursor *c, size_t n, struct rdpneg_span *out)
{
	if (!cur_need(c, n))
		return 0;
	out->ptr = c->buf + c->off;
	out->len = n;
	c->off += n;
	return 1;
}

/* Step over n bytes. */
static inline int
cur_skip(struct cursor *c, size_t n)
{
	if (!cur_need(c, n))
		return 0;
	c->off += n;
	return 1;
}

/* Fail with a semantic error (malformed) unless already failed. */
static inline void
cur_fail(struct cursor *c, enum rdpneg_status st)
{
	if (c->st == RDPNEG_OK)
		c->st = st;
}

#endif /* RDPNEG_CURSOR_H */
