/*
 * report_html.c - the HTML report: one self-contained page for an
 * incident review or a ticket, readable without JavaScript and safe to
 * open whatever the capture holds: an overview, a timeline (inline SVG,
 * html_timeline.c), the tables by server and by diagnosis, one section per
 * problem (as the Markdown report's findings), and the captures read.
 * Like the Markdown report its size grows with the problems, not with the
 * attempts (HTML_SECTIONS sections, HTML_MORE rows more, HTML_SERVERS
 * servers, HTML_CAPTURES captures; the timeline at most 13 lanes of
 * TL_MARKS_PER_LANE marks or TL_BUCKETS buckets).
 *
 * The timeline shows the attempts the other formats show: the findings
 * (blocked and insecure) by default, every attempt with --all.
 *
 * DOM contract (tests/browser asserts it; keep it):
 * - <svg id="timeline" role="img" aria-labelledby="timeline-title"> holding
 *   <title id="timeline-title">;
 * - a lane per server, the busiest first, at most TL_LANES then one with
 *   data-server="other": <g class="lane" data-server="ADDR:PORT"
 *   data-attempts="N">, holding either marks, <g class="mark"
 *   data-class="blocked|insecure|ok|noise" data-outcome="OUTCOME"
 *   data-diagnosis="ID" data-frame="FIRST_FRAME"> with a <title> first
 *   child, or (with data-aggregated="true") <g class="bucket"
 *   data-class="CLASS" data-count="N">; a lane's marks or bucket counts
 *   add up to its data-attempts, the lanes to the attempts shown;
 * - fallback chains: <path class="chain" data-chain="INPUT-ID">;
 * - <table id="servers">, <table id="diagnoses">, <table
 *   id="timeline-table">, <section id="captures"> with <table
 *   id="capture-files">, problems <section class="problem"
 *   id="problem-N"> (N from 1);
 * - no <script>, no on* attribute, no href, src or xlink:href other than
 *   an in-page "#..." link that the report made.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report/fmt.h"
#include "report/html_escape.h"
#include "report/html_page.h"
#include "report/html_problem.h"
#include "report/html_timeline.h"
#include "report/report.h"
#include "rdpneg_version.h"

#define HTML_MORE	100	/* findings past the sections, a row each */
#define HTML_SERVERS	50	/* servers listed (--summary: all) */
#define HTML_CAPTURES	50	/* captures (and inputs not read) listed */

struct html_capture {
	uint32_t	 number;	/* input number, from 1 */
	char		*path;
	char		*error;		/* NULL: read to its end */
	uint64_t	 size;
	char		 sha256[CAPTURE_SHA256_HEX];
	uint64_t	 packets;
	uint64_t	 attempts;
	uint64_t	 findings;
	struct span	 seen;		/* first and last packets */
	int		 interrupted;
};

struct html_state {
	struct timeline		 timeline;
	struct html_capture	 captures[HTML_CAPTURES];
	size_t			 ncaptures;
	struct html_capture	 unread[HTML_CAPTURES];
	size_t			 nunread;
	uint64_t		 more_captures;
	uint64_t		 more_unread;
	uint64_t		 damaged;
	uint32_t		 input;		/* the input being read */
	struct html_steps	 steps;
};

static const char *
class_name(enum rdpneg_class c)
{
	return rdpneg_tok_str(rdpneg_class_names, c);
}

/* summary_write_counts into a cell: our names and numbers only. */
static void
counts(FILE *out, const uint64_t *v, size_t first, size_t n,
    const char *(*names)(size_t))
{
	size_t k;
	int any = 0;

	for (k = first; k < n; k++) {
		if (v[k] == 0)
			continue;
		fprintf(out, "%s", any ? ", " : "");
		html_ours(out, names(k));
		fprintf(out, " %" PRIu64, v[k]);
		any = 1;
	}
}

/* ---- The overview. */

