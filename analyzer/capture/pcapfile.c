/*
 * pcapfile.c - read a pcap or pcapng file with libpcap and feed the tracker.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _DEFAULT_SOURCE		/* pcap.h needs u_char and friends */

#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture/capture.h"
#include "capture/packet.h"
#include "capture/ring.h"
#include "capture/tracker.h"

#define HORIZON_EVERY	64	/* packets between two horizons */

void
rdpneg_init_config(struct rdpneg_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ports[0] = RDPNEG_DEFAULT_PORT;
	cfg->nports = 1;
	cfg->max_connections = RDPNEG_DEFAULT_MAX_CONNECTIONS;
	cfg->idle_timeout = RDPNEG_DEFAULT_IDLE_TIMEOUT;
}

int
rdpneg_config_has_port(const struct rdpneg_config *cfg, uint16_t port)
{
	size_t i;

	for (i = 0; i < cfg->nports; i++)
		if (cfg->ports[i] == port)
			return 1;
	return 0;
}

static void
count_packet(struct rdpneg_capture_stats *stats, enum packet_result r)
{
	switch (r) {
	case PACKET_TCP:
		stats->tcp_segments++;
		break;
	case PACKET_FRAGMENT:
		stats->ip_fragments++;
		break;
	case PACKET_BAD:
		stats->bad_packets++;
		break;
	default:
		break;
	}
}

/*
 * Tell the caller how far the capture has gone (capture.h), and report the
 * oldest open connection early for as long as the caller asks.
 */
static void
advance(struct tracker *t, struct rdpneg_horizon *h, rdpneg_horizon_fn fn,
    void *arg, struct rdpneg_capture_stats *stats)
{
	uint64_t frame;
	int64_t sec;
	uint32_t nsec;

	for (;;) {
		h->frame = stats->packets + 1;
		h->sec = h->now_sec = stats->last_sec;
		h->nsec = h->now_nsec = stats->last_nsec;
		if (tracker_first_open(t, &frame, &sec, &nsec)) {
			h->frame = frame;
			if (sec < h->sec || (sec == h->sec && nsec < h->nsec)) {
				h->sec = sec;
				h->nsec = nsec;
			}
		}
		if (!fn(h, arg) || !tracker_finish_first(t))
			return;
		stats->held_open++;
	}
}

/* One analysis: the tracker and what the packets so far told. */
struct run {
	struct tracker			*t;
	struct rdpneg_horizon		 h;
	rdpneg_horizon_fn		 horizon;
	void				*arg;
	struct rdpneg_capture_stats	*stats;
};

/* One packet of the capture, in file order; -1 when memory ran out. */
static int
take_packet(struct run *run, int64_t sec, uint32_t nsec, uint32_t caplen,
    uint32_t len, const uint8_t *data)
{
	struct rdpneg_capture_stats *stats = run->stats;
	struct segment seg;
	enum packet_result r;

	if (stats->packets++ == 0) {
		stats->first_sec = sec;
		stats->first_nsec = nsec;
	} else if (sec < stats->last_sec || (sec == stats->last_sec &&
	    nsec < stats->last_nsec))
		run->h.time_ordered = 0;
	stats->last_sec = sec;
	stats->last_nsec = nsec;
	stats->bytes += caplen;
	if (caplen < len)
		stats->cut_packets++;
	r = packet_parse(stats->linktype, data, caplen, len, &seg);
	count_packet(stats, r);
	if (r == PACKET_TCP && tracker_segment(run->t, &seg, stats->packets,
	    sec, nsec) < 0)
		return -1;
	/* Now and then is enough: holding a little longer is safe. */
	if (run->horizon != NULL && stats->packets % HORIZON_EVERY == 0)
		advance(run->t, &run->h, run->horizon, run->arg, stats);
	return 0;
}

/* With nanosecond precision tv_usec holds nanoseconds. */
#define PKT_SEC(hdr)	((int64_t)(hdr)->ts.tv_sec)
#define PKT_NSEC(hdr)	((uint32_t)(hdr)->ts.tv_usec)

/* Every packet on this thread; pcap_next_ex's status at the end. */
static int
read_here(pcap_t *p, struct run *run, int *oom)
{
	struct pcap_pkthdr *hdr;
	const u_char *data;
	int next;

	while ((next = pcap_next_ex(p, &hdr, &data)) == 1)
		if (take_packet(run, PKT_SEC(hdr), PKT_NSEC(hdr), hdr->caplen,
		    hdr->len, data) < 0) {
			*oom = 1;
			break;
		}
	return next;
}

/*
 * Reading on a thread of its own (ring.h): libpcap's records, copied one
 * after the other into chunks, each a header then the captured bytes.
 */
#define READER_CHUNK	(1024 * 1024)
#define READER_CHUNKS	4

struct record {
	int64_t		sec;
	uint32_t	nsec;
	uint32_t	caplen;		/* bytes that follow */
	uint32_t	len;
	uint32_t	pad;
};

