/*
 * decode.c - TPKT, X.224 and RDP negotiation PDUs from a byte span.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "rdpneg/cursor.h"
#include "rdpneg/rdpneg.h"

#define TPKT_HEADER_LEN		4	/* RFC 1006 section 6 */
#define TPKT_MIN_LENGTH		6	/* header + LI + TPDU code */
#define X224_CR_CC_FIXED	6	/* code, dst-ref, src-ref, class */
#define X224_DT_LI		2	/* code, EOT (class 0) */
#define X224_DR_MIN_LI		6	/* code, dst-ref, src-ref, reason */
#define X224_ER_MIN_LI		4	/* code, dst-ref, reject cause */
#define NEG_STRUCT_LEN		8	/* RDP_NEG_REQ / _RSP / _FAILURE */
#define CORRELATION_LEN		36	/* RDP_NEG_CORRELATION_INFO */

/*
 * Routing token and cookie prefixes of the CR variable part
 * (MS-RDPBCGR 2.2.1.1; "tsv:" and "mth://" as Wireshark's packet-rdp.c
 * accepts them).  Longest match first.
 */
static const struct {
	const char		*prefix;
	enum rdpneg_token_kind	 kind;
} token_prefixes[] = {
	{ "Cookie: mstshash=",	RDPNEG_TOKEN_MSTSHASH },
	{ "Cookie: msts=",	RDPNEG_TOKEN_MSTS },
	{ "Cookie: ",		RDPNEG_TOKEN_COOKIE },
	{ "tsv:",		RDPNEG_TOKEN_TSV },
	{ "mth://",		RDPNEG_TOKEN_MTH },
};

/*
 * Does the variable part start with a token prefix?  1 yes, 0 no, -1 the
 * bytes present agree with a prefix but are too few to tell.
 */
static int
match_prefix(const struct cursor *c, size_t i)
{
	const char *p = token_prefixes[i].prefix;
	size_t plen = strlen(p);
	size_t have = c->avail - c->off;
	size_t n = plen < have ? plen : have;

	if (plen > cur_left(c))
		return 0;
	if (memcmp(c->buf + c->off, p, n) != 0)
		return 0;
	return n == plen ? 1 : -1;
}

/*
 * The routing token or cookie line (2.2.1.1): a prefix, then bytes up to
 * CR LF.  Leaves the cursor after the CR LF.
 */
static void
decode_token(struct cursor *c, struct rdpneg_pdu *out)
{
	size_t i, k, plen;
	int m, partial = 0;

	for (i = 0; i < sizeof(token_prefixes) / sizeof(token_prefixes[0]);
	    i++) {
		m = match_prefix(c, i);
		if (m < 0)
			partial = 1;
		if (m > 0)
			break;
	}
	if (i == sizeof(token_prefixes) / sizeof(token_prefixes[0])) {
		if (partial)
			cur_fail(c, RDPNEG_TRUNCATED);
		return;
	}
	plen = strlen(token_prefixes[i].prefix);
	for (k = c->off; k + 1 < c->end; k++) {
		if (k + 1 >= c->avail) {
			cur_fail(c, RDPNEG_TRUNCATED);
			return;
		}
		if (c->buf[k] == '\r' && c->buf[k + 1] == '\n')
			break;
	}
	if (k + 1 >= c->end && c->end > c->avail) {
		cur_fail(c, RDPNEG_TRUNCATED);
		return;
	}
	/* Without CR LF the token is the rest of the TPDU, and malformed. */
	if (k + 1 >= c->end)
		k = c->end;
	out->token_kind = token_prefixes[i].kind;
	out->token.ptr = c->buf + c->off;
	out->token.len = k - c->off;
	out->token_value.ptr = out->token.ptr + plen;
	out->token_value.len = out->token.len - plen;
	out->have |= RDPNEG_HAVE_TOKEN;
	if (k == c->end) {
		c->off = k;
		cur_fail(c, RDPNEG_ERR_TOKEN);
		return;
	}
	c->off = k + 2;
}

/*
 * RDP_NEG_REQ / RDP_NEG_RSP / RDP_NEG_FAILURE (2.2.1.1.1, 2.2.1.2.1,
 * 2.2.1.2.2): type, flags, length (8), then a 32-bit value.
 */
