/*
 * merge.h - `rdpneg merge`: the shards of one sharded run (write.h) read
 * back together, each capture's attempts and facts handed over in the
 * order of the whole input list, as one run's batch would have: the
 * report made from them is the one run's, byte for byte.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_SHARD_MERGE_H
#define RDPNEG_SHARD_MERGE_H

#include <stddef.h>

#include "analysis/analysis.h"
#include "batch/batch.h"

struct merge;

/*
 * Open the shard outputs paths[0..n-1] (plain or gzip; "-" is standard
 * input) and check from their headers that they belong together: the
 * same interchange version and rdpneg build, the same input list, count
 * and options; each shard once; none missing.  Returns the merge, or NULL
 * with the reason (naming the file and line) in err.
 */
struct merge *merge_open(char *const *paths, size_t n, char *err,
    size_t errsize);

/* The analysis options the shards were made with. */
const struct analysis_config *merge_config(const struct merge *m);

/* Whether the shards hashed their captures (not with --no-sha256): the
 * Markdown and HTML reports list the SHA-256. */
int merge_hashed(const struct merge *m);

/*
 * Hand every capture's attempts, then its facts, to sink, in list order,
 * reading the shards side by side (one line of each in memory).  Returns
 * 0, or -1 with the reason in err when a shard is damaged, cut short or
 * was interrupted: what was handed over before stays handed over.
 */
int merge_run(struct merge *m, const struct batch_sink *sink, char *err,
    size_t errsize);

void merge_free(struct merge *m);

#endif /* RDPNEG_SHARD_MERGE_H */
