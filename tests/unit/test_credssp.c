/*
 * test_credssp.c - Criterion tests for CredSSP progress inferred from
 * record lengths (credssp.h) and the words of the TLS facts
 * (tls_text.h).  The record shapes are those of real sessions: the
 * freerdp-shadow-cli peers in captures/peers/ (TLS 1.2 AES-GCM and TLS
 * 1.3) and the decrypted Windows sessions of
 * ../shared/captures-public/awakecoding__wireshark-rdp/.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <criterion/criterion.h>

#include "rdpneg/credssp.h"
#include "rdpneg/tls_text.h"
#include "rdpneg/x509.h"

#define GCM384	0xc030	/* TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 */
#define CHACHA	0xcca8	/* TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 */
#define CBC_SHA	0xc014	/* TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA */

enum { C = 1, S = 0, H = 2 };	/* from the client, the server; handshake */

static struct rdpneg_tls tls;
static struct rdpneg_evidence ev;

/* A session selecting protocol, version and suite, then records: each
 * an int, length * 4 + flags (C, H). */
static void
session(uint32_t protocol, uint16_t version, uint16_t suite,
    const int *records, size_t n, enum rdpneg_end end)
{
	size_t i;

	memset(&tls, 0, sizeof(tls));
	rdpneg_init_evidence(&ev);
	ev.have = RDPNEG_EV_REQUEST | RDPNEG_EV_REQ_NEG | RDPNEG_EV_RSP_NEG |
	    RDPNEG_EV_CONFIRM;
	ev.requested = 0xb;
	ev.response_type = RDPNEG_TYPE_RSP;
	ev.response_value = protocol;
	ev.end = end;
	tls.have = RDPNEG_TLS_HAVE_CLIENT_HELLO | RDPNEG_TLS_HAVE_SERVER_HELLO;
	tls.server_hello.version = version;
	tls.server_hello.suite = suite;
	for (i = 0; i < n; i++) {
		tls.app[i].length = (uint16_t)(records[i] / 4);
		tls.app[i].from_client = (records[i] & C) != 0;
		tls.app[i].handshake = (records[i] & H) != 0;
		tls.app[i].frame = 100 + i;
	}
	tls.napp = (uint8_t)n;
	tls.napp_total = (uint32_t)n;
	ev.tls = &tls;
}

#define R(len, flags)	((len) * 4 + (flags))
#define SESSION(p, v, s, end, ...) do {					\
	static const int recs[] = { __VA_ARGS__ };			\
	session((p), (v), (s), recs, sizeof(recs) / sizeof(recs[0]),	\
	    (end));							\
} while (0)

static struct rdpneg_credssp
infer(void)
{
	struct rdpneg_credssp c;

	rdpneg_infer_credssp(&ev, &c);
	return c;
}

static const char *
stage_name(enum rdpneg_credssp_stage s)
{
	return rdpneg_tok_str(rdpneg_credssp_stage_names, s);
}

#define STAGE_IS(c, want) cr_assert_eq((c).stage, (want), "stage %s, want %s", \
	stage_name((c).stage), stage_name(want))

Test(plaintext, by_suite)
{
	unsigned lo, hi;

	SESSION(2, RDPNEG_TLS_1_2, GCM384, RDPNEG_END_OPEN, R(39, S));
	cr_assert_eq(rdpneg_tls_plaintext(&tls, 39, &lo, &hi),
	    RDPNEG_PLAINTEXT_EXACT);
	cr_assert(lo == 15 && hi == 15, "%u..%u", lo, hi);
	tls.server_hello.suite = CHACHA;
	rdpneg_tls_plaintext(&tls, 31, &lo, &hi);
	cr_assert(lo == 15 && hi == 15, "%u..%u", lo, hi);
	tls.server_hello.version = RDPNEG_TLS_1_3;
	tls.server_hello.suite = 0x1302;
	cr_assert_eq(rdpneg_tls_plaintext(&tls, 19, &lo, &hi),
	    RDPNEG_PLAINTEXT_AT_MOST);
	cr_assert(lo == 2 && hi == 2, "%u..%u", lo, hi);
	/* CBC with SHA-1: IV 16, MAC 20, padding 1..16. */
	tls.server_hello.version = RDPNEG_TLS_1_2;
	tls.server_hello.suite = CBC_SHA;
	cr_assert_eq(rdpneg_tls_plaintext(&tls, 64, &lo, &hi),
	    RDPNEG_PLAINTEXT_RANGE);
	cr_assert(lo == 12 && hi == 27, "%u..%u", lo, hi);
	/* No ServerHello: nothing is known. */
	tls.have &= ~RDPNEG_TLS_HAVE_SERVER_HELLO;
	cr_assert_eq(rdpneg_tls_plaintext(&tls, 64, &lo, &hi),
	    RDPNEG_PLAINTEXT_UNKNOWN);
	cr_assert(lo == 0 && hi == 64);
}

