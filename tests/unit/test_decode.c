/*
 * test_decode.c - Criterion tests for rdpneg_decode_pdu() and the status
 * helpers (rdpneg_status_is_malformed, rdpneg_status_str,
 * rdpneg_format_status).
 *
 * Every valid form is checked three ways: the exact bytes decode to
 * RDPNEG_OK with the right field values and spans into the input; the same
 * bytes followed by more data still decode to OK with size = TPKT length;
 * and every strict prefix (0 .. size-1 bytes, each in an exact-size heap
 * copy so a sanitizer sees over-reads) returns RDPNEG_TRUNCATED with the
 * fields the prefix holds flagged in `have`.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "rdpneg/rdpneg.h"
#include "pdu_build.h"

#define HAVE_HDR	(RDPNEG_HAVE_TPKT | RDPNEG_HAVE_X224)

static const uint8_t corr_id[16] = {
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf
};

/* ---- helpers */

static enum rdpneg_status
dec(const uint8_t *buf, size_t len, struct rdpneg_pdu *p)
{
	/* Poison: the decoder must set `have` and the fields it names. */
	memset(p, 0xa5, sizeof *p);
	return rdpneg_decode_pdu(buf, len, p);
}

/* Decode from an exact-size heap copy (over-reads hit a sanitizer). */
static enum rdpneg_status
dec_copy(const uint8_t *buf, size_t len, struct rdpneg_pdu *p)
{
	uint8_t *c = malloc(len > 0 ? len : 1);
	enum rdpneg_status st;

	cr_assert_not_null(c);
	if (len > 0)
		memcpy(c, buf, len);
	st = dec(c, len, p);
	free(c);
	return st;
}

static const char *
sname(enum rdpneg_status st)
{
	const char *s = rdpneg_status_str(st);

	return s != NULL ? s : "(null)";
}

static int
tpdu_has_refs(uint8_t tpdu)
{
	return tpdu == RDPNEG_TPDU_CR || tpdu == RDPNEG_TPDU_CC ||
	    tpdu == RDPNEG_TPDU_DR;
}

/*
 * Every strict prefix of pdu is TRUNCATED; prefixes holding the TPKT header
 * flag HAVE_TPKT, prefixes holding the whole X.224 fixed header (hdr_end
 * bytes) flag HAVE_X224 with li/tpdu/refs set.  The complete PDU, alone and
 * followed by another PDU's bytes, is OK with size = its TPKT length.
 */
static void
check_prefixes(const struct pb *pdu, size_t hdr_end)
{
	const uint8_t *b = pdu->b;
	size_t n = pdu->n;
	uint8_t tpdu = b[PB_OFF_CODE] & 0xf0;
	uint16_t dst = (uint16_t)(b[6] << 8 | b[7]);
	uint16_t src = (uint16_t)(b[8] << 8 | b[9]);
	struct rdpneg_pdu p;
	enum rdpneg_status st;
	uint8_t *more;
	size_t k;

	st = dec(NULL, 0, &p);
	cr_assert_eq(st, RDPNEG_TRUNCATED, "NULL/0: got %d (%s)", st,
	    sname(st));

	for (k = 0; k < n; k++) {
		st = dec_copy(b, k, &p);
		cr_assert_eq(st, RDPNEG_TRUNCATED,
		    "prefix %zu of %zu bytes: got %d (%s), want TRUNCATED",
		    k, n, st, sname(st));
		if (k < 4) {
			cr_assert_eq(p.have & RDPNEG_HAVE_TPKT, 0,
			    "prefix %zu: HAVE_TPKT without a TPKT header", k);
		} else {
			cr_assert(p.have & RDPNEG_HAVE_TPKT,
			    "prefix %zu of %zu: HAVE_TPKT missing (have 0x%x)",
			    k, n, p.have);
			cr_assert_eq(p.tpkt_length, n,
			    "prefix %zu: tpkt_length %u, want %zu", k,
			    p.tpkt_length, n);
		}
		if (k < 6)
			cr_assert_eq(p.have & RDPNEG_HAVE_X224, 0,
			    "prefix %zu: HAVE_X224 without LI+code", k);
		if (k >= hdr_end) {
			cr_assert(p.have & RDPNEG_HAVE_X224,
			    "prefix %zu of %zu: HAVE_X224 missing (have 0x%x)",
			    k, n, p.have);
			cr_assert_eq(p.tpdu, tpdu, "prefix %zu: tpdu 0x%x",
			    k, p.tpdu);
			cr_assert_eq(p.li, b[PB_OFF_LI], "prefix %zu: li %u",
			    k, p.li);
			if (tpdu_has_refs(tpdu)) {
				cr_assert_eq(p.dst_ref, dst,
				    "prefix %zu: dst_ref 0x%x", k, p.dst_ref);
				cr_assert_eq(p.src_ref, src,
				    "prefix %zu: src_ref 0x%x", k, p.src_ref);
			} else if (tpdu == RDPNEG_TPDU_ER) {
				cr_assert_eq(p.dst_ref, dst,
				    "prefix %zu: dst_ref 0x%x", k, p.dst_ref);
			}
		}
	}

	st = dec_copy(b, n, &p);
	cr_assert_eq(st, RDPNEG_OK, "complete %zu bytes: got %d (%s)", n, st,
	    sname(st));
	cr_assert_eq(p.size, n);

	/* The next PDU's bytes (a legacy CC, then junk) are not ours. */
	more = malloc(n + 16);
	cr_assert_not_null(more);
	memcpy(more, b, n);
	memcpy(more + n, "\x03\x00\x00\x0b\x06\xd0\x00\x00\x12\x34\x00"
	    "\xff\xff\xff\xff\xff", 16);
	memset(&p, 0xa5, sizeof p);
	st = rdpneg_decode_pdu(more, n + 16, &p);
	cr_assert_eq(st, RDPNEG_OK, "with 16 more bytes: got %d (%s)", st,
	    sname(st));
	cr_assert_eq(p.size, n, "with more bytes: size %zu, want %zu",
	    p.size, n);
	cr_assert_eq(p.tpkt_length, n);
	free(more);
}

/*
 * Prefixes of a CR keep what they hold: once the token line and its CRLF
 * are in (token_end bytes), HAVE_TOKEN with the right span; never before.
 * Once the RDP_NEG_REQ is in (neg_end bytes), HAVE_NEG with its fields.
 * No strict prefix has the (final) correlation info.  0 = not present.
 */
static void
check_prefix_progress(const struct pb *pdu, size_t token_end, size_t neg_end,
    uint32_t neg_value)
{
	struct rdpneg_pdu p;
	enum rdpneg_status st;
	size_t k;

	for (k = 0; k < pdu->n; k++) {
		st = dec(pdu->b, k, &p);
		cr_assert_eq(st, RDPNEG_TRUNCATED, "prefix %zu: %d (%s)", k,
		    st, sname(st));
		if (token_end != 0 && k >= token_end) {
			cr_assert(p.have & RDPNEG_HAVE_TOKEN,
			    "prefix %zu holds the token line: have 0x%x", k,
			    p.have);
			cr_assert_eq(p.token.ptr, pdu->b + PB_OFF_VAR);
			cr_assert_eq(p.token.len, token_end - 2 - PB_OFF_VAR,
			    "prefix %zu: token.len %zu", k, p.token.len);
		} else {
			cr_assert_eq(p.have & RDPNEG_HAVE_TOKEN, 0,
			    "prefix %zu lacks the CRLF: have 0x%x", k, p.have);
		}
		if (neg_end != 0 && k >= neg_end) {
			cr_assert(p.have & RDPNEG_HAVE_NEG,
			    "prefix %zu holds RDP_NEG_REQ: have 0x%x", k,
			    p.have);
			cr_assert_eq(p.neg.type, RDPNEG_TYPE_REQ);
			cr_assert_eq(p.neg.length, 8);
			cr_assert_eq(p.neg.value, neg_value);
		}
		cr_assert_eq(p.have & RDPNEG_HAVE_CORRELATION, 0,
		    "prefix %zu: HAVE_CORRELATION", k);
	}
}

