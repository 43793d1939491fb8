/*
 * report_csv.c - one row per attempt (RFC 4180), its columns from the
 * record's table (record.c), or one row per server with --summary.  Text
 * fields are always quoted and guarded against formula injection
 * (fmt_csv_field).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/fmt.h"
#include "report/record.h"
#include "report/report.h"

#define FIELD_MAX	(8 * 4096 + 16)


/* The report's state (struct report's). */
struct csv_state {
	/* The record's fields that are columns, in column order. */
	const struct record_field	*columns[RECORD_FIELDS];
	size_t				 ncolumns;
	char				 field[FIELD_MAX];	/* quoted */
	char				 text[FIELD_MAX];	/* a value */
};

/* A quoted text field, then a comma (or the row's end). */
static void
field(struct csv_state *s, FILE *out, const void *bytes, size_t len,
    const char *after)
{
	fmt_csv_field(bytes, len, s->field, sizeof(s->field));
	fputs(s->field, out);
	fputs(after, out);
}

static void
text_field(struct csv_state *s, FILE *out, const char *str,
    const char *after)
{
	field(s, out, str != NULL ? str : "", str != NULL ? strlen(str) : 0,
	    after);
}

/* A number, or an empty field; then after.  Written without printf (its
 * format parsing showed in profiles: about ten numbers a row). */
static void
number(FILE *out, int present, uint64_t v, const char *after)
{
	char buf[24], *end = buf + 20, *p = end;	/* 20 digits at most */
	size_t n = strlen(after);

	if (present)
		do
			*--p = (char)('0' + v % 10);
		while ((v /= 10) != 0);
	memcpy(end, after, n);		/* "," or "\r\n" */
	fwrite(p, 1, (size_t)(end + n - p), out);
}

/*
 * With --summary, a row per server: its counts by class, by outcome and
 * by failureCode (MS-RDPBCGR 2.2.1.2.2; codes beyond the table counted as
 * unknown_failure), then of the attempts whose certificate has each
 * problem (cert_self_signed...: the flag's name, '-' as '_'), the columns
 * named from the name tables.
 */
static void
summary_header(FILE *out)
{
	const char *name;
	uint32_t k;

	fputs("server,attempts,", out);
	for (k = RDPNEG_CLASS_NONE + 1; k < RDPNEG_CLASS_COUNT; k++)
		fprintf(out, "%s,", rdpneg_tok_str(rdpneg_class_names, k));
	for (k = 0; k < RDPNEG_OUTCOME_COUNT; k++)
		fprintf(out, "%s,", rdpneg_tok_str(rdpneg_outcome_names, k));
	for (k = 1; k < SUMMARY_UNKNOWN_FAILURE; k++)
		fprintf(out, "%s,", rdpneg_tok_str(rdpneg_failure_names, k));
	fputs("unknown_failure,clients,clients_estimated,first_seen,last_seen",
	    out);
	for (k = 0; k < SUMMARY_CERT_PROBLEMS; k++) {
		fputs(",cert_", out);
		for (name = summary_cert_problem_name(k); *name != '\0'; name++)
			fputc(*name == '-' ? '_' : *name, out);
	}
	fputs("\r\n", out);
}

/* The table's columns in their order, then the header made of them. */
static int
csv_begin(struct report *r)
{
	struct csv_state *s;
	const struct record_field *f;
	size_t i, n = 0;

	if ((s = malloc(sizeof(*s))) == NULL)
		return -1;
	r->state = s;
	if (r->summary_only) {
		summary_header(r->out);
		return 0;
	}
	for (f = record_fields; f < record_fields + RECORD_FIELDS; f++) {
		if (f->column == NULL)
			continue;
		for (i = n++; i > 0 && s->columns[i - 1]->position >
		    f->position; i--)
			s->columns[i] = s->columns[i - 1];
		s->columns[i] = f;
	}
	s->ncolumns = n;
	for (i = 0; i < n; i++) {
		fputs(s->columns[i]->column, r->out);
		fputs(i + 1 < n ? "," : "\r\n", r->out);
	}
	return 0;
}

/* Names of ours (RECORD_WORDS), '|'-joined into buf. */
static void
join_words(char *buf, size_t size, const char *p, size_t n)
{
	size_t used = 0, len;

	buf[0] = '\0';
	for (; n > 0; n--, p += len + 1) {
		len = strlen(p);
		if (used + len + 2 > size)
			break;
		if (used > 0)
			buf[used++] = '|';
		memcpy(buf + used, p, len + 1);
		used += len;
	}
}

