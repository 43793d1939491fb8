/*
 * report_jsonl.c - one JSON object per connection attempt (keys in README).
 *
 * Built with jansson, which escapes strings correctly and writes numbers
 * and nulls without hand-rolled formatting; untrusted bytes are made
 * valid UTF-8 first, and the output is kept ASCII (JSON_ENSURE_ASCII).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <jansson.h>

#include "cli/fmt.h"
#include "cli/report.h"

/* Untrusted bytes as a JSON string. */
static json_t *
json_bytes(const uint8_t *bytes, size_t len)
{
	char buf[RDPNEG_TOKEN_MAX * 3 + 1];
	size_t n = fmt_utf8_sanitize(bytes, len, buf, sizeof(buf));

	return json_stringn(buf, n);
}

static json_t *
json_text(const char *s)
{
	return s[0] != '\0' ? json_bytes((const uint8_t *)s, strlen(s)) :
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

static void
jsonl_attempt(struct report *r, const char *capture,
    const struct rdpneg_attempt *a)
{
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
	json_object_set_new(o, "cookie", (a->have & RDPNEG_ATTEMPT_TOKEN) ?
	    json_bytes(a->token, a->token_len) : json_null());
	json_object_set_new(o, "user",
	    (a->have & RDPNEG_ATTEMPT_TOKEN) &&
	    a->token_kind == RDPNEG_TOKEN_MSTSHASH ?
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

	json_dumpf(o, r->out, JSON_COMPACT | JSON_ENSURE_ASCII);
	fputc('\n', r->out);
	json_decref(o);
}

static void
jsonl_finish(struct report *r)
{
	(void)r;	/* JSONL stays one record per line: no summary */
}

const struct report_format report_jsonl = {
	"jsonl",
	jsonl_attempt,
	jsonl_finish,
};
