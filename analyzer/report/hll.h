/*
 * hll.h - a HyperLogLog sketch of byte strings (Flajolet, Fusy, Gandouet
 * and Meunier, 2007): HLL_M one-byte registers, each the highest rank seen
 * among the strings whose 64-bit hash selects it; the caller owns them,
 * zeroed.  The estimate's standard error is 1.04 / sqrt(HLL_M).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_HLL_H
#define RDPNEG_HLL_H

#include <stddef.h>
#include <stdint.h>

#define HLL_P	14		/* bits of the hash selecting a register */
#define HLL_M	(1u << HLL_P)	/* registers: 16 KiB, 0.81 % error */

void hll_add(uint8_t *reg, const uint8_t *key, size_t len);

/* The distinct strings added, estimated and rounded. */
size_t hll_estimate(const uint8_t *reg);

#endif /* RDPNEG_HLL_H */
