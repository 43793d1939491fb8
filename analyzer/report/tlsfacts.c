/*
 * tlsfacts.c - the TLS, certificate and CredSSP facts of an attempt as
 * the reports show them (tlsfacts.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "rdpneg/kb.h"
#include "rdpneg/tls_text.h"
#include "report/fmt.h"
#include "report/tlsfacts.h"

/* The longest of tls_text.h's texts the lines write (the suites named
 * none: "65535 suites"), and of a line's numbers. */
#define WORDS_MAX	128

int
tlsfacts_has_tls(const struct rdpneg_evidence *ev)
{
	const struct rdpneg_tls *t = rdpneg_evidence_tls(ev);

	return (t->have & RDPNEG_TLS_HAVE_CLIENT_HELLO) ||
	    t->dir[0].records != 0 || t->dir[1].records != 0;
}

int
tlsfacts_has_credssp(const struct rdpneg_evidence *ev)
{
	return tlsfacts_has_tls(ev) && rdpneg_selected_credssp(ev);
}

size_t
tlsfacts_alerts(const struct rdpneg_tls *tls, unsigned dirs[2])
{
	size_t n = 0;

	if (tls->dir[0].nalerts != 0)
		dirs[n++] = 0;
	if (tls->dir[1].nalerts != 0)
		dirs[n++] = 1;
	if (n == 2 && tls->dir[1].alert_frame < tls->dir[0].alert_frame) {
		dirs[0] = 1;
		dirs[1] = 0;
	}
	return n;
}

const char *
tlsfacts_side(unsigned dir)
{
	return dir == 0 ? "client" : "server";
}

size_t
tlsfacts_frames(const struct rdpneg_attempt *a, uint64_t out[TLSFACTS_FRAMES])
{
	const struct rdpneg_tls *t = rdpneg_evidence_tls(&a->ev);
	const struct rdpneg_mcs *x = rdpneg_evidence_mcs(&a->ev);
	struct rdpneg_credssp c;
	uint64_t f[TLSFACTS_FRAMES], v;
	size_t n = 0, i, k, m = 0;

	f[n++] = t->client_hello_frame;
	f[n++] = t->server_hello_frame;
	f[n++] = (t->have & RDPNEG_TLS_HAVE_CERTIFICATE) ? t->cert_frame : 0;
	f[n++] = t->dir[0].nalerts ? t->dir[0].alert_frame : 0;
	f[n++] = t->dir[1].nalerts ? t->dir[1].alert_frame : 0;
	rdpneg_infer_credssp(&a->ev, &c);
	f[n++] = c.frame;
	f[n++] = x->stage_frame[RDPNEG_STAGE_CONNECT_INITIAL];
	f[n++] = x->response_frame;
	f[n++] = x->license_frame;
	f[n++] = x->error_info_frame;
	f[n++] = x->disconnect_frame;
	for (i = 0; i < n; i++) {	/* insertion, skipping 0 and twins */
		if ((v = f[i]) == 0)
			continue;
		for (k = 0; k < m && out[k] < v; k++)
			;
		if (k < m && out[k] == v)
			continue;
		memmove(out + k + 1, out + k, (m - k) * sizeof(*out));
		out[k] = v;
		m++;
	}
	return m;
}

void
tlsfacts_time(int64_t t, char *buf, size_t size)
{
	if (t == -1)
		snprintf(buf, size, "unknown");
	else
		fmt_time(t, 0, buf, size);
}

/* ---- The lines. */

void
tlsfacts_ours(const struct tlsfacts_sink *s, const char *text)
{
	s->ours(s->arg, text);
}

void
tlsfacts_number(const struct tlsfacts_sink *s, uint64_t n)
{
	char text[24];

	snprintf(text, sizeof(text), "%" PRIu64, n);
	tlsfacts_ours(s, text);
}

void
tlsfacts_untrusted(const struct tlsfacts_sink *s, const char *text)
{
	if (s->quotes)
		tlsfacts_ours(s, "\"");
	s->untrusted(s->arg, (const uint8_t *)text, strlen(text));
	if (s->quotes)
		tlsfacts_ours(s, "\"");
}

/* A word the certificate reader named (GnuTLS's name, or an OID it
 * wrote): escaped, not quoted. */
static void
word(const struct tlsfacts_sink *s, const char *text)
{
	s->untrusted(s->arg, (const uint8_t *)text, strlen(text));
}

static void
frame(const struct tlsfacts_sink *s, const char *before, uint64_t f)
{
	if (f == 0)
		return;
	tlsfacts_ours(s, before);
	tlsfacts_number(s, f);
}

