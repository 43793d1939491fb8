/*
 * fuzz_mcs.c - libFuzzer target: the Standard RDP Security decoder
 * (mcs.h), its level-1 decoders on the raw input and the walker
 * (rdpneg_mcs_feed) on the input cut into segments of both directions.
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
 * The level-1 decoders get the input after the control byte (exact-size
 * copies), and the MCS PDU of a TPKT when there is one: statuses in
 * range and each one of the decoder's own; spans inside the input; texts
 * NUL-terminated within their arrays, nchannels <= RDPNEG_CHANNELS_MAX,
 * have bits known; every strict prefix of an OK or TRUNCATED TPKT
 * TRUNCATED; no prefix of an OK Connect-Initial, Connect-Response or
 * domain PDU malformed (TRUNCATED or OK: the decoded fields so far).
 *
 * The session is walked twice: each segment in chunks, then each at once.
 * After every call: statuses in range, consumed <= the bytes fed and the
 * budget, OK only when all was walked (or a fast-path PDU stopped it),
 * stage < RDPNEG_STAGE_COUNT, the leaf certificate inside the server's
 * stream fed so far, frames not after the newest.  When no budget was
 * hit both walks record the same facts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "rdpneg/mcs.h"
#include "rdpneg/mcs_text.h"
#include "rdpneg/rdpneg.h"

#define PREFIX_EDGE	48		/* prefixes checked at each end */

static const size_t chunk_sizes[8] = { 0, 1, 2, 3, 7, 64, 512, 4096 };

/* A NUL inside the array: the text is terminated. */
#define TERMINATED(a)	(memchr((a), '\0', sizeof(a)) != NULL)

static void
check_status(enum rdpneg_status st)
{
	CHECK((unsigned)st < RDPNEG_STATUS_COUNT);
	CHECK(rdpneg_status_str(st) != NULL);
}

/* ---- level 1 */

static void
check_client(const struct rdpneg_gcc_client *c)
{
	size_t i;

	CHECK((c->have & ~0x1ffu) == 0);
	CHECK(TERMINATED(c->name));
	CHECK(TERMINATED(c->dig_product_id));
	CHECK(c->nchannels <= RDPNEG_CHANNELS_MAX);
	CHECK(c->nchannels <= c->channel_count);
	for (i = 0; i < RDPNEG_CHANNELS_MAX; i++)
		CHECK(TERMINATED(c->channels[i]));
	if (!(c->have & RDPNEG_CS_CORE))
		CHECK(rdpneg_gcc_color_depth(c) == 0);
	(void)rdpneg_rdp_offered(c);
}

static void
check_server(const struct rdpneg_gcc_server *s, const uint8_t *b, size_t n)
{
	CHECK((s->have & ~0x3fu) == 0);
	check_span(&s->cert_leaf, b, n);
	if (s->cert_leaf.len > 0)
		CHECK(s->cert_type == RDPNEG_CERT_CHAIN_X509);
	if (s->cert_permanent)
		CHECK(s->have & RDPNEG_SC_CERTIFICATE);
}

static int
is_one_of(enum rdpneg_status st, enum rdpneg_status a, enum rdpneg_status b,
    enum rdpneg_status c, enum rdpneg_status d)
{
	return st == RDPNEG_OK || st == RDPNEG_TRUNCATED || st == a ||
	    st == b || st == c || st == d;
}

/* The connect and domain decoders on n bytes (an exact copy); *st the
 * statuses, in this order: Connect-Initial, -Response, domain. */
static void
decode_mcs_data(const uint8_t *data, size_t n, enum rdpneg_status st[3])
{
	struct rdpneg_gcc_client ci;
	struct rdpneg_connect_response cr;
	struct rdpneg_domain_pdu d;
	uint8_t *b = dup_exact(data, n);

	memset(&ci, 0xa5, sizeof(ci));
	st[0] = rdpneg_decode_connect_initial(n ? b : NULL, n, &ci);
	CHECK(is_one_of(st[0], RDPNEG_ERR_MCS_BER, RDPNEG_ERR_GCC,
	    RDPNEG_ERR_USER_DATA, RDPNEG_ERR_MCS_BER));
	check_client(&ci);

	memset(&cr, 0xa5, sizeof(cr));
	st[1] = rdpneg_decode_connect_response(n ? b : NULL, n, &cr);
	CHECK(is_one_of(st[1], RDPNEG_ERR_MCS_BER, RDPNEG_ERR_GCC,
	    RDPNEG_ERR_USER_DATA, RDPNEG_ERR_MCS_BER));
	CHECK(cr.have_gcc <= 1);
	check_server(&cr.server, b, n);
	(void)rdpneg_tok_str(rdpneg_mcs_result_names, cr.mcs_result);
	(void)rdpneg_tok_str(rdpneg_gcc_result_names, cr.gcc_result);

	memset(&d, 0xa5, sizeof(d));
	st[2] = rdpneg_decode_domain_pdu(n ? b : NULL, n, &d);
	CHECK(is_one_of(st[2], RDPNEG_ERR_MCS_PER, RDPNEG_ERR_MCS_PER,
	    RDPNEG_ERR_MCS_PER, RDPNEG_ERR_MCS_PER));
	check_span(&d.user_data, b, n);
	CHECK(d.type < 64 && d.reason < 8 && d.result < 16);
	if (st[2] == RDPNEG_OK && n > 0)
		CHECK(d.type == b[0] >> 2);
	(void)rdpneg_tok_str(rdpneg_mcs_type_names, d.type);
	(void)rdpneg_tok_str(rdpneg_mcs_reason_names, d.reason);
	free(b);
}

