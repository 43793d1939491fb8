/*
 * grouping.c - attempts grouped into fallback chains (the rule is the
 * shared rdpneg/chain.h) and diagnosed: a chain sealed as a whole, or all
 * the attempts of a capture grouped at once.  The last attempt of a chain
 * is its result.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "rdpneg/chain.h"

int
chain_same_pair(const struct attempt_item *x, const struct attempt_item *y)
{
	return x->a.family == y->a.family &&
	    x->a.server.port == y->a.server.port &&
	    memcmp(x->a.client.addr, y->a.client.addr, 16) == 0 &&
	    memcmp(x->a.server.addr, y->a.server.addr, 16) == 0;
}

void
chain_seal(struct attempt_item *const *v, size_t n, unsigned id)
{
	struct attempt_item *final = v[n - 1];
	size_t i;
	int asked_more = 0;

	/* Standard RDP Security in the end, after asking for more. */
	for (i = 0; i + 1 < n; i++)
		asked_more |= rdpneg_chain_asked_more(&v[i]->a.ev);
	if (asked_more && rdpneg_chain_standard_rdp(&final->a.ev))
		final->a.ev.have |= RDPNEG_EV_FELL_BACK;
	for (i = 0; i < n; i++) {
		v[i]->a.ev.chain_length = (unsigned)n;
		v[i]->a.ev.chain_position = (unsigned)(i + 1);
	}
	final->diag = rdpneg_diagnose(&final->a.ev);
	for (i = 0; i < n; i++) {
		v[i]->diag = rdpneg_diagnose(&v[i]->a.ev);
		v[i]->server = rdpneg_identify_server(&v[i]->a.ev);
		v[i]->class = rdpneg_attempt_class(v[i]->diag, &v[i]->a.ev);
		v[i]->chain_id = id;
		v[i]->final_frame = final->a.first_frame;
		v[i]->final_outcome = final->a.ev.outcome;
		v[i]->final_diag = final->diag;
		v[i]->final_fell_back = (final->a.ev.have &
		    RDPNEG_EV_FELL_BACK) != 0;
	}
}

/* ---- all the attempts of a capture at once */

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

/* A chain as a run of the pair-ordered array, and its lowest frame. */
struct chain_run {
	size_t		start;
	size_t		n;
	uint64_t	first_frame;
};

static int
by_run_frame(const void *x, const void *y)
{
	const struct chain_run *a = x, *b = y;

	return a->first_frame < b->first_frame ? -1 :
	    a->first_frame > b->first_frame;
}

unsigned
chain_and_diagnose(struct attempt_list *l, uint32_t window, unsigned id)
{
	struct attempt_item **v, *it;
	struct chain_run *runs;
	size_t i, j, nruns = 0;

	if (l->n == 0)
		return id;
	/* Frame order first: chain ids then follow the capture. */
	qsort(l->items, l->n, sizeof(*l->items), by_frame);
	v = malloc(l->n * sizeof(*v));
	runs = malloc(l->n * sizeof(*runs));
	if (v == NULL || runs == NULL) {	/* chains of one */
		for (i = 0; i < l->n; i++) {
			it = &l->items[i];
			chain_seal(&it, 1, ++id);
		}
		free(v);
		free(runs);
		return id;
	}
	for (i = 0; i < l->n; i++)
		v[i] = &l->items[i];
	qsort(v, l->n, sizeof(*v), by_pair_time);
	for (i = 0; i < l->n; i = j) {
		runs[nruns].start = i;
		runs[nruns].first_frame = v[i]->a.first_frame;
		for (j = i + 1; j < l->n && chain_same_pair(v[j - 1], v[j]) &&
		    rdpneg_chain_continues(&v[j - 1]->a.ev, v[j - 1]->a.ts_sec,
		    v[j - 1]->a.ts_nsec, v[j]->a.ts_sec, v[j]->a.ts_nsec,
		    window); j++)
			if (v[j]->a.first_frame < runs[nruns].first_frame)
				runs[nruns].first_frame = v[j]->a.first_frame;
		runs[nruns++].n = j - i;
	}
	/* Number chains in the order of their first attempt's frame. */
	qsort(runs, nruns, sizeof(*runs), by_run_frame);
	for (i = 0; i < nruns; i++)
		chain_seal(v + runs[i].start, runs[i].n, ++id);
	free(v);
	free(runs);
	return id;
}
