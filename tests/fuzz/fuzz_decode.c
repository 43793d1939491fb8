/*
 * fuzz_decode.c - libFuzzer target: rdpneg_decode_pdu() on raw bytes.
 *
 * The input is one TPKT + X.224 PDU (or several back to back).  Besides
 * the sanitizers it checks the decoder's contract (rdpneg.h): status in
 * range, spans inside the input, the prefix property (every strict prefix
 * of an OK or TRUNCATED input is TRUNCATED, no prefix of a malformed one
 * is OK), and that every text renderer writes a NUL-terminated prefix of
 * its full text into exact-size heap buffers of every size up to 40.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "rdpneg/kb.h"
#include "rdpneg/rdpneg.h"

#define SMALL_MAX	40	/* exact-size buffers of 1..SMALL_MAX bytes */
#define PREFIX_ALL	1024	/* inputs up to this long: every prefix */

static void
check_pdu(enum rdpneg_status st, const struct rdpneg_pdu *p,
    const uint8_t *buf, size_t len)
{
	CHECK((unsigned)st < RDPNEG_STATUS_COUNT);
	CHECK(rdpneg_status_is_malformed(st) == (st >= RDPNEG_ERR_FIRST));
	CHECK((p->have & ~0x1fu) == 0);
	if (st == RDPNEG_OK) {
		CHECK(p->size >= 6 && p->size <= len);
		CHECK(p->size == p->tpkt_length);
		CHECK((p->have & (RDPNEG_HAVE_TPKT | RDPNEG_HAVE_X224)) ==
		    (RDPNEG_HAVE_TPKT | RDPNEG_HAVE_X224));
		CHECK(p->trailing == 0);
	}
	if (p->have & RDPNEG_HAVE_TOKEN) {
		CHECK(p->token_kind != RDPNEG_TOKEN_NONE);
		CHECK(rdpneg_tok_str(rdpneg_token_kind_names,
		    p->token_kind) != NULL);
		check_span(&p->token, buf, len);
		check_span(&p->token_value, buf, len);
		CHECK(p->token_value.len <= p->token.len);
		if (p->token_value.len > 0)
			CHECK(p->token_value.ptr + p->token_value.len ==
			    p->token.ptr + p->token.len);
		/* A complete token line has no CR LF inside. */
		if (st == RDPNEG_OK && p->token.len >= 2) {
			size_t i;

			for (i = 0; i + 1 < p->token.len; i++)
				CHECK(!(p->token.ptr[i] == '\r' &&
				    p->token.ptr[i + 1] == '\n'));
		}
	}
	if (st == RDPNEG_ERR_TRAILING)
		CHECK(p->trailing > 0 && p->trailing < p->tpkt_length);
}

/* Fields a decode depends on: equal for two decodes of the same PDU. */
static void
check_same(const struct rdpneg_pdu *a, const struct rdpneg_pdu *b,
    const uint8_t *abuf, const uint8_t *bbuf)
{
	CHECK(a->have == b->have);
	CHECK(a->size == b->size);
	CHECK(a->tpkt_length == b->tpkt_length);
	CHECK(a->li == b->li && a->tpdu == b->tpdu);
	CHECK(a->token_kind == b->token_kind);
	CHECK(a->token.len == b->token.len);
	if (a->token.len)
		CHECK(a->token.ptr - abuf == b->token.ptr - bbuf);
	CHECK(a->token_value.len == b->token_value.len);
	if (a->have & RDPNEG_HAVE_NEG)
		CHECK(a->neg.type == b->neg.type &&
		    a->neg.flags == b->neg.flags &&
		    a->neg.length == b->neg.length &&
		    a->neg.value == b->neg.value);
	if (a->have & RDPNEG_HAVE_CORRELATION)
		CHECK(memcmp(a->correlation_id, b->correlation_id, 16) == 0);
}

/* A text renderer with snprintf semantics and whole-name truncation. */
typedef size_t (*render_fn)(const void *ctx, char *buf, size_t size);

static void
check_render(render_fn fn, const void *ctx, int whole_names)
{
	char full[512];
	size_t need, got, i;

	need = fn(ctx, full, sizeof(full));
	CHECK(need < sizeof(full));
	CHECK(strlen(full) == need);
	CHECK(fn(ctx, NULL, 0) == need);
	for (i = 1; i <= SMALL_MAX; i++) {
		char *b = malloc(i);

		CHECK(b != NULL);
		memset(b, 'Z', i);
		CHECK(fn(ctx, b, i) == need);
		CHECK(nul_within(b, i));
		got = strlen(b);
		CHECK(got < i);
		CHECK(memcmp(b, full, got) == 0);
		if (i > need)
			CHECK(got == need);
		if (whole_names && got < need)
			CHECK(got == 0 || full[got] == '|');
		free(b);
	}
}

struct status_ctx {
	enum rdpneg_status		 st;
	const struct rdpneg_pdu		*pdu;
};

static size_t
render_status(const void *ctx, char *buf, size_t size)
{
	const struct status_ctx *s = ctx;

	return rdpneg_format_status(s->st, s->pdu, buf, size);
}

