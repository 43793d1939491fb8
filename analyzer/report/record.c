/*
 * record.c - the fields of an attempt's record and their getters.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "report/record.h"

const char *const record_group_keys[RECORD_GROUPS] = {
	NULL, "chain", "diagnosis"
};

/* ---- Helpers of the getters. */

static int
has_request(const struct rdpneg_attempt *a)
{
	return (a->ev.have & RDPNEG_EV_REQ_NEG) != 0;
}

/* Whether the server answered with an RDP_NEG_RSP or _FAILURE (type). */
static int
answered(const struct rdpneg_attempt *a, uint8_t type)
{
	return (a->ev.have & RDPNEG_EV_RSP_NEG) != 0 &&
	    a->ev.response_type == type;
}

static void
bytes(struct record_value *v, const void *p, size_t len)
{
	v->u.bytes.p = p;
	v->u.bytes.len = len;
}

/* A text of the attempt's, or null. */
static void
bytes_or_null(struct record_value *v, const char *s)
{
	if (s != NULL)
		bytes(v, s, strlen(s));
	else
		v->type = RECORD_NULL;
}

static void
n_if(struct record_value *v, int present, uint64_t n)
{
	if (present)
		v->u.n = n;
	else
		v->type = RECORD_NULL;
}

/* ---- The attempt. */

static void
get_capture(const struct record_ctx *c, struct record_value *v)
{
	bytes(v, c->capture, strlen(c->capture));
}

static void
get_first_frame(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->it->a.first_frame;
}

static void
get_ts(const struct record_ctx *c, struct record_value *v)
{
	fmt_time(c->it->a.ts_sec, c->it->a.ts_nsec, c->buf, RECORD_TEXT_MAX);
	v->u.text = c->buf;
}

static void
get_time_utc(const struct record_ctx *c, struct record_value *v)
{
	fmt_time_sheet(c->it->a.ts_sec, c->it->a.ts_nsec, c->buf,
	    RECORD_TEXT_MAX);
	v->u.text = c->buf;
}

static void
get_client(const struct record_ctx *c, struct record_value *v)
{
	fmt_endpoint(c->it->a.family, &c->it->a.client, c->buf,
	    RECORD_TEXT_MAX);
	v->u.text = c->buf;
}

static void
get_server(const struct record_ctx *c, struct record_value *v)
{
	fmt_endpoint(c->it->a.family, &c->it->a.server, c->buf,
	    RECORD_TEXT_MAX);
	v->u.text = c->buf;
}

static void
get_request_frame(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->it->a.request_frame;
}

static void
get_response_frame(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->it->a.response_frame;
}

static void
get_cookie(const struct record_ctx *c, struct record_value *v)
{
	const struct rdpneg_attempt *a = &c->it->a;

	if (a->token != NULL)
		bytes(v, a->token, a->token_len);
	else
		v->type = RECORD_NULL;
}

static void
get_user(const struct record_ctx *c, struct record_value *v)
{
	const struct rdpneg_attempt *a = &c->it->a;

	if (a->token != NULL && a->ev.token_kind == RDPNEG_TOKEN_MSTSHASH)
		bytes(v, a->token + a->ev.token_value_off,
		    a->token_len - a->ev.token_value_off);
	else
		v->type = RECORD_NULL;
}

static void
get_requested_protocols(const struct record_ctx *c, struct record_value *v)
{
	n_if(v, has_request(&c->it->a), c->it->a.ev.requested);
}

static void
get_request_flags(const struct record_ctx *c, struct record_value *v)
{
	n_if(v, has_request(&c->it->a), c->it->a.ev.request_flags);
}

static void
get_correlation_id(const struct record_ctx *c, struct record_value *v)
{
	const struct rdpneg_attempt *a = &c->it->a;

	if (a->ev.have & RDPNEG_EV_CORRELATION) {
		fmt_hex(a->ev.correlation_id, 16, c->buf, RECORD_TEXT_MAX);
		v->u.text = c->buf;
	} else
		v->type = RECORD_NULL;
}

static void
get_outcome(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = rdpneg_tok_str(rdpneg_outcome_names, c->it->a.ev.outcome);
}

static void
get_end(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = rdpneg_tok_str(rdpneg_end_names, c->it->a.ev.end);
}

