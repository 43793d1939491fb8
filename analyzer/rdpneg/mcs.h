/*
 * mcs.h - what Standard RDP Security leaves in clear after the
 * negotiation (MS-RDPBCGR 1.3.1.1, 5.3): the X.224 Data TPDUs carrying
 * T.125 MCS, the Connect-Initial and Connect-Response (BER) with the
 * T.124 GCC Conference Create Request/Response and the RDP user-data
 * blocks they carry (2.2.1.3, 2.2.1.4), the domain PDUs of the
 * connection sequence (PER: Erect Domain, Attach User, Channel Join,
 * Send Data, Disconnect Provider Ultimatum), the basic security header
 * (2.2.8.1.1.2.1), and, when not encrypted, the License Error PDU
 * (2.2.1.12.1.3) and the Set Error Info PDU (2.2.5.1).
 *
 * Two levels, as for TLS (tls.h):
 *   - pure decoders of one PDU or block over a byte span, filling a
 *     struct and returning a status (RDPNEG_TRUNCATED kept apart from the
 *     RDPNEG_ERR_MCS_* statuses);
 *   - rdpneg_mcs_feed(): the walker a consumer calls as each direction's
 *     stream grows, recording the connection's facts in struct rdpneg_mcs
 *     (part of the connection model, evidence.h).
 * No allocation and no I/O.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_MCS_H
#define RDPNEG_MCS_H

#include <stddef.h>
#include <stdint.h>

#include "rdpneg/rdpneg.h"

/* MCS PDU types: the BER application tags of T.125's connect PDUs, and
 * the DomainMCSPDU choice numbers (T.125 7, PER) of the domain PDUs. */
#define RDPNEG_MCS_ERECT_DOMAIN		1u
#define RDPNEG_MCS_DISCONNECT		8u	/* Disconnect Provider
						   Ultimatum */
#define RDPNEG_MCS_ATTACH_USER_REQUEST	10u
#define RDPNEG_MCS_ATTACH_USER_CONFIRM	11u
#define RDPNEG_MCS_CHANNEL_JOIN_REQUEST	14u
#define RDPNEG_MCS_CHANNEL_JOIN_CONFIRM	15u
#define RDPNEG_MCS_SEND_DATA_REQUEST	25u
#define RDPNEG_MCS_SEND_DATA_INDICATION	26u
#define RDPNEG_MCS_CONNECT_INITIAL	101u
#define RDPNEG_MCS_CONNECT_RESPONSE	102u

/* T.125 Result (Connect-Response, confirms) and Reason (Disconnect
 * Provider Ultimatum) values the rules name. */
#define RDPNEG_MCS_RT_SUCCESSFUL	0u
#define RDPNEG_MCS_RN_USER_REQUESTED	3u

/* Encryption methods (2.2.1.3.3, 2.2.1.4.3): bits offered by the client,
 * one chosen by the server. */
#define RDPNEG_ENC_40BIT	0x01u
#define RDPNEG_ENC_128BIT	0x02u
#define RDPNEG_ENC_56BIT	0x08u
#define RDPNEG_ENC_FIPS		0x10u

/* Encryption levels (2.2.1.4.3). */
#define RDPNEG_ENC_LEVEL_NONE		0u
#define RDPNEG_ENC_LEVEL_LOW		1u
#define RDPNEG_ENC_LEVEL_CLIENT_COMPATIBLE 2u
#define RDPNEG_ENC_LEVEL_HIGH		3u
#define RDPNEG_ENC_LEVEL_FIPS		4u

