/*
 * chain.c - the attempts of one capture grouped into fallback chains (the
 * rule is the shared rdpneg/chain.h), then diagnosed.  The last attempt
 * of a chain is its result.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "cli/result.h"
#include "rdpneg/chain.h"

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

/* Does it continue prev's chain?  Same pair, and chain.h's rule. */
static int
same_chain(const struct attempt_item *prev, const struct attempt_item *it,
    uint32_t window)
{
	if (prev->a.family != it->a.family ||
	    memcmp(prev->a.client.addr, it->a.client.addr, 16) != 0 ||
	    memcmp(prev->a.server.addr, it->a.server.addr, 16) != 0 ||
	    prev->a.server.port != it->a.server.port)
		return 0;
	return rdpneg_chain_continues(&prev->ev, prev->a.ts_sec,
	    prev->a.ts_nsec, it->a.ts_sec, it->a.ts_nsec, window);
}

/* The evidence the knowledge base reads, from one attempt. */
static void
fill_evidence(struct attempt_item *it)
{
	const struct rdpneg_attempt *a = &it->a;
	struct rdpneg_evidence *ev = &it->ev;

	rdpneg_init_evidence(ev);
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
	size_t i;

	if (!rdpneg_chain_standard_rdp(&v[last]->ev))
		return 0;
	for (i = first; i < last; i++)
		if (rdpneg_chain_asked_more(&v[i]->ev))
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
	for (i = 0; i < r->nitems; i++) {	/* chains of one until grouped */
		fill_evidence(&r->items[i]);
		r->items[i].chain_final = &r->items[i];
	}
	v = malloc(r->nitems * sizeof(*v));
	if (v == NULL) {
		for (i = 0; i < r->nitems; i++)
			r->items[i].diag = rdpneg_diagnose(&r->items[i].ev);
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
