/*
 * ring.c - a producer thread filling a ring of chunks, and the consumer
 * side that takes them in order (ring.h).
 *
 * The producer fills a free chunk outside the lock, then publishes it; the
 * consumer uses the oldest filled chunk outside the lock, then gives it
 * back.  A chunk's bytes are only ever touched by one side at a time.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "batch/ring.h"

#define RING_MAX	16

struct chunk {
	uint8_t	*data;
	size_t	 len;
	int	 last;		/* the producer's end: no bytes, err set */
	int	 err;
};

struct ring {
	ring_fill_fn	 fn;
	void		*arg;
	size_t		 chunk;
	unsigned	 nchunks;
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 filled_cond;	/* a chunk was filled */
	pthread_cond_t	 free_cond;	/* a chunk was given back, or stop */
	struct chunk	 ring[RING_MAX];
	unsigned	 head;		/* next chunk to fill (producer) */
	unsigned	 tail;		/* next chunk to consume */
	unsigned	 filled;	/* lock */
	int		 stop;		/* lock */
	/* The consumer's side. */
	int		 taken;		/* ring[tail] is in use */
	int		 ended;		/* it saw the last chunk */
	int		 err;		/* ... and its errno */
	size_t		 off;		/* ring_read: into ring[tail] */
	uint8_t		*memory;
};

static void *
producer(void *arg)
{
	struct ring *r = arg;
	struct chunk *c;
	ssize_t n;

	do {
		pthread_mutex_lock(&r->lock);
		while (r->filled == r->nchunks && !r->stop)
			pthread_cond_wait(&r->free_cond, &r->lock);
		if (r->stop) {
			pthread_mutex_unlock(&r->lock);
			return NULL;
		}
		c = &r->ring[r->head];
		pthread_mutex_unlock(&r->lock);
		n = r->fn(r->arg, c->data, r->chunk);
		c->len = n > 0 ? (size_t)n : 0;
		c->last = n <= 0;
		c->err = n < 0 ? (errno != 0 ? errno : EIO) : 0;
		pthread_mutex_lock(&r->lock);
		r->head = (r->head + 1) % r->nchunks;
		r->filled++;
		pthread_cond_signal(&r->filled_cond);
		pthread_mutex_unlock(&r->lock);
	} while (n > 0);
	return NULL;
}

struct ring *
ring_start(ring_fill_fn fn, void *arg, size_t chunk, unsigned nchunks)
{
	struct ring *r;
	unsigned i;
	int e;

	if (nchunks < 2 || nchunks > RING_MAX || chunk == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->memory = malloc(chunk * nchunks)) == NULL) {
		free(r);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < nchunks; i++)
		r->ring[i].data = r->memory + (size_t)i * chunk;
	r->fn = fn;
	r->arg = arg;
	r->chunk = chunk;
	r->nchunks = nchunks;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->filled_cond, NULL);
	pthread_cond_init(&r->free_cond, NULL);
	if ((e = pthread_create(&r->thread, NULL, producer, r)) != 0) {
		pthread_cond_destroy(&r->free_cond);
		pthread_cond_destroy(&r->filled_cond);
		pthread_mutex_destroy(&r->lock);
		free(r->memory);
		free(r);
		errno = e;
		return NULL;
	}
	return r;
}

/*
 * The next chunk, in order, waiting for it: its bytes in *len, to be given
 * back with ring_release() before the next ring_take().  NULL when the
 * producer has ended, with *err its errno (0 at a normal end).
 */
static const uint8_t *
ring_take(struct ring *r, size_t *len, int *err)
{
	struct chunk *c;

	*len = 0;
	*err = r->err;
	if (r->ended)
		return NULL;
	pthread_mutex_lock(&r->lock);
	while (r->filled == 0)
		pthread_cond_wait(&r->filled_cond, &r->lock);
	pthread_mutex_unlock(&r->lock);
	c = &r->ring[r->tail];
	if (c->last) {		/* stays filled: the producer is done */
		r->ended = 1;
		*err = r->err = c->err;
		return NULL;
	}
	r->taken = 1;
	*len = c->len;
	return c->data;
}

static void
ring_release(struct ring *r)
{
	if (!r->taken)
		return;
	r->taken = 0;
	r->off = 0;
	pthread_mutex_lock(&r->lock);
	r->tail = (r->tail + 1) % r->nchunks;
	r->filled--;
	pthread_cond_signal(&r->free_cond);
	pthread_mutex_unlock(&r->lock);
}

ssize_t
ring_read(struct ring *r, uint8_t *buf, size_t size)
{
	const uint8_t *data;
	size_t len, n;
	int err;

	for (;;) {
		if (!r->taken) {
			if ((data = ring_take(r, &len, &err)) == NULL) {
				errno = err;
				return err != 0 ? -1 : 0;
			}
		} else {
			data = r->ring[r->tail].data;
			len = r->ring[r->tail].len;
		}
		if (r->off < len) {
			n = len - r->off < size ? len - r->off : size;
			memcpy(buf, data + r->off, n);
			r->off += n;
			return (ssize_t)n;
		}
		ring_release(r);
	}
}

void
ring_stop(struct ring *r)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = 1;
	pthread_cond_signal(&r->free_cond);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	pthread_cond_destroy(&r->free_cond);
	pthread_cond_destroy(&r->filled_cond);
	pthread_mutex_destroy(&r->lock);
	free(r->memory);
	free(r);
}
