/*
 * mcs_session.c - a connection's Standard-security exchange, walked PDU
 * by PDU as each direction's stream grows (mcs.h, level 2): how far the
 * connection sequence got (MS-RDPBCGR 1.3.1.1), what each side sent in
 * clear, and who ended it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "rdpneg/mcs.h"

#define TPKT_VERSION	3	/* else a fast-path PDU (2.2.9.1.2) */

/* The connection got at least to stage s, first at this frame. */
static void
reach(struct rdpneg_mcs *m, enum rdpneg_mcs_stage s, uint64_t frame)
{
	if (m->stage < s)
		m->stage = (uint8_t)s;
	if (m->stage_frame[s] == 0)
		m->stage_frame[s] = frame;
}

/* Does the server's choice call for a security header on every PDU
 * (2.2.8.1.1.2.1)?  Unknown without its Connect-Response: the decoder
 * then tells from the PDU. */
static int
header_always(const struct rdpneg_mcs *m)
{
	return (m->have & RDPNEG_MCS_HAVE_SERVER) &&
	    (m->server.encryption_level != RDPNEG_ENC_LEVEL_NONE ||
	    m->server.encryption_method != 0);
}

/* A Send Data's user data: the security exchange, Client Info,
 * licensing, and what the server says in clear. */
static enum rdpneg_status
send_data(struct rdpneg_mcs *m, int from_client,
    const struct rdpneg_span *data, uint64_t frame)
{
	struct rdpneg_sec_pdu s;
	enum rdpneg_status st;

	st = rdpneg_decode_sec_pdu(data->ptr, data->len, header_always(m), &s);
	m->dir[from_client ? 0 : 1].sec_flags |= s.flags;
	if (s.flags & RDPNEG_SEC_LICENSE_PKT) {
		reach(m, RDPNEG_STAGE_LICENSING, frame);
		if (s.have & RDPNEG_SEC_HAVE_LICENSE)
			m->license_type = s.license_type;
		if ((s.have & RDPNEG_SEC_HAVE_ERROR) && !from_client &&
		    s.error_code != RDPNEG_LICENSE_STATUS_VALID_CLIENT &&
		    !(m->have & RDPNEG_MCS_HAVE_LICENSE_ERROR)) {
			m->have |= RDPNEG_MCS_HAVE_LICENSE_ERROR;
			m->license_error = s.error_code;
			m->license_transition = s.state_transition;
			m->license_frame = frame;
		}
	} else if (from_client) {
		if (s.flags & RDPNEG_SEC_EXCHANGE_PKT)
			reach(m, RDPNEG_STAGE_SECURITY_EXCHANGE, frame);
		else if (s.flags & RDPNEG_SEC_INFO_PKT)
			reach(m, RDPNEG_STAGE_CLIENT_INFO, frame);
		else if (m->stage >= RDPNEG_STAGE_LICENSING)
			reach(m, RDPNEG_STAGE_ACTIVE, frame);	/* Confirm
								   Active */
	} else {
		if ((s.have & RDPNEG_SEC_HAVE_SHARE) &&
		    s.pdu_type == RDPNEG_PDUTYPE_DEMAND_ACTIVE)
			reach(m, RDPNEG_STAGE_LICENSING, frame);
		if ((s.have & RDPNEG_SEC_HAVE_ERRINFO) && s.error_info != 0 &&
		    !(m->have & RDPNEG_MCS_HAVE_ERROR_INFO)) {
			m->have |= RDPNEG_MCS_HAVE_ERROR_INFO;
			m->error_info = s.error_info;
			m->error_info_frame = frame;
		}
	}
	return st;
}

/* A decoder's status on a whole PDU: a length past its end lies. */
static enum rdpneg_status
whole(enum rdpneg_status st, enum rdpneg_status lie)
{
	return st == RDPNEG_TRUNCATED ? lie : st;
}

/*
 * A fast-path PDU's size (2.2.8.1.2 client input, 2.2.9.1.2 server
 * output): fpInputHeader or fpOutputHeader, then a length of 1 byte, or
 * of 2 bytes with the top bit set (15 bits), counting the whole PDU.
 */
static enum rdpneg_status
fast_path(const uint8_t *p, size_t len, size_t *size)
{
	*size = 0;
	if (len < 2)
		return RDPNEG_TRUNCATED;
	if (p[1] & 0x80) {
		if (len < 3)
			return RDPNEG_TRUNCATED;
		*size = (size_t)(p[1] & 0x7f) << 8 | p[2];
	} else
		*size = p[1];
	if (*size < ((p[1] & 0x80) ? 3u : 2u))
		return RDPNEG_ERR_MCS_FRAME;
	return *size <= len ? RDPNEG_OK : RDPNEG_TRUNCATED;
}

