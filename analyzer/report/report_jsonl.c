/*
 * report_jsonl.c - one JSON object per connection attempt, its keys from
 * the record's table (record.c).
 *
 * Built with jansson, which escapes strings correctly and writes numbers
 * and nulls without hand-rolled formatting; untrusted bytes are made
 * valid UTF-8 first, and the output is kept ASCII (JSON_ENSURE_ASCII).
 *
 * Most of a record is its diagnosis (about 2 KB of knowledge-base text):
 * it is dumped by jansson once per distinct diagnosis, implementation
 * and filled placeholders, and its bytes reused for every record that has
 * the same (diag_fragment).  The rest of the record is one object kept
 * between records, its values replaced, dumped into one buffer kept too,
 * and written with one fwrite.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report/fmt.h"
#include "report/record.h"
#include "report/report.h"

#define JSONL_FLAGS	(JSON_COMPACT | JSON_ENSURE_ASCII)
/* A diagnosis text with its placeholders filled is cut at this size. */
#define EXPANDED_MAX	2048
/* Diagnosis fragments kept: a table looked up by the hash of their key,
 * probing PROBES slots from it. */
#define FRAGMENTS	512
#define PROBES		8

/* A buffer that grows, kept between records. */
struct growbuf {
	char	*p;
	size_t	 size;
};

/* One diagnosis object as jansson dumped it, and what it was made from. */
struct fragment {
	const struct rdpneg_diagnosis	*diag;
	enum rdpneg_server		 server;	/* orders the fix */
	char				*key;	/* the filled texts */
	size_t				 key_len;
	char				*json;
	size_t				 json_len;
};

/* The report's state (struct report's): kept between records. */
struct jsonl_state {
	struct growbuf	 sanitized;	/* json_bytes */
	struct growbuf	 line;		/* one record, dumped */
	struct growbuf	 key;		/* the filled texts of a diagnosis */
	struct fragment	 fragments[FRAGMENTS];
	unsigned	 evict;		/* the next of a full probe run */
	/* The record and the objects of its groups (set_attempt). */
	json_t		*kept[RECORD_GROUPS];
	int		 set_failed;
};

static int
reserve(struct growbuf *b, size_t need)
{
	size_t size = b->size ? b->size : 4096;
	char *p;

	if (need <= b->size)
		return 0;
	while (size < need)
		size *= 2;
	if ((p = realloc(b->p, size)) == NULL)
		return -1;
	b->p = p;
	b->size = size;
	return 0;
}

static void
growbuf_free(struct growbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->size = 0;
}

/* Untrusted bytes as a JSON string: fmt_utf8_sanitize makes them valid
 * UTF-8, which is what jansson wants, so it need not check them again. */
static json_t *
json_bytes(struct jsonl_state *s, const uint8_t *bytes, size_t len)
{
	size_t size = 3 * len + 1;	/* each byte may become U+FFFD */

	if (reserve(&s->sanitized, size) < 0)
		return json_null();
	return json_stringn_nocheck(s->sanitized.p, fmt_utf8_sanitize(bytes,
	    len, s->sanitized.p, size));
}

/* Our own text (names from the tables, times, addresses, hex, the
 * fingerprints' evidence): valid UTF-8 by construction. */
static json_t *
json_ours(const char *s)
{
	return json_string_nocheck(s);
}

/* Names of ours (RECORD_WORDS) as an array. */
static json_t *
json_words(const char *p, size_t n)
{
	json_t *a = json_array();

	for (; n > 0; n--, p += strlen(p) + 1)
		json_array_append_new(a, json_ours(p));
	return a;
}

/*
 * Our keys are ASCII.  A value that could not be made (NULL) leaves its
 * key out, as jansson does in a new object; in the kept record the key is
 * deleted, and the record made again after it is written (deleting and
 * setting again would move the key to the end).
 */
static void
set(struct jsonl_state *s, json_t *o, const char *k, json_t *v)
{
	if (json_object_set_new_nocheck(o, k, v) != 0) {
		json_object_del(o, k);
		s->set_failed = 1;
	}
}

