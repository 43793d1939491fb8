/*
 * pcapfile.c - read a pcap or pcapng file with libpcap and feed the tracker.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _DEFAULT_SOURCE		/* pcap.h needs u_char and friends */

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

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

/*
 * libpcap's message text about the capture read from fp, said in the
 * user's terms with libpcap's own words kept after a colon.  at_open: the
 * file header could not be read (pcap_fopen_offline).  The stream's
 * position is where libpcap stopped: the end of the data when it ran out;
 * -1 where the reader cannot tell (input.h: a gzip file).
 */
static void
explain_pcap_error(FILE *fp, int at_open, const char *text, char *errbuf,
    size_t errsize)
{
	off_t pos = ftello(fp);
	int truncated = strncmp(text, "truncated ", 10) == 0;

	/* Fewer bytes than a magic number (4) is no capture, not a cut one:
	 * libpcap reads further only after a magic number it knows. */
	if (strcmp(text, "unknown file format") == 0 || (at_open &&
	    truncated && (pos >= 0 ? pos < 4 :
	    strstr(text, " 4 file header bytes") != NULL)))
		snprintf(errbuf, errsize, "not a capture (pcap or pcapng): %s",
		    text);
	else if (truncated && pos >= 0)
		snprintf(errbuf, errsize, "truncated at byte %jd: %s",
		    (intmax_t)pos, text);
	else if (truncated)
		snprintf(errbuf, errsize, "the capture ends inside %s: %s",
		    at_open ? "its file header" : "a packet record", text);
	else if (strstr(text, "different from the type of the first") != NULL)
		snprintf(errbuf, errsize, "unsupported link type (interfaces "
		    "of different types in one file): %s", text);
	else if (strstr(text, "version") != NULL ||
	    strncmp(text, "archaic", 7) == 0)
		snprintf(errbuf, errsize, "unsupported capture format version: "
		    "%s", text);
	else if (strncmp(text, "error reading", 13) == 0 || strcmp(text,
	    "out of memory") == 0)
		snprintf(errbuf, errsize, "%s", text);
	else if (pos >= 0)
		snprintf(errbuf, errsize, "damaged before byte %jd: %s",
		    (intmax_t)pos, text);
	else
		snprintf(errbuf, errsize, "damaged: %s", text);
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
		explain_pcap_error(fp, 1, pcap_err, errbuf, errsize);
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
		explain_pcap_error(fp, 0, pcap_geterr(p), errbuf, errsize);
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
