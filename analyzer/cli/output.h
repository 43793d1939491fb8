/*
 * output.h - where the report goes (-o): a file, gzip-compressed when its
 * name ends in ".gz" (zlib, level 1: the shards of a large run are
 * written as fast as they are analysed).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_CLI_OUTPUT_H
#define RDPNEG_CLI_OUTPUT_H

#include <stdio.h>

/* Open path for the report: the stream, or NULL with errno set. */
FILE *output_open(const char *path);

/* Close it: 0, or -1 with errno set when something was not written. */
int output_close(FILE *f);

#endif /* RDPNEG_CLI_OUTPUT_H */
