/*
 * batch.h - analyze many captures on several threads, hand the results
 * over in the order of the list: the report is the same for any -j.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_BATCH_H
#define RDPNEG_BATCH_H

#include "cli/result.h"
#include "cli/walk.h"

/* Called on the calling thread, once per file, in list order. */
typedef void (*batch_fn)(const struct capture_result *r, void *arg);

/*
 * Analyze every file of list with up to jobs threads.  progress: print a
 * progress line on standard error (files, bytes, elapsed time).
 * Returns 0, or -1 when no thread could be started.
 */
int batch_run(const struct file_list *list, unsigned jobs,
    const struct analysis_config *cfg, int progress, batch_fn fn, void *arg);

#endif /* RDPNEG_BATCH_H */
