/*
 * progress.c - the text of the progress line (progress.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stdio.h>

#include "batch/progress.h"

/* Append to buf at *used, as snprintf would; *used counts what the whole
 * line needs. */
static void
append(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*used < size ? buf + *used : NULL,
	    *used < size ? size - *used : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n;
}

static unsigned
percent(uint64_t part, uint64_t whole)
{
	if (whole == 0 || part >= whole)
		return whole == 0 ? 0 : 100;
	return (unsigned)((double)part * 100.0 / (double)whole);
}

size_t
progress_format(const struct progress *pg, char *buf, size_t size)
{
	double mb = (double)pg->read / 1e6, rate;
	size_t used = 0;

	if (size > 0)
		buf[0] = '\0';
	append(buf, size, &used, "rdpneg: %zu/%zu files, ", pg->files_done,
	    pg->files);
	if (pg->total_known)
		append(buf, size, &used, "%.1f of %.1f MB (%u%%)", mb,
		    (double)pg->total / 1e6, percent(pg->read, pg->total));
	else
		append(buf, size, &used, "%.1f MB", mb);
	rate = pg->elapsed > 0 ? mb / pg->elapsed : 0;
	append(buf, size, &used, ", %.1f MB/s, %.1f s", rate, pg->elapsed);
	/* The time left at the rate so far, once there is a rate. */
	if (pg->total_known && rate > 0 && pg->read < pg->total &&
	    pg->elapsed >= 0.5)
		append(buf, size, &used, ", ETA %.1f s",
		    (double)(pg->total - pg->read) / 1e6 / rate);
	if (pg->files > 1 && pg->file != 0 && pg->file_size_known)
		append(buf, size, &used, "; file %zu: %u%%", pg->file,
		    percent(pg->file_read, pg->file_size));
	return used;
}
