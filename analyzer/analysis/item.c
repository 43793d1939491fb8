/*
 * item.c - attempts that own their texts, and lists of them (analysis.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"

/* The TLS session, the Standard-security exchange and the certificate go
 * first in the owned block: malloc aligns it, and their sizes are
 * multiples of 8. */
int
attempt_item_init(struct attempt_item *it, const struct rdpneg_attempt *a)
{
	size_t tlen = a->ev.tls != NULL ? sizeof(*a->ev.tls) : 0;
	size_t xlen = a->ev.mcs != NULL ? sizeof(*a->ev.mcs) : 0;
	size_t clen = a->cert != NULL ? sizeof(*a->cert) : 0;
	size_t mlen = a->malformed != NULL ? strlen(a->malformed) + 1 : 0;
	size_t ilen = a->incomplete != NULL ? strlen(a->incomplete) + 1 : 0;
	char *owned = malloc(tlen + xlen + clen + a->token_len + mlen + ilen +
	    1);

	memset(it, 0, sizeof(*it));
	if (owned == NULL)
		return -1;
	it->a = *a;
	it->owned = owned;
	if (a->ev.tls != NULL) {
		memcpy(owned, a->ev.tls, tlen);
		it->a.ev.tls = (const struct rdpneg_tls *)(void *)owned;
		owned += tlen;
	}
	if (a->ev.mcs != NULL) {
		memcpy(owned, a->ev.mcs, xlen);
		it->a.ev.mcs = (const struct rdpneg_mcs *)(void *)owned;
		owned += xlen;
	}
	if (a->cert != NULL) {
		memcpy(owned, a->cert, clen);
		it->a.cert = (const struct rdpneg_cert *)(void *)owned;
		owned += clen;
	}
	if (a->token != NULL) {
		memcpy(owned, a->token, a->token_len);
		it->a.token = (const uint8_t *)owned;
	}
	owned += a->token_len;
	if (a->malformed != NULL) {
		memcpy(owned, a->malformed, mlen);
		it->a.malformed = owned;
		owned += mlen;
	}
	if (a->incomplete != NULL) {
		memcpy(owned, a->incomplete, ilen);
		it->a.incomplete = owned;
	}
	return 0;
}

int
attempt_item_copy(struct attempt_item *copy, const struct attempt_item *it)
{
	struct rdpneg_attempt a;
	char *owned;

	if (attempt_item_init(copy, &it->a) < 0)
		return -1;
	a = copy->a;		/* its texts point into its own copy */
	owned = copy->owned;
	*copy = *it;		/* chain and diagnosis along */
	copy->a = a;
	copy->owned = owned;
	return 0;
}

int
attempt_list_push(struct attempt_list *l, const struct attempt_item *it)
{
	struct attempt_item *v;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;

		v = realloc(l->items, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		l->items = v;
		l->cap = cap;
	}
	if (attempt_item_copy(&l->items[l->n], it) < 0)
		return -1;
	l->n++;
	return 0;
}

void
attempt_list_free(struct attempt_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->items[i].owned);
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}
