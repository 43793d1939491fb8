/*
 * state.c - an attempt packed for the interchange and read back (state.h).
 *
 * The bytes are the analysis's structs as this build lays them out, which
 * is why a state is only read by the same build: the header of a shard
 * names the layout, and the merge refuses another.  A state read back is
 * still untrusted (a damaged or forged file): every length and index is
 * checked here, and every field the reports rely on by
 * attempt_item_check().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/base64.h>

#include "rdpneg/kb.h"
#include "rdpneg/mcs.h"
#include "rdpneg/tls.h"
#include "rdpneg/x509.h"
#include "shard/state.h"
#include "rdpneg_version.h"

/* The packed attempt: the item (its pointers cleared), what they pointed
 * to as indices and lengths, then the structs and texts in this order. */
struct packed {
	struct attempt_item	it;
	uint32_t		diag;		/* rule index + 1; 0: none */
	uint32_t		final_diag;
	uint32_t		server;		/* fingerprint index + 1 */
	uint32_t		tls;		/* 1: a struct rdpneg_tls follows */
	uint32_t		mcs;		/* ... a struct rdpneg_mcs */
	uint32_t		cert;		/* ... a struct rdpneg_cert */
	uint32_t		token;		/* 1: a token of a.token_len */
	uint32_t		malformed;	/* bytes with the NUL; 0: none */
	uint32_t		incomplete;
};

/* Each part starts 8-aligned in a malloc'd buffer. */
_Static_assert(sizeof(struct packed) % 8 == 0, "packed is 8-aligned");
_Static_assert(sizeof(struct rdpneg_tls) % 8 == 0, "tls is 8-aligned");
_Static_assert(sizeof(struct rdpneg_mcs) % 8 == 0, "mcs is 8-aligned");

#define PACKED_MAX	(sizeof(struct packed) + sizeof(struct rdpneg_tls) + \
	sizeof(struct rdpneg_mcs) + sizeof(struct rdpneg_cert) + \
	RDPNEG_TOKEN_MAX + SHARD_STATE_TEXT_MAX)

const char *
shard_state_layout(void)
{
	static char layout[256];
	const union { uint16_t u; uint8_t b[2]; } order = { 1 };
	uint32_t h = 2166136261u;	/* FNV-1a of the tables' names */
	const char *p;
	size_t i;

	if (layout[0] != '\0')
		return layout;
	for (i = 0; i < rdpneg_nrules; i++)
		for (p = rdpneg_rules[i].diagnosis.id; ; p++) {
			h = (h ^ (uint8_t)*p) * 16777619u;
			if (*p == '\0')
				break;
		}
	for (i = 0; i < rdpneg_nserver_fingerprints; i++)
		h = (h ^ (uint32_t)rdpneg_server_fingerprints[i].server) *
		    16777619u;
	snprintf(layout, sizeof(layout), "rdpneg %s state 1 item %zu tls %zu "
	    "mcs %zu cert %zu %s-endian rules %zu/%zu kb %08x",
	    RDPNEG_VERSION, sizeof(struct attempt_item),
	    sizeof(struct rdpneg_tls), sizeof(struct rdpneg_mcs),
	    sizeof(struct rdpneg_cert), order.b[0] ? "little" : "big",
	    rdpneg_nrules, rdpneg_nserver_fingerprints, h);
	return layout;
}

static int
reserve(void *pp, size_t *size, size_t need)
{
	void **p = pp, *q;

	if (need <= *size)
		return 0;
	if ((q = realloc(*p, need)) == NULL)
		return -1;
	*p = q;
	*size = need;
	return 0;
}

size_t
shard_state_squeeze(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t i = 0, o = 0, run;

	while (i < len) {
		if (in[i] != 0) {
			out[o++] = in[i++];
			continue;
		}
		for (run = 0; i < len && in[i] == 0 && run < 255; i++)
			run++;
		out[o++] = 0;
		out[o++] = (uint8_t)run;
	}
	return o;
}

/* shard_state_squeeze() undone into out (size bytes): the length, or (size_t)-1.
 * The bytes between two runs are copied at once. */
static size_t
unsqueeze(const uint8_t *in, size_t len, uint8_t *out, size_t size)
{
	const uint8_t *zero;
	size_t i = 0, o = 0, run, n;

	while (i < len) {
		zero = memchr(in + i, 0, len - i);
		n = (zero != NULL ? (size_t)(zero - in) : len) - i;
		if (n > size - o)
			return (size_t)-1;
		memcpy(out + o, in + i, n);
		o += n;
		i += n;
		if (i == len)
			break;
		if (i + 1 == len || (run = in[i + 1]) == 0 || run > size - o)
			return (size_t)-1;
		memset(out + o, 0, run);
		o += run;
		i += 2;
	}
	return o;
}

