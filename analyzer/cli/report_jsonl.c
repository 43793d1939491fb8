/*
 * report_jsonl.c - one JSON object per connection attempt (keys in README).
 *
 * Built with jansson, which escapes strings correctly and writes numbers
 * and nulls without hand-rolled formatting; untrusted bytes are made
 * valid UTF-8 first, and the output is kept ASCII (JSON_ENSURE_ASCII).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/fmt.h"
#include "cli/report.h"

/* Untrusted bytes as a JSON string (valid UTF-8 first: jansson wants it). */
static json_t *
json_bytes(const uint8_t *bytes, size_t len)
{
	size_t size = 3 * len + 1;	/* each byte may become U+FFFD */
	char *buf = malloc(size);
	json_t *s;

	if (buf == NULL)
		return json_null();
	s = json_stringn(buf, fmt_utf8_sanitize(bytes, len, buf, size));
	free(buf);
	return s;
}

static json_t *
json_text(const char *s)
{
	return s != NULL ? json_bytes((const uint8_t *)s, strlen(s)) :
	    json_null();
}

static json_t *
json_frame(uint64_t frame)
{
	return frame != 0 ? json_integer((json_int_t)frame) : json_null();
}

static json_t *
json_protocol_names(uint32_t mask)
{
	json_t *a = json_array();
	const struct rdpneg_tok *t;
	char hex[16];
	uint32_t known = 0;

	if (mask == RDPNEG_PROTOCOL_RDP)
		json_array_append_new(a, json_string("RDP"));
	for (t = rdpneg_protocol_names; t->name != NULL; t++) {
		known |= t->value;
		if (mask & t->value)
			json_array_append_new(a, json_string(t->name));
	}
	if (mask & ~known) {
		snprintf(hex, sizeof(hex), "0x%x", mask & ~known);
		json_array_append_new(a, json_string(hex));
	}
	return a;
}

/* A diagnosis text with its placeholders filled. */
static json_t *
json_expanded(const char *text, const struct rdpneg_evidence *ev)
{
	char buf[2048];

	rdpneg_expand(text, ev, buf, sizeof(buf));
	return json_string(buf);	/* our own text: valid UTF-8 */
}

static json_t *
json_texts(const char *const *texts, const struct rdpneg_evidence *ev)
{
	json_t *a = json_array();

	for (; *texts != NULL; texts++)
		json_array_append_new(a, json_expanded(*texts, ev));
	return a;
}

/* The server implementation the Connection Confirm shows, or NULL. */
static const struct rdpneg_server_print *
server_print(const struct attempt_item *it)
{
	return rdpneg_identify_server(&it->ev);
}

static json_t *
json_server(const struct attempt_item *it)
{
	const struct rdpneg_server_print *p = server_print(it);
	json_t *o;

	if (p == NULL)
		return json_null();
	o = json_object();
	json_object_set_new(o, "name", json_string(
	    rdpneg_tok_str(rdpneg_server_names, p->server)));
	json_object_set_new(o, "confidence", json_string(
	    rdpneg_tok_str(rdpneg_confidence_names, p->confidence)));
	json_object_set_new(o, "evidence", json_string(p->why));
	return o;
}

static json_t *
json_diagnosis(const struct attempt_item *it)
{
	const struct rdpneg_diagnosis *d = it->diag;
	const struct rdpneg_server_print *p = server_print(it);
	const char *steps[RDPNEG_STEPS_MAX];
	size_t n;
	json_t *o = json_object();

	/* The recognised implementation's fix first. */
	n = rdpneg_order_remediation(d->remediation, p != NULL ? p->server :
	    RDPNEG_SERVER_UNKNOWN, steps, RDPNEG_STEPS_MAX - 1);
	steps[n < RDPNEG_STEPS_MAX ? n : RDPNEG_STEPS_MAX - 1] = NULL;

	json_object_set_new(o, "id", json_string(d->id));
	json_object_set_new(o, "failed", json_boolean(d->failed));
	json_object_set_new(o, "summary", json_expanded(d->summary, &it->ev));
	json_object_set_new(o, "confidence", json_string(
	    rdpneg_tok_str(rdpneg_confidence_names, d->confidence)));
	json_object_set_new(o, "confidence_why",
	    json_expanded(d->confidence_why, &it->ev));
	json_object_set_new(o, "explanation",
	    json_expanded(d->explanation, &it->ev));
	json_object_set_new(o, "server_settings",
	    json_expanded(d->server_settings, &it->ev));
	json_object_set_new(o, "remediation", json_texts(steps, &it->ev));
	json_object_set_new(o, "references",
	    json_texts(d->references, &it->ev));
	return o;
}

