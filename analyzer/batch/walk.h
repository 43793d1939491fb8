/*
 * walk.h - turn the command line's paths into the list of captures to read:
 * files as given, directories walked recursively in a stable order.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_WALK_H
#define RDPNEG_WALK_H

#include <stddef.h>

struct file_list {
	char	**paths;
	size_t	  n;
	size_t	  cap;
};

/*
 * Append path to list: a file (or "-") as it is; a directory's captures,
 * found recursively (names sorted bytewise, symbolic links to directories
 * not followed): files named *.pcap, *.pcapng, *.cap (also with .gz) and
 * any other file whose first bytes libpcap would recognise.  A directory
 * that cannot be read is appended itself, so that its error is reported.
 * Returns 0, or -1 when memory ran out.
 */
int walk_path(const char *path, struct file_list *list);

void walk_free(struct file_list *list);

#endif /* RDPNEG_WALK_H */
