/*
 * test_findings.c - the findings of a run (report/findings.c) and the
 * spans they count with (span.h; their sets: test_keyset.c): grouping by
 * diagnosis, class and server, what is counted, the attempts kept, the
 * order.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "report/findings.h"

/* An attempt to server 203.0.113.<server>:3389 from 192.0.2.<client>,
 * with diagnosis id and class, at second sec, user (NULL: no cookie). */
static struct attempt_item
item(const char *id, enum rdpneg_class class, uint8_t server,
    uint8_t client, int64_t sec, const char *user, char *token,
    size_t size)
{
	struct attempt_item it;

	memset(&it, 0, sizeof(it));
	it.a.family = 4;
	memcpy(it.a.server.addr, (uint8_t[]){ 203, 0, 113, server }, 4);
	it.a.server.port = 3389;
	memcpy(it.a.client.addr, (uint8_t[]){ 192, 0, 2, client }, 4);
	it.a.client.port = 50000;
	it.a.ts_sec = sec;
	it.a.first_frame = (uint64_t)sec + 1;
	if (user != NULL) {
		snprintf(token, size, "Cookie: mstshash=%s", user);
		it.a.token = (const uint8_t *)token;
		it.a.token_len = strlen(token);
		it.a.ev.token_kind = RDPNEG_TOKEN_MSTSHASH;
		it.a.ev.token_value_off = (uint16_t)strlen("Cookie: mstshash=");
	}
	it.diag = rdpneg_find_diagnosis(id);
	cr_assert_not_null(it.diag, "no diagnosis %s", id);
	it.class = class;
	return it;
}

static void
add(struct findings *f, const char *path, const char *id,
    enum rdpneg_class class, uint8_t server, uint8_t client, int64_t sec,
    const char *user)
{
	char token[64];
	struct attempt_item it = item(id, class, server, client, sec, user,
	    token, sizeof(token));

	findings_add(f, path, &it);
}

Test(findings, only_blocked_and_insecure_are_findings)
{
	struct findings f;

	findings_init(&f);
	add(&f, "a.pcap", "negotiated", RDPNEG_CLASS_OK, 1, 1, 0, NULL);
	add(&f, "a.pcap", "no-request", RDPNEG_CLASS_NOISE, 1, 1, 1, NULL);
	cr_assert_eq(f.n, 0);
	add(&f, "a.pcap", "negotiated", RDPNEG_CLASS_BLOCKED, 1, 1, 2, NULL);
	cr_assert_eq(f.n, 1);
	findings_free(&f);
}

Test(findings, grouped_by_diagnosis_class_and_server)
{
	struct findings f;
	size_t i;

	findings_init(&f);
	add(&f, "a.pcap", "nla-required", RDPNEG_CLASS_BLOCKED, 1, 1, 5, "u1");
	add(&f, "a.pcap", "nla-required", RDPNEG_CLASS_BLOCKED, 1, 2, 3, "u2");
	add(&f, "a.pcap", "nla-required", RDPNEG_CLASS_BLOCKED, 1, 2, 9, "u1");
	add(&f, "a.pcap", "nla-required", RDPNEG_CLASS_BLOCKED, 2, 1, 1, NULL);
	add(&f, "a.pcap", "legacy-client", RDPNEG_CLASS_INSECURE, 1, 1, 2,
	    NULL);
	add(&f, "a.pcap", "legacy-client", RDPNEG_CLASS_BLOCKED, 1, 1, 4,
	    NULL);
	cr_assert_eq(f.n, 4);
	findings_sort(&f);
	/* Blocked first, the most attempts first. */
	cr_assert_str_eq(f.v[0].diag->id, "nla-required");
	cr_assert_eq(f.v[0].attempts, 3);
	cr_assert_eq(f.v[0].server.addr[3], 1);
	cr_assert_eq(f.v[0].detail->clients.n, 2, "distinct clients");
	cr_assert_eq(f.v[0].detail->users.n, 2, "distinct users");
	cr_assert_eq(f.v[0].seen.first_sec, 3);
	cr_assert_eq(f.v[0].seen.last_sec, 9);
	for (i = 1; i < 3; i++)
		cr_assert_eq(f.v[i].class, RDPNEG_CLASS_BLOCKED);
	cr_assert_eq(f.v[3].class, RDPNEG_CLASS_INSECURE);
	findings_free(&f);
}

