/*
 * tracker.c - the table of flows that may be RDP, their reassembly, and
 * the emission of attempt records.
 *
 * A connection enters the table on its SYN (or SYN/ACK when the SYN was
 * not captured), or on a first segment that starts with an X.224
 * Connection Request or Confirm.  Each direction's first bytes are
 * reassembled until the shared decoder has the CR (client) or the CC
 * (server); the buffers are then released.  What they showed is recorded
 * in the shared connection model (rdpneg/evidence.h), which the Wireshark
 * plugin fills the same way; this file keeps only flows, reassembly and
 * the table.  The small record that is left waits for the connection's
 * end (RST, both FINs, the idle timeout or the end of the capture), then
 * is classified and handed to the caller.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/after.h"
#include "capture/socks.h"
#include "capture/stream.h"
#include "capture/tracker.h"

enum { CLIENT = 0, SERVER = 1 };

enum half_state {
	HALF_IDLE = 0,		/* no payload yet */
	HALF_COLLECT,		/* reassembling, PDU not decided */
	HALF_DONE		/* decided; buffers released */
};

struct half {
	struct stream	 s;
	struct after	*after;		/* what follows the CR or CC, while
					   it is read: NULL before and after,
					   so that a table full of SYNs
					   stays small */
	uint32_t	 isn;
	uint32_t	 skip;		/* SOCKS handshake before the TPKT */
	uint8_t		 state;		/* enum half_state */
	unsigned	 isn_seen:1;
	unsigned	 fin:1;
};

struct flow {
	struct flow		*hnext;		/* hash chain */
	TAILQ_ENTRY(flow)	 lru;		/* by last packet, oldest first */
	TAILQ_ENTRY(flow)	 born;		/* by first frame */
	uint32_t		 hash;
	int			 family;
	struct rdpneg_endpoint	 ep[2];		/* CLIENT, SERVER */
	uint64_t		 first_frame;
	uint64_t		 request_frame;
	uint64_t		 response_frame;
	uint64_t		 end_frame;
	int64_t			 first_sec;
	int64_t			 last_sec;
	uint32_t		 first_nsec;
	struct half		 half[2];
	unsigned		 rdp_port:1;	/* server port configured */
	struct rdpneg_evidence	 ev;		/* the shared model's facts */
	struct rdpneg_tls	*tls;		/* ev.tls: after the negotiation */
	struct rdpneg_mcs	*mcs;		/* ev.mcs: ... or Standard RDP
						   Security's exchange */
	struct rdpneg_cert	*cert;		/* the server's, when read */
	uint8_t			*token;		/* the CR's cookie line */
	uint16_t		 token_len;
	uint8_t			 cc[RDPNEG_PDU_KEEP];
	uint8_t			 cc_len;
	char			*malformed;
};

struct tracker {
	const struct rdpneg_config	*cfg;
	rdpneg_attempt_fn		 fn;
	void				*arg;
	struct rdpneg_capture_stats	*stats;
	struct flow			**buckets;
	size_t				 nbuckets;	/* power of two */
	size_t				 max_buckets;
	size_t				 count;
	TAILQ_HEAD(, flow)		 lru;	/* oldest last packet first */
	TAILQ_HEAD(, flow)		 born;	/* lowest first frame first */
	uint8_t				*overflowed; /* bit per 4-tuple hash */
	struct rdpneg_cert_cache	*certs;	/* certificates read lately */
	int				 oom;		/* malloc failed */
};

/* 2^24 bits (2 MiB, only once the table is full): the 4-tuples refused
 * when the table was full, counted once. */
#define OVERFLOW_BITS	(1u << 24)

/* ---- table */

/* Every packet is looked up: 32-bit words and a multiplicative mix. */
static uint32_t
hash_endpoint(int family, const uint8_t *addr, uint16_t port)
{
	uint32_t h = port, w;
	size_t i, n = family == 6 ? 16 : 4;

	for (i = 0; i < n; i += 4) {
		memcpy(&w, addr + i, 4);
		h = (h ^ w) * 0x9e3779b1u;
		h ^= h >> 15;
	}
	return (h ^ (h >> 13)) * 0x85ebca6bu;
}

/* Symmetric, so both directions of a connection find the same bucket. */
static uint32_t
hash_segment(const struct segment *seg)
{
	return hash_endpoint(seg->family, seg->src, seg->sport) ^
	    hash_endpoint(seg->family, seg->dst, seg->dport);
}

