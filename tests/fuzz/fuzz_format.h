/*
 * fuzz_format.h - checks shared by the fuzz targets that see attempts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_FUZZ_FORMAT_H
#define RDPNEG_FUZZ_FORMAT_H

#include "capture/capture.h"

/*
 * Render one attempt with every fmt_* helper, each into exact-size heap
 * buffers of sizes 1 to 2100, checking the output is NUL-terminated.
 */
void fuzz_format_attempt(const struct rdpneg_attempt *a);

struct attempt_list;
struct capture_result;

/*
 * Every report format (text, JSONL, CSV, Markdown, HTML), with and
 * without --summary, over the captures res[0..n) and their attempts
 * lists[0..n), written to /dev/null; all: the -a option.  Checks that
 * each attempt is counted once.
 */
void fuzz_report_all(const struct capture_result *res,
    const struct attempt_list *lists, size_t n, int all);

#endif /* RDPNEG_FUZZ_FORMAT_H */
