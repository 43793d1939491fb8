/*
 * record_mcs.h - the getters of the record's Standard RDP Security
 * fields (rdpneg/mcs.h): its "client_data" object (the client's GCC
 * Conference Create Request), its "rdp_security" object and the objects
 * in it.  The table that places them is record.c's.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_RECORD_MCS_H
#define RDPNEG_RECORD_MCS_H

#include "report/record.h"

#define RECORD_MCS_GETTER(name) \
	void name(const struct record_ctx *, struct record_value *)

/* client_data */
RECORD_MCS_GETTER(record_client_data);
RECORD_MCS_GETTER(record_client_name);
RECORD_MCS_GETTER(record_client_build);
RECORD_MCS_GETTER(record_keyboard_layout);
RECORD_MCS_GETTER(record_desktop_width);
RECORD_MCS_GETTER(record_desktop_height);
RECORD_MCS_GETTER(record_color_depth);
RECORD_MCS_GETTER(record_channels);
RECORD_MCS_GETTER(record_dig_product_id);
RECORD_MCS_GETTER(record_early_capability_flags);
RECORD_MCS_GETTER(record_connect_initial_frame);
/* rdp_security */
RECORD_MCS_GETTER(record_rdp_security);
RECORD_MCS_GETTER(record_encryption_methods);
RECORD_MCS_GETTER(record_encryption_method);
RECORD_MCS_GETTER(record_encryption_level);
RECORD_MCS_GETTER(record_cert_type);
RECORD_MCS_GETTER(record_cert_count);
RECORD_MCS_GETTER(record_cert_permanent);
RECORD_MCS_GETTER(record_rdp_key_bits);
RECORD_MCS_GETTER(record_rdp_certificate);
RECORD_MCS_GETTER(record_weaknesses);
RECORD_MCS_GETTER(record_client_sec_flags);
RECORD_MCS_GETTER(record_server_sec_flags);
RECORD_MCS_GETTER(record_mcs_result);
RECORD_MCS_GETTER(record_rdp_stage);
RECORD_MCS_GETTER(record_connect_response_frame);
/* rdp_security.disconnect, .license_error, .error_info, and their CSV
 * columns */
RECORD_MCS_GETTER(record_disconnect);
RECORD_MCS_GETTER(record_disconnect_from);
RECORD_MCS_GETTER(record_disconnect_reason);
RECORD_MCS_GETTER(record_disconnect_frame);
RECORD_MCS_GETTER(record_disconnect_column);
RECORD_MCS_GETTER(record_license_error);
RECORD_MCS_GETTER(record_license_code);
RECORD_MCS_GETTER(record_license_value);
RECORD_MCS_GETTER(record_license_transition);
RECORD_MCS_GETTER(record_license_frame);
RECORD_MCS_GETTER(record_license_column);
RECORD_MCS_GETTER(record_error_info);
RECORD_MCS_GETTER(record_error_info_name);
RECORD_MCS_GETTER(record_error_info_code);
RECORD_MCS_GETTER(record_error_info_meaning);
RECORD_MCS_GETTER(record_error_info_frame);
RECORD_MCS_GETTER(record_error_info_column);

#undef RECORD_MCS_GETTER

#endif /* RDPNEG_RECORD_MCS_H */