static json_t *
json_protocol_names(uint32_t mask)
{
	json_t *a = json_array();
	const struct rdpneg_tok *t;
	char hex[16];
	uint32_t known = 0;

	if (mask == RDPNEG_PROTOCOL_RDP)
		json_array_append_new(a, json_ours("RDP"));
	for (t = rdpneg_protocol_names; t->name != NULL; t++) {
		known |= t->value;
		if (mask & t->value)
			json_array_append_new(a, json_ours(t->name));
	}
	if (mask & ~known) {
		snprintf(hex, sizeof(hex), "0x%x", mask & ~known);
		json_array_append_new(a, json_ours(hex));
	}
	return a;
}

static json_t *
json_server(struct jsonl_state *s, const struct rdpneg_server_fingerprint *p)
{
	json_t *o = json_object();

	set(s, o, "name", json_ours(rdpneg_tok_str(rdpneg_server_names,
	    p->server)));
	set(s, o, "confidence", json_ours(rdpneg_tok_str(
	    rdpneg_confidence_names, p->confidence)));
	set(s, o, "evidence", json_ours(p->why));
	return o;
}

/* A knowledge-base text with its placeholders filled. */
static json_t *
json_expanded(const char *text, const struct rdpneg_evidence *ev)
{
	char buf[EXPANDED_MAX];

	rdpneg_expand(text, ev, buf, sizeof(buf));
	return json_string(buf);	/* checked: built once per fragment */
}

static json_t *
json_texts(const char *const *texts, const struct rdpneg_evidence *ev)
{
	json_t *a = json_array();

	for (; *texts != NULL; texts++)
		json_array_append_new(a, json_expanded(*texts, ev));
	return a;
}

