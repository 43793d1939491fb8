/*
 * findings.h - the findings of a run: its blocked and insecure attempts
 * grouped by diagnosis, class and server, each group with its counts, its
 * span in time, its clients and users, and a few attempts kept as
 * evidence.  What the overview of the text report and the ticket
 * (Markdown) report are made of; it grows with the number of distinct
 * problems (about 200 bytes each), not with the attempts, and only the
 * first FINDINGS_DETAILED findings keep attempts and count clients and
 * users (a few KB each).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_FINDINGS_H
#define RDPNEG_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/analysis.h"
#include "report/hindex.h"
#include "report/keyset.h"
#include "report/span.h"

#define FINDING_SAMPLES		5	/* attempts kept per finding */
#define FINDINGS_DETAILED	256	/* findings that keep them */

/* An attempt kept as evidence, with the capture it came from. */
struct finding_sample {
	struct attempt_item	 item;		/* owns its texts */
	const char		*capture;	/* the path, as given (one
						   copy per capture: paths) */
};

/* What the first FINDINGS_DETAILED findings keep. */
struct finding_detail {
	struct keyset		 clients;
	struct keyset		 users;		/* hashed names */
	struct finding_sample	*samples;	/* the first attempts */
	size_t			 nsamples;
};

struct finding {
	const struct rdpneg_diagnosis		*diag;
	enum rdpneg_class			 class;
	int					 family;
	struct rdpneg_endpoint			 server;
	const struct rdpneg_server_fingerprint	*print;	/* the first known */
	struct rdpneg_evidence			 ev;	/* its first attempt's,
							   for the texts */
	struct rdpneg_tls			*tls;	/* ev.tls: its own
							   copy, or NULL */
	struct rdpneg_mcs			*mcs;	/* ev.mcs: the same */
	uint64_t				 attempts;
	uint64_t				 captures;	/* holding it */
	uint64_t				 last_capture;	/* its ordinal */
	struct span				 seen;
	struct finding_detail			*detail;	/* NULL: not
							   kept */
};

/* The findings of one class and diagnosis together. */
struct finding_total {
	uint64_t	 attempts;
	uint64_t	 groups;	/* findings: servers */
	struct keyset	 clients;	/* hashed family and address */
	struct keyset	 users;		/* hashed names */
	struct span	 seen;
	const struct finding *top;	/* the most attempts, after sorting */
};

/* Index of a finding class in the totals: blocked 0, insecure 1. */
#define FINDING_CLASSES		2
#define FINDING_CLASS(c)	((c) == RDPNEG_CLASS_BLOCKED ? 0 : 1)

struct findings {
	struct finding_total	 by_diagnosis[FINDING_CLASSES][RDPNEG_RULES_MAX];
	struct finding	*v;
	size_t		 n;
	size_t		 cap;
	struct hindex	 index;
	size_t		 ndetails;	/* findings with a detail */
	uint64_t	 capture;	/* ordinal of the capture being added */
	char		**paths;	/* of the captures samples come from */
	size_t		 npaths;
	size_t		 cappaths;
	int		 path_kept;	/* the current capture's is paths' last */
};

void findings_init(struct findings *f);

/* The next attempts come from another capture. */
void findings_next_capture(struct findings *f);

/* Count it (a finding: blocked or insecure) from capture path. */
void findings_add(struct findings *f, const char *path,
    const struct attempt_item *it);

/* Blocked before insecure, then the most attempts first, then diagnosis
 * (table order) and server; the index is dropped and each total's top
 * set. */
void findings_sort(struct findings *f);

/* Are a and b findings on the same server (family, address, port)? */
int findings_same_server(const struct finding *a, const struct finding *b);

void findings_free(struct findings *f);

#endif /* RDPNEG_FINDINGS_H */
