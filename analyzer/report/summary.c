/*
 * summary.c - attempts aggregated by server (address and port).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report/summary.h"

/* The server a summary row is for: address family, address and port. */
struct server_key {
	int				 family;
	const struct rdpneg_endpoint	*ep;
};

int
summary_server_cmp(int family_a, const struct rdpneg_endpoint *a,
    int family_b, const struct rdpneg_endpoint *b)
{
	int c;

	if (family_a != family_b)
		return family_a - family_b;
	if ((c = memcmp(a->addr, b->addr, sizeof(a->addr))) != 0)
		return c;
	return (int)a->port - (int)b->port;
}

uint32_t
summary_server_hash(uint32_t h, int family, const struct rdpneg_endpoint *ep)
{
	h = hindex_fnv(h, &family, sizeof(family));
	h = hindex_fnv(h, ep->addr, sizeof(ep->addr));
	return hindex_fnv(h, &ep->port, sizeof(ep->port));
}

static uint32_t
row_hash(size_t i, const void *rows)
{
	const struct server_stat *v = (const struct server_stat *)rows + i;

	return summary_server_hash(2166136261u, v->family, &v->server);
}

static int
row_is(size_t i, const void *rows, const void *key)
{
	const struct server_stat *v = (const struct server_stat *)rows + i;
	const struct server_key *k = key;

	return summary_server_cmp(v->family, &v->server, k->family,
	    k->ep) == 0;
}

static struct server_stat *
find_or_add(struct summary *s, int family, const struct rdpneg_endpoint *ep)
{
	struct server_key key = { family, ep };
	struct server_stat *v;
	size_t *slot;

	slot = hindex_slot(&s->index, summary_server_hash(2166136261u, family,
	    ep), &key,
	    s->servers, s->n, row_hash, row_is);
	if (slot == NULL)
		return NULL;
	if (*slot != 0)
		return &s->servers[*slot - 1];
	if ((v = hindex_room(s->servers, s->n, &s->cap, 16, sizeof(*v))) ==
	    NULL)
		return NULL;
	s->servers = v;
	v = &s->servers[s->n];
	memset(v, 0, sizeof(*v));
	v->family = family;
	v->server = *ep;
	keyset_init(&v->clients, family == 6 ? 16 : 4);
	*slot = ++s->n;
	return v;
}

void
summary_add(struct summary *s, const struct attempt_item *it)
{
	const struct rdpneg_attempt *a = &it->a;
	struct server_stat *v = find_or_add(s, a->family, &a->server);
	uint32_t code;
	size_t k;

	if (v == NULL)
		return;
	span_add(&v->seen, a->ts_sec, a->ts_nsec);
	v->attempts++;
	v->by_class[it->class]++;
	v->by_outcome[a->ev.outcome]++;
	v->by_diagnosis[rdpneg_diagnosis_index(it->diag)]++;
	if ((a->ev.have & RDPNEG_EV_RSP_NEG) &&
	    a->ev.response_type == RDPNEG_TYPE_FAILURE) {
		code = a->ev.response_value;
		v->by_failure[code >= 1 && code < SUMMARY_UNKNOWN_FAILURE ?
		    code : SUMMARY_UNKNOWN_FAILURE]++;
	}
	if (a->cert != NULL)
		for (k = 0; k < SUMMARY_CERT_PROBLEMS; k++)
			v->by_cert_problem[k] += (a->cert->flags >> k) & 1u;
	keyset_add(&v->clients, a->client.addr);
}

static int
by_server(const void *x, const void *y)
{
	const struct server_stat *a = x, *b = y;

	return summary_server_cmp(a->family, &a->server, b->family,
	    &b->server);
}

void
summary_sort(struct summary *s)
{
	if (s->n > 1)
		qsort(s->servers, s->n, sizeof(*s->servers), by_server);
	hindex_free(&s->index);	/* positions changed: no more lookups */
}

void
summary_free(struct summary *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		keyset_free(&s->servers[i].clients);
	free(s->servers);
	hindex_free(&s->index);
	memset(s, 0, sizeof(*s));
}

int
summary_write_counts(FILE *out, const char *before, const uint64_t *counts,
    size_t first, size_t n, const char *(*names)(size_t))
{
	int any = 0;
	size_t k;

	for (k = first; k < n; k++) {
		if (counts[k] == 0)
			continue;
		fprintf(out, "%s%s %" PRIu64, any ? ", " : before, names(k),
		    counts[k]);
		any = 1;
	}
	return any;
}

const char *
summary_outcome_name(size_t k)
{
	return rdpneg_tok_str(rdpneg_outcome_names, (uint32_t)k);
}

const char *
summary_failure_name(size_t k)
{
	return k < SUMMARY_UNKNOWN_FAILURE ? rdpneg_tok_str(
	    rdpneg_failure_names, (uint32_t)k) : "unknown";
}

const char *
summary_cert_problem_name(size_t k)
{
	return rdpneg_tok_str(rdpneg_cert_flag_names, 1u << k);
}

const char *
summary_diagnosis_name(size_t k)
{
	return rdpneg_rules[k].diagnosis.id;
}
