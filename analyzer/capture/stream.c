/*
 * stream.c - bounded reassembly of a TCP byte stream's first bytes.
 *
 * Offsets are sequence numbers minus the base, computed modulo 2^32, so
 * wrap-around needs no special case: a segment that starts "before" the
 * base has an offset >= 2^31 and only its tail (if any) is used.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "capture/stream.h"

#define STREAM_MIN_ALLOC	256u
#define NOT_CUT			UINT32_MAX

void
stream_init(struct stream *s, uint32_t base, uint32_t limit)
{
	memset(s, 0, sizeof(*s));
	s->base = base;
	s->limit = limit;
	s->cut_at = NOT_CUT;
}

void
stream_free(struct stream *s)
{
	free(s->data);
	free(s->filled);
	s->data = NULL;
	s->filled = NULL;
	s->size = 0;
}

static int
stream_grow(struct stream *s, uint32_t need)
{
	uint32_t size = s->size ? s->size : STREAM_MIN_ALLOC;
	uint8_t *data, *filled;

	while (size < need)
		size *= 2;
	if (size > s->limit)
		size = s->limit;
	if (size <= s->size)
		return 0;
	data = realloc(s->data, size);
	if (data == NULL)
		return -1;
	s->data = data;
	filled = realloc(s->filled, (size + 7) / 8);
	if (filled == NULL)
		return -1;
	memset(filled + (s->size + 7) / 8, 0, (size + 7) / 8 - (s->size + 7) / 8);
	s->filled = filled;
	s->size = size;
	return 0;
}

static int
is_filled(const struct stream *s, uint32_t i)
{
	return (s->filled[i / 8] >> (i % 8)) & 1;
}

/* Mark bytes [from, to) present. */
static void
mark(struct stream *s, uint32_t from, uint32_t to)
{
	for (; from < to && from % 8 != 0; from++)
		s->filled[from / 8] |= (uint8_t)(1u << (from % 8));
	if (to - from >= 8) {
		memset(s->filled + from / 8, 0xff, (to - from) / 8);
		from += (to - from) / 8 * 8;
	}
	for (; from < to; from++)
		s->filled[from / 8] |= (uint8_t)(1u << (from % 8));
}

int
stream_add(struct stream *s, uint32_t seq, const uint8_t *data,
    size_t caplen, size_t len)
{
	uint32_t off = seq - s->base;	/* modulo 2^32 */
	uint32_t skip = 0, end, i, old = s->contig;
	uint64_t wire_end;

	if (len < caplen)
		len = caplen;
	if (off >= 0x80000000u) {	/* starts before byte 0 */
		skip = 0u - off;
		if (skip >= len)
			return 0;
		off = 0;
	}
	wire_end = (uint64_t)off + (len - skip);
	if (caplen < len && (uint64_t)off + (caplen > skip ? caplen - skip : 0) <
	    s->limit) {
		uint32_t cut = off + (uint32_t)(caplen > skip ? caplen - skip : 0);

		if (cut < s->cut_at)
			s->cut_at = cut;
	}
	if (caplen <= skip || off >= s->limit) {
		if (wire_end > s->limit)
			s->overflow = 1;
		return 0;
	}
	data += skip;
	caplen -= skip;
	end = caplen > s->limit - off ? s->limit : off + (uint32_t)caplen;
	if (wire_end > s->limit)
		s->overflow = 1;
	if (end > s->size && stream_grow(s, end) < 0)
		return -1;
	if (off <= s->contig && s->high <= s->contig) {
		/* In order, nothing held past contig: one copy (first wins). */
		if (end > s->contig) {
			memcpy(s->data + s->contig, data + (s->contig - off),
			    end - s->contig);
			mark(s, s->contig, end);
			s->contig = s->high = end;
		}
	} else
		for (i = off; i < end; i++) {
			if (is_filled(s, i))
				continue;
			s->data[i] = data[i - off];
			s->filled[i / 8] |= (uint8_t)(1u << (i % 8));
		}
	if (end > s->high)
		s->high = end;
	while (s->contig < s->size && is_filled(s, s->contig))
		s->contig++;
	if (s->cut_at != NOT_CUT && s->cut_at < s->contig)
		s->cut_at = NOT_CUT;	/* a retransmission filled it */
	return s->contig > old;
}

int
stream_stuck_on_cut(const struct stream *s)
{
	return s->cut_at != NOT_CUT && s->cut_at == s->contig;
}
