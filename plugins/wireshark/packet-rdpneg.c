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
#include <epan/strutil.h>
#include <wsutil/str_util.h>

#include "compat.h"
#include "conn.h"
#include "packet-rdpneg.h"
#include "rdpneg/chain.h"
#include "rdpneg/credssp.h"
#include "rdpneg/kb.h"
#include "rdpneg/mcs_text.h"
#include "rdpneg/tls_text.h"

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
static int hf_rdpneg_tls_version = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_tls_suite = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_tls_offered = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_tls_sni = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_tls_alert = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_tls_alert_desc = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_cert_subject = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_cert_issuer = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_cert_not_after = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_cert_sha256 = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_cert_problems = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_credssp_stage = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_credssp_inferred = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_mcs_client_name = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_mcs_client_build = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_mcs_keyboard = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_mcs_desktop = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_mcs_channels = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_mcs_offered = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_mcs_method = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_mcs_level = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_mcs_security = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_mcs_stage = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_mcs_disconnect = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_mcs_license_error = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_mcs_error_info = RDPNEG_WS_UNREGISTERED;
static int hf_rdpneg_mcs_weaknesses = RDPNEG_WS_UNREGISTERED;
/* One per rdpneg_protocol_names bit. */
static int *hf_rdpneg_requested_bits;
static size_t nrequested_bits;

static gint ett_rdpneg = RDPNEG_WS_UNREGISTERED;
static gint ett_rdpneg_requested = RDPNEG_WS_UNREGISTERED;
static gint ett_rdpneg_diagnosis = RDPNEG_WS_UNREGISTERED;
static gint ett_rdpneg_server = RDPNEG_WS_UNREGISTERED;
static gint ett_rdpneg_step = RDPNEG_WS_UNREGISTERED;
static gint ett_rdpneg_tls = RDPNEG_WS_UNREGISTERED;
static gint ett_rdpneg_alert = RDPNEG_WS_UNREGISTERED;
static gint ett_rdpneg_credssp = RDPNEG_WS_UNREGISTERED;
static gint ett_rdpneg_mcs = RDPNEG_WS_UNREGISTERED;

static expert_field ei_rdpneg_blocked = EI_INIT;
static expert_field ei_rdpneg_insecure = EI_INIT;
static expert_field ei_rdpneg_not_requested = EI_INIT;
static expert_field ei_rdpneg_fallback = EI_INIT;
static expert_field ei_rdpneg_malformed = EI_INIT;
static expert_field ei_rdpneg_tls_alert = EI_INIT;
static expert_field ei_rdpneg_certificate = EI_INIT;

/* Fields of other dissectors this one reads. */
static int hf_tpkt_version = RDPNEG_WS_UNREGISTERED;
static int hf_tcp_flags = RDPNEG_WS_UNREGISTERED;
static int hf_tcp_payload = RDPNEG_WS_UNREGISTERED;
static int hf_tcp_seq_raw = RDPNEG_WS_UNREGISTERED;
static int hf_tcp_len = RDPNEG_WS_UNREGISTERED;
static int hf_tcp_segment = RDPNEG_WS_UNREGISTERED;
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

