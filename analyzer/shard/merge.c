/*
 * merge.c - shards read back side by side (merge.h).
 *
 * Every capture of the input list belongs to one shard (its header lists
 * them), and a shard holds its captures in list order: the merge takes
 * capture 0, 1, 2... from its shard in turn, a k-way merge whose next
 * source is known.  Attempt lines are read by their fixed prefix (the
 * writer's), their state decoded and checked; the few other lines are
 * parsed by jansson.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE		/* memmem */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <nettle/base64.h>

#include "shard/merge.h"
#include "shard/select.h"
#include "shard/source.h"
#include "shard/state.h"
#include "shard/write.h"

/* A shard being read, and what it held so far. */
struct shard_in {
	struct source	 in;
	unsigned	 k;
	json_t		*header;	/* till its files are placed */
	size_t		 files;		/* in its header */
	size_t		 files_read;
	uint64_t	 attempts;
};

struct merge {
	struct shard_in		*src;
	size_t			 n;
	unsigned		 count;		/* N */
	size_t			 total;		/* files in the input list */
	size_t			 listed;	/* in the headers, together */
	char			**paths;	/* of each file of the list */
	uint32_t		*owner;		/* its source, + 1 */
	uint32_t		*by_k;		/* [K]: shard K's source + 1,
						   0 while not given */
	struct analysis_config	 cfg;
	int			 sha256;	/* the captures were hashed */
	struct state_buf	 state;
	json_t			*first;		/* the first header */
};

/* A whole number of o's, at most max: its value, or -1. */
static long long
number(const json_t *o, const char *key, long long max)
{
	const json_t *v = json_object_get(o, key);
	long long n;

	if (!json_is_integer(v) || (n = json_integer_value(v)) < 0 || n > max)
		return -1;
	return n;
}

/* Bytes under key (a string) or key_base64: a malloc'd, NUL-terminated
 * copy, or NULL.  No NUL may be inside. */
static char *
bytes(const json_t *o, const char *key)
{
	struct base64_decode_ctx ctx;
	const json_t *v = json_object_get(o, key);
	const char *text;
	char name[64], *p;
	size_t len, n;

	if (json_is_string(v)) {
		len = json_string_length(v);
		text = json_string_value(v);
		if (memchr(text, '\0', len) != NULL)
			return NULL;
		return strdup(text);
	}
	snprintf(name, sizeof(name), "%s_base64", key);
	if (!json_is_string(v = json_object_get(o, name)))
		return NULL;
	len = json_string_length(v);
	if ((p = malloc(BASE64_DECODE_LENGTH(len) + 1)) == NULL)
		return NULL;
	base64_decode_init(&ctx);
	n = BASE64_DECODE_LENGTH(len);
	if (!base64_decode_update(&ctx, &n, (uint8_t *)p, len,
	    json_string_value(v)) || !base64_decode_final(&ctx) ||
	    memchr(p, '\0', n) != NULL) {
		free(p);
		return NULL;
	}
	p[n] = '\0';
	return p;
}

/* The analysis options of a header (write.c's options()). */
static int
read_options(const json_t *o, struct analysis_config *cfg, int *sha256)
{
	const json_t *ports = json_object_get(o, "ports"), *v;
	long long n;
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	rdpneg_init_config(&cfg->capture);
	if (!json_is_array(ports) ||
	    json_array_size(ports) > RDPNEG_MAX_PORTS)
		return -1;
	json_array_foreach(ports, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 65535)
			return -1;
		cfg->capture.ports[i] = (uint16_t)json_integer_value(v);
	}
	cfg->capture.nports = json_array_size(ports);
	if ((n = number(o, "chain_window", 86400)) < 0)
		return -1;
	cfg->chain_window = (uint32_t)n;
	if ((n = number(o, "idle_timeout", 86400LL * 365)) < 0)
		return -1;
	cfg->capture.idle_timeout = (uint32_t)n;
	if ((n = number(o, "max_connections", 1LL << 24)) < 1)
		return -1;
	cfg->capture.max_connections = (size_t)n;
	if (!json_is_boolean(json_object_get(o, "sha256")))
		return -1;
	*sha256 = json_is_true(json_object_get(o, "sha256"));
	return 0;
}

