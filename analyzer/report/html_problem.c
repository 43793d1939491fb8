/*
 * html_problem.c - a problem's section in the HTML report.  Our texts
 * (diagnoses, fixes, references) go through html_ours, everything from a
 * capture or the command line through html_untrusted; a reference is
 * text, never a link.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report/fmt.h"
#include "report/html_escape.h"
#include "report/html_problem.h"
#include "report/mcsfacts.h"
#include "report/tlsfacts.h"
#include "rdpneg/tls_text.h"

#define TEXT_MAX	(8 * 4096)

/* A diagnosis text, its placeholders filled from ev. */
static void
expanded(FILE *out, const char *text, const struct rdpneg_evidence *ev)
{
	char *buf;

	if (text == NULL || (buf = malloc(TEXT_MAX)) == NULL)
		return;
	rdpneg_expand(text, ev, buf, TEXT_MAX);
	html_ours(out, buf);
	free(buf);
}

/* ---- The TLS and Standard RDP Security lines. */

static void
sink_ours(void *arg, const char *text)
{
	html_ours(arg, text);
}

static void
sink_untrusted(void *arg, const uint8_t *p, size_t len)
{
	fputs("<code>", arg);
	html_untrusted(arg, p, len);
	fputs("</code>", arg);
}

static void
after(FILE *out, const struct rdpneg_attempt *a)
{
	const struct tlsfacts_sink sink = { sink_ours, sink_untrusted, 0,
	    out };
	int any = 0;

#define ITEM(label) do {						\
	fputs(any++ ? "<li><strong>" label ":</strong> " :		\
	    "<ul>\n<li><strong>" label ":</strong> ", out);		\
} while (0)
	if (mcsfacts_has_client(&a->ev)) {
		ITEM("Client");
		mcsfacts_client_line(a, &sink);
		fputs("</li>\n", out);
	}
	if (a->ev.mcs != NULL) {
		ITEM("Standard RDP Security");
		mcsfacts_security_line(a, &sink);
		fputs("</li>\n", out);
		if (a->cert != NULL) {
			ITEM("Certificate");
			tlsfacts_cert_line(a, &sink);
			fputs("</li>\n", out);
		}
	}
	if (tlsfacts_has_tls(&a->ev)) {
		ITEM("TLS");
		tlsfacts_tls_line(a, &sink);
		fputs("</li>\n", out);
		if (tlsfacts_has_cert_line(a)) {
			ITEM("Certificate");
			tlsfacts_cert_line(a, &sink);
			fputs("</li>\n", out);
		}
		if (tlsfacts_has_credssp(&a->ev)) {
			ITEM("CredSSP");
			tlsfacts_credssp_line(a, &sink);
			fputs("</li>\n", out);
		}
	}
#undef ITEM
	if (any)
		fputs("</ul>\n", out);
}

/* ---- The evidence. */

static void
frame(FILE *out, uint64_t number)
{
	if (number != 0)
		fprintf(out, " (frame %" PRIu64 ")", number);
}

static void
evidence(FILE *out, const struct finding_sample *s, int first)
{
	const struct rdpneg_attempt *a = &s->item.a;
	char client[FMT_ENDPOINT_MAX], text[512];
	const char *end;
	size_t i;

	fmt_endpoint(a->family, &a->client, client, sizeof(client));
	fmt_time(a->ts_sec, a->ts_nsec, text, sizeof(text));
	fputs("<li>", out);
	html_ours(out, text);
	fputs(", <code>", out);
	html_untrusted_str(out, s->capture);
	fputs("</code>, client <code>", out);
	html_ours(out, client);
	fputs("</code>", out);
	if (a->token != NULL) {
		fputs(", cookie <code>", out);
		html_untrusted(out, a->token, a->token_len);
		fputs("</code>", out);
	}
	fmt_requested(a, text, sizeof(text));
	fputs(": requested ", out);
	html_ours(out, text);
	frame(out, a->request_frame);
	fmt_answer(a, text, sizeof(text));
	fputs("; answer ", out);
	html_ours(out, text);
	frame(out, a->response_frame);
	end = rdpneg_tok_str(rdpneg_end_names, a->ev.end);
	fputs("; end ", out);
	html_ours(out, end != NULL ? end : "(null)");
	if (a->response_pdu_len > 0 && first) {
		fputs("; Connection Confirm <code>", out);
		for (i = 0; i < a->response_pdu_len; i++)
			fprintf(out, "%s%02x", i ? " " : "",
			    a->response_pdu[i]);
		fputs("</code>", out);
	}
	if (a->malformed != NULL) {
		fputs("; malformed: <code>", out);
		html_untrusted_str(out, a->malformed);
		fputs("</code>", out);
	}
	if (a->incomplete != NULL) {
		fputs("; incomplete: <code>", out);
		html_untrusted_str(out, a->incomplete);
		fputs("</code>", out);
	}
	fputc('\n', out);
	after(out, a);
	fputs("</li>\n", out);
}

