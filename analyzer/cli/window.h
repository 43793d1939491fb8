/*
 * window.h - the attempts of one capture handed over in first-frame order,
 * each with its fallback chain and diagnosis, while holding only those
 * that may still be preceded or have their chain continued.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_WINDOW_H
#define RDPNEG_WINDOW_H

#include "cli/result.h"

struct window;

/*
 * max_held: attempts held beyond which the window asks the capture reader
 * to report the connection that holds them up early (capture.h).
 */
struct window *window_new(uint32_t chain_window, size_t max_held,
    attempt_sink fn, void *arg);

/* A completed attempt, in any order: 0, or -1 out of memory. */
int window_add(struct window *w, const struct rdpneg_attempt *a);

/* Hand over what the horizon allows (all of it at its end); nonzero asks
 * for the oldest open connection early (rdpneg_horizon_fn). */
int window_advance(struct window *w, const struct rdpneg_horizon *h);

void window_free(struct window *w);

#endif /* RDPNEG_WINDOW_H */
