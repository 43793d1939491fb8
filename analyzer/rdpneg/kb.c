/*
 * kb.c - matching evidence against the knowledge base, filling the
 * placeholders and resolving the conditions of its texts, and choosing
 * and writing its remediation steps.  The knowledge itself is
 * kb_rules.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "rdpneg/credssp.h"
#include "rdpneg/kb.h"
#include "rdpneg/kb_mcs.h"
#include "rdpneg/tls_text.h"

const struct rdpneg_tok rdpneg_server_names[] = {
	{ RDPNEG_SERVER_UNKNOWN, "unknown" },
	{ RDPNEG_SERVER_WINDOWS, "windows" },
	{ RDPNEG_SERVER_XRDP, "xrdp" },
	{ RDPNEG_SERVER_FREERDP, "freerdp" },
	{ 0, NULL }
};

const struct rdpneg_tok rdpneg_server_labels[] = {
	{ RDPNEG_SERVER_WINDOWS, "Windows" },
	{ RDPNEG_SERVER_XRDP, "xrdp" },
	{ RDPNEG_SERVER_FREERDP, "FreeRDP-based server" },
	{ 0, NULL }
};

const struct rdpneg_tok rdpneg_class_names[] = {
	{ RDPNEG_CLASS_BLOCKED, "blocked" },
	{ RDPNEG_CLASS_INSECURE, "insecure" },
	{ RDPNEG_CLASS_OK, "ok" },
	{ RDPNEG_CLASS_NOISE, "noise" },
	{ 0, NULL }
};

const struct rdpneg_tok rdpneg_confidence_names[] = {
	{ RDPNEG_CONFIDENCE_HIGH, "high" },
	{ RDPNEG_CONFIDENCE_MEDIUM, "medium" },
	{ RDPNEG_CONFIDENCE_LOW, "low" },
	{ 0, NULL }
};

/* A tri-state requirement against a fact (the fingerprints' cc_ref). */
static int
tri(uint8_t want, int fact)
{
	return want == RDPNEG_MATCH_ANY ||
	    (want == RDPNEG_MATCH_YES) == (fact != 0);
}

int
rdpneg_tls_failed(const struct rdpneg_evidence *ev)
{
	const struct rdpneg_tls_dir *client = &rdpneg_evidence_tls(ev)->dir[0];

	if (!(ev->have & RDPNEG_EV_CLIENT_NEXT) ||
	    ev->client_next != RDPNEG_NEXT_TLS_HANDSHAKE)
		return 0;
	if (client->nalerts > 0 && client->alert.level == RDPNEG_ALERT_FATAL)
		return 1;
	if (ev->have & RDPNEG_EV_SERVER_NEXT)
		return ev->server_next == RDPNEG_NEXT_TLS_ALERT;
	return ev->end == RDPNEG_END_FIN_SERVER ||
	    ev->end == RDPNEG_END_RST_SERVER;
}

/* ---- The facts rules test (kb.h), one function each. */

/* "No RDP_NEG_REQ" is a fact about a request that was decoded. */
static int
legacy_request(const struct rdpneg_evidence *ev)
{
	return (ev->have & (RDPNEG_EV_REQUEST | RDPNEG_EV_REQ_NEG)) ==
	    RDPNEG_EV_REQUEST;
}

static int
selected_rdp(const struct rdpneg_evidence *ev)
{
	return (ev->have & RDPNEG_EV_RSP_NEG) &&
	    ev->response_type == RDPNEG_TYPE_RSP &&
	    ev->response_value == RDPNEG_PROTOCOL_RDP;
}

static int
client_silent(const struct rdpneg_evidence *ev)
{
	return !(ev->have & RDPNEG_EV_CLIENT_NEXT);
}

/* 2.2.1.1.1: requestedProtocols, only in an RDP_NEG_REQ. */
static int
offered(const struct rdpneg_evidence *ev, uint32_t protocols)
{
	return (ev->have & RDPNEG_EV_REQ_NEG) &&
	    (ev->requested & protocols) != 0;
}

static int
offered_ssl(const struct rdpneg_evidence *ev)
{
	return offered(ev, RDPNEG_PROTOCOL_SSL);
}

static int
offered_credssp(const struct rdpneg_evidence *ev)
{
	return offered(ev, RDPNEG_PROTOCOL_HYBRID | RDPNEG_PROTOCOL_HYBRID_EX);
}

static int
server_closed(const struct rdpneg_evidence *ev)
{
	return ev->end == RDPNEG_END_FIN_SERVER ||
	    ev->end == RDPNEG_END_RST_SERVER;
}

