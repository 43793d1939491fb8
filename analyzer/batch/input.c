/*
 * input.c - a capture file as a stdio stream for libpcap (fopencookie),
 * decompressing gzip on the fly with zlib and hashing what is read, on a
 * read-ahead thread when asked (ring.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE		/* fopencookie */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include <nettle/sha2.h>
#include <zlib.h>

#include "batch/input.h"
#include "batch/ring.h"
#include "capture/capture.h"

#define RAW_CHUNK	65536
#define STDIO_BUFFER	(256 * 1024)
#define AHEAD_CHUNK	(512 * 1024)	/* read ahead: 4 chunks of this */
#define AHEAD_CHUNKS	4
#define STOP_POLL_MS	200	/* a pipe is checked for the stop this often */

struct input {
	int			fd;
	int			own_fd;		/* not standard input */
	int			pos_fd;		/* a plain file's position, for
						   another thread; or -1 */
	int			may_block;	/* a pipe, a terminal...: reads
						   may wait for a writer */
	const atomic_int	*stop;		/* nonzero: read no more */
	atomic_int		 stopped;	/* reads ended by the stop */
	uint8_t			raw[RAW_CHUNK];
	size_t			raw_len;
	size_t			raw_off;
	int			raw_eof;
	int			gzip;
	int			gzip_done;	/* end of the last member */
	const char		*gzip_error;	/* why inflating failed */
	z_stream		z;
	int			hash;		/* SHA-256 wanted */
	struct sha256_ctx	sha;
	_Atomic uint64_t	bytes;		/* read so far, or the size */
	uint64_t		delivered;	/* bytes handed to stdio */
	struct ring		*ra;		/* reading on its own thread */
	int			ra_errno;	/* an error after a chunk's bytes */
	FILE			*fp;
	char			stdio_buf[STDIO_BUFFER];
};

/*
 * Whether a read would not wait for ever: a pipe or a terminal is polled
 * now and then, so that a stop is seen even while no writer writes.
 * 0: stopped, read no more.
 */
static int
wait_readable(struct input *in)
{
	struct pollfd pfd = { in->fd, POLLIN, 0 };

	while (in->may_block && in->stop != NULL) {
		if (rdpneg_stop_asked(in->stop))
			return 0;
		if (poll(&pfd, 1, STOP_POLL_MS) != 0)
			break;	/* readable, at its end, or an error: read */
	}
	return !rdpneg_stop_asked(in->stop);
}

/* Read from the file, counting and hashing; 0 at its end (or when asked
 * to stop), -1 on error. */
static ssize_t
read_counted(struct input *in, uint8_t *buf, size_t size)
{
	ssize_t n;

	if (in->raw_eof)
		return 0;
	if (!wait_readable(in)) {
		in->raw_eof = 1;
		atomic_store(&in->stopped, 1);
		return 0;
	}
	do
		n = read(in->fd, buf, size);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		in->raw_eof = 1;
		return n < 0 ? -1 : 0;
	}
	if (in->hash)	/* most of a run's time when on: only on demand */
		sha256_update(&in->sha, (size_t)n, buf);
	/* Read by the progress line on another thread. */
	atomic_fetch_add_explicit(&in->bytes, (uint64_t)n,
	    memory_order_relaxed);
	return n;
}

/* Make raw bytes available; 0 at end of file, -1 on error. */
static int
fill_raw(struct input *in)
{
	ssize_t n;

	if (in->raw_off < in->raw_len)
		return 1;
	if ((n = read_counted(in, in->raw, sizeof(in->raw))) <= 0)
		return (int)n;
	in->raw_len = (size_t)n;
	in->raw_off = 0;
	return 1;
}

/* The first chunk (read to look for gzip), then straight into stdio's
 * buffer: one copy less. */
static ssize_t
read_plain(struct input *in, char *buf, size_t size)
{
	size_t n = in->raw_len - in->raw_off;

	if (n == 0)
		return read_counted(in, (uint8_t *)buf, size);
	if (n > size)
		n = size;
	memcpy(buf, in->raw + in->raw_off, n);
	in->raw_off += n;
	return (ssize_t)n;
}

