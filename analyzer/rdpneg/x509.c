/*
 * x509.c - a server's certificate read by GnuTLS (RFC 5280) and judged at
 * the connection's time: names, serial, validity, key, signature, SHA-256
 * and what is wrong with it.  Everything GnuTLS allocates is freed before
 * returning; the text it returns is untrusted and is only ever copied into
 * bounded buffers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/x509-ext.h>
#include <nettle/sha2.h>

#include "rdpneg/x509.h"

/* subjectAltName (RFC 5280 4.2.1.6). */
#define OID_SUBJECT_ALT_NAME	"2.5.29.17"

/* The longest server name looked up: a DNS name has at most 253. */
#define SNI_MAX			256

/*
 * Append n bytes of src to the NUL-terminated dst of size bytes, cut to fit
 * at a UTF-8 character boundary, a NUL byte written as '?' so that the
 * text stays one string.
 */
static void
text_append(char *dst, size_t size, const void *src, size_t n)
{
	const unsigned char *s = src;
	size_t off = strlen(dst), i;

	if (n > size - 1 - off) {
		n = size - 1 - off;
		/* Do not end inside a multi-byte character. */
		while (n > 0 && (s[n] & 0xc0u) == 0x80u)
			n--;
	}
	for (i = 0; i < n; i++)
		dst[off + i] = s[i] != '\0' ? (char)s[i] : '?';
	dst[off + n] = '\0';
}

/* A DN as RFC 4514 text (get_dn3 or get_issuer_dn3); empty when none. */
static void
dn_text(gnutls_x509_crt_t crt, int (*get)(gnutls_x509_crt_t,
    gnutls_datum_t *, unsigned), char *dst, size_t size)
{
	gnutls_datum_t d = { NULL, 0 };

	dst[0] = '\0';
	if (get(crt, &d, 0) < 0)
		return;
	text_append(dst, size, d.data, d.size);
	gnutls_free(d.data);
}

/*
 * The subjectAltName's dNSName and iPAddress entries, ", "-separated, the
 * addresses as text (an iPAddress of neither 4 nor 16 bytes is skipped:
 * RFC 5280 4.2.1.6 allows no other length there).
 */
static void
alt_names(gnutls_x509_crt_t crt, char *dst, size_t size)
{
	gnutls_subject_alt_names_t sans;
	gnutls_datum_t ext = { NULL, 0 }, san;
	unsigned i, type;
	char ip[INET6_ADDRSTRLEN];
	int af;

	dst[0] = '\0';
	if (gnutls_x509_crt_get_extension_by_oid2(crt, OID_SUBJECT_ALT_NAME, 0,
	    &ext, NULL) < 0)
		return;
	if (gnutls_subject_alt_names_init(&sans) < 0) {
		gnutls_free(ext.data);
		return;
	}
	if (gnutls_x509_ext_import_subject_alt_names(&ext, sans, 0) < 0)
		goto done;
	for (i = 0; gnutls_subject_alt_names_get(sans, i, &type, &san,
	    NULL) >= 0; i++) {
		if (type == GNUTLS_SAN_IPADDRESS) {
			af = san.size == 4 ? AF_INET :
			    san.size == 16 ? AF_INET6 : AF_UNSPEC;
			if (af == AF_UNSPEC ||
			    inet_ntop(af, san.data, ip, sizeof ip) == NULL)
				continue;
		} else if (type != GNUTLS_SAN_DNSNAME)
			continue;
		if (dst[0] != '\0')
			text_append(dst, size, ", ", 2);
		if (type == GNUTLS_SAN_IPADDRESS)
			text_append(dst, size, ip, strlen(ip));
		else
			text_append(dst, size, san.data, san.size);
	}
done:
	gnutls_subject_alt_names_deinit(sans);
	gnutls_free(ext.data);
}

/*
 * The serial number in lowercase hex, its bytes as encoded (a leading zero
 * byte included); more than the 20 bytes RFC 5280 4.1.2.2 allows are cut
 * to 20, more than 64 leave it empty.
 */
static void
serial_hex(gnutls_x509_crt_t crt, char *dst, size_t size)
{
	unsigned char raw[64];
	size_t n = sizeof raw, i;

	dst[0] = '\0';
	if (gnutls_x509_crt_get_serial(crt, raw, &n) < 0)
		return;
	for (i = 0; i < n && 2 * i + 2 < size; i++)
		snprintf(dst + 2 * i, 3, "%02x", raw[i]);
}

