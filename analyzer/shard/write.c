/*
 * write.c - the shard interchange's writer (write.h).  An attempt line
 * is the attempt's state, which the merge reads back (state.h), with a few
 * of its facts for a reader of the file; it is written by hand, from our
 * own names and numbers: a shard writes as fast as it analyses.  The other
 * lines are few, and made with jansson.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <nettle/base64.h>

#include "report/fmt.h"
#include "shard/write.h"
#include "rdpneg_version.h"

#define FLAGS	(JSON_COMPACT | JSON_ENSURE_ASCII)

/*
 * Untrusted bytes (a path, libpcap's message) under key: a JSON string
 * when they are UTF-8 (jansson checks), else base64 under key_base64, so
 * that the merge gets them back exactly.
 */
static void
set_bytes(json_t *o, const char *key, const char *p, size_t len)
{
	json_t *v = json_stringn(p, len);
	char name[64], *b64;

	if (v != NULL) {
		json_object_set_new(o, key, v);
		return;
	}
	if ((b64 = malloc(BASE64_ENCODE_RAW_LENGTH(len) + 1)) == NULL)
		return;
	base64_encode_raw(b64, len, (const uint8_t *)p);
	b64[BASE64_ENCODE_RAW_LENGTH(len)] = '\0';
	snprintf(name, sizeof(name), "%s_base64", key);
	json_object_set_new(o, name, json_string(b64));
	free(b64);
}

static void
set_u64(json_t *o, const char *key, uint64_t v)
{
	json_object_set_new(o, key, json_integer((json_int_t)v));
}

/* One line of o, which it frees; out of memory, the report's error. */
static void
put_line(struct report *r, json_t *o)
{
	char *text = json_dumps(o, FLAGS);

	if (text != NULL) {
		fputs(text, r->out);
		fputc('\n', r->out);
		free(text);
	} else
		r->write_error = ENOMEM;
	json_decref(o);
}

static json_t *
options(const struct analysis_config *cfg, int sha256)
{
	json_t *o = json_object(), *ports = json_array();
	size_t i;

	for (i = 0; i < cfg->capture.nports; i++)
		json_array_append_new(ports,
		    json_integer(cfg->capture.ports[i]));
	json_object_set_new(o, "ports", ports);
	set_u64(o, "chain_window", cfg->chain_window);
	set_u64(o, "idle_timeout", cfg->capture.idle_timeout);
	set_u64(o, "max_connections", cfg->capture.max_connections);
	json_object_set_new(o, "sha256", json_boolean(sha256));
	return o;
}

static int
shard_begin(struct report *r)
{
	const struct shard_run *run = r->format_arg;
	char identity[SHARD_IDENTITY_HEX];
	json_t *h = json_object(), *o, *files, *f;
	uint64_t bytes = 0;
	size_t i, g;

	for (i = 0; i < run->all->n; i++)
		bytes += run->all->info[i].regular ? run->all->info[i].size : 0;
	shard_identity(run->all, identity);
	json_object_set_new(h, "type", json_string("header"));
	json_object_set_new(h, "format", json_string("rdpneg-shard"));
	set_u64(h, "version", SHARD_FORMAT_VERSION);
	json_object_set_new(h, "rdpneg", json_string(RDPNEG_VERSION));
	json_object_set_new(h, "layout", json_string(shard_state_layout()));
	o = json_object();
	set_u64(o, "index", run->shard.k);
	set_u64(o, "count", run->shard.n);
	json_object_set_new(o, "from", json_string(run->shard.from));
	json_object_set_new(h, "shard", o);
	json_object_set_new(h, "options", options(run->cfg, !run->no_sha256));
	o = json_object();
	set_u64(o, "files", run->all->n);
	set_u64(o, "bytes", bytes);
	json_object_set_new(o, "identity", json_string(identity));
	json_object_set_new(h, "inputs", o);
	files = json_array();
	for (i = 0; i < run->n; i++) {
		g = run->idx[i];
		f = json_object();
		set_u64(f, "file", g);
		set_bytes(f, "path", run->all->paths[g],
		    strlen(run->all->paths[g]));
		set_u64(f, "size", run->all->info[g].regular ?
		    run->all->info[g].size : 0);
		json_array_append_new(files, f);
	}
	json_object_set_new(h, "files", files);
	put_line(r, h);
	return 0;
}

