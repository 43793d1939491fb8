/*
 * report_markdown.c - the ticket report: an overview (what was blocked or
 * insecure, where, since when, for how many clients and users, the cause
 * of each diagnosis, the fix per server), then one section per finding
 * (diagnosis and server) with its evidence, a few of its attempts, tshark
 * commands showing their frames and its fix, each fix step written once
 * per report; then the summary by server and the captures read.
 *
 * Its size grows with the distinct problems, not with the attempts: at
 * most MD_SECTIONS findings get a section (of at most FINDING_SAMPLES
 * attempts each), MD_MORE more get a table row, MD_CAPTURES captures and
 * MD_CAPTURES inputs not read and MD_SERVERS servers are listed, the rest
 * counted.
 *
 * Every untrusted string is written as a code span (fmt_md_code): no
 * link, HTML, emphasis or table cell boundary can come out of a capture.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report/fmt.h"
#include "report/report.h"
#include "report/mcsfacts.h"
#include "report/tlsfacts.h"
#include "rdpneg/tls_text.h"
#include "rdpneg_version.h"

#define MD_MAX		(8 * 4096 + 16)
#define MD_SECTIONS	40	/* findings with a section */
#define MD_MORE		100	/* more findings, a table row each */
#define MD_SERVERS	50	/* servers listed (--summary: all) */
#define MD_CAPTURES	50	/* captures (and inputs not read) listed */
#define MD_STEP_MAX	4096	/* a step's text */

/* A capture as listed at the report's end. */
struct md_capture {
	char		*path;
	char		*error;		/* NULL: read to its end */
	uint64_t	 size;
	char		 sha256[CAPTURE_SHA256_HEX];
	uint64_t	 packets;
	uint64_t	 attempts;
	uint64_t	 findings;
	int		 interrupted;
	int		 not_analysed;
};

/* A fix step as written once: its number is its position + 1. */
struct md_step {
	const struct rdpneg_step	*step;	/* its server and command */
	char				*text;	/* its prose, expanded */
};

/* The steps of a section, by number. */
struct md_section_steps {
	unsigned	 number[RDPNEG_STEPS_MAX];
	size_t		 n;
};

/* The report's state (struct report's). */
struct md_state {
	struct md_capture	 captures[MD_CAPTURES];
	size_t			 ncaptures;
	struct md_capture	 unread[MD_CAPTURES];
	size_t			 nunread;
	uint64_t		 more_captures;
	uint64_t		 more_unread;
	uint64_t		 damaged;	/* captures, read in part */
	struct md_step		*steps;
	size_t			 nsteps;
	size_t			 capsteps;
	int			*written;	/* per step: shown */
	struct md_section_steps	 section[MD_SECTIONS];
	char			 code[MD_MAX];	/* code()'s span */
};

/* Decimal, without printf's format parsing (per-attempt paths). */
static void
put_u64(FILE *out, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	fwrite(p, 1, (size_t)(buf + sizeof(buf) - p), out);
}

static void
code(struct md_state *md, FILE *out, const char *s, int in_table)
{
	fmt_md_code((const uint8_t *)s, strlen(s), in_table, md->code,
	    sizeof(md->code));
	fputs(md->code, out);
}

static int
word_char(char c)
{
	return isalnum((unsigned char)c);
}

/*
 * Could Markdown (CommonMark, GFM) take the character at p for markup?
 * A backslash only escapes punctuation, an underscore inside a word
 * (RDP_NEG_REQ) emphasises nothing, '<' opens HTML or an autolink only
 * before a letter, '/', '!' or '?', and '>' quotes only at a line's start.
 */
static int
markup_here(const char *start, const char *p)
{
	switch (*p) {
	case '\\':
		return p[1] == '\0' || ispunct((unsigned char)p[1]);
	case '_':
		return p == start || !word_char(p[-1]) || !word_char(p[1]);
	case '<':
		return isalpha((unsigned char)p[1]) || p[1] == '/' ||
		    p[1] == '!' || p[1] == '?';
	case '>':
		return p == start;
	default:
		return 1;
	}
}

/*
 * Our own text (diagnoses, fixes) with what Markdown would take for markup
 * backslash-escaped, and nothing else: "<pid>" stays visible, "*.pcap"
 * and "HKLM:\\..." print as written.
 */
static void
prose(FILE *out, const char *s)
{
	static const char markup[] = "\\`*_<>[]|~";
	const char *start = s;
	char esc[2] = { '\\', 0 };
	size_t n;

	for (;;) {
		n = strcspn(s, markup);	/* a span written as is */
		fwrite(s, 1, n, out);
		s += n;
		if (*s == '\0')
			break;
		if (!markup_here(start, s)) {
			fputc(*s++, out);
			continue;
		}
		esc[1] = *s++;
		fwrite(esc, 1, 2, out);
	}
}

