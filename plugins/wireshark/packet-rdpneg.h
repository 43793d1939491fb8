/*
 * packet-rdpneg.h - what plugin.c registers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_WS_PACKET_RDPNEG_H
#define RDPNEG_WS_PACKET_RDPNEG_H

void proto_register_rdpneg(void);
void proto_reg_handoff_rdpneg(void);

#endif /* RDPNEG_WS_PACKET_RDPNEG_H */
