/*
 * record.c - the fields of an attempt's record and their getters.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "rdpneg/tls_text.h"
#include "report/record.h"
#include "report/record_mcs.h"
#include "report/tlsfacts.h"

_Static_assert(RECORD_TEXT_MAX >= FMT_ENDPOINT_MAX + FMT_TIME_MAX,
    "RECORD_TEXT_MAX holds an endpoint and a time");

void
record_ctx_init(struct record_ctx *ctx, const char *capture,
    const struct attempt_item *it, char *buf)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->capture = capture;
	ctx->it = it;
	ctx->buf = buf;
	if (tlsfacts_has_credssp(&it->a.ev))
		rdpneg_infer_credssp(&it->a.ev, &ctx->credssp);
}

/* ---- Helpers of the getters (record.h). */

void
record_bytes(struct record_value *v, const void *p, size_t len)
{
	v->u.bytes.p = p;
	v->u.bytes.len = len;
}

void
record_bytes_or_null(struct record_value *v, const char *s)
{
	if (s != NULL)
		record_bytes(v, s, strlen(s));
	else
		v->type = RECORD_NULL;
}

void
record_n_if(struct record_value *v, int present, uint64_t n)
{
	if (present)
		v->u.n = n;
	else
		v->type = RECORD_NULL;
}

void
record_words_begin(const struct record_ctx *c, struct record_value *v)
{
	v->u.words.p = c->buf;
	v->u.words.n = 0;
}

/* Where the next word goes, and the room left for it. */
static char *
words_end(const struct record_ctx *c, const struct record_value *v,
    size_t *left)
{
	char *end = c->buf;
	size_t i;

	for (i = 0; i < v->u.words.n; i++)
		end += strlen(end) + 1;
	*left = RECORD_TEXT_MAX - (size_t)(end - c->buf);
	return end;
}

void
record_words_add(const struct record_ctx *c, struct record_value *v,
    size_t (*str)(uint16_t, char *, size_t), uint16_t value)
{
	size_t left;
	char *end = words_end(c, v, &left);

	if (str(value, end, left) < left)
		v->u.words.n++;
}

void
record_words_put(const struct record_ctx *c, struct record_value *v,
    const char *text)
{
	size_t left, n = strlen(text);
	char *end = words_end(c, v, &left);

	if (n < left) {
		memcpy(end, text, n + 1);
		v->u.words.n++;
	}
}

/* ---- Helpers of the getters that stay here. */

static int
has_request(const struct rdpneg_attempt *a)
{
	return (a->ev.have & RDPNEG_EV_REQ_NEG) != 0;
}

/* Whether the server answered with an RDP_NEG_RSP or _FAILURE (type). */
static int
answered(const struct rdpneg_attempt *a, uint8_t type)
{
	return (a->ev.have & RDPNEG_EV_RSP_NEG) != 0 &&
	    a->ev.response_type == type;
}

/* A certificate flag's name (x509.h). */
static size_t
cert_flag_str(uint16_t value, char *buf, size_t size)
{
	const char *name = rdpneg_tok_str(rdpneg_cert_flag_names, value);

	return (size_t)snprintf(buf, size, "%s", name);
}

static const struct rdpneg_tls *
tls_of(const struct record_ctx *c)
{
	return rdpneg_evidence_tls(&c->it->a.ev);
}

static int
has_client_hello(const struct record_ctx *c)
{
	return (tls_of(c)->have & RDPNEG_TLS_HAVE_CLIENT_HELLO) != 0;
}

static int
has_server_hello(const struct record_ctx *c)
{
	return (tls_of(c)->have & RDPNEG_TLS_HAVE_SERVER_HELLO) != 0;
}

/* A certificate time, or null when GnuTLS could not read it. */
static void
cert_time(const struct record_ctx *c, struct record_value *v, int64_t t)
{
	if (c->it->a.cert == NULL || t == -1) {
		v->type = RECORD_NULL;
		return;
	}
	fmt_time(t, 0, c->buf, RECORD_TEXT_MAX);
	v->u.text = c->buf;
}

/* ---- The attempt. */

static void
get_capture(const struct record_ctx *c, struct record_value *v)
{
	record_bytes(v, c->capture, strlen(c->capture));
}

static void
get_first_frame(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->it->a.first_frame;
}

static void
get_ts(const struct record_ctx *c, struct record_value *v)
{
	fmt_time(c->it->a.ts_sec, c->it->a.ts_nsec, c->buf, RECORD_TEXT_MAX);
	v->u.text = c->buf;
}

