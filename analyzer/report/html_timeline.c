/*
 * html_timeline.c - the timeline's lanes, marks and buckets (see
 * html_timeline.h for how memory stays bounded), and their drawing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/fmt.h"
#include "report/html_escape.h"
#include "report/html_timeline.h"
#include "report/summary.h"

/* Geometry of the SVG, in its user units. */
#define SVG_W		1100
#define PLOT_X		240	/* left of the time axis: the lane labels */
#define PLOT_W		(SVG_W - PLOT_X - 20)
#define TOP		64	/* the legend, then the axis */
#define LANE_H		30
#define BAR_H		22	/* a bucket's tallest bar */

/* Times are microseconds, clamped so that sums and widths never
 * overflow (about 9,000 years either way of 1970). */
#define US_LIMIT	((int64_t)1 << 58)

static const char *const class_names[TL_CLASSES] = {
	"blocked", "insecure", "ok", "noise"
};

/* One lane as drawn: a server's, or the servers past TL_LANES. */
struct view {
	const struct tl_lane	*lane;		/* NULL: "other servers" */
	uint64_t		 attempts;
	uint64_t		 by_class[TL_CLASSES];
	struct span		 seen;
	const struct tl_mark	**marks;	/* not aggregated */
	size_t			 nmarks;
	int			 aggregated;
	int64_t			 b0, b1;	/* the buckets' span, us */
	uint64_t		 buckets[TL_BUCKETS][TL_CLASSES];
};

