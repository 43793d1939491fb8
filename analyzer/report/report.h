/*
 * report.h - the report formats, behind one small table of operations.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_REPORT_H
#define RDPNEG_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "analysis/analysis.h"
#include "report/findings.h"
#include "report/summary.h"

/* Totals over every capture of a run. */
struct report_totals {
	uint64_t	files;
	uint64_t	unreadable;
	uint64_t	packets;
	uint64_t	cut_packets;
	uint64_t	ip_fragments;
	uint64_t	overflow;
	uint64_t	attempts;
	uint64_t	scanners;
	uint64_t	by_class[RDPNEG_CLASS_COUNT];
	uint64_t	by_outcome[RDPNEG_OUTCOME_COUNT];
	struct span	seen;		/* the attempts' times */
	/* A run stopped by a signal: where, and the files left unread. */
	int		interrupted;
	const char	*interrupted_path;	/* the caller's, till finish */
	uint64_t	interrupted_frame;	/* the last frame analysed */
	uint64_t	interrupted_bytes;	/* bytes of the file read */
	uint64_t	not_analysed;
};

struct report {
	FILE				*out;
	const struct report_format	*format;
	int				 all;		/* -a */
	int				 summary_only;	/* --summary */
	struct report_totals		 totals;
	struct summary			 servers;
	struct findings			 findings;	/* blocked, insecure */
	/* The capture being reported: its attempts so far. */
	uint64_t			 capture_attempts;
	uint64_t			 capture_findings; /* blocked, insecure */
	/* An errno when the format could not write all of the report
	 * somewhere else than out (a temporary file); 0 otherwise. */
	int				 write_error;
	/* The format's own, from its begin to its finish; one thread
	 * uses it. */
	void				*state;
	/* What the caller gives the format (the shard's interchange:
	 * shard/write.h), or NULL. */
	void				*format_arg;
};

struct report_format {
	const char	*name;
	/* Before the first capture: 0, or -1 out of memory. */
	int		(*begin)(struct report *);
	/* One attempt of a capture, in first-frame order (not called with
	 * --summary). */
	void		(*attempt)(struct report *,
			    const struct capture_result *,
			    const struct attempt_item *);
	/* After the capture's attempts (not called with --summary). */
	void		(*capture)(struct report *,
			    const struct capture_result *);
	/* After the last capture: the summary by server; frees the
	 * state. */
	void		(*finish)(struct report *);
};

extern const struct report_format report_text;
extern const struct report_format report_jsonl;
extern const struct report_format report_csv;
extern const struct report_format report_markdown;
extern const struct report_format report_html;

/* The format called name, or NULL. */
const struct report_format *report_find_format(const char *name);

/* Count one attempt of res into the totals and the summary by server,
 * then hand it to the format. */
void report_attempt(struct report *r, const struct capture_result *res,
    const struct attempt_item *it);

/* After the last attempt of res: count the file, then the format's end of
 * the capture (also for a file a stop left unread: res->not_analysed). */
void report_capture(struct report *r, const struct capture_result *res);

/* An empty report to out in format (zeroed, the findings ready). */
void report_init(struct report *r, FILE *out,
    const struct report_format *format);

/* Free the summary and the findings, after the format's finish. */
void report_free(struct report *r);

/* Whether an attempt is shown (a finding: blocked or insecure; or -a). */
int report_shows(const struct report *r, const struct attempt_item *it);

#endif /* RDPNEG_REPORT_H */
