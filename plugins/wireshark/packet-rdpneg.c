/*
 * packet-rdpneg.c - rdpneg's verdict on RDP security negotiation, inside
 * Wireshark and tshark.
 *
 * A post-dissector: Wireshark's TCP, TPKT and X.224 dissectors find and
 * reassemble the PDUs (on port 3389, or where the user decodes TPKT); for
 * each TPKT they found, the shared decoder (analyzer/rdpneg/) reads the
 * X.224 Connection Request or Confirm (MS-RDPBCGR 2.2.1.1, 2.2.1.2) and
 * the shared knowledge base diagnoses the connection, as the CLI does.
 *
 * tshark primes the fields a post-dissector wants only on its first pass,
 * so what a frame showed is kept per frame (p_add_proto_data) and shown
 * again from that record on later passes (tshark -2, clicks in the GUI);
 * by then the whole capture has been seen, so the verdict is final.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <wireshark.h>

#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <wsutil/str_util.h>

#include "compat.h"
#include "conn.h"
#include "packet-rdpneg.h"
#include "rdpneg/chain.h"
#include "rdpneg/kb.h"

static int proto_rdpneg = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_pdu = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_cookie = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_requested = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_request_flags = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_scanner = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_selected = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_failure = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_failure_name = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_response_flags = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_not_requested = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_request_frame = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_response_frame = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_malformed = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_outcome = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_end = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_chain_position = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_chain_length = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_chain_previous = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_fell_back = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_class = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_blocked = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_insecure = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_diagnosis = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_summary = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_confidence = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_server_settings = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_remediation = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_command = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_server = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_server_why = RDPNEG_WS_UNREGISTERED;
/* One per rdpneg_protocol_names bit. */
static int *hf_rdpneg_requested_bits;
static size_t nrequested_bits;

static gint ett_rdpneg = RDPNEG_WS_UNREGISTERED;
static gint ett_rdpneg_requested = RDPNEG_WS_UNREGISTERED;
static gint ett_rdpneg_diagnosis = RDPNEG_WS_UNREGISTERED;
static gint ett_rdpneg_server = RDPNEG_WS_UNREGISTERED;
static gint ett_rdpneg_step = RDPNEG_WS_UNREGISTERED;

static expert_field ei_rdpneg_blocked = EI_INIT;
static expert_field ei_rdpneg_insecure = EI_INIT;
static expert_field ei_rdpneg_not_requested = EI_INIT;
static expert_field ei_rdpneg_fallback = EI_INIT;
static expert_field ei_rdpneg_malformed = EI_INIT;

/* Fields of other dissectors this one reads. */
static int hf_tpkt_version = RDPNEG_WS_UNREGISTERED;
static int hf_tcp_flags = RDPNEG_WS_UNREGISTERED;
static int hf_tcp_payload = RDPNEG_WS_UNREGISTERED;
/* Segments Wireshark's TCP analysis found sent again: their bytes were
 * seen already (the CLI's reassembly drops them by sequence number). */
static int hf_tcp_resent[3] = {
	RDPNEG_WS_UNREGISTERED, RDPNEG_WS_UNREGISTERED, RDPNEG_WS_UNREGISTERED
};
static const char *const tcp_resent_names[3] = {
	"tcp.analysis.retransmission",
	"tcp.analysis.fast_retransmission",
	"tcp.analysis.spurious_retransmission"
};

static dissector_handle_t rdpneg_handle;
static guint pref_chain_window = RDPNEG_DEFAULT_CHAIN_WINDOW;

/* What a frame showed, kept for later passes. */
struct frame_note {
	struct conn	*conn;
	unsigned	 roles;		/* ROLE_* */
};

