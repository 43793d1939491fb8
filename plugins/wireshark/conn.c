/*
 * conn.c - the plugin's record of each RDP connection (conn.h).
 *
 * What each side's first PDU is (the CR from the client, MS-RDPBCGR
 * 2.2.1.1; the CC from the server, 2.2.1.2), what follows it, and the
 * outcome are decided by the shared connection model (rdpneg/evidence.h),
 * as in the CLI; this file keeps the connection in Wireshark's
 * conversations and says which side sent what.  The connection's end is
 * its first FIN or RST, from either side.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <wireshark.h>

#include <epan/address.h>
#include <epan/conversation.h>
#include <epan/strutil.h>
#include <epan/to_str.h>

#include "compat.h"
#include "conn.h"
#include "rdpneg/chain.h"

/* Latest attempt of each client/server pair, for chains; per file. */
static wmem_map_t *pairs;

static gboolean
from_client(const struct conn *c, const packet_info *pinfo)
{
	return addresses_equal(&pinfo->src, &c->client) &&
	    pinfo->srcport == c->client_port;
}

static void
set_ends(struct conn *c, packet_info *pinfo, gboolean sender_is_client)
{
	const address *me = &pinfo->src, *peer = &pinfo->dst;
	guint32 my_port = pinfo->srcport, peer_port = pinfo->destport;

	if (!sender_is_client) {
		me = &pinfo->dst;
		peer = &pinfo->src;
		my_port = pinfo->destport;
		peer_port = pinfo->srcport;
	}
	copy_address_wmem(wmem_file_scope(), &c->client, me);
	copy_address_wmem(wmem_file_scope(), &c->server, peer);
	c->client_port = my_port;
	c->server_port = peer_port;
}

/* The first CR or CC makes it an RDP connection: join its pair's chain. */
static void
become_rdp(struct conn *c, packet_info *pinfo, gboolean sender_is_client,
    guint32 window)
{
	struct rdpneg_evidence prev;
	struct conn *last;
	char *key;

	c->rdp = TRUE;
	set_ends(c, pinfo, sender_is_client);
	c->chain_position = 1;
	key = wmem_strdup_printf(wmem_file_scope(), "%s|%s|%u",
	    address_to_str(pinfo->pool, &c->client),
	    address_to_str(pinfo->pool, &c->server), c->server_port);
	last = wmem_map_lookup(pairs, key);
	if (last != NULL) {
		conn_evidence(last, &prev);
		if (rdpneg_chain_continues(&prev, (int64_t)last->start.secs,
		    (uint32_t)last->start.nsecs, (int64_t)c->start.secs,
		    (uint32_t)c->start.nsecs, window)) {
			c->prev = last;
			last->next = c;
			c->chain_position = last->chain_position + 1;
			c->asked_more_before = last->asked_more_before ||
			    rdpneg_chain_asked_more(&prev);
		}
	}
	wmem_map_insert(pairs, key, c);
}

/* What is wrong with a CR or CC, worded as the CLI words it. */
static char *
problem_text(gboolean client, enum rdpneg_status st,
    const struct rdpneg_pdu *pdu)
{
	char text[160];

	rdpneg_format_problem(client, st, pdu, text, sizeof(text));
	return wmem_strdup(wmem_file_scope(), text);
}

/* The client's Connection Request (2.2.1.1) or the server's Connection
 * Confirm (2.2.1.2), recorded in the model: the frame's roles. */
static unsigned
add_negotiation(struct conn *c, packet_info *pinfo, gboolean client,
    enum rdpneg_status st, const struct rdpneg_pdu *pdu)
{
	unsigned roles = client ? ROLE_REQUEST : ROLE_RESPONSE;
	int bad = rdpneg_status_is_malformed(st);

	if (client) {
		c->client_done = TRUE;
		c->request_frame = pinfo->num;
		if (pdu->have & RDPNEG_HAVE_TOKEN)
			c->cookie = format_text(wmem_file_scope(),
			    pdu->token.ptr, pdu->token.len);
		if (bad)
			c->request_problem = problem_text(client, st, pdu);
	} else {
		c->server_done = TRUE;
		c->response_frame = pinfo->num;
		if (bad)
			c->response_problem = problem_text(client, st, pdu);
	}
	return bad ? roles | ROLE_MALFORMED : roles;
}

struct conn *
conn_get(packet_info *pinfo, int proto)
{
	conversation_t *conv = find_conversation_pinfo(pinfo, 0);
	struct conn *c;

	if (conv == NULL)
		return NULL;
	c = conversation_get_proto_data(conv, proto);
	if (c == NULL) {
		c = wmem_new0(wmem_file_scope(), struct conn);
		rdpneg_init_evidence(&c->ev);
		rdpneg_ws_tcp_start(conv, pinfo, &c->start);
		conversation_add_proto_data(conv, proto, c);
	}
	return c;
}