/* Does h belong with the first header?  NULL, or what differs. */
static const char *
differs(const json_t *h, const json_t *first)
{
	static const char *const same[] = { "options", "inputs", NULL };
	const json_t *a = json_object_get(h, "shard");
	const json_t *b = json_object_get(first, "shard");
	size_t i;

	if (!json_equal(json_object_get(a, "count"),
	    json_object_get(b, "count")))
		return "the shard count";
	for (i = 0; same[i] != NULL; i++)
		if (!json_equal(json_object_get(h, same[i]),
		    json_object_get(first, same[i])))
			return i == 0 ? "the analysis options" :
			    "the input list";
	return NULL;
}

/* Read and check source i's header into m; its files are placed once
 * every header is read (place_files). */
static int
read_header(struct merge *m, size_t i, char *err, size_t errsize)
{
	struct shard_in *s = &m->src[i];
	const json_t *shard, *files;
	const char *type, *what, *layout;
	json_t *h;
	long long k, count, total;
	size_t j;
	int ok = -1;

	if ((h = source_json(&s->in, &type, err, errsize)) == NULL)
		return -1;
	if (strcmp(type, "header") != 0 || !json_is_string(json_object_get(h,
	    "format")) || strcmp(json_string_value(json_object_get(h,
	    "format")), "rdpneg-shard") != 0) {
		source_fail(err, errsize, &s->in, "not the output of rdpneg "
		    "--shard");
		goto out;
	}
	if (number(h, "version", SHARD_FORMAT_VERSION) !=
	    SHARD_FORMAT_VERSION) {
		source_fail(err, errsize, &s->in, "an interchange version this "
		    "rdpneg does not read (it reads version %d)",
		    SHARD_FORMAT_VERSION);
		goto out;
	}
	if (!json_is_string(json_object_get(h, "layout")) ||
	    strcmp(json_string_value(json_object_get(h, "layout")),
	    shard_state_layout()) != 0) {
		layout = json_string_value(json_object_get(h, "layout"));
		source_fail(err, errsize, &s->in, "written by another rdpneg "
		    "build (%s; this is %s): merge with the rdpneg that made "
		    "the shards", layout != NULL ? layout : "none",
		    shard_state_layout());
		goto out;
	}
	shard = json_object_get(h, "shard");
	files = json_object_get(h, "files");
	count = number(shard, "count", SHARD_COUNT_MAX);
	k = number(shard, "index", SHARD_COUNT_MAX);
	total = number(json_object_get(h, "inputs"), "files", UINT32_MAX - 1);
	if (count < 1 || k < 1 || k > count || total < 0 ||
	    !json_is_array(files) ||
	    read_options(json_object_get(h, "options"), &m->cfg,
	    &m->sha256) < 0) {
		source_fail(err, errsize, &s->in, "a header without a valid "
		    "shard, options, inputs or files");
		goto out;
	}
	if (m->first == NULL) {
		m->first = json_incref(h);
		m->count = (unsigned)count;
		m->total = (size_t)total;
		/* The count is at most SHARD_COUNT_MAX: checked above. */
		if ((m->by_k = calloc((size_t)count + 1,
		    sizeof(*m->by_k))) == NULL) {
			source_fail(err, errsize, &s->in, "out of memory");
			goto out;
		}
	} else if ((what = differs(h, m->first)) != NULL) {
		source_fail(err, errsize, &s->in, "not a shard of the same run "
		    "as %s: %s differs", m->src[0].in.name, what);
		goto out;
	}
	if ((j = m->by_k[k]) != 0) {
		source_fail(err, errsize, &s->in, "shard %lld of %lld again: "
		    "%s is that shard too", k, count, m->src[j - 1].in.name);
		goto out;
	}
	m->by_k[k] = (uint32_t)i + 1;
	s->k = (unsigned)k;
	s->files = json_array_size(files);
	s->header = json_incref(h);
	m->listed += s->files;
	ok = 0;
out:
	json_decref(h);
	return ok;
}

