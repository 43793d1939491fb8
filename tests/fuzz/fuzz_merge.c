/*
 * fuzz_merge.c - libFuzzer target: what `rdpneg merge` reads from a shard
 * (a damaged or forged file), then every report format on what it
 * accepted.
 *
 * Input: a selector byte, then
 *   bits 0-1  0: an attempt's packed state (state.c's bytes before their
 *                zeros are squeezed): the harness squeezes it and makes
 *                it base64, so mutations reach the lengths, indices and
 *                fields shard_state_decode() and attempt_item_check()
 *                test, not the base64 (random base64 is rarely a state)
 *             1: the state's base64 text as it is
 *             2, 3: whole shard files for merge_open() and merge_run(),
 *                separated by lines "%%" (at most MAX_SHARDS), each
 *                "@LAYOUT@" replaced with this build's layout (the
 *                header must name it, and a fuzzer would not guess it)
 *   bit 2     report every attempt (-a)
 *   bit 3     files: written gzip-compressed (zlib's reader)
 *   bit 4     files: the gzip stream's last 4 bytes (its length) cut
 * An accepted state must write back (shard_state_encode()) to a text
 * that reads back the same; each accepted attempt goes through every
 * fmt_* helper (fuzz_format.c), then text, JSONL, CSV, Markdown and HTML,
 * with and without --summary, to /dev/null.  The files live in the
 * temporary directory (zlib opens paths), one per shard, removed at exit.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _POSIX_C_SOURCE 200809L		/* mkstemp, truncate */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nettle/base64.h>
#include <zlib.h>

#include "analysis/analysis.h"
#include "shard/merge.h"
#include "shard/state.h"
#include "fuzz_check.h"
#include "fuzz_format.h"

#define MAX_SHARDS	4
#define MAX_CAPTURES	16	/* reported of a merge; the rest only read */

static const char layout_mark[] = "@LAYOUT@";
static const char separator[] = "%%\n";

static char paths[MAX_SHARDS][64];

static void
remove_files(void)
{
	size_t i;

	for (i = 0; i < MAX_SHARDS; i++)
		if (paths[i][0] != '\0')
			unlink(paths[i]);
}

/* The shard files' names, made once: mkstemp() in $TMPDIR or /tmp. */
static void
make_paths(void)
{
	const char *dir = getenv("TMPDIR");
	size_t i;
	int fd;

	if (paths[0][0] != '\0')
		return;
	if (dir == NULL || strlen(dir) > sizeof(paths[0]) - 24)
		dir = "/tmp";
	for (i = 0; i < MAX_SHARDS; i++) {
		snprintf(paths[i], sizeof(paths[i]),
		    "%s/fuzz_merge.XXXXXX", dir);
		CHECK((fd = mkstemp(paths[i])) >= 0);
		close(fd);
	}
	atexit(remove_files);
}

/* Does s (slen bytes) start at p[i], within p[0..n)?  The first byte
 * tested alone: a memcmp() at each byte is the sanitizers' slowest path. */
static int
starts(const uint8_t *p, size_t n, size_t i, const char *s, size_t slen)
{
	return i + slen <= n && p[i] == (uint8_t)s[0] &&
	    memcmp(p + i, s, slen) == 0;
}

/* What a merge handed over, kept for the reports: each capture's facts
 * (its path is the merge's, valid until merge_free()) and attempts. */
struct collected {
	struct capture_result	res[MAX_CAPTURES];
	struct attempt_list	lists[MAX_CAPTURES];
	size_t			n;
	uint64_t		attempts;	/* of every capture */
};

static void
on_attempt(const struct capture_result *r, const struct attempt_item *it,
    void *arg)
{
	struct collected *c = arg;

	CHECK(attempt_item_check(it) == NULL);
	CHECK(r->path != NULL);
	c->attempts++;
	if (c->n < MAX_CAPTURES)
		CHECK(attempt_list_push(&c->lists[c->n], it) == 0);
}

static void
on_end(const struct capture_result *r, void *arg)
{
	struct collected *c = arg;

	CHECK(r->path != NULL && nul_within(r->error, sizeof(r->error)));
	if (c->n < MAX_CAPTURES)
		c->res[c->n++] = *r;
}

/* The reports on what was collected, then the lists freed. */
static void
report_collected(struct collected *c, int all)
{
	size_t i;

	fuzz_report_all(c->res, c->lists, c->n, all);
	for (i = 0; i < MAX_CAPTURES; i++)
		attempt_list_free(&c->lists[i]);
}

/* Write p[0..n) to path, each layout mark replaced; gzip-compressed when
 * gz (cut: without its last 4 bytes). */
