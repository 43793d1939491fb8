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

/* One stream budget serves both decoders. */
_Static_assert(RDPNEG_MCS_STREAM_BUDGET == RDPNEG_TLS_STREAM_BUDGET,
    "after.c keeps one stream budget");

/* The first byte is known: TLS or MCS follows, or nothing more is read. */
static int
first_byte(struct after *a, const struct after_conn *c, int from_client,
    uint8_t first)
{
	rdpneg_evidence_next(c->ev, from_client, first);
	if (rdpneg_evidence_starts_tls(c->ev, from_client)) {
		if (*c->tls == NULL) {
			if ((*c->tls = calloc(1, sizeof(**c->tls))) == NULL)
				return -1;
			c->ev->tls = *c->tls;
		}
		a->state = AFTER_TLS;
	} else if (rdpneg_evidence_starts_mcs(c->ev, from_client)) {
		if (*c->mcs == NULL) {
			if ((*c->mcs = calloc(1, sizeof(**c->mcs))) == NULL)
				return -1;
			c->ev->mcs = *c->mcs;
		}
		a->state = AFTER_MCS;
	} else
		after_done(a);
	return 0;
}

int
after_conn_decided(const struct after_conn *c)
{
	return (*c->tls != NULL && rdpneg_tls_decided(*c->tls)) ||
	    (*c->mcs != NULL && rdpneg_mcs_decided(*c->mcs));
}

void
after_done(struct after *a)
{
	stream_free(&a->s);
	free(a->hs);
	a->hs = NULL;
	a->state = AFTER_DONE;
}

/* A server certificate of der[len], read once at the time it arrived
 * (sni: the name the client asked for, or NULL); NULL when out of
 * memory.  A certificate GnuTLS cannot read is a fact (UNPARSABLE). */
static struct rdpneg_cert *
read_certificate(const struct after_conn *c, const uint8_t *der, size_t len,
    int64_t sec, const uint8_t *sni, size_t sni_len, unsigned chain_length)
{
	struct rdpneg_cert *cert;
	char err[128];

	if ((cert = calloc(1, sizeof(*cert))) == NULL)
		return NULL;
	(void)rdpneg_read_certificate(c->certs, der, len, sec, sni, sni_len,
	    cert, err, sizeof(err));
	cert->chain_length = chain_length;
	*c->cert = cert;
	return cert;
}

/* The TLS server's certificate, once its Certificate message is in. */
static int
tls_certificate(struct after *a, const struct after_conn *c, int64_t sec)
{
	struct rdpneg_tls *tls = *c->tls;
	struct rdpneg_cert *cert;

	if (!(tls->have & RDPNEG_TLS_HAVE_CERTIFICATE) ||
	    (tls->have & RDPNEG_TLS_HAVE_CERT_FACTS) || *c->cert != NULL)
		return 0;
	cert = read_certificate(c, a->hs + tls->cert_off, tls->cert_len, sec,
	    tls->client_hello.sni, tls->client_hello.sni_len, tls->cert_count);
	if (cert == NULL)
		return -1;
	rdpneg_tls_set_certificate(tls, cert->flags);
	return 0;
}

/* Standard security's X.509 server certificate (MS-RDPBCGR 5.3.3.1.3),
 * once the Connect-Response is in; a proprietary one is not X.509. */
static int
mcs_certificate(struct after *a, const struct after_conn *c, int64_t sec)
{
	struct rdpneg_mcs *mcs = *c->mcs;
	struct rdpneg_cert *cert;

	if (mcs->cert_len == 0 || (mcs->have & RDPNEG_MCS_HAVE_CERT_FACTS) ||
	    *c->cert != NULL)
		return 0;
	cert = read_certificate(c, a->s.data + mcs->cert_off, mcs->cert_len,
	    sec, NULL, 0, mcs->server.cert_count);
	if (cert == NULL)
		return -1;
	rdpneg_mcs_set_certificate(mcs, cert->flags);
	return 0;
}

/* Walk what became contiguous with the Standard-security decoder. */
static int
mcs_add(struct after *a, const struct after_conn *c, int from_client,
    uint64_t frame, int64_t sec)
{
	enum rdpneg_status st;

	st = rdpneg_mcs_feed(*c->mcs, from_client, a->s.data, a->s.contig,
	    frame);
	if (!from_client && mcs_certificate(a, c, sec) < 0)
		return -1;
	if (rdpneg_mcs_decided(*c->mcs) || rdpneg_status_is_malformed(st) ||
	    (a->s.overflow && a->s.contig >= a->s.limit))
		after_done(a);
	return 0;
}

int
after_add(struct after *a, const struct after_conn *c, int from_client,
    uint32_t seq, const uint8_t *data, size_t caplen, size_t len,
    uint64_t frame, int64_t sec)
{
	uint32_t off = a->s.base - seq;		/* modulo 2^32 */
	enum rdpneg_status st;

	if (a->state != AFTER_FIRST && a->state != AFTER_TLS &&
	    a->state != AFTER_MCS)
		return 0;
	/* Most connections are not TLS: when the first byte comes in order,
	 * it alone decides, and nothing is buffered for them. */
	if (a->state == AFTER_FIRST && a->s.high == 0 && off < caplen) {
		if (first_byte(a, c, from_client, data[off]) < 0)
			return -1;
		if (a->state != AFTER_TLS && a->state != AFTER_MCS)
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
	if (a->state == AFTER_MCS)
		return mcs_add(a, c, from_client, frame, sec);
	if (a->state != AFTER_TLS)
		return 0;
	if (a->hs == NULL &&
	    (a->hs = malloc(RDPNEG_TLS_HANDSHAKE_BUDGET)) == NULL)
		return -1;
	st = rdpneg_tls_feed(*c->tls, from_client, a->s.data, a->s.contig,
	    a->hs, RDPNEG_TLS_HANDSHAKE_BUDGET, frame);
	if (!from_client && tls_certificate(a, c, sec) < 0)
		return -1;
	/* Decided, malformed, or nothing more will be kept: stop here. */
	if (rdpneg_tls_decided(*c->tls) || rdpneg_status_is_malformed(st) ||
	    (a->s.overflow && a->s.contig >= a->s.limit))
		after_done(a);
	return 0;
}
