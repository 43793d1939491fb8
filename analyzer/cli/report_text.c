/*
 * report_text.c - the readable report: a compact block per attempt (time,
 * client -> server, user, request, answer, diagnosis, fix), a summary by
 * server, and a totals line.  Untrusted bytes are escaped as ASCII.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <inttypes.h>
#include <string.h>

#include "cli/fmt.h"
#include "cli/report.h"

#define TEXT_MAX	(4 * 4096 + 1)

static void
print_escaped(FILE *out, const char *s)
{
	static char buf[TEXT_MAX];	/* the report runs on one thread */

	fmt_escape_text((const uint8_t *)s, strlen(s), buf, sizeof(buf));
	fputs(buf, out);
}

/* A knowledge-base text, placeholders filled, after a label. */
static void
print_kb(FILE *out, const char *label, const char *text,
    const struct rdpneg_evidence *ev)
{
	char buf[2048];

	rdpneg_expand(text, ev, buf, sizeof(buf));
	fprintf(out, "  %-10s %s\n", label, buf);
}

static void
print_request(FILE *out, const struct rdpneg_attempt *a)
{
	char text[TEXT_MAX];

	fmt_user(a, text, sizeof(text));
	if (text[0] != '\0')
		fprintf(out, "  %-10s %s\n", "user", text);
	fmt_requested(a, text, sizeof(text));
	fprintf(out, "  %-10s %s", "requested", text);
	if (a->request_flags != 0) {
		rdpneg_bits_str(rdpneg_request_flag_names, a->request_flags,
		    "", text, sizeof(text));
		fprintf(out, ", flags %s", text);
	}
	if (a->token != NULL && a->token_kind != RDPNEG_TOKEN_MSTSHASH) {
		fmt_escape_text(a->token, a->token_len, text, sizeof(text));
		fprintf(out, ", token \"%s\"", text);
	}
	fputc('\n', out);
}

static void
print_evidence(FILE *out, const struct rdpneg_attempt *a)
{
	char text[128];

	fmt_answer(a, text, sizeof(text));
	fprintf(out, "  %-10s %s; end %s\n", "answer", text,
	    rdpneg_tok_str(rdpneg_end_names, a->end));
	fprintf(out, "  %-10s", "frames");
	if (a->request_frame != 0)
		fprintf(out, " request %" PRIu64, a->request_frame);
	if (a->response_frame != 0)
		fprintf(out, " %s %" PRIu64, (a->have &
		    RDPNEG_ATTEMPT_RESPONSE) ? "response" : "end",
		    a->response_frame);
	fprintf(out, " (first %" PRIu64 ")\n", a->first_frame);
	if (a->malformed != NULL) {
		fprintf(out, "  %-10s ", "malformed");
		print_escaped(out, a->malformed);
		fputc('\n', out);
	}
	if (a->incomplete != NULL) {
		fprintf(out, "  %-10s ", "incomplete");
		print_escaped(out, a->incomplete);
		fputc('\n', out);
	}
}

/* First time this diagnosis is shown?  (Then remember it.) */
static int
first_time(struct report *r, const struct rdpneg_diagnosis *d)
{
	size_t i;

	for (i = 0; i < r->nexplained; i++)
		if (r->explained[i] == d)
			return 0;
	if (r->nexplained < sizeof(r->explained) / sizeof(r->explained[0]))
		r->explained[r->nexplained++] = d;
	return 1;
}

/* The diagnosis; its setting and fix only where it first appears. */
static void
print_diagnosis(struct report *r, const struct attempt_item *it)
{
	const struct rdpneg_diagnosis *d = it->diag;
	const struct rdpneg_server_print *print;
	const char *steps[RDPNEG_STEPS_MAX];
	FILE *out = r->out;
	char buf[2048];
	size_t i, nsteps;

	rdpneg_expand(d->summary, &it->ev, buf, sizeof(buf));
	fprintf(out, "  %-10s %s (%s confidence): %s\n", "diagnosis", d->id,
	    rdpneg_tok_str(rdpneg_confidence_names, d->confidence), buf);
	print = rdpneg_identify_server(&it->ev);
	if (print != NULL)
		fprintf(out, "  %-10s %s (%s confidence): %s\n", "server",
		    rdpneg_tok_str(rdpneg_server_names, print->server),
		    rdpneg_tok_str(rdpneg_confidence_names, print->confidence),
		    print->why);
	if (first_time(r, d)) {
		print_kb(out, "setting", d->server_settings, &it->ev);
		/* The recognised implementation's fix first. */
		nsteps = rdpneg_order_remediation(d->remediation,
		    print != NULL ? print->server : RDPNEG_SERVER_UNKNOWN,
		    steps, RDPNEG_STEPS_MAX);
		for (i = 0; i < nsteps && i < RDPNEG_STEPS_MAX; i++) {
			rdpneg_expand(steps[i], &it->ev, buf, sizeof(buf));
			fprintf(out, "  %-10s %zu. %s\n", i == 0 ? "fix" : "",
			    i + 1, buf);
		}
	} else
		fprintf(out, "  %-10s as for %s above\n", "fix", d->id);
	if (it->ev.chain_length > 1)
		fprintf(out, "  %-10s attempt %u of %u; the chain ended %s "
		    "(%s)\n", "chain", it->ev.chain_position,
		    it->ev.chain_length, rdpneg_tok_str(rdpneg_outcome_names,
		    it->final_outcome), it->final_diag->id);
}

