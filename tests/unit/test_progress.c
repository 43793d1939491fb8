/*
 * test_progress.c - the text of the progress line (batch/progress.h):
 * what it shows with a known total, with an unknown one (a pipe), for one
 * file and for a batch, and that it never writes past its buffer.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <criterion/criterion.h>
#include <string.h>

#include "batch/progress.h"

static struct progress
batch_of_two(void)
{
	struct progress pg;

	memset(&pg, 0, sizeof(pg));
	pg.files = 2;
	pg.files_done = 1;
	pg.read = 300000000;
	pg.total = 1200000000;
	pg.total_known = 1;
	pg.elapsed = 2.0;
	pg.file = 2;
	pg.file_read = 100000000;
	pg.file_size = 400000000;
	pg.file_size_known = 1;
	return pg;
}

Test(progress, a_batch_with_its_total)
{
	struct progress pg = batch_of_two();
	char line[PROGRESS_MAX];

	progress_format(&pg, line, sizeof(line));
	cr_assert_str_eq(line, "rdpneg: 1/2 files, 300.0 of 1200.0 MB (25%), "
	    "150.0 MB/s, 2.0 s, ETA 6.0 s; file 2: 25%");
}

Test(progress, a_pipe_has_no_total_percent_or_eta)
{
	struct progress pg = batch_of_two();
	char line[PROGRESS_MAX];

	pg.files = 1;
	pg.files_done = 0;
	pg.total_known = 0;
	pg.file_size_known = 0;
	progress_format(&pg, line, sizeof(line));
	cr_assert_str_eq(line, "rdpneg: 0/1 files, 300.0 MB, 150.0 MB/s, "
	    "2.0 s");
}

Test(progress, one_file_shows_no_file_part_and_no_eta_too_early)
{
	struct progress pg = batch_of_two();
	char line[PROGRESS_MAX];

	pg.files = 1;
	pg.files_done = 0;
	pg.elapsed = 0.25;	/* no rate to trust yet */
	progress_format(&pg, line, sizeof(line));
	cr_assert_str_eq(line, "rdpneg: 0/1 files, 300.0 of 1200.0 MB (25%), "
	    "1200.0 MB/s, 0.2 s");
	pg.elapsed = 0;
	pg.read = pg.total;
	progress_format(&pg, line, sizeof(line));
	cr_assert_str_eq(line, "rdpneg: 0/1 files, 1200.0 of 1200.0 MB "
	    "(100%), 0.0 MB/s, 0.0 s");
}

Test(progress, small_buffers_get_a_prefix)
{
	struct progress pg = batch_of_two();
	char full[PROGRESS_MAX], cut[PROGRESS_MAX];
	size_t n = progress_format(&pg, full, sizeof(full)), size;

	cr_assert_eq(n, strlen(full));
	for (size = 0; size <= n + 1; size++) {
		memset(cut, 'x', sizeof(cut));
		cr_assert_eq(progress_format(&pg, cut, size), n);
		if (size > 0) {
			cr_assert_eq(strncmp(cut, full, strlen(cut)), 0);
			cr_assert_leq(strlen(cut), size - 1);
		}
		cr_assert_eq(cut[size], 'x', "wrote past %zu bytes", size);
	}
}
