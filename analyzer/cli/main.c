/*
 * rdpneg - explain failed RDP security negotiations from packet captures.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch/batch.h"
#include "report/fmt.h"
#include "report/report.h"
#include "batch/walk.h"
#include "rdpneg/chain.h"
#include "rdpneg_version.h"

#define EXIT_BLOCKED		1	/* at least one attempt blocked */
#define EXIT_INSECURE		3	/* none blocked, one or more insecure */
#define EXIT_INPUT_ERROR	2	/* an input could not be read */
#define EXIT_USAGE		64	/* sysexits.h EX_USAGE */
#define EXIT_SIGNAL		128	/* + the signal that stopped the run,
					   as shells report it (130: SIGINT) */

enum {
	OPT_CHAIN_WINDOW = 256,
	OPT_IDLE_TIMEOUT,
	OPT_MAX_CONNECTIONS,
	OPT_SUMMARY
};

static const struct option long_options[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "output", required_argument, NULL, 'o' },
	{ "port", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "version", no_argument, NULL, 'V' },
	{ "chain-window", required_argument, NULL, OPT_CHAIN_WINDOW },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ NULL, 0, NULL, 0 }
};

static const char usage_line[] =
    "usage: rdpneg [-ahqV] [-f format] [-j jobs] [-o file] [-p port] "
    "[--summary]\n"
    "              [--chain-window seconds] [--idle-timeout seconds]\n"
    "              [--max-connections n] path ...\n";

static _Noreturn void
usage(FILE *f, int status)
{
	fputs(usage_line, f);
	if (f == stdout)
		fputs("\n"
		    "Report why RDP connections failed at security negotiation"
		    " in pcap/pcapng\n"
		    "captures, with the probable server setting and its fix."
		    "  PATH is a capture\n"
		    "file (also .gz), a directory (walked recursively) or - "
		    "for standard input.\n\n"
		    "  -a, --all                 report successful handshakes"
		    " too\n"
		    "  -f, --format FORMAT       text (default), jsonl, csv,"
		    " markdown or html\n"
		    "  -j, --jobs N              analyze N files at once"
		    " (default: the cores)\n"
		    "  -o, --output FILE         write the report to FILE\n"
		    "  -p, --port PORT           another RDP server port"
		    " (repeatable; 3389 always)\n"
		    "  -q, --quiet               no progress line on standard"
		    " error\n"
		    "      --summary             only the summary by server\n"
		    "      --chain-window SEC    retries within SEC seconds"
		    " form a chain (default 60)\n"
		    "      --idle-timeout SEC    end connections idle for SEC"
		    " seconds of capture\n"
		    "                            time (default 300)\n"
		    "      --max-connections N   connections tracked at once"
		    " (default 65536)\n"
		    "  -h, --help                show this help\n"
		    "  -V, --version             show the version\n"
		    "\n"
		    "Exit status: 0 nothing blocked or insecure, 1 an attempt"
		    " blocked, 3 none\n"
		    "blocked but one insecure, 2 an input could not be read or"
		    " the report not\n"
		    "written, 64 usage error, 130 or 143 interrupted by SIGINT"
		    " or SIGTERM (the\n"
		    "report covers what was read).\n",
		    f);
	exit(status);
}

/*
 * A decimal number in [min, max], or exit with a usage error that says what
 * is wrong with s, what (such as "a whole number of seconds") naming the
 * kind of number opt takes.  strtoul alone would take " 5", "+5" and "-5"
 * (as a huge number), and say nothing of why it stopped.
 */
static unsigned long
parse_number(const char *opt, const char *s, const char *what,
    unsigned long min, unsigned long max)
{
	char text[256];
	const char *why;
	char *end;
	unsigned long v = 0;

	errno = 0;
	if (*s >= '0' && *s <= '9')
		v = strtoul(s, &end, 10);
	if (*s == '\0')
		why = "empty value: expected";
	else if (*s == '-' && s[1] >= '0' && s[1] <= '9')
		why = "negative: expected";
	else if (*s < '0' || *s > '9' || *end == '.')
		why = "not";
	else if (*end != '\0')
		why = "characters after the number: expected";
	else if (errno == ERANGE || v > max)
		why = "too large: expected";
	else if (v < min)
		why = "too small: expected";
	else
		return v;
	fmt_escape_text((const uint8_t *)s, strlen(s), text, sizeof(text));
	fprintf(stderr, "rdpneg: %s: %s%s%s %s (%lu to %lu)\n", opt, text,
	    *s == '\0' ? "" : ": ", why, what, min, max);
	usage(stderr, EXIT_USAGE);
}

