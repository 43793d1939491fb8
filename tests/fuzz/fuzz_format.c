/*
 * fuzz_format.c - every fmt_* helper on one attempt, into exact-size heap
 * buffers of many sizes, and every report format (shared by the targets
 * that see attempts).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/fmt.h"
#include "report/report.h"
#include "fuzz_check.h"
#include "fuzz_format.h"
#include "rdpneg/kb.h"

/* Run fmt on an exact-size heap buffer of each size in sizes[]. */
#define EACH_SIZE(buf, size, body) do {					\
	static const size_t sizes_[] = { 1, 2, 3, 4, 5, 7, 9, 16, 33,	\
	    64, 200, 2100 };						\
	size_t k_;							\
	for (k_ = 0; k_ < sizeof(sizes_) / sizeof(sizes_[0]); k_++) {	\
		size_t size = sizes_[k_];				\
		char *buf = malloc(size);				\
		CHECK(buf != NULL);					\
		memset(buf, 'Z', size);					\
		body;							\
		CHECK(nul_within(buf, size));				\
		free(buf);						\
	}								\
} while (0)

void
fuzz_format_attempt(const struct rdpneg_attempt *a)
{
	const uint8_t *tok = a->token != NULL ? a->token :
	    (const uint8_t *)"";
	size_t tlen = a->token != NULL ? a->token_len : 0;
	size_t voff = a->ev.token_value_off <= tlen ? a->ev.token_value_off : 0;
	const char *m = a->malformed != NULL ? a->malformed : "";
	size_t n;

	EACH_SIZE(b, size, fmt_endpoint(a->family, &a->client, b, size));
	EACH_SIZE(b, size, fmt_endpoint(a->family, &a->server, b, size));
	EACH_SIZE(b, size, fmt_time(a->ts_sec, a->ts_nsec, b, size));
	EACH_SIZE(b, size, fmt_time_sheet(a->ts_sec, a->ts_nsec, b, size));
	EACH_SIZE(b, size, fmt_hex(a->ev.correlation_id, 16, b, size));
	EACH_SIZE(b, size, fmt_hex(a->response_pdu, a->response_pdu_len, b,
	    size));
	EACH_SIZE(b, size, {
		n = fmt_escape_text(tok, tlen, b, size);
		CHECK(strlen(b) <= n);
		if (n < size)
			CHECK(strlen(b) == n);
	});
	EACH_SIZE(b, size, {
		n = fmt_utf8_sanitize(tok, tlen, b, size);
		CHECK(n < size && strlen(b) <= n);
	});
	EACH_SIZE(b, size, {
		n = fmt_clean(tok + voff, tlen - voff, b, size);
		CHECK(n < size && strlen(b) <= n);
	});
	EACH_SIZE(b, size, fmt_clean((const uint8_t *)m, strlen(m), b, size));
	EACH_SIZE(b, size, fmt_csv_field(tok, tlen, b, size));
	EACH_SIZE(b, size, fmt_csv_field((const uint8_t *)m, strlen(m), b,
	    size));
	EACH_SIZE(b, size, fmt_md_code(tok, tlen, 1, b, size));
	EACH_SIZE(b, size, fmt_md_code(tok + voff, tlen - voff, 0, b, size));
	EACH_SIZE(b, size, fmt_requested(a, b, size));
	EACH_SIZE(b, size, fmt_answer(a, b, size));
	EACH_SIZE(b, size, fmt_user(a, b, size));
	EACH_SIZE(b, size, fmt_failure(a->ev.response_value, b, size));
	EACH_SIZE(b, size, fmt_selected(a->ev.response_value, b, size));
	if (a->incomplete != NULL)
		EACH_SIZE(b, size, fmt_escape_text(
		    (const uint8_t *)a->incomplete, strlen(a->incomplete), b,
		    size));
	(void)rdpneg_not_requested(&a->ev);
	(void)rdpneg_is_scanner(a->token, a->token_len,
	    (a->ev.have & RDPNEG_EV_REQ_NEG) != 0, a->ev.requested);
}

void
fuzz_report_all(const struct capture_result *res,
    const struct attempt_list *lists, size_t n, int all)
{
	static const char *const formats[] = {
		"text", "jsonl", "csv", "markdown", "html"
	};
	static FILE *devnull;
	struct report r;
	size_t f, c, i, attempts = 0;
	int summary_only;

	if (devnull == NULL) {
		devnull = fopen("/dev/null", "w");
		CHECK(devnull != NULL);
	}
	for (c = 0; c < n; c++)
		attempts += lists[c].n;
	for (f = 0; f < sizeof(formats) / sizeof(formats[0]); f++)
		for (summary_only = 0; summary_only <= 1; summary_only++) {
			report_init(&r, devnull, report_find_format(
			    formats[f]));
			CHECK(r.format != NULL);
			r.all = all;
			r.summary_only = summary_only;
			CHECK(r.format->begin(&r) == 0);
			for (c = 0; c < n; c++) {
				for (i = 0; i < lists[c].n; i++)
					report_attempt(&r, &res[c],
					    &lists[c].items[i]);
				report_capture(&r, &res[c]);
			}
			CHECK(r.totals.attempts == attempts);
			r.format->finish(&r);
			report_free(&r);
		}
}