/* Basic security header flags (2.2.8.1.1.2.1). */
#define RDPNEG_SEC_EXCHANGE_PKT		0x0001u
#define RDPNEG_SEC_TRANSPORT_REQ	0x0002u
#define RDPNEG_SEC_ENCRYPT		0x0008u
#define RDPNEG_SEC_RESET_SEQNO		0x0010u
#define RDPNEG_SEC_IGNORE_SEQNO		0x0020u
#define RDPNEG_SEC_INFO_PKT		0x0040u
#define RDPNEG_SEC_LICENSE_PKT		0x0080u
#define RDPNEG_SEC_LICENSE_ENCRYPT	0x0200u
#define RDPNEG_SEC_REDIRECTION_PKT	0x0400u
#define RDPNEG_SEC_SECURE_CHECKSUM	0x0800u
#define RDPNEG_SEC_AUTODETECT_REQ	0x1000u
#define RDPNEG_SEC_AUTODETECT_RSP	0x2000u
#define RDPNEG_SEC_HEARTBEAT		0x4000u
#define RDPNEG_SEC_FLAGSHI_VALID	0x8000u

/* Licensing (MS-RDPELE 2.2.2, MS-RDPBCGR 2.2.1.12): message types and
 * the License Error PDU's codes the rules name. */
#define RDPNEG_LICENSE_ERROR_ALERT	0xffu
#define RDPNEG_LICENSE_STATUS_VALID_CLIENT 0x07u
#define RDPNEG_LICENSE_ST_NO_TRANSITION	0x02u

/* Share Control PDU types (2.2.8.1.1.1.1) and the Share Data PDU type
 * (2.2.8.1.1.1.2) of Set Error Info. */
#define RDPNEG_PDUTYPE_DEMAND_ACTIVE	0x1u
#define RDPNEG_PDUTYPE_CONFIRM_ACTIVE	0x3u
#define RDPNEG_PDUTYPE_DEACTIVATE_ALL	0x6u
#define RDPNEG_PDUTYPE_DATA		0x7u
#define RDPNEG_PDUTYPE2_SET_ERROR_INFO	0x2fu

/* ---- Level 1: one PDU, one GCC block. */

/*
 * One TPKT + X.224 Data TPDU at buf (MS-RDPBCGR 2.2.1.3: the X.224 Data
 * TPDU header is LI 2, code DT, EOT) and its MCS PDU's type.  size is the
 * TPKT length; data the MCS PDU (cut when truncated).
 */
struct rdpneg_mcs_pdu {
	size_t			size;
	uint8_t			type;		/* RDPNEG_MCS_*; 0 unknown */
	struct rdpneg_span	data;
};

/*
 * RDPNEG_TRUNCATED: the header or the TPDU is cut (type is set as soon as
 * its bytes are there); RDPNEG_ERR_MCS_FRAME: not a TPKT-framed X.224
 * Data TPDU.
 */
enum rdpneg_status rdpneg_decode_mcs_pdu(const uint8_t *buf, size_t len,
    struct rdpneg_mcs_pdu *out);

#define RDPNEG_CLIENT_NAME_MAX	48	/* UTF-8 of 15 UTF-16 units, NUL */
#define RDPNEG_DIG_PRODUCT_ID_MAX 96	/* UTF-8 of 31 UTF-16 units, NUL */
#define RDPNEG_CHANNELS_MAX	16	/* channel names kept */
#define RDPNEG_CHANNEL_NAME_MAX	8	/* bytes of a name (2.2.1.3.4.1) */

/* struct rdpneg_gcc_client.have: the blocks (and optional fields) seen. */
#define RDPNEG_CS_CORE		0x01u	/* CS_CORE, up to imeFileName */
#define RDPNEG_CS_CORE_HIGH_DEPTH 0x02u	/* ... highColorDepth etc. */
#define RDPNEG_CS_CORE_EARLY	0x04u	/* ... earlyCapabilityFlags */
#define RDPNEG_CS_CORE_PRODUCT_ID 0x08u	/* ... clientDigProductId */
#define RDPNEG_CS_CORE_SELECTED	0x10u	/* ... serverSelectedProtocol */
#define RDPNEG_CS_SECURITY	0x20u	/* CS_SECURITY */
#define RDPNEG_CS_NET		0x40u	/* CS_NET */
#define RDPNEG_CS_CLUSTER	0x80u	/* CS_CLUSTER */
#define RDPNEG_CS_POST_BETA2	0x100u	/* ... postBeta2ColorDepth */