/* A value_string copy of one of the shared name tables. */
static const value_string *
vals_of(const struct rdpneg_tok *t)
{
	value_string *v;
	size_t i, n;

	for (n = 0; t[n].name != NULL; n++)
		;
	v = wmem_alloc0_array(wmem_epan_scope(), value_string, n + 1);
	for (i = 0; i < n; i++) {
		v[i].value = t[i].value;
		v[i].strptr = t[i].name;
	}
	return v;
}

/* Give field *id the names of a shared table. */
static void
set_vals(hf_register_info *hf, size_t n, int *id, const struct rdpneg_tok *t)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (hf[i].p_id == id)
			hf[i].hfinfo.strings = VALS(vals_of(t));
}

/* The captured length of the first occurrence of a field, or 0. */
static gint
field_length(proto_tree *tree, int hf, field_info **first)
{
	GPtrArray *a = proto_get_finfo_ptr_array(tree, hf);

	if (a == NULL || a->len == 0)
		return 0;
	*first = g_ptr_array_index(a, 0);
	return (*first)->length;
}

/* Did Wireshark's TCP analysis mark this frame's segment as sent again? */
static gboolean
resent(proto_tree *tree)
{
	GPtrArray *a;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(hf_tcp_resent); i++)
		if (hf_tcp_resent[i] > 0 &&
		    (a = proto_get_finfo_ptr_array(tree, hf_tcp_resent[i])) !=
		    NULL && a->len > 0)
			return TRUE;
	return FALSE;
}

/* The first pass over a frame: feed its TPKTs and TCP flags to conn.c. */
static struct frame_note *
first_visit(proto_tree *tree, packet_info *pinfo)
{
	GPtrArray *tpkts = proto_get_finfo_ptr_array(tree, hf_tpkt_version);
	guint ntpkts = tpkts != NULL ? tpkts->len : 0;
	gboolean again = resent(tree);
	field_info *fi = NULL;
	guint16 tcp_flags = 0;
	struct frame_note *note;
	struct conn *c;
	unsigned roles = 0;
	guint i;

	if (field_length(tree, hf_tcp_flags, &fi) == 2)
		tcp_flags = tvb_get_ntohs(fi->ds_tvb, fi->start) & 0x0fff;
	if (ntpkts > 0 || (tcp_flags & (TH_FIN | TH_RST)))
		c = conn_get(pinfo, proto_rdpneg);
	else if (field_length(tree, hf_tcp_payload, &fi) > 0)
		c = conn_find(pinfo, proto_rdpneg);
	else
		return NULL;
	if (c == NULL)
		return NULL;
	for (i = 0; i < ntpkts && !again; i++) {
		const guint8 *buf;
		gint avail;

		fi = g_ptr_array_index(tpkts, i);
		avail = tvb_captured_length_remaining(fi->ds_tvb, fi->start);
		if (avail <= 0)
			continue;
		/* A copy of the bytes from the TPKT to the end of the tvb,
		 * freed with the packet (conn.c keeps no pointer into it). */
		buf = tvb_memdup(pinfo->pool, fi->ds_tvb, fi->start, avail);
		roles |= conn_add_tpkt(c, pinfo, buf, (size_t)avail,
		    pref_chain_window);
	}
	if (ntpkts == 0 && !again &&
	    field_length(tree, hf_tcp_payload, &fi) > 0)
		conn_add_payload(c, pinfo, tvb_get_guint8(fi->ds_tvb,
		    fi->start));
	roles |= conn_add_flags(c, pinfo, tcp_flags);
	if (roles == 0)
		return NULL;
	note = wmem_new(wmem_file_scope(), struct frame_note);
	note->conn = c;
	note->roles = roles;
	return note;
}

static void
add_text(proto_tree *tree, int hf, tvbuff_t *tvb, const char *text)
{
	proto_item_set_generated(proto_tree_add_string(tree, hf, tvb, 0, 0,
	    text));
}

static void
add_uint(proto_tree *tree, int hf, tvbuff_t *tvb, guint32 value)
{
	proto_item_set_generated(proto_tree_add_uint(tree, hf, tvb, 0, 0,
	    value));
}