/* Decode pdu in place, expect OK, check the TPKT/X.224 basics. */
static void
decode_ok(const struct pb *pdu, struct rdpneg_pdu *p, unsigned have)
{
	enum rdpneg_status st = dec(pdu->b, pdu->n, p);

	cr_assert_eq(st, RDPNEG_OK, "got %d (%s), want OK", st, sname(st));
	cr_assert_eq(p->have, have, "have 0x%x, want 0x%x", p->have, have);
	cr_assert_eq(p->size, pdu->n, "size %zu, want %zu", p->size, pdu->n);
	cr_assert_eq(p->tpkt_length, pdu->n);
	cr_assert_eq(p->li, pdu->b[PB_OFF_LI]);
	cr_assert_eq(p->tpdu, pdu->b[PB_OFF_CODE] & 0xf0, "tpdu 0x%x",
	    p->tpdu);
}

static void
check_crcc_hdr(const struct rdpneg_pdu *p, uint8_t cls)
{
	cr_assert_eq(p->dst_ref, PB_DST, "dst_ref 0x%04x", p->dst_ref);
	cr_assert_eq(p->src_ref, PB_SRC, "src_ref 0x%04x", p->src_ref);
	cr_assert_eq(p->class_option, cls, "class_option 0x%02x",
	    p->class_option);
}

static void
check_neg(const struct rdpneg_pdu *p, uint8_t type, uint8_t flags,
    uint32_t value)
{
	cr_assert_eq(p->neg.type, type, "neg.type %u, want %u", p->neg.type,
	    type);
	cr_assert_eq(p->neg.flags, flags, "neg.flags 0x%x, want 0x%x",
	    p->neg.flags, flags);
	cr_assert_eq(p->neg.length, 8, "neg.length %u", p->neg.length);
	cr_assert_eq(p->neg.value, value, "neg.value 0x%x, want 0x%x",
	    p->neg.value, value);
}

/* The token line starts the variable part; value starts value_off in. */
static void
check_token(const struct rdpneg_pdu *p, const struct pb *pdu,
    enum rdpneg_token_kind kind, const char *line, size_t value_off)
{
	size_t len = strlen(line);

	cr_assert_eq(p->token_kind, kind, "token_kind %d, want %d",
	    p->token_kind, kind);
	cr_assert_eq(p->token.ptr, pdu->b + PB_OFF_VAR,
	    "token.ptr not at the variable part of the input");
	cr_assert_eq(p->token.len, len, "token.len %zu, want %zu",
	    p->token.len, len);
	cr_assert_eq(memcmp(p->token.ptr, line, len), 0);
	cr_assert_eq(p->token_value.len, len - value_off,
	    "token_value.len %zu, want %zu", p->token_value.len,
	    len - value_off);
	if (len > value_off) {
		cr_assert_eq(p->token_value.ptr, pdu->b + PB_OFF_VAR +
		    value_off, "token_value.ptr off by %td",
		    p->token_value.ptr - (pdu->b + PB_OFF_VAR + value_off));
		cr_assert_eq(memcmp(p->token_value.ptr, line + value_off,
		    len - value_off), 0);
	}
}

/* Decode an exact-size copy; expect status st; header fields present. */
static void
expect_err(const struct pb *pdu, enum rdpneg_status want, unsigned have,
    const char *what)
{
	struct rdpneg_pdu p;
	enum rdpneg_status st = dec_copy(pdu->b, pdu->n, &p);

	cr_assert_eq(st, want, "%s: got %d (%s), want %d (%s)", what, st,
	    sname(st), want, sname(want));
	cr_assert(rdpneg_status_is_malformed(st));
	cr_assert_eq(p.have & have, have, "%s: have 0x%x lacks 0x%x", what,
	    p.have, have);
}

/* Whether s shows v in decimal or hex. */
static int
shows_value(const char *s, unsigned v)
{
	static const char *const fmts[] = {
		"%u", "0x%x", "0x%X", "0x%02x", "0x%02X", "0x%04x", "0x%04X",
		"0x%08x", "0x%08X"
	};
	char want[32];
	size_t i;

	for (i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
		snprintf(want, sizeof want, fmts[i], v);
		if (strstr(s, want) != NULL)
			return 1;
	}
	return 0;
}

static void
expect_format_shows(enum rdpneg_status st, const struct rdpneg_pdu *p,
    unsigned v)
{
	char text[256];
	size_t n;

	memset(text, 0, sizeof text);
	n = rdpneg_format_status(st, p, text, sizeof text);
	cr_assert_eq(n, strlen(text), "format returned %zu for \"%s\"", n,
	    text);
	cr_assert(shows_value(text, v), "\"%s\" does not show %u (0x%x)",
	    text, v, v);
}

/* ==== Connection Request */

Test(cr, bare_legacy_client)
{
	struct pb pdu;
	struct rdpneg_pdu p;

	pb_cr(&pdu, NULL);
	decode_ok(&pdu, &p, HAVE_HDR);
	cr_assert_eq(p.size, 11);
	cr_assert_eq(p.li, 6);
	cr_assert_eq(p.tpdu, RDPNEG_TPDU_CR);
	check_crcc_hdr(&p, 0);
	check_prefixes(&pdu, PB_HDR_CRCC);
}

Test(cr, literal_bytes_real_client)
{
	/* mstsc-style CR: cookie + NEG_REQ SSL|HYBRID|HYBRID_EX, refs 0. */
	static const uint8_t b[] =
	    "\x03\x00\x00\x2c\x27\xe0\x00\x00\x00\x00\x00"
	    "Cookie: mstshash=eltons\r\n"
	    "\x01\x00\x08\x00\x0b\x00\x00\x00";
	struct rdpneg_pdu p;
	enum rdpneg_status st = dec(b, sizeof b - 1, &p);

	cr_assert_eq(sizeof b - 1, 0x2c);
	cr_assert_eq(st, RDPNEG_OK, "got %d (%s)", st, sname(st));
	cr_assert_eq(p.have, HAVE_HDR | RDPNEG_HAVE_TOKEN | RDPNEG_HAVE_NEG);
	cr_assert_eq(p.size, 44);
	cr_assert_eq(p.li, 0x27);
	cr_assert_eq(p.tpdu, RDPNEG_TPDU_CR);
	cr_assert_eq(p.dst_ref, 0);
	cr_assert_eq(p.src_ref, 0);
	cr_assert_eq(p.token_kind, RDPNEG_TOKEN_MSTSHASH);
	cr_assert_eq(p.token.ptr, b + 11);
	cr_assert_eq(p.token.len, 23);
	cr_assert_eq(p.token_value.ptr, b + 28);
	cr_assert_eq(p.token_value.len, 6);
	cr_assert_eq(memcmp(p.token_value.ptr, "eltons", 6), 0);
	cr_assert_eq(p.neg.type, RDPNEG_TYPE_REQ);
	cr_assert_eq(p.neg.flags, 0);
	cr_assert_eq(p.neg.length, 8);
	cr_assert_eq(p.neg.value, 0x0b);
}

Test(cr, class_option_low_bits_allowed)
{
	struct pb pdu;
	struct rdpneg_pdu p;

	pb_tpdu(&pdu, 0xe0, PB_DST, PB_SRC, 0x03, NULL);
	decode_ok(&pdu, &p, HAVE_HDR);
	check_crcc_hdr(&p, 0x03);
}

struct token_case {
	const char		*line;
	enum rdpneg_token_kind	 kind;
	size_t			 value_off;
};

static const struct token_case token_cases[] = {
	{ "Cookie: mstshash=eltons", RDPNEG_TOKEN_MSTSHASH, 17 },
	{ "Cookie: mstshash=DOMAIN\\user", RDPNEG_TOKEN_MSTSHASH, 17 },
	{ "Cookie: mstshash=", RDPNEG_TOKEN_MSTSHASH, 17 },
	{ "Cookie: msts=3640205228.15629.0000", RDPNEG_TOKEN_MSTS, 13 },
	{ "Cookie: foo=bar", RDPNEG_TOKEN_COOKIE, 8 },
	{ "Cookie: mstshashx=1", RDPNEG_TOKEN_COOKIE, 8 },
	{ "Cookie: msts", RDPNEG_TOKEN_COOKIE, 8 },
	{ "tsv://MS Terminal Services Plugin.1.Sessions", RDPNEG_TOKEN_TSV,
	  4 },
	{ "mth://10.0.0.7:3389/farm", RDPNEG_TOKEN_MTH, 6 },
};

