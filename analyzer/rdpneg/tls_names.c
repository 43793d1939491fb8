/*
 * tls_names.c - the names of TLS versions, content types, handshake
 * messages, alerts and cipher suites (tls.h), as the IANA TLS registries
 * spell them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>

#include "rdpneg/rdpneg.h"
#include "rdpneg/tls.h"

const struct rdpneg_tok rdpneg_tls_version_names[] = {
	{ RDPNEG_SSL_3_0, "SSL 3.0" },
	{ RDPNEG_TLS_1_0, "TLS 1.0" },
	{ RDPNEG_TLS_1_1, "TLS 1.1" },
	{ RDPNEG_TLS_1_2, "TLS 1.2" },
	{ RDPNEG_TLS_1_3, "TLS 1.3" },
	{ 0, NULL }
};

/* TLS ContentType registry (RFC 8446 5.1, RFC 6520). */
const struct rdpneg_tok rdpneg_tls_content_names[] = {
	{ RDPNEG_TLS_CHANGE_CIPHER_SPEC, "change_cipher_spec" },
	{ RDPNEG_TLS_ALERT, "alert" },
	{ RDPNEG_TLS_HANDSHAKE, "handshake" },
	{ RDPNEG_TLS_APPLICATION_DATA, "application_data" },
	{ RDPNEG_TLS_HEARTBEAT, "heartbeat" },
	{ 0, NULL }
};

/* TLS HandshakeType registry (RFC 8446 4, RFC 5246 7.4, RFC 6066). */
const struct rdpneg_tok rdpneg_tls_handshake_names[] = {
	{ RDPNEG_HS_HELLO_REQUEST, "hello_request" },
	{ RDPNEG_HS_CLIENT_HELLO, "client_hello" },
	{ RDPNEG_HS_SERVER_HELLO, "server_hello" },
	{ 3, "hello_verify_request" },
	{ RDPNEG_HS_NEW_SESSION_TICKET, "new_session_ticket" },
	{ 5, "end_of_early_data" },
	{ RDPNEG_HS_ENCRYPTED_EXTENSIONS, "encrypted_extensions" },
	{ RDPNEG_HS_CERTIFICATE, "certificate" },
	{ RDPNEG_HS_SERVER_KEY_EXCHANGE, "server_key_exchange" },
	{ RDPNEG_HS_CERTIFICATE_REQUEST, "certificate_request" },
	{ RDPNEG_HS_SERVER_HELLO_DONE, "server_hello_done" },
	{ RDPNEG_HS_CERTIFICATE_VERIFY, "certificate_verify" },
	{ RDPNEG_HS_CLIENT_KEY_EXCHANGE, "client_key_exchange" },
	{ RDPNEG_HS_FINISHED, "finished" },
	{ 21, "certificate_url" },
	{ 22, "certificate_status" },
	{ 23, "supplemental_data" },
	{ 24, "key_update" },
	{ 254, "message_hash" },
	{ 0, NULL }
};

/* TLS Alert registry (RFC 8446 6, RFC 5246 7.2 and the RFCs after). */
const struct rdpneg_tok rdpneg_tls_alert_names[] = {
	{ RDPNEG_ALERT_CLOSE_NOTIFY, "close_notify" },
	{ 10, "unexpected_message" },
	{ 20, "bad_record_mac" },
	{ 21, "decryption_failed" },
	{ 22, "record_overflow" },
	{ 30, "decompression_failure" },
	{ RDPNEG_ALERT_HANDSHAKE_FAILURE, "handshake_failure" },
	{ 41, "no_certificate" },
	{ RDPNEG_ALERT_BAD_CERTIFICATE, "bad_certificate" },
	{ RDPNEG_ALERT_UNSUPPORTED_CERTIFICATE, "unsupported_certificate" },
	{ RDPNEG_ALERT_CERTIFICATE_REVOKED, "certificate_revoked" },
	{ RDPNEG_ALERT_CERTIFICATE_EXPIRED, "certificate_expired" },
	{ RDPNEG_ALERT_CERTIFICATE_UNKNOWN, "certificate_unknown" },
	{ 47, "illegal_parameter" },
	{ RDPNEG_ALERT_UNKNOWN_CA, "unknown_ca" },
	{ 49, "access_denied" },
	{ RDPNEG_ALERT_DECODE_ERROR, "decode_error" },
	{ 51, "decrypt_error" },
	{ 60, "export_restriction" },
	{ RDPNEG_ALERT_PROTOCOL_VERSION, "protocol_version" },
	{ RDPNEG_ALERT_INSUFFICIENT_SECURITY, "insufficient_security" },
	{ RDPNEG_ALERT_INTERNAL_ERROR, "internal_error" },
	{ 86, "inappropriate_fallback" },
	{ 90, "user_canceled" },
	{ 100, "no_renegotiation" },
	{ 109, "missing_extension" },
	{ 110, "unsupported_extension" },
	{ 111, "certificate_unobtainable" },
	{ 112, "unrecognized_name" },
	{ 113, "bad_certificate_status_response" },
	{ 114, "bad_certificate_hash_value" },
	{ 115, "unknown_psk_identity" },
	{ 116, "certificate_required" },
	{ 120, "no_application_protocol" },
	{ 0, NULL }
};

