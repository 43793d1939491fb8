/*
 * compat.h - everything that depends on the Wireshark release series, in
 * one place.  Written for 4.0 (Debian 12); see README.md in this folder
 * for what changes in 4.2 and 4.4.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef RDPNEG_WS_COMPAT_H
#define RDPNEG_WS_COMPAT_H

#include <epan/conversation.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/ftypes/ftypes.h>
#include <epan/packet.h>
#include <epan/proto.h>

/* Field and subtree ids start unregistered: -1 up to 4.2, 0 after. */
#define RDPNEG_WS_UNREGISTERED	(-1)

/*
 * When the TCP connection of this frame began: its first frame, as TCP
 * recorded it (struct tcp_analysis is public in packet-tcp.h up to 4.4).
 */
static inline void
rdpneg_ws_tcp_start(conversation_t *conv, packet_info *pinfo, nstime_t *start)
{
	struct tcp_analysis *tcpd = get_tcp_conversation_data(conv, pinfo);

	*start = tcpd != NULL ? tcpd->ts_first : pinfo->abs_ts;
}

/* The value of an integer field Wireshark added (fvalue_t is embedded in
 * field_info up to 4.0, a pointer from 4.2). */
static inline guint32
rdpneg_ws_field_uint(field_info *fi)
{
	return fvalue_get_uinteger(&fi->value);
}

#endif /* RDPNEG_WS_COMPAT_H */