static int
client_closed(const struct rdpneg_evidence *ev)
{
	return ev->end == RDPNEG_END_FIN_CLIENT ||
	    ev->end == RDPNEG_END_RST_CLIENT;
}

static int
server_tls_alert(const struct rdpneg_evidence *ev)
{
	return (ev->have & RDPNEG_EV_SERVER_NEXT) &&
	    ev->server_next == RDPNEG_NEXT_TLS_ALERT;
}

/* ---- The TLS after the negotiation (tls.h). */

enum { CLIENT = 0, SERVER = 1 };

static const struct rdpneg_tls *
tls_of(const struct rdpneg_evidence *ev)
{
	return rdpneg_evidence_tls(ev);
}

static int
tls_has(const struct rdpneg_evidence *ev, unsigned bit)
{
	return (tls_of(ev)->have & bit) != 0;
}

static int
tls_client_hello(const struct rdpneg_evidence *ev)
{
	return tls_has(ev, RDPNEG_TLS_HAVE_CLIENT_HELLO);
}

static int
tls_server_hello(const struct rdpneg_evidence *ev)
{
	return tls_has(ev, RDPNEG_TLS_HAVE_SERVER_HELLO);
}

/* That side's first alert in clear has this description. */
static int
alerted(const struct rdpneg_evidence *ev, int side, uint8_t description)
{
	const struct rdpneg_tls_dir *d = &tls_of(ev)->dir[side];

	return d->nalerts > 0 && d->alert.description == description;
}

/* RFC 8446 6.2: the client refuses a ServerHello's version, or the server
 * a ClientHello's, with protocol_version. */
static int
tls_version_refused(const struct rdpneg_evidence *ev)
{
	if (!tls_server_hello(ev))
		return alerted(ev, SERVER, RDPNEG_ALERT_PROTOCOL_VERSION);
	return alerted(ev, CLIENT, RDPNEG_ALERT_PROTOCOL_VERSION);
}

/* No suite (or signature algorithm) both accept: handshake_failure or
 * insufficient_security before any ServerHello (RFC 8446 4.1.1), or the
 * client's insufficient_security after it. */
static int
tls_cipher_refused(const struct rdpneg_evidence *ev)
{
	if (!tls_server_hello(ev))
		return alerted(ev, SERVER, RDPNEG_ALERT_HANDSHAKE_FAILURE) ||
		    alerted(ev, SERVER, RDPNEG_ALERT_INSUFFICIENT_SECURITY);
	return alerted(ev, CLIENT, RDPNEG_ALERT_INSUFFICIENT_SECURITY);
}

/* The server gave up TLS on the ClientHello: no ServerHello, no alert,
 * and it closed, or sent something that is not TLS (xrdp: an MCS
 * Disconnect Provider Ultimatum). */
static int
tls_server_aborted(const struct rdpneg_evidence *ev)
{
	return tls_client_hello(ev) && !tls_server_hello(ev) &&
	    tls_of(ev)->dir[SERVER].nalerts == 0 && (server_closed(ev) ||
	    ((ev->have & RDPNEG_EV_SERVER_NEXT) &&
	    !rdpneg_evidence_starts_tls(ev, 0)));
}

/* What the client sent after its handshake: data, or (a record of at
 * most 2 bytes of plaintext) an encrypted alert such as close_notify. */
#define SENT_ALERT	0x01u
#define SENT_DATA	0x02u

static unsigned
client_sent(const struct rdpneg_evidence *ev)
{
	const struct rdpneg_tls *t = tls_of(ev);
	unsigned lo, hi, sent = 0;
	size_t i;

	for (i = 0; i < t->napp; i++) {
		if (!t->app[i].from_client || t->app[i].handshake)
			continue;
		rdpneg_tls_plaintext(t, t->app[i].length, &lo, &hi);
		sent |= hi > 2 ? SENT_DATA : SENT_ALERT;
	}
	if (t->have & RDPNEG_TLS_RECORDS_CUT)
		sent |= SENT_DATA;
	return sent;
}

/* RFC 8446 6.2: the alerts a client sends about the certificate. */
static int
certificate_alert(uint8_t d)
{
	return d == RDPNEG_ALERT_BAD_CERTIFICATE ||
	    d == RDPNEG_ALERT_UNSUPPORTED_CERTIFICATE ||
	    d == RDPNEG_ALERT_CERTIFICATE_REVOKED ||
	    d == RDPNEG_ALERT_CERTIFICATE_EXPIRED ||
	    d == RDPNEG_ALERT_CERTIFICATE_UNKNOWN ||
	    d == RDPNEG_ALERT_UNKNOWN_CA;
}