/*
 * A warning about one input.  The name and the message are escaped: file
 * names and libpcap's messages about damaged files are untrusted text.
 */
static void
warn_file(const char *path, const char *fmt, ...)
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

struct run {
	struct report			 report;
	struct analysis_config		 cfg;
};

/* The signal that asked the run to stop (SIGINT, SIGTERM), or 0. */
static atomic_int stop_signal;

/*
 * The first SIGINT or SIGTERM asks the readers to stop: the captures read
 * so far are finished as at their end and reported.  A second one ends
 * the process at once.
 */
static void
on_signal(int sig)
{
	static const char msg[] = "\nrdpneg: stopped at once\n";

	if (atomic_exchange(&stop_signal, sig) != 0) {
		(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
		_exit(EXIT_SIGNAL + sig);
	}
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;	/* the readers poll for the stop */
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
}

/* Say where the run stopped (the report says it too). */
static void
warn_interrupted(const struct report_totals *t, int sig)
{
	char name[4 * 4096 + 1];

	fprintf(stderr, "rdpneg: interrupted by %s", sig == SIGINT ?
	    "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal");
	if (t->interrupted) {
		fmt_escape_text((const uint8_t *)t->interrupted_path,
		    strlen(t->interrupted_path), name, sizeof(name));
		fprintf(stderr, " in %s after frame %" PRIu64 " (%" PRIu64
		    " bytes read)", name, t->interrupted_frame,
		    t->interrupted_bytes);
	}
	if (t->not_analysed != 0)
		fprintf(stderr, "; %" PRIu64 " file%s not analysed",
		    t->not_analysed, t->not_analysed == 1 ? "" : "s");
	fputs("; the report covers what was read\n", stderr);
}

/* A path given again (walk_drop_duplicates): it is read once. */
static void
note_duplicate(const char *path, const char *first, void *arg)
{
	(void)arg;
	if (strcmp(path, first) == 0)
		warn_file(path, "given twice: analysed once");
	else
		warn_file(path, "the same file as %s: analysed once", first);
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
		warn_file(res->path, "%" PRIu64 " connections not tracked: "
		    "more than %zu open at once (see --max-connections)",
		    res->stats.overflow, run->cfg.capture.max_connections);
	if (res->stats.held_open != 0)
		warn_file(res->path, "%" PRIu64 " connections reported before "
		    "their end: more than %zu attempts waited for them (see "
		    "--max-connections)", res->stats.held_open,
		    run->cfg.capture.max_connections);
	if (res->unreadable) {
		/* libpcap starts some messages with the path: say it once. */
		if (strncmp(err, res->path, plen) == 0 &&
		    strncmp(err + plen, ": ", 2) == 0)
			err += plen + 2;
		warn_file(res->path, "%s", err);
	}
	report_capture(&run->report, res);
}

int
main(int argc, char *argv[])
{
	struct file_list files = { NULL, NULL, 0, 0 };
	struct run run;
	struct batch_sink sink = { on_attempt, on_end, &run };
	struct report *r = &run.report;
	struct analysis_config *cfg = &run.cfg;
	struct batch_options opt = { 1, 0, 0, &stop_signal };
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int ch, i, quiet = 0, sig, status;

	memset(&run, 0, sizeof(run));
	if (cores > 0)
		opt.jobs = (unsigned)cores;
	report_init(r, stdout, &report_text);
	rdpneg_init_config(&cfg->capture);
	cfg->chain_window = RDPNEG_DEFAULT_CHAIN_WINDOW;

	while ((ch = getopt_long(argc, argv, "af:hj:o:p:qV", long_options,
	    NULL)) != -1) {
		switch (ch) {
		case 'a':
			r->all = 1;
			break;
		case 'f':
			r->format = report_find_format(optarg);
			if (r->format == NULL) {
				fprintf(stderr, "rdpneg: --format: %s: not a "
				    "format (text, jsonl, csv, markdown or html)\n",
				    optarg);
				usage(stderr, EXIT_USAGE);
			}
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'j':
			opt.jobs = (unsigned)parse_number("--jobs", optarg,
			    "a number of jobs", 1, 256);
			break;
		case 'o':
			if (freopen(optarg, "w", stdout) == NULL) {
				fprintf(stderr, "rdpneg: %s: %s\n", optarg,
				    strerror(errno));
				return EXIT_INPUT_ERROR;
			}
			break;
		case 'p':
			if (cfg->capture.nports == RDPNEG_MAX_PORTS) {
				fprintf(stderr, "rdpneg: --port: %s: more "
				    "ports than the %d allowed\n", optarg,
				    RDPNEG_MAX_PORTS);
				usage(stderr, EXIT_USAGE);
			}
			cfg->capture.ports[cfg->capture.nports++] = (uint16_t)
			    parse_number("--port", optarg, "a port number",
			    1, 65535);
			break;
		case 'q':
			quiet = 1;
			break;
		case 'V':
			printf("rdpneg %s\n", RDPNEG_VERSION);
			return 0;
		case OPT_CHAIN_WINDOW:
			cfg->chain_window = (uint32_t)parse_number(
			    "--chain-window", optarg, "a whole number of seconds",
			    0, 86400);
			break;
		case OPT_IDLE_TIMEOUT:
			cfg->capture.idle_timeout = (uint32_t)parse_number(
			    "--idle-timeout", optarg, "a whole number of seconds",
			    1, 86400 * 365);
			break;
		case OPT_MAX_CONNECTIONS:
			cfg->capture.max_connections = parse_number(
			    "--max-connections", optarg,
			    "a number of connections", 1, 1ul << 24);
			break;
		case OPT_SUMMARY:
			r->summary_only = 1;
			break;
		default:
			usage(stderr, EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage(stderr, EXIT_USAGE);

	for (i = 0; i < argc; i++)
		if (walk_path(argv[i], &files) < 0) {
			fprintf(stderr, "rdpneg: out of memory\n");
			return EXIT_INPUT_ERROR;
		}
	if (walk_drop_duplicates(&files, note_duplicate, NULL) < 0) {
		fprintf(stderr, "rdpneg: out of memory\n");
		return EXIT_INPUT_ERROR;
	}
	catch_signals();
	opt.sha256 = r->format == &report_markdown ||
	    r->format == &report_html;
	opt.progress = !quiet && isatty(STDERR_FILENO);
	if (r->format->begin(r) < 0) {
		fprintf(stderr, "rdpneg: out of memory\n");
		return EXIT_INPUT_ERROR;
	}
	if (batch_run(&files, &opt, cfg, &sink) < 0) {
		fprintf(stderr, "rdpneg: out of memory\n");
		return EXIT_INPUT_ERROR;
	}
	r->format->finish(r);

	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "rdpneg: writing the report: %s\n",
		    strerror(errno));
		status = EXIT_INPUT_ERROR;
	} else if (r->write_error != 0) {
		fprintf(stderr, "rdpneg: writing the report: its temporary "
		    "file: %s\n", strerror(r->write_error));
		status = EXIT_INPUT_ERROR;
	} else if ((sig = atomic_load(&stop_signal)) != 0) {
		warn_interrupted(&r->totals, sig);
		status = EXIT_SIGNAL + sig;
	} else if (r->totals.unreadable != 0)
		status = EXIT_INPUT_ERROR;
	else if (r->totals.by_class[RDPNEG_CLASS_BLOCKED] != 0)
		status = EXIT_BLOCKED;
	else if (r->totals.by_class[RDPNEG_CLASS_INSECURE] != 0)
		status = EXIT_INSECURE;
	else
		status = 0;
	report_free(r);
	walk_free(&files);
	return status;
}
