/*
 * test_kb.c - Criterion tests for the knowledge base: the rule table
 * (kb_rules.c), the matcher, rdpneg_diagnose / rdpneg_find_diagnosis,
 * rdpneg_expand and rdpneg_is_scanner (kb.c), and the remediation steps:
 * rdpneg_select_steps, rdpneg_format_step, the steps of the table (one
 * per implementation for every finding, the secure choice first, commands
 * that paste as they are) and the conditions of its texts.
 *
 * Each evidence is what a real capture of the case produces: a CR with or
 * without RDP_NEG_REQ, then a CC with RDP_NEG_RSP / RDP_NEG_FAILURE, a
 * legacy CC, or no CC, and how the TCP connection ended.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "rdpneg/credssp.h"
#include "rdpneg/kb.h"
#include "rdpneg/x509.h"

#define SSL	RDPNEG_PROTOCOL_SSL
#define HYBRID	RDPNEG_PROTOCOL_HYBRID
#define RDSTLS	RDPNEG_PROTOCOL_RDSTLS
#define HYB_EX	RDPNEG_PROTOCOL_HYBRID_EX
#define RDSAAD	RDPNEG_PROTOCOL_RDSAAD
#define NO_REQ	0xffffffffu	/* CR without RDP_NEG_REQ */

/* ---- Evidence builders. */

/* A CR, with RDP_NEG_REQ unless requested is NO_REQ. */
static struct rdpneg_evidence
request(uint32_t requested, uint8_t flags)
{
	struct rdpneg_evidence ev;

	rdpneg_init_evidence(&ev);
	ev.have = RDPNEG_EV_REQUEST;
	if (requested != NO_REQ) {
		ev.have |= RDPNEG_EV_REQ_NEG;
		ev.requested = requested;
		ev.request_flags = flags;
	}
	return ev;
}

/* CR, then a CC with RDP_NEG_FAILURE; the server closes (3.3.5.3.2). */
static struct rdpneg_evidence
failure(uint32_t requested, uint32_t code)
{
	struct rdpneg_evidence ev = request(requested, 0);

	ev.have |= RDPNEG_EV_RSP_NEG;
	ev.outcome = RDPNEG_OUTCOME_FAILURE;
	ev.end = RDPNEG_END_FIN_SERVER;
	ev.response_type = RDPNEG_TYPE_FAILURE;
	ev.response_value = code;
	return ev;
}

/* CR, then a CC with RDP_NEG_RSP; the session goes on. */
static struct rdpneg_evidence
selected(uint32_t requested, uint32_t protocol)
{
	struct rdpneg_evidence ev = request(requested, 0);

	ev.have |= RDPNEG_EV_RSP_NEG;
	ev.outcome = RDPNEG_OUTCOME_SELECTED;
	ev.end = RDPNEG_END_OPEN;
	ev.response_type = RDPNEG_TYPE_RSP;
	ev.response_flags = RDPNEG_RSP_EXTENDED_CLIENT_DATA_SUPPORTED;
	ev.response_value = protocol;
	return ev;
}

/* The last attempt of a chain whose earlier attempts failed. */
static struct rdpneg_evidence
fell_back(struct rdpneg_evidence ev)
{
	ev.have |= RDPNEG_EV_FELL_BACK;
	ev.chain_length = 2;
	ev.chain_position = 2;
	return ev;
}

/* CR, then a CC without rdpNegData. */
static struct rdpneg_evidence
legacy(uint32_t requested)
{
	struct rdpneg_evidence ev = request(requested, 0);

	ev.outcome = RDPNEG_OUTCOME_LEGACY;
	ev.end = RDPNEG_END_OPEN;
	return ev;
}

/* CR, no CC. */
static struct rdpneg_evidence
no_response(uint32_t requested, uint8_t flags, enum rdpneg_end end)
{
	struct rdpneg_evidence ev = request(requested, flags);

	ev.outcome = RDPNEG_OUTCOME_NO_RESPONSE;
	ev.end = end;
	return ev;
}

/* Nothing RDP on the wire. */
static struct rdpneg_evidence
tcp_only(enum rdpneg_outcome outcome, enum rdpneg_end end)
{
	struct rdpneg_evidence ev;

	rdpneg_init_evidence(&ev);
	ev.outcome = outcome;
	ev.end = end;
	return ev;
}

static struct rdpneg_evidence
with(struct rdpneg_evidence ev, unsigned have)
{
	ev.have |= have;
	return ev;
}

/* ---- The TLS after the negotiation (tls.h), as the walker records it. */

enum { C = 0, S = 1 };

/*
 * The evidence points at the TLS session its consumer owns: each builder
 * below gives the evidence a copy of its session to change, from a ring
 * large enough for every case of build_cases() (each_evidence() goes
 * round it many times, keeping only the evidence at hand).
 */
#define TLS_RING	4096

static struct rdpneg_tls *
tls_mut(struct rdpneg_evidence *ev)
{
	static struct rdpneg_tls ring[TLS_RING];
	static size_t next;
	struct rdpneg_tls *t = &ring[next++ % TLS_RING];

	*t = *rdpneg_evidence_tls(ev);
	ev->tls = t;
	return t;
}

/* The client's ClientHello: TLS 1.3 and 1.2, two suites. */
static struct rdpneg_evidence
tls_hello(struct rdpneg_evidence ev)
{
	struct rdpneg_tls *t = tls_mut(&ev);
	struct rdpneg_tls_client_hello *ch = &t->client_hello;

	ev.have |= RDPNEG_EV_CLIENT_NEXT;
	ev.client_next = RDPNEG_NEXT_TLS_HANDSHAKE;
	t->have |= RDPNEG_TLS_HAVE_CLIENT_HELLO;
	ch->legacy_version = RDPNEG_TLS_1_2;
	ch->flags = RDPNEG_HELLO_SUPPORTED_VERSIONS;
	ch->nversions = 2;
	ch->versions[0] = RDPNEG_TLS_1_3;
	ch->versions[1] = RDPNEG_TLS_1_2;
	ch->nsuites = 2;
	ch->suites[0] = 0x1302;		/* TLS_AES_256_GCM_SHA384 */
	ch->suites[1] = 0xc030;		/* ECDHE_RSA_AES_256_GCM_SHA384 */
	t->dir[C].records = 1;
	return ev;
}

/* A side's fatal alert in clear. */
static struct rdpneg_evidence
tls_alert(struct rdpneg_evidence ev, int side, uint8_t description)
{
	struct rdpneg_tls *t = tls_mut(&ev);

	t->dir[side].nalerts = 1;
	t->dir[side].alert.level = RDPNEG_ALERT_FATAL;
	t->dir[side].alert.description = description;
	if (side == S && !(ev.have & RDPNEG_EV_SERVER_NEXT)) {
		ev.have |= RDPNEG_EV_SERVER_NEXT;
		ev.server_next = RDPNEG_NEXT_TLS_ALERT;
	}
	return ev;
}

/* The server's ServerHello choosing version and suite. */
static struct rdpneg_evidence
tls_server_hello(struct rdpneg_evidence ev, uint16_t version, uint16_t suite)
{
	struct rdpneg_tls *t = tls_mut(&ev);

	ev.have |= RDPNEG_EV_SERVER_NEXT;
	ev.server_next = RDPNEG_NEXT_TLS_HANDSHAKE;
	t->have |= RDPNEG_TLS_HAVE_SERVER_HELLO;
	t->server_hello.legacy_version = RDPNEG_TLS_1_2;
	t->server_hello.version = version;
	t->server_hello.suite = suite;
	return ev;
}

/* An encrypted record. */
static struct rdpneg_evidence
tls_app(struct rdpneg_evidence ev, int side, uint16_t length, int handshake)
{
	struct rdpneg_tls *t = tls_mut(&ev);
	struct rdpneg_tls_app_record *a = &t->app[t->napp++];

	a->length = length;
	a->from_client = side == C;
	a->handshake = (uint8_t)handshake;
	a->frame = 10 + t->napp;
	t->napp_total++;
	return ev;
}

/* A TLS 1.2 handshake with ECDHE-RSA-AES256-GCM-SHA384 (24 bytes of
 * overhead per record), finished both ways, the certificate read. */
static struct rdpneg_evidence
tls12_done(struct rdpneg_evidence ev, unsigned cert_flags)
{
	struct rdpneg_tls *t;

	ev = tls_server_hello(tls_hello(ev), RDPNEG_TLS_1_2, 0xc030);
	t = tls_mut(&ev);
	t->have |= RDPNEG_TLS_HAVE_CERTIFICATE;
	t->cert_count = 1;
	rdpneg_tls_set_certificate(t, cert_flags);
	t->dir[C].ccs = t->dir[S].ccs = 1;
	return ev;
}

/* A TLS 1.3 handshake: the server's encrypted flight, then the client's
 * Finished. */
static struct rdpneg_evidence
tls13_done(struct rdpneg_evidence ev)
{
	ev = tls_server_hello(tls_hello(ev), RDPNEG_TLS_1_3, 0x1302);
	ev = tls_app(ev, S, 1100, 1);
	return tls_app(ev, C, 74, 1);
}

/* CredSSP records as in ../shared/captures-public awakecoding
 * rdp-nla-ntlm-rejected1 (TLS 1.2 GCM): negotiate, challenge,
 * authenticate, then the server's answer of server_len. */
static struct rdpneg_evidence
ntlm(struct rdpneg_evidence ev, uint16_t server_len)
{
	ev = tls_app(ev, C, 81, 0);
	ev = tls_app(ev, S, 319, 0);
	ev = tls_app(ev, C, 701, 0);
	return server_len ? tls_app(ev, S, server_len, 0) : ev;
}

static struct rdpneg_evidence
ended(struct rdpneg_evidence ev, enum rdpneg_end end)
{
	ev.end = end;
	return ev;
}

/* ---- Standard RDP Security's exchange (mcs.h), as the walker records
 * it, from a ring as the TLS session's. */

#define MCS_RING	4096

static struct rdpneg_mcs *
mcs_mut(struct rdpneg_evidence *ev)
{
	static struct rdpneg_mcs ring[MCS_RING];
	static size_t next;
	struct rdpneg_mcs *m = &ring[next++ % MCS_RING];

	*m = *rdpneg_evidence_mcs(ev);
	ev->mcs = m;
	return m;
}

/* The client's Connect-Initial offering methods (RDPNEG_ENC_*). */
static struct rdpneg_evidence
mcs_initial(struct rdpneg_evidence ev, uint32_t methods)
{
	struct rdpneg_mcs *m = mcs_mut(&ev);

	ev.have |= RDPNEG_EV_CLIENT_NEXT;
	ev.client_next = RDPNEG_NEXT_TPKT;
	m->have |= RDPNEG_MCS_HAVE_CLIENT | RDPNEG_MCS_INITIAL_BEGAN;
	m->client.have = RDPNEG_CS_CORE | RDPNEG_CS_SECURITY;
	m->client.encryption_methods = methods;
	m->stage = RDPNEG_STAGE_CONNECT_INITIAL;
	m->stage_frame[RDPNEG_STAGE_CONNECT_INITIAL] = 8;
	return ev;
}

/* The server's Connect-Response: its result, method and level, with a
 * proprietary certificate when encrypting. */
static struct rdpneg_evidence
mcs_response(struct rdpneg_evidence ev, uint8_t result, uint32_t method,
    uint32_t level)
{
	struct rdpneg_mcs *m = mcs_mut(&ev);

	ev.have |= RDPNEG_EV_SERVER_NEXT;
	ev.server_next = RDPNEG_NEXT_TPKT;
	m->have |= RDPNEG_MCS_HAVE_SERVER | RDPNEG_MCS_RESPONSE_BEGAN;
	m->mcs_result = result;
	m->response_frame = 9;
	if (result != RDPNEG_MCS_RT_SUCCESSFUL)
		return ev;
	m->server.have = RDPNEG_SC_CORE | RDPNEG_SC_SECURITY;
	m->server.encryption_method = method;
	m->server.encryption_level = level;
	if (method != 0) {
		m->server.have |= RDPNEG_SC_RANDOM | RDPNEG_SC_CERTIFICATE;
		m->server.cert_type = RDPNEG_CERT_CHAIN_PROPRIETARY;
		m->server.cert_permanent = 1;
		m->server.cert_count = 1;
		m->server.key_bits = 512;
	}
	m->stage = RDPNEG_STAGE_CONNECT_RESPONSE;
	return ev;
}

/* The sequence went as far as stage; the client's PDUs from the Client
 * Info on were encrypted (encrypted) or not. */
static struct rdpneg_evidence
mcs_reach(struct rdpneg_evidence ev, enum rdpneg_mcs_stage stage,
    int encrypted)
{
	struct rdpneg_mcs *m = mcs_mut(&ev);

	m->stage = (uint8_t)stage;
	if (encrypted)
		m->dir[C].sec_flags |= RDPNEG_SEC_ENCRYPT |
		    RDPNEG_SEC_SECURE_CHECKSUM;
	return ev;
}

/* A side's Disconnect Provider Ultimatum, rn-user-requested. */
static struct rdpneg_evidence
mcs_disconnect(struct rdpneg_evidence ev, int side)
{
	struct rdpneg_mcs *m = mcs_mut(&ev);

	m->have |= RDPNEG_MCS_HAVE_DISCONNECT;
	m->disconnect_from_client = side == C;
	m->disconnect_reason = RDPNEG_MCS_RN_USER_REQUESTED;
	m->disconnect_frame = 40;
	return ev;
}

/* A License Error (code) or Set Error Info (errinfo != 0) in clear. */
static struct rdpneg_evidence
mcs_server_says(struct rdpneg_evidence ev, uint32_t code, uint32_t errinfo)
{
	struct rdpneg_mcs *m = mcs_mut(&ev);

	m->stage = RDPNEG_STAGE_LICENSING;
	if (errinfo != 0) {
		m->have |= RDPNEG_MCS_HAVE_ERROR_INFO;
		m->error_info = errinfo;
		m->error_info_frame = 39;
	} else {
		m->have |= RDPNEG_MCS_HAVE_LICENSE_ERROR;
		m->license_error = code;
		m->license_transition = 1;
		m->license_frame = 39;
	}
	return ev;
}

/* xrdp's Standard-security session up to the client's encrypted Client
 * Info at 128-bit, level High, offered 40|128|56|FIPS. */
static struct rdpneg_evidence
mcs_to_info(struct rdpneg_evidence ev)
{
	return mcs_reach(mcs_response(mcs_initial(ev, 0x1b),
	    RDPNEG_MCS_RT_SUCCESSFUL, RDPNEG_ENC_128BIT,
	    RDPNEG_ENC_LEVEL_HIGH), RDPNEG_STAGE_CLIENT_INFO, 1);
}

/* ---- Cases: evidence of a real capture and the rule it must hit. */

struct kase {
	const char		*what;
	const char		*id;
	struct rdpneg_evidence	 ev;
};

#define MAX_CASES 128
static struct kase cases[MAX_CASES];
static size_t ncases;

static void
add(const char *what, const char *id, struct rdpneg_evidence ev)
{
	cr_assert_lt(ncases, MAX_CASES, "too many cases");
	cases[ncases].what = what;
	cases[ncases].id = id;
	cases[ncases].ev = ev;
	ncases++;
}

