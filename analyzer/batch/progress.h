/*
 * progress.h - the progress line of a run: files and bytes read of the
 * total, percent, rate, elapsed time and an estimate of the time left,
 * and how far the file being reported is.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_PROGRESS_H
#define RDPNEG_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

/* What the line shows; the batch fills it from its readers' counters. */
struct progress {
	size_t		files;		/* in the run */
	size_t		files_done;	/* analysed (or not to be) */
	uint64_t	read;		/* bytes read, all files */
	uint64_t	total;		/* bytes of all files, when known */
	int		total_known;	/* every input is a regular file */
	double		elapsed;	/* seconds since the run began */
	size_t		file;		/* 1-based: the file being reported;
					   0: none */
	uint64_t	file_read;
	uint64_t	file_size;	/* when known */
	int		file_size_known;
};

/* Room for any line progress_format writes, with its NUL. */
#define PROGRESS_MAX	160

/*
 * The line, without a line end, e.g. "rdpneg: 2/8 files, 812.3 of
 * 2245.1 MB (36%), 402.1 MB/s, 2.0 s, ETA 3.6 s; file 3: 45%".  Parts
 * that cannot be known (a total from a pipe) are left out.  snprintf
 * semantics.
 */
size_t progress_format(const struct progress *pg, char *buf, size_t size);

#endif /* RDPNEG_PROGRESS_H */