static int64_t
to_us(int64_t sec, uint32_t nsec)
{
	if (sec >= US_LIMIT / 1000000)
		return US_LIMIT;
	if (sec <= -US_LIMIT / 1000000)
		return -US_LIMIT;
	return sec * 1000000 + nsec / 1000;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ---- Counting. */

static uint32_t
lane_hash(size_t i, const void *records)
{
	const struct tl_lane *l = (const struct tl_lane *)records + i;

	return summary_server_hash(2166136261u, l->family, &l->server);
}

struct lane_key {
	int				 family;
	const struct rdpneg_endpoint	*server;
};

static int
lane_same(size_t i, const void *records, const void *key)
{
	const struct tl_lane *l = (const struct tl_lane *)records + i;
	const struct lane_key *k = key;

	return summary_server_cmp(l->family, &l->server, k->family,
	    k->server) == 0;
}

static void
hist_add(struct tl_hist *h, int64_t t, unsigned cls, uint32_t n)
{
	int64_t base, i, j;

	/* Widen until t fits: pairs of bins merge into the doubled width. */
	while (t < h->base || t - h->base >= TL_FINE * h->width) {
		base = floor_div(h->base, 2 * h->width) * 2 * h->width;
		for (i = 0; i < TL_FINE; i++) {
			j = (h->base + i * h->width - base) / (2 * h->width);
			if (j == i)
				continue;
			h->count[j][0] += h->count[i][0];
			h->count[j][1] += h->count[i][1];
			h->count[j][2] += h->count[i][2];
			h->count[j][3] += h->count[i][3];
			memset(h->count[i], 0, sizeof(h->count[i]));
		}
		h->base = base;
		h->width *= 2;
	}
	i = (t - h->base) / h->width;
	/* Saturate rather than wrap past 4 billion in one bin. */
	h->count[i][cls] = h->count[i][cls] > UINT32_MAX - n ? UINT32_MAX :
	    h->count[i][cls] + n;
}

/* Lane l has one attempt too many for marks: count them in bins. */
static int
aggregate(struct tl_lane *l)
{
	size_t i;

	if ((l->hist = calloc(1, sizeof(*l->hist))) == NULL)
		return -1;
	l->hist->width = 1;
	l->hist->base = to_us(l->marks[0].sec, l->marks[0].nsec);
	for (i = 0; i < l->nmarks; i++)
		hist_add(l->hist, to_us(l->marks[i].sec, l->marks[i].nsec),
		    l->marks[i].cls, 1);
	free(l->marks);
	l->marks = NULL;
	l->nmarks = l->capmarks = 0;
	return 0;
}

static unsigned
class_index(enum rdpneg_class c)
{
	switch (c) {
	case RDPNEG_CLASS_BLOCKED:
		return 0;
	case RDPNEG_CLASS_INSECURE:
		return 1;
	case RDPNEG_CLASS_OK:
		return 2;
	default:
		return 3;
	}
}

void
timeline_add(struct timeline *tl, uint32_t capture,
    const struct attempt_item *it)
{
	const struct rdpneg_attempt *a = &it->a;
	struct lane_key key = { a->family, &a->server };
	struct tl_lane *l, *v;
	struct tl_mark *m;
	size_t *slot;
	unsigned cls = class_index(it->class);

	slot = hindex_slot(&tl->index, summary_server_hash(2166136261u,
	    a->family, &a->server), &key, tl->lanes, tl->n, lane_hash,
	    lane_same);
	if (slot == NULL) {
		tl->oom = 1;
		return;
	}
	if (*slot == 0) {
		if ((v = hindex_room(tl->lanes, tl->n, &tl->cap, 16,
		    sizeof(*v))) == NULL) {
			tl->oom = 1;
			return;
		}
		tl->lanes = v;
		l = &tl->lanes[tl->n];
		memset(l, 0, sizeof(*l));
		l->family = a->family;
		l->server = a->server;
		*slot = ++tl->n;
	}
	l = &tl->lanes[*slot - 1];
	if (l->hist == NULL && l->nmarks == TL_MARKS_PER_LANE &&
	    aggregate(l) < 0) {
		tl->oom = 1;
		return;
	}
	if (l->hist != NULL)
		hist_add(l->hist, to_us(a->ts_sec, a->ts_nsec), cls, 1);
	else {
		if ((m = hindex_room(l->marks, l->nmarks, &l->capmarks, 4,
		    sizeof(*m))) == NULL) {
			tl->oom = 1;
			return;
		}
		l->marks = m;
		m = &l->marks[l->nmarks++];
		memset(m, 0, sizeof(*m));
		m->sec = a->ts_sec;
		m->nsec = a->ts_nsec;
		m->capture = capture;
		m->frame = a->first_frame;
		m->chain = a->ev.chain_length > 1 ? it->chain_id : 0;
		m->cls = (uint8_t)cls;
		m->outcome = (uint8_t)a->ev.outcome;
		m->family = a->family;
		m->client = a->client;
		m->diag = it->diag;
		fmt_answer(a, m->answer, sizeof(m->answer));
	}
	l->attempts++;
	l->by_class[cls]++;
	span_add(&l->seen, a->ts_sec, a->ts_nsec);
	tl->attempts++;
}

void
timeline_capture(struct timeline *tl, uint32_t capture,
    const struct rdpneg_capture_stats *st)
{
	struct tl_bound *b;

	if (st->packets == 0)
		return;
	if (tl->nbounds == TL_BOUNDS) {
		tl->more_bounds++;
		return;
	}
	b = &tl->bounds[tl->nbounds++];
	memset(b, 0, sizeof(*b));
	b->capture = capture;
	span_add(&b->span, st->first_sec, st->first_nsec);
	span_add(&b->span, st->last_sec, st->last_nsec);
}

void
timeline_free(struct timeline *tl)
{
	size_t i;

	for (i = 0; i < tl->n; i++) {
		free(tl->lanes[i].marks);
		free(tl->lanes[i].hist);
	}
	free(tl->lanes);
	hindex_free(&tl->index);
	memset(tl, 0, sizeof(*tl));
}

/* ---- The lanes as drawn. */

/* The busiest first, then by address. */
static int
lane_cmp(const void *pa, const void *pb)
{
	const struct tl_lane *a = pa, *b = pb;

	if (a->attempts != b->attempts)
		return a->attempts > b->attempts ? -1 : 1;
	return summary_server_cmp(a->family, &a->server, b->family,
	    &b->server);
}

static void
span_union(struct span *to, const struct span *from)
{
	if (!from->set)
		return;
	span_add(to, from->first_sec, from->first_nsec);
	span_add(to, from->last_sec, from->last_nsec);
}

static size_t
bucket_of(const struct view *v, int64_t t)
{
	int64_t len = v->b1 - v->b0 + 1;
	double x;

	if (t <= v->b0)
		return 0;
	x = (double)(t - v->b0) * TL_BUCKETS / (double)len;
	return x >= TL_BUCKETS ? TL_BUCKETS - 1 : (size_t)x;
}

/* Count lane l into v's buckets: its marks by time, its fine bins by
 * their middle. */
static void
bucket_lane(struct view *v, const struct tl_lane *l)
{
	const struct tl_hist *h = l->hist;
	size_t i, k, b;

	for (i = 0; i < l->nmarks; i++)
		v->buckets[bucket_of(v, to_us(l->marks[i].sec,
		    l->marks[i].nsec))][l->marks[i].cls]++;
	if (h == NULL)
		return;
	for (i = 0; i < TL_FINE; i++) {
		b = bucket_of(v, h->base + (int64_t)i * h->width +
		    h->width / 2);
		for (k = 0; k < TL_CLASSES; k++)
			v->buckets[b][k] += h->count[i][k];
	}
}

static void
view_of(struct view *v, const struct tl_lane *v_lanes, size_t n, int other)
{
	const struct tl_lane *l;
	size_t i, k, nmarks = 0;

	memset(v, 0, sizeof(*v));
	v->lane = other ? NULL : &v_lanes[0];
	for (i = 0; i < n; i++) {
		l = &v_lanes[i];
		v->attempts += l->attempts;
		for (k = 0; k < TL_CLASSES; k++)
			v->by_class[k] += l->by_class[k];
		span_union(&v->seen, &l->seen);
		if (l->hist != NULL)
			v->aggregated = 1;
		nmarks += l->nmarks;
	}
	if (v->attempts > TL_MARKS_PER_LANE)
		v->aggregated = 1;
	if (!v->aggregated &&
	    (v->marks = calloc(nmarks ? nmarks : 1, sizeof(*v->marks))) ==
	    NULL)
		v->aggregated = 1;	/* drawn as counts instead */
	if (!v->aggregated) {
		for (i = 0; i < n; i++)
			for (k = 0; k < v_lanes[i].nmarks; k++)
				v->marks[v->nmarks++] = &v_lanes[i].marks[k];
		return;
	}
	v->b0 = to_us(v->seen.first_sec, v->seen.first_nsec);
	v->b1 = to_us(v->seen.last_sec, v->seen.last_nsec);
	for (i = 0; i < n; i++)
		bucket_lane(v, &v_lanes[i]);
}

/* ---- Drawing. */

/* The x axis: from t0 to t1 (microseconds), at least one wide. */
struct axis {
	int64_t	t0, t1;
};

static double
x_of(const struct axis *ax, int64_t t)
{
	return PLOT_X + (double)(t - ax->t0) * PLOT_W /
	    (double)(ax->t1 - ax->t0);
}

static void
number(FILE *out, double v)
{
	fprintf(out, "%.1f", v);
}

static void
time_text(FILE *out, int64_t sec, uint32_t nsec)
{
	char text[FMT_TIME_MAX];

	fmt_time(sec, nsec, text, sizeof(text));
	html_ours(out, text);
}

/* A time in microseconds, as fmt_time writes it. */
static void
us_text(FILE *out, int64_t t)
{
	int64_t sec = floor_div(t, 1000000);

	time_text(out, sec, (uint32_t)(t - sec * 1000000) * 1000);
}

/* A tick's label in UTC, as precise as the step needs. */
static void
tick_label(FILE *out, int64_t t, int64_t step)
{
	char text[40];
	time_t sec = (time_t)floor_div(t, 1000000);
	struct tm tm;

	if (gmtime_r(&sec, &tm) == NULL) {
		fputs("?", out);
		return;
	}
	if (step >= (int64_t)86400 * 1000000)
		strftime(text, sizeof(text), "%Y-%m-%d", &tm);
	else if (step >= (int64_t)60 * 1000000)
		strftime(text, sizeof(text), "%H:%M", &tm);
	else if (step >= 1000000)
		strftime(text, sizeof(text), "%H:%M:%S", &tm);
	else {
		strftime(text, sizeof(text), "%H:%M:%S", &tm);
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
		    ".%03" PRId64, (t - (int64_t)sec * 1000000) / 1000);
	}
	fputs(text, out);
}

