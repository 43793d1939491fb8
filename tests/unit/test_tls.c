/*
 * test_tls.c - Criterion tests for the TLS decoder (tls.h): records,
 * handshake messages, hellos, certificate lists and alerts built with the
 * small builder below, every field asserted; every strict prefix of a
 * record or message TRUNCATED, each lying length its malformed status;
 * then the walker (rdpneg_tls_feed) over TLS 1.2 and TLS 1.3 flights, fed
 * at once and byte by byte, and over real bytes (tls_real.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "rdpneg/rdpneg.h"
#include "rdpneg/tls.h"
#include "tls_real.h"

/* ---- a byte builder */

#define TB_MAX	(80 * 1024)

struct tb {
	uint8_t	b[TB_MAX];
	size_t	n;
};

static void
tb_u8(struct tb *t, unsigned v)
{
	cr_assert_lt(t->n, TB_MAX);
	t->b[t->n++] = (uint8_t)v;
}

static void
tb_u16(struct tb *t, unsigned v)
{
	tb_u8(t, v >> 8 & 0xff);
	tb_u8(t, v & 0xff);
}

static void
tb_u24(struct tb *t, unsigned v)
{
	tb_u8(t, v >> 16 & 0xff);
	tb_u16(t, v & 0xffff);
}

static void
tb_bytes(struct tb *t, const void *p, size_t n)
{
	cr_assert_leq(n, TB_MAX - t->n);
	memcpy(t->b + t->n, p, n);
	t->n += n;
}

static void
tb_fill(struct tb *t, unsigned v, size_t n)
{
	while (n-- > 0)
		tb_u8(t, v);
}

/* A vector: tb_open() leaves room for its length, tb_close() writes it. */
static size_t
tb_open(struct tb *t, unsigned lenbytes)
{
	size_t at = t->n;

	tb_fill(t, 0, lenbytes);
	return at;
}

static void
tb_close(struct tb *t, size_t at, unsigned lenbytes)
{
	size_t n = t->n - at - lenbytes, i;

	for (i = 0; i < lenbytes; i++)
		t->b[at + i] = (uint8_t)(n >> (8 * (lenbytes - 1 - i)));
}

static struct tb *
tb_new(void)
{
	struct tb *t = calloc(1, sizeof(*t));

	cr_assert_not_null(t);
	return t;
}

/* A handshake message: type, 24-bit length, body. */
static void
tb_message(struct tb *t, unsigned type, const struct tb *body)
{
	tb_u8(t, type);
	tb_u24(t, (unsigned)body->n);
	tb_bytes(t, body->b, body->n);
}

/* A record: type, version, length, fragment. */
static void
tb_record(struct tb *t, unsigned type, const void *frag, size_t n)
{
	tb_u8(t, type);
	tb_u16(t, RDPNEG_TLS_1_2);
	tb_u16(t, (unsigned)n);
	tb_bytes(t, frag, n);
}

/* What a ClientHello carries. */
struct ch_opts {
	uint16_t	legacy_version;
	const uint16_t	*suites;
	size_t		nsuites;
	const char	*sni;		/* NULL: no server_name */
	const uint16_t	*versions;	/* NULL: no supported_versions */
	size_t		nversions;
	int		no_extensions;
};

static void
tb_client_hello(struct tb *t, const struct ch_opts *o)
{
	size_t v, exts, ext, list, i;

	tb_u16(t, o->legacy_version);
	tb_fill(t, 0x11, 32);			/* random */
	tb_u8(t, 32);				/* session id */
	tb_fill(t, 0x22, 32);
	v = tb_open(t, 2);
	for (i = 0; i < o->nsuites; i++)
		tb_u16(t, o->suites[i]);
	tb_close(t, v, 2);
	tb_u8(t, 1);				/* compression: null */
	tb_u8(t, 0);
	if (o->no_extensions)
		return;
	exts = tb_open(t, 2);
	tb_u16(t, 0xff01);			/* renegotiation_info */
	tb_u16(t, 1);
	tb_u8(t, 0);
	if (o->sni != NULL) {
		tb_u16(t, 0);
		ext = tb_open(t, 2);
		list = tb_open(t, 2);
		tb_u8(t, 0);
		tb_u16(t, (unsigned)strlen(o->sni));
		tb_bytes(t, o->sni, strlen(o->sni));
		tb_close(t, list, 2);
		tb_close(t, ext, 2);
	}
	if (o->versions != NULL) {
		tb_u16(t, 43);
		ext = tb_open(t, 2);
		list = tb_open(t, 1);
		for (i = 0; i < o->nversions; i++)
			tb_u16(t, o->versions[i]);
		tb_close(t, list, 1);
		tb_close(t, ext, 2);
	}
	tb_u16(t, 10);				/* supported_groups */
	tb_u16(t, 4);
	tb_u16(t, 2);
	tb_u16(t, 0x001d);
	tb_close(t, exts, 2);
}

static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c
};

/* A ServerHello; selected != 0 adds supported_versions with it. */
static void
tb_server_hello(struct tb *t, uint16_t suite, uint16_t selected, int hrr)
{
	size_t exts;

	tb_u16(t, RDPNEG_TLS_1_2);
	if (hrr)
		tb_bytes(t, hrr_random, sizeof(hrr_random));
	else
		tb_fill(t, 0x33, 32);
	tb_u8(t, 32);
	tb_fill(t, 0x22, 32);
	tb_u16(t, suite);
	tb_u8(t, 0);
	exts = tb_open(t, 2);
	tb_u16(t, 0xff01);
	tb_u16(t, 1);
	tb_u8(t, 0);
	if (selected != 0) {
		tb_u16(t, 43);
		tb_u16(t, 2);
		tb_u16(t, selected);
	}
	tb_close(t, exts, 2);
}

/* A Certificate body of n entries, entry i of len[i] bytes of 0x30+i. */
static void
tb_certificates(struct tb *t, const size_t *len, size_t n)
{
	size_t list = tb_open(t, 3), i;

	for (i = 0; i < n; i++) {
		tb_u24(t, (unsigned)len[i]);
		tb_fill(t, 0x30 + (unsigned)i, len[i]);
	}
	tb_close(t, list, 3);
}

/* An exact-size heap copy, so that an over-read shows under ASan. */
static uint8_t *
dup_exact(const uint8_t *p, size_t n)
{
	uint8_t *c = malloc(n > 0 ? n : 1);

	cr_assert_not_null(c);
	if (n > 0)
		memcpy(c, p, n);
	return c;
}

static const uint16_t suites3[] = { 0x1301, 0xc02f, 0x00ff };

/* ---- records */

Test(record, fields_and_span)
{
	struct tb *t = tb_new();
	struct rdpneg_tls_record r;
	static const uint8_t frag[] = { 1, 2, 3, 4, 5, 6, 7 };

	tb_record(t, RDPNEG_TLS_HANDSHAKE, frag, sizeof(frag));
	cr_assert_eq(rdpneg_decode_tls_record(t->b, t->n, &r), RDPNEG_OK);
	cr_assert_eq(r.type, RDPNEG_TLS_HANDSHAKE);
	cr_assert_eq(r.version, RDPNEG_TLS_1_2);
	cr_assert_eq(r.length, 7);
	cr_assert_eq(r.size, 12);
	cr_assert_eq(r.fragment.ptr, t->b + 5);
	cr_assert_eq(r.fragment.len, 7);
	/* Followed by more bytes: the same record. */
	tb_record(t, RDPNEG_TLS_ALERT, frag, 2);
	cr_assert_eq(rdpneg_decode_tls_record(t->b, t->n, &r), RDPNEG_OK);
	cr_assert_eq(r.size, 12);
	cr_assert_eq(r.fragment.len, 7);
	cr_assert_eq(rdpneg_decode_tls_record(t->b + 12, t->n - 12, &r),
	    RDPNEG_OK);
	cr_assert_eq(r.type, RDPNEG_TLS_ALERT);
	free(t);
}