struct bits_ctx {
	const struct rdpneg_tok	*table;		/* NULL: protocols_str */
	uint32_t		 mask;
	const char		*zero;
};

static size_t
render_bits(const void *ctx, char *buf, size_t size)
{
	const struct bits_ctx *b = ctx;

	if (b->table == NULL)
		return rdpneg_protocols_str(b->mask, buf, size);
	return rdpneg_bits_str(b->table, b->mask, b->zero, buf, size);
}

static void
check_names(uint32_t mask)
{
	static const struct rdpneg_tok *const tables[] = {
		rdpneg_tpdu_names, rdpneg_neg_type_names,
		rdpneg_protocol_names, rdpneg_request_flag_names,
		rdpneg_response_flag_names, rdpneg_failure_names,
		rdpneg_token_kind_names, rdpneg_outcome_names,
		rdpneg_end_names, rdpneg_confidence_names,
	};
	struct bits_ctx b;
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		const char *s = rdpneg_tok_str(tables[i], mask);

		if (s != NULL)
			CHECK(strlen(s) < 256);
		(void)rdpneg_tok_str(tables[i], mask & 0xff);
	}
	b.table = NULL;
	b.mask = mask;
	b.zero = NULL;
	check_render(render_bits, &b, 1);
	b.table = rdpneg_request_flag_names;
	b.zero = "none";
	check_render(render_bits, &b, 1);
	b.table = rdpneg_response_flag_names;
	b.mask = mask & 0xff;
	b.zero = "";
	check_render(render_bits, &b, 1);
	b.table = rdpneg_protocol_names;
	b.mask = mask >> 8;
	b.zero = "RDP";
	check_render(render_bits, &b, 1);
	(void)rdpneg_protocol_was_requested(mask, mask >> 16);
	(void)rdpneg_protocol_was_requested(mask >> 16, mask & 0x1f);
}

static enum rdpneg_status
decode_exact(const uint8_t *data, size_t n, struct rdpneg_pdu *p,
    uint8_t **copy)
{
	enum rdpneg_status st;

	*copy = dup_exact(data, n);
	memset(p, 0xa5, sizeof(*p));
	st = rdpneg_decode_pdu(n ? *copy : NULL, n, p);
	check_pdu(st, p, *copy, n);
	return st;
}

static void
check_prefix(const uint8_t *data, size_t size, enum rdpneg_status st,
    const struct rdpneg_pdu *whole, const uint8_t *wbuf, size_t k)
{
	struct rdpneg_pdu p;
	enum rdpneg_status ps;
	uint8_t *b;

	ps = decode_exact(data, k, &p, &b);
	if (st == RDPNEG_OK && k >= whole->size) {
		CHECK(ps == RDPNEG_OK);
		check_same(whole, &p, wbuf, b);
	} else if (st == RDPNEG_OK || st == RDPNEG_TRUNCATED) {
		/* A strict prefix of something that may still be valid. */
		CHECK(ps == RDPNEG_TRUNCATED);
	} else {
		/* Malformed: a prefix cannot be OK, only short or wrong. */
		CHECK(ps != RDPNEG_OK);
		if (k == size)
			CHECK(ps == st);
	}
	free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdpneg_pdu pdu;
	struct status_ctx sc;
	enum rdpneg_status st;
	uint8_t *buf;
	size_t k, off;
	int s, guard;

	st = decode_exact(data, size, &pdu, &buf);

	/* Text of the status, as the reports render it. */
	sc.st = st;
	sc.pdu = &pdu;
	check_render(render_status, &sc, 0);
	for (s = -1; s <= RDPNEG_STATUS_COUNT; s++)
		CHECK(rdpneg_status_str((enum rdpneg_status)s) != NULL);

	/* The prefix property. */
	if (size <= PREFIX_ALL) {
		for (k = 0; k < size; k++)
			check_prefix(data, size, st, &pdu, buf, k);
	} else {
		for (k = 0; k < 64; k++)
			check_prefix(data, size, st, &pdu, buf, k);
		for (k = size - 64; k < size; k++)
			check_prefix(data, size, st, &pdu, buf, k);
		if (st == RDPNEG_OK) {
			check_prefix(data, size, st, &pdu, buf, pdu.size - 1);
			check_prefix(data, size, st, &pdu, buf, pdu.size);
		}
	}

	/* PDUs back to back, as a consumer steps over them. */
	for (off = 0, guard = 0; off < size && guard < 256; guard++) {
		struct rdpneg_pdu p2;
		enum rdpneg_status s2;

		s2 = rdpneg_decode_pdu(buf + off, size - off, &p2);
		check_pdu(s2, &p2, buf + off, size - off);
		if (s2 != RDPNEG_OK)
			break;
		off += p2.size;
	}

	/* Name tables and bitmask rendering on values from the input. */
	if (pdu.have & RDPNEG_HAVE_NEG)
		check_names(pdu.neg.value);
	if (size >= 4)
		check_names((uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
		    (uint32_t)data[2] << 8 | data[3]);
	else
		check_names(0);
	free(buf);
	return 0;
}
