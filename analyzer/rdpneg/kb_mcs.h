/*
 * kb_mcs.h - the knowledge base's facts and placeholders about Standard
 * RDP Security's exchange (mcs.h), for kb.c's tables.  Internal to the
 * decoder library.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_KB_MCS_H
#define RDPNEG_KB_MCS_H

#include <stddef.h>

#include "rdpneg/evidence.h"

/* The facts (kb.h, RDPNEG_FACT_MCS_* to RDPNEG_FACT_RDP_WEAK). */
int kb_mcs_connect_initial(const struct rdpneg_evidence *ev);
int kb_mcs_refused(const struct rdpneg_evidence *ev);
int kb_rdp_encryption_mismatch(const struct rdpneg_evidence *ev);
int kb_rdp_dropped(const struct rdpneg_evidence *ev);
int kb_rdp_dropped_after_info(const struct rdpneg_evidence *ev);
int kb_license_error(const struct rdpneg_evidence *ev);
int kb_error_info(const struct rdpneg_evidence *ev);
int kb_rdp_failed(const struct rdpneg_evidence *ev);
int kb_rdp_weak(const struct rdpneg_evidence *ev);

/* The placeholders: {rdp-offered} {rdp-security} {rdp-stage}
 * {mcs-disconnect} {license-error} {error-info} {error-info-name}
 * {rdp-weaknesses}. */
const char *kb_ph_rdp_offered(const struct rdpneg_evidence *, char *,
    size_t);
const char *kb_ph_rdp_security(const struct rdpneg_evidence *, char *,
    size_t);
const char *kb_ph_rdp_stage(const struct rdpneg_evidence *, char *, size_t);
const char *kb_ph_mcs_disconnect(const struct rdpneg_evidence *, char *,
    size_t);
const char *kb_ph_license_error(const struct rdpneg_evidence *, char *,
    size_t);
const char *kb_ph_error_info(const struct rdpneg_evidence *, char *,
    size_t);
const char *kb_ph_error_info_name(const struct rdpneg_evidence *, char *,
    size_t);
const char *kb_ph_rdp_weaknesses(const struct rdpneg_evidence *, char *,
    size_t);

#endif /* RDPNEG_KB_MCS_H */
