/*
 * rdpneg.h - the shared RDP connection-negotiation decoder.
 *
 * Pure C11: no allocation, no I/O, no globals, no locale.  Every function
 * reads a caller-owned byte span and fills a caller-owned struct.  Spans in
 * the result (the cookie or routing token) point into the caller's buffer.
 *
 * Wire formats (all from [MS-RDPBCGR] unless stated):
 *   TPKT            RFC 1006 section 6 (version 3, reserved, 16-bit BE length)
 *   X.224 TPDUs     ITU-T X.224 / ISO 8073 section 13 (CR, CC, DR, DT, ER)
 *   CR + routing token / cookie + RDP_NEG_REQ + RDP_NEG_CORRELATION_INFO
 *                   2.2.1.1, 2.2.1.1.1, 2.2.1.1.2
 *   CC + RDP_NEG_RSP / RDP_NEG_FAILURE
 *                   2.2.1.2, 2.2.1.2.1, 2.2.1.2.2
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_RDPNEG_H
#define RDPNEG_RDPNEG_H

#include <stddef.h>
#include <stdint.h>

/*
 * Result of a decode.  RDPNEG_TRUNCATED means "not enough bytes yet": the
 * input is a strict prefix of something that may still be valid.  Every
 * value from RDPNEG_ERR_FIRST on means the bytes present are wrong.
 */
enum rdpneg_status {
	RDPNEG_OK = 0,
	RDPNEG_TRUNCATED,
	RDPNEG_ERR_FIRST,
	RDPNEG_ERR_TPKT_VERSION = RDPNEG_ERR_FIRST, /* not TPKT version 3 */
	RDPNEG_ERR_TPKT_RESERVED,	/* reserved byte not 0 */
	RDPNEG_ERR_TPKT_LENGTH,		/* TPKT length too small for a TPDU */
	RDPNEG_ERR_X224_LENGTH,		/* LI disagrees with the TPKT length */
	RDPNEG_ERR_X224_TPDU,		/* TPDU code not CR/CC/DR/DT/ER */
	RDPNEG_ERR_X224_CLASS,		/* CR/CC class option not class 0 */
	RDPNEG_ERR_TOKEN,		/* cookie/routing token without CRLF */
	RDPNEG_ERR_NEG_SHORT,		/* negotiation data cut short by LI */
	RDPNEG_ERR_NEG_TYPE,		/* wrong structure type for the TPDU */
	RDPNEG_ERR_NEG_LENGTH,		/* structure length field is not 8 */
	RDPNEG_ERR_CORRELATION,		/* bad RDP_NEG_CORRELATION_INFO */
	RDPNEG_ERR_TRAILING,		/* bytes after the last structure */
	/* The TLS after the negotiation (tls.h). */
	RDPNEG_ERR_TLS_RECORD,		/* record type, version or length */
	RDPNEG_ERR_TLS_HELLO,		/* a length inside a hello lies */
	RDPNEG_ERR_TLS_CERTIFICATE,	/* the certificate list's lengths lie */
	RDPNEG_ERR_TLS_ALERT,		/* an alert that is not 2 bytes */
	/* Standard RDP Security after the negotiation (mcs.h). */
	RDPNEG_ERR_MCS_FRAME,		/* not a TPKT-framed X.224 Data TPDU */
	RDPNEG_ERR_MCS_BER,		/* an MCS connect PDU's BER lies */
	RDPNEG_ERR_MCS_PER,		/* an MCS domain PDU's PER lies */
	RDPNEG_ERR_GCC,			/* not the GCC encoding of 2.2.1.3.1 */
	RDPNEG_ERR_USER_DATA,		/* a user data block's length lies */
	RDPNEG_ERR_SEC,			/* a security/licensing PDU's length
					   lies */
	RDPNEG_STATUS_COUNT
};

/* X.224 TPDU codes (high nibble of the code octet; ITU-T X.224 13.1). */
enum rdpneg_tpdu {
	RDPNEG_TPDU_NONE = 0x00,
	RDPNEG_TPDU_CR = 0xe0,		/* Connection Request */
	RDPNEG_TPDU_CC = 0xd0,		/* Connection Confirm */
	RDPNEG_TPDU_DR = 0x80,		/* Disconnect Request */
	RDPNEG_TPDU_DT = 0xf0,		/* Data */
	RDPNEG_TPDU_ER = 0x70		/* TPDU Error */
};

/* RDP negotiation structure types (2.2.1.1.1, 2.2.1.1.2, 2.2.1.2.1/2). */
enum rdpneg_neg_type {
	RDPNEG_TYPE_NONE = 0x00,
	RDPNEG_TYPE_REQ = 0x01,		/* TYPE_RDP_NEG_REQ */
	RDPNEG_TYPE_RSP = 0x02,		/* TYPE_RDP_NEG_RSP */
	RDPNEG_TYPE_FAILURE = 0x03,	/* TYPE_RDP_NEG_FAILURE */
	RDPNEG_TYPE_CORRELATION = 0x06	/* TYPE_RDP_CORRELATION_INFO */
};