/* Each base64 character's value plus one (RFC 4648); 0: not one. */
static const uint8_t base64_value[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6,
	['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12,
	['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17,
	['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22,
	['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27,
	['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
	['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37,
	['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
	['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47,
	['v'] = 48, ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52,
	['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57,
	['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62,
	['+'] = 63, ['/'] = 64
};

/*
 * Base64 with its padding (as base64_encode_raw writes it) into out, at
 * least len / 4 * 3 bytes: their number, or (size_t)-1.  Nettle's decoder
 * takes one character per call: a tenth of the merge's time.
 */
static size_t
unbase64(const char *in, size_t len, uint8_t *out)
{
	const uint8_t *p = (const uint8_t *)in;
	uint32_t a, b, c, d;
	size_t i, o = 0, pad = 0;

	if (len % 4 != 0)
		return (size_t)-1;
	if (len > 0 && in[len - 1] == '=')
		pad = len > 1 && in[len - 2] == '=' ? 2 : 1;
	for (i = 0; i < len; i += 4) {
		a = base64_value[p[i]];
		b = base64_value[p[i + 1]];
		c = i + 4 == len && pad == 2 ? 1 : base64_value[p[i + 2]];
		d = i + 4 == len && pad >= 1 ? 1 : base64_value[p[i + 3]];
		if (a == 0 || b == 0 || c == 0 || d == 0)
			return (size_t)-1;
		a = (a - 1) << 18 | (b - 1) << 12 | (c - 1) << 6 | (d - 1);
		out[o++] = (uint8_t)(a >> 16);
		out[o++] = (uint8_t)(a >> 8);
		out[o++] = (uint8_t)a;
	}
	return o - pad;
}

static uint32_t
index_of_server(const struct rdpneg_server_fingerprint *f)
{
	return f != NULL ? (uint32_t)(f - rdpneg_server_fingerprints) + 1 : 0;
}

static uint32_t
index_of_diag(const struct rdpneg_diagnosis *d)
{
	return d != NULL ? (uint32_t)rdpneg_diagnosis_index(d) + 1 : 0;
}

int
shard_state_encode(const struct attempt_item *it, struct state_buf *b)
{
	struct packed h;
	uint8_t *raw;
	size_t len = 0, squeezed, need;

	memset(&h, 0, sizeof(h));
	h.it = *it;
	h.it.owned = NULL;
	h.it.a.token = NULL;
	h.it.a.malformed = h.it.a.incomplete = NULL;
	h.it.a.cert = NULL;
	h.it.a.ev.tls = NULL;
	h.it.a.ev.mcs = NULL;
	h.it.diag = h.it.final_diag = NULL;
	h.it.server = NULL;
	h.diag = index_of_diag(it->diag);
	h.final_diag = index_of_diag(it->final_diag);
	h.server = index_of_server(it->server);
	h.tls = it->a.ev.tls != NULL;
	h.mcs = it->a.ev.mcs != NULL;
	h.cert = it->a.cert != NULL;
	h.token = it->a.token != NULL;
	if (it->a.malformed != NULL)
		h.malformed = (uint32_t)strlen(it->a.malformed) + 1;
	if (it->a.incomplete != NULL)
		h.incomplete = (uint32_t)strlen(it->a.incomplete) + 1;
	need = sizeof(h) + sizeof(struct rdpneg_tls) +
	    sizeof(struct rdpneg_mcs) + sizeof(struct rdpneg_cert) +
	    (h.token ? it->a.token_len : 0) + h.malformed + h.incomplete;
	/* The packed bytes, then room to squeeze them (twice as long at
	 * worst). */
	if (reserve(&b->raw, &b->raw_size, 3 * need) < 0)
		return -1;
	raw = b->raw;
#define PUT(p, n) do { memcpy(raw + len, (p), (n)); len += (n); } while (0)
	PUT(&h, sizeof(h));
	if (h.tls)
		PUT(it->a.ev.tls, sizeof(struct rdpneg_tls));
	if (h.mcs)
		PUT(it->a.ev.mcs, sizeof(struct rdpneg_mcs));
	if (h.cert)
		PUT(it->a.cert, sizeof(struct rdpneg_cert));
	if (h.token)
		PUT(it->a.token, it->a.token_len);
	if (h.malformed)
		PUT(it->a.malformed, h.malformed);
	if (h.incomplete)
		PUT(it->a.incomplete, h.incomplete);
#undef PUT
	squeezed = shard_state_squeeze(raw, len, raw + len);
	if (reserve(&b->p, &b->size, BASE64_ENCODE_RAW_LENGTH(squeezed)) < 0)
		return -1;
	base64_encode_raw(b->p, squeezed, raw + len);
	b->len = BASE64_ENCODE_RAW_LENGTH(squeezed);
	return 0;
}

/* A text of n bytes (with its NUL) at p: NUL-ended, no NUL before. */
static int
whole_text(const uint8_t *p, size_t n)
{
	return n == 0 || memchr(p, '\0', n) == p + n - 1;
}

int
shard_state_decode(const char *text, size_t len, struct state_buf *b,
    struct attempt_item *it, const char **why)
{
	struct rdpneg_attempt a;
	struct packed h;
	const uint8_t *p;
	size_t squeezed, n, need;

	memset(it, 0, sizeof(*it));
	if (reserve(&b->raw, &b->raw_size, BASE64_DECODE_LENGTH(len) +
	    PACKED_MAX) < 0) {
		*why = "out of memory";
		return -1;
	}
	if ((squeezed = unbase64(text, len, b->raw)) == (size_t)-1) {
		*why = "the state is not base64";
		return -1;
	}
	n = unsqueeze(b->raw, squeezed, b->raw + squeezed, PACKED_MAX);
	p = b->raw + squeezed;
	if (n == (size_t)-1 || n < sizeof(h)) {
		*why = "the state is cut short or too long";
		return -1;
	}
	memcpy(&h, p, sizeof(h));
	if (h.tls > 1 || h.mcs > 1 || h.cert > 1 || h.token > 1 ||
	    h.it.a.token_len > RDPNEG_TOKEN_MAX ||
	    h.malformed > SHARD_STATE_TEXT_MAX / 2 ||
	    h.incomplete > SHARD_STATE_TEXT_MAX / 2) {
		*why = "a length in the state is out of range";
		return -1;
	}
	if (h.diag == 0 || h.diag > rdpneg_nrules || h.final_diag == 0 ||
	    h.final_diag > rdpneg_nrules ||
	    h.server > rdpneg_nserver_fingerprints) {
		*why = "a diagnosis or server index is out of range";
		return -1;
	}
	need = sizeof(h) + h.tls * sizeof(struct rdpneg_tls) +
	    h.mcs * sizeof(struct rdpneg_mcs) +
	    h.cert * sizeof(struct rdpneg_cert) +
	    h.token * h.it.a.token_len + h.malformed + h.incomplete;
	if (n != need) {
		*why = "the state's length does not match its parts";
		return -1;
	}
	a = h.it.a;
	p += sizeof(h);
	a.ev.tls = h.tls ? (const struct rdpneg_tls *)(const void *)p : NULL;
	p += h.tls * sizeof(struct rdpneg_tls);
	a.ev.mcs = h.mcs ? (const struct rdpneg_mcs *)(const void *)p : NULL;
	p += h.mcs * sizeof(struct rdpneg_mcs);
	a.cert = h.cert ? (const struct rdpneg_cert *)(const void *)p : NULL;
	p += h.cert * sizeof(struct rdpneg_cert);
	a.token = h.token ? p : NULL;
	if (!h.token)
		a.token_len = 0;
	p += a.token_len;
	if (!whole_text(p, h.malformed) ||
	    !whole_text(p + h.malformed, h.incomplete)) {
		*why = "a text in the state is not NUL-terminated";
		return -1;
	}
	a.malformed = h.malformed ? (const char *)p : NULL;
	a.incomplete = h.incomplete ? (const char *)p + h.malformed : NULL;
	if (attempt_item_init(it, &a) < 0) {
		*why = "out of memory";
		return -1;
	}
	it->diag = &rdpneg_rules[h.diag - 1].diagnosis;
	it->final_diag = &rdpneg_rules[h.final_diag - 1].diagnosis;
	it->server = h.server ? &rdpneg_server_fingerprints[h.server - 1] :
	    NULL;
	it->class = h.it.class;
	it->chain_id = h.it.chain_id;
	it->final_frame = h.it.final_frame;
	it->final_outcome = h.it.final_outcome;
	it->final_fell_back = h.it.final_fell_back;
	if ((*why = attempt_item_check(it)) != NULL) {
		free(it->owned);
		memset(it, 0, sizeof(*it));
		return -1;
	}
	return 0;
}

void
shard_state_buf_free(struct state_buf *b)
{
	free(b->p);
	free(b->raw);
	memset(b, 0, sizeof(*b));
}
