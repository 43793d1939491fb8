/*
 * conn.h - what the plugin remembers of each RDP connection: where it is
 * kept (Wireshark's conversations), the shared connection model
 * (rdpneg/evidence.h) that the CLI's tracker fills the same way, the
 * frames to link, and its place in a fallback chain (rdpneg/chain.h).
 * Wireshark has done the transport work (TCP reassembly, TPKT framing,
 * Decode As); what follows the CR and the CC is reassembled and fed to the
 * TLS walker by the CLI's own code (capture/after.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_WS_CONN_H
#define RDPNEG_WS_CONN_H

#include <epan/packet.h>

#include "capture/after.h"
#include "rdpneg/evidence.h"
#include "rdpneg/kb.h"
#include "rdpneg/rdpneg.h"
#include "rdpneg/x509.h"

/* What one frame showed of its connection (kept per frame). */
#define ROLE_REQUEST	0x01u	/* the connection's CR */
#define ROLE_RESPONSE	0x02u	/* the connection's CC (or first answer) */
#define ROLE_END	0x04u	/* the connection's first FIN or RST,
				   unless an RDP_NEG_FAILURE or a legacy
				   CC decided the outcome already */
#define ROLE_MALFORMED	0x08u	/* a negotiation PDU here was malformed */
#define ROLE_TLS	0x10u	/* a TLS alert or the server's certificate
				   completed here */
#define ROLE_VERDICT	0x20u	/* the diagnosis (or class) became what it
				   is here, in the first pass */
#define ROLE_MCS	0x40u	/* a Standard-security fact completed here
				   (a connect PDU, a step of the sequence,
				   a disconnect, a License Error, Set Error
				   Info) */

/* One direction after its CR or CC (MS-RDPBCGR 1.3.1.1). */
struct conn_dir {
	struct after	 after;		/* what follows the CR or CC, from the
					   raw TCP sequence number where it
					   ended: its first byte, then the
					   TLS that follows; its buffers
					   are freed when it is decided, or
					   with the file */
};

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
	struct conn_dir	 dir[2];	/* [0] client, [1] server */
	struct rdpneg_tls *tls;		/* ev.tls, once TLS began (free()) */
	struct rdpneg_mcs *mcs;		/* ev.mcs, once Standard RDP
					   Security's MCS began (free()) */
	struct rdpneg_cert *cert;	/* the server's, once read (free()) */
	char		*cookie;	/* escaped, or NULL */
	char		*request_problem;  /* a malformed CR's, or NULL */
	char		*response_problem; /* a malformed CC's, or NULL */
	/* Fallback chain: attempts of one client to one server and port. */
	struct conn	*prev;
	struct conn	*next;
	unsigned	 chain_position;
	gboolean	 asked_more_before; /* an earlier attempt asked for
					       more and did not get it */
	/* The diagnosis as the first pass last saw it change, and where:
	 * the frame that carries its expert infos. */
	const struct rdpneg_diagnosis *verdict;
	enum rdpneg_class verdict_class;
	guint32		 verdict_frame;
};

/* The connection of this frame's TCP conversation, created if needed. */
struct conn *conn_get(packet_info *pinfo, int proto);

/* The same, or NULL when it has none yet. */
struct conn *conn_find(packet_info *pinfo, int proto);

/*
 * Feed one TPKT found by Wireshark (bytes from its start to the end of
 * the tvb) into conn; seq: the raw TCP sequence number of its first byte,
 * when seq_known.  Returns the ROLE_* bits it gave the frame.
 */
unsigned conn_add_tpkt(struct conn *c, packet_info *pinfo, const guint8 *buf,
    size_t len, gboolean seq_known, guint32 seq, guint32 chain_window);

/* Note a TCP payload in which Wireshark found no TPKT.  Returns TRUE when
 * that told the model something new. */
gboolean conn_add_payload(struct conn *c, packet_info *pinfo);

/*
 * Feed this frame's TCP segment (raw sequence number seq, caplen of its
 * len bytes captured) to what follows its sender's CR or CC, as the CLI
 * does: the first byte after the PDU to the model, and while TLS or
 * Standard RDP Security's exchange has more to show, the bytes to its
 * walker and the server's certificate to the reader.  Returns ROLE_TLS,
 * ROLE_MCS, or 0; *fed: the model learnt something.
 */
unsigned conn_add_segment(struct conn *c, packet_info *pinfo, guint32 seq,
    const guint8 *data, size_t caplen, size_t len, gboolean *fed);

/* Note TCP flags of this frame; returns ROLE_END for the first FIN/RST. */
unsigned conn_add_flags(struct conn *c, packet_info *pinfo, guint16 flags);

/* The evidence of the connection as far as it is known. */
void conn_evidence(const struct conn *c, struct rdpneg_evidence *ev);

/* Did a CC or the connection's end decide the outcome yet? */
gboolean conn_decided(const struct conn *c);

/* The frame that decided the diagnosis (below), else the CR's: one still
 * unanswered when the capture ended. */
guint32 conn_verdict_frame(const struct conn *c);

/*
 * In the first pass, after a frame told the model something: if the
 * diagnosis or the class changed, this frame decided it.  Returns
 * ROLE_VERDICT then, else 0.
 */
unsigned conn_note_verdict(struct conn *c, packet_info *pinfo);

/* Once, when the protocol registers: the per-file table of chains. */
void conn_register(void);

#endif /* RDPNEG_WS_CONN_H */