static void
add_bool(proto_tree *tree, int hf, tvbuff_t *tvb, gboolean value)
{
	proto_item_set_generated(proto_tree_add_boolean(tree, hf, tvb, 0, 0,
	    value));
}

/* A diagnosis text with its {placeholders} filled from the evidence. */
static const char *
expand(packet_info *pinfo, const char *text, const struct rdpneg_evidence *ev)
{
	size_t n = rdpneg_expand(text, ev, NULL, 0) + 1;
	char *buf = wmem_alloc(pinfo->pool, n);

	rdpneg_expand(text, ev, buf, n);
	return buf;
}

/*
 * A remediation step, whole: an item with its prose (and the label of the
 * implementation it is for), and under it one item per command line, so
 * that no line comes near the length at which Wireshark cuts a label.
 */
static void
show_step(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
    const struct rdpneg_step *s, const struct rdpneg_evidence *ev)
{
	struct rdpneg_step prose = *s;
	proto_tree *lines;
	proto_item *ti;
	const char *p, *nl;
	size_t n;
	char *text;

	prose.command = NULL;
	n = rdpneg_format_step(&prose, ev, NULL, 0) + 1;
	text = wmem_alloc(pinfo->pool, n);
	rdpneg_format_step(&prose, ev, text, n);
	ti = proto_tree_add_string(tree, hf_rdpneg_remediation, tvb, 0, 0,
	    text);
	proto_item_set_generated(ti);
	if (s->command == NULL)
		return;
	lines = proto_item_add_subtree(ti, ett_rdpneg_step);
	for (p = s->command; ; p = nl + 1) {
		nl = strchr(p, '\n');
		add_text(lines, hf_rdpneg_command, tvb, nl == NULL ? p :
		    wmem_strndup(pinfo->pool, p, (size_t)(nl - p)));
		if (nl == NULL)
			break;
	}
}

static void
show_request(proto_tree *tree, tvbuff_t *tvb, const struct conn *c)
{
	proto_item *ti;
	proto_tree *bits;
	size_t i;

	add_uint(tree, hf_rdpneg_pdu, tvb, RDPNEG_TPDU_CR);
	if (c->cookie != NULL)
		add_text(tree, hf_rdpneg_cookie, tvb, c->cookie);
	if (c->ev.have & RDPNEG_EV_REQ_NEG) {
		ti = proto_tree_add_uint(tree, hf_rdpneg_requested, tvb, 0, 0,
		    c->ev.requested);
		proto_item_set_generated(ti);
		bits = proto_item_add_subtree(ti, ett_rdpneg_requested);
		for (i = 0; i < nrequested_bits; i++) {
			header_field_info *h = proto_registrar_get_nth(
			    hf_rdpneg_requested_bits[i]);

			add_bool(bits, hf_rdpneg_requested_bits[i], tvb,
			    (c->ev.requested & (guint32)h->bitmask) != 0);
		}
		add_uint(tree, hf_rdpneg_request_flags, tvb,
		    c->ev.request_flags);
	}
	add_bool(tree, hf_rdpneg_scanner, tvb,
	    (c->ev.have & RDPNEG_EV_SCANNER) != 0);
}

static void
show_response(proto_tree *tree, tvbuff_t *tvb, const struct conn *c)
{
	const char *name;

	add_uint(tree, hf_rdpneg_pdu, tvb, RDPNEG_TPDU_CC);
	if (!(c->ev.have & RDPNEG_EV_RSP_NEG))
		return;
	if (c->ev.response_type == RDPNEG_TYPE_RSP) {
		add_uint(tree, hf_rdpneg_selected, tvb, c->ev.response_value);
	} else {
		add_uint(tree, hf_rdpneg_failure, tvb, c->ev.response_value);
		name = rdpneg_tok_str(rdpneg_failure_names,
		    c->ev.response_value);
		add_text(tree, hf_rdpneg_failure_name, tvb,
		    name != NULL ? name : "unknown");
	}
	add_uint(tree, hf_rdpneg_response_flags, tvb, c->ev.response_flags);
}

