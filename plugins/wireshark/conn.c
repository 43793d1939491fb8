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
 * What follows each side's PDU (MS-RDPBCGR 1.3.1.1: the security
 * protocol's handshake, else the MCS Connect Initial) is found by its raw
 * TCP sequence number, and fed segment by segment to the CLI's own
 * after-negotiation code (capture/after.h): its reassembly takes the first
 * copy of each byte, whatever the order or the retransmissions, within
 * RDPNEG_TLS_STREAM_BUDGET, until the TLS walker says the session is
 * decided.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <wireshark.h>

#include <stdlib.h>

#include <epan/address.h>
#include <epan/conversation.h>
#include <epan/strutil.h>
#include <epan/to_str.h>

#include "compat.h"
#include "conn.h"
#include "rdpneg/chain.h"

/* Certificates read lately (x509.h): their facts do not depend on the
 * file, and what depends on the time is judged on every read. */
static struct rdpneg_cert_cache certs;

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

/* With the file: what after.c and the certificate reader allocated. */
static gboolean
release(wmem_allocator_t *scope _U_, wmem_cb_event_t event _U_, void *data)
{
	struct conn *c = data;

	after_done(&c->dir[0].after);
	after_done(&c->dir[1].after);
	free(c->tls);
	c->tls = NULL;
	c->ev.tls = NULL;
	free(c->mcs);
	c->mcs = NULL;
	c->ev.mcs = NULL;
	free(c->cert);
	c->cert = NULL;
	return FALSE;
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
	wmem_register_callback(wmem_file_scope(), release, c);
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
    enum rdpneg_status st, const struct rdpneg_pdu *pdu, gboolean seq_known,
    guint32 seq)
{
	unsigned roles = client ? ROLE_REQUEST : ROLE_RESPONSE;
	int bad = rdpneg_status_is_malformed(st);
	struct conn_dir *d = &c->dir[client ? 0 : 1];

	/* Where what follows it starts (the CLI's expect_next). */
	if (seq_known && (pdu->have & RDPNEG_HAVE_TPKT) && pdu->size != 0)
		after_start(&d->after, seq + (guint32)pdu->size);
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
    size_t len, gboolean seq_known, guint32 seq, guint32 chain_window)
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
	if (client ? c->client_done : c->server_done)
		return 0;	/* what follows: conn_add_segment */
	switch (rdpneg_evidence_first_pdu(&c->ev, client, st, &pdu)) {
	case RDPNEG_FIRST_NEGOTIATION:
		return add_negotiation(c, pinfo, client, st, &pdu, seq_known,
		    seq);
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
	/* Only TPKT reaches the plugin: no Direct Approach TLS here. */
	rdpneg_evidence_not_negotiation(&c->ev, client, NULL, 0);
	return 0;
}

gboolean
conn_add_payload(struct conn *c, packet_info *pinfo)
{
	if (!c->rdp || c->server_done || c->server_bytes ||
	    from_client(c, pinfo))
		return FALSE;
	c->server_bytes = TRUE;
	return TRUE;
}

/* Did a TLS alert or the server's certificate complete in frame num? */
static gboolean
tls_here(const struct rdpneg_tls *tls, guint32 num)
{
	int i;

	for (i = 0; i < 2; i++)
		if (tls->dir[i].nalerts != 0 && tls->dir[i].alert_frame == num)
			return TRUE;
	return (tls->have & RDPNEG_TLS_HAVE_CERTIFICATE) &&
	    tls->cert_frame == num;
}

/* Did a Standard-security fact the diagnosis turns on complete in frame
 * num: the Connect-Response, a disconnect, a License Error, Set Error
 * Info, or a step of the connection sequence? */
static gboolean
mcs_here(const struct rdpneg_mcs *m, guint32 num)
{
	int s;

	if (m->disconnect_frame == num || m->license_frame == num ||
	    m->error_info_frame == num)
		return TRUE;
	for (s = 0; s < RDPNEG_STAGE_COUNT; s++)
		if (m->stage_frame[s] == num)
			return TRUE;
	return FALSE;
}

unsigned
conn_add_segment(struct conn *c, packet_info *pinfo, guint32 seq,
    const guint8 *data, size_t caplen, size_t len, gboolean *fed)
{
	gboolean client;
	struct conn_dir *d;
	struct after_conn ac = { &c->ev, &c->tls, &c->mcs, &c->cert,
	    &certs };
	int i;

	*fed = FALSE;
	if (!c->rdp)
		return 0;
	client = from_client(c, pinfo);
	d = &c->dir[client ? 0 : 1];
	/* after.c hands the first byte after the PDU to the model, then
	 * feeds the TLS that follows, whatever order segments come in. */
	if (d->after.state != AFTER_FIRST && d->after.state != AFTER_TLS &&
	    d->after.state != AFTER_MCS)
		return 0;
	if (after_add(&d->after, &ac, client, seq, data, caplen, len,
	    pinfo->num, (int64_t)pinfo->abs_ts.secs) < 0)
		after_done(&d->after);	/* out of memory: stop here */
	*fed = TRUE;
	/* A decided session stops both directions (the CLI's after_feed). */
	if (after_conn_decided(&ac))
		for (i = 0; i < 2; i++)
			after_done(&c->dir[i].after);
	if (c->mcs != NULL)
		return mcs_here(c->mcs, pinfo->num) ? ROLE_MCS : 0;
	if (c->tls == NULL)
		return 0;
	return tls_here(c->tls, pinfo->num) ? ROLE_TLS : 0;
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
	/* It decides the outcome of a request still unanswered, after an
	 * RDP_NEG_RSP it tells whether the security protocol began, and
	 * under Standard RDP Security who ended the connection sequence. */
	return c->rdp && (!(c->ev.have & RDPNEG_EV_CONFIRM) ||
	    ((c->ev.have & RDPNEG_EV_RSP_NEG) &&
	    c->ev.response_type == RDPNEG_TYPE_RSP) || c->mcs != NULL) ?
	    ROLE_END : 0;
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
	return c->verdict_frame != 0 ? c->verdict_frame : c->request_frame;
}

unsigned
conn_note_verdict(struct conn *c, packet_info *pinfo)
{
	const struct rdpneg_diagnosis *d;
	struct rdpneg_evidence ev;
	enum rdpneg_class class;

	if (!c->rdp || !conn_decided(c))
		return 0;
	conn_evidence(c, &ev);
	d = rdpneg_diagnose(&ev);
	class = rdpneg_attempt_class(d, &ev);
	if (c->verdict == d && c->verdict_class == class)
		return 0;
	c->verdict = d;
	c->verdict_class = class;
	c->verdict_frame = pinfo->num;
	return ROLE_VERDICT;
}

void
conn_register(void)
{
	pairs = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(),
	    g_str_hash, g_str_equal);
}