/* The facts of one whole PDU. */
static enum rdpneg_status
pdu_facts(struct rdpneg_mcs *m, int from_client,
    const struct rdpneg_mcs_pdu *pdu, const uint8_t *stream, uint64_t frame)
{
	struct rdpneg_connect_response r;
	struct rdpneg_domain_pdu d;
	enum rdpneg_status st;

	switch (pdu->type) {
	case RDPNEG_MCS_CONNECT_INITIAL:
		if (!from_client || (m->have & RDPNEG_MCS_HAVE_CLIENT))
			return RDPNEG_OK;
		st = rdpneg_decode_connect_initial(pdu->data.ptr,
		    pdu->data.len, &m->client);
		m->have |= RDPNEG_MCS_HAVE_CLIENT | RDPNEG_MCS_INITIAL_BEGAN;
		reach(m, RDPNEG_STAGE_CONNECT_INITIAL, frame);
		/* Its frame is where it completed, not where it began. */
		m->stage_frame[RDPNEG_STAGE_CONNECT_INITIAL] = frame;
		return whole(st, RDPNEG_ERR_MCS_BER);
	case RDPNEG_MCS_CONNECT_RESPONSE:
		if (from_client || (m->have & RDPNEG_MCS_HAVE_SERVER))
			return RDPNEG_OK;
		st = rdpneg_decode_connect_response(pdu->data.ptr,
		    pdu->data.len, &r);
		m->have |= RDPNEG_MCS_HAVE_SERVER | RDPNEG_MCS_RESPONSE_BEGAN;
		m->response_frame = frame;	/* where it completed */
		m->server = r.server;
		m->mcs_result = r.mcs_result;
		m->gcc_result = r.gcc_result;
		if (r.server.cert_leaf.len > 0) {
			m->cert_off = (uint32_t)(r.server.cert_leaf.ptr -
			    stream);
			m->cert_len = (uint32_t)r.server.cert_leaf.len;
		}
		/* Its span points into the caller's stream: not kept. */
		memset(&m->server.cert_leaf, 0, sizeof(m->server.cert_leaf));
		if (st == RDPNEG_OK && r.mcs_result == RDPNEG_MCS_RT_SUCCESSFUL &&
		    r.gcc_result == 0)
			reach(m, RDPNEG_STAGE_CONNECT_RESPONSE, frame);
		return whole(st, RDPNEG_ERR_MCS_BER);
	default:
		break;
	}
	st = rdpneg_decode_domain_pdu(pdu->data.ptr, pdu->data.len, &d);
	if (st != RDPNEG_OK)
		return whole(st, RDPNEG_ERR_MCS_PER);
	switch (d.type) {
	case RDPNEG_MCS_DISCONNECT:
		if (!(m->have & RDPNEG_MCS_HAVE_DISCONNECT)) {
			m->have |= RDPNEG_MCS_HAVE_DISCONNECT;
			m->disconnect_reason = d.reason;
			m->disconnect_from_client = from_client != 0;
			m->disconnect_frame = frame;
		}
		break;
	case RDPNEG_MCS_ERECT_DOMAIN:
	case RDPNEG_MCS_ATTACH_USER_REQUEST:
	case RDPNEG_MCS_ATTACH_USER_CONFIRM:
	case RDPNEG_MCS_CHANNEL_JOIN_REQUEST:
	case RDPNEG_MCS_CHANNEL_JOIN_CONFIRM:
		if (m->stage >= RDPNEG_STAGE_CONNECT_RESPONSE)
			reach(m, RDPNEG_STAGE_DOMAIN, frame);
		break;
	case RDPNEG_MCS_SEND_DATA_REQUEST:
	case RDPNEG_MCS_SEND_DATA_INDICATION:
		return send_data(m, from_client, &d.user_data, frame);
	default:
		break;
	}
	return RDPNEG_OK;
}