/* The outcome, the chain and the diagnosis; experts on the verdict frame. */
static void
show_verdict(proto_tree *tree, proto_item *top, tvbuff_t *tvb,
    packet_info *pinfo, struct conn *c, gboolean verdict_frame)
{
	const struct rdpneg_server_fingerprint *print;
	const struct rdpneg_diagnosis *d;
	const struct rdpneg_step *steps[RDPNEG_STEPS_MAX];
	struct rdpneg_evidence ev;
	proto_tree *sub;
	proto_item *ti;
	const char *summary;
	enum rdpneg_class class;
	size_t i, nsteps;

	conn_evidence(c, &ev);
	d = rdpneg_diagnose(&ev);
	class = rdpneg_attempt_class(d, &ev);
	print = rdpneg_identify_server(&ev);
	summary = expand(pinfo, d->summary, &ev);
	add_text(tree, hf_rdpneg_outcome, tvb,
	    rdpneg_tok_str(rdpneg_outcome_names, ev.outcome));
	add_text(tree, hf_rdpneg_end, tvb,
	    rdpneg_tok_str(rdpneg_end_names, ev.end));
	add_bool(tree, hf_rdpneg_not_requested, tvb, rdpneg_not_requested(&ev));
	add_uint(tree, hf_rdpneg_chain_position, tvb, ev.chain_position);
	add_uint(tree, hf_rdpneg_chain_length, tvb, ev.chain_length);
	if (c->prev != NULL && c->prev->request_frame != 0)
		add_uint(tree, hf_rdpneg_chain_previous, tvb,
		    c->prev->request_frame);
	add_bool(tree, hf_rdpneg_fell_back, tvb,
	    (ev.have & RDPNEG_EV_FELL_BACK) != 0);
	if (print != NULL) {
		ti = proto_tree_add_string(tree, hf_rdpneg_server, tvb, 0, 0,
		    rdpneg_tok_str(rdpneg_server_names, print->server));
		proto_item_set_generated(ti);
		proto_item_append_text(ti, " (%s confidence)",
		    rdpneg_tok_str(rdpneg_confidence_names, print->confidence));
		add_text(proto_item_add_subtree(ti, ett_rdpneg_server),
		    hf_rdpneg_server_why, tvb, print->why);
	}
	add_text(tree, hf_rdpneg_class, tvb,
	    rdpneg_tok_str(rdpneg_class_names, class));
	add_bool(tree, hf_rdpneg_blocked, tvb, class == RDPNEG_CLASS_BLOCKED);
	add_bool(tree, hf_rdpneg_insecure, tvb,
	    class == RDPNEG_CLASS_INSECURE);
	ti = proto_tree_add_string(tree, hf_rdpneg_diagnosis, tvb, 0, 0, d->id);
	proto_item_set_generated(ti);
	proto_item_append_text(ti, " (%s confidence)",
	    rdpneg_tok_str(rdpneg_confidence_names, d->confidence));
	sub = proto_item_add_subtree(ti, ett_rdpneg_diagnosis);
	add_text(sub, hf_rdpneg_summary, tvb, summary);
	add_text(sub, hf_rdpneg_confidence, tvb,
	    rdpneg_tok_str(rdpneg_confidence_names, d->confidence));
	add_text(sub, hf_rdpneg_server_settings, tvb,
	    expand(pinfo, d->server_settings, &ev));
	/* The steps that apply, the recognised implementation's first, as
	 * in the CLI. */
	nsteps = rdpneg_select_steps(d, print != NULL ? print->server :
	    RDPNEG_SERVER_UNKNOWN, &ev, steps, RDPNEG_STEPS_MAX);
	for (i = 0; i < nsteps && i < RDPNEG_STEPS_MAX; i++)
		show_step(sub, tvb, pinfo, steps[i], &ev);
	proto_item_append_text(top, ", %s: %s",
	    rdpneg_tok_str(rdpneg_outcome_names, ev.outcome), d->id);
	if (!verdict_frame)
		return;
	/* In the first pass a verdict can change (what followed the CC):
	 * say it again only when it did. */
	if (!PINFO_FD_VISITED(pinfo)) {
		if (c->announced == d && c->announced_class == class)
			return;
		c->announced = d;
		c->announced_class = class;
	}
	col_append_fstr(pinfo->cinfo, COL_INFO, " [rdpneg: %s]", d->id);
	/* One expert per class that needs a look, with the summary. */
	if (class == RDPNEG_CLASS_BLOCKED)
		expert_add_info_format(pinfo, ti, &ei_rdpneg_blocked, "%s",
		    summary);
	else if (class == RDPNEG_CLASS_INSECURE)
		expert_add_info_format(pinfo, ti, &ei_rdpneg_insecure, "%s",
		    summary);
	if (rdpneg_not_requested(&ev))
		expert_add_info(pinfo, ti, &ei_rdpneg_not_requested);
	if (ev.have & RDPNEG_EV_FELL_BACK)
		expert_add_info(pinfo, ti, &ei_rdpneg_fallback);
}