/*
 * Each file of the headers to its source.  The input list's length is the
 * header's word, untrusted: the tables it sizes are made only once the
 * headers are seen to list that many files, so a forged length costs no
 * more than the files listed.  Listed once each and in range, as many as
 * the list: every file of it is in a shard.
 */
static int
place_files(struct merge *m, char *err, size_t errsize)
{
	const json_t *f;
	struct shard_in *s;
	long long g;
	size_t i, w;

	if (m->listed != m->total) {
		snprintf(err, errsize, "the shards list %zu files, their input "
		    "list %zu: the shards do not agree", m->listed, m->total);
		return -1;
	}
	m->paths = calloc(m->total ? m->total : 1, sizeof(*m->paths));
	m->owner = calloc(m->total ? m->total : 1, sizeof(*m->owner));
	if (m->paths == NULL || m->owner == NULL) {
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	for (i = 0; i < m->n; i++) {
		s = &m->src[i];
		json_array_foreach(json_object_get(s->header, "files"), w,
		    f) {
			g = number(f, "file", (long long)m->total - 1);
			if (g < 0 || m->owner[g] != 0) {
				source_fail(err, errsize, &s->in, "file %lld "
				    "of the list is not in it, or in two "
				    "shards", g);
				return -1;
			}
			m->owner[g] = (uint32_t)i + 1;
			if ((m->paths[g] = bytes(f, "path")) == NULL) {
				source_fail(err, errsize, &s->in, "file %lld "
				    "has no path", g);
				return -1;
			}
		}
		json_decref(s->header);
		s->header = NULL;
	}
	return 0;
}

/* Every shard given (else which are missing, as "2, 5 of 8"), then the
 * files placed. */
static int
check_complete(struct merge *m, char *err, size_t errsize)
{
	char missing[256];
	size_t len = 0;
	unsigned k, absent = 0;

	missing[0] = '\0';
	for (k = 1; k <= m->count; k++) {
		if (m->by_k[k] != 0)
			continue;
		if (absent++ < 16 && len < sizeof(missing) - 16)
			len += (size_t)snprintf(missing + len,
			    sizeof(missing) - len, "%s%u", len ? ", " : "", k);
	}
	if (absent != 0) {
		snprintf(err, errsize, "shard%s %s%s of %u missing (%u "
		    "given): every shard of the run is needed",
		    absent == 1 ? "" : "s", missing, absent > 16 ? "..." : "",
		    m->count, (unsigned)m->n);
		return -1;
	}
	return place_files(m, err, errsize);
}

struct merge *
merge_open(char *const *paths, size_t n, char *err, size_t errsize)
{
	struct merge *m = calloc(1, sizeof(*m));
	size_t i;

	if (m == NULL || (m->src = calloc(n, sizeof(*m->src))) == NULL) {
		free(m);
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	m->n = n;
	for (i = 0; i < n; i++) {
		if (source_open(&m->src[i].in, paths[i], err, errsize) < 0) {
			merge_free(m);
			return NULL;
		}
		if (read_header(m, i, err, errsize) < 0) {
			merge_free(m);
			return NULL;
		}
	}
	if (check_complete(m, err, errsize) < 0) {
		merge_free(m);
		return NULL;
	}
	return m;
}

const struct analysis_config *
merge_config(const struct merge *m)
{
	return &m->cfg;
}

int
merge_hashed(const struct merge *m)
{
	return m->sha256;
}

/*
 * An attempt line as the writer makes it: {"type":"attempt","file":G,
 * ...,"state":"BASE64"}.  The state's text and the file in *state, *slen
 * and *file; -1 when the line is not one.
 */
static int
attempt_line(const char *line, size_t len, const char **state,
    size_t *slen, size_t *file)
{
	static const char head[] = "{\"type\":\"attempt\",\"file\":";
	static const char key[] = ",\"state\":\"";
	const char *p = line + sizeof(head) - 1, *end = line + len, *q;
	size_t g = 0;

	if (len < sizeof(head) - 1 + 2 ||
	    memcmp(line, head, sizeof(head) - 1) != 0 ||
	    end[-1] != '}' || end[-2] != '"')
		return -1;
	for (q = p; p < end && *p >= '0' && *p <= '9' && p - q < 10; p++)
		g = g * 10 + (size_t)(*p - '0');
	if (p == q || (q = memmem(p, (size_t)(end - p), key,
	    sizeof(key) - 1)) == NULL)
		return -1;
	p = q + sizeof(key) - 1;
	if (p > end - 2 || memchr(p, '"', (size_t)(end - 2 - p)) != NULL)
		return -1;
	*state = p;
	*slen = (size_t)(end - 2 - p);
	*file = g;
	return 0;
}

/* A file line's facts into r (path set). */
static int
file_facts(const json_t *o, struct capture_result *r)
{
	const json_t *st = json_object_get(o, "stats"), *v;
	struct rdpneg_capture_stats *x = &r->stats;
	const char *sha;
	char *error;
	long long n;

#define U64(obj, key, field) do { \
	if (!json_is_integer(v = json_object_get((obj), (key))) || \
	    json_integer_value(v) < 0) \
		return -1; \
	(field) = (uint64_t)json_integer_value(v); \
} while (0)
#define FLAG(obj, key, field) do { \
	if (!json_is_boolean(v = json_object_get((obj), (key)))) \
		return -1; \
	(field) = json_is_true(v); \
} while (0)
	U64(o, "size", r->size);
	FLAG(o, "unreadable", r->unreadable);
	FLAG(o, "not_analysed", r->not_analysed);
	if (!json_is_object(st))
		return -1;
	U64(st, "packets", x->packets);
	U64(st, "bytes", x->bytes);
	U64(st, "cut_packets", x->cut_packets);
	U64(st, "tcp_segments", x->tcp_segments);
	U64(st, "ip_fragments", x->ip_fragments);
	U64(st, "bad_packets", x->bad_packets);
	U64(st, "attempts", x->attempts);
	U64(st, "overflow", x->overflow);
	U64(st, "expired", x->expired);
	U64(st, "held_open", x->held_open);
	U64(st, "peak_connections", x->peak_connections);
	FLAG(st, "interrupted", x->interrupted);
#undef U64
#undef FLAG
	if ((n = number(st, "first_nsec", 999999999)) < 0)
		return -1;
	x->first_nsec = (uint32_t)n;
	if ((n = number(st, "last_nsec", 999999999)) < 0)
		return -1;
	x->last_nsec = (uint32_t)n;
	if (!json_is_integer(v = json_object_get(st, "first_sec")))
		return -1;
	x->first_sec = json_integer_value(v);
	if (!json_is_integer(v = json_object_get(st, "last_sec")))
		return -1;
	x->last_sec = json_integer_value(v);
	if (!json_is_integer(v = json_object_get(st, "linktype")) ||
	    json_integer_value(v) < -1 || json_integer_value(v) > 65535)
		return -1;
	x->linktype = (int)json_integer_value(v);
	v = json_object_get(o, "sha256");
	if (json_is_string(v)) {
		sha = json_string_value(v);
		if (strlen(sha) != CAPTURE_SHA256_HEX - 1 ||
		    strspn(sha, "0123456789abcdef") != CAPTURE_SHA256_HEX - 1)
			return -1;
		memcpy(r->sha256, sha, CAPTURE_SHA256_HEX);
	} else if (!json_is_null(v))
		return -1;
	if (!json_is_null(json_object_get(o, "error"))) {
		if ((error = bytes(o, "error")) == NULL)
			return -1;
		snprintf(r->error, sizeof(r->error), "%s", error);
		free(error);
	}
	return 0;
}

