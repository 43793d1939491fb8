/*
 * batch.h - analyze many captures on several threads, hand the results
 * over in the order of the list: the report is the same for any -j.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_BATCH_H
#define RDPNEG_BATCH_H

#include <stdatomic.h>

#include "analysis/analysis.h"
#include "batch/walk.h"

/* Called on the calling thread, file after file in list order: each
 * attempt in first-frame order (only r->path is set yet), then end with
 * the file's facts. */
struct batch_sink {
	void	(*attempt)(const struct capture_result *r,
		    const struct attempt_item *it, void *arg);
	void	(*end)(const struct capture_result *r, void *arg);
	void	*arg;
};

/* How a batch reads its files. */
struct batch_options {
	unsigned	jobs;		/* threads, at most */
	int		sha256;		/* hash each file (Markdown) */
	int		progress;	/* a progress line on standard error,
					   refreshed from a clock (progress.h) */
	const atomic_int *stop;		/* when set (a signal): stop reading;
					   the files read end there, those not
					   started are not analysed */
};

/*
 * Analyze every file of list with up to opt->jobs threads.  Returns 0, or
 * -1 when memory ran out before any file was analyzed.
 */
int batch_run(const struct file_list *list, const struct batch_options *opt,
    const struct analysis_config *cfg, const struct batch_sink *sink);

#endif /* RDPNEG_BATCH_H */
