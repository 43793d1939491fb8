/*
 * test_evidence.c - the shared connection model (rdpneg/evidence.h): what
 * each direction's first PDU records, what follows it, the connection's
 * end, and the one classification both consumers use.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <criterion/criterion.h>
#include <string.h>

#include "pdu_build.h"
#include "rdpneg/evidence.h"

static struct rdpneg_evidence ev;

static void
setup(void)
{
	rdpneg_init_evidence(&ev);
}

TestSuite(evidence, .init = setup);

/* Decode the first n bytes of p and hand them to the model. */
static enum rdpneg_first
feed(int from_client, const struct pb *p, size_t n)
{
	struct rdpneg_pdu pdu;
	enum rdpneg_status st = rdpneg_decode_pdu(p->b, n, &pdu);

	return rdpneg_evidence_first_pdu(&ev, from_client, st, &pdu);
}

static void
cr_with(struct pb *out, const char *cookie, uint8_t flags, uint32_t req)
{
	struct pb var;

	pb_reset(&var);
	if (cookie != NULL)
		pb_line(&var, cookie);
	pb_neg(&var, RDPNEG_TYPE_REQ, flags, 8, req);
	pb_reset(out);
	pb_cr(out, &var);
}

static void
cc_with(struct pb *out, uint8_t type, uint8_t flags, uint32_t value)
{
	struct pb var;

	pb_reset(&var);
	pb_neg(&var, type, flags, 8, value);
	pb_reset(out);
	pb_cc(out, &var);
}

Test(evidence, request_facts)
{
	struct pb cr;

	cr_with(&cr, "Cookie: mstshash=alice", 0x01, 0x3);
	cr_assert_eq(feed(1, &cr, cr.n), RDPNEG_FIRST_NEGOTIATION);
	cr_assert_eq(ev.have & (RDPNEG_EV_REQUEST | RDPNEG_EV_REQUEST_BEGAN |
	    RDPNEG_EV_REQ_NEG | RDPNEG_EV_TOKEN), RDPNEG_EV_REQUEST |
	    RDPNEG_EV_REQUEST_BEGAN | RDPNEG_EV_REQ_NEG | RDPNEG_EV_TOKEN);
	cr_assert_eq(ev.requested, 0x3);
	cr_assert_eq(ev.request_flags, 0x01);
	cr_assert_eq(ev.token_kind, RDPNEG_TOKEN_MSTSHASH);
	cr_assert_eq(ev.token_value_off, strlen("Cookie: mstshash="));
	cr_assert_not(ev.have & (RDPNEG_EV_SCANNER | RDPNEG_EV_MALFORMED |
	    RDPNEG_EV_CONFIRM));
	cr_assert_eq(rdpneg_classify(&ev), RDPNEG_OUTCOME_NO_RESPONSE);
}

Test(evidence, scanner_marks)
{
	struct pb cr;

	cr_with(&cr, "Cookie: mstshash=nmap", 0, 0x1);
	feed(1, &cr, cr.n);
	cr_assert(ev.have & RDPNEG_EV_SCANNER);
	/* Probe-only requests, with or without a cookie. */
	rdpneg_init_evidence(&ev);
	cr_with(&cr, NULL, 0, RDPNEG_PROTOCOL_RDSTLS);
	feed(1, &cr, cr.n);
	cr_assert(ev.have & RDPNEG_EV_SCANNER);
	/* Near misses: a user called nmapx, a real client's 0xB. */
	rdpneg_init_evidence(&ev);
	cr_with(&cr, "Cookie: mstshash=nmapx", 0, 0xb);
	feed(1, &cr, cr.n);
	cr_assert_not(ev.have & RDPNEG_EV_SCANNER);
}

Test(evidence, a_request_cut_short_began_only)
{
	struct pb cr;
	size_t n;

	cr_with(&cr, "Cookie: mstshash=bob", 0, 0x3);
	for (n = 6; n < cr.n; n++) {
		rdpneg_init_evidence(&ev);
		cr_assert_eq(feed(1, &cr, n), RDPNEG_FIRST_WAIT, "%zu", n);
		cr_assert_eq(ev.have, RDPNEG_EV_REQUEST_BEGAN, "%zu", n);
		cr_assert_eq(rdpneg_classify(&ev),
		    RDPNEG_OUTCOME_NO_RESPONSE);
	}
	/* Before the X.224 code: nothing known yet. */
	rdpneg_init_evidence(&ev);
	cr_assert_eq(feed(1, &cr, 3), RDPNEG_FIRST_WAIT);
	cr_assert_eq(ev.have, 0);
}

