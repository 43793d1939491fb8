/*
 * fuzz_tracker.c - libFuzzer target: reassembly, SOCKS, the connection
 * table and outcome classification (tracker.c, stream.c, socks.c), fed
 * TCP segments built from the input without any capture file around them.
 *
 * Input: a 12-byte configuration header, then records of 10 bytes plus
 * the payload bytes they take:
 *
 *   header  max_connections selector, idle_timeout selector, port set,
 *           start time (int64 BE seconds), nanoseconds byte
 *   record  0  which: bit 0 direction (1: server to client), bits 1-3
 *              the 4-tuple (8: IPv4/IPv6 x RDP port/other port x two
 *              client ports), bit 4 absolute sequence number (4 more
 *              bytes), bit 5 canned payload (byte 4 picks it), bit 6
 *              a wire length beyond the captured bytes, bit 7 a big
 *              time step
 *           1  TCP flags (FIN SYN RST . ACK)
 *           2  sequence delta, signed 16 bits BE, from the next byte
 *              expected in that direction
 *           4  payload length (bytes that follow, or the canned index)
 *           5  bytes lost to the snap length (with bit 6)
 *           6  time step (seconds, or seconds << 20 with bit 7)
 *           7  nanoseconds of the step (x 4 ms)
 *           8  reserved, mixed into the client port
 *           9  reserved, mixed into the window of sequence deltas
 *
 * Every attempt the tracker emits is checked (ranges, frames, token and
 * text bounds, have bits against the outcome) and rendered with every
 * fmt_* helper into exact-size heap buffers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "capture/packet.h"
#include "capture/tracker.h"
#include "report/fmt.h"
#include "fuzz_check.h"
#include "fuzz_format.h"
#include "rdpneg/kb.h"

#define NTUPLES	8

/* Payloads the fuzzer would take long to build byte by byte. */
static const struct {
	const char	*bytes;
	size_t		 len;
} canned[] = {
#define C(s) { s, sizeof(s) - 1 }
	/* CR, cookie, RDP_NEG_REQ SSL|HYBRID */
	C("\x03\x00\x00\x2c\x27\xe0\x00\x00\x00\x00\x00"
	  "Cookie: mstshash=user\r\n"
	  "\x01\x00\x08\x00\x03\x00\x00\x00"),
	/* CC, RDP_NEG_RSP HYBRID */
	C("\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00"
	  "\x02\x1f\x08\x00\x02\x00\x00\x00"),
	/* CC, RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER */
	C("\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00"
	  "\x03\x00\x08\x00\x05\x00\x00\x00"),
	/* CC without negotiation data (legacy) */
	C("\x03\x00\x00\x0b\x06\xd0\x00\x00\x12\x34\x00"),
	/* CR with correlation info */
	C("\x03\x00\x00\x4c\x47\xe0\x00\x00\x00\x00\x00"
	  "\x01\x08\x08\x00\x0b\x00\x00\x00"
	  "\x06\x00\x24\x00"
	  "\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff\x01"
	  "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
	/* SOCKS5 greeting, no auth; then the connect request to 10.0.0.1 */
	C("\x05\x01\x00"),
	C("\x05\x01\x00\x01\x0a\x00\x00\x01\x0d\x3d"),
	/* SOCKS5 method choice; then the success reply */
	C("\x05\x00"),
	C("\x05\x00\x00\x01\x0a\x00\x00\x01\x0d\x3d"),
	/* SOCKS4 connect and its grant */
	C("\x04\x01\x0d\x3d\x0a\x00\x00\x01user\x00"),
	C("\x00\x5a\x00\x00\x00\x00\x00\x00"),
	/* CR with a routing token, no RDP_NEG_REQ */
	C("\x03\x00\x00\x1d\x18\xe0\x00\x00\x00\x00\x00"
	  "Cookie: msts=12345.67.0\r\n"),
	/* A TLS ClientHello start: not RDP */
	C("\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"),
	/* DR and DT TPDUs */
	C("\x03\x00\x00\x0b\x06\x80\x00\x00\x12\x34\x00"),
	C("\x03\x00\x00\x07\x02\xf0\x80"),
	/* A CC with a wrong length field */
	C("\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00"
	  "\x02\x00\x00\x00\x01\x00\x00\x00"),
#undef C
};
#define NCANNED (sizeof(canned) / sizeof(canned[0]))

struct ctx {
	uint64_t			 frame;		/* current */
	uint64_t			 emitted;
	size_t				 max_connections;
	struct rdpneg_capture_stats	*stats;
};

static void
on_attempt(const struct rdpneg_attempt *a, void *arg)
{
	struct ctx *cx = arg;

	cx->emitted++;
	CHECK(a->family == 4 || a->family == 6);
	CHECK((unsigned)a->ev.outcome < RDPNEG_OUTCOME_COUNT);
	CHECK((unsigned)a->ev.end < RDPNEG_END_COUNT);
	CHECK(rdpneg_tok_str(rdpneg_outcome_names, a->ev.outcome) != NULL);
	CHECK(rdpneg_tok_str(rdpneg_end_names, a->ev.end) != NULL);
	CHECK(a->first_frame >= 1 && a->first_frame <= cx->frame);
	CHECK(a->request_frame <= cx->frame);
	CHECK(a->response_frame <= cx->frame);
	if (a->request_frame)
		CHECK(a->request_frame >= a->first_frame);
	if (a->response_frame)
		CHECK(a->response_frame >= a->first_frame);
	CHECK(a->ts_nsec < 1000000000u);
	CHECK(a->token_len <= RDPNEG_TOKEN_MAX);
	CHECK(a->response_pdu_len <= RDPNEG_PDU_KEEP);
	CHECK((a->ev.have & ~(RDPNEG_EV_DIRECT_TLS * 2 - 1)) == 0);
	/* The Direct Approach: TLS first, no request. */
	if (a->ev.have & RDPNEG_EV_DIRECT_TLS)
		CHECK(!(a->ev.have & RDPNEG_EV_REQUEST_BEGAN) &&
		    (a->ev.have & RDPNEG_EV_CLIENT_NEXT) &&
		    a->ev.client_next == RDPNEG_NEXT_TLS_HANDSHAKE);
	/* A TLS session only after TLS began. */
	if (a->ev.tls != NULL) {
		CHECK(rdpneg_evidence_starts_tls(&a->ev, 1) ||
		    rdpneg_evidence_starts_tls(&a->ev, 0));
		CHECK(a->ev.tls->napp <= RDPNEG_TLS_RECORDS_MAX);
		CHECK(a->ev.tls->napp <= a->ev.tls->napp_total);
	}
	/* Standard RDP Security's exchange only after a Standard-security
	 * negotiation; its facts within their bounds. */
	if (a->ev.mcs != NULL) {
		const struct rdpneg_mcs *m = a->ev.mcs;

		CHECK(rdpneg_evidence_starts_mcs(&a->ev, 1) ||
		    rdpneg_evidence_starts_mcs(&a->ev, 0));
		CHECK(m->stage < RDPNEG_STAGE_COUNT);
		CHECK(m->client.nchannels <= RDPNEG_CHANNELS_MAX);
		CHECK(memchr(m->client.name, 0, sizeof(m->client.name)));
		CHECK(m->dir[0].consumed <= RDPNEG_MCS_STREAM_BUDGET);
		CHECK(m->dir[1].consumed <= RDPNEG_MCS_STREAM_BUDGET);
		CHECK((uint64_t)m->cert_off + m->cert_len <=
		    RDPNEG_MCS_STREAM_BUDGET);
	}
	/* A certificate read only with its facts in the session it came
	 * from: the TLS handshake's, or Standard security's X.509 chain. */
	if (a->cert != NULL)
		CHECK((a->ev.tls != NULL &&
		    (a->ev.tls->have & RDPNEG_TLS_HAVE_CERT_FACTS) &&
		    a->ev.tls->cert_flags == a->cert->flags) ||
		    (a->ev.mcs != NULL &&
		    (a->ev.mcs->have & RDPNEG_MCS_HAVE_CERT_FACTS) &&
		    a->ev.mcs->cert_flags == a->cert->flags));
	/* The model marks what the tracker words: a malformed PDU. */
	CHECK(((a->ev.have & RDPNEG_EV_MALFORMED) != 0) ==
	    (a->malformed != NULL));
	if (a->ev.have & RDPNEG_EV_REQUEST)
		CHECK(a->ev.have & RDPNEG_EV_REQUEST_BEGAN);
	if (a->ev.have & RDPNEG_EV_TOKEN) {
		CHECK(a->token != NULL);
		CHECK(a->ev.token_kind != RDPNEG_TOKEN_NONE);
		CHECK(a->ev.token_value_off <= a->token_len);
		CHECK(a->ev.have & RDPNEG_EV_REQUEST);
	}
	if (a->token != NULL && a->token_len > 0)
		(void)memchr(a->token, 0xff, a->token_len); /* readable */
	if (a->ev.have & (RDPNEG_EV_REQ_NEG | RDPNEG_EV_CORRELATION))
		CHECK(a->ev.have & RDPNEG_EV_REQUEST);
	if (a->ev.have & RDPNEG_EV_RSP_NEG) {
		CHECK(a->ev.have & RDPNEG_EV_CONFIRM);
		CHECK(a->ev.response_type == RDPNEG_TYPE_RSP ||
		    a->ev.response_type == RDPNEG_TYPE_FAILURE);
	}
	switch (a->ev.outcome) {
	case RDPNEG_OUTCOME_SELECTED:
		CHECK((a->ev.have & RDPNEG_EV_RSP_NEG) &&
		    a->ev.response_type == RDPNEG_TYPE_RSP);
		break;
	case RDPNEG_OUTCOME_FAILURE:
		CHECK((a->ev.have & RDPNEG_EV_RSP_NEG) &&
		    a->ev.response_type == RDPNEG_TYPE_FAILURE);
		break;
	case RDPNEG_OUTCOME_LEGACY:
		CHECK((a->ev.have & RDPNEG_EV_CONFIRM) &&
		    !(a->ev.have & RDPNEG_EV_RSP_NEG));
		break;
	case RDPNEG_OUTCOME_NO_RESPONSE:
		CHECK(!(a->ev.have & RDPNEG_EV_CONFIRM));
		break;
	case RDPNEG_OUTCOME_REFUSED:
		CHECK(a->ev.end == RDPNEG_END_RST_SERVER);
		/* fall through */
	case RDPNEG_OUTCOME_UNANSWERED:
		CHECK(!(a->ev.have & (RDPNEG_EV_REQUEST |
		    RDPNEG_EV_CONFIRM)));
		break;
	default:
		CHECK(!(a->ev.have & RDPNEG_EV_REQUEST));
		break;
	}
	if (a->malformed != NULL)
		CHECK(nul_within(a->malformed, 4096));
	if (a->incomplete != NULL) {
		CHECK(nul_within(a->incomplete, RDPNEG_TEXT_MAX));
		CHECK(a->incomplete[0] != '\0');
	}
	CHECK(cx->stats->peak_connections <= cx->max_connections);
	fuzz_format_attempt(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t max_conns[] = { 1, 2, 3, 65536 };
	static const uint32_t idles[] = { 1, 5, 300, 86400u * 365 };
	struct fuzz_in in = { data, size };
	struct rdpneg_config cfg;
	struct rdpneg_capture_stats stats;
	struct ctx cx;
	struct tracker *t;
	uint32_t next[NTUPLES][2];
	uint8_t b;
	uint64_t usec;
	int64_t sec;
	uint32_t nsec;
	int records = 0;

	rdpneg_init_config(&cfg);
	b = in_u8(&in);
	cfg.max_connections = max_conns[b & 3];
	cfg.idle_timeout = idles[(b >> 2) & 3];
	if (b & 0x10)
		cfg.ports[cfg.nports++] = 13389;
	if (b & 0x20)		/* only the other port */
		cfg.ports[0] = 3390;
	(void)in_u8(&in);	/* reserved */
	usec = in_u64(&in);
	sec = (int64_t)usec;
	nsec = (uint32_t)in_u8(&in) * 3906250u;	/* < 1e9 */
	(void)in_u8(&in);

	memset(&stats, 0, sizeof(stats));
	memset(&cx, 0, sizeof(cx));
	memset(next, 0, sizeof(next));
	cx.max_connections = cfg.max_connections;
	cx.stats = &stats;
	t = tracker_new(&cfg, on_attempt, &cx, &stats);
	CHECK(t != NULL);

	while (in.n > 0 && records++ < 4096) {
		struct segment seg;
		uint8_t which = in_u8(&in), flags = in_u8(&in);
		int16_t delta = (int16_t)in_u16(&in);
		uint8_t plen = in_u8(&in), lost = in_u8(&in);
		uint8_t step = in_u8(&in), stepns = in_u8(&in);
		uint8_t r1 = in_u8(&in), r2 = in_u8(&in);
		int dir = which & 1, tuple = (which >> 1) & 7;
		const uint8_t *payload;
		size_t caplen;
		uint32_t abs_seq = 0;

		if (which & 0x10)
			abs_seq = in_u32(&in);
		if (which & 0x20) {
			payload = (const uint8_t *)canned[plen % NCANNED].bytes;
			caplen = canned[plen % NCANNED].len;
		} else {
			caplen = in_bytes(&in, plen, &payload);
			/* exact-size copy for ASan */
		}

		memset(&seg, 0, sizeof(seg));
		seg.family = (tuple & 1) ? 6 : 4;
		{
			uint8_t cli[16] = { 192, 0, 2, 10 };
			uint8_t srv[16] = { 192, 0, 2, 1 };
			uint16_t cport = (uint16_t)(49152 + (tuple >> 2) +
			    (r1 & 1));
			uint16_t sport = (tuple & 2) ? 13389 : 3389;

			if (seg.family == 6) {
				static const uint8_t c6[16] = { 0x20, 0x01,
				    0x0d, 0xb8, [15] = 0x10 };
				static const uint8_t s6[16] = { 0x20, 0x01,
				    0x0d, 0xb8, [15] = 0x01 };

				memcpy(cli, c6, 16);
				memcpy(srv, s6, 16);
			}
			if (dir == 0) {
				memcpy(seg.src, cli, 16);
				memcpy(seg.dst, srv, 16);
				seg.sport = cport;
				seg.dport = sport;
			} else {
				memcpy(seg.src, srv, 16);
				memcpy(seg.dst, cli, 16);
				seg.sport = sport;
				seg.dport = cport;
			}
		}
		seg.flags = flags & (TCP_FIN | TCP_SYN | TCP_RST | TCP_ACK);
		if (which & 0x10)
			seg.seq = abs_seq;
		else
			seg.seq = next[tuple][dir] + (uint32_t)(int32_t)delta +
			    (uint32_t)(r2 & 0x80 ? 0x7fff0000u : 0);
		seg.caplen = caplen;
		seg.len = caplen + ((which & 0x40) ? lost : 0);
		{
			uint8_t *copy = malloc(caplen ? caplen : 1);

			CHECK(copy != NULL);
			if (caplen)
				memcpy(copy, payload, caplen);
			seg.payload = copy;
			/* Capture time may wrap: no signed overflow here. */
			usec += (which & 0x80) ? (uint64_t)step << 20 : step;
			nsec += (uint32_t)stepns * 4000000u;
			while (nsec >= 1000000000u) {
				nsec -= 1000000000u;
				usec++;
			}
			sec = (int64_t)usec;
			cx.frame++;
			CHECK(tracker_segment(t, &seg, cx.frame, sec, nsec)
			    == 0);
			free(copy);
		}
		next[tuple][dir] = seg.seq + (uint32_t)seg.len +
		    ((seg.flags & (TCP_SYN | TCP_FIN)) ? 1u : 0u);
		CHECK(stats.peak_connections <= cfg.max_connections);
	}
	tracker_flush(t);
	CHECK(stats.attempts == cx.emitted);
	tracker_free(t);
	CHECK(stats.attempts == cx.emitted);
	return 0;
}
