/*
 * mcs_text.h - the facts of Standard RDP Security's exchange (mcs.h) in
 * words, as the knowledge base's texts and the reports say them.  Names
 * come from the name tables; a value a table lacks is written in hex.
 *
 * Each function writes a NUL-terminated prefix of whole items into buf
 * (size bytes; nothing when size is 0) and returns the length the full
 * text needs, as rdpneg_bits_str() does.  Pure C11: no allocation.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_MCS_TEXT_H
#define RDPNEG_MCS_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "rdpneg/mcs.h"

/* Encryption method bits: "40bit|128bit"; "None" for 0. */
size_t rdpneg_rdp_methods_str(uint32_t methods, char *buf, size_t size);

/* The server's choice: "128bit at level High, proprietary certificate
 * (512-bit RSA)"; "not seen" without its Connect-Response. */
size_t rdpneg_rdp_security_str(const struct rdpneg_mcs *m, char *buf,
    size_t size);

/* The first Disconnect Provider Ultimatum: "the server's Disconnect
 * Provider Ultimatum (rn-user-requested) at frame 12"; "none". */
size_t rdpneg_mcs_disconnect_str(const struct rdpneg_mcs *m, char *buf,
    size_t size);

/* The License Error: "ERR_NO_LICENSE_SERVER (0x6), ST_TOTAL_ABORT";
 * "none". */
size_t rdpneg_license_error_str(const struct rdpneg_mcs *m, char *buf,
    size_t size);

/* Set Error Info: "ERRINFO_LICENSE_NO_LICENSE_SERVER (0x101): No Remote
 * Desktop License Server ..."; "none". */
size_t rdpneg_error_info_str(const struct rdpneg_mcs *m, char *buf,
    size_t size);

/* RDPNEG_RDP_WEAK_* as words: "40- or 56-bit keys, the server's data in
 * clear"; "none". */
size_t rdpneg_rdp_weaknesses_str(unsigned weak, char *buf, size_t size);

#endif /* RDPNEG_MCS_TEXT_H */
