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
#include "capture/tracker.h"

#define HORIZON_EVERY	64	/* packets between two horizons */

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

int
rdpneg_analyze_stream(FILE *fp, const struct rdpneg_config *cfg,
    rdpneg_attempt_fn fn, rdpneg_horizon_fn horizon, void *arg,
    struct rdpneg_capture_stats *stats, char *errbuf, size_t errsize)
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	struct rdpneg_horizon h = { 0, 0, 0, 1, 0, 0, 0 };
	struct pcap_pkthdr *hdr;
	const u_char *data;
	struct tracker *t;
	struct segment seg;
	enum packet_result r;
	pcap_t *p;
	int64_t sec;
	uint32_t nsec;
	int rc = 0, next = 1;

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
	t = tracker_new(cfg, fn, arg, stats);
	if (t == NULL) {
		snprintf(errbuf, errsize, "out of memory");
		pcap_close(p);
		return -1;
	}
	while (!rdpneg_stop_asked(cfg->stop) &&
	    (next = pcap_next_ex(p, &hdr, &data)) == 1) {
		/* With nanosecond precision tv_usec holds nanoseconds. */
		sec = (int64_t)hdr->ts.tv_sec;
		nsec = (uint32_t)hdr->ts.tv_usec;
		if (stats->packets++ == 0) {
			stats->first_sec = sec;
			stats->first_nsec = nsec;
		} else if (sec < stats->last_sec || (sec == stats->last_sec &&
		    nsec < stats->last_nsec))
			h.time_ordered = 0;
		stats->last_sec = sec;
		stats->last_nsec = nsec;
		stats->bytes += hdr->caplen;
		if (hdr->caplen < hdr->len)
			stats->cut_packets++;
		r = packet_parse(stats->linktype, data, hdr->caplen, hdr->len,
		    &seg);
		count_packet(stats, r);
		if (r == PACKET_TCP && tracker_segment(t, &seg, stats->packets,
		    sec, nsec) < 0) {
			snprintf(errbuf, errsize, "out of memory");
			rc = -1;
			break;
		}
		/* Now and then is enough: holding a little longer is safe. */
		if (horizon != NULL && stats->packets % HORIZON_EVERY == 0)
			advance(t, &h, horizon, arg, stats);
	}
	/* Stopped before a packet, or its read cut short by the stop. */
	if (rc == 0 && next != PCAP_ERROR_BREAK &&
	    rdpneg_stop_asked(cfg->stop))
		stats->interrupted = 1;
	else if (next == PCAP_ERROR) {
		snprintf(errbuf, errsize, "%s", pcap_geterr(p));
		rc = -1;
	}
	tracker_flush(t);	/* reports what is still open */
	if (horizon != NULL) {
		h.frame = UINT64_MAX;
		h.end = 1;
		(void)horizon(&h, arg);
	}
	tracker_free(t);
	pcap_close(p);
	return rc;
}
