/*
 * analysis.h - the analysis of one capture: its attempts one by one, in
 * first-frame order (reorder.h), grouped into fallback chains and
 * diagnosed (grouping.c), then the capture's facts.  What the reports and
 * the batch read.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_ANALYSIS_H
#define RDPNEG_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "capture/capture.h"
#include "rdpneg/kb.h"

/* One attempt, its texts owned, its chain and diagnosis worked out. */
struct attempt_item {
	struct rdpneg_attempt		 a;	/* token etc. point into owned;
						   a.ev has the chain fields */
	char				*owned;
	const struct rdpneg_diagnosis	*diag;
	const struct rdpneg_server_fingerprint *server;	/* NULL: unknown */
	enum rdpneg_class		 class;	/* rdpneg_attempt_class() */
	unsigned			 chain_id;	/* 1-based, per file */
	/* The last attempt of its chain: the chain's result. */
	uint64_t			 final_frame;
	enum rdpneg_outcome		 final_outcome;
	const struct rdpneg_diagnosis	*final_diag;
	int				 final_fell_back;
};

/* Attempts held in memory (a capture whose clock went back, the tests). */
struct attempt_list {
	struct attempt_item	*items;
	size_t			 n;
	size_t			 cap;
};

#define CAPTURE_SHA256_HEX	65	/* 64 hex digits and a NUL */

/* The facts of one capture file. */
struct capture_result {
	const char			*path;
	int				 unreadable;
	int				 not_analysed;	/* the run was stopped
							   before it */
	char				 error[512];
	struct rdpneg_capture_stats	 stats;
	uint64_t			 size;		/* bytes of the file */
	char				 sha256[CAPTURE_SHA256_HEX];
};

struct analysis_config {
	struct rdpneg_config	capture;
	uint32_t		chain_window;	/* seconds between attempts */
};

/* Receives the attempts of a capture in first-frame order; it may keep
 * nothing the item points to after it returns. */
typedef void (*attempt_sink)(const struct attempt_item *it, void *arg);

/*
 * Analyze the capture read from fp, which it closes, into r (which the
 * caller zeroes), handing each attempt to fn; r->path, size and sha256
 * are the caller's to fill.  Thread-safe: batch workers call it at once.
 */
void analyze_stream(FILE *fp, const struct analysis_config *cfg,
    struct capture_result *r, attempt_sink fn, void *arg);

/* Copy an attempt whose texts are only lent; 0, or -1 out of memory. */
int attempt_item_init(struct attempt_item *it, const struct rdpneg_attempt *a);

/* A copy of it (texts, chain, diagnosis) into copy: 0, or -1 out of
 * memory; free(copy->owned) frees it. */
int attempt_item_copy(struct attempt_item *copy, const struct attempt_item *it);

/* Append a copy of it (texts, chain, diagnosis) to l: 0, or -1. */
int attempt_list_push(struct attempt_list *l, const struct attempt_item *it);

void attempt_list_free(struct attempt_list *l);

/* Same client address, server address and port? */
int chain_same_pair(const struct attempt_item *x, const struct attempt_item *y);

/*
 * Diagnose the chain v[0..n-1] (consecutive attempts of one pair, in
 * start order) as chain number id: positions, fallback mark, final.
 */
void chain_seal(struct attempt_item *const *v, size_t n, unsigned id);

/*
 * Group all the attempts of l into fallback chains (consecutive attempts
 * from one client address to one server within window seconds, by start
 * time), numbered from id + 1 in first-frame order, and diagnose each.
 * Sorts the items by first frame.  Returns the last chain number used.
 */
unsigned chain_and_diagnose(struct attempt_list *l, uint32_t window,
    unsigned id);

/* ---- An attempt read back (check.c). */

/*
 * Does it hold only what the analysis could have made, as far as the
 * reports rely on it: counts within their arrays (kept versions, SNI
 * bytes, encrypted records, channel names, token and Connection Confirm
 * bytes), the user name's offset within the token, enums below their
 * counts (outcome, end, token kind, MCS stage, the walkers' statuses,
 * class, final outcome), a chain position within its chain, the texts of
 * the certificate and of the client's GCC data ended within their arrays,
 * and a diagnosis from rdpneg_rules[]?  NULL if so, else the name of the
 * first field that does not (a static string, such as "a.token_len" or
 * "tls.client_hello.nversions").
 * The pointers (token, malformed, incomplete, ev.tls, ev.mcs, cert, diag,
 * final_diag, server) are assumed set by the reader: token_len bytes at
 * token, texts NUL-terminated, structs whole, diag/final_diag/server from
 * the tables or NULL where allowed.
 */
const char *attempt_item_check(const struct attempt_item *it);

#endif /* RDPNEG_ANALYSIS_H */
