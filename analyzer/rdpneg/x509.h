/*
 * x509.h - the facts of a server's certificate, as a TLS 1.2 handshake
 * (tls.h) or a Standard RDP Security exchange shows it, read by GnuTLS
 * (README, Design, "Libraries"): no hand-written ASN.1.
 *
 * The one part of the shared library that calls another library: GnuTLS
 * allocates inside, and this file frees all it took before it returns.
 * It lives in its own library target (rdpneg_x509) so that the decoder and
 * the knowledge base stay free of dependencies.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_X509_H
#define RDPNEG_X509_H

#include <stddef.h>
#include <stdint.h>

#include "rdpneg/rdpneg.h"

/* What is wrong with a certificate, judged at the connection's time. */
#define RDPNEG_CERT_SELF_SIGNED		0x01u	/* issued by itself */
#define RDPNEG_CERT_EXPIRED		0x02u	/* notAfter before then */
#define RDPNEG_CERT_NOT_YET_VALID	0x04u	/* notBefore after then */
#define RDPNEG_CERT_NAME_MISMATCH	0x08u	/* the client's SNI is not one
						   of its names */
#define RDPNEG_CERT_WEAK_KEY		0x10u	/* RSA or DSA < 2048 bits,
						   EC < 224 */
#define RDPNEG_CERT_WEAK_SIGNATURE	0x20u	/* SHA-1 or MD5 */
#define RDPNEG_CERT_UNPARSABLE		0x40u	/* GnuTLS could not read it */

/* Their names ("self-signed", "expired", ...), one bit each (defined
 * with the other texts of these facts, tls_text.c, in the dependency-free
 * library). */
extern const struct rdpneg_tok rdpneg_cert_flag_names[];

#define RDPNEG_CERT_TEXT_MAX	256	/* subject, issuer, names: cut to
					   this with their NUL */

struct rdpneg_cert {
	unsigned	flags;				/* RDPNEG_CERT_* */
	char		subject[RDPNEG_CERT_TEXT_MAX];	/* RFC 4514, as GnuTLS
							   writes it: untrusted */
	char		issuer[RDPNEG_CERT_TEXT_MAX];
	char		names[RDPNEG_CERT_TEXT_MAX];	/* subjectAltName DNS
							   and IP entries,
							   ", "-separated */
	char		serial[2 * 20 + 1];		/* hex, as many digits
							   as its bytes */
	int64_t		not_before;			/* Unix time, UTC; -1
							   when unreadable (not
							   judged then) */
	int64_t		not_after;
	char		key_type[16];			/* "RSA", "EC", ... */
	unsigned	key_bits;
	char		signature[48];			/* "RSA-SHA256", ... */
	uint8_t		sha256[32];			/* of the DER bytes */
	unsigned	chain_length;			/* set by the caller */
};

/*
 * Read the DER certificate der (len bytes) and judge it at Unix time at
 * (the connection's, not today's) against the server name the client
 * asked for (sni, sni_len bytes, untrusted; none when sni_len is 0).
 * Returns 0 and fills out; or -1, sets out->flags to
 * RDPNEG_CERT_UNPARSABLE (out->sha256 still set) and writes the reason
 * to err (errsize bytes, always NUL-terminated when errsize > 0).
 */
int rdpneg_parse_certificate(const uint8_t *der, size_t len, int64_t at,
    const uint8_t *sni, size_t sni_len, struct rdpneg_cert *out,
    char *err, size_t errsize);

/*
 * The certificates read lately.  A server shows the same certificate to
 * every client, and reading one (its signature checked against its own
 * key for SELF_SIGNED) costs more than the rest of a connection: a
 * consumer keeps one cache (zeroed) and reads through it.  Direct-mapped
 * by the SHA-256 of the DER bytes and the SNI; what depends on the time
 * is judged again on every read.
 */
#define RDPNEG_CERT_CACHE_SLOTS	64

struct rdpneg_cert_cache {
	struct {
		uint8_t			key[32];	/* SHA-256 of DER, SNI */
		int			used;
		int			rc;		/* rdpneg_parse_
							   certificate()'s */
		char			err[128];
		struct rdpneg_cert	cert;
	}	slot[RDPNEG_CERT_CACHE_SLOTS];
	uint64_t	hits;
	uint64_t	misses;
};

/* rdpneg_parse_certificate(), through cache. */
int rdpneg_read_certificate(struct rdpneg_cert_cache *cache,
    const uint8_t *der, size_t len, int64_t at, const uint8_t *sni,
    size_t sni_len, struct rdpneg_cert *out, char *err, size_t errsize);

#endif /* RDPNEG_X509_H */
