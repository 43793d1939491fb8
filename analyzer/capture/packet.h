/*
 * packet.h - from a captured frame to the TCP segment it carries.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_PACKET_H
#define RDPNEG_PACKET_H

#include <stddef.h>
#include <stdint.h>

#define TCP_FIN	0x01
#define TCP_SYN	0x02
#define TCP_RST	0x04
#define TCP_ACK	0x10

enum packet_result {
	PACKET_TCP = 0,		/* seg filled */
	PACKET_OTHER,		/* not IPv4/IPv6 TCP: not ours */
	PACKET_FRAGMENT,	/* IP fragment: not reassembled */
	PACKET_CUT,		/* headers cut by the snap length */
	PACKET_BAD		/* headers present but invalid */
};

struct segment {
	int		 family;	/* 4 or 6 */
	uint8_t		 src[16];	/* IPv4 in the first 4 bytes */
	uint8_t		 dst[16];
	uint16_t	 sport;
	uint16_t	 dport;
	uint32_t	 seq;
	uint8_t		 flags;		/* TCP_* */
	const uint8_t	*payload;
	size_t		 caplen;	/* payload bytes captured */
	size_t		 len;		/* payload bytes on the wire */
};

/* Is this libpcap DLT_* value one we can decode? */
int packet_linktype_supported(int dlt);

/*
 * Decode the link layer, IPv4/IPv6 (extension headers skipped) and TCP of
 * one frame of caplen captured bytes out of wirelen on the wire.  Never
 * reads past caplen.
 */
enum packet_result packet_parse(int dlt, const uint8_t *frame, size_t caplen,
    size_t wirelen, struct segment *seg);

#endif /* RDPNEG_PACKET_H */
