/*
 * evidence.c - recording what a connection attempt showed, and its
 * outcome (evidence.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "rdpneg/evidence.h"

/* Cookies of scanners, not users: nmap's nselib/rdp.lua. */
static const char *const scanner_cookies[] = {
	"Cookie: mstshash=nmap",
	NULL
};

/*
 * requestedProtocols no real client sends alone, but protocol enumerators
 * do (nmap rdp-enum-encryption probes RDSTLS and HYBRID_EX one by one;
 * mstsc and FreeRDP always add SSL: 0x5, 0xB).
 */
static const uint32_t probe_only_requests[] = {
	RDPNEG_PROTOCOL_RDSTLS,
	RDPNEG_PROTOCOL_HYBRID_EX,
};

void
rdpneg_init_evidence(struct rdpneg_evidence *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->chain_length = 1;
	ev->chain_position = 1;
}

int
rdpneg_is_scanner(const uint8_t *token, size_t len, int has_req,
    uint32_t requested)
{
	size_t i, n;

	for (i = 0; token != NULL && scanner_cookies[i] != NULL; i++) {
		n = strlen(scanner_cookies[i]);
		if (len == n && memcmp(token, scanner_cookies[i], n) == 0)
			return 1;
	}
	for (i = 0; has_req && i < sizeof(probe_only_requests) /
	    sizeof(probe_only_requests[0]); i++)
		if (requested == probe_only_requests[i])
			return 1;
	return 0;
}

/* The client's Connection Request (2.2.1.1, 2.2.1.1.1, 2.2.1.1.2). */
static void
record_request(struct rdpneg_evidence *ev, enum rdpneg_status st,
    const struct rdpneg_pdu *pdu)
{
	ev->have |= RDPNEG_EV_REQUEST;
	if (pdu->have & RDPNEG_HAVE_TOKEN) {
		ev->have |= RDPNEG_EV_TOKEN;
		ev->token_kind = pdu->token_kind;
		ev->token_value_off = (uint16_t)(pdu->token.len -
		    pdu->token_value.len);
	}
	if (rdpneg_neg_complete(pdu, st) && pdu->neg.type == RDPNEG_TYPE_REQ) {
		ev->have |= RDPNEG_EV_REQ_NEG;
		ev->request_flags = pdu->neg.flags;
		ev->requested = pdu->neg.value;
	}
	if (pdu->have & RDPNEG_HAVE_CORRELATION) {
		ev->have |= RDPNEG_EV_CORRELATION;
		memcpy(ev->correlation_id, pdu->correlation_id, 16);
	}
	if (rdpneg_is_scanner((pdu->have & RDPNEG_HAVE_TOKEN) ?
	    pdu->token.ptr : NULL, pdu->token.len,
	    (ev->have & RDPNEG_EV_REQ_NEG) != 0, ev->requested))
		ev->have |= RDPNEG_EV_SCANNER;
}

/* The server's Connection Confirm (2.2.1.2, 2.2.1.2.1, 2.2.1.2.2). */
static void
record_confirm(struct rdpneg_evidence *ev, enum rdpneg_status st,
    const struct rdpneg_pdu *pdu)
{
	ev->have |= RDPNEG_EV_CONFIRM;
	if (rdpneg_neg_complete(pdu, st) &&
	    (pdu->neg.type == RDPNEG_TYPE_RSP ||
	    pdu->neg.type == RDPNEG_TYPE_FAILURE)) {
		ev->have |= RDPNEG_EV_RSP_NEG;
		ev->response_type = pdu->neg.type;
		ev->response_flags = pdu->neg.flags;
		ev->response_value = pdu->neg.value;
	}
	/*
	 * The refs follow the TPDU code: they were read when the whole CC
	 * decoded, or when decoding went on past them into the negotiation
	 * data (a malformed RDP_NEG_RSP still has its refs).  SRC-REF tells
	 * implementations apart (kb.h, fingerprints).
	 */
	if (st == RDPNEG_OK || (pdu->have & RDPNEG_HAVE_NEG)) {
		ev->have |= RDPNEG_EV_CC_REFS;
		ev->cc_src_ref = pdu->src_ref;
	}
}

enum rdpneg_first
rdpneg_evidence_first_pdu(struct rdpneg_evidence *ev, int from_client,
    enum rdpneg_status st, const struct rdpneg_pdu *pdu)
{
	uint8_t want = from_client ? RDPNEG_TPDU_CR : RDPNEG_TPDU_CC;