static void
build_cases(void)
{
	struct rdpneg_evidence ev;

	ncases = 0;

	/* One typical capture per rule, in table order. */
	add("nmap probe (mstshash=nmap) refused with code 2", "scanner-probe",
	    with(failure(SSL, 2), RDPNEG_EV_SCANNER));
	add("nmap RDSTLS-only probe answered", "scanner-probe",
	    with(selected(RDSTLS, RDSTLS), RDPNEG_EV_SCANNER));
	ev = request(SSL | HYBRID, 0);
	ev.have |= RDPNEG_EV_MALFORMED;
	ev.outcome = RDPNEG_OUTCOME_SELECTED;
	ev.end = RDPNEG_END_FIN_CLIENT;
	add("CC with an RDP_NEG_RSP of length 0", "malformed-negotiation", ev);
	add("RDP_NEG_REQ 0x0 -> code 1", "tls-required-rdp-requested",
	    failure(0, 1));
	add("RDP_NEG_REQ HYBRID -> code 1",
	    "tls-required-credssp-only-requested", failure(HYBRID, 1));
	add("RDP_NEG_REQ SSL|HYBRID -> code 1", "tls-required",
	    failure(SSL | HYBRID, 1));
	add("mstsc 6.0 0x1 -> code 2 (Zeek trace)", "server-rdp-security-only",
	    failure(SSL, 2));
	add("FreeRDP 0x3 -> code 3", "server-certificate-unavailable",
	    failure(SSL | HYBRID, 3));
	add("0x3 -> code 4", "inconsistent-flags", failure(SSL | HYBRID, 4));
	add("FreeRDP /sec:tls 0x1 -> code 5", "nla-required", failure(SSL, 5));
	add("mstsc 0xB -> code 6", "tls-client-certificate-required",
	    failure(SSL | HYBRID | HYB_EX, 6));
	add("0x3 -> code 0x99", "unknown-failure-code",
	    failure(SSL | HYBRID, 0x99));
	add("a License Error ERR_NO_LICENSE_SERVER in clear",
	    "rdp-license-error", ended(mcs_disconnect(mcs_server_says(
	    mcs_to_info(legacy(NO_REQ)), 6, 0), S), RDPNEG_END_FIN_SERVER));
	add("Set Error Info ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES in clear",
	    "server-error-info", ended(mcs_disconnect(mcs_server_says(
	    mcs_to_info(selected(0, RDPNEG_PROTOCOL_RDP)), 0, 9), S),
	    RDPNEG_END_FIN_SERVER));
	add("a 40-bit-only client reset after its Connect-Initial",
	    "rdp-encryption-mismatch", ended(mcs_initial(legacy(NO_REQ),
	    RDPNEG_ENC_40BIT), RDPNEG_END_RST_SERVER));
	add("xfreerdp /sec:rdp against xrdp security_layer=tls",
	    "legacy-refused-after-confirm", ended(mcs_disconnect(
	    mcs_initial(legacy(NO_REQ), 0x1b), S), RDPNEG_END_RST_SERVER));
	add("0x0 -> RDP, Connect-Response rt-unspecified-failure",
	    "mcs-connect-refused", ended(mcs_response(mcs_initial(
	    selected(0, RDPNEG_PROTOCOL_RDP), 0x1b), 14, 0, 0),
	    RDPNEG_END_FIN_SERVER));
	add("xfreerdp against xrdp crypt_level=high: MAC check fails",
	    "rdp-session-dropped", ended(mcs_disconnect(mcs_to_info(
	    legacy(NO_REQ)), S), RDPNEG_END_FIN_SERVER));
	add("chain 0x3 (code 2) then 0x0 -> RDP", "standard-rdp-fallback",
	    fell_back(selected(0, RDPNEG_PROTOCOL_RDP)));
	add("chain 0x3 (dropped), 0x1 (dropped), legacy CR -> legacy CC",
	    "standard-rdp-fallback-legacy", fell_back(legacy(NO_REQ)));
	add("FreeRDP /sec:tls vs xrdp security_layer=rdp",
	    "server-chose-standard-rdp",
	    selected(SSL, RDPNEG_PROTOCOL_RDP));
	add("0x1 -> selected HYBRID", "server-chose-unrequested-protocol",
	    selected(SSL, HYBRID));
	add("0x3 -> CC without rdpNegData (Windows 2003)", "legacy-server",
	    legacy(SSL | HYBRID));
	add("FreeRDP /sec:rdp -> CC without rdpNegData", "legacy-client",
	    legacy(NO_REQ));
	add("FreeRDP /sec:aad 0x10 to xrdp -> FIN",
	    "request-dropped-unsupported",
	    no_response(RDSAAD, 0, RDPNEG_END_FIN_SERVER));
	add("mstsc /remoteGuard flags 0x0a to xrdp -> FIN",
	    "request-dropped-unsupported-flags",
	    no_response(SSL | HYBRID | HYB_EX,
	    RDPNEG_REQ_REDIRECTED_AUTHENTICATION_MODE_REQUIRED |
	    RDPNEG_REQ_CORRELATION_INFO_PRESENT, RDPNEG_END_FIN_SERVER));
	add("legacy CR to an NLA-only server -> RST", "legacy-request-dropped",
	    no_response(NO_REQ, 0, RDPNEG_END_RST_SERVER));
	add("0x3 -> server FIN, no CC", "server-closed-without-answer",
	    no_response(SSL | HYBRID, 0, RDPNEG_END_FIN_SERVER));
	ev = no_response(SSL, 0, RDPNEG_END_FIN_CLIENT);
	ev.have |= RDPNEG_EV_NON_RDP_ANSWER;
	add("0x1 to a Modbus port -> non-TPKT bytes, client FIN",
	    "not-an-rdp-server", ev);
	ev.end = RDPNEG_END_RST_SERVER;
	ev.requested |= RDPNEG_PROTOCOL_RDSAAD;
	add("non-CC answer wins over the RDSAAD drop", "not-an-rdp-server", ev);
	add("0xB -> client FIN, no CC", "client-gave-up",
	    no_response(SSL | HYBRID | HYB_EX, 0, RDPNEG_END_FIN_CLIENT));
	add("0xB -> nothing until the capture ends", "no-answer-in-capture",
	    no_response(SSL | HYBRID | HYB_EX, 0, RDPNEG_END_OPEN));
	add("SYN -> RST", "port-closed",
	    tcp_only(RDPNEG_OUTCOME_REFUSED, RDPNEG_END_RST_SERVER));
	add("SYN unanswered", "port-filtered",
	    tcp_only(RDPNEG_OUTCOME_UNANSWERED, RDPNEG_END_OPEN));
	add("handshake, then the client closes without a CR", "no-request",
	    tcp_only(RDPNEG_OUTCOME_NO_REQUEST, RDPNEG_END_FIN_CLIENT));
	add("mstsc 0xB -> HYBRID_EX", "negotiated",
	    selected(SSL | HYBRID | HYB_EX, HYB_EX));
	/* After the negotiation (5.4.5.1): what each side sent next. */
	ev = selected(SSL | HYBRID, SSL);
	ev.end = RDPNEG_END_FIN_CLIENT;
	add("FreeRDP /sec:nla 0x3 -> SSL, client closes at once",
	    "client-requires-nla", ev);
	ev.have |= RDPNEG_EV_CLIENT_NEXT;
	ev.client_next = RDPNEG_NEXT_TLS_HANDSHAKE;
	add("0x3 -> SSL, client starts TLS then closes", "negotiated", ev);
	ev = selected(SSL | HYBRID, SSL);
	ev.end = RDPNEG_END_FIN_SERVER;
	add("0x3 -> SSL, client silent but the server closes", "negotiated", ev);
	ev = selected(SSL, SSL);
	ev.end = RDPNEG_END_FIN_CLIENT;
	add("0x1 -> SSL, client closes at once (it asked only TLS)",
	    "negotiated", ev);
	ev = selected(SSL | HYBRID, HYBRID);
	ev.end = RDPNEG_END_FIN_CLIENT;
	add("0x3 -> HYBRID, client closes at once", "negotiated", ev);
	ev = selected(SSL | HYBRID, SSL);
	ev.end = RDPNEG_END_RST_CLIENT;
	ev.have |= RDPNEG_EV_CLIENT_NEXT | RDPNEG_EV_SERVER_NEXT;
	ev.client_next = RDPNEG_NEXT_TLS_HANDSHAKE;
	ev.server_next = RDPNEG_NEXT_TLS_ALERT;
	add("0x3 -> SSL, ClientHello answered by an alert",
	    "tls-handshake-failed", ev);
	ev.server_next = RDPNEG_NEXT_TLS_HANDSHAKE;
	add("0x3 -> SSL, ClientHello answered by a ServerHello", "negotiated",
	    ev);
	ev.have &= ~RDPNEG_EV_SERVER_NEXT;
	ev.end = RDPNEG_END_RST_SERVER;
	add("0x3 -> SSL, ClientHello answered by the server's RST",
	    "tls-handshake-failed", ev);
	ev.end = RDPNEG_END_FIN_CLIENT;
	add("ClientHello, no answer, the client gives up", "negotiated", ev);
	ev = selected(0, RDPNEG_PROTOCOL_RDP);
	ev.have |= RDPNEG_EV_CLIENT_NEXT | RDPNEG_EV_SERVER_NEXT;
	ev.client_next = RDPNEG_NEXT_TLS_HANDSHAKE;
	ev.server_next = RDPNEG_NEXT_TLS_ALERT;
	add("RDP selected: no TLS to fail", "negotiated-standard-rdp", ev);
	/* The TLS handshake and CredSSP, decoded (tls.h, credssp.h). */
	add("server refuses the ClientHello's versions",
	    "tls-version-mismatch", ended(tls_alert(tls_hello(
	    selected(SSL | HYBRID, SSL)), S, RDPNEG_ALERT_PROTOCOL_VERSION),
	    RDPNEG_END_FIN_SERVER));
	add("client refuses the ServerHello's TLS 1.0", "tls-version-mismatch",
	    ended(tls_alert(tls_server_hello(tls_hello(
	    selected(SSL | HYBRID, SSL)), RDPNEG_TLS_1_0, 0x002f), C,
	    RDPNEG_ALERT_PROTOCOL_VERSION), RDPNEG_END_RST_CLIENT));
	add("server: handshake_failure on the ClientHello",
	    "tls-no-common-cipher", ended(tls_alert(tls_hello(
	    selected(SSL | HYBRID, SSL)), S, RDPNEG_ALERT_HANDSHAKE_FAILURE),
	    RDPNEG_END_FIN_SERVER));
	add("client: insufficient_security after the ServerHello",
	    "tls-no-common-cipher", ended(tls_alert(tls_server_hello(
	    tls_hello(selected(SSL | HYBRID, SSL)), RDPNEG_TLS_1_2, 0x000a),
	    C, RDPNEG_ALERT_INSUFFICIENT_SECURITY), RDPNEG_END_FIN_CLIENT));
	add("server RST on the ClientHello, no alert", "tls-server-aborted",
	    ended(tls_hello(selected(SSL | HYBRID | HYB_EX, HYB_EX)),
	    RDPNEG_END_RST_SERVER));
	add("TLS 1.2 self-signed, client closes after the handshake",
	    "tls-certificate-rejected", ended(tls12_done(
	    selected(SSL | HYBRID, SSL), RDPNEG_CERT_SELF_SIGNED),
	    RDPNEG_END_FIN_CLIENT));
	add("TLS 1.2, client's bad_certificate before its Finished",
	    "tls-certificate-rejected", ended(tls_alert(tls_server_hello(
	    tls_hello(selected(SSL | HYBRID, HYBRID)), RDPNEG_TLS_1_2,
	    0xc030), C, RDPNEG_ALERT_BAD_CERTIFICATE), RDPNEG_END_FIN_CLIENT));
	add("TLS 1.3, client's Finished then FIN without data",
	    "tls-certificate-rejected", ended(tls13_done(
	    selected(SSL | HYBRID, HYBRID)), RDPNEG_END_FIN_CLIENT));
	add("TLS 1.3, client's close_notify (19 bytes) then FIN",
	    "tls-certificate-rejected", ended(tls_app(tls13_done(
	    selected(SSL | HYBRID, SSL)), C, 19, 0), RDPNEG_END_FIN_CLIENT));
	add("TLS 1.2 to SSL, the client sends data", "negotiated",
	    tls_app(tls12_done(selected(SSL | HYBRID, SSL), 0), C, 500, 0));
	add("NTLM answered by a 15-byte error TSRequest, client RST",
	    "nla-logon-failed", ended(ntlm(tls12_done(
	    selected(SSL | HYBRID | HYB_EX, HYB_EX), 0), 39),
	    RDPNEG_END_RST_CLIENT));
	add("NTLM authenticate, then the server closes", "nla-logon-failed",
	    ended(ntlm(tls12_done(selected(SSL | HYBRID, HYBRID), 0), 0),
	    RDPNEG_END_FIN_SERVER));
	ev = ntlm(tls12_done(selected(SSL | HYBRID | HYB_EX, HYB_EX), 0),
	    127);
	ev = tls_app(tls_app(ev, C, 207, 0), S, 28, 0);
	add("HYBRID_EX: 4-byte result, then the server closes",
	    "nla-access-denied", ended(ev, RDPNEG_END_FIN_SERVER));
	add("HYBRID_EX: 4-byte result, then MCS", "negotiated",
	    tls_app(ev, C, 450, 0));
	add("NTLM challenge, the client closes", "nla-client-gave-up",
	    ended(tls_app(tls_app(tls12_done(selected(SSL | HYBRID, HYBRID),
	    0), C, 81, 0), S, 319, 0), RDPNEG_END_RST_CLIENT));
	add("NTLM complete: authInfo then MCS back to back", "negotiated",
	    ended(tls_app(tls_app(ntlm(tls12_done(selected(SSL | HYBRID,
	    HYBRID), 0), 127), C, 207, 0), C, 450, 0), RDPNEG_END_FIN_CLIENT));
	/* The Direct Approach (5.4.2.2): TLS from the first byte. */
	ev = with(tcp_only(RDPNEG_OUTCOME_NO_REQUEST, RDPNEG_END_OPEN),
	    RDPNEG_EV_SYN | RDPNEG_EV_SYN_ACK | RDPNEG_EV_DIRECT_TLS);
	add("direct TLS 1.2, the client sends data", "direct-tls",
	    tls_app(tls12_done(ev, 0), C, 300, 0));
	add("direct TLS, the server refuses the versions",
	    "tls-version-mismatch", ended(tls_alert(tls_hello(ev), S,
	    RDPNEG_ALERT_PROTOCOL_VERSION), RDPNEG_END_FIN_SERVER));
	add("direct TLS 1.2, the client closes after the certificate",
	    "tls-certificate-rejected", ended(tls12_done(ev,
	    RDPNEG_CERT_SELF_SIGNED), RDPNEG_END_RST_CLIENT));
	add("direct TLS, the server closes on the hello", "tls-server-aborted",
	    ended(tls_hello(ev), RDPNEG_END_FIN_SERVER));
	ev = tcp_only(RDPNEG_OUTCOME_FAILURE, RDPNEG_END_FIN_SERVER);
	ev.have = RDPNEG_EV_REQUEST | RDPNEG_EV_REQ_NEG;
	ev.requested = SSL;
	add("failure outcome without the failure PDU", "unclassified", ev);

	/* Near misses: look alike, must land elsewhere. */
	add("RDP_NEG_REQ HYBRID|HYBRID_EX -> code 1",
	    "tls-required-credssp-only-requested",
	    failure(HYBRID | HYB_EX, 1));
	add("RDP_NEG_REQ HYBRID_EX alone (no scanner mark) -> code 1",
	    "tls-required-credssp-only-requested", failure(HYB_EX, 1));
	add("RDP_NEG_REQ RDSAAD alone -> code 1", "tls-required",
	    failure(RDSAAD, 1));
	add("RDP_NEG_REQ RDSTLS|SSL -> code 1", "tls-required",
	    failure(RDSTLS | SSL, 1));
	/* Non-conforming, but freerdp-shadow-cli 2.11 does it
	 * (captures/peers/shadow-tls-sec-rdp.pcap). */
	add("code 1 to a CR without RDP_NEG_REQ (FreeRDP server)",
	    "tls-required-legacy-request", failure(NO_REQ, 1));
	add("code 2 to mstsc 0xB", "server-rdp-security-only",
	    failure(SSL | HYBRID | HYB_EX, 2));
	add("code 5 to 0x0", "nla-required", failure(0, 5));
	add("code 7", "unknown-failure-code", failure(SSL, 7));
	add("scanner wins over a failure code", "scanner-probe",
	    with(failure(0, 5), RDPNEG_EV_SCANNER));
	add("scanner wins over malformed", "scanner-probe",
	    with(failure(SSL, 2), RDPNEG_EV_SCANNER | RDPNEG_EV_MALFORMED));
	add("malformed wins over a failure code", "malformed-negotiation",
	    with(failure(SSL, 2), RDPNEG_EV_MALFORMED));
	add("0x0 -> RDP", "negotiated-standard-rdp",
	    selected(0, RDPNEG_PROTOCOL_RDP));
	add("RSP RDP to a CR without RDP_NEG_REQ", "negotiated-standard-rdp",
	    selected(NO_REQ, RDPNEG_PROTOCOL_RDP));
	add("0x1 -> RDP after a failed attempt", "standard-rdp-fallback",
	    fell_back(selected(SSL, RDPNEG_PROTOCOL_RDP)));
	add("0x3 -> RDP, no earlier attempt", "server-chose-standard-rdp",
	    selected(SSL | HYBRID, RDPNEG_PROTOCOL_RDP));
	add("0x3 -> HYBRID (value 2 is not failure code 2)", "negotiated",
	    selected(SSL | HYBRID, HYBRID));
	add("0x1 -> SSL (value 1 is not failure code 1)", "negotiated",
	    selected(SSL, SSL));
	add("0x3 -> HYBRID after a failed attempt", "negotiated",
	    fell_back(selected(SSL | HYBRID, HYBRID)));
	add("0x2 -> SSL", "server-chose-unrequested-protocol",
	    selected(HYBRID, SSL));
	add("0x3 -> SSL|HYBRID (two bits)",
	    "server-chose-unrequested-protocol",
	    selected(SSL | HYBRID, SSL | HYBRID));
	add("RDP_NEG_REQ 0x0 -> CC without rdpNegData", "legacy-server",
	    legacy(0));
	add("chain ending in RDP_NEG_REQ 0x0 -> legacy CC",
	    "standard-rdp-fallback-legacy", fell_back(legacy(0)));
	add("RDSAAD but the client closed", "client-gave-up",
	    no_response(RDSAAD, 0, RDPNEG_END_RST_CLIENT));
	add("RDSAAD, capture ends", "no-answer-in-capture",
	    no_response(RDSAAD, 0, RDPNEG_END_OPEN));
	add("RDSAAD and flag 0x02: RDSAAD rule first",
	    "request-dropped-unsupported",
	    no_response(SSL | HYBRID | RDSAAD,
	    RDPNEG_REQ_REDIRECTED_AUTHENTICATION_MODE_REQUIRED,
	    RDPNEG_END_RST_SERVER));
	add("restricted admin flag 0x01 + correlation -> server RST",
	    "server-closed-without-answer",
	    no_response(SSL | HYBRID | HYB_EX,
	    RDPNEG_REQ_RESTRICTED_ADMIN_MODE_REQUIRED |
	    RDPNEG_REQ_CORRELATION_INFO_PRESENT, RDPNEG_END_RST_SERVER));
	add("RDP_NEG_REQ 0x0 -> server RST (not a legacy CR)",
	    "server-closed-without-answer",
	    no_response(0, 0, RDPNEG_END_RST_SERVER));
	add("legacy CR, the client closed", "client-gave-up",
	    no_response(NO_REQ, 0, RDPNEG_END_FIN_CLIENT));
	add("legacy CR, capture ends", "no-answer-in-capture",
	    no_response(NO_REQ, 0, RDPNEG_END_OPEN));
	add("SYN -> RST, reset attributed to the client side", "port-closed",
	    tcp_only(RDPNEG_OUTCOME_REFUSED, RDPNEG_END_RST_CLIENT));
	add("no CR, server closes", "no-request",
	    tcp_only(RDPNEG_OUTCOME_NO_REQUEST, RDPNEG_END_FIN_SERVER));
}

