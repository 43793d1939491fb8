/*
 * reorder.c - attempts reordered into first-frame order and grouped into
 * fallback chains while the capture is read, holding only what may still
 * change (reorder.h).
 *
 * The tracker hands attempts over as their connections end; the horizon
 * (capture.h) says where every attempt still to come starts.  The attempt
 * with the lowest first frame goes out once it starts before the horizon:
 * nothing can then come before it.  Its chain must be sealed first: the
 * attempts of its client/server pair that follow it, each continuing the
 * previous one (rdpneg/chain.h), up to one after which nothing can follow,
 * because it succeeded, or because the horizon is past its start plus the
 * chain window.  While capture time never goes back, first-frame order is
 * start-time order, so this is exactly the grouping of chain_and_diagnose.
 * When time goes back, the rest of the capture is held and grouped at its
 * end by chain_and_diagnose, as if no attempt had gone out yet (those that
 * had keep their chains).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/reorder.h"
#include "rdpneg/chain.h"

#define PAIR_BUCKETS	(1u << 14)

struct pairq;

struct held {
	struct attempt_item	 it;	/* chain_id 0 until its chain is sealed */
	struct held		*pair_prev;	/* same pair, by first frame */
	struct held		*pair_next;
	struct pairq		*pair;
};

/* The held attempts of one client/server pair. */
struct pairq {
	struct pairq	*hnext;
	struct held	*head;
	struct held	*tail;
	uint32_t	 hash;
};

/* A heap entry: the key beside the attempt, so sifting reads no attempt. */
struct entry {
	uint64_t	 frame;
	struct held	*h;
};

struct reorder {
	uint32_t		 chain_window;
	size_t			 max_held;
	attempt_sink		 fn;
	void			*arg;
	struct entry		*heap;		/* min-heap by first frame */
	size_t			 n;
	size_t			 cap;
	struct pairq		**buckets;
	struct attempt_item	**chain;	/* a chain being sealed */
	size_t			 chain_cap;
	unsigned		 chain_id;
	int			 time_ordered;
	/* The head's chain waits for time to pass the latest one's window:
	 * nothing to do until then, or until the horizon or the set moves. */
	int			 waiting;
	uint64_t		 wait_frame;
	int64_t			 wait_sec;	/* the latest start + window */
	uint32_t		 wait_nsec;
	struct rdpneg_evidence	 unfinished;	/* a start that did not succeed */
};

static uint32_t
pair_hash(const struct rdpneg_attempt *a)
{
	uint32_t h = 2166136261u ^ (uint32_t)a->family;	/* FNV-1a */
	size_t i;

	for (i = 0; i < 16; i++)
		h = (h ^ a->client.addr[i]) * 16777619u;
	for (i = 0; i < 16; i++)
		h = (h ^ a->server.addr[i]) * 16777619u;
	return (h ^ a->server.port) * 16777619u;
}

/* ---- the heap by first frame */

static int
earlier(const struct held *x, const struct held *y)
{
	return x->it.a.first_frame < y->it.a.first_frame;
}

static void
heap_up(struct entry *v, size_t i)
{
	struct entry x = v[i];

	for (; i > 0 && x.frame < v[(i - 1) / 2].frame; i = (i - 1) / 2)
		v[i] = v[(i - 1) / 2];
	v[i] = x;
}

static struct held *
heap_pop(struct reorder *w)
{
	struct held *top = w->heap[0].h;
	struct entry x = w->heap[--w->n];
	size_t i = 0, k;

	while ((k = 2 * i + 1) < w->n) {
		if (k + 1 < w->n && w->heap[k + 1].frame < w->heap[k].frame)
			k++;
		if (w->heap[k].frame >= x.frame)
			break;
		w->heap[i] = w->heap[k];
		i = k;
	}
	if (w->n > 0)
		w->heap[i] = x;
	return top;
}

/* ---- pairs */

static int
pair_insert(struct reorder *w, struct held *h)
{
	uint32_t hash = pair_hash(&h->it.a);
	struct pairq **slot = &w->buckets[hash & (PAIR_BUCKETS - 1)], *q;
	struct held *p;

	for (q = *slot; q != NULL; q = q->hnext)
		if (q->hash == hash && chain_same_pair(&q->head->it, &h->it))
			break;
	if (q == NULL) {
		if ((q = calloc(1, sizeof(*q))) == NULL)
			return -1;
		q->hash = hash;
		q->hnext = *slot;
		*slot = q;
	}
	/* Mostly in order already: look from the tail. */
	for (p = q->tail; p != NULL && earlier(h, p); p = p->pair_prev)
		;
	h->pair = q;
	h->pair_prev = p;
	h->pair_next = p != NULL ? p->pair_next : q->head;
	if (h->pair_next != NULL)
		h->pair_next->pair_prev = h;
	else
		q->tail = h;
	if (p != NULL)
		p->pair_next = h;
	else
		q->head = h;
	return 0;
}