static void
certificate(FILE *out, const struct finding *f)
{
	const struct rdpneg_cert *c;
	char text[FMT_TIME_MAX + 2 * 32 + 1];

	if (f->detail == NULL || f->detail->nsamples == 0 ||
	    (c = f->detail->samples[0].item.a.cert) == NULL)
		return;
	fputs("<p><strong>Certificate</strong> (the first attempt's, judged "
	    "at its time):</p>\n<ul>\n", out);
	if (!(c->flags & RDPNEG_CERT_UNPARSABLE)) {
		fputs("<li>Subject: <code>", out);
		html_untrusted_str(out, c->subject);
		fputs("</code></li>\n<li>Issuer: <code>", out);
		html_untrusted_str(out, c->issuer);
		tlsfacts_time(c->not_before, text, sizeof(text));
		fputs("</code></li>\n<li>Valid: ", out);
		html_ours(out, text);
		tlsfacts_time(c->not_after, text, sizeof(text));
		fputs(" to ", out);
		html_ours(out, text);
		fputs("</li>\n<li>Key: <code>", out);
		html_untrusted_str(out, c->key_type);
		fprintf(out, "</code> %u bits</li>\n<li>Signature: <code>",
		    c->key_bits);
		html_untrusted_str(out, c->signature);
		fputs("</code></li>\n", out);
	}
	fmt_hex(c->sha256, sizeof(c->sha256), text, sizeof(text));
	fputs("<li>SHA-256: <code>", out);
	html_ours(out, text);
	rdpneg_cert_flags_str(c->flags, text, sizeof(text));
	fputs("</code></li>\n<li>Problems: ", out);
	html_ours(out, text);
	fputs("</li>\n</ul>\n", out);
}

/* ---- The fix. */