/* The ids of the brief, in the order the table must keep them. */
static const char *const required_ids[] = {
	"scanner-probe", "malformed-negotiation",
	"tls-required-rdp-requested", "tls-required-credssp-only-requested",
	"tls-required", "server-rdp-security-only",
	"server-certificate-unavailable", "inconsistent-flags",
	"nla-required", "tls-client-certificate-required",
	"unknown-failure-code", "rdp-license-error", "server-error-info",
	"rdp-encryption-mismatch", "legacy-refused-after-confirm",
	"mcs-connect-refused", "rdp-session-dropped", "standard-rdp-fallback",
	"server-chose-standard-rdp", "server-chose-unrequested-protocol",
	"legacy-server", "legacy-client", "request-dropped-unsupported",
	"request-dropped-unsupported-flags", "legacy-request-dropped",
	"server-closed-without-answer", "client-gave-up",
	"no-answer-in-capture", "port-closed", "port-filtered",
	"tls-version-mismatch", "tls-no-common-cipher", "tls-server-aborted",
	"tls-certificate-rejected", "nla-logon-failed", "nla-access-denied",
	"nla-client-gave-up", "tls-handshake-failed", "direct-tls",
	"no-request", "client-requires-nla", "negotiated",
	"unclassified",
};
#define NREQUIRED (sizeof(required_ids) / sizeof(required_ids[0]))

static long
rule_index(const char *id)
{
	size_t i;

	for (i = 0; i < rdpneg_nrules; i++)
		if (strcmp(rdpneg_rules[i].diagnosis.id, id) == 0)
			return (long)i;
	return -1;
}

static void
diag_is(const struct rdpneg_evidence *ev, const char *want, const char *what)
{
	const struct rdpneg_diagnosis *d = rdpneg_diagnose(ev);

	cr_assert_not_null(d, "%s: NULL diagnosis", what);
	cr_assert_str_eq(d->id, want, "%s: got \"%s\", want \"%s\"", what,
	    d->id, want);
}

/* ---- Diagnoses of real-capture evidence. */

Test(kb_diagnose, every_case)
{
	size_t i;

	build_cases();
	for (i = 0; i < ncases; i++)
		diag_is(&cases[i].ev, cases[i].id, cases[i].what);
}

Test(kb_diagnose, every_rule_is_reached)
{
	size_t i, j;
	int hit;

	build_cases();
	for (i = 0; i < rdpneg_nrules; i++) {
		hit = 0;
		for (j = 0; j < ncases; j++)
			if (rdpneg_diagnose(&cases[j].ev) ==
			    &rdpneg_rules[i].diagnosis)
				hit = 1;
		cr_expect(hit, "rule %zu \"%s\" is never the diagnosis", i,
		    rdpneg_rules[i].diagnosis.id);
	}
}

Test(kb_diagnose, failure_one_by_request)
{
	struct rdpneg_evidence a = failure(SSL | HYBRID, 1);
	struct rdpneg_evidence b = failure(HYBRID, 1);
	struct rdpneg_evidence c = failure(0, 1);

	diag_is(&a, "tls-required", "code 1 after 0x3");
	diag_is(&b, "tls-required-credssp-only-requested", "code 1 after 0x2");
	diag_is(&c, "tls-required-rdp-requested", "code 1 after 0x0");
}

Test(kb_diagnose, selected_rdp_by_chain)
{
	struct rdpneg_evidence a = selected(0, RDPNEG_PROTOCOL_RDP);
	struct rdpneg_evidence b = fell_back(selected(SSL,
	    RDPNEG_PROTOCOL_RDP));
	struct rdpneg_evidence c = selected(SSL, RDPNEG_PROTOCOL_RDP);
	struct rdpneg_evidence d = fell_back(selected(0, RDPNEG_PROTOCOL_RDP));

	diag_is(&a, "negotiated-standard-rdp", "RDP after 0x0");
	diag_is(&b, "standard-rdp-fallback", "RDP after 0x1, fell back");
	diag_is(&c, "server-chose-standard-rdp", "RDP after 0x1");
	diag_is(&d, "standard-rdp-fallback", "RDP after 0x0, fell back");
}

Test(kb_diagnose, chain_position_does_not_matter)
{
	struct rdpneg_evidence ev = failure(SSL, 2);

	ev.chain_length = 3;
	ev.chain_position = 1;
	diag_is(&ev, "server-rdp-security-only", "first of three");
}

Test(kb_diagnose, never_null)
{
	struct rdpneg_evidence ev;
	unsigned o, e;

	for (o = 0; o < RDPNEG_OUTCOME_COUNT; o++)
		for (e = 0; e < RDPNEG_END_COUNT; e++) {
			rdpneg_init_evidence(&ev);
			ev.outcome = (enum rdpneg_outcome)o;
			ev.end = (enum rdpneg_end)e;
			cr_assert_not_null(rdpneg_diagnose(&ev));
		}
}

/* ---- The table itself. */

static void
list_ok(const char *const *list, const char *id, const char *name)
{
	size_t i;

	cr_assert_not_null(list, "%s: %s is NULL", id, name);
	cr_assert_not_null(list[0], "%s: %s is empty", id, name);
	for (i = 0; i < 32 && list[i] != NULL; i++)
		cr_assert_gt(strlen(list[i]), 10, "%s: %s[%zu] too short", id,
		    name, i);
	cr_assert_lt(i, 32, "%s: %s not NULL-terminated", id, name);
}

static void
steps_ok(const struct rdpneg_step *steps, const char *id)
{
	size_t i;

	cr_assert_not_null(steps, "%s: remediation is NULL", id);
	cr_assert_not_null(steps[0].text, "%s: remediation is empty", id);
	for (i = 0; i < RDPNEG_STEPS_MAX && steps[i].text != NULL; i++)
		cr_assert_gt(strlen(steps[i].text), 10, "%s: step %zu too "
		    "short", id, i);
	cr_assert_lt(i, RDPNEG_STEPS_MAX, "%s: more than %d steps, or no "
	    "end", id, RDPNEG_STEPS_MAX - 1);
}

static void
text_ok(const char *s, const char *id, const char *name)
{
	cr_assert_not_null(s, "%s: %s is NULL", id, name);
	cr_assert_gt(strlen(s), 5, "%s: %s is empty", id, name);
}

Test(kb_table, every_diagnosis_is_complete)
{
	const struct rdpneg_diagnosis *d;
	size_t i;

	cr_assert_geq(rdpneg_nrules, NREQUIRED);
	for (i = 0; i < rdpneg_nrules; i++) {
		d = &rdpneg_rules[i].diagnosis;
		cr_assert_not_null(d->id, "rule %zu: no id", i);
		text_ok(d->summary, d->id, "summary");
		text_ok(d->confidence_why, d->id, "confidence_why");
		text_ok(d->explanation, d->id, "explanation");
		text_ok(d->server_settings, d->id, "server_settings");
		steps_ok(d->remediation, d->id);
		list_ok(d->references, d->id, "references");
		cr_assert(d->confidence == RDPNEG_CONFIDENCE_HIGH ||
		    d->confidence == RDPNEG_CONFIDENCE_MEDIUM ||
		    d->confidence == RDPNEG_CONFIDENCE_LOW,
		    "%s: confidence %d", d->id, (int)d->confidence);
		cr_assert_not_null(rdpneg_tok_str(rdpneg_confidence_names,
		    (uint32_t)d->confidence), "%s: confidence has no name",
		    d->id);
	}
}

Test(kb_table, summaries_are_one_sentence)
{
	const char *s;
	size_t i, n;

	for (i = 0; i < rdpneg_nrules; i++) {
		s = rdpneg_rules[i].diagnosis.summary;
		n = strlen(s);
		cr_assert_eq(s[n - 1], '.', "%s: summary not ended by '.'",
		    rdpneg_rules[i].diagnosis.id);
		cr_assert_null(strstr(s, ". "), "%s: summary has two "
		    "sentences", rdpneg_rules[i].diagnosis.id);
	}
}

Test(kb_table, ids_unique_and_kebab_case)
{
	const char *id;
	size_t i, j, n;

	for (i = 0; i < rdpneg_nrules; i++) {
		id = rdpneg_rules[i].diagnosis.id;
		n = strlen(id);
		cr_assert_gt(n, 0, "rule %zu: empty id", i);
		cr_assert_eq(strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-"),
		    n, "\"%s\" is not [a-z0-9-]+", id);
		cr_assert(id[0] != '-' && id[n - 1] != '-' &&
		    strstr(id, "--") == NULL, "\"%s\": bad dashes", id);
		for (j = 0; j < i; j++)
			cr_assert_str_neq(id, rdpneg_rules[j].diagnosis.id,
			    "id \"%s\" twice", id);
	}
}

Test(kb_table, required_ids_in_order)
{
	long at, last = -1;
	size_t i;

	for (i = 0; i < NREQUIRED; i++) {
		at = rule_index(required_ids[i]);
		cr_assert_geq(at, 0, "no rule \"%s\"", required_ids[i]);
		cr_assert_gt(at, last, "\"%s\" out of order", required_ids[i]);
		last = at;
	}
}

/* Only an attempt that connected with what it asked for is ok. */
Test(kb_table, only_connections_are_ok)
{
	const struct rdpneg_diagnosis *d;
	size_t i;
	int connected;

	for (i = 0; i < rdpneg_nrules; i++) {
		d = &rdpneg_rules[i].diagnosis;
		connected = strcmp(d->id, "negotiated") == 0 ||
		    strcmp(d->id, "server-chose-unrequested-protocol") == 0 ||
		    strcmp(d->id, "direct-tls") == 0;
		cr_assert_eq(d->class == RDPNEG_CLASS_OK, connected,
		    "%s: class %s", d->id, rdpneg_tok_str(rdpneg_class_names,
		    d->class));
	}
}

Test(kb_table, last_rule_matches_anything)
{
	struct rdpneg_evidence zero, init;
	const struct rdpneg_rule *last = &rdpneg_rules[rdpneg_nrules - 1];
	size_t i;

	memset(&zero, 0, sizeof(zero));
	rdpneg_init_evidence(&init);
	cr_assert_str_eq(last->diagnosis.id, "unclassified");
	cr_assert(rdpneg_match_evidence(&last->match, &zero));
	cr_assert(rdpneg_match_evidence(&last->match, &init));
	build_cases();
	for (i = 0; i < ncases; i++)
		cr_assert(rdpneg_match_evidence(&last->match, &cases[i].ev),
		    "%s", cases[i].what);
	/* Only the last rule is a catch-all: each other one misses a case. */
	for (i = 0; i + 1 < rdpneg_nrules; i++) {
		size_t j, missed = 0;

		for (j = 0; j < ncases; j++)
			if (!rdpneg_match_evidence(&rdpneg_rules[i].match,
			    &cases[j].ev))
				missed++;
		cr_assert_gt(missed, 0, "rule %zu \"%s\" matches every case",
		    i, rdpneg_rules[i].diagnosis.id);
	}
}

Test(kb_table, find_diagnosis)
{
	size_t i;

	for (i = 0; i < rdpneg_nrules; i++)
		cr_assert_eq(rdpneg_find_diagnosis(
		    rdpneg_rules[i].diagnosis.id), &rdpneg_rules[i].diagnosis,
		    "%s", rdpneg_rules[i].diagnosis.id);
	cr_assert_str_eq(rdpneg_find_diagnosis("nla-required")->summary,
	    rdpneg_rules[rule_index("nla-required")].diagnosis.summary);
	cr_assert_null(rdpneg_find_diagnosis("no-such-rule"));
	cr_assert_null(rdpneg_find_diagnosis(""));
	cr_assert_null(rdpneg_find_diagnosis("NLA-REQUIRED"));
	cr_assert_null(rdpneg_find_diagnosis("nla-required "));
}

Test(kb_table, init_evidence)
{
	struct rdpneg_evidence ev;

	memset(&ev, 0xa5, sizeof(ev));
	rdpneg_init_evidence(&ev);
	cr_assert_eq(ev.have, 0);
	cr_assert_eq(ev.requested, 0);
	cr_assert_eq(ev.response_value, 0);
	cr_assert_eq(ev.chain_length, 1);
	cr_assert_eq(ev.chain_position, 1);
}

/* ---- rdpneg_expand */

static void
expand_is(const char *text, const struct rdpneg_evidence *ev,
    const char *want)
{
	char buf[512];
	size_t n;

	n = rdpneg_expand(text, ev, buf, sizeof(buf));
	cr_assert_str_eq(buf, want, "\"%s\"", text);
	cr_assert_eq(n, strlen(want), "\"%s\": returned %zu, want %zu", text,
	    n, strlen(want));
}

Test(kb_expand, placeholders)
{
	struct rdpneg_evidence ev = failure(SSL | HYBRID, 5);

	ev.end = RDPNEG_END_RST_SERVER;
	expand_is("{requested}", &ev, "SSL|HYBRID");
	expand_is("{failure}", &ev, "HYBRID_REQUIRED_BY_SERVER");
	expand_is("{code}", &ev, "5");
	expand_is("{end}", &ev, "rst_server");
	expand_is("{outcome}", &ev, "failure");
	expand_is("asked {requested}, got {failure} ({code}), end {end}.",
	    &ev, "asked SSL|HYBRID, got HYBRID_REQUIRED_BY_SERVER (5), end "
	    "rst_server.");
	ev.response_value = 0x99;
	expand_is("{failure}", &ev, "0x00000099");
	expand_is("{code}", &ev, "153");
}