/* Windows, rdp-nla-ntlm-rejected1: errorCode in a 15-byte TSRequest. */
Test(credssp, windows_ntlm_rejected)
{
	struct rdpneg_credssp c;

	SESSION(8, RDPNEG_TLS_1_2, GCM384, RDPNEG_END_RST_CLIENT,
	    R(81, C), R(319, S), R(701, C), R(39, S));
	c = infer();
	STAGE_IS(c, RDPNEG_CREDSSP_ERROR);
	cr_assert_eq(c.plaintext, RDPNEG_PLAINTEXT_EXACT);
	cr_assert(c.last_min == 15 && c.last_max == 15);
	cr_assert_eq(c.frame, 103);
	cr_assert_eq(c.messages, 4);
}

/* Windows, rdp-nla-kerberos-auth1: Kerberos, HYBRID_EX result, MCS. */
Test(credssp, windows_kerberos_granted)
{
	SESSION(8, RDPNEG_TLS_1_2, GCM384, RDPNEG_END_OPEN,
	    R(199, C), R(1375, S), R(1911, C), R(251, S), R(215, C),
	    R(127, S), R(207, C), R(28, S), R(450, C));
	STAGE_IS(infer(), RDPNEG_CREDSSP_COMPLETE);
}

/* The same without the client's MCS: the result, then the end. */
Test(credssp, early_user_auth_then_nothing)
{
	struct rdpneg_credssp c;

	SESSION(8, RDPNEG_TLS_1_2, GCM384, RDPNEG_END_FIN_SERVER,
	    R(81, C), R(319, S), R(701, C), R(127, S), R(207, C), R(28, S));
	c = infer();
	STAGE_IS(c, RDPNEG_CREDSSP_EARLY_USER_AUTH);
	cr_assert(c.last_min == 4 && c.last_max == 4);
}

/* freerdp-shadow-cli, TLS 1.3, right password: tickets, then MCS
 * straight after authInfo (captures/peers/shadow-nla-right-password-
 * tls13.pcap). */
Test(credssp, shadow_tls13_right_password)
{
	SESSION(2, RDPNEG_TLS_1_3, 0x1302, RDPNEG_END_OPEN,
	    R(1100, S | H), R(69, C | H), R(110, C), R(250, S), R(250, S),
	    R(179, S), R(446, C), R(112, S), R(137, C), R(484, C));
	STAGE_IS(infer(), RDPNEG_CREDSSP_COMPLETE);
}

/* ... wrong password: close_notify (19 bytes) instead of an error. */
Test(credssp, shadow_tls13_wrong_password)
{
	SESSION(2, RDPNEG_TLS_1_3, 0x1302, RDPNEG_END_FIN_SERVER,
	    R(1100, S | H), R(69, C | H), R(110, C), R(250, S), R(250, S),
	    R(179, S), R(446, C), R(19, S), R(19, C));
	STAGE_IS(infer(), RDPNEG_CREDSSP_AUTHENTICATE);
}

/* TLS 1.2: the encrypted alert is 26 bytes. */
Test(credssp, shadow_tls12_wrong_password)
{
	SESSION(2, RDPNEG_TLS_1_2, GCM384, RDPNEG_END_FIN_SERVER,
	    R(117, C), R(186, S), R(453, C), R(26, S));
	STAGE_IS(infer(), RDPNEG_CREDSSP_AUTHENTICATE);
}