#define RECORD_ALIGN(n)	(((n) + 7u) & ~(size_t)7u)

struct reader {
	pcap_t			*p;
	struct pcap_pkthdr	*hdr;		/* read, not yet in a chunk */
	const u_char		*data;
	int			 next;		/* pcap_next_ex's last status */
};

static ssize_t
fill_records(void *arg, uint8_t *buf, size_t size)
{
	struct reader *rd = arg;
	struct record rec;
	size_t used = 0, need;

	for (;;) {
		if (rd->hdr == NULL) {
			if (rd->next != 1 ||
			    (rd->next = pcap_next_ex(rd->p, &rd->hdr,
			    &rd->data)) != 1) {
				rd->hdr = NULL;
				return (ssize_t)used;	/* 0: the end */
			}
		}
		rec.sec = PKT_SEC(rd->hdr);
		rec.nsec = PKT_NSEC(rd->hdr);
		rec.len = rd->hdr->len;
		/* libpcap keeps records far below a chunk (its maximum
		 * snapshot length); were one larger, its end would be cut. */
		rec.caplen = rd->hdr->caplen;
		if (rec.caplen > size - sizeof(rec))
			rec.caplen = (uint32_t)(size - sizeof(rec));
		rec.pad = 0;
		need = RECORD_ALIGN(sizeof(rec) + rec.caplen);
		if (need > size - used && used > 0)
			return (ssize_t)used;	/* the next chunk starts here */
		memcpy(buf + used, &rec, sizeof(rec));
		memcpy(buf + used + sizeof(rec), rd->data, rec.caplen);
		used += need < size - used ? need : size - used;
		rd->hdr = NULL;
	}
}

/* Every packet, read by another thread; pcap_next_ex's status at the end,
 * or 2 when there is no thread (nothing was read then). */
static int
read_ahead(pcap_t *p, struct run *run, int *oom)
{
	struct reader rd = { p, NULL, NULL, 1 };
	struct record rec;
	struct ring *ring;
	const uint8_t *chunk;
	size_t len, off;
	int err;

	ring = ring_start(fill_records, &rd, READER_CHUNK, READER_CHUNKS);
	if (ring == NULL)
		return 2;
	while (!*oom && (chunk = ring_take(ring, &len, &err)) != NULL) {
		for (off = 0; off + sizeof(rec) <= len; off +=
		    RECORD_ALIGN(sizeof(rec) + rec.caplen)) {
			memcpy(&rec, chunk + off, sizeof(rec));
			if (take_packet(run, rec.sec, rec.nsec, rec.caplen,
			    rec.len, chunk + off + sizeof(rec)) < 0) {
				*oom = 1;
				break;
			}
		}
		ring_release(ring);
	}
	ring_stop(ring);	/* the reader is done with p after this */
	return rd.next;
}

int
rdpneg_analyze_stream(FILE *fp, const struct rdpneg_config *cfg,
    rdpneg_attempt_fn fn, rdpneg_horizon_fn horizon, void *arg,
    struct rdpneg_capture_stats *stats, char *errbuf, size_t errsize)
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	struct run run = { NULL, { 0, 0, 0, 1, 0, 0, 0 }, horizon, arg,
	    stats };
	pcap_t *p;
	int rc = 0, next = 2, oom = 0;

	memset(stats, 0, sizeof(*stats));
	/* Nanosecond precision keeps pcapng if_tsresol=9 timestamps whole. */
	p = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	if (p == NULL) {
		snprintf(errbuf, errsize, "%s", pcap_err);
		fclose(fp);
		return -1;
	}
	stats->linktype = pcap_datalink(p);
	if (!packet_linktype_supported(stats->linktype)) {
		snprintf(errbuf, errsize, "unsupported link type %s (%d)",
		    pcap_datalink_val_to_name(stats->linktype) != NULL ?
		    pcap_datalink_val_to_name(stats->linktype) : "unknown",
		    stats->linktype);
		pcap_close(p);
		return -1;
	}
	run.t = tracker_new(cfg, fn, arg, stats);
	if (run.t == NULL) {
		snprintf(errbuf, errsize, "out of memory");
		pcap_close(p);
		return -1;
	}
	if (cfg->read_thread)
		next = read_ahead(p, &run, &oom);
	if (next == 2)		/* not asked, or no thread to be had */
		next = read_here(p, &run, &oom);
	if (oom) {
		snprintf(errbuf, errsize, "out of memory");
		rc = -1;
	} else if (next == PCAP_ERROR) {
		snprintf(errbuf, errsize, "%s", pcap_geterr(p));
		rc = -1;
	}
	tracker_flush(run.t);	/* reports what is still open */
	if (horizon != NULL) {
		run.h.frame = UINT64_MAX;
		run.h.end = 1;
		(void)horizon(&run.h, arg);
	}
	tracker_free(run.t);
	pcap_close(p);
	return rc;
}