static void
decode_neg(struct cursor *c, struct rdpneg_pdu *out, uint8_t want1,
    uint8_t want2)
{
	int type = cur_peek(c);

	if (type < 0) {
		cur_need(c, 1);
		return;
	}
	if (type != want1 && type != want2) {
		out->neg.type = (uint8_t)type;
		out->have |= RDPNEG_HAVE_NEG;
		cur_fail(c, RDPNEG_ERR_NEG_TYPE);
		return;
	}
	if (!cur_need(c, NEG_STRUCT_LEN))
		return;
	out->neg.type = cur_u8(c);
	out->neg.flags = cur_u8(c);
	out->neg.length = cur_le16(c);
	out->neg.value = cur_le32(c);
	out->have |= RDPNEG_HAVE_NEG;
	if (out->neg.length != NEG_STRUCT_LEN)
		cur_fail(c, RDPNEG_ERR_NEG_LENGTH);
}

/* RDP_NEG_CORRELATION_INFO (2.2.1.1.2): type 6, flags, length 36, id, reserved. */
static void
decode_correlation(struct cursor *c, struct rdpneg_pdu *out)
{
	struct rdpneg_span id = { NULL, 0 }, reserved = { NULL, 0 };
	uint8_t type;
	uint16_t length;

	if (!cur_need(c, CORRELATION_LEN))
		return;
	type = cur_u8(c);
	(void)cur_u8(c);	/* flags: no flags are defined */
	length = cur_le16(c);
	cur_span(c, sizeof(out->correlation_id), &id);
	cur_span(c, 16, &reserved);
	if (type != RDPNEG_TYPE_CORRELATION || length != CORRELATION_LEN) {
		cur_fail(c, RDPNEG_ERR_CORRELATION);
		return;
	}
	memcpy(out->correlation_id, id.ptr, sizeof(out->correlation_id));
	out->have |= RDPNEG_HAVE_CORRELATION;
}

/* The CR variable part: [token CRLF] [RDP_NEG_REQ [CORRELATION_INFO]]. */
static void
decode_cr_body(struct cursor *c, struct rdpneg_pdu *out)
{
	decode_token(c, out);
	if (c->st != RDPNEG_OK || cur_left(c) == 0)
		return;
	decode_neg(c, out, RDPNEG_TYPE_REQ, RDPNEG_TYPE_REQ);
	if (c->st == RDPNEG_OK &&
	    (out->neg.flags & RDPNEG_REQ_CORRELATION_INFO_PRESENT))
		decode_correlation(c, out);
}

/* The CC variable part: nothing (legacy server) or RDP_NEG_RSP/FAILURE. */
static void
decode_cc_body(struct cursor *c, struct rdpneg_pdu *out)
{
	if (cur_left(c) == 0)
		return;
	decode_neg(c, out, RDPNEG_TYPE_RSP, RDPNEG_TYPE_FAILURE);
}

/*
 * X.224 header.  CR/CC (X.224 13.3/13.4): LI, code|CDT, dst-ref, src-ref,
 * class option.  DR (13.5): LI, code, dst-ref, src-ref, reason.  DT (13.7,
 * class 0): LI, code, EOT.  ER (13.12): LI, code, dst-ref, cause.
 */