const struct rdpneg_tok rdpneg_tls_alert_level_names[] = {
	{ RDPNEG_ALERT_WARNING, "warning" },
	{ RDPNEG_ALERT_FATAL, "fatal" },
	{ 0, NULL }
};

/*
 * TLS Cipher Suites registry: the suites OpenSSL, GnuTLS and Schannel
 * offer (TLS 1.3; ECDHE, DHE and RSA key exchange with AES-GCM, AES-CCM,
 * AES-CBC, ChaCha20-Poly1305, 3DES, RC4 and NULL) and the two signalling
 * values (RFC 5746 3.3, RFC 7507 2).
 */
const struct rdpneg_tok rdpneg_tls_suite_names[] = {
	{ 0x0000, "TLS_NULL_WITH_NULL_NULL" },
	{ 0x0001, "TLS_RSA_WITH_NULL_MD5" },
	{ 0x0002, "TLS_RSA_WITH_NULL_SHA" },
	{ 0x0004, "TLS_RSA_WITH_RC4_128_MD5" },
	{ 0x0005, "TLS_RSA_WITH_RC4_128_SHA" },
	{ 0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA" },
	{ 0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA" },
	{ 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA" },
	{ 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA" },
	{ 0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA" },
	{ 0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA" },
	{ 0x003b, "TLS_RSA_WITH_NULL_SHA256" },
	{ 0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256" },
	{ 0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256" },
	{ 0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0x006a, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256" },
	{ 0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256" },
	{ 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256" },
	{ 0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384" },
	{ 0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" },
	{ 0x1301, "TLS_AES_128_GCM_SHA256" },
	{ 0x1302, "TLS_AES_256_GCM_SHA384" },
	{ 0x1303, "TLS_CHACHA20_POLY1305_SHA256" },
	{ 0x1304, "TLS_AES_128_CCM_SHA256" },
	{ 0x1305, "TLS_AES_128_CCM_8_SHA256" },
	{ 0x5600, "TLS_FALLBACK_SCSV" },
	{ 0xc006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA" },
	{ 0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA" },
	{ 0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" },
	{ 0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA" },
	{ 0xc010, "TLS_ECDHE_RSA_WITH_NULL_SHA" },
	{ 0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA" },
	{ 0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" },
	{ 0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" },
	{ 0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256" },
	{ 0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384" },
	{ 0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384" },
	{ 0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
	{ 0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
	{ 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0xc09c, "TLS_RSA_WITH_AES_128_CCM" },
	{ 0xc09d, "TLS_RSA_WITH_AES_256_CCM" },
	{ 0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM" },
	{ 0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM" },
	{ 0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8" },
	{ 0xc0a1, "TLS_RSA_WITH_AES_256_CCM_8" },
	{ 0xc0a2, "TLS_DHE_RSA_WITH_AES_128_CCM_8" },
	{ 0xc0a3, "TLS_DHE_RSA_WITH_AES_256_CCM_8" },
	{ 0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM" },
	{ 0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM" },
	{ 0xc0ae, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8" },
	{ 0xc0af, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8" },
	{ 0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0, NULL }
};