	if (!(pdu->have & RDPNEG_HAVE_X224) || pdu->tpdu != want)
		return st == RDPNEG_TRUNCATED &&
		    !(pdu->have & RDPNEG_HAVE_X224) ?
		    RDPNEG_FIRST_WAIT : RDPNEG_FIRST_OTHER;
	if (from_client)
		ev->have |= RDPNEG_EV_REQUEST_BEGAN;
	if (st == RDPNEG_TRUNCATED)
		return RDPNEG_FIRST_WAIT;
	if (from_client)
		record_request(ev, st, pdu);
	else
		record_confirm(ev, st, pdu);
	if (rdpneg_status_is_malformed(st))
		ev->have |= RDPNEG_EV_MALFORMED;
	return RDPNEG_FIRST_NEGOTIATION;
}

/* RFC 8446 5.1: a record's type, then a major version of 3. */
static int
tls_record_begins(const uint8_t *bytes, size_t len, uint8_t type)
{
	return len >= 2 && bytes[0] == type && bytes[1] == 3;
}

/*
 * A client's first record, whole enough to tell: a handshake record of
 * SSL 3.0 to TLS 1.3 whose length a ClientHello can have and whose first
 * message is one (RFC 8446 4.1.2), so that another protocol's bytes on a
 * port taken for RDP (a Modbus transaction id of 0x1603) are not TLS.
 */
static int
client_hello_begins(const uint8_t *bytes, size_t len)
{
	unsigned length;

	if (len < 6 || !tls_record_begins(bytes, len,
	    RDPNEG_NEXT_TLS_HANDSHAKE) || bytes[2] > 4)
		return 0;
	length = (unsigned)bytes[3] << 8 | bytes[4];
	return length >= 4 && length <= RDPNEG_TLS_RECORD_MAX &&
	    bytes[5] == RDPNEG_HS_CLIENT_HELLO;
}

void
rdpneg_evidence_not_negotiation(struct rdpneg_evidence *ev, int from_client,
    const uint8_t *bytes, size_t len)
{
	if (from_client) {
		if (!(ev->have & RDPNEG_EV_REQUEST_BEGAN) &&
		    client_hello_begins(bytes, len)) {
			ev->have |= RDPNEG_EV_DIRECT_TLS |
			    RDPNEG_EV_CLIENT_NEXT;
			ev->client_next = bytes[0];
		}
		return;
	}
	if ((ev->have & RDPNEG_EV_DIRECT_TLS) &&
	    (tls_record_begins(bytes, len, RDPNEG_NEXT_TLS_HANDSHAKE) ||
	    tls_record_begins(bytes, len, RDPNEG_NEXT_TLS_ALERT))) {
		ev->have |= RDPNEG_EV_SERVER_NEXT;
		ev->server_next = bytes[0];
		return;
	}
	ev->have |= RDPNEG_EV_NON_RDP_ANSWER;
}

void
rdpneg_evidence_next(struct rdpneg_evidence *ev, int from_client,
    uint8_t first)
{
	if (from_client && (ev->have & RDPNEG_EV_REQUEST) &&
	    !(ev->have & RDPNEG_EV_CLIENT_NEXT)) {
		ev->have |= RDPNEG_EV_CLIENT_NEXT;
		ev->client_next = first;
	} else if (!from_client && (ev->have & RDPNEG_EV_CONFIRM) &&
	    !(ev->have & RDPNEG_EV_SERVER_NEXT)) {
		ev->have |= RDPNEG_EV_SERVER_NEXT;
		ev->server_next = first;
	}
}

int
rdpneg_evidence_starts_tls(const struct rdpneg_evidence *ev, int from_client)
{
	unsigned bit = from_client ? RDPNEG_EV_CLIENT_NEXT :
	    RDPNEG_EV_SERVER_NEXT;
	uint8_t first = from_client ? ev->client_next : ev->server_next;

	return (ev->have & bit) && (first == RDPNEG_NEXT_TLS_HANDSHAKE ||
	    first == RDPNEG_NEXT_TLS_ALERT);
}

const struct rdpneg_tls *
rdpneg_evidence_tls(const struct rdpneg_evidence *ev)
{
	static const struct rdpneg_tls none;

	return ev->tls != NULL ? ev->tls : &none;
}

void
rdpneg_tls_set_certificate(struct rdpneg_tls *tls, unsigned flags)
{
	tls->have |= RDPNEG_TLS_HAVE_CERT_FACTS;
	tls->cert_flags = flags;
}

int
rdpneg_standard_security(const struct rdpneg_evidence *ev)
{
	if (!(ev->have & RDPNEG_EV_CONFIRM))
		return 0;
	if (!(ev->have & RDPNEG_EV_RSP_NEG))
		return 1;
	return ev->response_type == RDPNEG_TYPE_RSP &&
	    ev->response_value == RDPNEG_PROTOCOL_RDP;
}