/* Capture g from its source: its attempts, then its facts. */
static int
merge_file(struct merge *m, size_t g, const struct batch_sink *sink,
    char *err, size_t errsize)
{
	struct shard_in *s = &m->src[m->owner[g] - 1];
	struct capture_result r;
	struct attempt_item it;
	const char *state, *type, *why;
	char *line;
	size_t len, slen, file;
	json_t *o;
	long long f;
	int rc;

	memset(&r, 0, sizeof(r));
	r.path = m->paths[g];
	for (;;) {
		rc = source_line(&s->in, &line, &len, err, errsize);
		if (rc <= 0) {
			if (rc == 0)
				source_fail(err, errsize, &s->in, "cut short: "
				    "the file ends before capture %zu's facts",
				    g);
			return -1;
		}
		if (attempt_line(line, len, &state, &slen, &file) < 0)
			break;
		if (file != g) {
			source_fail(err, errsize, &s->in, "an attempt of "
			    "capture %zu where capture %zu's were expected",
			    file, g);
			return -1;
		}
		if (shard_state_decode(state, slen, &m->state, &it,
		    &why) < 0) {
			source_fail(err, errsize, &s->in, "an attempt's state: "
			    "%s", why);
			return -1;
		}
		sink->attempt(&r, &it, sink->arg);
		free(it.owned);
		s->attempts++;
	}
	/* Not an attempt: the capture's facts. */
	source_unread(&s->in, line, len);	/* parse it again, as JSON */
	if ((o = source_json(&s->in, &type, err, errsize)) == NULL)
		return -1;
	if (strcmp(type, "attempt") == 0) {
		source_fail(err, errsize, &s->in, "an attempt line not as "
		    "rdpneg writes it");
		rc = -1;
	} else if (strcmp(type, "file") != 0 ||
	    (f = number(o, "file", (long long)m->total)) != (long long)g) {
		source_fail(err, errsize, &s->in, "capture %zu's facts were "
		    "expected", g);
		rc = -1;
	} else if (file_facts(o, &r) < 0) {
		source_fail(err, errsize, &s->in, "capture %zu's facts are not "
		    "valid", g);
		rc = -1;
	} else if (r.not_analysed || r.stats.interrupted) {
		source_fail(err, errsize, &s->in, "shard %u was interrupted "
		    "(capture %zu was not read to its end): run that shard "
		    "again", s->k, g);
		rc = -1;
	} else {
		sink->end(&r, sink->arg);
		s->files_read++;
		rc = 0;
	}
	json_decref(o);
	return rc;
}