static void
axis(FILE *out, const struct axis *ax, size_t nlanes)
{
	static const int64_t steps[] = {
		1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000,
		500000, 1000000, 2000000, 5000000, 10000000, 15000000,
		30000000, 60000000, 120000000, 300000000, 600000000,
		900000000, 1800000000, 3600000000, 7200000000, 10800000000,
		21600000000, 43200000000, 86400000000, 172800000000,
		604800000000, 2592000000000, 31536000000000,
	};
	int64_t span = ax->t1 - ax->t0, step = 0, t;
	double x, bottom = TOP + (double)nlanes * LANE_H;
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (span / steps[i] <= 8) {
			step = steps[i];
			break;
		}
	if (step == 0)
		step = (span / 8 / steps[i - 1] + 1) * steps[i - 1];
	fprintf(out, "<g class=\"axis\"><line class=\"axis-line\" x1=\"%d\" "
	    "y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", PLOT_X, TOP, PLOT_X + PLOT_W,
	    TOP);
	for (t = floor_div(ax->t0, step) * step; t <= ax->t1; t += step) {
		if (t < ax->t0)
			continue;
		x = x_of(ax, t);
		fputs("<line class=\"tick\" x1=\"", out);
		number(out, x);
		fprintf(out, "\" y1=\"%d\" x2=\"", TOP - 4);
		number(out, x);
		fputs("\" y2=\"", out);
		number(out, bottom);
		fputs("\"/><text class=\"tick-label\" x=\"", out);
		number(out, x);
		fprintf(out, "\" y=\"%d\">", TOP - 8);
		tick_label(out, t, step);
		fputs("</text>\n", out);
		if (t > INT64_MAX - step)
			break;
	}
	fputs("</g>\n", out);
}