static void
overview(FILE *out, const struct report *r)
{
	static const char *const meaning[RDPNEG_CLASS_COUNT] = {
		NULL,
		"the user could not connect",
		"connected, with a security finding",
		"connected as asked",
		"scanners, connections without a request",
	};
	const struct report_totals *t = &r->totals;
	uint32_t k;
	int status;

	fputs("<section id=\"overview\">\n<h2>Overview</h2>\n", out);
	if (t->attempts == 0)
		fputs("<p>No connection attempt.</p>\n", out);
	else {
		fputs("<ul class=\"classes\">\n", out);
		for (k = RDPNEG_CLASS_NONE + 1; k < RDPNEG_CLASS_COUNT; k++)
			if (t->by_class[k] != 0)
				fprintf(out, "<li><span class=\"%s\">%" PRIu64
				    " %s</span>: %s</li>\n", class_name(k),
				    t->by_class[k], class_name(k), meaning[k]);
		fputs("</ul>\n", out);
	}
	status = t->by_class[RDPNEG_CLASS_BLOCKED] ? 1 :
	    t->by_class[RDPNEG_CLASS_INSECURE] ? 3 : 0;
	fprintf(out, "<p>Exit status of this run: %d, ", status);
	fputs(status == 1 ? "at least one attempt blocked (a user could not "
	    "connect)" : status == 3 ? "none blocked, but at least one "
	    "insecure (connected, with a security finding)" : "nothing "
	    "blocked or insecure", out);
	fputs(" (2 instead when an input could not be read).</p>\n", out);
	if (t->interrupted || t->not_analysed != 0) {
		fputs("<p>The run was interrupted", out);
		if (t->interrupted) {
			fputs(" in <code>", out);
			html_untrusted_str(out, t->interrupted_path);
			fprintf(out, "</code> after frame %" PRIu64 " (%" PRIu64
			    " bytes read)", t->interrupted_frame,
			    t->interrupted_bytes);
		}
		if (t->not_analysed != 0)
			fprintf(out, "; %" PRIu64 " file%s not analysed",
			    t->not_analysed, t->not_analysed == 1 ? "" : "s");
		fputs(": this report covers what was read.</p>\n", out);
	}
	fputs("</section>\n", out);
}

/* ---- The tables. */

/* The number of the first problem section on a server, or 0. */
static size_t
server_problem(const struct findings *fs, size_t nsections, int family,
    const struct rdpneg_endpoint *ep)
{
	size_t i;

	for (i = 0; i < nsections; i++)
		if (summary_server_cmp(fs->v[i].family, &fs->v[i].server,
		    family, ep) == 0)
			return i + 1;
	return 0;
}

