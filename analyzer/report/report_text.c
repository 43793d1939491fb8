/*
 * report_text.c - the readable report: a compact block per attempt (time,
 * client -> server, user, request, answer, diagnosis, fix), a summary by
 * server, and a totals line.  Untrusted bytes are escaped as ASCII.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/fmt.h"
#include "report/outbuf.h"
#include "report/report.h"
#include "report/mcsfacts.h"
#include "report/tlsfacts.h"

#define TEXT_MAX	(4 * 4096 + 1)

/*
 * A diagnosis' setting and fix as printed: the steps that applied, as bits
 * of their indexes in its remediation, in the order the server gave them.
 */
struct explained {
	const struct rdpneg_diagnosis	*diag;
	enum rdpneg_server		 server;
	uint32_t			 steps;
};

_Static_assert(RDPNEG_STEPS_MAX <= 32, "struct explained: steps");

/*
 * The report's state (struct report's).  The attempts' blocks go through
 * one append buffer: no printf per field.  It is written out after each
 * capture, before the summary, and after each attempt when the report goes
 * to a terminal, where it used to appear line by line.  Elsewhere the
 * blocks are spooled to a temporary file, so that the overview, known
 * only at the end, comes first; on a terminal it closes the report.
 */
struct text_state {
	struct outbuf			 buf;
	FILE				*spool;	/* NULL: none */
	int				 interactive;
	/* The capture's path, escaped once for all its attempts. */
	const struct capture_result	*path_of;
	size_t				 path_len;
	char				 path[TEXT_MAX];
	char				 escaped[TEXT_MAX]; /* put_escaped */
	/* The settings and fixes printed already. */
	struct explained		 explained[64];
	size_t				 nexplained;
};

/* What an snprintf-like helper left in buf, given the length it needed:
 * when that did not fit, the text was cut short and ends at its NUL. */
static void
put_result(struct outbuf *ob, const char *buf, size_t need, size_t size)
{
	outbuf_write(ob, buf, need < size ? need : strlen(buf));
}

/* A name from a table, "(null)" for an unknown value, as printf wrote it. */
static void
put_name(struct outbuf *ob, const char *name)
{
	if (name != NULL)
		outbuf_puts(ob, name);
	else
		outbuf_lit(ob, "(null)");
}

static void
put_path(struct text_state *st, const struct capture_result *res)
{
	size_t n;

	if (st->path_of != res) {
		n = fmt_escape_text((const uint8_t *)res->path,
		    strlen(res->path), st->path, sizeof(st->path));
		st->path_len = n < sizeof(st->path) ? n : strlen(st->path);
		st->path_of = res;
	}
	outbuf_write(&st->buf, st->path, st->path_len);
}

static void
put_escaped(struct text_state *st, const char *s)
{
	put_result(&st->buf, st->escaped, fmt_escape_text((const uint8_t *)s,
	    strlen(s), st->escaped, sizeof(st->escaped)),
	    sizeof(st->escaped));
}

/* A knowledge-base text with its placeholders filled. */
static void
put_kb(struct outbuf *ob, const char *text, const struct rdpneg_evidence *ev)
{
	char buf[2048];

	put_result(ob, buf, rdpneg_expand(text, ev, buf, sizeof(buf)),
	    sizeof(buf));
}

/* A remediation step on one line. */
static void
put_step(struct outbuf *ob, const struct rdpneg_step *s,
    const struct rdpneg_evidence *ev)
{
	char buf[2048];

	put_result(ob, buf, rdpneg_format_step(s, ev, buf, sizeof(buf)),
	    sizeof(buf));
}

