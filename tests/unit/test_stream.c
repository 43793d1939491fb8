/*
 * test_stream.c - TCP reassembly of a stream's first bytes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <criterion/criterion.h>
#include <string.h>

#include "capture/stream.h"

#define LIMIT 64u

static const uint8_t text[] = "0123456789abcdefghijklmnopqrstuvwxyz";

/* Offer bytes [from, to) of text at sequence base + from. */
static int
add(struct stream *s, uint32_t base, size_t from, size_t to)
{
	return stream_add(s, base + (uint32_t)from, text + from, to - from,
	    to - from);
}

static void
assert_prefix(const struct stream *s, size_t n)
{
	cr_assert_eq(s->contig, n, "contig %u, expected %zu", s->contig, n);
	cr_assert(memcmp(s->data, text, n) == 0);
}

Test(stream, in_order)
{
	struct stream s;

	stream_init(&s, 1000, LIMIT);
	cr_assert_eq(add(&s, 1000, 0, 10), 1);
	cr_assert_eq(add(&s, 1000, 10, 20), 1);
	assert_prefix(&s, 20);
	stream_free(&s);
}

Test(stream, out_of_order_then_gap_filled)
{
	struct stream s;

	stream_init(&s, 1000, LIMIT);
	cr_assert_eq(add(&s, 1000, 20, 30), 0);
	cr_assert_eq(add(&s, 1000, 10, 20), 0);
	cr_assert_eq(s.contig, 0);
	cr_assert_eq(add(&s, 1000, 0, 10), 1);
	assert_prefix(&s, 30);
	stream_free(&s);
}

Test(stream, retransmission_changes_nothing)
{
	struct stream s;

	stream_init(&s, 7, LIMIT);
	add(&s, 7, 0, 12);
	cr_assert_eq(add(&s, 7, 0, 12), 0);
	assert_prefix(&s, 12);
	stream_free(&s);
}

Test(stream, overlap_first_copy_wins)
{
	struct stream s;
	uint8_t other[20];

	memset(other, 'X', sizeof(other));
	stream_init(&s, 0, LIMIT);
	add(&s, 0, 0, 15);
	/* Bytes 10..29: 10..14 overlap and must keep the first copy. */
	cr_assert_eq(stream_add(&s, 10, other, 20, 20), 1);
	cr_assert_eq(s.contig, 30);
	cr_assert(memcmp(s.data, text, 15) == 0);
	cr_assert_eq(s.data[15], 'X');
	stream_free(&s);
}

Test(stream, sequence_wraps_around)
{
	struct stream s;
	uint32_t base = 0xfffffff8u;

	stream_init(&s, base, LIMIT);
	/* 8 bytes before the wrap, the rest after it (seq 0, 1, ...). */
	cr_assert_eq(add(&s, base, 8, 20), 0);
	cr_assert_eq(add(&s, base, 0, 8), 1);
	assert_prefix(&s, 20);
	stream_free(&s);
}

Test(stream, segment_starting_before_base_keeps_its_tail)
{
	struct stream s;

	stream_init(&s, 100, LIMIT);
	/* Seq 95..109: the first 5 bytes precede byte 0 and are dropped. */
	cr_assert_eq(stream_add(&s, 95, text, 15, 15), 1);
	cr_assert_eq(s.contig, 10);
	cr_assert(memcmp(s.data, text + 5, 10) == 0);
	stream_free(&s);
}

Test(stream, old_data_before_base_ignored)
{
	struct stream s;

	stream_init(&s, 100, LIMIT);
	cr_assert_eq(stream_add(&s, 90, text, 10, 10), 0);
	cr_assert_eq(s.contig, 0);
	cr_assert_null(s.data);
	stream_free(&s);
}

Test(stream, bounded_by_limit)
{
	struct stream s;
	uint8_t big[200];

	memset(big, 'a', sizeof(big));
	stream_init(&s, 0, LIMIT);
	stream_add(&s, 0, big, sizeof(big), sizeof(big));
	cr_assert_eq(s.contig, LIMIT);
	cr_assert(s.overflow);
	cr_assert_leq(s.size, LIMIT);
	/* Far beyond the limit: nothing stored, nothing allocated more. */
	cr_assert_eq(stream_add(&s, 5000, big, 10, 10), 0);
	cr_assert_leq(s.size, LIMIT);
	stream_free(&s);
}

Test(stream, snap_length_cut_is_known)
{
	struct stream s;

	stream_init(&s, 0, LIMIT);
	/* 10 bytes captured of 30 on the wire. */
	stream_add(&s, 0, text, 10, 30);
	cr_assert_eq(s.contig, 10);
	cr_assert(stream_stuck_on_cut(&s));
	/* A full retransmission fills the hole. */
	add(&s, 0, 0, 30);
	cr_assert_eq(s.contig, 30);
	cr_assert_not(stream_stuck_on_cut(&s));
	stream_free(&s);
}

Test(stream, many_tiny_overlapping_segments)
{
	struct stream s;
	size_t i;

	stream_init(&s, 0, LIMIT);
	for (i = 0; i + 3 <= sizeof(text) - 1; i++)
		add(&s, 0, i, i + 3);
	assert_prefix(&s, sizeof(text) - 1);
	stream_free(&s);
}

Test(stream, in_order_after_a_hole_keeps_the_later_bytes)
{
	struct stream s;

	/* In order (one copy), then bytes past a hole, then the hole and
	 * more: the copy that joins them must not overwrite held bytes. */
	stream_init(&s, 7, LIMIT);
	cr_assert_eq(add(&s, 7, 0, 5), 1);
	cr_assert_eq(add(&s, 7, 9, 20), 0);
	assert_prefix(&s, 5);
	cr_assert_eq(stream_add(&s, 7 + 5, (const uint8_t *)"5678XXXXXXXX",
	    12, 12), 1);
	assert_prefix(&s, 20);
	cr_assert_eq(add(&s, 7, 20, 30), 1);
	assert_prefix(&s, 30);
	stream_free(&s);
}