static void
run_token_case(const struct token_case *tc, int with_req, int with_corr)
{
	struct pb var, pdu;
	struct rdpneg_pdu p;
	unsigned have = HAVE_HDR | RDPNEG_HAVE_TOKEN;
	uint8_t flags = with_corr ? 0x08 : 0;

	pb_reset(&var);
	pb_line(&var, tc->line);
	if (with_req) {
		pb_neg(&var, 1, flags, 8, 0x0b);
		have |= RDPNEG_HAVE_NEG;
	}
	if (with_corr) {
		pb_corr(&var, 6, 0, 36, corr_id);
		have |= RDPNEG_HAVE_CORRELATION;
	}
	pb_cr(&pdu, &var);
	cr_log_info("token case \"%s\" req=%d corr=%d", tc->line, with_req,
	    with_corr);
	decode_ok(&pdu, &p, have);
	check_crcc_hdr(&p, 0);
	check_token(&p, &pdu, tc->kind, tc->line, tc->value_off);
	if (with_req)
		check_neg(&p, RDPNEG_TYPE_REQ, flags, 0x0b);
	if (with_corr)
		cr_assert_arr_eq(p.correlation_id, corr_id, 16);
	check_prefixes(&pdu, PB_HDR_CRCC);
	check_prefix_progress(&pdu, PB_OFF_VAR + strlen(tc->line) + 2,
	    with_req ? PB_OFF_VAR + strlen(tc->line) + 2 + 8 : 0, 0x0b);
}

Test(cr, token_mstshash)
{
	run_token_case(&token_cases[0], 0, 0);
	run_token_case(&token_cases[1], 0, 0);
}

Test(cr, token_mstshash_empty_value)
{
	run_token_case(&token_cases[2], 0, 0);
	run_token_case(&token_cases[2], 1, 0);
}

Test(cr, token_msts)
{
	run_token_case(&token_cases[3], 0, 0);
}

Test(cr, token_other_cookie)
{
	run_token_case(&token_cases[4], 0, 0);
	run_token_case(&token_cases[5], 0, 0);
	run_token_case(&token_cases[6], 0, 0);
}

Test(cr, token_tsv)
{
	run_token_case(&token_cases[7], 0, 0);
}

Test(cr, token_mth)
{
	run_token_case(&token_cases[8], 0, 0);
}

Test(cr, token_then_req_every_kind)
{
	size_t i;

	for (i = 0; i < sizeof token_cases / sizeof token_cases[0]; i++)
		run_token_case(&token_cases[i], 1, 0);
}

Test(cr, token_then_req_then_correlation_every_kind)
{
	size_t i;

	for (i = 0; i < sizeof token_cases / sizeof token_cases[0]; i++)
		run_token_case(&token_cases[i], 1, 1);
}

Test(cr, req_requested_protocols)
{
	static const uint32_t protos[] = {
		0x00, 0x01, 0x02, 0x03, 0x08, 0x0b, 0x10, 0x13, 0x1f,
		0x0001000b, 0x8000000b
	};
	size_t i;

	for (i = 0; i < sizeof protos / sizeof protos[0]; i++) {
		struct pb var, pdu;
		struct rdpneg_pdu p;

		pb_reset(&var);
		pb_neg(&var, 1, 0, 8, protos[i]);
		pb_cr(&pdu, &var);
		cr_log_info("requestedProtocols 0x%x", protos[i]);
		decode_ok(&pdu, &p, HAVE_HDR | RDPNEG_HAVE_NEG);
		cr_assert_eq(p.size, 19);
		cr_assert_eq(p.li, 14);
		check_crcc_hdr(&p, 0);
		check_neg(&p, RDPNEG_TYPE_REQ, 0, protos[i]);
		check_prefixes(&pdu, PB_HDR_CRCC);
	}
}

Test(cr, req_flags)
{
	static const uint8_t flags[] = {
		0x00,
		RDPNEG_REQ_RESTRICTED_ADMIN_MODE_REQUIRED,
		RDPNEG_REQ_REDIRECTED_AUTHENTICATION_MODE_REQUIRED,
		RDPNEG_REQ_RESTRICTED_ADMIN_MODE_REQUIRED |
		    RDPNEG_REQ_REDIRECTED_AUTHENTICATION_MODE_REQUIRED
	};
	size_t i;

	for (i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		struct pb var, pdu;
		struct rdpneg_pdu p;

		pb_reset(&var);
		pb_neg(&var, 1, flags[i], 8, 0x03);
		pb_cr(&pdu, &var);
		cr_log_info("REQ flags 0x%x", flags[i]);
		decode_ok(&pdu, &p, HAVE_HDR | RDPNEG_HAVE_NEG);
		check_neg(&p, RDPNEG_TYPE_REQ, flags[i], 0x03);
		check_prefixes(&pdu, PB_HDR_CRCC);
	}
}

Test(cr, req_correlation_info)
{
	static const uint8_t flags[] = { 0x08, 0x09, 0x0a, 0x0b };
	size_t i;

	for (i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		struct pb var, pdu;
		struct rdpneg_pdu p;

		pb_reset(&var);
		pb_neg(&var, 1, flags[i], 8, 0x0b);
		pb_corr(&var, 6, 0, 36, corr_id);
		pb_cr(&pdu, &var);
		cr_log_info("REQ flags 0x%x + correlation", flags[i]);
		decode_ok(&pdu, &p, HAVE_HDR | RDPNEG_HAVE_NEG |
		    RDPNEG_HAVE_CORRELATION);
		cr_assert_eq(p.size, 11 + 8 + 36);
		cr_assert_eq(p.li, 6 + 8 + 36);
		check_crcc_hdr(&p, 0);
		check_neg(&p, RDPNEG_TYPE_REQ, flags[i], 0x0b);
		cr_assert_arr_eq(p.correlation_id, corr_id, 16);
		check_prefixes(&pdu, PB_HDR_CRCC);
		check_prefix_progress(&pdu, 0, PB_OFF_VAR + 8, 0x0b);
	}
}

Test(cr, long_pdu_tpkt_length_big_endian)
{
	/* TPKT length 259 = 0x0103 (LE would read 769), LI 254. */
	char line[17 + 221 + 1];
	struct pb var, pdu;
	struct rdpneg_pdu p;

	memcpy(line, "Cookie: mstshash=", 17);
	memset(line + 17, 'u', 221);
	line[17 + 221] = '\0';
	pb_reset(&var);
	pb_line(&var, line);
	pb_neg(&var, 1, 0, 8, 0x01);
	pb_cr(&pdu, &var);
	cr_assert_eq(pdu.n, 259);
	cr_assert_eq(pdu.b[2], 0x01);
	cr_assert_eq(pdu.b[3], 0x03);
	cr_assert_eq(pdu.b[4], 254);
	decode_ok(&pdu, &p, HAVE_HDR | RDPNEG_HAVE_TOKEN | RDPNEG_HAVE_NEG);
	cr_assert_eq(p.tpkt_length, 259);
	cr_assert_eq(p.size, 259);
	check_token(&p, &pdu, RDPNEG_TOKEN_MSTSHASH, line, 17);
	check_neg(&p, RDPNEG_TYPE_REQ, 0, 0x01);
	check_prefixes(&pdu, PB_HDR_CRCC);
}

/* ==== Connection Confirm */

Test(cc, legacy_confirm)
{
	struct pb pdu;
	struct rdpneg_pdu p;

	pb_cc(&pdu, NULL);
	decode_ok(&pdu, &p, HAVE_HDR);
	cr_assert_eq(p.size, 11);
	cr_assert_eq(p.tpdu, RDPNEG_TPDU_CC);
	check_crcc_hdr(&p, 0);
	check_prefixes(&pdu, PB_HDR_CRCC);
}

Test(cc, literal_bytes_rsp_hybrid)
{
	static const uint8_t b[] =
	    "\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00"
	    "\x02\x1f\x08\x00\x02\x00\x00\x00";
	struct rdpneg_pdu p;
	enum rdpneg_status st = dec(b, sizeof b - 1, &p);

	cr_assert_eq(st, RDPNEG_OK, "got %d (%s)", st, sname(st));
	cr_assert_eq(p.have, HAVE_HDR | RDPNEG_HAVE_NEG);
	cr_assert_eq(p.size, 19);
	cr_assert_eq(p.tpdu, RDPNEG_TPDU_CC);
	cr_assert_eq(p.dst_ref, 0x0000);
	cr_assert_eq(p.src_ref, 0x1234);
	cr_assert_eq(p.class_option, 0);
	cr_assert_eq(p.neg.type, RDPNEG_TYPE_RSP);
	cr_assert_eq(p.neg.flags, 0x1f);
	cr_assert_eq(p.neg.length, 8);
	cr_assert_eq(p.neg.value, RDPNEG_PROTOCOL_HYBRID);
}

