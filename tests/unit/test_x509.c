/*
 * test_x509.c - the certificate reader (rdpneg/x509.h) on certificates
 * made here with GnuTLS's own API (RSA 2048 and 1024, EC P-256, Ed25519;
 * SHA-256 and SHA-1; self-signed and issued by a CA), judged before,
 * inside and after their validity, against server names, and on hostile
 * bytes: empty, truncated at every length, lying lengths, deep nesting.
 *
 * Criterion runs each test in a process of its own: a key is generated
 * once per process, on first use (key()), and the RSA keys only in the
 * tests that need them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "rdpneg/x509.h"

#define NOT_BEFORE	1700000000	/* 2023-11-14 22:13:20 UTC */
#define NOT_AFTER	1800000000	/* 2027-01-15 08:00:00 UTC */
#define INSIDE		1750000000

enum key_kind { RSA2048, RSA1024, EC256, ED25519, NKEYS };

/* The keys of this process, generated on first use. */
static gnutls_x509_privkey_t
key(enum key_kind k)
{
	static gnutls_x509_privkey_t cache[NKEYS];
	static const struct {
		gnutls_pk_algorithm_t	pk;
		unsigned		bits;
	} how[NKEYS] = {
		[RSA2048] = { GNUTLS_PK_RSA, 2048 },
		[RSA1024] = { GNUTLS_PK_RSA, 1024 },
		[EC256] = { GNUTLS_PK_ECDSA,
		    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1) },
		[ED25519] = { GNUTLS_PK_EDDSA_ED25519,
		    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_ED25519) },
	};
	int ret;

	if (cache[k] == NULL) {
		cr_assert_eq(gnutls_x509_privkey_init(&cache[k]), 0);
		ret = gnutls_x509_privkey_generate(cache[k], how[k].pk,
		    how[k].bits, 0);
		cr_assert_eq(ret, 0, "key %d: %s", k, gnutls_strerror(ret));
	}
	return cache[k];
}

/* What a certificate made by make() holds. */
struct spec {
	enum key_kind		 key;
	const char		*dn;		/* RFC 4514 */
	const char		*dns[4];	/* SAN dNSNames */
	const char		*ip[4];		/* SAN iPAddresses, text */
	const unsigned char	*serial;
	size_t			 serial_len;
	time_t			 not_before, not_after;
	gnutls_digest_algorithm_t dig;		/* GNUTLS_DIG_UNKNOWN: SHA-256 */
	int			 ca;		/* basicConstraints cA */
	gnutls_x509_crt_t	 issuer;	/* NULL: self-signed */
	gnutls_x509_privkey_t	 issuer_key;
};

static const unsigned char serial_default[] = { 0x01, 0x23, 0xab, 0xcd };

static void
spec_default(struct spec *s, enum key_kind k)
{
	memset(s, 0, sizeof *s);
	s->key = k;
	s->dn = "CN=rdp.example.test,O=Example";
	s->dns[0] = "rdp.example.test";
	s->dns[1] = "*.wild.example.test";
	s->ip[0] = "192.0.2.7";
	s->ip[1] = "2001:db8::1";
	s->serial = serial_default;
	s->serial_len = sizeof serial_default;
	s->not_before = NOT_BEFORE;
	s->not_after = NOT_AFTER;
}

