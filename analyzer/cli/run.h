/*
 * run.h - what the analysing command and `rdpneg merge` share: the
 * report being made, the warnings about each capture, the exit status.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_CLI_RUN_H
#define RDPNEG_CLI_RUN_H

#include "batch/batch.h"
#include "report/report.h"

#define EXIT_BLOCKED		1	/* at least one attempt blocked */
#define EXIT_INSECURE		3	/* none blocked, one or more insecure */
#define EXIT_INPUT_ERROR	2	/* an input could not be read */
#define EXIT_USAGE		64	/* sysexits.h EX_USAGE */
#define EXIT_SIGNAL		128	/* + the signal that stopped the run,
					   as shells report it (130: SIGINT) */

struct run {
	struct report			 report;
	struct analysis_config		 cfg;
};

/* The format called name (-f), or exit with a usage error. */
const struct report_format *cli_format(const char *name);

/* Send the report to path (-o; gzip for a .gz name): 0, or -1 said. */
int cli_output(struct report *r, const char *path);

/* A warning about one input, its name and message escaped (untrusted). */
void run_warn_file(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The sink that reports each capture (its attempts, then its warnings
 * and facts) into run's report. */
struct batch_sink run_sink(struct run *run);

/*
 * After the format's finish: close the report's stream (r->out), and the
 * exit status: an error writing it, the signal that stopped the run (sig,
 * or 0), an unreadable input, then what was found.
 */
int run_status(struct report *r, int sig);

#endif /* RDPNEG_CLI_RUN_H */