static void
print_request(struct outbuf *ob, const struct rdpneg_attempt *a)
{
	char text[TEXT_MAX];

	fmt_user(a, text, sizeof(text));
	if (text[0] != '\0') {
		outbuf_label(ob, "user");
		outbuf_puts(ob, text);
		outbuf_putc(ob, '\n');
	}
	fmt_requested(a, text, sizeof(text));
	outbuf_label(ob, "requested");
	outbuf_puts(ob, text);
	if (a->ev.request_flags != 0) {
		outbuf_lit(ob, ", flags ");
		put_result(ob, text, rdpneg_bits_str(rdpneg_request_flag_names,
		    a->ev.request_flags, "", text, sizeof(text)), sizeof(text));
	}
	if (a->token != NULL && a->ev.token_kind != RDPNEG_TOKEN_MSTSHASH) {
		outbuf_lit(ob, ", token \"");
		put_result(ob, text, fmt_escape_text(a->token, a->token_len,
		    text, sizeof(text)), sizeof(text));
		outbuf_putc(ob, '"');
	}
	outbuf_putc(ob, '\n');
}

static void
print_evidence(struct text_state *st, const struct rdpneg_attempt *a)
{
	struct outbuf *ob = &st->buf;
	char text[128];

	fmt_answer(a, text, sizeof(text));
	outbuf_label(ob, "answer");
	outbuf_puts(ob, text);
	outbuf_lit(ob, "; end ");
	put_name(ob, rdpneg_tok_str(rdpneg_end_names, a->ev.end));
	outbuf_putc(ob, '\n');
	outbuf_label(ob, "frames");	/* each number, then a space */
	if (a->request_frame != 0) {
		outbuf_lit(ob, "request ");
		outbuf_u64(ob, a->request_frame);
		outbuf_putc(ob, ' ');
	}
	if (a->response_frame != 0) {
		if (a->ev.have & RDPNEG_EV_CONFIRM)
			outbuf_lit(ob, "response ");
		else
			outbuf_lit(ob, "end ");
		outbuf_u64(ob, a->response_frame);
		outbuf_putc(ob, ' ');
	}
	outbuf_lit(ob, "(first ");
	outbuf_u64(ob, a->first_frame);
	outbuf_lit(ob, ")\n");
	if (a->malformed != NULL) {
		outbuf_label(ob, "malformed");
		put_escaped(st, a->malformed);
		outbuf_putc(ob, '\n');
	}
	if (a->incomplete != NULL) {
		outbuf_label(ob, "incomplete");
		put_escaped(st, a->incomplete);
		outbuf_putc(ob, '\n');
	}
}

/* The TLS lines' sink: our words as they are, a certificate's texts
 * escaped as cookies are. */
static void
sink_ours(void *arg, const char *text)
{
	struct text_state *st = arg;

	outbuf_puts(&st->buf, text);
}

static void
sink_untrusted(void *arg, const uint8_t *p, size_t len)
{
	struct text_state *st = arg;

	put_result(&st->buf, st->escaped, fmt_escape_text(p, len,
	    st->escaped, sizeof(st->escaped)), sizeof(st->escaped));
}

/* What followed the negotiation: TLS, the certificate, CredSSP; or
 * Standard RDP Security's exchange and its X.509 certificate. */
static void
print_tls(struct text_state *st, const struct rdpneg_attempt *a)
{
	const struct tlsfacts_sink sink = { sink_ours, sink_untrusted, 1,
	    st };
	struct outbuf *ob = &st->buf;

	if (mcsfacts_has_client(&a->ev)) {
		outbuf_label(ob, "client");
		mcsfacts_client_line(a, &sink);
		outbuf_putc(ob, '\n');
	}
	if (a->ev.mcs != NULL) {
		outbuf_label(ob, "security");
		mcsfacts_security_line(a, &sink);
		outbuf_putc(ob, '\n');
		if (a->cert != NULL) {
			outbuf_label(ob, "cert");
			tlsfacts_cert_line(a, &sink);
			outbuf_putc(ob, '\n');
		}
	}
	if (!tlsfacts_has_tls(&a->ev))
		return;
	outbuf_label(ob, "tls");
	tlsfacts_tls_line(a, &sink);
	outbuf_putc(ob, '\n');
	if (tlsfacts_has_cert_line(a)) {
		outbuf_label(ob, "cert");
		tlsfacts_cert_line(a, &sink);
		outbuf_putc(ob, '\n');
	}
	if (tlsfacts_has_credssp(&a->ev)) {
		outbuf_label(ob, "credssp");
		tlsfacts_credssp_line(a, &sink);
		outbuf_putc(ob, '\n');
	}
}

