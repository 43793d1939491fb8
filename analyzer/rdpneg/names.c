/*
 * names.c - the one table of names for TPDUs, structure types, flags,
 * protocols, failure codes, outcomes, and the renderers built on them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "rdpneg/rdpneg.h"
#include "rdpneg/words.h"

const struct rdpneg_tok rdpneg_tpdu_names[] = {
	{ RDPNEG_TPDU_CR, "CR" },
	{ RDPNEG_TPDU_CC, "CC" },
	{ RDPNEG_TPDU_DR, "DR" },
	{ RDPNEG_TPDU_DT, "DT" },
	{ RDPNEG_TPDU_ER, "ER" },
	{ 0, NULL }
};

const struct rdpneg_tok rdpneg_neg_type_names[] = {
	{ RDPNEG_TYPE_REQ, "RDP_NEG_REQ" },
	{ RDPNEG_TYPE_RSP, "RDP_NEG_RSP" },
	{ RDPNEG_TYPE_FAILURE, "RDP_NEG_FAILURE" },
	{ RDPNEG_TYPE_CORRELATION, "RDP_NEG_CORRELATION_INFO" },
	{ 0, NULL }
};

/* 2.2.1.1.1: each value is also a requestedProtocols bit, except RDP (0). */
const struct rdpneg_tok rdpneg_protocol_names[] = {
	{ RDPNEG_PROTOCOL_SSL, "SSL" },
	{ RDPNEG_PROTOCOL_HYBRID, "HYBRID" },
	{ RDPNEG_PROTOCOL_RDSTLS, "RDSTLS" },
	{ RDPNEG_PROTOCOL_HYBRID_EX, "HYBRID_EX" },
	{ RDPNEG_PROTOCOL_RDSAAD, "RDSAAD" },
	{ 0, NULL }
};

const struct rdpneg_tok rdpneg_request_flag_names[] = {
	{ RDPNEG_REQ_RESTRICTED_ADMIN_MODE_REQUIRED,
	    "RESTRICTED_ADMIN_MODE_REQUIRED" },
	{ RDPNEG_REQ_REDIRECTED_AUTHENTICATION_MODE_REQUIRED,
	    "REDIRECTED_AUTHENTICATION_MODE_REQUIRED" },
	{ RDPNEG_REQ_CORRELATION_INFO_PRESENT, "CORRELATION_INFO_PRESENT" },
	{ 0, NULL }
};

const struct rdpneg_tok rdpneg_response_flag_names[] = {
	{ RDPNEG_RSP_EXTENDED_CLIENT_DATA_SUPPORTED,
	    "EXTENDED_CLIENT_DATA_SUPPORTED" },
	{ RDPNEG_RSP_DYNVC_GFX_PROTOCOL_SUPPORTED,
	    "DYNVC_GFX_PROTOCOL_SUPPORTED" },
	{ RDPNEG_RSP_NEGRSP_FLAG_RESERVED, "NEGRSP_FLAG_RESERVED" },
	{ RDPNEG_RSP_RESTRICTED_ADMIN_MODE_SUPPORTED,
	    "RESTRICTED_ADMIN_MODE_SUPPORTED" },
	{ RDPNEG_RSP_REDIRECTED_AUTHENTICATION_MODE_SUPPORTED,
	    "REDIRECTED_AUTHENTICATION_MODE_SUPPORTED" },
	{ 0, NULL }
};

/* 2.2.1.2.2 */
const struct rdpneg_tok rdpneg_failure_names[] = {
	{ RDPNEG_SSL_REQUIRED_BY_SERVER, "SSL_REQUIRED_BY_SERVER" },
	{ RDPNEG_SSL_NOT_ALLOWED_BY_SERVER, "SSL_NOT_ALLOWED_BY_SERVER" },
	{ RDPNEG_SSL_CERT_NOT_ON_SERVER, "SSL_CERT_NOT_ON_SERVER" },
	{ RDPNEG_INCONSISTENT_FLAGS, "INCONSISTENT_FLAGS" },
	{ RDPNEG_HYBRID_REQUIRED_BY_SERVER, "HYBRID_REQUIRED_BY_SERVER" },
	{ RDPNEG_SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER,
	    "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER" },
	{ 0, NULL }
};