Test(cc, rsp_each_flag)
{
	static const struct {
		uint8_t		flags;
		uint32_t	selected;
	} cases[] = {
		{ 0x00, RDPNEG_PROTOCOL_RDP },
		{ RDPNEG_RSP_EXTENDED_CLIENT_DATA_SUPPORTED,
		  RDPNEG_PROTOCOL_SSL },
		{ RDPNEG_RSP_DYNVC_GFX_PROTOCOL_SUPPORTED,
		  RDPNEG_PROTOCOL_HYBRID },
		{ RDPNEG_RSP_NEGRSP_FLAG_RESERVED, RDPNEG_PROTOCOL_RDSTLS },
		{ RDPNEG_RSP_RESTRICTED_ADMIN_MODE_SUPPORTED,
		  RDPNEG_PROTOCOL_HYBRID_EX },
		{ RDPNEG_RSP_REDIRECTED_AUTHENTICATION_MODE_SUPPORTED,
		  RDPNEG_PROTOCOL_RDSAAD },
		{ 0x1f, RDPNEG_PROTOCOL_HYBRID_EX },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct pb var, pdu;
		struct rdpneg_pdu p;

		pb_reset(&var);
		pb_neg(&var, 2, cases[i].flags, 8, cases[i].selected);
		pb_cc(&pdu, &var);
		cr_log_info("RSP flags 0x%x selected 0x%x", cases[i].flags,
		    cases[i].selected);
		decode_ok(&pdu, &p, HAVE_HDR | RDPNEG_HAVE_NEG);
		cr_assert_eq(p.size, 19);
		cr_assert_eq(p.li, 14);
		check_crcc_hdr(&p, 0);
		check_neg(&p, RDPNEG_TYPE_RSP, cases[i].flags,
		    cases[i].selected);
		check_prefixes(&pdu, PB_HDR_CRCC);
	}
}

Test(cc, failure_each_code)
{
	static const uint32_t codes[] = {
		RDPNEG_SSL_REQUIRED_BY_SERVER,
		RDPNEG_SSL_NOT_ALLOWED_BY_SERVER,
		RDPNEG_SSL_CERT_NOT_ON_SERVER,
		RDPNEG_INCONSISTENT_FLAGS,
		RDPNEG_HYBRID_REQUIRED_BY_SERVER,
		RDPNEG_SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER,
		0x12345678,	/* unknown: also proves LE32 */
		0x00000007,
	};
	size_t i;

	cr_assert_eq(RDPNEG_SSL_REQUIRED_BY_SERVER, 1);
	cr_assert_eq(RDPNEG_SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER, 6);
	for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		struct pb var, pdu;
		struct rdpneg_pdu p;

		pb_reset(&var);
		pb_neg(&var, 3, 0, 8, codes[i]);
		pb_cc(&pdu, &var);
		cr_log_info("failureCode 0x%x", codes[i]);
		decode_ok(&pdu, &p, HAVE_HDR | RDPNEG_HAVE_NEG);
		check_crcc_hdr(&p, 0);
		check_neg(&p, RDPNEG_TYPE_FAILURE, 0, codes[i]);
		check_prefixes(&pdu, PB_HDR_CRCC);
	}
}

/* ==== DR, DT, ER */

Test(other, disconnect_request)
{
	struct pb pdu;
	struct rdpneg_pdu p;

	pb_dr(&pdu, PB_DST, PB_SRC, 0x80);	/* reason in the class byte */
	decode_ok(&pdu, &p, HAVE_HDR);
	cr_assert_eq(p.tpdu, RDPNEG_TPDU_DR);
	cr_assert_eq(p.size, 11);
	cr_assert_eq(p.li, 6);
	check_crcc_hdr(&p, 0x80);
	check_prefixes(&pdu, PB_HDR_CRCC);
}

Test(other, data_with_user_data)
{
	static const uint8_t ud[] = { 0x02, 0xf0, 0x80, 0x7f, 0x65, 0x82 };
	struct pb pdu;
	struct rdpneg_pdu p;

	pb_dt(&pdu, ud, sizeof ud);
	decode_ok(&pdu, &p, HAVE_HDR);
	cr_assert_eq(p.tpdu, RDPNEG_TPDU_DT);
	cr_assert_eq(p.li, 2);
	cr_assert_eq(p.size, 7 + sizeof ud);
	check_prefixes(&pdu, PB_HDR_DT);
}

Test(other, data_without_user_data)
{
	struct pb pdu;
	struct rdpneg_pdu p;

	pb_dt(&pdu, NULL, 0);
	decode_ok(&pdu, &p, HAVE_HDR);
	cr_assert_eq(p.tpdu, RDPNEG_TPDU_DT);
	cr_assert_eq(p.size, 7);
	check_prefixes(&pdu, PB_HDR_DT);
}

Test(other, data_large_user_data)
{
	/* A DT's LI stays 2 however long the TPKT is (here 0x0200). */
	static uint8_t ud[512 - 7];
	struct pb pdu;
	struct rdpneg_pdu p;

	memset(ud, 0x5a, sizeof ud);
	pb_dt(&pdu, ud, sizeof ud);
	decode_ok(&pdu, &p, HAVE_HDR);
	cr_assert_eq(p.size, 512);
	cr_assert_eq(p.tpkt_length, 0x0200);
	check_prefixes(&pdu, PB_HDR_DT);
}

Test(other, tpdu_error)
{
	struct pb pdu;
	struct rdpneg_pdu p;

	pb_er(&pdu, PB_DST, 0x02);
	decode_ok(&pdu, &p, HAVE_HDR);
	cr_assert_eq(p.tpdu, RDPNEG_TPDU_ER);
	cr_assert_eq(p.li, 4);
	cr_assert_eq(p.size, 9);
	cr_assert_eq(p.dst_ref, PB_DST);
	cr_assert_eq(p.class_option, 0x02);
	check_prefixes(&pdu, PB_HDR_ER);
}

/* ==== Buffers */

Test(buffer, null_and_empty)
{
	static const uint8_t one[1] = { 3 };
	struct rdpneg_pdu p;
	enum rdpneg_status st;

	st = dec(NULL, 0, &p);
	cr_assert_eq(st, RDPNEG_TRUNCATED, "got %d (%s)", st, sname(st));
	cr_assert_eq(p.have, 0);
	st = dec(one, 0, &p);
	cr_assert_eq(st, RDPNEG_TRUNCATED, "got %d (%s)", st, sname(st));
	cr_assert_eq(p.have, 0);
}

Test(buffer, two_pdus_back_to_back)
{
	struct pb var, cr, cc, both;
	struct rdpneg_pdu p;
	enum rdpneg_status st;

	pb_reset(&var);
	pb_line(&var, "Cookie: mstshash=a");
	pb_neg(&var, 1, 0, 8, 0x03);
	pb_cr(&cr, &var);
	pb_reset(&var);
	pb_neg(&var, 2, 0x01, 8, 0x02);
	pb_cc(&cc, &var);
	pb_reset(&both);
	pb_append(&both, &cr);
	pb_append(&both, &cc);

	st = dec(both.b, both.n, &p);
	cr_assert_eq(st, RDPNEG_OK, "got %d (%s)", st, sname(st));
	cr_assert_eq(p.size, cr.n);
	cr_assert_eq(p.tpdu, RDPNEG_TPDU_CR);
	cr_assert_eq(p.neg.value, 0x03);
	cr_assert_eq(p.token.ptr, both.b + PB_OFF_VAR);

	st = dec(both.b + p.size, both.n - cr.n, &p);
	cr_assert_eq(st, RDPNEG_OK, "got %d (%s)", st, sname(st));
	cr_assert_eq(p.size, cc.n);
	cr_assert_eq(p.tpdu, RDPNEG_TPDU_CC);
	check_neg(&p, RDPNEG_TYPE_RSP, 0x01, 0x02);
}