Test(record, every_prefix_truncated)
{
	struct tb *t = tb_new();
	struct rdpneg_tls_record r;
	static const uint8_t frag[40];
	uint8_t *c;
	size_t k;

	tb_record(t, RDPNEG_TLS_APPLICATION_DATA, frag, sizeof(frag));
	for (k = 0; k < t->n; k++) {
		c = dup_exact(t->b, k);
		cr_assert_eq(rdpneg_decode_tls_record(c, k, &r),
		    RDPNEG_TRUNCATED, "prefix %zu", k);
		if (k >= 5) {
			cr_assert_eq(r.size, t->n);
			cr_assert_eq(r.fragment.len, k - 5);
			cr_assert_eq(r.fragment.ptr, c + 5);
		} else
			cr_assert_eq(r.fragment.len, 0);
		free(c);
	}
	cr_assert_eq(rdpneg_decode_tls_record(NULL, 0, &r), RDPNEG_TRUNCATED);
	free(t);
}

Test(record, malformed_headers)
{
	static const uint8_t bad[][5] = {
		{ 19, 3, 3, 0, 1 },		/* content type */
		{ 25, 3, 3, 0, 1 },
		{ 0x80, 0x2e, 1, 3, 1 },	/* SSL 2.0 ClientHello */
		{ 22, 2, 0, 0, 1 },		/* major version */
		{ 22, 3, 3, 0x48, 0x01 },	/* 2^14 + 2049 */
		{ 23, 3, 3, 0xff, 0xff },
	};
	struct rdpneg_tls_record r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(rdpneg_decode_tls_record(bad[i], 5, &r),
		    RDPNEG_ERR_TLS_RECORD, "case %zu", i);
	/* Known as soon as the byte that is wrong is there. */
	cr_assert_eq(rdpneg_decode_tls_record(bad[0], 1, &r),
	    RDPNEG_ERR_TLS_RECORD);
	cr_assert_eq(rdpneg_decode_tls_record(bad[3], 2, &r),
	    RDPNEG_ERR_TLS_RECORD);
	/* The largest length allowed, and a zero-length record. */
	{
		static const uint8_t max[] = { 23, 3, 3, 0x48, 0x00 };
		static const uint8_t zero[] = { 23, 3, 1, 0, 0 };

		cr_assert_eq(rdpneg_decode_tls_record(max, 5, &r),
		    RDPNEG_TRUNCATED);
		cr_assert_eq(r.size, 5 + RDPNEG_TLS_RECORD_MAX);
		cr_assert_eq(rdpneg_decode_tls_record(zero, 5, &r),
		    RDPNEG_OK);
		cr_assert_eq(r.size, 5);
		cr_assert_eq(r.version, RDPNEG_TLS_1_0);
	}
}

/* ---- handshake messages */

Test(message, fields_and_prefixes)
{
	struct tb *body = tb_new(), *t = tb_new();
	struct rdpneg_tls_message m;
	uint8_t *c;
	size_t k;

	tb_fill(body, 0xab, 300);
	tb_message(t, RDPNEG_HS_CERTIFICATE, body);
	cr_assert_eq(rdpneg_decode_tls_message(t->b, t->n, &m), RDPNEG_OK);
	cr_assert_eq(m.type, RDPNEG_HS_CERTIFICATE);
	cr_assert_eq(m.length, 300);
	cr_assert_eq(m.size, 304);
	cr_assert_eq(m.body.ptr, t->b + 4);
	cr_assert_eq(m.body.len, 300);
	for (k = 0; k < t->n; k++) {
		c = dup_exact(t->b, k);
		cr_assert_eq(rdpneg_decode_tls_message(c, k, &m),
		    RDPNEG_TRUNCATED, "prefix %zu", k);
		cr_assert_eq(m.body.len, k >= 4 ? k - 4 : 0);
		free(c);
	}
	/* The largest length is only "not yet". */
	{
		static const uint8_t big[] = { 11, 0xff, 0xff, 0xff, 0 };

		cr_assert_eq(rdpneg_decode_tls_message(big, 5, &m),
		    RDPNEG_TRUNCATED);
		cr_assert_eq(m.size, 4 + 0xffffffu);
		cr_assert_eq(m.body.len, 1);
	}
	free(body);
	free(t);
}

/* ---- ClientHello */

Test(client_hello, every_field)
{
	static const uint16_t versions[] = { 0x7a7a, RDPNEG_TLS_1_3,
	    RDPNEG_TLS_1_2 };
	struct ch_opts o = { RDPNEG_TLS_1_2, suites3, 3, "rdp.example.org",
	    versions, 3, 0 };
	struct tb *t = tb_new();
	struct rdpneg_tls_client_hello ch;

	tb_client_hello(t, &o);
	cr_assert_eq(rdpneg_decode_client_hello(t->b, t->n, &ch), RDPNEG_OK);
	cr_assert_eq(ch.flags, RDPNEG_HELLO_SNI |
	    RDPNEG_HELLO_SUPPORTED_VERSIONS);
	cr_assert_eq(ch.legacy_version, RDPNEG_TLS_1_2);
	cr_assert_eq(ch.nsuites, 3);
	cr_assert_eq(ch.suites[0], 0x1301);
	cr_assert_eq(ch.suites[1], 0xc02f);
	cr_assert_eq(ch.suites[2], 0x00ff);
	cr_assert_eq(ch.nversions, 3);
	cr_assert_eq(ch.versions[0], 0x7a7a);	/* GREASE, kept as sent */
	cr_assert_eq(ch.versions[1], RDPNEG_TLS_1_3);
	cr_assert_eq(ch.versions[2], RDPNEG_TLS_1_2);
	cr_assert_eq(ch.sni_len, 15);
	cr_assert_eq(memcmp(ch.sni, "rdp.example.org", 15), 0);
	free(t);
}

Test(client_hello, without_extensions)
{
	struct ch_opts o = { RDPNEG_TLS_1_0, suites3, 3, NULL, NULL, 0, 1 };
	struct tb *t = tb_new();
	struct rdpneg_tls_client_hello ch;

	tb_client_hello(t, &o);
	cr_assert_eq(rdpneg_decode_client_hello(t->b, t->n, &ch), RDPNEG_OK);
	cr_assert_eq(ch.flags, 0);
	cr_assert_eq(ch.legacy_version, RDPNEG_TLS_1_0);
	cr_assert_eq(ch.nsuites, 3);
	cr_assert_eq(ch.nversions, 0);
	cr_assert_eq(ch.sni_len, 0);
	free(t);
}

Test(client_hello, suites_and_versions_beyond_kept)
{
	uint16_t suites[40], versions[12];
	struct ch_opts o = { RDPNEG_TLS_1_2, suites, 40, NULL, versions, 12,
	    0 };
	struct tb *t = tb_new();
	struct rdpneg_tls_client_hello ch;
	size_t i;

	for (i = 0; i < 40; i++)
		suites[i] = (uint16_t)(0xc000 + i);
	for (i = 0; i < 12; i++)
		versions[i] = (uint16_t)(0x0300 + i);
	tb_client_hello(t, &o);
	cr_assert_eq(rdpneg_decode_client_hello(t->b, t->n, &ch), RDPNEG_OK);
	cr_assert_eq(ch.nsuites, 40);
	for (i = 0; i < RDPNEG_TLS_SUITES_MAX; i++)
		cr_assert_eq(ch.suites[i], 0xc000 + i);
	cr_assert_eq(ch.nversions, RDPNEG_TLS_VERSIONS_MAX);
	for (i = 0; i < RDPNEG_TLS_VERSIONS_MAX; i++)
		cr_assert_eq(ch.versions[i], 0x0300 + i);
	free(t);
}

