/*
 * merge.c - `rdpneg merge`: the report of a sharded run, made from its
 * shards' outputs (shard/merge.h) as one run would have made it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <sys/resource.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report/fmt.h"
#include "rdpneg_version.h"
#include "run.h"
#include "shard/merge.h"

enum {
	OPT_SUMMARY = 256
};

static const struct option long_options[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "version", no_argument, NULL, 'V' },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ NULL, 0, NULL, 0 }
};

/*
 * The shards are read side by side, a descriptor each: raise the soft
 * limit (often 1024) as far as needed and the hard limit allows.
 */
static void
enough_descriptors(size_t shards)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)shards + 16;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ?
	    rl.rlim_max : want;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
}

int
merge_main(int argc, char *argv[])
{
	struct run run;
	struct batch_sink sink = run_sink(&run);
	struct report *r = &run.report;
	struct merge *m;
	char err[2048];
	int ch, status, failed;

	memset(&run, 0, sizeof(run));
	report_init(r, stdout, &report_text);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "af:ho:qV", long_options,
	    NULL)) != -1) {
		switch (ch) {
		case 'a':
			r->all = 1;
			break;
		case 'f':
			r->format = cli_format(optarg);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'o':
			if (cli_output(r, optarg) < 0)
				return EXIT_INPUT_ERROR;
			break;
		case 'q':		/* no progress line to quiet */
			break;
		case 'V':
			printf("rdpneg %s\n", RDPNEG_VERSION);
			return 0;
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

	enough_descriptors((size_t)argc);
	if ((m = merge_open(argv, (size_t)argc, err, sizeof(err))) == NULL) {
		fprintf(stderr, "rdpneg: merge: %s\n", err);
		return EXIT_INPUT_ERROR;
	}
	if (!merge_hashed(m) && (r->format == &report_markdown ||
	    r->format == &report_html)) {
		fprintf(stderr, "rdpneg: merge: the shards were made with "
		    "--no-sha256: the %s report lists each capture's SHA-256; "
		    "make them without it\n", r->format->name);
		merge_free(m);
		return EXIT_INPUT_ERROR;
	}
	run.cfg = *merge_config(m);
	if (r->format->begin(r) < 0) {
		fprintf(stderr, "rdpneg: out of memory\n");
		merge_free(m);
		return EXIT_INPUT_ERROR;
	}
	/* A shard found damaged part way: the report covers the captures
	 * before it, and says nothing more. */
	failed = merge_run(m, &sink, err, sizeof(err)) < 0;
	r->format->finish(r);
	status = run_status(r, 0);
	if (failed) {
		fprintf(stderr, "rdpneg: merge: %s; the report covers only "
		    "the captures before it\n", err);
		status = EXIT_INPUT_ERROR;
	}
	report_free(r);
	merge_free(m);
	return status;
}
