/*
 * tls.h - the TLS that follows a negotiation (MS-RDPBCGR 5.4.5.1: after a
 * Connection Confirm selecting PROTOCOL_SSL, HYBRID or HYBRID_EX, both
 * sides speak TLS on the same connection), decoded without keys: the
 * record layer (RFC 8446 5.1, RFC 5246 6.2), the handshake messages sent
 * in clear (ClientHello, ServerHello incl. TLS 1.3 and HelloRetryRequest,
 * the TLS 1.2 Certificate chain, the other messages as markers), alerts
 * in clear, and the lengths of the encrypted records in the order they
 * were sent (what CredSSP progress is inferred from, credssp.h).
 *
 * Two levels, as for the X.224 decoder (rdpneg.h):
 *   - pure decoders of one record, one handshake message, one alert, each
 *     over a byte span, filling a struct and returning a status
 *     (RDPNEG_TRUNCATED kept apart from the RDPNEG_ERR_TLS_* statuses);
 *   - rdpneg_tls_feed(): the walker a consumer (the CLI's tracker, the
 *     plugin) calls as each direction's stream grows; it records the
 *     session's facts in struct rdpneg_tls, part of the connection model
 *     (evidence.h).
 * No allocation and no I/O: handshake messages that span records are
 * gathered in a buffer the caller owns.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_TLS_H
#define RDPNEG_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "rdpneg/rdpneg.h"

/* Record content types (RFC 8446 5.1; RFC 6520 for heartbeat). */
#define RDPNEG_TLS_CHANGE_CIPHER_SPEC	20u
#define RDPNEG_TLS_ALERT		21u
#define RDPNEG_TLS_HANDSHAKE		22u
#define RDPNEG_TLS_APPLICATION_DATA	23u
#define RDPNEG_TLS_HEARTBEAT		24u

/* Handshake message types (RFC 8446 4, RFC 5246 7.4). */
#define RDPNEG_HS_HELLO_REQUEST		0u
#define RDPNEG_HS_CLIENT_HELLO		1u
#define RDPNEG_HS_SERVER_HELLO		2u
#define RDPNEG_HS_NEW_SESSION_TICKET	4u
#define RDPNEG_HS_ENCRYPTED_EXTENSIONS	8u
#define RDPNEG_HS_CERTIFICATE		11u
#define RDPNEG_HS_SERVER_KEY_EXCHANGE	12u
#define RDPNEG_HS_CERTIFICATE_REQUEST	13u
#define RDPNEG_HS_SERVER_HELLO_DONE	14u
#define RDPNEG_HS_CERTIFICATE_VERIFY	15u
#define RDPNEG_HS_CLIENT_KEY_EXCHANGE	16u
#define RDPNEG_HS_FINISHED		20u

/* Protocol versions as on the wire. */
#define RDPNEG_SSL_3_0	0x0300u
#define RDPNEG_TLS_1_0	0x0301u
#define RDPNEG_TLS_1_1	0x0302u
#define RDPNEG_TLS_1_2	0x0303u
#define RDPNEG_TLS_1_3	0x0304u

/* Alert levels and the descriptions rules name (RFC 8446 6). */
#define RDPNEG_ALERT_WARNING		1u
#define RDPNEG_ALERT_FATAL		2u
#define RDPNEG_ALERT_CLOSE_NOTIFY	0u
#define RDPNEG_ALERT_HANDSHAKE_FAILURE	40u
#define RDPNEG_ALERT_BAD_CERTIFICATE	42u
#define RDPNEG_ALERT_UNSUPPORTED_CERTIFICATE 43u
#define RDPNEG_ALERT_CERTIFICATE_REVOKED 44u
#define RDPNEG_ALERT_CERTIFICATE_EXPIRED 45u
#define RDPNEG_ALERT_CERTIFICATE_UNKNOWN 46u
#define RDPNEG_ALERT_UNKNOWN_CA		48u
#define RDPNEG_ALERT_DECODE_ERROR	50u
#define RDPNEG_ALERT_PROTOCOL_VERSION	70u
#define RDPNEG_ALERT_INSUFFICIENT_SECURITY 71u
#define RDPNEG_ALERT_INTERNAL_ERROR	80u

/* The largest record fragment a peer may send: 2^14 plus the most that
 * compression and encryption may add (RFC 5246 6.2.3). */
#define RDPNEG_TLS_RECORD_MAX	(16384u + 2048u)

/* ---- Level 1: one record, one message, one alert. */

/* A record's header and the span of its fragment. */
struct rdpneg_tls_record {
	uint8_t			type;		/* RDPNEG_TLS_* content type */
	uint16_t		version;	/* legacy_record_version */
	uint16_t		length;
	struct rdpneg_span	fragment;	/* length bytes, or fewer when
						   truncated */
	size_t			size;		/* 5 + length */
};

