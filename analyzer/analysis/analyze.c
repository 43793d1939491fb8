/*
 * analyze.c - one capture from its stream to its attempts, in order,
 * through the reorder buffer (reorder.h), and its facts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include "analysis/analysis.h"
#include "analysis/reorder.h"

struct collect {
	struct reorder	*w;
	int		 oom;
};

static void
collect_attempt(const struct rdpneg_attempt *a, void *arg)
{
	struct collect *col = arg;

	if (reorder_add(col->w, a) < 0)
		col->oom = 1;
}

static int
on_horizon(const struct rdpneg_horizon *h, void *arg)
{
	struct collect *col = arg;
	int r = reorder_advance(col->w, h);

	if (r < 0)
		col->oom = 1;
	return r > 0;
}

void
analyze_stream(FILE *fp, const struct analysis_config *cfg,
    struct capture_result *r, attempt_sink fn, void *arg)
{
	struct collect col = { NULL, 0 };

	col.w = reorder_new(cfg->chain_window, cfg->capture.max_connections,
	    fn, arg);
	if (col.w == NULL) {
		snprintf(r->error, sizeof(r->error), "out of memory");
		r->unreadable = 1;
		fclose(fp);
		return;
	}
	if (rdpneg_analyze_stream(fp, &cfg->capture, collect_attempt, on_horizon,
	    &col, &r->stats, r->error, sizeof(r->error)) != 0)
		r->unreadable = 1;
	if (col.oom && !r->unreadable) {
		snprintf(r->error, sizeof(r->error), "out of memory");
		r->unreadable = 1;
	}
	reorder_free(col.w);
}
