/*
 * analyze.c - one capture file from its path to a struct capture_result.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "cli/result.h"

struct collect {
	struct capture_result	*r;
	int			 oom;
};

/* Keep a copy of an attempt whose texts are only lent to the callback. */
static void
on_attempt(const struct rdpneg_attempt *a, void *arg)
{
	struct collect *col = arg;
	struct capture_result *r = col->r;
	size_t mlen = a->malformed != NULL ? strlen(a->malformed) + 1 : 0;
	size_t ilen = a->incomplete != NULL ? strlen(a->incomplete) + 1 : 0;
	struct attempt_item *it;
	char *owned;

	if (r->nitems == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;

		it = realloc(r->items, cap * sizeof(*it));
		if (it == NULL) {
			col->oom = 1;
			return;
		}
		r->items = it;
		r->cap = cap;
	}
	owned = malloc(a->token_len + mlen + ilen + 1);
	if (owned == NULL) {
		col->oom = 1;
		return;
	}
	it = &r->items[r->nitems++];
	memset(it, 0, sizeof(*it));
	it->a = *a;
	it->owned = owned;
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
}

void
analyze_stream(FILE *fp, const struct analysis_config *cfg,
    struct capture_result *r)
{
	struct collect col = { r, 0 };

	if (rdpneg_analyze_stream(fp, &cfg->capture, on_attempt, &col,
	    &r->stats, r->error, sizeof(r->error)) != 0)
		r->unreadable = 1;
	if (col.oom && !r->unreadable) {
		snprintf(r->error, sizeof(r->error), "out of memory");
		r->unreadable = 1;
	}
	chain_and_diagnose(r, cfg->chain_window);
}

void
analyze_file(const char *path, const struct analysis_config *cfg,
    struct capture_result *r)
{
	struct input *in;

	r->path = path;
	in = input_open(path, cfg->sha256, r->error, sizeof(r->error));
	if (in == NULL) {
		r->unreadable = 1;
		return;
	}
	analyze_stream(input_stream(in), cfg, r);
	if (cfg->sha256)
		input_sha256(in, r->sha256);
	r->size = input_bytes(in);
	input_free(in);
}

void
result_free(struct capture_result *r)
{
	size_t i;

	for (i = 0; i < r->nitems; i++)
		free(r->items[i].owned);
	free(r->items);
	r->items = NULL;
	r->nitems = r->cap = 0;
}