/* Inflate into buf; gzip files may hold several members (RFC 1952 2.2). */
static ssize_t
read_gzip(struct input *in, char *buf, size_t size)
{
	int r;

	if (size > UINT32_MAX)
		size = UINT32_MAX;
	in->z.next_out = (Bytef *)buf;
	in->z.avail_out = (uInt)size;
	while (in->z.avail_out == size && !in->gzip_done) {
		if (in->z.avail_in == 0) {
			r = fill_raw(in);
			if (r < 0)
				return -1;
			if (r == 0) {
				in->gzip_error = "truncated gzip data (the "
				    "file ends inside a member)";
				errno = EIO;
				return -1;
			}
			in->z.next_in = in->raw + in->raw_off;
			in->z.avail_in = (uInt)(in->raw_len - in->raw_off);
			in->raw_off = in->raw_len;
		}
		r = inflate(&in->z, Z_NO_FLUSH);
		if (r == Z_STREAM_END) {
			if (in->z.avail_in == 0 && fill_raw(in) <= 0)
				in->gzip_done = 1;
			else
				inflateReset(&in->z);
		} else if (r != Z_OK && r != Z_BUF_ERROR) {
			in->gzip_error = "damaged gzip data";
			errno = EILSEQ;
			return -1;
		}
	}
	return (ssize_t)(size - in->z.avail_out);
}

/* The file's bytes as libpcap reads them. */
static ssize_t
produce(struct input *in, char *buf, size_t size)
{
	return in->gzip ? read_gzip(in, buf, size) : read_plain(in, buf, size);
}

/* A whole chunk ahead (ring.h), on the read-ahead thread. */
static ssize_t
produce_chunk(void *arg, uint8_t *buf, size_t size)
{
	struct input *in = arg;
	size_t got = 0;
	ssize_t n;

	if (in->ra_errno != 0) {
		errno = in->ra_errno;
		return -1;
	}
	while (got < size) {
		if ((n = produce(in, (char *)buf + got, size - got)) == 0)
			break;
		if (n < 0) {
			if (got == 0)
				return -1;
			in->ra_errno = errno;	/* after these bytes */
			break;
		}
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static void
stop_reading(struct input *in)
{
	ring_stop(in->ra);
	in->ra = NULL;
}

static ssize_t
cookie_read(void *cookie, char *buf, size_t size)
{
	struct input *in = cookie;
	ssize_t n;

	n = in->ra != NULL ? ring_read(in->ra, (uint8_t *)buf, size) :
	    produce(in, buf, size);
	if (n > 0)
		in->delivered += (uint64_t)n;
	return n;
}

/*
 * Only where the stream is (ftell), so that a message about damage can
 * say at which byte of the file: the file's own bytes, not a gzip file's
 * inflated ones.  Nothing seeks.
 */
static int
cookie_seek(void *cookie, off64_t *offset, int whence)
{
	struct input *in = cookie;

	if (in->gzip || whence != SEEK_CUR || *offset != 0) {
		errno = ESPIPE;
		return -1;
	}
	*offset = (off64_t)in->delivered;
	return 0;
}

static int
cookie_close(void *cookie)
{
	struct input *in = cookie;

	in->fp = NULL;
	if (!in->hash)		/* else input_sha256 reads on to the end */
		stop_reading(in);
	return 0;
}

/*
 * Fewer, larger reads (glibc's default buffer is a page, BUFSIZ for a
 * cookie).  One thread reads the stream (libpcap's, two freads a packet):
 * stdio need not lock it, as it does for every call once a process has
 * threads (a batch always has).
 */
static void
stream_setup(struct input *in)
{
	(void)setvbuf(in->fp, in->stdio_buf, _IOFBF, sizeof(in->stdio_buf));
	(void)__fsetlocking(in->fp, FSETLOCKING_BYCALLER);
}

struct input *
input_open(const char *path, int hash, int readahead, const atomic_int *stop,
    char *errbuf, size_t errsize)
{
	cookie_io_functions_t io = { cookie_read, NULL, cookie_seek,
	    cookie_close };
	struct input *in = calloc(1, sizeof(*in));
	struct stat st;

	if (in == NULL) {
		snprintf(errbuf, errsize, "out of memory");
		return NULL;
	}
	in->hash = hash;
	in->stop = stop;
	in->pos_fd = -1;
	sha256_init(&in->sha);
	in->own_fd = strcmp(path, "-") != 0;
	in->fd = in->own_fd ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (in->fd < 0 || fstat(in->fd, &st) < 0) {
		snprintf(errbuf, errsize, "%s", strerror(errno));
		input_free(in);
		return NULL;
	}
	in->may_block = !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode);
	if (fill_raw(in) < 0) {
		snprintf(errbuf, errsize, "%s", strerror(errno));
		input_free(in);
		return NULL;
	}
	/* gzip magic (RFC 1952 2.3.1) */
	if (in->raw_len >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b) {
		in->gzip = 1;
		if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK) {
			snprintf(errbuf, errsize, "zlib: cannot initialise");
			in->gzip = 0;
			input_free(in);
			return NULL;
		}
	}
	/* A plain file that needs no hash goes to libpcap as a stdio file of
	 * its own: stdio reads files faster than it reads cookies. */
	if (!in->gzip && !hash && in->own_fd && S_ISREG(st.st_mode) &&
	    lseek(in->fd, 0, SEEK_SET) == 0) {
		if ((in->fp = fdopen(in->fd, "r")) == NULL) {
			snprintf(errbuf, errsize, "%s", strerror(errno));
			input_free(in);
			return NULL;
		}
		in->own_fd = 0;		/* the stream closes it */
		in->bytes = (uint64_t)st.st_size;
		/* The stream's descriptor is closed by whoever takes the
		 * stream; a copy keeps its position readable till then. */
		in->pos_fd = fcntl(in->fd, F_DUPFD_CLOEXEC, 0);
		stream_setup(in);
		return in;
	}
	/* Decompressing and hashing are worth a thread; without one, they
	 * run on this thread as libpcap reads. */
	if (readahead && (in->gzip || hash))
		in->ra = ring_start(produce_chunk, in, AHEAD_CHUNK,
		    AHEAD_CHUNKS);
	in->fp = fopencookie(in, "r", io);
	if (in->fp == NULL) {
		snprintf(errbuf, errsize, "%s", strerror(errno));
		input_free(in);
		return NULL;
	}
	stream_setup(in);
	return in;
}