int
rdpneg_evidence_starts_mcs(const struct rdpneg_evidence *ev, int from_client)
{
	unsigned bit = from_client ? RDPNEG_EV_CLIENT_NEXT :
	    RDPNEG_EV_SERVER_NEXT;
	uint8_t first = from_client ? ev->client_next : ev->server_next;

	return (ev->have & bit) && first == RDPNEG_NEXT_TPKT &&
	    rdpneg_standard_security(ev);
}

const struct rdpneg_mcs *
rdpneg_evidence_mcs(const struct rdpneg_evidence *ev)
{
	static const struct rdpneg_mcs none;

	return ev->mcs != NULL ? ev->mcs : &none;
}

void
rdpneg_mcs_set_certificate(struct rdpneg_mcs *mcs, unsigned flags)
{
	mcs->have |= RDPNEG_MCS_HAVE_CERT_FACTS;
	mcs->cert_flags = flags;
}

void
rdpneg_evidence_packet(struct rdpneg_evidence *ev, int from_client,
    unsigned tcp_flags)
{
	int syn = (tcp_flags & RDPNEG_TCP_SYN) != 0;
	int ack = (tcp_flags & RDPNEG_TCP_ACK) != 0;

	if (from_client) {
		if (syn && !ack)
			ev->have |= RDPNEG_EV_SYN;
		return;
	}
	ev->have |= RDPNEG_EV_SERVER_SENT;
	if (syn && ack)
		ev->have |= RDPNEG_EV_SYN_ACK;
}

void
rdpneg_evidence_close(struct rdpneg_evidence *ev, int from_client, int rst)
{
	if (ev->end != RDPNEG_END_OPEN)
		return;
	if (rst)
		ev->end = from_client ? RDPNEG_END_RST_CLIENT :
		    RDPNEG_END_RST_SERVER;
	else
		ev->end = from_client ? RDPNEG_END_FIN_CLIENT :
		    RDPNEG_END_FIN_SERVER;
}

enum rdpneg_outcome
rdpneg_classify(const struct rdpneg_evidence *ev)
{
	unsigned h = ev->have;

	if (h & RDPNEG_EV_REQUEST_BEGAN) {
		if (!(h & RDPNEG_EV_CONFIRM))
			return RDPNEG_OUTCOME_NO_RESPONSE;
		if (!(h & RDPNEG_EV_RSP_NEG))
			return RDPNEG_OUTCOME_LEGACY;
		return ev->response_type == RDPNEG_TYPE_RSP ?
		    RDPNEG_OUTCOME_SELECTED : RDPNEG_OUTCOME_FAILURE;
	}
	/* No request: did the TCP handshake even complete? */
	if ((h & RDPNEG_EV_SYN) && !(h & RDPNEG_EV_SYN_ACK) &&
	    !(h & RDPNEG_EV_CONFIRM)) {
		if (ev->end == RDPNEG_END_RST_SERVER)
			return RDPNEG_OUTCOME_REFUSED;
		if (!(h & RDPNEG_EV_SERVER_SENT))
			return RDPNEG_OUTCOME_UNANSWERED;
	}
	return RDPNEG_OUTCOME_NO_REQUEST;
}

void
rdpneg_evidence_finish(struct rdpneg_evidence *ev)
{
	ev->outcome = rdpneg_classify(ev);
}

int
rdpneg_not_requested(const struct rdpneg_evidence *ev)
{
	uint32_t req = (ev->have & RDPNEG_EV_REQ_NEG) ? ev->requested :
	    RDPNEG_PROTOCOL_RDP;

	return (ev->have & RDPNEG_EV_REQUEST) &&
	    (ev->have & RDPNEG_EV_RSP_NEG) &&
	    ev->response_type == RDPNEG_TYPE_RSP &&
	    !rdpneg_protocol_was_requested(req, ev->response_value);
}

int
rdpneg_selected_credssp(const struct rdpneg_evidence *ev)
{
	return (ev->have & RDPNEG_EV_RSP_NEG) &&
	    ev->response_type == RDPNEG_TYPE_RSP &&
	    (ev->response_value & (RDPNEG_PROTOCOL_HYBRID |
	    RDPNEG_PROTOCOL_HYBRID_EX)) != 0;
}

size_t
rdpneg_format_problem(int from_client, enum rdpneg_status st,
    const struct rdpneg_pdu *pdu, char *buf, size_t size)
{
	const char *who = from_client ? "request: " : "response: ";
	size_t n = strlen(who);

	if (size > n) {
		memcpy(buf, who, n);
		return n + rdpneg_format_status(st, pdu, buf + n, size - n);
	}
	if (size > 0)
		buf[0] = '\0';
	return n + rdpneg_format_status(st, pdu, NULL, 0);
}
