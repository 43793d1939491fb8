/*
 * findings.c - blocked and insecure attempts grouped by diagnosis, class
 * and server (findings.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "report/findings.h"
#include "report/summary.h"

/* What a finding is keyed by. */
struct finding_key {
	const struct rdpneg_diagnosis	*diag;
	enum rdpneg_class		 class;
	int				 family;
	const struct rdpneg_endpoint	*server;
};

static uint32_t
key_hash(const struct rdpneg_diagnosis *diag, enum rdpneg_class class,
    int family, const struct rdpneg_endpoint *ep)
{
	uint32_t h = 2166136261u;
	size_t index = rdpneg_diagnosis_index(diag);

	h = hindex_fnv(h, &index, sizeof(index));
	h = hindex_fnv(h, &class, sizeof(class));
	return summary_server_hash(h, family, ep);
}

static uint32_t
finding_hash(size_t i, const void *v)
{
	const struct finding *f = (const struct finding *)v + i;

	return key_hash(f->diag, f->class, f->family, &f->server);
}

static int
finding_is(size_t i, const void *v, const void *key)
{
	const struct finding *f = (const struct finding *)v + i;
	const struct finding_key *k = key;

	return f->diag == k->diag && f->class == k->class &&
	    summary_server_cmp(f->family, &f->server, k->family,
	    k->server) == 0;
}

static struct finding *
find_or_add(struct findings *f, const struct attempt_item *it)
{
	const struct rdpneg_attempt *a = &it->a;
	struct finding_key key = { it->diag, it->class, a->family, &a->server };
	struct finding *v;
	size_t *slot;

	slot = hindex_slot(&f->index, key_hash(it->diag, it->class,
	    a->family, &a->server), &key, f->v, f->n, finding_hash,
	    finding_is);
	if (slot == NULL)
		return NULL;
	if (*slot != 0)
		return &f->v[*slot - 1];
	if ((v = hindex_room(f->v, f->n, &f->cap, 16, sizeof(*v))) == NULL)
		return NULL;
	f->v = v;
	v = &f->v[f->n];
	memset(v, 0, sizeof(*v));
	v->diag = it->diag;
	v->class = it->class;
	v->family = a->family;
	v->server = a->server;
	v->ev = a->ev;
	if (a->ev.tls != NULL) {
		if ((v->tls = malloc(sizeof(*v->tls))) == NULL)
			return NULL;
		*v->tls = *a->ev.tls;
	}
	v->ev.tls = v->tls;
	if (a->ev.mcs != NULL) {
		if ((v->mcs = malloc(sizeof(*v->mcs))) == NULL)
			return NULL;
		*v->mcs = *a->ev.mcs;
	}
	v->ev.mcs = v->mcs;
	if (f->ndetails < FINDINGS_DETAILED &&
	    (v->detail = calloc(1, sizeof(*v->detail))) != NULL) {
		f->ndetails++;
		keyset_init(&v->detail->clients, a->family == 6 ? 16 : 4);
		keyset_init(&v->detail->users, 8);
	}
	*slot = ++f->n;
	return v;
}

/*
 * A key of 8 bytes for p[0..len) (two 32-bit FNV-1a hashes): sets of user
 * names and of client addresses of all families keep 8 bytes an entry; two
 * keys collide with a chance of about n * n / 2^65.
 */
static void
key8(const void *p, size_t len, uint32_t salt, uint8_t key[8])
{
	uint32_t h1 = hindex_fnv(2166136261u ^ salt, p, len);
	uint32_t h2 = hindex_fnv(h1 ^ 0x9e3779b9u, p, len);

	memcpy(key, &h1, 4);
	memcpy(key + 4, &h2, 4);
}

/* The user name of the cookie (MS-RDPBCGR 2.2.1.1) as a key; 0 when there
 * is none. */
static int
user_key(const struct rdpneg_attempt *a, uint8_t key[8])
{
	if (a->token == NULL || a->ev.token_kind != RDPNEG_TOKEN_MSTSHASH)
		return 0;
	key8(a->token + a->ev.token_value_off,
	    a->token_len - a->ev.token_value_off, 0, key);
	return 1;
}

static void
total_init(struct finding_total *t)
{
	memset(t, 0, sizeof(*t));
	keyset_init(&t->clients, 8);
	keyset_init(&t->users, 8);
}

void
findings_init(struct findings *f)
{
	size_t c, d;

	memset(f, 0, sizeof(*f));
	for (c = 0; c < FINDING_CLASSES; c++) {
		for (d = 0; d < RDPNEG_RULES_MAX; d++)
			total_init(&f->by_diagnosis[c][d]);
	}
}

static void
total_add(struct finding_total *t, const struct rdpneg_attempt *a,
    int new_group, const uint8_t *user)
{
	uint8_t client[8];

	span_add(&t->seen, a->ts_sec, a->ts_nsec);
	t->attempts++;
	t->groups += new_group;
	key8(a->client.addr, sizeof(a->client.addr), (uint32_t)a->family,
	    client);
	keyset_add(&t->clients, client);
	if (user != NULL)
		keyset_add(&t->users, user);
}