static void
shape(FILE *out, unsigned cls, double x, double y)
{
	switch (cls) {
	case 0:		/* blocked: a square */
		fprintf(out, "<rect class=\"k-blocked\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"8\" height=\"8\"/>", x - 4, y - 4);
		break;
	case 1:		/* insecure: a triangle */
		fprintf(out, "<polygon class=\"k-insecure\" points=\"%.1f,%.1f "
		    "%.1f,%.1f %.1f,%.1f\"/>", x, y - 5, x + 5, y + 4, x - 5,
		    y + 4);
		break;
	case 2:		/* ok: a circle */
		fprintf(out, "<circle class=\"k-ok\" cx=\"%.1f\" cy=\"%.1f\" "
		    "r=\"4\"/>", x, y);
		break;
	default:	/* noise: a diamond */
		fprintf(out, "<polygon class=\"k-noise\" points=\"%.1f,%.1f "
		    "%.1f,%.1f %.1f,%.1f %.1f,%.1f\"/>", x, y - 5, x + 5, y,
		    x, y + 5, x - 5, y);
		break;
	}
}

static void
legend(FILE *out)
{
	static const char *const words[TL_CLASSES] = {
		"blocked (could not connect)",
		"insecure (connected, with a security finding)",
		"ok",
		"noise (scanners, no request)"
	};
	/* Where each class's entry begins: the whole row fits SVG_W. */
	static const int at[TL_CLASSES] = { 10, 230, 560, 640 };
	unsigned k;

	fputs("<g class=\"legend\">", out);
	for (k = 0; k < TL_CLASSES; k++) {
		shape(out, k, at[k] + 5, 14);
		fprintf(out, "<text class=\"legend-text\" x=\"%d\" y=\"18\">%s"
		    "</text>", at[k] + 14, words[k]);
	}
	fprintf(out, "<line class=\"chain\" x1=\"%d\" y1=\"34\" x2=\"%d\" "
	    "y2=\"34\"/><text class=\"legend-text\" x=\"%d\" y=\"38\">a "
	    "fallback chain</text>", PLOT_X, PLOT_X + 20, PLOT_X + 26);
	fprintf(out, "<line class=\"boundary\" x1=\"%d\" y1=\"28\" x2=\"%d\" "
	    "y2=\"40\"/><text class=\"legend-text\" x=\"%d\" y=\"38\">a "
	    "capture's first or last packet</text>", PLOT_X + 200,
	    PLOT_X + 200, PLOT_X + 206);
	fprintf(out, "<rect class=\"gap\" x=\"%d\" y=\"28\" width=\"14\" "
	    "height=\"12\"/><text class=\"legend-text\" x=\"%d\" y=\"38\">no "
	    "capture (a gap)</text></g>\n", PLOT_X + 500, PLOT_X + 520);
}

