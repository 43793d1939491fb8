/*
 * select.h - which captures of the expanded input list a shard reads
 * (--shard K/N): a deterministic part, the same on every machine that
 * sees the same tree whatever the order of the arguments, balanced by
 * bytes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_SHARD_SELECT_H
#define RDPNEG_SHARD_SELECT_H

#include <stddef.h>

#include "batch/walk.h"

#define SHARD_COUNT_MAX		65536u
#define SHARD_IDENTITY_HEX	65	/* SHA-256, hex, and a NUL */

struct shard {
	unsigned	 k;		/* 1 to n */
	unsigned	 n;
	/* Where k and n came from: "the command line", or the variables
	 * read ("SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT"). */
	char		 from[128];
};

/*
 * Parse spec: "K/N" (1 <= K <= N <= SHARD_COUNT_MAX), or "auto" for the
 * scheduler's environment: K from RDPNEG_SHARD_INDEX (1-based), else
 * JOB_COMPLETION_INDEX (Kubernetes Indexed Job, 0-based), else
 * SLURM_ARRAY_TASK_ID less SLURM_ARRAY_TASK_MIN (a Slurm job array), else
 * PARALLEL_SEQ (GNU parallel, 1-based); N from RDPNEG_SHARD_COUNT, else
 * SLURM_ARRAY_TASK_COUNT.  Returns 0, or -1 with the reason in err.
 */
int shard_parse(const char *spec, struct shard *s, char *err, size_t errsize);

/*
 * The files of shard s: the indices into list, ascending, in *idx
 * (malloc'd; *n of them).  Files are dealt by size, largest first, each
 * to the shard with the fewest bytes so far (then the fewest files, then
 * the lowest number); equal sizes in bytewise order of their paths.
 * Returns 0, or -1 out of memory.
 */
int shard_select(const struct file_list *list, const struct shard *s,
    size_t **idx, size_t *n);

/*
 * The identity of the input list, the same for every shard of one run:
 * the SHA-256 of each path, NUL, its size in decimal and a newline, in
 * list order.
 */
void shard_identity(const struct file_list *list,
    char hex[SHARD_IDENTITY_HEX]);

#endif /* RDPNEG_SHARD_SELECT_H */
