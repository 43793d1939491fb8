/*
 * walk.c - recursive expansion of directories into capture files.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/input.h"
#include "batch/walk.h"

#define MAX_DEPTH	64

static const char *const capture_suffixes[] = {
	".pcap", ".pcapng", ".cap",
	".pcap.gz", ".pcapng.gz", ".cap.gz",
	NULL
};

static int
add(struct file_list *list, const char *path)
{
	char **p, *copy;

	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;

		p = realloc(list->paths, cap * sizeof(*p));
		if (p == NULL)
			return -1;
		list->paths = p;
		list->cap = cap;
	}
	copy = strdup(path);
	if (copy == NULL)
		return -1;
	list->paths[list->n++] = copy;
	return 0;
}

static int
has_capture_suffix(const char *name)
{
	size_t i, n = strlen(name), s;

	for (i = 0; capture_suffixes[i] != NULL; i++) {
		s = strlen(capture_suffixes[i]);
		if (n > s && strcmp(name + n - s, capture_suffixes[i]) == 0)
			return 1;
	}
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_dir(const char *dir, struct file_list *list, int depth);

/* One directory entry, followed if it is a directory. */
static int
walk_entry(const char *path, const char *name, struct file_list *list,
    int depth)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return add(list, path);		/* reported when opened */
	if (S_ISDIR(st.st_mode))
		return walk_dir(path, list, depth + 1);
	if (S_ISLNK(st.st_mode) && (stat(path, &st) != 0 ||
	    S_ISDIR(st.st_mode)))
		return 0;			/* dangling, or a loop risk */
	if (!S_ISREG(st.st_mode))
		return 0;
	if (has_capture_suffix(name) || input_looks_like_capture(path))
		return add(list, path);
	if (access(path, R_OK) != 0)
		return add(list, path);		/* cannot tell: report it */
	return 0;
}

static int
walk_dir(const char *dir, struct file_list *list, int depth)
{
	struct dirent *de;
	char **names = NULL, **p, *path;
	size_t n = 0, cap = 0, i;
	DIR *d;
	int rc = 0;

	if (depth > MAX_DEPTH || (d = opendir(dir)) == NULL)
		return add(list, dir);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			p = realloc(names, cap * sizeof(*p));
			if (p == NULL) {
				rc = -1;
				break;
			}
			names = p;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			rc = -1;
			break;
		}
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		if (rc == 0) {
			path = malloc(strlen(dir) + strlen(names[i]) + 2);
			if (path == NULL)
				rc = -1;
			else {
				sprintf(path, "%s%s%s", dir,
				    dir[strlen(dir) - 1] == '/' ? "" : "/",
				    names[i]);
				rc = walk_entry(path, names[i], list, depth);
				free(path);
			}
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
walk_path(const char *path, struct file_list *list)
{
	struct stat st;

	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		return walk_dir(path, list, 0);
	return add(list, path);
}

void
walk_free(struct file_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		free(list->paths[i]);
	free(list->paths);
	list->paths = NULL;
	list->n = list->cap = 0;
}