static void
lane_label(FILE *out, const struct view *v, double y)
{
	char server[FMT_ENDPOINT_MAX];

	fprintf(out, "<text class=\"lane-label\" x=\"%d\" y=\"%.1f\">",
	    PLOT_X - 8, y + 4);
	if (v->lane != NULL) {
		fmt_endpoint(v->lane->family, &v->lane->server, server,
		    sizeof(server));
		html_ours(out, server);
	} else
		fputs("other servers", out);
	fprintf(out, " (%" PRIu64 "%s)</text>\n", v->attempts,
	    v->aggregated ? ", by time bucket" : "");
}

static void
mark_title(FILE *out, const struct tl_mark *m)
{
	char client[FMT_ENDPOINT_MAX];

	fmt_endpoint(m->family, &m->client, client, sizeof(client));
	fputs("<title>client ", out);
	html_ours(out, client);
	fputs(", ", out);
	time_text(out, m->sec, m->nsec);
	fputs(", answer ", out);
	html_ours(out, m->answer);
	fputs(", diagnosis ", out);
	html_ours(out, m->diag != NULL ? m->diag->id : "none");
	fprintf(out, " (%s), input %" PRIu32 " frame %" PRIu64 "</title>",
	    class_names[m->cls], m->capture, m->frame);
}

/* The lines of fallback chains with two marks or more in the lane. */
static void
chains(FILE *out, const struct view *v, const struct axis *ax, double y)
{
	const struct tl_mark *m, *o;
	size_t i, k, n;

	for (i = 0; i < v->nmarks; i++) {
		m = v->marks[i];
		if (m->chain == 0)
			continue;
		for (k = 0; k < i; k++)	/* drawn from its first mark */
			if (v->marks[k]->chain == m->chain &&
			    v->marks[k]->capture == m->capture)
				break;
		if (k < i)
			continue;
		for (k = i + 1, n = 1; k < v->nmarks; k++)
			n += v->marks[k]->chain == m->chain &&
			    v->marks[k]->capture == m->capture;
		if (n < 2)
			continue;
		fprintf(out, "<path class=\"chain\" data-chain=\"%" PRIu32
		    "-%u\" d=\"M%.1f %.1f", m->capture, m->chain,
		    x_of(ax, to_us(m->sec, m->nsec)), y);
		for (k = i + 1; k < v->nmarks; k++) {
			o = v->marks[k];
			if (o->chain == m->chain && o->capture == m->capture)
				fprintf(out, " L%.1f %.1f",
				    x_of(ax, to_us(o->sec, o->nsec)), y);
		}
		fputs("\"/>\n", out);
	}
}