/* earlyCapabilityFlags (2.2.1.3.2) the decoder and reports name. */
#define RDPNEG_RNS_UD_CS_SUPPORT_ERRINFO_PDU	0x0001u
#define RDPNEG_RNS_UD_CS_WANT_32BPP_SESSION	0x0002u

/* The client's GCC Conference Create Request user data (2.2.1.3). */
struct rdpneg_gcc_client {
	unsigned	have;			/* RDPNEG_CS_* */
	/* CS_CORE (2.2.1.3.2). */
	uint32_t	version;
	uint16_t	desktop_width;
	uint16_t	desktop_height;
	uint16_t	color_depth;		/* bits per pixel requested:
						   rdpneg_gcc_color_depth() */
	uint32_t	keyboard_layout;
	uint32_t	client_build;
	char		name[RDPNEG_CLIENT_NAME_MAX];	/* UTF-8, untrusted */
	uint32_t	keyboard_type;
	uint16_t	early_capability_flags;
	char		dig_product_id[RDPNEG_DIG_PRODUCT_ID_MAX];
	uint32_t	server_selected_protocol;
	/* CS_SECURITY (2.2.1.3.3). */
	uint32_t	encryption_methods;	/* RDPNEG_ENC_* bits */
	uint32_t	ext_encryption_methods;	/* French locale only */
	/* CS_NET (2.2.1.3.4). */
	uint32_t	channel_count;		/* as declared */
	uint8_t		nchannels;		/* names kept */
	char		channels[RDPNEG_CHANNELS_MAX][RDPNEG_CHANNEL_NAME_MAX + 1];
	/* CS_CLUSTER (2.2.1.3.5). */
	uint32_t	cluster_flags;
};

/* struct rdpneg_gcc_server.have */
#define RDPNEG_SC_CORE		0x01u	/* SC_CORE */
#define RDPNEG_SC_CORE_REQUESTED 0x02u	/* ... clientRequestedProtocols */
#define RDPNEG_SC_SECURITY	0x04u	/* SC_SECURITY: method and level */
#define RDPNEG_SC_RANDOM	0x08u	/* ... serverRandom */
#define RDPNEG_SC_CERTIFICATE	0x10u	/* ... serverCertificate */
#define RDPNEG_SC_NET		0x20u	/* SC_NET */

/* Server certificate types (2.2.1.4.3.1: dwVersion's low 31 bits). */
#define RDPNEG_CERT_CHAIN_PROPRIETARY	1u
#define RDPNEG_CERT_CHAIN_X509		2u

/* The server's GCC Conference Create Response user data (2.2.1.4). */
struct rdpneg_gcc_server {
	unsigned		have;		/* RDPNEG_SC_* */
	/* SC_CORE (2.2.1.4.2). */
	uint32_t		version;
	uint32_t		client_requested_protocols;
	/* SC_SECURITY (2.2.1.4.3). */
	uint32_t		encryption_method;
	uint32_t		encryption_level;
	uint32_t		random_len;
	uint8_t			cert_type;	/* RDPNEG_CERT_CHAIN_*, or
						   another value as sent */
	uint8_t			cert_permanent;	/* dwVersion's t bit clear */
	uint32_t		cert_count;	/* X.509 blobs; 1 proprietary */
	uint32_t		key_bits;	/* proprietary: RSA1 bitlen */
	struct rdpneg_span	cert_leaf;	/* X.509: the last blob, the
						   server's own (5.3.2) */
	/* SC_NET (2.2.1.4.4). */
	uint16_t		io_channel;
	uint16_t		channel_count;
};

/*
 * MCS Connect-Initial (T.125 11.1, BER) and the GCC Conference Create
 * Request in its userData (T.124, PER; MS-RDPBCGR 2.2.1.3.1), whose user
 * data blocks fill out.  data is the MCS PDU (rdpneg_decode_mcs_pdu),
 * maybe cut: RDPNEG_TRUNCATED when it ends inside its BER length (on a
 * whole PDU that length lies).
 * RDPNEG_ERR_MCS_BER: a BER tag or length lies; RDPNEG_ERR_GCC: the GCC
 * encoding is not the one MS-RDPBCGR defines; RDPNEG_ERR_USER_DATA: a
 * block's length lies.  Blocks decoded before a problem are kept.
 */
