/*
 * test_mcs.c - Criterion tests for the Standard RDP Security decoder
 * (mcs.h): each level-1 decoder on real PDUs (mcs_real.h, and below the
 * xrdp peers' PDUs), every field asserted; every prefix of a PDU
 * TRUNCATED (or OK with the fields so far), never malformed, on
 * exact-size copies; targeted corruptions each with its own status; the
 * walker (rdpneg_mcs_feed) fed byte by byte and at once; the weaknesses,
 * rdpneg_mcs_decided() and the words of mcs_text.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "mcs_real.h"
#include "rdpneg/mcs.h"
#include "rdpneg/mcs_text.h"
#include "rdpneg/rdpneg.h"

/*
 * From captures/peers/ (tests/peers/, this project's recordings; xfreerdp
 * against xrdp): xrdp-tls-sec-rdp.pcap, the client's frame 8 (Connect-
 * Initial: rdpneg-client, build 18363, 320x240) and the server's frame 9
 * (Disconnect Provider Ultimatum, rn-user-requested: xrdp refuses
 * Standard security); xrdp-rdp-none-sec-rdp.pcap, the server's frames 9
 * (Connect-Response: level None) to 54 (licensing in clear:
 * STATUS_VALID_CLIENT at 38, Demand Active at 40) and 56 (fast-path).
 */
static const uint8_t xrdp_tls_sec_rdp_client[451] = {
	0x03, 0x00, 0x01, 0xc3, 0x02, 0xf0, 0x80, 0x7f, 0x65, 0x82, 0x01, 0xb7,
	0x04, 0x01, 0x01, 0x04, 0x01, 0x01, 0x01, 0x01, 0xff, 0x30, 0x1a, 0x02,
	0x01, 0x22, 0x02, 0x01, 0x02, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02,
	0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x03, 0x00, 0xff, 0xff, 0x02, 0x01,
	0x02, 0x30, 0x19, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01,
	0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x02, 0x04,
	0x20, 0x02, 0x01, 0x02, 0x30, 0x20, 0x02, 0x03, 0x00, 0xff, 0xff, 0x02,
	0x03, 0x00, 0xfc, 0x17, 0x02, 0x03, 0x00, 0xff, 0xff, 0x02, 0x01, 0x01,
	0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x03, 0x00, 0xff, 0xff, 0x02,
	0x01, 0x02, 0x04, 0x82, 0x01, 0x51, 0x00, 0x05, 0x00, 0x14, 0x7c, 0x00,
	0x01, 0x81, 0x48, 0x00, 0x08, 0x00, 0x10, 0x00, 0x01, 0xc0, 0x00, 0x44,
	0x75, 0x63, 0x61, 0x81, 0x3a, 0x01, 0xc0, 0xea, 0x00, 0x0c, 0x00, 0x08,
	0x00, 0x40, 0x01, 0xf0, 0x00, 0x01, 0xca, 0x03, 0xaa, 0x09, 0x04, 0x00,
	0x00, 0xbb, 0x47, 0x00, 0x00, 0x72, 0x00, 0x64, 0x00, 0x70, 0x00, 0x6e,
	0x00, 0x65, 0x00, 0x67, 0x00, 0x2d, 0x00, 0x63, 0x00, 0x6c, 0x00, 0x69,
	0x00, 0x65, 0x00, 0x6e, 0x00, 0x74, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xca, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x18, 0x00, 0x0f, 0x00, 0xe3, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
	0xc0, 0x0c, 0x00, 0x0d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0xc0, 0x0c, 0x00, 0x1b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
	0xc0, 0x38, 0x00, 0x04, 0x00, 0x00, 0x00, 0x72, 0x64, 0x70, 0x64, 0x72,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0xc0, 0x72, 0x64, 0x70, 0x73, 0x6e,
	0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x63, 0x6c, 0x69, 0x70, 0x72,
	0x64, 0x72, 0x00, 0x00, 0x00, 0xa0, 0xc0, 0x64, 0x72, 0x64, 0x79, 0x6e,
	0x76, 0x63, 0x00, 0x00, 0x00, 0x80, 0xc0
};

static const struct real_pdu xrdp_tls_sec_rdp_client_pdus[] = {
	{ 8, 451 },
	{ 0, 0 }
};

static const uint8_t xrdp_tls_sec_rdp_server[9] = {
	0x03, 0x00, 0x00, 0x09, 0x02, 0xf0, 0x80, 0x21, 0x80
};

static const struct real_pdu xrdp_tls_sec_rdp_server_pdus[] = {
	{ 9, 9 },
	{ 0, 0 }
};

static const uint8_t xrdp_none_server[1165] = {
	0x03, 0x00, 0x00, 0x69, 0x02, 0xf0, 0x80, 0x7f, 0x66, 0x5f, 0x0a, 0x01,
	0x00, 0x02, 0x01, 0x00, 0x30, 0x1a, 0x02, 0x01, 0x16, 0x02, 0x01, 0x03,
	0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01,
	0x02, 0x03, 0x00, 0xff, 0xf8, 0x02, 0x01, 0x02, 0x04, 0x3b, 0x00, 0x05,
	0x00, 0x14, 0x7c, 0x00, 0x01, 0x2a, 0x14, 0x76, 0x0a, 0x01, 0x01, 0x00,
	0x01, 0xc0, 0x00, 0x4d, 0x63, 0x44, 0x6e, 0x80, 0x24, 0x01, 0x0c, 0x08,
	0x00, 0x04, 0x00, 0x08, 0x00, 0x03, 0x0c, 0x10, 0x00, 0xeb, 0x03, 0x04,
	0x00, 0xec, 0x03, 0xed, 0x03, 0xee, 0x03, 0xef, 0x03, 0x02, 0x0c, 0x0c,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00,
	0x0b, 0x02, 0xf0, 0x80, 0x2e, 0x00, 0x00, 0x07, 0x03, 0x00, 0x00, 0x0f,
	0x02, 0xf0, 0x80, 0x3e, 0x00, 0x00, 0x07, 0x03, 0xf0, 0x03, 0xf0, 0x03,
	0x00, 0x00, 0x0f, 0x02, 0xf0, 0x80, 0x3e, 0x00, 0x00, 0x07, 0x03, 0xeb,
	0x03, 0xeb, 0x03, 0x00, 0x00, 0x0f, 0x02, 0xf0, 0x80, 0x3e, 0x00, 0x00,
	0x07, 0x03, 0xec, 0x03, 0xec, 0x03, 0x00, 0x00, 0x0f, 0x02, 0xf0, 0x80,
	0x3e, 0x00, 0x00, 0x07, 0x03, 0xed, 0x03, 0xed, 0x03, 0x00, 0x00, 0x0f,
	0x02, 0xf0, 0x80, 0x3e, 0x00, 0x00, 0x07, 0x03, 0xee, 0x03, 0xee, 0x03,
	0x00, 0x00, 0x0f, 0x02, 0xf0, 0x80, 0x3e, 0x00, 0x00, 0x07, 0x03, 0xef,
	0x03, 0xef, 0x03, 0x00, 0x01, 0x51, 0x02, 0xf0, 0x80, 0x68, 0x00, 0x07,
	0x03, 0xeb, 0x70, 0x81, 0x42, 0x80, 0x00, 0x3e, 0x01, 0x01, 0x02, 0x3e,
	0x01, 0x7b, 0x3c, 0x31, 0xa6, 0xae, 0xe8, 0x74, 0xf6, 0xb4, 0xa5, 0x03,
	0x90, 0xe7, 0xc2, 0xc7, 0x39, 0xba, 0x53, 0x1c, 0x30, 0x54, 0x6e, 0x90,
	0x05, 0xd0, 0x05, 0xce, 0x44, 0x18, 0x91, 0x83, 0x81, 0x00, 0x00, 0x04,
	0x00, 0x2c, 0x00, 0x00, 0x00, 0x4d, 0x00, 0x69, 0x00, 0x63, 0x00, 0x72,
	0x00, 0x6f, 0x00, 0x73, 0x00, 0x6f, 0x00, 0x66, 0x00, 0x74, 0x00, 0x20,
	0x00, 0x43, 0x00, 0x6f, 0x00, 0x72, 0x00, 0x70, 0x00, 0x6f, 0x00, 0x72,
	0x00, 0x61, 0x00, 0x74, 0x00, 0x69, 0x00, 0x6f, 0x00, 0x6e, 0x00, 0x00,
	0x00, 0x08, 0x00, 0x00, 0x00, 0x32, 0x00, 0x33, 0x00, 0x36, 0x00, 0x00,
	0x00, 0x0d, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x06, 0x00, 0x5c, 0x00, 0x52, 0x53, 0x41, 0x31, 0x48, 0x00, 0x00,
	0x00, 0x00, 0x02, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01,
	0x00, 0x01, 0xc7, 0xc9, 0xf7, 0x8e, 0x5a, 0x38, 0xe4, 0x29, 0xc3, 0x00,
	0x95, 0x2d, 0xdd, 0x4c, 0x3e, 0x50, 0x45, 0x0b, 0x0d, 0x9e, 0x2a, 0x5d,
	0x18, 0x63, 0x64, 0xc4, 0x2c, 0xf7, 0x8f, 0x29, 0xd5, 0x3f, 0xc5, 0x35,
	0x22, 0x34, 0xff, 0xad, 0x3a, 0xe6, 0xe3, 0x95, 0x06, 0xae, 0x55, 0x82,
	0xe3, 0xc8, 0xc7, 0xb4, 0xa8, 0x47, 0xc8, 0x50, 0x71, 0x74, 0x29, 0x53,
	0x89, 0x6d, 0x9c, 0xed, 0x70, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x08, 0x00, 0x48, 0x00, 0xa8, 0xf4, 0x31, 0xb9, 0xab, 0x4b, 0xe6,
	0xb4, 0xf4, 0x39, 0x89, 0xd6, 0xb1, 0xda, 0xf6, 0x1e, 0xec, 0xb1, 0xf0,
	0x54, 0x3b, 0x5e, 0x3e, 0x6a, 0x71, 0xb4, 0xf7, 0x75, 0xc8, 0x16, 0x2f,
	0x24, 0x00, 0xde, 0xe9, 0x82, 0x99, 0x5f, 0x33, 0x0b, 0xa9, 0xa6, 0x94,
	0xaf, 0xcb, 0x11, 0xc3, 0xf2, 0xdb, 0x09, 0x42, 0x68, 0x29, 0x56, 0x58,
	0x01, 0x56, 0xdb, 0x59, 0x03, 0x69, 0xdb, 0x7d, 0x37, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x0e,
	0x00, 0x6d, 0x69, 0x63, 0x72, 0x6f, 0x73, 0x6f, 0x66, 0x74, 0x2e, 0x63,
	0x6f, 0x6d, 0x00, 0x03, 0x00, 0x00, 0x22, 0x02, 0xf0, 0x80, 0x68, 0x00,
	0x07, 0x03, 0xeb, 0x70, 0x14, 0x80, 0x00, 0x10, 0x00, 0xff, 0x02, 0x10,
	0x00, 0x07, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x28, 0x14, 0x00,
	0x00, 0x03, 0x00, 0x01, 0xa9, 0x02, 0xf0, 0x80, 0x68, 0x00, 0x07, 0x03,
	0xeb, 0x70, 0x81, 0x9a, 0x9a, 0x01, 0x11, 0x00, 0xf0, 0x03, 0xea, 0x03,
	0x01, 0x00, 0x04, 0x00, 0x84, 0x01, 0x52, 0x44, 0x50, 0x00, 0x0d, 0x00,
	0x00, 0x00, 0x09, 0x00, 0x08, 0x00, 0xf0, 0x03, 0xb5, 0xe2, 0x01, 0x00,
	0x18, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x00,
	0x1c, 0x00, 0x20, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x40, 0x01,
	0xf0, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x0e, 0x00, 0x04, 0x00, 0x03, 0x00, 0x58, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x40, 0x42, 0x0f, 0x00, 0x01, 0x00, 0x14, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x2f, 0x00, 0x22, 0x00, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0xa1, 0x06, 0x02, 0x00, 0x40, 0x42, 0x0f, 0x00, 0x40, 0x42,
	0x0f, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1d, 0x00,
	0x5d, 0x00, 0x04, 0xb9, 0x1b, 0x8d, 0xca, 0x0f, 0x00, 0x4f, 0x15, 0x58,
	0x9f, 0xae, 0x2d, 0x1a, 0x87, 0xe2, 0xd6, 0x01, 0x03, 0x00, 0x01, 0x01,
	0x03, 0x12, 0x2f, 0x77, 0x76, 0x72, 0xbd, 0x63, 0x44, 0xaf, 0xb3, 0xb7,
	0x3c, 0x9c, 0x6f, 0x78, 0x86, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xd4, 0xcc, 0x44, 0x27, 0x8a, 0x9d, 0x74, 0x4e, 0x80, 0x3c, 0x0e, 0xcb,
	0xee, 0xa1, 0x9c, 0x54, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe6,
	0x4c, 0xaf, 0x1b, 0xed, 0x9e, 0x0c, 0x43, 0x86, 0x9a, 0xcb, 0x8b, 0x37,
	0xb6, 0x62, 0x37, 0x00, 0x01, 0x00, 0x4b, 0x0a, 0x00, 0x08, 0x00, 0x06,
	0x00, 0x00, 0x00, 0x08, 0x00, 0x0a, 0x00, 0x01, 0x00, 0x19, 0x00, 0x19,
	0x00, 0x0d, 0x00, 0x58, 0x00, 0x3d, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x05, 0x00, 0x00, 0x1a, 0x00,
	0x08, 0x00, 0x00, 0x40, 0x05, 0x00, 0x1e, 0x00, 0x08, 0x00, 0x02, 0x00,
	0x00, 0x00, 0x1c, 0x00, 0x0c, 0x00, 0x52, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x24, 0x02, 0xf0,
	0x80, 0x68, 0x00, 0x07, 0x03, 0xeb, 0x70, 0x16, 0x16, 0x00, 0x17, 0x00,
	0xf0, 0x03, 0xea, 0x03, 0x01, 0x00, 0x00, 0x01, 0x16, 0x00, 0x1f, 0x00,
	0x16, 0x00, 0x01, 0x00, 0xea, 0x03, 0x03, 0x00, 0x00, 0x28, 0x02, 0xf0,
	0x80, 0x68, 0x00, 0x07, 0x03, 0xeb, 0x70, 0x1a, 0x1a, 0x00, 0x17, 0x00,
	0xf0, 0x03, 0xea, 0x03, 0x01, 0x00, 0x00, 0x01, 0x1a, 0x00, 0x14, 0x00,
	0x1a, 0x00, 0x04, 0x00, 0x00, 0x00, 0xea, 0x03, 0x00, 0x00, 0x03, 0x00,
	0x00, 0x28, 0x02, 0xf0, 0x80, 0x68, 0x00, 0x07, 0x03, 0xeb, 0x70, 0x1a,
	0x1a, 0x00, 0x17, 0x00, 0xf0, 0x03, 0xea, 0x03, 0x01, 0x00, 0x00, 0x01,
	0x1a, 0x00, 0x14, 0x00, 0x1a, 0x00, 0x02, 0x00, 0x00, 0x00, 0xea, 0x03,
	0x00, 0x00, 0x03, 0x00, 0x00, 0x28, 0x02, 0xf0, 0x80, 0x68, 0x00, 0x07,
	0x03, 0xeb, 0x70, 0x1a, 0x1a, 0x00, 0x17, 0x00, 0xf0, 0x03, 0xea, 0x03,
	0x01, 0x00, 0x00, 0x01, 0x1a, 0x00, 0x28, 0x00, 0x1a, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x03, 0x00, 0x04, 0x00, 0x00, 0x80, 0x07, 0x83, 0x00, 0x00,
	0x00
};

