/*
 * credssp.h - how far CredSSP (NLA: MS-CSSP, after a Connection Confirm
 * selecting PROTOCOL_HYBRID or HYBRID_EX) got, inferred without keys from
 * the lengths and directions of the encrypted records that follow the
 * TLS handshake (tls.h), and from who closed the connection.
 *
 * Every TSRequest travels in its own TLS record, and the two sides take
 * turns (MS-CSSP 3.1.5): the client's first token (NTLM NEGOTIATE or a
 * Kerberos one), the server's answer (CHALLENGE), the client's next token
 * with its pubKeyAuth (AUTHENTICATE), the server's pubKeyAuth (the
 * credentials were accepted) or a TSRequest {version, errorCode} of about
 * 15 bytes (they were not), the client's authInfo (TSCredentials); with
 * HYBRID_EX the server then sends the 4-byte Early User Authorization
 * Result (MS-RDPBCGR 2.2.10.2); then the client's MCS Connect Initial.
 * The plaintext length of a record is its length less the cipher's
 * overhead, exact for AEAD suites (TLS 1.2 GCM and CCM 24 bytes,
 * ChaCha20-Poly1305 16; TLS 1.3 17 plus any padding, so at most),
 * ambiguous for CBC.  Kerberos takes more round trips than NTLM: the
 * stages after AUTHENTICATE are then approximate, which the report says.
 * The exact NTSTATUS of an error needs the session's keys.
 *
 * Pure C11: no allocation, no I/O.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_CREDSSP_H
#define RDPNEG_CREDSSP_H

#include <stdint.h>

#include "rdpneg/evidence.h"

enum rdpneg_credssp_stage {
	RDPNEG_CREDSSP_NONE = 0,	/* no CredSSP record */
	RDPNEG_CREDSSP_NEGOTIATE,	/* the client's first token */
	RDPNEG_CREDSSP_CHALLENGE,	/* the server's answer */
	RDPNEG_CREDSSP_AUTHENTICATE,	/* the client's second token */
	RDPNEG_CREDSSP_ERROR,		/* the server's error TSRequest */
	RDPNEG_CREDSSP_PUB_KEY_AUTH,	/* the server's next answer: with
					   NTLM its pubKeyAuth */
	RDPNEG_CREDSSP_CREDENTIALS,	/* the client's answer to it: with
					   NTLM its authInfo */
	RDPNEG_CREDSSP_EARLY_USER_AUTH,	/* HYBRID_EX: the server's 4-byte
					   result, and the client went no
					   further */
	RDPNEG_CREDSSP_COMPLETE,	/* the client went on to MCS */
	RDPNEG_CREDSSP_STAGE_COUNT
};

extern const struct rdpneg_tok rdpneg_credssp_stage_names[];

/* What the plaintext lengths are worth. */
enum rdpneg_plaintext {
	RDPNEG_PLAINTEXT_UNKNOWN = 0,	/* no ServerHello, or a suite whose
					   overhead is not known */
	RDPNEG_PLAINTEXT_EXACT,		/* TLS 1.2 AEAD */
	RDPNEG_PLAINTEXT_AT_MOST,	/* TLS 1.3: padding may hide some */
	RDPNEG_PLAINTEXT_RANGE		/* CBC: within a block and MAC */
};

extern const struct rdpneg_tok rdpneg_plaintext_names[];

/* A server TSRequest of at most this many plaintext bytes (and more than
 * the 4 of an Early User Authorization Result) is an error: {version,
 * errorCode} is 15 bytes from Windows and FreeRDP. */
#define RDPNEG_CREDSSP_ERROR_MAX	24u

struct rdpneg_credssp {
	enum rdpneg_credssp_stage stage;
	enum rdpneg_plaintext	 plaintext;
	unsigned		 messages;	/* CredSSP messages: runs of
						   records from one side */
	unsigned		 last_min;	/* plaintext of the message that
						   decided the stage, bounds */
	unsigned		 last_max;
	int			 last_from_client;
	uint64_t		 frame;		/* its first record's frame;
						   0: no record */
};

/*
 * The overhead a record of this session adds to its plaintext: the
 * plaintext of a record of length len is within [*lo, *hi].  Returns
 * what the bounds are worth.
 */
enum rdpneg_plaintext rdpneg_tls_plaintext(const struct rdpneg_tls *tls,
    unsigned len, unsigned *lo, unsigned *hi);

/* Infer the stage (NONE unless the server selected HYBRID or HYBRID_EX
 * and the TLS handshake completed). */
void rdpneg_infer_credssp(const struct rdpneg_evidence *ev,
    struct rdpneg_credssp *out);

#endif /* RDPNEG_CREDSSP_H */