Test(client_hello, sni_cut)
{
	char name[101];
	struct ch_opts o = { RDPNEG_TLS_1_2, suites3, 3, name, NULL, 0, 0 };
	struct tb *t = tb_new();
	struct rdpneg_tls_client_hello ch;
	size_t i;

	for (i = 0; i < 100; i++)
		name[i] = (char)('a' + i % 26);
	name[100] = '\0';
	tb_client_hello(t, &o);
	cr_assert_eq(rdpneg_decode_client_hello(t->b, t->n, &ch), RDPNEG_OK);
	cr_assert_eq(ch.flags, RDPNEG_HELLO_SNI | RDPNEG_HELLO_SNI_CUT);
	cr_assert_eq(ch.sni_len, RDPNEG_TLS_SNI_MAX);
	cr_assert_eq(memcmp(ch.sni, name, RDPNEG_TLS_SNI_MAX), 0);
	/* Exactly the size kept is not cut. */
	name[RDPNEG_TLS_SNI_MAX] = '\0';
	t->n = 0;
	tb_client_hello(t, &o);
	cr_assert_eq(rdpneg_decode_client_hello(t->b, t->n, &ch), RDPNEG_OK);
	cr_assert_eq(ch.flags, RDPNEG_HELLO_SNI);
	cr_assert_eq(ch.sni_len, RDPNEG_TLS_SNI_MAX);
	free(t);
}

/*
 * A body is whole: each strict prefix is malformed, except the one that
 * ends where the extensions begin (a hello without extensions).
 */
Test(client_hello, prefixes_are_malformed)
{
	static const uint16_t versions[] = { RDPNEG_TLS_1_3 };
	struct ch_opts o = { RDPNEG_TLS_1_2, suites3, 3, "h", versions, 1, 0 };
	struct tb *t = tb_new();
	struct rdpneg_tls_client_hello ch;
	size_t k, ext_at = 2 + 32 + 33 + 2 + 6 + 2;
	uint8_t *c;

	tb_client_hello(t, &o);
	for (k = 0; k < t->n; k++) {
		c = dup_exact(t->b, k);
		cr_assert_eq(rdpneg_decode_client_hello(c, k, &ch),
		    k == ext_at ? RDPNEG_OK : RDPNEG_ERR_TLS_HELLO,
		    "prefix %zu", k);
		free(c);
	}
	cr_assert_eq(rdpneg_decode_client_hello(NULL, 0, &ch),
	    RDPNEG_ERR_TLS_HELLO);
	free(t);
}

/* Patch one length of a valid ClientHello; each lie is malformed. */
Test(client_hello, lying_lengths)
{
	static const uint16_t versions[] = { RDPNEG_TLS_1_3 };
	struct ch_opts o = { RDPNEG_TLS_1_2, suites3, 3, "host", versions, 1,
	    0 };
	struct tb *t = tb_new();
	struct rdpneg_tls_client_hello ch;
	uint8_t *c;
	size_t sid = 34, suites = 67, comp = 75, exts = 77, sni_ext, sni_list,
	    sni_name, sv_list, i;
	struct {
		size_t	at;
		int	len2;		/* a 2-byte length, else 1 byte */
		int	delta;
	} lies[8];
	size_t nlies = 0;

	tb_client_hello(t, &o);
	/* renegotiation_info is 5 bytes, then server_name. */
	sni_ext = exts + 2 + 5 + 2;
	sni_list = sni_ext + 2;
	sni_name = sni_list + 2 + 1;
	sv_list = sni_name + 2 + 4 + 4;
	cr_assert_eq(t->b[sv_list - 2], 0);
	cr_assert_eq(t->b[sv_list - 1], 3);
	cr_assert_eq(t->b[sv_list], 2);
	lies[nlies].at = sid, lies[nlies].len2 = 0, lies[nlies++].delta = 200;
	lies[nlies].at = suites, lies[nlies].len2 = 1,
	    lies[nlies++].delta = -1;		/* odd */
	lies[nlies].at = suites, lies[nlies].len2 = 1,
	    lies[nlies++].delta = 1000;
	lies[nlies].at = comp, lies[nlies].len2 = 0,
	    lies[nlies++].delta = 250;
	lies[nlies].at = exts, lies[nlies].len2 = 1, lies[nlies++].delta = 1;
	lies[nlies].at = sni_list, lies[nlies].len2 = 1,
	    lies[nlies++].delta = -1;		/* ends inside the name */
	lies[nlies].at = sni_name, lies[nlies].len2 = 1,
	    lies[nlies++].delta = 1;
	lies[nlies].at = sv_list, lies[nlies].len2 = 0,
	    lies[nlies++].delta = -1;		/* odd */
	for (i = 0; i < nlies; i++) {
		c = dup_exact(t->b, t->n);
		if (lies[i].len2) {
			unsigned v = (unsigned)(c[lies[i].at] << 8 |
			    c[lies[i].at + 1]) + (unsigned)lies[i].delta;

			c[lies[i].at] = (uint8_t)(v >> 8);
			c[lies[i].at + 1] = (uint8_t)v;
		} else
			c[lies[i].at] = (uint8_t)(c[lies[i].at] +
			    lies[i].delta);
		cr_assert_eq(rdpneg_decode_client_hello(c, t->n, &ch),
		    RDPNEG_ERR_TLS_HELLO, "lie %zu", i);
		free(c);
	}
	/* A byte after the extensions. */
	tb_u8(t, 0);
	cr_assert_eq(rdpneg_decode_client_hello(t->b, t->n, &ch),
	    RDPNEG_ERR_TLS_HELLO);
	free(t);
}

/* ---- ServerHello */

Test(server_hello, tls12_without_supported_versions)
{
	struct tb *t = tb_new();
	struct rdpneg_tls_server_hello sh;

	tb_server_hello(t, 0xc030, 0, 0);
	cr_assert_eq(rdpneg_decode_server_hello(t->b, t->n, &sh), RDPNEG_OK);
	cr_assert_eq(sh.flags, 0);
	cr_assert_eq(sh.legacy_version, RDPNEG_TLS_1_2);
	cr_assert_eq(sh.version, RDPNEG_TLS_1_2);
	cr_assert_eq(sh.suite, 0xc030);
	/* Without any extension (RFC 5246 7.4.1.3). */
	t->n -= 2 + 5;
	cr_assert_eq(rdpneg_decode_server_hello(t->b, t->n, &sh), RDPNEG_OK);
	cr_assert_eq(sh.suite, 0xc030);
	free(t);
}

Test(server_hello, tls13_selected_version)
{
	struct tb *t = tb_new();
	struct rdpneg_tls_server_hello sh;
	size_t k;

	tb_server_hello(t, 0x1302, RDPNEG_TLS_1_3, 0);
	cr_assert_eq(rdpneg_decode_server_hello(t->b, t->n, &sh), RDPNEG_OK);
	cr_assert_eq(sh.flags, RDPNEG_HELLO_SUPPORTED_VERSIONS);
	cr_assert_eq(sh.legacy_version, RDPNEG_TLS_1_2);
	cr_assert_eq(sh.version, RDPNEG_TLS_1_3);
	cr_assert_eq(sh.suite, 0x1302);
	/* Every strict prefix is malformed but the one without extensions. */
	for (k = 0; k < t->n; k++) {
		uint8_t *c = dup_exact(t->b, k);

		cr_assert_eq(rdpneg_decode_server_hello(c, k, &sh),
		    k == 2 + 32 + 33 + 3 ? RDPNEG_OK : RDPNEG_ERR_TLS_HELLO,
		    "prefix %zu", k);
		free(c);
	}
	/* A selected_version of 3 bytes. */
	t->n = 0;
	tb_server_hello(t, 0x1302, RDPNEG_TLS_1_3, 0);
	t->b[t->n - 3] = 3;
	tb_u8(t, 0);
	t->b[2 + 32 + 33 + 3 + 1] += 1;
	cr_assert_eq(rdpneg_decode_server_hello(t->b, t->n, &sh),
	    RDPNEG_ERR_TLS_HELLO);
	cr_assert_eq(sh.version, RDPNEG_TLS_1_2);
	free(t);
}