const struct rdpneg_tok rdpneg_token_kind_names[] = {
	{ RDPNEG_TOKEN_MSTSHASH, "mstshash" },
	{ RDPNEG_TOKEN_MSTS, "msts" },
	{ RDPNEG_TOKEN_COOKIE, "cookie" },
	{ RDPNEG_TOKEN_TSV, "tsv" },
	{ RDPNEG_TOKEN_MTH, "mth" },
	{ 0, NULL }
};

const struct rdpneg_tok rdpneg_outcome_names[] = {
	{ RDPNEG_OUTCOME_SELECTED, "selected" },
	{ RDPNEG_OUTCOME_FAILURE, "failure" },
	{ RDPNEG_OUTCOME_LEGACY, "legacy" },
	{ RDPNEG_OUTCOME_NO_RESPONSE, "no_response" },
	{ RDPNEG_OUTCOME_REFUSED, "refused" },
	{ RDPNEG_OUTCOME_UNANSWERED, "unanswered" },
	{ RDPNEG_OUTCOME_NO_REQUEST, "no_request" },
	{ 0, NULL }
};

const struct rdpneg_tok rdpneg_end_names[] = {
	{ RDPNEG_END_OPEN, "open" },
	{ RDPNEG_END_FIN_SERVER, "fin_server" },
	{ RDPNEG_END_FIN_CLIENT, "fin_client" },
	{ RDPNEG_END_RST_SERVER, "rst_server" },
	{ RDPNEG_END_RST_CLIENT, "rst_client" },
	{ 0, NULL }
};

static const char *const status_names[RDPNEG_STATUS_COUNT] = {
	[RDPNEG_OK] = "ok",
	[RDPNEG_TRUNCATED] = "truncated",
	[RDPNEG_ERR_TPKT_VERSION] = "TPKT version is not 3",
	[RDPNEG_ERR_TPKT_RESERVED] = "TPKT reserved byte is not 0",
	[RDPNEG_ERR_TPKT_LENGTH] = "TPKT length is too small for an X.224 TPDU",
	[RDPNEG_ERR_X224_LENGTH] =
	    "X.224 length indicator disagrees with the TPKT length",
	[RDPNEG_ERR_X224_TPDU] = "unknown X.224 TPDU code",
	[RDPNEG_ERR_X224_CLASS] = "X.224 class option is not class 0",
	[RDPNEG_ERR_TOKEN] = "routing token or cookie is not ended by CR LF",
	[RDPNEG_ERR_NEG_SHORT] = "negotiation structure cut short by the TPDU",
	[RDPNEG_ERR_NEG_TYPE] = "unexpected negotiation structure type",
	[RDPNEG_ERR_NEG_LENGTH] = "negotiation structure length is not 8",
	[RDPNEG_ERR_CORRELATION] = "malformed RDP_NEG_CORRELATION_INFO",
	[RDPNEG_ERR_TRAILING] = "trailing bytes after the negotiation data",
	[RDPNEG_ERR_TLS_RECORD] =
	    "TLS record with an unknown content type, version or length",
	[RDPNEG_ERR_TLS_HELLO] = "a length inside a TLS hello disagrees with "
	    "the message",
	[RDPNEG_ERR_TLS_CERTIFICATE] = "the lengths of a TLS certificate list "
	    "disagree with the message",
	[RDPNEG_ERR_TLS_ALERT] = "TLS alert that is not 2 bytes",
	[RDPNEG_ERR_MCS_FRAME] = "not an X.224 Data TPDU",
	[RDPNEG_ERR_MCS_BER] = "MCS connect PDU with a bad BER tag or length",
	[RDPNEG_ERR_MCS_PER] = "MCS domain PDU with a bad PER length or "
	    "choice",
	[RDPNEG_ERR_GCC] = "GCC conference data not as MS-RDPBCGR defines it",
	[RDPNEG_ERR_USER_DATA] = "GCC user data block with a bad length",
	[RDPNEG_ERR_SEC] = "security or licensing PDU with a bad length",
};