Test(credssp, stops_at_the_challenge)
{
	SESSION(2, RDPNEG_TLS_1_2, GCM384, RDPNEG_END_FIN_CLIENT,
	    R(81, C), R(319, S));
	STAGE_IS(infer(), RDPNEG_CREDSSP_CHALLENGE);
}

Test(credssp, not_credssp)
{
	SESSION(1, RDPNEG_TLS_1_2, GCM384, RDPNEG_END_OPEN,
	    R(81, C), R(39, S));
	STAGE_IS(infer(), RDPNEG_CREDSSP_NONE);
	ev.tls = NULL;
	ev.response_value = 2;
	STAGE_IS(infer(), RDPNEG_CREDSSP_NONE);
}

Test(tls_text, words)
{
	char buf[128];
	struct rdpneg_tls_dir d;

	cr_assert_eq(rdpneg_tls_version_str(RDPNEG_TLS_1_2, buf, sizeof(buf)),
	    7);
	cr_assert_str_eq(buf, "TLS 1.2");
	rdpneg_tls_version_str(0x7f1c, buf, sizeof(buf));
	cr_assert_str_eq(buf, "0x7f1c");
	memset(&tls, 0, sizeof(tls));
	tls.have = RDPNEG_TLS_HAVE_CLIENT_HELLO;
	tls.client_hello.flags = RDPNEG_HELLO_SUPPORTED_VERSIONS;
	tls.client_hello.nversions = 3;
	tls.client_hello.versions[0] = 0x7a7a;	/* GREASE */
	tls.client_hello.versions[1] = RDPNEG_TLS_1_3;
	tls.client_hello.versions[2] = RDPNEG_TLS_1_2;
	rdpneg_tls_offered_str(&tls, buf, sizeof(buf));
	cr_assert_str_eq(buf, "TLS 1.3, TLS 1.2");
	tls.client_hello.flags = 0;
	tls.client_hello.legacy_version = RDPNEG_TLS_1_0;
	rdpneg_tls_offered_str(&tls, buf, sizeof(buf));
	cr_assert_str_eq(buf, "up to TLS 1.0");
	tls.client_hello.nsuites = 40;
	tls.client_hello.suites[0] = 0x1302;
	tls.client_hello.suites[1] = 0x9a9a;	/* GREASE */
	tls.client_hello.suites[2] = 0xc030;
	tls.client_hello.suites[3] = 0xfefe;
	rdpneg_tls_suites_str(&tls, 3, buf, sizeof(buf));
	cr_assert_str_eq(buf, "40 suites: TLS_AES_256_GCM_SHA384, "
	    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, 0xfefe, ...");
	memset(&d, 0, sizeof(d));
	rdpneg_tls_alert_str(&d, buf, sizeof(buf));
	cr_assert_str_eq(buf, "none");
	d.nalerts = 1;
	d.alert.level = RDPNEG_ALERT_FATAL;
	d.alert.description = RDPNEG_ALERT_PROTOCOL_VERSION;
	rdpneg_tls_alert_str(&d, buf, sizeof(buf));
	cr_assert_str_eq(buf, "fatal protocol_version (70)");
	rdpneg_cert_flags_str(RDPNEG_CERT_SELF_SIGNED | RDPNEG_CERT_EXPIRED,
	    buf, sizeof(buf));
	cr_assert_str_eq(buf, "self-signed, expired");
	rdpneg_plaintext_str(RDPNEG_PLAINTEXT_RANGE, 12, 27, buf, sizeof(buf));
	cr_assert_str_eq(buf, "12 to 27 bytes");
}

/* Every size gives the same needed length and a NUL-terminated prefix of
 * whole pieces. */
Test(tls_text, cut_to_any_size)
{
	char full[128], small[128];
	size_t need, n, k;

	need = rdpneg_cert_flags_str(0x3f, full, sizeof(full));
	cr_assert_eq(need, strlen(full));
	for (k = 0; k <= need + 1; k++) {
		memset(small, 'x', sizeof(small));
		n = rdpneg_cert_flags_str(0x3f, small, k);
		cr_assert_eq(n, need);
		if (k == 0)
			continue;
		cr_assert(memchr(small, '\0', k) != NULL, "size %zu", k);
		cr_assert_eq(strncmp(small, full, strlen(small)), 0);
	}
}
