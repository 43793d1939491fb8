/*
 * test_chain.c - grouping attempts into fallback chains, and the
 * diagnoses that depend on the chain.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <criterion/criterion.h>
#include <string.h>

#include "analysis/analysis.h"
#include "analysis/reorder.h"
#include "pdu_build.h"

#define WINDOW 60

static struct attempt_item items[16];
static struct attempt_list r;

/*
 * Append an attempt from client 192.0.2.<client> to 203.0.113.5:<port>,
 * starting at second `at` (+ nsec), with the request and the answer.
 */
static struct attempt_item *
attempt(uint64_t frame, int64_t at, uint32_t nsec, uint8_t client,
    uint16_t port, int has_req, uint32_t requested,
    enum rdpneg_outcome outcome, uint8_t rsp_type, uint32_t value)
{
	struct attempt_item *it = &items[r.n++];
	struct rdpneg_attempt *a = &it->a;

	memset(it, 0, sizeof(*it));
	a->family = 4;
	memcpy(a->client.addr, (uint8_t[]){ 192, 0, 2, client }, 4);
	a->client.port = (uint16_t)(50000 + frame);
	memcpy(a->server.addr, (uint8_t[]){ 203, 0, 113, 5 }, 4);
	a->server.port = port;
	a->first_frame = frame;
	a->ts_sec = 1714557600 + at;
	a->ts_nsec = nsec;
	a->ev.have = RDPNEG_EV_REQUEST;
	if (has_req) {
		a->ev.have |= RDPNEG_EV_REQ_NEG;
		a->ev.requested = requested;
	}
	if (rsp_type != 0) {
		a->ev.have |= RDPNEG_EV_CONFIRM | RDPNEG_EV_RSP_NEG;
		a->ev.response_type = rsp_type;
		a->ev.response_value = value;
	}
	a->ev.outcome = outcome;
	return it;
}

static void
setup(void)
{
	memset(&r, 0, sizeof(r));
	memset(items, 0, sizeof(items));
	r.items = items;
	r.cap = sizeof(items) / sizeof(items[0]);
}

static const struct attempt_item *
by_frame(uint64_t frame)
{
	size_t i;

	for (i = 0; i < r.n; i++)
		if (r.items[i].a.first_frame == frame)
			return &r.items[i];
	cr_assert_fail("no attempt at frame %llu", (unsigned long long)frame);
	return NULL;
}

static void
assert_chain(uint64_t frame, unsigned id, unsigned pos, unsigned len,
    const char *diag)
{
	const struct attempt_item *it = by_frame(frame);

	cr_assert_eq(it->chain_id, id, "frame %llu: chain %u, expected %u",
	    (unsigned long long)frame, it->chain_id, id);
	cr_assert_eq(it->a.ev.chain_position, pos, "frame %llu: position %u",
	    (unsigned long long)frame, it->a.ev.chain_position);
	cr_assert_eq(it->a.ev.chain_length, len, "frame %llu: length %u",
	    (unsigned long long)frame, it->a.ev.chain_length);
	cr_assert_str_eq(it->diag->id, diag, "frame %llu",
	    (unsigned long long)frame);
}

TestSuite(chain, .init = setup);

Test(chain, freerdp_ladder_ending_in_standard_rdp)
{
	/* 0x3 -> FAILURE 2, 0x1 -> FAILURE 2, 0x0 -> RDP; given out of order. */
	attempt(20, 2, 0, 10, 3389, 1, 0x0, RDPNEG_OUTCOME_SELECTED,
	    RDPNEG_TYPE_RSP, 0);
	attempt(1, 0, 0, 10, 3389, 1, 0x3, RDPNEG_OUTCOME_FAILURE,
	    RDPNEG_TYPE_FAILURE, 2);
	attempt(10, 1, 0, 10, 3389, 1, 0x1, RDPNEG_OUTCOME_FAILURE,
	    RDPNEG_TYPE_FAILURE, 2);
	chain_and_diagnose(&r, WINDOW, 0);
	cr_assert_eq(r.items[0].a.first_frame, 1, "sorted by first frame");
	assert_chain(1, 1, 1, 3, "server-rdp-security-only");
	assert_chain(10, 1, 2, 3, "server-rdp-security-only");
	assert_chain(20, 1, 3, 3, "standard-rdp-fallback");
	cr_assert_eq(by_frame(1)->final_frame, 20);
}

Test(chain, legacy_last_step_is_a_fallback_too)
{
	attempt(1, 0, 0, 10, 3389, 1, 0x3, RDPNEG_OUTCOME_FAILURE,
	    RDPNEG_TYPE_FAILURE, 2);
	attempt(9, 1, 0, 10, 3389, 0, 0, RDPNEG_OUTCOME_LEGACY, 0, 0);
	chain_and_diagnose(&r, WINDOW, 0);
	assert_chain(9, 1, 2, 2, "standard-rdp-fallback-legacy");
}

