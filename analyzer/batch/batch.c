/*
 * batch.c - a pool of worker threads over the file list.
 *
 * Workers take the next file index under a mutex and write that file's
 * attempts, as they come out in order, to a temporary file of its own.
 * The calling thread reports file 0, 1, 2... in turn, reading each spool
 * as it grows (the file at the head of the list is reported while it is
 * still being analyzed, on the other core), so output order never depends
 * on timing and memory does not grow with the number of attempts.
 * Workers stay at most AHEAD files in front of the report, so that few
 * spools are open at once.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE		/* pread */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch/batch.h"
#include "batch/input.h"
#include "batch/progress.h"

#define MAX_JOBS	256
#define AHEAD		32		/* files analyzed but not yet reported */
#define PUBLISH_EVERY	(64 * 1024)	/* spool bytes between two wake-ups */
#define READ_CHUNK	(256 * 1024)
#define REFRESH_NS	200000000L	/* the progress line, 5 times a second */

struct pool;

struct slot {
	struct pool		*pool;
	struct capture_result	 r;
	FILE			*spool;		/* its attempts, in order */
	char			*spool_buf;	/* its stdio buffer */
	uint64_t		 written;	/* bytes given to the spool */
	uint64_t		 published;	/* ... flushed: readable (lock) */
	int			 taken;		/* a worker has it (lock) */
	int			 done;		/* r complete (lock) */
	struct input		*in;		/* while read (lock) */
};

struct pool {
	const struct file_list		*list;
	struct analysis_config		 cfg;
	int				 sha256;	/* hash each file */
	int				 read_ahead;	/* inflate or hash it on
							   a thread of its own */
	const atomic_int		*stop;		/* nonzero: no more */
	struct slot			*slots;
	uint64_t			 total;		/* sizes, when known */
	int				 total_known;
	double				 drawn_at;	/* the progress line */
	size_t				 next;
	size_t				 reported;
	unsigned			 ahead;
	uint64_t			 bytes;
	size_t				 finished;
	pthread_mutex_t			 lock;
	pthread_cond_t			 cond;
};

/* An attempt in a spool: the item, then its TLS session, its certificate
 * and texts (lengths 0: absent). */
struct spooled {
	struct attempt_item	it;	/* its pointers are rebuilt on reading */
	size_t			slen;
	size_t			xlen;
	size_t			clen;
	size_t			tlen;
	size_t			mlen;
	size_t			ilen;
};