static void
get_failure_code(const struct record_ctx *c, struct record_value *v)
{
	n_if(v, answered(&c->it->a, RDPNEG_TYPE_FAILURE),
	    c->it->a.ev.response_value);
}

static void
get_failure(const struct record_ctx *c, struct record_value *v)
{
	if (answered(&c->it->a, RDPNEG_TYPE_FAILURE)) {
		fmt_failure(c->it->a.ev.response_value, c->buf,
		    RECORD_TEXT_MAX);
		v->u.text = c->buf;
	} else
		v->type = RECORD_NULL;
}

static void
get_selected_protocol(const struct record_ctx *c, struct record_value *v)
{
	n_if(v, answered(&c->it->a, RDPNEG_TYPE_RSP),
	    c->it->a.ev.response_value);
}

static void
get_selected(const struct record_ctx *c, struct record_value *v)
{
	if (answered(&c->it->a, RDPNEG_TYPE_RSP)) {
		fmt_selected(c->it->a.ev.response_value, c->buf,
		    RECORD_TEXT_MAX);
		v->u.text = c->buf;
	} else
		v->type = RECORD_NULL;
}

static void
get_response_flags(const struct record_ctx *c, struct record_value *v)
{
	n_if(v, answered(&c->it->a, RDPNEG_TYPE_RSP),
	    c->it->a.ev.response_flags);
}

static void
get_protocol_not_requested(const struct record_ctx *c,
    struct record_value *v)
{
	v->u.n = rdpneg_not_requested(&c->it->a.ev) != 0;
}

static void
get_malformed(const struct record_ctx *c, struct record_value *v)
{
	bytes_or_null(v, c->it->a.malformed);
}

static void
get_incomplete(const struct record_ctx *c, struct record_value *v)
{
	bytes_or_null(v, c->it->a.incomplete);
}

static void
get_server_implementation(const struct record_ctx *c,
    struct record_value *v)
{
	if (c->it->server != NULL)
		v->u.server = c->it->server;
	else
		v->type = RECORD_NULL;
}

static void
get_scanner(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = (c->it->a.ev.have & RDPNEG_EV_SCANNER) != 0;
}

/* ---- Its fallback chain. */

static void
get_chain_id(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->it->chain_id;
}

static void
get_chain_position(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->it->a.ev.chain_position;
}

static void
get_chain_length(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->it->a.ev.chain_length;
}

static void
get_final_frame(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->it->final_frame;
}

static void
get_final_outcome(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = rdpneg_tok_str(rdpneg_outcome_names,
	    c->it->final_outcome);
}

static void
get_final_diagnosis(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = c->it->final_diag->id;
}

static void
get_fell_back(const struct record_ctx *c, struct record_value *v)
{
	v->u.n = c->it->final_fell_back != 0;
}

/* ---- Its diagnosis. */

static void
get_class(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = rdpneg_tok_str(rdpneg_class_names, c->it->class);
}

static void
get_diagnosis_id(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = c->it->diag->id;
}

static void
get_summary(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = c->it->diag->summary;
}

static void
get_confidence(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = rdpneg_tok_str(rdpneg_confidence_names,
	    c->it->diag->confidence);
}

static void
get_confidence_why(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = c->it->diag->confidence_why;
}

static void
get_explanation(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = c->it->diag->explanation;
}

static void
get_server_settings(const struct record_ctx *c, struct record_value *v)
{
	v->u.text = c->it->diag->server_settings;
}

/* The steps that apply to the attempt, the recognised implementation's
 * first. */
static void
get_remediation(const struct record_ctx *c, struct record_value *v)
{
	const struct attempt_item *it = c->it;
	size_t n;

	n = rdpneg_select_steps(it->diag, it->server != NULL ?
	    it->server->server : RDPNEG_SERVER_UNKNOWN, &it->a.ev,
	    v->selected, RDPNEG_STEPS_MAX - 1);
	v->selected[n < RDPNEG_STEPS_MAX ? n : RDPNEG_STEPS_MAX - 1] = NULL;
	v->u.steps = v->selected;
}

static void
get_references(const struct record_ctx *c, struct record_value *v)
{
	v->u.list = c->it->diag->references;
}

/* ---- The table. */

#define TOP		RECORD_TOP
#define CHAIN		RECORD_CHAIN
#define DIAG		RECORD_DIAGNOSIS
/* A field with a CSV column, at position pos; one without; a column of
 * the record's own that JSON does not have. */