Test(chain, window_is_exact_to_the_nanosecond)
{
	attempt(1, 0, 0, 10, 3389, 1, 0x3, RDPNEG_OUTCOME_FAILURE,
	    RDPNEG_TYPE_FAILURE, 5);
	attempt(2, 60, 0, 10, 3389, 1, 0x3, RDPNEG_OUTCOME_FAILURE,
	    RDPNEG_TYPE_FAILURE, 5);		/* 60 s: same chain */
	attempt(3, 120, 1, 10, 3389, 1, 0x3, RDPNEG_OUTCOME_FAILURE,
	    RDPNEG_TYPE_FAILURE, 5);		/* 60 s + 1 ns: a new one */
	chain_and_diagnose(&r, WINDOW, 0);
	assert_chain(1, 1, 1, 2, "nla-required");
	assert_chain(2, 1, 2, 2, "nla-required");
	assert_chain(3, 2, 1, 1, "nla-required");
}

Test(chain, other_client_server_or_port_start_their_own)
{
	attempt(1, 0, 0, 10, 3389, 1, 0x3, RDPNEG_OUTCOME_FAILURE,
	    RDPNEG_TYPE_FAILURE, 2);
	attempt(2, 1, 0, 11, 3389, 1, 0x0, RDPNEG_OUTCOME_SELECTED,
	    RDPNEG_TYPE_RSP, 0);		/* another client */
	attempt(3, 1, 0, 10, 3390, 1, 0x0, RDPNEG_OUTCOME_SELECTED,
	    RDPNEG_TYPE_RSP, 0);		/* another port */
	chain_and_diagnose(&r, WINDOW, 0);
	assert_chain(1, 1, 1, 1, "server-rdp-security-only");
	assert_chain(2, 2, 1, 1, "negotiated-standard-rdp");
	assert_chain(3, 3, 1, 1, "negotiated-standard-rdp");
}

Test(chain, a_success_ends_the_chain)
{
	attempt(1, 0, 0, 10, 3389, 1, 0x3, RDPNEG_OUTCOME_SELECTED,
	    RDPNEG_TYPE_RSP, 2);
	attempt(2, 5, 0, 10, 3389, 1, 0x3, RDPNEG_OUTCOME_SELECTED,
	    RDPNEG_TYPE_RSP, 2);
	chain_and_diagnose(&r, WINDOW, 0);
	assert_chain(1, 1, 1, 1, "negotiated");
	assert_chain(2, 2, 1, 1, "negotiated");
}

Test(chain, protocol_not_requested_is_retried)
{
	/* Standard RDP chosen for a TLS client: the client aborts, retries. */
	attempt(1, 0, 0, 10, 3389, 1, 0x1, RDPNEG_OUTCOME_SELECTED,
	    RDPNEG_TYPE_RSP, 0);
	attempt(2, 1, 0, 10, 3389, 1, 0x0, RDPNEG_OUTCOME_SELECTED,
	    RDPNEG_TYPE_RSP, 0);
	chain_and_diagnose(&r, WINDOW, 0);
	assert_chain(1, 1, 1, 2, "server-chose-standard-rdp");
	assert_chain(2, 1, 2, 2, "standard-rdp-fallback");
}

Test(chain, window_zero_makes_chains_of_one)
{
	attempt(1, 0, 0, 10, 3389, 1, 0x3, RDPNEG_OUTCOME_FAILURE,
	    RDPNEG_TYPE_FAILURE, 2);
	attempt(2, 1, 0, 10, 3389, 1, 0x0, RDPNEG_OUTCOME_SELECTED,
	    RDPNEG_TYPE_RSP, 0);
	chain_and_diagnose(&r, 0, 0);
	assert_chain(1, 1, 1, 1, "server-rdp-security-only");
	assert_chain(2, 2, 1, 1, "negotiated-standard-rdp");
}

/* Feed a direction's first PDU to the connection model, as the tracker
 * and the plugin do. */
static void
record(struct attempt_item *it, int from_client, const struct pb *pdu)
{
	struct rdpneg_pdu d;
	enum rdpneg_status st = rdpneg_decode_pdu(pdu->b, pdu->n, &d);

	cr_assert_eq(rdpneg_evidence_first_pdu(&it->a.ev, from_client, st,
	    &d), RDPNEG_FIRST_NEGOTIATION);
}

