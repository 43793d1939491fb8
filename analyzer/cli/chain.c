/*
 * chain.c - fallback chains and diagnoses.
 *
 * Clients retry a refused negotiation on a new TCP connection with fewer
 * protocols (FreeRDP: 0x3, 0x1, then none; mstsc 6: 0x1 then 0x0).  The
 * attempts of one client address to one server address and port, each
 * starting within `window` seconds of the previous one, form a chain; the
 * last attempt is the chain's result.  A chain that succeeded only with
 * Standard RDP Security after asking for TLS or CredSSP is a security
 * finding (the server accepts a downgrade).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "cli/fmt.h"
#include "cli/result.h"

/* Order for grouping: pair, then start time, then frame. */
static int
by_pair_time(const void *x, const void *y)
{
	const struct attempt_item *a = *(const struct attempt_item *const *)x;
	const struct attempt_item *b = *(const struct attempt_item *const *)y;
	int c;

	if (a->a.family != b->a.family)
		return a->a.family - b->a.family;
	if ((c = memcmp(a->a.client.addr, b->a.client.addr, 16)) != 0)
		return c;
	if ((c = memcmp(a->a.server.addr, b->a.server.addr, 16)) != 0)
		return c;
	if (a->a.server.port != b->a.server.port)
		return (int)a->a.server.port - (int)b->a.server.port;
	if (a->a.ts_sec != b->a.ts_sec)
		return a->a.ts_sec < b->a.ts_sec ? -1 : 1;
	if (a->a.ts_nsec != b->a.ts_nsec)
		return a->a.ts_nsec < b->a.ts_nsec ? -1 : 1;
	return a->a.first_frame < b->a.first_frame ? -1 :
	    a->a.first_frame > b->a.first_frame;
}

static int
by_frame(const void *x, const void *y)
{
	const struct attempt_item *a = x, *b = y;

	return a->a.first_frame < b->a.first_frame ? -1 :
	    a->a.first_frame > b->a.first_frame;
}

/*
 * Does it continue prev's chain?  Same pair, started within the window,
 * and prev did not succeed (a client does not retry a negotiation that
 * gave it what it asked for).
 */
static int
same_chain(const struct attempt_item *prev, const struct attempt_item *it,
    uint32_t window)
{
	if (prev->a.outcome == RDPNEG_OUTCOME_SELECTED &&
	    !fmt_protocol_not_requested(&prev->a))
		return 0;
	if (prev->a.family != it->a.family ||
	    memcmp(prev->a.client.addr, it->a.client.addr, 16) != 0 ||
	    memcmp(prev->a.server.addr, it->a.server.addr, 16) != 0 ||
	    prev->a.server.port != it->a.server.port)
		return 0;
	/* it starts no earlier than prev (sorted); capture times can be
	 * anything, so the seconds are compared before any arithmetic. */
	if ((uint64_t)it->a.ts_sec - (uint64_t)prev->a.ts_sec >
	    (uint64_t)window + 1)
		return 0;
	return (it->a.ts_sec - prev->a.ts_sec) * 1000000000 +
	    ((int64_t)it->a.ts_nsec - (int64_t)prev->a.ts_nsec) <=
	    (int64_t)window * 1000000000;
}