static void
decode_x224(struct cursor *c, struct rdpneg_pdu *out)
{
	size_t tpdu_len = out->tpkt_length - TPKT_HEADER_LEN - 1u;
	enum rdpneg_status deferred = RDPNEG_OK;
	uint8_t code;

	out->li = cur_u8(c);
	code = cur_u8(c);
	if (c->st != RDPNEG_OK)
		return;		/* the code decides what a wrong LI means */
	out->tpdu = code & 0xf0;
	switch (out->tpdu) {
	case RDPNEG_TPDU_CR:
	case RDPNEG_TPDU_CC:
		/*
		 * A CR/CC whose LI disagrees with the TPKT length is reported
		 * malformed, but its body is still decoded within the TPKT
		 * length so that the evidence (cookie, protocols) is shown.
		 */
		out->have |= RDPNEG_HAVE_X224;
		if (out->li != tpdu_len)
			deferred = RDPNEG_ERR_X224_LENGTH;
		break;
	case RDPNEG_TPDU_DR:
	case RDPNEG_TPDU_ER:
		out->have |= RDPNEG_HAVE_X224;
		if (out->li != tpdu_len) {
			cur_fail(c, RDPNEG_ERR_X224_LENGTH);
			return;
		}
		break;
	case RDPNEG_TPDU_DT:
		out->have |= RDPNEG_HAVE_X224;
		if (out->li != X224_DT_LI || out->li > tpdu_len) {
			cur_fail(c, RDPNEG_ERR_X224_LENGTH);
			return;
		}
		break;
	default:
		cur_fail(c, out->li > tpdu_len ? RDPNEG_ERR_X224_LENGTH :
		    RDPNEG_ERR_X224_TPDU);
		return;
	}
	/* From here on the TPDU bounds every read. */
	if (deferred == RDPNEG_OK)
		c->end = TPKT_HEADER_LEN + 1u + out->li;
	if (c->avail > c->end)
		c->avail = c->end;

	switch (out->tpdu) {
	case RDPNEG_TPDU_CR:
	case RDPNEG_TPDU_CC:
		out->dst_ref = cur_be16(c);
		out->src_ref = cur_be16(c);
		out->class_option = cur_u8(c);
		if (c->st == RDPNEG_OK && (out->class_option & 0xf0) != 0)
			cur_fail(c, RDPNEG_ERR_X224_CLASS);
		if (out->tpdu == RDPNEG_TPDU_CR)
			decode_cr_body(c, out);
		else
			decode_cc_body(c, out);
		if (c->st == RDPNEG_OK && cur_left(c) != 0) {
			out->trailing = cur_left(c);
			cur_fail(c, RDPNEG_ERR_TRAILING);
		}
		/* The first problem is named, once the evidence after it
		 * is complete (a truncated body may still gain a cookie). */
		if (deferred != RDPNEG_OK && c->st != RDPNEG_TRUNCATED)
			c->st = deferred;
		break;
	case RDPNEG_TPDU_DR:
		if (out->li < X224_DR_MIN_LI) {
			cur_fail(c, RDPNEG_ERR_X224_LENGTH);
			break;
		}
		out->dst_ref = cur_be16(c);
		out->src_ref = cur_be16(c);
		out->class_option = cur_u8(c);
		break;
	case RDPNEG_TPDU_ER:
		if (out->li < X224_ER_MIN_LI) {
			cur_fail(c, RDPNEG_ERR_X224_LENGTH);
			break;
		}
		out->dst_ref = cur_be16(c);
		out->class_option = cur_u8(c);
		break;
	default:	/* DT: EOT; user data follows, not ours to decode */
		(void)cur_u8(c);
		break;
	}
	/* Variable-part parameters of DR/ER are skipped, not decoded. */
}

enum rdpneg_status
rdpneg_decode_pdu(const uint8_t *buf, size_t len, struct rdpneg_pdu *out)
{
	struct cursor c;
	uint8_t version, reserved;

	memset(out, 0, sizeof(*out));
	if (buf == NULL)
		len = 0;
	/* TPKT (RFC 1006 section 6): version 3, reserved 0, length. */
	cur_init(&c, buf, len, TPKT_HEADER_LEN);
	version = cur_u8(&c);
	if (c.st == RDPNEG_OK && version != 3)
		return RDPNEG_ERR_TPKT_VERSION;
	reserved = cur_u8(&c);
	if (c.st == RDPNEG_OK && reserved != 0)
		return RDPNEG_ERR_TPKT_RESERVED;
	out->tpkt_length = cur_be16(&c);
	if (c.st != RDPNEG_OK)
		return c.st;
	out->size = out->tpkt_length;
	out->have |= RDPNEG_HAVE_TPKT;
	if (out->tpkt_length < TPKT_MIN_LENGTH) {
		/* Name the TPDU that follows anyway, so that a CR or CC with
		 * a bad TPKT length is reported as a malformed CR or CC. */
		if (len >= TPKT_MIN_LENGTH) {
			out->li = buf[TPKT_HEADER_LEN];
			out->tpdu = buf[TPKT_HEADER_LEN + 1] & 0xf0;
			if (out->tpdu == RDPNEG_TPDU_CR ||
			    out->tpdu == RDPNEG_TPDU_CC)
				out->have |= RDPNEG_HAVE_X224;
		}
		return RDPNEG_ERR_TPKT_LENGTH;
	}

	c.end = out->tpkt_length;
	c.avail = len < c.end ? len : c.end;
	decode_x224(&c, out);
	if (c.st == RDPNEG_OK && len < out->tpkt_length)
		return RDPNEG_TRUNCATED;	/* skipped bytes not all here */
	return c.st;
}
