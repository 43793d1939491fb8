/*
 * select.c - the shard's part of the input list, and the list's identity.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "shard/select.h"

/* A decimal number of at most 9 digits, all of s; -1 otherwise. */
static long
decimal(const char *s)
{
	long v = 0;
	size_t i;

	if (s == NULL || *s == '\0' || strlen(s) > 9)
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The first of the variables names[] set: its value, name in *which. */
static const char *
first_set(const char *const *names, const char **which)
{
	const char *v;

	for (; *names != NULL; names++)
		if ((v = getenv(*names)) != NULL && *v != '\0') {
			*which = *names;
			return v;
		}
	return NULL;
}

/* K and N from the scheduler's environment (select.h). */
static int
from_environment(struct shard *s, char *err, size_t errsize)
{
	static const char *const index_vars[] = { "RDPNEG_SHARD_INDEX",
	    "JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "PARALLEL_SEQ",
	    NULL };
	static const char *const count_vars[] = { "RDPNEG_SHARD_COUNT",
	    "SLURM_ARRAY_TASK_COUNT", NULL };
	const char *kv, *nv, *kname = NULL, *nname = NULL;
	long k, n, min = 0;

	if ((kv = first_set(index_vars, &kname)) == NULL) {
		snprintf(err, errsize, "no shard number in the environment "
		    "(RDPNEG_SHARD_INDEX, JOB_COMPLETION_INDEX, "
		    "SLURM_ARRAY_TASK_ID or PARALLEL_SEQ)");
		return -1;
	}
	if ((nv = first_set(count_vars, &nname)) == NULL) {
		snprintf(err, errsize, "no shard count in the environment "
		    "(RDPNEG_SHARD_COUNT or SLURM_ARRAY_TASK_COUNT)");
		return -1;
	}
	if ((k = decimal(kv)) < 0 || (n = decimal(nv)) < 0) {
		snprintf(err, errsize, "%s or %s is not a whole number",
		    kname, nname);
		return -1;
	}
	if (strcmp(kname, "SLURM_ARRAY_TASK_ID") == 0 &&
	    (min = decimal(getenv("SLURM_ARRAY_TASK_MIN"))) < 0)
		min = 0;
	/* 0-based numbers; Slurm's from the array's first task. */
	if (strcmp(kname, "JOB_COMPLETION_INDEX") == 0 ||
	    strcmp(kname, "SLURM_ARRAY_TASK_ID") == 0)
		k = k - min + 1;
	if (k < 1 || n < 1 || n > (long)SHARD_COUNT_MAX || k > n) {
		snprintf(err, errsize, "%s and %s make shard %ld of %ld: "
		    "expected 1 to %ld of 1 to %u", kname, nname, k, n,
		    n, SHARD_COUNT_MAX);
		return -1;
	}
	s->k = (unsigned)k;
	s->n = (unsigned)n;
	snprintf(s->from, sizeof(s->from), "%s, %s", kname, nname);
	return 0;
}

int
shard_parse(const char *spec, struct shard *s, char *err, size_t errsize)
{
	char kpart[16];
	const char *slash = strchr(spec, '/');
	long k, n;

	memset(s, 0, sizeof(*s));
	if (strcmp(spec, "auto") == 0)
		return from_environment(s, err, errsize);
	if (slash == NULL || (size_t)(slash - spec) >= sizeof(kpart)) {
		snprintf(err, errsize, "expected K/N (shard K of N) or auto");
		return -1;
	}
	memcpy(kpart, spec, (size_t)(slash - spec));
	kpart[slash - spec] = '\0';
	k = decimal(kpart);
	n = decimal(slash + 1);
	if (k < 0 || n < 0) {
		snprintf(err, errsize, "expected K/N (shard K of N) or auto");
		return -1;
	}
	if (k < 1 || n < 1 || n > (long)SHARD_COUNT_MAX || k > n) {
		snprintf(err, errsize, "shard %ld of %ld: expected 1 <= K <= "
		    "N <= %u", k, n, SHARD_COUNT_MAX);
		return -1;
	}
	s->k = (unsigned)k;
	s->n = (unsigned)n;
	snprintf(s->from, sizeof(s->from), "the command line");
	return 0;
}

/* ---- Dealing the files. */

struct entry {
	uint64_t	 size;
	const char	*path;
	size_t		 index;		/* in the list */
};

static int
by_size_then_path(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;

	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return strcmp(a->path, b->path);
}

static int
by_index(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	return (a > b) - (a < b);
}

/* A shard's load, kept in a binary heap, the least loaded on top. */
struct load {
	uint64_t	bytes;
	uint64_t	files;
	unsigned	shard;		/* 0-based */
};

static int
lighter(const struct load *a, const struct load *b)
{
	if (a->bytes != b->bytes)
		return a->bytes < b->bytes;
	if (a->files != b->files)
		return a->files < b->files;
	return a->shard < b->shard;
}

static void
sift_down(struct load *h, size_t n, size_t i)
{
	struct load t;
	size_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && lighter(&h[c + 1], &h[c]))
			c++;
		if (!lighter(&h[c], &h[i]))
			return;
		t = h[i];
		h[i] = h[c];
		h[c] = t;
		i = c;
	}
}

int
shard_select(const struct file_list *list, const struct shard *s,
    size_t **idx, size_t *n)
{
	struct entry *order;
	struct load *heap;
	size_t *mine, i, m = 0;
	unsigned k;

	*idx = NULL;
	*n = 0;
	order = calloc(list->n ? list->n : 1, sizeof(*order));
	mine = calloc(list->n ? list->n : 1, sizeof(*mine));
	heap = calloc(s->n, sizeof(*heap));
	if (order == NULL || mine == NULL || heap == NULL) {
		free(order);
		free(mine);
		free(heap);
		return -1;
	}
	for (i = 0; i < list->n; i++) {
		order[i].size = list->info[i].regular ? list->info[i].size : 0;
		order[i].path = list->paths[i];
		order[i].index = i;
	}
	qsort(order, list->n, sizeof(*order), by_size_then_path);
	for (k = 0; k < s->n; k++)
		heap[k].shard = k;	/* all empty: already a heap */
	for (i = 0; i < list->n; i++) {
		if (heap[0].shard + 1 == s->k)
			mine[m++] = order[i].index;
		heap[0].bytes += order[i].size;
		heap[0].files++;
		sift_down(heap, s->n, 0);
	}
	free(order);
	free(heap);
	qsort(mine, m, sizeof(*mine), by_index);
	*idx = mine;
	*n = m;
	return 0;
}

void
shard_identity(const struct file_list *list, char hex[SHARD_IDENTITY_HEX])
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	char size[32];
	size_t i;
	int len;

	sha256_init(&ctx);
	for (i = 0; i < list->n; i++) {
		sha256_update(&ctx, strlen(list->paths[i]) + 1,
		    (const uint8_t *)list->paths[i]);
		len = snprintf(size, sizeof(size), "%" PRIu64 "\n",
		    list->info[i].regular ? list->info[i].size : 0);
		sha256_update(&ctx, (size_t)len, (const uint8_t *)size);
	}
	sha256_digest(&ctx, sizeof(digest), digest);
	for (i = 0; i < sizeof(digest); i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}
