/*
 * cli.h - the rdpneg command's parts: its usage, and `rdpneg merge`.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_CLI_H
#define RDPNEG_CLI_H

#include <stdio.h>

/* The usage line to f (with the help when f is stdout), then exit. */
_Noreturn void usage(FILE *f, int status);

/* `rdpneg merge ...`, argv[0] being "merge": the exit status. */
int merge_main(int argc, char *argv[]);

#endif /* RDPNEG_CLI_H */
