/*
 * html_timeline.h - the HTML report's timeline: an inline SVG with
 * capture time on x and one lane per server, and its table equivalent.
 *
 * Memory is bounded by the marks kept, not by the attempts: a lane keeps
 * at most TL_MARKS_PER_LANE marks (the attempt's time, class, outcome,
 * diagnosis, client, answer and frame, about 120 bytes); at its next
 * attempt it becomes aggregated: its marks go into a histogram of
 * TL_FINE bins per class and are freed, and later attempts only count.
 * The run's time span is known only at the end, so the histogram is
 * self-extending: its bins are a power-of-two number of microseconds wide
 * and start at a multiple of that width; a time outside doubles the
 * width (pairs of bins merge) until it fits.  At the end each fine bin
 * goes into the display bucket holding its middle: a bucket's count is
 * exact to within one fine bin (at most 1/64 of the lane's span) at its
 * edges, and every attempt is counted once.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_HTML_TIMELINE_H
#define RDPNEG_HTML_TIMELINE_H

#include <stdint.h>
#include <stdio.h>

#include "analysis/analysis.h"
#include "report/hindex.h"
#include "report/span.h"

#define TL_LANES		12	/* servers with a lane; the rest:
					   "other servers" */
#define TL_MARKS_PER_LANE	200	/* past it, the lane is aggregated */
#define TL_FINE			256	/* histogram bins while reading */
#define TL_BUCKETS		40	/* an aggregated lane's buckets */
#define TL_BOUNDS		50	/* captures whose bounds are drawn */
#define TL_GAP_SHARE		50	/* a gap: no capture for more than
					   1/50 of the span */
#define TL_CLASSES		4	/* blocked, insecure, ok, noise */

struct tl_mark {
	int64_t				 sec;
	uint32_t			 nsec;
	uint32_t			 capture;	/* input number, from 1 */
	uint64_t			 frame;		/* the first */
	unsigned			 chain;		/* 0: alone */
	uint8_t				 cls;		/* 0..TL_CLASSES-1 */
	uint8_t				 outcome;
	int				 family;
	struct rdpneg_endpoint		 client;
	const struct rdpneg_diagnosis	*diag;
	char				 answer[64];
};

struct tl_hist {
	int64_t		base;		/* microseconds, a multiple of width */
	int64_t		width;		/* a power of two */
	uint32_t	count[TL_FINE][TL_CLASSES];
};

struct tl_lane {
	int			 family;
	struct rdpneg_endpoint	 server;
	uint64_t		 attempts;
	uint64_t		 by_class[TL_CLASSES];
	struct span		 seen;
	struct tl_mark		*marks;
	size_t			 nmarks;
	size_t			 capmarks;
	struct tl_hist		*hist;		/* aggregated: not NULL */
};

/* A capture's first and last packet times. */
struct tl_bound {
	struct span	span;
	uint32_t	capture;
};

struct timeline {
	struct tl_lane	*lanes;
	size_t		 n;
	size_t		 cap;
	struct hindex	 index;
	struct tl_bound	 bounds[TL_BOUNDS];
	size_t		 nbounds;
	uint64_t	 more_bounds;	/* captures with packets past them */
	uint64_t	 attempts;
	int		 oom;		/* an attempt could not be counted */
};

/* Count attempt it of input number capture (a shown attempt). */
void timeline_add(struct timeline *tl, uint32_t capture,
    const struct attempt_item *it);

/* Input number capture read packets from first to last. */
void timeline_capture(struct timeline *tl, uint32_t capture,
    const struct rdpneg_capture_stats *st);

/* The SVG (id "timeline") and its table (id "timeline-table"). */
void timeline_write(struct timeline *tl, FILE *out);

void timeline_free(struct timeline *tl);

#endif /* RDPNEG_HTML_TIMELINE_H */