enum rdpneg_status rdpneg_decode_connect_initial(const uint8_t *data,
    size_t len, struct rdpneg_gcc_client *out);

/* The Connect-Response's result (T.125 Result) and the GCC result. */
struct rdpneg_connect_response {
	uint8_t			mcs_result;
	uint8_t			gcc_result;	/* with have_gcc */
	uint8_t			have_gcc;
	struct rdpneg_gcc_server server;
};

/* MCS Connect-Response (T.125 11.2) and the GCC Conference Create
 * Response (2.2.1.4.1); statuses as for the Connect-Initial. */
enum rdpneg_status rdpneg_decode_connect_response(const uint8_t *data,
    size_t len, struct rdpneg_connect_response *out);

/* The user data blocks of a Connect-Initial or -Response (2.2.1.3.1,
 * 2.2.1.4.1): the blocks known from the client, or from the server. */
enum rdpneg_status rdpneg_decode_client_data(const uint8_t *buf, size_t len,
    struct rdpneg_gcc_client *out);
enum rdpneg_status rdpneg_decode_server_data(const uint8_t *buf, size_t len,
    struct rdpneg_gcc_server *out);

/* A domain PDU (PER, T.125 7): what the connection sequence names. */
struct rdpneg_domain_pdu {
	uint8_t			type;		/* RDPNEG_MCS_* */
	uint8_t			reason;		/* Disconnect: T.125 Reason */
	uint8_t			result;		/* the confirms: T.125 Result */
	uint16_t		channel;	/* Send Data, Channel Join */
	struct rdpneg_span	user_data;	/* Send Data */
};

/* RDPNEG_ERR_MCS_PER when a length or a choice lies; RDPNEG_TRUNCATED
 * when data (maybe cut) ends before what its fields declare. */
enum rdpneg_status rdpneg_decode_domain_pdu(const uint8_t *data, size_t len,
    struct rdpneg_domain_pdu *out);

/* What a Send Data's user data shows under Standard RDP Security. */
#define RDPNEG_SEC_HAVE_HEADER	0x01u	/* flags: a basic security header */
#define RDPNEG_SEC_HAVE_LICENSE	0x02u	/* license_type (+ error) */
#define RDPNEG_SEC_HAVE_ERROR	0x04u	/* a License Error: error_code etc. */
#define RDPNEG_SEC_HAVE_SHARE	0x08u	/* pdu_type: a Share Control PDU in
					   clear */
#define RDPNEG_SEC_HAVE_ERRINFO	0x10u	/* error_info (Set Error Info) */

struct rdpneg_sec_pdu {
	unsigned	have;		/* RDPNEG_SEC_HAVE_* */
	uint16_t	flags;		/* RDPNEG_SEC_* */
	uint8_t		license_type;	/* bMsgType */
	uint32_t	error_code;	/* dwErrorCode */
	uint32_t	state_transition; /* dwStateTransition */
	uint8_t		pdu_type;	/* Share Control pduType & 0xf */
	uint8_t		pdu_type2;	/* Share Data pduType2 */
	uint32_t	error_info;	/* errorInfo */
};

/*
 * A Send Data Request's or Indication's user data: the basic security
 * header when header (the server's level and method call for one, or it
 * is a licensing or Client Info PDU, 2.2.8.1.1.2.1), then what is in
 * clear: a License Error PDU, a Share Control header, Set Error Info.
 * RDPNEG_ERR_SEC when a length inside lies.
 */
enum rdpneg_status rdpneg_decode_sec_pdu(const uint8_t *data, size_t len,
    int header, struct rdpneg_sec_pdu *out);

/* ---- Level 2: a connection's Standard-security exchange, fed as its
 * bytes arrive. */

