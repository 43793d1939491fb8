/*
 * fuzz_report.c - libFuzzer target: chains, the knowledge base and every
 * report format on attempt records whose every field comes from the input.
 *
 * The records are built as the tracker emits them (fuzz_tracker.c checks
 * the same rules on the real tracker): have bits agree with the outcome,
 * a token only with RDPNEG_EV_TOKEN and at most RDPNEG_TOKEN_MAX
 * bytes, frames after the first, texts NUL-terminated.  Within those
 * rules everything is arbitrary: 64-bit times, addresses from a small set
 * (so chains form) or from the input, token bytes with NULs, controls and
 * invalid UTF-8, malformed and incomplete texts, the file's path and
 * libpcap's error text.
 *
 * Input: a 4-byte header (window, flags, number of captures, number of
 * items), then each item's fields in order (see build_item), then the
 * path and error texts; missing bytes read as zero.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/fmt.h"
#include "report/report.h"
#include "analysis/analysis.h"
#include "report/summary.h"
#include "fuzz_check.h"
#include "fuzz_format.h"
#include "rdpneg/kb.h"

#define MAX_ITEMS	8

static const uint8_t addrs[4][16] = {
	{ 192, 0, 2, 1 },
	{ 192, 0, 2, 10 },
	{ 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
	{ 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 },
};

static void
pick_addr(struct fuzz_in *in, uint8_t sel, uint8_t addr[16])
{
	const uint8_t *p;
	size_t n;

	if (sel & 4) {		/* from the input */
		memset(addr, 0, 16);
		n = in_bytes(in, 16, &p);
		memcpy(addr, p, n);
	} else
		memcpy(addr, addrs[sel & 3], 16);
}