Test(server_hello, hello_retry_request)
{
	struct tb *t = tb_new();
	struct rdpneg_tls_server_hello sh;

	tb_server_hello(t, 0x1301, RDPNEG_TLS_1_3, 1);
	cr_assert_eq(rdpneg_decode_server_hello(t->b, t->n, &sh), RDPNEG_OK);
	cr_assert_eq(sh.flags, RDPNEG_HELLO_RETRY_REQUEST |
	    RDPNEG_HELLO_SUPPORTED_VERSIONS);
	cr_assert_eq(sh.version, RDPNEG_TLS_1_3);
	/* One bit off is an ordinary random. */
	t->b[2 + 31] ^= 1;
	cr_assert_eq(rdpneg_decode_server_hello(t->b, t->n, &sh), RDPNEG_OK);
	cr_assert_eq(sh.flags, RDPNEG_HELLO_SUPPORTED_VERSIONS);
	free(t);
}

Test(server_hello, trailing_byte)
{
	struct tb *t = tb_new();
	struct rdpneg_tls_server_hello sh;

	tb_server_hello(t, 0x1301, 0, 0);
	tb_u8(t, 0);
	cr_assert_eq(rdpneg_decode_server_hello(t->b, t->n, &sh),
	    RDPNEG_ERR_TLS_HELLO);
	free(t);
}

/* ---- Certificate */

Test(certificates, three_and_lying_lengths)
{
	static const size_t len[] = { 700, 500, 3 };
	struct tb *t = tb_new();
	struct rdpneg_tls_certificates cs;
	uint8_t *c;
	size_t k;

	tb_certificates(t, len, 3);
	cr_assert_eq(rdpneg_decode_certificates(t->b, t->n, &cs), RDPNEG_OK);
	cr_assert_eq(cs.count, 3);
	cr_assert_eq(cs.first.ptr, t->b + 6);
	cr_assert_eq(cs.first.len, 700);
	cr_assert_eq(cs.first.ptr[0], 0x30);
	/* Every strict prefix: the list's length lies. */
	for (k = 0; k < t->n; k++) {
		c = dup_exact(t->b, k);
		cr_assert_eq(rdpneg_decode_certificates(c, k, &cs),
		    RDPNEG_ERR_TLS_CERTIFICATE, "prefix %zu", k);
		free(c);
	}
	/* The list longer than the body. */
	c = dup_exact(t->b, t->n);
	c[2]++;
	cr_assert_eq(rdpneg_decode_certificates(c, t->n, &cs),
	    RDPNEG_ERR_TLS_CERTIFICATE);
	/* The list shorter than the body: bytes after it. */
	c[2] -= 2;
	cr_assert_eq(rdpneg_decode_certificates(c, t->n, &cs),
	    RDPNEG_ERR_TLS_CERTIFICATE);
	c[2]++;
	/* The second entry longer than the list. */
	c[3 + 3 + 700 + 2]++;
	cr_assert_eq(rdpneg_decode_certificates(c, t->n, &cs),
	    RDPNEG_ERR_TLS_CERTIFICATE);
	/* ... shorter: the third entry's length is read from DER bytes. */
	c[3 + 3 + 700 + 2] -= 2;
	cr_assert_eq(rdpneg_decode_certificates(c, t->n, &cs),
	    RDPNEG_ERR_TLS_CERTIFICATE);
	free(c);
	/* An empty list. */
	t->n = 0;
	tb_certificates(t, len, 0);
	cr_assert_eq(rdpneg_decode_certificates(t->b, t->n, &cs), RDPNEG_OK);
	cr_assert_eq(cs.count, 0);
	cr_assert_eq(cs.first.len, 0);
	free(t);
}

/* ---- alerts */

Test(alert, two_bytes_only)
{
	static const uint8_t a[] = { 2, 70, 0 };
	struct rdpneg_tls_alert al;

	cr_assert_eq(rdpneg_decode_tls_alert(a, 2, &al), RDPNEG_OK);
	cr_assert_eq(al.level, RDPNEG_ALERT_FATAL);
	cr_assert_eq(al.description, RDPNEG_ALERT_PROTOCOL_VERSION);
	cr_assert_eq(rdpneg_decode_tls_alert(a, 3, &al), RDPNEG_ERR_TLS_ALERT);
	cr_assert_eq(rdpneg_decode_tls_alert(a, 1, &al), RDPNEG_ERR_TLS_ALERT);
	cr_assert_eq(rdpneg_decode_tls_alert(a, 0, &al), RDPNEG_ERR_TLS_ALERT);
	cr_assert_eq(rdpneg_decode_tls_alert(NULL, 0, &al),
	    RDPNEG_ERR_TLS_ALERT);
}

/* ---- the walker */

#define HS_SIZE	RDPNEG_TLS_HANDSHAKE_BUDGET

/* A session: its facts, each direction's stream and handshake buffer. */
struct session {
	struct rdpneg_tls	tls;
	struct tb		stream[2];
	uint8_t			hs[2][HS_SIZE];
};

static struct session *
session_new(void)
{
	struct session *s = calloc(1, sizeof(*s));

	cr_assert_not_null(s);
	return s;
}

/* The bytes of t arrive from one side in frame, in chunks of step bytes
 * (0: at once). */
static enum rdpneg_status
arrive(struct session *s, int from_client, const struct tb *t,
    uint64_t frame, size_t step)
{
	struct tb *st = &s->stream[from_client ? 0 : 1];
	enum rdpneg_status r = RDPNEG_OK;
	size_t done = 0, n;

	while (done < t->n) {
		n = step == 0 || step > t->n - done ? t->n - done : step;
		tb_bytes(st, t->b + done, n);
		done += n;
		r = rdpneg_tls_feed(&s->tls, from_client, st->b, st->n,
		    s->hs[from_client ? 0 : 1], HS_SIZE, frame);
	}
	return r;
}

/* A message in a record of its own. */
static void
tb_message_record(struct tb *t, unsigned type, const struct tb *body)
{
	struct tb *m = tb_new();

	tb_message(m, type, body);
	tb_record(t, RDPNEG_TLS_HANDSHAKE, m->b, m->n);
	free(m);
}

static void
tb_ccs(struct tb *t)
{
	static const uint8_t one = 1;

	tb_record(t, RDPNEG_TLS_CHANGE_CIPHER_SPEC, &one, 1);
}

static void
tb_opaque(struct tb *t, unsigned type, size_t n)
{
	uint8_t *p = calloc(1, n > 0 ? n : 1);

	cr_assert_not_null(p);
	tb_record(t, type, p, n);
	free(p);
}