static void
hex(FILE *out, const uint8_t *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char buf[3 * 64 + 2], *p = buf;
	size_t i;

	*p++ = '`';
	for (i = 0; i < n; i++) {
		if (i > 0)
			*p++ = ' ';
		*p++ = digits[b[i] >> 4];
		*p++ = digits[b[i] & 0xf];
		if ((size_t)(p - buf) > sizeof(buf) - 4) {
			fwrite(buf, 1, (size_t)(p - buf), out);
			p = buf;
		}
	}
	*p++ = '`';
	fwrite(buf, 1, (size_t)(p - buf), out);
}

/* " (frame N)", when there is one. */
static void
frame(FILE *out, uint64_t number)
{
	if (number == 0)
		return;
	fputs(" (frame ", out);
	put_u64(out, number);
	fputc(')', out);
}

/* The TLS lines' sink: our words as prose, a certificate's texts as code
 * spans. */
struct md_sink {
	struct md_state	*md;
	FILE		*out;
};

static void
sink_ours(void *arg, const char *text)
{
	struct md_sink *k = arg;

	prose(k->out, text);
}

static void
sink_untrusted(void *arg, const uint8_t *p, size_t len)
{
	struct md_sink *k = arg;

	fmt_md_code(p, len, 0, k->md->code, sizeof(k->md->code));
	fputs(k->md->code, k->out);
}

/* What followed the negotiation, as items of the attempt's. */
static void
tls_evidence(struct md_state *md, FILE *out, const struct rdpneg_attempt *a)
{
	struct md_sink k = { md, out };
	const struct tlsfacts_sink sink = { sink_ours, sink_untrusted, 0, &k };

	if (mcsfacts_has_client(&a->ev)) {
		fputs("  - **Client:** ", out);
		mcsfacts_client_line(a, &sink);
		fputc('\n', out);
	}
	if (a->ev.mcs != NULL) {
		fputs("  - **Standard RDP Security:** ", out);
		mcsfacts_security_line(a, &sink);
		fputc('\n', out);
		if (a->cert != NULL) {
			fputs("  - **Certificate:** ", out);
			tlsfacts_cert_line(a, &sink);
			fputc('\n', out);
		}
	}
	if (!tlsfacts_has_tls(&a->ev))
		return;
	fputs("  - **TLS:** ", out);
	tlsfacts_tls_line(a, &sink);
	fputc('\n', out);
	if (tlsfacts_has_cert_line(a)) {
		fputs("  - **Certificate:** ", out);
		tlsfacts_cert_line(a, &sink);
		fputc('\n', out);
	}
	if (tlsfacts_has_credssp(&a->ev)) {
		fputs("  - **CredSSP:** ", out);
		tlsfacts_credssp_line(a, &sink);
		fputc('\n', out);
	}
}

/* The evidence of one attempt kept, as a list item. */
static void
evidence(struct md_state *md, FILE *out, const struct finding_sample *s,
    int first)
{
	const struct rdpneg_attempt *a = &s->item.a;
	char client[FMT_ENDPOINT_MAX], text[MD_MAX];
	const char *end;

	fmt_endpoint(a->family, &a->client, client, sizeof(client));
	fmt_time(a->ts_sec, a->ts_nsec, text, sizeof(text));
	fputs("- ", out);
	fputs(text, out);
	fputs(", ", out);
	code(md, out, s->capture, 0);
	fputs(", client `", out);
	fputs(client, out);
	fputc('`', out);
	if (a->token != NULL) {
		fputs(", cookie ", out);
		fmt_md_code(a->token, a->token_len, 0, text, sizeof(text));
		fputs(text, out);
	}
	fmt_requested(a, text, sizeof(text));
	fputs(": requested ", out);
	fputs(text, out);
	frame(out, a->request_frame);
	fmt_answer(a, text, sizeof(text));
	fputs("; answer ", out);
	fputs(text, out);
	frame(out, a->response_frame);
	end = rdpneg_tok_str(rdpneg_end_names, a->ev.end);
	fputs("; end ", out);
	fputs(end != NULL ? end : "(null)", out);	/* as printf had it */
	if (a->response_pdu_len > 0 && first) {
		fputs("; Connection Confirm ", out);
		hex(out, a->response_pdu, a->response_pdu_len);
	}
	if (a->malformed != NULL) {
		fputs("; malformed: ", out);
		code(md, out, a->malformed, 0);
	}
	if (a->incomplete != NULL) {
		fputs("; incomplete: ", out);
		code(md, out, a->incomplete, 0);
	}
	fputc('\n', out);
	tls_evidence(md, out, a);
}

