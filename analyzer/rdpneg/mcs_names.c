/*
 * mcs_names.c - the names of Standard RDP Security's values (mcs.h), as
 * T.125, T.124, MS-RDPBCGR and MS-RDPELE spell them; the encryption
 * method and level names are the ones Zeek's rdp.log uses.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "rdpneg/mcs.h"

const struct rdpneg_tok rdpneg_mcs_type_names[] = {
	{ RDPNEG_MCS_ERECT_DOMAIN, "erect-domain-request" },
	{ RDPNEG_MCS_DISCONNECT, "disconnect-provider-ultimatum" },
	{ RDPNEG_MCS_ATTACH_USER_REQUEST, "attach-user-request" },
	{ RDPNEG_MCS_ATTACH_USER_CONFIRM, "attach-user-confirm" },
	{ RDPNEG_MCS_CHANNEL_JOIN_REQUEST, "channel-join-request" },
	{ RDPNEG_MCS_CHANNEL_JOIN_CONFIRM, "channel-join-confirm" },
	{ RDPNEG_MCS_SEND_DATA_REQUEST, "send-data-request" },
	{ RDPNEG_MCS_SEND_DATA_INDICATION, "send-data-indication" },
	{ RDPNEG_MCS_CONNECT_INITIAL, "connect-initial" },
	{ RDPNEG_MCS_CONNECT_RESPONSE, "connect-response" },
	{ 0, NULL }
};

/* T.125 Result. */
const struct rdpneg_tok rdpneg_mcs_result_names[] = {
	{ 0, "rt-successful" },
	{ 1, "rt-domain-merging" },
	{ 2, "rt-domain-not-hierarchical" },
	{ 3, "rt-no-such-channel" },
	{ 4, "rt-no-such-domain" },
	{ 5, "rt-no-such-user" },
	{ 6, "rt-not-admitted" },
	{ 7, "rt-other-user-id" },
	{ 8, "rt-parameters-unacceptable" },
	{ 9, "rt-token-not-available" },
	{ 10, "rt-token-not-possessed" },
	{ 11, "rt-too-many-channels" },
	{ 12, "rt-too-many-tokens" },
	{ 13, "rt-too-many-users" },
	{ 14, "rt-unspecified-failure" },
	{ 15, "rt-user-rejected" },
	{ 0, NULL }
};

/* T.125 Reason. */
const struct rdpneg_tok rdpneg_mcs_reason_names[] = {
	{ 0, "rn-domain-disconnected" },
	{ 1, "rn-provider-initiated" },
	{ 2, "rn-token-purged" },
	{ 3, "rn-user-requested" },
	{ 4, "rn-channel-purged" },
	{ 0, NULL }
};

/* T.124 ConferenceCreateResponse result. */
const struct rdpneg_tok rdpneg_gcc_result_names[] = {
	{ 0, "success" },
	{ 1, "userRejected" },
	{ 2, "resourcesNotAvailable" },
	{ 3, "rejectedForSymmetryBreaking" },
	{ 4, "lockedConferenceNotSupported" },
	{ 0, NULL }
};

/* Single bits; 0 is "None" (2.2.1.3.3, 2.2.1.4.3). */
const struct rdpneg_tok rdpneg_encryption_method_names[] = {
	{ RDPNEG_ENC_40BIT, "40bit" },
	{ RDPNEG_ENC_128BIT, "128bit" },
	{ RDPNEG_ENC_56BIT, "56bit" },
	{ RDPNEG_ENC_FIPS, "FIPS" },
	{ 0, NULL }
};

const struct rdpneg_tok rdpneg_encryption_level_names[] = {
	{ RDPNEG_ENC_LEVEL_NONE, "None" },
	{ RDPNEG_ENC_LEVEL_LOW, "Low" },
	{ RDPNEG_ENC_LEVEL_CLIENT_COMPATIBLE, "Client compatible" },
	{ RDPNEG_ENC_LEVEL_HIGH, "High" },
	{ RDPNEG_ENC_LEVEL_FIPS, "FIPS" },
	{ 0, NULL }
};

const struct rdpneg_tok rdpneg_cert_chain_names[] = {
	{ RDPNEG_CERT_CHAIN_PROPRIETARY, "RSA" },
	{ RDPNEG_CERT_CHAIN_X509, "X.509" },
	{ 0, NULL }
};