FILE *
input_stream(struct input *in)
{
	FILE *fp = in->fp;

	in->fp = NULL;		/* the taker closes it */
	return fp;
}

uint64_t
input_bytes(struct input *in)
{
	stop_reading(in);	/* the reader counts */
	return atomic_load(&in->bytes);
}

const char *
input_gzip_error(struct input *in)
{
	stop_reading(in);	/* the reader inflates */
	return in->gzip_error;
}

int
input_stopped(const struct input *in)
{
	return atomic_load(&in->stopped);
}

uint64_t
input_position(const struct input *in)
{
	off_t pos;

	if (in->pos_fd >= 0)
		return (pos = lseek(in->pos_fd, 0, SEEK_CUR)) > 0 ?
		    (uint64_t)pos : 0;
	return atomic_load_explicit(&in->bytes, memory_order_relaxed);
}

void
input_sha256(struct input *in, char hex[INPUT_SHA256_HEX])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t digest[SHA256_DIGEST_SIZE], scratch[16384];
	size_t i;

	/* Hash what libpcap left unread: the digest covers the whole file. */
	if (in->ra != NULL) {
		while (ring_read(in->ra, scratch, sizeof(scratch)) > 0)
			continue;
		stop_reading(in);
	}
	in->raw_off = in->raw_len;
	while (fill_raw(in) > 0)
		in->raw_off = in->raw_len;
	sha256_digest(&in->sha, sizeof(digest), digest);
	for (i = 0; i < sizeof(digest); i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 0x0f];
	}
	hex[2 * sizeof(digest)] = '\0';
}

void
input_free(struct input *in)
{
	if (in == NULL)
		return;
	stop_reading(in);
	if (in->fp != NULL)
		fclose(in->fp);
	if (in->gzip)
		inflateEnd(&in->z);
	if (in->own_fd && in->fd >= 0)
		close(in->fd);
	if (in->pos_fd >= 0)
		close(in->pos_fd);
	free(in);
}

int
input_looks_like_capture(const char *path)
{
	static const uint8_t magics[][4] = {
		{ 0xa1, 0xb2, 0xc3, 0xd4 }, { 0xd4, 0xc3, 0xb2, 0xa1 },
		{ 0xa1, 0xb2, 0x3c, 0x4d }, { 0x4d, 0x3c, 0xb2, 0xa1 },
		{ 0x0a, 0x0d, 0x0d, 0x0a },	/* pcapng Section Header Block */
	};
	uint8_t head[4];
	gzFile gz = gzopen(path, "rb");	/* reads plain files as they are */
	size_t i;
	int n;

	if (gz == NULL)
		return 0;
	n = gzread(gz, head, sizeof(head));
	gzclose(gz);
	for (i = 0; n == (int)sizeof(head) && i < sizeof(magics) /
	    sizeof(magics[0]); i++)
		if (memcmp(head, magics[i], sizeof(head)) == 0)
			return 1;
	return 0;
}