/* The evidence the knowledge base reads, from one attempt. */
static void
fill_evidence(struct attempt_item *it)
{
	const struct rdpneg_attempt *a = &it->a;
	struct rdpneg_evidence *ev = &it->ev;
	unsigned len = ev->chain_length, pos = ev->chain_position;

	rdpneg_init_evidence(ev);
	ev->chain_length = len ? len : 1;
	ev->chain_position = pos ? pos : 1;
	ev->outcome = a->outcome;
	ev->end = a->end;
	if (a->have & RDPNEG_ATTEMPT_REQUEST)
		ev->have |= RDPNEG_EV_REQUEST;
	if (a->have & RDPNEG_ATTEMPT_REQ_NEG) {
		ev->have |= RDPNEG_EV_REQ_NEG;
		ev->requested = a->requested;
		ev->request_flags = a->request_flags;
	}
	if (a->have & RDPNEG_ATTEMPT_RSP_NEG) {
		ev->have |= RDPNEG_EV_RSP_NEG;
		ev->response_type = a->response_type;
		ev->response_flags = a->response_flags;
		ev->response_value = a->response_value;
	}
	if (a->malformed != NULL)
		ev->have |= RDPNEG_EV_MALFORMED;
	if (a->have & RDPNEG_ATTEMPT_NON_RDP_ANSWER)
		ev->have |= RDPNEG_EV_NON_RDP_ANSWER;
	if (rdpneg_is_scanner(a->token, a->token_len,
	    (a->have & RDPNEG_ATTEMPT_REQ_NEG) != 0, a->requested))
		ev->have |= RDPNEG_EV_SCANNER;
}

/*
 * Did the chain [first, last] end in Standard RDP Security after an
 * attempt that asked for more failed?
 */
static int
fell_back(struct attempt_item **v, size_t first, size_t last)
{
	const struct attempt_item *end = v[last];
	size_t i;

	if (end->a.outcome != RDPNEG_OUTCOME_SELECTED &&
	    end->a.outcome != RDPNEG_OUTCOME_LEGACY)
		return 0;
	if (end->a.outcome == RDPNEG_OUTCOME_SELECTED &&
	    end->a.response_value != RDPNEG_PROTOCOL_RDP)
		return 0;
	for (i = first; i < last; i++)
		if ((v[i]->a.have & RDPNEG_ATTEMPT_REQ_NEG) &&
		    v[i]->a.requested != RDPNEG_PROTOCOL_RDP &&
		    (v[i]->a.outcome != RDPNEG_OUTCOME_SELECTED ||
		    fmt_protocol_not_requested(&v[i]->a)))
			return 1;
	return 0;
}

void
chain_and_diagnose(struct capture_result *r, uint32_t window)
{
	struct attempt_item **v, *final;
	size_t i, j, start;
	unsigned id = 0;

	if (r->nitems == 0)
		return;
	/* Frame order first: chain ids then follow the capture. */
	qsort(r->items, r->nitems, sizeof(*r->items), by_frame);
	v = malloc(r->nitems * sizeof(*v));
	if (v == NULL) {
		for (i = 0; i < r->nitems; i++) {	/* chains of one */
			fill_evidence(&r->items[i]);
			r->items[i].diag = rdpneg_diagnose(&r->items[i].ev);
			r->items[i].chain_final = &r->items[i];
		}
		return;
	}
	for (i = 0; i < r->nitems; i++)
		v[i] = &r->items[i];
	qsort(v, r->nitems, sizeof(*v), by_pair_time);
	for (start = 0; start < r->nitems; start = i) {
		for (i = start + 1; i < r->nitems &&
		    same_chain(v[i - 1], v[i], window); i++)
			;
		for (j = start; j < i; j++) {
			v[j]->ev.chain_length = (unsigned)(i - start);
			v[j]->ev.chain_position = (unsigned)(j - start + 1);
			v[j]->chain_final = v[i - 1];
			fill_evidence(v[j]);
		}
		if (i - start > 1 && fell_back(v, start, i - 1))
			v[i - 1]->ev.have |= RDPNEG_EV_FELL_BACK;
	}
	/* Number chains in the order of their first attempt's frame. */
	for (i = 0; i < r->nitems; i++) {
		final = r->items[i].chain_final;
		if (final->chain_id == 0)
			final->chain_id = ++id;
		r->items[i].chain_id = final->chain_id;
	}
	for (i = 0; i < r->nitems; i++)
		r->items[i].diag = rdpneg_diagnose(&r->items[i].ev);
	free(v);
}