Test(buffer, next_pdu_partial)
{
	/* A CC followed by only the first 5 bytes of the next PDU. */
	struct pb var, pdu;
	struct rdpneg_pdu p;
	enum rdpneg_status st;
	size_t n;

	pb_reset(&var);
	pb_neg(&var, 2, 0, 8, 0x01);
	pb_cc(&pdu, &var);
	n = pdu.n;
	pb_mem(&pdu, "\x03\x00\x01\x00\x02", 5);
	st = dec(pdu.b, pdu.n, &p);
	cr_assert_eq(st, RDPNEG_OK, "got %d (%s)", st, sname(st));
	cr_assert_eq(p.size, n);
	st = dec(pdu.b + n, 5, &p);
	cr_assert_eq(st, RDPNEG_TRUNCATED, "got %d (%s)", st, sname(st));
	cr_assert_eq(p.tpkt_length, 0x0100);
}

/* ==== Malformed: TPKT */

Test(malformed, tpkt_version)
{
	static const uint8_t bad[] = { 0x00, 0x01, 0x02, 0x04, 0x13, 0xff };
	size_t i;

	for (i = 0; i < sizeof bad; i++) {
		struct pb pdu;

		pb_cr(&pdu, NULL);
		pdu.b[PB_OFF_VERSION] = bad[i];
		cr_log_info("version 0x%02x", bad[i]);
		expect_err(&pdu, RDPNEG_ERR_TPKT_VERSION, 0, "version");
	}
}

Test(malformed, tpkt_reserved)
{
	static const uint8_t bad[] = { 0x01, 0x03, 0x80, 0xff };
	size_t i;

	for (i = 0; i < sizeof bad; i++) {
		struct pb pdu;

		pb_cr(&pdu, NULL);
		pdu.b[PB_OFF_RESERVED] = bad[i];
		cr_log_info("reserved 0x%02x", bad[i]);
		expect_err(&pdu, RDPNEG_ERR_TPKT_RESERVED, 0, "reserved");
	}
}

Test(malformed, tpkt_length_too_small)
{
	static const uint16_t bad[] = { 0, 1, 4, 5 };
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct pb pdu;
		struct rdpneg_pdu p;
		enum rdpneg_status st;

		pb_cr(&pdu, NULL);
		pb_set_tpkt_len(&pdu, bad[i]);
		cr_log_info("TPKT length %u", bad[i]);
		expect_err(&pdu, RDPNEG_ERR_TPKT_LENGTH, RDPNEG_HAVE_TPKT,
		    "tpkt length");
		st = dec(pdu.b, pdu.n, &p);
		cr_assert_eq(p.tpkt_length, bad[i]);
		expect_format_shows(st, &p, bad[i]);
	}
}

/* ==== Malformed: X.224 */

Test(malformed, x224_tpdu_code)
{
	static const uint8_t bad[] = {
		0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x90, 0xa0, 0xb0,
		0xc0
	};
	size_t i;

	for (i = 0; i < sizeof bad; i++) {
		struct pb pdu;

		pb_cr(&pdu, NULL);
		pdu.b[PB_OFF_CODE] = bad[i];
		cr_log_info("code 0x%02x", bad[i]);
		expect_err(&pdu, RDPNEG_ERR_X224_TPDU, RDPNEG_HAVE_TPKT,
		    "tpdu code");
	}
}

Test(malformed, x224_tpdu_code_format_shows_code)
{
	struct pb pdu;
	struct rdpneg_pdu p;
	enum rdpneg_status st;

	pb_cr(&pdu, NULL);
	pdu.b[PB_OFF_CODE] = 0x50;
	st = dec(pdu.b, pdu.n, &p);
	cr_assert_eq(st, RDPNEG_ERR_X224_TPDU);
	expect_format_shows(st, &p, 0x50);
}

static void
li_case(struct pb *pdu, uint8_t li, const char *what)
{
	struct rdpneg_pdu p;
	enum rdpneg_status st;

	pdu->b[PB_OFF_LI] = li;
	cr_log_info("%s: LI %u in TPKT %zu", what, li, pdu->n);
	expect_err(pdu, RDPNEG_ERR_X224_LENGTH, RDPNEG_HAVE_TPKT, what);
	st = dec(pdu->b, pdu->n, &p);
	if (li >= 10)
		expect_format_shows(st, &p, li);
}

Test(malformed, x224_length_cr)
{
	struct pb var, pdu;

	pb_reset(&var);
	pb_neg(&var, 1, 0, 8, 3);
	pb_cr(&pdu, &var);		/* TPKT 19, LI 14 */
	li_case(&pdu, 13, "CR LI-1");
	li_case(&pdu, 15, "CR LI+1");
	li_case(&pdu, 0, "CR LI 0");
	li_case(&pdu, 6, "CR LI 6");
	li_case(&pdu, 42, "CR LI 42");
	li_case(&pdu, 0xff, "CR LI 255");
	pb_cr(&pdu, NULL);		/* TPKT 11, LI 6 */
	li_case(&pdu, 5, "bare CR LI 5");
	li_case(&pdu, 7, "bare CR LI 7");
	li_case(&pdu, 2, "bare CR LI 2");
}

Test(malformed, x224_length_cc)
{
	struct pb var, pdu;

	pb_reset(&var);
	pb_neg(&var, 2, 0, 8, 1);
	pb_cc(&pdu, &var);
	li_case(&pdu, 13, "CC LI-1");
	li_case(&pdu, 15, "CC LI+1");
	li_case(&pdu, 6, "CC LI 6");
	pb_cc(&pdu, NULL);
	li_case(&pdu, 5, "legacy CC LI 5");
	li_case(&pdu, 14, "legacy CC LI 14");
}

Test(malformed, x224_length_dr_er)
{
	struct pb pdu;

	pb_dr(&pdu, PB_DST, PB_SRC, 0);
	li_case(&pdu, 5, "DR LI 5");
	li_case(&pdu, 7, "DR LI 7");
	pb_dr(&pdu, PB_DST, PB_SRC, 0);
	li_case(&pdu, 2, "DR LI 2");
	pb_er(&pdu, PB_DST, 1);
	li_case(&pdu, 3, "ER LI 3");
	li_case(&pdu, 5, "ER LI 5");
	li_case(&pdu, 2, "ER LI 2");
}

