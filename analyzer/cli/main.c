/*
 * rdpneg - explain failed RDP security negotiations from packet captures.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "cli/fmt.h"
#include "cli/report.h"

#define EXIT_FAILED_HANDSHAKE	1	/* at least one failed handshake */
#define EXIT_INPUT_ERROR	2	/* an input could not be read */
#define EXIT_USAGE		64	/* sysexits.h EX_USAGE */

enum {
	OPT_IDLE_TIMEOUT = 256,
	OPT_MAX_CONNECTIONS
};

static const struct option long_options[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "output", required_argument, NULL, 'o' },
	{ "port", required_argument, NULL, 'p' },
	{ "version", no_argument, NULL, 'V' },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS },
	{ NULL, 0, NULL, 0 }
};

static const char usage_line[] =
    "usage: rdpneg [-ahV] [-f format] [-o file] [-p port] "
    "[--idle-timeout seconds]\n"
    "              [--max-connections n] path ...\n";

struct run {
	struct report	 report;
	int		 all;
	const char	*capture;	/* the file being read */
};

static void
usage(FILE *f, int status)
{
	fputs(usage_line, f);
	if (f == stdout)
		fputs("\n"
		    "Report why RDP connections failed at security negotiation"
		    " in pcap/pcapng\n"
		    "captures.  PATH is a capture file or - for standard input."
		    "\n\n"
		    "  -a, --all                 report successful handshakes"
		    " too\n"
		    "  -f, --format FORMAT       text (default) or jsonl\n"
		    "  -o, --output FILE         write the report to FILE\n"
		    "  -p, --port PORT           another RDP server port"
		    " (repeatable; 3389 always)\n"
		    "      --idle-timeout SEC    end connections idle for SEC"
		    " seconds of capture\n"
		    "                            time (default 300)\n"
		    "      --max-connections N   connections tracked at once"
		    " (default 65536)\n"
		    "  -h, --help                show this help\n"
		    "  -V, --version             show the version\n"
		    "\n"
		    "Exit status: 0 no failed handshake, 1 at least one, 2 an"
		    " input could not be\n"
		    "read or the report not written, 64 usage error.\n", f);
	exit(status);
}

/* A decimal number in [min, max], or exit with a usage error. */
static unsigned long
parse_number(const char *opt, const char *s, unsigned long min,
    unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' ||
	    v < min || v > max) {
		fprintf(stderr, "rdpneg: %s: '%s' is not a number from %lu "
		    "to %lu\n", opt, s, min, max);
		usage(stderr, EXIT_USAGE);
	}
	return v;
}

static void
on_attempt(const struct rdpneg_attempt *a, void *arg)
{
	struct run *run = arg;
	struct report_totals *t = &run->report.totals;
	int failed = fmt_attempt_failed(a);

	t->attempts++;
	t->by_outcome[a->outcome]++;
	t->failed += failed != 0;
	t->not_requested += fmt_protocol_not_requested(a) != 0;
	if (failed || run->all)
		run->report.format->attempt(&run->report, run->capture, a);
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

static int
analyze(struct run *run, const struct rdpneg_config *cfg, const char *path)
{
	struct rdpneg_capture_stats stats;
	struct report_totals *t = &run->report.totals;
	char err[512];
	int rc;

	run->capture = path;
	rc = rdpneg_analyze_capture(path, cfg, on_attempt, run, &stats, err,
	    sizeof(err));
	t->files++;
	t->packets += stats.packets;
	t->cut_packets += stats.cut_packets;
	t->ip_fragments += stats.ip_fragments;
	t->overflow += stats.overflow;
	if (stats.overflow != 0)
		warn_file(path, "%" PRIu64 " connections not tracked: more "
		    "than %zu open at once (see --max-connections)",
		    stats.overflow, cfg->max_connections);
	if (rc != 0) {
		warn_file(path, "%s", err);
		t->unreadable++;
	}
	return rc;
}

int
main(int argc, char *argv[])
{
	struct rdpneg_config cfg;
	struct run run;
	int ch, i, status;

	memset(&run, 0, sizeof(run));
	run.report.out = stdout;
	run.report.format = &report_text;
	rdpneg_init_config(&cfg);

	while ((ch = getopt_long(argc, argv, "af:ho:p:V", long_options,
	    NULL)) != -1) {
		switch (ch) {
		case 'a':
			run.all = 1;
			break;
		case 'f':
			run.report.format = report_find_format(optarg);
			if (run.report.format == NULL) {
				fprintf(stderr, "rdpneg: unknown format '%s'"
				    " (text, jsonl)\n", optarg);
				usage(stderr, EXIT_USAGE);
			}
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'o':
			if (freopen(optarg, "w", stdout) == NULL) {
				fprintf(stderr, "rdpneg: %s: %s\n", optarg,
				    strerror(errno));
				return EXIT_INPUT_ERROR;
			}
			break;
		case 'p':
			if (cfg.nports == RDPNEG_MAX_PORTS) {
				fprintf(stderr, "rdpneg: at most %d ports\n",
				    RDPNEG_MAX_PORTS);
				usage(stderr, EXIT_USAGE);
			}
			cfg.ports[cfg.nports++] = (uint16_t)parse_number(
			    "--port", optarg, 1, 65535);
			break;
		case 'V':
			printf("rdpneg %s\n", RDPNEG_VERSION);
			return 0;
		case OPT_IDLE_TIMEOUT:
			cfg.idle_timeout = (uint32_t)parse_number(
			    "--idle-timeout", optarg, 1, 86400 * 365);
			break;
		case OPT_MAX_CONNECTIONS:
			cfg.max_connections = parse_number(
			    "--max-connections", optarg, 1, 1ul << 24);
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
		analyze(&run, &cfg, argv[i]);
	run.report.format->finish(&run.report);

	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "rdpneg: writing the report: %s\n",
		    strerror(errno));
		return EXIT_INPUT_ERROR;
	}
	if (run.report.totals.unreadable != 0)
		status = EXIT_INPUT_ERROR;
	else if (run.report.totals.failed != 0)
		status = EXIT_FAILED_HANDSHAKE;
	else
		status = 0;
	return status;
}
