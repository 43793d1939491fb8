/*
 * analyze.c - one capture file from its path to its attempts, in order,
 * through the window (window.h), and its facts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "cli/result.h"
#include "cli/window.h"

struct collect {
	struct window	*w;
	int		 oom;
};

static void
on_attempt(const struct rdpneg_attempt *a, void *arg)
{
	struct collect *col = arg;

	if (window_add(col->w, a) < 0)
		col->oom = 1;
}

static int
on_horizon(const struct rdpneg_horizon *h, void *arg)
{
	struct collect *col = arg;
	int r = window_advance(col->w, h);

	if (r < 0)
		col->oom = 1;
	return r > 0;
}

void
analyze_stream(FILE *fp, const struct analysis_config *cfg,
    struct capture_result *r, attempt_sink fn, void *arg)
{
	struct collect col = { NULL, 0 };

	col.w = window_new(cfg->chain_window, cfg->capture.max_connections,
	    fn, arg);
	if (col.w == NULL) {
		snprintf(r->error, sizeof(r->error), "out of memory");
		r->unreadable = 1;
		fclose(fp);
		return;
	}
	if (rdpneg_analyze_stream(fp, &cfg->capture, on_attempt, on_horizon,
	    &col, &r->stats, r->error, sizeof(r->error)) != 0)
		r->unreadable = 1;
	if (col.oom && !r->unreadable) {
		snprintf(r->error, sizeof(r->error), "out of memory");
		r->unreadable = 1;
	}
	window_free(col.w);
}

void
analyze_file(const char *path, const struct analysis_config *cfg,
    struct capture_result *r, attempt_sink fn, void *arg)
{
	struct input *in;

	r->path = path;
	in = input_open(path, cfg->sha256, cfg->read_ahead, r->error,
	    sizeof(r->error));
	if (in == NULL) {
		r->unreadable = 1;
		return;
	}
	analyze_stream(input_stream(in), cfg, r, fn, arg);
	if (cfg->sha256)
		input_sha256(in, r->sha256);
	r->size = input_bytes(in);
	input_free(in);
}

int
attempt_item_init(struct attempt_item *it, const struct rdpneg_attempt *a)
{
	size_t mlen = a->malformed != NULL ? strlen(a->malformed) + 1 : 0;
	size_t ilen = a->incomplete != NULL ? strlen(a->incomplete) + 1 : 0;
	char *owned = malloc(a->token_len + mlen + ilen + 1);

	memset(it, 0, sizeof(*it));
	if (owned == NULL)
		return -1;
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
	return 0;
}

int
attempt_list_push(struct attempt_list *l, const struct attempt_item *it)
{
	struct attempt_item *v, *copy;
	struct rdpneg_attempt a;
	char *owned;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;

		v = realloc(l->items, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		l->items = v;
		l->cap = cap;
	}
	copy = &l->items[l->n];
	if (attempt_item_init(copy, &it->a) < 0)
		return -1;
	a = copy->a;		/* its texts point into its own copy */
	owned = copy->owned;
	*copy = *it;		/* chain and diagnosis along */
	copy->a = a;
	copy->owned = owned;
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