/* The whole-span decoders: user data blocks, the security PDU. */
static void
decode_spans(const uint8_t *data, size_t n)
{
	struct rdpneg_gcc_client c;
	struct rdpneg_gcc_server s;
	struct rdpneg_sec_pdu sec;
	enum rdpneg_status st;
	uint8_t *b = dup_exact(data, n);
	int header;

	memset(&c, 0, sizeof(c));
	st = rdpneg_decode_client_data(n ? b : NULL, n, &c);
	CHECK(st == RDPNEG_OK || st == RDPNEG_ERR_USER_DATA);
	check_client(&c);

	memset(&s, 0, sizeof(s));
	st = rdpneg_decode_server_data(n ? b : NULL, n, &s);
	CHECK(st == RDPNEG_OK || st == RDPNEG_ERR_USER_DATA);
	check_server(&s, b, n);

	for (header = 0; header <= 1; header++) {
		memset(&sec, 0xa5, sizeof(sec));
		st = rdpneg_decode_sec_pdu(n ? b : NULL, n, header, &sec);
		CHECK(st == RDPNEG_OK || st == RDPNEG_ERR_SEC);
		CHECK((sec.have & ~0x1fu) == 0);
		if (header && n >= 4)
			CHECK(sec.have & RDPNEG_SEC_HAVE_HEADER);
		if (sec.have & RDPNEG_SEC_HAVE_ERROR)
			CHECK(sec.have & RDPNEG_SEC_HAVE_LICENSE);
		if (sec.have & RDPNEG_SEC_HAVE_ERRINFO)
			CHECK((sec.have & RDPNEG_SEC_HAVE_SHARE) &&
			    sec.pdu_type == RDPNEG_PDUTYPE_DATA &&
			    sec.pdu_type2 == RDPNEG_PDUTYPE2_SET_ERROR_INFO);
		CHECK(sec.pdu_type < 16);
		(void)rdpneg_tok_str(rdpneg_license_type_names,
		    sec.license_type);
		(void)rdpneg_find_errinfo(sec.error_info);
	}
	free(b);
}

static enum rdpneg_status
mcs_pdu_exact(const uint8_t *data, size_t n, struct rdpneg_mcs_pdu *p,
    uint8_t **copy)
{
	enum rdpneg_status st;
	uint8_t *b = dup_exact(data, n);

	memset(p, 0xa5, sizeof(*p));
	st = rdpneg_decode_mcs_pdu(n ? b : NULL, n, p);
	CHECK(st == RDPNEG_OK || st == RDPNEG_TRUNCATED ||
	    st == RDPNEG_ERR_MCS_FRAME);
	check_span(&p->data, b, n);
	if (p->data.len > 0)
		CHECK(p->data.ptr == b + 7);
	if (st != RDPNEG_ERR_MCS_FRAME && p->size != 0) {
		CHECK(p->size >= 7);
		if (n >= 7)
			CHECK(p->data.len == (n >= p->size ? p->size : n) - 7);
		else
			CHECK(p->data.len == 0);
	}
	if (st == RDPNEG_OK)
		CHECK(p->size <= n);
	if (copy != NULL)
		*copy = b;
	else
		free(b);
	return st;
}

