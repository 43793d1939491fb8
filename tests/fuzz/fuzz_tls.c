/*
 * fuzz_tls.c - libFuzzer target: the TLS decoder (tls.h), its level-1
 * decoders on the raw input and the walker (rdpneg_tls_feed) on the
 * input cut into segments of both directions.
 *
 * Input: a control byte, then the bytes.
 *
 *   control  bits 0-2  chunk size each segment arrives in: whole, 1, 2,
 *                      3, 7, 64, 512, 4096 bytes
 *            bit 3     raw: the bytes are one direction's stream, one
 *                      segment (else: segments, below)
 *            bit 4     raw: from the client (else the server)
 *   segment  1 byte (bit 0: from the client), 2 bytes length (BE), then
 *            that many bytes (fewer at the end of the input)
 *
 * The session is walked twice: each segment in chunks, then each at once;
 * both must record the same facts.  After every call the walker's
 * contract is checked: statuses in range, consumed <= len and within the
 * budget, OK only when all was walked, hs_parsed <= hs_len <= hs_size,
 * the certificate inside the server's handshake bytes, napp within its
 * bound and napp_total, frames not after the newest.  The level-1
 * decoders get the whole input (exact-size copies): spans inside it, each
 * status one of its own, every strict prefix of an OK or TRUNCATED record
 * or message TRUNCATED, no prefix of a malformed record OK.  The server's
 * certificate, when the walk found one, and the input itself are read as
 * DER by the certificate reader (x509.h): texts NUL-terminated within
 * their arrays, only known flags, UNPARSABLE exactly when it fails.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "rdpneg/rdpneg.h"
#include "rdpneg/tls.h"
#include "rdpneg/x509.h"

#define HS_SIZE		(32 * 1024)	/* as a consumer lends it */
#define PREFIX_EDGE	64		/* prefixes checked at each end */

static const size_t chunk_sizes[8] = { 0, 1, 2, 3, 7, 64, 512, 4096 };

static void
check_status(enum rdpneg_status st)
{
	CHECK((unsigned)st < RDPNEG_STATUS_COUNT);
	CHECK(rdpneg_status_str(st) != NULL);
}

/* ---- level 1 */

static void
check_client_hello(const struct rdpneg_tls_client_hello *ch)
{
	CHECK(ch->nversions <= RDPNEG_TLS_VERSIONS_MAX);
	CHECK(ch->sni_len <= RDPNEG_TLS_SNI_MAX);
	if (ch->flags & RDPNEG_HELLO_SNI_CUT)
		CHECK(ch->sni_len == RDPNEG_TLS_SNI_MAX &&
		    (ch->flags & RDPNEG_HELLO_SNI));
	if (ch->sni_len > 0)
		CHECK(ch->flags & RDPNEG_HELLO_SNI);
	if (ch->nversions > 0)
		CHECK(ch->flags & RDPNEG_HELLO_SUPPORTED_VERSIONS);
	CHECK((ch->flags & ~0x07u) == 0);
}

/* The message decoders on one body. */
static void
decode_bodies(const uint8_t *data, size_t size)
{
	struct rdpneg_tls_client_hello ch;
	struct rdpneg_tls_server_hello sh;
	struct rdpneg_tls_certificates cs;
	struct rdpneg_tls_alert al;
	enum rdpneg_status st;
	uint8_t *b = dup_exact(data, size);

	st = rdpneg_decode_client_hello(size ? b : NULL, size, &ch);
	CHECK(st == RDPNEG_OK || st == RDPNEG_ERR_TLS_HELLO);
	if (st == RDPNEG_OK)
		check_client_hello(&ch);

	st = rdpneg_decode_server_hello(size ? b : NULL, size, &sh);
	CHECK(st == RDPNEG_OK || st == RDPNEG_ERR_TLS_HELLO);
	if (st == RDPNEG_OK) {
		CHECK((sh.flags & ~0x0cu) == 0);
		if (!(sh.flags & RDPNEG_HELLO_SUPPORTED_VERSIONS))
			CHECK(sh.version == sh.legacy_version);
	}

	st = rdpneg_decode_certificates(size ? b : NULL, size, &cs);
	CHECK(st == RDPNEG_OK || st == RDPNEG_ERR_TLS_CERTIFICATE);
	check_span(&cs.first, b, size);
	if (st == RDPNEG_OK) {
		/* After the list's and the entry's lengths. */
		if (cs.count == 0)
			CHECK(cs.first.len == 0);
		else if (cs.first.len > 0)
			CHECK(cs.first.ptr == b + 6);
	}

	st = rdpneg_decode_tls_alert(size ? b : NULL, size, &al);
	CHECK(st == (size == 2 ? RDPNEG_OK : RDPNEG_ERR_TLS_ALERT));
	if (st == RDPNEG_OK)
		CHECK(al.level == b[0] && al.description == b[1]);
	(void)rdpneg_tok_str(rdpneg_tls_alert_names, al.description);
	(void)rdpneg_tok_str(rdpneg_tls_alert_level_names, al.level);
	free(b);
}