/*
 * The client saw the server's hello flight (its certificate: in clear up
 * to TLS 1.2, encrypted in 1.3) and went no further: a certificate alert,
 * an encrypted alert or a close, without data, while the server had not
 * complained.  FreeRDP
 * closes after completing the handshake, rdesktop before its Finished
 * (README, "After the negotiation").
 */
static int
tls_cert_rejected(const struct rdpneg_evidence *ev)
{
	const struct rdpneg_tls_dir *c = &tls_of(ev)->dir[CLIENT];

	unsigned sent = client_sent(ev);

	if (!tls_server_hello(ev) || tls_of(ev)->dir[SERVER].nalerts > 0 ||
	    (sent & SENT_DATA))
		return 0;
	if (c->nalerts > 0)
		return certificate_alert(c->alert.description);
	return client_closed(ev) || (sent & SENT_ALERT);
}

/* Both Finished messages: in clear as markers after each side's
 * ChangeCipherSpec (TLS 1.2), or as each side's encrypted handshake
 * records (TLS 1.3). */
static int
tls_established(const struct rdpneg_evidence *ev)
{
	const struct rdpneg_tls *t = tls_of(ev);
	int client = 0, server = 0;
	size_t i;

	if (!tls_server_hello(ev))
		return 0;
	if (rdpneg_tls_version(t) < RDPNEG_TLS_1_3)
		return t->dir[CLIENT].ccs && t->dir[SERVER].ccs;
	for (i = 0; i < t->napp; i++)
		if (t->app[i].handshake) {
			if (t->app[i].from_client)
				client = 1;
			else
				server = 1;
		}
	return client && server;
}

static int
client_tls_alert(const struct rdpneg_evidence *ev)
{
	return tls_of(ev)->dir[CLIENT].nalerts > 0;
}

static int
tls_1_3(const struct rdpneg_evidence *ev)
{
	return tls_server_hello(ev) &&
	    rdpneg_tls_version(tls_of(ev)) >= RDPNEG_TLS_1_3;
}

static int
cert_problem(const struct rdpneg_evidence *ev)
{
	return tls_has(ev, RDPNEG_TLS_HAVE_CERT_FACTS) &&
	    tls_of(ev)->cert_flags != 0;
}

/* ---- CredSSP (credssp.h). */

static enum rdpneg_credssp_stage
credssp_stage(const struct rdpneg_evidence *ev)
{
	struct rdpneg_credssp c;

	rdpneg_infer_credssp(ev, &c);
	return c.stage;
}

static int
credssp_error(const struct rdpneg_evidence *ev)
{
	return credssp_stage(ev) == RDPNEG_CREDSSP_ERROR;
}

/* The server ended CredSSP: an error TSRequest, or (CredSSP before
 * version 3 sends none) a close when it was the server's turn. */
static int
credssp_refused(const struct rdpneg_evidence *ev)
{
	enum rdpneg_credssp_stage s = credssp_stage(ev);

	return s == RDPNEG_CREDSSP_ERROR || (server_closed(ev) &&
	    (s == RDPNEG_CREDSSP_NEGOTIATE ||
	    s == RDPNEG_CREDSSP_AUTHENTICATE));
}

/* MS-RDPBCGR 3.2.5.10.2: after a denied Early User Authorization Result
 * the client drops the connection; after SUCCESS it goes on to MCS. */
static int
credssp_denied(const struct rdpneg_evidence *ev)
{
	return credssp_stage(ev) == RDPNEG_CREDSSP_EARLY_USER_AUTH &&
	    ev->end != RDPNEG_END_OPEN;
}

/* The client closed when it was its turn: after the server's challenge
 * (a client that cannot or will not answer it) or after its pubKeyAuth. */
static int
credssp_gave_up(const struct rdpneg_evidence *ev)
{
	enum rdpneg_credssp_stage s = credssp_stage(ev);

	return client_closed(ev) && (s == RDPNEG_CREDSSP_CHALLENGE ||
	    s == RDPNEG_CREDSSP_PUB_KEY_AUTH);
}