Test(findings, totals_by_class_and_diagnosis)
{
	const struct finding_total *t;
	struct findings f;
	size_t nla;

	findings_init(&f);
	add(&f, "a.pcap", "nla-required", RDPNEG_CLASS_BLOCKED, 1, 1, 5, "u1");
	add(&f, "a.pcap", "nla-required", RDPNEG_CLASS_BLOCKED, 2, 1, 7, "u1");
	add(&f, "a.pcap", "nla-required", RDPNEG_CLASS_BLOCKED, 2, 3, 6, "u2");
	add(&f, "a.pcap", "legacy-client", RDPNEG_CLASS_INSECURE, 1, 1, 2,
	    NULL);
	findings_sort(&f);
	nla = rdpneg_diagnosis_index(rdpneg_find_diagnosis("nla-required"));
	t = &f.by_diagnosis[FINDING_CLASS(RDPNEG_CLASS_BLOCKED)][nla];
	cr_assert_eq(t->attempts, 3);
	cr_assert_eq(t->groups, 2, "servers");
	cr_assert_eq(t->clients.n, 2);
	cr_assert_eq(t->users.n, 2);
	cr_assert_eq(t->seen.first_sec, 5);
	cr_assert_eq(t->seen.last_sec, 7);
	cr_assert_eq(t->top->attempts, 2, "the heaviest finding");
	cr_assert_eq(f.by_diagnosis[FINDING_CLASS(RDPNEG_CLASS_INSECURE)]
	    [rdpneg_diagnosis_index(rdpneg_find_diagnosis("legacy-client"))]
	    .attempts, 1);
	findings_free(&f);
}

Test(findings, samples_capped_first_kept_paths_shared)
{
	struct findings f;
	int64_t k;

	findings_init(&f);
	for (k = 0; k < 3; k++)
		add(&f, "a.pcap", "port-closed", RDPNEG_CLASS_BLOCKED, 1, 1, k,
		    NULL);
	findings_next_capture(&f);
	for (k = 3; k < 40; k++)
		add(&f, "b.pcap", "port-closed", RDPNEG_CLASS_BLOCKED, 1, 1, k,
		    NULL);
	cr_assert_eq(f.n, 1);
	cr_assert_eq(f.v[0].attempts, 40);
	cr_assert_eq(f.v[0].captures, 2);
	cr_assert_eq(f.v[0].detail->nsamples, FINDING_SAMPLES);
	for (k = 0; k < FINDING_SAMPLES; k++)
		cr_assert_eq(f.v[0].detail->samples[k].item.a.ts_sec, k,
		    "the first attempts are kept, in order");
	cr_assert_str_eq(f.v[0].detail->samples[0].capture, "a.pcap");
	cr_assert_str_eq(f.v[0].detail->samples[3].capture, "b.pcap");
	cr_assert_eq(f.v[0].detail->samples[0].capture, f.v[0].detail->samples[1].capture,
	    "one copy of a capture's path");
	cr_assert_eq(f.npaths, 2);
	findings_free(&f);
}

/* Past FINDINGS_DETAILED findings, a new one is counted exactly but keeps
 * no attempt; its texts come from its first attempt's evidence. */
Test(findings, details_bounded)
{
	struct findings f;
	size_t i;

	findings_init(&f);
	for (i = 0; i <= FINDINGS_DETAILED; i++) {
		char name[8];

		snprintf(name, sizeof(name), "u%zu", i);
		add(&f, "a.pcap", i % 2 ? "port-closed" : "port-filtered",
		    RDPNEG_CLASS_BLOCKED, (uint8_t)(i / 2), 1, (int64_t)i,
		    name);
	}
	add(&f, "a.pcap", "port-filtered", RDPNEG_CLASS_BLOCKED, 128, 1, 900,
	    NULL);
	cr_assert_eq(f.n, FINDINGS_DETAILED + 1);
	cr_assert_eq(f.ndetails, FINDINGS_DETAILED);
	cr_assert_not_null(f.v[FINDINGS_DETAILED - 1].detail);
	cr_assert_null(f.v[FINDINGS_DETAILED].detail);
	cr_assert_eq(f.v[FINDINGS_DETAILED].attempts, 2);
	cr_assert_eq(f.v[FINDINGS_DETAILED].seen.last_sec, 900);
	cr_assert_eq(f.by_diagnosis[0][rdpneg_diagnosis_index(
	    rdpneg_find_diagnosis("port-filtered"))].attempts,
	    FINDINGS_DETAILED / 2 + 2);
	findings_free(&f);
}

Test(span, widens_to_each_time)
{
	struct span s = { 0 };

	span_add(&s, 10, 5);
	cr_assert(s.first_sec == 10 && s.last_sec == 10);
	span_add(&s, 10, 1);
	span_add(&s, 12, 0);
	span_add(&s, -3, 7);
	cr_assert(s.first_sec == -3 && s.first_nsec == 7);
	cr_assert(s.last_sec == 12 && s.last_nsec == 0);
}