/* The certificate of s, signed; its DER in *der (gnutls_free()). */
static gnutls_x509_crt_t
make_crt(const struct spec *s)
{
	gnutls_x509_crt_t crt;
	const char *errp = NULL;
	unsigned char addr[16];
	gnutls_datum_t ip;
	size_t i;
	int ret;

	cr_assert_eq(gnutls_x509_crt_init(&crt), 0);
	cr_assert_eq(gnutls_x509_crt_set_version(crt, 3), 0);
	ret = gnutls_x509_crt_set_dn(crt, s->dn, &errp);
	cr_assert_eq(ret, 0, "set_dn: %s at %s", gnutls_strerror(ret),
	    errp != NULL ? errp : "?");
	cr_assert_eq(gnutls_x509_crt_set_key(crt, key(s->key)), 0);
	cr_assert_eq(gnutls_x509_crt_set_serial(crt, s->serial,
	    s->serial_len), 0);
	cr_assert_eq(gnutls_x509_crt_set_activation_time(crt,
	    s->not_before), 0);
	cr_assert_eq(gnutls_x509_crt_set_expiration_time(crt,
	    s->not_after), 0);
	for (i = 0; i < 4 && s->dns[i] != NULL; i++)
		cr_assert_eq(gnutls_x509_crt_set_subject_alt_name(crt,
		    GNUTLS_SAN_DNSNAME, s->dns[i], (unsigned)strlen(s->dns[i]),
		    GNUTLS_FSAN_APPEND), 0);
	for (i = 0; i < 4 && s->ip[i] != NULL; i++) {
		ip.data = addr;
		if (inet_pton(AF_INET, s->ip[i], addr) == 1)
			ip.size = 4;
		else {
			cr_assert_eq(inet_pton(AF_INET6, s->ip[i], addr), 1);
			ip.size = 16;
		}
		cr_assert_eq(gnutls_x509_crt_set_subject_alt_name(crt,
		    GNUTLS_SAN_IPADDRESS, ip.data, ip.size,
		    GNUTLS_FSAN_APPEND), 0);
	}
	cr_assert_eq(gnutls_x509_crt_set_basic_constraints(crt, s->ca, -1),
	    0);
	cr_assert_eq(gnutls_x509_crt_set_key_usage(crt, s->ca ?
	    GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_DIGITAL_SIGNATURE :
	    GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT), 0);
	ret = gnutls_x509_crt_sign2(crt, s->issuer ? s->issuer : crt,
	    s->issuer_key ? s->issuer_key : key(s->key),
	    s->dig != GNUTLS_DIG_UNKNOWN ? s->dig : GNUTLS_DIG_SHA256, 0);
	cr_assert_eq(ret, 0, "sign: %s", gnutls_strerror(ret));
	return crt;
}

static gnutls_datum_t
der_of(gnutls_x509_crt_t crt)
{
	gnutls_datum_t der = { NULL, 0 };

	cr_assert_eq(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der),
	    0);
	return der;
}

static gnutls_datum_t
make(const struct spec *s)
{
	gnutls_x509_crt_t crt = make_crt(s);
	gnutls_datum_t der = der_of(crt);

	gnutls_x509_crt_deinit(crt);
	return der;
}

/* Parse der at `at` with sni (NUL-terminated, or none); must succeed. */
static void
parse_ok(const gnutls_datum_t *der, int64_t at, const char *sni,
    struct rdpneg_cert *c)
{
	char err[128] = "";
	int ret;

	ret = rdpneg_parse_certificate(der->data, der->size, at,
	    (const uint8_t *)sni, sni != NULL ? strlen(sni) : 0, c, err,
	    sizeof err);
	cr_assert_eq(ret, 0, "parse: %s", err);
	cr_assert_str_empty(err, "err written on success: %s", err);
}

/* Parse n bytes that must be unparsable. */
static void
parse_bad(const uint8_t *b, size_t n)
{
	struct rdpneg_cert c;
	uint8_t want[32];
	char err[128];
	int ret;

	memset(&c, 0x5a, sizeof c);
	memset(err, 'Z', sizeof err);
	ret = rdpneg_parse_certificate(b, n, INSIDE, NULL, 0, &c, err,
	    sizeof err);
	cr_assert_eq(ret, -1, "%zu bytes parsed", n);
	cr_assert_eq(c.flags, RDPNEG_CERT_UNPARSABLE, "%zu bytes: flags 0x%x",
	    n, c.flags);
	cr_assert_not_null(memchr(err, '\0', sizeof err));
	cr_assert_eq(strncmp(err, "certificate: ", 13), 0, "err \"%s\"",
	    err);
	cr_assert_gt(strlen(err), 13);
	cr_assert_eq(gnutls_hash_fast(GNUTLS_DIG_SHA256, b, n, want), 0);
	cr_assert_arr_eq(c.sha256, want, sizeof want, "%zu bytes: sha256", n);
	cr_assert_str_empty(c.subject);
	cr_assert_eq(c.chain_length, 0);
}