static void
pair_remove(struct reorder *w, struct held *h)
{
	struct pairq *q = h->pair, **pp;

	if (h->pair_prev != NULL)
		h->pair_prev->pair_next = h->pair_next;
	else
		q->head = h->pair_next;
	if (h->pair_next != NULL)
		h->pair_next->pair_prev = h->pair_prev;
	else
		q->tail = h->pair_prev;
	if (q->head != NULL)
		return;
	for (pp = &w->buckets[q->hash & (PAIR_BUCKETS - 1)]; *pp != q;
	    pp = &(*pp)->hnext)
		;
	*pp = q->hnext;
	free(q);
}

/* ---- chains */

/* Can no attempt still to come continue a chain whose latest is last? */
static int
chain_closed(const struct reorder *w, const struct held *last,
    const struct rdpneg_horizon *hz)
{
	const struct rdpneg_attempt *a = &last->it.a;

	if (hz->end)
		return 1;
	/* A success ends its chain (the same start always continues else). */
	if (!rdpneg_chain_continues(&last->it.a.ev, a->ts_sec, a->ts_nsec,
	    a->ts_sec, a->ts_nsec, w->chain_window))
		return 1;
	/* Everything to come starts at the horizon's time or later. */
	return w->time_ordered && !rdpneg_chain_continues(&w->unfinished,
	    a->ts_sec, a->ts_nsec, hz->sec, hz->nsec, w->chain_window);
}

/*
 * Seal the chain that starts with h, if nothing can join it any more: 1.
 * 0: it waits for the horizon's time to pass the latest attempt's window
 * (the deadline noted), -1: out of memory.
 */
static int
seal(struct reorder *w, struct held *h, const struct rdpneg_horizon *hz)
{
	struct attempt_item **v;
	struct held *last = h, *next;
	size_t n = 0;

	for (;;) {
		if (n == w->chain_cap) {
			v = realloc(w->chain, (n ? 2 * n : 16) * sizeof(*v));
			if (v == NULL)
				return -1;
			w->chain = v;
			w->chain_cap = n ? 2 * n : 16;
		}
		w->chain[n++] = &last->it;
		next = last->pair_next;
		/* Starts before the horizon: nothing can come in between. */
		if (next != NULL && next->it.a.first_frame < hz->frame) {
			if (!rdpneg_chain_continues(&last->it.a.ev,
			    last->it.a.ts_sec, last->it.a.ts_nsec,
			    next->it.a.ts_sec, next->it.a.ts_nsec,
			    w->chain_window))
				break;
			last = next;
			continue;
		}
		if (chain_closed(w, last, hz))
			break;
		w->waiting = 1;
		w->wait_frame = hz->frame;
		/* Past INT64_MAX the window cannot end (rdpneg/chain.c). */
		w->wait_sec = last->it.a.ts_sec > INT64_MAX - w->chain_window ?
		    INT64_MAX : last->it.a.ts_sec + w->chain_window;
		w->wait_nsec = last->it.a.ts_sec > INT64_MAX - w->chain_window ?
		    UINT32_MAX : last->it.a.ts_nsec;
		return 0;
	}
	chain_seal(w->chain, n, ++w->chain_id);
	return 1;
}

static void
held_free(struct held *h)
{
	free(h->it.owned);
	free(h);
}

/* Is t after the deadline a waiting chain noted? */
static int
past_deadline(const struct reorder *w, int64_t sec, uint32_t nsec)
{
	return sec > w->wait_sec || (sec == w->wait_sec && nsec > w->wait_nsec);
}

/*
 * Hand over what can go.  Returns 1 when the next attempt waits for an
 * open connection (to start before it, or to pass the chain window: the
 * horizon's time is that of an open connection while the capture's time
 * is past the window), 0 otherwise, -1 out of memory.
 */