static const struct real_pdu xrdp_none_server_pdus[] = {
	{ 9, 105 },
	{ 14, 11 },
	{ 17, 15 },
	{ 20, 15 },
	{ 23, 15 },
	{ 26, 15 },
	{ 29, 15 },
	{ 32, 15 },
	{ 35, 337 },
	{ 38, 34 },
	{ 40, 425 },
	{ 48, 36 },
	{ 50, 40 },
	{ 52, 40 },
	{ 54, 40 },
	{ 56, 7 },
	{ 0, 0 }
};


/* Offsets in the MCS data (after the 7 bytes of TPKT and X.224) of the
 * proprietary capture's Connect-Initial and -Response (found by walking
 * them by hand; asserted below where they matter). */
#define CI_OUTER_LEN	2	/* 0x82, 2 bytes: 0x1a0 */
#define CI_USERDATA	98	/* the userData OCTET STRING's tag */
#define CI_DUCA		119	/* "Duca", then its PER length (2 bytes) */
#define CI_BLOCKS	125	/* CS_CORE (216 bytes) */
#define CI_NAME		149	/* clientName: 32 bytes */
#define CI_CLUSTER	341
#define CI_SECURITY	353
#define CI_NET		365	/* 56 bytes: channelCount at +4 */
#define CI_CHANNEL0	373
#define CI_LEN		421
#define CR_MCDN		60
#define CR_SECURITY	94	/* SC_SECURITY, 236 bytes */
#define CR_CERT		146	/* dwVersion, ..., wPublicKeyBlobLen at +14 */
#define CR_LEN		330
#define X509_SECURITY	101	/* in the TPKT PDU */
#define X509_COUNT	157	/* NumCertBlobs */
#define X509_LEAF	520	/* the second (last) blob */
#define X509_LEAF_LEN	869

/* A heap copy of exactly n bytes, so ASan sees any read past them. */
static uint8_t *
exact(const uint8_t *p, size_t n)
{
	uint8_t *b = malloc(n ? n : 1);

	cr_assert_not_null(b);
	if (n)
		memcpy(b, p, n);
	return b;
}

static const uint8_t *
ci_data(void)
{
	return real_prop_client + 7;
}