Test(x509, fields_of_a_self_signed_rsa_certificate)
{
	struct spec s;
	struct rdpneg_cert c;
	gnutls_datum_t der;
	uint8_t want[32];

	spec_default(&s, RSA2048);
	der = make(&s);
	parse_ok(&der, INSIDE, NULL, &c);
	cr_assert_eq(c.flags, RDPNEG_CERT_SELF_SIGNED, "flags 0x%x", c.flags);
	cr_assert_str_eq(c.subject, "CN=rdp.example.test,O=Example");
	cr_assert_str_eq(c.issuer, "CN=rdp.example.test,O=Example");
	cr_assert_str_eq(c.names, "rdp.example.test, *.wild.example.test, "
	    "192.0.2.7, 2001:db8::1");
	cr_assert_str_eq(c.serial, "0123abcd");
	cr_assert_eq(c.not_before, NOT_BEFORE);
	cr_assert_eq(c.not_after, NOT_AFTER);
	cr_assert_str_eq(c.key_type, "RSA");
	cr_assert_eq(c.key_bits, 2048);
	cr_assert_str_eq(c.signature, "RSA-SHA256");
	cr_assert_eq(gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size,
	    want), 0);
	cr_assert_arr_eq(c.sha256, want, sizeof want);
	cr_assert_eq(c.chain_length, 0);
	gnutls_free(der.data);
}

Test(x509, validity_judged_at_the_connections_time)
{
	static const struct {
		int64_t		at;
		unsigned	flags;
	} cases[] = {
		{ 0, RDPNEG_CERT_NOT_YET_VALID },
		{ NOT_BEFORE - 1, RDPNEG_CERT_NOT_YET_VALID },
		{ NOT_BEFORE, 0 },
		{ INSIDE, 0 },
		{ NOT_AFTER, 0 },
		{ NOT_AFTER + 1, RDPNEG_CERT_EXPIRED },
		{ INT64_MAX, RDPNEG_CERT_EXPIRED },
		{ INT64_MIN, RDPNEG_CERT_NOT_YET_VALID },
	};
	struct spec s;
	struct rdpneg_cert c;
	gnutls_datum_t der;
	size_t i;

	spec_default(&s, EC256);
	der = make(&s);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		parse_ok(&der, cases[i].at, NULL, &c);
		cr_assert_eq(c.flags & ~RDPNEG_CERT_SELF_SIGNED, cases[i].flags,
		    "at %lld: flags 0x%x", (long long)cases[i].at, c.flags);
	}
	gnutls_free(der.data);
}

/* RFC 5280 4.1.2.5: 99991231235959Z, no well-defined expiration date. */
Test(x509, no_expiration_date)
{
	struct spec s;
	struct rdpneg_cert c;
	gnutls_datum_t der;

	spec_default(&s, EC256);
	s.not_after = (time_t)-1;
	der = make(&s);
	parse_ok(&der, INSIDE, NULL, &c);
	cr_assert_eq(c.not_after, 253402300799, "%lld",
	    (long long)c.not_after);
	cr_assert_eq(c.flags & RDPNEG_CERT_EXPIRED, 0);
	gnutls_free(der.data);
}

/* Where text is in der (it must be). */
static uint8_t *
find(const gnutls_datum_t *der, const char *text)
{
	size_t n = strlen(text), i;

	for (i = 0; i + n <= der->size; i++)
		if (memcmp(der->data + i, text, n) == 0)
			return der->data + i;
	cr_assert_fail("\"%s\" not found", text);
	return NULL;
}

/*
 * A time GnuTLS cannot read (month 13): refused on import already, so
 * the certificate is unparsable, with the reason.
 */
Test(x509, unreadable_time)
{
	struct spec s;
	struct rdpneg_cert c;
	gnutls_datum_t der;
	char err[128];

	spec_default(&s, EC256);
	der = make(&s);
	memcpy(find(&der, "270115080000Z") + 2, "13", 2);
	cr_assert_eq(rdpneg_parse_certificate(der.data, der.size, INSIDE,
	    NULL, 0, &c, err, sizeof err), -1);
	cr_assert_eq(c.flags, RDPNEG_CERT_UNPARSABLE);
	cr_assert_eq(strncmp(err, "certificate: ", 13), 0, "%s", err);
	cr_assert_not_null(strstr(err, "time"), "%s", err);
	gnutls_free(der.data);
}