/* The key's algorithm and size; WEAK_KEY below 2048 (RSA, DSA), 224 (EC). */
static unsigned
key_facts(gnutls_x509_crt_t crt, struct rdpneg_cert *out)
{
	unsigned bits = 0;
	int pk;
	const char *name;

	pk = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
	if (pk < 0)
		pk = GNUTLS_PK_UNKNOWN;
	out->key_bits = bits;
	/* GnuTLS names EC keys "EC/ECDSA": only the key type is meant. */
	name = pk == GNUTLS_PK_ECDSA ? "EC" :
	    gnutls_pk_get_name((gnutls_pk_algorithm_t)pk);
	if (name == NULL || pk == GNUTLS_PK_UNKNOWN)
		name = "unknown";
	snprintf(out->key_type, sizeof out->key_type, "%s", name);
	switch (pk) {
	case GNUTLS_PK_RSA:
	case GNUTLS_PK_RSA_PSS:
	case GNUTLS_PK_DSA:
		return bits < 2048 ? RDPNEG_CERT_WEAK_KEY : 0;
	case GNUTLS_PK_ECDSA:
		return bits < 224 ? RDPNEG_CERT_WEAK_KEY : 0;
	default:
		return 0;
	}
}

/*
 * The signature algorithm's name, or its OID when GnuTLS has no name for
 * it; WEAK_SIGNATURE when its hash is SHA-1, MD5 or MD2 (RFC 6151, RFC
 * 6194: collisions found).
 */
static unsigned
signature_facts(gnutls_x509_crt_t crt, struct rdpneg_cert *out)
{
	const char *name = NULL;
	size_t n = sizeof out->signature;
	int sig;

	sig = gnutls_x509_crt_get_signature_algorithm(crt);
	if (sig > 0)
		name = gnutls_sign_get_name((gnutls_sign_algorithm_t)sig);
	if (name != NULL)
		snprintf(out->signature, sizeof out->signature, "%s", name);
	else if (gnutls_x509_crt_get_signature_oid(crt, out->signature,
	    &n) < 0)
		snprintf(out->signature, sizeof out->signature, "unknown");
	if (sig <= 0)
		return 0;
	switch (gnutls_sign_get_hash_algorithm(
	    (gnutls_sign_algorithm_t)sig)) {
	case GNUTLS_DIG_SHA1:
	case GNUTLS_DIG_MD5:
	case GNUTLS_DIG_MD2:
		return RDPNEG_CERT_WEAK_SIGNATURE;
	default:
		return 0;
	}
}

/*
 * Self-signed: the issuer is the subject (gnutls_x509_crt_check_issuer:
 * the DNs byte for byte, and the key identifiers when both are present)
 * and the signature verifies with the certificate's own key.  The check
 * is gnutls_x509_crt_verify() with the certificate as its only trusted
 * one: GNUTLS_VERIFY_DO_NOT_ALLOW_SAME makes it check the signature
 * instead of trusting the certificate for being in the list; the other
 * flags drop what is not the question here (times, CA constraints, the
 * policy against SHA-1 and MD5, judged apart as WEAK_SIGNATURE).
 */
static unsigned
self_signed(gnutls_x509_crt_t crt)
{
	unsigned status = 0;

	if (gnutls_x509_crt_check_issuer(crt, crt) != 1)
		return 0;
	if (gnutls_x509_crt_verify(crt, &crt, 1,
	    GNUTLS_VERIFY_DO_NOT_ALLOW_SAME |
	    GNUTLS_VERIFY_DISABLE_CA_SIGN |
	    GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
	    GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS |
	    GNUTLS_VERIFY_ALLOW_BROKEN |
	    GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1 |
	    GNUTLS_VERIFY_ALLOW_SIGN_RSA_MD5 |
	    GNUTLS_VERIFY_ALLOW_SIGN_RSA_MD2, &status) < 0)
		return 0;
	return status == 0 ? RDPNEG_CERT_SELF_SIGNED : 0;
}

/*
 * Whether the certificate names the server the client asked for (RFC 6125
 * through gnutls_x509_crt_check_hostname2, wildcards included).  The name
 * is untrusted: one that is too long, or holds a NUL or a byte that is not
 * printable ASCII (RFC 6066 3: a HostName is ASCII) names no certificate.
 */
static unsigned
name_mismatch(gnutls_x509_crt_t crt, const uint8_t *sni, size_t sni_len)
{
	char host[SNI_MAX];
	size_t i;

	if (sni_len == 0)
		return 0;
	if (sni_len >= sizeof host)
		return RDPNEG_CERT_NAME_MISMATCH;
	for (i = 0; i < sni_len; i++) {
		if (sni[i] <= 0x20 || sni[i] >= 0x7f)
			return RDPNEG_CERT_NAME_MISMATCH;
		host[i] = (char)sni[i];
	}
	host[sni_len] = '\0';
	return gnutls_x509_crt_check_hostname2(crt, host, 0) != 0 ? 0 :
	    RDPNEG_CERT_NAME_MISMATCH;
}

/* A certificate that was read (the contrary: -1) judged at time at. */
static unsigned
judge_time(const struct rdpneg_cert *c, int64_t at)
{
	unsigned flags = 0;

	if (c->not_before != -1 && c->not_before > at)
		flags |= RDPNEG_CERT_NOT_YET_VALID;
	if (c->not_after != -1 && c->not_after < at)
		flags |= RDPNEG_CERT_EXPIRED;
	return flags;
}