/* A fact that is one bit of the evidence has no function. */
const struct rdpneg_fact_def rdpneg_facts[RDPNEG_FACT_COUNT] = {
	{ RDPNEG_FACT_NEG_REQ, "neg-req", RDPNEG_EV_REQ_NEG, NULL },
	{ RDPNEG_FACT_LEGACY_REQUEST, "legacy-request", 0, legacy_request },
	{ RDPNEG_FACT_NOT_REQUESTED, "not-requested", 0,
	    rdpneg_not_requested },
	{ RDPNEG_FACT_SELECTED_RDP, "selected-rdp", 0, selected_rdp },
	{ RDPNEG_FACT_MALFORMED, "malformed", RDPNEG_EV_MALFORMED, NULL },
	{ RDPNEG_FACT_SCANNER, "scanner", RDPNEG_EV_SCANNER, NULL },
	{ RDPNEG_FACT_FELL_BACK, "fell-back", RDPNEG_EV_FELL_BACK, NULL },
	{ RDPNEG_FACT_NON_RDP_ANSWER, "non-rdp-answer",
	    RDPNEG_EV_NON_RDP_ANSWER, NULL },
	{ RDPNEG_FACT_CLIENT_SILENT, "client-silent", 0, client_silent },
	{ RDPNEG_FACT_TLS_FAILED, "tls-failed", 0, rdpneg_tls_failed },
	{ RDPNEG_FACT_OFFERED_SSL, "offered-ssl", 0, offered_ssl },
	{ RDPNEG_FACT_OFFERED_CREDSSP, "offered-credssp", 0, offered_credssp },
	{ RDPNEG_FACT_SELECTED_CREDSSP, "selected-credssp", 0,
	    rdpneg_selected_credssp },
	{ RDPNEG_FACT_SERVER_CLOSED, "server-closed", 0, server_closed },
	{ RDPNEG_FACT_CLIENT_CLOSED, "client-closed", 0, client_closed },
	{ RDPNEG_FACT_SERVER_TLS_ALERT, "server-tls-alert", 0,
	    server_tls_alert },
	{ RDPNEG_FACT_TLS_CLIENT_HELLO, "tls-client-hello", 0,
	    tls_client_hello },
	{ RDPNEG_FACT_TLS_SERVER_HELLO, "tls-server-hello", 0,
	    tls_server_hello },
	{ RDPNEG_FACT_TLS_VERSION_REFUSED, "tls-version-refused", 0,
	    tls_version_refused },
	{ RDPNEG_FACT_TLS_CIPHER_REFUSED, "tls-cipher-refused", 0,
	    tls_cipher_refused },
	{ RDPNEG_FACT_TLS_SERVER_ABORTED, "tls-server-aborted", 0,
	    tls_server_aborted },
	{ RDPNEG_FACT_TLS_CERT_REJECTED, "tls-cert-rejected", 0,
	    tls_cert_rejected },
	{ RDPNEG_FACT_TLS_ESTABLISHED, "tls-established", 0,
	    tls_established },
	{ RDPNEG_FACT_TLS_1_3, "tls-1-3", 0, tls_1_3 },
	{ RDPNEG_FACT_CLIENT_TLS_ALERT, "client-tls-alert", 0,
	    client_tls_alert },
	{ RDPNEG_FACT_DIRECT_TLS, "direct-tls", RDPNEG_EV_DIRECT_TLS, NULL },
	{ RDPNEG_FACT_CERT_PROBLEM, "cert-problem", 0, cert_problem },
	{ RDPNEG_FACT_CREDSSP_REFUSED, "credssp-refused", 0,
	    credssp_refused },
	{ RDPNEG_FACT_CREDSSP_ERROR, "credssp-error", 0, credssp_error },
	{ RDPNEG_FACT_CREDSSP_DENIED, "credssp-denied", 0, credssp_denied },
	{ RDPNEG_FACT_CREDSSP_GAVE_UP, "credssp-gave-up", 0,
	    credssp_gave_up },
	{ RDPNEG_FACT_MCS_CONNECT_INITIAL, "mcs-connect-initial", 0,
	    kb_mcs_connect_initial },
	{ RDPNEG_FACT_MCS_REFUSED, "mcs-refused", 0, kb_mcs_refused },
	{ RDPNEG_FACT_RDP_ENCRYPTION_MISMATCH, "rdp-encryption-mismatch", 0,
	    kb_rdp_encryption_mismatch },
	{ RDPNEG_FACT_RDP_DROPPED, "rdp-dropped", 0, kb_rdp_dropped },
	{ RDPNEG_FACT_RDP_DROPPED_AFTER_INFO, "rdp-dropped-after-info", 0,
	    kb_rdp_dropped_after_info },
	{ RDPNEG_FACT_LICENSE_ERROR, "license-error", 0, kb_license_error },
	{ RDPNEG_FACT_ERROR_INFO, "error-info", 0, kb_error_info },
	{ RDPNEG_FACT_RDP_FAILED, "rdp-failed", 0, kb_rdp_failed },
	{ RDPNEG_FACT_RDP_WEAK, "rdp-weak", 0, kb_rdp_weak },
};

_Static_assert(RDPNEG_FACT_COUNT <= 64, "facts are bits of a uint64_t");

int
rdpneg_fact_holds(enum rdpneg_fact f, const struct rdpneg_evidence *ev)
{
	const struct rdpneg_fact_def *d = &rdpneg_facts[f];

	return d->holds != NULL ? d->holds(ev) != 0 : (ev->have & d->bit) != 0;
}