/* The current capture's path, copied once for all its samples. */
static const char *
capture_path(struct findings *f, const char *path)
{
	char **v;

	if (f->path_kept)
		return f->paths[f->npaths - 1];
	if ((v = hindex_room(f->paths, f->npaths, &f->cappaths, 16,
	    sizeof(*v))) == NULL)
		return NULL;
	f->paths = v;
	if ((f->paths[f->npaths] = strdup(path)) == NULL)
		return NULL;
	f->path_kept = 1;
	return f->paths[f->npaths++];
}

/* Keep it as evidence while there is room. */
static void
keep_sample(struct findings *f, struct finding_detail *d, const char *path,
    const struct attempt_item *it)
{
	struct finding_sample *s;
	size_t cap;

	if (d->nsamples == FINDING_SAMPLES)
		return;
	/* Room for 1, 2, 4, then FINDING_SAMPLES: most findings of a big
	 * capture have a few attempts. */
	if ((d->nsamples & (d->nsamples - 1)) == 0) {
		cap = d->nsamples == 0 ? 1 : 2 * d->nsamples;
		if (cap > FINDING_SAMPLES)
			cap = FINDING_SAMPLES;
		s = realloc(d->samples, cap * sizeof(*s));
		if (s == NULL)
			return;
		d->samples = s;
	}
	s = &d->samples[d->nsamples];
	if ((s->capture = capture_path(f, path)) == NULL ||
	    attempt_item_copy(&s->item, it) < 0)
		return;
	d->nsamples++;
}

void
findings_next_capture(struct findings *f)
{
	f->capture++;
	f->path_kept = 0;
}

void
findings_add(struct findings *f, const char *path,
    const struct attempt_item *it)
{
	const struct rdpneg_attempt *a = &it->a;
	struct finding *v;
	uint8_t user[8];
	int c, has_user;

	if (!rdpneg_class_is_finding(it->class) ||
	    (v = find_or_add(f, it)) == NULL)
		return;
	c = FINDING_CLASS(it->class);
	has_user = user_key(a, user);
	total_add(&f->by_diagnosis[c][rdpneg_diagnosis_index(it->diag)], a,
	    v->attempts == 0, has_user ? user : NULL);
	span_add(&v->seen, a->ts_sec, a->ts_nsec);
	if (v->attempts == 0 || v->last_capture != f->capture) {
		v->captures++;
		v->last_capture = f->capture;
	}
	v->attempts++;
	if (v->print == NULL)
		v->print = it->server;
	if (v->detail != NULL) {
		keyset_add(&v->detail->clients, a->client.addr);
		if (has_user)
			keyset_add(&v->detail->users, user);
		keep_sample(f, v->detail, path, it);
	}
}

static int
by_weight(const void *x, const void *y)
{
	const struct finding *a = x, *b = y;
	size_t i = rdpneg_diagnosis_index(a->diag);
	size_t j = rdpneg_diagnosis_index(b->diag);

	if (a->class != b->class)
		return a->class == RDPNEG_CLASS_BLOCKED ? -1 : 1;
	if (a->attempts != b->attempts)
		return a->attempts > b->attempts ? -1 : 1;
	if (i != j)
		return i < j ? -1 : 1;
	return summary_server_cmp(a->family, &a->server, b->family,
	    &b->server);
}

void
findings_sort(struct findings *f)
{
	struct finding_total *t;
	size_t i;

	if (f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), by_weight);
	hindex_free(&f->index);
	for (i = f->n; i-- > 0;) {	/* the first of each, heaviest */
		t = &f->by_diagnosis[FINDING_CLASS(f->v[i].class)]
		    [rdpneg_diagnosis_index(f->v[i].diag)];
		t->top = &f->v[i];
	}
}

int
findings_same_server(const struct finding *a, const struct finding *b)
{
	return summary_server_cmp(a->family, &a->server, b->family,
	    &b->server) == 0;
}

void
findings_free(struct findings *f)
{
	struct finding_detail *d;
	size_t i, k;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].tls);
		free(f->v[i].mcs);
		if ((d = f->v[i].detail) == NULL)
			continue;
		for (k = 0; k < d->nsamples; k++)
			free(d->samples[k].item.owned);
		free(d->samples);
		keyset_free(&d->clients);
		keyset_free(&d->users);
		free(d);
	}
	free(f->v);
	hindex_free(&f->index);
	for (i = 0; i < f->npaths; i++)
		free(f->paths[i]);
	free(f->paths);
	for (i = 0; i < FINDING_CLASSES; i++) {
		for (k = 0; k < RDPNEG_RULES_MAX; k++) {
			keyset_free(&f->by_diagnosis[i][k].clients);
			keyset_free(&f->by_diagnosis[i][k].users);
		}
	}
	findings_init(f);
}