/*
 * First time this diagnosis is shown with these steps for this server?
 * (Then remember it.)  The steps depend on the evidence, so a diagnosis
 * can need its fix again.
 */
static int
first_time(struct text_state *st, const struct rdpneg_diagnosis *d,
    enum rdpneg_server server, const struct rdpneg_step *const *steps,
    size_t n)
{
	struct explained e = { d, server, 0 };
	size_t i;

	for (i = 0; i < n; i++)
		e.steps |= UINT32_C(1) << (steps[i] - d->remediation);
	for (i = 0; i < st->nexplained; i++)
		if (st->explained[i].diag == d &&
		    st->explained[i].server == server &&
		    st->explained[i].steps == e.steps)
			return 0;
	if (st->nexplained < sizeof(st->explained) / sizeof(st->explained[0]))
		st->explained[st->nexplained++] = e;
	return 1;
}

/* "<name> (<confidence> confidence): " opening a diagnosis or server line. */
static void
put_judgement(struct outbuf *ob, const char *name,
    enum rdpneg_confidence confidence)
{
	put_name(ob, name);
	outbuf_lit(ob, " (");
	put_name(ob, rdpneg_tok_str(rdpneg_confidence_names, confidence));
	outbuf_lit(ob, " confidence): ");
}

/* The diagnosis; its setting and fix only where it first appears. */
static void
print_diagnosis(struct text_state *st, const struct attempt_item *it)
{
	struct outbuf *ob = &st->buf;
	const struct rdpneg_diagnosis *d = it->diag;
	const struct rdpneg_server_fingerprint *print;
	const struct rdpneg_step *steps[RDPNEG_STEPS_MAX];
	enum rdpneg_server server;
	size_t i, nsteps;

	outbuf_label(ob, "diagnosis");
	put_judgement(ob, d->id, d->confidence);
	put_kb(ob, d->summary, &it->a.ev);
	outbuf_putc(ob, '\n');
	print = it->server;
	if (print != NULL) {
		outbuf_label(ob, "server");
		put_judgement(ob, rdpneg_tok_str(rdpneg_server_names,
		    print->server), print->confidence);
		outbuf_puts(ob, print->why);
		outbuf_putc(ob, '\n');
	}
	/* The steps that apply, the recognised implementation's first. */
	server = print != NULL ? print->server : RDPNEG_SERVER_UNKNOWN;
	nsteps = rdpneg_select_steps(d, server, &it->a.ev, steps,
	    RDPNEG_STEPS_MAX);
	if (nsteps > RDPNEG_STEPS_MAX)
		nsteps = RDPNEG_STEPS_MAX;
	if (first_time(st, d, server, steps, nsteps)) {
		outbuf_label(ob, "setting");
		put_kb(ob, d->server_settings, &it->a.ev);
		outbuf_putc(ob, '\n');
		for (i = 0; i < nsteps; i++) {
			outbuf_label(ob, i == 0 ? "fix" : "");
			outbuf_u64(ob, i + 1);
			outbuf_lit(ob, ". ");
			put_step(ob, steps[i], &it->a.ev);
			outbuf_putc(ob, '\n');
		}
	} else {
		outbuf_label(ob, "fix");
		outbuf_lit(ob, "as for ");
		outbuf_puts(ob, d->id);
		outbuf_lit(ob, " above\n");
	}
	if (it->a.ev.chain_length > 1) {
		outbuf_label(ob, "chain");
		outbuf_lit(ob, "attempt ");
		outbuf_u64(ob, it->a.ev.chain_position);
		outbuf_lit(ob, " of ");
		outbuf_u64(ob, it->a.ev.chain_length);
		outbuf_lit(ob, "; the chain ended ");
		put_name(ob, rdpneg_tok_str(rdpneg_outcome_names,
		    it->final_outcome));
		outbuf_lit(ob, " (");
		outbuf_puts(ob, it->final_diag->id);
		outbuf_lit(ob, ")\n");
	}
}

