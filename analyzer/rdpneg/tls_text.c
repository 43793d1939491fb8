/*
 * tls_text.c - TLS, certificate and CredSSP facts in words (tls_text.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "rdpneg/tls_text.h"
#include "rdpneg/words.h"
#include "rdpneg/x509.h"

const struct rdpneg_tok rdpneg_cert_flag_names[] = {
	{ RDPNEG_CERT_SELF_SIGNED, "self-signed" },
	{ RDPNEG_CERT_EXPIRED, "expired" },
	{ RDPNEG_CERT_NOT_YET_VALID, "not-yet-valid" },
	{ RDPNEG_CERT_NAME_MISMATCH, "name-mismatch" },
	{ RDPNEG_CERT_WEAK_KEY, "weak-key" },
	{ RDPNEG_CERT_WEAK_SIGNATURE, "weak-signature" },
	{ RDPNEG_CERT_UNPARSABLE, "unparsable" },
	{ 0, NULL }
};

size_t
rdpneg_tls_version_str(uint16_t version, char *buf, size_t size)
{
	struct words w;

	words_init(&w, buf, size);
	words_name(&w, "", rdpneg_tls_version_names, version, "0x%04x");
	return w.need;
}

size_t
rdpneg_tls_suite_str(uint16_t suite, char *buf, size_t size)
{
	struct words w;

	words_init(&w, buf, size);
	words_name(&w, "", rdpneg_tls_suite_names, suite, "0x%04x");
	return w.need;
}

int
rdpneg_tls_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 12) == ((v >> 4) & 0x0f);
}

size_t
rdpneg_tls_offered_str(const struct rdpneg_tls *tls, char *buf, size_t size)
{
	const struct rdpneg_tls_client_hello *ch = &tls->client_hello;
	const char *sep = "";
	struct words w;
	size_t i;

	words_init(&w, buf, size);
	if (!(tls->have & RDPNEG_TLS_HAVE_CLIENT_HELLO)) {
		words_put(&w, "", "none");
		return w.need;
	}
	if (!(ch->flags & RDPNEG_HELLO_SUPPORTED_VERSIONS) ||
	    ch->nversions == 0) {
		words_name(&w, "up to ", rdpneg_tls_version_names,
		    ch->legacy_version, "0x%04x");
		return w.need;
	}
	for (i = 0; i < ch->nversions; i++) {
		if (rdpneg_tls_grease(ch->versions[i]))
			continue;
		words_name(&w, sep, rdpneg_tls_version_names, ch->versions[i],
		    "0x%04x");
		sep = ", ";
	}
	return w.need;
}

size_t
rdpneg_tls_suites_str(const struct rdpneg_tls *tls, size_t max, char *buf,
    size_t size)
{
	const struct rdpneg_tls_client_hello *ch = &tls->client_hello;
	char head[32];
	struct words w;
	size_t i, named = 0;

	words_init(&w, buf, size);
	if (!(tls->have & RDPNEG_TLS_HAVE_CLIENT_HELLO)) {
		words_put(&w, "", "none");
		return w.need;
	}
	snprintf(head, sizeof(head), "%u suite%s", (unsigned)ch->nsuites,
	    ch->nsuites == 1 ? "" : "s");
	words_put(&w, "", head);
	for (i = 0; i < ch->nsuites && i < RDPNEG_TLS_SUITES_MAX &&
	    named < max; i++) {
		if (rdpneg_tls_grease(ch->suites[i]))
			continue;
		words_name(&w, named == 0 ? ": " : ", ",
		    rdpneg_tls_suite_names, ch->suites[i], "0x%04x");
		named++;
	}
	if (named > 0 && named < ch->nsuites)
		words_put(&w, "", ", ...");
	return w.need;
}

size_t
rdpneg_tls_alert_str(const struct rdpneg_tls_dir *dir, char *buf,
    size_t size)
{
	char code[16];
	struct words w;

	words_init(&w, buf, size);
	if (dir->nalerts == 0) {
		words_put(&w, "", "none");
		return w.need;
	}
	words_name(&w, "", rdpneg_tls_alert_level_names, dir->alert.level,
	    "level %u");
	words_name(&w, " ", rdpneg_tls_alert_names, dir->alert.description,
	    "alert %u");
	snprintf(code, sizeof(code), " (%u)", (unsigned)dir->alert.description);
	words_put(&w, "", code);
	return w.need;
}

size_t
rdpneg_cert_flags_str(unsigned flags, char *buf, size_t size)
{
	const struct rdpneg_tok *t;
	const char *sep = "";
	struct words w;

	words_init(&w, buf, size);
	if (flags == 0) {
		words_put(&w, "", "none");
		return w.need;
	}
	for (t = rdpneg_cert_flag_names; t->name != NULL; t++) {
		if (!(flags & t->value))
			continue;
		words_put(&w, sep, t->name);
		sep = ", ";
	}
	return w.need;
}

size_t
rdpneg_plaintext_str(enum rdpneg_plaintext kind, unsigned lo, unsigned hi,
    char *buf, size_t size)
{
	char text[48];
	struct words w;

	words_init(&w, buf, size);
	switch (kind) {
	case RDPNEG_PLAINTEXT_EXACT:
		snprintf(text, sizeof(text), "%u bytes", hi);
		break;
	case RDPNEG_PLAINTEXT_AT_MOST:
		snprintf(text, sizeof(text), "at most %u bytes", hi);
		break;
	case RDPNEG_PLAINTEXT_RANGE:
		snprintf(text, sizeof(text), "%u to %u bytes", lo, hi);
		break;
	default:
		snprintf(text, sizeof(text), "unknown");
		break;
	}
	words_put(&w, "", text);
	return w.need;
}