static enum rdpneg_status
record_exact(const uint8_t *data, size_t n, struct rdpneg_tls_record *r)
{
	enum rdpneg_status st;
	uint8_t *b = dup_exact(data, n);

	memset(r, 0xa5, sizeof(*r));
	st = rdpneg_decode_tls_record(n ? b : NULL, n, r);
	CHECK(st == RDPNEG_OK || st == RDPNEG_TRUNCATED ||
	    st == RDPNEG_ERR_TLS_RECORD);
	check_span(&r->fragment, b, n);
	if (st != RDPNEG_ERR_TLS_RECORD && r->size != 0) {
		CHECK(r->size == 5u + r->length);
		CHECK(r->length <= RDPNEG_TLS_RECORD_MAX);
		CHECK(r->fragment.len == (n >= r->size ? r->length : n - 5));
		if (r->fragment.len > 0)
			CHECK(r->fragment.ptr == b + 5);
	}
	if (st == RDPNEG_OK) {
		CHECK(r->size <= n);
		CHECK(r->type >= RDPNEG_TLS_CHANGE_CIPHER_SPEC &&
		    r->type <= RDPNEG_TLS_HEARTBEAT);
		CHECK(r->version >> 8 == 3);
	}
	free(b);
	return st;
}

static void
record_prefix(const uint8_t *data, enum rdpneg_status whole, size_t k)
{
	struct rdpneg_tls_record r;
	enum rdpneg_status st = record_exact(data, k, &r);

	if (whole == RDPNEG_ERR_TLS_RECORD)
		CHECK(st != RDPNEG_OK);
	else
		CHECK(st == RDPNEG_TRUNCATED);
}

static void
level1(const uint8_t *data, size_t size)
{
	struct rdpneg_tls_record r;
	struct rdpneg_tls_message m;
	enum rdpneg_status st;
	size_t k, end;
	uint8_t *b;

	st = record_exact(data, size, &r);
	end = st == RDPNEG_OK ? r.size : size;
	for (k = 0; k < end; k++) {
		if (k == PREFIX_EDGE && end > 2 * PREFIX_EDGE)
			k = end - PREFIX_EDGE;
		record_prefix(data, st, k);
	}
	if (st == RDPNEG_OK)
		decode_bodies(data + 5, r.length);

	b = dup_exact(data, size);
	st = rdpneg_decode_tls_message(size ? b : NULL, size, &m);
	CHECK(st == RDPNEG_OK || st == RDPNEG_TRUNCATED);
	check_span(&m.body, b, size);
	if (st == RDPNEG_OK) {
		CHECK(m.size == 4u + m.length && m.size <= size);
		CHECK(m.body.len == m.length);
		for (k = 0; k < m.size && k < PREFIX_EDGE; k++) {
			struct rdpneg_tls_message p;
			uint8_t *c = dup_exact(data, k);

			CHECK(rdpneg_decode_tls_message(k ? c : NULL, k, &p) ==
			    RDPNEG_TRUNCATED);
			free(c);
		}
		decode_bodies(b + 4, m.length);
	}
	(void)rdpneg_tok_str(rdpneg_tls_handshake_names, m.type);
	free(b);
	decode_bodies(data, size);
}

/* ---- level 2 */

struct run {
	struct rdpneg_tls	tls;
	uint8_t			*stream[2];	/* [0] client, [1] server */
	size_t			len[2];
	uint8_t			*hs[2];
	enum rdpneg_status	last[2];
};

