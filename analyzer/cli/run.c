/*
 * run.c - the report of a run or a merge: warnings per capture, the exit
 * status (run.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "report/fmt.h"
#include "run.h"

void
run_warn_file(const char *path, const char *fmt, ...)
{
	char name[4 * 4096 + 1], msg[1024], text[4 * 1024 + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fmt_escape_text((const uint8_t *)path, strlen(path), name,
	    sizeof(name));
	fmt_escape_text((const uint8_t *)msg, strlen(msg), text, sizeof(text));
	fprintf(stderr, "rdpneg: %s: %s\n", name, text);
}

const struct report_format *
cli_format(const char *name)
{
	const struct report_format *f = report_find_format(name);

	if (f == NULL) {
		fprintf(stderr, "rdpneg: --format: %s: not a format (text, "
		    "jsonl, csv, markdown or html)\n", name);
		usage(stderr, EXIT_USAGE);
	}
	return f;
}

int
cli_output(struct report *r, const char *path)
{
	FILE *f = output_open(path);

	if (f == NULL) {
		fprintf(stderr, "rdpneg: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (r->out != stdout)
		(void)output_close(r->out);
	r->out = f;
	return 0;
}

/* Each capture, in list order: its attempts, then warnings and totals. */
static void
on_attempt(const struct capture_result *res, const struct attempt_item *it,
    void *arg)
{
	report_attempt(&((struct run *)arg)->report, res, it);
}

static void
on_end(const struct capture_result *res, void *arg)
{
	struct run *run = arg;
	const char *err = res->error;
	size_t plen = strlen(res->path);

	if (res->stats.overflow != 0)
		run_warn_file(res->path, "%" PRIu64 " connections not tracked: "
		    "more than %zu open at once (see --max-connections)",
		    res->stats.overflow, run->cfg.capture.max_connections);
	if (res->stats.held_open != 0)
		run_warn_file(res->path, "%" PRIu64 " connections reported "
		    "before their end: more than %zu attempts waited for them "
		    "(see --max-connections)", res->stats.held_open,
		    run->cfg.capture.max_connections);
	if (res->unreadable) {
		/* libpcap starts some messages with the path: say it once. */
		if (strncmp(err, res->path, plen) == 0 &&
		    strncmp(err + plen, ": ", 2) == 0)
			err += plen + 2;
		run_warn_file(res->path, "%s", err);
	}
	report_capture(&run->report, res);
}

struct batch_sink
run_sink(struct run *run)
{
	struct batch_sink sink = { on_attempt, on_end, run };

	return sink;
}

int
run_status(struct report *r, int sig)
{
	int failed;

	if (r->out == stdout)
		failed = fflush(stdout) != 0 || ferror(stdout);
	else
		failed = output_close(r->out) != 0;
	r->out = NULL;
	if (failed) {
		fprintf(stderr, "rdpneg: writing the report: %s\n",
		    strerror(errno));
		return EXIT_INPUT_ERROR;
	}
	if (r->write_error != 0) {
		fprintf(stderr, "rdpneg: writing the report: %s\n",
		    strerror(r->write_error));
		return EXIT_INPUT_ERROR;
	}
	if (sig != 0)
		return EXIT_SIGNAL + sig;
	if (r->totals.unreadable != 0)
		return EXIT_INPUT_ERROR;
	if (r->totals.by_class[RDPNEG_CLASS_BLOCKED] != 0)
		return EXIT_BLOCKED;
	if (r->totals.by_class[RDPNEG_CLASS_INSECURE] != 0)
		return EXIT_INSECURE;
	return 0;
}
