/*
 * test_keyset.c - the distinct-key counter (report/keyset.c) and its
 * HyperLogLog sketch (report/hll.c): exact up to KEYSET_EXACT_MAX keys,
 * then an estimate within 3 % (the sketch's standard error is 0.81 %),
 * the same whatever the order of the keys and however often each comes,
 * and the exact set's memory given back.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "report/keyset.h"

/* Key i of width bytes: i big-endian in the last four bytes, the others
 * those of 2001:db8::/32 for 16-byte keys, so that keys differ only in
 * their last bytes, as neighbouring addresses do. */
static void
key_of(uint32_t i, size_t width, uint8_t *key)
{
	memset(key, 0, width);
	if (width == 16)
		memcpy(key, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8 }, 4);
	key[width - 4] = (uint8_t)(i >> 24);
	key[width - 3] = (uint8_t)(i >> 16);
	key[width - 2] = (uint8_t)(i >> 8);
	key[width - 1] = (uint8_t)i;
}

/* Keys first .. first + n - 1, in order. */
static void
add_range(struct keyset *s, uint32_t first, uint32_t n)
{
	uint8_t key[KEYSET_WIDTH_MAX];
	uint32_t i;

	for (i = 0; i < n; i++) {
		key_of(first + i, s->width, key);
		keyset_add(s, key);
	}
}

static void
assert_within_3_percent(size_t count, size_t n)
{
	double err = ((double)count - (double)n) / (double)n;

	cr_assert(err > -0.03 && err < 0.03,
	    "%zu distinct keys estimated as %zu (%+.2f %%)", n, count,
	    100 * err);
}

Test(keyset, counts_distinct_keys_zero_included)
{
	struct keyset s;
	uint8_t key[4] = { 0 };
	uint32_t i;

	keyset_init(&s, sizeof(key));
	keyset_add(&s, key);
	keyset_add(&s, key);
	cr_assert_eq(keyset_count(&s), 1, "the all-zero key once");
	for (i = 1; i <= 10000; i++) {
		memcpy(key, &i, sizeof(i));
		keyset_add(&s, key);
		keyset_add(&s, key);
	}
	cr_assert_eq(keyset_count(&s), 10001);
	cr_assert_not(keyset_estimated(&s));
	cr_assert_leq(2 * keyset_count(&s), s.cap, "at most half full");
	keyset_free(&s);
	cr_assert_eq(keyset_count(&s), 0);
}

Test(keyset, exact_up_to_the_threshold)
{
	struct keyset s;

	keyset_init(&s, 4);
	add_range(&s, 1, 1000);
	cr_assert_eq(keyset_count(&s), 1000);
	cr_assert_not(keyset_estimated(&s));
	add_range(&s, 1, KEYSET_EXACT_MAX);
	cr_assert_eq(keyset_count(&s), KEYSET_EXACT_MAX);
	cr_assert_not(keyset_estimated(&s), "exact at the threshold");
	add_range(&s, 1, KEYSET_EXACT_MAX);
	cr_assert_not(keyset_estimated(&s), "a known key is not one more");
	keyset_free(&s);

	/* The all-zero key counts as one of them. */
	keyset_init(&s, 4);
	add_range(&s, 0, KEYSET_EXACT_MAX);
	cr_assert_eq(keyset_count(&s), KEYSET_EXACT_MAX);
	cr_assert_not(keyset_estimated(&s));
	keyset_free(&s);
}

Test(keyset, one_key_more_frees_the_set_for_a_sketch)
{
	struct keyset s;

	keyset_init(&s, 16);
	add_range(&s, 1, KEYSET_EXACT_MAX);
	cr_assert_not_null(s.slots);
	add_range(&s, KEYSET_EXACT_MAX + 1, 1);
	cr_assert(keyset_estimated(&s));
	cr_assert_null(s.slots, "the exact set is freed");
	cr_assert_eq(s.cap, 0);
	cr_assert_not_null(s.hll);
	assert_within_3_percent(keyset_count(&s), KEYSET_EXACT_MAX + 1);
	keyset_free(&s);
	cr_assert_null(s.hll);
	cr_assert_not(keyset_estimated(&s));
}

/* n keys of width bytes: estimated within 3 %, twice the same. */
static void
check_estimate(size_t width, uint32_t n)
{
	struct keyset a, b;

	keyset_init(&a, width);
	keyset_init(&b, width);
	add_range(&a, 1, n);
	add_range(&b, 1, n);
	cr_assert(keyset_estimated(&a));
	assert_within_3_percent(keyset_count(&a), n);
	cr_assert_eq(keyset_count(&a), keyset_count(&b), "deterministic");
	keyset_free(&a);
	keyset_free(&b);
}

Test(keyset, estimates_100k_4_byte_keys)
{
	check_estimate(4, 100000);
}

Test(keyset, estimates_1m_4_byte_keys)
{
	check_estimate(4, 1000000);
}

Test(keyset, estimates_100k_16_byte_keys)
{
	check_estimate(16, 100000);
}

Test(keyset, estimates_1m_16_byte_keys)
{
	check_estimate(16, 1000000);
}

/* xorshift32: a fixed shuffle, the same on every run. */
static uint32_t
next(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

Test(keyset, the_same_count_whatever_the_order)
{
	enum { N = 300000 };
	struct keyset in_order, shuffled;
	uint32_t *perm, i, j, t, x = 2463534242u;
	uint8_t key[16];

	cr_assert_not_null(perm = malloc(N * sizeof(*perm)));
	for (i = 0; i < N; i++)
		perm[i] = i;	/* 0: the all-zero key too */
	for (i = N - 1; i > 0; i--) {
		j = next(&x) % (i + 1);
		t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	keyset_init(&in_order, 16);
	keyset_init(&shuffled, 16);
	add_range(&in_order, 0, N);
	for (i = 0; i < N; i++) {
		key_of(perm[i], 16, key);
		keyset_add(&shuffled, key);
	}
	cr_assert(keyset_estimated(&shuffled));
	cr_assert_eq(keyset_count(&shuffled), keyset_count(&in_order),
	    "shuffled %zu, in order %zu", keyset_count(&shuffled),
	    keyset_count(&in_order));
	assert_within_3_percent(keyset_count(&shuffled), N);
	keyset_free(&in_order);
	keyset_free(&shuffled);
	free(perm);
}

Test(keyset, duplicates_leave_an_estimate)
{
	struct keyset s;
	size_t count;

	keyset_init(&s, 4);
	add_range(&s, 1, 200000);
	count = keyset_count(&s);
	add_range(&s, 1, 200000);
	add_range(&s, 50000, 1000);
	cr_assert_eq(keyset_count(&s), count);
	keyset_free(&s);
}

Test(keyset, the_zero_key_before_or_after_the_sketch)
{
	struct keyset before, after;

	keyset_init(&before, 4);
	keyset_init(&after, 4);
	add_range(&before, 0, 1);
	add_range(&before, 1, 100000);
	add_range(&after, 1, 100000);
	add_range(&after, 0, 1);
	cr_assert_eq(keyset_count(&before), keyset_count(&after));
	keyset_free(&before);
	keyset_free(&after);
}
