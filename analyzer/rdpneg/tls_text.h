/*
 * tls_text.h - the facts of the TLS after a negotiation (tls.h), of its
 * certificate (x509.h) and of CredSSP (credssp.h) in words, as the
 * knowledge base's texts and the reports say them.  Names come from the
 * name tables (tls.h); a value a table lacks is written in hex.
 *
 * Each function writes a NUL-terminated prefix of whole items into buf
 * (size bytes; nothing when size is 0) and returns the length the full
 * text needs, as rdpneg_bits_str() does.  Pure C11: no allocation.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_TLS_TEXT_H
#define RDPNEG_TLS_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "rdpneg/credssp.h"
#include "rdpneg/tls.h"

/* RFC 8701: a GREASE value (0x?A?A, both nibbles equal), which a client
 * offers only to keep servers tolerant, and the words leave out. */
int rdpneg_tls_grease(uint16_t v);

/* "TLS 1.2", or "0x7f1c" for a version no table names. */
size_t rdpneg_tls_version_str(uint16_t version, char *buf, size_t size);

/* "TLS_AES_128_GCM_SHA256", or "0x1301"-style hex. */
size_t rdpneg_tls_suite_str(uint16_t suite, char *buf, size_t size);

/* The versions the client offered: its supported_versions without GREASE
 * ("TLS 1.3, TLS 1.2"), else "up to TLS 1.2" from legacy_version;
 * "none" without a ClientHello. */
size_t rdpneg_tls_offered_str(const struct rdpneg_tls *tls, char *buf,
    size_t size);

/* The suites the client offered: "17 suites: A, B, C, ..." naming at most
 * max of them. */
size_t rdpneg_tls_suites_str(const struct rdpneg_tls *tls, size_t max,
    char *buf, size_t size);

/* A direction's first alert: "fatal protocol_version (70)"; "none". */
size_t rdpneg_tls_alert_str(const struct rdpneg_tls_dir *dir, char *buf,
    size_t size);

/* RDPNEG_CERT_* bits as "self-signed, expired"; "none". */
size_t rdpneg_cert_flags_str(unsigned flags, char *buf, size_t size);

/* A CredSSP message's plaintext bounds as rdpneg_tls_plaintext() gave
 * them: "15 bytes", "at most 15 bytes", "12 to 27 bytes", "unknown". */
size_t rdpneg_plaintext_str(enum rdpneg_plaintext kind, unsigned lo,
    unsigned hi, char *buf, size_t size);

#endif /* RDPNEG_TLS_TEXT_H */
