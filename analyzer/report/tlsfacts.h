/*
 * tlsfacts.h - what the reports show of the TLS after a negotiation
 * (rdpneg/tls.h), of the server's certificate (rdpneg/x509.h) and of
 * CredSSP (rdpneg/credssp.h): whether each applies to an attempt, and the
 * text and Markdown reports' lines in words (tls_text.h's), the
 * certificate's untrusted texts handed to the format's escaping.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_TLSFACTS_H
#define RDPNEG_TLSFACTS_H

#include <stddef.h>
#include <stdint.h>

#include "capture/capture.h"
#include "rdpneg/credssp.h"

/* Did the attempt show TLS: a ClientHello, or any record of either
 * side?  (Its "tls" object, else null.) */
int tlsfacts_has_tls(const struct rdpneg_evidence *ev);

/* Is CredSSP to be reported: TLS, and a server that selected HYBRID or
 * HYBRID_EX (MS-RDPBCGR 2.2.1.2.1)? */
int tlsfacts_has_credssp(const struct rdpneg_evidence *ev);

/* The directions (0 client, 1 server) whose first alert in clear was
 * seen, in frame order (the client's first on the same frame); their
 * number. */
size_t tlsfacts_alerts(const struct rdpneg_tls *tls, unsigned dirs[2]);

/* "client" or "server". */
const char *tlsfacts_side(unsigned dir);

/* The frames that show what followed the negotiation, in frame order, no
 * frame twice: the hellos, the certificate, the alerts in clear, the
 * CredSSP record that decided its stage; under Standard RDP Security the
 * Connect-Initial and -Response, the License Error, Set Error Info and
 * the Disconnect Provider Ultimatum.  Writes at most TLSFACTS_FRAMES and
 * returns how many. */
#define TLSFACTS_FRAMES	11
size_t tlsfacts_frames(const struct rdpneg_attempt *a,
    uint64_t out[TLSFACTS_FRAMES]);

/* Where a line goes: our words, and the capture's bytes, which the format
 * escapes (and delimits: quotes says whether the line must quote them). */
struct tlsfacts_sink {
	void	(*ours)(void *arg, const char *text);
	void	(*untrusted)(void *arg, const uint8_t *p, size_t len);
	int	  quotes;
	void	 *arg;
};

/* Write to a sink: our words; a number; a capture's text (NUL-ended),
 * quoted when the format's escaping does not delimit it. */
void tlsfacts_ours(const struct tlsfacts_sink *s, const char *text);
void tlsfacts_number(const struct tlsfacts_sink *s, uint64_t n);
void tlsfacts_untrusted(const struct tlsfacts_sink *s, const char *text);

/*
 * "client offered TLS 1.3, TLS 1.2 (17 suites); server chose TLS 1.2
 * TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (frame 9); alert: server fatal
 * protocol_version (70), frame 9; handshake completed; 12 encrypted
 * records", for an attempt with TLS.
 */
void tlsfacts_tls_line(const struct rdpneg_attempt *a,
    const struct tlsfacts_sink *s);

/* Is there a certificate line: a certificate read (TLS's, or Standard
 * security's X.509), or TLS 1.3, which encrypts it? */
int tlsfacts_has_cert_line(const struct rdpneg_attempt *a);

/*
 * "subject "...", issuer "...", names "...", valid <time> to <time>, RSA
 * 2048 bits, RSA-SHA256, SHA-256 <hex>; at the connection's time:
 * self-signed, expired", or "not visible (TLS 1.3 encrypts it)".
 */
void tlsfacts_cert_line(const struct rdpneg_attempt *a,
    const struct tlsfacts_sink *s);

/*
 * "inferred from record lengths: reached error (15 bytes at frame 12);
 * the exact NTSTATUS needs the session's keys" (that clause when the
 * server's answer to AUTHENTICATE decided), for an attempt with CredSSP.
 */
void tlsfacts_credssp_line(const struct rdpneg_attempt *a,
    const struct tlsfacts_sink *s);

/* A certificate time as the reports write it (fmt_time), or "unknown"
 * for -1, a time GnuTLS could not read. */
void tlsfacts_time(int64_t t, char *buf, size_t size);

#endif /* RDPNEG_TLSFACTS_H */
