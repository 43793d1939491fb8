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

#define NO_CAPTURE	"no capture (pcap or pcapng, also gzip-compressed) " \
			"found in this directory or below"

/* Append path; st (NULL: not known) is the file it names. */
static int
add(struct file_list *list, const char *path, const struct stat *st)
{
	struct file_info *info;
	char **p, *copy;

	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;

		p = realloc(list->paths, cap * sizeof(*p));
		if (p == NULL)
			return -1;
		list->paths = p;
		info = realloc(list->info, cap * sizeof(*info));
		if (info == NULL)
			return -1;
		list->info = info;
		list->cap = cap;
	}
	copy = strdup(path);
	if (copy == NULL)
		return -1;
	info = &list->info[list->n];
	memset(info, 0, sizeof(*info));
	if (st != NULL) {
		info->known = 1;
		info->dev = st->st_dev;
		info->ino = st->st_ino;
		info->regular = S_ISREG(st->st_mode);
		info->size = (uint64_t)st->st_size;
	}
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
		return add(list, path, NULL);	/* reported when opened */
	if (S_ISDIR(st.st_mode))
		return walk_dir(path, list, depth + 1);
	if (S_ISLNK(st.st_mode) && (stat(path, &st) != 0 ||
	    S_ISDIR(st.st_mode)))
		return 0;			/* dangling, or a loop risk */
	if (!S_ISREG(st.st_mode))
		return 0;
	if (has_capture_suffix(name) || input_looks_like_capture(path))
		return add(list, path, &st);
	if (access(path, R_OK) != 0)
		return add(list, path, &st);	/* cannot tell: report it */
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
		return add(list, dir, NULL);
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
	size_t before = list->n;
	int known;

	known = strcmp(path, "-") == 0 ? fstat(STDIN_FILENO, &st) == 0 :
	    stat(path, &st) == 0;
	if (!known || !S_ISDIR(st.st_mode) || strcmp(path, "-") == 0)
		return add(list, path, known ? &st : NULL);
	if (walk_dir(path, list, 0) < 0)
		return -1;
	/* Not an all-clear: the path is reported, as one not read. */
	if (list->n == before) {
		if (add(list, path, &st) < 0)
			return -1;
		list->info[before].error = NO_CAPTURE;
	}
	return 0;
}

/* A path's place in the list, sorted by the file it names. */
struct place {
	dev_t	dev;
	ino_t	ino;
	size_t	i;
};

static int
by_file(const void *a, const void *b)
{
	const struct place *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

int
walk_drop_duplicates(struct file_list *list,
    void (*note)(const char *path, const char *first, void *arg), void *arg)
{
	struct place *v;
	size_t *first, i, k, m = 0, n = 0;

	if (list->n < 2)
		return 0;
	/* Sorting, not comparing each pair: a folder may hold many files. */
	v = calloc(list->n, sizeof(*v));
	first = calloc(list->n, sizeof(*first));
	if (v == NULL || first == NULL) {
		free(v);
		free(first);
		return -1;
	}
	for (i = 0; i < list->n; i++) {
		first[i] = i;
		if (list->info[i].known) {
			v[m].dev = list->info[i].dev;
			v[m].ino = list->info[i].ino;
			v[m++].i = i;
		}
	}
	qsort(v, m, sizeof(*v), by_file);
	for (k = 1; k < m; k++)
		if (v[k].dev == v[k - 1].dev && v[k].ino == v[k - 1].ino)
			first[v[k].i] = first[v[k - 1].i];
	/* All the notes before the list moves: each names a first. */
	for (i = 0; i < list->n; i++)
		if (first[i] != i)
			note(list->paths[i], list->paths[first[i]], arg);
	for (i = 0; i < list->n; i++) {
		if (first[i] != i) {
			free(list->paths[i]);
			continue;
		}
		list->paths[n] = list->paths[i];
		list->info[n++] = list->info[i];
	}
	list->n = n;
	free(v);
	free(first);
	return 0;
}

void
walk_free(struct file_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		free(list->paths[i]);
	free(list->paths);
	free(list->info);
	list->paths = NULL;
	list->info = NULL;
	list->n = list->cap = 0;
}