Test(malformed, x224_length_dt)
{
	static const uint8_t ud[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct pb pdu;

	pb_dt(&pdu, ud, sizeof ud);	/* TPKT 17 */
	li_case(&pdu, 0, "DT LI 0");
	li_case(&pdu, 1, "DT LI 1");
	li_case(&pdu, 3, "DT LI 3");
	li_case(&pdu, 12, "DT LI = TPKT-5");
	pb_dt(&pdu, NULL, 0);		/* TPKT 7 */
	li_case(&pdu, 3, "empty DT LI 3");

	/* LI 2 but TPKT length 6: LI > TPKT length - 5. */
	pb_reset(&pdu);
	pb_mem(&pdu, "\x03\x00\x00\x06\x02\xf0", 6);
	expect_err(&pdu, RDPNEG_ERR_X224_LENGTH, RDPNEG_HAVE_TPKT,
	    "DT LI 2 in TPKT 6");
}

Test(malformed, x224_header_cut_by_li)
{
	/* LI consistent with TPKT but too short for the CR/CC/DR/ER header:
	 * the whole TPDU is present, so this is malformed, not TRUNCATED. */
	static const char *const raw[] = {
		"\x03\x00\x00\x06\x01\xe0",
		"\x03\x00\x00\x08\x03\xe0\x00\x00",
		"\x03\x00\x00\x0a\x05\xd0\x00\x00\x12\x34",
		"\x03\x00\x00\x0a\x05\x80\x00\x00\x12\x34",
		"\x03\x00\x00\x08\x03\x70\x00\x00",
	};
	static const size_t len[] = { 6, 8, 10, 10, 8 };
	size_t i;

	for (i = 0; i < sizeof len / sizeof len[0]; i++) {
		struct rdpneg_pdu p;
		enum rdpneg_status st = dec_copy((const uint8_t *)raw[i],
		    len[i], &p);

		cr_assert(rdpneg_status_is_malformed(st),
		    "case %zu: got %d (%s), want malformed", i, st, sname(st));
	}
}

Test(malformed, x224_class)
{
	static const uint8_t bad[] = { 0x10, 0x20, 0x40, 0x80, 0xf0, 0x13 };
	size_t i;

	for (i = 0; i < sizeof bad; i++) {
		struct pb var, pdu;

		pb_tpdu(&pdu, 0xe0, PB_DST, PB_SRC, bad[i], NULL);
		cr_log_info("CR class 0x%02x", bad[i]);
		expect_err(&pdu, RDPNEG_ERR_X224_CLASS, HAVE_HDR, "CR class");

		pb_tpdu(&pdu, 0xd0, PB_DST, PB_SRC, bad[i], NULL);
		expect_err(&pdu, RDPNEG_ERR_X224_CLASS, HAVE_HDR, "CC class");

		pb_reset(&var);
		pb_neg(&var, 2, 0, 8, 1);
		pb_tpdu(&pdu, 0xd0, PB_DST, PB_SRC, bad[i], &var);
		expect_err(&pdu, RDPNEG_ERR_X224_CLASS, HAVE_HDR,
		    "CC+RSP class");
	}
}

Test(malformed, x224_class_format_shows_class)
{
	struct pb pdu;
	struct rdpneg_pdu p;
	enum rdpneg_status st;

	pb_tpdu(&pdu, 0xe0, PB_DST, PB_SRC, 0x40, NULL);
	st = dec(pdu.b, pdu.n, &p);
	cr_assert_eq(st, RDPNEG_ERR_X224_CLASS);
	cr_assert_eq(p.class_option, 0x40);
	expect_format_shows(st, &p, 0x40);
}

/* ==== Malformed: CR variable part */

Test(malformed, token_without_crlf)
{
	static const char *const lines[] = {
		"Cookie: mstshash=eltons",
		"Cookie: mstshash=eltons\n",
		"Cookie: mstshash=eltons\r",
		"Cookie: mstshash=eltons\n\r",
		"Cookie: msts=1.2.3",
		"Cookie: x=y",
		"Cookie: ",
		"tsv://x",
		"mth://x",
	};
	size_t i;

	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		struct pb var, pdu;

		pb_reset(&var);
		pb_str(&var, lines[i]);
		pb_cr(&pdu, &var);
		cr_log_info("token \"%s\" alone", lines[i]);
		expect_err(&pdu, RDPNEG_ERR_TOKEN, HAVE_HDR, "no CRLF");

		pb_reset(&var);
		pb_str(&var, lines[i]);
		pb_neg(&var, 1, 0, 8, 3);
		pb_cr(&pdu, &var);
		cr_log_info("token \"%s\" + REQ", lines[i]);
		expect_err(&pdu, RDPNEG_ERR_TOKEN, HAVE_HDR, "no CRLF + REQ");
	}
}

Test(malformed, token_crlf_only_after_tpdu)
{
	/* CR ends in "\r"; the "\n" is the next byte in buf, outside the
	 * TPKT: it must not complete the line. */
	struct pb var, pdu;
	struct rdpneg_pdu p;
	enum rdpneg_status st;

	pb_reset(&var);
	pb_str(&var, "Cookie: mstshash=u\r");
	pb_cr(&pdu, &var);
	pb_str(&pdu, "\n\x03\x00\x00\x0b");
	st = dec(pdu.b, pdu.n, &p);
	cr_assert_eq(st, RDPNEG_ERR_TOKEN, "got %d (%s)", st, sname(st));
}

Test(malformed, cr_neg_type)
{
	static const uint8_t types[] = { 0x00, 0x02, 0x03, 0x06, 0x42, 0xff };
	size_t i;

	for (i = 0; i < sizeof types; i++) {
		struct pb var, pdu;
		struct rdpneg_pdu p;
		enum rdpneg_status st;

		pb_reset(&var);
		pb_neg(&var, types[i], 0, 8, 3);
		pb_cr(&pdu, &var);
		cr_log_info("CR neg type 0x%02x", types[i]);
		expect_err(&pdu, RDPNEG_ERR_NEG_TYPE, HAVE_HDR, "CR type");
		if (types[i] >= 10) {
			st = dec(pdu.b, pdu.n, &p);
			expect_format_shows(st, &p, types[i]);
		}

		pb_reset(&var);
		pb_line(&var, "Cookie: mstshash=a");
		pb_neg(&var, types[i], 0, 8, 3);
		pb_cr(&pdu, &var);
		expect_err(&pdu, RDPNEG_ERR_NEG_TYPE,
		    HAVE_HDR | RDPNEG_HAVE_TOKEN, "cookie + CR type");
	}
}

Test(malformed, cr_neg_type_single_byte_and_text)
{
	struct pb var, pdu;

	pb_reset(&var);
	pb_u8(&var, 0x02);
	pb_cr(&pdu, &var);
	expect_err(&pdu, RDPNEG_ERR_NEG_TYPE, HAVE_HDR, "single 0x02");

	/* Not one of the token prefixes: read as a (bad) RDP_NEG_REQ. */
	pb_reset(&var);
	pb_line(&var, "Hello: mstshash=a");
	pb_cr(&pdu, &var);
	expect_err(&pdu, RDPNEG_ERR_NEG_TYPE, HAVE_HDR, "Hello line");

	pb_reset(&var);
	pb_line(&var, "Cookie:mstshash=a");	/* no space */
	pb_neg(&var, 1, 0, 8, 3);
	pb_cr(&pdu, &var);
	expect_err(&pdu, RDPNEG_ERR_NEG_TYPE, HAVE_HDR, "Cookie: no space");
}

Test(malformed, cr_neg_short)
{
	size_t keep;

	for (keep = 1; keep < 8; keep++) {
		struct pb var, pdu;

		pb_reset(&var);
		pb_neg(&var, 1, 0, 8, 0x0b);
		var.n = keep;
		pb_cr(&pdu, &var);
		cr_log_info("REQ cut to %zu bytes", keep);
		expect_err(&pdu, RDPNEG_ERR_NEG_SHORT, HAVE_HDR, "REQ short");

		pb_reset(&var);
		pb_line(&var, "tsv:x");
		pb_neg(&var, 1, 0, 8, 0x0b);
		var.n -= 8 - keep;
		pb_cr(&pdu, &var);
		expect_err(&pdu, RDPNEG_ERR_NEG_SHORT,
		    HAVE_HDR | RDPNEG_HAVE_TOKEN, "token + REQ short");
	}
}

Test(malformed, cr_neg_short_rest_after_tpdu)
{
	/* 7 REQ bytes inside the TPKT, the 8th after it: NEG_SHORT. */
	struct pb var, pdu;
	struct rdpneg_pdu p;
	enum rdpneg_status st;

	pb_reset(&var);
	pb_neg(&var, 1, 0, 8, 0x0b);
	var.n = 7;
	pb_cr(&pdu, &var);
	pb_u8(&pdu, 0x00);
	pb_mem(&pdu, "\x03\x00\x00\x0b\x06\xd0", 6);
	st = dec(pdu.b, pdu.n, &p);
	cr_assert_eq(st, RDPNEG_ERR_NEG_SHORT, "got %d (%s)", st, sname(st));
	cr_assert_not(rdpneg_neg_complete(&p, st),
	    "a structure the LI cut short is not complete");
}

Test(malformed, neg_complete_despite_a_later_error)
{
	/* REQ read whole, then a trailing byte: its values still count. */
	struct pb var, pdu;
	struct rdpneg_pdu p;
	enum rdpneg_status st;

	pb_reset(&var);
	pb_neg(&var, 1, 0, 8, 3);
	pb_u8(&var, 0x00);
	pb_cr(&pdu, &var);
	st = dec(pdu.b, pdu.n, &p);
	cr_assert_eq(st, RDPNEG_ERR_TRAILING, "got %d (%s)", st, sname(st));
	cr_assert(rdpneg_neg_complete(&p, st));
	cr_assert_eq(p.neg.value, 3);
	/* No negotiation data at all. */
	pb_reset(&var);
	pb_cr(&pdu, &var);
	st = dec(pdu.b, pdu.n, &p);
	cr_assert_eq(st, RDPNEG_OK, "got %d (%s)", st, sname(st));
	cr_assert_not(rdpneg_neg_complete(&p, st));
}