static int
text_begin(struct report *r)
{
	struct text_state *st;
	int fd = fileno(r->out);

	if ((st = malloc(sizeof(*st))) == NULL)
		return -1;
	st->interactive = fd >= 0 && isatty(fd);
	st->spool = st->interactive || r->summary_only ? NULL : tmpfile();
	outbuf_init(&st->buf, st->spool != NULL ? st->spool : r->out);
	st->path_of = NULL;
	st->nexplained = 0;
	r->state = st;
	return 0;
}

static void
text_attempt(struct report *r, const struct capture_result *res,
    const struct attempt_item *it)
{
	struct text_state *st = r->state;
	struct outbuf *ob = &st->buf;
	char client[FMT_ENDPOINT_MAX], server[FMT_ENDPOINT_MAX];
	char ts[FMT_TIME_MAX];

	if (!report_shows(r, it))
		return;
	fmt_endpoint(it->a.family, &it->a.client, client, sizeof(client));
	fmt_endpoint(it->a.family, &it->a.server, server, sizeof(server));
	fmt_time(it->a.ts_sec, it->a.ts_nsec, ts, sizeof(ts));
	outbuf_puts(ob, ts);
	outbuf_lit(ob, "  ");
	outbuf_puts(ob, client);
	outbuf_lit(ob, " -> ");
	outbuf_puts(ob, server);
	outbuf_lit(ob, "  ");
	put_path(st, res);
	outbuf_putc(ob, '\n');
	print_request(ob, &it->a);
	print_evidence(st, &it->a);
	print_tls(st, &it->a);
	print_diagnosis(st, it);
	outbuf_putc(ob, '\n');
	if (st->interactive)
		outbuf_flush(ob);
}

static void
text_capture(struct report *r, const struct capture_result *res)
{
	struct text_state *st = r->state;

	if (res->not_analysed) {
		put_path(st, res);
		outbuf_lit(&st->buf, ": not analysed, the run was interrupted "
		    "before it\n");
	}
	outbuf_flush(&st->buf);
	st->path_of = NULL;	/* res may be reused for the next */
}

/* ": 3 blocked, 1 ok": the non-zero counts of a class table. */
static void
print_classes(FILE *out, const uint64_t *by_class)
{
	const char *sep = ": ";
	uint32_t k;

	for (k = RDPNEG_CLASS_NONE + 1; k < RDPNEG_CLASS_COUNT; k++) {
		if (by_class[k] == 0)
			continue;
		fprintf(out, "%s%" PRIu64 " %s", sep, by_class[k],
		    rdpneg_tok_str(rdpneg_class_names, k));
		sep = ", ";
	}
}

/* "<label>name n, name n" and a newline for the non-zero counts, nothing
 * when all are zero; names(k) names count k. */
static void
print_counts(FILE *out, const char *label, const uint64_t *counts,
    size_t first, size_t n, const char *(*names)(size_t))
{
	if (summary_write_counts(out, label, counts, first, n, names))
		fputc('\n', out);
}

/* A server's line, then its counts by outcome, failureCode and diagnosis,
 * each adding up to its attempts (failure codes: to its failures). */