/*
 * One record at buf.  RDPNEG_TRUNCATED: the header or the fragment is cut
 * (the fields read so far are set); RDPNEG_ERR_TLS_RECORD: an unknown
 * content type, a major version other than 3, or a length above
 * RDPNEG_TLS_RECORD_MAX.
 */
enum rdpneg_status rdpneg_decode_tls_record(const uint8_t *buf, size_t len,
    struct rdpneg_tls_record *out);

/* One handshake message's header (RFC 8446 4): type, 24-bit length. */
struct rdpneg_tls_message {
	uint8_t			type;		/* RDPNEG_HS_* */
	uint32_t		length;
	struct rdpneg_span	body;
	size_t			size;		/* 4 + length */
};

/* RDPNEG_TRUNCATED when the header or body is cut; never malformed. */
enum rdpneg_status rdpneg_decode_tls_message(const uint8_t *buf, size_t len,
    struct rdpneg_tls_message *out);

#define RDPNEG_TLS_SUITES_MAX	32	/* offered suites kept */
#define RDPNEG_TLS_VERSIONS_MAX	8	/* supported_versions entries kept */
#define RDPNEG_TLS_SNI_MAX	64	/* bytes of the server name kept */

#define RDPNEG_HELLO_SNI		0x01u	/* server_name present */
#define RDPNEG_HELLO_SNI_CUT		0x02u	/* ... longer than kept */
#define RDPNEG_HELLO_SUPPORTED_VERSIONS	0x04u	/* extension present */
#define RDPNEG_HELLO_RETRY_REQUEST	0x08u	/* a ServerHello whose random
						   is RFC 8446 4.1.3's HRR
						   value */

/* A ClientHello (RFC 8446 4.1.2; RFC 5246 7.4.1.2). */
struct rdpneg_tls_client_hello {
	unsigned	flags;			/* RDPNEG_HELLO_* */
	uint16_t	legacy_version;
	uint16_t	nsuites;		/* suites offered, all counted */
	uint16_t	suites[RDPNEG_TLS_SUITES_MAX];	/* the first ones, in
						   the client's order */
	uint8_t		nversions;		/* supported_versions kept */
	uint16_t	versions[RDPNEG_TLS_VERSIONS_MAX];
	uint8_t		sni_len;		/* untrusted bytes, not text */
	uint8_t		sni[RDPNEG_TLS_SNI_MAX];
};

/* A ServerHello or HelloRetryRequest (RFC 8446 4.1.3, 4.1.4). */
struct rdpneg_tls_server_hello {
	unsigned	flags;			/* RDPNEG_HELLO_* */
	uint16_t	legacy_version;
	uint16_t	version;		/* supported_versions' selection,
						   else legacy_version */
	uint16_t	suite;
};

/* The bodies of those messages (after the 4-byte header):
 * RDPNEG_ERR_TLS_HELLO when a length inside lies. */
enum rdpneg_status rdpneg_decode_client_hello(const uint8_t *body,
    size_t len, struct rdpneg_tls_client_hello *out);
enum rdpneg_status rdpneg_decode_server_hello(const uint8_t *body,
    size_t len, struct rdpneg_tls_server_hello *out);

/* A TLS 1.2-or-earlier Certificate message (RFC 5246 7.4.2). */
struct rdpneg_tls_certificates {
	uint16_t		count;		/* certificates in the chain */
	struct rdpneg_span	first;		/* the server's own, DER */
};

/* RDPNEG_ERR_TLS_CERTIFICATE when the list's lengths lie. */
enum rdpneg_status rdpneg_decode_certificates(const uint8_t *body,
    size_t len, struct rdpneg_tls_certificates *out);

/* An alert record's fragment (RFC 8446 6). */
struct rdpneg_tls_alert {
	uint8_t		level;
	uint8_t		description;
};

/* RDPNEG_ERR_TLS_ALERT when the fragment is not 2 bytes. */
enum rdpneg_status rdpneg_decode_tls_alert(const uint8_t *frag, size_t len,
    struct rdpneg_tls_alert *out);

/* ---- Level 2: a session, fed as its bytes arrive. */

/* Encrypted records kept, both directions together in the order they
 * completed (the CLI's and the plugin's packet order). */
#define RDPNEG_TLS_RECORDS_MAX	24

/* Bytes of one direction's stream a consumer walks at most, and of the
 * handshake buffer it lends: beyond them nothing more is learnt (README,
 * "Reassembly budget"). */
#define RDPNEG_TLS_STREAM_BUDGET	65536u
#define RDPNEG_TLS_HANDSHAKE_BUDGET	32768u

