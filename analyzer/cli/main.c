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
#include "batch/walk.h"
#include "cli.h"
#include "output.h"
#include "rdpneg/chain.h"
#include "rdpneg_version.h"
#include "report/fmt.h"
#include "report/report.h"
#include "run.h"
#include "shard/select.h"
#include "shard/write.h"

enum {
	OPT_CHAIN_WINDOW = 256,
	OPT_IDLE_TIMEOUT,
	OPT_LIST_SHARD,
	OPT_MAX_CONNECTIONS,
	OPT_NO_SHA256,
	OPT_SHARD,
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
	{ "list-shard", no_argument, NULL, OPT_LIST_SHARD },
	{ "max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS },
	{ "no-sha256", no_argument, NULL, OPT_NO_SHA256 },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ NULL, 0, NULL, 0 }
};

static const char usage_line[] =
    "usage: rdpneg [-ahqV] [-f format] [-j jobs] [-o file] [-p port] "
    "[--summary]\n"
    "              [--chain-window seconds] [--idle-timeout seconds]\n"
    "              [--max-connections n] [--shard K/N|auto] [--list-shard]\n"
    "              [--no-sha256] path ...\n"
    "       rdpneg merge [-aq] [-f format] [-o file] [--summary] shard ...\n";

_Noreturn void
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
		    "      --shard K/N|auto      analyze only shard K of N of"
		    " the inputs and write\n"
		    "                            the interchange that rdpneg"
		    " merge reads (auto:\n"
		    "                            from Slurm, Kubernetes or GNU"
		    " parallel)\n"
		    "      --list-shard          print the shard's files, do"
		    " not analyze them\n"
		    "      --no-sha256           a shard that does not hash its"
		    " files (its merge\n"
		    "                            makes no markdown or html"
		    " report)\n"
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
		    "rdpneg merge makes, from the outputs of every shard of a"
		    " run, the report\n"
		    "that one run over the same inputs would have made.\n"
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
		run_warn_file(path, "given twice: analysed once");
	else
		run_warn_file(path, "the same file as %s: analysed once",
		    first);
}

/* --list-shard: the shard's files, one per line, escaped as in
 * warnings (untrusted names). */
static int
list_shard(const struct file_list *files, const size_t *idx, size_t n)
{
	char name[4 * 4096 + 1];
	size_t i;
	const char *p;

	for (i = 0; i < n; i++) {
		p = files->paths[idx[i]];
		fmt_escape_text((const uint8_t *)p, strlen(p), name,
		    sizeof(name));
		printf("%s\n", name);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "rdpneg: writing the list: %s\n",
		    strerror(errno));
		return EXIT_INPUT_ERROR;
	}
	return 0;
}

/*
 * With --shard: keep only the shard's files of the list (run->idx, their
 * places in the whole list, which *all keeps), and make the report the
 * interchange.  0, or an exit status.
 */
static int
take_shard(struct file_list *files, struct file_list *all,
    struct shard_run *run, const char *spec, struct report *r,
    int format_given, int list_only)
{
	char err[512];
	size_t i;

	if (shard_parse(spec, &run->shard, err, sizeof(err)) < 0) {
		fprintf(stderr, "rdpneg: --shard: %s\n", err);
		usage(stderr, EXIT_USAGE);
	}
	for (i = 0; i < files->n; i++)
		if (strcmp(files->paths[i], "-") == 0) {
			fprintf(stderr, "rdpneg: --shard: standard input "
			    "cannot be shared among shards\n");
			usage(stderr, EXIT_USAGE);
		}
	if (!list_only && ((format_given && r->format != &report_jsonl) ||
	    r->summary_only)) {
		fprintf(stderr, "rdpneg: --shard writes the interchange "
		    "(JSON lines with every attempt): not with --summary or "
		    "another format than jsonl\n");
		usage(stderr, EXIT_USAGE);
	}
	if (shard_select(files, &run->shard, &run->idx,
	    &run->n) < 0) {
		fprintf(stderr, "rdpneg: out of memory\n");
		return EXIT_INPUT_ERROR;
	}
	if (list_only)
		return list_shard(files, run->idx, run->n);
	/* The shard's own list: its paths are the whole list's. */
	*all = *files;
	memset(files, 0, sizeof(*files));
	files->paths = calloc(run->n ? run->n : 1, sizeof(*files->paths));
	files->info = calloc(run->n ? run->n : 1, sizeof(*files->info));
	if (files->paths == NULL || files->info == NULL) {
		fprintf(stderr, "rdpneg: out of memory\n");
		return EXIT_INPUT_ERROR;
	}
	for (i = 0; i < run->n; i++) {
		files->paths[i] = all->paths[run->idx[i]];
		files->info[i] = all->info[run->idx[i]];
	}
	files->n = files->cap = run->n;
	run->all = all;
	r->format = &shard_format;
	r->format_arg = run;
	r->all = 1;
	return 0;
}