static json_t *
json_chain(const struct attempt_item *it)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(it->chain_id));
	json_object_set_new(o, "position", json_integer(
	    it->ev.chain_position));
	json_object_set_new(o, "length", json_integer(it->ev.chain_length));
	json_object_set_new(o, "final_frame", json_frame(it->final_frame));
	json_object_set_new(o, "final_outcome", json_string(
	    rdpneg_tok_str(rdpneg_outcome_names, it->final_outcome)));
	json_object_set_new(o, "final_diagnosis", json_string(
	    it->final_diag->id));
	json_object_set_new(o, "fell_back_to_standard_rdp", json_boolean(
	    it->final_fell_back));
	return o;
}

static json_t *
json_attempt(const char *capture, const struct attempt_item *it)
{
	const struct rdpneg_attempt *a = &it->a;
	char text[FMT_ENDPOINT_MAX + FMT_TIME_MAX];
	int req = (a->have & RDPNEG_ATTEMPT_REQ_NEG) != 0;
	int rsp = (a->have & RDPNEG_ATTEMPT_RSP_NEG) != 0;
	int failure = rsp && a->response_type == RDPNEG_TYPE_FAILURE;
	int selected = rsp && a->response_type == RDPNEG_TYPE_RSP;
	json_t *o = json_object();

	json_object_set_new(o, "capture",
	    json_bytes((const uint8_t *)capture, strlen(capture)));
	json_object_set_new(o, "first_frame", json_frame(a->first_frame));
	fmt_time(a->ts_sec, a->ts_nsec, text, sizeof(text));
	json_object_set_new(o, "ts", json_string(text));
	fmt_endpoint(a->family, &a->client, text, sizeof(text));
	json_object_set_new(o, "client", json_string(text));
	fmt_endpoint(a->family, &a->server, text, sizeof(text));
	json_object_set_new(o, "server", json_string(text));
	json_object_set_new(o, "request_frame", json_frame(a->request_frame));
	json_object_set_new(o, "response_frame",
	    json_frame(a->response_frame));
	json_object_set_new(o, "cookie", a->token != NULL ?
	    json_bytes(a->token, a->token_len) : json_null());
	json_object_set_new(o, "user",
	    a->token != NULL && a->token_kind == RDPNEG_TOKEN_MSTSHASH ?
	    json_bytes(a->token + a->token_value_off,
	    a->token_len - a->token_value_off) : json_null());
	json_object_set_new(o, "requested_protocols",
	    req ? json_integer(a->requested) : json_null());
	json_object_set_new(o, "requested",
	    req ? json_protocol_names(a->requested) : json_null());
	json_object_set_new(o, "request_flags",
	    req ? json_integer(a->request_flags) : json_null());
	if (a->have & RDPNEG_ATTEMPT_CORRELATION) {
		fmt_hex(a->correlation_id, 16, text, sizeof(text));
		json_object_set_new(o, "correlation_id", json_string(text));
	} else
		json_object_set_new(o, "correlation_id", json_null());
	json_object_set_new(o, "outcome", json_string(
	    rdpneg_tok_str(rdpneg_outcome_names, a->outcome)));
	json_object_set_new(o, "end", json_string(
	    rdpneg_tok_str(rdpneg_end_names, a->end)));
	json_object_set_new(o, "failure_code",
	    failure ? json_integer(a->response_value) : json_null());
	if (failure)
		fmt_failure(a->response_value, text, sizeof(text));
	json_object_set_new(o, "failure", failure ? json_string(text) :
	    json_null());
	json_object_set_new(o, "selected_protocol",
	    selected ? json_integer(a->response_value) : json_null());
	if (selected)
		fmt_selected(a->response_value, text, sizeof(text));
	json_object_set_new(o, "selected", selected ? json_string(text) :
	    json_null());
	json_object_set_new(o, "response_flags",
	    selected ? json_integer(a->response_flags) : json_null());
	json_object_set_new(o, "protocol_not_requested",
	    json_boolean(fmt_protocol_not_requested(a)));
	json_object_set_new(o, "malformed", json_text(a->malformed));
	json_object_set_new(o, "incomplete", json_text(a->incomplete));
	json_object_set_new(o, "server_implementation", json_server(it));
	json_object_set_new(o, "scanner", json_boolean(
	    (it->ev.have & RDPNEG_EV_SCANNER) != 0));
	json_object_set_new(o, "chain", json_chain(it));
	json_object_set_new(o, "diagnosis", json_diagnosis(it));
	return o;
}

