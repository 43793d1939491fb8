/*
 * span.h - the first and last times of what a report counts (a server's
 * attempts, a finding's, the run's).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_SPAN_H
#define RDPNEG_SPAN_H

#include <stdint.h>

struct span {
	int64_t		first_sec;
	uint32_t	first_nsec;
	int64_t		last_sec;
	uint32_t	last_nsec;
	int		set;		/* 0: nothing counted yet */
};

/* Widen s to the time sec.nsec. */
static inline void
span_add(struct span *s, int64_t sec, uint32_t nsec)
{
	if (!s->set || sec < s->first_sec ||
	    (sec == s->first_sec && nsec < s->first_nsec)) {
		s->first_sec = sec;
		s->first_nsec = nsec;
	}
	if (!s->set || sec > s->last_sec ||
	    (sec == s->last_sec && nsec > s->last_nsec)) {
		s->last_sec = sec;
		s->last_nsec = nsec;
	}
	s->set = 1;
}

#endif /* RDPNEG_SPAN_H */
