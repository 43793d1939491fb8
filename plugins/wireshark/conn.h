/*
 * conn.h - what the plugin remembers of each RDP connection: where it is
 * kept (Wireshark's conversations), the shared connection model
 * (rdpneg/evidence.h) that the CLI's tracker fills the same way, the
 * frames to link, and its place in a fallback chain (rdpneg/chain.h).
 * Wireshark has done the transport work (TCP reassembly, TPKT framing,
 * Decode As).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_WS_CONN_H
#define RDPNEG_WS_CONN_H

#include <epan/packet.h>

#include "rdpneg/evidence.h"
#include "rdpneg/kb.h"
#include "rdpneg/rdpneg.h"

/* What one frame showed of its connection (kept per frame). */
#define ROLE_REQUEST	0x01u	/* the connection's CR */
#define ROLE_RESPONSE	0x02u	/* the connection's CC (or first answer) */
#define ROLE_END	0x04u	/* the connection's first FIN or RST,
				   unless an RDP_NEG_FAILURE or a legacy
				   CC decided the outcome already */
#define ROLE_MALFORMED	0x08u	/* a negotiation PDU here was malformed */

struct conn {
	gboolean	 rdp;		/* a CR or CC was seen */
	address		 client;
	address		 server;
	guint32		 client_port;
	guint32		 server_port;
	nstime_t	 start;		/* first frame of the TCP connection */
	guint32		 request_frame;	/* 0: none */
	guint32		 response_frame;
	guint32		 end_frame;
	gboolean	 client_done;	/* the client's first PDU was judged */
	gboolean	 server_done;	/* the server's first PDU was judged */
	gboolean	 server_bytes;	/* the server sent TCP payload */
	gboolean	 end_rst;	/* the first FIN or RST was a RST */
	address		 end_sender;	/* ... sent from here */
	guint32		 end_sender_port;
	struct rdpneg_evidence ev;	/* the shared model; the end, outcome
					   and chain are added on use */
	char		*cookie;	/* escaped, or NULL */
	char		*request_problem;  /* a malformed CR's, or NULL */
	char		*response_problem; /* a malformed CC's, or NULL */
	/* Fallback chain: attempts of one client to one server and port. */
	struct conn	*prev;
	struct conn	*next;
	unsigned	 chain_position;
	gboolean	 asked_more_before; /* an earlier attempt asked for
					       more and did not get it */
	/* The diagnosis whose expert infos the first pass gave last. */
	const struct rdpneg_diagnosis *announced;
	enum rdpneg_class announced_class;
};

/* The connection of this frame's TCP conversation, created if needed. */
struct conn *conn_get(packet_info *pinfo, int proto);

/* The same, or NULL when it has none yet. */
struct conn *conn_find(packet_info *pinfo, int proto);

/*
 * Feed one TPKT found by Wireshark (bytes from its start to the end of
 * the tvb) into conn; returns the ROLE_* bits it gave the frame.
 */
unsigned conn_add_tpkt(struct conn *c, packet_info *pinfo, const guint8 *buf,
    size_t len, guint32 chain_window);

/* Note a TCP payload in which Wireshark found no TPKT; first: its first
 * byte. */
void conn_add_payload(struct conn *c, packet_info *pinfo, guint8 first);

/* Note TCP flags of this frame; returns ROLE_END for the first FIN/RST. */
unsigned conn_add_flags(struct conn *c, packet_info *pinfo, guint16 flags);

/* The evidence of the connection as far as it is known. */
void conn_evidence(const struct conn *c, struct rdpneg_evidence *ev);

/* Did a CC or the connection's end decide the outcome yet? */
gboolean conn_decided(const struct conn *c);

/* The frame that decided the outcome (CC, end, else the CR). */
guint32 conn_verdict_frame(const struct conn *c);

/* Once, when the protocol registers: the per-file table of chains. */
void conn_register(void);

#endif /* RDPNEG_WS_CONN_H */
