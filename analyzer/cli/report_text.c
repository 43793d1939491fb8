/*
 * report_text.c - a readable report: three lines per attempt, then a
 * one-line summary.  Untrusted bytes are escaped (fmt_escape_text).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <inttypes.h>
#include <string.h>

#include "cli/fmt.h"
#include "cli/report.h"

#define TEXT_TOKEN_MAX	(RDPNEG_TOKEN_MAX * 4 + 1)

static void
print_escaped(FILE *out, const char *s)
{
	char buf[4 * 4096 + 1];

	fmt_escape_text((const uint8_t *)s, strlen(s), buf, sizeof(buf));
	fputs(buf, out);
}

static void
print_request(FILE *out, const struct rdpneg_attempt *a)
{
	char names[128], token[TEXT_TOKEN_MAX];

	fputs("    request  ", out);
	if (!(a->have & RDPNEG_ATTEMPT_REQUEST))
		fputs("none", out);
	else if (a->have & RDPNEG_ATTEMPT_REQ_NEG) {
		rdpneg_protocols_str(a->requested, names, sizeof(names));
		fprintf(out, "%s (0x%" PRIx32 ")", names, a->requested);
		if (a->request_flags != 0) {
			rdpneg_bits_str(rdpneg_request_flag_names,
			    a->request_flags, "", names, sizeof(names));
			fprintf(out, " flags %s", names);
		}
	} else
		fputs("no RDP_NEG_REQ (legacy client)", out);
	if (a->have & RDPNEG_ATTEMPT_TOKEN) {
		fmt_escape_text(a->token, a->token_len, token, sizeof(token));
		fprintf(out, "  \"%s\"", token);
	}
	if (a->request_frame != 0)
		fprintf(out, "  frame %" PRIu64, a->request_frame);
	fputc('\n', out);
}

static void
print_answer(FILE *out, const struct rdpneg_attempt *a)
{
	char name[64];

	fprintf(out, "    answer   %s",
	    rdpneg_tok_str(rdpneg_outcome_names, a->outcome));
	if (a->have & RDPNEG_ATTEMPT_RSP_NEG) {
		if (a->response_type == RDPNEG_TYPE_FAILURE) {
			fmt_failure(a->response_value, name, sizeof(name));
			fprintf(out, " %s (%" PRIu32 ")", name,
			    a->response_value);
		} else {
			fmt_selected(a->response_value, name, sizeof(name));
			fprintf(out, " %s%s", name,
			    fmt_protocol_not_requested(a) ?
			    " (not requested)" : "");
		}
	}
	fprintf(out, ", end %s", rdpneg_tok_str(rdpneg_end_names, a->end));
	if (a->response_frame != 0)
		fprintf(out, "  frame %" PRIu64, a->response_frame);
	fputc('\n', out);
	if (a->malformed[0] != '\0') {
		fputs("    malformed ", out);
		print_escaped(out, a->malformed);
		fputc('\n', out);
	}
	if (a->incomplete[0] != '\0') {
		fputs("    incomplete ", out);
		print_escaped(out, a->incomplete);
		fputc('\n', out);
	}
}

static void
text_attempt(struct report *r, const char *capture,
    const struct rdpneg_attempt *a)
{
	char client[FMT_ENDPOINT_MAX], server[FMT_ENDPOINT_MAX];
	char ts[FMT_TIME_MAX];

	fmt_endpoint(a->family, &a->client, client, sizeof(client));
	fmt_endpoint(a->family, &a->server, server, sizeof(server));
	fmt_time(a->ts_sec, a->ts_nsec, ts, sizeof(ts));
	print_escaped(r->out, capture);
	fprintf(r->out, ":%" PRIu64 "  %s  %s -> %s\n", a->first_frame, ts,
	    client, server);
	print_request(r->out, a);
	print_answer(r->out, a);
}

static void
text_finish(struct report *r)
{
	const struct report_totals *t = &r->totals;
	const char *sep = ": ";
	int i;

	fprintf(r->out, "%" PRIu64 " file%s, %" PRIu64 " unreadable, %"
	    PRIu64 " connection attempt%s, %" PRIu64 " failed", t->files,
	    t->files == 1 ? "" : "s", t->unreadable, t->attempts,
	    t->attempts == 1 ? "" : "s", t->failed);
	for (i = 0; i < RDPNEG_OUTCOME_COUNT; i++) {
		if (i == RDPNEG_OUTCOME_SELECTED || t->by_outcome[i] == 0)
			continue;
		fprintf(r->out, "%s%" PRIu64 " %s", sep, t->by_outcome[i],
		    rdpneg_tok_str(rdpneg_outcome_names, (uint32_t)i));
		sep = ", ";
	}
	if (t->not_requested != 0)
		fprintf(r->out, "%s%" PRIu64 " selected a protocol not "
		    "requested", sep, t->not_requested);
	fputc('\n', r->out);
	/* What the capture itself may hide. */
	if (t->cut_packets != 0)
		fprintf(r->out, "note: %" PRIu64 " packet%s cut by the snap "
		    "length\n", t->cut_packets, t->cut_packets == 1 ? "" : "s");
	if (t->ip_fragments != 0)
		fprintf(r->out, "note: %" PRIu64 " IP fragment%s not "
		    "reassembled\n", t->ip_fragments,
		    t->ip_fragments == 1 ? "" : "s");
	if (t->overflow != 0)
		fprintf(r->out, "note: %" PRIu64 " connection%s not tracked "
		    "(--max-connections)\n", t->overflow,
		    t->overflow == 1 ? "" : "s");
}

const struct report_format report_text = {
	"text",
	text_attempt,
	text_finish,
};
