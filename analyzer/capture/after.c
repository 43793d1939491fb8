/*
 * after.c - the bytes after the negotiation, fed to the TLS decoder
 * (after.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "capture/after.h"

void
after_start(struct after *a, uint32_t seq)
{
	if (a->state != AFTER_IDLE)
		return;
	stream_init(&a->s, seq, RDPNEG_TLS_STREAM_BUDGET);
	a->state = AFTER_FIRST;
}

/* The first byte is known: TLS follows, or nothing more is read. */
static int
first_byte(struct after *a, const struct after_conn *c, int from_client,
    uint8_t first)
{
	rdpneg_evidence_next(c->ev, from_client, first);
	if (!rdpneg_evidence_starts_tls(c->ev, from_client)) {
		after_done(a);
		return 0;
	}
	if (*c->tls == NULL) {
		if ((*c->tls = calloc(1, sizeof(**c->tls))) == NULL)
			return -1;
		c->ev->tls = *c->tls;
	}
	a->state = AFTER_TLS;
	return 0;
}

void
after_done(struct after *a)
{
	stream_free(&a->s);
	free(a->hs);
	a->hs = NULL;
	a->state = AFTER_DONE;
}

/* The server's certificate, read once at the time it arrived. */
static int
read_certificate(struct after *a, const struct after_conn *c, int64_t sec)
{
	struct rdpneg_tls *tls = *c->tls;
	struct rdpneg_cert *cert;
	char err[128];

	if (!(tls->have & RDPNEG_TLS_HAVE_CERTIFICATE) ||
	    (tls->have & RDPNEG_TLS_HAVE_CERT_FACTS) || *c->cert != NULL)
		return 0;
	cert = calloc(1, sizeof(*cert));
	if (cert == NULL)
		return -1;
	/* A certificate GnuTLS cannot read is a fact (UNPARSABLE). */
	(void)rdpneg_read_certificate(c->certs, a->hs + tls->cert_off,
	    tls->cert_len, sec, tls->client_hello.sni,
	    tls->client_hello.sni_len, cert, err, sizeof(err));
	cert->chain_length = tls->cert_count;
	*c->cert = cert;
	rdpneg_tls_set_certificate(tls, cert->flags);
	return 0;
}

int
after_add(struct after *a, const struct after_conn *c, int from_client,
    uint32_t seq, const uint8_t *data, size_t caplen, size_t len,
    uint64_t frame, int64_t sec)
{
	uint32_t off = a->s.base - seq;		/* modulo 2^32 */
	enum rdpneg_status st;

	if (a->state != AFTER_FIRST && a->state != AFTER_TLS)
		return 0;
	/* Most connections are not TLS: when the first byte comes in order,
	 * it alone decides, and nothing is buffered for them. */
	if (a->state == AFTER_FIRST && a->s.high == 0 && off < caplen) {
		if (first_byte(a, c, from_client, data[off]) < 0)
			return -1;
		if (a->state != AFTER_TLS)
			return 0;
	}
	switch (stream_add(&a->s, seq, data, caplen, len)) {
	case -1:
		return -1;
	case 0:
		return 0;
	default:
		break;
	}
	if (a->state == AFTER_FIRST &&
	    first_byte(a, c, from_client, a->s.data[0]) < 0)
		return -1;
	if (a->state != AFTER_TLS)
		return 0;
	if (a->hs == NULL &&
	    (a->hs = malloc(RDPNEG_TLS_HANDSHAKE_BUDGET)) == NULL)
		return -1;
	st = rdpneg_tls_feed(*c->tls, from_client, a->s.data, a->s.contig,
	    a->hs, RDPNEG_TLS_HANDSHAKE_BUDGET, frame);
	if (!from_client && read_certificate(a, c, sec) < 0)
		return -1;
	/* Decided, malformed, or nothing more will be kept: stop here. */
	if (rdpneg_tls_decided(*c->tls) || rdpneg_status_is_malformed(st) ||
	    (a->s.overflow && a->s.contig >= a->s.limit))
		after_done(a);
	return 0;
}
