/*
 * test_record.c - the attempt record's table: what the JSONL and CSV
 * reports assume of it when they iterate it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "report/record.h"
#include "report/tlsfacts.h"
#include "rdpneg/x509.h"

/* The CSV positions are 0..n-1, each once, and the names unique. */
Test(record, columns_are_a_permutation)
{
	const struct record_field *seen[RECORD_FIELDS] = { NULL };
	size_t i, j, n = 0;

	for (i = 0; i < RECORD_FIELDS; i++) {
		if (record_fields[i].column == NULL)
			continue;
		n++;
		cr_assert_lt(record_fields[i].position, RECORD_FIELDS);
		cr_assert_null(seen[record_fields[i].position],
		    "column %u twice", record_fields[i].position);
		seen[record_fields[i].position] = &record_fields[i];
		for (j = 0; j < i; j++)
			if (record_fields[j].column != NULL)
				cr_assert_str_neq(record_fields[i].column,
				    record_fields[j].column);
	}
	for (i = 0; i < n; i++)
		cr_assert_not_null(seen[i], "no column at %zu", i);
}

/* Each group's fields are together, in group order (the diagnosis last,
 * as JSONL appends it), and a key is unique in its group. */
Test(record, groups_in_order_keys_unique)
{
	size_t i, j;

	cr_assert_eq(record_fields[0].group, RECORD_TOP);
	for (i = 1; i < RECORD_FIELDS; i++) {
		cr_assert_geq(record_fields[i].group,
		    record_fields[i - 1].group, "%s out of its group",
		    record_fields[i].key);
		if (!record_in_json(&record_fields[i]))
			continue;
		for (j = 0; j < i; j++)
			if (record_fields[j].group ==
			    record_fields[i].group &&
			    record_in_json(&record_fields[j]))
				cr_assert_str_neq(record_fields[i].key,
				    record_fields[j].key);
	}
	cr_assert_eq(record_fields[RECORD_FIELDS - 1].group,
	    RECORD_DIAGNOSIS);
}

/*
 * Every group but the record is placed once (the certificate's twice),
 * by a RECORD_OBJECT or RECORD_LIST field of a group before it (so the
 * table is a tree), and has fields; the diagnosis is the record's last
 * key.
 */
Test(record, groups_form_a_tree)
{
	unsigned placed[RECORD_GROUPS] = { 0 }, fields[RECORD_GROUPS] = { 0 };
	const struct record_field *last_top = NULL;
	size_t i;
	int g;

	for (i = 0; i < RECORD_FIELDS; i++) {
		const struct record_field *f = &record_fields[i];

		fields[f->group]++;
		if (f->group == RECORD_TOP && record_in_json(f))
			last_top = f;
		if (f->type != RECORD_OBJECT && f->type != RECORD_LIST)
			continue;
		cr_assert(record_in_json(f) && f->column == NULL, "%s",
		    f->key);
		/* The certificate's group is the server certificate's of
		 * the TLS and of Standard RDP Security, which never both
		 * hold one: placed twice, once by a later group. */
		if (f->child != RECORD_CERTIFICATE ||
		    f->group != RECORD_RDP_SECURITY)
			cr_assert_gt(f->child, f->group, "%s", f->key);
		placed[f->child]++;
	}
	for (g = RECORD_TOP + 1; g < RECORD_GROUPS; g++) {
		cr_assert_eq(placed[g], g == RECORD_CERTIFICATE ? 2u : 1u,
		    "group %d placed %u times", g, placed[g]);
		cr_assert_gt(fields[g], 0, "group %d has no field", g);
	}
	cr_assert_not_null(last_top);
	cr_assert_eq(last_top->type, RECORD_OBJECT);
	cr_assert_eq(last_top->child, RECORD_DIAGNOSIS);
}

/* A field is in JSON, in CSV or both; one in CSV only is the record's
 * own (the JSONL report skips it, wherever its group is). */
Test(record, every_field_somewhere)
{
	size_t i;

	for (i = 0; i < RECORD_FIELDS; i++) {
		cr_assert(record_in_json(&record_fields[i]) ||
		    record_fields[i].column != NULL, "field %zu is nowhere",
		    i);
		if (!record_in_json(&record_fields[i]))
			cr_assert_eq(record_fields[i].group, RECORD_TOP, "%s",
			    record_fields[i].column);
	}
}