static int
endpoint_eq(const struct rdpneg_endpoint *ep, const uint8_t *addr,
    uint16_t port)
{
	return ep->port == port && memcmp(ep->addr, addr, 16) == 0;
}

/* Find the connection and the direction of seg: CLIENT or SERVER sent it. */
static struct flow *
table_find(struct tracker *t, const struct segment *seg, uint32_t h,
    int *dir)
{
	struct flow *f;

	for (f = t->buckets[h & (t->nbuckets - 1)]; f != NULL; f = f->hnext) {
		if (f->hash != h || f->family != seg->family)
			continue;
		if (endpoint_eq(&f->ep[CLIENT], seg->src, seg->sport) &&
		    endpoint_eq(&f->ep[SERVER], seg->dst, seg->dport)) {
			*dir = CLIENT;
			return f;
		}
		if (endpoint_eq(&f->ep[SERVER], seg->src, seg->sport) &&
		    endpoint_eq(&f->ep[CLIENT], seg->dst, seg->dport)) {
			*dir = SERVER;
			return f;
		}
	}
	return NULL;
}

static void half_after_done(struct half *);

static void
table_remove(struct tracker *t, struct flow *f)
{
	struct flow **pp = &t->buckets[f->hash & (t->nbuckets - 1)];

	while (*pp != f)
		pp = &(*pp)->hnext;
	*pp = f->hnext;
	TAILQ_REMOVE(&t->lru, f, lru);
	TAILQ_REMOVE(&t->born, f, born);
	t->count--;
	stream_free(&f->half[CLIENT].s);
	stream_free(&f->half[SERVER].s);
	half_after_done(&f->half[CLIENT]);
	half_after_done(&f->half[SERVER]);
	free(f->tls);
	free(f->mcs);
	free(f->cert);
	free(f->token);
	free(f->malformed);
	free(f);
}

/*
 * Count a connection the full table cannot hold, once however many of its
 * packets ask (distinct 4-tuple hashes: a very large flood may be counted
 * slightly low when two hashes collide).
 */
static void
note_overflow(struct tracker *t, uint32_t h)
{
	uint32_t bit = h & (OVERFLOW_BITS - 1);

	if (t->overflowed == NULL) {
		t->overflowed = calloc(OVERFLOW_BITS / 8, 1);
		if (t->overflowed == NULL) {
			t->stats->overflow++;
			return;
		}
	}
	if (t->overflowed[bit / 8] & (1u << (bit % 8)))
		return;
	t->overflowed[bit / 8] |= (uint8_t)(1u << (bit % 8));
	t->stats->overflow++;
}

/*
 * Twice the buckets, when half of them would hold a connection: every
 * packet looks one up, so the array stays as small as the table allows
 * (in cache) instead of sized for --max-connections.  Failing is harmless:
 * chains only get longer.
 */
static void
table_grow(struct tracker *t)
{
	size_t n = t->nbuckets * 2, i;
	struct flow **b = calloc(n, sizeof(*b)), *f, *next;

	if (b == NULL)
		return;
	for (i = 0; i < t->nbuckets; i++)
		for (f = t->buckets[i]; f != NULL; f = next) {
			next = f->hnext;
			f->hnext = b[f->hash & (n - 1)];
			b[f->hash & (n - 1)] = f;
		}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
}

static struct flow *
table_add(struct tracker *t, const struct segment *seg, uint32_t h,
    int sender_is_client)
{
	struct flow *f;
	int from = sender_is_client ? CLIENT : SERVER;
	int to = sender_is_client ? SERVER : CLIENT;

	if (t->count >= t->cfg->max_connections) {
		note_overflow(t, h);
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		t->oom = 1;
		return NULL;
	}
	rdpneg_init_evidence(&f->ev);
	f->hash = h;
	f->family = seg->family;
	memcpy(f->ep[from].addr, seg->src, 16);
	f->ep[from].port = seg->sport;
	memcpy(f->ep[to].addr, seg->dst, 16);
	f->ep[to].port = seg->dport;
	f->rdp_port = rdpneg_config_has_port(t->cfg, f->ep[SERVER].port) != 0;
	if (2 * t->count >= t->nbuckets && t->nbuckets < t->max_buckets)
		table_grow(t);
	f->hnext = t->buckets[h & (t->nbuckets - 1)];
	t->buckets[h & (t->nbuckets - 1)] = f;
	TAILQ_INSERT_TAIL(&t->lru, f, lru);
	/* Created in frame order: the list's head has the lowest first frame. */
	TAILQ_INSERT_TAIL(&t->born, f, born);
	if (++t->count > t->stats->peak_connections)
		t->stats->peak_connections = t->count;
	return f;
}

