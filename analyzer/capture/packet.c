/*
 * packet.c - link layers, IPv4, IPv6 and TCP headers, table-driven by DLT
 * like tcpdump's print.c.  Every read goes through the bounds-checked
 * cursor, limited to the captured length.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <string.h>

#include <pcap/dlt.h>

#include "capture/packet.h"
#include "rdpneg/cursor.h"

#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_VLAN		0x8100	/* IEEE 802.1Q */
#define ETHERTYPE_QINQ		0x88a8	/* IEEE 802.1ad */
#define ETHERTYPE_QINQ_OLD	0x9100	/* pre-standard stacked VLAN */
#define MAX_VLAN_TAGS		8
#define MAX_IPV6_EXT		16
#define IPPROTO_TCP_NUM		6

/* What the link layer says comes next. */
enum l3 {
	L3_NONE,
	L3_BY_VERSION,		/* raw IP: look at the version nibble */
	L3_IPV4,
	L3_IPV6
};

static enum l3
ethertype_l3(uint16_t type)
{
	switch (type) {
	case ETHERTYPE_IPV4:
		return L3_IPV4;
	case ETHERTYPE_IPV6:
		return L3_IPV6;
	default:
		return L3_NONE;
	}
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* DLT_EN10MB: dst, src, EtherType, with any number of VLAN tags. */
static enum l3
link_ethernet(struct cursor *c)
{
	struct rdpneg_span h;
	uint16_t type;
	int tags = 0;

	if (!cur_span(c, 14, &h))
		return L3_NONE;
	type = be16(h.ptr + 12);
	while ((type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
	    type == ETHERTYPE_QINQ_OLD) && tags++ < MAX_VLAN_TAGS) {
		if (!cur_span(c, 4, &h))	/* TCI, EtherType */
			return L3_NONE;
		type = be16(h.ptr + 2);
	}
	return ethertype_l3(type);
}

/* DLT_LINUX_SLL: 16-byte header, protocol (EtherType) last. */
static enum l3
link_sll(struct cursor *c)
{
	cur_skip(c, 14);
	return ethertype_l3(cur_be16(c));
}

/* DLT_LINUX_SLL2: 20-byte header, protocol (EtherType) first. */
static enum l3
link_sll2(struct cursor *c)
{
	uint16_t type = cur_be16(c);

	cur_skip(c, 18);
	return ethertype_l3(type);
}

/*
 * DLT_NULL / DLT_LOOP: a 4-byte address family, in the capturing host's
 * byte order for NULL, and with AF_INET6 numbered differently by each BSD.
 * The IP version nibble that follows says it all.
 */
static enum l3
link_null(struct cursor *c)
{
	cur_skip(c, 4);
	return L3_BY_VERSION;
}

static enum l3
link_raw(struct cursor *c)
{
	(void)c;
	return L3_BY_VERSION;
}

static enum l3
link_ipv4(struct cursor *c)
{
	(void)c;
	return L3_IPV4;
}

static enum l3
link_ipv6(struct cursor *c)
{
	(void)c;
	return L3_IPV6;
}

static const struct {
	int	  dlt;
	enum l3	(*parse)(struct cursor *);
} link_layers[] = {
	{ DLT_EN10MB, link_ethernet },
	{ DLT_LINUX_SLL, link_sll },
	{ DLT_LINUX_SLL2, link_sll2 },
	{ DLT_NULL, link_null },
	{ DLT_LOOP, link_null },
	{ DLT_RAW, link_raw },
	{ DLT_IPV4, link_ipv4 },
	{ DLT_IPV6, link_ipv6 },
};

#define N_LINK_LAYERS (sizeof(link_layers) / sizeof(link_layers[0]))

int
packet_linktype_supported(int dlt)
{
	size_t i;

	for (i = 0; i < N_LINK_LAYERS; i++)
		if (link_layers[i].dlt == dlt)
			return 1;
	return 0;
}

/* Bound the cursor to an IP datagram of `len` bytes from here. */
static void
cur_bound(struct cursor *c, size_t len)
{
	if (len < c->end - c->off)
		c->end = c->off + len;
	if (c->avail > c->end)
		c->avail = c->end;
}

/*
 * IPv4 (RFC 791).  Returns the next protocol or -1.  The fixed header is
 * taken as one span (one bounds check): every packet goes through here.
 */
static int
parse_ipv4(struct cursor *c, struct segment *seg, enum packet_result *res)
{
	size_t start = c->off;
	struct rdpneg_span h;
	unsigned ihl;
	uint16_t total;

	if (!cur_span(c, 20, &h))
		return -1;
	ihl = (h.ptr[0] & 0x0fu) * 4u;
	total = be16(h.ptr + 2);
	memcpy(seg->src, h.ptr + 12, 4);
	memcpy(seg->dst, h.ptr + 16, 4);
	if (total == 0)			/* TCP segmentation offload */
		total = (uint16_t)(c->avail - start < UINT16_MAX ?
		    c->avail - start : UINT16_MAX);
	if ((h.ptr[0] >> 4) != 4 || ihl < 20 || total < ihl) {
		*res = PACKET_BAD;
		return -1;
	}
	if ((be16(h.ptr + 6) & 0x3fffu) != 0) {	/* MF set or offset != 0 */
		*res = PACKET_FRAGMENT;
		return -1;
	}
	if (!cur_skip(c, ihl - 20))	/* options */
		return -1;
	/* The datagram ends at its total length: Ethernet pads short frames. */
	cur_bound(c, total - ihl);
	seg->family = 4;
	return h.ptr[9];
}

/* IPv6 (RFC 8200) and its extension headers.  Returns the upper protocol. */
static int
parse_ipv6(struct cursor *c, struct segment *seg, enum packet_result *res)
{
	uint16_t plen;
	uint8_t next, hlen;
	uint16_t fragoff;
	struct rdpneg_span a;
	int i, v = cur_peek(c);


	if (v < 0)
		return -1;
	if ((v >> 4) != 6) {
		*res = PACKET_BAD;
		return -1;
	}
	cur_skip(c, 4);			/* version, class, flow label */
	plen = cur_be16(c);
	next = cur_u8(c);
	cur_skip(c, 1);			/* hop limit */
	if (cur_span(c, 16, &a))
		memcpy(seg->src, a.ptr, 16);
	if (cur_span(c, 16, &a))
		memcpy(seg->dst, a.ptr, 16);
	if (c->st != RDPNEG_OK)
		return -1;
	if (plen != 0)			/* 0: jumbogram or offload */
		cur_bound(c, plen);
	seg->family = 6;
	for (i = 0; i < MAX_IPV6_EXT; i++) {
		switch (next) {
		case 0:		/* Hop-by-Hop Options */
		case 43:	/* Routing */
		case 60:	/* Destination Options */
		case 135:	/* Mobility */
			next = cur_u8(c);
			hlen = cur_u8(c);
			cur_skip(c, (size_t)hlen * 8u + 6u);
			break;
		case 44:	/* Fragment */
			next = cur_u8(c);
			cur_skip(c, 1);
			fragoff = cur_be16(c);
			cur_skip(c, 4);
			if (c->st == RDPNEG_OK && (fragoff & 0xfff9u) != 0) {
				*res = PACKET_FRAGMENT;
				return -1;
			}
			break;
		case 51:	/* Authentication Header: length in 4-octet units */
			next = cur_u8(c);
			hlen = cur_u8(c);
			cur_skip(c, (size_t)hlen * 4u + 6u);
			break;
		default:
			return c->st == RDPNEG_OK ? next : -1;
		}
	}
	*res = PACKET_BAD;		/* an endless chain of headers */
	return -1;
}

/* TCP (RFC 9293) header; the payload is the rest of the datagram. */
static enum packet_result
parse_tcp(struct cursor *c, size_t wire_end, struct segment *seg)
{
	struct rdpneg_span h;
	size_t hlen;

	if (!cur_span(c, 20, &h))
		return PACKET_CUT;
	seg->sport = be16(h.ptr);
	seg->dport = be16(h.ptr + 2);
	seg->seq = (uint32_t)be16(h.ptr + 4) << 16 | be16(h.ptr + 6);
	seg->flags = h.ptr[13];
	hlen = (size_t)(h.ptr[12] >> 4) * 4u;
	if (hlen < 20)
		return PACKET_BAD;
	if (!cur_skip(c, hlen - 20))
		return c->st == RDPNEG_TRUNCATED ? PACKET_CUT : PACKET_BAD;
	seg->payload = c->buf + c->off;
	seg->caplen = c->avail - c->off;
	seg->len = wire_end > c->off ? wire_end - c->off : 0;
	if (seg->len < seg->caplen)
		seg->len = seg->caplen;
	return PACKET_TCP;
}

enum packet_result
packet_parse(int dlt, const uint8_t *frame, size_t caplen, size_t wirelen,
    struct segment *seg)
{
	struct cursor c;
	enum packet_result res = PACKET_CUT;
	enum l3 l3 = L3_NONE;
	size_t i;
	int proto, v;

	memset(seg, 0, sizeof(*seg));
	/* No declared end: running out of bytes is the snap length's doing. */
	cur_init(&c, frame, caplen, SIZE_MAX);
	for (i = 0; i < N_LINK_LAYERS; i++)
		if (link_layers[i].dlt == dlt) {
			l3 = link_layers[i].parse(&c);
			break;
		}
	if (c.st != RDPNEG_OK)
		return PACKET_CUT;
	if (l3 == L3_BY_VERSION) {
		v = cur_peek(&c);
		if (v < 0)
			return PACKET_CUT;
		l3 = (v >> 4) == 4 ? L3_IPV4 : (v >> 4) == 6 ? L3_IPV6 :
		    L3_NONE;
	}
	if (l3 == L3_IPV4)
		proto = parse_ipv4(&c, seg, &res);
	else if (l3 == L3_IPV6)
		proto = parse_ipv6(&c, seg, &res);
	else
		return PACKET_OTHER;
	if (proto < 0)
		return c.st == RDPNEG_TRUNCATED ? PACKET_CUT : res;
	if (proto != IPPROTO_TCP_NUM)
		return PACKET_OTHER;
	return parse_tcp(&c, c.end < wirelen ? c.end : wirelen, seg);
}