Test(x509, issued_by_a_ca)
{
	struct spec cas, leafs;
	struct rdpneg_cert c;
	gnutls_x509_crt_t ca;
	gnutls_datum_t der;

	spec_default(&cas, EC256);
	cas.dn = "CN=Example Test CA,O=Example";
	cas.dns[0] = NULL;
	cas.ip[0] = NULL;
	cas.ca = 1;
	ca = make_crt(&cas);

	der = der_of(ca);
	parse_ok(&der, INSIDE, NULL, &c);
	cr_assert_eq(c.flags, RDPNEG_CERT_SELF_SIGNED, "flags 0x%x", c.flags);
	cr_assert_str_eq(c.key_type, "EC");
	cr_assert_eq(c.key_bits, 256);
	cr_assert_str_eq(c.signature, "ECDSA-SHA256");
	cr_assert_str_empty(c.names);
	gnutls_free(der.data);

	spec_default(&leafs, RSA2048);
	leafs.issuer = ca;
	leafs.issuer_key = key(EC256);
	der = make(&leafs);
	parse_ok(&der, INSIDE, "rdp.example.test", &c);
	cr_assert_eq(c.flags, 0, "flags 0x%x", c.flags);
	cr_assert_str_eq(c.subject, "CN=rdp.example.test,O=Example");
	cr_assert_str_eq(c.issuer, "CN=Example Test CA,O=Example");
	cr_assert_str_eq(c.key_type, "RSA");
	cr_assert_str_eq(c.signature, "ECDSA-SHA256");
	gnutls_free(der.data);
	gnutls_x509_crt_deinit(ca);
}

/* Issuer DN equal to the subject DN, but signed by another key. */
Test(x509, same_names_other_key_is_not_self_signed)
{
	struct spec cas, leafs;
	struct rdpneg_cert c;
	gnutls_x509_crt_t ca;
	gnutls_datum_t der;

	spec_default(&cas, EC256);
	cas.ca = 1;
	ca = make_crt(&cas);
	spec_default(&leafs, ED25519);
	leafs.issuer = ca;
	leafs.issuer_key = key(EC256);
	der = make(&leafs);
	parse_ok(&der, INSIDE, NULL, &c);
	cr_assert_str_eq(c.subject, c.issuer);
	cr_assert_eq(c.flags & RDPNEG_CERT_SELF_SIGNED, 0, "flags 0x%x",
	    c.flags);
	cr_assert_str_eq(c.key_type, "EdDSA (Ed25519)");
	gnutls_free(der.data);
	gnutls_x509_crt_deinit(ca);
}

Test(x509, ed25519_self_signed)
{
	struct spec s;
	struct rdpneg_cert c;
	gnutls_datum_t der;

	spec_default(&s, ED25519);
	s.dig = GNUTLS_DIG_SHA512;	/* RFC 8410 3: Ed25519's own */
	der = make(&s);
	parse_ok(&der, INSIDE, NULL, &c);
	cr_assert_eq(c.flags, RDPNEG_CERT_SELF_SIGNED, "flags 0x%x", c.flags);
	cr_assert_str_eq(c.key_type, "EdDSA (Ed25519)");
	cr_assert_eq(c.key_bits, 256);
	cr_assert_str_eq(c.signature, "EdDSA-Ed25519");
	gnutls_free(der.data);
}

Test(x509, weak_rsa_key)
{
	struct spec s;
	struct rdpneg_cert c;
	gnutls_datum_t der;

	spec_default(&s, RSA1024);
	der = make(&s);
	parse_ok(&der, INSIDE, NULL, &c);
	cr_assert_eq(c.flags, RDPNEG_CERT_SELF_SIGNED | RDPNEG_CERT_WEAK_KEY,
	    "flags 0x%x", c.flags);
	cr_assert_str_eq(c.key_type, "RSA");
	cr_assert_eq(c.key_bits, 1024);
	gnutls_free(der.data);
}