/* ---- what the reports quote beyond the model */

static void
note_malformed(struct flow *f, int dir, enum rdpneg_status st,
    const struct rdpneg_pdu *pdu)
{
	char text[RDPNEG_TEXT_MAX], *m;
	size_t old = f->malformed != NULL ? strlen(f->malformed) : 0;

	rdpneg_format_problem(dir == CLIENT, st, pdu, text, sizeof(text));
	m = realloc(f->malformed, old + strlen(text) + 3);
	if (m == NULL)
		return;
	sprintf(m + old, "%s%s", old ? "; " : "", text);
	f->malformed = m;
}

/* The CR's cookie line and the CC's first bytes, as they were sent. */
static void
keep_bytes(struct flow *f, int dir, const struct rdpneg_pdu *pdu,
    const uint8_t *buf, size_t len)
{
	size_t n;

	if (dir == CLIENT && (pdu->have & RDPNEG_HAVE_TOKEN)) {
		n = pdu->token.len < RDPNEG_TOKEN_MAX ? pdu->token.len :
		    RDPNEG_TOKEN_MAX;
		f->token = malloc(n ? n : 1);
		if (f->token != NULL) {
			memcpy(f->token, pdu->token.ptr, n);
			f->token_len = (uint16_t)n;
		}
	}
	if (dir == SERVER) {
		/* A malformed CC may claim more than arrived. */
		n = len < pdu->size ? len : pdu->size;
		f->cc_len = (uint8_t)(n < RDPNEG_PDU_KEEP ? n :
		    RDPNEG_PDU_KEEP);
		memcpy(f->cc, buf, f->cc_len);
	}
}

/* ---- per-direction decoding */

enum verdict {
	KEEP,		/* wait for more bytes or the end */
	DROP		/* not RDP: forget the connection */
};

static void
half_done(struct half *h)
{
	h->state = HALF_DONE;
	stream_free(&h->s);
}

/* Stop reading what follows a direction's CR or CC. */
static void
half_after_done(struct half *h)
{
	if (h->after == NULL)
		return;
	after_done(h->after);
	free(h->after);
	h->after = NULL;
}

/* What the two directions' after-negotiation feeds share. */
static struct after_conn
after_conn(struct tracker *t, struct flow *f)
{
	struct after_conn c = { &f->ev, &f->tls, &f->mcs, &f->cert,
	    t->certs };

	return c;
}

/* Add bytes to a direction's after-negotiation feed, and release it
 * once it has nothing more to read; a decided session stops both. */
static int
after_feed(struct tracker *t, struct flow *f, int dir, uint32_t seq,
    const uint8_t *data, size_t caplen, size_t len, uint64_t frame,
    int64_t sec)
{
	struct after_conn c = after_conn(t, f);
	struct half *h = &f->half[dir];
	int rc = 0;

	if (h->after == NULL)
		return 0;
	if (after_add(h->after, &c, dir == CLIENT, seq, data, caplen, len,
	    frame, sec) < 0)
		rc = -1;
	if (after_conn_decided(&c)) {
		half_after_done(&f->half[CLIENT]);
		half_after_done(&f->half[SERVER]);
	} else if (h->after->state == AFTER_DONE)
		half_after_done(h);
	return rc;
}

/* Collect a direction from its byte at offset at of the first stream on
 * (after.h), starting with the bytes already there. */
static int
start_after(struct tracker *t, struct flow *f, int dir, uint32_t at,
    uint64_t frame, int64_t sec)
{
	struct half *h = &f->half[dir];

	if ((h->after = calloc(1, sizeof(*h->after))) == NULL)
		return -1;
	after_start(h->after, h->s.base + at);
	if (at >= h->s.contig)
		return 0;
	return after_feed(t, f, dir, h->s.base + at, h->s.data + at,
	    h->s.contig - at, h->s.contig - at, frame, sec);
}

