/*
 * credssp.c - CredSSP progress inferred from record lengths (credssp.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "rdpneg/credssp.h"

const struct rdpneg_tok rdpneg_credssp_stage_names[] = {
	{ RDPNEG_CREDSSP_NONE, "none" },
	{ RDPNEG_CREDSSP_NEGOTIATE, "negotiate" },
	{ RDPNEG_CREDSSP_CHALLENGE, "challenge" },
	{ RDPNEG_CREDSSP_AUTHENTICATE, "authenticate" },
	{ RDPNEG_CREDSSP_ERROR, "error" },
	{ RDPNEG_CREDSSP_PUB_KEY_AUTH, "pub-key-auth" },
	{ RDPNEG_CREDSSP_CREDENTIALS, "credentials" },
	{ RDPNEG_CREDSSP_EARLY_USER_AUTH, "early-user-auth" },
	{ RDPNEG_CREDSSP_COMPLETE, "complete" },
	{ 0, NULL }
};

const struct rdpneg_tok rdpneg_plaintext_names[] = {
	{ RDPNEG_PLAINTEXT_UNKNOWN, "unknown" },
	{ RDPNEG_PLAINTEXT_EXACT, "exact" },
	{ RDPNEG_PLAINTEXT_AT_MOST, "at-most" },
	{ RDPNEG_PLAINTEXT_RANGE, "range" },
	{ 0, NULL }
};

/*
 * A TLS 1.2-or-earlier suite's record overhead, from its IANA name
 * (rdpneg_tls_suite_names): AEAD (RFC 5288 3, RFC 6655 3, RFC 7905 2),
 * a stream cipher's MAC, or CBC's explicit IV, MAC and padding
 * (RFC 5246 6.2.3.2).
 */
struct overhead {
	unsigned	fixed;		/* always added */
	unsigned	block;		/* CBC: padding of 1..block bytes */
};

struct suffix {
	const char	*text;
	unsigned	 bytes;
};

static const struct suffix macs[] = {
	{ "_SHA384", 48 }, { "_SHA256", 32 }, { "_SHA", 20 }, { "_MD5", 16 },
	{ NULL, 0 }
};

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int
suite_overhead(const char *name, uint16_t version, struct overhead *o)
{
	const struct suffix *mac;

	o->block = 0;
	if (strstr(name, "_CCM_8") != NULL) {
		o->fixed = 8 + 8;
		return 1;
	}
	if (strstr(name, "_GCM_") != NULL || strstr(name, "_CCM") != NULL) {
		o->fixed = 8 + 16;
		return 1;
	}
	if (strstr(name, "CHACHA20_POLY1305") != NULL) {
		o->fixed = 16;
		return 1;
	}
	for (mac = macs; mac->text != NULL; mac++)
		if (ends_with(name, mac->text))
			break;
	if (mac->text == NULL)
		return 0;
	o->fixed = mac->bytes;
	if (strstr(name, "_RC4_") != NULL)
		return 1;
	if (strstr(name, "_CBC_") == NULL)
		return 0;
	o->block = strstr(name, "DES_") != NULL ? 8 : 16;
	if (version >= RDPNEG_TLS_1_1)		/* explicit IV */
		o->fixed += o->block;
	return 1;
}

enum rdpneg_plaintext
rdpneg_tls_plaintext(const struct rdpneg_tls *tls, unsigned len,
    unsigned *lo, unsigned *hi)
{
	uint16_t version = rdpneg_tls_version(tls);
	const char *name;
	struct overhead o;

	*lo = 0;
	*hi = len;
	if (!(tls->have & RDPNEG_TLS_HAVE_SERVER_HELLO))
		return RDPNEG_PLAINTEXT_UNKNOWN;
	if (version >= RDPNEG_TLS_1_3) {
		/* RFC 8446 5.2: padding may hide some; OpenSSL, GnuTLS and
		 * Schannel send none, so lo is taken as hi. */
		*lo = *hi = len > 17 ? len - 17 : 0;
		return RDPNEG_PLAINTEXT_AT_MOST;
	}
	name = rdpneg_tok_str(rdpneg_tls_suite_names, tls->server_hello.suite);
	if (name == NULL || !suite_overhead(name, version, &o))
		return RDPNEG_PLAINTEXT_UNKNOWN;
	if (len < o.fixed + (o.block ? 1 : 0)) {
		*hi = 0;
		return RDPNEG_PLAINTEXT_EXACT;
	}
	*hi = len - o.fixed - (o.block ? 1 : 0);
	if (o.block == 0) {
		*lo = *hi;
		return RDPNEG_PLAINTEXT_EXACT;
	}
	*lo = len - o.fixed >= o.block ? len - o.fixed - o.block : 0;
	return RDPNEG_PLAINTEXT_RANGE;
}

/* An encrypted alert (close_notify: 2 bytes of plaintext), as
 * freerdp-shadow-cli sends on a failed logon and FreeRDP on closing: not
 * a CredSSP message. */
static int
is_alert(const struct rdpneg_tls *tls, const struct rdpneg_tls_app_record *a)
{
	unsigned lo, hi;

	return rdpneg_tls_plaintext(tls, a->length, &lo, &hi) !=
	    RDPNEG_PLAINTEXT_UNKNOWN && hi <= 2;
}