int
rdpneg_match_evidence(const struct rdpneg_match *m,
    const struct rdpneg_evidence *ev)
{
	int req = (ev->have & RDPNEG_EV_REQ_NEG) != 0;
	int failure = (ev->have & RDPNEG_EV_RSP_NEG) &&
	    ev->response_type == RDPNEG_TYPE_FAILURE;
	int selected = (ev->have & RDPNEG_EV_RSP_NEG) &&
	    ev->response_type == RDPNEG_TYPE_RSP;
	uint64_t tested = m->yes | m->no, bit;
	size_t i;

	if (m->outcomes != 0 && !(m->outcomes & RDPNEG_BIT(ev->outcome)))
		return 0;
	if (m->ends != 0 && !(m->ends & RDPNEG_BIT(ev->end)))
		return 0;
	if (m->failure_code == RDPNEG_MATCH_UNKNOWN_FAILURE) {
		if (!failure || rdpneg_tok_str(rdpneg_failure_names,
		    ev->response_value) != NULL)
			return 0;
	} else if (m->failure_code != 0 &&
	    (!failure || ev->response_value != m->failure_code))
		return 0;
	if ((m->req_all || m->req_any || m->req_none || m->req_flags_any) &&
	    !req)
		return 0;
	if ((ev->requested & m->req_all) != m->req_all)
		return 0;
	if (m->req_any != 0 && (ev->requested & m->req_any) == 0)
		return 0;
	if ((ev->requested & m->req_none) != 0)
		return 0;
	if (m->req_flags_any != 0 &&
	    (ev->request_flags & m->req_flags_any) == 0)
		return 0;
	if (m->selected_any != 0 &&
	    (!selected || (ev->response_value & m->selected_any) == 0))
		return 0;
	for (i = 0; tested != 0 && i < RDPNEG_FACT_COUNT; i++) {
		bit = UINT64_C(1) << i;
		if ((tested & bit) && rdpneg_fact_holds((enum rdpneg_fact)i,
		    ev) != ((m->yes & bit) != 0))
			return 0;
	}
	return 1;
}

const struct rdpneg_diagnosis *
rdpneg_diagnose(const struct rdpneg_evidence *ev)
{
	size_t i;

	for (i = 0; i + 1 < rdpneg_nrules; i++)
		if (rdpneg_match_evidence(&rdpneg_rules[i].match, ev))
			return &rdpneg_rules[i].diagnosis;
	return &rdpneg_rules[rdpneg_nrules - 1].diagnosis;
}

const char *const rdpneg_precedes_all[] = { "*", NULL };

int
rdpneg_rule_precedes(size_t i, size_t j)
{
	const char *const *p = rdpneg_rules[i].precedes;

	if (i >= rdpneg_nrules || j >= rdpneg_nrules || p == NULL)
		return 0;
	if (p == rdpneg_precedes_all)
		return 1;
	for (; *p != NULL; p++)
		if (strcmp(*p, rdpneg_rules[j].diagnosis.id) == 0)
			return 1;
	return 0;
}

enum rdpneg_class
rdpneg_attempt_class(const struct rdpneg_diagnosis *d,
    const struct rdpneg_evidence *ev)
{
	if (d->class_if_silent != RDPNEG_CLASS_NONE &&
	    !(ev->have & RDPNEG_EV_CLIENT_NEXT) && ev->end != RDPNEG_END_OPEN)
		return d->class_if_silent;
	return d->class;
}

int
rdpneg_class_is_finding(enum rdpneg_class c)
{
	return c == RDPNEG_CLASS_BLOCKED || c == RDPNEG_CLASS_INSECURE;
}

size_t
rdpneg_diagnosis_index(const struct rdpneg_diagnosis *d)
{
	const struct rdpneg_rule *rule = (const struct rdpneg_rule *)
	    (const void *)((const char *)d -
	    offsetof(struct rdpneg_rule, diagnosis));

	return (size_t)(rule - rdpneg_rules);
}

const struct rdpneg_diagnosis *
rdpneg_find_diagnosis(const char *id)
{
	size_t i;

	for (i = 0; i < rdpneg_nrules; i++)
		if (strcmp(rdpneg_rules[i].diagnosis.id, id) == 0)
			return &rdpneg_rules[i].diagnosis;
	return NULL;
}

/* ---- Placeholders (kb.h, rdpneg_expand): one function each. */

typedef const char *placeholder_fn(const struct rdpneg_evidence *, char *,
    size_t);