const struct rdpneg_tok rdpneg_mcs_stage_names[] = {
	{ RDPNEG_STAGE_NONE, "none" },
	{ RDPNEG_STAGE_CONNECT_INITIAL, "connect-initial" },
	{ RDPNEG_STAGE_CONNECT_RESPONSE, "connect-response" },
	{ RDPNEG_STAGE_DOMAIN, "domain" },
	{ RDPNEG_STAGE_SECURITY_EXCHANGE, "security-exchange" },
	{ RDPNEG_STAGE_CLIENT_INFO, "client-info" },
	{ RDPNEG_STAGE_LICENSING, "licensing" },
	{ RDPNEG_STAGE_ACTIVE, "active" },
	{ 0, NULL }
};

const struct rdpneg_tok rdpneg_sec_flag_names[] = {
	{ RDPNEG_SEC_EXCHANGE_PKT, "SEC_EXCHANGE_PKT" },
	{ RDPNEG_SEC_TRANSPORT_REQ, "SEC_TRANSPORT_REQ" },
	{ RDPNEG_SEC_ENCRYPT, "SEC_ENCRYPT" },
	{ RDPNEG_SEC_RESET_SEQNO, "SEC_RESET_SEQNO" },
	{ RDPNEG_SEC_IGNORE_SEQNO, "SEC_IGNORE_SEQNO" },
	{ RDPNEG_SEC_INFO_PKT, "SEC_INFO_PKT" },
	{ RDPNEG_SEC_LICENSE_PKT, "SEC_LICENSE_PKT" },
	{ RDPNEG_SEC_LICENSE_ENCRYPT, "SEC_LICENSE_ENCRYPT" },
	{ RDPNEG_SEC_REDIRECTION_PKT, "SEC_REDIRECTION_PKT" },
	{ RDPNEG_SEC_SECURE_CHECKSUM, "SEC_SECURE_CHECKSUM" },
	{ RDPNEG_SEC_AUTODETECT_REQ, "SEC_AUTODETECT_REQ" },
	{ RDPNEG_SEC_AUTODETECT_RSP, "SEC_AUTODETECT_RSP" },
	{ RDPNEG_SEC_HEARTBEAT, "SEC_HEARTBEAT" },
	{ RDPNEG_SEC_FLAGSHI_VALID, "SEC_FLAGSHI_VALID" },
	{ 0, NULL }
};

/* Licensing message types (MS-RDPELE 2.2.2). */
const struct rdpneg_tok rdpneg_license_type_names[] = {
	{ 0x01, "LICENSE_REQUEST" },
	{ 0x02, "PLATFORM_CHALLENGE" },
	{ 0x03, "NEW_LICENSE" },
	{ 0x04, "UPGRADE_LICENSE" },
	{ 0x12, "LICENSE_INFO" },
	{ 0x13, "NEW_LICENSE_REQUEST" },
	{ 0x15, "PLATFORM_CHALLENGE_RESPONSE" },
	{ RDPNEG_LICENSE_ERROR_ALERT, "ERROR_ALERT" },
	{ 0, NULL }
};

/* dwErrorCode of the License Error PDU (2.2.1.12.1.3). */
const struct rdpneg_tok rdpneg_license_error_names[] = {
	{ 0x01, "ERR_INVALID_SERVER_CERTIFICATE" },
	{ 0x02, "ERR_NO_LICENSE" },
	{ 0x03, "ERR_INVALID_MAC" },
	{ 0x04, "ERR_INVALID_SCOPE" },
	{ 0x06, "ERR_NO_LICENSE_SERVER" },
	{ RDPNEG_LICENSE_STATUS_VALID_CLIENT, "STATUS_VALID_CLIENT" },
	{ 0x08, "ERR_INVALID_CLIENT" },
	{ 0x0b, "ERR_INVALID_PRODUCTID" },
	{ 0x0c, "ERR_INVALID_MESSAGE_LEN" },
	{ 0, NULL }
};

/* dwStateTransition of the License Error PDU. */
const struct rdpneg_tok rdpneg_license_transition_names[] = {
	{ 0x01, "ST_TOTAL_ABORT" },
	{ RDPNEG_LICENSE_ST_NO_TRANSITION, "ST_NO_TRANSITION" },
	{ 0x03, "ST_RESET_PHASE_TO_START" },
	{ 0x04, "ST_RESEND_LAST_MESSAGE" },
	{ 0, NULL }
};

const struct rdpneg_tok rdpneg_rdp_weakness_names[] = {
	{ RDPNEG_RDP_WEAK_NO_ENCRYPTION, "no-encryption" },
	{ RDPNEG_RDP_WEAK_SERVER_CLEAR, "server-data-in-clear" },
	{ RDPNEG_RDP_WEAK_KEY, "weak-key" },
	{ RDPNEG_RDP_WEAK_PROPRIETARY_CERT, "proprietary-certificate" },
	{ 0, NULL }
};