/* After its captures, a source's end line, then nothing. */
static int
merge_end(struct shard_in *s, char *err, size_t errsize)
{
	const char *type;
	char *line;
	size_t len;
	json_t *o = source_json(&s->in, &type, err, errsize);
	int rc = -1;

	if (o == NULL)
		return -1;
	if (strcmp(type, "end") != 0)
		source_fail(err, errsize, &s->in, "more lines than its "
		    "header's %zu captures", s->files);
	else if (number(o, "files", (long long)s->files) !=
	    (long long)s->files_read ||
	    number(o, "attempts", INT64_MAX) != (long long)s->attempts ||
	    !json_is_true(json_object_get(o, "complete")))
		source_fail(err, errsize, &s->in, "its end line does not match "
		    "what it holds (%zu captures, %llu attempts), or says it "
		    "is not complete", s->files_read,
		    (unsigned long long)s->attempts);
	else if ((rc = source_line(&s->in, &line, &len, err, errsize)) != 0) {
		if (rc > 0)
			source_fail(err, errsize, &s->in, "lines after its end "
			    "line");
		rc = -1;
	}
	json_decref(o);
	return rc;
}

int
merge_run(struct merge *m, const struct batch_sink *sink, char *err,
    size_t errsize)
{
	size_t g, i;

	for (g = 0; g < m->total; g++)
		if (merge_file(m, g, sink, err, errsize) < 0)
			return -1;
	for (i = 0; i < m->n; i++)
		if (merge_end(&m->src[i], err, errsize) < 0)
			return -1;
	return 0;
}

void
merge_free(struct merge *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++) {
		source_close(&m->src[i].in);
		json_decref(m->src[i].header);
	}
	for (i = 0; m->paths != NULL && i < m->total; i++)
		free(m->paths[i]);
	free(m->paths);
	free(m->owner);
	free(m->by_k);
	free(m->src);
	shard_state_buf_free(&m->state);
	json_decref(m->first);
	free(m);
}