Test(x509, sha1_signature_is_weak)
{
	struct spec s;
	struct rdpneg_cert c;
	gnutls_datum_t der;

	spec_default(&s, RSA2048);
	s.dig = GNUTLS_DIG_SHA1;
	der = make(&s);
	parse_ok(&der, INSIDE, NULL, &c);
	cr_assert_eq(c.flags, RDPNEG_CERT_SELF_SIGNED |
	    RDPNEG_CERT_WEAK_SIGNATURE, "flags 0x%x", c.flags);
	cr_assert_str_eq(c.signature, "RSA-SHA1");
	gnutls_free(der.data);
}

/* sni with its length given, embedded NULs included. */
static unsigned
flags_with_sni(const gnutls_datum_t *der, const void *sni, size_t len)
{
	struct rdpneg_cert c;
	char err[64] = "";

	cr_assert_eq(rdpneg_parse_certificate(der->data, der->size, INSIDE,
	    sni, len, &c, err, sizeof err), 0, "%s", err);
	return c.flags & RDPNEG_CERT_NAME_MISMATCH;
}

Test(x509, server_name)
{
	static const char nul[] = "rdp.example.test\0.evil.test";
	static const char high[] = "rdp.example.t\xc3\xa9st";
	char lng[300];
	struct spec s;
	gnutls_datum_t der;

	spec_default(&s, EC256);
	der = make(&s);
#define SNI(str) flags_with_sni(&der, str, strlen(str))
	cr_assert_eq(SNI("rdp.example.test"), 0);
	cr_assert_eq(SNI("RDP.Example.TEST"), 0);
	cr_assert_eq(SNI("host.wild.example.test"), 0);
	cr_assert_eq(SNI("192.0.2.7"), 0);
	cr_assert_eq(SNI("other.example.test"), RDPNEG_CERT_NAME_MISMATCH);
	cr_assert_eq(SNI("a.b.wild.example.test"), RDPNEG_CERT_NAME_MISMATCH);
	cr_assert_eq(SNI("wild.example.test"), RDPNEG_CERT_NAME_MISMATCH);
	cr_assert_eq(SNI("rdp.example.test "), RDPNEG_CERT_NAME_MISMATCH);
	cr_assert_eq(SNI(high), RDPNEG_CERT_NAME_MISMATCH);
#undef SNI
	/* None asked: nothing to judge. */
	cr_assert_eq(flags_with_sni(&der, "other.example.test", 0), 0);
	cr_assert_eq(flags_with_sni(&der, NULL, 0), 0);
	/* A NUL inside: the name is not cut there. */
	cr_assert_eq(flags_with_sni(&der, nul, sizeof nul - 1),
	    RDPNEG_CERT_NAME_MISMATCH);
	cr_assert_eq(flags_with_sni(&der, "rdp.example.test", 17),
	    RDPNEG_CERT_NAME_MISMATCH);
	/* Longer than any DNS name. */
	memset(lng, 'a', sizeof lng);
	cr_assert_eq(flags_with_sni(&der, lng, sizeof lng),
	    RDPNEG_CERT_NAME_MISMATCH);
	gnutls_free(der.data);
}