/*
 * What follows the CR or CC (MS-RDPBCGR 1.3.1.1: the security protocol's
 * handshake, else the MCS Connect Initial) is collected from its first
 * byte on, starting with the bytes that came with the PDU.
 */
static int
expect_next(struct tracker *t, struct flow *f, int dir,
    const struct rdpneg_pdu *pdu, uint64_t frame, int64_t sec)
{
	if (!(pdu->have & RDPNEG_HAVE_TPKT) || pdu->size == 0)
		return 0;
	return start_after(t, f, dir, f->half[dir].skip + (uint32_t)pdu->size,
	    frame, sec);
}

/* The Direct Approach (MS-RDPBCGR 5.4.2.2): TLS from that side's first
 * byte on, fed as what follows a negotiation is. */
static int
direct_tls(struct tracker *t, struct flow *f, int dir, uint64_t frame,
    int64_t sec)
{
	if (!rdpneg_evidence_starts_tls(&f->ev, dir == CLIENT))
		return 0;
	return start_after(t, f, dir, f->half[dir].skip, frame, sec);
}

/*
 * Decide what the reassembled bytes of one direction are: the client's
 * CR or the server's CC, possibly behind a SOCKS handshake.
 */
static enum verdict
decode_half(struct tracker *t, struct flow *f, int dir, uint64_t frame,
    int64_t sec)
{
	struct half *h = &f->half[dir];
	struct rdpneg_pdu pdu;
	enum rdpneg_status st;
	const uint8_t *at;
	size_t len;
	long n;

	while (h->state == HALF_COLLECT && h->s.contig > h->skip) {
		at = h->s.data + h->skip;
		len = h->s.contig - h->skip;
		st = rdpneg_decode_pdu(at, len, &pdu);
		switch (rdpneg_evidence_first_pdu(&f->ev, dir == CLIENT, st,
		    &pdu)) {
		case RDPNEG_FIRST_WAIT:
			return KEEP;
		case RDPNEG_FIRST_NEGOTIATION:
			if (dir == CLIENT)
				f->request_frame = frame;
			else
				f->response_frame = frame;
			keep_bytes(f, dir, &pdu, at, len);
			if (rdpneg_status_is_malformed(st))
				note_malformed(f, dir, st, &pdu);
			if (expect_next(t, f, dir, &pdu, frame, sec) < 0)
				t->oom = 1;
			half_done(h);
			return KEEP;
		case RDPNEG_FIRST_OTHER:
			break;
		}
		/* Not the PDU we want here: a SOCKS handshake first? */
		if (h->skip == 0) {
			n = dir == CLIENT ?
			    socks_client_prefix(h->s.data, h->s.contig) :
			    socks_server_prefix(h->s.data, h->s.contig);
			if (n == 0)
				return KEEP;
			if (n > 0 && (uint32_t)n < h->s.limit) {
				h->skip = (uint32_t)n;
				continue;
			}
		}
		rdpneg_evidence_not_negotiation(&f->ev, dir == CLIENT,
		    h->s.data + h->skip, h->s.contig - h->skip);
		if ((f->ev.have & RDPNEG_EV_DIRECT_TLS) &&
		    direct_tls(t, f, dir, frame, sec) < 0)
			t->oom = 1;
		half_done(h);
		/* On other ports only a client that sends a CR is RDP. */
		if (!f->rdp_port && !(f->ev.have & RDPNEG_EV_REQUEST))
			return DROP;
		return KEEP;
	}
	return KEEP;
}

static enum verdict
add_payload(struct tracker *t, struct flow *f, int dir,
    const struct segment *seg, uint64_t frame, int64_t sec)
{
	struct half *h = &f->half[dir];
	uint32_t seq = seg->seq + ((seg->flags & TCP_SYN) ? 1u : 0u);

	if (h->state == HALF_DONE) {
		if (after_feed(t, f, dir, seq, seg->payload, seg->caplen, seg->len,
		    frame, sec) < 0)
			t->oom = 1;
		return KEEP;
	}
	if (h->state == HALF_IDLE) {
		stream_init(&h->s, h->isn_seen ? h->isn + 1u : seq,
		    RDPNEG_STREAM_LIMIT);
		h->state = HALF_COLLECT;
	}
	switch (stream_add(&h->s, seq, seg->payload, seg->caplen, seg->len)) {
	case -1:
		t->oom = 1;
		return KEEP;
	case 0:
		return KEEP;	/* nothing new to decode */
	default:
		return decode_half(t, f, dir, frame, sec);
	}
}