static void
show_problem(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
    const char *problem)
{
	proto_item *ti;

	if (problem == NULL)
		return;
	ti = proto_tree_add_string(tree, hf_rdpneg_malformed, tvb, 0, 0,
	    problem);
	proto_item_set_generated(ti);
	expert_add_info_format(pinfo, ti, &ei_rdpneg_malformed,
	    "Malformed RDP negotiation: %s", problem);
}

static void
show(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
    const struct frame_note *note, gboolean final)
{
	struct conn *c = note->conn;
	proto_item *top;
	proto_tree *sub;

	top = proto_tree_add_item(tree, proto_rdpneg, tvb, 0, 0, ENC_NA);
	proto_item_set_generated(top);
	sub = proto_item_add_subtree(top, ett_rdpneg);
	if (note->roles & ROLE_REQUEST)
		show_request(sub, tvb, c);
	if (note->roles & ROLE_RESPONSE)
		show_response(sub, tvb, c);
	if (c->request_frame != 0 && !(note->roles & ROLE_REQUEST))
		add_uint(sub, hf_rdpneg_request_frame, tvb, c->request_frame);
	if ((c->ev.have & RDPNEG_EV_CONFIRM) && !(note->roles & ROLE_RESPONSE))
		add_uint(sub, hf_rdpneg_response_frame, tvb, c->response_frame);
	if (note->roles & ROLE_MALFORMED) {
		/* This frame's PDU's own problem. */
		if (note->roles & ROLE_REQUEST)
			show_problem(sub, tvb, pinfo, c->request_problem);
		if (note->roles & ROLE_RESPONSE)
			show_problem(sub, tvb, pinfo, c->response_problem);
	}
	/* Before the whole capture has been seen, a frame shows the verdict
	 * once something decided it (its CC or its end); the frames that
	 * decided it carry the expert infos. */
	if (!final && !conn_decided(c))
		return;
	show_verdict(sub, top, tvb, pinfo, c,
	    pinfo->num == conn_verdict_frame(c) ||
	    (!final && (note->roles & (ROLE_RESPONSE | ROLE_END))));
}

static int
dissect_rdpneg(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
    void *data _U_)
{
	struct frame_note *note;

	if (!PINFO_FD_VISITED(pinfo)) {
		note = first_visit(tree, pinfo);
		if (note != NULL)
			p_add_proto_data(wmem_file_scope(), pinfo,
			    proto_rdpneg, 0, note);
	} else
		note = p_get_proto_data(wmem_file_scope(), pinfo,
		    proto_rdpneg, 0);
	if (note == NULL)
		return 0;
	show(tree, tvb, pinfo, note, PINFO_FD_VISITED(pinfo));
	return tvb_captured_length(tvb);
}