static void
servers(FILE *out, struct summary *s, const struct findings *fs,
    size_t nsections, size_t max)
{
	const struct server_stat *v;
	char server[FMT_ENDPOINT_MAX];
	size_t i, problem;

	summary_sort(s);
	fputs("<section id=\"servers-section\">\n<h2>Servers</h2>\n"
	    "<table id=\"servers\">\n<caption>Every attempt by server"
	    "</caption>\n<thead><tr><th scope=\"col\">Server</th><th "
	    "scope=\"col\">Attempts</th><th scope=\"col\">Blocked</th><th "
	    "scope=\"col\">Insecure</th><th scope=\"col\">Outcomes</th><th "
	    "scope=\"col\">Failure codes</th><th scope=\"col\">Clients</th>"
	    "<th scope=\"col\">First and last seen</th><th scope=\"col\">"
	    "Problem</th></tr></thead>\n<tbody>\n", out);
	for (i = 0; i < s->n && i < max; i++) {
		v = &s->servers[i];
		fmt_endpoint(v->family, &v->server, server, sizeof(server));
		fputs("<tr><td><code>", out);
		html_ours(out, server);
		fprintf(out, "</code></td><td class=\"num\">%" PRIu64 "</td>"
		    "<td class=\"num\">%" PRIu64 "</td><td class=\"num\">%"
		    PRIu64 "</td><td>", v->attempts,
		    v->by_class[RDPNEG_CLASS_BLOCKED],
		    v->by_class[RDPNEG_CLASS_INSECURE]);
		counts(out, v->by_outcome, 0, RDPNEG_OUTCOME_COUNT,
		    summary_outcome_name);
		fputs("</td><td>", out);
		counts(out, v->by_failure, 1, SUMMARY_UNKNOWN_FAILURE + 1,
		    summary_failure_name);
		fputs("</td><td class=\"num\">", out);
		fmt_distinct(out, &v->clients, NULL);
		fputs("</td><td>", out);
		fmt_span(out, &v->seen);
		fputs("</td><td>", out);
		problem = fs != NULL ? server_problem(fs, nsections,
		    v->family, &v->server) : 0;
		if (problem != 0)
			fprintf(out, "<a href=\"#problem-%zu\">%zu</a>",
			    problem, problem);
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
	if (s->n > max)
		fprintf(out, "<p>%zu more servers are not listed (--summary "
		    "lists them all).</p>\n", s->n - max);
	fputs("</section>\n", out);
}

/* The number of finding f's section, or 0. */
static size_t
problem_of(const struct findings *fs, size_t nsections,
    const struct finding *f)
{
	size_t i = (size_t)(f - fs->v);

	return i < nsections ? i + 1 : 0;
}

static void
diagnoses(FILE *out, const struct findings *fs, size_t nsections)
{
	const struct finding_total *t;
	size_t c, d, problem;

	fputs("<section id=\"diagnoses-section\">\n<h2>Diagnoses</h2>\n"
	    "<table id=\"diagnoses\">\n<caption>The blocked and insecure "
	    "attempts by diagnosis</caption>\n<thead><tr><th scope=\"col\">"
	    "Class</th><th scope=\"col\">Diagnosis</th><th scope=\"col\">"
	    "Attempts</th><th scope=\"col\">Servers</th><th scope=\"col\">"
	    "First seen</th><th scope=\"col\">Problem</th></tr></thead>\n"
	    "<tbody>\n", out);
	for (c = 0; c < FINDING_CLASSES; c++)
		for (d = 0; d < rdpneg_nrules; d++) {
			t = &fs->by_diagnosis[c][d];
			if (t->attempts == 0)
				continue;
			fprintf(out, "<tr><td class=\"%s\">%s</td><td><code>",
			    class_name(t->top->class),
			    class_name(t->top->class));
			html_ours(out, rdpneg_rules[d].diagnosis.id);
			fprintf(out, "</code></td><td class=\"num\">%" PRIu64
			    "</td><td class=\"num\">%" PRIu64 "</td><td>",
			    t->attempts, t->groups);
			if (t->seen.set) {
				char first[FMT_TIME_MAX];

				fmt_time(t->seen.first_sec, t->seen.first_nsec,
				    first, sizeof(first));
				fputs(first, out);
			}
			fputs("</td><td>", out);
			problem = problem_of(fs, nsections, t->top);
			if (problem != 0)
				fprintf(out, "<a href=\"#problem-%zu\">%zu</a>",
				    problem, problem);
			fputs("</td></tr>\n", out);
		}
	fputs("</tbody>\n</table>\n", out);
	if (fs->n == 0)
		fputs("<p>No connection attempt was blocked or insecure."
		    "</p>\n", out);
	fputs("</section>\n", out);
}

/* ---- The problems. */

static void
problems(struct html_state *st, FILE *out, const struct findings *fs,
    size_t nsections)
{
	char server[FMT_ENDPOINT_MAX];
	const struct finding *f;
	size_t i;

	fputs("<section id=\"problems\">\n<h2>Problems</h2>\n", out);
	if (fs->n == 0)
		fputs("<p>None.</p>\n", out);
	for (i = 0; i < nsections; i++)
		html_problem(out, &st->steps, &fs->v[i], i + 1);
	if (fs->n > nsections) {
		fputs("<h3>Other findings</h3>\n<table id=\"more-findings\">\n"
		    "<thead><tr><th scope=\"col\">Class</th><th scope=\"col\">"
		    "Diagnosis</th><th scope=\"col\">Server</th><th "
		    "scope=\"col\">Attempts</th><th scope=\"col\">Seen</th>"
		    "</tr></thead>\n<tbody>\n", out);
		for (i = nsections; i < fs->n && i < nsections + HTML_MORE;
		    i++) {
			f = &fs->v[i];
			fmt_endpoint(f->family, &f->server, server,
			    sizeof(server));
			fprintf(out, "<tr><td>%s</td><td><code>",
			    class_name(f->class));
			html_ours(out, f->diag->id);
			fputs("</code></td><td><code>", out);
			html_ours(out, server);
			fprintf(out, "</code></td><td class=\"num\">%" PRIu64
			    "</td><td>", f->attempts);
			fmt_span(out, &f->seen);
			fputs("</td></tr>\n", out);
		}
		fputs("</tbody>\n</table>\n", out);
		if (fs->n > nsections + HTML_MORE)
			fprintf(out, "<p>%zu more findings are not listed (the "
			    "JSONL report has every attempt).</p>\n",
			    fs->n - nsections - HTML_MORE);
	}
	fputs("</section>\n", out);
}

/* ---- The captures. */

static void
captures(struct html_state *st, FILE *out)
{
	const struct html_capture *c;
	size_t i;

	fputs("<section id=\"captures\">\n<h2>Captures</h2>\n<table "
	    "id=\"capture-files\">\n<caption>The captures read</caption>\n"
	    "<thead><tr><th scope=\"col\">Input</th><th scope=\"col\">"
	    "Capture</th><th scope=\"col\">Bytes</th><th scope=\"col\">"
	    "SHA-256</th><th scope=\"col\">First and last packets</th><th "
	    "scope=\"col\">Packets</th><th scope=\"col\">Attempts</th><th "
	    "scope=\"col\">Findings</th><th scope=\"col\">Note</th></tr>"
	    "</thead>\n<tbody>\n", out);
	for (i = 0; i < st->ncaptures; i++) {
		c = &st->captures[i];
		fprintf(out, "<tr><td class=\"num\">%" PRIu32 "</td><td><code>",
		    c->number);
		html_untrusted_str(out, c->path);
		fprintf(out, "</code></td><td class=\"num\">%" PRIu64 "</td>"
		    "<td><code>", c->size);
		html_ours(out, c->sha256);
		fputs("</code></td><td>", out);
		fmt_span(out, &c->seen);
		fprintf(out, "</td><td class=\"num\">%" PRIu64 "</td><td "
		    "class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
		    "</td><td>", c->packets, c->attempts, c->findings);
		if (c->interrupted)
			fprintf(out, "interrupted after frame %" PRIu64,
			    c->packets);
		if (c->error != NULL) {
			fputs("read error: <code>", out);
			html_untrusted_str(out, c->error);
			fputs("</code> (the attempts before it are reported)",
			    out);
		}
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
	if (st->more_captures != 0)
		fprintf(out, "<p>%" PRIu64 " more captures are not listed."
		    "</p>\n", st->more_captures);
	if (st->nunread != 0) {
		fputs("<h3>Inputs not read</h3>\n<ul id=\"unread\">\n", out);
		for (i = 0; i < st->nunread; i++) {
			fprintf(out, "<li>input %" PRIu32 ", <code>",
			    st->unread[i].number);
			html_untrusted_str(out, st->unread[i].path);
			fputs("</code>: ", out);
			html_untrusted_str(out, st->unread[i].error);
			fputs("</li>\n", out);
		}
		if (st->more_unread != 0)
			fprintf(out, "<li>and %" PRIu64 " more</li>\n",
			    st->more_unread);
		fputs("</ul>\n", out);
	}
	fputs("</section>\n", out);
}

/* ---- The format's operations. */

static int
html_begin(struct report *r)
{
	struct html_state *st;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return -1;
	st->input = 1;
	r->state = st;
	return 0;
}

static void
html_attempt(struct report *r, const struct capture_result *res,
    const struct attempt_item *it)
{
	struct html_state *st = r->state;

	(void)res;
	if (report_shows(r, it))
		timeline_add(&st->timeline, st->input, it);
}

static int
keep_capture(struct html_capture *c, uint32_t number,
    const struct capture_result *res, const char *error)
{
	memset(c, 0, sizeof(*c));
	c->number = number;
	if ((c->path = strdup(res->path)) == NULL)
		return -1;
	if (error != NULL && (c->error = strdup(error)) == NULL) {
		free(c->path);
		return -1;
	}
	return 0;
}

static void
html_capture(struct report *r, const struct capture_result *res)
{
	struct html_state *st = r->state;
	struct html_capture *c;
	uint32_t number = st->input++;

	if (res->not_analysed || (res->unreadable &&
	    res->stats.packets == 0 && r->capture_attempts == 0)) {
		if (st->nunread == HTML_CAPTURES)
			st->more_unread++;
		else if (keep_capture(&st->unread[st->nunread], number, res,
		    res->not_analysed ? "not analysed: the run was "
		    "interrupted before it" : res->error) == 0)
			st->nunread++;
		return;
	}
	timeline_capture(&st->timeline, number, &res->stats);
	st->damaged += res->unreadable != 0;
	if (st->ncaptures == HTML_CAPTURES) {
		st->more_captures++;
		return;
	}
	c = &st->captures[st->ncaptures];
	if (keep_capture(c, number, res, res->unreadable ? res->error :
	    NULL) < 0)
		return;
	c->size = res->size;
	memcpy(c->sha256, res->sha256, sizeof(c->sha256));
	c->packets = res->stats.packets;
	c->attempts = r->capture_attempts;
	c->findings = r->capture_findings;
	c->interrupted = res->stats.interrupted;
	if (res->stats.packets != 0) {
		span_add(&c->seen, res->stats.first_sec, res->stats.first_nsec);
		span_add(&c->seen, res->stats.last_sec, res->stats.last_nsec);
	}
	st->ncaptures++;
}

static void
free_state(struct html_state *st)
{
	size_t i;

	for (i = 0; i < st->ncaptures; i++) {
		free(st->captures[i].path);
		free(st->captures[i].error);
	}
	for (i = 0; i < st->nunread; i++) {
		free(st->unread[i].path);
		free(st->unread[i].error);
	}
	html_steps_free(&st->steps);
	timeline_free(&st->timeline);
	free(st);
}

static void
heading(FILE *out, const struct report *r, const struct html_state *st,
    const char *title)
{
	const struct report_totals *t = &r->totals;
	uint64_t ncaptures = st->ncaptures + st->more_captures;
	uint64_t nunread = st->nunread + st->more_unread;

	fprintf(out, "<header>\n<h1>%s</h1>\n<p>Generated by rdpneg %s from %"
	    PRIu64 " capture%s", title, RDPNEG_VERSION, ncaptures,
	    ncaptures == 1 ? "" : "s");
	if (st->damaged != 0)
		fprintf(out, " (%" PRIu64 " damaged)", st->damaged);
	if (nunread != 0)
		fprintf(out, " and %" PRIu64 " input%s not read", nunread,
		    nunread == 1 ? "" : "s");
	fprintf(out, ": %" PRIu64 " connection attempt%s", t->attempts,
	    t->attempts == 1 ? "" : "s");
	if (t->attempts != 0) {
		fputs(", ", out);
		fmt_span(out, &t->seen);
	}
	fputs(".</p>\n</header>\n", out);
}

static void
html_finish(struct report *r)
{
	struct html_state *st = r->state;
	struct findings *fs = &r->findings;
	FILE *out = r->out;
	size_t nsections;

	if (r->summary_only) {
		html_page_head(out, "rdpneg summary");
		heading(out, r, st, "rdpneg summary");
		overview(out, r);
		servers(out, &r->servers, NULL, 0, SIZE_MAX);
		html_page_foot(out);
		free_state(st);
		r->state = NULL;
		return;
	}
	findings_sort(fs);
	nsections = fs->n < HTML_SECTIONS ? fs->n : HTML_SECTIONS;
	html_page_head(out, "rdpneg report");
	heading(out, r, st, "rdpneg report");
	fputs("<nav><ul><li><a href=\"#overview\">Overview</a></li><li><a "
	    "href=\"#timeline-section\">Timeline</a></li><li><a "
	    "href=\"#servers-section\">Servers</a></li><li><a "
	    "href=\"#diagnoses-section\">Diagnoses</a></li><li><a "
	    "href=\"#problems\">Problems</a></li><li><a href=\"#captures\">"
	    "Captures</a></li></ul></nav>\n", out);
	overview(out, r);
	fprintf(out, "<section id=\"timeline-section\">\n<h2>Timeline</h2>\n"
	    "<p>Capture time (UTC) on x, a lane per server, the busiest "
	    "first (%d at most, the rest in one lane); %s. A lane of more "
	    "than %d attempts is drawn as %d time buckets, the attempts of "
	    "each class stacked. Dashed lines are each capture's first and "
	    "last packet, grey areas times no capture covers for more than "
	    "1/%d of the span.</p>\n", TL_LANES, r->all ? "every attempt "
	    "(--all)" : "the blocked and insecure attempts (--all adds the "
	    "others)", TL_MARKS_PER_LANE, TL_BUCKETS, TL_GAP_SHARE);
	if (st->timeline.oom)
		fputs("<p>Out of memory: some attempts are not drawn.</p>\n",
		    out);
	if (st->timeline.more_bounds != 0)
		fprintf(out, "<p>Only the first %d captures' bounds are drawn "
		    "and no gap is shaded.</p>\n", TL_BOUNDS);
	timeline_write(&st->timeline, out);
	fputs("</section>\n", out);
	servers(out, &r->servers, fs, nsections, HTML_SERVERS);
	diagnoses(out, fs, nsections);
	problems(st, out, fs, nsections);
	captures(st, out);
	html_page_foot(out);
	free_state(st);
	r->state = NULL;
}

const struct report_format report_html = {
	"html",
	html_begin,
	html_attempt,
	html_capture,
	html_finish,
};
