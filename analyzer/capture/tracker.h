/*
 * tracker.h - the bounded table of TCP connections that may be RDP, the
 * per-connection state machine, and the emission of attempt records.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_TRACKER_H
#define RDPNEG_TRACKER_H

#include <stdint.h>

#include "capture/capture.h"
#include "capture/packet.h"

struct tracker;

struct tracker *tracker_new(const struct rdpneg_config *cfg,
    rdpneg_attempt_fn fn, void *arg, struct rdpneg_capture_stats *stats);

/*
 * Feed one TCP segment seen in frame `frame` at capture time sec.nsec.
 * Returns 0, or -1 when memory ran out.
 */
int tracker_segment(struct tracker *t, const struct segment *seg,
    uint64_t frame, int64_t sec, uint32_t nsec);

/*
 * The open connection with the lowest first frame: every record still to
 * come starts at that frame or later.  0 when the table is empty.
 */
int tracker_first_open(const struct tracker *t, uint64_t *frame,
    int64_t *sec, uint32_t *nsec);

/* Emit that connection now, as if the capture ended there.  0: none. */
int tracker_finish_first(struct tracker *t);

/* Emit every connection still in the table (end of the capture). */
void tracker_flush(struct tracker *t);

void tracker_free(struct tracker *t);

#endif /* RDPNEG_TRACKER_H */