Test(evidence, confirm_facts_and_refs)
{
	struct pb cc;

	cc_with(&cc, RDPNEG_TYPE_RSP, 0x1f, RDPNEG_PROTOCOL_HYBRID);
	cr_assert_eq(feed(0, &cc, cc.n), RDPNEG_FIRST_NEGOTIATION);
	cr_assert(ev.have & RDPNEG_EV_CONFIRM);
	cr_assert(ev.have & RDPNEG_EV_RSP_NEG);
	cr_assert(ev.have & RDPNEG_EV_CC_REFS);
	cr_assert_eq(ev.cc_src_ref, PB_SRC);
	cr_assert_eq(ev.response_type, RDPNEG_TYPE_RSP);
	cr_assert_eq(ev.response_flags, 0x1f);
	cr_assert_eq(ev.response_value, RDPNEG_PROTOCOL_HYBRID);
	cr_assert_not(ev.have & RDPNEG_EV_REQUEST_BEGAN);
	/* A CC without a request: no request, whatever it says. */
	cr_assert_eq(rdpneg_classify(&ev), RDPNEG_OUTCOME_NO_REQUEST);
}

Test(evidence, malformed_pdus_are_recorded_and_marked)
{
	struct pb var, cc;

	pb_reset(&var);
	pb_neg(&var, RDPNEG_TYPE_FAILURE, 0, 8, 5);
	pb_le32(&var, 0);		/* trailing bytes */
	pb_reset(&cc);
	pb_cc(&cc, &var);
	cr_assert_eq(feed(0, &cc, cc.n), RDPNEG_FIRST_NEGOTIATION);
	cr_assert(ev.have & RDPNEG_EV_MALFORMED);
	cr_assert(ev.have & RDPNEG_EV_RSP_NEG);	/* read to its end */
	cr_assert_eq(ev.response_value, 5);
	cr_assert(ev.have & RDPNEG_EV_CC_REFS);
}

Test(evidence, the_wrong_pdu_records_nothing)
{
	struct pb cr, cc;

	cr_with(&cr, NULL, 0, 0x3);
	cc_with(&cc, RDPNEG_TYPE_RSP, 0, 1);
	cr_assert_eq(feed(0, &cr, cr.n), RDPNEG_FIRST_OTHER);
	cr_assert_eq(feed(1, &cc, cc.n), RDPNEG_FIRST_OTHER);
	cr_assert_eq(ev.have, 0);
	rdpneg_evidence_not_negotiation(&ev, 1, cc.b, cc.n);
	cr_assert_eq(ev.have, 0);
	rdpneg_evidence_not_negotiation(&ev, 0, cr.b, cr.n);
	cr_assert_eq(ev.have, RDPNEG_EV_NON_RDP_ANSWER);
}

/* MS-RDPBCGR 5.4.2.2, the Direct Approach: TLS from the first byte. */
Test(evidence, direct_tls)
{
	static const uint8_t hello[] = { 0x16, 0x03, 0x01, 0x00, 0x05, 0x01 };
	static const uint8_t modbus[] = { 0x16, 0x03, 0x00, 0x00, 0x00, 0x06 };
	static const uint8_t alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02 };
	static const uint8_t http[] = { 'G', 'E', 'T', ' ' };

	rdpneg_init_evidence(&ev);
	rdpneg_evidence_not_negotiation(&ev, 1, hello, 5);	/* too short */
	cr_assert_eq(ev.have, 0);
	rdpneg_evidence_not_negotiation(&ev, 1, modbus, sizeof(modbus));
	cr_assert_eq(ev.have, 0);
	rdpneg_evidence_not_negotiation(&ev, 1, hello, sizeof(hello));
	cr_assert_eq(ev.have, RDPNEG_EV_DIRECT_TLS | RDPNEG_EV_CLIENT_NEXT);
	cr_assert(rdpneg_evidence_starts_tls(&ev, 1));
	rdpneg_evidence_not_negotiation(&ev, 0, alert, sizeof(alert));
	cr_assert(rdpneg_evidence_starts_tls(&ev, 0));
	cr_assert_eq(ev.server_next, RDPNEG_NEXT_TLS_ALERT);
	cr_assert_eq(ev.have & RDPNEG_EV_NON_RDP_ANSWER, 0);
	rdpneg_evidence_finish(&ev);
	cr_assert_eq(ev.outcome, RDPNEG_OUTCOME_NO_REQUEST);
	/* Without the client's TLS first, the server's TLS is no answer. */
	rdpneg_init_evidence(&ev);
	rdpneg_evidence_not_negotiation(&ev, 1, http, sizeof(http));
	rdpneg_evidence_not_negotiation(&ev, 0, alert, sizeof(alert));
	cr_assert_eq(ev.have, RDPNEG_EV_NON_RDP_ANSWER);
}

Test(evidence, what_follows_counts_once_after_the_pdu)
{
	struct pb cr, cc;

	rdpneg_evidence_next(&ev, 1, 0x16);	/* before the CR: ignored */
	rdpneg_evidence_next(&ev, 0, 0x16);
	cr_assert_eq(ev.have, 0);
	cr_with(&cr, NULL, 0, 0x1);
	cc_with(&cc, RDPNEG_TYPE_RSP, 0, 1);
	feed(1, &cr, cr.n);
	feed(0, &cc, cc.n);
	rdpneg_evidence_next(&ev, 1, RDPNEG_NEXT_TLS_HANDSHAKE);
	rdpneg_evidence_next(&ev, 1, 0x03);
	rdpneg_evidence_next(&ev, 0, RDPNEG_NEXT_TLS_ALERT);
	rdpneg_evidence_next(&ev, 0, 0x16);
	cr_assert_eq(ev.client_next, RDPNEG_NEXT_TLS_HANDSHAKE);
	cr_assert_eq(ev.server_next, RDPNEG_NEXT_TLS_ALERT);
	cr_assert(ev.have & RDPNEG_EV_CLIENT_NEXT);
	cr_assert(ev.have & RDPNEG_EV_SERVER_NEXT);
	cr_assert_eq(rdpneg_classify(&ev), RDPNEG_OUTCOME_SELECTED);
}

