/*
 * report.c - the table of report formats and what they share.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "report/report.h"

static const struct report_format *const formats[] = {
	&report_text,
	&report_jsonl,
	&report_csv,
	&report_markdown,
	&report_html,
};

const struct report_format *
report_find_format(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

void
report_attempt(struct report *r, const struct capture_result *res,
    const struct attempt_item *it)
{
	struct report_totals *t = &r->totals;

	span_add(&t->seen, it->a.ts_sec, it->a.ts_nsec);
	t->attempts++;
	t->by_class[it->class]++;
	t->by_outcome[it->a.ev.outcome]++;
	t->scanners += (it->a.ev.have & RDPNEG_EV_SCANNER) != 0;
	summary_add(&r->servers, it);
	findings_add(&r->findings, res->path, it);
	r->capture_attempts++;
	r->capture_findings += rdpneg_class_is_finding(it->class);
	if (!r->summary_only)
		r->format->attempt(r, res, it);
}

void
report_capture(struct report *r, const struct capture_result *res)
{
	struct report_totals *t = &r->totals;

	if (res->not_analysed) {
		t->not_analysed++;
		if (!r->summary_only)
			r->format->capture(r, res);
		return;
	}
	if (res->stats.interrupted) {
		t->interrupted = 1;
		t->interrupted_path = res->path;
		t->interrupted_frame = res->stats.packets;
		t->interrupted_bytes = res->size;
	}
	t->files++;
	t->unreadable += res->unreadable != 0;
	t->packets += res->stats.packets;
	t->cut_packets += res->stats.cut_packets;
	t->ip_fragments += res->stats.ip_fragments;
	t->overflow += res->stats.overflow;
	if (!r->summary_only)
		r->format->capture(r, res);
	r->capture_attempts = r->capture_findings = 0;
	findings_next_capture(&r->findings);
}

void
report_init(struct report *r, FILE *out, const struct report_format *format)
{
	memset(r, 0, sizeof(*r));
	r->out = out;
	r->format = format;
	findings_init(&r->findings);
}

void
report_free(struct report *r)
{
	summary_free(&r->servers);
	findings_free(&r->findings);
}

int
report_shows(const struct report *r, const struct attempt_item *it)
{
	return r->all || rdpneg_class_is_finding(it->class);
}
