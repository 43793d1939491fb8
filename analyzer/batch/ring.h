/*
 * ring.h - a producer on a thread of its own, a few chunks ahead of the
 * thread that reads what it makes as a byte stream: inflating a gzip
 * capture, or reading and hashing one, then overlaps with its analysis on
 * another core (input.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_RING_H
#define RDPNEG_RING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Fills one chunk: buf holds size bytes.  Returns the bytes used (> 0),
 * 0 at the end, or -1 with errno set.  Called on the producer's thread
 * only, until it returns 0 or -1 or the ring stops.
 */
typedef ssize_t (*ring_fill_fn)(void *arg, uint8_t *buf, size_t size);

struct ring;

/* Start the producer with nchunks chunks of chunk bytes; NULL (errno set)
 * when there is no memory or no thread. */
struct ring *ring_start(ring_fill_fn fn, void *arg, size_t chunk,
    unsigned nchunks);

/* A byte stream over the chunks, in order, as read(2) gives it: the
 * count, 0 at the end, -1 with the producer's errno; the end or the error
 * again on every later call. */
ssize_t ring_read(struct ring *r, uint8_t *buf, size_t size);

/* Stop the producer wherever it is, wait for it and free everything.
 * Whatever the producer's state, it is the caller's again after this. */
void ring_stop(struct ring *r);

#endif /* RDPNEG_RING_H */
