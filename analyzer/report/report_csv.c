/*
 * report_csv.c - one row per attempt (RFC 4180), or one per server with
 * --summary.  Text fields are always quoted and guarded against formula
 * injection (fmt_csv_field); the columns are listed in README.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <string.h>

#include "report/fmt.h"
#include "report/report.h"

#define FIELD_MAX	(8 * 4096 + 16)

static const char attempt_header[] =
    "capture,first_frame,ts,client,server,request_frame,response_frame,"
    "user,cookie,requested_protocols,requested,request_flags,outcome,end,"
    "failure_code,failure,selected_protocol,selected,"
    "protocol_not_requested,scanner,chain_id,chain_position,chain_length,"
    "diagnosis,confidence,summary,malformed,incomplete,"
    "server_implementation\r\n";

static const char server_header[] =
    "server,attempts,failed,selected,failure,legacy,no_response,refused,"
    "unanswered,no_request,clients,first_seen,last_seen\r\n";

/* A quoted text field, then a comma (or the row's end). */
static void
field(FILE *out, const void *bytes, size_t len, const char *after)
{
	static char buf[FIELD_MAX];	/* the report runs on one thread */

	fmt_csv_field(bytes, len, buf, sizeof(buf));
	fputs(buf, out);
	fputs(after, out);
}

static void
text_field(FILE *out, const char *s, const char *after)
{
	field(out, s != NULL ? s : "", s != NULL ? strlen(s) : 0, after);
}

/* A number, or an empty field; then a comma.  Written without printf
 * (its format parsing showed in profiles: about ten numbers a row). */
static void
number(FILE *out, int present, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	*--p = ',';
	if (present)
		do
			*--p = (char)('0' + v % 10);
		while ((v /= 10) != 0);
	fwrite(p, 1, (size_t)(buf + sizeof(buf) - p), out);
}

static void
csv_begin(struct report *r)
{
	fputs(r->summary_only ? server_header : attempt_header, r->out);
}

static void
csv_row(FILE *out, const char *capture, const struct attempt_item *it)
{
	const struct rdpneg_attempt *a = &it->a;
	const struct rdpneg_server_fingerprint *print;
	char text[FIELD_MAX];
	int req = (a->ev.have & RDPNEG_EV_REQ_NEG) != 0;
	int rsp = (a->ev.have & RDPNEG_EV_RSP_NEG) != 0;
	int failure = rsp && a->ev.response_type == RDPNEG_TYPE_FAILURE;
	int selected = rsp && a->ev.response_type == RDPNEG_TYPE_RSP;

	text_field(out, capture, ",");
	number(out, 1, a->first_frame);
	fmt_time(a->ts_sec, a->ts_nsec, text, sizeof(text));
	text_field(out, text, ",");
	fmt_endpoint(a->family, &a->client, text, sizeof(text));
	text_field(out, text, ",");
	fmt_endpoint(a->family, &a->server, text, sizeof(text));
	text_field(out, text, ",");
	number(out, a->request_frame != 0, a->request_frame);
	number(out, a->response_frame != 0, a->response_frame);
	if (a->token != NULL && a->ev.token_kind == RDPNEG_TOKEN_MSTSHASH)
		field(out, a->token + a->ev.token_value_off,
		    a->token_len - a->ev.token_value_off, ",");
	else
		text_field(out, NULL, ",");
	field(out, a->token != NULL ? a->token : (const uint8_t *)"",
	    a->token_len, ",");
	number(out, req, a->ev.requested);
	if (req)
		rdpneg_protocols_str(a->ev.requested, text, sizeof(text));
	text_field(out, req ? text : NULL, ",");
	number(out, req, a->ev.request_flags);
	text_field(out, rdpneg_tok_str(rdpneg_outcome_names, a->ev.outcome), ",");
	text_field(out, rdpneg_tok_str(rdpneg_end_names, a->ev.end), ",");
	number(out, failure, a->ev.response_value);
	if (failure)
		fmt_failure(a->ev.response_value, text, sizeof(text));
	text_field(out, failure ? text : NULL, ",");
	number(out, selected, a->ev.response_value);
	if (selected)
		fmt_selected(a->ev.response_value, text, sizeof(text));
	text_field(out, selected ? text : NULL, ",");
	text_field(out, rdpneg_not_requested(&a->ev) ? "true" : "false", ",");
	text_field(out, (it->a.ev.have & RDPNEG_EV_SCANNER) ? "true" : "false",
	    ",");
	number(out, 1, it->chain_id);
	number(out, 1, it->a.ev.chain_position);
	number(out, 1, it->a.ev.chain_length);
	text_field(out, it->diag->id, ",");
	text_field(out, rdpneg_tok_str(rdpneg_confidence_names,
	    it->diag->confidence), ",");
	rdpneg_expand(it->diag->summary, &it->a.ev, text, sizeof(text));
	text_field(out, text, ",");
	text_field(out, a->malformed, ",");
	text_field(out, a->incomplete, ",");
	print = it->server;
	text_field(out, print != NULL ? rdpneg_tok_str(rdpneg_server_names,
	    print->server) : NULL, "\r\n");
}

static void
csv_attempt(struct report *r, const struct capture_result *res,
    const struct attempt_item *it)
{
	if (report_shows(r, it))
		csv_row(r->out, res->path, it);
}

static void
csv_capture(struct report *r, const struct capture_result *res)
{
	(void)r;
	(void)res;
}

static void
csv_finish(struct report *r)
{
	const struct server_stat *v;
	char text[FMT_ENDPOINT_MAX + FMT_TIME_MAX];
	size_t i, k;

	if (!r->summary_only)
		return;
	summary_sort(&r->servers);
	for (i = 0; i < r->servers.n; i++) {
		v = &r->servers.servers[i];
		fmt_endpoint(v->family, &v->server, text, sizeof(text));
		text_field(r->out, text, ",");
		number(r->out, 1, v->attempts);
		number(r->out, 1, v->failed);
		for (k = 0; k < RDPNEG_OUTCOME_COUNT; k++)
			number(r->out, 1, v->by_outcome[k]);
		number(r->out, 1, v->nclients);
		fmt_time(v->first_sec, v->first_nsec, text, sizeof(text));
		text_field(r->out, text, ",");
		fmt_time(v->last_sec, v->last_nsec, text, sizeof(text));
		text_field(r->out, text, "\r\n");
	}
}

const struct report_format report_csv = {
	"csv",
	csv_begin,
	csv_attempt,
	csv_capture,
	csv_finish,
};