/* Subject and names longer than the buffers: cut, NUL-terminated. */
Test(x509, long_text_is_cut)
{
	static const char names[] = "rdp.example.test, *.wild.example.test, "
	    "a-rather-long-name-0123456789-0123456789-0123456789-0123456789"
	    ".one.example.test, ";
	char dn[400], want[400];
	struct spec s;
	struct rdpneg_cert c;
	gnutls_datum_t der;
	size_t i;

	/* 300+ characters of ASCII. */
	snprintf(dn, sizeof dn, "CN=%.60s,OU=%.60s,OU=%.60s,OU=%.60s,O=%.60s",
	    "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
	    "111111111111111111111111111111111111111111111111111111111111",
	    "222222222222222222222222222222222222222222222222222222222222",
	    "333333333333333333333333333333333333333333333333333333333333",
	    "oooooooooooooooooooooooooooooooooooooooooooooooooooooooooooo");
	cr_assert_gt(strlen(dn), 300);
	spec_default(&s, EC256);
	s.dn = dn;
	s.dns[2] = "a-rather-long-name-0123456789-0123456789-0123456789-0123456789"
	    ".one.example.test";
	s.dns[3] = "a-rather-long-name-0123456789-0123456789-0123456789-0123456789"
	    ".two.example.test";
	s.ip[2] = "2001:db8:1111:2222:3333:4444:5555:6666";
	s.ip[3] = "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff";
	der = make(&s);
	parse_ok(&der, INSIDE, NULL, &c);
	cr_assert_eq(strlen(c.subject), RDPNEG_CERT_TEXT_MAX - 1);
	cr_assert_eq(strncmp(c.subject, dn, RDPNEG_CERT_TEXT_MAX - 1), 0,
	    "%s", c.subject);
	cr_assert_str_eq(c.subject, c.issuer);
	cr_assert_eq(strlen(c.names), RDPNEG_CERT_TEXT_MAX - 1, "%s", c.names);
	cr_assert_eq(strncmp(c.names, names, strlen(names)), 0, "%s",
	    c.names);
	gnutls_free(der.data);

	/* 2-byte UTF-8 characters: not cut inside one. */
	strcpy(dn, "CN=x");
	for (i = 0; i < 150; i++)
		strcat(dn, "\xc3\xa9");
	s.dn = dn;
	der = make(&s);
	parse_ok(&der, INSIDE, NULL, &c);
	memcpy(want, dn, 254);
	want[254] = '\0';
	cr_assert_str_eq(c.subject, want);
	gnutls_free(der.data);
}

/* A dNSName holding a NUL: the name is not cut there. */
Test(x509, nul_in_a_name)
{
	struct spec s;
	struct rdpneg_cert c;
	gnutls_datum_t der;

	spec_default(&s, EC256);
	der = make(&s);
	find(&der, "*.wild.example.test")[1] = '\0';
	parse_ok(&der, INSIDE, "x.wild.example.test", &c);
	cr_assert_str_eq(c.names, "rdp.example.test, *?wild.example.test, "
	    "192.0.2.7, 2001:db8::1");
	cr_assert_eq(c.flags & RDPNEG_CERT_NAME_MISMATCH,
	    RDPNEG_CERT_NAME_MISMATCH);
	gnutls_free(der.data);
}

Test(x509, serial_of_twenty_bytes)
{
	static const unsigned char serial[20] = {
		0x7f, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88, 0x77, 0x66,
		0x55, 0x44, 0x33, 0x22, 0x11, 0x00, 0x0a, 0x0b, 0x0c, 0x0d
	};
	struct spec s;
	struct rdpneg_cert c;
	gnutls_datum_t der;

	spec_default(&s, EC256);
	s.serial = serial;
	s.serial_len = sizeof serial;
	der = make(&s);
	parse_ok(&der, INSIDE, NULL, &c);
	cr_assert_str_eq(c.serial,
	    "7feeddccbbaa998877665544332211000a0b0c0d");
	gnutls_free(der.data);
}

Test(x509, empty_and_one_byte)
{
	static const uint8_t one[1] = { 0x30 };

	parse_bad(NULL, 0);
	parse_bad(one, 0);
	parse_bad(one, 1);
}

Test(x509, truncated_at_every_length)
{
	struct spec s;
	gnutls_datum_t der;
	uint8_t *copy;
	size_t n;

	spec_default(&s, EC256);
	der = make(&s);
	for (n = 0; n < der.size; n++) {
		/* A copy of just n bytes, so that reading past is caught. */
		copy = malloc(n > 0 ? n : 1);
		cr_assert_not_null(copy);
		memcpy(copy, der.data, n);
		parse_bad(copy, n);
		free(copy);
	}
	gnutls_free(der.data);
}