static void
get_time_utc(const struct record_ctx *c, struct record_value *v)
{
	fmt_time_sheet(c->it->a.ts_sec, c->it->a.ts_nsec, c->buf,
	    RECORD_TEXT_MAX);
	v->u.text = c->buf;
}

static void
get_client(const struct record_ctx *c, struct record_value *v)
{
	fmt_endpoint(c->it->a.family, &c->it->a.client, c->buf,
	    RECORD_TEXT_MAX);
	v->u.text = c->buf;
}

static void
get_server(const struct record_ctx *c, struct record_value *v)
{
	fmt_endpoint(c->it->a.family, &c->it->a.server, c->buf,
	    RECORD_TEXT_MAX);
	v->u.text = c->buf;
}

static void
get_request_frame(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->it->a.request_frame;
}

static void
get_response_frame(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->it->a.response_frame;
}

static void
get_cookie(const struct record_ctx *c, struct record_value *v)
{
	const struct rdpneg_attempt *a = &c->it->a;

	if (a->token != NULL)
		record_bytes(v, a->token, a->token_len);
	else
		v->type = RECORD_NULL;
}

static void
get_user(const struct record_ctx *c, struct record_value *v)
{
	const struct rdpneg_attempt *a = &c->it->a;

	if (a->token != NULL && a->ev.token_kind == RDPNEG_TOKEN_MSTSHASH)
		record_bytes(v, a->token + a->ev.token_value_off,
		    a->token_len - a->ev.token_value_off);
	else
		v->type = RECORD_NULL;
}

static void
get_requested_protocols(const struct record_ctx *c, struct record_value *v)
{
	record_n_if(v, has_request(&c->it->a), c->it->a.ev.requested);
}

static void
get_request_flags(const struct record_ctx *c, struct record_value *v)
{
	record_n_if(v, has_request(&c->it->a), c->it->a.ev.request_flags);
}

static void
get_correlation_id(const struct record_ctx *c, struct record_value *v)
{
	const struct rdpneg_attempt *a = &c->it->a;

	if (a->ev.have & RDPNEG_EV_CORRELATION) {
		fmt_hex(a->ev.correlation_id, 16, c->buf, RECORD_TEXT_MAX);
		v->u.text = c->buf;
	} else
		v->type = RECORD_NULL;
}

static void
get_outcome(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = rdpneg_tok_str(rdpneg_outcome_names, c->it->a.ev.outcome);
}

static void
get_end(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = rdpneg_tok_str(rdpneg_end_names, c->it->a.ev.end);
}

static void
get_failure_code(const struct record_ctx *c, struct record_value *v)
{
	record_n_if(v, answered(&c->it->a, RDPNEG_TYPE_FAILURE),
	    c->it->a.ev.response_value);
}

static void
get_failure(const struct record_ctx *c, struct record_value *v)
{
	if (answered(&c->it->a, RDPNEG_TYPE_FAILURE)) {
		fmt_failure(c->it->a.ev.response_value, c->buf,
		    RECORD_TEXT_MAX);
		v->u.text = c->buf;
	} else
		v->type = RECORD_NULL;
}

static void
get_selected_protocol(const struct record_ctx *c, struct record_value *v)
{
	record_n_if(v, answered(&c->it->a, RDPNEG_TYPE_RSP),
	    c->it->a.ev.response_value);
}

static void
get_selected(const struct record_ctx *c, struct record_value *v)
{
	if (answered(&c->it->a, RDPNEG_TYPE_RSP)) {
		fmt_selected(c->it->a.ev.response_value, c->buf,
		    RECORD_TEXT_MAX);
		v->u.text = c->buf;
	} else
		v->type = RECORD_NULL;
}

static void
get_response_flags(const struct record_ctx *c, struct record_value *v)
{
	record_n_if(v, answered(&c->it->a, RDPNEG_TYPE_RSP),
	    c->it->a.ev.response_flags);
}

static void
get_protocol_not_requested(const struct record_ctx *c,
    struct record_value *v)
{
	v->u.n = rdpneg_not_requested(&c->it->a.ev) != 0;
}

static void
get_malformed(const struct record_ctx *c, struct record_value *v)
{
	record_bytes_or_null(v, c->it->a.malformed);
}

static void
get_incomplete(const struct record_ctx *c, struct record_value *v)
{
	record_bytes_or_null(v, c->it->a.incomplete);
}

static void
get_server_implementation(const struct record_ctx *c,
    struct record_value *v)
{
	if (c->it->server != NULL)
		v->u.server = c->it->server;
	else
		v->type = RECORD_NULL;
}