/*
 * The validity (RFC 5280 4.1.2.5) judged at `at`.  A time GnuTLS cannot
 * read is (time_t)-1, kept as -1 and not judged (GnuTLS 3.7 refuses such
 * a certificate on import already; its API still documents the -1).  The
 * 99991231235959Z of "no well-defined expiration date" reads as
 * 253402300799, which never expires.
 */
static unsigned
validity(gnutls_x509_crt_t crt, int64_t at, struct rdpneg_cert *out)
{
	out->not_before = gnutls_x509_crt_get_activation_time(crt);
	out->not_after = gnutls_x509_crt_get_expiration_time(crt);
	return judge_time(out, at);
}

/* A certificate GnuTLS could not read, and why. */
static int
unparsable(struct rdpneg_cert *out, const char *why, char *err,
    size_t errsize)
{
	out->flags = RDPNEG_CERT_UNPARSABLE;
	if (errsize > 0)
		snprintf(err, errsize, "certificate: %s", why);
	return -1;
}

int
rdpneg_parse_certificate(const uint8_t *der, size_t len, int64_t at,
    const uint8_t *sni, size_t sni_len, struct rdpneg_cert *out,
    char *err, size_t errsize)
{
	struct sha256_ctx sha;
	gnutls_x509_crt_t crt;
	gnutls_datum_t d;
	int ret;

	memset(out, 0, sizeof *out);
	sha256_init(&sha);
	if (len > 0)
		sha256_update(&sha, len, der);
	sha256_digest(&sha, sizeof out->sha256, out->sha256);

	/* A gnutls_datum_t holds at most UINT_MAX bytes. */
	if (len > UINT_MAX)
		return unparsable(out, "longer than 4 GiB", err, errsize);
	if ((ret = gnutls_x509_crt_init(&crt)) < 0)
		return unparsable(out, gnutls_strerror(ret), err, errsize);
	/* GnuTLS only reads the bytes: the cast drops const for its datum. */
	d.data = (unsigned char *)(uintptr_t)der;
	d.size = (unsigned)len;
	if ((ret = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER)) < 0) {
		gnutls_x509_crt_deinit(crt);
		return unparsable(out, gnutls_strerror(ret), err, errsize);
	}

	dn_text(crt, gnutls_x509_crt_get_dn3, out->subject,
	    sizeof out->subject);
	dn_text(crt, gnutls_x509_crt_get_issuer_dn3, out->issuer,
	    sizeof out->issuer);
	alt_names(crt, out->names, sizeof out->names);
	serial_hex(crt, out->serial, sizeof out->serial);
	out->flags = validity(crt, at, out);
	out->flags |= key_facts(crt, out);
	out->flags |= signature_facts(crt, out);
	out->flags |= self_signed(crt);
	out->flags |= name_mismatch(crt, sni, sni_len);
	gnutls_x509_crt_deinit(crt);
	return 0;
}

int
rdpneg_read_certificate(struct rdpneg_cert_cache *cache, const uint8_t *der,
    size_t len, int64_t at, const uint8_t *sni, size_t sni_len,
    struct rdpneg_cert *out, char *err, size_t errsize)
{
	struct sha256_ctx sha;
	uint8_t key[32];
	unsigned i;

	sha256_init(&sha);
	if (len > 0)
		sha256_update(&sha, len, der);
	sha256_update(&sha, 1, (const uint8_t *)"");	/* DER, then SNI */
	if (sni_len > 0)
		sha256_update(&sha, sni_len, sni);
	sha256_digest(&sha, sizeof key, key);
	i = key[0] % RDPNEG_CERT_CACHE_SLOTS;
	if (cache->slot[i].used && memcmp(cache->slot[i].key, key, 32) == 0) {
		cache->hits++;
		*out = cache->slot[i].cert;
		if (cache->slot[i].rc < 0) {
			if (errsize > 0)
				snprintf(err, errsize, "%s", cache->slot[i].err);
			return -1;
		}
		out->flags &= ~(RDPNEG_CERT_EXPIRED | RDPNEG_CERT_NOT_YET_VALID);
		out->flags |= judge_time(out, at);
		return 0;
	}
	cache->misses++;
	cache->slot[i].rc = rdpneg_parse_certificate(der, len, at, sni, sni_len,
	    out, cache->slot[i].err, sizeof cache->slot[i].err);
	memcpy(cache->slot[i].key, key, sizeof key);
	cache->slot[i].cert = *out;
	cache->slot[i].used = 1;
	if (cache->slot[i].rc < 0 && errsize > 0)
		snprintf(err, errsize, "%s", cache->slot[i].err);
	return cache->slot[i].rc;
}