/* A boolean field for each requestedProtocols bit in the shared table. */
static void
register_requested_bits(void)
{
	hf_register_info *hf;
	size_t i, n = 0;

	for (i = 0; rdpneg_protocol_names[i].name != NULL; i++)
		if (rdpneg_protocol_names[i].value != 0)
			n++;
	hf = wmem_alloc0_array(wmem_epan_scope(), hf_register_info, n);
	hf_rdpneg_requested_bits = wmem_alloc_array(wmem_epan_scope(), int, n);
	for (i = 0, n = 0; rdpneg_protocol_names[i].name != NULL; i++) {
		const struct rdpneg_tok *t = &rdpneg_protocol_names[i];

		if (t->value == 0)
			continue;
		hf_rdpneg_requested_bits[n] = RDPNEG_WS_UNREGISTERED;
		hf[n].p_id = &hf_rdpneg_requested_bits[n];
		hf[n].hfinfo.name = t->name;
		hf[n].hfinfo.abbrev = wmem_strdup_printf(wmem_epan_scope(),
		    "rdpneg.requested.%s", wmem_ascii_strdown(wmem_epan_scope(),
		    t->name, -1));
		hf[n].hfinfo.type = FT_BOOLEAN;
		hf[n].hfinfo.display = 32;
		hf[n].hfinfo.bitmask = t->value;
		hf[n].hfinfo.blurb = "requestedProtocols bit "
		    "(MS-RDPBCGR 2.2.1.1.1)";
		HFILL_INIT(hf[n]);
		n++;
	}
	nrequested_bits = n;
	proto_register_field_array(proto_rdpneg, hf, (int)n);
}