static void
marks(FILE *out, const struct view *v, const struct axis *ax, double y)
{
	const struct tl_mark *m;
	size_t i;

	chains(out, v, ax, y);
	for (i = 0; i < v->nmarks; i++) {
		m = v->marks[i];
		fprintf(out, "<g class=\"mark\" data-class=\"%s\" "
		    "data-outcome=\"%s\" data-diagnosis=\"", class_names[m->cls],
		    summary_outcome_name(m->outcome));
		html_ours(out, m->diag != NULL ? m->diag->id : "none");
		fprintf(out, "\" data-frame=\"%" PRIu64 "\">", m->frame);
		mark_title(out, m);
		shape(out, m->cls, x_of(ax, to_us(m->sec, m->nsec)), y);
		fputs("</g>\n", out);
	}
}

static int64_t
bucket_start(const struct view *v, size_t b)
{
	return v->b0 + (int64_t)((double)(v->b1 - v->b0 + 1) * (double)b /
	    TL_BUCKETS);
}

static void
buckets(FILE *out, const struct view *v, const struct axis *ax, double y)
{
	uint64_t max = 1, total;
	double x0, x1, h, top = y + BAR_H / 2.0;
	size_t b, k;
	int64_t t0, t1;

	for (b = 0; b < TL_BUCKETS; b++) {
		for (k = 0, total = 0; k < TL_CLASSES; k++)
			total += v->buckets[b][k];
		if (total > max)
			max = total;
	}
	for (b = 0; b < TL_BUCKETS; b++) {
		t0 = bucket_start(v, b);
		t1 = bucket_start(v, b + 1);
		x0 = x_of(ax, t0);
		x1 = x_of(ax, t1);
		if (x1 - x0 < 1)
			x1 = x0 + 1;
		for (k = 0; k < TL_CLASSES; k++) {
			if (v->buckets[b][k] == 0)
				continue;
			h = (double)v->buckets[b][k] * BAR_H / (double)max;
			if (h < 1.5)
				h = 1.5;
			top -= h;
			fprintf(out, "<g class=\"bucket\" data-class=\"%s\" "
			    "data-count=\"%" PRIu64 "\"><title>%" PRIu64 " %s "
			    "from ", class_names[k], v->buckets[b][k],
			    v->buckets[b][k], class_names[k]);
			us_text(out, t0);
			fputs("</title><rect class=\"k-", out);
			fprintf(out, "%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			    "height=\"%.1f\"/></g>\n", class_names[k], x0, top,
			    x1 - x0, h);
		}
		top = y + BAR_H / 2.0;
	}
}

static void
lane(FILE *out, const struct view *v, const struct axis *ax, size_t row)
{
	char server[FMT_ENDPOINT_MAX];
	double y = TOP + (double)row * LANE_H + LANE_H / 2.0;

	if (v->lane != NULL)
		fmt_endpoint(v->lane->family, &v->lane->server, server,
		    sizeof(server));
	else
		strcpy(server, "other");
	fputs("<g class=\"lane\" data-server=\"", out);
	html_ours(out, server);
	fprintf(out, "\" data-attempts=\"%" PRIu64 "\"%s>\n", v->attempts,
	    v->aggregated ? " data-aggregated=\"true\"" : "");
	fprintf(out, "<line class=\"lane-line\" x1=\"%d\" y1=\"%.1f\" "
	    "x2=\"%d\" y2=\"%.1f\"/>\n", PLOT_X, y, PLOT_X + PLOT_W, y);
	lane_label(out, v, y);
	if (v->aggregated)
		buckets(out, v, ax, y);
	else
		marks(out, v, ax, y);
	fputs("</g>\n", out);
}

static int
bound_cmp(const void *pa, const void *pb)
{
	const struct tl_bound *a = pa, *b = pb;
	int64_t ta = to_us(a->span.first_sec, a->span.first_nsec);
	int64_t tb = to_us(b->span.first_sec, b->span.first_nsec);

	return ta < tb ? -1 : ta > tb;
}

/* Each capture's first and last packet, and the gaps no capture covers
 * (only when every capture's bounds are kept). */