static void
get_scanner(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = (c->it->a.ev.have & RDPNEG_EV_SCANNER) != 0;
}

/* Its groups that are always there. */
static void
get_object(const struct record_ctx *c, struct record_value *v)
{
	(void)c;
	(void)v;
}

static void
get_tls(const struct record_ctx *c, struct record_value *v)
{
	if (!tlsfacts_has_tls(&c->it->a.ev))
		v->type = RECORD_NULL;
}

/* "server fatal protocol_version": the first alert in clear. */
static void
get_tls_alert(const struct record_ctx *c, struct record_value *v)
{
	const struct rdpneg_tls *t = tls_of(c);
	const struct rdpneg_tls_alert *al;
	const char *level, *desc;
	unsigned dirs[2];

	if (tlsfacts_alerts(t, dirs) == 0) {
		v->type = RECORD_NULL;
		return;
	}
	al = &t->dir[dirs[0]].alert;
	level = rdpneg_tok_str(rdpneg_tls_alert_level_names, al->level);
	desc = rdpneg_tok_str(rdpneg_tls_alert_names, al->description);
	if (level != NULL && desc != NULL)
		snprintf(c->buf, RECORD_TEXT_MAX, "%s %s %s",
		    tlsfacts_side(dirs[0]), level, desc);
	else if (level != NULL)
		snprintf(c->buf, RECORD_TEXT_MAX, "%s %s %u",
		    tlsfacts_side(dirs[0]), level, (unsigned)al->description);
	else
		snprintf(c->buf, RECORD_TEXT_MAX, "%s %u %u",
		    tlsfacts_side(dirs[0]), (unsigned)al->level,
		    (unsigned)al->description);
	v->u.text = c->buf;
}

/* ---- Its TLS. */

static void
get_client_hello_frame(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = tls_of(c)->client_hello_frame;
}

/* supported_versions without GREASE, else legacy_version (RFC 8446
 * 4.2.1). */
static void
get_offered_versions(const struct record_ctx *c, struct record_value *v)
{
	const struct rdpneg_tls_client_hello *ch = &tls_of(c)->client_hello;
	size_t i;

	if (!has_client_hello(c)) {
		v->type = RECORD_NULL;
		return;
	}
	record_words_begin(c, v);
	if (!(ch->flags & RDPNEG_HELLO_SUPPORTED_VERSIONS) ||
	    ch->nversions == 0) {
		record_words_add(c, v, rdpneg_tls_version_str, ch->legacy_version);
		return;
	}
	for (i = 0; i < ch->nversions && i < RDPNEG_TLS_VERSIONS_MAX; i++)
		if (!rdpneg_tls_grease(ch->versions[i]))
			record_words_add(c, v, rdpneg_tls_version_str,
			    ch->versions[i]);
}

static void
get_offered_suites(const struct record_ctx *c, struct record_value *v)
{
	const struct rdpneg_tls_client_hello *ch = &tls_of(c)->client_hello;
	size_t i;

	if (!has_client_hello(c)) {
		v->type = RECORD_NULL;
		return;
	}
	record_words_begin(c, v);
	for (i = 0; i < ch->nsuites && i < RDPNEG_TLS_SUITES_MAX; i++)
		if (!rdpneg_tls_grease(ch->suites[i]))
			record_words_add(c, v, rdpneg_tls_suite_str, ch->suites[i]);
}

static void
get_offered_suites_count(const struct record_ctx *c, struct record_value *v)
{
	record_n_if(v, has_client_hello(c), tls_of(c)->client_hello.nsuites);
}

static void
get_sni(const struct record_ctx *c, struct record_value *v)
{
	const struct rdpneg_tls_client_hello *ch = &tls_of(c)->client_hello;

	if (has_client_hello(c) && (ch->flags & RDPNEG_HELLO_SNI))
		record_bytes(v, ch->sni, ch->sni_len);
	else
		v->type = RECORD_NULL;
}

static void
get_server_hello_frame(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = tls_of(c)->server_hello_frame;
}

static void
get_version(const struct record_ctx *c, struct record_value *v)
{
	if (has_server_hello(c)) {
		rdpneg_tls_version_str(tls_of(c)->server_hello.version, c->buf,
		    RECORD_TEXT_MAX);
		v->u.text = c->buf;
	} else
		v->type = RECORD_NULL;
}

static void
get_cipher_suite(const struct record_ctx *c, struct record_value *v)
{
	if (has_server_hello(c)) {
		rdpneg_tls_suite_str(tls_of(c)->server_hello.suite, c->buf,
		    RECORD_TEXT_MAX);
		v->u.text = c->buf;
	} else
		v->type = RECORD_NULL;
}