int
main(int argc, char *argv[])
{
	struct file_list files = { NULL, NULL, 0, 0 };
	struct file_list all = { NULL, NULL, 0, 0 };
	struct shard_run shard;
	struct run run;
	struct batch_sink sink = run_sink(&run);
	struct report *r = &run.report;
	struct analysis_config *cfg = &run.cfg;
	struct batch_options opt = { 1, 0, 0, &stop_signal };
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	const char *shard_spec = NULL;
	int ch, i, quiet = 0, sig, status, format_given = 0, list_only = 0;

	if (argc > 1 && strcmp(argv[1], "merge") == 0)
		return merge_main(argc - 1, argv + 1);
	memset(&run, 0, sizeof(run));
	memset(&shard, 0, sizeof(shard));
	shard.cfg = cfg;
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
			r->format = cli_format(optarg);
			format_given = 1;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'j':
			opt.jobs = (unsigned)parse_number("--jobs", optarg,
			    "a number of jobs", 1, 256);
			break;
		case 'o':
			if (cli_output(r, optarg) < 0)
				return EXIT_INPUT_ERROR;
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
		case OPT_LIST_SHARD:
			list_only = 1;
			break;
		case OPT_MAX_CONNECTIONS:
			cfg->capture.max_connections = parse_number(
			    "--max-connections", optarg,
			    "a number of connections", 1, 1ul << 24);
			break;
		case OPT_NO_SHA256:
			shard.no_sha256 = 1;
			break;
		case OPT_SHARD:
			shard_spec = optarg;
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
	if (shard.no_sha256 && shard_spec == NULL) {
		fprintf(stderr, "rdpneg: --no-sha256 is for a shard "
		    "(--shard)\n");
		usage(stderr, EXIT_USAGE);
	}
	if (list_only && shard_spec == NULL) {
		fprintf(stderr, "rdpneg: --list-shard: which shard? (--shard "
		    "K/N or auto)\n");
		usage(stderr, EXIT_USAGE);
	}

	for (i = 0; i < argc; i++)
		if (walk_path(argv[i], &files) < 0) {
			fprintf(stderr, "rdpneg: out of memory\n");
			return EXIT_INPUT_ERROR;
		}
	if (walk_drop_duplicates(&files, note_duplicate, NULL) < 0) {
		fprintf(stderr, "rdpneg: out of memory\n");
		return EXIT_INPUT_ERROR;
	}
	if (shard_spec != NULL) {
		status = take_shard(&files, &all, &shard, shard_spec, r,
		    format_given, list_only);
		if (status != 0 || list_only) {
			walk_free(&files);
			free(shard.idx);
			return status;
		}
	}
	catch_signals();
	/* A shard hashes its captures, unless told not to: the merge may
	 * then make any format. */
	opt.sha256 = r->format == &report_markdown ||
	    r->format == &report_html ||
	    (r->format == &shard_format && !shard.no_sha256);
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

	sig = atomic_load(&stop_signal);
	status = run_status(r, sig);
	if (sig != 0 && status == EXIT_SIGNAL + sig)
		warn_interrupted(&r->totals, sig);
	report_free(r);
	if (shard_spec != NULL) {
		/* The shard's list lent its paths from the whole list. */
		free(files.paths);
		free(files.info);
		free(shard.idx);
		walk_free(&all);
	} else
		walk_free(&files);
	return status;
}