/* time_utc follows ts: the same time, for spreadsheets. */
Test(record, time_utc_follows_ts)
{
	unsigned ts = RECORD_FIELDS, utc = RECORD_FIELDS;
	size_t i;

	for (i = 0; i < RECORD_FIELDS; i++) {
		if (record_fields[i].column == NULL)
			continue;
		if (strcmp(record_fields[i].column, "ts") == 0)
			ts = record_fields[i].position;
		if (strcmp(record_fields[i].column, "time_utc") == 0) {
			cr_assert_not(record_in_json(&record_fields[i]));
			utc = record_fields[i].position;
		}
	}
	cr_assert_lt(ts, RECORD_FIELDS);
	cr_assert_eq(utc, ts + 1);
}

/* A list (but of our words, joined) or an object has no CSV column: a
 * cell holds one value. */
Test(record, lists_are_json_only)
{
	size_t i;

	for (i = 0; i < RECORD_FIELDS; i++)
		if (record_fields[i].type == RECORD_KB_LIST ||
		    record_fields[i].type == RECORD_STEPS ||
		    record_fields[i].type == RECORD_OBJECT ||
		    record_fields[i].type == RECORD_LIST)
			cr_assert_null(record_fields[i].column, "%s",
			    record_fields[i].key);
}

/* ---- The TLS fields on constructed attempts. */

/* A subject with what each format must escape. */
static const char hostile[] = "CN=<script>\"x\"\n\x01\x1b[31m|`a`";

static const struct record_field *
field(enum record_group g, const char *key)
{
	size_t i;

	for (i = 0; i < RECORD_FIELDS; i++)
		if (record_fields[i].group == g && record_fields[i].key !=
		    NULL && strcmp(record_fields[i].key, key) == 0)
			return &record_fields[i];
	cr_assert_fail("no field %s", key);
	return NULL;
}

static const struct record_field *
column(const char *name)
{
	size_t i;

	for (i = 0; i < RECORD_FIELDS; i++)
		if (record_fields[i].column != NULL &&
		    strcmp(record_fields[i].column, name) == 0)
			return &record_fields[i];
	cr_assert_fail("no column %s", name);
	return NULL;
}

struct fixture {
	struct attempt_item	it;
	struct rdpneg_tls	tls;	/* it.a.ev.tls */
	struct rdpneg_cert	cert;
	char			buf[RECORD_TEXT_MAX];
	struct record_ctx	ctx;
};

static void
get(struct fixture *x, const struct record_field *f, struct record_value *v)
{
	record_get(f, &x->ctx, v);
}

static void
expect_text(struct fixture *x, enum record_group g, const char *key,
    const char *want)
{
	struct record_value v;

	get(x, field(g, key), &v);
	cr_assert_eq(v.type, RECORD_TEXT, "%s", key);
	cr_assert_str_eq(v.u.text, want, "%s", key);
}

static void
expect_n(struct fixture *x, enum record_group g, const char *key,
    enum record_type type, uint64_t want)
{
	struct record_value v;

	get(x, field(g, key), &v);
	cr_assert_eq(v.type, type, "%s: type %d", key, v.type);
	cr_assert_eq(v.u.n, want, "%s: %llu", key, (unsigned long long)v.u.n);
}

static void
expect_null(struct fixture *x, const struct record_field *f)
{
	struct record_value v;

	get(x, f, &v);
	cr_assert_eq(v.type, RECORD_NULL, "%s is not null",
	    f->key != NULL ? f->key : f->column);
}

/* The words of a RECORD_WORDS value, '|'-joined. */
static void
expect_words(struct fixture *x, const struct record_field *f,
    const char *want)
{
	struct record_value v;
	char joined[RECORD_TEXT_MAX] = "";
	const char *p;
	size_t i;

	get(x, f, &v);
	cr_assert_eq(v.type, RECORD_WORDS, "%s", f->key);
	for (i = 0, p = v.u.words.p; i < v.u.words.n; i++, p += strlen(p) + 1) {
		if (i > 0)
			strcat(joined, "|");
		strcat(joined, p);
	}
	cr_assert_str_eq(joined, want, "%s", f->key);
}

static void
app(struct rdpneg_tls *t, int from_client, uint16_t length, uint64_t frame,
    int handshake)
{
	struct rdpneg_tls_app_record *a = &t->app[t->napp++];

	a->from_client = (uint8_t)from_client;
	a->length = length;
	a->frame = frame;
	a->handshake = (uint8_t)handshake;
	t->napp_total++;
}

/* NLA over TLS 1.2 (AES-GCM: 24 bytes of overhead) with a certificate,
 * the server's answer to AUTHENTICATE a 15-byte error TSRequest. */
