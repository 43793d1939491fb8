/*
 * state.h - an attempt as the merge reads it back: the analysis's own
 * structs (the item, its TLS session, its Standard-security exchange, its
 * certificate and texts), their pointers made indices, packed into bytes
 * with runs of zeros shortened, then base64.  It is the interchange's
 * "state" member: only an rdpneg of the same build reads it
 * (shard_state_layout).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_SHARD_STATE_H
#define RDPNEG_SHARD_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/analysis.h"

/* Packed texts (token, malformed, incomplete) at most this long together. */
#define SHARD_STATE_TEXT_MAX	65536u

/* The build's identity as far as the state goes: the sizes of the structs,
 * the byte order and the knowledge base's tables. */
const char *shard_state_layout(void);

/* A buffer that grows, the caller's: the base64 text of a state. */
struct state_buf {
	char	*p;
	size_t	 len;
	size_t	 size;
	uint8_t	*raw;		/* scratch: the packed bytes */
	size_t	 raw_size;
};

/* The state of it as base64 text in b->p (b->len bytes, no NUL):
 * 0, or -1 out of memory. */
int shard_state_encode(const struct attempt_item *it, struct state_buf *b);

/*
 * Read a state back from its base64 text (len bytes) into it, whose texts
 * and structs it allocates in it->owned (free() it).  Returns 0, or -1
 * with *why saying what is wrong (bad base64, a length, a table index, or
 * a field attempt_item_check() refuses).
 */
int shard_state_decode(const char *text, size_t len, struct state_buf *b,
    struct attempt_item *it, const char **why);

void shard_state_buf_free(struct state_buf *b);

/* The zero runs of a state shortened: each as 0x00 and its length (1 to
 * 255), other bytes as they are.  The bytes written to out (2 * len at
 * most).  The encoder's step before base64, and the fuzz target's. */
size_t shard_state_squeeze(const uint8_t *in, size_t len, uint8_t *out);

#endif /* RDPNEG_SHARD_STATE_H */