Test(malformed, cr_correlation_short)
{
	static const size_t keep[] = { 0, 1, 2, 4, 20, 35 };
	size_t i;

	for (i = 0; i < sizeof keep / sizeof keep[0]; i++) {
		struct pb var, pdu;

		pb_reset(&var);
		pb_neg(&var, 1, 0x08, 8, 0x0b);
		pb_corr(&var, 6, 0, 36, corr_id);
		var.n = 8 + keep[i];
		pb_cr(&pdu, &var);
		cr_log_info("correlation cut to %zu bytes", keep[i]);
		expect_err(&pdu, RDPNEG_ERR_NEG_SHORT,
		    HAVE_HDR | RDPNEG_HAVE_NEG, "correlation short");
	}
}

Test(malformed, neg_length)
{
	static const uint16_t bad[] = { 0, 7, 9, 16, 0x0800, 0xffff };
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct pb var, pdu;
		struct rdpneg_pdu p;
		enum rdpneg_status st;
		uint8_t type;

		for (type = 1; type <= 3; type++) {
			pb_reset(&var);
			pb_neg(&var, type, 0, bad[i], type == 1 ? 0x0b : 1);
			if (type == 1)
				pb_cr(&pdu, &var);
			else
				pb_cc(&pdu, &var);
			cr_log_info("type %u length %u", type, bad[i]);
			expect_err(&pdu, RDPNEG_ERR_NEG_LENGTH,
			    HAVE_HDR | RDPNEG_HAVE_NEG, "neg length");
			st = dec(pdu.b, pdu.n, &p);
			cr_assert_eq(p.neg.type, type);
			cr_assert_eq(p.neg.length, bad[i],
			    "neg.length %u, want %u (LE16)", p.neg.length,
			    bad[i]);
			expect_format_shows(st, &p, bad[i]);
		}
	}
}

Test(malformed, neg_length_format_exact)
{
	struct pb var, pdu;
	struct rdpneg_pdu p;
	enum rdpneg_status st;
	char text[128];
	size_t n;

	pb_reset(&var);
	pb_neg(&var, 2, 0, 0, 1);
	pb_cc(&pdu, &var);
	st = dec(pdu.b, pdu.n, &p);
	cr_assert_eq(st, RDPNEG_ERR_NEG_LENGTH);
	n = rdpneg_format_status(st, &p, text, sizeof text);
	cr_assert_str_eq(text, "RDP_NEG_RSP length is 0, expected 8");
	cr_assert_eq(n, strlen("RDP_NEG_RSP length is 0, expected 8"));
}

Test(malformed, correlation_bad)
{
	static const struct {
		uint8_t		type;
		uint16_t	length;
	} bad[] = {
		{ 0, 36 }, { 1, 36 }, { 7, 36 }, { 0x16, 36 },
		{ 6, 0 }, { 6, 8 }, { 6, 35 }, { 6, 37 }, { 6, 0x2400 },
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct pb var, pdu;

		pb_reset(&var);
		pb_neg(&var, 1, 0x08, 8, 0x0b);
		pb_corr(&var, bad[i].type, 0, bad[i].length, corr_id);
		pb_cr(&pdu, &var);
		cr_log_info("correlation type %u length %u", bad[i].type,
		    bad[i].length);
		expect_err(&pdu, RDPNEG_ERR_CORRELATION,
		    HAVE_HDR | RDPNEG_HAVE_NEG, "correlation");
	}
}

Test(malformed, cr_trailing)
{
	struct pb var, pdu;

	pb_reset(&var);
	pb_neg(&var, 1, 0, 8, 3);
	pb_u8(&var, 0x00);
	pb_cr(&pdu, &var);
	expect_err(&pdu, RDPNEG_ERR_TRAILING, HAVE_HDR | RDPNEG_HAVE_NEG,
	    "REQ + 1");

	pb_reset(&var);
	pb_line(&var, "Cookie: mstshash=x");
	pb_neg(&var, 1, 0, 8, 3);
	pb_str(&var, "\r\n");
	pb_cr(&pdu, &var);
	expect_err(&pdu, RDPNEG_ERR_TRAILING,
	    HAVE_HDR | RDPNEG_HAVE_TOKEN | RDPNEG_HAVE_NEG, "token REQ CRLF");

	pb_reset(&var);
	pb_neg(&var, 1, 0x08, 8, 3);
	pb_corr(&var, 6, 0, 36, corr_id);
	pb_u8(&var, 0x01);
	pb_cr(&pdu, &var);
	expect_err(&pdu, RDPNEG_ERR_TRAILING, HAVE_HDR | RDPNEG_HAVE_NEG |
	    RDPNEG_HAVE_CORRELATION, "REQ + correlation + 1");

	/* A well-formed correlation info without flag 0x08 is trailing. */
	pb_reset(&var);
	pb_neg(&var, 1, 0, 8, 3);
	pb_corr(&var, 6, 0, 36, corr_id);
	pb_cr(&pdu, &var);
	expect_err(&pdu, RDPNEG_ERR_TRAILING, HAVE_HDR | RDPNEG_HAVE_NEG,
	    "correlation without flag");

	/* Two NEG_REQs. */
	pb_reset(&var);
	pb_neg(&var, 1, 0, 8, 3);
	pb_neg(&var, 1, 0, 8, 3);
	pb_cr(&pdu, &var);
	expect_err(&pdu, RDPNEG_ERR_TRAILING, HAVE_HDR | RDPNEG_HAVE_NEG,
	    "two REQs");
}

/* ==== Malformed: CC variable part */

Test(malformed, cc_neg_type)
{
	static const uint8_t types[] = { 0x00, 0x01, 0x04, 0x06, 0x42, 0xff };
	size_t i;

	for (i = 0; i < sizeof types; i++) {
		struct pb var, pdu;
		struct rdpneg_pdu p;
		enum rdpneg_status st;

		pb_reset(&var);
		pb_neg(&var, types[i], 0, 8, 1);
		pb_cc(&pdu, &var);
		cr_log_info("CC neg type 0x%02x", types[i]);
		expect_err(&pdu, RDPNEG_ERR_NEG_TYPE, HAVE_HDR, "CC type");
		if (types[i] >= 10) {
			st = dec(pdu.b, pdu.n, &p);
			expect_format_shows(st, &p, types[i]);
		}
	}
	{
		struct pb var, pdu;

		pb_reset(&var);
		pb_line(&var, "Cookie: mstshash=a");	/* no tokens in CC */
		pb_cc(&pdu, &var);
		expect_err(&pdu, RDPNEG_ERR_NEG_TYPE, HAVE_HDR, "CC cookie");
	}
}

Test(malformed, cc_neg_short)
{
	size_t keep;
	uint8_t type;

	for (type = 2; type <= 3; type++) {
		for (keep = 1; keep < 8; keep++) {
			struct pb var, pdu;

			pb_reset(&var);
			pb_neg(&var, type, 0, 8, 1);
			var.n = keep;
			pb_cc(&pdu, &var);
			cr_log_info("type %u cut to %zu bytes", type, keep);
			expect_err(&pdu, RDPNEG_ERR_NEG_SHORT, HAVE_HDR,
			    "CC short");
		}
	}
}

Test(malformed, cc_trailing)
{
	struct pb var, pdu;

	pb_reset(&var);
	pb_neg(&var, 2, 0, 8, 1);
	pb_u8(&var, 0);
	pb_cc(&pdu, &var);
	expect_err(&pdu, RDPNEG_ERR_TRAILING, HAVE_HDR | RDPNEG_HAVE_NEG,
	    "RSP + 1");

	pb_reset(&var);
	pb_neg(&var, 3, 0, 8, 5);
	pb_neg(&var, 3, 0, 8, 5);
	pb_cc(&pdu, &var);
	expect_err(&pdu, RDPNEG_ERR_TRAILING, HAVE_HDR | RDPNEG_HAVE_NEG,
	    "FAILURE twice");

	pb_reset(&var);
	pb_neg(&var, 2, 0, 8, 1);
	pb_corr(&var, 6, 0, 36, corr_id);
	pb_cc(&pdu, &var);
	expect_err(&pdu, RDPNEG_ERR_TRAILING, HAVE_HDR | RDPNEG_HAVE_NEG,
	    "RSP + correlation");
}

/* ==== Errors visible before the whole PDU has arrived.
 *
 * rdpneg.h: TRUNCATED means "the input is a strict prefix of something that
 * may still be valid"; these prefixes cannot become valid. */