static void
dump_line(FILE *out, json_t *o)
{
	json_dumpf(o, out, JSON_COMPACT | JSON_ENSURE_ASCII);
	fputc('\n', out);
	json_decref(o);
}

static void
jsonl_begin(struct report *r)
{
	(void)r;
}

static void
jsonl_attempt(struct report *r, const struct capture_result *res,
    const struct attempt_item *it)
{
	if (report_shows(r, it))
		dump_line(r->out, json_attempt(res->path, it));
}

static void
jsonl_capture(struct report *r, const struct capture_result *res)
{
	(void)r;
	(void)res;
}

/* With --summary: one object per server. */
static void
jsonl_finish(struct report *r)
{
	char text[FMT_ENDPOINT_MAX + FMT_TIME_MAX];
	const struct server_stat *v;
	json_t *o, *f;
	size_t i, k;

	if (!r->summary_only)
		return;		/* JSONL stays one record per attempt */
	summary_sort(&r->servers);
	for (i = 0; i < r->servers.n; i++) {
		v = &r->servers.servers[i];
		o = json_object();
		fmt_endpoint(v->family, &v->server, text, sizeof(text));
		json_object_set_new(o, "server", json_string(text));
		json_object_set_new(o, "attempts", json_integer(
		    (json_int_t)v->attempts));
		json_object_set_new(o, "failed", json_integer(
		    (json_int_t)v->failed));
		f = json_object();
		for (k = 0; k < RDPNEG_OUTCOME_COUNT; k++)
			json_object_set_new(f, rdpneg_tok_str(
			    rdpneg_outcome_names, (uint32_t)k), json_integer(
			    (json_int_t)v->by_outcome[k]));
		json_object_set_new(o, "outcomes", f);
		f = json_object();
		for (k = 1; k <= SUMMARY_UNKNOWN_FAILURE; k++)
			if (v->by_failure[k] != 0)
				json_object_set_new(f, k < SUMMARY_UNKNOWN_FAILURE ?
				    rdpneg_tok_str(rdpneg_failure_names,
				    (uint32_t)k) : "unknown", json_integer(
				    (json_int_t)v->by_failure[k]));
		json_object_set_new(o, "failures", f);
		json_object_set_new(o, "clients", json_integer(
		    (json_int_t)v->nclients));
		fmt_time(v->first_sec, v->first_nsec, text, sizeof(text));
		json_object_set_new(o, "first_seen", json_string(text));
		fmt_time(v->last_sec, v->last_nsec, text, sizeof(text));
		json_object_set_new(o, "last_seen", json_string(text));
		dump_line(r->out, o);
	}
}

const struct report_format report_jsonl = {
	"jsonl",
	jsonl_begin,
	jsonl_attempt,
	jsonl_capture,
	jsonl_finish,
};