static void
publish(struct slot *s)
{
	struct pool *p = s->pool;

	if (fflush(s->spool) != 0)
		return;		/* the error stays on the stream */
	pthread_mutex_lock(&p->lock);
	s->published = s->written;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

static void
spool_attempt(const struct attempt_item *it, void *arg)
{
	struct slot *s = arg;
	struct spooled rec;

	memset(&rec, 0, sizeof(rec));
	rec.it = *it;
	rec.slen = it->a.ev.tls != NULL ? sizeof(*it->a.ev.tls) : 0;
	rec.xlen = it->a.ev.mcs != NULL ? sizeof(*it->a.ev.mcs) : 0;
	rec.clen = it->a.cert != NULL ? sizeof(*it->a.cert) : 0;
	rec.tlen = it->a.token != NULL ? it->a.token_len : 0;
	rec.mlen = it->a.malformed != NULL ? strlen(it->a.malformed) + 1 : 0;
	rec.ilen = it->a.incomplete != NULL ? strlen(it->a.incomplete) + 1 : 0;
	fwrite(&rec, sizeof(rec), 1, s->spool);
	if (rec.slen > 0)
		fwrite(it->a.ev.tls, 1, rec.slen, s->spool);
	if (rec.xlen > 0)
		fwrite(it->a.ev.mcs, 1, rec.xlen, s->spool);
	if (rec.clen > 0)
		fwrite(it->a.cert, 1, rec.clen, s->spool);
	if (rec.tlen > 0)
		fwrite(it->a.token, 1, rec.tlen, s->spool);
	if (rec.mlen > 0)
		fwrite(it->a.malformed, 1, rec.mlen, s->spool);
	if (rec.ilen > 0)
		fwrite(it->a.incomplete, 1, rec.ilen, s->spool);
	s->written += sizeof(rec) + rec.slen + rec.xlen + rec.clen + rec.tlen +
	    rec.mlen + rec.ilen;
	if (s->written - s->published >= PUBLISH_EVERY)
		publish(s);
}

_Static_assert(INPUT_SHA256_HEX == CAPTURE_SHA256_HEX,
    "a capture's SHA-256 is input_sha256's text");

/* Is the size of file i of the list known (the progress line's total)? */
static int
size_known(const struct file_list *list, size_t i)
{
	return list->info[i].regular && strcmp(list->paths[i], "-") != 0;
}

/* Put why (short) before r's error, libpcap's words: "why: error". */
static void
prefix_error(struct capture_result *r, const char *why)
{
	size_t n = strlen(why) + 2, len = strlen(r->error);

	if (len > sizeof(r->error) - 1 - n)
		len = sizeof(r->error) - 1 - n;
	memmove(r->error + n, r->error, len);
	r->error[n + len] = '\0';
	memcpy(r->error, why, n - 2);
	memcpy(r->error + n - 2, ": ", 2);
}

/* The capture of slot s, file i of the list, into its result (zeroed),
 * each attempt to fn. */
static void
analyze_path(struct pool *p, struct slot *s, size_t i, attempt_sink fn,
    void *arg)
{
	struct capture_result *r = &s->r;
	struct input *in;
	const char *gz, *path = p->list->paths[i];

	r->path = path;
	if (p->list->info[i].error != NULL) {
		snprintf(r->error, sizeof(r->error), "%s",
		    p->list->info[i].error);
		r->unreadable = 1;
		return;
	}
	in = input_open(path, p->sha256, p->read_ahead, p->stop, r->error,
	    sizeof(r->error));
	if (in == NULL) {
		r->unreadable = 1;
		return;
	}
	pthread_mutex_lock(&p->lock);
	s->in = in;		/* the progress line reads its position */
	pthread_mutex_unlock(&p->lock);
	analyze_stream(input_stream(in), &p->cfg, r, fn, arg);
	/* A read the stop cut short is the interruption, not damage. */
	if (input_stopped(in) ||
	    (r->unreadable && rdpneg_stop_asked(p->stop))) {
		r->unreadable = 0;
		r->error[0] = '\0';
		r->stats.interrupted = 1;
	}
	if (p->sha256 && !r->stats.interrupted)
		input_sha256(in, r->sha256);
	r->size = input_bytes(in);
	if (r->unreadable && (gz = input_gzip_error(in)) != NULL)
		prefix_error(r, gz);
	pthread_mutex_lock(&p->lock);
	s->in = NULL;
	pthread_mutex_unlock(&p->lock);
	input_free(in);
}

static void
analyze_slot(struct pool *p, size_t i)
{
	struct slot *s = &p->slots[i];
	FILE *spool = tmpfile();
	int err = errno;

	pthread_mutex_lock(&p->lock);
	s->spool = spool;
	pthread_mutex_unlock(&p->lock);
	if (spool == NULL) {
		s->r.path = p->list->paths[i];
		snprintf(s->r.error, sizeof(s->r.error), "temporary file: %s",
		    strerror(err));
		s->r.unreadable = 1;
	} else {
		/* A write(2) per publication, not per 4 KiB; only this
		 * thread writes the stream (the reader preads its fd). */
		if ((s->spool_buf = malloc(PUBLISH_EVERY)) != NULL)
			(void)setvbuf(spool, s->spool_buf, _IOFBF,
			    PUBLISH_EVERY);
		(void)__fsetlocking(spool, FSETLOCKING_BYCALLER);
		analyze_path(p, s, i, spool_attempt, s);
		if (fflush(spool) != 0 || ferror(spool)) {
			snprintf(s->r.error, sizeof(s->r.error),
			    "temporary file: %s", strerror(errno));
			s->r.unreadable = 1;
		}
	}
	pthread_mutex_lock(&p->lock);
	s->published = s->written;
	s->done = 1;
	p->finished++;
	p->bytes += s->r.size;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

static void *
worker(void *arg)
{
	struct pool *p = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (p->next < p->list->n &&
		    p->next >= p->reported + p->ahead &&
		    !rdpneg_stop_asked(p->stop))
			pthread_cond_wait(&p->cond, &p->lock);
		/* Once stopped, the files not taken are not analysed. */
		i = rdpneg_stop_asked(p->stop) ? p->list->n : p->next++;
		if (i < p->list->n)
			p->slots[i].taken = 1;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->list->n)
			return NULL;
		analyze_slot(p, i);
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

/*
 * The progress line, from the counters the readers keep (input_position:
 * no lock per packet), with file i being reported.  Called with the lock
 * held, a few times a second.
 */
static void
show_progress(struct pool *p, const struct timespec *t0, size_t i)
{
	char line[PROGRESS_MAX];
	struct progress pg;
	const struct slot *s;
	uint64_t pos;
	size_t k;
	double now = elapsed(t0);

	/* Workers publish often: the line is redrawn on the clock only. */
	if (p->drawn_at != 0 && now - p->drawn_at < REFRESH_NS / 1e9)
		return;
	p->drawn_at = now;
	memset(&pg, 0, sizeof(pg));
	pg.files = p->list->n;
	pg.files_done = p->finished;
	pg.read = p->bytes;
	pg.total = p->total;
	pg.total_known = p->total_known;
	pg.elapsed = now;
	for (k = p->reported; k < p->list->n && k < p->reported + p->ahead;
	    k++) {
		s = &p->slots[k];
		pos = s->in != NULL ? input_position(s->in) : 0;
		pg.read += pos;
		if (k == i) {
			pg.file = i + 1;
			pg.file_read = s->done ? s->r.size : pos;
			pg.file_size = p->list->info[k].size;
			pg.file_size_known = size_known(p->list, k);
		}
	}
	progress_format(&pg, line, sizeof(line));
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
}

/* Wait for the workers, the clock, or the stop; the lock is held. */
static void
wait_a_moment(struct pool *p)
{
	struct timespec until;

	if (p->stop == NULL) {
		pthread_cond_wait(&p->cond, &p->lock);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += REFRESH_NS;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	(void)pthread_cond_timedwait(&p->cond, &p->lock, &until);
}

/* After a stop, a file no worker took is not analysed; the lock is held. */
static void
drop_if_stopped(struct pool *p, size_t i)
{
	struct slot *s = &p->slots[i];

	if (!rdpneg_stop_asked(p->stop) || s->taken || s->done)
		return;
	s->taken = 1;
	s->r.path = p->list->paths[i];
	s->r.not_analysed = 1;
	s->done = 1;
	p->finished++;
	pthread_cond_broadcast(&p->cond);	/* workers waiting: done */
}

/* Hand the whole records in buf[0..len) to the sink; bytes used. */
static size_t
replay_records(struct slot *s, uint8_t *buf, size_t len,
    const struct batch_sink *sink)
{
	struct spooled rec;
	struct rdpneg_tls tls;		/* aligned: the spool's bytes are not */
	struct rdpneg_mcs mcs;
	struct rdpneg_cert cert;
	size_t used = 0, need;
	char *t;

	while (len - used >= sizeof(rec)) {
		memcpy(&rec, buf + used, sizeof(rec));
		need = sizeof(rec) + rec.slen + rec.xlen + rec.clen + rec.tlen +
		    rec.mlen + rec.ilen;
		if (len - used < need)
			break;
		t = (char *)buf + used + sizeof(rec);
		rec.it.owned = NULL;
		if (rec.slen == sizeof(tls)) {
			memcpy(&tls, t, sizeof(tls));
			rec.it.a.ev.tls = &tls;
		} else
			rec.it.a.ev.tls = NULL;
		t += rec.slen;
		if (rec.xlen == sizeof(mcs)) {
			memcpy(&mcs, t, sizeof(mcs));
			rec.it.a.ev.mcs = &mcs;
		} else
			rec.it.a.ev.mcs = NULL;
		t += rec.xlen;
		if (rec.clen == sizeof(cert)) {
			memcpy(&cert, t, sizeof(cert));
			rec.it.a.cert = &cert;
		} else
			rec.it.a.cert = NULL;
		t += rec.clen;
		rec.it.a.token = rec.tlen > 0 ? (const uint8_t *)t : NULL;
		rec.it.a.malformed = rec.mlen > 0 ? t + rec.tlen : NULL;
		rec.it.a.incomplete = rec.ilen > 0 ? t + rec.tlen + rec.mlen :
		    NULL;
		sink->attempt(&s->r, &rec.it, sink->arg);
		used += need;
	}
	return used;
}

/* Report file i: its attempts as the worker publishes them, then the file. */
static void
replay(struct pool *p, size_t i, const struct batch_sink *sink, int progress,
    const struct timespec *t0)
{
	struct slot *s = &p->slots[i];
	uint64_t off = 0, end;
	uint8_t *buf = NULL, *b;
	size_t size = 0, have = 0, want, used;
	ssize_t n;
	int done, broken = 0;

	do {
		pthread_mutex_lock(&p->lock);
		drop_if_stopped(p, i);
		while (!s->done && (broken || s->published == off)) {
			if (progress)
				show_progress(p, t0, i);
			wait_a_moment(p);
			drop_if_stopped(p, i);
		}
		end = s->published;
		done = s->done;
		if (progress)
			show_progress(p, t0, i);
		pthread_mutex_unlock(&p->lock);
		while (!broken && s->spool != NULL && off < end) {
			want = end - off < READ_CHUNK ? (size_t)(end - off) :
			    READ_CHUNK;
			if (have + want > size) {
				if ((b = realloc(buf, have + want)) == NULL) {
					broken = 1;	/* the rest is lost */
					break;
				}
				buf = b;
				size = have + want;
			}
			n = pread(fileno(s->spool), buf + have, want,
			    (off_t)off);
			if (n <= 0) {
				broken = 1;
				break;
			}
			off += (uint64_t)n;
			have += (size_t)n;
			used = replay_records(s, buf, have, sink);
			memmove(buf, buf + used, have - used);
			have -= used;
		}
	} while (!done);
	free(buf);
	if (s->spool != NULL)
		fclose(s->spool);
	s->spool = NULL;
	free(s->spool_buf);
	s->spool_buf = NULL;
	sink->end(&s->r, sink->arg);
}

int
batch_run(const struct file_list *list, const struct batch_options *opt,
    const struct analysis_config *cfg, const struct batch_sink *sink)
{
	unsigned jobs = opt->jobs;
	int progress = opt->progress;
	pthread_t threads[MAX_JOBS];
	struct timespec t0;
	struct pool p = { 0 };
	unsigned started = 0, k;
	size_t i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	p.list = list;
	p.cfg = *cfg;
	p.sha256 = opt->sha256;
	p.stop = opt->stop;
	p.cfg.capture.stop = opt->stop;
	p.slots = calloc(list->n ? list->n : 1, sizeof(*p.slots));
	if (p.slots == NULL)
		return -1;
	/* The total the progress line counts towards: every size, when
	 * every input is a regular file (not a pipe, not standard input), as
	 * the walk found them. */
	p.total_known = 1;
	for (i = 0; i < list->n; i++) {
		p.slots[i].pool = &p;
		if (size_known(list, i))
			p.total += list->info[i].size;
		else
			p.total_known = 0;
	}
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.cond, NULL);
	if (jobs > MAX_JOBS)
		jobs = MAX_JOBS;
	/* Jobs to spare: a gzip file is also inflated, or a file read and
	 * hashed, on a thread of its own. */
	p.read_ahead = jobs >= 2 * list->n;
	if (jobs > list->n)
		jobs = (unsigned)list->n;
	p.ahead = AHEAD + jobs;
	for (k = 0; k < jobs; k++)
		if (pthread_create(&threads[started], NULL, worker, &p) == 0)
			started++;
	for (i = 0; i < list->n; i++) {
		/* No thread: the work is done here. */
		if (started == 0 && !rdpneg_stop_asked(p.stop)) {
			p.slots[i].taken = 1;
			analyze_slot(&p, i);
		}
		replay(&p, i, sink, progress, &t0);
		pthread_mutex_lock(&p.lock);
		p.reported = i + 1;
		pthread_cond_broadcast(&p.cond);
		pthread_mutex_unlock(&p.lock);
	}
	for (k = 0; k < started; k++)
		pthread_join(threads[k], NULL);
	if (progress)
		fputs("\r\033[K", stderr);	/* erase the progress line */
	pthread_cond_destroy(&p.cond);
	pthread_mutex_destroy(&p.lock);
	free(p.slots);
	return 0;
}