struct conn *
conn_find(packet_info *pinfo, int proto)
{
	conversation_t *conv = find_conversation_pinfo(pinfo, 0);

	return conv != NULL ? conversation_get_proto_data(conv, proto) : NULL;
}

unsigned
conn_add_tpkt(struct conn *c, packet_info *pinfo, const guint8 *buf,
    size_t len, guint32 chain_window)
{
	struct rdpneg_pdu pdu;
	enum rdpneg_status st = rdpneg_decode_pdu(buf, len, &pdu);
	int x224 = (pdu.have & RDPNEG_HAVE_X224) != 0;
	gboolean client;

	if (!c->rdp) {
		/* Who is who is known from the first CR or CC. */
		if (!x224 || (pdu.tpdu != RDPNEG_TPDU_CR &&
		    pdu.tpdu != RDPNEG_TPDU_CC))
			return 0;
		become_rdp(c, pinfo, pdu.tpdu == RDPNEG_TPDU_CR, chain_window);
	}
	client = from_client(c, pinfo);
	if (client ? c->client_done : c->server_done) {
		rdpneg_evidence_next(&c->ev, client, buf[0]);
		return 0;
	}
	switch (rdpneg_evidence_first_pdu(&c->ev, client, st, &pdu)) {
	case RDPNEG_FIRST_NEGOTIATION:
		return add_negotiation(c, pinfo, client, st, &pdu);
	case RDPNEG_FIRST_WAIT:
		if (!client || !x224)
			return 0;
		/* A CR cut short: one that never completed. */
		c->request_frame = pinfo->num;
		return ROLE_REQUEST;
	case RDPNEG_FIRST_OTHER:
		break;
	}
	if (client)
		c->client_done = TRUE;	/* not a CR: no request */
	else
		c->server_done = TRUE;
	rdpneg_evidence_not_negotiation(&c->ev, client);
	return 0;
}

void
conn_add_payload(struct conn *c, packet_info *pinfo, guint8 first)
{
	gboolean client;

	if (!c->rdp)
		return;
	client = from_client(c, pinfo);
	if (client ? c->client_done : c->server_done)
		rdpneg_evidence_next(&c->ev, client, first);
	else if (!client)
		c->server_bytes = TRUE;
}

unsigned
conn_add_flags(struct conn *c, packet_info *pinfo, guint16 flags)
{
	if (!(flags & (TH_FIN | TH_RST)) || c->end_frame != 0)
		return 0;
	c->end_frame = pinfo->num;
	c->end_rst = (flags & TH_RST) != 0;
	copy_address_wmem(wmem_file_scope(), &c->end_sender, &pinfo->src);
	c->end_sender_port = pinfo->srcport;
	/* It decides the outcome of a request still unanswered, and after
	 * an RDP_NEG_RSP it tells whether the security protocol began. */
	return c->rdp && (!(c->ev.have & RDPNEG_EV_CONFIRM) ||
	    ((c->ev.have & RDPNEG_EV_RSP_NEG) &&
	    c->ev.response_type == RDPNEG_TYPE_RSP)) ? ROLE_END : 0;
}

/* Did the client send the connection's first FIN or RST? */
static gboolean
ended_by_client(const struct conn *c)
{
	return addresses_equal(&c->end_sender, &c->client) &&
	    c->end_sender_port == c->client_port;
}

void
conn_evidence(const struct conn *c, struct rdpneg_evidence *ev)
{
	const struct conn *p;

	*ev = c->ev;
	/* Bytes from the server that never made a TPKT: not a CC. */
	if (c->server_bytes && !c->server_done)
		ev->have |= RDPNEG_EV_NON_RDP_ANSWER;
	if (c->end_frame != 0)
		rdpneg_evidence_close(ev, ended_by_client(c), c->end_rst);
	rdpneg_evidence_finish(ev);
	ev->chain_position = c->chain_position ? c->chain_position : 1;
	ev->chain_length = ev->chain_position;
	for (p = c->next; p != NULL; p = p->next)
		ev->chain_length++;
	/* Only a chain's last attempt can be its fallback (until the whole
	 * capture has been seen, the last so far). */
	if (c->asked_more_before && c->next == NULL &&
	    rdpneg_chain_standard_rdp(ev))
		ev->have |= RDPNEG_EV_FELL_BACK;
}

gboolean
conn_decided(const struct conn *c)
{
	return (c->ev.have & RDPNEG_EV_CONFIRM) || c->end_frame != 0;
}

guint32
conn_verdict_frame(const struct conn *c)
{
	if (c->ev.have & RDPNEG_EV_CONFIRM)
		return c->response_frame;
	return MAX(c->end_frame, c->request_frame);
}

void
conn_register(void)
{
	pairs = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(),
	    g_str_hash, g_str_equal);
}