static void
shard_attempt(struct report *r, const struct capture_result *res,
    const struct attempt_item *it)
{
	struct shard_run *run = r->format_arg;

	(void)res;
	if (shard_state_encode(it, &run->state) < 0) {
		r->write_error = ENOMEM;
		return;
	}
	/* Our own names: ASCII, nothing to escape. */
	fprintf(r->out, "{\"type\":\"attempt\",\"file\":%zu,\"first_frame\":%"
	    PRIu64 ",\"class\":\"%s\",\"diagnosis\":\"%s\",\"state\":\"",
	    run->idx[run->next], it->a.first_frame,
	    rdpneg_tok_str(rdpneg_class_names, it->class), it->diag->id);
	fwrite(run->state.p, 1, run->state.len, r->out);
	fputs("\"}\n", r->out);
	run->attempts++;
}

static json_t *
stats(const struct rdpneg_capture_stats *st)
{
	char text[FMT_TIME_MAX];
	json_t *o = json_object();

	set_u64(o, "packets", st->packets);
	set_u64(o, "bytes", st->bytes);
	set_u64(o, "cut_packets", st->cut_packets);
	set_u64(o, "tcp_segments", st->tcp_segments);
	set_u64(o, "ip_fragments", st->ip_fragments);
	set_u64(o, "bad_packets", st->bad_packets);
	set_u64(o, "attempts", st->attempts);
	set_u64(o, "overflow", st->overflow);
	set_u64(o, "expired", st->expired);
	set_u64(o, "held_open", st->held_open);
	set_u64(o, "peak_connections", st->peak_connections);
	json_object_set_new(o, "interrupted", json_boolean(st->interrupted));
	json_object_set_new(o, "linktype", json_integer(st->linktype));
	json_object_set_new(o, "first_sec", json_integer(st->first_sec));
	set_u64(o, "first_nsec", st->first_nsec);
	json_object_set_new(o, "last_sec", json_integer(st->last_sec));
	set_u64(o, "last_nsec", st->last_nsec);
	if (st->packets != 0) {
		fmt_time(st->first_sec, st->first_nsec, text, sizeof(text));
		json_object_set_new(o, "first_packet", json_string(text));
		fmt_time(st->last_sec, st->last_nsec, text, sizeof(text));
		json_object_set_new(o, "last_packet", json_string(text));
	}
	return o;
}

static void
shard_capture(struct report *r, const struct capture_result *res)
{
	struct shard_run *run = r->format_arg;
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string("file"));
	set_u64(o, "file", run->idx[run->next]);
	set_bytes(o, "path", res->path, strlen(res->path));
	set_u64(o, "size", res->size);
	json_object_set_new(o, "sha256", res->sha256[0] != '\0' ?
	    json_string(res->sha256) : json_null());
	json_object_set_new(o, "unreadable", json_boolean(res->unreadable));
	json_object_set_new(o, "not_analysed",
	    json_boolean(res->not_analysed));
	if (res->error[0] != '\0')
		set_bytes(o, "error", res->error, strlen(res->error));
	else
		json_object_set_new(o, "error", json_null());
	json_object_set_new(o, "stats", stats(&res->stats));
	put_line(r, o);
	run->next++;
}

static void
shard_finish(struct report *r)
{
	struct shard_run *run = r->format_arg;
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string("end"));
	set_u64(o, "files", run->next);
	set_u64(o, "attempts", run->attempts);
	json_object_set_new(o, "complete", json_boolean(run->next == run->n &&
	    r->totals.not_analysed == 0 && !r->totals.interrupted));
	put_line(r, o);
	shard_state_buf_free(&run->state);
}

const struct report_format shard_format = {
	"shard",
	shard_begin,
	shard_attempt,
	shard_capture,
	shard_finish,
};
