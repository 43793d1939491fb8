/*
 * errinfo.c - the reasons a server gives in the Set Error Info PDU before
 * it disconnects (MS-RDPBCGR 2.2.5.1.1, TS_SET_ERROR_INFO_PDU.errorInfo):
 * the protocol-independent codes, the licensing codes, the Connection
 * Broker codes and the RDP-specific codes, with the specification's
 * names and a sentence of ours for each (mcs.h).  One table sorted by
 * code, looked up by binary search; no allocation.
 *
 * Codes some implementations use on their own (FreeRDP's 0x1196
 * ERRINFO_PEER_DISCONNECTED, set locally when the transport closes) are
 * not sent by servers and are not listed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <stdint.h>

#include "rdpneg/mcs.h"

static const struct rdpneg_errinfo errinfo[] = {
	/* Protocol-independent codes. */
	{ 0x00000000, "ERRINFO_NONE",
	    "The server reported no error." },
	{ 0x00000001, "ERRINFO_RPC_INITIATED_DISCONNECT",
	    "An administrator disconnected the session from another session "
	    "on the server." },
	{ 0x00000002, "ERRINFO_RPC_INITIATED_LOGOFF",
	    "An administrator logged the user off from another session on "
	    "the server." },
	{ 0x00000003, "ERRINFO_IDLE_TIMEOUT",
	    "The session was idle longer than the server's idle session "
	    "limit." },
	{ 0x00000004, "ERRINFO_LOGON_TIMEOUT",
	    "The session reached the server's active session time limit." },
	{ 0x00000005, "ERRINFO_DISCONNECTED_BY_OTHERCONNECTION",
	    "Another connection took over this session." },
	{ 0x00000006, "ERRINFO_OUT_OF_MEMORY",
	    "The server ran out of memory." },
	{ 0x00000007, "ERRINFO_SERVER_DENIED_CONNECTION",
	    "The server refused the connection." },
	{ 0x00000009, "ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES",
	    "The user is not allowed to log on through Remote Desktop on "
	    "this server." },
	{ 0x0000000a, "ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED",
	    "The server does not accept saved credentials: the user must "
	    "type them." },
	{ 0x0000000b, "ERRINFO_RPC_INITIATED_DISCONNECT_BYUSER",
	    "A tool running in the user's own session disconnected it." },
	{ 0x0000000c, "ERRINFO_LOGOFF_BY_USER",
	    "The user logged off." },
	{ 0x0000000f, "ERRINFO_CLOSE_STACK_ON_DRIVER_NOT_READY",
	    "The server's display driver was not ready in time." },
	{ 0x00000010, "ERRINFO_SERVER_DWM_CRASH",
	    "The Desktop Window Manager crashed in the remote session." },
	{ 0x00000011, "ERRINFO_CLOSE_STACK_ON_DRIVER_FAILURE",
	    "The server's display driver failed to start." },
	{ 0x00000012, "ERRINFO_CLOSE_STACK_ON_DRIVER_IFACE_FAILURE",
	    "The server's display driver started but could not be used." },
	{ 0x00000017, "ERRINFO_SERVER_WINLOGON_CRASH",
	    "The logon process (Winlogon) crashed in the remote session." },
	{ 0x00000018, "ERRINFO_SERVER_CSRSS_CRASH",
	    "A core Windows process (CSRSS) crashed in the remote "
	    "session." },
	{ 0x00000019, "ERRINFO_SERVER_SHUTDOWN",
	    "The server is shutting down." },
	{ 0x0000001a, "ERRINFO_SERVER_REBOOT",
	    "The server is restarting." },

	/* Protocol-independent licensing codes. */
	{ 0x00000100, "ERRINFO_LICENSE_INTERNAL",
	    "The server's licensing component failed internally." },
	{ 0x00000101, "ERRINFO_LICENSE_NO_LICENSE_SERVER",
	    "No Remote Desktop License Server was available to provide a "
	    "license." },
	{ 0x00000102, "ERRINFO_LICENSE_NO_LICENSE",
	    "The license server has no Client Access License left for this "
	    "server." },
	{ 0x00000103, "ERRINFO_LICENSE_BAD_CLIENT_MSG",
	    "The server received a licensing message from the client it "
	    "could not accept." },
	{ 0x00000104, "ERRINFO_LICENSE_HWID_DOESNT_MATCH_LICENSE",
	    "The license the client stored was altered or belongs to "
	    "another machine." },
	{ 0x00000105, "ERRINFO_LICENSE_BAD_CLIENT_LICENSE",
	    "The license the client stored is malformed." },
	{ 0x00000106, "ERRINFO_LICENSE_CANT_FINISH_PROTOCOL",
	    "Network problems interrupted the licensing exchange." },
	{ 0x00000107, "ERRINFO_LICENSE_CLIENT_ENDED_PROTOCOL",
	    "The client stopped the licensing exchange before its end." },
	{ 0x00000108, "ERRINFO_LICENSE_BAD_CLIENT_ENCRYPTION",
	    "A licensing message was encrypted wrongly." },
	{ 0x00000109, "ERRINFO_LICENSE_CANT_UPGRADE_LICENSE",
	    "The license the client stored could not be upgraded or "
	    "renewed." },
	{ 0x0000010a, "ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS",
	    "The server is not licensed to accept remote connections." },

	/* Protocol-independent codes of the Connection Broker. */
	{ 0x00000400, "ERRINFO_CB_DESTINATION_NOT_FOUND",
	    "The Connection Broker could not find the target machine." },
	{ 0x00000402, "ERRINFO_CB_LOADING_DESTINATION",
	    "The target machine was leaving the Connection Broker while the "
	    "client was sent to it." },
	{ 0x00000404, "ERRINFO_CB_REDIRECTING_TO_DESTINATION",
	    "Redirecting the connection to the target machine failed." },
	{ 0x00000405, "ERRINFO_CB_SESSION_ONLINE_VM_WAKE",
	    "Waking the target virtual machine failed." },
	{ 0x00000406, "ERRINFO_CB_SESSION_ONLINE_VM_BOOT",
	    "Starting the target virtual machine failed." },
	{ 0x00000407, "ERRINFO_CB_SESSION_ONLINE_VM_NO_DNS",
	    "The IP address of the target virtual machine could not be "
	    "found." },
	{ 0x00000408, "ERRINFO_CB_DESTINATION_POOL_NOT_FREE",
	    "No machine of the Connection Broker's pool is free." },
	{ 0x00000409, "ERRINFO_CB_CONNECTION_CANCELLED",
	    "The Connection Broker cancelled the connection." },
	{ 0x00000410, "ERRINFO_CB_CONNECTION_ERROR_INVALID_SETTINGS",
	    "The settings in the connection request's routing token could "
	    "not be validated." },
	{ 0x00000411, "ERRINFO_CB_SESSION_ONLINE_VM_BOOT_TIMEOUT",
	    "The target virtual machine took too long to start." },
	{ 0x00000412, "ERRINFO_CB_SESSION_ONLINE_VM_SESSMON_FAILED",
	    "Session monitoring failed while the target virtual machine "
	    "started." },

	/* RDP-specific codes: the server rejected what the client sent. */
	{ 0x000010c9, "ERRINFO_UNKNOWNPDUTYPE2",
	    "The client sent a data PDU of a type the server does not "
	    "know." },
	{ 0x000010ca, "ERRINFO_UNKNOWNPDUTYPE",
	    "The client sent a PDU of a type the server does not know." },
	{ 0x000010cb, "ERRINFO_DATAPDUSEQUENCE",
	    "The client sent a data PDU out of sequence." },
	{ 0x000010cd, "ERRINFO_CONTROLPDUSEQUENCE",
	    "The client sent a control PDU out of sequence." },
	{ 0x000010ce, "ERRINFO_INVALIDCONTROLPDUACTION",
	    "The client sent a Control PDU with an invalid action." },
	{ 0x000010cf, "ERRINFO_INVALIDINPUTPDUTYPE",
	    "The client sent an input event of an invalid type." },
	{ 0x000010d0, "ERRINFO_INVALIDINPUTPDUMOUSE",
	    "The client sent a mouse event with invalid flags." },
	{ 0x000010d1, "ERRINFO_INVALIDREFRESHRECTPDU",
	    "The client sent an invalid Refresh Rect PDU." },
	{ 0x000010d2, "ERRINFO_CREATEUSERDATAFAILED",
	    "The server could not build its answer to the client's "
	    "connection settings (GCC user data)." },
	{ 0x000010d3, "ERRINFO_CONNECTFAILED",
	    "Joining the virtual channels (the channel connection phase) "
	    "failed." },
	{ 0x000010d4, "ERRINFO_CONFIRMACTIVEWRONGSHAREID",
	    "The client's Confirm Active PDU carried a wrong share ID." },
	{ 0x000010d5, "ERRINFO_CONFIRMACTIVEWRONGORIGINATOR",
	    "The client's Confirm Active PDU carried a wrong originator "
	    "ID." },
	{ 0x000010da, "ERRINFO_PERSISTENTKEYPDUBADLENGTH",
	    "The client's Persistent Key List PDU is too short." },
	{ 0x000010db, "ERRINFO_PERSISTENTKEYPDUILLEGALFIRST",
	    "The client sent a second Persistent Key List PDU marked as the "
	    "first." },
	{ 0x000010dc, "ERRINFO_PERSISTENTKEYPDUTOOMANYTOTALKEYS",
	    "The client's Persistent Key List PDU announced too many bitmap "
	    "cache entries in total." },
	{ 0x000010dd, "ERRINFO_PERSISTENTKEYPDUTOOMANYCACHEKEYS",
	    "The client's Persistent Key List PDU announced more keys than a "
	    "bitmap cache holds." },
	{ 0x000010de, "ERRINFO_INPUTPDUBADLENGTH",
	    "The client's input PDU is too short." },
	{ 0x000010df, "ERRINFO_BITMAPCACHEERRORPDUBADLENGTH",
	    "The client's Bitmap Cache Error PDU is too short." },
	{ 0x000010e0, "ERRINFO_SECURITYDATATOOSHORT",
	    "The security fields of the client's fast-path input PDU are too "
	    "short." },
	{ 0x000010e1, "ERRINFO_VCHANNELDATATOOSHORT",
	    "The client's virtual channel data or channel list is too "
	    "short." },
	{ 0x000010e2, "ERRINFO_SHAREDATATOOSHORT",
	    "A share control or share data PDU from the client is too "
	    "short." },
	{ 0x000010e3, "ERRINFO_BADSUPRESSOUTPUTPDU",
	    "The client's Suppress Output PDU is too short or invalid." },
	{ 0x000010e5, "ERRINFO_CONFIRMACTIVEPDUTOOSHORT",
	    "The client's Confirm Active PDU is too short." },
	{ 0x000010e7, "ERRINFO_CAPABILITYSETTOOSMALL",
	    "A capability set from the client is too short to read its "
	    "header." },
	{ 0x000010e8, "ERRINFO_CAPABILITYSETTOOLARGE",
	    "A capability set from the client claims more bytes than were "
	    "sent." },
	{ 0x000010e9, "ERRINFO_NOCURSORCACHE",
	    "The client announced no pointer (cursor) cache." },
	{ 0x000010ea, "ERRINFO_BADCAPABILITIES",
	    "The server did not accept the capabilities the client "
	    "announced." },
	{ 0x000010ec, "ERRINFO_VIRTUALCHANNELDECOMPRESSIONERR",
	    "The server could not decompress a virtual channel PDU from the "
	    "client." },
	{ 0x000010ed, "ERRINFO_INVALIDVCCOMPRESSIONTYPE",
	    "A virtual channel PDU from the client names an invalid "
	    "compression type." },
	{ 0x000010ef, "ERRINFO_INVALIDCHANNELID",
	    "The client sent data on an invalid MCS channel." },
	{ 0x000010f0, "ERRINFO_VCHANNELSTOOMANY",
	    "The client asked for more than 31 static virtual channels." },
	{ 0x000010f3, "ERRINFO_REMOTEAPPSNOTENABLED",
	    "The server only hosts RemoteApp programs and the client did not "
	    "ask for one." },
	{ 0x000010f4, "ERRINFO_CACHECAPNOTSET",
	    "The client sent persistent bitmap keys without announcing the "
	    "bitmap cache they need." },
	{ 0x000010f5, "ERRINFO_BITMAPCACHEERRORPDUBADLENGTH2",
	    "The client's Bitmap Cache Error PDU does not hold the entries "
	    "it counts." },
	{ 0x000010f6, "ERRINFO_OFFSCRCACHEERRORPDUBADLENGTH",
	    "The client's Offscreen Bitmap Cache Error PDU is too short." },
	{ 0x000010f7, "ERRINFO_DNGCACHEERRORPDUBADLENGTH",
	    "The client's DrawNineGrid Cache Error PDU is too short." },
	{ 0x000010f8, "ERRINFO_GDIPLUSPDUBADLENGTH",
	    "The client's GDI+ Error PDU is too short." },
	{ 0x00001111, "ERRINFO_SECURITYDATATOOSHORT2",
	    "A basic security header from the client is too short." },
	{ 0x00001112, "ERRINFO_SECURITYDATATOOSHORT3",
	    "An encryption security header from the client is too short." },
	{ 0x00001113, "ERRINFO_SECURITYDATATOOSHORT4",
	    "The client's Security Exchange PDU is too short." },
	{ 0x00001114, "ERRINFO_SECURITYDATATOOSHORT5",
	    "The client's Info Packet is too short for its logon fields." },
	{ 0x00001115, "ERRINFO_SECURITYDATATOOSHORT6",
	    "The client's Info Packet is too short for its field lengths." },
	{ 0x00001116, "ERRINFO_SECURITYDATATOOSHORT7",
	    "The client's Extended Info Packet is too short for the address "
	    "family and length." },
	{ 0x00001117, "ERRINFO_SECURITYDATATOOSHORT8",
	    "The client's Extended Info Packet is too short for the client "
	    "address." },
	{ 0x00001118, "ERRINFO_SECURITYDATATOOSHORT9",
	    "The client's Extended Info Packet is too short for the client "
	    "directory length." },
	{ 0x00001119, "ERRINFO_SECURITYDATATOOSHORT10",
	    "The client's Extended Info Packet is too short for the client "
	    "directory." },
	{ 0x0000111a, "ERRINFO_SECURITYDATATOOSHORT11",
	    "The client's Extended Info Packet is too short for the time "
	    "zone." },
	{ 0x0000111b, "ERRINFO_SECURITYDATATOOSHORT12",
	    "The client's Extended Info Packet is too short for the session "
	    "ID." },
	{ 0x0000111c, "ERRINFO_SECURITYDATATOOSHORT13",
	    "The client's Extended Info Packet is too short for the "
	    "performance flags." },
	{ 0x0000111d, "ERRINFO_SECURITYDATATOOSHORT14",
	    "The client's Extended Info Packet is too short for the "
	    "auto-reconnect cookie's length." },
	{ 0x0000111e, "ERRINFO_SECURITYDATATOOSHORT15",
	    "The client's Extended Info Packet is too short for the "
	    "auto-reconnect cookie." },
	{ 0x0000111f, "ERRINFO_SECURITYDATATOOSHORT16",
	    "The client's auto-reconnect cookie is longer than 128 bytes." },
	{ 0x00001120, "ERRINFO_SECURITYDATATOOSHORT17",
	    "The client's Extended Info Packet is too short for the address "
	    "family and length (second check)." },
	{ 0x00001121, "ERRINFO_SECURITYDATATOOSHORT18",
	    "The client's Extended Info Packet is too short for the client "
	    "address (second check)." },
	{ 0x00001122, "ERRINFO_SECURITYDATATOOSHORT19",
	    "The client's Extended Info Packet is too short for the client "
	    "directory length (second check)." },
	{ 0x00001123, "ERRINFO_SECURITYDATATOOSHORT20",
	    "The client's Extended Info Packet is too short for the client "
	    "directory (second check)." },
	{ 0x00001124, "ERRINFO_SECURITYDATATOOSHORT21",
	    "The client's Extended Info Packet is too short for the time zone "
	    "(second check)." },
	{ 0x00001125, "ERRINFO_SECURITYDATATOOSHORT22",
	    "The client's Extended Info Packet is too short for the session "
	    "ID (second check)." },
	{ 0x00001126, "ERRINFO_SECURITYDATATOOSHORT23",
	    "The client's Client Info PDU is too short." },
	{ 0x00001129, "ERRINFO_BADMONITORDATA",
	    "The client's monitor layout gives an invalid monitor count." },
	{ 0x0000112a, "ERRINFO_VCDECOMPRESSEDREASSEMBLEFAILED",
	    "Virtual channel data from the client decompressed to more than "
	    "the agreed chunk size." },
	{ 0x0000112b, "ERRINFO_VCDATATOOLONG",
	    "A virtual channel PDU from the client is longer than the agreed "
	    "chunk size." },
	{ 0x0000112c, "ERRINFO_BAD_FRAME_ACK_DATA",
	    "The client's Frame Acknowledge PDU is invalid." },
	{ 0x0000112d, "ERRINFO_GRAPHICSMODENOTSUPPORTED",
	    "The server does not support the graphics mode the client asked "
	    "for." },
	{ 0x0000112e, "ERRINFO_GRAPHICSSUBSYSTEMRESETFAILED",
	    "The server's graphics subsystem failed to reset." },
	{ 0x0000112f, "ERRINFO_GRAPHICSSUBSYSTEMFAILED",
	    "The server's graphics subsystem failed." },
	{ 0x00001130, "ERRINFO_TIMEZONEKEYNAMELENGTHTOOSHORT",
	    "The time zone key name the client sent is too short." },
	{ 0x00001131, "ERRINFO_TIMEZONEKEYNAMELENGTHTOOLONG",
	    "The time zone key name the client sent is too long." },
	{ 0x00001132, "ERRINFO_DYNAMICDSTDISABLEDFIELDMISSING",
	    "The client's dynamic daylight-saving-time setting is missing." },
	{ 0x00001133, "ERRINFO_VCDECODINGERROR",
	    "The server could not decode a virtual channel message from the "
	    "client." },
	{ 0x00001134, "ERRINFO_VIRTUALDESKTOPTOOLARGE",
	    "The desktop the client asked for is larger than the server "
	    "allows." },
	{ 0x00001135, "ERRINFO_MONITORGEOMETRYVALIDATIONFAILED",
	    "The monitor layout the client sent failed validation." },
	{ 0x00001136, "ERRINFO_INVALIDMONITORCOUNT",
	    "The client asked for a number of monitors the server does not "
	    "accept." },

	/* RDP-specific codes of Standard RDP Security (5.3). */
	{ 0x00001191, "ERRINFO_UPDATESESSIONKEYFAILED",
	    "Updating the Standard RDP Security session keys failed." },
	{ 0x00001192, "ERRINFO_DECRYPTFAILED",
	    "The server could not decrypt data from the client, or could not "
	    "create the session keys." },
	{ 0x00001193, "ERRINFO_ENCRYPTFAILED",
	    "The server could not encrypt data for the client." },
	{ 0x00001194, "ERRINFO_ENCPKGMISMATCH",
	    "None of the encryption methods the client offered is allowed by "
	    "the server." },
	{ 0x00001195, "ERRINFO_DECRYPTFAILED2",
	    "The client sent data in clear where it had to be encrypted." },
};

const struct rdpneg_errinfo *
rdpneg_find_errinfo(uint32_t code)
{
	size_t lo = 0, hi = sizeof errinfo / sizeof errinfo[0];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (errinfo[mid].code == code)
			return &errinfo[mid];
		if (errinfo[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