Test(kb_expand, requested_and_selected)
{
	struct rdpneg_evidence ev = selected(0, RDPNEG_PROTOCOL_RDP);

	expand_is("{requested}", &ev, "RDP");
	expand_is("{selected}", &ev, "RDP");
	ev.requested = SSL | HYBRID | HYB_EX | RDSAAD | 0x40;
	ev.response_value = HYB_EX;
	expand_is("{requested}", &ev, "SSL|HYBRID|HYBRID_EX|RDSAAD|0x40");
	expand_is("{selected}", &ev, "HYBRID_EX");
	ev.response_value = SSL | HYBRID;
	expand_is("{selected}", &ev, "0x3");
	ev = legacy(NO_REQ);
	expand_is("{requested}", &ev,
	    "no RDP_NEG_REQ (Standard RDP Security only)");
	expand_is("{end} {outcome}", &ev, "open legacy");
}

Test(kb_expand, unknown_and_unbalanced)
{
	struct rdpneg_evidence ev = failure(SSL, 2);

	expand_is("{x}", &ev, "{x}");
	expand_is("a {Requested} b", &ev, "a {Requested} b");
	expand_is("{{code}}", &ev, "{2}");
	expand_is("{code", &ev, "{code");
	expand_is("code}", &ev, "code}");
	expand_is("{}", &ev, "{}");
	expand_is("", &ev, "");
	expand_is("{\"key\":\"RdpSecurity\", \"Value\":true}", &ev,
	    "{\"key\":\"RdpSecurity\", \"Value\":true}");
	expand_is("@{SecurityLayer=2} {code}", &ev, "@{SecurityLayer=2} 2");
}

/* Every size from 0 up: NUL-terminated, a prefix, no write past size. */
static void
truncation_ok(const char *text, const struct rdpneg_evidence *ev)
{
	char full[512], buf[600];
	size_t want, n, size, len;

	want = rdpneg_expand(text, ev, full, sizeof(full));
	cr_assert_lt(want, sizeof(full));
	for (size = 0; size <= want + 2; size++) {
		memset(buf, 'Z', sizeof(buf));
		n = rdpneg_expand(text, ev, buf, size);
		cr_assert_eq(n, want, "\"%s\" size %zu: returned %zu, want %zu",
		    text, size, n, want);
		if (size == 0) {
			cr_assert_eq(buf[0], 'Z', "size 0 wrote");
			continue;
		}
		cr_assert_not_null(memchr(buf, '\0', size), "\"%s\" size %zu: "
		    "not terminated", text, size);
		len = strlen(buf);
		cr_assert_eq(memcmp(buf, full, len), 0, "\"%s\" size %zu: "
		    "\"%s\" is not a prefix of \"%s\"", text, size, buf, full);
		cr_assert_eq(buf[size], 'Z', "\"%s\" size %zu: wrote past the "
		    "end", text, size);
		if (size > want)
			cr_assert_str_eq(buf, full);
	}
}

Test(kb_expand, truncation)
{
	struct rdpneg_evidence ev = failure(SSL | HYBRID, 5);
	char small[8];
	size_t n;

	truncation_ok("{failure}", &ev);
	truncation_ok("hello", &ev);
	truncation_ok("The client requested {requested}; code {code} "
	    "({failure}), end {end}.", &ev);
	truncation_ok("{x} {requested}{code}", &ev);

	n = rdpneg_expand("{failure}", &ev, small, sizeof(small));
	cr_assert_eq(n, strlen("HYBRID_REQUIRED_BY_SERVER"));
	cr_assert_lt(strlen(small), sizeof(small));
	n = rdpneg_expand("hello world", &ev, small, sizeof(small));
	cr_assert_eq(n, 11);
	cr_assert_str_eq(small, "hello w");
	n = rdpneg_expand("{code}", &ev, small, 1);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(small, "");
}

/* A {name} made of [a-z_] left after expansion: an unfilled placeholder. */
static const char *
unfilled(const char *s)
{
	const char *p, *q;

	for (p = strchr(s, '{'); p != NULL; p = strchr(p + 1, '{')) {
		q = p + 1;
		while ((*q >= 'a' && *q <= 'z') || *q == '_')
			q++;
		if (q > p + 1 && *q == '}')
			return p;
	}
	return NULL;
}

static void
expands_fully(const char *text, const struct rdpneg_evidence *ev,
    const char *id, const char *field)
{
	char buf[2048];
	size_t n;
	const char *left;

	n = rdpneg_expand(text, ev, buf, sizeof(buf));
	cr_assert_lt(n, sizeof(buf), "%s %s: %zu bytes", id, field, n);
	left = unfilled(buf);
	cr_assert_null(left, "%s %s: unfilled placeholder at \"%.20s\"", id,
	    field, left);
	cr_assert(strstr(buf, "{?") == NULL && strstr(buf, "{!") == NULL,
	    "%s %s: condition left in \"%s\"", id, field, buf);
}

/* A step on one line: no placeholder or condition left in it. */
static void
step_expands_fully(const struct rdpneg_step *s,
    const struct rdpneg_evidence *ev, const char *id)
{
	char buf[2048];
	size_t n;
	const char *left;

	n = rdpneg_format_step(s, ev, buf, sizeof(buf));
	cr_assert_lt(n, sizeof(buf), "%s step: %zu bytes", id, n);
	left = unfilled(buf);
	cr_assert_null(left, "%s step: unfilled placeholder at \"%.20s\"",
	    id, left);
	cr_assert(strstr(buf, "{?") == NULL && strstr(buf, "{!") == NULL,
	    "%s step: condition left in \"%s\"", id, buf);
}

static void
diagnosis_expands(const struct rdpneg_diagnosis *d,
    const struct rdpneg_evidence *ev)
{
	size_t i;

	expands_fully(d->summary, ev, d->id, "summary");
	expands_fully(d->confidence_why, ev, d->id, "confidence_why");
	expands_fully(d->explanation, ev, d->id, "explanation");
	expands_fully(d->server_settings, ev, d->id, "server_settings");
	for (i = 0; d->remediation[i].text != NULL; i++)
		step_expands_fully(&d->remediation[i], ev, d->id);
	for (i = 0; d->references[i] != NULL; i++)
		expands_fully(d->references[i], ev, d->id, "references");
}

Test(kb_expand, every_rule_text_expands)
{
	size_t i;

	build_cases();
	/* Each rule with the evidence that selects it... */
	for (i = 0; i < ncases; i++)
		diagnosis_expands(rdpneg_diagnose(&cases[i].ev), &cases[i].ev);
	/* ...and with an unrelated one. */
	for (i = 0; i < rdpneg_nrules; i++)
		diagnosis_expands(&rdpneg_rules[i].diagnosis, &cases[0].ev);
}

Test(kb_expand, explanation_uses_the_evidence)
{
	struct rdpneg_evidence ev = failure(SSL, 2);
	char buf[2048];

	rdpneg_expand(rdpneg_diagnose(&ev)->explanation, &ev, buf,
	    sizeof(buf));
	cr_assert_not_null(strstr(buf, "SSL_NOT_ALLOWED_BY_SERVER"), "%s",
	    buf);
	cr_assert_not_null(strstr(buf, "fin_server"), "%s", buf);
	ev = selected(SSL | HYBRID, RDPNEG_PROTOCOL_RDP);
	rdpneg_expand(rdpneg_diagnose(&ev)->explanation, &ev, buf,
	    sizeof(buf));
	cr_assert_not_null(strstr(buf, "requested SSL|HYBRID"), "%s", buf);
	cr_assert_not_null(strstr(buf, "selecting RDP"), "%s", buf);
}

/* ---- rdpneg_is_scanner */

static int
scanner(const char *token, int has_req, uint32_t requested)
{
	return rdpneg_is_scanner((const uint8_t *)token,
	    token != NULL ? strlen(token) : 0, has_req, requested);
}

Test(kb_scanner, nmap_cookie)
{
	cr_assert(scanner("Cookie: mstshash=nmap", 1, SSL));
	cr_assert(scanner("Cookie: mstshash=nmap", 1, 0));
	cr_assert(scanner("Cookie: mstshash=nmap", 0, 0));
	cr_assert_not(scanner("Cookie: mstshash=nmapper", 1, SSL));
	cr_assert_not(scanner("Cookie: mstshash=nma", 1, SSL));
	cr_assert_not(scanner("Cookie: mstshash=NMAP2", 1, SSL | HYBRID));
	/* The length given is what counts, not a NUL. */
	cr_assert_not(rdpneg_is_scanner((const uint8_t *)
	    "Cookie: mstshash=nmap", 20, 1, SSL));
}

Test(kb_scanner, probe_only_requests)
{
	cr_assert(scanner(NULL, 1, RDSTLS));
	cr_assert(scanner(NULL, 1, HYB_EX));
	cr_assert(scanner("Cookie: mstshash=bob", 1, HYB_EX));
	cr_assert_not(scanner(NULL, 0, RDSTLS), "no RDP_NEG_REQ");
	cr_assert_not(scanner(NULL, 0, HYB_EX), "no RDP_NEG_REQ");
	cr_assert_not(scanner(NULL, 1, RDSTLS | SSL), "RDSTLS redirection");
	cr_assert_not(scanner(NULL, 1, HYB_EX | HYBRID | SSL));
	cr_assert_not(scanner(NULL, 1, RDSTLS | HYB_EX));
	cr_assert_not(scanner(NULL, 1, RDSAAD), "FreeRDP /sec:aad");
}

Test(kb_scanner, users_are_not_scanners)
{
	cr_assert_not(scanner("Cookie: mstshash=alice", 1,
	    SSL | HYBRID | HYB_EX), "mstsc");
	cr_assert_not(scanner("Cookie: mstshash=Administr", 1,
	    SSL | HYBRID | HYB_EX), "mstsc, truncated cookie");
	cr_assert_not(scanner("Cookie: mstshash=bob", 1, SSL | HYBRID),
	    "FreeRDP");
	cr_assert_not(scanner("Cookie: mstshash=bob", 1, 0),
	    "FreeRDP RDP retry");
	cr_assert_not(scanner("Cookie: mstshash=bob", 0, 0), "/sec:rdp");
	cr_assert_not(scanner(NULL, 1, SSL | HYBRID), "rdp-sec-check style");
	cr_assert_not(scanner(NULL, 0, 0));
	cr_assert_not(scanner("Cookie: msts=3640205228.15629.0000", 1, SSL),
	    "routing token");
}

/* ---- rdpneg_match_evidence */

static int
matches(const struct rdpneg_match *m, const struct rdpneg_evidence *ev)
{
	return rdpneg_match_evidence(m, ev);
}

Test(kb_match, empty_match_matches_all)
{
	struct rdpneg_match m = { 0 };
	size_t i;

	build_cases();
	for (i = 0; i < ncases; i++)
		cr_assert(matches(&m, &cases[i].ev), "%s", cases[i].what);
}