Test(x509, lying_lengths)
{
	static const uint8_t huge[] = {
		0x30, 0x84, 0xff, 0xff, 0xff, 0xf0, 0x30, 0x82, 0x01, 0x00
	};
	static const uint8_t longer_than_size_t[] = {
		0x30, 0x89, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x01, 0x00
	};
	static const uint8_t indefinite[] = { 0x30, 0x80, 0x00, 0x00 };
	struct spec s;
	gnutls_datum_t der;
	uint8_t *b;
	size_t i;

	parse_bad(huge, sizeof huge);
	parse_bad(longer_than_size_t, sizeof longer_than_size_t);
	parse_bad(indefinite, sizeof indefinite);
	/* A real certificate whose outer length says one byte more. */
	spec_default(&s, EC256);
	der = make(&s);
	b = malloc(der.size);
	cr_assert_not_null(b);
	memcpy(b, der.data, der.size);
	cr_assert_eq(b[1], 0x82);
	i = ((size_t)b[2] << 8 | b[3]) + 1;
	b[2] = (uint8_t)(i >> 8);
	b[3] = (uint8_t)i;
	parse_bad(b, der.size);
	/* And one that says 4 GiB. */
	b[1] = 0x84;
	parse_bad(b, der.size);
	free(b);
	gnutls_free(der.data);
}

/* 20000 nested SEQUENCEs, each with an honest long-form length. */
Test(x509, deeply_nested)
{
	enum { DEPTH = 20000 };
	size_t cap = 6 * DEPTH + 2, start = cap, inner;
	uint8_t *b = malloc(cap);
	int i;

	cr_assert_not_null(b);
	b[--start] = 0x00;
	b[--start] = 0x05;		/* NULL */
	for (i = 0; i < DEPTH; i++) {
		inner = cap - start;
		b[--start] = (uint8_t)inner;
		b[--start] = (uint8_t)(inner >> 8);
		b[--start] = (uint8_t)(inner >> 16);
		b[--start] = 0x83;
		b[--start] = 0x30;
	}
	parse_bad(b + start, cap - start);
	/* And garbage: every byte 0x30. */
	memset(b, 0x30, cap);
	parse_bad(b, cap);
	free(b);
}

/* Every byte of a real certificate flipped in turn: no crash, no leak. */
Test(x509, bit_flips)
{
	struct spec s;
	struct rdpneg_cert c;
	gnutls_datum_t der;
	char err[64];
	size_t i;
	int ret;

	spec_default(&s, EC256);
	der = make(&s);
	for (i = 0; i < der.size; i++) {
		der.data[i] ^= 0x81;
		ret = rdpneg_parse_certificate(der.data, der.size, INSIDE,
		    (const uint8_t *)"rdp.example.test", 16, &c, err,
		    sizeof err);
		cr_assert(ret == 0 || c.flags == RDPNEG_CERT_UNPARSABLE,
		    "byte %zu: ret %d flags 0x%x", i, ret, c.flags);
		cr_assert_lt(strlen(c.subject), sizeof c.subject);
		cr_assert_lt(strlen(c.names), sizeof c.names);
		der.data[i] ^= 0x81;
	}
	gnutls_free(der.data);
}

Test(x509, error_buffer)
{
	static const uint8_t junk[] = { 0x02, 0x01, 0x00 };
	struct rdpneg_cert c;
	char err[8];

	cr_assert_eq(rdpneg_parse_certificate(junk, sizeof junk, 0, NULL, 0,
	    &c, NULL, 0), -1);
	cr_assert_eq(c.flags, RDPNEG_CERT_UNPARSABLE);
	memset(err, 'Z', sizeof err);
	cr_assert_eq(rdpneg_parse_certificate(junk, sizeof junk, 0, NULL, 0,
	    &c, err, sizeof err), -1);
	cr_assert_str_eq(err, "certifi");
}

Test(x509, flag_names)
{
	static const char *want[] = { "self-signed", "expired",
	    "not-yet-valid", "name-mismatch", "weak-key", "weak-signature",
	    "unparsable" };
	size_t i;

	for (i = 0; i < 7; i++) {
		cr_assert_eq(rdpneg_cert_flag_names[i].value, 1u << i);
		cr_assert_str_eq(rdpneg_cert_flag_names[i].name, want[i]);
	}
	cr_assert_eq(rdpneg_cert_flag_names[7].value, 0);
	cr_assert_null(rdpneg_cert_flag_names[7].name);
}