enum rdpneg_status
rdpneg_mcs_feed(struct rdpneg_mcs *m, int from_client, const uint8_t *stream,
    size_t len, uint64_t frame)
{
	struct rdpneg_mcs_dir *dir = &m->dir[from_client ? 0 : 1];
	struct rdpneg_mcs_pdu pdu;
	enum rdpneg_status st;
	size_t left, size;

	if (dir->status != RDPNEG_OK)
		return dir->status;
	if (len > RDPNEG_MCS_STREAM_BUDGET)
		len = RDPNEG_MCS_STREAM_BUDGET;
	while (dir->consumed < len) {
		left = len - dir->consumed;
		if (stream[dir->consumed] != TPKT_VERSION &&
		    m->stage >= RDPNEG_STAGE_LICENSING) {
			/* Fast-path: the session runs (stage active); its
			 * PDUs are stepped over, so that a later Disconnect
			 * Provider Ultimatum is still seen. */
			st = fast_path(stream + dir->consumed, left, &size);
			if (st == RDPNEG_OK) {
				dir->fast_path = 1;
				reach(m, RDPNEG_STAGE_ACTIVE, frame);
				dir->consumed += (uint32_t)size;
				continue;
			}
			if (st == RDPNEG_TRUNCATED && (size >
			    RDPNEG_MCS_STREAM_BUDGET - dir->consumed ||
			    len == RDPNEG_MCS_STREAM_BUDGET)) {
				m->have |= RDPNEG_MCS_BUDGET_SPENT;
				dir->status = RDPNEG_TRUNCATED;
			} else if (st != RDPNEG_TRUNCATED)
				dir->status = (uint8_t)st;
			return st;
		}
		st = rdpneg_decode_mcs_pdu(stream + dir->consumed, left, &pdu);
		if (st == RDPNEG_TRUNCATED) {
			if (from_client &&
			    pdu.type == RDPNEG_MCS_CONNECT_INITIAL &&
			    !(m->have & RDPNEG_MCS_INITIAL_BEGAN)) {
				m->have |= RDPNEG_MCS_INITIAL_BEGAN;
				reach(m, RDPNEG_STAGE_CONNECT_INITIAL, frame);
			}
			if (!from_client &&
			    pdu.type == RDPNEG_MCS_CONNECT_RESPONSE &&
			    !(m->have & RDPNEG_MCS_RESPONSE_BEGAN)) {
				m->have |= RDPNEG_MCS_RESPONSE_BEGAN;
				m->response_frame = frame;
			}
			/* It ends past the budget; its header may be cut
			 * by it (len is then the budget). */
			if (pdu.size > RDPNEG_MCS_STREAM_BUDGET -
			    dir->consumed || len == RDPNEG_MCS_STREAM_BUDGET) {
				m->have |= RDPNEG_MCS_BUDGET_SPENT;
				dir->status = RDPNEG_TRUNCATED;
			}
			return RDPNEG_TRUNCATED;
		}
		if (st == RDPNEG_OK) {
			if (dir->first_frame == 0)
				dir->first_frame = frame;
			dir->last_frame = frame;
			dir->pdus++;
			st = pdu_facts(m, from_client, &pdu,
			    stream, frame);
			dir->consumed += (uint32_t)pdu.size;
		}
		if (st != RDPNEG_OK) {
			dir->status = (uint8_t)st;
			return st;
		}
	}
	return RDPNEG_OK;
}

/* An active session is still walked, within the budget: a server that
 * refuses what the client sends next (a client encrypting differently
 * from what was agreed) drops it right after. */
int
rdpneg_mcs_decided(const struct rdpneg_mcs *m)
{
	return (m->have & RDPNEG_MCS_HAVE_DISCONNECT) ||
	    (m->dir[0].status != RDPNEG_OK && m->dir[1].status != RDPNEG_OK);
}

uint32_t
rdpneg_rdp_offered(const struct rdpneg_gcc_client *c)
{
	return c->encryption_methods != 0 ? c->encryption_methods :
	    c->ext_encryption_methods;
}

unsigned
rdpneg_rdp_weaknesses(const struct rdpneg_mcs *m)
{
	const struct rdpneg_gcc_server *s = &m->server;
	unsigned w = 0;

	if (!(m->have & RDPNEG_MCS_HAVE_SERVER) ||
	    !(s->have & RDPNEG_SC_SECURITY))
		return 0;
	if (s->encryption_level == RDPNEG_ENC_LEVEL_NONE ||
	    s->encryption_method == 0)
		return RDPNEG_RDP_WEAK_NO_ENCRYPTION;
	if (s->encryption_level == RDPNEG_ENC_LEVEL_LOW)
		w |= RDPNEG_RDP_WEAK_SERVER_CLEAR;
	if (s->encryption_method == RDPNEG_ENC_40BIT ||
	    s->encryption_method == RDPNEG_ENC_56BIT)
		w |= RDPNEG_RDP_WEAK_KEY;
	if ((s->have & RDPNEG_SC_CERTIFICATE) &&
	    s->cert_type == RDPNEG_CERT_CHAIN_PROPRIETARY)
		w |= RDPNEG_RDP_WEAK_PROPRIETARY_CERT;
	return w;
}