Test(early, header_errors_on_short_input)
{
	static const struct {
		const char		*bytes;
		size_t			 len;
		enum rdpneg_status	 want;
	} cases[] = {
		{ "\x04", 1, RDPNEG_ERR_TPKT_VERSION },
		{ "\x03\x01", 2, RDPNEG_ERR_TPKT_RESERVED },
		{ "\x03\x00\x00\x05", 4, RDPNEG_ERR_TPKT_LENGTH },
		{ "\x03\x00\x00\x13\x0e\x50", 6, RDPNEG_ERR_X224_TPDU },
		/* A CR/CC with a wrong LI is decoded to its end first, so
		 * that its cookie and RDP_NEG_REQ are still reported: the
		 * prefix is TRUNCATED, the whole PDU X224_LENGTH (see
		 * cr.li_mismatch_keeps_evidence). */
		{ "\x03\x00\x00\x13\x06\xe0", 6, RDPNEG_TRUNCATED },
		{ "\x03\x00\x00\x13\x03\xf0", 6, RDPNEG_ERR_X224_LENGTH },
		{ "\x03\x00\x00\x13\x0e\xe0\x00\x00\x00\x00\x10", 11,
		  RDPNEG_ERR_X224_CLASS },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rdpneg_pdu p;
		enum rdpneg_status st = dec_copy(
		    (const uint8_t *)cases[i].bytes, cases[i].len, &p);

		cr_expect_eq(st, cases[i].want,
		    "case %zu (%zu bytes): got %d (%s), want %d (%s)", i,
		    cases[i].len, st, sname(st), cases[i].want,
		    sname(cases[i].want));
	}
}

/* ==== Status helpers */

Test(status, is_malformed)
{
	int s;

	cr_assert_eq(rdpneg_status_is_malformed(RDPNEG_OK), 0);
	cr_assert_eq(rdpneg_status_is_malformed(RDPNEG_TRUNCATED), 0);
	for (s = RDPNEG_ERR_FIRST; s < RDPNEG_STATUS_COUNT; s++)
		cr_assert_neq(rdpneg_status_is_malformed(
		    (enum rdpneg_status)s), 0, "status %d", s);
	cr_assert_eq(rdpneg_status_is_malformed(RDPNEG_STATUS_COUNT), 0);
	cr_assert_eq(rdpneg_status_is_malformed(
	    (enum rdpneg_status)(RDPNEG_STATUS_COUNT + 1)), 0);
	cr_assert_eq(rdpneg_status_is_malformed((enum rdpneg_status)1000),
	    0);
	cr_assert_eq(rdpneg_status_is_malformed((enum rdpneg_status)-1), 0);
}

Test(status, enum_layout)
{
	cr_assert_eq(RDPNEG_OK, 0);
	cr_assert_eq(RDPNEG_TRUNCATED, 1);
	cr_assert_eq(RDPNEG_ERR_FIRST, RDPNEG_ERR_TPKT_VERSION);
	cr_assert_eq(RDPNEG_STATUS_COUNT, RDPNEG_ERR_SEC + 1);
}

Test(status, str_never_null_and_distinct)
{
	int s, t;

	for (s = 0; s < RDPNEG_STATUS_COUNT; s++) {
		const char *a = rdpneg_status_str((enum rdpneg_status)s);

		cr_assert_not_null(a, "status %d", s);
		cr_assert_neq(a[0], '\0', "status %d: empty", s);
		for (t = 0; t < s; t++)
			cr_assert_str_neq(a,
			    rdpneg_status_str((enum rdpneg_status)t),
			    "statuses %d and %d share \"%s\"", t, s, a);
	}
	cr_assert_not_null(rdpneg_status_str(RDPNEG_STATUS_COUNT));
	cr_assert_not_null(rdpneg_status_str((enum rdpneg_status)999));
	cr_assert_not_null(rdpneg_status_str((enum rdpneg_status)-1));
	cr_assert_not_null(rdpneg_status_str((enum rdpneg_status)0x7fffffff));
}

Test(status, format_snprintf_semantics)
{
	struct pb var, pdu;
	struct rdpneg_pdu p;
	enum rdpneg_status st;
	char full[256], small[80];
	size_t n, size;

	pb_reset(&var);
	pb_neg(&var, 1, 0, 0x0800, 3);
	pb_cr(&pdu, &var);
	st = dec(pdu.b, pdu.n, &p);
	cr_assert_eq(st, RDPNEG_ERR_NEG_LENGTH);

	n = rdpneg_format_status(st, &p, full, sizeof full);
	cr_assert_eq(n, strlen(full));
	cr_assert_gt(n, 0);
	cr_assert_lt(n, sizeof small);
	cr_assert(shows_value(full, 0x0800), "\"%s\" lacks 2048", full);
	cr_assert_eq(rdpneg_format_status(st, &p, NULL, 0), n);

	for (size = 1; size <= n + 1; size++) {
		memset(small, 'Z', sizeof small);
		cr_assert_eq(rdpneg_format_status(st, &p, small, size), n,
		    "size %zu", size);
		cr_assert_eq(strlen(small), size - 1, "size %zu: \"%s\"",
		    size, small);
		cr_assert_eq(strncmp(small, full, size - 1), 0,
		    "size %zu: \"%s\" not a prefix of \"%s\"", size, small,
		    full);
		cr_assert_eq(small[size], 'Z', "size %zu: wrote past", size);
	}
	memset(small, 'Z', sizeof small);
	cr_assert_eq(rdpneg_format_status(st, &p, small, 0), n);
	cr_assert_eq(small[0], 'Z', "size 0 wrote into buf");
}

Test(status, format_every_status_nonempty)
{
	struct pb pdu;
	struct rdpneg_pdu p;
	char text[256];
	int s;

	pb_cr(&pdu, NULL);
	cr_assert_eq(dec(pdu.b, pdu.n, &p), RDPNEG_OK);
	for (s = 0; s < RDPNEG_STATUS_COUNT; s++) {
		size_t n;

		text[0] = 'Z';
		n = rdpneg_format_status((enum rdpneg_status)s, &p, text,
		    sizeof text);
		cr_assert_gt(n, 0, "status %d", s);
		cr_assert_eq(n, strlen(text), "status %d", s);
	}
}

Test(cr, li_mismatch_keeps_evidence)
{
	static const uint8_t b[] =
	    "\x03\x00\x00\x2c\x20\xe0\x00\x00\x00\x00\x00"
	    "Cookie: mstshash=eltons\r\n"
	    "\x01\x00\x08\x00\x0b\x00\x00\x00";
	struct rdpneg_pdu p;
	size_t k;

	/* LI 0x20 where the TPKT length 0x2c implies 0x27. */
	cr_assert_eq(dec(b, sizeof b - 1, &p), RDPNEG_ERR_X224_LENGTH);
	cr_assert(p.have & RDPNEG_HAVE_TOKEN);
	cr_assert_eq(p.token_kind, RDPNEG_TOKEN_MSTSHASH);
	cr_assert(p.have & RDPNEG_HAVE_NEG);
	cr_assert_eq(p.neg.value, 0x0b);
	for (k = 6; k < sizeof b - 1; k++)
		cr_assert_eq(dec(b, k, &p), RDPNEG_TRUNCATED, "prefix %zu", k);
}

Test(early, tpkt_length_too_small_still_names_a_cr_or_cc)
{
	static const uint8_t cr[] = "\x03\x00\x00\x00\x0e\xe0\x00\x00";
	static const uint8_t dt[] = "\x03\x00\x00\x05\x02\xf0\x80";
	struct rdpneg_pdu p;

	cr_assert_eq(dec(cr, sizeof cr - 1, &p), RDPNEG_ERR_TPKT_LENGTH);
	cr_assert(p.have & RDPNEG_HAVE_X224);
	cr_assert_eq(p.tpdu, RDPNEG_TPDU_CR);
	cr_assert_eq(p.tpkt_length, 0);
	cr_assert_eq(dec(dt, sizeof dt - 1, &p), RDPNEG_ERR_TPKT_LENGTH);
	cr_assert_not(p.have & RDPNEG_HAVE_X224, "only a CR or CC is named");
	cr_assert_eq(dec(cr, 5, &p), RDPNEG_ERR_TPKT_LENGTH);
	cr_assert_not(p.have & RDPNEG_HAVE_X224, "no code byte present");
}