/* A NUL-terminated copy of up to max input bytes (NULs cut it short). */
static char *
in_text(struct fuzz_in *in, size_t max)
{
	const uint8_t *p;
	size_t n = in_bytes(in, max, &p);
	char *s = malloc(n + 1);

	CHECK(s != NULL);
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Facts of a record, one input bit each; the rest follows from them. */
static unsigned
have_bits(uint8_t b)
{
	static const unsigned bit[8] = {
		RDPNEG_EV_REQUEST, RDPNEG_EV_REQ_NEG, RDPNEG_EV_CORRELATION,
		RDPNEG_EV_TOKEN, RDPNEG_EV_RSP_NEG, RDPNEG_EV_NON_RDP_ANSWER,
		RDPNEG_EV_CLIENT_NEXT | RDPNEG_EV_CC_REFS,
		RDPNEG_EV_SERVER_NEXT,
	};
	unsigned have = 0;
	int k;

	for (k = 0; k < 8; k++)
		if (b & (1u << k))
			have |= bit[k];
	return have;
}

static void
build_item(struct fuzz_in *in, struct attempt_item *it, int64_t *t,
    uint64_t *frame)
{
	struct rdpneg_attempt *a = &it->a;
	uint8_t sel = in_u8(in), flags = in_u8(in);
	const uint8_t *tok = NULL, *pdu;
	size_t tlen = 0, n;
	char *mal = NULL, *inc = NULL, *o;
	size_t mlen, ilen;

	memset(it, 0, sizeof(*it));
	a->family = (sel & 0x80) ? 6 : 4;
	pick_addr(in, sel, a->client.addr);
	pick_addr(in, (uint8_t)(sel >> 3), a->server.addr);
	a->client.port = in_u16(in);
	a->server.port = (sel & 0x40) ? in_u16(in) : 3389;

	/* Times: close steps (chains) or anywhere in int64. */
	if (flags & 0x80)
		*t = (int64_t)in_u64(in);
	else
		*t = (int64_t)((uint64_t)*t + in_u16(in));
	a->ts_sec = *t;
	a->ts_nsec = in_u32(in) % 1000000000u;
	*frame += 1 + in_u8(in);
	a->first_frame = (flags & 0x40) ? 1 + (in_u64(in) >> 1) : *frame;
	a->request_frame = in_u8(in) ? a->first_frame + in_u8(in) : 0;
	a->response_frame = in_u8(in) ? a->first_frame + in_u16(in) : 0;

	a->ev.have = have_bits(in_u8(in));
	a->ev.outcome = (enum rdpneg_outcome)(in_u8(in) % RDPNEG_OUTCOME_COUNT);
	a->ev.end = (enum rdpneg_end)(in_u8(in) % RDPNEG_END_COUNT);
	a->ev.request_flags = in_u8(in);
	a->ev.requested = (flags & 1) ? in_u32(in) : in_u8(in) & 0x1f;
	n = in_bytes(in, 16, &pdu);
	memcpy(a->ev.correlation_id, pdu, n);
	a->ev.response_type = (flags & 2) ? RDPNEG_TYPE_FAILURE : RDPNEG_TYPE_RSP;
	a->ev.response_flags = in_u8(in);
	a->ev.response_value = (flags & 4) ? in_u32(in) : in_u8(in) & 0x1f;
	a->ev.cc_src_ref = in_u16(in);
	a->ev.client_next = in_u8(in);
	a->ev.server_next = in_u8(in);
	a->response_pdu_len = in_bytes(in, RDPNEG_PDU_KEEP, &pdu);
	memcpy(a->response_pdu, pdu, a->response_pdu_len);

	/* What classify() allows with each outcome. */
	switch (a->ev.outcome) {
	case RDPNEG_OUTCOME_SELECTED:
	case RDPNEG_OUTCOME_FAILURE:
		a->ev.have |= RDPNEG_EV_CONFIRM | RDPNEG_EV_RSP_NEG;
		a->ev.response_type = a->ev.outcome == RDPNEG_OUTCOME_SELECTED ?
		    RDPNEG_TYPE_RSP : RDPNEG_TYPE_FAILURE;
		break;
	case RDPNEG_OUTCOME_LEGACY:
		a->ev.have |= RDPNEG_EV_CONFIRM;
		a->ev.have &= ~RDPNEG_EV_RSP_NEG;
		break;
	case RDPNEG_OUTCOME_NO_RESPONSE:
		a->ev.have &= ~(RDPNEG_EV_CONFIRM | RDPNEG_EV_RSP_NEG);
		break;
	case RDPNEG_OUTCOME_REFUSED:
		a->ev.end = RDPNEG_END_RST_SERVER;
		/* fall through */
	case RDPNEG_OUTCOME_UNANSWERED:
		a->ev.have &= ~(RDPNEG_EV_CONFIRM | RDPNEG_EV_RSP_NEG);
		/* fall through */
	default:
		a->ev.have &= ~(RDPNEG_EV_REQUEST | RDPNEG_EV_REQ_NEG |
		    RDPNEG_EV_CORRELATION | RDPNEG_EV_TOKEN);
		break;
	}
	if (a->ev.have & (RDPNEG_EV_REQ_NEG | RDPNEG_EV_CORRELATION |
	    RDPNEG_EV_TOKEN))
		a->ev.have |= RDPNEG_EV_REQUEST;
	if (a->ev.have & RDPNEG_EV_RSP_NEG)
		a->ev.have |= RDPNEG_EV_CONFIRM;
	if (a->ev.have & RDPNEG_EV_REQUEST)
		a->ev.have |= RDPNEG_EV_REQUEST_BEGAN;
	/* What follows a PDU is only recorded after it (evidence.h). */
	if (!(a->ev.have & RDPNEG_EV_REQUEST))
		a->ev.have &= ~RDPNEG_EV_CLIENT_NEXT;
	if (!(a->ev.have & RDPNEG_EV_CONFIRM))
		a->ev.have &= ~(RDPNEG_EV_SERVER_NEXT | RDPNEG_EV_CC_REFS);

	/* Token: up to RDPNEG_TOKEN_MAX bytes, any values. */
	if (a->ev.have & RDPNEG_EV_TOKEN) {
		uint8_t kind = in_u8(in);

		tlen = in_u8(in);
		if (kind & 0x80)	/* long: up to the limit */
			tlen = tlen * 2 + 2;
		if (tlen > RDPNEG_TOKEN_MAX)
			tlen = RDPNEG_TOKEN_MAX;
		if (tlen > in->n)
			tlen = in->n;
		tok = in->p;
		in->p += tlen;
		in->n -= tlen;
		a->ev.token_kind = (enum rdpneg_token_kind)(1 + kind % 5);
		a->token_len = tlen;
		a->ev.token_value_off = tlen ? in_u8(in) % (tlen + 1) : 0;
	}
	if (flags & 8)
		mal = in_text(in, 255);
	if (flags & 0x10) {
		inc = in_text(in, RDPNEG_TEXT_MAX - 1);
		if (inc[0] == '\0') {
			free(inc);
			inc = NULL;
		}
	}

	/* One allocation, as analyze.c keeps them. */
	mlen = mal != NULL ? strlen(mal) + 1 : 0;
	ilen = inc != NULL ? strlen(inc) + 1 : 0;
	o = malloc(tlen + mlen + ilen + 1);
	CHECK(o != NULL);
	it->owned = o;
	if (a->ev.have & RDPNEG_EV_TOKEN) {
		memcpy(o, tok, tlen);
		a->token = (const uint8_t *)o;
	}
	o += tlen;
	if (mal != NULL) {
		memcpy(o, mal, mlen);
		a->malformed = o;
		o += mlen;
	}
	if (inc != NULL) {
		memcpy(o, inc, ilen);
		a->incomplete = o;
	}
	/* The marks the model sets with those facts. */
	if (mal != NULL)
		a->ev.have |= RDPNEG_EV_MALFORMED;
	if (rdpneg_is_scanner(a->token, a->token_len,
	    (a->ev.have & RDPNEG_EV_REQ_NEG) != 0, a->ev.requested))
		a->ev.have |= RDPNEG_EV_SCANNER;
	free(mal);
	free(inc);
}

/* A writer of knowledge-base text: rdpneg_expand or rdpneg_format_step. */
typedef size_t (*kb_writer)(const void *, const struct rdpneg_evidence *,
    char *, size_t);

static size_t
write_text(const void *text, const struct rdpneg_evidence *ev, char *buf,
    size_t size)
{
	return rdpneg_expand(text, ev, buf, size);
}

static size_t
write_step(const void *step, const struct rdpneg_evidence *ev, char *buf,
    size_t size)
{
	return rdpneg_format_step(step, ev, buf, size);
}

/* A text written into exact-size buffers: a NUL-terminated prefix. */
static void
check_written(kb_writer write, const void *what,
    const struct rdpneg_evidence *ev, int thorough)
{
	static const size_t sizes[] = { 1, 2, 3, 4, 6, 9, 14, 21, 32, 40 };
	char *full;
	size_t need, k, got;

	CHECK(what != NULL);
	need = write(what, ev, NULL, 0);
	full = malloc(need + 1);
	CHECK(full != NULL);
	CHECK(write(what, ev, full, need + 1) == need);
	CHECK(strlen(full) == need);
	for (k = 0; thorough && k < sizeof(sizes) / sizeof(sizes[0]) &&
	    sizes[k] <= need + 1; k++) {
		size_t i = sizes[k];
		char *b = malloc(i);

		CHECK(b != NULL);
		memset(b, 'Z', i);
		CHECK(write(what, ev, b, i) == need);
		CHECK(nul_within(b, i));
		got = strlen(b);
		CHECK(memcmp(b, full, got) == 0);
		free(b);
	}
	free(full);
}

static void
check_expand(const char *text, const struct rdpneg_evidence *ev,
    int thorough)
{
	check_written(write_text, text, ev, thorough);
}

/* Every step written; those that apply are some of them, at least one. */
static void
check_steps(const struct rdpneg_diagnosis *d,
    const struct rdpneg_evidence *ev, int thorough)
{
	const struct rdpneg_step *out[RDPNEG_STEPS_MAX];
	size_t i, n, k;

	for (i = 0; d->remediation[i].text != NULL; i++) {
		CHECK(i + 1 < RDPNEG_STEPS_MAX);
		check_written(write_step, &d->remediation[i], ev, thorough);
	}
	n = rdpneg_select_steps(d, RDPNEG_SERVER_XRDP, ev, out,
	    RDPNEG_STEPS_MAX);
	CHECK(n > 0 && n <= i);
	for (k = 0; k < n; k++)
		CHECK(out[k] >= d->remediation && out[k] < d->remediation + i);
}

/* Every text of a diagnosis expanded (thorough: into small buffers). */
static void
check_diagnosis(const struct rdpneg_diagnosis *d,
    const struct rdpneg_evidence *ev, int thorough)
{
	size_t i;

	CHECK(d != NULL);
	CHECK(d->id != NULL && rdpneg_find_diagnosis(d->id) == d);
	CHECK((unsigned)d->confidence <= RDPNEG_CONFIDENCE_LOW);
	check_expand(d->summary, ev, thorough);
	check_expand(d->confidence_why, ev, thorough);
	check_expand(d->explanation, ev, thorough);
	check_expand(d->server_settings, ev, thorough);
	CHECK(d->remediation != NULL && d->references != NULL);
	check_steps(d, ev, thorough);
	for (i = 0; d->references[i] != NULL; i++)
		check_expand(d->references[i], ev, thorough);
}

static void
build_capture(struct fuzz_in *in, struct capture_result *r,
    struct attempt_list *l, size_t nitems, uint8_t flags, char **path,
    char **error)
{
	int64_t t = (int64_t)in_u32(in);
	uint64_t frame = 0;
	size_t i;

	memset(r, 0, sizeof(*r));
	l->items = calloc(nitems ? nitems : 1, sizeof(*l->items));
	CHECK(l->items != NULL);
	l->cap = nitems ? nitems : 1;
	for (i = 0; i < nitems; i++)
		build_item(in, &l->items[i], &t, &frame);
	l->n = nitems;
	r->stats.attempts = nitems;
	r->stats.packets = (flags & 0x20) ? in_u64(in) : frame;
	r->stats.cut_packets = in_u8(in);
	r->stats.ip_fragments = in_u8(in);
	r->stats.overflow = (flags & 0x40) ? in_u64(in) : 0;
	r->stats.bad_packets = in_u8(in);
	r->stats.linktype = (int)(int16_t)in_u16(in);
	r->stats.first_sec = (int64_t)in_u64(in);
	r->stats.first_nsec = in_u32(in) % 1000000000u;
	r->stats.last_sec = (int64_t)in_u64(in);
	r->stats.last_nsec = in_u32(in) % 1000000000u;
	r->size = in_u64(in);
	if (flags & 0x80)
		memcpy(r->sha256, "0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef", 65);
	*path = in_text(in, 200);
	r->path = (*path)[0] != '\0' ? *path : "capture.pcap";
	*error = in_text(in, sizeof(r->error) - 1);
	r->unreadable = (*error)[0] != '\0';
	memcpy(r->error, *error, strlen(*error) + 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct capture_result res[2];
	struct attempt_list lists[2];
	char *path[2], *error[2];
	uint32_t window;
	uint8_t flags;
	size_t ncap, c, i;

	window = in_u16(&in) % 86401u;
	flags = in_u8(&in);
	ncap = 1 + (flags & 1);

	/* The knowledge base on evidence no capture could give. */
	{
		struct rdpneg_evidence ev;
		char *text;

		rdpneg_init_evidence(&ev);
		ev.have = in_u8(&in) & 0x7f;
		ev.outcome = (enum rdpneg_outcome)(in_u8(&in) %
		    RDPNEG_OUTCOME_COUNT);
		ev.end = (enum rdpneg_end)(in_u8(&in) % RDPNEG_END_COUNT);
		ev.requested = in_u32(&in);
		ev.request_flags = in_u8(&in);
		ev.response_type = in_u8(&in);
		ev.response_flags = in_u8(&in);
		ev.response_value = in_u32(&in);
		ev.chain_length = 1 + in_u8(&in);
		ev.chain_position = 1 + in_u8(&in) % ev.chain_length;
		check_diagnosis(rdpneg_diagnose(&ev), &ev, 1);
		for (i = 0; i < rdpneg_nrules; i++)
			(void)rdpneg_match_evidence(&rdpneg_rules[i].match,
			    &ev);
		/* Placeholders and conditions in a text from the input,
		 * with and without evidence, and as a step's text and
		 * command. */
		text = in_text(&in, 120);
		check_expand(text, &ev, 1);
		check_expand(text, NULL, 0);
		{
			struct rdpneg_step step = {
				.server = (enum rdpneg_server)(in_u8(&in) %
				    RDPNEG_SERVER_COUNT),
				.text = text, .command = text
			};

			check_written(write_step, &step, &ev, 1);
		}
		free(text);
	}

	for (c = 0; c < ncap; c++) {
		size_t nitems = in_u8(&in) % (MAX_ITEMS + 1);

		build_capture(&in, &res[c], &lists[c], nitems, flags,
		    &path[c], &error[c]);
		(void)chain_and_diagnose(&lists[c], window, 0);
		for (i = 0; i < lists[c].n; i++) {
			const struct attempt_item *it = &lists[c].items[i];

			CHECK(it->chain_id >= 1 && it->final_diag != NULL);
			CHECK(it->a.ev.chain_position >= 1 &&
			    it->a.ev.chain_position <= it->a.ev.chain_length);
			check_diagnosis(it->diag, &it->a.ev, i == 0);
			if (i < 2)
				fuzz_format_attempt(&it->a);
		}
	}

	fuzz_report_all(res, lists, ncap, (flags >> 1) & 1);
	for (c = 0; c < ncap; c++) {
		attempt_list_free(&lists[c]);
		free(path[c]);
		free(error[c]);
	}
	return 0;
}
