/*
 * fuzz_pipeline.c - libFuzzer target: capture-file bytes through libpcap,
 * packet.c, the tracker, chains and diagnoses (analyze_stream), then every
 * report format, as the rdpneg command runs them.
 *
 * Input: a flag byte, then the file (or its packet records):
 *   bits 0-1  0: the bytes are the whole file
 *             1: a pcap header is prepended (bit 2: nanosecond magic,
 *                bit 5: big-endian), link type from bits 3-4 and 6
 *             2: a pcapng Section Header and Interface Description
 *                block are prepended (same link type selector)
 *             3: the whole file, small tables: 2 connections, idle
 *                timeout 1 s, ports 3389 and 13389, chain window 0
 *   bit 7     report every attempt (-a)
 * The stream is a fopencookie() over the bytes (as the CLI's input.c
 * gives libpcap), so the harness can check that it was closed.
 * Reports go to /dev/null; the summary-only run too.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "report/report.h"
#include "analysis/analysis.h"
#include "report/summary.h"
#include "fuzz_check.h"
#include "fuzz_format.h"

/* LINKTYPE_* values of the file header (tcpdump.org/linktypes.html). */
static const uint16_t linktypes[8] = {
	1,	/* ETHERNET */
	0,	/* NULL (BSD loopback) */
	108,	/* LOOP */
	101,	/* RAW */
	113,	/* LINUX_SLL */
	276,	/* LINUX_SLL2 */
	228,	/* IPV4 */
	229,	/* IPV6 */
};

struct membuf {
	const uint8_t	*p;
	size_t		 n;
	size_t		 off;
	int		 closed;
};

static ssize_t
mem_read(void *cookie, char *buf, size_t size)
{
	struct membuf *m = cookie;
	size_t n = m->n - m->off < size ? m->n - m->off : size;

	memcpy(buf, m->p + m->off, n);
	m->off += n;
	return (ssize_t)n;
}

static int
mem_close(void *cookie)
{
	((struct membuf *)cookie)->closed = 1;
	return 0;
}

static void
put16(uint8_t *p, uint16_t v, int be)
{
	p[be ? 0 : 1] = (uint8_t)(v >> 8);
	p[be ? 1 : 0] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v, int be)
{
	put16(p + (be ? 0 : 2), (uint16_t)(v >> 16), be);
	put16(p + (be ? 2 : 0), (uint16_t)v, be);
}

/* The file header the flag byte asks for; returns its length. */
static size_t
make_header(uint8_t flag, uint8_t *h)
{
	uint16_t lt = linktypes[((flag >> 3) & 3) | ((flag >> 4) & 4)];
	int be = (flag >> 5) & 1;

	switch (flag & 3) {
	case 1:
		put32(h, (flag & 4) ? 0xa1b23c4du : 0xa1b2c3d4u, be);
		put16(h + 4, 2, be);
		put16(h + 6, 4, be);
		put32(h + 8, 0, be);		/* thiszone */
		put32(h + 12, 0, be);		/* sigfigs */
		put32(h + 16, 65535, be);	/* snaplen */
		put32(h + 20, lt, be);
		return 24;
	case 2:
		put32(h, 0x0a0d0d0au, be);	/* SHB */
		put32(h + 4, 28, be);
		put32(h + 8, 0x1a2b3c4du, be);
		put16(h + 12, 1, be);
		put16(h + 14, 0, be);
		put32(h + 16, 0xffffffffu, be);	/* section length -1 */
		put32(h + 20, 0xffffffffu, be);
		put32(h + 24, 28, be);
		put32(h + 28, 1, be);		/* IDB */
		put32(h + 32, 20, be);
		put16(h + 36, lt, be);
		put16(h + 38, 0, be);
		put32(h + 40, 65535, be);	/* snaplen */
		put32(h + 44, 20, be);
		return 48;
	default:
		return 0;
	}
}

/* Keep the attempts as the window hands them over. */
static void
keep(const struct attempt_item *it, void *arg)
{
	CHECK(attempt_list_push(arg, it) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cookie_io_functions_t io = { mem_read, NULL, NULL, mem_close };
	struct analysis_config cfg;
	struct capture_result res;
	struct attempt_list list = { NULL, 0, 0 };
	struct membuf m;
	uint8_t *buf, flag;
	size_t hlen, i;
	FILE *fp;

	if (size < 1)
		return 0;
	flag = data[0];
	buf = malloc(48 + size);
	CHECK(buf != NULL);
	hlen = make_header(flag, buf);
	memcpy(buf + hlen, data + 1, size - 1);
	memset(&m, 0, sizeof(m));
	m.p = buf;
	m.n = hlen + size - 1;

	memset(&cfg, 0, sizeof(cfg));
	rdpneg_init_config(&cfg.capture);
	cfg.chain_window = 60;
	if ((flag & 3) == 3) {
		cfg.capture.max_connections = 2;
		cfg.capture.idle_timeout = 1;
		cfg.capture.ports[cfg.capture.nports++] = 13389;
		cfg.chain_window = 0;
	}
	memset(&res, 0, sizeof(res));
	res.path = "fuzz.pcap";
	res.size = m.n;
	memcpy(res.sha256, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855", 65);

	fp = fopencookie(&m, "r", io);
	CHECK(fp != NULL);
	analyze_stream(fp, &cfg, &res, keep, &list);
	CHECK(m.closed);
	if (!res.unreadable)
		CHECK(res.error[0] == '\0' || nul_within(res.error,
		    sizeof(res.error)));
	CHECK(nul_within(res.error, sizeof(res.error)));
	CHECK(res.stats.attempts == list.n);
	for (i = 0; i < list.n; i++) {
		CHECK(list.items[i].diag != NULL);
		CHECK(list.items[i].final_diag != NULL);
		CHECK(list.items[i].chain_id >= 1);
		if (i > 0)
			CHECK(list.items[i - 1].a.first_frame <=
			    list.items[i].a.first_frame);
	}

	fuzz_report_all(&res, &list, 1, (flag >> 7) & 1);
	attempt_list_free(&list);
	free(buf);
	return 0;
}
