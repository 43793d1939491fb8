/*
 * input.h - open a capture for libpcap: a file, standard input or a
 * gzip-compressed file (read through zlib, no temporary file), counting
 * and hashing (SHA-256) the bytes as libpcap reads them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_INPUT_H
#define RDPNEG_INPUT_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#define INPUT_SHA256_HEX	65	/* 64 hex digits and a NUL */

struct input;

/*
 * Open path ("-": standard input), hashing what is read when hash is set.
 * With readahead set, a gzip file is decompressed, and a hashed file read
 * and hashed, on a thread of its own ahead of libpcap.  Once *stop (when
 * stop is not NULL) is nonzero, reads end as at the end of the file, also
 * while a pipe waits for its writer.  Returns NULL with the reason in
 * errbuf.
 * input_stream() hands the stream over (to rdpneg_analyze_stream, which
 * closes it); input_free() must still be called after that.
 */
struct input *input_open(const char *path, int hash, int readahead,
    const atomic_int *stop, char *errbuf, size_t errsize);
FILE *input_stream(struct input *in);

/* Bytes of the file read so far (compressed bytes for a .gz file); for a
 * plain file read without hashing, its size.  Stops the read-ahead. */
uint64_t input_bytes(struct input *in);

/* Why a gzip file's data could not be inflated (libpcap only sees a read
 * error), or NULL.  Stops the read-ahead. */
const char *input_gzip_error(struct input *in);

/*
 * The SHA-256 of the file's bytes as stored (hex), once libpcap has read
 * it all; the rest of the file is read here if libpcap stopped early.
 * Only for an input opened with hash set.
 */
void input_sha256(struct input *in, char hex[INPUT_SHA256_HEX]);

void input_free(struct input *in);

/*
 * The bytes of the file read so far (compressed bytes for a .gz file); safe
 * to call from another thread while the stream is read, until input_free.
 */
uint64_t input_position(const struct input *in);

/* Whether reading ended because of *stop rather than at the file's end. */
int input_stopped(const struct input *in);

/* Whether the first bytes of a file make it a capture libpcap can read. */
int input_looks_like_capture(const char *path);

#endif /* RDPNEG_INPUT_H */
