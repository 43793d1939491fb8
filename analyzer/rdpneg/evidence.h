/*
 * evidence.h - the connection model shared by the CLI and the Wireshark
 * plugin: what one connection attempt showed, recorded as the bytes of
 * each direction arrive, and the outcome classified from it.
 *
 * Consumers keep the transport (the CLI's tracker: flows and reassembly;
 * the plugin: Wireshark's conversations) and hand each direction's first
 * PDU, the first byte after it and the connection's end to the functions
 * below; the knowledge base (kb.h) and the chain rule (chain.h) read the
 * result.  A new fact about a connection is a field here, recorded here,
 * once for both consumers (README, Architecture).
 *
 * Pure C11: no allocation, no I/O.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_EVIDENCE_H
#define RDPNEG_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "rdpneg/rdpneg.h"
#include "rdpneg/mcs.h"
#include "rdpneg/tls.h"

/* Which facts struct rdpneg_evidence holds. */
#define RDPNEG_EV_REQUEST	0x01u	/* a CR was decoded */
#define RDPNEG_EV_REQ_NEG	0x02u	/* ... with RDP_NEG_REQ */
#define RDPNEG_EV_RSP_NEG	0x04u	/* a CC with RDP_NEG_RSP / _FAILURE */
#define RDPNEG_EV_MALFORMED	0x08u	/* a negotiation PDU was malformed */
#define RDPNEG_EV_SCANNER	0x10u	/* cookie or probe of a known scanner */
#define RDPNEG_EV_FELL_BACK	0x20u	/* its chain only succeeded with
					   Standard RDP Security after a
					   request for more failed */
#define RDPNEG_EV_NON_RDP_ANSWER 0x40u	/* the server sent data that is not
					   an X.224 Connection Confirm */
#define RDPNEG_EV_CC_REFS	0x80u	/* cc_src_ref holds the Connection
					   Confirm's SRC-REF */
#define RDPNEG_EV_CLIENT_NEXT	0x100u	/* client_next holds the client's
					   first byte after its request */
#define RDPNEG_EV_SERVER_NEXT	0x200u	/* server_next holds the server's
					   first byte after its confirm */
#define RDPNEG_EV_REQUEST_BEGAN	0x400u	/* a CR's header was seen, maybe
					   never completed */
#define RDPNEG_EV_CONFIRM	0x800u	/* a CC was decoded */
#define RDPNEG_EV_CORRELATION	0x1000u	/* correlation_id holds the CR's
					   RDP_NEG_CORRELATION_INFO */
#define RDPNEG_EV_TOKEN		0x2000u	/* the CR carried a cookie or
					   routing token (token_kind) */
#define RDPNEG_EV_SYN		0x4000u	/* the client's SYN was seen */
#define RDPNEG_EV_SYN_ACK	0x8000u	/* the server's SYN/ACK was seen */
#define RDPNEG_EV_SERVER_SENT	0x10000u /* any packet from the server */
#define RDPNEG_EV_DIRECT_TLS	0x20000u /* no CR: the client began with a
					   TLS handshake record (the Direct
					   Approach, MS-RDPBCGR 5.4.2.2);
					   client_next is set */

/* First bytes of what follows a negotiation (MS-RDPBCGR 1.3.1.1: the
 * security protocol's handshake, else the MCS Connect Initial). */
#define RDPNEG_NEXT_TLS_HANDSHAKE 0x16u	/* TLS record type handshake */
#define RDPNEG_NEXT_TLS_ALERT	0x15u	/* TLS record type alert */
#define RDPNEG_NEXT_TPKT	0x03u	/* TPKT version: X.224 Data, MCS */