static void
get_hello_retry_request(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = has_server_hello(c) && (tls_of(c)->server_hello.flags &
	    RDPNEG_HELLO_RETRY_REQUEST);
}

static void
get_alerts(const struct record_ctx *c, struct record_value *v)
{
	unsigned dirs[2];

	v->u.n = tlsfacts_alerts(tls_of(c), dirs);
}

static void
get_handshake_complete(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = rdpneg_fact_holds(RDPNEG_FACT_TLS_ESTABLISHED,
	    &c->it->a.ev) != 0;
}

static void
get_records(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = tls_of(c)->napp;
}

static void
get_records_total(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = tls_of(c)->napp_total;
}

static void
get_certificate(const struct record_ctx *c, struct record_value *v)
{
	if (c->it->a.cert == NULL)
		v->type = RECORD_NULL;
}

static void
get_credssp(const struct record_ctx *c, struct record_value *v)
{
	if (!tlsfacts_has_credssp(&c->it->a.ev))
		v->type = RECORD_NULL;
}

/* ---- Its alerts, element ctx->index. */

static const struct rdpneg_tls_dir *
alert_dir(const struct record_ctx *c, unsigned *dir)
{
	unsigned dirs[2];

	tlsfacts_alerts(tls_of(c), dirs);
	*dir = dirs[c->index];
	return &tls_of(c)->dir[*dir];
}

static void
get_alert_from(const struct record_ctx *c, struct record_value *v)
{
	unsigned dir;

	alert_dir(c, &dir);
	v->u.text = tlsfacts_side(dir);
}

/* A name, or the number when the table has none. */
static void
name_or_number(struct record_value *v, const struct rdpneg_tok *table,
    uint8_t value)
{
	if ((v->u.text = rdpneg_tok_str(table, value)) == NULL) {
		v->type = RECORD_INT;
		v->u.n = value;
	}
}

static void
get_alert_level(const struct record_ctx *c, struct record_value *v)
{
	unsigned dir;

	name_or_number(v, rdpneg_tls_alert_level_names,
	    alert_dir(c, &dir)->alert.level);
}

static void
get_alert_description(const struct record_ctx *c, struct record_value *v)
{
	unsigned dir;

	name_or_number(v, rdpneg_tls_alert_names,
	    alert_dir(c, &dir)->alert.description);
}

static void
get_alert_code(const struct record_ctx *c, struct record_value *v)
{
	unsigned dir;

	v->u.n = alert_dir(c, &dir)->alert.description;
}

static void
get_alert_frame(const struct record_ctx *c, struct record_value *v)
{
	unsigned dir;

	v->u.n = alert_dir(c, &dir)->alert_frame;
}

/* ---- Its encrypted records, element ctx->index. */

static const struct rdpneg_tls_app_record *
app(const struct record_ctx *c)
{
	return &tls_of(c)->app[c->index];
}

static void
get_record_from(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = tlsfacts_side(app(c)->from_client ? 0 : 1);
}

static void
get_record_length(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = app(c)->length;
}

static void
get_record_frame(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = app(c)->frame;
}

static void
get_record_handshake(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = app(c)->handshake != 0;
}

/* ---- Its certificate: null without one. */

#define CERT_TEXT(name, member)						\
static void								\
name(const struct record_ctx *c, struct record_value *v)		\
{									\
	record_bytes_or_null(v, c->it->a.cert != NULL ?			\
	    c->it->a.cert->member : NULL);				\
}
CERT_TEXT(get_cert_subject, subject)
CERT_TEXT(get_cert_issuer, issuer)
CERT_TEXT(get_cert_names, names)
CERT_TEXT(get_cert_key_type, key_type)
CERT_TEXT(get_cert_signature, signature)
#undef CERT_TEXT

static void
get_cert_serial(const struct record_ctx *c, struct record_value *v)
{
	if (c->it->a.cert != NULL)
		v->u.text = c->it->a.cert->serial;	/* our hex */
	else
		v->type = RECORD_NULL;
}

static void
get_cert_not_before(const struct record_ctx *c, struct record_value *v)
{
	cert_time(c, v, c->it->a.cert != NULL ? c->it->a.cert->not_before :
	    -1);
}

static void
get_cert_not_after(const struct record_ctx *c, struct record_value *v)
{
	cert_time(c, v, c->it->a.cert != NULL ? c->it->a.cert->not_after :
	    -1);
}

static void
get_cert_key_bits(const struct record_ctx *c, struct record_value *v)
{
	record_n_if(v, c->it->a.cert != NULL, c->it->a.cert != NULL ?
	    c->it->a.cert->key_bits : 0);
}