static void
text_begin(struct report *r)
{
	(void)r;
}

static void
text_attempt(struct report *r, const struct capture_result *res,
    const struct attempt_item *it)
{
	char client[FMT_ENDPOINT_MAX], server[FMT_ENDPOINT_MAX];
	char ts[FMT_TIME_MAX];

	if (!report_shows(r, it))
		return;
	fmt_endpoint(it->a.family, &it->a.client, client, sizeof(client));
	fmt_endpoint(it->a.family, &it->a.server, server, sizeof(server));
	fmt_time(it->a.ts_sec, it->a.ts_nsec, ts, sizeof(ts));
	fprintf(r->out, "%s  %s -> %s  ", ts, client, server);
	print_escaped(r->out, res->path);
	fputc('\n', r->out);
	print_request(r->out, &it->a);
	print_evidence(r->out, &it->a);
	print_diagnosis(r, it);
	fputc('\n', r->out);
}

static void
text_capture(struct report *r, const struct capture_result *res)
{
	(void)r;
	(void)res;
}

static void
print_server(FILE *out, const struct server_stat *v)
{
	char server[FMT_ENDPOINT_MAX], first[FMT_TIME_MAX], last[FMT_TIME_MAX];
	const char *sep = "";
	size_t k;

	fmt_endpoint(v->family, &v->server, server, sizeof(server));
	fmt_time(v->first_sec, v->first_nsec, first, sizeof(first));
	fmt_time(v->last_sec, v->last_nsec, last, sizeof(last));
	fprintf(out, "  %s  %" PRIu64 " attempt%s, %" PRIu64 " failed, %zu "
	    "client%s, %s .. %s\n", server, v->attempts,
	    v->attempts == 1 ? "" : "s", v->failed, v->nclients,
	    v->nclients == 1 ? "" : "s", first, last);
	fputs("   ", out);
	for (k = 0; k < RDPNEG_OUTCOME_COUNT; k++) {
		if (v->by_outcome[k] == 0)
			continue;
		fprintf(out, "%s %s %" PRIu64, sep, rdpneg_tok_str(
		    rdpneg_outcome_names, (uint32_t)k), v->by_outcome[k]);
		sep = ",";
	}
	for (k = 1; k <= SUMMARY_UNKNOWN_FAILURE; k++)
		if (v->by_failure[k] != 0)
			fprintf(out, ", %s %" PRIu64, k < SUMMARY_UNKNOWN_FAILURE ?
			    rdpneg_tok_str(rdpneg_failure_names, (uint32_t)k) :
			    "unknown failure codes", v->by_failure[k]);
	fputc('\n', out);
}

static void
text_finish(struct report *r)
{
	const struct report_totals *t = &r->totals;
	const char *sep = ": ";
	size_t i;
	int k;

	summary_sort(&r->servers);
	if (r->servers.n > 0)
		fputs("Summary by server\n", r->out);
	for (i = 0; i < r->servers.n; i++)
		print_server(r->out, &r->servers.servers[i]);
	fprintf(r->out, "%" PRIu64 " file%s, %" PRIu64 " unreadable, %"
	    PRIu64 " connection attempt%s, %" PRIu64 " failed", t->files,
	    t->files == 1 ? "" : "s", t->unreadable, t->attempts,
	    t->attempts == 1 ? "" : "s", t->failed);
	for (k = 0; k < RDPNEG_OUTCOME_COUNT; k++) {
		if (k == RDPNEG_OUTCOME_SELECTED || t->by_outcome[k] == 0)
			continue;
		fprintf(r->out, "%s%" PRIu64 " %s", sep, t->by_outcome[k],
		    rdpneg_tok_str(rdpneg_outcome_names, (uint32_t)k));
		sep = ", ";
	}
	if (t->scanners != 0)
		fprintf(r->out, "%s%" PRIu64 " from scanners", sep,
		    t->scanners);
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
	text_begin,
	text_attempt,
	text_capture,
	text_finish,
};