/* The certificate of a finding's first attempt, when it has one. */
static void
certificate(struct md_state *md, FILE *out, const struct finding *f)
{
	const struct rdpneg_cert *c;
	char text[FMT_TIME_MAX + 2 * 32 + 1];

	if (f->detail == NULL || f->detail->nsamples == 0 ||
	    (c = f->detail->samples[0].item.a.cert) == NULL)
		return;
	fputs("\n**Certificate** (the first attempt's, judged at its "
	    "time):\n\n", out);
	if (!(c->flags & RDPNEG_CERT_UNPARSABLE)) {
		fputs("- **Subject:** ", out);
		code(md, out, c->subject, 0);
		fputs("\n- **Issuer:** ", out);
		code(md, out, c->issuer, 0);
		tlsfacts_time(c->not_before, text, sizeof(text));
		fprintf(out, "\n- **Valid:** %s to ", text);
		tlsfacts_time(c->not_after, text, sizeof(text));
		fprintf(out, "%s\n- **Key:** ", text);
		code(md, out, c->key_type, 0);
		fprintf(out, " %u bits\n- **Signature:** ", c->key_bits);
		code(md, out, c->signature, 0);
		fputc('\n', out);
	}
	fmt_hex(c->sha256, sizeof(c->sha256), text, sizeof(text));
	fprintf(out, "- **SHA-256:** `%s`\n- **Problems:** ", text);
	rdpneg_cert_flags_str(c->flags, text, sizeof(text));
	fputs(text, out);
	fputc('\n', out);
}

static void
backticks(FILE *out, size_t n)
{
	static const char ticks[] = "````````````````````````````````";
	size_t k;

	for (; n > 0; n -= k) {
		k = n < sizeof(ticks) - 1 ? n : sizeof(ticks) - 1;
		fwrite(ticks, 1, k, out);
	}
}


/* A fenced code block holding our text (commands): the fence longer than
 * any backtick run in it. */
static void
code_block(FILE *out, const char *lang, const char *text)
{
	size_t i, run = 0, fence = 3;

	for (i = 0; text[i] != '\0'; i++) {
		run = text[i] == '`' ? run + 1 : 0;
		if (run >= fence)
			fence = run + 1;
	}
	fputc('\n', out);
	backticks(out, fence);
	fputs(lang, out);
	fputc('\n', out);
	fputs(text, out);
	if (i == 0 || text[i - 1] != '\n')
		fputc('\n', out);
	backticks(out, fence);
	fputc('\n', out);
}

static const char *
class_name(enum rdpneg_class c)
{
	return rdpneg_tok_str(rdpneg_class_names, c);
}

/* ---- Fix steps, each written once per report. */

