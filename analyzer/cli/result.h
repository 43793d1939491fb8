/*
 * result.h - what the analysis of one capture file gives the reports:
 * its attempts, each with its chain and diagnosis, and the file's facts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_RESULT_H
#define RDPNEG_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "capture/capture.h"
#include "cli/input.h"
#include "rdpneg/kb.h"

/* One attempt, its texts owned, its chain and diagnosis worked out. */
struct attempt_item {
	struct rdpneg_attempt		 a;	/* token etc. point into owned */
	char				*owned;
	struct rdpneg_evidence		 ev;
	const struct rdpneg_diagnosis	*diag;
	unsigned			 chain_id;	/* 1-based, per file */
	struct attempt_item		*chain_final;	/* last of its chain */
};

struct capture_result {
	const char			*path;
	int				 unreadable;
	char				 error[512];
	struct rdpneg_capture_stats	 stats;
	uint64_t			 size;		/* bytes of the file */
	char				 sha256[INPUT_SHA256_HEX];
	struct attempt_item		*items;		/* by first frame */
	size_t				 nitems;
	size_t				 cap;
};

struct analysis_config {
	struct rdpneg_config	capture;
	uint32_t		chain_window;	/* seconds between attempts */
	int			sha256;		/* hash each file (Markdown) */
};

/*
 * Analyze the capture at path into r (which the caller zeroes and later
 * frees with result_free).  Thread-safe: batch workers call it at once.
 */
void analyze_file(const char *path, const struct analysis_config *cfg,
    struct capture_result *r);

/* The same for a stream already open (closed by libpcap unless it refused
 * the file: see rdpneg_analyze_stream); r->path, size and sha256 are the
 * caller's to fill. */
void analyze_stream(FILE *fp, const struct analysis_config *cfg,
    struct capture_result *r);

void result_free(struct capture_result *r);

/*
 * Group the attempts of one capture into fallback chains (consecutive
 * attempts from one client address to one server within window seconds),
 * then diagnose each with the knowledge base.  Sorts items by first frame.
 */
void chain_and_diagnose(struct capture_result *r, uint32_t window);

#endif /* RDPNEG_RESULT_H */