void
proto_register_rdpneg(void)
{
	static hf_register_info hf[] = {
		{ &hf_rdpneg_pdu, { "PDU", "rdpneg.pdu", FT_UINT8, BASE_HEX,
		    NULL, 0, "X.224 TPDU code", HFILL } },
		{ &hf_rdpneg_cookie, { "Cookie or routing token",
		    "rdpneg.cookie", FT_STRING, BASE_NONE, NULL, 0,
		    "MS-RDPBCGR 2.2.1.1, escaped", HFILL } },
		{ &hf_rdpneg_requested, { "Requested protocols",
		    "rdpneg.requested", FT_UINT32, BASE_HEX, NULL, 0,
		    "RDP_NEG_REQ requestedProtocols (2.2.1.1.1)", HFILL } },
		{ &hf_rdpneg_request_flags, { "Request flags",
		    "rdpneg.request_flags", FT_UINT8, BASE_HEX, NULL, 0,
		    "RDP_NEG_REQ flags", HFILL } },
		{ &hf_rdpneg_scanner, { "Scanner", "rdpneg.scanner", FT_BOOLEAN,
		    BASE_NONE, NULL, 0, "A known scanner's request", HFILL } },
		{ &hf_rdpneg_selected, { "Selected protocol", "rdpneg.selected",
		    FT_UINT32, BASE_DEC, NULL, 0,
		    "RDP_NEG_RSP selectedProtocol (2.2.1.2.1)", HFILL } },
		{ &hf_rdpneg_failure, { "Failure code", "rdpneg.failure",
		    FT_UINT32, BASE_DEC, NULL, 0,
		    "RDP_NEG_FAILURE failureCode (2.2.1.2.2)", HFILL } },
		{ &hf_rdpneg_failure_name, { "Failure", "rdpneg.failure.name",
		    FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
		{ &hf_rdpneg_response_flags, { "Response flags",
		    "rdpneg.response_flags", FT_UINT8, BASE_HEX, NULL, 0,
		    "RDP_NEG_RSP / RDP_NEG_FAILURE flags", HFILL } },
		{ &hf_rdpneg_not_requested, { "Selected protocol not requested",
		    "rdpneg.not_requested", FT_BOOLEAN, BASE_NONE, NULL, 0,
		    NULL, HFILL } },
		{ &hf_rdpneg_request_frame, { "Request in frame",
		    "rdpneg.request_frame", FT_FRAMENUM, BASE_NONE,
		    FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0, NULL, HFILL } },
		{ &hf_rdpneg_response_frame, { "Response in frame",
		    "rdpneg.response_frame", FT_FRAMENUM, BASE_NONE,
		    FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0, NULL, HFILL } },
		{ &hf_rdpneg_malformed, { "Malformed", "rdpneg.malformed",
		    FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
		{ &hf_rdpneg_outcome, { "Outcome", "rdpneg.outcome", FT_STRING,
		    BASE_NONE, NULL, 0, "How the negotiation ended", HFILL } },
		{ &hf_rdpneg_end, { "Connection end", "rdpneg.end", FT_STRING,
		    BASE_NONE, NULL, 0, "The first FIN or RST", HFILL } },
		{ &hf_rdpneg_chain_position, { "Attempt in chain",
		    "rdpneg.chain.position", FT_UINT32, BASE_DEC, NULL, 0,
		    NULL, HFILL } },
		{ &hf_rdpneg_chain_length, { "Attempts in chain",
		    "rdpneg.chain.length", FT_UINT32, BASE_DEC, NULL, 0,
		    "So far, until the whole capture has been read", HFILL } },
		{ &hf_rdpneg_chain_previous, { "Previous attempt",
		    "rdpneg.chain.previous", FT_FRAMENUM, BASE_NONE, NULL, 0,
		    "Request frame of the chain's previous attempt", HFILL } },
		{ &hf_rdpneg_fell_back, { "Fell back to Standard RDP Security",
		    "rdpneg.fell_back", FT_BOOLEAN, BASE_NONE, NULL, 0, NULL,
		    HFILL } },
		{ &hf_rdpneg_server, { "Server implementation", "rdpneg.server",
		    FT_STRING, BASE_NONE, NULL, 0, "What the Connection "
		    "Confirm shows of the server's software", HFILL } },
		{ &hf_rdpneg_server_why, { "Evidence", "rdpneg.server.evidence",
		    FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
		{ &hf_rdpneg_class, { "Class", "rdpneg.class", FT_STRING,
		    BASE_NONE, NULL, 0, "What the attempt meant for its user: "
		    "blocked, insecure, ok or noise", HFILL } },
		{ &hf_rdpneg_blocked, { "Blocked", "rdpneg.blocked",
		    FT_BOOLEAN, BASE_NONE, NULL, 0, "The user could not "
		    "connect", HFILL } },
		{ &hf_rdpneg_insecure, { "Insecure", "rdpneg.insecure",
		    FT_BOOLEAN, BASE_NONE, NULL, 0, "Connected, with a "
		    "security finding", HFILL } },
		{ &hf_rdpneg_diagnosis, { "Diagnosis", "rdpneg.diagnosis",
		    FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
		{ &hf_rdpneg_summary, { "Summary", "rdpneg.summary", FT_STRING,
		    BASE_NONE, NULL, 0, NULL, HFILL } },
		{ &hf_rdpneg_confidence, { "Confidence", "rdpneg.confidence",
		    FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
		{ &hf_rdpneg_server_settings, { "Probable server setting",
		    "rdpneg.server_settings", FT_STRING, BASE_NONE, NULL, 0,
		    NULL, HFILL } },
		{ &hf_rdpneg_remediation, { "Remediation", "rdpneg.remediation",
		    FT_STRING, BASE_NONE, NULL, 0,
		    "A step that applies, in order, the secure choice first",
		    HFILL } },
		{ &hf_rdpneg_command, { "Command", "rdpneg.remediation.command",
		    FT_STRING, BASE_NONE, NULL, 0,
		    "One line of the step's command, to paste as it is",
		    HFILL } },
	};
	static gint *ett[] = { &ett_rdpneg, &ett_rdpneg_requested,
	    &ett_rdpneg_diagnosis, &ett_rdpneg_server, &ett_rdpneg_step };
	static ei_register_info ei[] = {
		{ &ei_rdpneg_blocked, { "rdpneg.expert.blocked", PI_SECURITY,
		    PI_ERROR, "RDP connection blocked at the security "
		    "negotiation", EXPFILL } },
		{ &ei_rdpneg_insecure, { "rdpneg.expert.insecure",
		    PI_SECURITY, PI_WARN, "RDP connection with a security "
		    "finding", EXPFILL } },
		{ &ei_rdpneg_not_requested, { "rdpneg.expert.not_requested",
		    PI_PROTOCOL, PI_WARN, "The server selected a protocol "
		    "the client did not request", EXPFILL } },
		{ &ei_rdpneg_fallback, { "rdpneg.expert.fallback", PI_SECURITY,
		    PI_WARN, "The client fell back to Standard RDP Security "
		    "after a request for TLS or CredSSP failed", EXPFILL } },
		{ &ei_rdpneg_malformed, { "rdpneg.expert.malformed",
		    PI_MALFORMED, PI_ERROR,
		    "Malformed RDP negotiation structure", EXPFILL } },
	};
	module_t *prefs;
	expert_module_t *expert;

	set_vals(hf, array_length(hf), &hf_rdpneg_pdu, rdpneg_tpdu_names);
	set_vals(hf, array_length(hf), &hf_rdpneg_selected,
	    rdpneg_protocol_names);
	set_vals(hf, array_length(hf), &hf_rdpneg_failure,
	    rdpneg_failure_names);
	proto_rdpneg = proto_register_protocol("rdpneg: RDP security "
	    "negotiation diagnosis", "rdpneg", "rdpneg");
	proto_register_field_array(proto_rdpneg, hf, array_length(hf));
	register_requested_bits();
	proto_register_subtree_array(ett, array_length(ett));
	expert = expert_register_protocol(proto_rdpneg);
	expert_register_field_array(expert, ei, array_length(ei));
	prefs = prefs_register_protocol(proto_rdpneg, NULL);
	prefs_register_uint_preference(prefs, "chain_window",
	    "Fallback chain window (seconds)",
	    "Attempts of one client to one server starting within this "
	    "many seconds of the previous one form a fallback chain "
	    "(rdpneg --chain-window)", 10, &pref_chain_window);
	conn_register();
	rdpneg_handle = create_dissector_handle(dissect_rdpneg, proto_rdpneg);
}

void
proto_reg_handoff_rdpneg(void)
{
	GArray *wanted = g_array_sized_new(FALSE, FALSE, sizeof(int), 6);
	size_t i;

	hf_tpkt_version = proto_registrar_get_id_byname("tpkt.version");
	hf_tcp_flags = proto_registrar_get_id_byname("tcp.flags");
	hf_tcp_payload = proto_registrar_get_id_byname("tcp.payload");
	g_array_append_val(wanted, hf_tpkt_version);
	g_array_append_val(wanted, hf_tcp_flags);
	g_array_append_val(wanted, hf_tcp_payload);
	for (i = 0; i < G_N_ELEMENTS(hf_tcp_resent); i++) {
		hf_tcp_resent[i] = proto_registrar_get_id_byname(
		    tcp_resent_names[i]);
		if (hf_tcp_resent[i] > 0)
			g_array_append_val(wanted, hf_tcp_resent[i]);
	}
	register_postdissector(rdpneg_handle);
	set_postdissector_wanted_hfids(rdpneg_handle, wanted);
}
