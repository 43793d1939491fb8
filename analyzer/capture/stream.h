/*
 * stream.h - reassembly of the first bytes of one direction of a TCP
 * connection: out-of-order segments, retransmissions, overlaps and
 * sequence wrap-around.  Bounded: bytes past `limit` are not kept.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_STREAM_H
#define RDPNEG_STREAM_H

#include <stddef.h>
#include <stdint.h>

struct stream {
	uint32_t	 base;		/* sequence number of byte 0 */
	uint32_t	 limit;		/* bytes kept at most */
	uint32_t	 size;		/* bytes allocated */
	uint32_t	 contig;	/* bytes 0..contig-1 all present */
	uint32_t	 high;		/* no byte present from here on */
	uint32_t	 cut_at;	/* first byte lost to the snap length */
	unsigned	 overflow:1;	/* data beyond limit was offered */
	uint8_t		*data;
	uint8_t		*filled;	/* one bit per byte of data */
};

/* Start a stream whose byte 0 has sequence number base. */
void stream_init(struct stream *s, uint32_t base, uint32_t limit);

/* Release the buffers; the struct may be initialised again. */
void stream_free(struct stream *s);

/*
 * Add a segment of caplen captured bytes out of len on the wire.  The
 * first copy of a byte wins (as most stacks keep it).  Returns 1 when the
 * contiguous prefix grew, 0 when not, -1 when out of memory.
 */
int stream_add(struct stream *s, uint32_t seq, const uint8_t *data,
    size_t caplen, size_t len);

/* True when the next missing byte was cut off by the snap length. */
int stream_stuck_on_cut(const struct stream *s);

#endif /* RDPNEG_STREAM_H */
