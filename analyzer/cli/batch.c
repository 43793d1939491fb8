/*
 * batch.c - a pool of worker threads over the file list.
 *
 * Workers take the next file index under a mutex and fill that file's
 * slot; the calling thread waits for slot 0, 1, 2... in turn, reports it
 * and frees it, so output order never depends on timing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli/batch.h"

#define MAX_JOBS	256

struct pool {
	const struct file_list		*list;
	const struct analysis_config	*cfg;
	struct capture_result		*results;
	char				*done;
	size_t				 next;
	uint64_t			 bytes;
	size_t				 finished;
	pthread_mutex_t			 lock;
	pthread_cond_t			 cond;
};

static void *
worker(void *arg)
{
	struct pool *p = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		i = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->list->n)
			return NULL;
		analyze_file(p->list->paths[i], p->cfg, &p->results[i]);
		pthread_mutex_lock(&p->lock);
		p->done[i] = 1;
		p->finished++;
		p->bytes += p->results[i].size;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
}

static double
elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Called with the lock held. */
static void
show_progress(const struct pool *p, const struct timespec *t0)
{
	fprintf(stderr, "\rrdpneg: %zu/%zu files, %.1f MB, %.1f s ",
	    p->finished, p->list->n, (double)p->bytes / 1e6, elapsed(t0));
	fflush(stderr);
}

int
batch_run(const struct file_list *list, unsigned jobs,
    const struct analysis_config *cfg, int progress, batch_fn fn, void *arg)
{
	pthread_t threads[MAX_JOBS];
	struct timespec t0;
	struct pool p = { 0 };
	unsigned started = 0, k;
	size_t i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	p.list = list;
	p.cfg = cfg;
	p.results = calloc(list->n ? list->n : 1, sizeof(*p.results));
	p.done = calloc(list->n ? list->n : 1, 1);
	if (p.results == NULL || p.done == NULL) {
		free(p.results);
		free(p.done);
		return -1;
	}
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.cond, NULL);
	if (jobs > MAX_JOBS)
		jobs = MAX_JOBS;
	if (jobs > list->n)
		jobs = (unsigned)list->n;
	for (k = 0; k < jobs; k++)
		if (pthread_create(&threads[started], NULL, worker, &p) == 0)
			started++;
	if (started == 0 && list->n > 0)
		worker(&p);	/* no thread: do the work here */
	for (i = 0; i < list->n; i++) {
		pthread_mutex_lock(&p.lock);
		while (!p.done[i]) {
			if (progress)
				show_progress(&p, &t0);
			pthread_cond_wait(&p.cond, &p.lock);
		}
		if (progress)
			show_progress(&p, &t0);
		pthread_mutex_unlock(&p.lock);
		fn(&p.results[i], arg);
		result_free(&p.results[i]);
	}
	for (k = 0; k < started; k++)
		pthread_join(threads[k], NULL);
	if (progress)
		fputs("\r\033[K", stderr);	/* erase the progress line */
	pthread_cond_destroy(&p.cond);
	pthread_mutex_destroy(&p.lock);
	free(p.results);
	free(p.done);
	return 0;
}