/* One cell of the row, then after. */
static void
cell(struct csv_state *s, FILE *out, const struct record_field *f,
    const struct record_ctx *ctx, const char *after)
{
	struct record_value v;

	record_get(f, ctx, &v);
	switch (v.type) {
	case RECORD_NULL:	/* a number's cell is empty, a text's "" */
		if (f->type == RECORD_INT || f->type == RECORD_FRAME)
			number(out, 0, 0, after);
		else
			text_field(s, out, NULL, after);
		break;
	case RECORD_INT:
		number(out, 1, v.u.n, after);
		break;
	case RECORD_FRAME:
		number(out, v.u.n != 0, v.u.n, after);
		break;
	case RECORD_BOOL:
		text_field(s, out, v.u.n ? "true" : "false", after);
		break;
	case RECORD_TEXT:
		text_field(s, out, v.u.text, after);
		break;
	case RECORD_BYTES:
		field(s, out, v.u.bytes.p, v.u.bytes.len, after);
		break;
	case RECORD_WORDS:
		join_words(s->text, sizeof(s->text), v.u.words.p,
		    v.u.words.n);
		text_field(s, out, s->text, after);
		break;
	case RECORD_PROTOCOLS:
		rdpneg_protocols_str((uint32_t)v.u.n, s->text,
		    sizeof(s->text));
		text_field(s, out, s->text, after);
		break;
	case RECORD_SERVER:
		text_field(s, out, rdpneg_tok_str(rdpneg_server_names,
		    v.u.server->server), after);
		break;
	case RECORD_KB:
		rdpneg_expand(v.u.text, &ctx->it->a.ev, s->text,
		    sizeof(s->text));
		text_field(s, out, s->text, after);
		break;
	case RECORD_KB_LIST:	/* no column holds a list or an object */
	case RECORD_STEPS:
	case RECORD_OBJECT:
	case RECORD_LIST:
		text_field(s, out, NULL, after);
		break;
	}
}

static void
csv_row(struct csv_state *s, FILE *out, const char *capture,
    const struct attempt_item *it)
{
	char text[RECORD_TEXT_MAX];
	struct record_ctx ctx;
	size_t i;

	record_ctx_init(&ctx, capture, it, text);
	for (i = 0; i < s->ncolumns; i++)
		cell(s, out, s->columns[i], &ctx,
		    i + 1 < s->ncolumns ? "," : "\r\n");
}

static void
csv_attempt(struct report *r, const struct capture_result *res,
    const struct attempt_item *it)
{
	if (report_shows(r, it))
		csv_row(r->state, r->out, res->path, it);
}

static void
csv_capture(struct report *r, const struct capture_result *res)
{
	(void)r;
	(void)res;
}

/* With --summary: one row per server. */
static void
csv_summary(struct report *r, struct csv_state *s)
{
	const struct server_stat *v;
	char text[FMT_ENDPOINT_MAX + FMT_TIME_MAX];
	size_t i, k;

	summary_sort(&r->servers);
	for (i = 0; i < r->servers.n; i++) {
		v = &r->servers.servers[i];
		fmt_endpoint(v->family, &v->server, text, sizeof(text));
		text_field(s, r->out, text, ",");
		number(r->out, 1, v->attempts, ",");
		for (k = RDPNEG_CLASS_NONE + 1; k < RDPNEG_CLASS_COUNT; k++)
			number(r->out, 1, v->by_class[k], ",");
		for (k = 0; k < RDPNEG_OUTCOME_COUNT; k++)
			number(r->out, 1, v->by_outcome[k], ",");
		for (k = 1; k <= SUMMARY_UNKNOWN_FAILURE; k++)
			number(r->out, 1, v->by_failure[k], ",");
		number(r->out, 1, keyset_count(&v->clients), ",");
		text_field(s, r->out, keyset_estimated(&v->clients) ?
		    "true" : "false", ",");
		fmt_time(v->seen.first_sec, v->seen.first_nsec, text,
		    sizeof(text));
		text_field(s, r->out, text, ",");
		fmt_time(v->seen.last_sec, v->seen.last_nsec, text,
		    sizeof(text));
		text_field(s, r->out, text, ",");
		for (k = 0; k < SUMMARY_CERT_PROBLEMS; k++)
			number(r->out, 1, v->by_cert_problem[k],
			    k + 1 < SUMMARY_CERT_PROBLEMS ? "," : "\r\n");
	}
}

static void
csv_finish(struct report *r)
{
	if (r->summary_only)
		csv_summary(r, r->state);
	free(r->state);
	r->state = NULL;
}

const struct report_format report_csv = {
	"csv",
	csv_begin,
	csv_attempt,
	csv_capture,
	csv_finish,
};
