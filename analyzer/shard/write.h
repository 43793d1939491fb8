/*
 * write.h - a shard's output, the interchange that `rdpneg merge` reads
 * (README, "The shard interchange"): JSON lines, a header, then for each
 * capture of the shard in list order its attempts and its facts, then an
 * end line.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_SHARD_WRITE_H
#define RDPNEG_SHARD_WRITE_H

#include <stddef.h>

#include "analysis/analysis.h"
#include "batch/walk.h"
#include "report/report.h"
#include "shard/select.h"
#include "shard/state.h"

/* The interchange's version: the "version" of its header. */
#define SHARD_FORMAT_VERSION	1

/* What the writer needs: the report's format_arg. */
struct shard_run {
	struct shard			 shard;
	const struct file_list		*all;	/* the whole list */
	size_t				*idx;	/* the shard's, ascending */
	size_t				 n;
	const struct analysis_config	*cfg;
	int				 no_sha256;	/* the captures are
							   not hashed */
	/* The writer's. */
	size_t				 next;	/* of idx: the capture being
						   written */
	uint64_t			 attempts;
	struct state_buf		 state;
};

/* The interchange as a report format: begin writes the header, finish the
 * end line.  r->format_arg is a struct shard_run. */
extern const struct report_format shard_format;

#endif /* RDPNEG_SHARD_WRITE_H */