/* The flights of a TLS 1.2 handshake and a little application data. */
static struct tb *
tls12_flights(void)
{
	static const size_t certlen[] = { 900, 800, 700 };
	struct tb *f = calloc(6, sizeof(*f)), *body = tb_new(), *m = tb_new();
	struct ch_opts o = { RDPNEG_TLS_1_2, suites3, 3, "srv", NULL, 0, 0 };

	cr_assert_not_null(f);
	/* 0 client: ClientHello */
	tb_client_hello(body, &o);
	tb_message_record(&f[0], RDPNEG_HS_CLIENT_HELLO, body);
	/* 1 server: ServerHello, Certificate, ServerHelloDone, one record */
	body->n = 0;
	tb_server_hello(body, 0xc02f, 0, 0);
	tb_message(m, RDPNEG_HS_SERVER_HELLO, body);
	body->n = 0;
	tb_certificates(body, certlen, 3);
	tb_message(m, RDPNEG_HS_CERTIFICATE, body);
	body->n = 0;
	tb_message(m, RDPNEG_HS_SERVER_HELLO_DONE, body);
	tb_record(&f[1], RDPNEG_TLS_HANDSHAKE, m->b, m->n);
	/* 2 client: ClientKeyExchange, CCS, Finished (encrypted) */
	body->n = 0;
	tb_fill(body, 0x44, 66);
	tb_message_record(&f[2], RDPNEG_HS_CLIENT_KEY_EXCHANGE, body);
	tb_ccs(&f[2]);
	tb_opaque(&f[2], RDPNEG_TLS_HANDSHAKE, 40);
	/* 3 server: CCS, Finished */
	tb_ccs(&f[3]);
	tb_opaque(&f[3], RDPNEG_TLS_HANDSHAKE, 40);
	/* 4 client: application data; 5 server: application data */
	tb_opaque(&f[4], RDPNEG_TLS_APPLICATION_DATA, 300);
	tb_opaque(&f[5], RDPNEG_TLS_APPLICATION_DATA, 120);
	free(body);
	free(m);
	return f;
}

static void
play(struct session *s, const struct tb *flights, const int *from_client,
    size_t n, size_t step)
{
	size_t i;

	for (i = 0; i < n; i++)
		arrive(s, from_client[i], &flights[i], 10 + i, step);
}

static const int tls12_sides[] = { 1, 0, 1, 0, 1, 0 };

Test(walker, tls12_handshake)
{
	struct session *s = session_new();
	struct tb *f = tls12_flights();
	const struct rdpneg_tls *tls = &s->tls;
	const struct rdpneg_tls_dir *c = &tls->dir[0], *sv = &tls->dir[1];

	play(s, f, tls12_sides, 6, 0);
	cr_assert_eq(tls->have, RDPNEG_TLS_HAVE_CLIENT_HELLO |
	    RDPNEG_TLS_HAVE_SERVER_HELLO | RDPNEG_TLS_HAVE_CERTIFICATE);
	cr_assert_eq(tls->client_hello_frame, 10);
	cr_assert_eq(tls->server_hello_frame, 11);
	cr_assert_eq(tls->client_hello.sni_len, 3);
	cr_assert_eq(tls->server_hello.suite, 0xc02f);
	cr_assert_eq(rdpneg_tls_version(tls), RDPNEG_TLS_1_2);
	cr_assert_eq(rdpneg_tls_client_max_version(tls), RDPNEG_TLS_1_2);
	cr_assert(rdpneg_tls_client_offered_suite(tls, 0xc02f));
	cr_assert(!rdpneg_tls_client_offered_suite(tls, 0xc030));
	cr_assert_eq(tls->cert_count, 3);
	cr_assert_eq(tls->cert_frame, 11);
	/* ServerHello message, then the Certificate's headers. */
	cr_assert_eq(tls->cert_off, (4 + 2 + 32 + 33 + 3 + 2 + 5) + 4 + 3 + 3);
	cr_assert_eq(tls->cert_len, 900);
	cr_assert_eq(s->hs[1][tls->cert_off], 0x30);
	cr_assert_eq(s->hs[1][tls->cert_off + 899], 0x30);
	cr_assert_eq(s->hs[1][tls->cert_off + 900 + 3], 0x31);

	cr_assert_eq(c->messages, 1u << RDPNEG_HS_CLIENT_HELLO |
	    1u << RDPNEG_HS_CLIENT_KEY_EXCHANGE | 1u << RDPNEG_HS_FINISHED);
	cr_assert_eq(sv->messages, 1u << RDPNEG_HS_SERVER_HELLO |
	    1u << RDPNEG_HS_CERTIFICATE | 1u << RDPNEG_HS_SERVER_HELLO_DONE |
	    1u << RDPNEG_HS_FINISHED);
	cr_assert_eq(c->records, 5);
	cr_assert_eq(sv->records, 4);
	cr_assert_eq(c->ccs, 1);
	cr_assert_eq(sv->ccs, 1);
	cr_assert_eq(c->encrypted, 1);
	cr_assert_eq(sv->encrypted, 1);
	cr_assert_eq(c->first_frame, 10);
	cr_assert_eq(c->last_frame, 14);
	cr_assert_eq(sv->first_frame, 11);
	cr_assert_eq(sv->last_frame, 15);
	cr_assert_eq(c->consumed, s->stream[0].n);
	cr_assert_eq(sv->consumed, s->stream[1].n);
	cr_assert_eq(c->hs_len, c->hs_parsed);
	cr_assert_eq(sv->hs_len, sv->hs_parsed);
	cr_assert_eq(c->status, RDPNEG_OK);
	cr_assert_eq(sv->status, RDPNEG_OK);
	cr_assert_eq(c->nalerts + sv->nalerts, 0);

	cr_assert_eq(tls->napp, 2);
	cr_assert_eq(tls->napp_total, 2);
	cr_assert_eq(tls->app[0].length, 300);
	cr_assert_eq(tls->app[0].from_client, 1);
	cr_assert_eq(tls->app[0].handshake, 0);
	cr_assert_eq(tls->app[0].frame, 14);
	cr_assert_eq(tls->app[1].length, 120);
	cr_assert_eq(tls->app[1].from_client, 0);
	cr_assert_eq(tls->app[1].handshake, 0);
	cr_assert(!rdpneg_tls_decided(tls));
	free(f);
	free(s);
}

static void
assert_same(const struct session *a, const struct session *b)
{
	const struct rdpneg_tls *x = &a->tls, *y = &b->tls;
	size_t i;

	cr_assert_eq(x->have, y->have);
	cr_assert_eq(memcmp(&x->client_hello.suites, &y->client_hello.suites,
	    sizeof(x->client_hello.suites)), 0);
	cr_assert_eq(x->client_hello.nsuites, y->client_hello.nsuites);
	cr_assert_eq(x->client_hello.flags, y->client_hello.flags);
	cr_assert_eq(x->server_hello.version, y->server_hello.version);
	cr_assert_eq(x->server_hello.flags, y->server_hello.flags);
	cr_assert_eq(x->client_hello_frame, y->client_hello_frame);
	cr_assert_eq(x->server_hello_frame, y->server_hello_frame);
	cr_assert_eq(x->cert_count, y->cert_count);
	cr_assert_eq(x->cert_off, y->cert_off);
	cr_assert_eq(x->cert_len, y->cert_len);
	cr_assert_eq(x->cert_frame, y->cert_frame);
	for (i = 0; i < 2; i++) {
		const struct rdpneg_tls_dir *p = &x->dir[i], *q = &y->dir[i];

		cr_assert_eq(p->consumed, q->consumed);
		cr_assert_eq(p->hs_len, q->hs_len);
		cr_assert_eq(p->hs_parsed, q->hs_parsed);
		cr_assert_eq(memcmp(a->hs[i], b->hs[i], p->hs_len), 0);
		cr_assert_eq(p->encrypted, q->encrypted);
		cr_assert_eq(p->status, q->status);
		cr_assert_eq(p->messages, q->messages);
		cr_assert_eq(p->records, q->records);
		cr_assert_eq(p->ccs, q->ccs);
		cr_assert_eq(p->nalerts, q->nalerts);
		cr_assert_eq(p->first_frame, q->first_frame);
		cr_assert_eq(p->last_frame, q->last_frame);
	}
	cr_assert_eq(x->napp, y->napp);
	cr_assert_eq(x->napp_total, y->napp_total);
	for (i = 0; i < x->napp; i++) {
		cr_assert_eq(x->app[i].length, y->app[i].length);
		cr_assert_eq(x->app[i].from_client, y->app[i].from_client);
		cr_assert_eq(x->app[i].handshake, y->app[i].handshake);
		cr_assert_eq(x->app[i].frame, y->app[i].frame);
	}
}