#define COLUMN(key, group, column, pos, type, get)			\
	{ key, group, column, pos, RECORD_##type, get }
#define JSON_ONLY(key, group, type, get)				\
	{ key, group, NULL, 0, RECORD_##type, get }
#define CSV_ONLY(column, pos, type, get)				\
	{ NULL, RECORD_TOP, column, pos, RECORD_##type, get }

const struct record_field record_fields[] = {
	COLUMN("capture", TOP, "capture", 0, BYTES, get_capture),
	COLUMN("first_frame", TOP, "first_frame", 1, FRAME, get_first_frame),
	COLUMN("ts", TOP, "ts", 2, TEXT, get_ts),
	CSV_ONLY("time_utc", 3, TEXT, get_time_utc),
	COLUMN("client", TOP, "client", 4, TEXT, get_client),
	COLUMN("server", TOP, "server", 5, TEXT, get_server),
	COLUMN("request_frame", TOP, "request_frame", 6, FRAME,
	    get_request_frame),
	COLUMN("response_frame", TOP, "response_frame", 7, FRAME,
	    get_response_frame),
	COLUMN("cookie", TOP, "cookie", 9, BYTES, get_cookie),
	COLUMN("user", TOP, "user", 8, BYTES, get_user),
	COLUMN("requested_protocols", TOP, "requested_protocols", 10, INT,
	    get_requested_protocols),
	COLUMN("requested", TOP, "requested", 11, PROTOCOLS,
	    get_requested_protocols),
	COLUMN("request_flags", TOP, "request_flags", 12, INT,
	    get_request_flags),
	JSON_ONLY("correlation_id", TOP, TEXT, get_correlation_id),
	COLUMN("outcome", TOP, "outcome", 13, TEXT, get_outcome),
	COLUMN("end", TOP, "end", 14, TEXT, get_end),
	COLUMN("failure_code", TOP, "failure_code", 15, INT,
	    get_failure_code),
	COLUMN("failure", TOP, "failure", 16, TEXT, get_failure),
	COLUMN("selected_protocol", TOP, "selected_protocol", 17, INT,
	    get_selected_protocol),
	COLUMN("selected", TOP, "selected", 18, TEXT, get_selected),
	JSON_ONLY("response_flags", TOP, INT, get_response_flags),
	COLUMN("protocol_not_requested", TOP, "protocol_not_requested", 19,
	    BOOL, get_protocol_not_requested),
	COLUMN("malformed", TOP, "malformed", 28, BYTES, get_malformed),
	COLUMN("incomplete", TOP, "incomplete", 29, BYTES, get_incomplete),
	COLUMN("server_implementation", TOP, "server_implementation", 30,
	    SERVER, get_server_implementation),
	COLUMN("scanner", TOP, "scanner", 20, BOOL, get_scanner),
	COLUMN("class", TOP, "class", 25, TEXT, get_class),

	COLUMN("id", CHAIN, "chain_id", 21, INT, get_chain_id),
	COLUMN("position", CHAIN, "chain_position", 22, INT,
	    get_chain_position),
	COLUMN("length", CHAIN, "chain_length", 23, INT, get_chain_length),
	JSON_ONLY("final_frame", CHAIN, FRAME, get_final_frame),
	JSON_ONLY("final_outcome", CHAIN, TEXT, get_final_outcome),
	JSON_ONLY("final_diagnosis", CHAIN, TEXT, get_final_diagnosis),
	JSON_ONLY("fell_back_to_standard_rdp", CHAIN, BOOL, get_fell_back),

	COLUMN("id", DIAG, "diagnosis", 24, TEXT, get_diagnosis_id),
	COLUMN("summary", DIAG, "summary", 27, KB, get_summary),
	COLUMN("confidence", DIAG, "confidence", 26, TEXT, get_confidence),
	JSON_ONLY("confidence_why", DIAG, KB, get_confidence_why),
	JSON_ONLY("explanation", DIAG, KB, get_explanation),
	JSON_ONLY("server_settings", DIAG, KB, get_server_settings),
	JSON_ONLY("remediation", DIAG, STEPS, get_remediation),
	JSON_ONLY("references", DIAG, KB_LIST, get_references),
};

_Static_assert(sizeof(record_fields) / sizeof(record_fields[0]) ==
    RECORD_FIELDS, "RECORD_FIELDS is the number of fields");