static const char *
ph_requested(const struct rdpneg_evidence *ev, char *tmp, size_t size)
{
	if (!(ev->have & RDPNEG_EV_REQ_NEG))
		return "no RDP_NEG_REQ (Standard RDP Security only)";
	rdpneg_protocols_str(ev->requested, tmp, size);
	return tmp;
}

static const char *
ph_selected(const struct rdpneg_evidence *ev, char *tmp, size_t size)
{
	const char *s = ev->response_value == RDPNEG_PROTOCOL_RDP ? "RDP" :
	    rdpneg_tok_str(rdpneg_protocol_names, ev->response_value);

	if (s != NULL)
		return s;
	snprintf(tmp, size, "0x%x", ev->response_value);
	return tmp;
}

static const char *
ph_failure(const struct rdpneg_evidence *ev, char *tmp, size_t size)
{
	const char *s = rdpneg_tok_str(rdpneg_failure_names,
	    ev->response_value);

	if (s != NULL)
		return s;
	snprintf(tmp, size, "0x%08x", ev->response_value);
	return tmp;
}

static const char *
ph_code(const struct rdpneg_evidence *ev, char *tmp, size_t size)
{
	snprintf(tmp, size, "%u", ev->response_value);
	return tmp;
}

static const char *
ph_end(const struct rdpneg_evidence *ev, char *tmp, size_t size)
{
	(void)tmp;
	(void)size;
	return rdpneg_tok_str(rdpneg_end_names, ev->end);
}

static const char *
ph_outcome(const struct rdpneg_evidence *ev, char *tmp, size_t size)
{
	(void)tmp;
	(void)size;
	return rdpneg_tok_str(rdpneg_outcome_names, ev->outcome);
}

static const char *
ph_tls_offered(const struct rdpneg_evidence *ev, char *tmp, size_t size)
{
	rdpneg_tls_offered_str(tls_of(ev), tmp, size);
	return tmp;
}

static const char *
ph_tls_version(const struct rdpneg_evidence *ev, char *tmp, size_t size)
{
	if (!(tls_of(ev)->have & RDPNEG_TLS_HAVE_SERVER_HELLO))
		return "none";
	rdpneg_tls_version_str(rdpneg_tls_version(tls_of(ev)), tmp, size);
	return tmp;
}

static const char *
ph_tls_suites(const struct rdpneg_evidence *ev, char *tmp, size_t size)
{
	rdpneg_tls_suites_str(tls_of(ev), 3, tmp, size);
	return tmp;
}

static const char *
ph_tls_suite(const struct rdpneg_evidence *ev, char *tmp, size_t size)
{
	if (!(tls_of(ev)->have & RDPNEG_TLS_HAVE_SERVER_HELLO))
		return "none";
	rdpneg_tls_suite_str(tls_of(ev)->server_hello.suite, tmp, size);
	return tmp;
}

/* A side's first alert, "fatal protocol_version (70)"; "TLS" when only
 * its first byte is known (a capture cut short), for "a TLS alert". */
static const char *
alert_text(const struct rdpneg_tls_dir *d, char *tmp, size_t size)
{
	if (d->nalerts == 0)
		return "TLS";
	rdpneg_tls_alert_str(d, tmp, size);
	return tmp;
}

static const char *
ph_server_alert(const struct rdpneg_evidence *ev, char *tmp, size_t size)
{
	return alert_text(&tls_of(ev)->dir[SERVER], tmp, size);
}

static const char *
ph_client_alert(const struct rdpneg_evidence *ev, char *tmp, size_t size)
{
	return alert_text(&tls_of(ev)->dir[CLIENT], tmp, size);
}

static const char *
ph_cert_problems(const struct rdpneg_evidence *ev, char *tmp, size_t size)
{
	if (!(tls_of(ev)->have & RDPNEG_TLS_HAVE_CERT_FACTS))
		return "not visible (TLS 1.3 encrypts it)";
	rdpneg_cert_flags_str(tls_of(ev)->cert_flags, tmp, size);
	return tmp;
}

static const char *
ph_credssp(const struct rdpneg_evidence *ev, char *tmp, size_t size)
{
	struct rdpneg_credssp c;

	(void)tmp;
	(void)size;
	rdpneg_infer_credssp(ev, &c);
	return rdpneg_tok_str(rdpneg_credssp_stage_names, c.stage);
}

static const char *
ph_credssp_plaintext(const struct rdpneg_evidence *ev, char *tmp,
    size_t size)
{
	struct rdpneg_credssp c;

	rdpneg_infer_credssp(ev, &c);
	rdpneg_plaintext_str(c.plaintext, c.last_min, c.last_max, tmp, size);
	return tmp;
}