static const uint8_t *
cr_data(void)
{
	return real_prop_server + 7;
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static enum rdpneg_status
ci_decode(const uint8_t *data, size_t n, struct rdpneg_gcc_client *c)
{
	uint8_t *b = exact(data, n);
	enum rdpneg_status st;

	st = rdpneg_decode_connect_initial(n ? b : NULL, n, c);
	free(b);
	return st;
}

static enum rdpneg_status
cr_decode(const uint8_t *data, size_t n, struct rdpneg_connect_response *r)
{
	uint8_t *b = exact(data, n);
	enum rdpneg_status st;

	st = rdpneg_decode_connect_response(n ? b : NULL, n, r);
	r->server.cert_leaf.ptr = NULL;		/* into b */
	free(b);
	return st;
}

/* ---- rdpneg_decode_mcs_pdu */

Test(mcs_pdu, real_connect_pdus_and_domain_pdus)
{
	struct rdpneg_mcs_pdu p;

	cr_assert_eq(rdpneg_decode_mcs_pdu(real_prop_client,
	    sizeof(real_prop_client), &p), RDPNEG_OK);
	cr_assert_eq(p.size, 428);
	cr_assert_eq(p.type, RDPNEG_MCS_CONNECT_INITIAL);
	cr_assert_eq(p.data.ptr, real_prop_client + 7);
	cr_assert_eq(p.data.len, CI_LEN);
	cr_assert_eq(rdpneg_decode_mcs_pdu(real_prop_server,
	    sizeof(real_prop_server), &p), RDPNEG_OK);
	cr_assert_eq(p.size, 337);
	cr_assert_eq(p.type, RDPNEG_MCS_CONNECT_RESPONSE);
	cr_assert_eq(p.data.len, CR_LEN);
	/* The server's second PDU: Attach User Confirm (frame 19). */
	cr_assert_eq(rdpneg_decode_mcs_pdu(real_prop_server + 337, 11, &p),
	    RDPNEG_OK);
	cr_assert_eq(p.type, RDPNEG_MCS_ATTACH_USER_CONFIRM);
	cr_assert_eq(rdpneg_decode_mcs_pdu(xrdp_tls_sec_rdp_server,
	    sizeof(xrdp_tls_sec_rdp_server), &p), RDPNEG_OK);
	cr_assert_eq(p.size, 9);
	cr_assert_eq(p.type, RDPNEG_MCS_DISCONNECT);
	cr_assert_eq(p.data.len, 2);
}

/* Every strict prefix is TRUNCATED; the type is known from byte 9 of a
 * connect PDU (its two-byte tag), byte 8 of a domain PDU. */
Test(mcs_pdu, every_prefix_truncated)
{
	struct rdpneg_mcs_pdu p;
	uint8_t *b;
	size_t k;

	for (k = 0; k < 428; k++) {
		b = exact(real_prop_client, k);
		cr_assert_eq(rdpneg_decode_mcs_pdu(k ? b : NULL, k, &p),
		    RDPNEG_TRUNCATED, "prefix %zu", k);
		cr_assert_eq(p.type, k >= 9 ? RDPNEG_MCS_CONNECT_INITIAL : 0,
		    "prefix %zu", k);
		if (k >= 6)			/* LI and code */
			cr_assert_eq(p.size, 428);
		cr_assert_eq(p.data.len, k > 7 ? k - 7 : 0);
		free(b);
	}
	for (k = 0; k < 9; k++) {
		b = exact(xrdp_tls_sec_rdp_server, k);
		cr_assert_eq(rdpneg_decode_mcs_pdu(k ? b : NULL, k, &p),
		    RDPNEG_TRUNCATED);
		cr_assert_eq(p.type, k >= 8 ? RDPNEG_MCS_DISCONNECT : 0);
		free(b);
	}
}

Test(mcs_pdu, not_an_x224_data_tpdu)
{
	uint8_t b[12];
	struct rdpneg_mcs_pdu p;

	memcpy(b, real_prop_client + 428, 12);	/* Erect Domain, frame 16 */
	cr_assert_eq(rdpneg_decode_mcs_pdu(b, 12, &p), RDPNEG_OK);
	cr_assert_eq(p.type, RDPNEG_MCS_ERECT_DOMAIN);
	b[0] = 4;				/* TPKT version */
	cr_assert_eq(rdpneg_decode_mcs_pdu(b, 12, &p), RDPNEG_ERR_MCS_FRAME);
	b[0] = 3;
	b[5] = 0xe0;				/* a CR, not DT */
	cr_assert_eq(rdpneg_decode_mcs_pdu(b, 12, &p), RDPNEG_ERR_MCS_FRAME);
	b[5] = 0xf0;
	b[4] = 3;				/* LI not 2 */
	cr_assert_eq(rdpneg_decode_mcs_pdu(b, 12, &p), RDPNEG_ERR_MCS_FRAME);
}

/* ---- Connect-Initial */

static void
assert_frog_pond(const struct rdpneg_gcc_client *c)
{
	cr_assert_eq(c->have, RDPNEG_CS_CORE | RDPNEG_CS_POST_BETA2 |
	    RDPNEG_CS_CORE_HIGH_DEPTH | RDPNEG_CS_CORE_EARLY |
	    RDPNEG_CS_CORE_PRODUCT_ID | RDPNEG_CS_CORE_SELECTED |
	    RDPNEG_CS_CLUSTER | RDPNEG_CS_SECURITY | RDPNEG_CS_NET);
	cr_assert_eq(c->version, 0x00080004);
	cr_assert_eq(c->desktop_width, 1152);
	cr_assert_eq(c->desktop_height, 864);
	cr_assert_eq(c->keyboard_layout, 1033);
	cr_assert_eq(c->client_build, 6000);
	cr_assert_str_eq(c->name, "FROG-POND");
	cr_assert_eq(c->keyboard_type, 4);
	cr_assert_eq(c->early_capability_flags, 0x000b);
	cr_assert_eq(rdpneg_gcc_color_depth(c), 32);	/* WANT_32BPP */
	cr_assert_str_eq(c->dig_product_id, "");
	cr_assert_eq(c->server_selected_protocol, 0);
	cr_assert_eq(c->cluster_flags, 0x0d);
	cr_assert_eq(c->encryption_methods, 0x1b);
	cr_assert_eq(c->ext_encryption_methods, 0);
	cr_assert_eq(rdpneg_rdp_offered(c), 0x1b);
	cr_assert_eq(c->channel_count, 4);
	cr_assert_eq(c->nchannels, 4);
	cr_assert_str_eq(c->channels[0], "rdpdr");
	cr_assert_str_eq(c->channels[1], "rdpsnd");
	cr_assert_str_eq(c->channels[2], "drdynvc");
	cr_assert_str_eq(c->channels[3], "cliprdr");
}

Test(connect_initial, real_proprietary_frame14)
{
	struct rdpneg_gcc_client c;

	cr_assert_eq(ci_decode(ci_data(), CI_LEN, &c), RDPNEG_OK);
	assert_frog_pond(&c);
	/* The offsets the corruptions below use. */
	cr_assert_eq(ci_data()[CI_OUTER_LEN], 0x82);
	cr_assert_eq(ci_data()[CI_USERDATA], 0x04);
	cr_assert_eq(memcmp(ci_data() + CI_DUCA, "Duca", 4), 0);
	cr_assert_eq(le16(ci_data() + CI_BLOCKS), 0xc001);
	cr_assert_eq(le16(ci_data() + CI_CLUSTER), 0xc004);
	cr_assert_eq(le16(ci_data() + CI_SECURITY), 0xc002);
	cr_assert_eq(le16(ci_data() + CI_NET), 0xc003);
	cr_assert_eq(memcmp(ci_data() + CI_CHANNEL0, "rdpdr", 6), 0);
	/* The user data blocks alone. */
	memset(&c, 0, sizeof(c));
	cr_assert_eq(rdpneg_decode_client_data(ci_data() + CI_BLOCKS,
	    CI_LEN - CI_BLOCKS, &c), RDPNEG_OK);
	assert_frog_pond(&c);
}

Test(connect_initial, real_xrdp_peer_frame8)
{
	struct rdpneg_gcc_client c;

	cr_assert_eq(ci_decode(xrdp_tls_sec_rdp_client + 7,
	    sizeof(xrdp_tls_sec_rdp_client) - 7, &c), RDPNEG_OK);
	cr_assert_str_eq(c.name, "rdpneg-client");
	cr_assert_eq(c.version, 0x0008000c);
	cr_assert_eq(c.client_build, 18363);
	cr_assert_eq(c.desktop_width, 320);
	cr_assert_eq(c.desktop_height, 240);
	cr_assert_eq(c.keyboard_layout, 1033);
	cr_assert_eq(c.early_capability_flags, 1507);
	cr_assert_eq(rdpneg_gcc_color_depth(&c), 32);
	cr_assert_eq(c.encryption_methods, 0x1b);
	cr_assert_eq(c.nchannels, 4);
	cr_assert_str_eq(c.channels[0], "rdpdr");
	cr_assert_str_eq(c.channels[1], "rdpsnd");
	cr_assert_str_eq(c.channels[2], "cliprdr");
	cr_assert_str_eq(c.channels[3], "drdynvc");
}

/* Every strict prefix of the MCS data: TRUNCATED, never a malformed
 * status, and the blocks whole in it decoded. */
Test(connect_initial, every_prefix_truncated)
{
	struct rdpneg_gcc_client c;
	size_t k;

	for (k = 0; k < CI_LEN; k++) {
		cr_assert_eq(ci_decode(ci_data(), k, &c), RDPNEG_TRUNCATED,
		    "prefix %zu", k);
		/* CS_CORE up to imeFileName, its optional fields after. */
		if (k >= CI_BLOCKS + 132) {
			cr_assert(c.have & RDPNEG_CS_CORE, "prefix %zu", k);
			cr_assert_str_eq(c.name, "FROG-POND");
		} else
			cr_assert_eq(c.have & RDPNEG_CS_CORE, 0);
		if (k >= CI_CLUSTER)
			cr_assert(c.have & RDPNEG_CS_CORE_SELECTED);
		if (k >= CI_NET)
			cr_assert_eq(c.encryption_methods, 0x1b);
		cr_assert_eq(c.have & RDPNEG_CS_NET, 0);
	}
}

static enum rdpneg_status
ci_patched(size_t off, const void *bytes, size_t n,
    struct rdpneg_gcc_client *c)
{
	uint8_t b[CI_LEN];

	memcpy(b, ci_data(), CI_LEN);
	memcpy(b + off, bytes, n);
	return ci_decode(b, CI_LEN, c);
}

Test(connect_initial, ber_lies)
{
	struct rdpneg_gcc_client c;

	/* Long forms of 3 and 4 bytes are not allowed (nor indefinite). */
	cr_assert_eq(ci_patched(CI_OUTER_LEN, "\x83\x00\x01\xa0", 4, &c),
	    RDPNEG_ERR_MCS_BER);
	cr_assert_eq(ci_patched(CI_OUTER_LEN, "\x84", 1, &c),
	    RDPNEG_ERR_MCS_BER);
	cr_assert_eq(ci_patched(CI_OUTER_LEN, "\x80", 1, &c),
	    RDPNEG_ERR_MCS_BER);
	cr_assert_eq(ci_patched(CI_USERDATA + 1, "\x84", 1, &c),
	    RDPNEG_ERR_MCS_BER);
	/* userData past the end of the Connect-Initial: malformed, not cut. */
	cr_assert_eq(ci_patched(CI_USERDATA + 2, "\x01\x40", 2, &c),
	    RDPNEG_ERR_MCS_BER);
	cr_assert_eq(ci_patched(CI_USERDATA + 2, "\xff\xff", 2, &c),
	    RDPNEG_ERR_MCS_BER);
	/* A wrong tag: upwardFlag not a BOOLEAN. */
	cr_assert_eq(ci_patched(11, "\x02", 1, &c), RDPNEG_ERR_MCS_BER);
	/* Not a Connect-Initial at all. */
	cr_assert_eq(ci_patched(1, "\x66", 1, &c), RDPNEG_ERR_MCS_BER);
	cr_assert_eq(c.have, 0);
}

Test(connect_initial, gcc_and_per_lies)
{
	struct rdpneg_gcc_client c;

	/* The T.124 key. */
	cr_assert_eq(ci_patched(CI_USERDATA + 6, "\x7d", 1, &c),
	    RDPNEG_ERR_GCC);
	cr_assert_eq(ci_patched(CI_DUCA, "Dubl", 4, &c), RDPNEG_ERR_GCC);
	/* PER: a fragmented length (0xc0), and a 2-byte length past the
	 * end of the GCC PDU. */
	cr_assert_eq(ci_patched(CI_DUCA + 4, "\xc1", 1, &c), RDPNEG_ERR_GCC);
	cr_assert_eq(ci_patched(CI_DUCA + 4, "\x81\x29", 2, &c),
	    RDPNEG_ERR_GCC);
	cr_assert_eq(ci_patched(CI_DUCA + 4, "\xbf\xff", 2, &c),
	    RDPNEG_ERR_GCC);
	cr_assert_eq(c.have, 0);
	/* A shorter 2-byte length is allowed: the blocks past it are not
	 * read (CS_CORE only). */
	cr_assert_eq(ci_patched(CI_DUCA + 4, "\x80\xd8", 2, &c), RDPNEG_OK);
	cr_assert_eq(c.have & (RDPNEG_CS_CORE | RDPNEG_CS_NET),
	    RDPNEG_CS_CORE);
}

Test(connect_initial, user_data_lies)
{
	struct rdpneg_gcc_client c;

	/* A block length under 4: the blocks before it are kept. */
	cr_assert_eq(ci_patched(CI_CLUSTER + 2, "\x03\x00", 2, &c),
	    RDPNEG_ERR_USER_DATA);
	cr_assert(c.have & RDPNEG_CS_CORE);
	cr_assert_str_eq(c.name, "FROG-POND");
	cr_assert_eq(c.have & RDPNEG_CS_CLUSTER, 0);
	cr_assert_eq(ci_patched(CI_CLUSTER + 2, "\x00\x00", 2, &c),
	    RDPNEG_ERR_USER_DATA);
	/* Past the end of the user data: 57 and 0xffff. */
	cr_assert_eq(ci_patched(CI_NET + 2, "\x39\x00", 2, &c),
	    RDPNEG_ERR_USER_DATA);
	cr_assert(c.have & RDPNEG_CS_SECURITY);
	cr_assert_eq(c.have & RDPNEG_CS_NET, 0);
	cr_assert_eq(ci_patched(CI_NET + 2, "\xff\xff", 2, &c),
	    RDPNEG_ERR_USER_DATA);
	/* channelCount larger than the definitions: 5, and 2^32 - 1. */
	cr_assert_eq(ci_patched(CI_NET + 4, "\x05", 1, &c),
	    RDPNEG_ERR_USER_DATA);
	cr_assert_eq(c.nchannels, 0);
	cr_assert_eq(ci_patched(CI_NET + 4, "\xff\xff\xff\xff", 4, &c),
	    RDPNEG_ERR_USER_DATA);
	cr_assert_eq(c.nchannels, 0);
	/* Fewer channels than the block holds: allowed (a longer block). */
	cr_assert_eq(ci_patched(CI_NET + 4, "\x02", 1, &c), RDPNEG_OK);
	cr_assert_eq(c.channel_count, 2);
	cr_assert_eq(c.nchannels, 2);
	/* The user data blocks alone, the same. */
	memset(&c, 0, sizeof(c));
	cr_assert_eq(rdpneg_decode_client_data((const uint8_t *)"\x01\xc0"
	    "\x02\x00", 4, &c), RDPNEG_ERR_USER_DATA);
	cr_assert_eq(rdpneg_decode_client_data((const uint8_t *)"\x01\xc0"
	    "\x08\x00\x00\x00", 6, &c), RDPNEG_ERR_USER_DATA);
	cr_assert_eq(rdpneg_decode_client_data((const uint8_t *)"\x01\xc0",
	    2, &c), RDPNEG_ERR_USER_DATA);
	cr_assert_eq(rdpneg_decode_client_data(NULL, 0, &c), RDPNEG_OK);
}

/* clientName: UTF-16LE to UTF-8, a lone surrogate U+FFFD, a pair one
 * character, no NUL unit: the whole 32 bytes; controls kept as sent
 * (escaping them is the reports' job). */
Test(connect_initial, client_name_utf16)
{
	static const uint8_t lone[32] = {
		'A', 0, 0x00, 0xd8, 'B', 0, 0x00, 0xdc, 0x3d, 0xd8, 0x00, 0xde,
		'C', 0, 'C', 0, 'C', 0, 'C', 0, 'C', 0, 'C', 0, 'C', 0, 'C', 0,
		'C', 0, 0x00, 0xd8	/* a high surrogate last */
	};
	uint8_t name[32];
	struct rdpneg_gcc_client c;
	size_t i;

	cr_assert_eq(ci_patched(CI_NAME, lone, 32, &c), RDPNEG_OK);
	cr_assert_str_eq(c.name, "A\xef\xbf\xbd" "B\xef\xbf\xbd"
	    "\xf0\x9f\x98\x80" "CCCCCCCCC\xef\xbf\xbd");
	/* 16 euro signs: 48 bytes of UTF-8; whole characters only. */
	for (i = 0; i < 32; i += 2) {
		name[i] = 0xac;
		name[i + 1] = 0x20;
	}
	cr_assert_eq(ci_patched(CI_NAME, name, 32, &c), RDPNEG_OK);
	cr_assert_eq(strlen(c.name), 45);
	cr_assert_eq(memcmp(c.name, "\xe2\x82\xac", 3), 0);
	cr_assert_eq(memcmp(c.name + 42, "\xe2\x82\xac", 3), 0);
	/* ESC, newline, quote, backslash, DEL. */
	memset(name, 0, sizeof(name));
	memcpy(name, "\x1b\0[\0" "3\0" "1\0m\0\n\0\"\0\\\0\x7f\0\x01\0", 20);
	cr_assert_eq(ci_patched(CI_NAME, name, 32, &c), RDPNEG_OK);
	cr_assert_str_eq(c.name, "\x1b[31m\n\"\\\x7f\x01");
	/* The other fields are untouched. */
	cr_assert_eq(c.client_build, 6000);
	cr_assert_eq(c.nchannels, 4);
}

Test(connect_initial, channel_names_raw)
{
	struct rdpneg_gcc_client c;

	cr_assert_eq(ci_patched(CI_CHANNEL0, "a\x1b\n\"\\\x01z\xff", 8, &c),
	    RDPNEG_OK);
	cr_assert_str_eq(c.channels[0], "a\x1b\n\"\\\x01z\xff");
	cr_assert_eq(strlen(c.channels[0]), RDPNEG_CHANNEL_NAME_MAX);
	cr_assert_eq(ci_patched(CI_CHANNEL0, "\0bc", 3, &c), RDPNEG_OK);
	cr_assert_str_eq(c.channels[0], "");
	cr_assert_str_eq(c.channels[1], "rdpsnd");
}

/* More channels than kept: all counted, the first 16 named. */
Test(connect_initial, channels_beyond_kept)
{
	uint8_t b[4 + 4 + 20 * 12];
	struct rdpneg_gcc_client c;
	size_t i;

	memset(b, 0, sizeof(b));
	b[0] = 0x03;
	b[1] = 0xc0;
	b[2] = sizeof(b) & 0xff;
	b[3] = sizeof(b) >> 8;
	b[4] = 20;
	for (i = 0; i < 20; i++) {
		b[8 + 12 * i] = 'c';
		b[9 + 12 * i] = (uint8_t)('a' + i);
	}
	memset(&c, 0, sizeof(c));
	cr_assert_eq(rdpneg_decode_client_data(b, sizeof(b), &c), RDPNEG_OK);
	cr_assert_eq(c.channel_count, 20);
	cr_assert_eq(c.nchannels, RDPNEG_CHANNELS_MAX);
	cr_assert_str_eq(c.channels[15], "cp");
	cr_assert(c.have & RDPNEG_CS_NET);
}

/* ---- Connect-Response */

Test(connect_response, real_proprietary_frame15)
{
	struct rdpneg_connect_response r;
	const struct rdpneg_gcc_server *s = &r.server;

	cr_assert_eq(cr_decode(cr_data(), CR_LEN, &r), RDPNEG_OK);
	cr_assert_eq(r.mcs_result, RDPNEG_MCS_RT_SUCCESSFUL);
	cr_assert_eq(r.have_gcc, 1);
	cr_assert_eq(r.gcc_result, 0);
	cr_assert_eq(s->have, RDPNEG_SC_CORE | RDPNEG_SC_CORE_REQUESTED |
	    RDPNEG_SC_NET | RDPNEG_SC_SECURITY | RDPNEG_SC_RANDOM |
	    RDPNEG_SC_CERTIFICATE);
	cr_assert_eq(s->version, 0x00080004);
	cr_assert_eq(s->client_requested_protocols, 0);
	cr_assert_eq(s->io_channel, 1003);
	cr_assert_eq(s->channel_count, 4);
	cr_assert_eq(s->encryption_method, RDPNEG_ENC_128BIT);
	cr_assert_eq(s->encryption_level, RDPNEG_ENC_LEVEL_HIGH);
	cr_assert_eq(s->random_len, 32);
	cr_assert_eq(s->cert_type, RDPNEG_CERT_CHAIN_PROPRIETARY);
	cr_assert_eq(s->cert_permanent, 1);
	cr_assert_eq(s->cert_count, 1);
	cr_assert_eq(s->key_bits, 512);
	cr_assert_eq(s->cert_leaf.len, 0);
	cr_assert_eq(memcmp(cr_data() + CR_MCDN, "McDn", 4), 0);
	cr_assert_eq(le16(cr_data() + CR_SECURITY), 0x0c02);
	cr_assert_eq(memcmp(cr_data() + CR_CERT + 16, "RSA1", 4), 0);
}

Test(connect_response, real_x509_frame13)
{
	struct rdpneg_connect_response r;
	const struct rdpneg_gcc_server *s = &r.server;
	const uint8_t *p = real_x509_response;

	cr_assert_eq(rdpneg_decode_connect_response(p + 7,
	    sizeof(real_x509_response) - 7, &r), RDPNEG_OK);
	cr_assert_eq(r.mcs_result, 0);
	cr_assert_eq(s->encryption_method, RDPNEG_ENC_128BIT);
	cr_assert_eq(s->encryption_level, RDPNEG_ENC_LEVEL_CLIENT_COMPATIBLE);
	cr_assert_eq(s->cert_type, RDPNEG_CERT_CHAIN_X509);
	cr_assert_eq(s->cert_permanent, 0);		/* temporary */
	cr_assert_eq(s->cert_count, 2);
	cr_assert_eq(s->key_bits, 0);
	cr_assert_eq(s->cert_leaf.ptr, p + X509_LEAF);
	cr_assert_eq(s->cert_leaf.len, X509_LEAF_LEN);
	/* A DER SEQUENCE whose length is the blob's. */
	cr_assert_eq(p[X509_LEAF], 0x30);
	cr_assert_eq(p[X509_LEAF + 1], 0x82);
	cr_assert_eq((p[X509_LEAF + 2] << 8 | p[X509_LEAF + 3]) + 4,
	    X509_LEAF_LEN);
}

Test(connect_response, real_xrdp_level_none)
{
	struct rdpneg_connect_response r;

	cr_assert_eq(cr_decode(xrdp_none_server + 7, 105 - 7, &r), RDPNEG_OK);
	cr_assert_eq(r.server.have & (RDPNEG_SC_SECURITY | RDPNEG_SC_RANDOM),
	    RDPNEG_SC_SECURITY);
	cr_assert_eq(r.server.encryption_method, 0);
	cr_assert_eq(r.server.encryption_level, RDPNEG_ENC_LEVEL_NONE);
	cr_assert_eq(r.server.io_channel, 1003);
}

Test(connect_response, every_prefix_truncated)
{
	struct rdpneg_connect_response r;
	size_t k, n = sizeof(real_x509_response) - 7;

	for (k = 0; k < CR_LEN; k++) {
		cr_assert_eq(cr_decode(cr_data(), k, &r), RDPNEG_TRUNCATED,
		    "prefix %zu", k);
		if (k >= CR_CERT + 4)
			cr_assert_eq(r.server.cert_type,
			    RDPNEG_CERT_CHAIN_PROPRIETARY);
		if (k < CR_CERT + 28)		/* RSA1's bitlen */
			cr_assert_eq(r.server.key_bits, 0);
	}
	for (k = 0; k < n; k += 7)
		cr_assert_eq(cr_decode(real_x509_response + 7, k, &r),
		    RDPNEG_TRUNCATED, "prefix %zu", k);
}

static enum rdpneg_status
x509_patched(size_t off, const void *bytes, size_t n,
    struct rdpneg_connect_response *r)
{
	uint8_t b[sizeof(real_x509_response)];

	memcpy(b, real_x509_response, sizeof(b));
	memcpy(b + off, bytes, n);
	return cr_decode(b + 7, sizeof(b) - 7, r);
}

Test(connect_response, certificate_lies)
{
	struct rdpneg_connect_response r;
	uint8_t b[CR_LEN];

	cr_assert_eq(x509_patched(X509_COUNT, "\x02\x00\x00\x00", 4, &r),
	    RDPNEG_OK);
	/* NumCertBlobs huge, and one more than there are. */
	cr_assert_eq(x509_patched(X509_COUNT, "\xff\xff\xff\xff", 4, &r),
	    RDPNEG_ERR_USER_DATA);
	cr_assert(r.server.have & RDPNEG_SC_SECURITY);
	cr_assert_eq(r.server.cert_count, 0);
	/* One more than there are: the 16 bytes of zero padding after the
	 * chain (2.2.1.4.3.1: 8 to 16) read as empty blobs, up to four;
	 * the last, the "leaf", is then empty. */
	cr_assert_eq(x509_patched(X509_COUNT, "\x03", 1, &r), RDPNEG_OK);
	cr_assert_eq(r.server.cert_count, 3);
	cr_assert_eq(r.server.cert_leaf.len, 0);
	cr_assert_eq(x509_patched(X509_COUNT, "\x07", 1, &r),
	    RDPNEG_ERR_USER_DATA);
	/* The leaf's length past the certificate. */
	cr_assert_eq(x509_patched(X509_LEAF - 4, "\x00\x10", 2, &r),
	    RDPNEG_ERR_USER_DATA);
	/* Proprietary: the public key blob past the certificate, and a
	 * key that is not RSA1. */
	memcpy(b, cr_data(), CR_LEN);
	b[CR_CERT + 14] = 0xff;
	cr_assert_eq(cr_decode(b, CR_LEN, &r), RDPNEG_ERR_USER_DATA);
	memcpy(b, cr_data(), CR_LEN);
	b[CR_CERT + 16] = 'X';
	cr_assert_eq(cr_decode(b, CR_LEN, &r), RDPNEG_ERR_USER_DATA);
	/* serverCertLen past the block. */
	memcpy(b, cr_data(), CR_LEN);
	b[CR_SECURITY + 16] = 0xb9;
	cr_assert_eq(cr_decode(b, CR_LEN, &r), RDPNEG_ERR_USER_DATA);
	/* A certificate type rdpneg does not know: kept as sent. */
	memcpy(b, cr_data(), CR_LEN);
	b[CR_CERT] = 7;
	cr_assert_eq(cr_decode(b, CR_LEN, &r), RDPNEG_OK);
	cr_assert_eq(r.server.cert_type, 7);
	cr_assert_eq(r.server.key_bits, 0);
	/* The Connect-Response's BER. */
	memcpy(b, cr_data(), CR_LEN);
	b[2] = 0x84;
	cr_assert_eq(cr_decode(b, CR_LEN, &r), RDPNEG_ERR_MCS_BER);
	memcpy(b, cr_data(), CR_LEN);
	b[40] = 0x83;				/* userData's length */
	cr_assert_eq(cr_decode(b, CR_LEN, &r), RDPNEG_ERR_MCS_BER);
	/* The GCC: not ConferenceCreateResponse, not "McDn". */
	memcpy(b, cr_data(), CR_LEN);
	b[51] = 0x15;
	cr_assert_eq(cr_decode(b, CR_LEN, &r), RDPNEG_ERR_GCC);
	memcpy(b, cr_data(), CR_LEN);
	b[CR_MCDN] = 'm';
	cr_assert_eq(cr_decode(b, CR_LEN, &r), RDPNEG_ERR_GCC);
}

/* ---- domain PDUs */

static enum rdpneg_status
domain(const void *p, size_t n, struct rdpneg_domain_pdu *d)
{
	uint8_t *b = exact(p, n);
	enum rdpneg_status st = rdpneg_decode_domain_pdu(n ? b : NULL, n, d);

	d->user_data.ptr = NULL;
	free(b);
	return st;
}

Test(domain_pdu, real_connection_sequence)
{
	struct rdpneg_domain_pdu d;

	/* xrdp-tls-sec-rdp frame 9: rn-user-requested. */
	cr_assert_eq(domain(xrdp_tls_sec_rdp_server + 7, 2, &d), RDPNEG_OK);
	cr_assert_eq(d.type, RDPNEG_MCS_DISCONNECT);
	cr_assert_eq(d.reason, RDPNEG_MCS_RN_USER_REQUESTED);
	/* The proprietary capture: Erect Domain (16), Attach User Request
	 * (17), Confirm (19), Channel Join Request (20) and Confirm (21). */
	cr_assert_eq(domain(real_prop_client + 428 + 7, 5, &d), RDPNEG_OK);
	cr_assert_eq(d.type, RDPNEG_MCS_ERECT_DOMAIN);
	cr_assert_eq(domain(real_prop_client + 440 + 7, 1, &d), RDPNEG_OK);
	cr_assert_eq(d.type, RDPNEG_MCS_ATTACH_USER_REQUEST);
	cr_assert_eq(domain(real_prop_server + 337 + 7, 4, &d), RDPNEG_OK);
	cr_assert_eq(d.type, RDPNEG_MCS_ATTACH_USER_CONFIRM);
	cr_assert_eq(d.result, RDPNEG_MCS_RT_SUCCESSFUL);
	cr_assert_eq(domain(real_prop_client + 448 + 7, 5, &d), RDPNEG_OK);
	cr_assert_eq(d.type, RDPNEG_MCS_CHANNEL_JOIN_REQUEST);
	cr_assert_eq(d.channel, 1008);
	cr_assert_eq(domain(real_prop_server + 348 + 7, 8, &d), RDPNEG_OK);
	cr_assert_eq(d.type, RDPNEG_MCS_CHANNEL_JOIN_CONFIRM);
	cr_assert_eq(d.result, 0);
	/* Send Data Request (32: the Security Exchange, 1-byte length) and
	 * Indication (xrdp-rdp-none frame 35: a 2-byte length). */
	cr_assert_eq(domain(real_prop_client + 520 + 7, 87, &d), RDPNEG_OK);
	cr_assert_eq(d.type, RDPNEG_MCS_SEND_DATA_REQUEST);
	cr_assert_eq(d.channel, 1003);
	cr_assert_eq(d.user_data.len, 80);
	cr_assert_eq(domain(xrdp_none_server + 206 + 7, 330, &d), RDPNEG_OK);
	cr_assert_eq(d.type, RDPNEG_MCS_SEND_DATA_INDICATION);
	cr_assert_eq(d.user_data.len, 0x142);
}

/* T.125's eight Reason values, 3 bits across two bytes. */
Test(domain_pdu, every_reason)
{
	struct rdpneg_domain_pdu d;
	uint8_t b[2];
	unsigned r;

	for (r = 0; r < 8; r++) {
		b[0] = (uint8_t)(RDPNEG_MCS_DISCONNECT << 2 | r >> 1);
		b[1] = (uint8_t)((r & 1) << 7);
		cr_assert_eq(domain(b, 2, &d), RDPNEG_OK);
		cr_assert_eq(d.type, RDPNEG_MCS_DISCONNECT);
		cr_assert_eq(d.reason, r);
	}
	cr_assert_str_eq(rdpneg_tok_str(rdpneg_mcs_reason_names, 3),
	    "rn-user-requested");
	cr_assert_null(rdpneg_tok_str(rdpneg_mcs_reason_names, 7));
}

Test(domain_pdu, prefixes_and_per_lies)
{
	struct rdpneg_domain_pdu d;
	const uint8_t *sd = xrdp_none_server + 206 + 7;
	uint8_t b[330];
	size_t k;

	for (k = 0; k < 330; k++) {
		cr_assert_eq(domain(sd, k, &d), RDPNEG_TRUNCATED,
		    "prefix %zu", k);
		if (k > 0)
			cr_assert_eq(d.type, RDPNEG_MCS_SEND_DATA_INDICATION);
	}
	cr_assert_eq(domain("\x20", 1, &d), RDPNEG_TRUNCATED);	/* DPUm */
	cr_assert_eq(domain("\x04\x01", 2, &d), RDPNEG_TRUNCATED);
	/* PER: a fragmented length. */
	memcpy(b, sd, sizeof(b));
	b[6] = 0xc1;
	cr_assert_eq(domain(b, sizeof(b), &d), RDPNEG_ERR_MCS_PER);
	cr_assert_eq(domain("\x04\xc0\x00\x01\x00", 5, &d),
	    RDPNEG_ERR_MCS_PER);
	/* A 2-byte length one past the data: cut, as far as this span
	 * tells (the walker, which has the whole PDU, calls it a lie). */
	b[6] = 0x81;
	b[7] = 0x43;
	cr_assert_eq(domain(b, sizeof(b), &d), RDPNEG_TRUNCATED);
	/* A domain PDU rdpneg does not read further. */
	cr_assert_eq(domain("\xfc", 1, &d), RDPNEG_OK);
	cr_assert_eq(d.type, 63);
}

/* ---- the security PDU */

static enum rdpneg_status
sec(const uint8_t *p, size_t n, int header, struct rdpneg_sec_pdu *s)
{
	uint8_t *b = exact(p, n);
	enum rdpneg_status st = rdpneg_decode_sec_pdu(n ? b : NULL, n, header,
	    s);

	free(b);
	return st;
}

/* xrdp-rdp-none frame 38: the License Error PDU with STATUS_VALID_CLIENT
 * (licensing in clear, level None); frame 40: Demand Active. */
#define NONE_LICENSE	(xrdp_none_server + 543 + 14)
#define NONE_LICENSE_LEN 20
#define NONE_DEMAND	(xrdp_none_server + 577 + 15)
#define NONE_DEMAND_LEN	410

Test(sec_pdu, real_license_valid_client)
{
	struct rdpneg_sec_pdu s;

	cr_assert_eq(sec(NONE_LICENSE, NONE_LICENSE_LEN, 0, &s), RDPNEG_OK);
	cr_assert_eq(s.have, RDPNEG_SEC_HAVE_HEADER | RDPNEG_SEC_HAVE_LICENSE |
	    RDPNEG_SEC_HAVE_ERROR);
	cr_assert_eq(s.flags, RDPNEG_SEC_LICENSE_PKT);
	cr_assert_eq(s.license_type, RDPNEG_LICENSE_ERROR_ALERT);
	cr_assert_eq(s.error_code, RDPNEG_LICENSE_STATUS_VALID_CLIENT);
	cr_assert_eq(s.state_transition, RDPNEG_LICENSE_ST_NO_TRANSITION);
	cr_assert_eq(sec(NONE_LICENSE, NONE_LICENSE_LEN, 1, &s), RDPNEG_OK);
	cr_assert_eq(s.error_code, RDPNEG_LICENSE_STATUS_VALID_CLIENT);
}

Test(sec_pdu, real_demand_active_in_clear)
{
	struct rdpneg_sec_pdu s;

	cr_assert_eq(sec(NONE_DEMAND, NONE_DEMAND_LEN, 0, &s), RDPNEG_OK);
	cr_assert_eq(s.have, RDPNEG_SEC_HAVE_SHARE);
	cr_assert_eq(s.pdu_type, RDPNEG_PDUTYPE_DEMAND_ACTIVE);
	cr_assert_eq(s.flags, 0);
}

Test(sec_pdu, lying_lengths)
{
	struct rdpneg_sec_pdu s;
	uint8_t b[NONE_DEMAND_LEN];

	/* wMsgSize: past the PDU, and under the preamble. */
	memcpy(b, NONE_LICENSE, NONE_LICENSE_LEN);
	b[6] = 0x15;
	cr_assert_eq(sec(b, NONE_LICENSE_LEN, 0, &s), RDPNEG_ERR_SEC);
	cr_assert(s.have & RDPNEG_SEC_HAVE_LICENSE);
	cr_assert_eq(s.have & RDPNEG_SEC_HAVE_ERROR, 0);
	b[6] = 0x03;
	cr_assert_eq(sec(b, NONE_LICENSE_LEN, 0, &s), RDPNEG_ERR_SEC);
	b[6] = 0xff;
	b[7] = 0xff;
	cr_assert_eq(sec(b, NONE_LICENSE_LEN, 0, &s), RDPNEG_ERR_SEC);
	/* A License Error cut inside its fields: the size says 16. */
	memcpy(b, NONE_LICENSE, NONE_LICENSE_LEN);
	cr_assert_eq(sec(b, 12, 0, &s), RDPNEG_ERR_SEC);
	/* totalLength past the PDU (0x8000 is a flow PDU: allowed), and
	 * under the header.  With a header the level calls for. */
	memcpy(b, NONE_DEMAND, NONE_DEMAND_LEN);
	b[0] = 0x00;
	b[1] = 0x02;
	cr_assert_eq(sec(b, NONE_DEMAND_LEN, 0, &s), RDPNEG_ERR_SEC);
	/* (A length that is not the PDU's with the bits of a licensing,
	 * Client Info or Security Exchange header reads as that header:
	 * without the server's choice nothing tells them apart.) */
	b[0] = 0x04;
	b[1] = 0x00;
	cr_assert_eq(sec(b, NONE_DEMAND_LEN, 0, &s), RDPNEG_ERR_SEC);
	cr_assert_eq(sec((const uint8_t *)"\x00\x00\x00\x00\x00\x80\x00\x00"
	    "\x00\x80", 10, 1, &s), RDPNEG_OK);
	cr_assert_eq(s.have, RDPNEG_SEC_HAVE_HEADER | RDPNEG_SEC_HAVE_SHARE);
	cr_assert_eq(sec((const uint8_t *)"\x00\x00\x00\x00\x10\x00\x11\x00"
	    "\xe9\x03", 10, 1, &s), RDPNEG_ERR_SEC);
	/* The header cut. */
	cr_assert_eq(sec((const uint8_t *)"\x80\x00", 2, 1, &s),
	    RDPNEG_ERR_SEC);
	/* Encrypted: nothing past the header is read. */
	cr_assert_eq(sec((const uint8_t *)"\x88\x00\x00\x00\xff\xff", 6, 1,
	    &s), RDPNEG_OK);
	cr_assert_eq(s.have, RDPNEG_SEC_HAVE_HEADER);
}

/* A Set Error Info PDU in clear (2.2.5.1): Share Control, Share Data,
 * errorInfo; code is the errorInfo. */
static size_t
set_error_info(uint8_t *b, uint32_t code)
{
	static const uint8_t hdr[18] = {
		22, 0, 0x17, 0, 0xea, 0x03,		/* Share Control */
		0xea, 0x03, 0x01, 0x00, 0, 1, 0, 0,	/* shareId, pad, stream,
							   uncompressedLength */
		RDPNEG_PDUTYPE2_SET_ERROR_INFO, 0, 0, 0
	};

	memcpy(b, hdr, sizeof(hdr));
	b[18] = code & 0xff;
	b[19] = code >> 8 & 0xff;
	b[20] = code >> 16 & 0xff;
	b[21] = code >> 24 & 0xff;
	return 22;
}

Test(sec_pdu, set_error_info)
{
	struct rdpneg_sec_pdu s;
	uint8_t b[32];
	size_t n = set_error_info(b, 0x101);

	cr_assert_eq(sec(b, n, 0, &s), RDPNEG_OK);
	cr_assert_eq(s.have, RDPNEG_SEC_HAVE_SHARE | RDPNEG_SEC_HAVE_ERRINFO);
	cr_assert_eq(s.pdu_type, RDPNEG_PDUTYPE_DATA);
	cr_assert_eq(s.pdu_type2, RDPNEG_PDUTYPE2_SET_ERROR_INFO);
	cr_assert_eq(s.error_info, 0x101);
	/* The errorInfo cut off: the totalLength lies. */
	cr_assert_eq(sec(b, n - 2, 0, &s), RDPNEG_ERR_SEC);
	b[0] = 20;
	cr_assert_eq(sec(b, n - 2, 0, &s), RDPNEG_ERR_SEC);
	cr_assert_eq(s.have & RDPNEG_SEC_HAVE_ERRINFO, 0);
}

/* ---- the walker */

struct side {
	const uint8_t		*stream;
	const struct real_pdu	*pdus;
	size_t			 next, off;
};

/*
 * Feed both directions PDU by PDU in frame order, each PDU at once or
 * byte by byte (every byte its own call, the same frame): what a
 * consumer sees as segments arrive.
 */
static void
play(struct rdpneg_mcs *m, const uint8_t *cs, const struct real_pdu *cp,
    const uint8_t *ss, const struct real_pdu *sp, int bytewise)
{
	struct side side[2] = { { cs, cp, 0, 0 }, { ss, sp, 0, 0 } };
	struct side *d;
	size_t k;
	int i;

	memset(m, 0, sizeof(*m));
	for (;;) {
		d = NULL;
		for (i = 0; i < 2; i++)
			if (side[i].pdus != NULL &&
			    side[i].pdus[side[i].next].len > 0 &&
			    (d == NULL || side[i].pdus[side[i].next].frame <
			    d->pdus[d->next].frame))
				d = &side[i];
		if (d == NULL)
			return;
		i = d == &side[0];
		if (!bytewise)
			(void)rdpneg_mcs_feed(m, i, d->stream,
			    d->off + d->pdus[d->next].len,
			    d->pdus[d->next].frame);
		else
			for (k = 1; k <= d->pdus[d->next].len; k++)
				(void)rdpneg_mcs_feed(m, i, d->stream,
				    d->off + k, d->pdus[d->next].frame);
		d->off += d->pdus[d->next].len;
		d->next++;
	}
}

static void
assert_same(const struct rdpneg_mcs *a, const struct rdpneg_mcs *b)
{
	size_t i;

	cr_assert_eq(a->have, b->have);
	cr_assert_eq(a->stage, b->stage);
	cr_assert_eq(memcmp(&a->client, &b->client, sizeof(a->client)), 0);
	cr_assert_eq(memcmp(&a->server, &b->server, sizeof(a->server)), 0);
	cr_assert_eq(a->disconnect_reason, b->disconnect_reason);
	cr_assert_eq(a->disconnect_frame, b->disconnect_frame);
	cr_assert_eq(a->license_type, b->license_type);
	cr_assert_eq(a->license_error, b->license_error);
	cr_assert_eq(a->error_info, b->error_info);
	cr_assert_eq(a->cert_off, b->cert_off);
	cr_assert_eq(a->cert_len, b->cert_len);
	for (i = 0; i < RDPNEG_STAGE_COUNT; i++)
		cr_assert_eq(a->stage_frame[i], b->stage_frame[i]);
	for (i = 0; i < 2; i++) {
		cr_assert_eq(a->dir[i].consumed, b->dir[i].consumed);
		cr_assert_eq(a->dir[i].status, b->dir[i].status);
		cr_assert_eq(a->dir[i].fast_path, b->dir[i].fast_path);
		cr_assert_eq(a->dir[i].pdus, b->dir[i].pdus);
		cr_assert_eq(a->dir[i].sec_flags, b->dir[i].sec_flags);
		cr_assert_eq(a->dir[i].first_frame, b->dir[i].first_frame);
		cr_assert_eq(a->dir[i].last_frame, b->dir[i].last_frame);
	}
}

static struct rdpneg_mcs *
mcs_new(void)
{
	struct rdpneg_mcs *m = calloc(1, sizeof(*m));

	cr_assert_not_null(m);
	return m;
}

Test(walker, real_proprietary_session)
{
	struct rdpneg_mcs *a = mcs_new(), *b = mcs_new();
	char buf[160];

	play(a, real_prop_client, real_prop_client_pdus, real_prop_server,
	    real_prop_server_pdus, 0);
	play(b, real_prop_client, real_prop_client_pdus, real_prop_server,
	    real_prop_server_pdus, 1);
	assert_same(a, b);
	cr_assert_eq(a->have, RDPNEG_MCS_HAVE_CLIENT | RDPNEG_MCS_HAVE_SERVER |
	    RDPNEG_MCS_INITIAL_BEGAN | RDPNEG_MCS_RESPONSE_BEGAN);
	assert_frog_pond(&a->client);
	cr_assert_eq(a->server.key_bits, 512);
	cr_assert_eq(a->cert_len, 0);
	cr_assert_eq(a->stage, RDPNEG_STAGE_ACTIVE);
	cr_assert_eq(a->stage_frame[RDPNEG_STAGE_CONNECT_INITIAL], 14);
	cr_assert_eq(a->stage_frame[RDPNEG_STAGE_CONNECT_RESPONSE], 15);
	cr_assert_eq(a->stage_frame[RDPNEG_STAGE_DOMAIN], 16);
	cr_assert_eq(a->stage_frame[RDPNEG_STAGE_SECURITY_EXCHANGE], 32);
	cr_assert_eq(a->stage_frame[RDPNEG_STAGE_CLIENT_INFO], 33);
	cr_assert_eq(a->stage_frame[RDPNEG_STAGE_LICENSING], 35);
	cr_assert_eq(a->stage_frame[RDPNEG_STAGE_ACTIVE], 38);
	cr_assert_eq(a->dir[0].pdus, 12);
	cr_assert_eq(a->dir[0].consumed, sizeof(real_prop_client));
	cr_assert_eq(a->dir[0].first_frame, 14);
	cr_assert_eq(a->dir[0].last_frame, 38);
	cr_assert_eq(a->dir[1].pdus, 10);
	cr_assert_eq(a->dir[1].consumed, sizeof(real_prop_server));
	cr_assert_eq(a->dir[0].status, RDPNEG_OK);
	cr_assert_eq(a->dir[1].status, RDPNEG_OK);
	cr_assert_eq(a->dir[0].sec_flags & (RDPNEG_SEC_EXCHANGE_PKT |
	    RDPNEG_SEC_INFO_PKT | RDPNEG_SEC_ENCRYPT), RDPNEG_SEC_EXCHANGE_PKT |
	    RDPNEG_SEC_INFO_PKT | RDPNEG_SEC_ENCRYPT);
	cr_assert_eq(a->dir[1].sec_flags & (RDPNEG_SEC_LICENSE_PKT |
	    RDPNEG_SEC_ENCRYPT), RDPNEG_SEC_LICENSE_PKT | RDPNEG_SEC_ENCRYPT);
	cr_assert_eq(a->have & RDPNEG_MCS_HAVE_LICENSE_ERROR, 0);
	cr_assert(!rdpneg_mcs_decided(a));
	cr_assert_eq(rdpneg_rdp_weaknesses(a),
	    RDPNEG_RDP_WEAK_PROPRIETARY_CERT);
	rdpneg_rdp_security_str(a, buf, sizeof(buf));
	cr_assert_str_eq(buf, "128bit at level High, proprietary certificate "
	    "(512-bit RSA)");
	free(a);
	free(b);
}

Test(walker, real_x509_leaf_in_the_stream)
{
	static const struct real_pdu one[] = {
		{ 13, sizeof(real_x509_response) }, { 0, 0 }
	};
	struct rdpneg_mcs *a = mcs_new(), *b = mcs_new();
	char buf[160];

	play(a, NULL, NULL, real_x509_response, one, 0);
	play(b, NULL, NULL, real_x509_response, one, 1);
	assert_same(a, b);
	cr_assert_eq(a->cert_off, X509_LEAF);
	cr_assert_eq(a->cert_len, X509_LEAF_LEN);
	cr_assert_eq(real_x509_response[a->cert_off], 0x30);
	cr_assert_eq(a->server.cert_leaf.len, 0);	/* not kept */
	cr_assert_eq(a->server.cert_count, 2);
	cr_assert_eq(a->stage, RDPNEG_STAGE_CONNECT_RESPONSE);
	cr_assert_eq(a->stage_frame[RDPNEG_STAGE_CONNECT_RESPONSE], 13);
	cr_assert_eq(rdpneg_rdp_weaknesses(a), 0);
	rdpneg_rdp_security_str(a, buf, sizeof(buf));
	cr_assert_str_eq(buf, "128bit at level Client compatible, X.509 "
	    "chain of 2 certificates (temporary)");
	free(a);
	free(b);
}

Test(walker, real_disconnect_provider_ultimatum)
{
	struct rdpneg_mcs *a = mcs_new(), *b = mcs_new();
	char buf[160];

	play(a, xrdp_tls_sec_rdp_client, xrdp_tls_sec_rdp_client_pdus,
	    xrdp_tls_sec_rdp_server, xrdp_tls_sec_rdp_server_pdus, 0);
	play(b, xrdp_tls_sec_rdp_client, xrdp_tls_sec_rdp_client_pdus,
	    xrdp_tls_sec_rdp_server, xrdp_tls_sec_rdp_server_pdus, 1);
	assert_same(a, b);
	cr_assert_eq(a->have, RDPNEG_MCS_HAVE_CLIENT |
	    RDPNEG_MCS_INITIAL_BEGAN | RDPNEG_MCS_HAVE_DISCONNECT);
	cr_assert_str_eq(a->client.name, "rdpneg-client");
	cr_assert_eq(a->stage, RDPNEG_STAGE_CONNECT_INITIAL);
	cr_assert_eq(a->disconnect_reason, RDPNEG_MCS_RN_USER_REQUESTED);
	cr_assert_eq(a->disconnect_from_client, 0);
	cr_assert_eq(a->disconnect_frame, 9);
	cr_assert(rdpneg_mcs_decided(a));
	cr_assert_eq(rdpneg_rdp_weaknesses(a), 0);
	rdpneg_mcs_disconnect_str(a, buf, sizeof(buf));
	cr_assert_str_eq(buf, "the server's Disconnect Provider Ultimatum "
	    "(rn-user-requested) at frame 9");
	rdpneg_rdp_security_str(a, buf, sizeof(buf));
	cr_assert_str_eq(buf, "not seen");
	free(a);
	free(b);
}

Test(walker, real_licensing_in_clear_then_fast_path)
{
	struct rdpneg_mcs *a = mcs_new(), *b = mcs_new();
	char buf[160];

	play(a, NULL, NULL, xrdp_none_server, xrdp_none_server_pdus, 0);
	play(b, NULL, NULL, xrdp_none_server, xrdp_none_server_pdus, 1);
	assert_same(a, b);
	cr_assert_eq(a->license_type, RDPNEG_LICENSE_ERROR_ALERT);
	/* STATUS_VALID_CLIENT is no error. */
	cr_assert_eq(a->have & RDPNEG_MCS_HAVE_LICENSE_ERROR, 0);
	cr_assert_eq(a->stage, RDPNEG_STAGE_ACTIVE);
	cr_assert_eq(a->stage_frame[RDPNEG_STAGE_LICENSING], 35);
	cr_assert_eq(a->stage_frame[RDPNEG_STAGE_ACTIVE], 56);
	cr_assert_eq(a->dir[1].fast_path, 1);
	cr_assert_eq(a->dir[1].pdus, 15);
	/* The 7-byte fast-path PDU is stepped over, not read: a later
	 * Disconnect Provider Ultimatum would still be seen. */
	cr_assert_eq(a->dir[1].consumed, sizeof(xrdp_none_server));
	cr_assert_eq(a->dir[1].status, RDPNEG_OK);
	cr_assert_eq(a->dir[1].sec_flags, RDPNEG_SEC_LICENSE_PKT);
	cr_assert_eq(rdpneg_rdp_weaknesses(a), RDPNEG_RDP_WEAK_NO_ENCRYPTION);
	/* Nothing decided it: both directions may show more. */
	cr_assert_eq(rdpneg_mcs_feed(a, 0, xrdp_none_server,
	    sizeof(xrdp_none_server), 57), RDPNEG_OK);
	cr_assert(!rdpneg_mcs_decided(a));
	rdpneg_license_error_str(a, buf, sizeof(buf));
	cr_assert_str_eq(buf, "none");
	rdpneg_rdp_security_str(a, buf, sizeof(buf));
	cr_assert_str_eq(buf, "None at level None");
	free(a);
	free(b);
}

/* A fast-path byte before licensing is no fast-path: malformed. */
Test(walker, fast_path_only_after_licensing)
{
	struct rdpneg_mcs *m = mcs_new();
	static const uint8_t fp[7] = { 0x00, 0x80, 0x07, 0x83, 0, 0, 0 };

	cr_assert_eq(rdpneg_mcs_feed(m, 0, fp, sizeof(fp), 3),
	    RDPNEG_ERR_MCS_FRAME);
	cr_assert_eq(m->dir[1].status, RDPNEG_ERR_MCS_FRAME);
	cr_assert_eq(m->dir[1].fast_path, 0);
	cr_assert_eq(m->stage, RDPNEG_STAGE_NONE);
	cr_assert(!rdpneg_mcs_decided(m));
	cr_assert_eq(rdpneg_mcs_feed(m, 1, fp, sizeof(fp), 3),
	    RDPNEG_ERR_MCS_FRAME);
	cr_assert(rdpneg_mcs_decided(m));
	free(m);
}

/* A TPKT wrapping an X.224 Data TPDU with this MCS data. */
static size_t
tpkt(uint8_t *b, const uint8_t *data, size_t n)
{
	b[0] = 3;
	b[1] = 0;
	b[2] = (uint8_t)((n + 7) >> 8);
	b[3] = (uint8_t)(n + 7);
	b[4] = 2;
	b[5] = 0xf0;
	b[6] = 0x80;
	memcpy(b + 7, data, n);
	return n + 7;
}

/* A Send Data Indication on channel 1003 carrying p. */
static size_t
indication(uint8_t *b, const uint8_t *p, size_t n)
{
	uint8_t d[256];

	memcpy(d, "\x68\x00\x07\x03\xeb\x70", 6);
	d[6] = (uint8_t)n;
	memcpy(d + 7, p, n);
	return tpkt(b, d, n + 7);
}

Test(walker, license_error_and_error_info_in_clear)
{
	static const uint8_t lic[20] = {
		0x80, 0, 0, 0, 0xff, 0x03, 0x10, 0,
		0x99, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0
	};
	struct rdpneg_mcs *m = mcs_new();
	uint8_t s[512], e[32];
	size_t n = 0;
	char buf[200];

	n += indication(s + n, lic, sizeof(lic));
	n += indication(s + n, e, set_error_info(e, 0x101));
	n += indication(s + n, e, set_error_info(e, 0xdead));
	cr_assert_eq(rdpneg_mcs_feed(m, 0, s, n, 7), RDPNEG_OK);
	cr_assert_eq(m->have, RDPNEG_MCS_HAVE_LICENSE_ERROR |
	    RDPNEG_MCS_HAVE_ERROR_INFO);
	cr_assert_eq(m->license_error, 0x99);
	cr_assert_eq(m->license_transition, 1);
	cr_assert_eq(m->license_frame, 7);
	cr_assert_eq(m->error_info, 0x101);	/* the first */
	cr_assert_eq(m->error_info_frame, 7);
	cr_assert_eq(m->stage, RDPNEG_STAGE_LICENSING);
	rdpneg_license_error_str(m, buf, sizeof(buf));
	cr_assert_str_eq(buf, "error 0x99 (0x99), ST_TOTAL_ABORT");
	rdpneg_error_info_str(m, buf, sizeof(buf));
	cr_assert_eq(strncmp(buf, "ERRINFO_LICENSE_NO_LICENSE_SERVER "
	    "(0x101): ", 42), 0);
	m->error_info = 0xdead;
	rdpneg_error_info_str(m, buf, sizeof(buf));
	cr_assert_str_eq(buf, "errorInfo 0xdead");
	free(m);
}

Test(walker, lies_in_whole_pdus_are_malformed)
{
	struct rdpneg_mcs *m = mcs_new();
	uint8_t s[512], d[8];
	size_t n;

	/* A Connect-Initial whose BER length runs past the TPKT. */
	memcpy(s, real_prop_client, 428);
	s[9] = 0x82;
	s[10] = 0x01;
	s[11] = 0xa1;
	cr_assert_eq(rdpneg_mcs_feed(m, 1, s, 428, 14), RDPNEG_ERR_MCS_BER);
	cr_assert_eq(m->dir[0].status, RDPNEG_ERR_MCS_BER);
	cr_assert_eq(m->dir[0].consumed, 428);
	cr_assert(m->have & RDPNEG_MCS_HAVE_CLIENT);
	cr_assert_str_eq(m->client.name, "FROG-POND");
	/* Stopped: later calls return the same, walk nothing. */
	cr_assert_eq(rdpneg_mcs_feed(m, 1, real_prop_client, 440, 16),
	    RDPNEG_ERR_MCS_BER);
	cr_assert_eq(m->dir[0].consumed, 428);
	/* A Send Data's 2-byte PER length larger than the TPDU. */
	memcpy(d, "\x68\x00\x01\x03\xeb\x70\x81\x00", 8);
	n = tpkt(s, d, 8);
	cr_assert_eq(rdpneg_mcs_feed(m, 0, s, n, 20), RDPNEG_ERR_MCS_PER);
	cr_assert_eq(m->dir[1].status, RDPNEG_ERR_MCS_PER);
	cr_assert(rdpneg_mcs_decided(m));
	free(m);
}

Test(walker, budget)
{
	struct rdpneg_mcs *m = mcs_new();
	uint8_t *s = calloc(1, 2 * RDPNEG_MCS_STREAM_BUDGET);
	size_t n, i;

	cr_assert_not_null(s);
	/* Erect Domain, then a PDU of 65535 bytes: past the budget. */
	n = tpkt(s, (const uint8_t *)"\x04\x01\x00\x01\x00", 5);
	s[n] = 3;
	s[n + 2] = 0xff;
	s[n + 3] = 0xff;
	s[n + 4] = 2;
	s[n + 5] = 0xf0;
	s[n + 6] = 0x80;
	cr_assert_eq(rdpneg_mcs_feed(m, 1, s, n + 7, 1), RDPNEG_TRUNCATED);
	cr_assert(m->have & RDPNEG_MCS_BUDGET_SPENT);
	cr_assert_eq(m->dir[0].status, RDPNEG_TRUNCATED);
	cr_assert_eq(m->dir[0].consumed, n);
	cr_assert_eq(rdpneg_mcs_feed(m, 1, s, n + 65535, 2), RDPNEG_TRUNCATED);
	cr_assert_eq(m->dir[0].consumed, n);
	cr_assert(!rdpneg_mcs_decided(m));
	/* Small PDUs past the budget: walked up to it only. */
	memset(m, 0, sizeof(*m));
	for (i = 0; i + 12 <= 2 * RDPNEG_MCS_STREAM_BUDGET; i += 12)
		(void)tpkt(s + i, (const uint8_t *)"\x04\x01\x00\x01\x00", 5);
	cr_assert_eq(rdpneg_mcs_feed(m, 1, s, i, 1), RDPNEG_TRUNCATED);
	cr_assert(m->have & RDPNEG_MCS_BUDGET_SPENT);
	cr_assert_eq(m->dir[0].consumed, RDPNEG_MCS_STREAM_BUDGET / 12 * 12);
	cr_assert_eq(m->dir[0].pdus, RDPNEG_MCS_STREAM_BUDGET / 12);
	free(s);
	free(m);
}

/* A Connect-Initial cut by the capture: begun, stage reached. */
Test(walker, connect_initial_begun)
{
	struct rdpneg_mcs *m = mcs_new();

	cr_assert_eq(rdpneg_mcs_feed(m, 1, real_prop_client, 200, 14),
	    RDPNEG_TRUNCATED);
	cr_assert_eq(m->have, RDPNEG_MCS_INITIAL_BEGAN);
	cr_assert_eq(m->stage, RDPNEG_STAGE_CONNECT_INITIAL);
	cr_assert_eq(m->dir[0].consumed, 0);
	cr_assert_eq(m->dir[0].status, RDPNEG_OK);
	cr_assert_eq(rdpneg_mcs_feed(m, 0, real_prop_server, 100, 15),
	    RDPNEG_TRUNCATED);
	cr_assert(m->have & RDPNEG_MCS_RESPONSE_BEGAN);
	cr_assert_eq(m->stage, RDPNEG_STAGE_CONNECT_INITIAL);
	free(m);
}

/* ---- weaknesses */

Test(weaknesses, each_case)
{
	struct rdpneg_mcs m;
	struct rdpneg_gcc_server *s = &m.server;

	memset(&m, 0, sizeof(m));
	cr_assert_eq(rdpneg_rdp_weaknesses(&m), 0);	/* no Response */
	m.have = RDPNEG_MCS_HAVE_SERVER;
	s->have = RDPNEG_SC_CORE;
	cr_assert_eq(rdpneg_rdp_weaknesses(&m), 0);	/* no SC_SECURITY */
	s->have |= RDPNEG_SC_SECURITY;
	s->encryption_level = RDPNEG_ENC_LEVEL_NONE;
	cr_assert_eq(rdpneg_rdp_weaknesses(&m), RDPNEG_RDP_WEAK_NO_ENCRYPTION);
	s->encryption_level = RDPNEG_ENC_LEVEL_HIGH;
	s->encryption_method = 0;
	cr_assert_eq(rdpneg_rdp_weaknesses(&m), RDPNEG_RDP_WEAK_NO_ENCRYPTION);
	s->encryption_method = RDPNEG_ENC_128BIT;
	cr_assert_eq(rdpneg_rdp_weaknesses(&m), 0);
	s->encryption_level = RDPNEG_ENC_LEVEL_LOW;
	s->encryption_method = RDPNEG_ENC_40BIT;
	cr_assert_eq(rdpneg_rdp_weaknesses(&m), RDPNEG_RDP_WEAK_SERVER_CLEAR |
	    RDPNEG_RDP_WEAK_KEY);
	s->encryption_level = RDPNEG_ENC_LEVEL_CLIENT_COMPATIBLE;
	s->encryption_method = RDPNEG_ENC_56BIT;
	cr_assert_eq(rdpneg_rdp_weaknesses(&m), RDPNEG_RDP_WEAK_KEY);
	s->encryption_level = RDPNEG_ENC_LEVEL_FIPS;
	s->encryption_method = RDPNEG_ENC_FIPS;
	cr_assert_eq(rdpneg_rdp_weaknesses(&m), 0);
	s->have |= RDPNEG_SC_CERTIFICATE;
	s->cert_type = RDPNEG_CERT_CHAIN_PROPRIETARY;
	cr_assert_eq(rdpneg_rdp_weaknesses(&m),
	    RDPNEG_RDP_WEAK_PROPRIETARY_CERT);
	s->cert_type = RDPNEG_CERT_CHAIN_X509;
	cr_assert_eq(rdpneg_rdp_weaknesses(&m), 0);
	/* Level None outweighs the rest. */
	s->encryption_level = RDPNEG_ENC_LEVEL_NONE;
	s->cert_type = RDPNEG_CERT_CHAIN_PROPRIETARY;
	cr_assert_eq(rdpneg_rdp_weaknesses(&m), RDPNEG_RDP_WEAK_NO_ENCRYPTION);
}

/* ---- words (mcs_text.h) */

Test(mcs_text, words)
{
	struct rdpneg_mcs m;
	char buf[256];

	cr_assert_eq(rdpneg_rdp_methods_str(0x1b, buf, sizeof(buf)), 23);
	cr_assert_str_eq(buf, "40bit|128bit|56bit|FIPS");
	rdpneg_rdp_methods_str(0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "None");
	rdpneg_rdp_methods_str(0x22, buf, sizeof(buf));
	cr_assert_str_eq(buf, "128bit|0x20");
	memset(&m, 0, sizeof(m));
	rdpneg_mcs_disconnect_str(&m, buf, sizeof(buf));
	cr_assert_str_eq(buf, "none");
	rdpneg_error_info_str(&m, buf, sizeof(buf));
	cr_assert_str_eq(buf, "none");
	m.have = RDPNEG_MCS_HAVE_DISCONNECT;
	m.disconnect_from_client = 1;
	m.disconnect_reason = 6;
	m.disconnect_frame = 1234567890123ull;
	rdpneg_mcs_disconnect_str(&m, buf, sizeof(buf));
	cr_assert_str_eq(buf, "the client's Disconnect Provider Ultimatum "
	    "(reason 6) at frame 1234567890123");
	m.have = RDPNEG_MCS_HAVE_LICENSE_ERROR;
	m.license_error = 6;
	m.license_transition = 1;
	rdpneg_license_error_str(&m, buf, sizeof(buf));
	cr_assert_str_eq(buf, "ERR_NO_LICENSE_SERVER (0x6), ST_TOTAL_ABORT");
	m.license_transition = 9;
	rdpneg_license_error_str(&m, buf, sizeof(buf));
	cr_assert_str_eq(buf, "ERR_NO_LICENSE_SERVER (0x6), state "
	    "transition 0x9");
	m.have = RDPNEG_MCS_HAVE_SERVER;
	m.server.have = RDPNEG_SC_SECURITY | RDPNEG_SC_CERTIFICATE;
	m.server.encryption_method = RDPNEG_ENC_40BIT;
	m.server.encryption_level = 9;
	m.server.cert_type = 5;
	m.server.cert_permanent = 1;
	rdpneg_rdp_security_str(&m, buf, sizeof(buf));
	cr_assert_str_eq(buf, "40bit at level 0x9, certificate type 5");
	m.server.cert_type = RDPNEG_CERT_CHAIN_X509;
	m.server.cert_count = 1;
	rdpneg_rdp_security_str(&m, buf, sizeof(buf));
	cr_assert_str_eq(buf, "40bit at level 0x9, X.509 chain of 1 "
	    "certificate");
	rdpneg_rdp_weaknesses_str(0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "none");
	rdpneg_rdp_weaknesses_str(RDPNEG_RDP_WEAK_KEY |
	    RDPNEG_RDP_WEAK_SERVER_CLEAR, buf, sizeof(buf));
	cr_assert_str_eq(buf, "the server's data in clear (level Low), 40- "
	    "or 56-bit keys");
	cr_assert_str_eq(rdpneg_tok_str(rdpneg_mcs_stage_names,
	    RDPNEG_STAGE_ACTIVE), "active");
	cr_assert_str_eq(rdpneg_tok_str(rdpneg_rdp_weakness_names,
	    RDPNEG_RDP_WEAK_PROPRIETARY_CERT), "proprietary-certificate");
}

/*
 * A small buffer gets whole items only: for every size, the same needed
 * length, a NUL-terminated prefix of the full text that ends at an item
 * boundary (one of ends[]), the longest that fits.
 */
static void
assert_cuts(size_t (*fn)(const struct rdpneg_mcs *, char *, size_t),
    const struct rdpneg_mcs *m, const size_t *ends, size_t nends)
{
	char full[256], small[256];
	size_t need, n, k, i, want;

	need = fn(m, full, sizeof(full));
	cr_assert_eq(need, strlen(full));
	cr_assert_eq(ends[nends - 1], need);
	for (k = 0; k <= need + 1; k++) {
		memset(small, 'x', sizeof(small));
		n = fn(m, small, k);
		cr_assert_eq(n, need);
		if (k == 0) {
			cr_assert_eq(small[0], 'x');
			continue;
		}
		want = 0;
		for (i = 0; i < nends; i++)
			if (ends[i] < k)
				want = ends[i];
		cr_assert_eq(strlen(small), want, "size %zu: \"%s\"", k, small);
		cr_assert_eq(strncmp(small, full, want), 0);
	}
}

static void
item_ends(const char **items, size_t *ends, size_t n)
{
	size_t i, at = 0;

	for (i = 0; i < n; i++)
		ends[i] = at += strlen(items[i]);
}

Test(mcs_text, cut_to_any_size)
{
	struct rdpneg_mcs m;
	static const char *sec_items[] = {
		"128bit", " at level High",
		", proprietary certificate (512-bit RSA)", " (temporary)"
	};
	static const char *dpum_items[] = {
		"the server's", " Disconnect Provider Ultimatum",
		" (rn-user-requested", ") at frame 9"
	};
	size_t sec_ends[4], dpum_ends[4];
	char buf[128];
	size_t need, k, n;

	item_ends(sec_items, sec_ends, 4);
	item_ends(dpum_items, dpum_ends, 4);
	memset(&m, 0, sizeof(m));
	m.have = RDPNEG_MCS_HAVE_SERVER | RDPNEG_MCS_HAVE_DISCONNECT;
	m.server.have = RDPNEG_SC_SECURITY | RDPNEG_SC_CERTIFICATE;
	m.server.encryption_method = RDPNEG_ENC_128BIT;
	m.server.encryption_level = RDPNEG_ENC_LEVEL_HIGH;
	m.server.cert_type = RDPNEG_CERT_CHAIN_PROPRIETARY;
	m.server.key_bits = 512;
	m.disconnect_reason = RDPNEG_MCS_RN_USER_REQUESTED;
	m.disconnect_frame = 9;
	assert_cuts(rdpneg_rdp_security_str, &m, sec_ends, 4);
	assert_cuts(rdpneg_mcs_disconnect_str, &m, dpum_ends, 4);
	/* The methods: whole names only. */
	need = rdpneg_rdp_methods_str(0x1b, buf, sizeof(buf));
	for (k = 1; k <= need + 1; k++) {
		n = rdpneg_rdp_methods_str(0x1b, buf, k);
		cr_assert_eq(n, need);
		cr_assert(strlen(buf) == 0 || strlen(buf) == 5 ||
		    strlen(buf) == 12 || strlen(buf) == 18 ||
		    strlen(buf) == 23, "size %zu: \"%s\"", k, buf);
	}
}