static void
print_server(FILE *out, const struct server_stat *v)
{
	char server[FMT_ENDPOINT_MAX], first[FMT_TIME_MAX], last[FMT_TIME_MAX];

	fmt_endpoint(v->family, &v->server, server, sizeof(server));
	fmt_time(v->seen.first_sec, v->seen.first_nsec, first, sizeof(first));
	fmt_time(v->seen.last_sec, v->seen.last_nsec, last, sizeof(last));
	fprintf(out, "  %s  %" PRIu64 " attempt%s", server, v->attempts,
	    v->attempts == 1 ? "" : "s");
	print_classes(out, v->by_class);
	fputs("; ", out);
	fmt_distinct(out, &v->clients, "client");
	fprintf(out, ", %s .. %s\n", first, last);
	print_counts(out, "    outcomes: ", v->by_outcome, 0,
	    RDPNEG_OUTCOME_COUNT,
	    summary_outcome_name);
	print_counts(out, "    failure codes: ", v->by_failure, 1,
	    SUMMARY_UNKNOWN_FAILURE + 1, summary_failure_name);
	print_counts(out, "    diagnoses: ", v->by_diagnosis, 0, rdpneg_nrules,
	    summary_diagnosis_name);
	print_counts(out, "    certificate problems: ", v->by_cert_problem, 0,
	    SUMMARY_CERT_PROBLEMS, summary_cert_problem_name);
}

/* Where a signal stopped the run, and what it left unread. */
static void
interrupted_note(struct report *r)
{
	const struct report_totals *t = &r->totals;
	char path[TEXT_MAX];

	if (!t->interrupted && t->not_analysed == 0)
		return;
	fputs("note: the run was interrupted", r->out);
	if (t->interrupted) {
		fmt_escape_text((const uint8_t *)t->interrupted_path,
		    strlen(t->interrupted_path), path, sizeof(path));
		fprintf(r->out, " in %s after frame %" PRIu64 " (%" PRIu64
		    " bytes read)", path, t->interrupted_frame,
		    t->interrupted_bytes);
	}
	if (t->not_analysed != 0)
		fprintf(r->out, "; %" PRIu64 " file%s not analysed",
		    t->not_analysed, t->not_analysed == 1 ? "" : "s");
	fputc('\n', r->out);
}

#define OVERVIEW_SERVERS	40	/* servers listed in the overview */

/* The first fix step of finding f for its implementation, on one line. */
static void
print_first_step(FILE *out, const struct finding *f)
{
	const struct rdpneg_step *steps[1];
	const struct rdpneg_evidence *ev = &f->ev;
	char text[2048];

	if (rdpneg_select_steps(f->diag, f->print != NULL ?
	    f->print->server : RDPNEG_SERVER_UNKNOWN, ev, steps, 1) == 0)
		return;
	rdpneg_format_step(steps[0], ev, text, sizeof(text));
	fprintf(out, "    fix: %s\n", text);
}

/* Per server, its findings and the first step of the heaviest. */
static void
print_fix_per_server(FILE *out, const struct findings *fs)
{
	char server[FMT_ENDPOINT_MAX];
	const struct finding *f;
	size_t i, j, nservers = 0;

	fputs("Fix per server\n", out);
	for (i = 0; i < fs->n; i++) {
		f = &fs->v[i];
		for (j = 0; j < i && !findings_same_server(&fs->v[j], f); j++)
			;
		if (j < i)
			continue;
		if (nservers++ == OVERVIEW_SERVERS) {
			fputs("  ... more servers: see the summary by server\n",
			    out);
			break;
		}
		fmt_endpoint(f->family, &f->server, server, sizeof(server));
		fprintf(out, "  %s (%s):", server, f->print != NULL ?
		    rdpneg_tok_str(rdpneg_server_names, f->print->server) :
		    "not recognised");
		for (j = i; j < fs->n; j++)
			if (findings_same_server(&fs->v[j], f))
				fprintf(out, "%s %s %s %" PRIu64, j > i ? "," :
				    "", rdpneg_tok_str(rdpneg_class_names,
				    fs->v[j].class), fs->v[j].diag->id,
				    fs->v[j].attempts);
		fputc('\n', out);
		print_first_step(out, f);
	}
}

/*
 * What was blocked or insecure: per class and diagnosis its counts, span
 * and cause; then the fix per server.
 */