static const struct {
	const char	*name;
	placeholder_fn	*fn;
} placeholders[] = {
	{ "requested", ph_requested },
	{ "selected", ph_selected },
	{ "failure", ph_failure },
	{ "code", ph_code },
	{ "end", ph_end },
	{ "outcome", ph_outcome },
	{ "tls-offered", ph_tls_offered },
	{ "tls-version", ph_tls_version },
	{ "tls-suites", ph_tls_suites },
	{ "tls-suite", ph_tls_suite },
	{ "server-alert", ph_server_alert },
	{ "client-alert", ph_client_alert },
	{ "cert-problems", ph_cert_problems },
	{ "credssp", ph_credssp },
	{ "credssp-plaintext", ph_credssp_plaintext },
	{ "rdp-offered", kb_ph_rdp_offered },
	{ "rdp-security", kb_ph_rdp_security },
	{ "rdp-stage", kb_ph_rdp_stage },
	{ "mcs-disconnect", kb_ph_mcs_disconnect },
	{ "license-error", kb_ph_license_error },
	{ "error-info", kb_ph_error_info },
	{ "error-info-name", kb_ph_error_info_name },
	{ "rdp-weaknesses", kb_ph_rdp_weaknesses },
};

/* The value of placeholder name (without braces), or NULL. */
static const char *
placeholder(const char *name, size_t len, const struct rdpneg_evidence *ev,
    char *tmp, size_t size)
{
	size_t i;

	for (i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++)
		if (strlen(placeholders[i].name) == len &&
		    memcmp(placeholders[i].name, name, len) == 0)
			return placeholders[i].fn(ev, tmp, size);
	return NULL;
}