struct rdpneg_evidence {
	unsigned		have;		/* RDPNEG_EV_* */
	enum rdpneg_outcome	outcome;	/* rdpneg_classify() */
	enum rdpneg_end		end;
	/* The Connection Request (2.2.1.1). */
	enum rdpneg_token_kind	token_kind;	/* with RDPNEG_EV_TOKEN */
	uint16_t		token_value_off; /* the value's offset in the
						    token line */
	uint32_t		requested;	/* with RDPNEG_EV_REQ_NEG */
	uint8_t			request_flags;
	uint8_t			correlation_id[16];
	/* The Connection Confirm (2.2.1.2). */
	uint8_t			response_type;	/* with RDPNEG_EV_RSP_NEG */
	uint8_t			response_flags;
	uint32_t		response_value;	/* selected or failureCode */
	uint16_t		cc_src_ref;	/* with RDPNEG_EV_CC_REFS */
	/* What follows them. */
	uint8_t			client_next;	/* with RDPNEG_EV_CLIENT_NEXT */
	uint8_t			server_next;	/* with RDPNEG_EV_SERVER_NEXT */
	/* The TLS that followed (tls.h), when either side's next bytes
	 * were TLS records (rdpneg_evidence_starts_tls); NULL before.  The
	 * consumer owns it (the CLI allocates it only for connections that
	 * start TLS, so that a table full of SYNs stays small); read it
	 * through rdpneg_evidence_tls(). */
	const struct rdpneg_tls	*tls;
	/* The Standard RDP Security exchange that followed (mcs.h), when a
	 * side's next bytes after a Standard-security negotiation were TPKT
	 * (rdpneg_evidence_starts_mcs); NULL before.  Owned by the consumer,
	 * as tls; read it through rdpneg_evidence_mcs(). */
	const struct rdpneg_mcs	*mcs;
	/* Its fallback chain (chain.h). */
	unsigned		chain_length;	/* attempts in its chain, >= 1 */
	unsigned		chain_position;	/* 1-based */
};

/* Zero the evidence, a chain of one. */
void rdpneg_init_evidence(struct rdpneg_evidence *ev);

/* What rdpneg_evidence_first_pdu() made of a direction's first PDU. */
enum rdpneg_first {
	RDPNEG_FIRST_WAIT = 0,		/* a strict prefix: wait for more */
	RDPNEG_FIRST_NEGOTIATION,	/* the CR or CC, recorded */
	RDPNEG_FIRST_OTHER		/* not the PDU expected there */
};

/*
 * The first PDU one side sent, decoded by rdpneg_decode_pdu() as st and
 * pdu: the client's must be the X.224 Connection Request (MS-RDPBCGR
 * 2.2.1.1), the server's the Connection Confirm (2.2.1.2).  Records the
 * request's or confirm's facts (a malformed one too), and marks a request
 * that began (RDPNEG_EV_REQUEST_BEGAN) even when it is still cut short.
 * RDPNEG_FIRST_OTHER records nothing: the consumer may look further (a
 * SOCKS handshake first), then calls rdpneg_evidence_not_negotiation().
 */
enum rdpneg_first rdpneg_evidence_first_pdu(struct rdpneg_evidence *ev,
    int from_client, enum rdpneg_status st, const struct rdpneg_pdu *pdu);

/*
 * That side's first bytes (len of them) are not the CR or CC.  A client's
 * that begin a TLS handshake record start the Direct Approach (RDPNEG_EV_
 * DIRECT_TLS: the X.224 exchange, if any, is inside TLS), and the
 * server's TLS records then answer it; any other server bytes are a
 * non-RDP answer.
 */
void rdpneg_evidence_not_negotiation(struct rdpneg_evidence *ev,
    int from_client, const uint8_t *bytes, size_t len);

/*
 * The first byte that side sent after its CR or CC (MS-RDPBCGR 1.3.1.1:
 * the security protocol's handshake, else the MCS Connect Initial).  Only
 * the first call per side after its PDU counts.
 */
void rdpneg_evidence_next(struct rdpneg_evidence *ev, int from_client,
    uint8_t first);

/*
 * Do that side's bytes after its CR or CC begin TLS records (a handshake
 * or an alert), so that the consumer points ev->tls at a zeroed struct
 * rdpneg_tls of its own and feeds them to rdpneg_tls_feed(), at most
 * RDPNEG_TLS_STREAM_BUDGET bytes of them, until rdpneg_tls_decided()?
 */