void
tlsfacts_tls_line(const struct rdpneg_attempt *a,
    const struct tlsfacts_sink *s)
{
	const struct rdpneg_tls *t = rdpneg_evidence_tls(&a->ev);
	const struct rdpneg_tls_server_hello *sh = &t->server_hello;
	char text[RDPNEG_TLS_SUITES_MAX * 64];
	unsigned dirs[2];
	size_t i, n;

	if (t->have & RDPNEG_TLS_HAVE_CLIENT_HELLO) {
		tlsfacts_ours(s, "client offered ");
		rdpneg_tls_offered_str(t, text, sizeof(text));
		tlsfacts_ours(s, text);
		rdpneg_tls_suites_str(t, 0, text, sizeof(text));
		tlsfacts_ours(s, " (");
		tlsfacts_ours(s, text);
		tlsfacts_ours(s, ")");
	} else
		tlsfacts_ours(s, "no ClientHello seen");
	if (t->have & RDPNEG_TLS_HAVE_SERVER_HELLO) {
		tlsfacts_ours(s, (sh->flags & RDPNEG_HELLO_RETRY_REQUEST) ?
		    "; server asked for another ClientHello "
		    "(HelloRetryRequest) with " : "; server chose ");
		rdpneg_tls_version_str(sh->version, text, sizeof(text));
		tlsfacts_ours(s, text);
		tlsfacts_ours(s, " ");
		rdpneg_tls_suite_str(sh->suite, text, sizeof(text));
		tlsfacts_ours(s, text);
		frame(s, " (frame ", t->server_hello_frame);
		if (t->server_hello_frame != 0)
			tlsfacts_ours(s, ")");
	} else
		tlsfacts_ours(s, "; no ServerHello");
	n = tlsfacts_alerts(t, dirs);
	for (i = 0; i < n; i++) {
		tlsfacts_ours(s, "; alert: ");
		tlsfacts_ours(s, tlsfacts_side(dirs[i]));
		tlsfacts_ours(s, " ");
		rdpneg_tls_alert_str(&t->dir[dirs[i]], text, sizeof(text));
		tlsfacts_ours(s, text);
		frame(s, ", frame ", t->dir[dirs[i]].alert_frame);
	}
	if (rdpneg_fact_holds(RDPNEG_FACT_TLS_ESTABLISHED, &a->ev))
		tlsfacts_ours(s, "; handshake completed");
	if (t->napp_total != 0) {
		tlsfacts_ours(s, "; ");
		tlsfacts_number(s, t->napp_total);
		tlsfacts_ours(s, t->napp_total == 1 ? " encrypted record" :
		    " encrypted records");
	}
}

int
tlsfacts_has_cert_line(const struct rdpneg_attempt *a)
{
	return a->cert != NULL ||
	    rdpneg_tls_version(rdpneg_evidence_tls(&a->ev)) >= RDPNEG_TLS_1_3;
}

void
tlsfacts_cert_line(const struct rdpneg_attempt *a,
    const struct tlsfacts_sink *s)
{
	const struct rdpneg_cert *c = a->cert;
	char text[WORDS_MAX];

	if (c == NULL) {
		tlsfacts_ours(s, "not visible (TLS 1.3 encrypts it)");
		return;
	}
	if (c->flags & RDPNEG_CERT_UNPARSABLE)
		tlsfacts_ours(s, "unparsable (GnuTLS could not read it)");
	else {
		tlsfacts_ours(s, "subject ");
		tlsfacts_untrusted(s, c->subject);
		tlsfacts_ours(s, ", issuer ");
		tlsfacts_untrusted(s, c->issuer);
		if (c->names[0] != '\0') {
			tlsfacts_ours(s, ", names ");
			tlsfacts_untrusted(s, c->names);
		}
		tlsfacts_ours(s, ", valid ");
		tlsfacts_time(c->not_before, text, sizeof(text));
		tlsfacts_ours(s, text);
		tlsfacts_ours(s, " to ");
		tlsfacts_time(c->not_after, text, sizeof(text));
		tlsfacts_ours(s, text);
		tlsfacts_ours(s, ", ");
		word(s, c->key_type);
		tlsfacts_ours(s, " ");
		tlsfacts_number(s, c->key_bits);
		tlsfacts_ours(s, " bits, ");
		word(s, c->signature);
	}
	tlsfacts_ours(s, ", SHA-256 ");
	fmt_hex(c->sha256, sizeof(c->sha256), text, sizeof(text));
	tlsfacts_ours(s, text);
	tlsfacts_ours(s, "; at the connection's time: ");
	rdpneg_cert_flags_str(c->flags, text, sizeof(text));
	tlsfacts_ours(s, text);
}

void
tlsfacts_credssp_line(const struct rdpneg_attempt *a,
    const struct tlsfacts_sink *s)
{
	struct rdpneg_credssp c;
	char text[WORDS_MAX];

	rdpneg_infer_credssp(&a->ev, &c);
	tlsfacts_ours(s, "inferred from record lengths: ");
	if (c.stage == RDPNEG_CREDSSP_NONE) {
		tlsfacts_ours(s, "no CredSSP message");
		return;
	}
	tlsfacts_ours(s, "reached ");
	tlsfacts_ours(s, rdpneg_tok_str(rdpneg_credssp_stage_names, c.stage));
	tlsfacts_ours(s, " (");
	rdpneg_plaintext_str(c.plaintext, c.last_min, c.last_max, text,
	    sizeof(text));
	tlsfacts_ours(s, text);
	frame(s, " at frame ", c.frame);
	tlsfacts_ours(s, ")");
	/* The server's verdict on AUTHENTICATE is encrypted. */
	if (c.stage == RDPNEG_CREDSSP_AUTHENTICATE ||
	    c.stage == RDPNEG_CREDSSP_ERROR)
		tlsfacts_ours(s, "; the exact NTSTATUS needs the session's keys");
}