/* The fact called name[0..len), or -1. */
static int
fact_named(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < RDPNEG_FACT_COUNT; i++)
		if (strlen(rdpneg_facts[i].name) == len &&
		    memcmp(rdpneg_facts[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* What append_piece does with a piece that does not fit. */
#define PIECE_LITERAL	0	/* cut it to what fits */
#define PIECE_VALUE	1	/* leave it out whole */

/* Where an expansion goes: buf[0..size), need counts the whole text. */
struct sink {
	char	*buf;
	size_t	 size;
	size_t	 need;
};

/*
 * Append text[0..len) at buf + need if it fits with its NUL, and count it
 * in need either way.  Once a piece does not fit, need >= size and no
 * later piece is written: the output is a prefix of the full text.
 */
static void
append_piece(struct sink *o, const char *text, size_t len, int kind)
{
	size_t n = len;

	if (o->need + len >= o->size)
		n = kind == PIECE_VALUE || o->need + 1 >= o->size ? 0 :
		    o->size - 1 - o->need;
	if (n > 0) {
		memcpy(o->buf + o->need, text, n);
		o->buf[o->need + n] = '\0';
	}
	o->need += len;
}

static void
append_str(struct sink *o, const char *s)
{
	append_piece(o, s, strlen(s), PIECE_LITERAL);
}

/* Conditions nest at most this deep; deeper ones are copied as is. */
#define CONDITION_DEPTH	4

/* The '}' closing the brace before p (braces in between balance), or
 * NULL. */
static const char *
matching_brace(const char *p, const char *end)
{
	unsigned open = 1;

	for (; p < end; p++)
		if (*p == '{')
			open++;
		else if (*p == '}' && --open == 0)
			return p;
	return NULL;
}

static void expand_span(struct sink *, const char *, const char *,
    const struct rdpneg_evidence *, unsigned);

/*
 * A condition "{?fact:TEXT}" or "{!fact:TEXT}" at brace: expanded into o
 * when it is one; returns the byte after it, or NULL when it is not one.
 */
static const char *
condition(struct sink *o, const char *brace, const char *end,
    const struct rdpneg_evidence *ev, unsigned depth)
{
	const char *name = brace + 2, *colon, *close;
	int fact;

	if (end - brace < 3 || (brace[1] != '?' && brace[1] != '!') ||
	    ev == NULL || depth >= CONDITION_DEPTH)
		return NULL;
	/* A fact's name is kebab-case, and a ':' ends it. */
	for (colon = name; colon < end && ((*colon >= 'a' && *colon <= 'z') ||
	    (*colon >= '0' && *colon <= '9') || *colon == '-'); colon++)
		;
	if (colon == end || *colon != ':' ||
	    (fact = fact_named(name, (size_t)(colon - name))) < 0 ||
	    (close = matching_brace(colon + 1, end)) == NULL)
		return NULL;
	if (rdpneg_fact_holds((enum rdpneg_fact)fact, ev) == (brace[1] == '?'))
		expand_span(o, colon + 1, close, ev, depth + 1);
	return close + 1;
}

/* Expand text[p..end) into o. */
static void
expand_span(struct sink *o, const char *p, const char *end,
    const struct rdpneg_evidence *ev, unsigned depth)
{
	char tmp[256];
	const char *brace, *close, *value, *next;

	while (p < end) {
		/* The literal run up to the next '{'. */
		brace = memchr(p, '{', (size_t)(end - p));
		if (brace == NULL)
			brace = end;
		append_piece(o, p, (size_t)(brace - p), PIECE_LITERAL);
		if (brace == end)
			break;
		if ((next = condition(o, brace, end, ev, depth)) != NULL) {
			p = next;
			continue;
		}
		/* A known {name} is replaced; anything else stays literal. */
		value = NULL;
		close = memchr(brace, '}', (size_t)(end - brace));
		if (close != NULL && ev != NULL)
			value = placeholder(brace + 1,
			    (size_t)(close - brace - 1), ev, tmp, sizeof(tmp));
		if (value != NULL) {
			append_piece(o, value, strlen(value), PIECE_VALUE);
			p = close + 1;
		} else {
			append_piece(o, brace, 1, PIECE_LITERAL);
			p = brace + 1;
		}
	}
}

size_t
rdpneg_expand(const char *text, const struct rdpneg_evidence *ev, char *buf,
    size_t size)
{
	struct sink o = { buf, size, 0 };

	if (size > 0)
		buf[0] = '\0';
	expand_span(&o, text, text + strlen(text), ev, 0);
	return o.need;
}

/* ---- Remediation steps. */

static int
step_applies(const struct rdpneg_step *s, const struct rdpneg_evidence *ev)
{
	return ev == NULL || rdpneg_match_evidence(&s->when, ev);
}

size_t
rdpneg_select_steps(const struct rdpneg_diagnosis *d,
    enum rdpneg_server server, const struct rdpneg_evidence *ev,
    const struct rdpneg_step **out, size_t n)
{
	const struct rdpneg_step *s;
	size_t k = 0;
	int pass, its;

	/* Pass 0: the steps for server; pass 1: every other step. */
	for (pass = 0; pass < 2; pass++)
		for (s = d->remediation; s->text != NULL; s++) {
			its = server != RDPNEG_SERVER_UNKNOWN &&
			    s->server == server;
			if (its != (pass == 0) || !step_applies(s, ev))
				continue;
			if (k < n)
				out[k] = s;
			k++;
		}
	return k;
}

size_t
rdpneg_format_step(const struct rdpneg_step *s,
    const struct rdpneg_evidence *ev, char *buf, size_t size)
{
	struct sink o = { buf, size, 0 };
	const char *label = rdpneg_tok_str(rdpneg_server_labels, s->server);
	const char *p, *nl;

	if (size > 0)
		buf[0] = '\0';
	if (label != NULL) {
		append_str(&o, label);
		append_str(&o, ": ");
	}
	expand_span(&o, s->text, s->text + strlen(s->text), ev, 0);
	if (s->command == NULL)
		return o.need;
	append_str(&o, " ");
	for (p = s->command; ; p = nl + 1) {
		nl = strchr(p, '\n');
		append_piece(&o, p, nl != NULL ? (size_t)(nl - p) : strlen(p),
		    PIECE_LITERAL);
		if (nl == NULL)
			break;
		append_str(&o, "; ");
	}
	return o.need;
}

/* ---- Server implementation: fingerprints are in kb_rules.c. */

static int
fingerprint_matches(const struct rdpneg_server_fingerprint *p,
    const struct rdpneg_evidence *ev)
{
	int neg = (ev->have & RDPNEG_EV_RSP_NEG) != 0;

	if (p->response_type != 0 &&
	    (!neg || ev->response_type != p->response_type))
		return 0;
	if (p->selected_any != 0 && (!neg ||
	    ev->response_type != RDPNEG_TYPE_RSP ||
	    (ev->response_value & p->selected_any) == 0))
		return 0;
	if (p->flags_mask != 0 && (!neg ||
	    (ev->response_flags & p->flags_mask) != p->flags))
		return 0;
	if (!tri(p->cc_ref, ev->have & RDPNEG_EV_CC_REFS) ||
	    (p->cc_ref == RDPNEG_MATCH_YES && ev->cc_src_ref != p->src_ref))
		return 0;
	return rdpneg_match_evidence(&p->match, ev);
}

const struct rdpneg_server_fingerprint *
rdpneg_identify_server(const struct rdpneg_evidence *ev)
{
	size_t i;

	for (i = 0; i < rdpneg_nserver_fingerprints; i++)
		if (fingerprint_matches(&rdpneg_server_fingerprints[i], ev))
			return &rdpneg_server_fingerprints[i];
	return NULL;
}