static void
check_tls(const struct run *r, uint64_t frame)
{
	const struct rdpneg_tls *tls = &r->tls;
	size_t i;

	CHECK(tls->napp <= RDPNEG_TLS_RECORDS_MAX);
	CHECK(tls->napp <= tls->napp_total);
	CHECK((tls->napp_total > tls->napp) ==
	    ((tls->have & RDPNEG_TLS_RECORDS_CUT) != 0));
	CHECK((tls->have & ~0x3fu) == 0);
	CHECK((tls->have & RDPNEG_TLS_HAVE_CERT_FACTS) == 0);
	for (i = 0; i < tls->napp; i++) {
		CHECK(tls->app[i].frame <= frame);
		CHECK(tls->app[i].from_client <= 1);
		if (tls->app[i].handshake)
			CHECK(rdpneg_tls_version(tls) == RDPNEG_TLS_1_3);
		if (i > 0)
			CHECK(tls->app[i].frame >= tls->app[i - 1].frame);
	}
	if (tls->have & RDPNEG_TLS_HAVE_CLIENT_HELLO) {
		check_client_hello(&tls->client_hello);
		CHECK(tls->client_hello_frame <= frame);
	}
	if (tls->have & RDPNEG_TLS_HAVE_SERVER_HELLO)
		CHECK(tls->server_hello_frame <= frame);
	if (tls->have & RDPNEG_TLS_HAVE_CERTIFICATE) {
		CHECK(tls->cert_off <= tls->dir[1].hs_parsed);
		CHECK(tls->cert_len <= tls->dir[1].hs_parsed - tls->cert_off);
		CHECK(tls->cert_frame <= frame);
		if (tls->cert_count == 0)
			CHECK(tls->cert_off == 0 && tls->cert_len == 0);
	}
	for (i = 0; i < 2; i++) {
		const struct rdpneg_tls_dir *d = &tls->dir[i];

		check_status((enum rdpneg_status)d->status);
		CHECK(d->consumed <= r->len[i]);
		CHECK(d->consumed <= RDPNEG_TLS_STREAM_BUDGET);
		CHECK(d->hs_parsed <= d->hs_len && d->hs_len <= HS_SIZE);
		CHECK(d->records <= d->consumed / 5);
		CHECK(d->encrypted <= 1 && d->ccs <= 1);
		if (d->records > 0)
			CHECK(d->first_frame <= d->last_frame &&
			    d->last_frame <= frame);
		if (d->nalerts > 0)
			CHECK(d->alert_frame <= frame);
		if (d->status == RDPNEG_TRUNCATED)
			CHECK(tls->have & RDPNEG_TLS_BUDGET_SPENT);
		if (d->status != RDPNEG_OK)
			CHECK(r->last[i] == d->status);
	}
	(void)rdpneg_tls_decided(tls);
	(void)rdpneg_tok_str(rdpneg_tls_version_names,
	    rdpneg_tls_version(tls));
	(void)rdpneg_tls_client_max_version(tls);
	(void)rdpneg_tls_client_offered_suite(tls, tls->server_hello.suite);
	(void)rdpneg_tok_str(rdpneg_tls_suite_names, tls->server_hello.suite);
}

/* Bytes of one segment arrive, in chunks of step (0: at once). */
static void
arrive(struct run *r, int from_client, const uint8_t *p, size_t n,
    size_t step, uint64_t frame)
{
	int i = from_client ? 0 : 1;
	size_t done = 0, k;
	enum rdpneg_status st;

	do {
		k = step == 0 || step > n - done ? n - done : step;
		if (k > 0)
			memcpy(r->stream[i] + r->len[i], p + done, k);
		r->len[i] += k;
		done += k;
		st = rdpneg_tls_feed(&r->tls, from_client, r->stream[i],
		    r->len[i], r->hs[i], HS_SIZE, frame);
		check_status(st);
		r->last[i] = st;
		if (st == RDPNEG_OK)
			CHECK(r->tls.dir[i].consumed == r->len[i]);
		else
			CHECK(r->tls.dir[i].consumed < r->len[i] ||
			    r->tls.dir[i].status != RDPNEG_OK);
		check_tls(r, frame);
	} while (done < n);
}

static void
walk(struct run *r, const uint8_t *data, size_t size, size_t step)
{
	struct fuzz_in in = { data + 1, size - 1 };
	const uint8_t *p;
	uint64_t frame = 0;
	size_t n;
	int from_client;

	if (data[0] & 0x08) {
		arrive(r, (data[0] & 0x10) != 0, data + 1, size - 1, step, 1);
		return;
	}
	while (in_segment(&in, &from_client, &p, &n))
		arrive(r, from_client, p, n, step, ++frame);
}