/* One tri-state field against evidence with and without the fact. */
/* A fact required to hold, not to hold, or not tested. */
#define FACT(name, yes_ev, no_ev) do {					\
	struct rdpneg_match m = { 0 };					\
	struct rdpneg_evidence y = (yes_ev), n = (no_ev);		\
									\
	cr_assert(matches(&m, &y), #name " untested, fact");		\
	cr_assert(matches(&m, &n), #name " untested, no fact");		\
	m.yes = RDPNEG_FACT(name);					\
	cr_assert(matches(&m, &y), #name " yes, fact");			\
	cr_assert_not(matches(&m, &n), #name " yes, no fact");		\
	m.yes = 0;							\
	m.no = RDPNEG_FACT(name);					\
	cr_assert_not(matches(&m, &y), #name " no, fact");		\
	cr_assert(matches(&m, &n), #name " no, no fact");		\
} while (0)

Test(kb_match, facts)
{
	struct rdpneg_evidence none;

	rdpneg_init_evidence(&none);
	FACT(NEG_REQ, failure(0, 1), failure(NO_REQ, 1));
	FACT(LEGACY_REQUEST, failure(NO_REQ, 1), failure(0, 1));
	FACT(LEGACY_REQUEST, failure(NO_REQ, 1), none);	/* needs a CR */
	FACT(MALFORMED, with(failure(SSL, 2), RDPNEG_EV_MALFORMED),
	    failure(SSL, 2));
	FACT(SCANNER, with(failure(SSL, 2), RDPNEG_EV_SCANNER),
	    failure(SSL, 2));
	FACT(FELL_BACK, fell_back(selected(0, 0)), selected(0, 0));
	FACT(SELECTED_RDP, selected(SSL, RDPNEG_PROTOCOL_RDP),
	    selected(SSL, SSL));
	FACT(NOT_REQUESTED, selected(SSL | HYBRID, RDPNEG_PROTOCOL_RDP),
	    selected(SSL | HYBRID, HYBRID));
	FACT(NON_RDP_ANSWER, with(no_response(SSL, 0, RDPNEG_END_OPEN),
	    RDPNEG_EV_NON_RDP_ANSWER), no_response(SSL, 0, RDPNEG_END_OPEN));
	FACT(OFFERED_SSL, failure(SSL | HYBRID, 1), failure(HYBRID, 1));
	FACT(OFFERED_SSL, failure(SSL, 1), failure(NO_REQ, 1));
	FACT(OFFERED_CREDSSP, failure(HYBRID, 1), failure(SSL | RDSAAD, 1));
	FACT(OFFERED_CREDSSP, failure(HYB_EX, 1), failure(NO_REQ, 1));
	FACT(SELECTED_CREDSSP, selected(SSL | HYBRID | HYB_EX, HYB_EX),
	    selected(SSL | HYBRID, SSL));
	FACT(SELECTED_CREDSSP, selected(SSL | HYBRID, HYBRID),
	    failure(SSL | HYBRID, 2));	/* a failure code 2 is no HYBRID */
	FACT(SERVER_CLOSED, no_response(SSL, 0, RDPNEG_END_RST_SERVER),
	    no_response(SSL, 0, RDPNEG_END_FIN_CLIENT));
	FACT(SERVER_CLOSED, failure(SSL, 2),
	    no_response(SSL, 0, RDPNEG_END_OPEN));
	FACT(CLIENT_CLOSED, no_response(SSL, 0, RDPNEG_END_RST_CLIENT),
	    no_response(SSL, 0, RDPNEG_END_FIN_SERVER));
	FACT(CLIENT_CLOSED, no_response(SSL, 0, RDPNEG_END_FIN_CLIENT),
	    no_response(SSL, 0, RDPNEG_END_OPEN));
	{
		struct rdpneg_evidence alert = selected(SSL, SSL);

		alert.have |= RDPNEG_EV_SERVER_NEXT;
		alert.server_next = RDPNEG_NEXT_TLS_ALERT;
		FACT(SERVER_TLS_ALERT, alert, selected(SSL, SSL));
		alert.server_next = RDPNEG_NEXT_TLS_HANDSHAKE;
		cr_assert_not(rdpneg_fact_holds(RDPNEG_FACT_SERVER_TLS_ALERT,
		    &alert), "a ServerHello is no alert");
	}
}

Test(kb_match, the_fact_table_is_indexed_by_fact)
{
	size_t i, j;

	for (i = 0; i < RDPNEG_FACT_COUNT; i++) {
		cr_assert_eq(rdpneg_facts[i].fact, i);
		/* An evidence bit or a function, not both. */
		cr_assert((rdpneg_facts[i].bit != 0) !=
		    (rdpneg_facts[i].holds != NULL), "%s",
		    rdpneg_facts[i].name);
		for (j = 0; j < i; j++)
			cr_assert_str_neq(rdpneg_facts[i].name,
			    rdpneg_facts[j].name);
	}
}

Test(kb_match, selected_rdp_needs_a_response)
{
	struct rdpneg_match m = { .yes = RDPNEG_FACT(SELECTED_RDP) };
	struct rdpneg_evidence ev = failure(SSL, 0);

	cr_assert_not(matches(&m, &ev), "failure with value 0");
	ev = legacy(SSL);
	cr_assert_not(matches(&m, &ev), "legacy CC");
	ev = no_response(SSL, 0, RDPNEG_END_OPEN);
	cr_assert_not(matches(&m, &ev), "no CC");
	m.yes = 0;
	m.no = RDPNEG_FACT(SELECTED_RDP);
	cr_assert(matches(&m, &ev), "no CC is not selected RDP");
}

Test(kb_match, not_requested_needs_a_response)
{
	struct rdpneg_match m = { .yes = RDPNEG_FACT(NOT_REQUESTED) };
	struct rdpneg_evidence ev;

	ev = failure(SSL, 2);
	cr_assert_not(matches(&m, &ev), "failure PDU");
	ev = legacy(SSL);
	cr_assert_not(matches(&m, &ev), "legacy CC");
	ev = selected(NO_REQ, SSL);
	cr_assert(matches(&m, &ev), "SSL selected for a legacy CR");
	ev = selected(NO_REQ, RDPNEG_PROTOCOL_RDP);
	cr_assert_not(matches(&m, &ev), "RDP selected for a legacy CR");
	ev = selected(0, RDPNEG_PROTOCOL_RDP);
	cr_assert_not(matches(&m, &ev), "RDP selected for 0x0");
	ev = selected(SSL | HYBRID, SSL | HYBRID);
	cr_assert(matches(&m, &ev), "two bits selected");
}

Test(kb_match, outcome_and_end_masks)
{
	struct rdpneg_match m = { 0 };
	struct rdpneg_evidence ev = no_response(SSL, 0, RDPNEG_END_OPEN);

	m.outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_NO_RESPONSE);
	cr_assert(matches(&m, &ev));
	m.outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_FAILURE) |
	    RDPNEG_BIT(RDPNEG_OUTCOME_SELECTED);
	cr_assert_not(matches(&m, &ev));
	m.outcomes |= RDPNEG_BIT(RDPNEG_OUTCOME_NO_RESPONSE);
	cr_assert(matches(&m, &ev));

	m.ends = RDPNEG_BIT(RDPNEG_END_OPEN);
	cr_assert(matches(&m, &ev), "END_OPEN is bit 0");
	m.ends = RDPNEG_BIT(RDPNEG_END_FIN_SERVER) |
	    RDPNEG_BIT(RDPNEG_END_RST_SERVER);
	cr_assert_not(matches(&m, &ev));
	ev.end = RDPNEG_END_RST_SERVER;
	cr_assert(matches(&m, &ev));
}

Test(kb_match, failure_code)
{
	struct rdpneg_match m = { .failure_code = 2 };
	struct rdpneg_evidence ev;
	uint32_t code;

	ev = failure(SSL, 2);
	cr_assert(matches(&m, &ev));
	ev = failure(SSL, 3);
	cr_assert_not(matches(&m, &ev));
	ev = selected(SSL | HYBRID, 2);
	cr_assert_not(matches(&m, &ev), "RSP value 2 is not failure 2");

	m.failure_code = RDPNEG_MATCH_UNKNOWN_FAILURE;
	for (code = 1; code <= 6; code++) {
		ev = failure(SSL, code);
		cr_assert_not(matches(&m, &ev), "code %u is known", code);
	}
	ev = failure(SSL, 7);
	cr_assert(matches(&m, &ev));
	ev = failure(SSL, 0x99);
	cr_assert(matches(&m, &ev));
	ev = failure(SSL, 0xffffffffu);
	cr_assert(matches(&m, &ev));
	ev = selected(SSL, 7);
	cr_assert_not(matches(&m, &ev), "RSP value 7 is no failure");
	ev = legacy(SSL);
	cr_assert_not(matches(&m, &ev), "no failure PDU");
}

Test(kb_match, request_bits)
{
	struct rdpneg_match m = { 0 };
	struct rdpneg_evidence ev = failure(SSL | HYBRID, 1);

	m.req_all = SSL | HYBRID;
	cr_assert(matches(&m, &ev));
	m.req_all = SSL | HYB_EX;
	cr_assert_not(matches(&m, &ev));
	m.req_all = 0;

	m.req_any = HYBRID | HYB_EX;
	cr_assert(matches(&m, &ev));
	m.req_any = RDSTLS | RDSAAD;
	cr_assert_not(matches(&m, &ev));
	m.req_any = 0;

	m.req_none = RDSAAD;
	cr_assert(matches(&m, &ev));
	m.req_none = SSL;
	cr_assert_not(matches(&m, &ev));
	m.req_none = 0;

	ev = no_response(SSL, RDPNEG_REQ_CORRELATION_INFO_PRESENT,
	    RDPNEG_END_FIN_SERVER);
	m.req_flags_any = RDPNEG_REQ_REDIRECTED_AUTHENTICATION_MODE_REQUIRED;
	cr_assert_not(matches(&m, &ev));
	ev.request_flags |= RDPNEG_REQ_REDIRECTED_AUTHENTICATION_MODE_REQUIRED;
	cr_assert(matches(&m, &ev));
}

/*
 * kb.c: any test on requested bits or request flags needs an RDP_NEG_REQ,
 * even req_none (kb.h does not say so; requested is only meaningful with
 * RDPNEG_EV_REQ_NEG).
 */
Test(kb_match, request_bits_need_rdp_neg_req)
{
	struct rdpneg_match m = { .req_none = SSL };
	struct rdpneg_evidence ev = failure(NO_REQ, 1);

	cr_assert_not(matches(&m, &ev), "req_none without RDP_NEG_REQ");
	ev.requested = SSL;	/* stale value without REQ_NEG: ignored */
	m = (struct rdpneg_match){ .req_any = SSL };
	cr_assert_not(matches(&m, &ev), "req_any without RDP_NEG_REQ");
	m = (struct rdpneg_match){ .req_flags_any = 0x02 };
	ev.request_flags = 0x02;
	cr_assert_not(matches(&m, &ev), "flags without RDP_NEG_REQ");
}

Test(kb_match, no_rdp_neg_req_needs_a_decoded_request)
{
	struct rdpneg_evidence ev;

	/* A CR that never completed (cut, or beyond the reassembly limit),
	 * then the server closed: nothing is known of its RDP_NEG_REQ. */
	rdpneg_init_evidence(&ev);
	ev.outcome = RDPNEG_OUTCOME_NO_RESPONSE;
	ev.end = RDPNEG_END_FIN_SERVER;
	cr_assert_str_eq(rdpneg_diagnose(&ev)->id,
	    "server-closed-without-answer");
	ev.have |= RDPNEG_EV_REQUEST;
	cr_assert_str_eq(rdpneg_diagnose(&ev)->id, "legacy-request-dropped");
}

/* ---- Server implementation fingerprints and the remediation order. */

/* Connection Confirms as the real peers sent them (captures/peers/). */
static const uint8_t cc_xrdp_rsp_ssl[] = {	/* xrdp-tls-sec-nla */
	0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00,
	0x02, 0x01, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00
};
static const uint8_t cc_xrdp_cert[] = {	/* xrdp-tls-nocert-sec-tls */
	0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00,
	0x03, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00
};
static const uint8_t cc_shadow_code2[] = {	/* shadow-rdp-sec-tls */
	0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00
};
static const uint8_t cc_xrdp_legacy[] = {	/* xrdp-tls-sec-rdp */
	0x03, 0x00, 0x00, 0x0b, 0x06, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00
};

/* What the model records of a Connection Confirm's bytes beyond the
 * negotiation structure: its refs (evidence.h). */
static void
set_confirm(struct rdpneg_evidence *ev, const uint8_t *cc, size_t len)
{
	struct rdpneg_evidence seen;
	struct rdpneg_pdu pdu;
	enum rdpneg_status st;

	if (cc == NULL || len == 0)
		return;
	rdpneg_init_evidence(&seen);
	st = rdpneg_decode_pdu(cc, len, &pdu);
	rdpneg_evidence_first_pdu(&seen, 0, st, &pdu);
	if (seen.have & RDPNEG_EV_CC_REFS) {
		ev->have |= RDPNEG_EV_CC_REFS;
		ev->cc_src_ref = seen.cc_src_ref;
	}
}

static enum rdpneg_server
server_of(struct rdpneg_evidence ev, const uint8_t *cc, size_t len)
{
	const struct rdpneg_server_fingerprint *p;

	set_confirm(&ev, cc, len);
	p = rdpneg_identify_server(&ev);
	return p != NULL ? p->server : RDPNEG_SERVER_UNKNOWN;
}

static struct rdpneg_evidence
with_flags(struct rdpneg_evidence ev, uint8_t flags)
{
	ev.response_flags = flags;
	return ev;
}

Test(kb_server, confirm_refs)
{
	struct rdpneg_evidence ev = failure(SSL, 2);

	set_confirm(&ev, cc_shadow_code2,
	    sizeof(cc_shadow_code2));
	cr_assert(ev.have & RDPNEG_EV_CC_REFS);
	cr_assert_eq(ev.cc_src_ref, 0);
	ev = failure(SSL, 3);
	set_confirm(&ev, cc_xrdp_cert, sizeof(cc_xrdp_cert));
	cr_assert_eq(ev.cc_src_ref, 0x1234);
	/* Near misses: no bytes, a prefix without the refs, a CR. */
	ev = failure(SSL, 3);
	set_confirm(&ev, NULL, 0);
	set_confirm(&ev, cc_xrdp_cert, 8);
	cr_assert_not(ev.have & RDPNEG_EV_CC_REFS);
	{
		const uint8_t cr[] = { 0x03, 0x00, 0x00, 0x0b, 0x06, 0xe0,
		    0x00, 0x00, 0x00, 0x00, 0x00 };

		set_confirm(&ev, cr, sizeof(cr));
		cr_assert_not(ev.have & RDPNEG_EV_CC_REFS);
	}
}

Test(kb_server, freerdp)
{
	/* SRC-REF 0 with negotiation data. */
	cr_assert_eq(server_of(failure(SSL, 2), cc_shadow_code2,
	    sizeof(cc_shadow_code2)), RDPNEG_SERVER_FREERDP);
	/* A failure code to a request without RDP_NEG_REQ, bytes or not. */
	cr_assert_eq(server_of(failure(NO_REQ, 5), NULL, 0),
	    RDPNEG_SERVER_FREERDP);
	/* Flags 0x03 without the CC bytes: FreeRDP, low confidence. */
	{
		struct rdpneg_evidence ev = with_flags(selected(SSL | HYBRID,
		    HYBRID), 0x03);
		const struct rdpneg_server_fingerprint *p =
		    rdpneg_identify_server(&ev);

		cr_assert_not_null(p);
		cr_assert_eq(p->server, RDPNEG_SERVER_FREERDP);
		cr_assert_eq(p->confidence, RDPNEG_CONFIDENCE_LOW);
		/* Near miss: the same flags with Windows' SRC-REF. */
		cr_assert_eq(server_of(ev, cc_xrdp_rsp_ssl,
		    sizeof(cc_xrdp_rsp_ssl)), RDPNEG_SERVER_UNKNOWN);
	}
	/* Near miss: a failure code to a request with RDP_NEG_REQ and
	 * Windows' SRC-REF is not FreeRDP. */
	cr_assert_eq(server_of(failure(SSL, 2), cc_xrdp_cert,
	    sizeof(cc_xrdp_cert)), RDPNEG_SERVER_UNKNOWN);
}

Test(kb_server, windows)
{
	cr_assert_eq(server_of(with_flags(selected(SSL | HYBRID | HYB_EX,
	    HYB_EX), 0x1f), NULL, 0), RDPNEG_SERVER_WINDOWS);
	cr_assert_eq(server_of(with_flags(selected(SSL, SSL), 0x09), NULL, 0),
	    RDPNEG_SERVER_WINDOWS);
	cr_assert_eq(server_of(with_flags(selected(SSL, SSL), 0x10), NULL, 0),
	    RDPNEG_SERVER_WINDOWS);
	/* Near misses: flags 0x01 with HYBRID selected (Windows 7), 0x00. */
	cr_assert_eq(server_of(selected(SSL | HYBRID, HYBRID), NULL, 0),
	    RDPNEG_SERVER_UNKNOWN);
	cr_assert_eq(server_of(with_flags(selected(0, 0), 0), NULL, 0),
	    RDPNEG_SERVER_UNKNOWN);
}

Test(kb_server, xrdp)
{
	const struct rdpneg_server_fingerprint *p;
	struct rdpneg_evidence ev;

	/* Standard RDP Security for a TLS request, flags 0x01: high. */
	ev = selected(SSL, 0);
	p = rdpneg_identify_server(&ev);
	cr_assert_not_null(p);
	cr_assert_eq(p->server, RDPNEG_SERVER_XRDP);
	cr_assert_eq(p->confidence, RDPNEG_CONFIDENCE_HIGH);
	/* SSL for a request with HYBRID, flags 0x01: medium. */
	cr_assert_eq(server_of(selected(SSL | HYBRID, SSL), cc_xrdp_rsp_ssl,
	    sizeof(cc_xrdp_rsp_ssl)), RDPNEG_SERVER_XRDP);
	/* SSL_CERT_NOT_ON_SERVER with SRC-REF 0x1234. */
	cr_assert_eq(server_of(failure(SSL, 3), cc_xrdp_cert,
	    sizeof(cc_xrdp_cert)), RDPNEG_SERVER_XRDP);
	/* Near misses: SSL for a TLS-only request (Windows 7 does it too),
	 * Standard RDP with Windows' flags, code 3 without the bytes, a
	 * legacy Confirm (Windows sends the same), RDP for a request of 0. */
	cr_assert_eq(server_of(selected(SSL, SSL), cc_xrdp_rsp_ssl,
	    sizeof(cc_xrdp_rsp_ssl)), RDPNEG_SERVER_UNKNOWN);
	cr_assert_eq(server_of(with_flags(selected(SSL, 0), 0x1f), NULL, 0),
	    RDPNEG_SERVER_WINDOWS);
	cr_assert_eq(server_of(with_flags(selected(SSL, 0), 0x03), NULL, 0),
	    RDPNEG_SERVER_FREERDP);
	cr_assert_eq(server_of(failure(SSL, 3), NULL, 0),
	    RDPNEG_SERVER_UNKNOWN);
	cr_assert_eq(server_of(legacy(NO_REQ), cc_xrdp_legacy,
	    sizeof(cc_xrdp_legacy)), RDPNEG_SERVER_UNKNOWN);
	cr_assert_eq(server_of(selected(0, 0), NULL, 0),
	    RDPNEG_SERVER_UNKNOWN);
}

Test(kb_server, every_print_is_complete)
{
	size_t i;

	for (i = 0; i < rdpneg_nserver_fingerprints; i++) {
		const struct rdpneg_server_fingerprint *p = &rdpneg_server_fingerprints[i];

		cr_assert(p->server > RDPNEG_SERVER_UNKNOWN &&
		    p->server < RDPNEG_SERVER_COUNT, "print %zu", i);
		cr_assert(p->why != NULL && p->why[0] != '\0', "print %zu", i);
		cr_assert_not_null(rdpneg_tok_str(rdpneg_server_names,
		    p->server));
	}
	/* Nothing known of the server: no guess. */
	{
		struct rdpneg_evidence ev;

		rdpneg_init_evidence(&ev);
		cr_assert_null(rdpneg_identify_server(&ev));
	}
}

/* ---- Rule order: declared where rules overlap, kept by the table. */

/* What the TLS after a selected protocol may show (tls.h, credssp.h). */
#define TLS_SHAPES	17

static struct rdpneg_evidence
tls_shape(struct rdpneg_evidence ev, int shape)
{
	struct rdpneg_evidence h = tls_hello(ev);
	struct rdpneg_evidence sh = tls_server_hello(h, RDPNEG_TLS_1_2, 0xc030);
	struct rdpneg_evidence t12 = tls12_done(ev, RDPNEG_CERT_SELF_SIGNED);

	switch (shape) {
	case 0: return h;
	case 1: return tls_alert(h, S, RDPNEG_ALERT_PROTOCOL_VERSION);
	case 2: return tls_alert(h, S, RDPNEG_ALERT_HANDSHAKE_FAILURE);
	case 3: return tls_alert(h, S, RDPNEG_ALERT_INSUFFICIENT_SECURITY);
	case 4: return tls_alert(sh, C, RDPNEG_ALERT_PROTOCOL_VERSION);
	case 5: return tls_alert(sh, C, RDPNEG_ALERT_INSUFFICIENT_SECURITY);
	case 6: return tls_alert(sh, C, RDPNEG_ALERT_BAD_CERTIFICATE);
	case 7: return tls_alert(sh, C, RDPNEG_ALERT_HANDSHAKE_FAILURE);
	case 8: return t12;
	case 9: return tls13_done(ev);
	case 10: return tls_app(tls13_done(ev), C, 400, 0);
	case 11: return ntlm(t12, 39);
	case 12: return ntlm(t12, 0);
	case 13: return tls_app(tls_app(ntlm(t12, 127), C, 207, 0), S, 28, 0);
	case 14: return tls_app(tls_app(tls_app(ntlm(t12, 127), C, 207, 0),
		    S, 28, 0), C, 450, 0);
	case 15: return tls_app(tls_app(t12, C, 81, 0), S, 319, 0);
	default: return tls_app(tls_app(ntlm(t12, 127), C, 207, 0), C, 450, 0);
	}
}

/* What Standard RDP Security's exchange may show after a Standard-
 * security negotiation (mcs.h). */
#define MCS_SHAPES	13

static struct rdpneg_evidence
mcs_shape(struct rdpneg_evidence ev, int shape)
{
	struct rdpneg_evidence info = mcs_to_info(ev);

	switch (shape) {
	case 0: return mcs_initial(ev, 0x1b);
	case 1: return mcs_initial(ev, RDPNEG_ENC_40BIT);
	case 2: return mcs_disconnect(mcs_initial(ev, 0x1b), S);
	case 3: return mcs_response(mcs_initial(ev, 0x1b), 14, 0, 0);
	case 4: return info;
	case 5: return mcs_disconnect(info, S);
	case 6: return mcs_server_says(info, 6, 0);
	case 7: return mcs_server_says(info, 0, 9);
	case 8: return mcs_reach(mcs_response(mcs_initial(ev,
		    RDPNEG_ENC_40BIT | RDPNEG_ENC_128BIT),
		    RDPNEG_MCS_RT_SUCCESSFUL, RDPNEG_ENC_40BIT,
		    RDPNEG_ENC_LEVEL_LOW), RDPNEG_STAGE_ACTIVE, 1);
	case 9: return mcs_reach(mcs_response(mcs_initial(ev,
		    RDPNEG_ENC_40BIT), RDPNEG_MCS_RT_SUCCESSFUL, RDPNEG_ENC_FIPS,
		    RDPNEG_ENC_LEVEL_FIPS), RDPNEG_STAGE_ACTIVE, 1);
	case 10: return mcs_disconnect(mcs_reach(mcs_response(mcs_initial(ev,
		    0), RDPNEG_MCS_RT_SUCCESSFUL, RDPNEG_ENC_40BIT,
		    RDPNEG_ENC_LEVEL_LOW), RDPNEG_STAGE_ACTIVE, 0), S);
	case 11: return mcs_reach(mcs_response(mcs_initial(ev, 0x1b),
		    RDPNEG_MCS_RT_SUCCESSFUL, 0, RDPNEG_ENC_LEVEL_NONE),
		    RDPNEG_STAGE_CLIENT_INFO, 1);
	default: return mcs_reach(mcs_response(mcs_initial(ev, 0x1b),
		    RDPNEG_MCS_RT_SUCCESSFUL, 0, RDPNEG_ENC_LEVEL_NONE),
		    RDPNEG_STAGE_DOMAIN, 0);
	}
}

/* Evidence the connection model can produce, over the values rules test. */
static void
each_evidence(void (*fn)(const struct rdpneg_evidence *, void *), void *arg)
{
	static const uint32_t requests[] = {
		NO_REQ, 0x0, SSL, HYBRID, SSL | HYBRID, RDSTLS, HYB_EX,
		SSL | HYBRID | HYB_EX, RDSAAD, SSL | RDSAAD,
		SSL | HYBRID | HYB_EX | RDSAAD
	};
	static const uint32_t answers[] = { 0, 1, 2, 4, 8, 0x10, 3, 5, 6,
	    99 };
	static const unsigned marks[] = {
		RDPNEG_EV_MALFORMED, RDPNEG_EV_SCANNER, RDPNEG_EV_FELL_BACK,
		RDPNEG_EV_NON_RDP_ANSWER
	};
	static const int nexts[] = { -1, RDPNEG_NEXT_TLS_HANDSHAKE,
	    RDPNEG_NEXT_TLS_ALERT, 0x03 };
	struct rdpneg_evidence ev;
	size_t r, k, cn, sn;
	unsigned req, rsp, m, flags, end;

	for (req = 0; req <= 3; req++)	/* none, CR, CR cut short, SYN */
	for (r = 0; r < sizeof(requests) / sizeof(requests[0]); r++)
	for (flags = 0; flags < 3; flags++)
	for (rsp = 0; rsp <= 3; rsp++)	/* none, RSP, FAILURE, legacy CC */
	for (k = 0; k < sizeof(answers) / sizeof(answers[0]); k++)
	for (m = 0; m < 1u << 4; m++)
	for (end = 0; end < RDPNEG_END_COUNT; end++)
	for (cn = 0; cn < 4; cn++)
	for (sn = 0; sn < 4; sn++) {
		rdpneg_init_evidence(&ev);
		if (req == 1) {
			ev.have |= RDPNEG_EV_REQUEST | RDPNEG_EV_REQUEST_BEGAN;
			if (requests[r] != NO_REQ) {
				ev.have |= RDPNEG_EV_REQ_NEG;
				ev.requested = requests[r];
				ev.request_flags = (uint8_t)flags;
			}
		} else if (r > 0 || flags > 0)
			continue;
		if (req == 2)
			ev.have |= RDPNEG_EV_REQUEST_BEGAN;
		if (req == 3)
			ev.have |= RDPNEG_EV_SYN;
		if (rsp > 0)
			ev.have |= RDPNEG_EV_CONFIRM;
		if (rsp == 1 || rsp == 2) {
			ev.have |= RDPNEG_EV_RSP_NEG;
			ev.response_type = rsp == 1 ? RDPNEG_TYPE_RSP :
			    RDPNEG_TYPE_FAILURE;
			ev.response_value = answers[k];
		} else if (k > 0)
			continue;
		for (size_t b = 0; b < 4; b++)
			if (m & (1u << b))
				ev.have |= marks[b];
		ev.end = (enum rdpneg_end)end;
		if (nexts[cn] >= 0) {
			if (!(ev.have & RDPNEG_EV_REQUEST))
				continue;
			ev.have |= RDPNEG_EV_CLIENT_NEXT;
			ev.client_next = (uint8_t)nexts[cn];
		}
		if (nexts[sn] >= 0) {
			if (!(ev.have & RDPNEG_EV_CONFIRM))
				continue;
			ev.have |= RDPNEG_EV_SERVER_NEXT;
			ev.server_next = (uint8_t)nexts[sn];
		}
		rdpneg_evidence_finish(&ev);
		fn(&ev, arg);
		/* Without a request, the Direct Approach: the TLS shapes
		 * from the first byte. */
		if (req != 1 && req != 2 && rsp == 0 && cn == 0 && sn == 0)
			for (int shape = 0; shape < TLS_SHAPES; shape++) {
				struct rdpneg_evidence t = tls_shape(
				    with(ev, RDPNEG_EV_DIRECT_TLS), shape);

				t.end = ev.end;
				rdpneg_evidence_finish(&t);
				fn(&t, arg);
			}
		/* After Standard RDP Security was negotiated: the MCS
		 * shapes. */
		if (cn == 3 && sn == 0 && rdpneg_standard_security(&ev))
			for (int shape = 0; shape < MCS_SHAPES; shape++) {
				struct rdpneg_evidence t = mcs_shape(ev,
				    shape);

				t.end = ev.end;
				rdpneg_evidence_finish(&t);
				fn(&t, arg);
			}
		/* After a selected TLS, SSL or HYBRID_EX: the TLS shapes. */
		if (rsp != 1 || cn != 1 || sn != 0 || (answers[k] != 1 &&
		    answers[k] != 2 && answers[k] != 8))
			continue;
		for (int shape = 0; shape < TLS_SHAPES; shape++) {
			struct rdpneg_evidence t = tls_shape(ev, shape);

			t.end = ev.end;
			rdpneg_evidence_finish(&t);
			fn(&t, arg);
		}
	}
}

#define RULES_MAX	64

struct overlaps {
	size_t	evidences;
	size_t	undeclared;
	char	seen[RULES_MAX][RULES_MAX];	/* a pair reported once */
};

/* The first matching rule must declare every later one that matches. */
static void
check_overlaps(const struct rdpneg_evidence *ev, void *arg)
{
	struct overlaps *o = arg;
	size_t i, j, first = rdpneg_nrules;

	o->evidences++;
	for (i = 0; i + 1 < rdpneg_nrules; i++) {
		if (!rdpneg_match_evidence(&rdpneg_rules[i].match, ev))
			continue;
		if (first == rdpneg_nrules) {
			first = i;
			continue;
		}
		for (j = first; j < i; j++)
			if (rdpneg_rule_precedes(j, i))
				break;
		if (j < i || o->seen[first][i])
			continue;
		o->seen[first][i] = 1;
		o->undeclared++;
		cr_log_error("%s and %s overlap (e.g. outcome %s, "
			    "have 0x%x, requested 0x%x, answer %u): say which "
			    "precedes", rdpneg_rules[first].diagnosis.id,
			    rdpneg_rules[i].diagnosis.id,
			    rdpneg_tok_str(rdpneg_outcome_names, ev->outcome),
			    ev->have, ev->requested, ev->response_value);
	}
}

Test(kb_order, every_overlap_is_declared)
{
	static struct overlaps o;

	cr_assert_leq(rdpneg_nrules, RULES_MAX);
	each_evidence(check_overlaps, &o);
	cr_assert_gt(o.evidences, 100000);
	cr_assert_eq(o.undeclared, 0, "%zu pairs of rules overlap without a "
	    "declared order",
	    o.undeclared);
}

Test(kb_order, the_table_keeps_the_declared_order)
{
	size_t i, j;
	const char *const *p;

	for (i = 0; i < rdpneg_nrules; i++) {
		p = rdpneg_rules[i].precedes;
		for (; p != NULL && p != RDPNEG_PRECEDES_ALL && *p != NULL;
		    p++) {
			for (j = 0; j < rdpneg_nrules; j++)
				if (strcmp(rdpneg_rules[j].diagnosis.id,
				    *p) == 0)
					break;
			cr_assert_lt(j, rdpneg_nrules, "%s precedes an "
			    "unknown rule %s", rdpneg_rules[i].diagnosis.id,
			    *p);
			cr_assert_gt(j, i, "%s must come before %s",
			    rdpneg_rules[i].diagnosis.id, *p);
		}
	}
	/* The catch-all is last and matches anything. */
	cr_assert_str_eq(rdpneg_rules[rdpneg_nrules - 1].diagnosis.id,
	    "unclassified");
	cr_assert_eq(rdpneg_rules[rdpneg_nrules - 1].precedes, NULL);
}

/* ---- What an attempt meant for its user (rdpneg_attempt_class). */

Test(kb_class, every_rule_has_a_class)
{
	const struct rdpneg_diagnosis *d;
	size_t i;

	for (i = 0; i < rdpneg_nrules; i++) {
		d = &rdpneg_rules[i].diagnosis;
		cr_assert(d->class > RDPNEG_CLASS_NONE &&
		    d->class < RDPNEG_CLASS_COUNT, "%s: no class", d->id);
		cr_assert_not_null(rdpneg_tok_str(rdpneg_class_names,
		    d->class));
		/* Only a connection that may go on can go no further. */
		cr_assert(d->class_if_silent == RDPNEG_CLASS_NONE ||
		    d->class_if_silent == RDPNEG_CLASS_BLOCKED, "%s", d->id);
	}
}

Test(kb_class, by_evidence)
{
	struct rdpneg_evidence ev;

	/* A failure code never connected anyone. */
	ev = failure(SSL | HYBRID, RDPNEG_HYBRID_REQUIRED_BY_SERVER);
	cr_assert_eq(rdpneg_attempt_class(rdpneg_diagnose(&ev), &ev),
	    RDPNEG_CLASS_BLOCKED);
	/* Scanners and connections without request are noise. */
	ev = with(failure(SSL, 2), RDPNEG_EV_SCANNER);
	cr_assert_eq(rdpneg_attempt_class(rdpneg_diagnose(&ev), &ev),
	    RDPNEG_CLASS_NOISE);
	ev = tcp_only(RDPNEG_OUTCOME_NO_REQUEST, RDPNEG_END_FIN_CLIENT);
	cr_assert_eq(rdpneg_attempt_class(rdpneg_diagnose(&ev), &ev),
	    RDPNEG_CLASS_NOISE);
	/* TLS selected and begun: ok; the client closed without a byte
	 * after its request: blocked; the capture ended first: ok. */
	ev = selected(SSL, SSL);
	ev.have |= RDPNEG_EV_CLIENT_NEXT;
	ev.client_next = RDPNEG_NEXT_TLS_HANDSHAKE;
	ev.end = RDPNEG_END_FIN_CLIENT;
	cr_assert_eq(rdpneg_attempt_class(rdpneg_diagnose(&ev), &ev),
	    RDPNEG_CLASS_OK);
	ev.have &= ~RDPNEG_EV_CLIENT_NEXT;
	cr_assert_eq(rdpneg_attempt_class(rdpneg_diagnose(&ev), &ev),
	    RDPNEG_CLASS_BLOCKED);
	ev.end = RDPNEG_END_OPEN;
	cr_assert_eq(rdpneg_attempt_class(rdpneg_diagnose(&ev), &ev),
	    RDPNEG_CLASS_OK);
	/* Standard RDP Security: insecure when the client went on (its
	 * MCS Connect Initial), blocked when it refused. */
	ev = selected(SSL | HYBRID, RDPNEG_PROTOCOL_RDP);
	ev.have |= RDPNEG_EV_CLIENT_NEXT;
	ev.client_next = 0x03;
	ev.end = RDPNEG_END_FIN_CLIENT;
	cr_assert_str_eq(rdpneg_diagnose(&ev)->id, "server-chose-standard-rdp");
	cr_assert_eq(rdpneg_attempt_class(rdpneg_diagnose(&ev), &ev),
	    RDPNEG_CLASS_INSECURE);
	ev.have &= ~RDPNEG_EV_CLIENT_NEXT;
	cr_assert_eq(rdpneg_attempt_class(rdpneg_diagnose(&ev), &ev),
	    RDPNEG_CLASS_BLOCKED);
	ev = selected(0, RDPNEG_PROTOCOL_RDP);
	ev.have |= RDPNEG_EV_CLIENT_NEXT;
	ev.client_next = 0x03;
	cr_assert_eq(rdpneg_attempt_class(rdpneg_diagnose(&ev), &ev),
	    RDPNEG_CLASS_INSECURE);
}

/* ---- Remediation steps: rdpneg_select_steps, rdpneg_format_step. */

static const struct rdpneg_step demo_steps[] = {
	{ .server = RDPNEG_SERVER_WINDOWS, .text = "win 1:",
	  .command = "Get-Thing -Path 'HKLM:\\A B' -Value @{x=1}" },
	{ .server = RDPNEG_SERVER_XRDP, .text = "x 1." },
	{ .server = RDPNEG_SERVER_UNKNOWN,
	  .text = "any {requested}{?offered-ssl: with SSL}." },
	{ .server = RDPNEG_SERVER_FREERDP, .text = "f 1:",
	  .command = "one {requested}\ntwo" },
	{ .server = RDPNEG_SERVER_XRDP,
	  .when = { .yes = RDPNEG_FACT(OFFERED_SSL) }, .text = "x 2." },
	{ .text = NULL }
};
static const struct rdpneg_diagnosis demo = {
	.id = "demo", .remediation = demo_steps
};

/* The texts of the steps selected, joined by '|'. */
static const char *
selected_texts(const struct rdpneg_diagnosis *d, enum rdpneg_server server,
    const struct rdpneg_evidence *ev)
{
	static char buf[256];
	const struct rdpneg_step *out[RDPNEG_STEPS_MAX];
	size_t i, n;

	n = rdpneg_select_steps(d, server, ev, out, RDPNEG_STEPS_MAX);
	cr_assert_leq(n, RDPNEG_STEPS_MAX);
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		strcat(buf, i ? "|" : "");
		strcat(buf, out[i]->text);
	}
	return buf;
}

Test(kb_steps, select_by_server_and_evidence)
{
	struct rdpneg_evidence ssl = failure(SSL, 1), hybrid = failure(HYBRID, 1);
	const struct rdpneg_step *out[8];
	size_t n;

	/* The server's steps first, each group in table order. */
	cr_assert_str_eq(selected_texts(&demo, RDPNEG_SERVER_XRDP, &ssl),
	    "x 1.|x 2.|win 1:|any {requested}{?offered-ssl: with SSL}.|f 1:");
	cr_assert_str_eq(selected_texts(&demo, RDPNEG_SERVER_FREERDP, &ssl),
	    "f 1:|win 1:|x 1.|any {requested}{?offered-ssl: with SSL}.|x 2.");
	cr_assert_str_eq(selected_texts(&demo, RDPNEG_SERVER_WINDOWS, &ssl),
	    "win 1:|x 1.|any {requested}{?offered-ssl: with SSL}.|f 1:|x 2.");
	/* Unknown: the table's order. */
	cr_assert_str_eq(selected_texts(&demo, RDPNEG_SERVER_UNKNOWN, &ssl),
	    "win 1:|x 1.|any {requested}{?offered-ssl: with SSL}.|f 1:|x 2.");
	/* A step whose evidence does not hold is left out... */
	cr_assert_str_eq(selected_texts(&demo, RDPNEG_SERVER_XRDP, &hybrid),
	    "x 1.|win 1:|any {requested}{?offered-ssl: with SSL}.|f 1:");
	/* ...unless there is no evidence: every step. */
	cr_assert_str_eq(selected_texts(&demo, RDPNEG_SERVER_XRDP, NULL),
	    "x 1.|x 2.|win 1:|any {requested}{?offered-ssl: with SSL}.|f 1:");
	/* A short buffer: the count of all, only n written. */
	out[2] = NULL;
	n = rdpneg_select_steps(&demo, RDPNEG_SERVER_XRDP, &ssl, out, 2);
	cr_assert_eq(n, 5);
	cr_assert_str_eq(out[0]->text, "x 1.");
	cr_assert_null(out[2]);
	cr_assert_eq(rdpneg_select_steps(&demo, RDPNEG_SERVER_XRDP, &hybrid,
	    NULL, 0), 4);
}

static void
format_is(const struct rdpneg_step *s, const struct rdpneg_evidence *ev,
    const char *want)
{
	char buf[512];
	size_t n;

	n = rdpneg_format_step(s, ev, buf, sizeof(buf));
	cr_assert_str_eq(buf, want);
	cr_assert_eq(n, strlen(want), "returned %zu, want %zu", n,
	    strlen(want));
}

Test(kb_steps, format_one_line)
{
	struct rdpneg_evidence ssl = failure(SSL, 1), hybrid = failure(HYBRID, 1);

	/* The label, the text, the command as it is written. */
	format_is(&demo_steps[0], &ssl,
	    "Windows: win 1: Get-Thing -Path 'HKLM:\\A B' -Value @{x=1}");
	format_is(&demo_steps[1], &ssl, "xrdp: x 1.");
	/* No label for any server; the text's placeholders and conditions
	 * resolved. */
	format_is(&demo_steps[2], &ssl, "any SSL with SSL.");
	format_is(&demo_steps[2], &hybrid, "any HYBRID.");
	/* Command lines joined by "; ", never expanded. */
	format_is(&demo_steps[3], &ssl,
	    "FreeRDP-based server: f 1: one {requested}; two");
	/* No evidence: placeholders and conditions as written. */
	format_is(&demo_steps[2], NULL,
	    "any {requested}{?offered-ssl: with SSL}.");
}

Test(kb_steps, format_truncates_like_expand)
{
	struct rdpneg_evidence ev = failure(SSL | HYBRID, 1);
	char full[256], buf[300];
	size_t i, want, n, size, len;

	for (i = 0; demo_steps[i].text != NULL; i++) {
		want = rdpneg_format_step(&demo_steps[i], &ev, full,
		    sizeof(full));
		cr_assert_lt(want, sizeof(full));
		cr_assert_eq(rdpneg_format_step(&demo_steps[i], &ev, NULL, 0),
		    want);
		for (size = 0; size <= want + 2; size++) {
			memset(buf, 'Z', sizeof(buf));
			n = rdpneg_format_step(&demo_steps[i], &ev, buf, size);
			cr_assert_eq(n, want);
			if (size == 0) {
				cr_assert_eq(buf[0], 'Z', "size 0 wrote");
				continue;
			}
			cr_assert_not_null(memchr(buf, '\0', size));
			len = strlen(buf);
			cr_assert_eq(memcmp(buf, full, len), 0, "step %zu size "
			    "%zu: \"%s\" is not a prefix of \"%s\"", i, size,
			    buf, full);
			cr_assert_eq(buf[size], 'Z', "wrote past the end");
			if (size > want)
				cr_assert_str_eq(buf, full);
		}
	}
}

/* The steps of every rule, each with the evidence of its cases. */
static void
each_case_step(void (*fn)(const struct rdpneg_diagnosis *,
    const struct rdpneg_step *, const struct rdpneg_evidence *))
{
	const struct rdpneg_step *out[RDPNEG_STEPS_MAX];
	const struct rdpneg_diagnosis *d;
	size_t i, j, n;

	build_cases();
	for (i = 0; i < ncases; i++) {
		d = rdpneg_diagnose(&cases[i].ev);
		n = rdpneg_select_steps(d, RDPNEG_SERVER_UNKNOWN,
		    &cases[i].ev, out, RDPNEG_STEPS_MAX);
		cr_assert_gt(n, 0, "%s: no step applies", cases[i].what);
		for (j = 0; j < n && j < RDPNEG_STEPS_MAX; j++)
			fn(d, out[j], &cases[i].ev);
	}
}

/* What a command must not hold: notes in brackets, placeholders. */
static const char *const not_in_commands[] = {
	"(e.g", "(or ", "(the ", "(this", "(then", " = ", "<", ">", "  ",
	"\\\\", "{?", "{!", "{requested}", "{selected}", "{failure}",
	"{code}", "{end}", "{outcome}", "...", NULL
};
/* What prose must not hold: a command. */
static const char *const not_in_prose[] = {
	"sudo ", "systemctl ", "-Path '", "Get-WinEvent ", "Get-ChildItem ",
	"Restart-Service ", "gpupdate", NULL
};

static void
command_ok(const char *id, const char *command)
{
	const char *line, *nl;
	size_t i, len;

	cr_assert_gt(strlen(command), 0, "%s: empty command", id);
	for (i = 0; not_in_commands[i] != NULL; i++)
		cr_assert_null(strstr(command, not_in_commands[i]),
		    "%s: command holds \"%s\": %s", id, not_in_commands[i],
		    command);
	for (line = command; ; line = nl + 1) {
		nl = strchr(line, '\n');
		len = nl != NULL ? (size_t)(nl - line) : strlen(line);
		cr_assert_gt(len, 0, "%s: empty command line", id);
		cr_assert(line[0] != ' ' && line[len - 1] != ' ' &&
		    line[len - 1] != ';', "%s: command line \"%.*s\"", id,
		    (int)len, line);
		cr_assert_leq(len, RDPNEG_STEP_LINE_MAX, "%s: command line "
		    "of %zu bytes", id, len);
		if (nl == NULL)
			break;
	}
}

Test(kb_steps, every_step_is_well_formed)
{
	const struct rdpneg_diagnosis *d;
	const struct rdpneg_step *s;
	size_t i, j, len;

	for (i = 0; i < rdpneg_nrules; i++) {
		d = &rdpneg_rules[i].diagnosis;
		for (s = d->remediation; s->text != NULL; s++) {
			len = strlen(s->text);
			cr_assert(s->server >= RDPNEG_SERVER_UNKNOWN &&
			    s->server < RDPNEG_SERVER_COUNT, "%s: server",
			    d->id);
			cr_assert_neq(s->text[0], '{', "%s: a tag? %s", d->id,
			    s->text);
			/* Prose that introduces its command, or ends. */
			cr_assert_eq(s->text[len - 1], s->command != NULL ?
			    ':' : '.', "%s: \"%s\" ends with '%c'", d->id,
			    s->text, s->text[len - 1]);
			/* The workaround marker is what the text says. */
			cr_assert_eq(s->less_secure != 0,
			    strncmp(s->text, "Less secure", 11) == 0,
			    "%s: less_secure %d for \"%s\"", d->id,
			    s->less_secure, s->text);
			for (j = 0; not_in_prose[j] != NULL; j++)
				cr_assert_null(strstr(s->text,
				    not_in_prose[j]), "%s: prose holds a "
				    "command (\"%s\"): %s", d->id,
				    not_in_prose[j], s->text);
			if (s->command != NULL)
				command_ok(d->id, s->command);
		}
	}
}

static void
prose_fits(const struct rdpneg_diagnosis *d, const struct rdpneg_step *s,
    const struct rdpneg_evidence *ev)
{
	struct rdpneg_step prose = *s;
	size_t n;

	prose.command = NULL;
	n = rdpneg_format_step(&prose, ev, NULL, 0);
	cr_expect_leq(n, RDPNEG_STEP_LINE_MAX, "%s: %zu bytes of prose in "
	    "\"%s\"", d->id, n, s->text);
}

Test(kb_steps, every_line_fits_a_tree_item)
{
	const struct rdpneg_diagnosis *d;
	const struct rdpneg_step *s;
	size_t i, j;

	/* Each step with each case's evidence, its own or not. */
	build_cases();
	for (i = 0; i < rdpneg_nrules; i++) {
		d = &rdpneg_rules[i].diagnosis;
		for (s = d->remediation; s->text != NULL; s++)
			for (j = 0; j < ncases; j++)
				prose_fits(d, s, &cases[j].ev);
	}
	each_case_step(prose_fits);
}

/* With the recognised implementation's steps first, the first step is
 * still the secure choice, never a workaround. */
Test(kb_steps, secure_choice_first)
{
	const struct rdpneg_step *out[RDPNEG_STEPS_MAX];
	const struct rdpneg_diagnosis *d;
	unsigned server;
	size_t i, n;

	build_cases();
	for (i = 0; i < ncases; i++)
		for (server = 0; server < RDPNEG_SERVER_COUNT; server++) {
			d = rdpneg_diagnose(&cases[i].ev);
			n = rdpneg_select_steps(d, (enum rdpneg_server)server,
			    &cases[i].ev, out, RDPNEG_STEPS_MAX);
			cr_assert_gt(n, 0, "%s", cases[i].what);
			cr_assert_not(out[0]->less_secure, "%s, server %s: "
			    "first step \"%s\"", cases[i].what,
			    rdpneg_tok_str(rdpneg_server_names, server),
			    out[0]->text);
		}
	for (i = 0; i < rdpneg_nrules; i++) {
		d = &rdpneg_rules[i].diagnosis;
		cr_assert_not(d->remediation[0].less_secure, "%s", d->id);
	}
}

/* Can the diagnosis be a finding (blocked or insecure)? */
static int
finding(const struct rdpneg_diagnosis *d)
{
	return rdpneg_class_is_finding(d->class) ||
	    rdpneg_class_is_finding(d->class_if_silent);
}

struct per_server {
	size_t	evidences;
	size_t	missing;
	char	reported[RULES_MAX];
};

/*
 * Whatever the evidence of a finding, a step applies for xrdp, one for
 * FreeRDP-based servers and one for Windows or any server.
 */
static void
check_per_server(const struct rdpneg_evidence *ev, void *arg)
{
	static const char *const want[] = { "Windows or any", "xrdp",
	    "FreeRDP-based server" };
	const struct rdpneg_diagnosis *d = rdpneg_diagnose(ev);
	const struct rdpneg_step *out[RDPNEG_STEPS_MAX];
	struct per_server *o = arg;
	size_t i, n, rule;
	unsigned have = 0;

	if (!finding(d))
		return;
	o->evidences++;
	n = rdpneg_select_steps(d, RDPNEG_SERVER_UNKNOWN, ev, out,
	    RDPNEG_STEPS_MAX);
	for (i = 0; i < n && i < RDPNEG_STEPS_MAX; i++)
		have |= out[i]->server == RDPNEG_SERVER_XRDP ? 2u :
		    out[i]->server == RDPNEG_SERVER_FREERDP ? 4u : 1u;
	rule = rdpneg_diagnosis_index(d);
	for (i = 0; i < 3; i++) {
		if (have & (1u << i))
			continue;
		o->missing++;
		if (o->reported[rule])
			continue;
		o->reported[rule] = 1;
		cr_log_error("%s: no %s step applies (e.g. outcome %s, end "
		    "%s, have 0x%x, requested 0x%x, answer %u)", d->id,
		    want[i], rdpneg_tok_str(rdpneg_outcome_names, ev->outcome),
		    rdpneg_tok_str(rdpneg_end_names, ev->end), ev->have,
		    ev->requested, ev->response_value);
	}
}

Test(kb_steps, every_finding_has_a_step_per_implementation)
{
	static struct per_server o;

	each_evidence(check_per_server, &o);
	cr_assert_gt(o.evidences, 10000);
	cr_assert_eq(o.missing, 0, "%zu evidences lack a step for an "
	    "implementation", o.missing);
}

Test(kb_steps, recognised_implementation_first)
{
	const struct rdpneg_step *out[RDPNEG_STEPS_MAX];
	const struct rdpneg_diagnosis *d;
	unsigned server;
	size_t i, n;

	build_cases();
	for (i = 0; i < ncases; i++) {
		d = rdpneg_diagnose(&cases[i].ev);
		if (!finding(d))
			continue;
		for (server = RDPNEG_SERVER_WINDOWS;
		    server < RDPNEG_SERVER_COUNT; server++) {
			n = rdpneg_select_steps(d, (enum rdpneg_server)server,
			    &cases[i].ev, out, RDPNEG_STEPS_MAX);
			cr_assert_gt(n, 0);
			/* Windows may have no step of its own, only
			 * generic ones. */
			cr_assert(out[0]->server == server ||
			    (server == RDPNEG_SERVER_WINDOWS &&
			    out[0]->server == RDPNEG_SERVER_UNKNOWN),
			    "%s (%s): first step is for %s", cases[i].what,
			    rdpneg_tok_str(rdpneg_server_names, server),
			    rdpneg_tok_str(rdpneg_server_names,
			    out[0]->server));
		}
	}
}

/* ---- Conditions in texts: {?fact:...} and {!fact:...}. */

/* The fact named at p (up to a ':'), or -1. */
static int
fact_at(const char *p, const char **colon)
{
	size_t i, len = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-");

	*colon = p + len;
	if (p[len] != ':')
		return -1;
	for (i = 0; i < RDPNEG_FACT_COUNT; i++)
		if (strlen(rdpneg_facts[i].name) == len &&
		    strncmp(rdpneg_facts[i].name, p, len) == 0)
			return (int)i;
	return -1;
}

/*
 * The first condition of text that names no fact or is not closed, or
 * NULL; facts collects the bits of the facts its conditions name.
 */
static const char *
bad_condition(const char *text, uint64_t *facts)
{
	const char *p, *colon, *q;
	unsigned open;
	int f;

	for (p = text; (p = strchr(p, '{')) != NULL; p++) {
		if (p[1] != '?' && p[1] != '!')
			continue;
		if ((f = fact_at(p + 2, &colon)) < 0)
			return p;
		for (open = 1, q = colon + 1; *q != '\0' && open > 0; q++)
			open += *q == '{' ? 1 : *q == '}' ? -1u : 0;
		if (open > 0)
			return p;
		*facts |= UINT64_C(1) << f;
	}
	return NULL;
}

Test(kb_conditions, the_check_rejects_what_expand_would_copy)
{
	uint64_t facts = 0;

	cr_assert_null(bad_condition("a {?offered-ssl:b {requested}} c",
	    &facts));
	cr_assert_eq(facts, RDPNEG_FACT(OFFERED_SSL));
	cr_assert_not_null(bad_condition("{?offered-tls:x}", &facts));
	cr_assert_not_null(bad_condition("{!Offered-ssl:x}", &facts));
	cr_assert_not_null(bad_condition("{?offered-ssl x}", &facts));
	cr_assert_not_null(bad_condition("{!offered-ssl:x", &facts));
	cr_assert_not_null(bad_condition("{?:x}", &facts));
	/* What rdpneg_expand does with them: copies them. */
	{
		struct rdpneg_evidence ev = failure(SSL, 1);

		expand_is("{?offered-tls:x}", &ev, "{?offered-tls:x}");
		expand_is("{!offered-ssl:x", &ev, "{!offered-ssl:x");
		expand_is("{?offered-ssl x}", &ev, "{?offered-ssl x}");
	}
}

/* Every text of the table: conditions name facts and close. */
static void
conditions_ok(const char *text, const char *id, const char *field,
    uint64_t *facts)
{
	const char *bad = bad_condition(text, facts);

	cr_assert_null(bad, "%s %s: bad condition at \"%.30s\"", id, field,
	    bad);
}

Test(kb_conditions, every_text_names_known_facts)
{
	const struct rdpneg_diagnosis *d;
	const struct rdpneg_step *s;
	uint64_t facts = 0;
	size_t i, j;

	for (i = 0; i < rdpneg_nrules; i++) {
		d = &rdpneg_rules[i].diagnosis;
		conditions_ok(d->summary, d->id, "summary", &facts);
		conditions_ok(d->confidence_why, d->id, "confidence_why",
		    &facts);
		conditions_ok(d->explanation, d->id, "explanation", &facts);
		conditions_ok(d->server_settings, d->id, "server_settings",
		    &facts);
		for (s = d->remediation; s->text != NULL; s++) {
			conditions_ok(s->text, d->id, "step", &facts);
			if (s->command != NULL)
				cr_assert(strstr(s->command, "{?") == NULL &&
				    strstr(s->command, "{!") == NULL,
				    "%s: a condition in a command", d->id);
		}
		for (j = 0; d->references[j] != NULL; j++)
			conditions_ok(d->references[j], d->id, "reference",
			    &facts);
	}
	cr_assert_neq(facts, 0, "no text has a condition");
}

/*
 * Each condition of a rule's texts and each step with a condition is shown
 * for some evidence of that rule and hidden for some other: none is dead
 * or always on.
 */
struct shown {
	/* Per rule: the facts its texts test, and those seen holding and
	 * not; per step: seen applying and not. */
	uint64_t	tested[RULES_MAX];
	uint64_t	held[RULES_MAX];
	uint64_t	failed[RULES_MAX];
	uint32_t	applied[RULES_MAX];
	uint32_t	skipped[RULES_MAX];
};

static int
conditional(const struct rdpneg_step *s)
{
	static const struct rdpneg_match zero;

	return memcmp(&s->when, &zero, sizeof(zero)) != 0;
}

static void
rule_conditions(const struct rdpneg_diagnosis *d, uint64_t *facts)
{
	const struct rdpneg_step *s;

	*facts = 0;
	bad_condition(d->summary, facts);
	bad_condition(d->explanation, facts);
	bad_condition(d->server_settings, facts);
	bad_condition(d->confidence_why, facts);
	for (s = d->remediation; s->text != NULL; s++)
		bad_condition(s->text, facts);
}

static void
note_shown(const struct rdpneg_evidence *ev, void *arg)
{
	struct shown *o = arg;
	const struct rdpneg_diagnosis *d = rdpneg_diagnose(ev);
	const struct rdpneg_step *s;
	size_t r = rdpneg_diagnosis_index(d);
	unsigned f;

	for (f = 0; f < RDPNEG_FACT_COUNT; f++)
		if (o->tested[r] & (UINT64_C(1) << f)) {
			if (rdpneg_fact_holds((enum rdpneg_fact)f, ev))
				o->held[r] |= UINT64_C(1) << f;
			else
				o->failed[r] |= UINT64_C(1) << f;
		}
	for (s = d->remediation; s->text != NULL; s++)
		if (conditional(s)) {
			if (rdpneg_match_evidence(&s->when, ev))
				o->applied[r] |= UINT32_C(1) <<
				    (s - d->remediation);
			else
				o->skipped[r] |= UINT32_C(1) <<
				    (s - d->remediation);
		}
}

Test(kb_conditions, each_is_shown_and_hidden_by_some_evidence)
{
	static struct shown o;
	const struct rdpneg_diagnosis *d;
	const struct rdpneg_step *s;
	size_t r, k;
	unsigned f, problems = 0;
	uint64_t bit;

	cr_assert_leq(rdpneg_nrules, RULES_MAX);
	for (r = 0; r < rdpneg_nrules; r++)
		rule_conditions(&rdpneg_rules[r].diagnosis, &o.tested[r]);
	each_evidence(note_shown, &o);
	for (r = 0; r < rdpneg_nrules; r++) {
		d = &rdpneg_rules[r].diagnosis;
		for (f = 0; f < RDPNEG_FACT_COUNT; f++) {
			bit = UINT64_C(1) << f;
			if (!(o.tested[r] & bit) ||
			    ((o.held[r] & bit) && (o.failed[r] & bit)))
				continue;
			problems++;
			cr_log_error("%s: its condition on %s is always %s",
			    d->id, rdpneg_facts[f].name, (o.held[r] & bit) ?
			    "true" : "false");
		}
		for (s = d->remediation, k = 0; s->text != NULL; s++, k++) {
			if (!conditional(s) || ((o.applied[r] >> k & 1) &&
			    (o.skipped[r] >> k & 1)))
				continue;
			problems++;
			cr_log_error("%s: step \"%.40s\" is %s shown", d->id,
			    s->text, (o.applied[r] >> k & 1) ? "always" :
			    "never");
		}
	}
	cr_assert_eq(problems, 0, "%u conditions never change", problems);
}

Test(kb_expand, conditions)
{
	struct rdpneg_evidence ssl = failure(SSL | HYBRID, 1);
	struct rdpneg_evidence rdp = failure(0, 1);

	expand_is("a{?offered-ssl:, b}.", &ssl, "a, b.");
	expand_is("a{?offered-ssl:, b}.", &rdp, "a.");
	expand_is("a{!offered-ssl:, b}.", &ssl, "a.");
	expand_is("a{!offered-ssl:, b}.", &rdp, "a, b.");
	/* Placeholders, literal braces and conditions inside. */
	expand_is("{?offered-ssl:{requested} @{x=1} {\"k\":1}}", &ssl,
	    "SSL|HYBRID @{x=1} {\"k\":1}");
	expand_is("{?offered-ssl:{!offered-credssp:tls}{?offered-credssp:"
	    "both}}", &ssl, "both");
	expand_is("{?offered-ssl:{!offered-credssp:tls}{?offered-credssp:"
	    "both}}", &rdp, "");
	/* A fact needing RDP_NEG_REQ does not hold without one. */
	rdp = failure(NO_REQ, 1);
	expand_is("{!offered-ssl:no TLS}", &rdp, "no TLS");
	/* No evidence: as written. */
	cr_assert_eq(rdpneg_expand("{?offered-ssl:x} {code}", NULL, NULL, 0),
	    strlen("{?offered-ssl:x} {code}"));
	/* Deeper than four: copied. */
	expand_is("{?offered-ssl:{?offered-ssl:{?offered-ssl:{?offered-ssl:"
	    "{?offered-ssl:x}}}}}", &ssl, "{?offered-ssl:x}");
	truncation_ok("The client{?offered-ssl: offered {requested}, so} "
	    "{!offered-ssl:never}{?offered-credssp:CredSSP} end {end}.", &ssl);
}

/* ---- The advice follows the evidence (issue 19 item 3). */

/* Every text an attempt is shown: summary, explanation, setting, the
 * steps that apply (server's first), joined by '\n'. */
static const char *
everything(const struct rdpneg_evidence *ev, enum rdpneg_server server)
{
	static char all[16384];
	char buf[2048];
	const struct rdpneg_diagnosis *d = rdpneg_diagnose(ev);
	const struct rdpneg_step *out[RDPNEG_STEPS_MAX];
	size_t i, n;

	all[0] = '\0';
	rdpneg_expand(d->summary, ev, buf, sizeof(buf));
	strcat(strcat(all, buf), "\n");
	rdpneg_expand(d->explanation, ev, buf, sizeof(buf));
	strcat(strcat(all, buf), "\n");
	rdpneg_expand(d->server_settings, ev, buf, sizeof(buf));
	strcat(strcat(all, buf), "\n");
	n = rdpneg_select_steps(d, server, ev, out, RDPNEG_STEPS_MAX);
	for (i = 0; i < n && i < RDPNEG_STEPS_MAX; i++) {
		rdpneg_format_step(out[i], ev, buf, sizeof(buf));
		cr_assert_lt(strlen(all) + strlen(buf) + 2, sizeof(all));
		strcat(strcat(all, buf), "\n");
	}
	return all;
}

static const char *
first_step(const struct rdpneg_evidence *ev, enum rdpneg_server server)
{
	static char buf[2048];
	const struct rdpneg_step *out[1];

	cr_assert_gt(rdpneg_select_steps(rdpneg_diagnose(ev), server, ev, out,
	    1), 0);
	rdpneg_format_step(out[0], ev, buf, sizeof(buf));
	return buf;
}

static const uint8_t cc_shadow_code1[] = {	/* freerdp-shadow-cli /sec:ext */
	0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x00, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00
};

/* tls-required (code 1) to a request of 0xB from a FreeRDP-based server
 * with only NLA-extended enabled: the client offered TLS and CredSSP. */
Test(kb_advice, tls_required_after_ssl_offered)
{
	struct rdpneg_evidence ev = failure(SSL | HYBRID | HYB_EX, 1);
	const struct rdpneg_server_fingerprint *p;
	const char *all;

	set_confirm(&ev, cc_shadow_code1, sizeof(cc_shadow_code1));
	diag_is(&ev, "tls-required", "code 1 after 0xB");
	p = rdpneg_identify_server(&ev);
	cr_assert_not_null(p);
	cr_assert_eq(p->server, RDPNEG_SERVER_FREERDP);
	cr_assert_eq(p->confidence, RDPNEG_CONFIDENCE_HIGH);
	all = everything(&ev, p->server);
	cr_assert_null(strstr(all, "offer TLS and CredSSP"), "%s", all);
	cr_assert_null(strstr(all, "Had SSL been offered"), "%s", all);
	cr_assert_not_null(strstr(all, "SSL was offered"), "%s", all);
	/* The FreeRDP-based server's own step, first. */
	cr_assert_not_null(strstr(first_step(&ev, p->server),
	    "FreeRDP-based server: "), "%s", first_step(&ev, p->server));
	cr_assert_not_null(strstr(all, "freerdp-shadow-cli /sec:nla"), "%s",
	    all);
}

Test(kb_advice, tls_required_without_ssl_offered)
{
	struct rdpneg_evidence ev = failure(RDSAAD, 1);
	const char *all;

	diag_is(&ev, "tls-required", "code 1 after 0x10");
	all = everything(&ev, RDPNEG_SERVER_UNKNOWN);
	cr_assert_not_null(strstr(all, "offer TLS and CredSSP"), "%s", all);
	cr_assert_not_null(strstr(all, "Had SSL been offered"), "%s", all);
	cr_assert_null(strstr(all, "SSL was offered"), "%s", all);
}

/* A successful negotiation of CredSSP carries no Standard RDP advice. */
Test(kb_advice, negotiated_hybrid_has_no_standard_rdp_advice)
{
	struct rdpneg_evidence ev = with_flags(selected(SSL | HYBRID |
	    HYB_EX, HYBRID), 0x1f);
	const char *all;
	unsigned server;

	diag_is(&ev, "negotiated", "0xB -> HYBRID");
	for (server = 0; server < RDPNEG_SERVER_COUNT; server++) {
		all = everything(&ev, (enum rdpneg_server)server);
		cr_assert_null(strstr(all, "Standard RDP"), "%s", all);
		cr_assert_null(strstr(all, "security_layer=tls"), "%s", all);
		cr_assert_not_null(strstr(all, "CredSSP/NLA errors"), "%s",
		    all);
	}
	/* TLS alone: no CredSSP advice; no SAM file. */
	ev = selected(SSL, SSL);
	all = everything(&ev, RDPNEG_SERVER_FREERDP);
	cr_assert_null(strstr(all, "CredSSP/NLA errors"), "%s", all);
	cr_assert_null(strstr(all, "SAM database"), "%s", all);
	/* Where Standard RDP Security was selected, the advice is there. */
	ev = selected(0, RDPNEG_PROTOCOL_RDP);
	diag_is(&ev, "negotiated-standard-rdp", "0x0 -> RDP");
	all = everything(&ev, RDPNEG_SERVER_UNKNOWN);
	cr_assert_not_null(strstr(all, "Require TLS and NLA"), "%s", all);
}

/* tls-handshake-failed says who closed, and whether there was an alert. */
Test(kb_advice, tls_handshake_failed_says_who_closed)
{
	struct rdpneg_evidence ev = selected(SSL | HYBRID, SSL);
	const char *all;

	ev.have |= RDPNEG_EV_CLIENT_NEXT | RDPNEG_EV_SERVER_NEXT;
	ev.client_next = RDPNEG_NEXT_TLS_HANDSHAKE;
	ev.server_next = RDPNEG_NEXT_TLS_ALERT;
	ev.end = RDPNEG_END_FIN_CLIENT;
	diag_is(&ev, "tls-handshake-failed", "alert, client FIN");
	all = everything(&ev, RDPNEG_SERVER_UNKNOWN);
	cr_assert_null(strstr(all, "the server closed"), "%s", all);
	cr_assert_not_null(strstr(all, "with a TLS alert; then the client "
	    "closed the connection (fin_client)"), "%s", all);
	cr_assert_null(strstr(all, "cannot use its certificate"), "%s", all);
	/* No alert: the server closed. */
	ev.have &= ~RDPNEG_EV_SERVER_NEXT;
	ev.end = RDPNEG_END_RST_SERVER;
	diag_is(&ev, "tls-handshake-failed", "no alert, server RST");
	all = everything(&ev, RDPNEG_SERVER_UNKNOWN);
	cr_assert_not_null(strstr(all, "the server sent nothing back; the "
	    "server closed the connection (rst_server)"), "%s", all);
	cr_assert_null(strstr(all, "client closed"), "%s", all);
	cr_assert_not_null(strstr(all, "cannot use its certificate"), "%s",
	    all);
	/* An alert and the capture ended. */
	ev.have |= RDPNEG_EV_SERVER_NEXT;
	ev.end = RDPNEG_END_OPEN;
	all = everything(&ev, RDPNEG_SERVER_UNKNOWN);
	cr_assert_not_null(strstr(all, "still open when the capture ended"),
	    "%s", all);
	cr_assert_null(strstr(all, "closed the connection"), "%s", all);
}

/* nla-required: the client fix only for a client without CredSSP. */
Test(kb_advice, nla_required_by_request)
{
	struct rdpneg_evidence ev = failure(SSL, 5);
	const char *all;

	all = everything(&ev, RDPNEG_SERVER_UNKNOWN);
	cr_assert_not_null(strstr(all, "without CredSSP (HYBRID)"), "%s", all);
	cr_assert_not_null(strstr(all, "Keep NLA and fix the client"), "%s",
	    all);
	cr_assert_not_null(strstr(all, "-Name UserAuthentication -Value 0"),
	    "%s", all);
	ev = failure(SSL | HYBRID, 5);
	all = everything(&ev, RDPNEG_SERVER_UNKNOWN);
	cr_assert_not_null(strstr(all, "CredSSP included"), "%s", all);
	cr_assert_null(strstr(all, "fix the client"), "%s", all);
	cr_assert_null(strstr(all, "-Value 0"), "%s", all);
	cr_assert_not_null(strstr(all, "received the CredSSP"), "%s", all);
}

/* server-chose-standard-rdp: a client that went on is not "strict". */
Test(kb_advice, standard_rdp_chosen_by_what_the_client_did)
{
	struct rdpneg_evidence ev = selected(SSL | HYBRID, RDPNEG_PROTOCOL_RDP);
	const char *all;

	ev.end = RDPNEG_END_FIN_CLIENT;
	all = everything(&ev, RDPNEG_SERVER_UNKNOWN);
	cr_assert_not_null(strstr(all, "sent nothing more"), "%s", all);
	cr_assert_not_null(strstr(all, "Keep the client strict"), "%s", all);
	ev.have |= RDPNEG_EV_CLIENT_NEXT;
	ev.client_next = 0x03;
	all = everything(&ev, RDPNEG_SERVER_UNKNOWN);
	cr_assert_not_null(strstr(all, "went on with Standard RDP Security"),
	    "%s", all);
	cr_assert_null(strstr(all, "strict"), "%s", all);
	cr_assert_not_null(strstr(all, "Make the client refuse"), "%s", all);
}

/* Commands paste as they are: one backslash per path separator. */
Test(kb_advice, commands_paste_as_written)
{
	struct rdpneg_evidence ev = failure(SSL, 2);
	const char *all = everything(&ev, RDPNEG_SERVER_UNKNOWN);

	cr_assert_not_null(strstr(all, ": Get-ItemProperty -Path "
	    "'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal "
	    "Server\\WinStations\\RDP-Tcp' -Name "
	    "SecurityLayer,UserAuthentication\n"), "%s", all);
	cr_assert_null(strstr(all, "\\\\"), "%s", all);
}