Test(walker, byte_by_byte_same_as_at_once)
{
	struct session *a = session_new(), *b = session_new();
	struct tb *f = tls12_flights();

	play(a, f, tls12_sides, 6, 0);
	play(b, f, tls12_sides, 6, 1);
	assert_same(a, b);
	cr_assert_eq(b->tls.have & RDPNEG_TLS_HAVE_CERTIFICATE,
	    RDPNEG_TLS_HAVE_CERTIFICATE);
	free(f);
	free(a);
	free(b);
}

Test(walker, message_split_across_three_records)
{
	static const size_t certlen[] = { 2000, 1000 };
	struct session *s = session_new();
	struct tb *body = tb_new(), *m = tb_new(), *rec = tb_new();
	size_t cut1 = 5, cut2 = 1500;

	tb_certificates(body, certlen, 2);
	tb_message(m, RDPNEG_HS_CERTIFICATE, body);
	tb_record(rec, RDPNEG_TLS_HANDSHAKE, m->b, cut1);
	cr_assert_eq(arrive(s, 0, rec, 1, 0), RDPNEG_OK);
	rec->n = 0;
	tb_record(rec, RDPNEG_TLS_HANDSHAKE, m->b + cut1, cut2 - cut1);
	cr_assert_eq(arrive(s, 0, rec, 2, 0), RDPNEG_OK);
	cr_assert_eq(s->tls.have, 0);
	cr_assert_eq(s->tls.dir[1].hs_parsed, 0);
	cr_assert_eq(s->tls.dir[1].hs_len, cut2);
	rec->n = 0;
	tb_record(rec, RDPNEG_TLS_HANDSHAKE, m->b + cut2, m->n - cut2);
	cr_assert_eq(arrive(s, 0, rec, 3, 0), RDPNEG_OK);
	cr_assert_eq(s->tls.have, RDPNEG_TLS_HAVE_CERTIFICATE);
	cr_assert_eq(s->tls.cert_frame, 3);
	cr_assert_eq(s->tls.cert_count, 2);
	cr_assert_eq(s->tls.cert_off, 4 + 3 + 3);
	cr_assert_eq(s->tls.cert_len, 2000);
	cr_assert_eq(s->tls.dir[1].hs_parsed, m->n);
	cr_assert_eq(s->tls.dir[1].records, 3);
	cr_assert_eq(s->tls.dir[1].messages, 1u << RDPNEG_HS_CERTIFICATE);
	free(body);
	free(m);
	free(rec);
	free(s);
}

/*
 * TLS 1.3 (RFC 8446 2): ClientHello; ServerHello, CCS, then the server's
 * encrypted flight (3 records); the client's CCS and Finished; then
 * application data and a NewSessionTicket.
 */
Test(walker, tls13_flight)
{
	static const uint16_t versions[] = { 0x2a2a, RDPNEG_TLS_1_3,
	    RDPNEG_TLS_1_2 };
	struct ch_opts o = { RDPNEG_TLS_1_2, suites3, 3, "h", versions, 3, 0 };
	struct session *s = session_new();
	struct tb *t = tb_new(), *body = tb_new();
	const struct rdpneg_tls *tls = &s->tls;
	static const struct {
		uint16_t	length;
		uint8_t		from_client, handshake;
		uint64_t	frame;
	} want[] = {
		{ 100, 0, 1, 2 }, { 900, 0, 1, 2 }, { 300, 0, 1, 3 },
		{ 53, 1, 1, 4 }, { 400, 1, 0, 5 }, { 200, 0, 0, 6 },
		{ 250, 0, 0, 6 },
	};
	size_t i;

	tb_client_hello(body, &o);
	tb_message_record(t, RDPNEG_HS_CLIENT_HELLO, body);
	arrive(s, 1, t, 1, 0);
	t->n = 0;
	body->n = 0;
	tb_server_hello(body, 0x1301, RDPNEG_TLS_1_3, 0);
	tb_message_record(t, RDPNEG_HS_SERVER_HELLO, body);
	tb_ccs(t);
	tb_opaque(t, RDPNEG_TLS_APPLICATION_DATA, 100);
	tb_opaque(t, RDPNEG_TLS_APPLICATION_DATA, 900);
	arrive(s, 0, t, 2, 0);
	cr_assert_eq(tls->dir[1].encrypted, 1);
	t->n = 0;
	tb_opaque(t, RDPNEG_TLS_APPLICATION_DATA, 300);
	arrive(s, 0, t, 3, 0);
	t->n = 0;
	tb_ccs(t);
	tb_opaque(t, RDPNEG_TLS_APPLICATION_DATA, 53);
	arrive(s, 1, t, 4, 0);
	cr_assert_eq(tls->dir[0].ccs, 1);
	cr_assert_eq(tls->dir[0].encrypted, 0);	/* only for middleboxes */
	t->n = 0;
	tb_opaque(t, RDPNEG_TLS_APPLICATION_DATA, 400);
	arrive(s, 1, t, 5, 0);
	t->n = 0;
	tb_opaque(t, RDPNEG_TLS_APPLICATION_DATA, 200);
	tb_opaque(t, RDPNEG_TLS_HANDSHAKE, 250);	/* cannot be clear */
	arrive(s, 0, t, 6, 0);

	cr_assert_eq(rdpneg_tls_version(tls), RDPNEG_TLS_1_3);
	cr_assert_eq(rdpneg_tls_client_max_version(tls), RDPNEG_TLS_1_3);
	cr_assert_eq(tls->have, RDPNEG_TLS_HAVE_CLIENT_HELLO |
	    RDPNEG_TLS_HAVE_SERVER_HELLO);
	cr_assert_eq(tls->dir[1].messages, 1u << RDPNEG_HS_SERVER_HELLO);
	cr_assert_eq(tls->dir[1].ccs, 1);
	cr_assert_eq(tls->napp, sizeof(want) / sizeof(want[0]));
	cr_assert_eq(tls->napp_total, tls->napp);
	for (i = 0; i < tls->napp; i++) {
		cr_assert_eq(tls->app[i].length, want[i].length, "%zu", i);
		cr_assert_eq(tls->app[i].from_client, want[i].from_client,
		    "%zu", i);
		cr_assert_eq(tls->app[i].handshake, want[i].handshake, "%zu",
		    i);
		cr_assert_eq(tls->app[i].frame, want[i].frame, "%zu", i);
	}
	free(t);
	free(body);
	free(s);
}

/* A HelloRetryRequest: the server's CCS after it and the client's change
 * nothing; the second ClientHello and the ServerHello are read. */
