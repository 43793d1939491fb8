/*
 * hll.c - a HyperLogLog sketch (hll.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>

#include "report/hll.h"

/*
 * 64-bit FNV-1a, then murmur3's finaliser: FNV alone leaves the high bits,
 * which select the register, poorly mixed for keys that differ only in
 * their last bytes (neighbouring addresses); the finaliser makes every
 * output bit depend on every input bit.
 */
static uint64_t
hash64(const uint8_t *key, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= key[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

void
hll_add(uint8_t *reg, const uint8_t *key, size_t len)
{
	uint64_t h = hash64(key, len), rest;
	uint8_t rank = 1;
	uint8_t *r = &reg[h >> (64 - HLL_P)];

	/* The position of the first 1 after the register's bits; past
	 * them all when they are all 0. */
	for (rest = h << HLL_P; rank <= 64 - HLL_P && (rest >> 63) == 0;
	    rest <<= 1)
		rank++;
	if (*r < rank)
		*r = rank;
}

size_t
hll_estimate(const uint8_t *reg)
{
	double m = HLL_M, sum = 0, e;
	size_t j, empty = 0;

	for (j = 0; j < HLL_M; j++) {
		sum += ldexp(1.0, -reg[j]);
		empty += reg[j] == 0;
	}
	e = 0.7213 / (1 + 1.079 / m) * m * m / sum;
	/* Small range: while registers are still empty, linear counting
	 * over them is the better estimate.  With 64-bit hashes there is
	 * no large-range correction to make. */
	if (e <= 2.5 * m && empty != 0)
		e = m * log(m / (double)empty);
	return (size_t)(e + 0.5);
}
