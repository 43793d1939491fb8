/*
 * tls_text.c - TLS, certificate and CredSSP facts in words (tls_text.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "rdpneg/tls_text.h"
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

/* Where a text goes: whole items only, need counts the full text. */
struct out {
	char	*buf;
	size_t	 size;
	size_t	 need;
	int	 stopped;	/* an item did not fit: write no more */
};

static void
put(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (!o->stopped && o->need + n < o->size) {
		memcpy(o->buf + o->need, s, n + 1);
	} else if (!o->stopped) {
		o->stopped = 1;
	}
	o->need += n;
}

static void
out_init(struct out *o, char *buf, size_t size)
{
	o->buf = buf;
	o->size = size;
	o->need = 0;
	o->stopped = 0;
	if (size > 0)
		buf[0] = '\0';
}

static void
put_name(struct out *o, const struct rdpneg_tok *table, uint32_t value,
    const char *hexfmt)
{
	const char *name = rdpneg_tok_str(table, value);
	char hex[16];

	if (name == NULL) {
		snprintf(hex, sizeof(hex), hexfmt, value);
		name = hex;
	}
	put(o, name);
}

size_t
rdpneg_tls_version_str(uint16_t version, char *buf, size_t size)
{
	struct out o;

	out_init(&o, buf, size);
	put_name(&o, rdpneg_tls_version_names, version, "0x%04x");
	return o.need;
}

size_t
rdpneg_tls_suite_str(uint16_t suite, char *buf, size_t size)
{
	struct out o;

	out_init(&o, buf, size);
	put_name(&o, rdpneg_tls_suite_names, suite, "0x%04x");
	return o.need;
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
	struct out o;
	size_t i;

	out_init(&o, buf, size);
	if (!(tls->have & RDPNEG_TLS_HAVE_CLIENT_HELLO)) {
		put(&o, "none");
		return o.need;
	}
	if (!(ch->flags & RDPNEG_HELLO_SUPPORTED_VERSIONS) ||
	    ch->nversions == 0) {
		put(&o, "up to ");
		put_name(&o, rdpneg_tls_version_names, ch->legacy_version,
		    "0x%04x");
		return o.need;
	}
	for (i = 0; i < ch->nversions; i++) {
		if (rdpneg_tls_grease(ch->versions[i]))
			continue;
		put(&o, sep);
		put_name(&o, rdpneg_tls_version_names, ch->versions[i],
		    "0x%04x");
		sep = ", ";
	}
	return o.need;
}

size_t
rdpneg_tls_suites_str(const struct rdpneg_tls *tls, size_t max, char *buf,
    size_t size)
{
	const struct rdpneg_tls_client_hello *ch = &tls->client_hello;
	char head[32];
	struct out o;
	size_t i, named = 0;

	out_init(&o, buf, size);
	if (!(tls->have & RDPNEG_TLS_HAVE_CLIENT_HELLO)) {
		put(&o, "none");
		return o.need;
	}
	snprintf(head, sizeof(head), "%u suite%s", (unsigned)ch->nsuites,
	    ch->nsuites == 1 ? "" : "s");
	put(&o, head);
	for (i = 0; i < ch->nsuites && i < RDPNEG_TLS_SUITES_MAX &&
	    named < max; i++) {
		if (rdpneg_tls_grease(ch->suites[i]))
			continue;
		put(&o, named == 0 ? ": " : ", ");
		put_name(&o, rdpneg_tls_suite_names, ch->suites[i], "0x%04x");
		named++;
	}
	if (named > 0 && named < ch->nsuites)
		put(&o, ", ...");
	return o.need;
}

size_t
rdpneg_tls_alert_str(const struct rdpneg_tls_dir *dir, char *buf,
    size_t size)
{
	char code[16];
	struct out o;

	out_init(&o, buf, size);
	if (dir->nalerts == 0) {
		put(&o, "none");
		return o.need;
	}
	put_name(&o, rdpneg_tls_alert_level_names, dir->alert.level,
	    "level %u");
	put(&o, " ");
	put_name(&o, rdpneg_tls_alert_names, dir->alert.description,
	    "alert %u");
	snprintf(code, sizeof(code), " (%u)", (unsigned)dir->alert.description);
	put(&o, code);
	return o.need;
}

size_t
rdpneg_cert_flags_str(unsigned flags, char *buf, size_t size)
{
	const struct rdpneg_tok *t;
	const char *sep = "";
	struct out o;

	out_init(&o, buf, size);
	if (flags == 0) {
		put(&o, "none");
		return o.need;
	}
	for (t = rdpneg_cert_flag_names; t->name != NULL; t++) {
		if (!(flags & t->value))
			continue;
		put(&o, sep);
		put(&o, t->name);
		sep = ", ";
	}
	return o.need;
}

size_t
rdpneg_plaintext_str(enum rdpneg_plaintext kind, unsigned lo, unsigned hi,
    char *buf, size_t size)
{
	char text[48];
	struct out o;

	out_init(&o, buf, size);
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
	put(&o, text);
	return o.need;
}