/* How far the connection sequence got (MS-RDPBCGR 1.3.1.1). */
enum rdpneg_mcs_stage {
	RDPNEG_STAGE_NONE = 0,
	RDPNEG_STAGE_CONNECT_INITIAL,	/* the client's Connect-Initial */
	RDPNEG_STAGE_CONNECT_RESPONSE,	/* the server's successful answer */
	RDPNEG_STAGE_DOMAIN,		/* Erect Domain, Attach, Join */
	RDPNEG_STAGE_SECURITY_EXCHANGE,	/* the client's Security Exchange */
	RDPNEG_STAGE_CLIENT_INFO,	/* the client's Client Info */
	RDPNEG_STAGE_LICENSING,		/* the server's licensing PDUs */
	RDPNEG_STAGE_ACTIVE,		/* past licensing: capabilities
					   exchanged, data flowing */
	RDPNEG_STAGE_COUNT
};

/* What one direction showed. */
struct rdpneg_mcs_dir {
	uint32_t	consumed;	/* stream bytes walked: whole PDUs */
	uint8_t		status;		/* enum rdpneg_status: OK, or the
					   first problem, which stops it */
	uint8_t		fast_path;	/* a fast-path PDU came (2.2.9.1.2,
					   2.2.8.1.2): the session runs; its
					   PDUs are framed, not read */
	uint32_t	pdus;		/* PDUs walked */
	uint16_t	sec_flags;	/* the basic security headers' flags,
					   OR-ed */
	uint64_t	first_frame;
	uint64_t	last_frame;
};

/* struct rdpneg_mcs.have */
#define RDPNEG_MCS_HAVE_CLIENT	0x01u	/* client: the Connect-Initial */
#define RDPNEG_MCS_HAVE_SERVER	0x02u	/* server, results: the Response */
#define RDPNEG_MCS_HAVE_DISCONNECT 0x04u /* a Disconnect Provider
					   Ultimatum: reason, from */
#define RDPNEG_MCS_HAVE_LICENSE_ERROR 0x08u /* a License Error in clear */
#define RDPNEG_MCS_HAVE_ERROR_INFO 0x10u /* Set Error Info in clear */
#define RDPNEG_MCS_HAVE_CERT_FACTS 0x20u /* cert_flags set by the consumer
					   (x509.h) */
#define RDPNEG_MCS_BUDGET_SPENT	0x40u	/* a direction passed the budget */
#define RDPNEG_MCS_INITIAL_BEGAN 0x80u	/* a Connect-Initial began, maybe
					   never completed (snap length) */
#define RDPNEG_MCS_RESPONSE_BEGAN 0x100u /* a Connect-Response began, the
					   same */

struct rdpneg_mcs {
	unsigned		have;	/* RDPNEG_MCS_HAVE_* etc. */
	uint8_t			stage;	/* enum rdpneg_mcs_stage: furthest */
	struct rdpneg_gcc_client client;
	struct rdpneg_gcc_server server;
	uint8_t			mcs_result;
	uint8_t			gcc_result;
	uint8_t			disconnect_reason;
	uint8_t			disconnect_from_client;
	uint8_t			license_type;	/* the last license message */
	uint32_t		license_error;	/* dwErrorCode */
	uint32_t		license_transition;
	uint32_t		error_info;
	uint32_t		cert_off;	/* the X.509 leaf in the server's
						   stream, with cert_len > 0 */
	uint32_t		cert_len;
	unsigned		cert_flags;	/* RDPNEG_CERT_* */
	uint64_t		stage_frame[RDPNEG_STAGE_COUNT];
	uint64_t		response_frame;	/* the Connect-Response's,
						   whatever its result: where
						   it completed (or began, if
						   it never did) */
	uint64_t		disconnect_frame;
	uint64_t		license_frame;
	uint64_t		error_info_frame;
	struct rdpneg_mcs_dir	dir[2];		/* [0] client, [1] server */
};

/* Bytes of one direction's stream a consumer walks at most. */
#define RDPNEG_MCS_STREAM_BUDGET	65536u