Test(walker, hello_retry_request)
{
	static const uint16_t versions[] = { RDPNEG_TLS_1_3 };
	struct ch_opts o = { RDPNEG_TLS_1_2, suites3, 3, "first", versions, 1,
	    0 };
	struct session *s = session_new();
	struct tb *t = tb_new(), *body = tb_new();
	const struct rdpneg_tls *tls = &s->tls;

	tb_client_hello(body, &o);
	tb_message_record(t, RDPNEG_HS_CLIENT_HELLO, body);
	arrive(s, 1, t, 1, 0);
	t->n = 0;
	body->n = 0;
	tb_server_hello(body, 0x1301, RDPNEG_TLS_1_3, 1);
	tb_message_record(t, RDPNEG_HS_SERVER_HELLO, body);
	tb_ccs(t);
	arrive(s, 0, t, 2, 0);
	cr_assert_eq(tls->server_hello.flags & RDPNEG_HELLO_RETRY_REQUEST,
	    RDPNEG_HELLO_RETRY_REQUEST);
	cr_assert_eq(tls->dir[1].encrypted, 0);
	t->n = 0;
	body->n = 0;
	o.sni = "second";
	tb_ccs(t);
	tb_client_hello(body, &o);
	tb_message_record(t, RDPNEG_HS_CLIENT_HELLO, body);
	arrive(s, 1, t, 3, 0);
	cr_assert_eq(tls->dir[0].encrypted, 0);
	cr_assert_eq(tls->client_hello_frame, 3);
	cr_assert_eq(tls->client_hello.sni_len, 6);
	t->n = 0;
	body->n = 0;
	tb_server_hello(body, 0x1301, RDPNEG_TLS_1_3, 0);
	tb_message_record(t, RDPNEG_HS_SERVER_HELLO, body);
	tb_opaque(t, RDPNEG_TLS_APPLICATION_DATA, 700);
	arrive(s, 0, t, 4, 0);
	cr_assert_eq(tls->server_hello.flags, RDPNEG_HELLO_SUPPORTED_VERSIONS);
	cr_assert_eq(tls->server_hello_frame, 4);
	cr_assert_eq(tls->dir[1].encrypted, 1);
	cr_assert_eq(tls->napp, 1);
	cr_assert_eq(tls->app[0].handshake, 1);
	free(t);
	free(body);
	free(s);
}

Test(walker, records_cut)
{
	struct session *s = session_new();
	struct tb *t = tb_new();
	size_t i;

	for (i = 0; i < RDPNEG_TLS_RECORDS_MAX + 6; i++) {
		t->n = 0;
		tb_opaque(t, RDPNEG_TLS_APPLICATION_DATA, 10 + i);
		arrive(s, (int)(i % 2), t, i, 0);
		cr_assert_eq(rdpneg_tls_decided(&s->tls),
		    i >= RDPNEG_TLS_RECORDS_MAX, "%zu", i);
	}
	cr_assert_eq(s->tls.napp, RDPNEG_TLS_RECORDS_MAX);
	cr_assert_eq(s->tls.napp_total, RDPNEG_TLS_RECORDS_MAX + 6);
	cr_assert_eq(s->tls.have, RDPNEG_TLS_RECORDS_CUT);
	cr_assert_eq(s->tls.app[RDPNEG_TLS_RECORDS_MAX - 1].length,
	    10 + RDPNEG_TLS_RECORDS_MAX - 1);
	free(t);
	free(s);
}

Test(walker, stream_budget)
{
	struct session *s = session_new();
	struct tb *t = tb_new();
	size_t i;

	/* Four records of 16005 bytes fit in 65536, the fifth does not. */
	for (i = 0; i < 5; i++)
		tb_opaque(t, RDPNEG_TLS_APPLICATION_DATA, 16000);
	cr_assert_eq(arrive(s, 1, t, 1, 0), RDPNEG_TRUNCATED);
	cr_assert_eq(s->tls.dir[0].status, RDPNEG_TRUNCATED);
	cr_assert_eq(s->tls.dir[0].consumed, 4 * 16005);
	cr_assert_eq(s->tls.dir[0].records, 4);
	cr_assert_eq(s->tls.have & RDPNEG_TLS_BUDGET_SPENT,
	    RDPNEG_TLS_BUDGET_SPENT);
	cr_assert(!rdpneg_tls_decided(&s->tls));
	/* Not walked again. */
	cr_assert_eq(rdpneg_tls_feed(&s->tls, 1, t->b, t->n, s->hs[0],
	    HS_SIZE, 2), RDPNEG_TRUNCATED);
	cr_assert_eq(s->tls.dir[0].records, 4);
	/* The server too: decided. */
	cr_assert_eq(arrive(s, 0, t, 3, 0), RDPNEG_TRUNCATED);
	cr_assert(rdpneg_tls_decided(&s->tls));
	cr_assert_leq(s->tls.dir[1].consumed, RDPNEG_TLS_STREAM_BUDGET);
	free(t);
	free(s);
}

/* A record that does not fit in what is left of the handshake buffer. */
Test(walker, handshake_buffer_full)
{
	struct rdpneg_tls tls;
	struct tb *t = tb_new(), *body = tb_new();
	uint8_t hs[100];

	memset(&tls, 0, sizeof(tls));
	tb_fill(body, 0, 60);
	tb_message_record(t, RDPNEG_HS_SERVER_KEY_EXCHANGE, body);
	tb_message_record(t, RDPNEG_HS_SERVER_KEY_EXCHANGE, body);
	cr_assert_eq(rdpneg_tls_feed(&tls, 0, t->b, t->n, hs, sizeof(hs), 1),
	    RDPNEG_TRUNCATED);
	cr_assert_eq(tls.dir[1].status, RDPNEG_TRUNCATED);
	cr_assert_eq(tls.dir[1].hs_len, 64);
	cr_assert_eq(tls.dir[1].records, 2);
	cr_assert_eq(tls.have & RDPNEG_TLS_BUDGET_SPENT,
	    RDPNEG_TLS_BUDGET_SPENT);
	free(t);
	free(body);
}

Test(walker, alerts_and_decided)
{
	static const uint8_t warn[] = { 1, 0 }, fatal[] = { 2, 48 };
	struct session *s = session_new();
	struct tb *t = tb_new();

	tb_record(t, RDPNEG_TLS_ALERT, warn, 2);
	arrive(s, 1, t, 7, 0);
	cr_assert(!rdpneg_tls_decided(&s->tls));
	cr_assert_eq(s->tls.dir[0].nalerts, 1);
	t->n = 0;
	tb_record(t, RDPNEG_TLS_ALERT, fatal, 2);
	arrive(s, 0, t, 8, 0);
	cr_assert_eq(s->tls.dir[1].nalerts, 1);
	cr_assert_eq(s->tls.dir[1].alert.level, RDPNEG_ALERT_FATAL);
	cr_assert_eq(s->tls.dir[1].alert.description, RDPNEG_ALERT_UNKNOWN_CA);
	cr_assert_eq(s->tls.dir[1].alert_frame, 8);
	cr_assert(rdpneg_tls_decided(&s->tls));
	/* The first alert is kept; all are counted. */
	t->n = 0;
	tb_record(t, RDPNEG_TLS_ALERT, fatal, 2);
	arrive(s, 1, t, 9, 0);
	cr_assert_eq(s->tls.dir[0].nalerts, 2);
	cr_assert_eq(s->tls.dir[0].alert.level, RDPNEG_ALERT_WARNING);
	cr_assert_eq(s->tls.dir[0].alert_frame, 7);
	free(t);
	free(s);
}