/* This frame's TCP segment, as Wireshark's TCP dissector showed it. */
struct segment {
	field_info	*payload;	/* tcp.payload, or NULL */
	guint32		 seq;		/* tcp.seq_raw */
	guint32		 len;		/* tcp.len: bytes on the wire */
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

/* This frame's segment, or FALSE when it carries no TCP payload. */
static gboolean
get_segment(proto_tree *tree, struct segment *seg)
{
	field_info *fi;

	if (field_length(tree, hf_tcp_payload, &seg->payload) <= 0 ||
	    field_length(tree, hf_tcp_seq_raw, &fi) != 4)
		return FALSE;
	seg->seq = tvb_get_ntohl(fi->ds_tvb, fi->start);
	seg->len = field_length(tree, hf_tcp_len, &fi) > 0 ?
	    rdpneg_ws_field_uint(fi) : (guint32)seg->payload->length;
	return TRUE;
}

/*
 * The raw sequence number of the byte a field starts at, from this
 * frame's segment: the field is in the segment's own bytes, or in a PDU
 * that Wireshark reassembled from it and earlier segments, where its
 * tcp.segment item says where this frame's bytes sit.
 */
static gboolean
seq_of(proto_tree *tree, packet_info *pinfo, const struct segment *seg,
    const field_info *at, guint32 *seq)
{
	GPtrArray *a;
	field_info *fi;
	guint i;

	if (seg->payload == NULL)
		return FALSE;
	if (at->ds_tvb == seg->payload->ds_tvb) {
		*seq = seg->seq + (guint32)(at->start - seg->payload->start);
		return TRUE;
	}
	a = proto_get_finfo_ptr_array(tree, hf_tcp_segment);
	for (i = 0; a != NULL && i < a->len; i++) {
		fi = g_ptr_array_index(a, i);
		if (fi->ds_tvb == at->ds_tvb &&
		    rdpneg_ws_field_uint(fi) == pinfo->num) {
			*seq = seg->seq + (guint32)(at->start - fi->start);
			return TRUE;
		}
	}
	return FALSE;
}

/* The first pass over a frame: feed its TPKTs, its segment and its TCP
 * flags to conn.c. */
static struct frame_note *
first_visit(proto_tree *tree, packet_info *pinfo)
{
	GPtrArray *tpkts = proto_get_finfo_ptr_array(tree, hf_tpkt_version);
	guint ntpkts = tpkts != NULL ? tpkts->len : 0;
	gboolean again = resent(tree), fed = FALSE, more, known;
	struct segment seg = { NULL, 0, 0 };
	field_info *fi = NULL;
	guint16 tcp_flags = 0;
	struct frame_note *note;
	struct conn *c;
	unsigned roles = 0;
	guint32 seq = 0;
	guint i;

	if (field_length(tree, hf_tcp_flags, &fi) == 2)
		tcp_flags = tvb_get_ntohs(fi->ds_tvb, fi->start) & 0x0fff;
	if (!get_segment(tree, &seg))
		seg.payload = NULL;
	if (ntpkts > 0 || (tcp_flags & (TH_FIN | TH_RST)))
		c = conn_get(pinfo, proto_rdpneg);
	else if (seg.payload != NULL)
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
		known = seq_of(tree, pinfo, &seg, fi, &seq);
		roles |= conn_add_tpkt(c, pinfo, buf, (size_t)avail, known,
		    seq, pref_chain_window);
	}
	if (seg.payload != NULL) {
		if (ntpkts == 0 && !again)
			fed = conn_add_payload(c, pinfo);
		/* Retransmissions too: the reassembly keeps each byte's
		 * first copy, as the CLI's does. */
		roles |= conn_add_segment(c, pinfo, seg.seq,
		    tvb_get_ptr(seg.payload->ds_tvb, seg.payload->start,
		    seg.payload->length), (size_t)seg.payload->length,
		    seg.len, &more);
		fed = fed || more;
	}
	roles |= conn_add_flags(c, pinfo, tcp_flags);
	if (roles != 0 || fed || (tcp_flags & (TH_FIN | TH_RST)))
		roles |= conn_note_verdict(c, pinfo);
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

/* A direction's first TLS alert in clear (RFC 8446 6); its expert info on
 * the frame that brought it. */
static void
show_alert(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
    const struct rdpneg_tls_dir *dir, gboolean client)
{
	const char *who = client ? "client" : "server";
	proto_item *ti;
	char text[80];

	if (dir->nalerts == 0)
		return;
	rdpneg_tls_alert_str(dir, text, sizeof(text));
	ti = proto_tree_add_string(tree, hf_rdpneg_tls_alert, tvb, 0, 0, text);
	proto_item_set_generated(ti);
	proto_item_append_text(ti, ", from the %s", who);
	add_uint(proto_item_add_subtree(ti, ett_rdpneg_alert),
	    hf_rdpneg_tls_alert_desc, tvb, dir->alert.description);
	if (dir->alert_frame == pinfo->num)
		expert_add_info_format(pinfo, ti, &ei_rdpneg_tls_alert,
		    "TLS alert from the %s: %s", who, text);
}

/* The server's certificate as the reader saw it at the connection's time
 * (TLS 1.2 and earlier; TLS 1.3 encrypts it). */
static void
show_certificate(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
    const struct rdpneg_cert *cert, guint64 cert_frame)
{
	proto_item *ti;
	nstime_t t;
	char text[160];

	if (cert == NULL)
		return;
	if (!(cert->flags & RDPNEG_CERT_UNPARSABLE)) {
		add_text(tree, hf_rdpneg_cert_subject, tvb, format_text(
		    pinfo->pool, (const guchar *)cert->subject,
		    strlen(cert->subject)));
		add_text(tree, hf_rdpneg_cert_issuer, tvb, format_text(
		    pinfo->pool, (const guchar *)cert->issuer,
		    strlen(cert->issuer)));
	}
	if (cert->not_after != -1) {
		t.secs = (time_t)cert->not_after;
		t.nsecs = 0;
		proto_item_set_generated(proto_tree_add_time(tree,
		    hf_rdpneg_cert_not_after, tvb, 0, 0, &t));
	}
	proto_item_set_generated(proto_tree_add_bytes_with_length(tree,
	    hf_rdpneg_cert_sha256, tvb, 0, 0, cert->sha256,
	    (gint)sizeof(cert->sha256)));
	rdpneg_cert_flags_str(cert->flags, text, sizeof(text));
	ti = proto_tree_add_string(tree, hf_rdpneg_cert_problems, tvb, 0, 0,
	    text);
	proto_item_set_generated(ti);
	if (cert->flags != 0 && cert_frame == pinfo->num)
		expert_add_info_format(pinfo, ti, &ei_rdpneg_certificate,
		    "The server's certificate: %s", text);
}

/*
 * How far CredSSP got (credssp.h), after a Connection Confirm selecting
 * HYBRID or HYBRID_EX and a ServerHello: inferred from the encrypted
 * records, which the item under it says.
 */
static void
show_credssp(proto_tree *tree, tvbuff_t *tvb, const struct rdpneg_evidence *ev)
{
	struct rdpneg_credssp cs;
	proto_item *ti;
	char text[160];

	if (ev->outcome != RDPNEG_OUTCOME_SELECTED ||
	    (ev->response_value != RDPNEG_PROTOCOL_HYBRID &&
	    ev->response_value != RDPNEG_PROTOCOL_HYBRID_EX) ||
	    !(rdpneg_evidence_tls(ev)->have & RDPNEG_TLS_HAVE_SERVER_HELLO))
		return;
	rdpneg_infer_credssp(ev, &cs);
	ti = proto_tree_add_string(tree, hf_rdpneg_credssp_stage, tvb, 0, 0,
	    rdpneg_tok_str(rdpneg_credssp_stage_names, cs.stage));
	proto_item_set_generated(ti);
	snprintf(text, sizeof(text), "from the sizes and directions of %u "
	    "encrypted records (plaintext lengths: %s), not decrypted",
	    (unsigned)rdpneg_evidence_tls(ev)->napp_total,
	    rdpneg_tok_str(rdpneg_plaintext_names, cs.plaintext));
	add_text(proto_item_add_subtree(ti, ett_rdpneg_credssp),
	    hf_rdpneg_credssp_inferred, tvb, text);
}

/* The TLS that followed the negotiation (tls.h), once it began. */
static void
show_tls(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
    const struct conn *c, const struct rdpneg_evidence *ev)
{
	const struct rdpneg_tls *tls = rdpneg_evidence_tls(ev);
	const struct rdpneg_tls_client_hello *ch = &tls->client_hello;
	proto_tree *sub;
	proto_item *ti;
	char text[160];

	if (!(tls->have & (RDPNEG_TLS_HAVE_CLIENT_HELLO |
	    RDPNEG_TLS_HAVE_SERVER_HELLO)) && tls->dir[0].nalerts == 0 &&
	    tls->dir[1].nalerts == 0)
		return;
	sub = proto_tree_add_subtree(tree, tvb, 0, 0, ett_rdpneg_tls, &ti,
	    "TLS after the negotiation");
	proto_item_set_generated(ti);
	if (rdpneg_tls_version(tls) != 0)
		add_uint(sub, hf_rdpneg_tls_version, tvb,
		    rdpneg_tls_version(tls));
	if (tls->have & RDPNEG_TLS_HAVE_SERVER_HELLO)
		add_uint(sub, hf_rdpneg_tls_suite, tvb,
		    tls->server_hello.suite);
	if (tls->have & RDPNEG_TLS_HAVE_CLIENT_HELLO) {
		rdpneg_tls_offered_str(tls, text, sizeof(text));
		add_text(sub, hf_rdpneg_tls_offered, tvb, text);
	}
	if (ch->flags & RDPNEG_HELLO_SNI)
		add_text(sub, hf_rdpneg_tls_sni, tvb, format_text(pinfo->pool,
		    ch->sni, ch->sni_len));
	show_alert(sub, tvb, pinfo, &tls->dir[0], TRUE);
	show_alert(sub, tvb, pinfo, &tls->dir[1], FALSE);
	show_certificate(sub, tvb, pinfo, c->cert, tls->cert_frame);
	show_credssp(sub, tvb, ev);
}

/* A text of ours (words from mcs_text.c), generated. */
static void
add_words(proto_tree *tree, int hf, tvbuff_t *tvb,
    size_t (*str)(const struct rdpneg_mcs *, char *, size_t),
    const struct rdpneg_mcs *m)
{
	char text[240];

	str(m, text, sizeof(text));
	add_text(tree, hf, tvb, text);
}

/* Standard RDP Security's exchange (mcs.h), once it began: what the
 * client sent, what the server chose, how far it got, who ended it. */
static void
show_mcs(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
    const struct conn *c, const struct rdpneg_evidence *ev)
{
	const struct rdpneg_mcs *m = rdpneg_evidence_mcs(ev);
	const struct rdpneg_gcc_client *cl = &m->client;
	proto_tree *sub;
	proto_item *ti;
	char text[240];
	size_t i, n;

	if (ev->mcs == NULL)
		return;
	sub = proto_tree_add_subtree(tree, tvb, 0, 0, ett_rdpneg_mcs, &ti,
	    "Standard RDP Security after the negotiation");
	proto_item_set_generated(ti);
	if (cl->have & RDPNEG_CS_CORE) {
		add_text(sub, hf_rdpneg_mcs_client_name, tvb, format_text(
		    pinfo->pool, (const guchar *)cl->name, strlen(cl->name)));
		add_uint(sub, hf_rdpneg_mcs_client_build, tvb,
		    cl->client_build);
		add_uint(sub, hf_rdpneg_mcs_keyboard, tvb, cl->keyboard_layout);
		snprintf(text, sizeof(text), "%ux%u at %u bits",
		    (unsigned)cl->desktop_width, (unsigned)cl->desktop_height,
		    rdpneg_gcc_color_depth(cl));
		add_text(sub, hf_rdpneg_mcs_desktop, tvb, text);
	}
	if (cl->have & RDPNEG_CS_NET) {
		for (i = 0, n = 0; i < cl->nchannels && n + 1 < sizeof(text);
		    i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
			    "%s%s", i > 0 ? " " : "", cl->channels[i]);
		text[n < sizeof(text) ? n : sizeof(text) - 1] = '\0';
		add_text(sub, hf_rdpneg_mcs_channels, tvb, format_text(
		    pinfo->pool, (const guchar *)text, strlen(text)));
	}
	if (cl->have & RDPNEG_CS_SECURITY) {
		rdpneg_rdp_methods_str(rdpneg_rdp_offered(cl), text,
		    sizeof(text));
		add_text(sub, hf_rdpneg_mcs_offered, tvb, text);
	}
	if ((m->have & RDPNEG_MCS_HAVE_SERVER) &&
	    (m->server.have & RDPNEG_SC_SECURITY)) {
		rdpneg_rdp_methods_str(m->server.encryption_method, text,
		    sizeof(text));
		add_text(sub, hf_rdpneg_mcs_method, tvb, text);
		add_text(sub, hf_rdpneg_mcs_level, tvb, rdpneg_tok_str(
		    rdpneg_encryption_level_names,
		    m->server.encryption_level));
	}
	add_words(sub, hf_rdpneg_mcs_security, tvb, rdpneg_rdp_security_str,
	    m);
	add_text(sub, hf_rdpneg_mcs_stage, tvb,
	    rdpneg_tok_str(rdpneg_mcs_stage_names, m->stage));
	if (m->have & RDPNEG_MCS_HAVE_DISCONNECT)
		add_words(sub, hf_rdpneg_mcs_disconnect, tvb,
		    rdpneg_mcs_disconnect_str, m);
	if (m->have & RDPNEG_MCS_HAVE_LICENSE_ERROR)
		add_words(sub, hf_rdpneg_mcs_license_error, tvb,
		    rdpneg_license_error_str, m);
	if (m->have & RDPNEG_MCS_HAVE_ERROR_INFO)
		add_words(sub, hf_rdpneg_mcs_error_info, tvb,
		    rdpneg_error_info_str, m);
	if (rdpneg_rdp_weaknesses(m) != 0) {
		rdpneg_rdp_weaknesses_str(rdpneg_rdp_weaknesses(m), text,
		    sizeof(text));
		add_text(sub, hf_rdpneg_mcs_weaknesses, tvb, text);
	}
	show_certificate(sub, tvb, pinfo, c->cert,
	    m->response_frame);
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
	show_tls(tree, tvb, pinfo, c, &ev);
	show_mcs(tree, tvb, pinfo, c, &ev);
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
	 * once something decided it (its CC or its end); the frame where
	 * the diagnosis became what it is carries the expert infos (in the
	 * first pass, each frame that changed it). */
	if (!final && !conn_decided(c))
		return;
	show_verdict(sub, top, tvb, pinfo, c,
	    pinfo->num == conn_verdict_frame(c));
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
		{ &hf_rdpneg_tls_version, { "TLS version", "rdpneg.tls.version",
		    FT_UINT16, BASE_HEX, NULL, 0, "The ServerHello's "
		    "(supported_versions, RFC 8446 4.2.1)", HFILL } },
		{ &hf_rdpneg_tls_suite, { "Cipher suite",
		    "rdpneg.tls.cipher_suite", FT_UINT16, BASE_HEX, NULL, 0,
		    "The ServerHello's", HFILL } },
		{ &hf_rdpneg_tls_offered, { "Versions offered",
		    "rdpneg.tls.offered_versions", FT_STRING, BASE_NONE, NULL,
		    0, "The ClientHello's", HFILL } },
		{ &hf_rdpneg_tls_sni, { "Server name", "rdpneg.tls.sni",
		    FT_STRING, BASE_NONE, NULL, 0, "The ClientHello's "
		    "server_name (RFC 6066 3), escaped", HFILL } },
		{ &hf_rdpneg_tls_alert, { "Alert", "rdpneg.tls.alert",
		    FT_STRING, BASE_NONE, NULL, 0, "A side's first TLS alert "
		    "in clear (RFC 8446 6)", HFILL } },
		{ &hf_rdpneg_tls_alert_desc, { "Description",
		    "rdpneg.tls.alert.description", FT_UINT8, BASE_DEC, NULL, 0,
		    "AlertDescription", HFILL } },
		{ &hf_rdpneg_cert_subject, { "Certificate subject",
		    "rdpneg.tls.cert.subject", FT_STRING, BASE_NONE, NULL, 0,
		    "The server's certificate (RFC 4514), escaped", HFILL } },
		{ &hf_rdpneg_cert_issuer, { "Certificate issuer",
		    "rdpneg.tls.cert.issuer", FT_STRING, BASE_NONE, NULL, 0,
		    "RFC 4514, escaped", HFILL } },
		{ &hf_rdpneg_cert_not_after, { "Certificate not after",
		    "rdpneg.tls.cert.not_after", FT_ABSOLUTE_TIME,
		    ABSOLUTE_TIME_UTC, NULL, 0, "RFC 5280 4.1.2.5", HFILL } },
		{ &hf_rdpneg_cert_sha256, { "Certificate SHA-256",
		    "rdpneg.tls.cert.sha256", FT_BYTES, BASE_NONE, NULL, 0,
		    "Of its DER bytes", HFILL } },
		{ &hf_rdpneg_cert_problems, { "Certificate problems",
		    "rdpneg.tls.cert.problems", FT_STRING, BASE_NONE, NULL, 0,
		    "Judged at the connection's time: self-signed, expired, "
		    "not-yet-valid, name-mismatch, weak-key, weak-signature, "
		    "unparsable", HFILL } },
		{ &hf_rdpneg_mcs_client_name, { "Client name",
		    "rdpneg.mcs.client_name", FT_STRING, BASE_NONE, NULL, 0,
		    "clientName (MS-RDPBCGR 2.2.1.3.2), escaped", HFILL } },
		{ &hf_rdpneg_mcs_client_build, { "Client build",
		    "rdpneg.mcs.client_build", FT_UINT32, BASE_DEC, NULL, 0,
		    "clientBuild", HFILL } },
		{ &hf_rdpneg_mcs_keyboard, { "Keyboard layout",
		    "rdpneg.mcs.keyboard_layout", FT_UINT32, BASE_HEX, NULL, 0,
		    "keyboardLayout", HFILL } },
		{ &hf_rdpneg_mcs_desktop, { "Desktop", "rdpneg.mcs.desktop",
		    FT_STRING, BASE_NONE, NULL, 0, "Size and colour depth "
		    "asked for", HFILL } },
		{ &hf_rdpneg_mcs_channels, { "Channels", "rdpneg.mcs.channels",
		    FT_STRING, BASE_NONE, NULL, 0, "CS_NET channel names "
		    "(2.2.1.3.4), escaped", HFILL } },
		{ &hf_rdpneg_mcs_offered, { "Encryption methods offered",
		    "rdpneg.mcs.encryption_methods", FT_STRING, BASE_NONE, NULL,
		    0, "CS_SECURITY (2.2.1.3.3)", HFILL } },
		{ &hf_rdpneg_mcs_method, { "Encryption method",
		    "rdpneg.mcs.encryption_method", FT_STRING, BASE_NONE, NULL,
		    0, "SC_SECURITY (2.2.1.4.3)", HFILL } },
		{ &hf_rdpneg_mcs_level, { "Encryption level",
		    "rdpneg.mcs.encryption_level", FT_STRING, BASE_NONE, NULL,
		    0, "SC_SECURITY (2.2.1.4.3)", HFILL } },
		{ &hf_rdpneg_mcs_security, { "Server's choice",
		    "rdpneg.mcs.security", FT_STRING, BASE_NONE, NULL, 0,
		    "Method, level and server certificate", HFILL } },
		{ &hf_rdpneg_mcs_stage, { "Stage reached", "rdpneg.mcs.stage",
		    FT_STRING, BASE_NONE, NULL, 0, "Of the connection "
		    "sequence (MS-RDPBCGR 1.3.1.1)", HFILL } },
		{ &hf_rdpneg_mcs_disconnect, { "Disconnect",
		    "rdpneg.mcs.disconnect", FT_STRING, BASE_NONE, NULL, 0,
		    "The first Disconnect Provider Ultimatum (T.125 7)",
		    HFILL } },
		{ &hf_rdpneg_mcs_license_error, { "License Error",
		    "rdpneg.mcs.license_error", FT_STRING, BASE_NONE, NULL, 0,
		    "In clear (2.2.1.12)", HFILL } },
		{ &hf_rdpneg_mcs_error_info, { "Set Error Info",
		    "rdpneg.mcs.error_info", FT_STRING, BASE_NONE, NULL, 0,
		    "In clear (2.2.5.1.1)", HFILL } },
		{ &hf_rdpneg_mcs_weaknesses, { "Weaknesses",
		    "rdpneg.mcs.weaknesses", FT_STRING, BASE_NONE, NULL, 0,
		    "Of the Standard RDP Security chosen", HFILL } },
		{ &hf_rdpneg_credssp_stage, { "CredSSP stage",
		    "rdpneg.credssp.stage", FT_STRING, BASE_NONE, NULL, 0,
		    "How far NLA got (MS-CSSP 3.1.5), inferred", HFILL } },
		{ &hf_rdpneg_credssp_inferred, { "Inferred",
		    "rdpneg.credssp.inferred", FT_STRING, BASE_NONE, NULL, 0,
		    "What the stage is inferred from", HFILL } },
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
	    &ett_rdpneg_diagnosis, &ett_rdpneg_server, &ett_rdpneg_step,
	    &ett_rdpneg_tls, &ett_rdpneg_alert, &ett_rdpneg_credssp,
	    &ett_rdpneg_mcs };
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
		{ &ei_rdpneg_tls_alert, { "rdpneg.expert.tls_alert",
		    PI_SECURITY, PI_WARN, "A TLS alert in clear after the "
		    "negotiation", EXPFILL } },
		{ &ei_rdpneg_certificate, { "rdpneg.expert.certificate",
		    PI_SECURITY, PI_WARN, "The server's certificate has "
		    "problems", EXPFILL } },
	};
	module_t *prefs;
	expert_module_t *expert;

	set_vals(hf, array_length(hf), &hf_rdpneg_pdu, rdpneg_tpdu_names);
	set_vals(hf, array_length(hf), &hf_rdpneg_selected,
	    rdpneg_protocol_names);
	set_vals(hf, array_length(hf), &hf_rdpneg_failure,
	    rdpneg_failure_names);
	set_vals(hf, array_length(hf), &hf_rdpneg_tls_version,
	    rdpneg_tls_version_names);
	set_vals(hf, array_length(hf), &hf_rdpneg_tls_suite,
	    rdpneg_tls_suite_names);
	set_vals(hf, array_length(hf), &hf_rdpneg_tls_alert_desc,
	    rdpneg_tls_alert_names);
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
	GArray *wanted = g_array_sized_new(FALSE, FALSE, sizeof(int), 9);
	size_t i;

	hf_tpkt_version = proto_registrar_get_id_byname("tpkt.version");
	hf_tcp_flags = proto_registrar_get_id_byname("tcp.flags");
	hf_tcp_payload = proto_registrar_get_id_byname("tcp.payload");
	hf_tcp_seq_raw = proto_registrar_get_id_byname("tcp.seq_raw");
	hf_tcp_len = proto_registrar_get_id_byname("tcp.len");
	hf_tcp_segment = proto_registrar_get_id_byname("tcp.segment");
	g_array_append_val(wanted, hf_tpkt_version);
	g_array_append_val(wanted, hf_tcp_flags);
	g_array_append_val(wanted, hf_tcp_payload);
	g_array_append_val(wanted, hf_tcp_seq_raw);
	g_array_append_val(wanted, hf_tcp_len);
	g_array_append_val(wanted, hf_tcp_segment);
	for (i = 0; i < G_N_ELEMENTS(hf_tcp_resent); i++) {
		hf_tcp_resent[i] = proto_registrar_get_id_byname(
		    tcp_resent_names[i]);
		if (hf_tcp_resent[i] > 0)
			g_array_append_val(wanted, hf_tcp_resent[i]);
	}
	register_postdissector(rdpneg_handle);
	set_postdissector_wanted_hfids(rdpneg_handle, wanted);
}
