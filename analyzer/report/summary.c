/*
 * summary.c - attempts aggregated by server (address and port).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "report/summary.h"

static uint32_t
server_hash(int family, const struct rdpneg_endpoint *ep)
{
	uint32_t h = 2166136261u ^ (uint32_t)family;	/* FNV-1a */
	size_t i;

	for (i = 0; i < 16; i++)
		h = (h ^ ep->addr[i]) * 16777619u;
	return (h ^ ep->port) * 16777619u;
}

static int
same_server(const struct server_stat *s, int family,
    const struct rdpneg_endpoint *ep)
{
	return s->family == family && s->server.port == ep->port &&
	    memcmp(s->server.addr, ep->addr, 16) == 0;
}

/* Rebuild the hash index with room for twice the servers. */
static int
reindex(struct summary *s)
{
	size_t nslots = s->nslots ? s->nslots * 2 : 64, i, k;
	size_t *index = calloc(nslots, sizeof(*index));

	if (index == NULL)
		return -1;
	for (i = 0; i < s->n; i++) {
		k = server_hash(s->servers[i].family, &s->servers[i].server);
		while (index[k & (nslots - 1)] != 0)
			k++;
		index[k & (nslots - 1)] = i + 1;
	}
	free(s->index);
	s->index = index;
	s->nslots = nslots;
	return 0;
}

static struct server_stat *
find_or_add(struct summary *s, int family, const struct rdpneg_endpoint *ep)
{
	struct server_stat *v;
	size_t k, slot;

	if (s->nslots == 0 && reindex(s) < 0)
		return NULL;
	for (k = server_hash(family, ep);; k++) {
		slot = s->index[k & (s->nslots - 1)];
		if (slot == 0)
			break;
		if (same_server(&s->servers[slot - 1], family, ep))
			return &s->servers[slot - 1];
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;

		v = realloc(s->servers, cap * sizeof(*v));
		if (v == NULL)
			return NULL;
		s->servers = v;
		s->cap = cap;
	}
	v = &s->servers[s->n++];
	memset(v, 0, sizeof(*v));
	v->family = family;
	v->server = *ep;
	if (2 * s->n > s->nslots) {
		if (reindex(s) < 0) {
			s->n--;
			return NULL;
		}
	} else
		s->index[k & (s->nslots - 1)] = s->n;
	return v;
}

/* A client address's bytes in its server's set: the family of the
 * connection, so IPv4 keeps 4 (rdpneg_endpoint holds them first). */
static size_t
client_width(int family)
{
	return family == 6 ? 16 : 4;
}

static size_t
client_slot(const uint8_t *addr, size_t width, size_t mask)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	size_t i;

	for (i = 0; i < width; i++)
		h = (h ^ addr[i]) * 16777619u;
	return h & mask;
}

static const uint8_t zero_addr[16];

/* Twice the slots (a power of two, at most half full), rehashed. */
static int
grow_clients(struct server_stat *v, size_t width)
{
	size_t cap = v->capclients ? v->capclients * 2 : 8, i, k;
	uint8_t *c = calloc(cap, width), *old;

	if (c == NULL)
		return -1;
	for (i = 0; i < v->capclients; i++) {
		old = v->clients + i * width;
		if (memcmp(old, zero_addr, width) == 0)
			continue;
		for (k = client_slot(old, width, cap - 1);
		    memcmp(c + k * width, zero_addr, width) != 0;
		    k = (k + 1) & (cap - 1))
			;
		memcpy(c + k * width, old, width);
	}
	free(v->clients);
	v->clients = c;
	v->capclients = cap;
	return 0;
}

/*
 * Count a client address once: a hash set (linear probing; the all-zero
 * address, which marks free slots, is counted apart), so that a flood
 * from a million sources costs no more than a few.
 */
static void
add_client(struct server_stat *v, const uint8_t *addr)
{
	size_t width = client_width(v->family), k;
	uint8_t *slot;

	if (memcmp(addr, zero_addr, width) == 0) {
		v->nclients += !v->zero_client;
		v->zero_client = 1;
		return;
	}
	if (2 * (v->nclients + 1) > v->capclients &&
	    grow_clients(v, width) < 0)
		return;
	for (k = client_slot(addr, width, v->capclients - 1);
	    memcmp(slot = v->clients + k * width, zero_addr, width) != 0;
	    k = (k + 1) & (v->capclients - 1))
		if (memcmp(slot, addr, width) == 0)
			return;
	memcpy(slot, addr, width);
	v->nclients++;
}

static int
time_before(int64_t s1, uint32_t n1, int64_t s2, uint32_t n2)
{
	return s1 < s2 || (s1 == s2 && n1 < n2);
}

void
summary_add(struct summary *s, const struct attempt_item *it)
{
	const struct rdpneg_attempt *a = &it->a;
	struct server_stat *v = find_or_add(s, a->family, &a->server);
	uint32_t code;

	if (v == NULL)
		return;
	if (v->attempts == 0 ||
	    time_before(a->ts_sec, a->ts_nsec, v->first_sec, v->first_nsec)) {
		v->first_sec = a->ts_sec;
		v->first_nsec = a->ts_nsec;
	}
	if (v->attempts == 0 ||
	    time_before(v->last_sec, v->last_nsec, a->ts_sec, a->ts_nsec)) {
		v->last_sec = a->ts_sec;
		v->last_nsec = a->ts_nsec;
	}
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
	add_client(v, a->client.addr);
}

static int
by_server(const void *x, const void *y)
{
	const struct server_stat *a = x, *b = y;
	int c;

	if (a->family != b->family)
		return a->family - b->family;
	if ((c = memcmp(a->server.addr, b->server.addr, 16)) != 0)
		return c;
	return (int)a->server.port - (int)b->server.port;
}

void
summary_sort(struct summary *s)
{
	if (s->n > 1)
		qsort(s->servers, s->n, sizeof(*s->servers), by_server);
	free(s->index);		/* positions changed: no more lookups */
	s->index = NULL;
	s->nslots = 0;
}

void
summary_free(struct summary *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->servers[i].clients);
	free(s->servers);
	free(s->index);
	memset(s, 0, sizeof(*s));
}