/* What one direction showed. */
struct rdpneg_tls_dir {
	/* The walker's place (rdpneg_tls_feed). */
	uint32_t	consumed;	/* stream bytes walked: whole records */
	uint32_t	hs_len;		/* handshake bytes gathered */
	uint32_t	hs_parsed;	/* ... of which decoded as messages */
	uint8_t		encrypted;	/* its handshake is encrypted from
					   here: after its ChangeCipherSpec,
					   or (TLS 1.3) after ServerHello */
	uint8_t		status;		/* enum rdpneg_status: OK, or the
					   first problem, which stops it:
					   malformed, or TRUNCATED when it
					   passed the budget */
	/* Facts. */
	uint32_t	messages;	/* 1u << type of each handshake
					   message seen in clear (< 32) */
	uint32_t	records;	/* records walked */
	uint8_t		ccs;		/* ChangeCipherSpec seen */
	uint8_t		nalerts;	/* alerts in clear (saturating) */
	struct rdpneg_tls_alert alert;	/* the first alert in clear */
	uint64_t	alert_frame;	/* ... its frame */
	uint64_t	first_frame;	/* frame of its first record */
	uint64_t	last_frame;	/* frame of its last whole record */
};

/* One encrypted record (type 23; under TLS 1.3 also the handshake's). */
struct rdpneg_tls_app_record {
	uint16_t	length;		/* the record's length field */
	uint8_t		from_client;
	uint8_t		handshake;	/* a TLS 1.3 handshake record: sent
					   before that side's Finished */
	uint64_t	frame;
};

/* struct rdpneg_tls.have */
#define RDPNEG_TLS_HAVE_CLIENT_HELLO	0x01u	/* client_hello */
#define RDPNEG_TLS_HAVE_SERVER_HELLO	0x02u	/* server_hello */
#define RDPNEG_TLS_HAVE_CERTIFICATE	0x04u	/* cert_count, cert_off/len
						   into the server's buffer */
#define RDPNEG_TLS_HAVE_CERT_FACTS	0x08u	/* cert_flags set by the
						   consumer (x509.h) */
#define RDPNEG_TLS_RECORDS_CUT		0x10u	/* more encrypted records
						   than kept */
#define RDPNEG_TLS_BUDGET_SPENT		0x20u	/* a direction passed the
						   stream budget */

struct rdpneg_tls {
	unsigned			have;	/* RDPNEG_TLS_HAVE_* etc. */
	struct rdpneg_tls_client_hello	client_hello;
	struct rdpneg_tls_server_hello	server_hello;
	uint64_t			client_hello_frame;
	uint64_t			server_hello_frame;
	uint16_t			cert_count;
	uint32_t			cert_off;	/* in the server's
							   handshake buffer */
	uint32_t			cert_len;
	uint64_t			cert_frame;
	unsigned			cert_flags;	/* RDPNEG_CERT_* */
	struct rdpneg_tls_dir		dir[2];	/* [0] client, [1] server */
	uint8_t				napp;
	uint32_t			napp_total;	/* all seen */
	struct rdpneg_tls_app_record	app[RDPNEG_TLS_RECORDS_MAX];
};

/*
 * Walk one direction's stream (stream[0] is the first byte after its CR
 * or CC; len bytes are contiguous) from dir->consumed, whole records at a
 * time, and record what each shows; frame is the packet that brought the
 * newest bytes.  Handshake fragments are gathered in hs (hs_size bytes
 * owned by the caller and kept unchanged between calls for this
 * direction), and each complete message is decoded once.  Returns
 * RDPNEG_OK when every byte was walked, RDPNEG_TRUNCATED when a record is
 * still incomplete, or the first malformed status (also kept in
 * dir->status), after which that direction is not walked again.  Walks
 * nothing past RDPNEG_TLS_STREAM_BUDGET.
 */
enum rdpneg_status rdpneg_tls_feed(struct rdpneg_tls *tls, int from_client,
    const uint8_t *stream, size_t len, uint8_t *hs, size_t hs_size,
    uint64_t frame);

/*
 * Has the session shown all that rdpneg reads from it, so that the
 * consumer may stop feeding it: a fatal alert, the kept encrypted records
 * full, or both directions stopped (malformed or past the budget).
 */
int rdpneg_tls_decided(const struct rdpneg_tls *tls);

/* The version the session uses (the ServerHello's), else 0. */
uint16_t rdpneg_tls_version(const struct rdpneg_tls *tls);

/* The highest version the client offered (supported_versions, else
 * legacy_version), else 0. */
uint16_t rdpneg_tls_client_max_version(const struct rdpneg_tls *tls);

/* Did the client offer this suite (among those kept)? */
int rdpneg_tls_client_offered_suite(const struct rdpneg_tls *tls,
    uint16_t suite);

extern const struct rdpneg_tok rdpneg_tls_version_names[];
extern const struct rdpneg_tok rdpneg_tls_content_names[];
extern const struct rdpneg_tok rdpneg_tls_handshake_names[];
extern const struct rdpneg_tok rdpneg_tls_alert_names[];	/* desc. */
extern const struct rdpneg_tok rdpneg_tls_alert_level_names[];
extern const struct rdpneg_tok rdpneg_tls_suite_names[];	/* IANA */

#endif /* RDPNEG_TLS_H */