static void
tls12_nla_error(struct fixture *x)
{
	struct rdpneg_evidence *ev = &x->it.a.ev;
	struct rdpneg_tls *t = &x->tls;
	struct rdpneg_tls_client_hello *ch = &t->client_hello;

	memset(x, 0, sizeof(*x));
	ev->tls = t;
	ev->have = RDPNEG_EV_RSP_NEG;
	ev->response_type = RDPNEG_TYPE_RSP;
	ev->response_value = RDPNEG_PROTOCOL_HYBRID;
	t->have = RDPNEG_TLS_HAVE_CLIENT_HELLO | RDPNEG_TLS_HAVE_SERVER_HELLO;
	t->client_hello_frame = 8;
	ch->flags = RDPNEG_HELLO_SUPPORTED_VERSIONS | RDPNEG_HELLO_SNI;
	ch->legacy_version = RDPNEG_TLS_1_2;
	ch->nversions = 3;
	ch->versions[0] = 0x3a3a;		/* GREASE */
	ch->versions[1] = RDPNEG_TLS_1_3;
	ch->versions[2] = RDPNEG_TLS_1_2;
	ch->nsuites = 3;
	ch->suites[0] = 0xdada;			/* GREASE */
	ch->suites[1] = 0xc030;
	ch->suites[2] = 0x7f7f;			/* no name */
	ch->sni_len = 3;
	memcpy(ch->sni, "a\x01b", 3);
	t->server_hello_frame = 9;
	t->server_hello.version = RDPNEG_TLS_1_2;
	t->server_hello.legacy_version = RDPNEG_TLS_1_2;
	t->server_hello.suite = 0xc030;
	t->dir[0].ccs = t->dir[1].ccs = 1;
	app(t, 1, 24 + 40, 12, 0);		/* NEGOTIATE */
	app(t, 0, 24 + 200, 13, 0);		/* CHALLENGE */
	app(t, 1, 24 + 400, 14, 0);		/* AUTHENTICATE */
	app(t, 0, 24 + 15, 15, 0);		/* the error */
	t->napp_total = 30;			/* more than kept */
	snprintf(x->cert.subject, sizeof(x->cert.subject), "%s", hostile);
	snprintf(x->cert.issuer, sizeof(x->cert.issuer), "CN=ca");
	snprintf(x->cert.names, sizeof(x->cert.names), "a.example, 192.0.2.1");
	snprintf(x->cert.serial, sizeof(x->cert.serial), "0badf00d");
	x->cert.not_before = 1577836800;	/* 2020-01-01 */
	x->cert.not_after = -1;			/* unreadable */
	snprintf(x->cert.key_type, sizeof(x->cert.key_type), "RSA");
	x->cert.key_bits = 1024;
	snprintf(x->cert.signature, sizeof(x->cert.signature), "RSA-SHA1");
	memset(x->cert.sha256, 0xab, sizeof(x->cert.sha256));
	x->cert.chain_length = 2;
	x->cert.flags = RDPNEG_CERT_SELF_SIGNED | RDPNEG_CERT_WEAK_KEY |
	    RDPNEG_CERT_WEAK_SIGNATURE;
	x->it.a.cert = &x->cert;
	record_ctx_init(&x->ctx, "c.pcap", &x->it, x->buf);
}