/*
 * Walk one direction's stream (stream[0] is the first byte after its CR
 * or CC; len bytes are contiguous) from dir->consumed, whole PDUs at a
 * time, and record what each shows; frame is the packet that brought the
 * newest bytes.  A Connect-Initial or -Response still incomplete is marked
 * as begun (RDPNEG_MCS_INITIAL_BEGAN, RDPNEG_MCS_RESPONSE_BEGAN).  Returns RDPNEG_OK when every byte was
 * walked, RDPNEG_TRUNCATED when a PDU is still incomplete, or the first
 * malformed status (kept in dir->status), after which that direction is
 * not walked again.  Walks nothing past RDPNEG_MCS_STREAM_BUDGET.
 */
enum rdpneg_status rdpneg_mcs_feed(struct rdpneg_mcs *mcs, int from_client,
    const uint8_t *stream, size_t len, uint64_t frame);

/* Has the exchange shown all rdpneg reads from it: a Disconnect Provider
 * Ultimatum, or both directions stopped (malformed, past the budget)? */
int rdpneg_mcs_decided(const struct rdpneg_mcs *mcs);

/* What makes a working Standard-security session weak (MS-RDPBCGR 5.3:
 * every one lacks TLS; these add to it). */
#define RDPNEG_RDP_WEAK_NO_ENCRYPTION	0x01u	/* level or method None */
#define RDPNEG_RDP_WEAK_SERVER_CLEAR	0x02u	/* level Low: the server's
						   data is not encrypted */
#define RDPNEG_RDP_WEAK_KEY		0x04u	/* 40- or 56-bit RC4 */
#define RDPNEG_RDP_WEAK_PROPRIETARY_CERT 0x08u	/* the proprietary
						   certificate: its key is
						   signed by a key every
						   client knows, so the
						   server is not
						   authenticated (5.3.3.1) */

/* The RDPNEG_RDP_WEAK_* bits of the server's choice, 0 without it. */
unsigned rdpneg_rdp_weaknesses(const struct rdpneg_mcs *mcs);

/* The methods the client offered: encryptionMethods, or in the French
 * locale extEncryptionMethods (2.2.1.3.3). */
uint32_t rdpneg_rdp_offered(const struct rdpneg_gcc_client *c);

/* The colour depth in bits per pixel the client asked for (2.2.1.3.2:
 * 32 with RNS_UD_CS_WANT_32BPP_SESSION, else highColorDepth, else
 * postBeta2ColorDepth, else colorDepth), 0 when unknown. */
unsigned rdpneg_gcc_color_depth(const struct rdpneg_gcc_client *c);

/* One Set Error Info reason (2.2.5.1.1). */
struct rdpneg_errinfo {
	uint32_t	 code;
	const char	*name;		/* ERRINFO_... */
	const char	*meaning;	/* one sentence */
};

/* The reason with this code, or NULL. */
const struct rdpneg_errinfo *rdpneg_find_errinfo(uint32_t code);

extern const struct rdpneg_tok rdpneg_mcs_type_names[];
extern const struct rdpneg_tok rdpneg_mcs_result_names[];	/* rt-... */
extern const struct rdpneg_tok rdpneg_mcs_reason_names[];	/* rn-... */
extern const struct rdpneg_tok rdpneg_gcc_result_names[];
extern const struct rdpneg_tok rdpneg_encryption_method_names[]; /* bits */
extern const struct rdpneg_tok rdpneg_encryption_level_names[];
extern const struct rdpneg_tok rdpneg_cert_chain_names[];
extern const struct rdpneg_tok rdpneg_mcs_stage_names[];
extern const struct rdpneg_tok rdpneg_sec_flag_names[];		/* bits */
extern const struct rdpneg_tok rdpneg_license_type_names[];
extern const struct rdpneg_tok rdpneg_license_error_names[];
extern const struct rdpneg_tok rdpneg_license_transition_names[];
extern const struct rdpneg_tok rdpneg_rdp_weakness_names[];	/* bits */

#endif /* RDPNEG_MCS_H */
