/*
 * reorder.h - the attempts of one capture handed over in first-frame order,
 * each with its fallback chain and diagnosis, while holding only those
 * that may still be preceded or have their chain continued.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_REORDER_H
#define RDPNEG_REORDER_H

#include "analysis/analysis.h"

struct reorder;

/*
 * max_held: attempts held beyond which the reorder buffer asks the capture
 * reader to report the connection that holds them up early (capture.h).
 */
struct reorder *reorder_new(uint32_t chain_window, size_t max_held,
    attempt_sink fn, void *arg);

/* A completed attempt, in any order: 0, or -1 out of memory. */
int reorder_add(struct reorder *w, const struct rdpneg_attempt *a);

/* Hand over what the horizon allows (all of it at its end); nonzero asks
 * for the oldest open connection early (rdpneg_horizon_fn). */
int reorder_advance(struct reorder *w, const struct rdpneg_horizon *h);

void reorder_free(struct reorder *w);

#endif /* RDPNEG_REORDER_H */
