/*
 * report_jsonl.c - one JSON object per connection attempt (keys in README).
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
#include "report/report.h"

#define JSONL_FLAGS	(JSON_COMPACT | JSON_ENSURE_ASCII)
/* A diagnosis text with its placeholders filled is cut at this size. */
#define EXPANDED_MAX	2048
/* Diagnosis fragments kept: a table looked up by the hash of their key,
 * probing PROBES slots from it. */
#define FRAGMENTS	512
#define PROBES		8

/* A buffer that grows; the report runs on one thread, so the buffers
 * below are kept between records. */
struct growbuf {
	char	*p;
	size_t	 size;
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
release(struct growbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->size = 0;
}

/* One diagnosis object as jansson dumped it, and what it was made from. */
struct fragment {
	const struct rdpneg_diagnosis	*diag;
	enum rdpneg_server		 server;	/* orders the fix */
	char				*key;	/* the filled texts */
	size_t				 key_len;
	char				*json;
	size_t				 json_len;
};

static struct growbuf sanitized;	/* json_bytes */
static struct growbuf line;		/* one record, dumped */
static struct growbuf key;		/* the filled texts of a diagnosis */
static struct fragment fragments[FRAGMENTS];
static json_t *kept_record, *kept_chain;	/* between records */
static int set_failed;

/* Untrusted bytes as a JSON string: fmt_utf8_sanitize makes them valid
 * UTF-8, which is what jansson wants, so it need not check them again. */
static json_t *
json_bytes(const uint8_t *bytes, size_t len)
{
	size_t size = 3 * len + 1;	/* each byte may become U+FFFD */

	if (reserve(&sanitized, size) < 0)
		return json_null();
	return json_stringn_nocheck(sanitized.p, fmt_utf8_sanitize(bytes, len,
	    sanitized.p, size));
}

static json_t *
json_text(const char *s)
{
	return s != NULL ? json_bytes((const uint8_t *)s, strlen(s)) :
	    json_null();
}

/* Our own text (names from the tables, times, addresses, hex, the
 * fingerprints' evidence): valid UTF-8 by construction. */
static json_t *
json_ours(const char *s)
{
	return json_string_nocheck(s);
}

static json_t *
json_frame(uint64_t frame)
{
	return frame != 0 ? json_integer((json_int_t)frame) : json_null();
}

/*
 * Our keys are ASCII.  A value that could not be made (NULL) leaves its
 * key out, as jansson does in a new object; in the kept record the key is
 * deleted, and the record made again after it is written (deleting and
 * setting again would move the key to the end).
 */
static void
set(json_t *o, const char *k, json_t *v)
{
	if (json_object_set_new_nocheck(o, k, v) != 0) {
		json_object_del(o, k);
		set_failed = 1;
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

/* ---- The diagnosis: built and dumped only when its fragment is new. */

/* A diagnosis text with its placeholders filled. */
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

static enum rdpneg_server
print_server(const struct rdpneg_server_fingerprint *p)
{
	return p != NULL ? p->server : RDPNEG_SERVER_UNKNOWN;
}

/* The remediation steps, the recognised implementation's fix first;
 * NULL-ended. */
static void
fix_steps(const struct rdpneg_diagnosis *d, enum rdpneg_server server,
    const char **steps)
{
	size_t n;

	n = rdpneg_order_remediation(d->remediation, server, steps,
	    RDPNEG_STEPS_MAX - 1);
	steps[n < RDPNEG_STEPS_MAX ? n : RDPNEG_STEPS_MAX - 1] = NULL;
}

static json_t *
json_diagnosis(const struct attempt_item *it, enum rdpneg_server server)
{
	const struct rdpneg_diagnosis *d = it->diag;
	const char *steps[RDPNEG_STEPS_MAX];
	json_t *o = json_object();

	fix_steps(d, server, steps);
	set(o, "id", json_string(d->id));
	set(o, "failed", json_boolean(d->failed));
	set(o, "summary", json_expanded(d->summary, &it->a.ev));
	set(o, "confidence", json_string(
	    rdpneg_tok_str(rdpneg_confidence_names, d->confidence)));
	set(o, "confidence_why", json_expanded(d->confidence_why, &it->a.ev));
	set(o, "explanation", json_expanded(d->explanation, &it->a.ev));
	set(o, "server_settings",
	    json_expanded(d->server_settings, &it->a.ev));
	set(o, "remediation", json_texts(steps, &it->a.ev));
	set(o, "references", json_texts(d->references, &it->a.ev));
	return o;
}

/*
 * Append the filled text to the key when the text has placeholders (it
 * cannot change otherwise: rdpneg_expand copies text without '{' as is).
 */
static int
key_text(size_t *len, const char *text, const struct rdpneg_evidence *ev)
{
	char *at;

	if (strchr(text, '{') == NULL)
		return 0;
	if (reserve(&key, *len + EXPANDED_MAX) < 0)
		return -1;
	at = key.p + *len;
	rdpneg_expand(text, ev, at, EXPANDED_MAX);
	*len += strlen(at) + 1;		/* with its NUL: a separator */
	return 0;
}

/*
 * What a diagnosis object depends on besides the diagnosis and the
 * implementation (which pick its texts and their order): the texts that
 * hold placeholders, filled, in order.  Returns the key's length, or
 * (size_t)-1 when out of memory.
 */
static size_t
diag_key(const struct attempt_item *it, enum rdpneg_server server)
{
	const struct rdpneg_diagnosis *d = it->diag;
	const char *steps[RDPNEG_STEPS_MAX];
	const char *const *t;
	size_t len = 0;
	int err = 0;

	fix_steps(d, server, steps);
	err |= key_text(&len, d->summary, &it->a.ev);
	err |= key_text(&len, d->confidence_why, &it->a.ev);
	err |= key_text(&len, d->explanation, &it->a.ev);
	err |= key_text(&len, d->server_settings, &it->a.ev);
	for (t = steps; *t != NULL; t++)
		err |= key_text(&len, *t, &it->a.ev);
	for (t = d->references; *t != NULL; t++)
		err |= key_text(&len, *t, &it->a.ev);
	return err ? (size_t)-1 : len;
}

static size_t
fragment_slot(const struct rdpneg_diagnosis *d, enum rdpneg_server server,
    size_t len)
{
	uint64_t h = 14695981039346656037u;	/* FNV-1a */
	size_t i;

	h = (h ^ (uint64_t)(uintptr_t)d) * 1099511628211u;
	h = (h ^ (uint64_t)server) * 1099511628211u;
	for (i = 0; i < len; i++)
		h = (h ^ (uint8_t)key.p[i]) * 1099511628211u;
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
dump_line(const json_t *o, size_t room)
{
	size_t n = json_dumpb(o, line.p, line.size, JSONL_FLAGS);

	if (n == 0)
		return 0;
	if (n + room > line.size) {
		if (reserve(&line, n + room) < 0)
			return 0;
		if (json_dumpb(o, line.p, line.size, JSONL_FLAGS) != n)
			return 0;
	}
	return n;
}

/* Dump o into a new string; its length in *len.  NULL on error. */
static char *
dump_new(const json_t *o, size_t *len)
{
	size_t n = dump_line(o, 0);
	char *s;

	if (n == 0 || (s = malloc(n)) == NULL)
		return NULL;
	memcpy(s, line.p, n);
	*len = n;
	return s;
}

/* The attempt's diagnosis object as JSON text, or NULL. */
static const struct fragment *
diag_fragment(const struct attempt_item *it, enum rdpneg_server server)
{
	static unsigned evict;
	size_t len = diag_key(it, server), slot, i;
	struct fragment *f, made;
	json_t *o;

	if (len == (size_t)-1)
		return NULL;
	slot = fragment_slot(it->diag, server, len);
	for (i = 0; i < PROBES; i++) {
		f = &fragments[(slot + i) % FRAGMENTS];
		if (f->json == NULL)
			break;		/* a free slot: the key is new */
		if (f->diag == it->diag && f->server == server &&
		    f->key_len == len &&
		    (len == 0 || memcmp(f->key, key.p, len) == 0))
			return f;
	}
	if (i == PROBES)	/* all taken: one of them goes, in turn */
		f = &fragments[(slot + evict++ % PROBES) % FRAGMENTS];

	memset(&made, 0, sizeof(made));
	made.diag = it->diag;
	made.server = server;
	made.key_len = len;
	if ((made.key = malloc(len ? len : 1)) == NULL)
		return NULL;
	if (len > 0)
		memcpy(made.key, key.p, len);
	o = json_diagnosis(it, server);
	made.json = dump_new(o, &made.json_len);
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

static json_t *
json_server(const struct rdpneg_server_fingerprint *p)
{
	json_t *o;

	if (p == NULL)
		return json_null();
	o = json_object();
	set(o, "name", json_ours(rdpneg_tok_str(rdpneg_server_names,
	    p->server)));
	set(o, "confidence", json_ours(rdpneg_tok_str(rdpneg_confidence_names,
	    p->confidence)));
	set(o, "evidence", json_ours(p->why));
	return o;
}

static void
set_chain(json_t *o, const struct attempt_item *it)
{
	set(o, "id", json_integer(it->chain_id));
	set(o, "position", json_integer(it->a.ev.chain_position));
	set(o, "length", json_integer(it->a.ev.chain_length));
	set(o, "final_frame", json_frame(it->final_frame));
	set(o, "final_outcome", json_ours(rdpneg_tok_str(rdpneg_outcome_names,
	    it->final_outcome)));
	set(o, "final_diagnosis", json_ours(it->final_diag->id));
	set(o, "fell_back_to_standard_rdp", json_boolean(
	    it->final_fell_back));
}

/*
 * Everything but the diagnosis, which is the last key and null here.  The
 * record object is kept between records: setting a key it has replaces
 * the value in place (jansson keeps the order keys were first set in), so
 * only the values are made again.
 */
static void
set_attempt(json_t *o, json_t *chain, const char *capture,
    const struct attempt_item *it, const struct rdpneg_server_fingerprint *print)
{
	const struct rdpneg_attempt *a = &it->a;
	char text[FMT_ENDPOINT_MAX + FMT_TIME_MAX];
	int req = (a->ev.have & RDPNEG_EV_REQ_NEG) != 0;
	int rsp = (a->ev.have & RDPNEG_EV_RSP_NEG) != 0;
	int failure = rsp && a->ev.response_type == RDPNEG_TYPE_FAILURE;
	int selected = rsp && a->ev.response_type == RDPNEG_TYPE_RSP;

	set(o, "capture", json_bytes((const uint8_t *)capture,
	    strlen(capture)));
	set(o, "first_frame", json_frame(a->first_frame));
	fmt_time(a->ts_sec, a->ts_nsec, text, sizeof(text));
	set(o, "ts", json_ours(text));
	fmt_endpoint(a->family, &a->client, text, sizeof(text));
	set(o, "client", json_ours(text));
	fmt_endpoint(a->family, &a->server, text, sizeof(text));
	set(o, "server", json_ours(text));
	set(o, "request_frame", json_frame(a->request_frame));
	set(o, "response_frame", json_frame(a->response_frame));
	set(o, "cookie", a->token != NULL ?
	    json_bytes(a->token, a->token_len) : json_null());
	set(o, "user",
	    a->token != NULL && a->ev.token_kind == RDPNEG_TOKEN_MSTSHASH ?
	    json_bytes(a->token + a->ev.token_value_off,
	    a->token_len - a->ev.token_value_off) : json_null());
	set(o, "requested_protocols",
	    req ? json_integer(a->ev.requested) : json_null());
	set(o, "requested",
	    req ? json_protocol_names(a->ev.requested) : json_null());
	set(o, "request_flags",
	    req ? json_integer(a->ev.request_flags) : json_null());
	if (a->ev.have & RDPNEG_EV_CORRELATION) {
		fmt_hex(a->ev.correlation_id, 16, text, sizeof(text));
		set(o, "correlation_id", json_ours(text));
	} else
		set(o, "correlation_id", json_null());
	set(o, "outcome", json_ours(rdpneg_tok_str(rdpneg_outcome_names,
	    a->ev.outcome)));
	set(o, "end", json_ours(rdpneg_tok_str(rdpneg_end_names, a->ev.end)));
	set(o, "failure_code",
	    failure ? json_integer(a->ev.response_value) : json_null());
	if (failure)
		fmt_failure(a->ev.response_value, text, sizeof(text));
	set(o, "failure", failure ? json_ours(text) : json_null());
	set(o, "selected_protocol",
	    selected ? json_integer(a->ev.response_value) : json_null());
	if (selected)
		fmt_selected(a->ev.response_value, text, sizeof(text));
	set(o, "selected", selected ? json_ours(text) : json_null());
	set(o, "response_flags",
	    selected ? json_integer(a->ev.response_flags) : json_null());
	set(o, "protocol_not_requested",
	    json_boolean(rdpneg_not_requested(&a->ev)));
	set(o, "malformed", json_text(a->malformed));
	set(o, "incomplete", json_text(a->incomplete));
	set(o, "server_implementation", json_server(print));
	set(o, "scanner", json_boolean(
	    (it->a.ev.have & RDPNEG_EV_SCANNER) != 0));
	set_chain(chain, it);
	set(o, "chain", json_incref(chain));
	set(o, "diagnosis", json_null());
}

static void
drop_record(void)
{
	json_decref(kept_record);
	json_decref(kept_chain);
	kept_record = kept_chain = NULL;
}

static void
write_record(FILE *out, const char *capture, const struct attempt_item *it)
{
	static const char tail[] = "null}";	/* "diagnosis":null} */
	const size_t tail_len = sizeof(tail) - 1;
	const struct rdpneg_server_fingerprint *print = it->server;
	enum rdpneg_server server = print_server(print);
	const struct fragment *f = diag_fragment(it, server);
	size_t n;

	if (f == NULL)
		return;			/* out of memory */
	if (kept_record == NULL || kept_chain == NULL) {
		drop_record();
		kept_record = json_object();
		kept_chain = json_object();
		if (kept_record == NULL || kept_chain == NULL)
			return;
	}
	set_failed = 0;
	set_attempt(kept_record, kept_chain, capture, it, print);
	n = dump_line(kept_record, f->json_len + 2);
	if (set_failed)
		drop_record();
	if (n < tail_len || memcmp(line.p + n - tail_len, tail,
	    tail_len) != 0)
		return;
	/* The diagnosis in place of its null, then the record's end. */
	n -= tail_len;
	memcpy(line.p + n, f->json, f->json_len);
	n += f->json_len;
	line.p[n++] = '}';
	line.p[n++] = '\n';
	fwrite(line.p, 1, n, out);
}

static void
jsonl_begin(struct report *r)
{
	(void)r;
}

static void
jsonl_attempt(struct report *r, const struct capture_result *res,
    const struct attempt_item *it)
{
	if (report_shows(r, it))
		write_record(r->out, res->path, it);
}

static void
jsonl_capture(struct report *r, const struct capture_result *res)
{
	(void)r;
	(void)res;
}

static void
jsonl_free(void)
{
	size_t i;

	for (i = 0; i < FRAGMENTS; i++)
		fragment_free(&fragments[i]);
	release(&sanitized);
	release(&key);
	release(&line);
	drop_record();
}

/* With --summary: one object per server. */
static void
jsonl_finish(struct report *r)
{
	char text[FMT_ENDPOINT_MAX + FMT_TIME_MAX];
	const struct server_stat *v;
	json_t *o, *f;
	size_t i, k, n;

	if (!r->summary_only) {
		jsonl_free();
		return;		/* JSONL stays one record per attempt */
	}
	summary_sort(&r->servers);
	for (i = 0; i < r->servers.n; i++) {
		v = &r->servers.servers[i];
		o = json_object();
		fmt_endpoint(v->family, &v->server, text, sizeof(text));
		set(o, "server", json_ours(text));
		set(o, "attempts", json_integer((json_int_t)v->attempts));
		set(o, "failed", json_integer((json_int_t)v->failed));
		f = json_object();
		for (k = 0; k < RDPNEG_OUTCOME_COUNT; k++)
			set(f, rdpneg_tok_str(rdpneg_outcome_names,
			    (uint32_t)k), json_integer(
			    (json_int_t)v->by_outcome[k]));
		set(o, "outcomes", f);
		f = json_object();
		for (k = 1; k <= SUMMARY_UNKNOWN_FAILURE; k++)
			if (v->by_failure[k] != 0)
				set(f, k < SUMMARY_UNKNOWN_FAILURE ?
				    rdpneg_tok_str(rdpneg_failure_names,
				    (uint32_t)k) : "unknown", json_integer(
				    (json_int_t)v->by_failure[k]));
		set(o, "failures", f);
		set(o, "clients", json_integer((json_int_t)v->nclients));
		fmt_time(v->first_sec, v->first_nsec, text, sizeof(text));
		set(o, "first_seen", json_ours(text));
		fmt_time(v->last_sec, v->last_nsec, text, sizeof(text));
		set(o, "last_seen", json_ours(text));
		n = dump_line(o, 1);
		json_decref(o);
		if (n != 0) {
			line.p[n++] = '\n';
			fwrite(line.p, 1, n, r->out);
		}
	}
	jsonl_free();
}

const struct report_format report_jsonl = {
	"jsonl",
	jsonl_begin,
	jsonl_attempt,
	jsonl_capture,
	jsonl_finish,
};