Test(walker, malformed_stops_one_direction)
{
	static const uint8_t three[] = { 2, 40, 0 };
	struct session *s = session_new();
	struct tb *t = tb_new(), *junk = tb_new();

	tb_record(t, RDPNEG_TLS_ALERT, three, 3);
	cr_assert_eq(arrive(s, 0, t, 1, 0), RDPNEG_ERR_TLS_ALERT);
	cr_assert_eq(s->tls.dir[1].status, RDPNEG_ERR_TLS_ALERT);
	cr_assert(!rdpneg_tls_decided(&s->tls));
	tb_fill(junk, 0x47, 20);		/* "GGGG": not TLS */
	cr_assert_eq(arrive(s, 1, junk, 2, 0), RDPNEG_ERR_TLS_RECORD);
	cr_assert_eq(s->tls.dir[0].status, RDPNEG_ERR_TLS_RECORD);
	cr_assert_eq(s->tls.dir[0].records, 0);
	cr_assert(rdpneg_tls_decided(&s->tls));
	/* And stays so. */
	cr_assert_eq(arrive(s, 0, t, 3, 0), RDPNEG_ERR_TLS_ALERT);
	cr_assert_eq(s->tls.dir[1].records, 1);
	free(t);
	free(junk);
	free(s);
}

Test(walker, malformed_hello)
{
	struct session *s = session_new();
	struct tb *t = tb_new(), *body = tb_new();
	struct ch_opts o = { RDPNEG_TLS_1_2, suites3, 3, NULL, NULL, 0, 0 };

	tb_client_hello(body, &o);
	body->b[2 + 32 + 33 + 1] = 7;		/* odd suites length */
	tb_message_record(t, RDPNEG_HS_CLIENT_HELLO, body);
	cr_assert_eq(arrive(s, 1, t, 1, 0), RDPNEG_ERR_TLS_HELLO);
	cr_assert_eq(s->tls.dir[0].status, RDPNEG_ERR_TLS_HELLO);
	cr_assert_eq(s->tls.have, 0);
	cr_assert_eq(s->tls.dir[0].messages, 1u << RDPNEG_HS_CLIENT_HELLO);
	free(t);
	free(body);
	free(s);
}

/* ---- real bytes (tls_real.h; the values as tshark 4.0 shows them) */

Test(real, windows7_to_2008r2)
{
	static const uint16_t suites[12] = { 0x002f, 0x0035, 0x0005, 0x000a,
	    0xc013, 0xc014, 0xc009, 0xc00a, 0x0032, 0x0038, 0x0013, 0x0004 };
	struct session *a = session_new(), *b = session_new();
	struct tb *f = calloc(2, sizeof(*f));
	static const int sides[] = { 1, 0 };
	const struct rdpneg_tls *tls = &a->tls;
	size_t i;

	cr_assert_not_null(f);
	tb_bytes(&f[0], real_client_hello, sizeof(real_client_hello));
	tb_bytes(&f[1], real_server_flight, sizeof(real_server_flight));
	play(a, f, sides, 2, 0);
	play(b, f, sides, 2, 1);
	assert_same(a, b);
	cr_assert_eq(tls->have, RDPNEG_TLS_HAVE_CLIENT_HELLO |
	    RDPNEG_TLS_HAVE_SERVER_HELLO | RDPNEG_TLS_HAVE_CERTIFICATE);
	cr_assert_eq(tls->client_hello.legacy_version, RDPNEG_TLS_1_0);
	cr_assert_eq(tls->client_hello.nsuites, 12);
	for (i = 0; i < 12; i++)
		cr_assert_eq(tls->client_hello.suites[i], suites[i]);
	cr_assert_eq(tls->client_hello.flags, RDPNEG_HELLO_SNI);
	cr_assert_eq(tls->client_hello.sni_len, 13);
	cr_assert_eq(memcmp(tls->client_hello.sni, "192.168.1.150", 13), 0);
	cr_assert_eq(rdpneg_tls_client_max_version(tls), RDPNEG_TLS_1_0);
	cr_assert_eq(rdpneg_tls_version(tls), RDPNEG_TLS_1_0);
	cr_assert_eq(tls->server_hello.suite, 0x002f);
	cr_assert_eq(tls->cert_count, 1);
	cr_assert_eq(tls->cert_len, 766);
	cr_assert_eq(tls->cert_off, 4 + 70 + 4 + 3 + 3);
	cr_assert_eq(a->hs[1][tls->cert_off], 0x30);	/* DER SEQUENCE */
	cr_assert_eq(tls->dir[1].messages, 1u << RDPNEG_HS_SERVER_HELLO |
	    1u << RDPNEG_HS_CERTIFICATE | 1u << RDPNEG_HS_SERVER_HELLO_DONE);
	cr_assert_eq(tls->dir[1].consumed, sizeof(real_server_flight));
	free(f);
	free(a);
	free(b);
}

/* ---- names */

static size_t
tok_count(const struct rdpneg_tok *t)
{
	size_t n = 0;

	for (; t->name != NULL; t++)
		n++;
	return n;
}

static void
assert_distinct(const struct rdpneg_tok *t)
{
	size_t i, j, n = tok_count(t);

	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++) {
			cr_assert_neq(t[i].value, t[j].value, "%s", t[i].name);
			cr_assert_str_neq(t[i].name, t[j].name);
		}
}

Test(names, tables)
{
	static const struct rdpneg_tok *const tables[] = {
		rdpneg_tls_version_names, rdpneg_tls_content_names,
		rdpneg_tls_handshake_names, rdpneg_tls_alert_names,
		rdpneg_tls_alert_level_names, rdpneg_tls_suite_names,
	};
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		assert_distinct(tables[i]);
	cr_assert_str_eq(rdpneg_tok_str(rdpneg_tls_version_names,
	    RDPNEG_TLS_1_2), "TLS 1.2");
	cr_assert_str_eq(rdpneg_tok_str(rdpneg_tls_version_names,
	    RDPNEG_SSL_3_0), "SSL 3.0");
	cr_assert_str_eq(rdpneg_tok_str(rdpneg_tls_content_names, 23),
	    "application_data");
	cr_assert_str_eq(rdpneg_tok_str(rdpneg_tls_handshake_names, 11),
	    "certificate");
	cr_assert_str_eq(rdpneg_tok_str(rdpneg_tls_alert_names, 70),
	    "protocol_version");
	cr_assert_str_eq(rdpneg_tok_str(rdpneg_tls_alert_names, 0),
	    "close_notify");
	cr_assert_str_eq(rdpneg_tok_str(rdpneg_tls_alert_level_names, 2),
	    "fatal");
	cr_assert_str_eq(rdpneg_tok_str(rdpneg_tls_suite_names, 0xc030),
	    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
	cr_assert_str_eq(rdpneg_tok_str(rdpneg_tls_suite_names, 0x1301),
	    "TLS_AES_128_GCM_SHA256");
	cr_assert_str_eq(rdpneg_tok_str(rdpneg_tls_suite_names, 0x00ff),
	    "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
	cr_assert_str_eq(rdpneg_tok_str(rdpneg_tls_suite_names, 0x5600),
	    "TLS_FALLBACK_SCSV");
	cr_assert_str_eq(rdpneg_tok_str(rdpneg_tls_suite_names, 0x000a),
	    "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
	cr_assert_null(rdpneg_tok_str(rdpneg_tls_suite_names, 0x0a0a));
	cr_assert_geq(tok_count(rdpneg_tls_suite_names), 60);
	cr_assert_eq(tok_count(rdpneg_tls_alert_names), 34);
	/* The suites every real ClientHello above offers have names. */
	cr_assert_not_null(rdpneg_tok_str(rdpneg_tls_suite_names, 0x0032));
}

Test(names, statuses)
{
	int s;

	for (s = RDPNEG_ERR_TLS_RECORD; s <= RDPNEG_ERR_TLS_ALERT; s++) {
		cr_assert(rdpneg_status_is_malformed((enum rdpneg_status)s));
		cr_assert_not_null(strstr(rdpneg_status_str(
		    (enum rdpneg_status)s), "TLS"), "%d", s);
	}
}