/* Remediation steps, each on one line (rdpneg_format_step). */
static json_t *
json_steps(const struct rdpneg_step *const *steps,
    const struct rdpneg_evidence *ev)
{
	char buf[EXPANDED_MAX];
	json_t *a = json_array();

	for (; *steps != NULL; steps++) {
		rdpneg_format_step(*steps, ev, buf, sizeof(buf));
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

/* A value of the record as JSON: NULL when it could not be made. */
static json_t *
json_value(struct jsonl_state *s, const struct record_ctx *ctx,
    const struct record_value *v)
{
	switch (v->type) {
	case RECORD_NULL:
		break;
	case RECORD_INT:
		return json_integer((json_int_t)v->u.n);
	case RECORD_FRAME:
		if (v->u.n != 0)
			return json_integer((json_int_t)v->u.n);
		break;
	case RECORD_BOOL:
		return json_boolean(v->u.n);
	case RECORD_TEXT:
		return json_ours(v->u.text);
	case RECORD_BYTES:
		return json_bytes(s, v->u.bytes.p, v->u.bytes.len);
	case RECORD_WORDS:
		return json_words(v->u.words.p, v->u.words.n);
	case RECORD_PROTOCOLS:
		return json_protocol_names((uint32_t)v->u.n);
	case RECORD_SERVER:
		return json_server(s, v->u.server);
	case RECORD_KB:
		return json_expanded(v->u.text, &ctx->it->a.ev);
	case RECORD_KB_LIST:
		return json_texts(v->u.list, &ctx->it->a.ev);
	case RECORD_STEPS:
		return json_steps(v->u.steps, &ctx->it->a.ev);
	case RECORD_OBJECT:	/* the diagnosis: null, its fragment comes
				   in its place (the others: set_group) */
	case RECORD_LIST:
		break;
	}
	return json_null();
}

static json_t *json_list(struct jsonl_state *, struct record_ctx *,
    enum record_group, size_t);
static json_t *json_kept(struct jsonl_state *, struct record_ctx *,
    enum record_group);

/*
 * Set the keys of group g in o, in the table's order: a child group's
 * object (kept, see set_attempt) or array where its field stands, null
 * when it is absent, and the diagnosis null (its fragment replaces it).
 */
static void
set_group(struct jsonl_state *s, struct record_ctx *ctx, json_t *o,
    enum record_group g)
{
	const struct record_field *f;
	struct record_value v;
	json_t *value;

	for (f = record_fields; f < record_fields + RECORD_FIELDS; f++) {
		if (f->group != g || !record_in_json(f))
			continue;
		record_get(f, ctx, &v);
		if (v.type == RECORD_LIST)
			value = json_list(s, ctx, f->child, (size_t)v.u.n);
		else if (v.type == RECORD_OBJECT &&
		    f->child != RECORD_DIAGNOSIS)
			value = json_kept(s, ctx, f->child);
		else
			value = json_value(s, ctx, &v);
		set(s, o, f->key, value);
	}
}

/* The n elements of a list group, each a new object. */
static json_t *
json_list(struct jsonl_state *s, struct record_ctx *ctx, enum record_group g,
    size_t n)
{
	json_t *a = json_array(), *o;

	for (ctx->index = 0; ctx->index < n; ctx->index++) {
		o = json_object();
		set_group(s, ctx, o, g);
		if (json_array_append_new(a, o) != 0)
			s->set_failed = 1;
	}
	ctx->index = 0;
	return a;
}

/* A group's object, kept between records: its values replaced. */
static json_t *
json_kept(struct jsonl_state *s, struct record_ctx *ctx, enum record_group g)
{
	if (s->kept[g] == NULL && (s->kept[g] = json_object()) == NULL)
		return NULL;
	set_group(s, ctx, s->kept[g], g);
	return json_incref(s->kept[g]);
}

/* ---- The diagnosis: built and dumped only when its fragment is new. */

static json_t *
json_diagnosis(struct jsonl_state *s, struct record_ctx *ctx)
{
	json_t *o = json_object();

	set_group(s, ctx, o, RECORD_DIAGNOSIS);
	return o;
}

/*
 * Append the filled text to the key when the text has placeholders or
 * conditions (it cannot change otherwise: rdpneg_expand copies text
 * without '{' as is).
 */
static int
key_text(struct jsonl_state *s, size_t *len, const char *text,
    const struct rdpneg_evidence *ev)
{
	char *at;

	if (strchr(text, '{') == NULL)
		return 0;
	if (reserve(&s->key, *len + EXPANDED_MAX) < 0)
		return -1;
	at = s->key.p + *len;
	rdpneg_expand(text, ev, at, EXPANDED_MAX);
	*len += strlen(at) + 1;		/* with its NUL: a separator */
	return 0;
}

/* Append the step's identity, and its text filled when that can vary. */
static int
key_step(struct jsonl_state *s, size_t *len, const struct rdpneg_step *step,
    const struct rdpneg_evidence *ev)
{
	if (reserve(&s->key, *len + sizeof(step)) < 0)
		return -1;
	memcpy(s->key.p + *len, &step, sizeof(step));
	*len += sizeof(step);
	return key_text(s, len, step->text, ev);
}

/*
 * What a diagnosis object depends on besides the diagnosis and the
 * implementation (which order its steps): the texts that hold
 * placeholders or conditions, filled, and the steps that apply, in
 * order.  Returns the key's length, or (size_t)-1 when out of memory.
 */
static size_t
diag_key(struct jsonl_state *s, const struct record_ctx *ctx)
{
	const struct rdpneg_evidence *ev = &ctx->it->a.ev;
	const struct record_field *f;
	const struct rdpneg_step *const *step;
	const char *const *t;
	struct record_value v;
	size_t len = 0;
	int err = 0;

	for (f = record_fields; f < record_fields + RECORD_FIELDS; f++) {
		if (f->group != RECORD_DIAGNOSIS || !record_in_json(f))
			continue;
		record_get(f, ctx, &v);
		if (v.type == RECORD_KB)
			err |= key_text(s, &len, v.u.text, ev);
		else if (v.type == RECORD_KB_LIST)
			for (t = v.u.list; *t != NULL; t++)
				err |= key_text(s, &len, *t, ev);
		else if (v.type == RECORD_STEPS)
			for (step = v.u.steps; *step != NULL; step++)
				err |= key_step(s, &len, *step, ev);
	}
	return err ? (size_t)-1 : len;
}

static size_t
fragment_slot(const struct jsonl_state *s, const struct rdpneg_diagnosis *d,
    enum rdpneg_server server, size_t len)
{
	uint64_t h = 14695981039346656037u;	/* FNV-1a */
	size_t i;

	h = (h ^ (uint64_t)(uintptr_t)d) * 1099511628211u;
	h = (h ^ (uint64_t)server) * 1099511628211u;
	for (i = 0; i < len; i++)
		h = (h ^ (uint8_t)s->key.p[i]) * 1099511628211u;
	/* A product's low bits depend on its factors' low bits only: the
	 * rules' addresses differ mostly above them. */
	return (size_t)((h ^ h >> 32) % FRAGMENTS);
}

static void
fragment_free(struct fragment *f)
{
	free(f->key);
	free(f->json);
	memset(f, 0, sizeof(*f));
}

/* Dump o into the line buffer, with room bytes more after it; its
 * length, or 0 on error. */
static size_t
dump_line(struct jsonl_state *s, const json_t *o, size_t room)
{
	struct growbuf *line = &s->line;
	size_t n = json_dumpb(o, line->p, line->size, JSONL_FLAGS);

	if (n == 0)
		return 0;
	if (n + room > line->size) {
		if (reserve(line, n + room) < 0)
			return 0;
		if (json_dumpb(o, line->p, line->size, JSONL_FLAGS) != n)
			return 0;
	}
	return n;
}

/* Dump o into a new string; its length in *len.  NULL on error. */
static char *
dump_new(struct jsonl_state *s, const json_t *o, size_t *len)
{
	size_t n = dump_line(s, o, 0);
	char *p;

	if (n == 0 || (p = malloc(n)) == NULL)
		return NULL;
	memcpy(p, s->line.p, n);
	*len = n;
	return p;
}

/* The attempt's diagnosis object as JSON text, or NULL. */
static const struct fragment *
diag_fragment(struct jsonl_state *s, struct record_ctx *ctx)
{
	const struct attempt_item *it = ctx->it;
	enum rdpneg_server server = it->server != NULL ? it->server->server :
	    RDPNEG_SERVER_UNKNOWN;
	size_t len = diag_key(s, ctx), slot, i;
	struct fragment *f, made;
	json_t *o;

	if (len == (size_t)-1)
		return NULL;
	slot = fragment_slot(s, it->diag, server, len);
	for (i = 0; i < PROBES; i++) {
		f = &s->fragments[(slot + i) % FRAGMENTS];
		if (f->json == NULL)
			break;		/* a free slot: the key is new */
		if (f->diag == it->diag && f->server == server &&
		    f->key_len == len &&
		    (len == 0 || memcmp(f->key, s->key.p, len) == 0))
			return f;
	}
	if (i == PROBES)	/* all taken: one of them goes, in turn */
		f = &s->fragments[(slot + s->evict++ % PROBES) % FRAGMENTS];

	memset(&made, 0, sizeof(made));
	made.diag = it->diag;
	made.server = server;
	made.key_len = len;
	if ((made.key = malloc(len ? len : 1)) == NULL)
		return NULL;
	if (len > 0)
		memcpy(made.key, s->key.p, len);
	o = json_diagnosis(s, ctx);
	made.json = dump_new(s, o, &made.json_len);
	json_decref(o);
	if (made.json == NULL) {
		fragment_free(&made);
		return NULL;
	}
	fragment_free(f);
	*f = made;
	return f;
}

/* ---- The rest of the record. */

static void
drop_record(struct jsonl_state *s)
{
	size_t g;

	for (g = 0; g < RECORD_GROUPS; g++) {
		json_decref(s->kept[g]);
		s->kept[g] = NULL;
	}
}

/*
 * The record and the objects of its groups (but the lists' elements and
 * the diagnosis) are kept between records: setting a key one has replaces
 * the value in place (jansson keeps the order keys were first set in), so
 * only the values are made again.  The diagnosis, whose key comes last,
 * is null here.
 */
static void
set_attempt(struct jsonl_state *s, struct record_ctx *ctx)
{
	set_group(s, ctx, s->kept[RECORD_TOP], RECORD_TOP);
}

static void
write_record(struct jsonl_state *s, FILE *out, const char *capture,
    const struct attempt_item *it)
{
	static const char tail[] = "null}";	/* "diagnosis":null} */
	const size_t tail_len = sizeof(tail) - 1;
	char text[RECORD_TEXT_MAX];
	struct record_ctx ctx;
	const struct fragment *f;
	char *p;
	size_t n;

	record_ctx_init(&ctx, capture, it, text);
	if ((f = diag_fragment(s, &ctx)) == NULL)
		return;			/* out of memory */
	if (s->kept[RECORD_TOP] == NULL &&
	    (s->kept[RECORD_TOP] = json_object()) == NULL)
		return;
	s->set_failed = 0;
	set_attempt(s, &ctx);
	n = dump_line(s, s->kept[RECORD_TOP], f->json_len + 2);
	if (s->set_failed)
		drop_record(s);
	p = s->line.p;
	if (n < tail_len || memcmp(p + n - tail_len, tail, tail_len) != 0)
		return;
	/* The diagnosis in place of its null, then the record's end. */
	n -= tail_len;
	memcpy(p + n, f->json, f->json_len);
	n += f->json_len;
	p[n++] = '}';
	p[n++] = '\n';
	fwrite(p, 1, n, out);
}

static int
jsonl_begin(struct report *r)
{
	r->state = calloc(1, sizeof(struct jsonl_state));
	return r->state != NULL ? 0 : -1;
}

static void
jsonl_attempt(struct report *r, const struct capture_result *res,
    const struct attempt_item *it)
{
	if (report_shows(r, it))
		write_record(r->state, r->out, res->path, it);
}

static void
jsonl_capture(struct report *r, const struct capture_result *res)
{
	(void)r;
	(void)res;
}

/* With --summary: one object per server. */
static void
jsonl_summary(struct report *r, struct jsonl_state *s)
{
	char text[FMT_ENDPOINT_MAX + FMT_TIME_MAX];
	const struct server_stat *v;
	json_t *o, *f;
	size_t i, k, n;

	summary_sort(&r->servers);
	for (i = 0; i < r->servers.n; i++) {
		v = &r->servers.servers[i];
		o = json_object();
		fmt_endpoint(v->family, &v->server, text, sizeof(text));
		set(s, o, "server", json_ours(text));
		set(s, o, "attempts", json_integer((json_int_t)v->attempts));
		f = json_object();
		for (k = RDPNEG_CLASS_NONE + 1; k < RDPNEG_CLASS_COUNT; k++)
			set(s, f, rdpneg_tok_str(rdpneg_class_names,
			    (uint32_t)k), json_integer(
			    (json_int_t)v->by_class[k]));
		set(s, o, "classes", f);
		f = json_object();
		for (k = 0; k < RDPNEG_OUTCOME_COUNT; k++)
			set(s, f, rdpneg_tok_str(rdpneg_outcome_names,
			    (uint32_t)k), json_integer(
			    (json_int_t)v->by_outcome[k]));
		set(s, o, "outcomes", f);
		f = json_object();
		for (k = 1; k <= SUMMARY_UNKNOWN_FAILURE; k++)
			if (v->by_failure[k] != 0)
				set(s, f, k < SUMMARY_UNKNOWN_FAILURE ?
				    rdpneg_tok_str(rdpneg_failure_names,
				    (uint32_t)k) : "unknown", json_integer(
				    (json_int_t)v->by_failure[k]));
		set(s, o, "failures", f);
		f = json_object();
		for (k = 0; k < rdpneg_nrules; k++)
			if (v->by_diagnosis[k] != 0)
				set(s, f, rdpneg_rules[k].diagnosis.id,
				    json_integer(
				    (json_int_t)v->by_diagnosis[k]));
		set(s, o, "diagnoses", f);
		f = json_object();
		for (k = 0; k < SUMMARY_CERT_PROBLEMS; k++)
			set(s, f, summary_cert_problem_name(k), json_integer(
			    (json_int_t)v->by_cert_problem[k]));
		set(s, o, "certificate_problems", f);
		set(s, o, "clients", json_integer(
		    (json_int_t)keyset_count(&v->clients)));
		set(s, o, "clients_estimated", json_boolean(
		    keyset_estimated(&v->clients)));
		fmt_time(v->seen.first_sec, v->seen.first_nsec, text,
		    sizeof(text));
		set(s, o, "first_seen", json_ours(text));
		fmt_time(v->seen.last_sec, v->seen.last_nsec, text,
		    sizeof(text));
		set(s, o, "last_seen", json_ours(text));
		n = dump_line(s, o, 1);
		json_decref(o);
		if (n != 0) {
			s->line.p[n++] = '\n';
			fwrite(s->line.p, 1, n, r->out);
		}
	}
}

/* JSONL stays one record per attempt unless --summary. */
static void
jsonl_finish(struct report *r)
{
	struct jsonl_state *s = r->state;
	size_t i;

	if (r->summary_only)
		jsonl_summary(r, s);
	for (i = 0; i < FRAGMENTS; i++)
		fragment_free(&s->fragments[i]);
	growbuf_free(&s->sanitized);
	growbuf_free(&s->key);
	growbuf_free(&s->line);
	drop_record(s);
	free(s);
	r->state = NULL;
}

const struct report_format report_jsonl = {
	"jsonl",
	jsonl_begin,
	jsonl_attempt,
	jsonl_capture,
	jsonl_finish,
};
