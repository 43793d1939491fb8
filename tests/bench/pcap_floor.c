/*
 * pcap_floor.c - the benchmark's floor: libpcap reading every packet of a
 * capture, as rdpneg does (nanosecond timestamps, pcap_next_ex), and doing
 * nothing else.  Prints the packets and bytes it saw.
 *
 * pcap_floor capture      the file opened by pcap_open_offline (stdio's
 *                         default buffer, a page)
 * pcap_floor -b capture   the file opened as rdpneg opens it: stdio with
 *                         a 256 KiB buffer, given to pcap_fopen_offline
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _DEFAULT_SOURCE		/* pcap.h needs u_char and friends */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

int
main(int argc, char *argv[])
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	uint64_t packets = 0, bytes = 0;
	static char buf[256 * 1024];
	FILE *fp;
	pcap_t *p;
	int r;

	if (argc == 3 && strcmp(argv[1], "-b") == 0) {
		if ((fp = fopen(argv[2], "r")) == NULL) {
			perror(argv[2]);
			return 2;
		}
		(void)setvbuf(fp, buf, _IOFBF, sizeof(buf));
		p = pcap_fopen_offline_with_tstamp_precision(fp,
		    PCAP_TSTAMP_PRECISION_NANO, err);
	} else if (argc == 2)
		p = pcap_open_offline_with_tstamp_precision(argv[1],
		    PCAP_TSTAMP_PRECISION_NANO, err);
	else {
		fprintf(stderr, "usage: pcap_floor [-b] capture\n");
		return 64;
	}
	if (p == NULL) {
		fprintf(stderr, "pcap_floor: %s\n", err);
		return 2;
	}
	while ((r = pcap_next_ex(p, &hdr, &data)) == 1) {
		packets++;
		bytes += hdr->caplen;
	}
	if (r == PCAP_ERROR)
		fprintf(stderr, "pcap_floor: %s\n", pcap_geterr(p));
	pcap_close(p);
	printf("%" PRIu64 " packets, %" PRIu64 " bytes\n", packets, bytes);
	return r == PCAP_ERROR ? 2 : 0;
}