static int
same_command(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The number of step s whose prose reads text, added when new (two rules
 * may give the same step); 0 out of memory. */
static unsigned
step_number(struct md_state *md, const struct rdpneg_step *s,
    const char *text)
{
	struct md_step *v;
	size_t i;

	for (i = 0; i < md->nsteps; i++)
		if (md->steps[i].step->server == s->server &&
		    strcmp(md->steps[i].text, text) == 0 &&
		    same_command(md->steps[i].step->command, s->command))
			return (unsigned)i + 1;
	if ((v = hindex_room(md->steps, md->nsteps, &md->capsteps, 32,
	    sizeof(*v))) == NULL)
		return 0;
	md->steps = v;
	if ((md->steps[md->nsteps].text = strdup(text)) == NULL)
		return 0;
	md->steps[md->nsteps].step = s;
	return (unsigned)++md->nsteps;
}

/* Add step number k to a section's list once. */
static void
section_add(struct md_section_steps *ss, unsigned k)
{
	size_t i;

	if (k == 0)
		return;
	for (i = 0; i < ss->n; i++)
		if (ss->number[i] == k)
			return;
	if (ss->n < RDPNEG_STEPS_MAX)
		ss->number[ss->n++] = k;
}

/*
 * The steps of finding f: those that apply to any of its attempts kept,
 * the recognised implementation's first, numbered across the report.
 */
static void
number_steps(struct md_state *md, const struct finding *f,
    struct md_section_steps *ss)
{
	const struct finding_detail *d = f->detail;
	const struct rdpneg_step *steps[RDPNEG_STEPS_MAX];
	const struct rdpneg_evidence *ev;
	char text[MD_STEP_MAX];
	size_t i, k, n;

	ss->n = 0;
	for (k = 0; k == 0 || (d != NULL && k < d->nsamples); k++) {
		ev = d != NULL && d->nsamples > 0 ? &d->samples[k].item.a.ev :
		    &f->ev;
		n = rdpneg_select_steps(f->diag, f->print != NULL ?
		    f->print->server : RDPNEG_SERVER_UNKNOWN, ev, steps,
		    RDPNEG_STEPS_MAX);
		for (i = 0; i < n && i < RDPNEG_STEPS_MAX; i++) {
			rdpneg_expand(steps[i]->text, ev, text, sizeof(text));
			section_add(ss, step_number(md, steps[i], text));
		}
	}
}

/* "F1, F3" */
static void
step_refs(FILE *out, const struct md_section_steps *ss)
{
	size_t i;

	for (i = 0; i < ss->n; i++) {
		fputs(i ? ", F" : "F", out);
		put_u64(out, ss->number[i]);
	}
}

/*
 * A fix step: its number, the implementation it is for and its prose, then
 * its command in a code block that pastes as it is (PowerShell for
 * Windows, a POSIX shell for the others).
 */
static void
write_step(FILE *out, unsigned k, const struct md_step *s)
{
	const char *label = rdpneg_tok_str(rdpneg_server_labels,
	    s->step->server);

	fputs("\n**F", out);
	put_u64(out, k);
	fputs(".** ", out);
	if (s->step->server != RDPNEG_SERVER_UNKNOWN && label != NULL)
		fprintf(out, "*%s:* ", label);
	prose(out, s->text);
	fputc('\n', out);
	if (s->step->command != NULL)
		code_block(out, s->step->server == RDPNEG_SERVER_WINDOWS ?
		    "powershell" : "sh", s->step->command);
}

/* A section's fix: each step in full where it first appears, then the
 * numbers of those written in an earlier section. */
static void
fix(struct md_state *md, FILE *out, const struct md_section_steps *ss)
{
	int earlier[RDPNEG_STEPS_MAX];
	size_t i, nearlier = 0;
	unsigned k;

	fputs("\n**Fix.**\n", out);
	for (i = 0; i < ss->n; i++) {
		k = ss->number[i];
		earlier[i] = md->written[k - 1];
		if (earlier[i]) {
			nearlier++;
			continue;
		}
		md->written[k - 1] = 1;
		write_step(out, k, &md->steps[k - 1]);
	}
	if (nearlier == 0)
		return;
	fputs(nearlier < ss->n ? "\nAlso " : "\n", out);
	for (i = 0, nearlier = 0; i < ss->n; i++)
		if (earlier[i]) {
			fputs(nearlier++ ? ", F" : "F", out);
			put_u64(out, ss->number[i]);
		}
	fputs(", as above.\n", out);
}

/* ---- The findings. */

/* tshark commands showing the kept attempts' frames, one per capture. */
static void
frames(FILE *out, const struct finding_detail *f)
{
	char line[4 * 4096 + 256], quoted[4 * 4096 + 4], *lines;
	const struct finding_sample *s;
	const struct rdpneg_attempt *a;
	size_t i, k, j, len = 0, n, ntls;
	uint64_t numbers[2], tls[TLSFACTS_FRAMES];

	if ((lines = malloc(FINDING_SAMPLES * sizeof(line))) == NULL)
		return;
	for (i = 0; i < f->nsamples; i++) {
		for (k = 0; k < i; k++)	/* a capture once */
			if (strcmp(f->samples[k].capture,
			    f->samples[i].capture) == 0)
				break;
		if (k < i)
			continue;
		fmt_shell_quote(f->samples[i].capture, quoted, sizeof(quoted));
		n = (size_t)snprintf(line, sizeof(line),
		    "tshark -r %s -Y 'frame.number in {", quoted);
		for (k = i; k < f->nsamples && n < sizeof(line) - 256; k++) {
			s = &f->samples[k];
			if (strcmp(s->capture, f->samples[i].capture) != 0)
				continue;
			a = &s->item.a;
			numbers[0] = a->request_frame != 0 ? a->request_frame :
			    a->first_frame;
			numbers[1] = a->response_frame;
			n += (size_t)snprintf(line + n, sizeof(line) - n,
			    "%s%" PRIu64, line[n - 1] == '{' ? "" : " ",
			    numbers[0]);
			if (numbers[1] != 0)
				n += (size_t)snprintf(line + n,
				    sizeof(line) - n, " %" PRIu64, numbers[1]);
			ntls = tlsfacts_frames(a, tls);
			for (j = 0; j < ntls; j++)
				n += (size_t)snprintf(line + n,
				    sizeof(line) - n, " %" PRIu64, tls[j]);
		}
		n += (size_t)snprintf(line + n, sizeof(line) - n, "}'\n");
		if (n < sizeof(line)) {
			memcpy(lines + len, line, n);
			len += n;
		}
	}
	lines[len] = '\0';
	fputs("\n**Frames.** Show them with:\n", out);
	code_block(out, "sh", lines);
	free(lines);
}

/* A finding's section. */
static void
section(struct md_state *md, FILE *out, const struct finding *f,
    size_t number, const struct md_section_steps *ss)
{
	const struct rdpneg_diagnosis *d = f->diag;
	const struct finding_detail *detail = f->detail;
	const struct rdpneg_evidence *ev = &f->ev;
	char server[FMT_ENDPOINT_MAX], text[MD_MAX];
	const char *cls = class_name(f->class);
	size_t i;

	fmt_endpoint(f->family, &f->server, server, sizeof(server));
	fprintf(out, "\n### %zu. %c%s: `%s` on `%s`\n\n", number,
	    cls[0] - 'a' + 'A', cls + 1, d->id, server);
	rdpneg_expand(d->summary, ev, text, sizeof(text));
	prose(out, text);
	fprintf(out, "\n\n- **Attempts:** %" PRIu64 " in %" PRIu64
	    " capture%s", f->attempts, f->captures,
	    f->captures == 1 ? "" : "s");
	if (detail != NULL)
		fmt_from_whom(out, &detail->clients, &detail->users);
	fputs(", ", out);
	fmt_span(out, &f->seen);
	if (f->print != NULL) {
		fprintf(out, "\n- **Server:** %s, %s confidence: ",
		    rdpneg_tok_str(rdpneg_server_names, f->print->server),
		    rdpneg_tok_str(rdpneg_confidence_names,
		    f->print->confidence));
		prose(out, f->print->why);
	}
	fprintf(out, "\n- **Confidence:** %s: ", rdpneg_tok_str(
	    rdpneg_confidence_names, d->confidence));
	rdpneg_expand(d->confidence_why, ev, text, sizeof(text));
	prose(out, text);
	rdpneg_expand(d->explanation, ev, text, sizeof(text));
	fputs("\n\n**What happened.** ", out);
	prose(out, text);
	rdpneg_expand(d->server_settings, ev, text, sizeof(text));
	fputs("\n\n**Probable server setting.** ", out);
	prose(out, text);
	fputc('\n', out);
	certificate(md, out, f);
	fix(md, out, ss);
	if (detail == NULL || detail->nsamples == 0)
		fprintf(out, "\n**Attempts.** Not kept: %d other findings came "
		    "first. The JSONL report (`-f jsonl`) has each attempt.\n",
		    FINDINGS_DETAILED);
	else {
		if (f->attempts > detail->nsamples)
			fprintf(out, "\n**Attempts** (the first %zu of %" PRIu64
			    "):\n\n", detail->nsamples, f->attempts);
		else
			fputs("\n**Attempts:**\n\n", out);
		for (i = 0; i < detail->nsamples; i++)
			evidence(md, out, &detail->samples[i], i == 0);
		frames(out, detail);
	}
	fputs("\n**References.** ", out);
	for (i = 0; d->references[i] != NULL; i++) {
		fputs(i ? "; " : "", out);
		prose(out, d->references[i]);
	}
	fputc('\n', out);
}

/* The findings past the sections, a row each. */
static void
more_findings(FILE *out, const struct findings *fs)
{
	char server[FMT_ENDPOINT_MAX];
	const struct finding *f;
	size_t i;

	if (fs->n <= MD_SECTIONS)
		return;
	fputs("\n### Other findings\n\n| Class | Diagnosis | Server | "
	    "Attempts | Seen |\n|---|---|---|---:|---|\n", out);
	for (i = MD_SECTIONS; i < fs->n && i < MD_SECTIONS + MD_MORE; i++) {
		f = &fs->v[i];
		fmt_endpoint(f->family, &f->server, server, sizeof(server));
		fprintf(out, "| %s | `%s` | `%s` | %" PRIu64 " | ",
		    class_name(f->class), f->diag->id, server, f->attempts);
		fmt_span(out, &f->seen);
		fputs(" |\n", out);
	}
	if (fs->n > MD_SECTIONS + MD_MORE)
		fprintf(out, "\n%zu more findings are not listed (the JSONL "
		    "report has every attempt).\n",
		    fs->n - MD_SECTIONS - MD_MORE);
}

/* ---- The overview. */

static void
class_counts(FILE *out, const struct report_totals *t)
{
	static const char *const meaning[RDPNEG_CLASS_COUNT] = {
		NULL,
		"the user could not connect",
		"connected, with a security finding",
		"connected as asked",
		"scanners, connections without a request",
	};
	uint32_t k;
	int any = 0;

	for (k = RDPNEG_CLASS_NONE + 1; k < RDPNEG_CLASS_COUNT; k++) {
		if (t->by_class[k] == 0)
			continue;
		fprintf(out, "%s%s%" PRIu64 " %s%s (%s)", any ? ", " : "",
		    k == RDPNEG_CLASS_BLOCKED ? "**" : "", t->by_class[k],
		    class_name((enum rdpneg_class)k),
		    k == RDPNEG_CLASS_BLOCKED ? "**" : "", meaning[k]);
		any = 1;
	}
	fputs(any ? ".\n" : "No connection attempt.\n", out);
}

/* What was blocked or insecure: a row per class and diagnosis. */
static void
what_failed(FILE *out, const struct findings *fs)
{
	const struct finding_total *t;
	char text[MD_MAX];
	size_t c, d;

	if (fs->n == 0) {
		fputs("\nNo connection attempt was blocked or insecure.\n",
		    out);
		return;
	}
	fputs("\n| Class | Diagnosis | Attempts | Servers | Clients | Users | "
	    "Seen | Cause |\n|---|---|---:|---:|---:|---:|---|---|\n", out);
	for (c = 0; c < FINDING_CLASSES; c++)
		for (d = 0; d < rdpneg_nrules; d++) {
			t = &fs->by_diagnosis[c][d];
			if (t->attempts == 0)
				continue;
			fprintf(out, "| %s | `%s` | %" PRIu64 " | %" PRIu64
			    " | ", class_name(t->top->class),
			    rdpneg_rules[d].diagnosis.id, t->attempts,
			    t->groups);
			fmt_distinct(out, &t->clients, NULL);
			fputs(" | ", out);
			fmt_distinct(out, &t->users, NULL);
			fputs(" | ", out);
			fmt_span(out, &t->seen);
			fputs(" | ", out);
			rdpneg_expand(rdpneg_rules[d].diagnosis.summary,
			    &t->top->ev, text, sizeof(text));
			prose(out, text);
			fputs(" |\n", out);
		}
}

/* A row per server with a section: its findings and the first fix step
 * of each (the secure choice, for its implementation). */
static void
fix_per_server(struct md_state *md, FILE *out, const struct findings *fs,
    size_t nsections)
{
	struct md_section_steps all;
	char server[FMT_ENDPOINT_MAX];
	const struct finding *f;
	size_t i, j;

	(void)md;
	if (nsections == 0)
		return;
	fputs("\n### Fix per server\n\n| Server | Implementation | Findings "
	    "| First fix steps |\n|---|---|---|---|\n", out);
	for (i = 0; i < nsections; i++) {
		f = &fs->v[i];
		for (j = 0; j < i && !findings_same_server(&fs->v[j], f); j++)
			;
		if (j < i)
			continue;	/* its row is written */
		fmt_endpoint(f->family, &f->server, server, sizeof(server));
		fprintf(out, "| `%s` | %s | ", server, f->print != NULL ?
		    rdpneg_tok_str(rdpneg_server_names, f->print->server) :
		    "not recognised");
		all.n = 0;
		for (j = i; j < nsections; j++) {
			if (!findings_same_server(&fs->v[j], f))
				continue;
			fprintf(out, "%s%s `%s` (%" PRIu64 ")", j > i ? ", " :
			    "", class_name(fs->v[j].class), fs->v[j].diag->id,
			    fs->v[j].attempts);
			if (md->section[j].n > 0)	/* its first step */
				section_add(&all, md->section[j].number[0]);
		}
		fputs(" | ", out);
		step_refs(out, &all);
		fputs(" |\n", out);
	}
}

/* ---- The summary by server. */

/* A row per server (at most max), its counts adding up to its attempts. */
static void
servers(FILE *out, struct summary *s, size_t max)
{
	const struct server_stat *v;
	char server[FMT_ENDPOINT_MAX];
	size_t i;
	uint32_t k;

	summary_sort(s);
	if (s->n == 0)
		return;
	fputs("\n## Summary by server\n\n| Server | Attempts | Blocked | "
	    "Insecure | Ok | Noise | Outcomes | Failure codes | Diagnoses | "
	    "Certificate problems | Clients | Seen |\n"
	    "|---|---:|---:|---:|---:|---:|---|---|---|---|---:|---|\n", out);
	for (i = 0; i < s->n && i < max; i++) {
		v = &s->servers[i];
		fmt_endpoint(v->family, &v->server, server, sizeof(server));
		fprintf(out, "| `%s` | %" PRIu64, server, v->attempts);
		for (k = RDPNEG_CLASS_NONE + 1; k < RDPNEG_CLASS_COUNT; k++)
			fprintf(out, " | %" PRIu64, v->by_class[k]);
		fputs(" | ", out);
		summary_write_counts(out, "", v->by_outcome, 0,
		    RDPNEG_OUTCOME_COUNT, summary_outcome_name);
		fputs(" | ", out);
		summary_write_counts(out, "", v->by_failure, 1,
		    SUMMARY_UNKNOWN_FAILURE + 1, summary_failure_name);
		fputs(" | ", out);
		summary_write_counts(out, "", v->by_diagnosis, 0,
		    rdpneg_nrules, summary_diagnosis_name);
		fputs(" | ", out);
		summary_write_counts(out, "", v->by_cert_problem, 0,
		    SUMMARY_CERT_PROBLEMS, summary_cert_problem_name);
		fputs(" | ", out);
		fmt_distinct(out, &v->clients, NULL);
		fputs(" | ", out);
		fmt_span(out, &v->seen);
		fputs(" |\n", out);
	}
	if (s->n > max)
		fprintf(out, "\n%zu more servers are not listed (--summary "
		    "lists them all).\n", s->n - max);
}

/* ---- The captures. */

static void
capture_row(struct md_state *md, FILE *out, const struct md_capture *c)
{
	fputs("| ", out);
	code(md, out, c->path, 1);
	fprintf(out, " | %" PRIu64 " | ", c->size);
	if (c->sha256[0] != '\0')
		fprintf(out, "`%s`", c->sha256);
	fprintf(out, " | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " | ",
	    c->packets, c->attempts, c->findings);
	if (c->interrupted)
		fprintf(out, "interrupted after frame %" PRIu64, c->packets);
	if (c->error != NULL) {
		fputs("read error: ", out);
		code(md, out, c->error, 1);
		fputs(" (the attempts before it are reported)", out);
	}
	fputs(" |\n", out);
}

static void
captures(struct md_state *md, FILE *out)
{
	size_t i;

	if (md->ncaptures > 0) {
		fputs("\n## Captures\n\n| Capture | Bytes | SHA-256 | Packets "
		    "| Attempts | Findings | Note |\n"
		    "|---|---:|---|---:|---:|---:|---|\n", out);
		for (i = 0; i < md->ncaptures; i++)
			capture_row(md, out, &md->captures[i]);
		if (md->more_captures != 0)
			fprintf(out, "\n%" PRIu64 " more captures are not "
			    "listed.\n", md->more_captures);
	}
	if (md->nunread == 0)
		return;
	fputs("\n## Inputs not read\n\n", out);
	for (i = 0; i < md->nunread; i++) {
		fputs("- ", out);
		code(md, out, md->unread[i].path, 0);
		fputs(": ", out);
		code(md, out, md->unread[i].error, 0);
		fputc('\n', out);
	}
	if (md->more_unread != 0)
		fprintf(out, "- ... and %" PRIu64 " more\n", md->more_unread);
}

/* ---- The format's operations. */

static int
md_begin(struct report *r)
{
	r->state = calloc(1, sizeof(struct md_state));
	return r->state != NULL ? 0 : -1;
}

/* The attempts are counted in r->findings (report.c). */
static void
md_attempt(struct report *r, const struct capture_result *res,
    const struct attempt_item *it)
{
	(void)r;
	(void)res;
	(void)it;
}

static int
keep_capture(struct md_capture *c, const struct capture_result *res,
    const char *error)
{
	memset(c, 0, sizeof(*c));
	if ((c->path = strdup(res->path)) == NULL)
		return -1;
	if (error != NULL && (c->error = strdup(error)) == NULL) {
		free(c->path);
		return -1;
	}
	return 0;
}

static void
md_capture(struct report *r, const struct capture_result *res)
{
	struct md_state *md = r->state;
	struct md_capture *c;

	/* Not read at all: an input not read. */
	if (res->not_analysed || (res->unreadable &&
	    res->stats.packets == 0 && r->capture_attempts == 0)) {
		if (md->nunread == MD_CAPTURES)
			md->more_unread++;
		else if (keep_capture(&md->unread[md->nunread], res,
		    res->not_analysed ? "not analysed: the run was "
		    "interrupted before it" : res->error) == 0)
			md->nunread++;
		return;
	}
	if (md->ncaptures == MD_CAPTURES) {
		md->more_captures++;
		md->damaged += res->unreadable != 0;
		return;
	}
	md->damaged += res->unreadable != 0;
	c = &md->captures[md->ncaptures];
	if (keep_capture(c, res, res->unreadable ? res->error : NULL) < 0)
		return;
	c->size = res->size;
	memcpy(c->sha256, res->sha256, sizeof(c->sha256));
	c->packets = res->stats.packets;
	c->attempts = r->capture_attempts;
	c->findings = r->capture_findings;
	c->interrupted = res->stats.interrupted;
	md->ncaptures++;
}

static void
interrupted(struct md_state *md, FILE *out, const struct report_totals *t)
{
	if (!t->interrupted && t->not_analysed == 0)
		return;
	fputs("\nThe run was interrupted", out);
	if (t->interrupted) {
		fputs(" in ", out);
		code(md, out, t->interrupted_path, 0);
		fprintf(out, " after frame %" PRIu64 " (%" PRIu64
		    " bytes read)", t->interrupted_frame,
		    t->interrupted_bytes);
	}
	if (t->not_analysed != 0)
		fprintf(out, "; %" PRIu64 " file%s not analysed",
		    t->not_analysed, t->not_analysed == 1 ? "" : "s");
	fputs(": this report covers what was read.\n", out);
}

static void
free_state(struct md_state *md)
{
	size_t i;

	for (i = 0; i < md->ncaptures; i++) {
		free(md->captures[i].path);
		free(md->captures[i].error);
	}
	for (i = 0; i < md->nunread; i++) {
		free(md->unread[i].path);
		free(md->unread[i].error);
	}
	for (i = 0; i < md->nsteps; i++)
		free(md->steps[i].text);
	free(md->steps);
	free(md->written);
	free(md);
}

static void
md_finish(struct report *r)
{
	struct md_state *md = r->state;
	struct findings *fs = &r->findings;
	const struct report_totals *t = &r->totals;
	uint64_t ncaptures, nunread;
	size_t i, nsections;

	if (r->summary_only) {
		fprintf(r->out, "# rdpneg summary\n\nGenerated by rdpneg %s.\n",
		    RDPNEG_VERSION);
		servers(r->out, &r->servers, SIZE_MAX);
		interrupted(md, r->out, t);
		free_state(md);
		r->state = NULL;
		return;
	}
	findings_sort(fs);
	nsections = fs->n < MD_SECTIONS ? fs->n : MD_SECTIONS;
	for (i = 0; i < nsections; i++)
		number_steps(md, &fs->v[i], &md->section[i]);
	md->written = calloc(md->nsteps ? md->nsteps : 1,
	    sizeof(*md->written));
	ncaptures = md->ncaptures + md->more_captures;
	nunread = md->nunread + md->more_unread;
	fprintf(r->out, "# rdpneg report\n\nGenerated by rdpneg %s from %"
	    PRIu64 " capture%s", RDPNEG_VERSION, ncaptures, ncaptures == 1 ?
	    "" : "s");
	if (md->damaged != 0)
		fprintf(r->out, " (%" PRIu64 " damaged)", md->damaged);
	if (nunread != 0)
		fprintf(r->out, " and %" PRIu64 " input%s not read", nunread,
		    nunread == 1 ? "" : "s");
	fprintf(r->out, ": %" PRIu64 " connection attempt%s", t->attempts,
	    t->attempts == 1 ? "" : "s");
	if (t->attempts != 0) {
		fputs(", ", r->out);
		fmt_span(r->out, &t->seen);
	}
	fputs(".\n\n## Overview\n\n", r->out);
	class_counts(r->out, t);
	what_failed(r->out, fs);
	if (md->written != NULL)
		fix_per_server(md, r->out, fs, nsections);
	if (nsections > 0 && md->written != NULL) {
		fputs("\n## Findings\n", r->out);
		for (i = 0; i < nsections; i++)
			section(md, r->out, &fs->v[i], i + 1, &md->section[i]);
		more_findings(r->out, fs);
	}
	servers(r->out, &r->servers, MD_SERVERS);
	captures(md, r->out);
	interrupted(md, r->out, t);
	free_state(md);
	r->state = NULL;
}

const struct report_format report_markdown = {
	"markdown",
	md_begin,
	md_attempt,
	md_capture,
	md_finish,
};