static void
level1(const uint8_t *data, size_t size)
{
	enum rdpneg_status whole, st, ds[3], ps[3];
	struct rdpneg_mcs_pdu p, q;
	size_t k, end, i;
	uint8_t *b;

	whole = mcs_pdu_exact(data, size, &p, &b);
	end = whole == RDPNEG_OK ? p.size : size;
	for (k = 0; k < end; k++) {
		if (k == PREFIX_EDGE && end > 2 * PREFIX_EDGE)
			k = end - PREFIX_EDGE;
		st = mcs_pdu_exact(data, k, &q, NULL);
		if (whole == RDPNEG_ERR_MCS_FRAME)
			CHECK(st != RDPNEG_OK);
		else
			CHECK(st == RDPNEG_TRUNCATED);
	}
	if (whole != RDPNEG_ERR_MCS_FRAME && p.data.len > 0)
		decode_mcs_data(b + 7, p.data.len, ds);
	free(b);

	/* The connect and domain decoders on the raw input, and on each
	 * prefix of an input they accept. */
	decode_mcs_data(data, size, ds);
	for (k = 0; k < size; k++) {
		if (k == PREFIX_EDGE && size > 2 * PREFIX_EDGE)
			k = size - PREFIX_EDGE;
		if (ds[0] != RDPNEG_OK && ds[1] != RDPNEG_OK &&
		    ds[2] != RDPNEG_OK)
			break;
		decode_mcs_data(data, k, ps);
		for (i = 0; i < 3; i++)
			if (ds[i] == RDPNEG_OK)
				CHECK(ps[i] == RDPNEG_OK ||
				    ps[i] == RDPNEG_TRUNCATED);
	}
	decode_spans(data, size);
}

/* ---- level 2 */

struct run {
	struct rdpneg_mcs	m;
	uint8_t			*stream[2];	/* [0] client, [1] server */
	size_t			len[2];
	enum rdpneg_status	last[2];
};

static void
check_mcs(const struct run *r, uint64_t frame)
{
	const struct rdpneg_mcs *m = &r->m;
	char buf[256];
	size_t i;

	CHECK((m->have & ~0x1ffu) == 0);
	CHECK((m->have & RDPNEG_MCS_HAVE_CERT_FACTS) == 0);
	CHECK(m->stage < RDPNEG_STAGE_COUNT);
	for (i = 0; i < RDPNEG_STAGE_COUNT; i++)
		CHECK(m->stage_frame[i] <= frame);
	if (m->stage > RDPNEG_STAGE_NONE)
		CHECK(m->stage_frame[m->stage] != 0);
	check_client(&m->client);
	CHECK((m->server.have & ~0x3fu) == 0);
	CHECK(m->server.cert_leaf.len == 0);
	CHECK(m->cert_off <= r->len[1]);
	CHECK(m->cert_len <= r->len[1] - m->cert_off);
	if (m->cert_len > 0)
		CHECK(m->have & RDPNEG_MCS_HAVE_SERVER);
	if (m->have & RDPNEG_MCS_HAVE_CLIENT)
		CHECK(m->have & RDPNEG_MCS_INITIAL_BEGAN);
	if (m->have & RDPNEG_MCS_HAVE_SERVER)
		CHECK(m->have & RDPNEG_MCS_RESPONSE_BEGAN);
	if (m->have & RDPNEG_MCS_HAVE_DISCONNECT)
		CHECK(m->disconnect_frame <= frame && m->disconnect_reason < 8 &&
		    m->disconnect_from_client <= 1);
	if (m->have & RDPNEG_MCS_HAVE_LICENSE_ERROR)
		CHECK(m->license_frame <= frame &&
		    m->license_error != RDPNEG_LICENSE_STATUS_VALID_CLIENT);
	if (m->have & RDPNEG_MCS_HAVE_ERROR_INFO)
		CHECK(m->error_info_frame <= frame && m->error_info != 0);
	for (i = 0; i < 2; i++) {
		const struct rdpneg_mcs_dir *d = &m->dir[i];

		check_status((enum rdpneg_status)d->status);
		CHECK(d->consumed <= r->len[i]);
		CHECK(d->consumed <= RDPNEG_MCS_STREAM_BUDGET);
		CHECK(d->pdus <= d->consumed / 7);
		CHECK(d->fast_path <= 1);
		if (d->fast_path)
			CHECK(m->stage == RDPNEG_STAGE_ACTIVE);
		if (d->pdus > 0)
			CHECK(d->first_frame <= d->last_frame &&
			    d->last_frame <= frame);
		if (d->status == RDPNEG_TRUNCATED)
			CHECK(m->have & RDPNEG_MCS_BUDGET_SPENT);
		if (d->status != RDPNEG_OK)
			CHECK(r->last[i] == d->status);
	}
	(void)rdpneg_mcs_decided(m);
	CHECK((rdpneg_rdp_weaknesses(m) & ~0x0fu) == 0);
	(void)rdpneg_tok_str(rdpneg_mcs_stage_names, m->stage);
	CHECK(rdpneg_rdp_security_str(m, buf, sizeof(buf)) < sizeof(buf));
	CHECK(rdpneg_mcs_disconnect_str(m, buf, sizeof(buf)) < sizeof(buf));
	CHECK(rdpneg_license_error_str(m, buf, sizeof(buf)) < sizeof(buf));
	(void)rdpneg_error_info_str(m, buf, sizeof(buf));
	CHECK(TERMINATED(buf));
}

