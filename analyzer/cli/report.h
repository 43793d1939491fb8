/*
 * report.h - the report formats, behind one small table of operations.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_REPORT_H
#define RDPNEG_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "capture/capture.h"

/* Totals over every capture of a run. */
struct report_totals {
	uint64_t	files;
	uint64_t	unreadable;
	uint64_t	packets;
	uint64_t	cut_packets;
	uint64_t	ip_fragments;
	uint64_t	overflow;
	uint64_t	attempts;
	uint64_t	failed;
	uint64_t	not_requested;
	uint64_t	by_outcome[RDPNEG_OUTCOME_COUNT];
};

struct report {
	FILE				*out;
	const struct report_format	*format;
	struct report_totals		 totals;
};

struct report_format {
	const char	*name;
	/* One attempt the user asked to see, from capture `capture`. */
	void		(*attempt)(struct report *, const char *capture,
			    const struct rdpneg_attempt *);
	/* After the last capture. */
	void		(*finish)(struct report *);
};

extern const struct report_format report_text;
extern const struct report_format report_jsonl;

/* The format called name, or NULL. */
const struct report_format *report_find_format(const char *name);

#endif /* RDPNEG_REPORT_H */