static void
bounds(FILE *out, struct timeline *tl, const struct axis *ax,
    size_t nlanes)
{
	const struct tl_bound *b;
	double bottom = TOP + (double)nlanes * LANE_H;
	int64_t end, t;
	size_t i;
	int side;

	for (i = 0; i < tl->nbounds; i++)
		for (side = 0; side < 2; side++) {
			b = &tl->bounds[i];
			t = side ? to_us(b->span.last_sec, b->span.last_nsec) :
			    to_us(b->span.first_sec, b->span.first_nsec);
			fprintf(out, "<line class=\"boundary\" x1=\"%.1f\" "
			    "y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\"><title>input %"
			    PRIu32 ": %s packet, ", x_of(ax, t), TOP, x_of(ax,
			    t), bottom, b->capture, side ? "last" : "first");
			time_text(out, side ? b->span.last_sec :
			    b->span.first_sec, side ? b->span.last_nsec :
			    b->span.first_nsec);
			fputs("</title></line>\n", out);
		}
	if (tl->more_bounds != 0 || tl->nbounds == 0)
		return;
	qsort(tl->bounds, tl->nbounds, sizeof(tl->bounds[0]), bound_cmp);
	end = to_us(tl->bounds[0].span.last_sec, tl->bounds[0].span.last_nsec);
	for (i = 1; i < tl->nbounds; i++) {
		b = &tl->bounds[i];
		t = to_us(b->span.first_sec, b->span.first_nsec);
		if (t > end && t - end > (ax->t1 - ax->t0) / TL_GAP_SHARE) {
			fprintf(out, "<rect class=\"gap\" x=\"%.1f\" y=\"%d\" "
			    "width=\"%.1f\" height=\"%.1f\"><title>no capture "
			    "from ", x_of(ax, end), TOP, x_of(ax, t) -
			    x_of(ax, end), bottom - TOP);
			us_text(out, end);
			fputs(" to ", out);
			time_text(out, b->span.first_sec, b->span.first_nsec);
			fputs("</title></rect>\n", out);
		}
		t = to_us(b->span.last_sec, b->span.last_nsec);
		if (t > end)
			end = t;
	}
}

/* ---- The table equivalent. */

static void
table_lane_cell(FILE *out, const struct view *v)
{
	char server[FMT_ENDPOINT_MAX];

	fputs("<tr><td>", out);
	if (v->lane != NULL) {
		fmt_endpoint(v->lane->family, &v->lane->server, server,
		    sizeof(server));
		html_ours(out, server);
	} else
		fputs("other servers", out);
	fputs("</td><td>", out);
}

static void
table(FILE *out, const struct view *views, size_t nviews)
{
	const struct view *v;
	const struct tl_mark *m;
	char client[FMT_ENDPOINT_MAX];
	size_t i, j, k;
	int64_t t0, t1;

	fputs("<div class=\"tl-wrap\">\n<table id=\"timeline-table\" "
	    "class=\"tl-table\">\n<caption>"
	    "The timeline as a table: per lane, each attempt, or for a lane "
	    "drawn by time bucket, the attempts per class in each bucket"
	    "</caption>\n<thead><tr><th scope=\"col\">Lane</th><th "
	    "scope=\"col\">Time (UTC)</th><th scope=\"col\">Blocked</th><th "
	    "scope=\"col\">Insecure</th><th scope=\"col\">Ok</th><th "
	    "scope=\"col\">Noise</th><th scope=\"col\">Attempt</th></tr>"
	    "</thead>\n<tbody>\n", out);
	for (i = 0; i < nviews; i++) {
		v = &views[i];
		for (j = 0; !v->aggregated && j < v->nmarks; j++) {
			m = v->marks[j];
			table_lane_cell(out, v);
			time_text(out, m->sec, m->nsec);
			fputs("</td>", out);
			for (k = 0; k < TL_CLASSES; k++)
				fprintf(out, "<td class=\"num\">%d</td>",
				    k == m->cls);
			fmt_endpoint(m->family, &m->client, client,
			    sizeof(client));
			fputs("<td>client ", out);
			html_ours(out, client);
			fputs(", ", out);
			html_ours(out, m->answer);
			fputs(", ", out);
			html_ours(out, m->diag != NULL ? m->diag->id : "none");
			fprintf(out, ", input %" PRIu32 " frame %" PRIu64
			    "</td></tr>\n", m->capture, m->frame);
		}
		for (j = 0; v->aggregated && j < TL_BUCKETS; j++) {
			for (k = 0; k < TL_CLASSES; k++)
				if (v->buckets[j][k] != 0)
					break;
			if (k == TL_CLASSES)
				continue;
			t0 = bucket_start(v, j);
			t1 = bucket_start(v, j + 1);
			table_lane_cell(out, v);
			us_text(out, t0);
			fputs(" to ", out);
			us_text(out, t1);
			fputs("</td>", out);
			for (k = 0; k < TL_CLASSES; k++)
				fprintf(out, "<td class=\"num\">%" PRIu64
				    "</td>", v->buckets[j][k]);
			fputs("<td>time bucket</td></tr>\n", out);
		}
	}
	fputs("</tbody>\n</table>\n</div>\n", out);
}