/* Bytes of one segment arrive, in chunks of step (0: at once). */
static void
arrive(struct run *r, int from_client, const uint8_t *p, size_t n,
    size_t step, uint64_t frame)
{
	int i = from_client ? 0 : 1;
	size_t done = 0, k, fed;
	enum rdpneg_status st;

	do {
		k = step == 0 || step > n - done ? n - done : step;
		if (k > 0)
			memcpy(r->stream[i] + r->len[i], p + done, k);
		r->len[i] += k;
		done += k;
		st = rdpneg_mcs_feed(&r->m, from_client, r->stream[i],
		    r->len[i], frame);
		check_status(st);
		r->last[i] = st;
		fed = r->len[i] < RDPNEG_MCS_STREAM_BUDGET ? r->len[i] :
		    RDPNEG_MCS_STREAM_BUDGET;
		if (st == RDPNEG_OK && !r->m.dir[i].fast_path)
			CHECK(r->m.dir[i].consumed == fed);
		else if (st != RDPNEG_OK)
			CHECK(r->m.dir[i].consumed < fed ||
			    r->m.dir[i].status != RDPNEG_OK);
		check_mcs(r, frame);
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
		CHECK(r->stream[i] != NULL);
	}
}

static void
run_free(struct run *r)
{
	free(r->stream[0]);
	free(r->stream[1]);
}

static void
check_same(const struct run *a, const struct run *b)
{
	const struct rdpneg_mcs *x = &a->m, *y = &b->m;
	const struct rdpneg_gcc_server *s = &x->server, *t = &y->server;
	size_t i;

	CHECK(x->have == y->have && x->stage == y->stage);
	CHECK(memcmp(&x->client, &y->client, sizeof(x->client)) == 0);
	CHECK(s->have == t->have && s->version == t->version &&
	    s->client_requested_protocols == t->client_requested_protocols &&
	    s->encryption_method == t->encryption_method &&
	    s->encryption_level == t->encryption_level &&
	    s->random_len == t->random_len && s->cert_type == t->cert_type &&
	    s->cert_permanent == t->cert_permanent &&
	    s->cert_count == t->cert_count && s->key_bits == t->key_bits &&
	    s->io_channel == t->io_channel &&
	    s->channel_count == t->channel_count);
	CHECK(x->mcs_result == y->mcs_result &&
	    x->gcc_result == y->gcc_result);
	CHECK(x->disconnect_reason == y->disconnect_reason &&
	    x->disconnect_from_client == y->disconnect_from_client &&
	    x->disconnect_frame == y->disconnect_frame);
	CHECK(x->license_type == y->license_type &&
	    x->license_error == y->license_error &&
	    x->license_transition == y->license_transition &&
	    x->license_frame == y->license_frame);
	CHECK(x->error_info == y->error_info &&
	    x->error_info_frame == y->error_info_frame);
	CHECK(x->cert_off == y->cert_off && x->cert_len == y->cert_len);
	for (i = 0; i < RDPNEG_STAGE_COUNT; i++)
		CHECK(x->stage_frame[i] == y->stage_frame[i]);
	for (i = 0; i < 2; i++) {
		const struct rdpneg_mcs_dir *p = &x->dir[i], *q = &y->dir[i];

		CHECK(p->consumed == q->consumed && p->status == q->status);
		CHECK(p->fast_path == q->fast_path && p->pdus == q->pdus);
		CHECK(p->sec_flags == q->sec_flags);
		CHECK(p->first_frame == q->first_frame &&
		    p->last_frame == q->last_frame);
		CHECK(a->last[i] == b->last[i]);
	}
	CHECK(rdpneg_mcs_decided(x) == rdpneg_mcs_decided(y));
	CHECK(rdpneg_rdp_weaknesses(x) == rdpneg_rdp_weaknesses(y));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run *a, *b;

	if (size == 0)
		return 0;
	level1(data + 1, size - 1);
	a = malloc(sizeof(*a));
	b = malloc(sizeof(*b));
	CHECK(a != NULL && b != NULL);
	run_init(a, size);
	run_init(b, size);
	walk(a, data, size, chunk_sizes[data[0] & 7]);
	walk(b, data, size, 0);
	if (!((a->m.have | b->m.have) & RDPNEG_MCS_BUDGET_SPENT))
		check_same(a, b);
	run_free(a);
	run_free(b);
	free(a);
	free(b);
	return 0;
}