int rdpneg_evidence_starts_tls(const struct rdpneg_evidence *ev,
    int from_client);

/* ev->tls, or a session that showed nothing when there is none. */
const struct rdpneg_tls *rdpneg_evidence_tls(const struct rdpneg_evidence *ev);

/* The facts (RDPNEG_CERT_*, x509.h) of the server certificate that tls
 * holds, as the consumer read them. */
void rdpneg_tls_set_certificate(struct rdpneg_tls *tls, unsigned flags);

/*
 * Do that side's bytes after its CR or CC begin a TPKT while the
 * negotiation chose Standard RDP Security (a Connection Confirm without
 * negotiation data, or RDP_NEG_RSP selecting PROTOCOL_RDP), so that the
 * consumer points ev->mcs at a zeroed struct rdpneg_mcs of its own and
 * feeds them to rdpneg_mcs_feed(), at most RDPNEG_MCS_STREAM_BUDGET bytes
 * of them, until rdpneg_mcs_decided()?
 */
int rdpneg_evidence_starts_mcs(const struct rdpneg_evidence *ev,
    int from_client);

/* ev->mcs, or an exchange that showed nothing when there is none. */
const struct rdpneg_mcs *rdpneg_evidence_mcs(const struct rdpneg_evidence *ev);

/* The facts (RDPNEG_CERT_*) of the X.509 server certificate that mcs
 * holds, as the consumer read them. */
void rdpneg_mcs_set_certificate(struct rdpneg_mcs *mcs, unsigned flags);

/* Did the negotiation choose Standard RDP Security: a Connection Confirm
 * without negotiation data, or RDP_NEG_RSP selecting PROTOCOL_RDP? */
int rdpneg_standard_security(const struct rdpneg_evidence *ev);

/* A packet from that side (SYN, SYN/ACK: RDPNEG_TCP_* flags). */
#define RDPNEG_TCP_SYN	0x01u
#define RDPNEG_TCP_ACK	0x02u
void rdpneg_evidence_packet(struct rdpneg_evidence *ev, int from_client,
    unsigned tcp_flags);

/* That side's FIN (rst 0) or RST: the first one is the connection's end. */
void rdpneg_evidence_close(struct rdpneg_evidence *ev, int from_client,
    int rst);

/* The outcome the evidence shows (also stored in ev->outcome by
 * rdpneg_evidence_finish()). */
enum rdpneg_outcome rdpneg_classify(const struct rdpneg_evidence *ev);

/* Classify, once the consumer hands the attempt on. */
void rdpneg_evidence_finish(struct rdpneg_evidence *ev);

/*
 * Did the server select a protocol the client did not request?  A request
 * without RDP_NEG_REQ asks for Standard RDP Security only.
 */
int rdpneg_not_requested(const struct rdpneg_evidence *ev);

/* Did RDP_NEG_RSP select CredSSP, PROTOCOL_HYBRID or HYBRID_EX
 * (2.2.1.2.1), so that NLA follows the TLS handshake (credssp.h)? */
int rdpneg_selected_credssp(const struct rdpneg_evidence *ev);

/*
 * Describe a malformed CR or CC as both consumers word it: "request: " or
 * "response: " and rdpneg_format_status().  Returns the length the full
 * text needs; buf is always NUL-terminated when size > 0, and empty when
 * not even the "request: " prefix fits.
 */
size_t rdpneg_format_problem(int from_client, enum rdpneg_status st,
    const struct rdpneg_pdu *pdu, char *buf, size_t size);

/*
 * Whether a request looks like a scanner's rather than a user's: a known
 * tool's cookie (token may be NULL), or requested protocols that only
 * protocol enumerators send alone (has_req: an RDP_NEG_REQ was sent).
 */
int rdpneg_is_scanner(const uint8_t *token, size_t len, int has_req,
    uint32_t requested);

#endif /* RDPNEG_EVIDENCE_H */