static void
get_cert_sha256(const struct record_ctx *c, struct record_value *v)
{
	if (c->it->a.cert != NULL) {
		fmt_hex(c->it->a.cert->sha256, sizeof(c->it->a.cert->sha256),
		    c->buf, RECORD_TEXT_MAX);
		v->u.text = c->buf;
	} else
		v->type = RECORD_NULL;
}

static void
get_cert_chain_length(const struct record_ctx *c, struct record_value *v)
{
	record_n_if(v, c->it->a.cert != NULL, c->it->a.cert != NULL ?
	    c->it->a.cert->chain_length : 0);
}

/* The flags x509.c judged at the connection's time, by name. */
static void
get_cert_problems(const struct record_ctx *c, struct record_value *v)
{
	const struct rdpneg_tok *t;

	if (c->it->a.cert == NULL) {
		v->type = RECORD_NULL;
		return;
	}
	record_words_begin(c, v);
	for (t = rdpneg_cert_flag_names; t->name != NULL; t++)
		if (c->it->a.cert->flags & t->value)
			record_words_add(c, v, cert_flag_str, (uint16_t)t->value);
}

/* ---- Its CredSSP progress (credssp.h): null unless HYBRID(_EX). */

static void
get_credssp_stage(const struct record_ctx *c, struct record_value *v)
{
	if (tlsfacts_has_credssp(&c->it->a.ev))
		v->u.text = rdpneg_tok_str(rdpneg_credssp_stage_names,
		    c->credssp.stage);
	else
		v->type = RECORD_NULL;
}

static void
get_credssp_inferred(const struct record_ctx *c, struct record_value *v)
{
	(void)c;
	v->u.n = 1;	/* from record lengths, never read */
}

static void
get_credssp_messages(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->credssp.messages;
}

static void
get_credssp_plaintext(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = rdpneg_tok_str(rdpneg_plaintext_names,
	    c->credssp.plaintext);
}

static void
get_credssp_min(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->credssp.last_min;
}

static void
get_credssp_max(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->credssp.last_max;
}

static void
get_credssp_frame(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->credssp.frame;
}

static void
get_null(const struct record_ctx *c, struct record_value *v)
{
	(void)c;
	(void)v;
}

static void
get_ntstatus_why(const struct record_ctx *c, struct record_value *v)
{
	(void)c;
	v->u.text = "encrypted: needs the session's TLS keys";
}

/* ---- Its fallback chain. */

static void
get_chain_id(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->it->chain_id;
}

static void
get_chain_position(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->it->a.ev.chain_position;
}

static void
get_chain_length(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->it->a.ev.chain_length;
}

static void
get_final_frame(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->it->final_frame;
}

static void
get_final_outcome(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = rdpneg_tok_str(rdpneg_outcome_names,
	    c->it->final_outcome);
}

static void
get_final_diagnosis(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = c->it->final_diag->id;
}

static void
get_fell_back(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->it->final_fell_back != 0;
}

/* ---- Its diagnosis. */

static void
get_class(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = rdpneg_tok_str(rdpneg_class_names, c->it->class);
}

static void
get_diagnosis_id(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = c->it->diag->id;
}

static void
get_summary(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = c->it->diag->summary;
}

static void
get_confidence(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = rdpneg_tok_str(rdpneg_confidence_names,
	    c->it->diag->confidence);
}

static void
get_confidence_why(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = c->it->diag->confidence_why;
}

static void
get_explanation(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = c->it->diag->explanation;
}

static void
get_server_settings(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = c->it->diag->server_settings;
}

/* The steps that apply to the attempt, the recognised implementation's
 * first. */
static void
get_remediation(const struct record_ctx *c, struct record_value *v)
{
	const struct attempt_item *it = c->it;
	size_t n;

	n = rdpneg_select_steps(it->diag, it->server != NULL ?
	    it->server->server : RDPNEG_SERVER_UNKNOWN, &it->a.ev,
	    v->selected, RDPNEG_STEPS_MAX - 1);
	v->selected[n < RDPNEG_STEPS_MAX ? n : RDPNEG_STEPS_MAX - 1] = NULL;
	v->u.steps = v->selected;
}

static void
get_references(const struct record_ctx *c, struct record_value *v)
{
	v->u.list = c->it->diag->references;
}

/* ---- The table. */