/* ---- classification and emission */

/* Why a PDU that started never completed: data missing from the capture. */
static void
describe_incomplete(const struct flow *f, int dir, char *buf, size_t size)
{
	const struct half *h = &f->half[dir];
	const char *who = dir == CLIENT ? "request" : "response";
	struct rdpneg_pdu pdu;
	size_t have;

	if (h->state != HALF_COLLECT || h->s.contig <= h->skip)
		return;
	have = h->s.contig - h->skip;
	if (rdpneg_decode_pdu(h->s.data + h->skip, have, &pdu) !=
	    RDPNEG_TRUNCATED)
		return;
	if (stream_stuck_on_cut(&h->s))
		snprintf(buf, size, "%s: cut by the capture's snap length "
		    "after %zu bytes", who, have);
	else if (h->s.overflow && h->s.contig == h->s.limit)
		snprintf(buf, size, "%s: longer than the %u-byte reassembly "
		    "limit", who, (unsigned)h->s.limit);
	else if (pdu.have & RDPNEG_HAVE_TPKT)
		snprintf(buf, size, "%s: only %zu of %u bytes seen", who,
		    have, (unsigned)pdu.tpkt_length);
	else
		snprintf(buf, size, "%s: only %zu bytes seen", who, have);
}

static void
emit(struct tracker *t, struct flow *f)
{
	struct rdpneg_attempt a;
	char incomplete[RDPNEG_TEXT_MAX] = "";

	if (!f->rdp_port && !(f->ev.have & RDPNEG_EV_REQUEST_BEGAN))
		return;		/* never shown to be RDP */
	memset(&a, 0, sizeof(a));
	a.family = f->family;
	a.client = f->ep[CLIENT];
	a.server = f->ep[SERVER];
	a.first_frame = f->first_frame;
	a.ts_sec = f->first_sec;
	a.ts_nsec = f->first_nsec;
	a.request_frame = f->request_frame;
	a.response_frame = f->response_frame ? f->response_frame :
	    f->end_frame;
	a.token = f->token;
	a.token_len = f->token_len;
	memcpy(a.response_pdu, f->cc, f->cc_len);
	a.response_pdu_len = f->cc_len;
	a.malformed = f->malformed;
	a.cert = f->cert;
	a.ev = f->ev;
	rdpneg_evidence_finish(&a.ev);
	describe_incomplete(f, CLIENT, incomplete, sizeof(incomplete));
	if (incomplete[0] == '\0')
		describe_incomplete(f, SERVER, incomplete, sizeof(incomplete));
	a.incomplete = incomplete[0] != '\0' ? incomplete : NULL;
	t->stats->attempts++;
	t->fn(&a, t->arg);
}

static void
finish(struct tracker *t, struct flow *f)
{
	emit(t, f);
	table_remove(t, f);
}

static void
expire_idle(struct tracker *t, int64_t now)
{
	/* Compared without subtracting: capture times can be anything. */
	struct flow *f;

	while ((f = TAILQ_FIRST(&t->lru)) != NULL && f->last_sec < now &&
	    (uint64_t)now - (uint64_t)f->last_sec > t->cfg->idle_timeout) {
		t->stats->expired++;
		finish(t, f);
	}
}

/* ---- the segment entry point */

/*
 * A first segment without a SYN makes a connection only when it starts an
 * X.224 CR (the sender is the client) or CC (the receiver is the client).
 */
static int
starts_with_tpdu(const struct segment *seg, uint8_t tpdu)
{
	return seg->caplen >= 6 && seg->payload[0] == 3 &&
	    seg->payload[1] == 0 && (seg->payload[5] & 0xf0) == tpdu;
}