Test(evidence, the_first_close_is_the_end)
{
	rdpneg_evidence_close(&ev, 0, 0);
	rdpneg_evidence_close(&ev, 1, 1);
	cr_assert_eq(ev.end, RDPNEG_END_FIN_SERVER);
	rdpneg_init_evidence(&ev);
	rdpneg_evidence_close(&ev, 1, 1);
	cr_assert_eq(ev.end, RDPNEG_END_RST_CLIENT);
}

Test(evidence, outcomes)
{
	struct pb cr, cc;

	cr_with(&cr, NULL, 0, 0x3);
	feed(1, &cr, cr.n);
	cc_with(&cc, RDPNEG_TYPE_FAILURE, 0, 5);
	feed(0, &cc, cc.n);
	rdpneg_evidence_finish(&ev);
	cr_assert_eq(ev.outcome, RDPNEG_OUTCOME_FAILURE);

	/* A Connection Confirm without negotiation data. */
	rdpneg_init_evidence(&ev);
	feed(1, &cr, cr.n);
	pb_reset(&cc);
	pb_cc(&cc, NULL);
	feed(0, &cc, cc.n);
	cr_assert_eq(rdpneg_classify(&ev), RDPNEG_OUTCOME_LEGACY);

	/* SYN answered by RST; SYN never answered; a handshake, no CR. */
	rdpneg_init_evidence(&ev);
	rdpneg_evidence_packet(&ev, 1, RDPNEG_TCP_SYN);
	rdpneg_evidence_packet(&ev, 0, RDPNEG_TCP_ACK);
	rdpneg_evidence_close(&ev, 0, 1);
	cr_assert_eq(rdpneg_classify(&ev), RDPNEG_OUTCOME_REFUSED);
	rdpneg_init_evidence(&ev);
	rdpneg_evidence_packet(&ev, 1, RDPNEG_TCP_SYN);
	cr_assert_eq(rdpneg_classify(&ev), RDPNEG_OUTCOME_UNANSWERED);
	rdpneg_evidence_packet(&ev, 0, RDPNEG_TCP_SYN | RDPNEG_TCP_ACK);
	cr_assert_eq(rdpneg_classify(&ev), RDPNEG_OUTCOME_NO_REQUEST);
	/* The server sent something else than a SYN/ACK and closed. */
	rdpneg_init_evidence(&ev);
	rdpneg_evidence_packet(&ev, 1, RDPNEG_TCP_SYN);
	rdpneg_evidence_packet(&ev, 0, RDPNEG_TCP_ACK);
	rdpneg_evidence_close(&ev, 0, 0);
	cr_assert_eq(rdpneg_classify(&ev), RDPNEG_OUTCOME_NO_REQUEST);
}

Test(evidence, not_requested)
{
	struct pb cr, cc;

	cr_with(&cr, NULL, 0, 0x3);
	feed(1, &cr, cr.n);
	cc_with(&cc, RDPNEG_TYPE_RSP, 0, RDPNEG_PROTOCOL_RDP);
	feed(0, &cc, cc.n);
	cr_assert(rdpneg_not_requested(&ev));
	ev.response_value = RDPNEG_PROTOCOL_HYBRID;
	cr_assert_not(rdpneg_not_requested(&ev));
	ev.response_type = RDPNEG_TYPE_FAILURE;	/* a failure selects nothing */
	ev.response_value = RDPNEG_PROTOCOL_RDSTLS;
	cr_assert_not(rdpneg_not_requested(&ev));
}

Test(evidence, problems_are_worded_once)
{
	struct pb var, cc;
	struct rdpneg_pdu pdu;
	enum rdpneg_status st;
	char text[160], tiny[4];
	size_t n;

	pb_reset(&var);
	pb_neg(&var, RDPNEG_TYPE_RSP, 0, 7, 1);
	pb_reset(&cc);
	pb_cc(&cc, &var);
	st = rdpneg_decode_pdu(cc.b, cc.n, &pdu);
	cr_assert(rdpneg_status_is_malformed(st));
	n = rdpneg_format_problem(0, st, &pdu, text, sizeof(text));
	cr_assert_eq(n, strlen(text));
	cr_assert_eq(strncmp(text, "response: RDP_NEG_RSP length is 7",
	    strlen("response: RDP_NEG_RSP length is 7")), 0, "%s", text);
	cr_assert_eq(rdpneg_format_problem(1, st, &pdu, tiny, sizeof(tiny)),
	    n - 1);
	cr_assert_str_eq(tiny, "");
}
