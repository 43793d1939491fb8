/*
 * source.h - a shard's output read line by line (merge.h): plain or
 * gzip-compressed (zlib reads both), or standard input; a line may be as
 * long as a header that lists a million captures.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_SHARD_SOURCE_H
#define RDPNEG_SHARD_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <zlib.h>

struct source {
	const char	*name;		/* as given; "-": standard input */
	gzFile		 gz;
	char		*buf;
	size_t		 size;
	size_t		 start;		/* of the next line */
	size_t		 end;		/* of the bytes read */
	size_t		 scanned;	/* bytes after start without a
					   newline: a long line is not
					   searched again from its start */
	int		 eof;
	uint64_t	 line;		/* the number of the line last read */
};

/* Open name into s (zeroed by the caller): 0, or -1 with the reason. */
int source_open(struct source *s, const char *name, char *err,
    size_t errsize);

/*
 * The next line of s, without its newline, NUL-terminated in s's buffer
 * until the next call: 1, 0 at the end of the file, -1 on an error (in
 * err).  A last line without its newline is an error: the shard was cut
 * short; so is a gzip stream that ends early.
 */
int source_line(struct source *s, char **line, size_t *len, char *err,
    size_t errsize);

/* Give back the line (and len) source_line() just returned. */
void source_unread(struct source *s, char *line, size_t len);

/* The next line as JSON, an object whose string "type" is in *type; NULL
 * with the reason in err, also at the end of the file (no end line). */
json_t *source_json(struct source *s, const char **type, char *err,
    size_t errsize);

/* "NAME: line N: why" in err, the name escaped (untrusted). */
void source_fail(char *err, size_t errsize, const struct source *s,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

void source_close(struct source *s);

#endif /* RDPNEG_SHARD_SOURCE_H */