static struct flow *
lookup_or_create(struct tracker *t, const struct segment *seg, int *dir)
{
	uint32_t h = hash_segment(seg);
	struct flow *f = table_find(t, seg, h, dir);
	int syn = (seg->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
	int synack = (seg->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK);

	/* A new SYN on a used 4-tuple starts a new connection. */
	if (f != NULL && syn && (*dir != CLIENT ||
	    (f->half[CLIENT].isn_seen && f->half[CLIENT].isn != seg->seq) ||
	    (!f->half[CLIENT].isn_seen && f->half[CLIENT].state != HALF_IDLE))) {
		finish(t, f);
		f = NULL;
	}
	if (f != NULL)
		return f;
	*dir = CLIENT;
	if (syn)
		return table_add(t, seg, h, 1);
	if (synack) {
		*dir = SERVER;
		return table_add(t, seg, h, 0);
	}
	if (seg->flags & TCP_RST)
		return NULL;
	if (starts_with_tpdu(seg, RDPNEG_TPDU_CR))
		return table_add(t, seg, h, 1);
	if (starts_with_tpdu(seg, RDPNEG_TPDU_CC) &&
	    (rdpneg_config_has_port(t->cfg, seg->sport))) {
		*dir = SERVER;
		return table_add(t, seg, h, 0);
	}
	return NULL;
}

int
tracker_segment(struct tracker *t, const struct segment *seg, uint64_t frame,
    int64_t sec, uint32_t nsec)
{
	struct flow *f;
	struct half *h;
	int dir;

	expire_idle(t, sec);
	f = lookup_or_create(t, seg, &dir);
	if (f == NULL)
		return t->oom ? -1 : 0;
	if (f->first_frame == 0) {
		f->first_frame = frame;
		f->first_sec = sec;
		f->first_nsec = nsec;
	}
	f->last_sec = sec;
	TAILQ_REMOVE(&t->lru, f, lru);
	TAILQ_INSERT_TAIL(&t->lru, f, lru);

	h = &f->half[dir];
	rdpneg_evidence_packet(&f->ev, dir == CLIENT,
	    ((seg->flags & TCP_SYN) ? RDPNEG_TCP_SYN : 0u) |
	    ((seg->flags & TCP_ACK) ? RDPNEG_TCP_ACK : 0u));
	if (seg->flags & TCP_SYN) {
		if (h->state == HALF_IDLE) {
			h->isn = seg->seq;
			h->isn_seen = 1;
		}
	}
	if (seg->len > 0 && add_payload(t, f, dir, seg, frame, sec) == DROP) {
		table_remove(t, f);
		return 0;
	}
	if ((seg->flags & (TCP_RST | TCP_FIN)) &&
	    f->ev.end == RDPNEG_END_OPEN) {
		f->end_frame = frame;
		rdpneg_evidence_close(&f->ev, dir == CLIENT,
		    (seg->flags & TCP_RST) != 0);
	}
	if (seg->flags & TCP_FIN)
		h->fin = 1;
	if ((seg->flags & TCP_RST) ||
	    (f->half[CLIENT].fin && f->half[SERVER].fin))
		finish(t, f);
	return t->oom ? -1 : 0;
}

int
tracker_first_open(const struct tracker *t, uint64_t *frame, int64_t *sec,
    uint32_t *nsec)
{
	const struct flow *f = TAILQ_FIRST(&t->born);

	if (f == NULL)
		return 0;
	*frame = f->first_frame;
	*sec = f->first_sec;
	*nsec = f->first_nsec;
	return 1;
}

int
tracker_finish_first(struct tracker *t)
{
	struct flow *f = TAILQ_FIRST(&t->born);

	if (f == NULL)
		return 0;
	finish(t, f);
	return 1;
}

void
tracker_flush(struct tracker *t)
{
	struct flow *f;

	while ((f = TAILQ_FIRST(&t->lru)) != NULL)
		finish(t, f);
}

struct tracker *
tracker_new(const struct rdpneg_config *cfg, rdpneg_attempt_fn fn, void *arg,
    struct rdpneg_capture_stats *stats)
{
	struct tracker *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->cfg = cfg;
	t->fn = fn;
	t->arg = arg;
	t->stats = stats;
	TAILQ_INIT(&t->lru);
	TAILQ_INIT(&t->born);
	t->nbuckets = 1024;
	t->max_buckets = 1024;
	while (t->max_buckets < cfg->max_connections &&
	    t->max_buckets < (1u << 20))
		t->max_buckets *= 2;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	t->certs = calloc(1, sizeof(*t->certs));
	if (t->buckets == NULL || t->certs == NULL) {
		free(t->buckets);
		free(t->certs);
		free(t);
		return NULL;
	}
	return t;
}

void
tracker_free(struct tracker *t)
{
	if (t == NULL)
		return;
	tracker_flush(t);
	free(t->overflowed);
	free(t->certs);
	free(t->buckets);
	free(t);
}