static void
write_shard(const char *path, const uint8_t *p, size_t n, int gz, int cut)
{
	const char *layout = shard_state_layout();
	const size_t mlen = sizeof(layout_mark) - 1;
	size_t i, from = 0;
	gzFile z = NULL;
	FILE *f = NULL;
	long size;

	if (gz)
		CHECK((z = gzopen(path, "wb1")) != NULL);
	else
		CHECK((f = fopen(path, "wb")) != NULL);
#define PUT(q, len) do {						\
	if ((len) == 0)							\
		break;							\
	if (gz)								\
		CHECK(gzwrite(z, (q), (unsigned)(len)) == (int)(len));	\
	else								\
		CHECK(fwrite((q), 1, (len), f) == (len));		\
} while (0)
	for (i = 0; i + mlen <= n; i++)
		if (starts(p, n, i, layout_mark, mlen)) {
			PUT(p + from, i - from);
			PUT(layout, strlen(layout));
			from = i + mlen;
			i += mlen - 1;
		}
	PUT(p + from, n - from);
#undef PUT
	if (!gz) {
		CHECK(fclose(f) == 0);
		return;
	}
	CHECK(gzclose(z) == Z_OK);
	if (cut) {
		CHECK((f = fopen(path, "rb+")) != NULL);
		CHECK(fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 4);
		CHECK(fclose(f) == 0);
		CHECK(truncate(path, size - 4) == 0);
	}
}

/* Whole shard files: merge_open(), merge_run(), the reports. */
static void
fuzz_files(const uint8_t *p, size_t n, uint8_t sel)
{
	const struct batch_sink sink = { on_attempt, on_end, NULL };
	struct collected *c = calloc(1, sizeof(*c));
	struct batch_sink s = sink;
	char *argv[MAX_SHARDS], err[2048];
	const size_t slen = sizeof(separator) - 1;
	size_t nfiles = 0, i, start = 0;
	struct merge *m;

	CHECK(c != NULL);
	make_paths();
	/* A separator is a whole line: at the start or after a newline. */
	for (i = 0; i + slen <= n && nfiles < MAX_SHARDS - 1; i++)
		if ((i == 0 || p[i - 1] == '\n') &&
		    starts(p, n, i, separator, slen)) {
			write_shard(paths[nfiles], p + start, i - start,
			    sel & 8, sel & 16);
			argv[nfiles] = paths[nfiles];
			nfiles++;
			start = i + slen;
			i += slen - 1;
		}
	write_shard(paths[nfiles], p + start, n - start, sel & 8, sel & 16);
	argv[nfiles] = paths[nfiles];
	nfiles++;

	err[0] = '\0';
	if ((m = merge_open(argv, nfiles, err, sizeof(err))) == NULL) {
		CHECK(err[0] != '\0' && nul_within(err, sizeof(err)));
		free(c);
		return;
	}
	CHECK(merge_config(m)->capture.nports <= RDPNEG_MAX_PORTS);
	s.arg = c;
	if (merge_run(m, &s, err, sizeof(err)) < 0)
		CHECK(err[0] != '\0' && nul_within(err, sizeof(err)));
	report_collected(c, (sel & 4) != 0);
	merge_free(m);
	free(c);
}

/* A state's text: decoded, written back, read back the same; then the
 * attempt through the formats. */
static void
fuzz_state(const char *text, size_t len, int all)
{
	static struct state_buf b, back;
	struct attempt_item it, again;
	struct capture_result res;
	struct attempt_list list;
	const char *why = NULL;
	char *copy;
	size_t clen;

	if (shard_state_decode(text, len, &b, &it, &why) < 0) {
		CHECK(why != NULL);
		return;
	}
	CHECK(attempt_item_check(&it) == NULL);
	CHECK(it.owned != NULL);

	/* What the writer makes of it, the merge reads as the same. */
	CHECK(shard_state_encode(&it, &back) == 0);
	clen = back.len;
	CHECK((copy = malloc(clen ? clen : 1)) != NULL);
	memcpy(copy, back.p, clen);
	CHECK(shard_state_decode(copy, clen, &b, &again, &why) == 0);
	CHECK(shard_state_encode(&again, &back) == 0);
	CHECK(back.len == clen && memcmp(back.p, copy, clen) == 0);
	free(again.owned);
	free(copy);

	fuzz_format_attempt(&it.a);
	memset(&res, 0, sizeof(res));
	res.path = "shard.pcap";
	res.stats.attempts = 1;
	list.items = &it;
	list.n = list.cap = 1;
	fuzz_report_all(&res, &list, 1, all);
	free(it.owned);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sel, *sq;
	char *text;
	size_t n, tlen;

	if (size == 0)
		return 0;
	sel = data[0];
	data++;
	size--;
	switch (sel & 3) {
	case 0:
		CHECK((sq = malloc(2 * size + 1)) != NULL);
		n = shard_state_squeeze(data, size, sq);
		tlen = BASE64_ENCODE_RAW_LENGTH(n);
		CHECK((text = malloc(tlen + 1)) != NULL);
		base64_encode_raw(text, n, sq);
		fuzz_state(text, tlen, (sel & 4) != 0);
		free(text);
		free(sq);
		break;
	case 1:
		/* An exact-size copy: ASan sees a read past the text. */
		text = (char *)dup_exact(data, size);
		fuzz_state(text, size, (sel & 4) != 0);
		free(text);
		break;
	default:
		fuzz_files(data, size, sel);
		break;
	}
	return 0;
}
