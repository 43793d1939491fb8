/*
 * walk.h - turn the command line's paths into the list of captures to read:
 * files as given, directories walked recursively in a stable order.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_WALK_H
#define RDPNEG_WALK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What the walk knows of one path of the list. */
struct file_info {
	const char	*error;		/* not NULL: not to be read, this is
					   why (a directory without captures) */
	int		 known;		/* dev and ino are the file's */
	dev_t		 dev;
	ino_t		 ino;
	int		 regular;	/* a regular file, of size bytes */
	uint64_t	 size;
};

struct file_list {
	char			**paths;
	struct file_info	 *info;		/* one for each path */
	size_t			  n;
	size_t			  cap;
};

/*
 * Append path to list: a file (or "-") as it is; a directory's captures,
 * found recursively (names sorted bytewise, symbolic links to directories
 * not followed): files named *.pcap, *.pcapng, *.cap (also with .gz) and
 * any other file whose first bytes libpcap would recognise.  A directory
 * that cannot be read is appended itself, so that its error is reported;
 * so is a directory where no capture was found, with that as its error.
 * Returns 0, or -1 when memory ran out.
 */
int walk_path(const char *path, struct file_list *list);

/*
 * Remove each path that names a file already in list (the same device and
 * inode: another spelling, a link, a directory and a file in it), keeping
 * the first; note(path, first, arg) is called for each one removed, in list
 * order, before it is freed.  Returns 0, or -1 when memory ran out.
 */
int walk_drop_duplicates(struct file_list *list,
    void (*note)(const char *path, const char *first, void *arg), void *arg);

void walk_free(struct file_list *list);

#endif /* RDPNEG_WALK_H */