Test(chain, scanner_and_malformed_marks)
{
	struct attempt_item *it;
	struct pb var, pdu;

	/* nmap's cookie with RDP_NEG_REQ 0x1, refused with code 2. */
	it = attempt(1, 0, 0, 10, 3389, 1, 0x1, RDPNEG_OUTCOME_FAILURE,
	    RDPNEG_TYPE_FAILURE, 2);
	pb_reset(&var);
	pb_line(&var, "Cookie: mstshash=nmap");
	pb_neg(&var, RDPNEG_TYPE_REQ, 0, 8, 0x1);
	pb_cr(&pdu, &var);
	record(it, 1, &pdu);
	/* An RDP_NEG_RSP with 4 trailing bytes. */
	it = attempt(2, 100, 0, 10, 3389, 1, 0x3, RDPNEG_OUTCOME_SELECTED,
	    RDPNEG_TYPE_RSP, 2);
	pb_reset(&var);
	pb_neg(&var, RDPNEG_TYPE_RSP, 0, 8, 0x2);
	pb_le32(&var, 0);
	pb_cc(&pdu, &var);
	record(it, 0, &pdu);
	chain_and_diagnose(&r, WINDOW, 0);
	assert_chain(1, 1, 1, 1, "scanner-probe");
	assert_chain(2, 2, 1, 1, "malformed-negotiation");
}

/* ---- the reorder buffer (reorder.c): the same chains while the capture
 * is read */

static struct attempt_item out[16];
static size_t nout;

static void
collect(const struct attempt_item *it, void *arg)
{
	(void)arg;
	cr_assert_lt(nout, sizeof(out) / sizeof(out[0]));
	out[nout] = *it;
	out[nout].a.token = NULL;	/* lent: not kept */
	out[nout].a.malformed = out[nout].a.incomplete = NULL;
	out[nout++].owned = NULL;
}

/*
 * Feed the attempts to a reorder buffer in the order given (the order their
 * connections ended), the horizon moving to each one's frame + 1 and
 * time first, then to the end; every attempt must come out in frame
 * order with the chain and diagnosis chain_and_diagnose gives it.
 */
static void
assert_reorder_matches(uint32_t window, int time_ordered)
{
	struct rdpneg_horizon hz = { 0, 0, 0, time_ordered, 0, 0, 0 };
	struct attempt_item copy[16];
	struct reorder *w;
	size_t i, j, n = r.n;

	memcpy(copy, items, sizeof(copy));
	nout = 0;
	w = reorder_new(window, 64, collect, NULL);
	cr_assert_not_null(w);
	for (i = 0; i < n; i++) {
		cr_assert_eq(reorder_add(w, &copy[i].a), 0);
		/* The earliest of those still to come, as the tracker says. */
		hz.frame = UINT64_MAX;
		for (j = i + 1; j < n; j++)
			if (copy[j].a.first_frame < hz.frame) {
				hz.frame = copy[j].a.first_frame;
				hz.sec = hz.now_sec = copy[j].a.ts_sec;
				hz.nsec = hz.now_nsec = copy[j].a.ts_nsec;
			}
		if (hz.frame == UINT64_MAX)
			hz.frame = 100;		/* the next packet's frame */
		cr_assert_geq(reorder_advance(w, &hz), 0);
	}
	hz.frame = UINT64_MAX;
	hz.end = 1;
	cr_assert_eq(reorder_advance(w, &hz), 0);
	reorder_free(w);
	chain_and_diagnose(&r, window, 0);
	cr_assert_eq(nout, n);
	for (i = 0; i < n; i++) {
		cr_assert_eq(out[i].a.first_frame, r.items[i].a.first_frame);
		cr_assert_eq(out[i].chain_id, r.items[i].chain_id, "frame %llu",
		    (unsigned long long)out[i].a.first_frame);
		cr_assert_eq(out[i].a.ev.chain_position,
		    r.items[i].a.ev.chain_position);
		cr_assert_eq(out[i].a.ev.chain_length,
		    r.items[i].a.ev.chain_length);
		cr_assert_eq(out[i].final_frame, r.items[i].final_frame);
		cr_assert_eq(out[i].diag, r.items[i].diag);
	}
}

