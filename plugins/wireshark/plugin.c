/*
 * plugin.c - the plugin's whole ABI with Wireshark: the four symbols its
 * loader looks up (README.plugins 5.1).  Every other symbol is hidden.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <wireshark.h>

#include <epan/proto.h>

#include "packet-rdpneg.h"
#include "rdpneg_version.h"

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = RDPNEG_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

void
plugin_register(void)
{
	static proto_plugin plug;

	plug.register_protoinfo = proto_register_rdpneg;
	plug.register_handoff = proto_reg_handoff_rdpneg;
	proto_register_plugin(&plug);
}