static void
print_overview(FILE *out, struct report *r)
{
	const struct report_totals *t = &r->totals;
	struct findings *fs = &r->findings;
	const struct finding_total *v;
	char first[FMT_TIME_MAX], last[FMT_TIME_MAX], text[2048];
	size_t c, d;

	findings_sort(fs);
	fprintf(out, "Overview: %" PRIu64 " connection attempt%s",
	    t->attempts, t->attempts == 1 ? "" : "s");
	print_classes(out, t->by_class);
	fputc('\n', out);
	if (fs->n == 0) {
		fputs("  nothing blocked or insecure\n\n", out);
		return;
	}
	for (c = 0; c < FINDING_CLASSES; c++)
		for (d = 0; d < rdpneg_nrules; d++) {
			v = &fs->by_diagnosis[c][d];
			if (v->attempts == 0)
				continue;
			fmt_time(v->seen.first_sec, v->seen.first_nsec, first,
			    sizeof(first));
			fmt_time(v->seen.last_sec, v->seen.last_nsec, last,
			    sizeof(last));
			fprintf(out, "  %-8s %s: %" PRIu64 " attempt%s, %"
			    PRIu64 " server%s, ", rdpneg_tok_str(
			    rdpneg_class_names, v->top->class),
			    rdpneg_rules[d].diagnosis.id, v->attempts,
			    v->attempts == 1 ? "" : "s", v->groups,
			    v->groups == 1 ? "" : "s");
			fmt_distinct(out, &v->clients, "client");
			fputs(", ", out);
			fmt_distinct(out, &v->users, "user");
			fprintf(out, ", %s .. %s\n", first, last);
			rdpneg_expand(rdpneg_rules[d].diagnosis.summary,
			    &v->top->ev, text, sizeof(text));
			fprintf(out, "           %s\n", text);
		}
	print_fix_per_server(out, fs);
	fputc('\n', out);
}

/* The spooled blocks after the overview; -1 when the temporary file
 * could not hold them all (errno says why). */
static int
copy_spool(FILE *spool, FILE *out)
{
	char buf[65536];
	size_t n;
	int bad = fflush(spool) != 0 || ferror(spool), saved = errno;

	rewind(spool);
	while ((n = fread(buf, 1, sizeof(buf), spool)) > 0)
		fwrite(buf, 1, n, out);
	bad |= ferror(spool);
	fclose(spool);
	errno = saved;
	return bad ? -1 : 0;
}

static void
text_finish(struct report *r)
{
	struct text_state *st = r->state;
	const struct report_totals *t = &r->totals;
	size_t i;

	outbuf_flush(&st->buf);		/* the summary is written with stdio */
	if (st->spool != NULL) {
		print_overview(r->out, r);
		if (copy_spool(st->spool, r->out) < 0)
			r->write_error = errno != 0 ? errno : EIO;
	} else if (!r->summary_only)
		print_overview(r->out, r);
	free(st);
	r->state = NULL;
	summary_sort(&r->servers);
	if (r->servers.n > 0)
		fputs("Summary by server\n", r->out);
	for (i = 0; i < r->servers.n; i++)
		print_server(r->out, &r->servers.servers[i]);
	fprintf(r->out, "%" PRIu64 " file%s, %" PRIu64 " unreadable, %"
	    PRIu64 " connection attempt%s", t->files, t->files == 1 ? "" : "s",
	    t->unreadable, t->attempts, t->attempts == 1 ? "" : "s");
	print_classes(r->out, t->by_class);
	if (t->scanners != 0)
		fprintf(r->out, " (%" PRIu64 " from scanners)", t->scanners);
	fputc('\n', r->out);
	print_counts(r->out, "outcomes: ", t->by_outcome, 0,
	    RDPNEG_OUTCOME_COUNT, summary_outcome_name);
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
	interrupted_note(r);
}

const struct report_format report_text = {
	"text",
	text_begin,
	text_attempt,
	text_capture,
	text_finish,
};
