/*
 * source.c - a shard's output line by line (source.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _POSIX_C_SOURCE 200809L		/* dup */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/fmt.h"
#include "shard/source.h"

#define CHUNK		(32 * 1024)	/* read at once, and zlib's buffer:
					   a merge of many shards holds
					   one of each */
#define LINE_MAX_BYTES	((size_t)1 << 30)	/* a header of many files */

/* "NAME: line N: why", the name escaped (untrusted). */
void
source_fail(char *err, size_t errsize, const struct source *s,
    const char *fmt, ...)
{
	char name[4 * 1024 + 1], why[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	fmt_escape_text((const uint8_t *)s->name, strlen(s->name), name,
	    sizeof(name));
	if (s->line != 0)
		snprintf(err, errsize, "%s: line %llu: %s", name,
		    (unsigned long long)s->line, why);
	else
		snprintf(err, errsize, "%s: %s", name, why);
}

/*
 * The next line of s, without its newline, NUL-terminated in s->buf: 1,
 * 0 at the end of the file, -1 on an error (in err).  A last line without
 * its newline is an error: the shard was cut short.
 */
int
source_line(struct source *s, char **line, size_t *len, char *err,
    size_t errsize)
{
	char *nl, *b;
	int n, zerr;

	for (;;) {
		nl = memchr(s->buf + s->start + s->scanned, '\n',
		    s->end - s->start - s->scanned);
		if (nl != NULL) {
			*nl = '\0';
			*line = s->buf + s->start;
			*len = (size_t)(nl - *line);
			s->start = (size_t)(nl - s->buf) + 1;
			s->scanned = 0;
			s->line++;
			return 1;
		}
		s->scanned = s->end - s->start;
		if (s->eof) {
			if (s->end == s->start)
				return 0;
			s->line++;
			source_fail(err, errsize, s, "cut short: the file "
			    "ends in the middle of a line");
			return -1;
		}
		if (s->start > 0) {
			memmove(s->buf, s->buf + s->start, s->end - s->start);
			s->end -= s->start;
			s->start = 0;
		}
		if (s->size - s->end < CHUNK + 1) {
			if (s->size >= LINE_MAX_BYTES) {
				source_fail(err, errsize, s, "a line longer "
				    "than %zu bytes", LINE_MAX_BYTES);
				return -1;
			}
			if ((b = realloc(s->buf, s->size * 2)) == NULL) {
				source_fail(err, errsize, s, "out of memory");
				return -1;
			}
			s->buf = b;
			s->size *= 2;
		}
		n = gzread(s->gz, s->buf + s->end, CHUNK);
		/* A gzip stream that stops before its end reads as the end
		 * of the file, zlib's error then Z_BUF_ERROR. */
		(void)gzerror(s->gz, &zerr);
		if (n < 0 || (zerr != Z_OK && zerr != Z_STREAM_END)) {
			s->line++;
			source_fail(err, errsize, s, "%s",
			    zerr == Z_BUF_ERROR ? "cut short: the gzip "
			    "stream ends early" : zerr == Z_DATA_ERROR ?
			    "damaged: not valid gzip data" : zerr == Z_ERRNO ?
			    strerror(errno) : "cannot be read");
			return -1;
		}
		if (n == 0)
			s->eof = 1;
		s->end += (size_t)n;
	}
}

/* The next line of s as JSON, an object with a string "type". */
json_t *
source_json(struct source *s, const char **type, char *err, size_t errsize)
{
	json_error_t je;
	json_t *o;
	char *line;
	size_t len;
	int r = source_line(s, &line, &len, err, errsize);

	if (r == 0)
		source_fail(err, errsize, s, "cut short: no end line "
		    "(after line %llu)", (unsigned long long)s->line);
	if (r <= 0)
		return NULL;
	if ((o = json_loadb(line, len, 0, &je)) == NULL) {
		source_fail(err, errsize, s, "not JSON: %s", je.text);
		return NULL;
	}
	if (!json_is_object(o) ||
	    (*type = json_string_value(json_object_get(o, "type"))) == NULL) {
		json_decref(o);
		source_fail(err, errsize, s, "not a line of a shard (no "
		    "\"type\")");
		return NULL;
	}
	return o;
}

int
source_open(struct source *s, const char *name, char *err, size_t errsize)
{
	int fd = -1;

	s->name = name;
	errno = 0;
	if (strcmp(name, "-") == 0) {
		if ((fd = dup(STDIN_FILENO)) >= 0 &&
		    (s->gz = gzdopen(fd, "rb")) == NULL)
			close(fd);
	} else
		s->gz = gzopen(name, "rb");
	if (s->gz == NULL) {
		source_fail(err, errsize, s, "%s%s", errno ? strerror(errno) :
		    "out of memory", errno == EMFILE ? ": the merge reads "
		    "every shard at once, a descriptor each (ulimit -n)" : "");
		return -1;
	}
	gzbuffer(s->gz, CHUNK);
	s->size = 2 * CHUNK;
	if ((s->buf = malloc(s->size)) == NULL) {
		source_fail(err, errsize, s, "out of memory");
		return -1;
	}
	return 0;
}

void
source_unread(struct source *s, char *line, size_t len)
{
	s->line--;
	s->start -= len + 1;
	s->scanned = 0;
	line[len] = '\n';
}

void
source_close(struct source *s)
{
	if (s->gz != NULL)
		gzclose(s->gz);
	free(s->buf);
	s->gz = NULL;
	s->buf = NULL;
}