/* requestedProtocols / selectedProtocol values (2.2.1.1.1). */
#define RDPNEG_PROTOCOL_RDP		0x00000000u
#define RDPNEG_PROTOCOL_SSL		0x00000001u
#define RDPNEG_PROTOCOL_HYBRID		0x00000002u
#define RDPNEG_PROTOCOL_RDSTLS		0x00000004u
#define RDPNEG_PROTOCOL_HYBRID_EX	0x00000008u
#define RDPNEG_PROTOCOL_RDSAAD		0x00000010u

/* RDP_NEG_REQ flags (2.2.1.1.1). */
#define RDPNEG_REQ_RESTRICTED_ADMIN_MODE_REQUIRED		0x01u
#define RDPNEG_REQ_REDIRECTED_AUTHENTICATION_MODE_REQUIRED	0x02u
#define RDPNEG_REQ_CORRELATION_INFO_PRESENT			0x08u

/* RDP_NEG_RSP flags (2.2.1.2.1). */
#define RDPNEG_RSP_EXTENDED_CLIENT_DATA_SUPPORTED		0x01u
#define RDPNEG_RSP_DYNVC_GFX_PROTOCOL_SUPPORTED			0x02u
#define RDPNEG_RSP_NEGRSP_FLAG_RESERVED				0x04u
#define RDPNEG_RSP_RESTRICTED_ADMIN_MODE_SUPPORTED		0x08u
#define RDPNEG_RSP_REDIRECTED_AUTHENTICATION_MODE_SUPPORTED	0x10u

/* failureCode values (2.2.1.2.2). */
enum rdpneg_failure {
	RDPNEG_SSL_REQUIRED_BY_SERVER = 1,
	RDPNEG_SSL_NOT_ALLOWED_BY_SERVER = 2,
	RDPNEG_SSL_CERT_NOT_ON_SERVER = 3,
	RDPNEG_INCONSISTENT_FLAGS = 4,
	RDPNEG_HYBRID_REQUIRED_BY_SERVER = 5,
	RDPNEG_SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER = 6
};

/* What starts the CR variable part (2.2.1.1): cookie or routing token. */
enum rdpneg_token_kind {
	RDPNEG_TOKEN_NONE = 0,
	RDPNEG_TOKEN_MSTSHASH,		/* "Cookie: mstshash=IDENTIFIER" */
	RDPNEG_TOKEN_MSTS,		/* "Cookie: msts=..." routing token */
	RDPNEG_TOKEN_COOKIE,		/* "Cookie: " with another name */
	RDPNEG_TOKEN_TSV,		/* "tsv:..." */
	RDPNEG_TOKEN_MTH		/* "mth://..." */
};

/* A sub-span of the caller's buffer. */
struct rdpneg_span {
	const uint8_t	*ptr;
	size_t		 len;
};

/* Which parts of struct rdpneg_pdu hold decoded values. */
#define RDPNEG_HAVE_TPKT	0x01u	/* tpkt_length */
#define RDPNEG_HAVE_X224	0x02u	/* li, tpdu (+ refs when present) */
#define RDPNEG_HAVE_TOKEN	0x04u	/* token_kind, token, token_value */
#define RDPNEG_HAVE_NEG		0x08u	/* neg.type (+ fields read so far) */
#define RDPNEG_HAVE_CORRELATION	0x10u	/* correlation_id */

/*
 * One TPKT-framed X.224 TPDU with the RDP negotiation data it carries.
 * Filled progressively: after an error or RDPNEG_TRUNCATED the fields named
 * by `have` are still valid, so a consumer can report what it saw.  The
 * values an error names are kept too: tpkt_length (and li and tpdu with
 * RDPNEG_HAVE_X224 when a CR or CC follows the TPKT header) for
 * RDPNEG_ERR_TPKT_LENGTH, li and tpkt_length for RDPNEG_ERR_X224_LENGTH,
 * the code in tpdu for RDPNEG_ERR_X224_TPDU, class_option for
 * RDPNEG_ERR_X224_CLASS, neg.type / neg.length for the negotiation errors,
 * trailing for RDPNEG_ERR_TRAILING, and the unended line in token for
 * RDPNEG_ERR_TOKEN.
 */
struct rdpneg_pdu {
	unsigned		have;		/* RDPNEG_HAVE_* */
	size_t			size;		/* TPKT length: bytes this PDU spans */
	uint16_t		tpkt_length;
	uint8_t			li;		/* X.224 length indicator */
	uint8_t			tpdu;		/* enum rdpneg_tpdu, or the unknown
						   code after RDPNEG_ERR_X224_TPDU */
	uint16_t		dst_ref;
	uint16_t		src_ref;
	uint8_t			class_option;	/* CR/CC; DR reason; ER cause */
	enum rdpneg_token_kind	token_kind;
	struct rdpneg_span	token;		/* the whole line, no CRLF */
	struct rdpneg_span	token_value;	/* after "Cookie: mstshash=" etc. */
	struct {
		uint8_t		type;		/* enum rdpneg_neg_type */
		uint8_t		flags;
		uint16_t	length;
		uint32_t	value;	/* requested/selected protocol(s), failureCode */
	} neg;
	uint8_t			correlation_id[16];
	size_t			trailing;	/* bytes after the last structure */
};