static void
run_init(struct run *r, size_t size)
{
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < 2; i++) {
		r->stream[i] = malloc(size ? size : 1);
		r->hs[i] = malloc(HS_SIZE);
		CHECK(r->stream[i] != NULL && r->hs[i] != NULL);
	}
}

static void
run_free(struct run *r)
{
	int i;

	for (i = 0; i < 2; i++) {
		free(r->stream[i]);
		free(r->hs[i]);
	}
}

/* A NUL inside the array: the text is terminated. */
#define TERMINATED(a)	(memchr((a), '\0', sizeof(a)) != NULL)

static void
check_certificate(const uint8_t *der, size_t len, const uint8_t *sni,
    size_t sni_len)
{
	struct rdpneg_cert cert;
	char err[64];
	uint8_t *b = dup_exact(der, len);
	int rc;

	memset(&cert, 0xa5, sizeof(cert));
	rc = rdpneg_parse_certificate(b, len, 1714557600, sni, sni_len, &cert,
	    err, sizeof(err));
	CHECK(rc == 0 || rc == -1);
	CHECK((rc == -1) == ((cert.flags & RDPNEG_CERT_UNPARSABLE) != 0));
	CHECK((cert.flags & ~0x7fu) == 0);
	CHECK(rc == 0 || TERMINATED(err));
	if (rc == 0) {
		CHECK(TERMINATED(cert.subject) && TERMINATED(cert.issuer) &&
		    TERMINATED(cert.names) && TERMINATED(cert.serial) &&
		    TERMINATED(cert.key_type) && TERMINATED(cert.signature));
	}
	free(b);
}

static void
check_same(const struct run *a, const struct run *b)
{
	const struct rdpneg_tls *x = &a->tls, *y = &b->tls;
	size_t i;

	CHECK(x->have == y->have);
	CHECK(x->client_hello_frame == y->client_hello_frame);
	CHECK(x->server_hello_frame == y->server_hello_frame);
	CHECK(x->client_hello.nsuites == y->client_hello.nsuites);
	CHECK(x->client_hello.sni_len == y->client_hello.sni_len);
	CHECK(x->server_hello.version == y->server_hello.version);
	CHECK(x->cert_count == y->cert_count && x->cert_off == y->cert_off &&
	    x->cert_len == y->cert_len && x->cert_frame == y->cert_frame);
	CHECK(x->napp == y->napp && x->napp_total == y->napp_total);
	for (i = 0; i < x->napp; i++)
		CHECK(x->app[i].length == y->app[i].length &&
		    x->app[i].from_client == y->app[i].from_client &&
		    x->app[i].handshake == y->app[i].handshake &&
		    x->app[i].frame == y->app[i].frame);
	for (i = 0; i < 2; i++) {
		const struct rdpneg_tls_dir *p = &x->dir[i], *q = &y->dir[i];

		CHECK(p->consumed == q->consumed && p->hs_len == q->hs_len &&
		    p->hs_parsed == q->hs_parsed);
		CHECK(memcmp(a->hs[i], b->hs[i], p->hs_len) == 0);
		CHECK(p->status == q->status && p->encrypted == q->encrypted);
		CHECK(p->messages == q->messages && p->records == q->records);
		CHECK(p->ccs == q->ccs && p->nalerts == q->nalerts);
		CHECK(p->first_frame == q->first_frame &&
		    p->last_frame == q->last_frame);
		CHECK(a->last[i] == b->last[i]);
	}
	CHECK(rdpneg_tls_decided(x) == rdpneg_tls_decided(y));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run *a, *b;

	level1(data, size);
	if (size == 0)
		return 0;
	a = malloc(sizeof(*a));
	b = malloc(sizeof(*b));
	CHECK(a != NULL && b != NULL);
	run_init(a, size);
	run_init(b, size);
	walk(a, data, size, chunk_sizes[data[0] & 7]);
	walk(b, data, size, 0);
	check_same(a, b);
	if (b->tls.have & RDPNEG_TLS_HAVE_CERTIFICATE)
		check_certificate(b->hs[1] + b->tls.cert_off, b->tls.cert_len,
		    b->tls.client_hello.sni, b->tls.client_hello.sni_len);
	check_certificate(data + 1, size - 1, data, size > 8 ? 8 : size);
	run_free(a);
	run_free(b);
	free(a);
	free(b);
	return 0;
}