Test(record, tls12_with_certificate)
{
	struct fixture x;
	struct record_value v;

	tls12_nla_error(&x);
	get(&x, field(RECORD_TOP, "tls"), &v);
	cr_assert_eq(v.type, RECORD_OBJECT);
	expect_n(&x, RECORD_TLS, "client_hello_frame", RECORD_FRAME, 8);
	expect_words(&x, field(RECORD_TLS, "offered_versions"),
	    "TLS 1.3|TLS 1.2");
	expect_words(&x, field(RECORD_TLS, "offered_suites"),
	    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384|0x7f7f");
	expect_n(&x, RECORD_TLS, "offered_suites_count", RECORD_INT, 3);
	get(&x, field(RECORD_TLS, "sni"), &v);
	cr_assert_eq(v.type, RECORD_BYTES);	/* the formats escape it */
	cr_assert_eq(v.u.bytes.len, 3);
	cr_assert(memcmp(v.u.bytes.p, "a\x01b", 3) == 0);
	expect_text(&x, RECORD_TLS, "version", "TLS 1.2");
	expect_text(&x, RECORD_TLS, "cipher_suite",
	    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
	expect_n(&x, RECORD_TLS, "hello_retry_request", RECORD_BOOL, 0);
	expect_n(&x, RECORD_TLS, "alerts", RECORD_LIST, 0);
	expect_n(&x, RECORD_TLS, "handshake_complete", RECORD_BOOL, 1);
	expect_n(&x, RECORD_TLS, "records", RECORD_LIST, 4);
	expect_n(&x, RECORD_TLS, "records_total", RECORD_INT, 30);
	x.ctx.index = 3;
	expect_text(&x, RECORD_TLS_RECORD, "from", "server");
	expect_n(&x, RECORD_TLS_RECORD, "length", RECORD_INT, 39);
	expect_n(&x, RECORD_TLS_RECORD, "frame", RECORD_FRAME, 15);
	expect_n(&x, RECORD_TLS_RECORD, "handshake", RECORD_BOOL, 0);
	x.ctx.index = 0;

	get(&x, field(RECORD_TLS, "certificate"), &v);
	cr_assert_eq(v.type, RECORD_OBJECT);
	get(&x, field(RECORD_CERTIFICATE, "subject"), &v);
	cr_assert_eq(v.type, RECORD_BYTES);	/* untrusted: escaped */
	cr_assert_eq(v.u.bytes.len, strlen(hostile));
	cr_assert(memcmp(v.u.bytes.p, hostile, strlen(hostile)) == 0);
	expect_text(&x, RECORD_CERTIFICATE, "serial", "0badf00d");
	expect_text(&x, RECORD_CERTIFICATE, "not_before",
	    "2020-01-01T00:00:00.000000000Z");
	expect_null(&x, field(RECORD_CERTIFICATE, "not_after"));
	expect_n(&x, RECORD_CERTIFICATE, "key_bits", RECORD_INT, 1024);
	expect_text(&x, RECORD_CERTIFICATE, "sha256", "abababababababab"
	    "abababababababababababababababababababababababab");
	expect_n(&x, RECORD_CERTIFICATE, "chain_length", RECORD_INT, 2);
	expect_words(&x, field(RECORD_CERTIFICATE, "problems"),
	    "self-signed|weak-key|weak-signature");

	/* The CSV's columns from the same getters. */
	expect_words(&x, column("tls_offered_versions"), "TLS 1.3|TLS 1.2");
	expect_words(&x, column("cert_problems"),
	    "self-signed|weak-key|weak-signature");
	expect_null(&x, column("tls_alert"));
}

Test(record, credssp_error)
{
	struct fixture x;
	struct record_value v;

	tls12_nla_error(&x);
	get(&x, field(RECORD_TLS, "credssp"), &v);
	cr_assert_eq(v.type, RECORD_OBJECT);
	expect_text(&x, RECORD_CREDSSP, "stage", "error");
	expect_n(&x, RECORD_CREDSSP, "inferred", RECORD_BOOL, 1);
	expect_n(&x, RECORD_CREDSSP, "messages", RECORD_INT, 4);
	expect_text(&x, RECORD_CREDSSP, "plaintext", "exact");
	expect_n(&x, RECORD_CREDSSP, "last_plaintext_min", RECORD_INT, 15);
	expect_n(&x, RECORD_CREDSSP, "last_plaintext_max", RECORD_INT, 15);
	expect_n(&x, RECORD_CREDSSP, "frame", RECORD_FRAME, 15);
	expect_null(&x, field(RECORD_CREDSSP, "ntstatus"));
	expect_text(&x, RECORD_CREDSSP, "ntstatus_why",
	    "encrypted: needs the session's TLS keys");
	get(&x, column("credssp_stage"), &v);
	cr_assert_str_eq(v.u.text, "error");

	/* SSL selected: no CredSSP. */
	x.it.a.ev.response_value = RDPNEG_PROTOCOL_SSL;
	record_ctx_init(&x.ctx, "c.pcap", &x.it, x.buf);
	expect_null(&x, field(RECORD_TLS, "credssp"));
	expect_null(&x, column("credssp_stage"));
}

/* TLS 1.3: the certificate is encrypted; alerts of both sides in frame
 * order, an unknown description as its number. */
Test(record, tls13_without_certificate)
{
	struct fixture x;
	struct rdpneg_tls *t;
	struct record_value v;

	tls12_nla_error(&x);
	x.it.a.cert = NULL;
	t = &x.tls;
	t->server_hello.version = RDPNEG_TLS_1_3;
	t->server_hello.suite = 0x1302;
	t->dir[1].nalerts = 1;
	t->dir[1].alert.level = RDPNEG_ALERT_FATAL;
	t->dir[1].alert.description = RDPNEG_ALERT_PROTOCOL_VERSION;
	t->dir[1].alert_frame = 9;
	t->dir[0].nalerts = 1;
	t->dir[0].alert.level = RDPNEG_ALERT_FATAL;
	t->dir[0].alert.description = 199;	/* no name */
	t->dir[0].alert_frame = 10;
	record_ctx_init(&x.ctx, "c.pcap", &x.it, x.buf);

	expect_text(&x, RECORD_TLS, "version", "TLS 1.3");
	expect_text(&x, RECORD_TLS, "cipher_suite", "TLS_AES_256_GCM_SHA384");
	expect_null(&x, field(RECORD_TLS, "certificate"));
	expect_null(&x, column("cert_subject"));
	expect_null(&x, column("cert_problems"));
	expect_n(&x, RECORD_TLS, "alerts", RECORD_LIST, 2);
	x.ctx.index = 0;
	expect_text(&x, RECORD_TLS_ALERT, "from", "server");
	expect_text(&x, RECORD_TLS_ALERT, "level", "fatal");
	expect_text(&x, RECORD_TLS_ALERT, "description", "protocol_version");
	expect_n(&x, RECORD_TLS_ALERT, "code", RECORD_INT, 70);
	expect_n(&x, RECORD_TLS_ALERT, "frame", RECORD_FRAME, 9);
	x.ctx.index = 1;
	expect_text(&x, RECORD_TLS_ALERT, "from", "client");
	expect_n(&x, RECORD_TLS_ALERT, "description", RECORD_INT, 199);
	x.ctx.index = 0;
	get(&x, column("tls_alert"), &v);
	cr_assert_str_eq(v.u.text, "server fatal protocol_version");
}

/* No TLS: a null object, empty columns. */
Test(record, no_tls)
{
	struct fixture x;

	memset(&x, 0, sizeof(x));
	record_ctx_init(&x.ctx, "c.pcap", &x.it, x.buf);
	expect_null(&x, field(RECORD_TOP, "tls"));
	expect_null(&x, column("tls_version"));
	expect_null(&x, column("tls_offered_versions"));
	expect_null(&x, column("tls_sni"));
	expect_null(&x, column("cert_sha256"));
	expect_null(&x, column("credssp_stage"));
}

/* ---- The text and Markdown lines (tlsfacts.h) through an escaping
 * sink: a hostile subject reaches the output only escaped. */

struct capture_sink {
	char	out[4096];
};

static void
sink_ours(void *arg, const char *text)
{
	strcat(((struct capture_sink *)arg)->out, text);
}

static void
sink_escaped(void *arg, const uint8_t *p, size_t len)
{
	struct capture_sink *c = arg;
	char buf[1024];

	fmt_escape_text(p, len, buf, sizeof(buf));
	strcat(c->out, buf);
}

Test(record, lines_escape_the_certificate)
{
	struct fixture x;
	struct capture_sink c = { "" };
	const struct tlsfacts_sink sink = { sink_ours, sink_escaped, 1, &c };
	const char *p;

	tls12_nla_error(&x);
	tlsfacts_cert_line(&x.it.a, &sink);
	cr_assert(strstr(c.out, "subject \"CN=<script>\\\"x\\\"\\x0a"
	    "\\x01\\x1b[31m|`a`\", issuer \"CN=ca\"") != NULL, "%s", c.out);
	cr_assert(strstr(c.out, "valid 2020-01-01T00:00:00.000000000Z to "
	    "unknown, RSA 1024 bits, RSA-SHA1, SHA-256 abab") != NULL, "%s",
	    c.out);
	cr_assert(strstr(c.out, "; at the connection's time: self-signed, "
	    "weak-key, weak-signature") != NULL, "%s", c.out);
	for (p = c.out; *p != '\0'; p++)
		cr_assert(*p >= 0x20 && *p < 0x7f, "raw byte 0x%02x",
		    (unsigned char)*p);

	c.out[0] = '\0';
	tlsfacts_tls_line(&x.it.a, &sink);
	cr_assert_str_eq(c.out, "client offered TLS 1.3, TLS 1.2 (3 suites); "
	    "server chose TLS 1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 "
	    "(frame 9); handshake completed; 30 encrypted records");
	c.out[0] = '\0';
	tlsfacts_credssp_line(&x.it.a, &sink);
	cr_assert_str_eq(c.out, "inferred from record lengths: reached error "
	    "(15 bytes at frame 15); the exact NTSTATUS needs the session's "
	    "keys");
}