void
timeline_write(struct timeline *tl, FILE *out)
{
	struct view views[TL_LANES + 1];
	struct axis ax;
	struct span all = { 0 };
	size_t i, nviews = 0, nlanes;
	int height;

	if (tl->n > 1)		/* lanes is NULL without attempts */
		qsort(tl->lanes, tl->n, sizeof(tl->lanes[0]), lane_cmp);
	hindex_free(&tl->index);	/* the order changed */
	nlanes = tl->n <= TL_LANES + 1 ? tl->n : TL_LANES;
	for (i = 0; i < nlanes; i++)
		view_of(&views[nviews++], &tl->lanes[i], 1, 0);
	if (tl->n > nlanes)
		view_of(&views[nviews++], &tl->lanes[nlanes], tl->n - nlanes,
		    1);
	for (i = 0; i < nviews; i++)
		span_union(&all, &views[i].seen);
	for (i = 0; i < tl->nbounds; i++)
		span_union(&all, &tl->bounds[i].span);
	ax.t0 = all.set ? to_us(all.first_sec, all.first_nsec) : 0;
	ax.t1 = all.set ? to_us(all.last_sec, all.last_nsec) : 1000000;
	/* A margin of 2% each side, and at least a second. */
	if (ax.t1 - ax.t0 < 1000000) {
		ax.t0 -= (1000000 - (ax.t1 - ax.t0)) / 2;
		ax.t1 = ax.t0 + 1000000;
	}
	ax.t0 -= (ax.t1 - ax.t0) / 50;
	ax.t1 += (ax.t1 - ax.t0) / 49;

	height = TOP + (int)(nviews ? nviews : 1) * LANE_H + 10;
	fprintf(out, "<svg id=\"timeline\" role=\"img\" "
	    "aria-labelledby=\"timeline-title\" xmlns=\"http://www.w3.org/"
	    "2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">\n"
	    "<title id=\"timeline-title\">Timeline: %" PRIu64 " attempt%s on "
	    "%zu server%s", SVG_W, height, SVG_W, height, tl->attempts,
	    tl->attempts == 1 ? "" : "s", tl->n, tl->n == 1 ? "" : "s");
	if (all.set) {
		fputs(", ", out);
		time_text(out, all.first_sec, all.first_nsec);
		fputs(" to ", out);
		time_text(out, all.last_sec, all.last_nsec);
	}
	fputs("</title>\n", out);
	legend(out);
	axis(out, &ax, nviews ? nviews : 1);
	bounds(out, tl, &ax, nviews ? nviews : 1);
	for (i = 0; i < nviews; i++)
		lane(out, &views[i], &ax, i);
	if (nviews == 0)
		fprintf(out, "<text class=\"lane-label\" x=\"%d\" y=\"%d\">no "
		    "attempt to show</text>\n", PLOT_X + 10, TOP + 20);
	fputs("</svg>\n", out);
	table(out, views, nviews);
	for (i = 0; i < nviews; i++)
		free(views[i].marks);
}