const char *
rdpneg_tok_str(const struct rdpneg_tok *table, uint32_t value)
{
	for (; table->name != NULL; table++)
		if (table->value == value)
			return table->name;
	return NULL;
}

int
rdpneg_status_is_malformed(enum rdpneg_status st)
{
	return st >= RDPNEG_ERR_FIRST && st < RDPNEG_STATUS_COUNT;
}

int
rdpneg_neg_complete(const struct rdpneg_pdu *pdu, enum rdpneg_status st)
{
	return (pdu->have & RDPNEG_HAVE_NEG) && st != RDPNEG_ERR_NEG_SHORT;
}

const char *
rdpneg_status_str(enum rdpneg_status st)
{
	if ((unsigned)st >= RDPNEG_STATUS_COUNT)
		return "unknown status";
	return status_names[st];
}

size_t
rdpneg_format_status(enum rdpneg_status st, const struct rdpneg_pdu *pdu,
    char *buf, size_t size)
{
	const char *type = rdpneg_tok_str(rdpneg_neg_type_names, pdu->neg.type);
	int n;

	switch (st) {
	case RDPNEG_ERR_TPKT_LENGTH:
		n = snprintf(buf, size, "TPKT length is %u, too small for an "
		    "X.224 TPDU", pdu->tpkt_length);
		break;
	case RDPNEG_ERR_X224_LENGTH:
		n = snprintf(buf, size, "X.224 length indicator %u disagrees "
		    "with TPKT length %u", pdu->li, pdu->tpkt_length);
		break;
	case RDPNEG_ERR_X224_TPDU:
		n = snprintf(buf, size, "unknown X.224 TPDU code 0x%02x",
		    pdu->tpdu);
		break;
	case RDPNEG_ERR_X224_CLASS:
		n = snprintf(buf, size, "X.224 class option 0x%02x is not "
		    "class 0", pdu->class_option);
		break;
	case RDPNEG_ERR_TRAILING:
		n = snprintf(buf, size, "%zu trailing bytes after the "
		    "negotiation data", pdu->trailing);
		break;
	case RDPNEG_ERR_NEG_TYPE:
		n = snprintf(buf, size, "unexpected negotiation structure "
		    "type 0x%02x", pdu->neg.type);
		break;
	case RDPNEG_ERR_NEG_LENGTH:
		n = snprintf(buf, size, "%s length is %u, expected 8",
		    type != NULL ? type : "negotiation structure",
		    pdu->neg.length);
		break;
	default:
		n = snprintf(buf, size, "%s", rdpneg_status_str(st));
		break;
	}
	return n < 0 ? 0 : (size_t)n;
}

size_t
rdpneg_bits_str(const struct rdpneg_tok *table, uint32_t mask,
    const char *zero_name, char *buf, size_t size)
{
	char hex[16];
	uint32_t known = 0;
	const char *sep = "";
	struct words w;

	words_init(&w, buf, size);
	if (mask == 0) {
		words_put(&w, "", zero_name);
		return w.need;
	}
	for (; table->name != NULL; table++) {
		known |= table->value;
		if ((mask & table->value) != table->value || table->value == 0)
			continue;
		words_put(&w, sep, table->name);
		sep = "|";
	}
	if ((mask & ~known) != 0) {
		snprintf(hex, sizeof(hex), "0x%x", mask & ~known);
		words_put(&w, sep, hex);
	}
	return w.need;
}

size_t
rdpneg_protocols_str(uint32_t mask, char *buf, size_t size)
{
	return rdpneg_bits_str(rdpneg_protocol_names, mask, "RDP", buf, size);
}

int
rdpneg_protocol_was_requested(uint32_t requested, uint32_t selected)
{
	if (selected == RDPNEG_PROTOCOL_RDP)
		return requested == RDPNEG_PROTOCOL_RDP;
	return (selected & (selected - 1)) == 0 && (requested & selected) != 0;
}