static int
release(struct reorder *w, const struct rdpneg_horizon *hz)
{
	struct held *h;
	int r;

	w->waiting = 0;
	while (w->n > 0) {
		h = w->heap[0].h;
		if (h->it.a.first_frame >= hz->frame)
			return 1;
		if (h->it.chain_id == 0 && (r = seal(w, h, hz)) <= 0)
			return r < 0 ? r : past_deadline(w, hz->now_sec,
			    hz->now_nsec);
		heap_pop(w);
		pair_remove(w, h);
		w->fn(&h->it, w->arg);
		held_free(h);
	}
	return 0;
}

/* Time went back: group what is left as a whole, then hand it over. */
static int
release_unordered(struct reorder *w)
{
	struct attempt_list open = { NULL, 0, 0 }, sealed = { NULL, 0, 0 };
	struct attempt_list *l;
	struct attempt_item *it;
	struct held *h;
	size_t i = 0, j = 0;
	int rc = 0;

	while (w->n > 0) {
		h = heap_pop(w);
		pair_remove(w, h);
		l = h->it.chain_id == 0 ? &open : &sealed;
		if (l->n == l->cap) {
			it = realloc(l->items, (l->cap ? 2 * l->cap : 64) *
			    sizeof(*it));
			if (it == NULL) {
				held_free(h);
				rc = -1;
				continue;
			}
			l->items = it;
			l->cap = l->cap ? 2 * l->cap : 64;
		}
		l->items[l->n++] = h->it;	/* its texts move along */
		free(h);
	}
	w->chain_id = chain_and_diagnose(&open, w->chain_window, w->chain_id);
	while (i < open.n || j < sealed.n) {
		if (j == sealed.n || (i < open.n &&
		    open.items[i].a.first_frame < sealed.items[j].a.first_frame))
			w->fn(&open.items[i++], w->arg);
		else
			w->fn(&sealed.items[j++], w->arg);
	}
	attempt_list_free(&open);
	attempt_list_free(&sealed);
	return rc;
}

/* ---- interface */

struct reorder *
reorder_new(uint32_t chain_window, size_t max_held, attempt_sink fn,
    void *arg)
{
	struct reorder *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->buckets = calloc(PAIR_BUCKETS, sizeof(*w->buckets));
	if (w->buckets == NULL) {
		free(w);
		return NULL;
	}
	w->chain_window = chain_window;
	w->max_held = max_held;
	w->fn = fn;
	w->arg = arg;
	w->time_ordered = 1;
	rdpneg_init_evidence(&w->unfinished);
	w->unfinished.outcome = RDPNEG_OUTCOME_NO_RESPONSE;
	return w;
}

int
reorder_add(struct reorder *w, const struct rdpneg_attempt *a)
{
	struct held *h;
	struct entry *v;

	if (w->n == w->cap) {
		v = realloc(w->heap, (w->cap ? 2 * w->cap : 256) * sizeof(*v));
		if (v == NULL)
			return -1;
		w->heap = v;
		w->cap = w->cap ? 2 * w->cap : 256;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return -1;
	if (attempt_item_init(&h->it, a) < 0 || pair_insert(w, h) < 0) {
		held_free(h);
		return -1;
	}
	w->waiting = 0;
	w->heap[w->n].frame = a->first_frame;
	w->heap[w->n].h = h;
	heap_up(w->heap, w->n++);
	return 0;
}

int
reorder_advance(struct reorder *w, const struct rdpneg_horizon *hz)
{
	int r;

	if (!hz->time_ordered)
		w->time_ordered = 0;
	if (!w->time_ordered)
		return hz->end ? release_unordered(w) : 0;
	/* Still waiting, as after the last packet (chain_closed, cached)? */
	if (w->waiting && hz->frame == w->wait_frame && !hz->end &&
	    !past_deadline(w, hz->sec, hz->nsec))
		return past_deadline(w, hz->now_sec, hz->now_nsec) &&
		    w->n > w->max_held;
	r = release(w, hz);
	if (r < 0)
		return -1;
	return r == 1 && w->n > w->max_held;
}

void
reorder_free(struct reorder *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->n; i++) {
		free(w->heap[i].h->it.owned);
		free(w->heap[i].h);
	}
	for (i = 0; i < PAIR_BUCKETS; i++)
		while (w->buckets[i] != NULL) {
			struct pairq *q = w->buckets[i];

			w->buckets[i] = q->hnext;
			free(q);
		}
	free(w->buckets);
	free(w->heap);
	free(w->chain);
	free(w);
}
