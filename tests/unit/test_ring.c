/*
 * test_ring.c - the producer thread and its ring of chunks (cli/ring.h):
 * order, odd sizes, the producer's end and errors, stopping early.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "batch/ring.h"

/* Produces bytes i % 251 for i < total, in fills of varying size; fails
 * with fail_errno once total bytes are out, when it is set. */
struct counter {
	uint64_t	next;
	uint64_t	total;
	int		fail_errno;
	unsigned	fills;
};

static ssize_t
fill_counter(void *arg, uint8_t *buf, size_t size)
{
	struct counter *c = arg;
	size_t n = 1 + (c->fills++ * 7919u) % size, i;	/* 1..size */

	if (c->next == c->total) {
		if (c->fail_errno == 0)
			return 0;
		errno = c->fail_errno;
		return -1;
	}
	if (n > c->total - c->next)
		n = (size_t)(c->total - c->next);
	for (i = 0; i < n; i++)
		buf[i] = (uint8_t)((c->next + i) % 251);
	c->next += n;
	return (ssize_t)n;
}

/* Read the ring's byte stream in reads of varying size; bytes read. */
static uint64_t
read_all(struct ring *r, int *status, int *err)
{
	uint8_t buf[1000];
	uint64_t got = 0;
	size_t want;
	ssize_t n, i;
	unsigned k = 0;

	for (;;) {
		want = 1 + (k++ * 131u) % sizeof(buf);
		errno = 0;
		n = ring_read(r, buf, want);
		if (n <= 0) {
			*status = (int)n;
			*err = errno;
			return got;
		}
		cr_assert_leq((size_t)n, want);
		for (i = 0; i < n; i++)
			cr_assert_eq(buf[i], (got + (uint64_t)i) % 251,
			    "byte %llu", (unsigned long long)(got +
			    (uint64_t)i));
		got += (uint64_t)n;
	}
}

Test(ring, bytes_in_order_then_end)
{
	struct counter c = { 0, 300000, 0, 0 };
	struct ring *r = ring_start(fill_counter, &c, 4096, 3);
	int status, err;

	cr_assert_not_null(r);
	cr_assert_eq(read_all(r, &status, &err), 300000);
	cr_assert_eq(status, 0);
	/* The end stays the end. */
	cr_assert_eq(ring_read(r, (uint8_t[1]){ 0 }, 1), 0);
	ring_stop(r);
}

Test(ring, error_after_bytes)
{
	struct counter c = { 0, 50000, EIO, 0 };
	struct ring *r = ring_start(fill_counter, &c, 1024, 2);
	int status, err;

	cr_assert_not_null(r);
	cr_assert_eq(read_all(r, &status, &err), 50000,
	    "every byte before the error is delivered");
	cr_assert_eq(status, -1);
	cr_assert_eq(err, EIO);
	errno = 0;
	cr_assert_eq(ring_read(r, (uint8_t[1]){ 0 }, 1), -1);
	cr_assert_eq(errno, EIO, "the error stays");
	ring_stop(r);
}

/* A producer that never ends: stopping must not wait for its end. */
Test(ring, stop_early)
{
	struct counter c = { 0, UINT64_MAX, 0, 0 };
	struct ring *r = ring_start(fill_counter, &c, 512, 2);
	uint8_t buf[100];

	cr_assert_not_null(r);
	cr_assert_gt(ring_read(r, buf, sizeof(buf)), 0);
	ring_stop(r);
	cr_assert_lt(c.next, 10 * 512, "the producer ran only a few chunks "
	    "ahead");
}

Test(ring, stop_before_reading)
{
	struct counter c = { 0, UINT64_MAX, 0, 0 };

	ring_stop(ring_start(fill_counter, &c, 512, 2));
	cr_assert_lt(c.next, 10 * 512);
}

Test(ring, bad_sizes)
{
	struct counter c = { 0, 10, 0, 0 };

	errno = 0;
	cr_assert_null(ring_start(fill_counter, &c, 512, 1));
	cr_assert_eq(errno, EINVAL);
	cr_assert_null(ring_start(fill_counter, &c, 0, 4));
	cr_assert_null(ring_start(fill_counter, &c, 512, 1000));
}