#define TOP		RECORD_TOP
#define CHAIN		RECORD_CHAIN
#define TLS		RECORD_TLS
#define ALERT		RECORD_TLS_ALERT
#define RECORD		RECORD_TLS_RECORD
#define CERT		RECORD_CERTIFICATE
#define CREDSSP		RECORD_CREDSSP
#define CLIENT		RECORD_CLIENT_DATA
#define RDPSEC		RECORD_RDP_SECURITY
#define DISC		RECORD_DISCONNECT
#define LICENSE		RECORD_LICENSE_ERROR
#define ERRINFO		RECORD_ERROR_INFO
#define DIAG		RECORD_DIAGNOSIS
/* A field with a CSV column, at position pos; one without; a column of
 * the record's own that JSON does not have; a group's object (or null)
 * or array of objects, at its key in its parent group. */
#define COLUMN(key, group, column, pos, type, get)			\
	{ key, group, column, pos, RECORD_##type, get, TOP }
#define JSON_ONLY(key, group, type, get)				\
	{ key, group, NULL, 0, RECORD_##type, get, TOP }
#define CSV_ONLY(column, pos, type, get)				\
	{ NULL, RECORD_TOP, column, pos, RECORD_##type, get, TOP }
#define OBJECT(key, group, child, get)					\
	{ key, group, NULL, 0, RECORD_OBJECT, get, child }
#define LIST(key, group, child, get)					\
	{ key, group, NULL, 0, RECORD_LIST, get, child }

const struct record_field record_fields[] = {
	COLUMN("capture", TOP, "capture", 0, BYTES, get_capture),
	COLUMN("first_frame", TOP, "first_frame", 1, FRAME, get_first_frame),
	COLUMN("ts", TOP, "ts", 2, TEXT, get_ts),
	CSV_ONLY("time_utc", 3, TEXT, get_time_utc),
	COLUMN("client", TOP, "client", 4, TEXT, get_client),
	COLUMN("server", TOP, "server", 5, TEXT, get_server),
	COLUMN("request_frame", TOP, "request_frame", 6, FRAME,
	    get_request_frame),
	COLUMN("response_frame", TOP, "response_frame", 7, FRAME,
	    get_response_frame),
	COLUMN("cookie", TOP, "cookie", 9, BYTES, get_cookie),
	COLUMN("user", TOP, "user", 8, BYTES, get_user),
	COLUMN("requested_protocols", TOP, "requested_protocols", 10, INT,
	    get_requested_protocols),
	COLUMN("requested", TOP, "requested", 11, PROTOCOLS,
	    get_requested_protocols),
	COLUMN("request_flags", TOP, "request_flags", 12, INT,
	    get_request_flags),
	JSON_ONLY("correlation_id", TOP, TEXT, get_correlation_id),
	COLUMN("outcome", TOP, "outcome", 13, TEXT, get_outcome),
	COLUMN("end", TOP, "end", 14, TEXT, get_end),
	COLUMN("failure_code", TOP, "failure_code", 15, INT,
	    get_failure_code),
	COLUMN("failure", TOP, "failure", 16, TEXT, get_failure),
	COLUMN("selected_protocol", TOP, "selected_protocol", 17, INT,
	    get_selected_protocol),
	COLUMN("selected", TOP, "selected", 18, TEXT, get_selected),
	JSON_ONLY("response_flags", TOP, INT, get_response_flags),
	COLUMN("protocol_not_requested", TOP, "protocol_not_requested", 19,
	    BOOL, get_protocol_not_requested),
	COLUMN("malformed", TOP, "malformed", 28, BYTES, get_malformed),
	COLUMN("incomplete", TOP, "incomplete", 29, BYTES, get_incomplete),
	COLUMN("server_implementation", TOP, "server_implementation", 30,
	    SERVER, get_server_implementation),
	COLUMN("scanner", TOP, "scanner", 20, BOOL, get_scanner),
	COLUMN("class", TOP, "class", 25, TEXT, get_class),
	CSV_ONLY("tls_alert", 34, TEXT, get_tls_alert),
	OBJECT("chain", TOP, CHAIN, get_object),
	OBJECT("tls", TOP, TLS, get_tls),
	OBJECT("client_data", TOP, CLIENT, record_client_data),
	OBJECT("rdp_security", TOP, RDPSEC, record_rdp_security),
	CSV_ONLY("mcs_disconnect", 59, TEXT, record_disconnect_column),
	CSV_ONLY("license_error", 60, TEXT, record_license_column),
	CSV_ONLY("error_info", 61, TEXT, record_error_info_column),
	OBJECT("diagnosis", TOP, DIAG, get_object),

	COLUMN("id", CHAIN, "chain_id", 21, INT, get_chain_id),
	COLUMN("position", CHAIN, "chain_position", 22, INT,
	    get_chain_position),
	COLUMN("length", CHAIN, "chain_length", 23, INT, get_chain_length),
	JSON_ONLY("final_frame", CHAIN, FRAME, get_final_frame),
	JSON_ONLY("final_outcome", CHAIN, TEXT, get_final_outcome),
	JSON_ONLY("final_diagnosis", CHAIN, TEXT, get_final_diagnosis),
	JSON_ONLY("fell_back_to_standard_rdp", CHAIN, BOOL, get_fell_back),

	JSON_ONLY("client_hello_frame", TLS, FRAME, get_client_hello_frame),
	COLUMN("offered_versions", TLS, "tls_offered_versions", 33, WORDS,
	    get_offered_versions),
	JSON_ONLY("offered_suites", TLS, WORDS, get_offered_suites),
	JSON_ONLY("offered_suites_count", TLS, INT, get_offered_suites_count),
	COLUMN("sni", TLS, "tls_sni", 35, BYTES, get_sni),
	JSON_ONLY("server_hello_frame", TLS, FRAME, get_server_hello_frame),
	COLUMN("version", TLS, "tls_version", 31, TEXT, get_version),
	COLUMN("cipher_suite", TLS, "tls_cipher_suite", 32, TEXT,
	    get_cipher_suite),
	JSON_ONLY("hello_retry_request", TLS, BOOL, get_hello_retry_request),
	LIST("alerts", TLS, ALERT, get_alerts),
	JSON_ONLY("handshake_complete", TLS, BOOL, get_handshake_complete),
	LIST("records", TLS, RECORD, get_records),
	JSON_ONLY("records_total", TLS, INT, get_records_total),
	OBJECT("certificate", TLS, CERT, get_certificate),
	OBJECT("credssp", TLS, CREDSSP, get_credssp),

	JSON_ONLY("from", ALERT, TEXT, get_alert_from),
	JSON_ONLY("level", ALERT, TEXT, get_alert_level),
	JSON_ONLY("description", ALERT, TEXT, get_alert_description),
	JSON_ONLY("code", ALERT, INT, get_alert_code),
	JSON_ONLY("frame", ALERT, FRAME, get_alert_frame),

	JSON_ONLY("from", RECORD, TEXT, get_record_from),
	JSON_ONLY("length", RECORD, INT, get_record_length),
	JSON_ONLY("frame", RECORD, FRAME, get_record_frame),
	JSON_ONLY("handshake", RECORD, BOOL, get_record_handshake),

	COLUMN("subject", CERT, "cert_subject", 36, BYTES, get_cert_subject),
	COLUMN("issuer", CERT, "cert_issuer", 37, BYTES, get_cert_issuer),
	JSON_ONLY("names", CERT, BYTES, get_cert_names),
	JSON_ONLY("serial", CERT, TEXT, get_cert_serial),
	COLUMN("not_before", CERT, "cert_not_before", 38, TEXT,
	    get_cert_not_before),
	COLUMN("not_after", CERT, "cert_not_after", 39, TEXT,
	    get_cert_not_after),
	JSON_ONLY("key_type", CERT, BYTES, get_cert_key_type),
	JSON_ONLY("key_bits", CERT, INT, get_cert_key_bits),
	JSON_ONLY("signature", CERT, BYTES, get_cert_signature),
	COLUMN("sha256", CERT, "cert_sha256", 40, TEXT, get_cert_sha256),
	JSON_ONLY("chain_length", CERT, INT, get_cert_chain_length),
	COLUMN("problems", CERT, "cert_problems", 41, WORDS,
	    get_cert_problems),

	COLUMN("stage", CREDSSP, "credssp_stage", 42, TEXT,
	    get_credssp_stage),
	JSON_ONLY("inferred", CREDSSP, BOOL, get_credssp_inferred),
	JSON_ONLY("messages", CREDSSP, INT, get_credssp_messages),
	JSON_ONLY("plaintext", CREDSSP, TEXT, get_credssp_plaintext),
	JSON_ONLY("last_plaintext_min", CREDSSP, INT, get_credssp_min),
	JSON_ONLY("last_plaintext_max", CREDSSP, INT, get_credssp_max),
	JSON_ONLY("frame", CREDSSP, FRAME, get_credssp_frame),
	JSON_ONLY("ntstatus", CREDSSP, NULL, get_null),
	JSON_ONLY("ntstatus_why", CREDSSP, TEXT, get_ntstatus_why),

	COLUMN("name", CLIENT, "client_name", 43, BYTES, record_client_name),
	COLUMN("build", CLIENT, "client_build", 44, INT, record_client_build),
	COLUMN("keyboard_layout", CLIENT, "keyboard_layout", 45, INT,
	    record_keyboard_layout),
	COLUMN("desktop_width", CLIENT, "desktop_width", 46, INT,
	    record_desktop_width),
	COLUMN("desktop_height", CLIENT, "desktop_height", 47, INT,
	    record_desktop_height),
	COLUMN("color_depth", CLIENT, "color_depth", 48, INT,
	    record_color_depth),
	COLUMN("channels", CLIENT, "client_channels", 49, WORDS,
	    record_channels),
	JSON_ONLY("dig_product_id", CLIENT, BYTES, record_dig_product_id),
	JSON_ONLY("early_capability_flags", CLIENT, INT,
	    record_early_capability_flags),
	JSON_ONLY("frame", CLIENT, FRAME, record_connect_initial_frame),

	COLUMN("encryption_methods", RDPSEC, "encryption_methods", 50, WORDS,
	    record_encryption_methods),
	COLUMN("encryption_method", RDPSEC, "encryption_method", 51, TEXT,
	    record_encryption_method),
	COLUMN("encryption_level", RDPSEC, "encryption_level", 52, TEXT,
	    record_encryption_level),
	COLUMN("cert_type", RDPSEC, "cert_type", 53, TEXT, record_cert_type),
	COLUMN("cert_count", RDPSEC, "cert_count", 54, INT, record_cert_count),
	COLUMN("cert_permanent", RDPSEC, "cert_permanent", 55, BOOL,
	    record_cert_permanent),
	COLUMN("key_bits", RDPSEC, "rdp_key_bits", 56, INT,
	    record_rdp_key_bits),
	OBJECT("certificate", RDPSEC, CERT, record_rdp_certificate),
	COLUMN("weaknesses", RDPSEC, "rdp_weaknesses", 57, WORDS,
	    record_weaknesses),
	JSON_ONLY("client_security_flags", RDPSEC, WORDS,
	    record_client_sec_flags),
	JSON_ONLY("server_security_flags", RDPSEC, WORDS,
	    record_server_sec_flags),
	JSON_ONLY("mcs_result", RDPSEC, TEXT, record_mcs_result),
	COLUMN("stage", RDPSEC, "rdp_stage", 58, TEXT, record_rdp_stage),
	JSON_ONLY("connect_initial_frame", RDPSEC, FRAME,
	    record_connect_initial_frame),
	JSON_ONLY("connect_response_frame", RDPSEC, FRAME,
	    record_connect_response_frame),
	OBJECT("disconnect", RDPSEC, DISC, record_disconnect),
	OBJECT("license_error", RDPSEC, LICENSE, record_license_error),
	OBJECT("error_info", RDPSEC, ERRINFO, record_error_info),

	JSON_ONLY("from", DISC, TEXT, record_disconnect_from),
	JSON_ONLY("reason", DISC, TEXT, record_disconnect_reason),
	JSON_ONLY("frame", DISC, FRAME, record_disconnect_frame),

	JSON_ONLY("code", LICENSE, TEXT, record_license_code),
	JSON_ONLY("value", LICENSE, INT, record_license_value),
	JSON_ONLY("state_transition", LICENSE, TEXT,
	    record_license_transition),
	JSON_ONLY("frame", LICENSE, FRAME, record_license_frame),

	JSON_ONLY("name", ERRINFO, TEXT, record_error_info_name),
	JSON_ONLY("code", ERRINFO, INT, record_error_info_code),
	JSON_ONLY("meaning", ERRINFO, TEXT, record_error_info_meaning),
	JSON_ONLY("frame", ERRINFO, FRAME, record_error_info_frame),

	COLUMN("id", DIAG, "diagnosis", 24, TEXT, get_diagnosis_id),
	COLUMN("summary", DIAG, "summary", 27, KB, get_summary),
	COLUMN("confidence", DIAG, "confidence", 26, TEXT, get_confidence),
	JSON_ONLY("confidence_why", DIAG, KB, get_confidence_why),
	JSON_ONLY("explanation", DIAG, KB, get_explanation),
	JSON_ONLY("server_settings", DIAG, KB, get_server_settings),
	JSON_ONLY("remediation", DIAG, STEPS, get_remediation),
	JSON_ONLY("references", DIAG, KB_LIST, get_references),
};

_Static_assert(sizeof(record_fields) / sizeof(record_fields[0]) ==
    RECORD_FIELDS, "RECORD_FIELDS is the number of fields");