/*
 * Decode one TPKT + X.224 TPDU from the start of buf.  On RDPNEG_OK the PDU
 * spans out->size bytes; the caller steps over them to reach the next one.
 * Never reads outside buf[0..len).  A CR or CC whose LI disagrees with the
 * TPKT length is decoded to the TPKT length before RDPNEG_ERR_X224_LENGTH
 * is returned (RDPNEG_TRUNCATED until then), so the cookie and negotiation
 * data it carries are still reported.
 */
enum rdpneg_status rdpneg_decode_pdu(const uint8_t *buf, size_t len,
    struct rdpneg_pdu *out);

/* True for the "bytes are wrong" statuses (not OK, not TRUNCATED). */
int rdpneg_status_is_malformed(enum rdpneg_status st);

/*
 * Whether out->neg holds a whole negotiation structure after a decode
 * that returned st: read to its end, even when a later part of the PDU is
 * wrong (trailing bytes, a bad correlation info), but not one the LI cut
 * short (RDPNEG_ERR_NEG_SHORT).  Consumers report its values then.
 */
int rdpneg_neg_complete(const struct rdpneg_pdu *pdu, enum rdpneg_status st);

/* A fixed description of a status ("RDP_NEG_* length is not 8"...). */
const char *rdpneg_status_str(enum rdpneg_status st);

/*
 * Describe a decode problem with the values that caused it, e.g.
 * "RDP_NEG_RSP length is 0, expected 8".  snprintf semantics: returns the
 * length the full text needs; buf is always NUL-terminated when size > 0.
 */
size_t rdpneg_format_status(enum rdpneg_status st,
    const struct rdpneg_pdu *pdu, char *buf, size_t size);

/* ---- Name tables (one place; tcpdump's struct tok, Wireshark's value_string). */

struct rdpneg_tok {
	uint32_t	 value;
	const char	*name;
};

/* Each table ends with { 0, NULL }. */
extern const struct rdpneg_tok rdpneg_tpdu_names[];
extern const struct rdpneg_tok rdpneg_neg_type_names[];
extern const struct rdpneg_tok rdpneg_protocol_names[];	/* single values */
extern const struct rdpneg_tok rdpneg_request_flag_names[];
extern const struct rdpneg_tok rdpneg_response_flag_names[];
extern const struct rdpneg_tok rdpneg_failure_names[];
extern const struct rdpneg_tok rdpneg_token_kind_names[];

/* The name of value in table, or NULL when it has none. */
const char *rdpneg_tok_str(const struct rdpneg_tok *table, uint32_t value);

/*
 * Render a bitmask with a table of single-bit names, joined by '|', unknown
 * bits as one trailing hex number ("SSL|HYBRID|0x40"), zero as zero_name.
 * Writes only whole names: when one does not fit it stops before it.
 * Returns the length the complete text needs (snprintf semantics); buf is
 * always NUL-terminated when size > 0.
 */
size_t rdpneg_bits_str(const struct rdpneg_tok *table, uint32_t mask,
    const char *zero_name, char *buf, size_t size);

/* rdpneg_bits_str over requestedProtocols bits; 0 renders as "RDP". */
size_t rdpneg_protocols_str(uint32_t mask, char *buf, size_t size);

/* ---- Connection outcome (shared by the CLI and the Wireshark plugin). */

enum rdpneg_outcome {
	RDPNEG_OUTCOME_SELECTED = 0,	/* RDP_NEG_RSP */
	RDPNEG_OUTCOME_FAILURE,		/* RDP_NEG_FAILURE */
	RDPNEG_OUTCOME_LEGACY,		/* CC without negotiation data */
	RDPNEG_OUTCOME_NO_RESPONSE,	/* CR sent, no CC */
	RDPNEG_OUTCOME_REFUSED,		/* SYN answered by RST */
	RDPNEG_OUTCOME_UNANSWERED,	/* SYN never answered */
	RDPNEG_OUTCOME_NO_REQUEST,	/* established, no CR */
	RDPNEG_OUTCOME_COUNT
};

enum rdpneg_end {
	RDPNEG_END_OPEN = 0,
	RDPNEG_END_FIN_SERVER,
	RDPNEG_END_FIN_CLIENT,
	RDPNEG_END_RST_SERVER,
	RDPNEG_END_RST_CLIENT,
	RDPNEG_END_COUNT
};

extern const struct rdpneg_tok rdpneg_outcome_names[];
extern const struct rdpneg_tok rdpneg_end_names[];

/*
 * Whether a server's selectedProtocol answers the client's requestedProtocols:
 * PROTOCOL_RDP only for a request of 0, otherwise one requested bit.
 */
int rdpneg_protocol_was_requested(uint32_t requested, uint32_t selected);

#endif /* RDPNEG_RDPNEG_H */