Test(chain, reorder_gives_the_same_chains)
{
	/* Two interleaved ladders, a success, a chain cut by the window;
	 * connections end out of frame order. */
	attempt(3, 1, 0, 10, 3389, 1, 0x1, RDPNEG_OUTCOME_FAILURE,
	    RDPNEG_TYPE_FAILURE, 2);
	attempt(1, 0, 0, 10, 3389, 1, 0x3, RDPNEG_OUTCOME_FAILURE,
	    RDPNEG_TYPE_FAILURE, 2);
	attempt(2, 0, 5, 11, 3389, 1, 0x3, RDPNEG_OUTCOME_FAILURE,
	    RDPNEG_TYPE_FAILURE, 5);
	attempt(5, 2, 0, 10, 3389, 1, 0x0, RDPNEG_OUTCOME_SELECTED,
	    RDPNEG_TYPE_RSP, 0);
	attempt(4, 1, 5, 11, 3389, 1, 0x3, RDPNEG_OUTCOME_FAILURE,
	    RDPNEG_TYPE_FAILURE, 5);
	attempt(6, 3, 0, 10, 3389, 1, 0x3, RDPNEG_OUTCOME_SELECTED,
	    RDPNEG_TYPE_RSP, 2);
	attempt(7, 200, 0, 11, 3389, 1, 0x3, RDPNEG_OUTCOME_FAILURE,
	    RDPNEG_TYPE_FAILURE, 5);
	assert_reorder_matches(WINDOW, 1);
}

Test(chain, reorder_holds_all_when_time_goes_back)
{
	/* Frame 3 starts before frame 1: grouped by time at the end. */
	attempt(1, 10, 0, 10, 3389, 1, 0x3, RDPNEG_OUTCOME_FAILURE,
	    RDPNEG_TYPE_FAILURE, 2);
	attempt(2, 11, 0, 10, 3389, 1, 0x0, RDPNEG_OUTCOME_SELECTED,
	    RDPNEG_TYPE_RSP, 0);
	attempt(3, 5, 0, 10, 3389, 1, 0x1, RDPNEG_OUTCOME_FAILURE,
	    RDPNEG_TYPE_FAILURE, 2);
	assert_reorder_matches(WINDOW, 0);
}

Test(chain, reorder_asks_for_the_blocking_connection_when_full)
{
	struct rdpneg_horizon hz = { 3, 1714557600, 0, 1, 0, 1714557600, 0 };
	struct reorder *w;
	size_t i;

	/* Frames 5 to 7 done while the connection of frame 3 stays open. */
	for (i = 0; i < 3; i++)
		attempt(5 + i, 10 + (int64_t)i, 0, (uint8_t)(10 + i), 3389, 1,
		    0x3, RDPNEG_OUTCOME_FAILURE, RDPNEG_TYPE_FAILURE, 2);
	nout = 0;
	w = reorder_new(WINDOW, 2, collect, NULL);
	cr_assert_not_null(w);
	for (i = 0; i < 2; i++)
		cr_assert_eq(reorder_add(w, &items[i].a), 0);
	cr_assert_eq(reorder_advance(w, &hz), 0, "two held: not full");
	cr_assert_eq(reorder_add(w, &items[2].a), 0);
	cr_assert_eq(reorder_advance(w, &hz), 1, "three held for frame 3");
	cr_assert_eq(nout, 0);
	hz.frame = 8;		/* frame 3 reported: all can go */
	hz.sec += 1000;
	cr_assert_eq(reorder_advance(w, &hz), 0);
	cr_assert_eq(nout, 3);
	reorder_free(w);
}

Test(chain, window_asks_when_an_open_connection_holds_a_chain)
{
	/* Frame 1 could still be continued by the connection open since
	 * frame 3 (1 s later), though the capture is 100 s on. */
	struct rdpneg_horizon hz = { 3, 1714557601, 0, 1, 0, 1714557700, 0 };
	struct reorder *w, *w2;
	size_t i;

	attempt(1, 0, 0, 10, 3389, 1, 0x3, RDPNEG_OUTCOME_FAILURE,
	    RDPNEG_TYPE_FAILURE, 2);
	for (i = 0; i < 3; i++)
		attempt(5 + i, 2 + (int64_t)i, 0, (uint8_t)(20 + i), 3389, 1,
		    0x3, RDPNEG_OUTCOME_FAILURE, RDPNEG_TYPE_FAILURE, 2);
	nout = 0;
	w = reorder_new(WINDOW, 2, collect, NULL);
	cr_assert_not_null(w);
	for (i = 0; i < 4; i++)
		cr_assert_eq(reorder_add(w, &items[i].a), 0);
	cr_assert_eq(reorder_advance(w, &hz), 1);
	cr_assert_eq(reorder_advance(w, &hz), 1, "the same when cached");
	cr_assert_eq(nout, 0);
	hz.now_sec = 1714557610;	/* a capture still within the window */
	w2 = reorder_new(WINDOW, 2, collect, NULL);
	cr_assert_not_null(w2);
	for (i = 0; i < 4; i++)
		cr_assert_eq(reorder_add(w2, &items[i].a), 0);
	cr_assert_eq(reorder_advance(w2, &hz), 0);
	reorder_free(w2);
	reorder_free(w);
}