/* A run of records from one side: one CredSSP message, or (the client's
 * authInfo then its MCS Connect Initial) two. */
struct run {
	int		from_client;
	unsigned	count;
	unsigned	last_len;	/* its last record's length */
	uint64_t	frame;		/* its first record's */
};

static void
decide(struct rdpneg_credssp *out, const struct rdpneg_tls *tls,
    const struct run *r, enum rdpneg_credssp_stage stage)
{
	out->stage = stage;
	out->last_from_client = r->from_client;
	out->frame = r->frame;
	rdpneg_tls_plaintext(tls, r->last_len, &out->last_min, &out->last_max);
}

/* Can a server message of plaintext within [lo, hi] be an error
 * TSRequest?  More than the 4 bytes of an Early User Authorization
 * Result, and no more than RDPNEG_CREDSSP_ERROR_MAX. */
static int
is_error(unsigned lo, unsigned hi)
{
	return lo <= RDPNEG_CREDSSP_ERROR_MAX && hi > 4;
}

/* One run in the turn-taking of MS-CSSP 3.1.5 (credssp.h). */
static void
step(struct rdpneg_credssp *out, const struct rdpneg_tls *tls,
    const struct run *r, int hybrid_ex)
{
	enum rdpneg_credssp_stage s = out->stage;
	unsigned lo, hi;

	out->messages++;
	if (r->from_client) {
		switch (s) {
		case RDPNEG_CREDSSP_NONE:
			decide(out, tls, r, RDPNEG_CREDSSP_NEGOTIATE);
			break;
		case RDPNEG_CREDSSP_CHALLENGE:
			decide(out, tls, r, RDPNEG_CREDSSP_AUTHENTICATE);
			break;
		case RDPNEG_CREDSSP_PUB_KEY_AUTH:
			/* authInfo and, straight after it without the
			 * server's turn, the MCS Connect Initial. */
			decide(out, tls, r, r->count >= 2 && !hybrid_ex ?
			    RDPNEG_CREDSSP_COMPLETE :
			    RDPNEG_CREDSSP_CREDENTIALS);
			break;
		case RDPNEG_CREDSSP_EARLY_USER_AUTH:
			decide(out, tls, r, RDPNEG_CREDSSP_COMPLETE);
			break;
		default:
			break;
		}
		return;
	}
	rdpneg_tls_plaintext(tls, r->last_len, &lo, &hi);
	switch (s) {
	case RDPNEG_CREDSSP_NEGOTIATE:
	case RDPNEG_CREDSSP_AUTHENTICATE:
		if (is_error(lo, hi))
			decide(out, tls, r, RDPNEG_CREDSSP_ERROR);
		else
			decide(out, tls, r, s == RDPNEG_CREDSSP_NEGOTIATE ?
			    RDPNEG_CREDSSP_CHALLENGE :
			    RDPNEG_CREDSSP_PUB_KEY_AUTH);
		break;
	case RDPNEG_CREDSSP_CREDENTIALS:
		/* HYBRID_EX's result (2.2.10.2); otherwise another round of
		 * tokens (Kerberos). */
		if (hybrid_ex && lo <= 4 && 4 <= hi)
			decide(out, tls, r, RDPNEG_CREDSSP_EARLY_USER_AUTH);
		else if (is_error(lo, hi))
			decide(out, tls, r, RDPNEG_CREDSSP_ERROR);
		else
			decide(out, tls, r, RDPNEG_CREDSSP_PUB_KEY_AUTH);
		break;
	default:
		break;
	}
}

void
rdpneg_infer_credssp(const struct rdpneg_evidence *ev,
    struct rdpneg_credssp *out)
{
	const struct rdpneg_tls *tls = rdpneg_evidence_tls(ev);
	const struct rdpneg_tls_app_record *a;
	struct run r;
	int hybrid_ex, open = 0;
	unsigned lo, hi;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!rdpneg_selected_credssp(ev))
		return;
	out->plaintext = rdpneg_tls_plaintext(tls, 0, &lo, &hi);
	hybrid_ex = (ev->response_value & RDPNEG_PROTOCOL_HYBRID_EX) != 0;
	memset(&r, 0, sizeof(r));
	for (i = 0; i < tls->napp && out->stage != RDPNEG_CREDSSP_ERROR &&
	    out->stage != RDPNEG_CREDSSP_COMPLETE; i++) {
		a = &tls->app[i];
		if (a->handshake || is_alert(tls, a))
			continue;
		/* The server speaks second: its records before the client's
		 * first are TLS 1.3 session tickets. */
		if (!a->from_client && !open)
			continue;
		if (open && (a->from_client != 0) == r.from_client) {
			r.count++;
			r.last_len = a->length;
			continue;
		}
		if (open)
			step(out, tls, &r, hybrid_ex);
		r.from_client = a->from_client != 0;
		r.count = 1;
		r.last_len = a->length;
		r.frame = a->frame;
		open = 1;
	}
	if (open && out->stage != RDPNEG_CREDSSP_ERROR &&
	    out->stage != RDPNEG_CREDSSP_COMPLETE)
		step(out, tls, &r, hybrid_ex);
}