static int
same_command(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Step s with prose text: its number, and whether it is new. */
static size_t
step_number(struct html_steps *st, const struct rdpneg_step *s,
    const char *text, int *is_new)
{
	struct html_step *v;
	size_t i;

	*is_new = 0;
	for (i = 0; i < st->n; i++)
		if (st->v[i].step->server == s->server &&
		    strcmp(st->v[i].text, text) == 0 &&
		    same_command(st->v[i].step->command, s->command))
			return i + 1;
	if ((v = hindex_room(st->v, st->n, &st->cap, 32, sizeof(*v))) ==
	    NULL)
		return 0;
	st->v = v;
	if ((st->v[st->n].text = strdup(text)) == NULL)
		return 0;
	st->v[st->n].step = s;
	*is_new = 1;
	return ++st->n;
}

static void
write_step(FILE *out, size_t k, const struct html_step *s)
{
	const char *label = rdpneg_tok_str(rdpneg_server_labels,
	    s->step->server);

	fprintf(out, "<div class=\"step\" id=\"fix-%zu\"><p><strong>F%zu."
	    "</strong> ", k, k);
	if (s->step->server != RDPNEG_SERVER_UNKNOWN && label != NULL) {
		fputs("<em>", out);
		html_ours(out, label);
		fputs(":</em> ", out);
	}
	html_ours(out, s->text);
	fputs("</p>\n", out);
	if (s->step->command != NULL) {
		fputs("<pre><code>", out);
		html_ours(out, s->step->command);
		fputs("</code></pre>\n", out);
	}
	fputs("</div>\n", out);
}

/*
 * The steps that apply to any of f's attempts kept, the recognised
 * implementation's first: each new one in full, then links to those an
 * earlier problem wrote.
 */
static void
fix(FILE *out, struct html_steps *st, const struct finding *f)
{
	const struct finding_detail *d = f->detail;
	const struct rdpneg_step *steps[RDPNEG_STEPS_MAX];
	const struct rdpneg_evidence *ev;
	size_t earlier[RDPNEG_STEPS_MAX], seen[2 * RDPNEG_STEPS_MAX];
	size_t i, j, k, n, number, nearlier = 0, nseen = 0;
	char *text;
	int is_new;

	if ((text = malloc(TEXT_MAX)) == NULL)
		return;
	fputs("<h4>Fix</h4>\n", out);
	for (k = 0; k == 0 || (d != NULL && k < d->nsamples); k++) {
		ev = d != NULL && d->nsamples > 0 ? &d->samples[k].item.a.ev :
		    &f->ev;
		n = rdpneg_select_steps(f->diag, f->print != NULL ?
		    f->print->server : RDPNEG_SERVER_UNKNOWN, ev, steps,
		    RDPNEG_STEPS_MAX);
		for (i = 0; i < n && i < RDPNEG_STEPS_MAX; i++) {
			rdpneg_expand(steps[i]->text, ev, text, TEXT_MAX);
			number = step_number(st, steps[i], text, &is_new);
			if (number == 0)
				continue;
			for (j = 0; j < nseen && seen[j] != number; j++)
				;
			if (j < nseen || nseen == 2 * RDPNEG_STEPS_MAX)
				continue;
			seen[nseen++] = number;
			if (is_new)
				write_step(out, number, &st->v[number - 1]);
			else if (nearlier < RDPNEG_STEPS_MAX)
				earlier[nearlier++] = number;
		}
	}
	free(text);
	if (nearlier == 0)
		return;
	fputs(nearlier < nseen ? "<p>Also " : "<p>", out);
	for (i = 0; i < nearlier; i++)
		fprintf(out, "%s<a href=\"#fix-%zu\">F%zu</a>", i ? ", " : "",
		    earlier[i], earlier[i]);
	fputs(", as above.</p>\n", out);
}

void
html_steps_free(struct html_steps *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		free(st->v[i].text);
	free(st->v);
	memset(st, 0, sizeof(*st));
}

/* ---- The section. */

void
html_problem(FILE *out, struct html_steps *steps, const struct finding *f,
    size_t number)
{
	const struct rdpneg_diagnosis *d = f->diag;
	const struct finding_detail *detail = f->detail;
	char server[FMT_ENDPOINT_MAX];
	const char *cls = rdpneg_tok_str(rdpneg_class_names, f->class);
	size_t i;

	fmt_endpoint(f->family, &f->server, server, sizeof(server));
	fprintf(out, "<section class=\"problem\" id=\"problem-%zu\">\n<h3>%zu. "
	    "<span class=\"%s\">%c%s</span>: <code>", number, number, cls,
	    cls[0] - 'a' + 'A', cls + 1);
	html_ours(out, d->id);
	fputs("</code> on <code>", out);
	html_ours(out, server);
	fputs("</code></h3>\n<p>", out);
	expanded(out, d->summary, &f->ev);
	fprintf(out, "</p>\n<ul>\n<li><strong>Attempts:</strong> %" PRIu64
	    " in %" PRIu64 " capture%s", f->attempts, f->captures,
	    f->captures == 1 ? "" : "s");
	if (detail != NULL)
		fmt_from_whom(out, &detail->clients, &detail->users);
	fputs(", ", out);
	fmt_span(out, &f->seen);
	fputs("</li>\n", out);
	if (f->print != NULL) {
		fprintf(out, "<li><strong>Server:</strong> %s, %s confidence: ",
		    rdpneg_tok_str(rdpneg_server_names, f->print->server),
		    rdpneg_tok_str(rdpneg_confidence_names,
		    f->print->confidence));
		html_ours(out, f->print->why);
		fputs("</li>\n", out);
	}
	fprintf(out, "<li><strong>Confidence:</strong> %s: ",
	    rdpneg_tok_str(rdpneg_confidence_names, d->confidence));
	expanded(out, d->confidence_why, &f->ev);
	fputs("</li>\n</ul>\n<p><strong>What happened.</strong> ", out);
	expanded(out, d->explanation, &f->ev);
	fputs("</p>\n<p><strong>Probable server setting.</strong> ", out);
	expanded(out, d->server_settings, &f->ev);
	fputs("</p>\n", out);
	certificate(out, f);
	fix(out, steps, f);
	fputs("<h4>Evidence</h4>\n", out);
	if (detail == NULL || detail->nsamples == 0)
		fprintf(out, "<p>Not kept: %d other findings came first. The "
		    "JSONL report (<code>-f jsonl</code>) has each attempt."
		    "</p>\n", FINDINGS_DETAILED);
	else {
		if (f->attempts > detail->nsamples)
			fprintf(out, "<p>The first %zu of %" PRIu64
			    " attempts:</p>\n", detail->nsamples, f->attempts);
		fputs("<ul class=\"evidence\">\n", out);
		for (i = 0; i < detail->nsamples; i++)
			evidence(out, &detail->samples[i], i == 0);
		fputs("</ul>\n", out);
	}
	fputs("<p><strong>References.</strong> ", out);
	for (i = 0; d->references[i] != NULL; i++) {
		fputs(i ? "; " : "", out);
		html_ours(out, d->references[i]);
	}
	fputs("</p>\n</section>\n", out);
}
