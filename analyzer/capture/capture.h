/*
 * capture.h - from a capture file to one record per RDP connection attempt.
 *
 * libpcap reads the file; packet.c finds TCP segments; tracker.c keeps a
 * bounded table of flows, reassembles the first bytes of each direction
 * and hands them to the shared decoder and connection model
 * (rdpneg/evidence.h), which records and classifies the attempt.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_CAPTURE_H
#define RDPNEG_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdatomic.h>
#include <stdio.h>

#include "rdpneg/evidence.h"
#include "rdpneg/rdpneg.h"
#include "rdpneg/x509.h"

#define RDPNEG_DEFAULT_PORT		3389
#define RDPNEG_DEFAULT_MAX_CONNECTIONS	65536
#define RDPNEG_DEFAULT_IDLE_TIMEOUT	300	/* seconds of capture time */
#define RDPNEG_STREAM_LIMIT		4096	/* bytes kept per direction */
#define RDPNEG_MAX_PORTS		64
#define RDPNEG_TOKEN_MAX		512	/* cookie bytes kept */
#define RDPNEG_TEXT_MAX			160
#define RDPNEG_PDU_KEEP			32	/* bytes of the CC kept */

struct rdpneg_config {
	uint16_t	ports[RDPNEG_MAX_PORTS];	/* RDP server ports */
	size_t		nports;
	size_t		max_connections;
	uint32_t	idle_timeout;
	/* When not NULL and nonzero (a signal handler may set it): stop
	 * before the next packet, as if the capture ended there. */
	const atomic_int *stop;
};

struct rdpneg_endpoint {
	uint8_t		addr[16];	/* IPv4 in the first 4 bytes */
	uint16_t	port;
};

/*
 * One connection attempt: where and when, the bytes the reports quote, and
 * the facts of the shared connection model (rdpneg/evidence.h), classified.
 */
struct rdpneg_attempt {
	int			family;		/* 4 or 6 */
	struct rdpneg_endpoint	client;
	struct rdpneg_endpoint	server;
	uint64_t		first_frame;
	int64_t			ts_sec;		/* first packet, UTC */
	uint32_t		ts_nsec;
	uint64_t		request_frame;	/* 0: none */
	uint64_t		response_frame;	/* 0: none */
	const uint8_t		*token;		/* cookie line, NULL if none */
	size_t			token_len;	/* at most RDPNEG_TOKEN_MAX */
	uint8_t			response_pdu[RDPNEG_PDU_KEEP]; /* CC bytes */
	size_t			response_pdu_len;
	const char		*malformed;	/* NULL: none */
	const char		*incomplete;	/* NULL: none */
	const struct rdpneg_cert *cert;		/* the server's TLS certificate,
						   read (x509.h); NULL: none */
	struct rdpneg_evidence	ev;
};
/* Pointers in an attempt are valid only during the callback. */

/* Counters for one capture. */
struct rdpneg_capture_stats {
	uint64_t	packets;
	uint64_t	bytes;		/* captured bytes of all packets */
	uint64_t	cut_packets;	/* caplen < len */
	uint64_t	tcp_segments;
	uint64_t	ip_fragments;	/* not reassembled */
	uint64_t	bad_packets;	/* invalid IP/TCP headers */
	uint64_t	attempts;	/* records emitted */
	uint64_t	overflow;	/* connections not tracked: table full */
	uint64_t	expired;	/* closed by the idle timeout */
	uint64_t	held_open;	/* reported before their end (horizon) */
	size_t		peak_connections;
	int		interrupted;	/* stopped by cfg->stop before the
					   capture's end */
	int		linktype;	/* DLT_* of the file */
	int64_t		first_sec;	/* time of the first packet */
	uint32_t	first_nsec;
	int64_t		last_sec;	/* time of the last packet */
	uint32_t	last_nsec;
};

typedef void (*rdpneg_attempt_fn)(const struct rdpneg_attempt *attempt,
    void *arg);

/*
 * What a caller that reports attempts in first-frame order may rely on,
 * after a packet: every attempt not yet handed over starts at frame
 * `frame` or later and, while `time_ordered` (no packet so far went back
 * in time), at sec.nsec or later; those not started yet start at
 * now_sec.now_nsec (the packet's time) or later.  `end`: the capture is
 * over, every attempt was handed over.
 */
struct rdpneg_horizon {
	uint64_t	frame;
	int64_t		sec;
	uint32_t	nsec;
	int		time_ordered;
	int		end;
	int64_t		now_sec;
	uint32_t	now_nsec;
};

/*
 * Called after each packet and at the end.  Returning nonzero asks that
 * the open connection with the lowest first frame be handed over now, as
 * if the capture ended there (counted in held_open): the caller holds too
 * many records that wait for it.
 */
typedef int (*rdpneg_horizon_fn)(const struct rdpneg_horizon *h, void *arg);

/* Has *stop (when stop is not NULL) asked the readers to stop? */
static inline int
rdpneg_stop_asked(const atomic_int *stop)
{
	return stop != NULL &&
	    atomic_load_explicit(stop, memory_order_relaxed) != 0;
}

/* Ports 3389, default table size and idle timeout. */
void rdpneg_init_config(struct rdpneg_config *cfg);

/* Is port one of the configured RDP server ports? */
int rdpneg_config_has_port(const struct rdpneg_config *cfg, uint16_t port);

/*
 * Analyze one capture (pcap or pcapng) read from fp, and close fp.
 * Calls fn for every RDP connection attempt, in the order their records
 * complete, and horizon (when not NULL) as said above.  Returns 0, or -1
 * with the reason in errbuf when the capture
 * is not one or is damaged; attempts seen before the damage are still
 * reported through fn before the call returns.
 */
int rdpneg_analyze_stream(FILE *fp, const struct rdpneg_config *cfg,
    rdpneg_attempt_fn fn, rdpneg_horizon_fn horizon, void *arg,
    struct rdpneg_capture_stats *stats, char *errbuf, size_t errsize);

#endif /* RDPNEG_CAPTURE_H */
