/*
 * fuzz_check.h - what the fuzz targets share: an invariant check that
 * aborts (libFuzzer then keeps the input as a crash) and input readers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_FUZZ_CHECK_H
#define RDPNEG_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdpneg/rdpneg.h"

#define CHECK(x) do {							\
	if (!(x)) {							\
		fprintf(stderr, "INVARIANT FAILED: %s (%s:%d)\n", #x,	\
		    __FILE__, __LINE__);				\
		abort();						\
	}								\
} while (0)

/* Bytes of the fuzzer's input consumed front to back; zeros when empty. */
struct fuzz_in {
	const uint8_t	*p;
	size_t		 n;
};

static inline uint8_t
in_u8(struct fuzz_in *in)
{
	uint8_t v = 0;

	if (in->n > 0) {
		v = *in->p++;
		in->n--;
	}
	return v;
}

static inline uint16_t
in_u16(struct fuzz_in *in)
{
	uint16_t v = in_u8(in);

	return (uint16_t)(v << 8 | in_u8(in));
}

static inline uint32_t
in_u32(struct fuzz_in *in)
{
	uint32_t v = in_u16(in);

	return v << 16 | in_u16(in);
}

static inline uint64_t
in_u64(struct fuzz_in *in)
{
	uint64_t v = in_u32(in);

	return v << 32 | in_u32(in);
}

/* Up to max bytes, the count given by the next input byte. */
static inline size_t
in_bytes(struct fuzz_in *in, size_t max, const uint8_t **p)
{
	size_t n = in_u8(in);

	if (n > max)
		n = max;
	if (n > in->n)
		n = in->n;
	*p = in->p;
	in->p += n;
	in->n -= n;
	return n;
}

/* One segment of a walker's input: its direction (the next byte's low
 * bit) and up to the next 16-bit count of bytes; 0 at the end. */
static inline int
in_segment(struct fuzz_in *in, int *from_client, const uint8_t **p,
    size_t *n)
{
	size_t want;

	if (in->n == 0)
		return 0;
	*from_client = in_u8(in) & 1;
	want = in_u16(in);
	if (want > in->n)
		want = in->n;
	*p = in->p;
	*n = want;
	in->p += want;
	in->n -= want;
	return 1;
}

/* Is s NUL-terminated within max bytes? */
static inline int
nul_within(const char *s, size_t max)
{
	size_t i;

	for (i = 0; i < max; i++)
		if (s[i] == '\0')
			return 1;
	return 0;
}

/* A copy in an exact-size allocation, so ASan sees a 1-byte over-read. */
static inline uint8_t *
dup_exact(const uint8_t *data, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	CHECK(p != NULL);
	if (n)
		memcpy(p, data, n);
	return p;
}

/* A span a decoder lent: inside buf[0..len). */
static inline void
check_span(const struct rdpneg_span *s, const uint8_t *buf, size_t len)
{
	if (s->len == 0)
		return;
	CHECK(s->ptr != NULL);
	CHECK(s->ptr >= buf && s->ptr <= buf + len);
	CHECK(s->len <= len - (size_t)(s->ptr - buf));
}

#endif /* RDPNEG_FUZZ_CHECK_H */
