/*
 * output.c - the report's file, compressed through a stdio cookie
 * (glibc's fopencookie) so that every format writes to a FILE as usual.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE		/* fopencookie */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include "output.h"

static ssize_t
gz_write(void *cookie, const char *buf, size_t size)
{
	int n;

	if (size == 0)
		return 0;
	/* gzwrite takes an unsigned count; stdio hands over its buffer. */
	n = gzwrite(cookie, buf, (unsigned)(size > 1u << 30 ? 1u << 30 :
	    size));
	if (n <= 0) {
		errno = EIO;
		return -1;
	}
	return n;
}

static int
gz_close(void *cookie)
{
	if (gzclose(cookie) != Z_OK) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static int
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n > t && strcmp(s + n - t, tail) == 0;
}

FILE *
output_open(const char *path)
{
	static const cookie_io_functions_t io = { NULL, gz_write, NULL,
	    gz_close };
	gzFile gz;
	FILE *f;

	if (!ends_with(path, ".gz"))
		return fopen(path, "w");
	if ((gz = gzopen(path, "wb1")) == NULL) {
		if (errno == 0)
			errno = ENOMEM;
		return NULL;
	}
	if ((f = fopencookie(gz, "w", io)) == NULL)
		gzclose(gz);
	else
		(void)setvbuf(f, NULL, _IOFBF, 256 * 1024);
	return f;
}

int
output_close(FILE *f)
{
	int err = ferror(f);

	if (fclose(f) != 0 || err) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}
