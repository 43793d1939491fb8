/*
 * kb_rules.c - the knowledge base: which evidence means which server-side
 * cause, and how a Windows (or xrdp, or FreeRDP-based server)
 * administrator fixes it.
 *
 * Rules are tried in order and the first match wins, so specific rules
 * come before general ones, and a rule that overlaps a later one says so
 * in its .precedes (unit_kb finds every overlap and checks the order);
 * the last rule matches anything.  Adding a rule over existing facts is
 * one block here and one case in tests/unit/test_kb.c.  Texts may
 * hold the placeholders {requested} {selected} {failure} {code} {end}
 * {outcome} and conditions on facts, {?fact:...} and {!fact:...}, both
 * resolved by rdpneg_expand().  Remediation steps are data (struct
 * rdpneg_step): the implementation each is for, the evidence it assumes
 * (.when), its prose and, apart, the command to paste; they put the
 * secure choice first and mark the less secure workarounds as such.
 *
 * Sources: [MS-RDPBCGR] 2.2.1.1 (X.224 Connection Request, RDP_NEG_REQ),
 * 2.2.1.2 (Connection Confirm, RDP_NEG_RSP, RDP_NEG_FAILURE), 3.3.5.3.1
 * and 3.3.5.3.2 (server processing), 5.3 (Standard RDP Security), 5.4
 * (Enhanced RDP Security); Microsoft's Group Policy and WMI documentation;
 * xrdp's and FreeRDP's documented behaviour; the Netwrix article
 * kA04u0000000HRlCAM on ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>

#include "rdpneg/kb.h"

/* ---- Settings named in many texts. */

#define RDP_TCP_KEY "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\" \
	"Terminal Server\\WinStations\\RDP-Tcp"
#define TS_KEY "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server"
#define TS_POLICY_KEY "HKLM:\\SOFTWARE\\Policies\\Microsoft\\" \
	"Windows NT\\Terminal Services"
#define TLS12_KEY "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\" \
	"SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server"
#define GPO_SECURITY "Computer Configuration > Administrative Templates > " \
	"Windows Components > Remote Desktop Services > " \
	"Remote Desktop Session Host > Security"
#define GPO_LAYER "Require use of specific security layer for remote " \
	"(RDP) connections"
#define GPO_NLA "Require user authentication for remote connections by " \
	"using Network Level Authentication"
#define XRDP_INI "/etc/xrdp/xrdp.ini"
#define SBPAM_JSON "C:\\ProgramData\\Stealthbits\\PAM\\ProxyService\\" \
	"sbpam_rdp.json"
#define SBPAM_DIR "C:\\Program Files\\Stealthbits\\PAM\\ProxyService"

/*
 * ---- Commands: exactly what to type, PowerShell on Windows, sh on
 * Linux; one line per '\n'.  No placeholders and no notes: what a command
 * needs said goes in its step's text.
 */

#define CMD_READ_LAYER "Get-ItemProperty -Path '" RDP_TCP_KEY "' " \
	"-Name SecurityLayer,UserAuthentication"
#define CMD_READ_POLICY "Get-ItemProperty -Path '" TS_POLICY_KEY "' " \
	"-Name SecurityLayer,UserAuthentication -ErrorAction SilentlyContinue"
#define CMD_SET_LAYER(value) "Set-ItemProperty -Path '" RDP_TCP_KEY "' " \
	"-Name SecurityLayer -Value " #value
#define CMD_SET_NLA(value) "Set-ItemProperty -Path '" RDP_TCP_KEY "' " \
	"-Name UserAuthentication -Value " #value
#define CMD_TLS_NLA	CMD_SET_LAYER(2) "\n" CMD_SET_NLA(1)
#define CMD_TS_WMI "Get-CimInstance -Namespace root\\cimv2\\TerminalServices " \
	"-ClassName Win32_TSGeneralSetting -Filter \"TerminalName='RDP-Tcp'\""
#define CMD_RCM_EVENTS "Get-WinEvent -ProviderName " \
	"Microsoft-Windows-TerminalServices-RemoteConnectionManager " \
	"-MaxEvents 200 | Where-Object Id -in 1055,1057,1058,1059"
#define CMD_RCM_LOG "Get-WinEvent -LogName " \
	"'Microsoft-Windows-TerminalServices-RemoteConnectionManager/" \
	"Operational' -MaxEvents 50"
#define CMD_RD_CERTS "Get-ChildItem 'Cert:\\LocalMachine\\Remote Desktop'"
#define CMD_RD_PORT "Get-ItemProperty -Path '" RDP_TCP_KEY "' " \
	"-Name PortNumber"
#define CMD_WIN_LISTENERS "Get-NetTCPConnection -State Listen | " \
	"Select-Object LocalAddress,LocalPort,@{Name='Process';" \
	"Expression={(Get-Process -Id $_.OwningProcess).ProcessName}}"
#define CMD_WIN_FIREWALL "Get-NetFirewallRule -DisplayGroup " \
	"'Remote Desktop' | Select-Object DisplayName,Enabled,Action"
#define CMD_XRDP_SET(key, value) "sudo sed -i " \
	"'s/^" key "=.*/" key "=" value "/' " XRDP_INI
#define CMD_XRDP_RESTART "sudo systemctl restart xrdp"
#define CMD_XRDP_TLS CMD_XRDP_SET("security_layer", "tls") "\n" \
	CMD_XRDP_RESTART
#define CMD_XRDP_CERT "sudo adduser xrdp ssl-cert\n" CMD_XRDP_RESTART
#define CMD_XRDP_PROTOCOLS "sudo journalctl -u xrdp | " \
	"grep 'Security protocol'"
#define CMD_XRDP_LOG "sudo journalctl -u xrdp -n 100"
#define CMD_XRDP_STATUS "sudo systemctl status xrdp"
#define CMD_XRDP_PORT "grep '^port=' " XRDP_INI
#define CMD_LISTENERS "sudo ss -ltnp"
#define CMD_SHADOW_NLA "freerdp-shadow-cli /sec:nla"
#define CMD_SHADOW_CERT "ls -l ~/.config/freerdp/server"
#define CMD_TS_RESTART "Restart-Service TermService -Force"
#define CMD_READ_TLS12 "Get-ItemProperty -Path '" TLS12_KEY "'"
#define CMD_OPENSSL_PROTOCOLS "grep -nE " \
	"'^ *(MinProtocol|MaxProtocol|CipherString)' /etc/ssl/openssl.cnf"
#define CMD_CIPHER_POLICY "Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\" \
	"Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\" \
	"00010002' -ErrorAction SilentlyContinue"
#define CMD_SCHANNEL_EVENTS "Get-WinEvent -LogName System -MaxEvents 500 " \
	"| Where-Object Id -in 36874,36888"
#define CMD_SCHANNEL_KEY_EVENTS "Get-WinEvent -LogName System " \
	"-MaxEvents 500 | Where-Object Id -eq 36870"
#define CMD_LOGON_FAILURES "Get-WinEvent -FilterHashtable " \
	"@{LogName='Security'; Id=4625} -MaxEvents 20 | " \
	"Format-List TimeCreated,Message"
#define CMD_RDS_RIGHTS "secedit /export /areas USER_RIGHTS " \
	"/cfg $env:TEMP\\rights.inf\n" \
	"Select-String 'RemoteInteractiveLogonRight' $env:TEMP\\rights.inf"
#define CMD_READ_ENCRYPTION "Get-ItemProperty -Path '" RDP_TCP_KEY "' " \
	"-Name MinEncryptionLevel"
#define CMD_READ_FIPS "Get-ItemProperty -Path 'HKLM:\\SYSTEM\\" \
	"CurrentControlSet\\Control\\Lsa\\FipsAlgorithmPolicy' -Name Enabled"
#define CMD_LICENSING "Get-CimInstance -Namespace " \
	"root\\cimv2\\TerminalServices -ClassName " \
	"Win32_TerminalServiceSetting | Select-Object LicensingType," \
	"LicensingName"
#define CMD_LSM_LOG "Get-WinEvent -LogName " \
	"'Microsoft-Windows-TerminalServices-LocalSessionManager/" \
	"Operational' -MaxEvents 50"
#define CMD_XRDP_CRYPT "grep -nE '^(security_layer|crypt_level)=' " XRDP_INI
#define CMD_ENCRYPTION_ORACLE "Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\" \
	"Microsoft\\Windows\\CurrentVersion\\Policies\\System\\" \
	"CredSSP\\Parameters' -ErrorAction SilentlyContinue"

/*
 * ---- Remediation steps.  STEP(ANY, ...) is for any implementation,
 * STEP(WINDOWS | XRDP | FREERDP, ...) for one; the rest are the fields of
 * struct rdpneg_step by name: .text, .command, .when (the evidence it
 * assumes) and .less_secure.
 */

#define SERVER_ANY	RDPNEG_SERVER_UNKNOWN
#define SERVER_WINDOWS	RDPNEG_SERVER_WINDOWS
#define SERVER_XRDP	RDPNEG_SERVER_XRDP
#define SERVER_FREERDP	RDPNEG_SERVER_FREERDP
#define STEP(impl, ...)		{ .server = SERVER_##impl, __VA_ARGS__ }
#define FACT(name)		RDPNEG_FACT(name)

/* Steps used by several rules. */

#define STEP_CHECK_WINDOWS STEP(WINDOWS, \
	.text = "Read the settings (SecurityLayer 0 = RDP, 1 = Negotiate, " \
	    "2 = SSL/TLS; UserAuthentication 1 = NLA required):", \
	.command = CMD_READ_LAYER)
#define STEP_CHECK_POLICY STEP(WINDOWS, \
	.text = "A Group Policy value overrides the local one; read it:", \
	.command = CMD_READ_POLICY)
#define STEP_SET_TLS_NLA STEP(WINDOWS, \
	.text = "Require TLS and NLA (the secure setting):", \
	.command = CMD_TLS_NLA)
#define STEP_GPO_TLS STEP(WINDOWS, \
	.text = "Where Group Policy manages the server, set \"" GPO_LAYER \
	    "\" to Enabled, Security Layer SSL.")
#define STEP_GPO_NLA STEP(WINDOWS, \
	.text = "There, also enable \"" GPO_NLA "\", then apply " \
	    "both:", \
	.command = "gpupdate /force")
#define STEP_GPO_TLS_NLA STEP_GPO_TLS, STEP_GPO_NLA
#define STEP_XRDP_TLS STEP(XRDP, \
	.text = "Set security_layer=tls in " XRDP_INI " (negotiate still " \
	    "admits Standard RDP Security), with certificate= and " \
	    "key_file= readable by xrdp, and restart it:", \
	.command = CMD_XRDP_TLS)
#define STEP_XRDP_CERT STEP(XRDP, \
	.text = "Make certificate= and key_file= in " XRDP_INI " readable " \
	    "by the xrdp user (Debian and Ubuntu: the ssl-cert group), " \
	    "and restart xrdp:", \
	.command = CMD_XRDP_CERT)
#define STEP_XRDP_PROTOCOLS STEP(XRDP, \
	.text = "Read what xrdp made of the request: its \"Security " \
	    "protocol\" lines name what was configured, requested and " \
	    "selected:", \
	.command = CMD_XRDP_PROTOCOLS)
#define STEP_XRDP_LOG STEP(XRDP, \
	.text = "Read xrdp's log at the time of the attempt (or " \
	    "/var/log/xrdp.log):", \
	.command = CMD_XRDP_LOG)
#define STEP_FREERDP_SERVER STEP(FREERDP, \
	.text = "Turn Standard RDP Security off and NLA on (FreeRDP " \
	    "proxies: RdpSecurity off, NlaSecurity on; freerdp-shadow-cli " \
	    "-sec-rdp also keeps TLS without NLA):", \
	.command = CMD_SHADOW_NLA)
#define STEP_FREERDP_LOG STEP(FREERDP, \
	.text = "Run the server with WLOG_LEVEL=DEBUG in its environment " \
	    "and read what it logs for the negotiation " \
	    "(freerdp-shadow-cli writes it to standard error).")
#define STEP_NETWRIX_RDPSEC STEP(ANY, .less_secure = 1, \
	.text = "Less secure workaround: in the Netwrix proxy's " \
	    SBPAM_JSON ", set ClientSettings to " \
	    "[{\"key\":\"RdpSecurity\", \"Value\":true}]."), \
	STEP(ANY, \
	.text = "If the proxy has no sbpam_rdp.json, create it first:", \
	.command = "Set-Location '" SBPAM_DIR "'\n" \
	    ".\\sbpam-proxy.exe cfg -c sbpam_rdp")

#define STEP_XRDP_NO_NLA STEP(XRDP, \
	.text = "xrdp has no NLA (CredSSP): when a server that selected it " \
	    "fronts xrdp, the logon ran in that gateway or proxy; read its " \
	    "log.")

/* The end of a list of steps. */
#define STEP_END	{ .text = NULL }

/*
 * A rule's remediation steps and references are written in its block;
 * STEPS and REFS make the lists (static, as compound literals at file
 * scope are).  Lists that two rules share are named below.
 */
#define STEPS(...)	((const struct rdpneg_step[]){ __VA_ARGS__, STEP_END })
#define REFS(...)	((const char *const[]){ __VA_ARGS__, NULL })
/* The later rules a rule overlaps with and must win over (kb.h). */
#define PRECEDES(...)	REFS(__VA_ARGS__)

/* ---- References used by several rules. */

#define REF_NEG_REQ	"MS-RDPBCGR 2.2.1.1.1 RDP_NEG_REQ"
#define REF_NEG_RSP	"MS-RDPBCGR 2.2.1.2.1 RDP_NEG_RSP"
#define REF_NEG_FAILURE	"MS-RDPBCGR 2.2.1.2.2 RDP_NEG_FAILURE"
#define REF_CR		"MS-RDPBCGR 2.2.1.1 Client X.224 Connection Request PDU"
#define REF_CC		"MS-RDPBCGR 2.2.1.2 Server X.224 Connection Confirm PDU"
#define REF_SEQUENCE	"MS-RDPBCGR 1.3.1.1 Connection Sequence"
#define REF_PROCESS_CR	"MS-RDPBCGR 3.3.5.3.1 Processing X.224 Connection " \
	"Request PDU"
#define REF_SEND_CC	"MS-RDPBCGR 3.3.5.3.2 Sending X.224 Connection " \
	"Confirm PDU"
#define REF_STANDARD	"MS-RDPBCGR 5.3 Standard RDP Security"
#define REF_ENHANCED	"MS-RDPBCGR 5.4 Enhanced RDP Security"
#define REF_GPO_LAYER	"Group Policy: " GPO_LAYER
#define REF_GPO_NLA	"Group Policy: " GPO_NLA
#define REF_WMI_LAYER	"Win32_TSGeneralSetting.SetSecurityLayer"
#define REF_WMI_NLA	"Win32_TSGeneralSetting.SetUserAuthenticationRequired"
#define REF_XRDP_INI	"xrdp.ini: security_layer, certificate, key_file"
#define REF_XRDP_ISO	"xrdp libxrdp/xrdp_iso.c: RDP_NEG_REQ checks"
#define REF_TLS_VERSIONS "RFC 8446 4.2.1 Supported Versions"
#define REF_TLS_ALERTS	"RFC 8446 6.2 Error Alerts"
#define REF_CSSP_SEQUENCE "MS-CSSP 3.1.5 Processing Events and Sequencing " \
	"Rules"

/* ---- Lists shared by two rules. */

/* Shared by tls-required-rdp-requested and tls-required-legacy-request:
 * clients that offered neither TLS nor CredSSP (2.2.1.2.2 code 1). */
static const struct rdpneg_step tls_rdp_steps[] = {
	STEP(ANY,
	    .text = "Keep the server's TLS requirement and fix the client "
		"(the secure choice): let it offer TLS and CredSSP, e.g. "
		"FreeRDP /sec:nla or /sec:tls instead of /sec:rdp."),
	STEP(ANY,
	    .text = "On a Netwrix Privilege Secure proxy, remove "
		"{\"key\":\"RdpSecurity\", \"Value\":true} from ClientSettings "
		"in " SBPAM_JSON " so that it negotiates TLS or CredSSP."),
	STEP_CHECK_WINDOWS,
	STEP_CHECK_POLICY,
	STEP(WINDOWS, .less_secure = 1,
	    .text = "Less secure workaround, only for a client that cannot "
		"do TLS: SecurityLayer 1 with UserAuthentication 0 accepts "
		"unauthenticated Standard RDP Security:",
	    .command = CMD_SET_LAYER(1) "\n" CMD_SET_NLA(0)),
	STEP(XRDP,
	    .text = "With security_layer=tls, keep the setting and fix the "
		"client (the secure choice); xrdp has no CredSSP, so the "
		"client needs TLS (FreeRDP /sec:tls)."),
	STEP(XRDP, .less_secure = 1,
	    .text = "Less secure workaround, only for a client that cannot "
		"do TLS: security_layer=negotiate admits Standard RDP "
		"Security:",
	    .command = CMD_XRDP_SET("security_layer", "negotiate") "\n"
		CMD_XRDP_RESTART),
	STEP(FREERDP,
	    .text = "Standard RDP Security is off (freerdp-shadow-cli "
		"/sec:tls, /sec:nla or -sec-rdp): keep it so and fix the "
		"client (the secure choice)."),
	STEP(FREERDP, .less_secure = 1,
	    .text = "Less secure workaround, only for a client that cannot "
		"do TLS: start freerdp-shadow-cli without a /sec: option "
		"(or with +sec-rdp)."),
	STEP_END
};
static const char *const tls_rdp_refs[] = {
	REF_NEG_FAILURE, REF_NEG_REQ, REF_ENHANCED, REF_GPO_LAYER,
	REF_WMI_LAYER, REF_XRDP_INI,
	NULL
};

/* Shared by standard-rdp-fallback and standard-rdp-fallback-legacy. */
static const struct rdpneg_step fallback_steps[] = {
	STEP_CHECK_WINDOWS,
	STEP_SET_TLS_NLA,
	STEP_GPO_TLS_NLA,
	STEP(WINDOWS,
	    .text = "If the refused attempt got SSL_CERT_NOT_ON_SERVER, "
		"repair the certificate first; its errors are these events:",
	    .command = CMD_RCM_EVENTS),
	STEP_XRDP_TLS,
	STEP_FREERDP_SERVER,
	STEP(ANY,
	    .text = "Stop clients from accepting the downgrade (FreeRDP "
		"/sec:nla or /sec:tls) and, once the server is fixed, remove "
		"the Netwrix RdpSecurity true setting from sbpam_rdp.json."),
	STEP_END
};
static const char *const fallback_refs[] = {
	REF_STANDARD, REF_ENHANCED, REF_NEG_RSP, REF_GPO_LAYER, REF_GPO_NLA,
	NULL
};

/* Shared by the Standard-security failures after the negotiation
 * (rdp-encryption-mismatch, mcs-connect-refused, rdp-session-dropped):
 * the secure fix is TLS, then what each implementation's setting is. */
#define STEP_STANDARD_TO_TLS STEP(ANY, \
	.text = "The secure fix is to stop using Standard RDP Security: " \
	    "make the client offer TLS (FreeRDP /sec:tls or /sec:nla " \
	    "instead of /sec:rdp; a current rdesktop or mstsc) and require " \
	    "it on the server.")
#define STEP_READ_ENCRYPTION STEP(WINDOWS, \
	.text = "Read the required encryption level (MinEncryptionLevel: 1 " \
	    "Low, 2 Client Compatible, 3 High, 4 FIPS; Group Policy \"Set " \
	    "client connection encryption level\"):", \
	.command = CMD_READ_ENCRYPTION)
#define STEP_READ_FIPS STEP(WINDOWS, \
	.text = "Read whether the FIPS policy (\"System cryptography: Use " \
	    "FIPS compliant algorithms\") forces level FIPS; Enabled 1 " \
	    "refuses clients without FIPS:", \
	.command = CMD_READ_FIPS)
#define STEP_XRDP_CRYPT STEP(XRDP, \
	.text = "Read xrdp's security_layer= and crypt_level= (none, low, " \
	    "medium, high, fips) in " XRDP_INI ":", \
	.command = CMD_XRDP_CRYPT)
static const char *const standard_refs[] = {
	REF_STANDARD, REF_SEQUENCE,
	"MS-RDPBCGR 2.2.1.3.3 Client Security Data (TS_UD_CS_SEC)",
	"MS-RDPBCGR 2.2.1.4.3 Server Security Data (TS_UD_SC_SEC1)",
	"T.125 7 Disconnect-Provider Ultimatum",
	NULL
};

/* Shared by not-an-rdp-server and server-closed-without-answer. */
static const char *const closed_refs[] = {
	REF_PROCESS_CR, REF_CC,
	NULL
};

/* Shared by client-gave-up and no-answer-in-capture. */
static const char *const no_answer_refs[] = {
	REF_CC, REF_SEQUENCE,
	NULL
};

/* Shorthands for the matches. */
#define PROT_SSL	RDPNEG_PROTOCOL_SSL
#define PROT_HYBRID	RDPNEG_PROTOCOL_HYBRID
#define PROT_HYBRID_EX	RDPNEG_PROTOCOL_HYBRID_EX
#define SERVER_CLOSED	(RDPNEG_BIT(RDPNEG_END_FIN_SERVER) | \
	RDPNEG_BIT(RDPNEG_END_RST_SERVER))
#define CLIENT_CLOSED	(RDPNEG_BIT(RDPNEG_END_FIN_CLIENT) | \
	RDPNEG_BIT(RDPNEG_END_RST_CLIENT))
/* A protocol selected after the negotiation, or no negotiation in clear:
 * TLS from the first byte (the Direct Approach, MS-RDPBCGR 5.4.2.2). */
#define SELECTED_OR_DIRECT (RDPNEG_BIT(RDPNEG_OUTCOME_SELECTED) | \
	RDPNEG_BIT(RDPNEG_OUTCOME_NO_REQUEST))
/* A rule of the TLS handshake on that fact: after a protocol other than
 * Standard RDP Security was selected as requested, or TLS first; the
 * rules it must come before. */
#define TLS_PHASE(fact)	{ .outcomes = SELECTED_OR_DIRECT, \
	.yes = RDPNEG_FACT(fact), \
	.no = RDPNEG_FACT(SELECTED_RDP) | RDPNEG_FACT(NOT_REQUESTED) }
#define PRECEDES_TLS_PHASE PRECEDES("direct-tls", "no-request", \
	"tls-handshake-failed", "negotiated")

const struct rdpneg_rule rdpneg_rules[] = {
	/* A scanner's probe, whatever its outcome: flagged, not counted. */
	{ .match = { .yes = RDPNEG_FACT(SCANNER) },
	  .precedes = RDPNEG_PRECEDES_ALL,
	  .diagnosis = {
		.id = "scanner-probe",
		.class = RDPNEG_CLASS_NOISE,
		.summary = "This connection came from a protocol scanner "
		    "(nmap's cookie or a probe-only protocol request), not "
		    "from a user's Remote Desktop client.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "The cookie \"Cookie: mstshash=nmap\" is "
		    "fixed by nmap, and RDSTLS or HYBRID_EX alone are only "
		    "requested by protocol enumerators, but another tool "
		    "could send the same.",
		.explanation = "The client requested {requested} with the "
		    "marks of a scanner; the outcome was {outcome} and the "
		    "connection end {end}. Scanners open one connection per "
		    "protocol, so their failures say nothing about users' "
		    "connections.",
		.server_settings = "Not a setting problem; the answers show "
		    "anyone who asks which security protocols the server "
		    "supports.",
		.remediation = STEPS(
			STEP(ANY,
			    .text = "Confirm that the scan is authorised "
				"(source address, time); if it is not, block "
				"the source at the firewall."),
			STEP(ANY,
			    .text = "Make scans learn less: require TLS and "
				"NLA, and allow the RDP port only from "
				"management networks or through an RD "
				"Gateway."),
			STEP(ANY,
			    .text = "Leave scanner connections out when "
				"counting users' failures.")),
		.references = REFS(
			REF_CR, REF_NEG_REQ,
			"nmap rdp-enum-encryption.nse and nselib/rdp.lua "
			    "(Cookie: mstshash=nmap)") } },

	/* 2.2.1.1, 2.2.1.2: a PDU no conforming peer sends. */
	{ .match = { .yes = RDPNEG_FACT(MALFORMED) },
	  .precedes = RDPNEG_PRECEDES_ALL,
	  .diagnosis = {
		.id = "malformed-negotiation",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "A negotiation PDU broke the MS-RDPBCGR format, so "
		    "a peer is not a normal RDP client or server, or a device "
		    "in the path altered the bytes.",
		.confidence = RDPNEG_CONFIDENCE_HIGH,
		.confidence_why = "The decoder found a framing, length or "
		    "type error that a conforming peer never sends.",
		.explanation = "A TPKT/X.224 negotiation PDU was malformed "
		    "(outcome {outcome}, connection end {end}). A Windows "
		    "server drops a Connection Request that fails these "
		    "checks, and a client aborts on a malformed Connection "
		    "Confirm.",
		.server_settings = "No Windows setting produces this: look for "
		    "a non-RDP service on the port, a TLS-first endpoint (RD "
		    "Gateway, HTTPS), a proxy or load balancer rewriting the "
		    "stream, or a faulty RDP implementation.",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "Check which program listens on the port "
				"the client used:",
			    .command = CMD_WIN_LISTENERS),
			STEP(XRDP,
			    .text = "Check that xrdp is what listens on the "
				"port the client used (port= in " XRDP_INI
				"):",
			    .command = CMD_LISTENERS "\n" CMD_XRDP_PORT),
			STEP(FREERDP,
			    .text = "Check that the FreeRDP-based server is "
				"what listens on the port the client used "
				"(freerdp-shadow-cli /port:):",
			    .command = CMD_LISTENERS),
			STEP(ANY,
			    .text = "Capture on both sides of any proxy, load "
				"balancer or IPS to find the device that "
				"changes the bytes, and bypass it to test."),
			STEP(ANY,
			    .text = "Point the client at the right port and "
				"protocol (an RD Gateway speaks HTTPS on 443, "
				"not raw RDP), and update the client or "
				"server whose PDU is malformed.")),
		.references = REFS(
			REF_CR, REF_CC, REF_PROCESS_CR,
			"RFC 1006 section 6 (TPKT)",
			"ITU-T X.224 section 13 (CR and CC TPDUs)") } },

	/* 2.2.1.2.2 code 1 after a request without TLS or CredSSP. */
	{ .match = { .failure_code = RDPNEG_SSL_REQUIRED_BY_SERVER,
		.req_none = PROT_SSL | PROT_HYBRID | PROT_HYBRID_EX |
		    RDPNEG_PROTOCOL_RDSTLS | RDPNEG_PROTOCOL_RDSAAD,
		.yes = RDPNEG_FACT(NEG_REQ) },
	  .precedes = PRECEDES("tls-required"),
	  .diagnosis = {
		.id = "tls-required-rdp-requested",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server requires TLS (SecurityLayer 2, or the "
		    "Group Policy security layer SSL) and the client offered "
		    "only Standard RDP Security.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "RDP_NEG_FAILURE 1 after a request without "
		    "TLS or CredSSP is the spec's definition and xrdp's "
		    "behaviour, but no Windows capture confirms it, and a "
		    "Windows server requiring NLA might send it instead of "
		    "code 5.",
		.explanation = "The client requested {requested}, without SSL "
		    "or HYBRID; the server answered RDP_NEG_FAILURE {failure} "
		    "({code}) and the connection end was {end}. A client or "
		    "proxy limited to Standard RDP Security (for example the "
		    "Netwrix proxy with RdpSecurity true, or a client's last "
		    "fallback step) cannot connect.",
		.server_settings = "Windows: SecurityLayer 2 (Group Policy "
		    "security layer SSL), possibly with UserAuthentication 1. "
		    "xrdp: security_layer=tls with a readable certificate and "
		    "key_file. FreeRDP-based server: RdpSecurity off.",
		.remediation = tls_rdp_steps,
		.references = tls_rdp_refs } },

	/* 3.3.5.3.1 leaves no failure code for a request without
	 * RDP_NEG_REQ, yet FreeRDP-based servers send code 1 to one. */
	{ .match = { .failure_code = RDPNEG_SSL_REQUIRED_BY_SERVER,
		.yes = RDPNEG_FACT(LEGACY_REQUEST) },
	  .precedes = PRECEDES("tls-required"),
	  .diagnosis = {
		.id = "tls-required-legacy-request",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server requires TLS or NLA and refused a "
		    "client that sent no RDP_NEG_REQ (Standard RDP Security "
		    "only) with SSL_REQUIRED_BY_SERVER, as FreeRDP-based "
		    "servers do.",
		.confidence = RDPNEG_CONFIDENCE_HIGH,
		.confidence_why = "The failure code is on the wire; "
		    "freerdp-shadow-cli 2.11 with Standard RDP Security off "
		    "was seen answering a request without RDP_NEG_REQ this "
		    "way (Windows and xrdp send a Connection Confirm without "
		    "negotiation data instead).",
		.explanation = "The client sent no RDP_NEG_REQ, so it offered "
		    "only Standard RDP Security (FreeRDP /sec:rdp, old "
		    "rdesktop); the server answered RDP_NEG_FAILURE {failure} "
		    "({code}), which MS-RDPBCGR 3.3.5.3.1 does not foresee for "
		    "such a request, and the connection end was {end}.",
		.server_settings = "FreeRDP-based server: RdpSecurity off "
		    "(freerdp-shadow-cli /sec:tls or -sec-rdp). A Windows "
		    "server with SecurityLayer 2 would drop such a request "
		    "instead.",
		.remediation = tls_rdp_steps,
		.references = tls_rdp_refs } },

	/* 2.2.1.2.2 code 1: "If only CredSSP was requested then the server
	 * only supports TLS." */
	{ .match = { .failure_code = RDPNEG_SSL_REQUIRED_BY_SERVER,
		.req_any = PROT_HYBRID | PROT_HYBRID_EX,
		.req_none = PROT_SSL },
	  .precedes = PRECEDES("tls-required"),
	  .diagnosis = {
		.id = "tls-required-credssp-only-requested",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server supports TLS but not CredSSP (NLA), and "
		    "the client requested CredSSP without TLS, so no common "
		    "protocol was left.",
		.confidence = RDPNEG_CONFIDENCE_HIGH,
		.confidence_why = "MS-RDPBCGR 2.2.1.2.2 states that "
		    "SSL_REQUIRED_BY_SERVER after a CredSSP-only request means "
		    "the server only supports TLS.",
		.explanation = "The client requested {requested}, CredSSP "
		    "without PROTOCOL_SSL (which the spec says should also be "
		    "set); the server answered RDP_NEG_FAILURE {failure} "
		    "({code}), meaning it only offers TLS, and the connection "
		    "end was {end}.",
		.server_settings = "A server without CredSSP: xrdp (it never "
		    "selects HYBRID), a FreeRDP-based server with NlaSecurity "
		    "off, or a Windows host whose CredSSP provider is "
		    "unavailable; TLS itself is enabled.",
		.remediation = STEPS(
			STEP(ANY,
			    .text = "Make the client also offer PROTOCOL_SSL "
				"(0x1), as mstsc (0xB) and FreeRDP /sec:nla "
				"(0x3) do: update or reconfigure the client "
				"or proxy that sent {requested}."),
			STEP(WINDOWS,
			    .text = "If NLA is wanted, enable it (then check "
				"that the server's CredSSP works):",
			    .command = CMD_SET_NLA(1)),
			STEP(XRDP,
			    .text = "xrdp has no CredSSP: connect with TLS "
				"(FreeRDP /sec:tls) and keep "
				"security_layer=tls with a readable "
				"certificate= and key_file=."),
			STEP(FREERDP,
			    .text = "If NLA is wanted, enable it: NlaSecurity "
				"on (freerdp-shadow-cli /sec:nla, or no /sec: "
				"option for TLS and NLA):",
			    .command = CMD_SHADOW_NLA)),
		.references = REFS(
			REF_NEG_FAILURE,
			REF_NEG_REQ " (PROTOCOL_HYBRID: PROTOCOL_SSL SHOULD "
			    "also be set)",
			"MS-RDPBCGR 5.4.5.2 CredSSP",
			REF_GPO_NLA) } },

	/* 2.2.1.2.2 code 1 after any other request. */
	{ .match = { .failure_code = RDPNEG_SSL_REQUIRED_BY_SERVER },
	  .precedes = PRECEDES("no-request"),
	  .diagnosis = {
		.id = "tls-required",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server requires TLS yet refused a request that "
		    "was not plain Standard RDP Security, so the client offered "
		    "only protocols the server lacks or the server cannot use "
		    "TLS.",
		.confidence = RDPNEG_CONFIDENCE_LOW,
		.confidence_why = "The spec defines code 1 for clients that "
		    "offer neither TLS nor CredSSP; a server sending it for "
		    "this request is unusual, and the capture does not show "
		    "why.",
		.explanation = "The client requested {requested}; the server "
		    "answered RDP_NEG_FAILURE {failure} ({code}) and the "
		    "connection end was {end}. {?offered-ssl:SSL was offered, "
		    "so a server able to use TLS would have selected it: this "
		    "one cannot (its certificate), enables only protocols the "
		    "client did not request (a FreeRDP-based server answers "
		    "so), or a device in the path changed the request.}"
		    "{!offered-ssl:Had SSL been offered, a conforming server "
		    "would have selected it; the server does not support the "
		    "protocols requested.}",
		.server_settings = "A server requiring TLS (Windows "
		    "SecurityLayer 2, xrdp security_layer=tls) without support "
		    "for the newer protocol requested, a server whose TLS "
		    "certificate is unusable, a FreeRDP-based server whose "
		    "enabled protocols exclude those requested (e.g. "
		    "freerdp-shadow-cli /sec:ext, NLA-extended only), or a "
		    "proxy that changed the request.",
		.remediation = STEPS(
			STEP(ANY, .when = { .no = FACT(OFFERED_SSL) },
			    .text = "Let the client offer TLS and CredSSP "
				"alongside any newer protocol (mstsc sends "
				"0xB; with FreeRDP use /sec:nla rather than a "
				"lone /sec:aad)."),
			STEP_CHECK_WINDOWS,
			STEP(WINDOWS, .when = { .yes = FACT(OFFERED_SSL) },
			    .text = "Check that the server can serve TLS: the "
				"first command must list a valid certificate, "
				"the second must find no event:",
			    .command = CMD_RD_CERTS "\n" CMD_RCM_EVENTS),
			STEP(XRDP, .when = { .no = FACT(OFFERED_SSL) },
			    .text = "xrdp with security_layer=tls accepts "
				"only TLS, not RDSTLS or RDSAAD: let the "
				"client offer TLS (FreeRDP /sec:tls)."),
			STEP_XRDP_PROTOCOLS,
			STEP(FREERDP,
			    .text = "This code means none of the server's "
				"enabled protocols was requested (e.g. "
				"freerdp-shadow-cli /sec:ext): enable NLA, "
				"which mstsc and FreeRDP offer:",
			    .command = CMD_SHADOW_NLA),
			STEP(ANY,
			    .text = "Capture on the server's side of any proxy "
				"or load balancer to see whether the server "
				"received the request the client sent.")),
		.references = REFS(
			REF_NEG_FAILURE, REF_NEG_REQ, REF_ENHANCED) } },

	/* 2.2.1.2.2 code 2: the vendor article's case. */
	{ .match = { .failure_code = RDPNEG_SSL_NOT_ALLOWED_BY_SERVER },
	  .precedes = PRECEDES("no-request"),
	  .diagnosis = {
		.id = "server-rdp-security-only",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server allows only Standard RDP Security "
		    "(SecurityLayer 0 with NLA off) and refused the client's "
		    "TLS/CredSSP request.",
		.confidence = RDPNEG_CONFIDENCE_HIGH,
		.confidence_why = "RDP_NEG_FAILURE 2 is only sent by a server "
		    "configured for Standard RDP Security; it is the Netwrix "
		    "article's SecurityLayer 0 + NLA off case and appears in a "
		    "public mstsc capture.",
		.explanation = "The client requested {requested}; the server "
		    "answered RDP_NEG_FAILURE {failure} ({code}) and the "
		    "connection end was {end}. Clients that allow it retry "
		    "with Standard RDP Security; one limited to TLS or NLA "
		    "(FreeRDP /sec:tls or /sec:nla, some proxies) stops with "
		    "ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED.",
		.server_settings = "Windows: SecurityLayer 0 (Group Policy "
		    "security layer RDP) with UserAuthentication 0 (NLA off); "
		    "also Windows XP/Server 2003-era hosts. FreeRDP-based "
		    "server: RdpSecurity on.",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "Read the settings: SecurityLayer 0 (RDP) "
				"with UserAuthentication 0 (NLA off) is this "
				"case:",
			    .command = CMD_READ_LAYER),
			STEP_CHECK_POLICY, STEP_SET_TLS_NLA, STEP_GPO_TLS_NLA,
			STEP(WINDOWS,
			    .text = "Or set the security layer through WMI:",
			    .command = CMD_TS_WMI " | Invoke-CimMethod "
				"-MethodName SetSecurityLayer -Arguments "
				"@{SecurityLayer=2}"),
			STEP(WINDOWS,
			    .text = "SecurityLayer 1 or 2 with NLA off, or NLA "
				"on with SecurityLayer 0, also ends this "
				"failure; SecurityLayer 2 with NLA is the "
				"recommended combination."),
			STEP(WINDOWS,
			    .text = "A Windows XP/Server 2003-era host cannot "
				"offer TLS: upgrade or replace it."),
			STEP_FREERDP_SERVER,
			STEP(XRDP,
			    .text = "This code does not come from xrdp (with "
				"security_layer=rdp it selects Standard RDP "
				"Security instead): check that the client "
				"reaches the intended server."),
			STEP(ANY, .less_secure = 1,
			    .text = "Less secure workaround: let the client "
				"fall back to Standard RDP Security (FreeRDP "
				"default options, or /sec:rdp for this host)."),
			STEP_NETWRIX_RDPSEC),
		.references = REFS(
			REF_NEG_FAILURE, REF_STANDARD, REF_ENHANCED,
			REF_GPO_LAYER, REF_GPO_NLA, REF_WMI_LAYER,
			"Netwrix KB kA04u0000000HRlCAM: Resolving "
			    "ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED") } },

	/* 2.2.1.2.2 code 3: no usable certificate. */
	{ .match = { .failure_code = RDPNEG_SSL_CERT_NOT_ON_SERVER },
	  .precedes = PRECEDES("no-request"),
	  .diagnosis = {
		.id = "server-certificate-unavailable",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server could not load or create its TLS "
		    "certificate (SSL_CERT_NOT_ON_SERVER), so it cannot offer "
		    "TLS or NLA until the certificate is repaired.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "For xrdp the code means certificate= or "
		    "key_file= is unreadable; for Windows its link to the "
		    "certificate events 1055/1057/1058 is inferred, not seen "
		    "in a capture.",
		.explanation = "The client requested {requested}; the server "
		    "answered RDP_NEG_FAILURE {failure} ({code}) and the "
		    "connection end was {end}. Clients that allow it retry "
		    "with Standard RDP Security; recent FreeRDP reports "
		    "ERRCONNECT_TLS_CONNECT_FAILED.",
		.server_settings = "Windows: the Remote Desktop certificate is "
		    "missing, expired or its private key unreadable (MachineKeys "
		    "permissions, a stale SSLCertificateSHA1Hash). xrdp: "
		    "security_layer=tls with certificate= or key_file= "
		    "unreadable by xrdp.",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "Look for certificate errors (events 1055, "
				"1057, 1058, 1059):",
			    .command = CMD_RCM_EVENTS),
			STEP(WINDOWS,
			    .text = "Check the certificates of the Remote "
				"Desktop store and the thumbprint in use:",
			    .command = CMD_RD_CERTS "\n(" CMD_TS_WMI
				").SSLCertificateSHA1Hash"),
			STEP(WINDOWS,
			    .text = "Give NETWORK SERVICE read access to the "
				"certificate's private key in "
				"C:\\ProgramData\\Microsoft\\Crypto\\RSA\\"
				"MachineKeys."),
			STEP(WINDOWS,
			    .text = "Or delete the broken self-signed "
				"certificate from the Remote Desktop store "
				"(certlm.msc) and restart Remote Desktop "
				"Services to recreate it (this ends "
				"sessions):",
			    .command = CMD_TS_RESTART),
			STEP(WINDOWS,
			    .text = "To use a CA-issued certificate, find its "
				"thumbprint below and set it as "
				"SSLCertificateSHA1Hash of "
				"Win32_TSGeneralSetting with Set-CimInstance:",
			    .command = "Get-ChildItem Cert:\\LocalMachine\\My "
				"| Select-Object Thumbprint,Subject,NotAfter"),
			STEP_XRDP_CERT,
			STEP(FREERDP,
			    .text = "Not known to send this code; still, check "
				"that its certificate and key exist and are "
				"readable (freerdp-shadow-cli keeps them "
				"here):",
			    .command = CMD_SHADOW_CERT),
			STEP(WINDOWS, .less_secure = 1,
			    .text = "Less secure workaround, never permanent: "
				"SecurityLayer 0 with NLA off admits Standard "
				"RDP Security (no server authentication) "
				"until the certificate is repaired:",
			    .command = CMD_SET_LAYER(0) "\n" CMD_SET_NLA(0))),
		.references = REFS(
			REF_NEG_FAILURE,
			"MS-RDPBCGR 5.4.5 External Security Protocols",
			"RemoteConnectionManager events 1055, 1057, 1058, 1059",
			"Win32_TSGeneralSetting.SSLCertificateSHA1Hash",
			"Group Policy: Server authentication certificate "
			    "template",
			REF_XRDP_INI) } },

	/* 2.2.1.2.2 code 4: Direct Approach only (5.4.2.2). */
	{ .match = { .failure_code = RDPNEG_INCONSISTENT_FLAGS },
	  .precedes = PRECEDES("no-request"),
	  .diagnosis = {
		.id = "inconsistent-flags",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server rejected the request as inconsistent "
		    "with security already in effect, which happens only when "
		    "TLS or CredSSP was set up before the X.224 exchange (the "
		    "Direct Approach).",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "MS-RDPBCGR limits INCONSISTENT_FLAGS to the "
		    "Direct Approach; the code has not been reproduced, so "
		    "the component at fault is not known.",
		.explanation = "The client requested {requested}; the server "
		    "answered RDP_NEG_FAILURE {failure} ({code}) and the "
		    "connection end was {end}. With the Direct Approach the "
		    "external security protocol already runs, and the "
		    "requested protocols must agree with it.",
		.server_settings = "No usual Windows setting: a listener or "
		    "proxy expecting TLS/CredSSP first and a client sending a "
		    "negotiation-based request, or the reverse.",
		.remediation = STEPS(
			STEP(ANY,
			    .text = "Check that the client, proxy or gateway "
				"uses the connection method the listener "
				"expects (negotiation on the RDP port, not a "
				"TLS-first endpoint) and requests the protocol "
				"already in effect."),
			STEP(ANY,
			    .text = "Update the client or proxy; a custom "
				"implementation must include the security "
				"protocol already in use in "
				"requestedProtocols."),
			STEP(ANY,
			    .text = "Capture on the server's side of any "
				"TLS-terminating device to see what the server "
				"receives."),
			STEP(WINDOWS,
			    .text = "Read the Remote Desktop service's log "
				"at the time of the attempt:",
			    .command = CMD_RCM_LOG),
			STEP_XRDP_PROTOCOLS,
			STEP_FREERDP_LOG),
		.references = REFS(
			REF_NEG_FAILURE,
			"MS-RDPBCGR 5.4.2.2 Direct Approach",
			"MS-RDPBCGR 1.3.1.2 Security-Enhanced Connection "
			    "Sequence") } },

	/* 2.2.1.2.2 code 5: CredSSP required. */
	{ .match = { .failure_code = RDPNEG_HYBRID_REQUIRED_BY_SERVER },
	  .precedes = PRECEDES("no-request"),
	  .diagnosis = {
		.id = "nla-required",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server requires Network Level Authentication "
		    "(UserAuthentication 1){!offered-credssp: and the client "
		    "did not offer CredSSP}{?offered-credssp: and refused the "
		    "CredSSP the client offered}.",
		.confidence = RDPNEG_CONFIDENCE_HIGH,
		.confidence_why = "RDP_NEG_FAILURE 5 means the server requires "
		    "CredSSP (MS-RDPBCGR 2.2.1.2.2); it is seen with FreeRDP "
		    "/sec:tls against a Windows server requiring NLA.",
		.explanation = "The client requested {requested}"
		    "{?neg-req:{!offered-credssp:, without CredSSP (HYBRID)}}"
		    "{?offered-credssp:, CredSSP included, which a conforming "
		    "server then selects}; the server answered RDP_NEG_FAILURE "
		    "{failure} ({code}) and the connection end was {end}. "
		    "Recent FreeRDP reports "
		    "ERRCONNECT_HYBRID_REQUIRED_BY_SERVER, older versions "
		    "ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED.",
		.server_settings = "Windows: UserAuthentication 1 (System "
		    "Properties > Remote \"Allow connections only from "
		    "computers running Remote Desktop with Network Level "
		    "Authentication\", or the NLA Group Policy), the default "
		    "since Windows 8 / Server 2012. FreeRDP-based server: "
		    "NlaSecurity on, TlsSecurity off.",
		.remediation = STEPS(
			STEP(ANY, .when = { .no = FACT(OFFERED_CREDSSP) },
			    .text = "Keep NLA and fix the client (the secure "
				"choice): mstsc and FreeRDP offer CredSSP by "
				"default; remove FreeRDP /sec:tls or /sec:rdp, "
				"or use /sec:nla."),
			STEP(ANY, .when = { .no = FACT(OFFERED_CREDSSP) },
			    .text = "On a proxy or PAM gateway, enable "
				"NLA/CredSSP towards the target; for Netwrix "
				"Privilege Secure, check that " SBPAM_JSON
				" does not force RdpSecurity."),
			STEP(ANY, .when = { .yes = FACT(OFFERED_CREDSSP) },
			    .text = "Capture on the server's side of any proxy "
				"or load balancer to see whether the server "
				"received the CredSSP the client offered."),
			STEP_CHECK_WINDOWS, STEP_CHECK_POLICY,
			STEP(WINDOWS, .when = { .yes = FACT(OFFERED_CREDSSP) },
			    .text = "The server refused the CredSSP offered: "
				"read the Remote Desktop service's log at the "
				"time of the attempt:",
			    .command = CMD_RCM_LOG),
			STEP(WINDOWS, .less_secure = 1,
			    .when = { .no = FACT(OFFERED_CREDSSP) },
			    .text = "Less secure workaround, only for a client "
				"that cannot do NLA (or disable the NLA "
				"policy): the logon screen then shows before "
				"anyone is authenticated:",
			    .command = CMD_SET_NLA(0)),
			STEP(FREERDP,
			    .text = "NLA alone is NlaSecurity on with TLS and "
				"Standard RDP Security off (freerdp-shadow-cli "
				"/sec:nla): keep it and let the client offer "
				"CredSSP (the secure choice)."),
			STEP(FREERDP, .less_secure = 1,
			    .when = { .yes = FACT(OFFERED_SSL),
				.no = FACT(OFFERED_CREDSSP) },
			    .text = "Less secure workaround, only for a client "
				"that cannot do NLA: admit TLS-only clients "
				"(freerdp-shadow-cli /sec:tls)."),
			STEP(XRDP,
			    .text = "xrdp has no CredSSP and never requires "
				"it: if the server should be xrdp, check that "
				"the client reaches it and not another host.")),
		.references = REFS(
			REF_NEG_FAILURE,
			"MS-RDPBCGR 5.4.5.2 CredSSP",
			REF_GPO_NLA, REF_WMI_NLA,
			"FreeRDP: ERRCONNECT_HYBRID_REQUIRED_BY_SERVER") } },

	/* 2.2.1.2.2 code 6: TLS with client certificates. */
	{ .match = { .failure_code =
		RDPNEG_SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER },
	  .precedes = PRECEDES("no-request"),
	  .diagnosis = {
		.id = "tls-client-certificate-required",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server demands TLS with a client certificate "
		    "(SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER), which ordinary "
		    "RDP clients cannot provide.",
		.confidence = RDPNEG_CONFIDENCE_LOW,
		.confidence_why = "The spec defines code 6, but no Windows "
		    "setting is known to produce it; the server is probably "
		    "not a standard Windows host.",
		.explanation = "The client requested {requested}; the server "
		    "answered RDP_NEG_FAILURE {failure} ({code}) and the "
		    "connection end was {end}.",
		.server_settings = "Not known: a third-party RDP server, "
		    "gateway or appliance set up for certificate-based client "
		    "authentication.",
		.remediation = STEPS(
			STEP(ANY,
			    .text = "Identify the product answering on the "
				"port and read its documentation on TLS "
				"client-certificate authentication."),
			STEP(WINDOWS,
			    .text = "If that requirement is not intended, "
				"require TLS with NLA instead:",
			    .command = CMD_TLS_NLA),
			STEP(XRDP,
			    .text = "It asks for no client certificate: if the "
				"server should be xrdp, check that the client "
				"reaches it and not a gateway in front of "
				"it."),
			STEP(FREERDP,
			    .text = "It asks for no client certificate: if the "
				"server should be one, check that the client "
				"reaches it and not a gateway in front of "
				"it."),
			STEP(ANY,
			    .text = "Otherwise use a client that supports TLS "
				"client certificates and install the "
				"certificate the server expects.")),
		.references = REFS(
			REF_NEG_FAILURE,
			"MS-RDPBCGR 5.4.5.1 Transport Layer Security (TLS)") } },

	/* 2.2.1.2.2 defines codes 1-6 only. */
	{ .match = { .failure_code = RDPNEG_MATCH_UNKNOWN_FAILURE },
	  .precedes = PRECEDES("no-request"),
	  .diagnosis = {
		.id = "unknown-failure-code",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server sent an RDP_NEG_FAILURE code that "
		    "MS-RDPBCGR does not define, so only the product behind it "
		    "can say what it means.",
		.confidence = RDPNEG_CONFIDENCE_LOW,
		.confidence_why = "The code is outside 1-6, so nothing in the "
		    "specification explains it.",
		.explanation = "The client requested {requested}; the server "
		    "answered RDP_NEG_FAILURE with code {code} ({failure}) and "
		    "the connection end was {end}.",
		.server_settings = "A non-Windows or non-conforming RDP server, "
		    "a newer protocol revision, or a device in the path that "
		    "rewrote the answer.",
		.remediation = STEPS(
			STEP(ANY,
			    .text = "Identify the server product and version "
				"on the port, and look the code up in its "
				"documentation or logs."),
			STEP(WINDOWS,
			    .text = "Read the Remote Desktop service's log "
				"at the time of the attempt:",
			    .command = CMD_RCM_LOG),
			STEP_XRDP_LOG,
			STEP_FREERDP_LOG,
			STEP(ANY,
			    .text = "Capture on the server's side of any "
				"proxy, load balancer or IPS to see whether "
				"the server itself sent this answer."),
			STEP(ANY,
			    .text = "Test with a current mstsc or FreeRDP to "
				"see whether the same code comes back.")),
		.references = REFS(
			REF_NEG_FAILURE, REF_CC) } },

	/* 2.2.1.12: a License Error PDU in clear ended the sequence. */
	{ .match = { .yes = RDPNEG_FACT(LICENSE_ERROR) },
	  .precedes = PRECEDES("server-error-info", "rdp-encryption-mismatch",
		"rdp-session-dropped", "standard-rdp-fallback",
		"standard-rdp-fallback-legacy", "server-chose-standard-rdp",
		"legacy-server", "legacy-client", "negotiated-standard-rdp",
		"negotiated"),
	  .diagnosis = {
		.id = "rdp-license-error",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server refused to license the client: its "
		    "License Error PDU ({license-error}) ended the Standard "
		    "RDP Security session before it started.",
		.confidence = RDPNEG_CONFIDENCE_HIGH,
		.confidence_why = "The License Error PDU was sent in clear "
		    "(no SEC_ENCRYPT), so its dwErrorCode is read, not "
		    "inferred (MS-RDPBCGR 2.2.1.12).",
		.explanation = "The client requested {requested}; Standard "
		    "RDP Security went as far as {rdp-stage}, where the server "
		    "sent a License Error ({license-error}), then "
		    "{mcs-disconnect}; the connection end was {end}.",
		.server_settings = "Windows Remote Desktop Session Host: no "
		    "Remote Desktop license server reachable, no RDS CAL "
		    "left, the grace period over, or the licensing mode not "
		    "set. xrdp and FreeRDP-based servers always send "
		    "STATUS_VALID_CLIENT: a License Error from them means a "
		    "proxy or another server answered.",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "Read the licensing mode and the license "
				"servers this host uses (Group Policy \"Use "
				"the specified Remote Desktop license "
				"servers\", \"Set the Remote Desktop "
				"licensing mode\"):",
			    .command = CMD_LICENSING),
			STEP(WINDOWS,
			    .text = "On the license server, check that RDS "
				"CALs of the mode in use are installed and "
				"activated (RD Licensing Manager)."),
			STEP(XRDP,
			    .text = "xrdp does not license clients: find "
				"which server or proxy answered on this "
				"address and port."),
			STEP(FREERDP,
			    .text = "FreeRDP-based servers do not license "
				"clients: find which server or proxy answered "
				"on this address and port.")),
		.references = REFS(
			"MS-RDPBCGR 2.2.1.12 Server License Error PDU",
			"MS-RDPELE 2.2.2.7 Server License Error",
			REF_SEQUENCE) } },

	/* 2.2.5.1: Set Error Info in clear, before the session started. */
	{ .match = { .yes = RDPNEG_FACT(ERROR_INFO) },
	  .precedes = PRECEDES("rdp-encryption-mismatch",
		"rdp-session-dropped", "standard-rdp-fallback",
		"standard-rdp-fallback-legacy", "server-chose-standard-rdp",
		"legacy-server", "legacy-client", "negotiated-standard-rdp",
		"negotiated"),
	  .diagnosis = {
		.id = "server-error-info",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server ended the session before it started and "
		    "said why in a Set Error Info PDU: {error-info-name}.",
		.confidence = RDPNEG_CONFIDENCE_HIGH,
		.confidence_why = "The Set Error Info PDU was sent in clear "
		    "(level Low or None), so its errorInfo is read, not "
		    "inferred (MS-RDPBCGR 2.2.5.1.1).",
		.explanation = "The client requested {requested}; Standard "
		    "RDP Security went as far as {rdp-stage}, where the server "
		    "sent Set Error Info ({error-info}), then {mcs-disconnect}; "
		    "the connection end was {end}.",
		.server_settings = "Depends on the reason: a licensing "
		    "problem (ERRINFO_LICENSE_*), a policy or privilege that "
		    "refuses the user, a time limit, or the server's own "
		    "failure.",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "Read the session manager's log at the "
				"time of the attempt:",
			    .command = CMD_LSM_LOG),
			STEP(WINDOWS,
			    .text = "Read the Remote Desktop service's log at "
				"the same time:",
			    .command = CMD_RCM_LOG),
			STEP_XRDP_LOG,
			STEP_FREERDP_LOG),
		.references = REFS(
			"MS-RDPBCGR 2.2.5.1 Set Error Info PDU",
			"MS-RDPBCGR 2.2.5.1.1 errorInfo",
			REF_SEQUENCE) } },

	/* 5.3.2, 5.4.1: no encryption method both sides accept. */
	{ .match = { .yes = RDPNEG_FACT(RDP_ENCRYPTION_MISMATCH) |
		RDPNEG_FACT(RDP_FAILED) },
	  .precedes = PRECEDES("legacy-refused-after-confirm",
		"mcs-connect-refused", "rdp-session-dropped",
		"standard-rdp-fallback", "standard-rdp-fallback-legacy",
		"server-chose-standard-rdp", "legacy-server", "legacy-client",
		"negotiated-standard-rdp", "negotiated"),
	  .diagnosis = {
		.id = "rdp-encryption-mismatch",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "Standard RDP Security failed on encryption: the "
		    "client offered {rdp-offered}{!mcs-refused:, which the "
		    "server's choice ({rdp-security}) does not match}"
		    "{?mcs-refused: and the server refused its "
		    "Connect-Initial, as servers requiring 128-bit or FIPS "
		    "do}.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "Both sides' choices are in clear "
		    "(MS-RDPBCGR 2.2.1.3.3, 2.2.1.4.3){!mcs-refused:: the "
		    "server's method or level is not among what the client "
		    "offered, or the client encrypted without an agreed "
		    "method}{?mcs-refused:; the server refused the "
		    "Connect-Initial of a client offering neither 128-bit nor "
		    "FIPS, the usual reason, but it does not say why}.",
		.explanation = "The client offered the encryption methods "
		    "{rdp-offered}; the server's answer: {rdp-security}. The "
		    "connection sequence reached {rdp-stage}, then "
		    "{mcs-disconnect}; the connection end was {end}.",
		.server_settings = "Windows: \"Set client connection "
		    "encryption level\" (MinEncryptionLevel 3 High needs "
		    "128-bit, 4 FIPS needs FIPS), or the FIPS policy. xrdp: "
		    "crypt_level= (high needs 128-bit, fips needs FIPS). "
		    "Client: FreeRDP /encryption-methods:, or an old client "
		    "limited to 40 or 56 bits.",
		.remediation = STEPS(
			STEP_STANDARD_TO_TLS,
			STEP_SET_TLS_NLA,
			STEP_READ_ENCRYPTION,
			STEP_READ_FIPS,
			STEP_XRDP_TLS,
			STEP_XRDP_CRYPT,
			STEP_FREERDP_SERVER,
			STEP(ANY, .less_secure = 1,
			    .text = "Less secure: while Standard RDP Security "
				"stays, let the client offer what the server "
				"requires (FreeRDP "
				"/encryption-methods:128,FIPS).")),
		.references = standard_refs } },

	/* 3.3.5.3.1, 1.3.1.1: no RDP_NEG_REQ, a CC without negotiation
	 * data (the only answer allowed), then the Connect-Initial
	 * refused: the server requires TLS or NLA. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_LEGACY),
		.yes = RDPNEG_FACT(LEGACY_REQUEST) | RDPNEG_FACT(MCS_REFUSED) },
	  .precedes = PRECEDES("mcs-connect-refused",
		"standard-rdp-fallback-legacy", "legacy-client"),
	  .diagnosis = {
		.id = "legacy-refused-after-confirm",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server requires TLS or NLA and refused a "
		    "client that sent no RDP_NEG_REQ: it confirmed without "
		    "negotiation data, then dropped the client's MCS "
		    "Connect-Initial.",
		.confidence = RDPNEG_CONFIDENCE_HIGH,
		.confidence_why = "A server cannot answer a request without "
		    "RDP_NEG_REQ with RDP_NEG_FAILURE (MS-RDPBCGR 3.3.5.3.1); "
		    "it ended the connection right after the client's "
		    "Connect-Initial, without a Connect-Response.",
		.explanation = "The client's Connection Request carried no "
		    "RDP_NEG_REQ (Standard RDP Security only) and the server "
		    "confirmed without negotiation data; the client sent its "
		    "MCS Connect-Initial and the server answered with "
		    "{mcs-disconnect}; the connection end was {end}.",
		.server_settings = "xrdp: security_layer=tls (it logs \"Server "
		    "requires TLS for security, but the client did not "
		    "request TLS\"). Windows: SecurityLayer 2 or NLA "
		    "required. Client: FreeRDP /sec:rdp, an old rdesktop or "
		    "a legacy tool.",
		.remediation = tls_rdp_steps,
		.references = REFS(
			REF_PROCESS_CR, REF_SEND_CC, REF_SEQUENCE,
			REF_ENHANCED, REF_XRDP_INI) } },

	/* T.125 11.2, 3.3.5.3.3.1: the Connect-Initial refused. */
	{ .match = { .yes = RDPNEG_FACT(MCS_REFUSED) },
	  .precedes = PRECEDES("standard-rdp-fallback",
		"standard-rdp-fallback-legacy", "server-chose-standard-rdp",
		"legacy-server", "negotiated-standard-rdp", "negotiated"),
	  .diagnosis = {
		.id = "mcs-connect-refused",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server refused the client's MCS "
		    "Connect-Initial under Standard RDP Security, before "
		    "any encryption was agreed.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "The refusal is on the wire (no successful "
		    "Connect-Response); its reason is not: MS-RDPBCGR "
		    "3.3.5.3.3.1 lets the server drop a Connect-Initial it "
		    "does not accept.",
		.explanation = "The client requested {requested} and the "
		    "server answered {selected}; the client's Connect-Initial "
		    "offered {rdp-offered}, and the server answered with "
		    "{mcs-disconnect}; the connection end was {end}.",
		.server_settings = "Windows: an encryption level or FIPS "
		    "policy the client's offer does not meet, or client data "
		    "it rejects. xrdp: a crypt_level the client cannot meet. "
		    "A proxy in the path.",
		.remediation = STEPS(
			STEP_STANDARD_TO_TLS,
			STEP_READ_ENCRYPTION,
			STEP_READ_FIPS,
			STEP(WINDOWS,
			    .text = "Read the Remote Desktop service's log at "
				"the time of the attempt:",
			    .command = CMD_RCM_LOG),
			STEP_XRDP_CRYPT,
			STEP_XRDP_LOG,
			STEP_FREERDP_SERVER),
		.references = standard_refs } },

	/* 1.3.1.1: the server ended a session it had accepted, before the
	 * session started. */
	{ .match = { .yes = RDPNEG_FACT(RDP_DROPPED) },
	  .precedes = PRECEDES("standard-rdp-fallback",
		"standard-rdp-fallback-legacy", "server-chose-standard-rdp",
		"legacy-server", "legacy-client", "negotiated-standard-rdp",
		"negotiated"),
	  .diagnosis = {
		.id = "rdp-session-dropped",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server dropped the Standard RDP Security "
		    "session at {rdp-stage}, before it started"
		    "{?rdp-dropped-after-info:: it did not accept the "
		    "client's encrypted Client Info}.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "Who ended the connection, and when, is in "
		    "clear; what the server disliked is encrypted"
		    "{?rdp-dropped-after-info:, but a drop right after a "
		    "Client Info signed with the salted MAC "
		    "(SEC_SECURE_CHECKSUM, MS-RDPBCGR 5.3.6.1.1) is the "
		    "signature of xrdp's MAC check failing}.",
		.explanation = "Standard RDP Security was agreed "
		    "({rdp-security}); the client went as far as {rdp-stage} "
		    "and the server answered with {mcs-disconnect}; the "
		    "connection end was {end}.{?rdp-dropped-after-info: The "
		    "client signed its Client Info with the salted MAC "
		    "(SEC_SECURE_CHECKSUM), which xrdp 0.9 does not verify: "
		    "this is the known interoperability failure of xrdp with "
		    "FreeRDP 2 clients at crypt_level low, medium or high "
		    "(xrdp logs \"MAC checksum error\" and disconnects); "
		    "level fips and rdesktop, which does not salt its MAC, "
		    "work.}",
		.server_settings = "xrdp: security_layer=rdp or negotiate "
		    "with an RC4 crypt_level, against a FreeRDP client. "
		    "Windows: a policy that refuses the user or the client "
		    "after the Client Info (read the service's log).",
		.remediation = STEPS(
			STEP_STANDARD_TO_TLS,
			STEP_XRDP_TLS,
			STEP(XRDP, .less_secure = 1,
			    .when = { .yes = FACT(RDP_DROPPED_AFTER_INFO) },
			    .text = "Less secure: if the client must stay on "
				"Standard RDP Security, crypt_level=fips "
				"avoids the RC4 MAC failure:",
			    .command = CMD_XRDP_SET("crypt_level", "fips")
				"\n" CMD_XRDP_RESTART),
			STEP_XRDP_LOG,
			STEP(WINDOWS,
			    .text = "Read the Remote Desktop service's log at "
				"the time of the attempt:",
			    .command = CMD_RCM_LOG),
			STEP_FREERDP_SERVER),
		.references = standard_refs } },

	/* 2.2.1.2.1 selected PROTOCOL_RDP (5.3) after a refused attempt. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_SELECTED),
		.yes = RDPNEG_FACT(SELECTED_RDP) | RDPNEG_FACT(FELL_BACK) },
	  .precedes = PRECEDES("server-chose-standard-rdp",
		"server-chose-unrequested-protocol", "negotiated-standard-rdp",
		"negotiated"),
	  .diagnosis = {
		.id = "standard-rdp-fallback",
		.class = RDPNEG_CLASS_INSECURE,
		.class_if_silent = RDPNEG_CLASS_BLOCKED,
		.summary = "The connection succeeded only by falling back to "
		    "Standard RDP Security after a TLS/CredSSP attempt failed, "
		    "so the server accepts unauthenticated, downgradable "
		    "connections.",
		.confidence = RDPNEG_CONFIDENCE_HIGH,
		.confidence_why = "An earlier attempt of the same client asked "
		    "for more and failed, and this one was answered with "
		    "PROTOCOL_RDP.",
		.explanation = "After an earlier attempt was refused, the "
		    "client requested {requested} and the server selected "
		    "{selected} (Standard RDP Security); the connection end "
		    "was {end}. An attacker in the path can force the same "
		    "downgrade, and no certificate authenticates the server."
		    "{?rdp-weak: The session also has {rdp-weaknesses}.}",
		.server_settings = "Windows: SecurityLayer 0 (or 1 with an "
		    "unusable certificate) with NLA off. xrdp: "
		    "security_layer=rdp, or negotiate without a readable "
		    "certificate. FreeRDP-based server: RdpSecurity on.",
		.remediation = fallback_steps,
		.references = fallback_refs } },

	/* 3.3.5.3.2: the same downgrade, ended by a CC without rdpNegData. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_LEGACY),
		.yes = RDPNEG_FACT(FELL_BACK) },
	  .precedes = PRECEDES("legacy-server", "legacy-client"),
	  .diagnosis = {
		.id = "standard-rdp-fallback-legacy",
		.class = RDPNEG_CLASS_INSECURE,
		.class_if_silent = RDPNEG_CLASS_BLOCKED,
		.summary = "The connection succeeded only after the client "
		    "dropped negotiation altogether and fell back to Standard "
		    "RDP Security, so the server accepts unauthenticated, "
		    "downgradable connections.",
		.confidence = RDPNEG_CONFIDENCE_HIGH,
		.confidence_why = "An earlier attempt of the same client asked "
		    "for TLS or CredSSP and failed, and this one was confirmed "
		    "without negotiation data.",
		.explanation = "After an earlier attempt was refused, the "
		    "client requested {requested} and the server confirmed "
		    "without RDP_NEG_RSP, which means Standard RDP Security; "
		    "the connection end was {end}. An attacker in the path can "
		    "force the same downgrade."
		    "{?rdp-weak: The session also has {rdp-weaknesses}.}",
		.server_settings = "Windows: SecurityLayer 0 or 1 with NLA off; "
		    "an old server ignoring RDP_NEG_REQ; xrdp with "
		    "security_layer other than tls. FreeRDP-based server: "
		    "RdpSecurity on.",
		.remediation = fallback_steps,
		.references = fallback_refs } },

	/* 3.3.5.3.2: PROTOCOL_RDP selected though TLS/CredSSP was asked. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_SELECTED),
		.yes = RDPNEG_FACT(NOT_REQUESTED) | RDPNEG_FACT(SELECTED_RDP) },
	  .precedes = PRECEDES("server-chose-unrequested-protocol",
		"negotiated"),
	  .diagnosis = {
		.id = "server-chose-standard-rdp",
		.class = RDPNEG_CLASS_INSECURE,
		.class_if_silent = RDPNEG_CLASS_BLOCKED,
		.summary = "The server chose Standard RDP Security although the "
		    "client asked for TLS or CredSSP, as xrdp does with "
		    "security_layer=rdp or without a usable certificate.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "The unrequested choice is on the wire; the "
		    "setting behind it comes from xrdp's code and is not "
		    "confirmed for other servers.",
		.explanation = "The client requested {requested}; the server "
		    "answered RDP_NEG_RSP selecting {selected} and the "
		    "connection end was {end}. {?client-silent:The client "
		    "sent nothing more, as a client with Standard RDP "
		    "Security disabled (FreeRDP /sec:tls or /sec:nla) does: "
		    "it reports ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED, with "
		    "no failure PDU on the wire.}{!client-silent:The client "
		    "went on with Standard RDP Security, so the server is not "
		    "authenticated and TLS does not protect the session.}"
		    "{?rdp-weak: The session also has {rdp-weaknesses}.}",
		.server_settings = "xrdp: security_layer=rdp, or "
		    "security_layer=negotiate with certificate=/key_file= "
		    "unreadable (xrdp logs a warning). Otherwise an old or "
		    "non-conforming server ignoring the request.",
		.remediation = STEPS(
			STEP_XRDP_TLS,
			STEP(XRDP,
			    .text = "With security_layer=negotiate, an "
				"unreadable certificate makes xrdp choose "
				"Standard RDP Security; look for its warning:",
			    .command = CMD_XRDP_LOG),
			STEP_XRDP_CERT,
			STEP_FREERDP_SERVER,
			STEP_CHECK_WINDOWS,
			STEP(ANY, .when = { .yes = FACT(CLIENT_SILENT) },
			    .text = "Keep the client strict (FreeRDP /sec:nla "
				"or /sec:tls) and fix the server; letting the "
				"client accept Standard RDP Security is a less "
				"secure workaround."),
			STEP(ANY, .when = { .no = FACT(CLIENT_SILENT) },
			    .text = "Make the client refuse Standard RDP "
				"Security (FreeRDP /sec:nla or /sec:tls) once "
				"the server offers TLS.")),
		.references = REFS(
			REF_NEG_RSP, REF_SEND_CC, REF_STANDARD, REF_XRDP_INI) } },

	/* 3.3.5.3.2: the selected protocol must be one requested. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_SELECTED),
		.yes = RDPNEG_FACT(NOT_REQUESTED) },
	  .precedes = PRECEDES("negotiated"),
	  .diagnosis = {
		.id = "server-chose-unrequested-protocol",
		.class = RDPNEG_CLASS_OK,
		.class_if_silent = RDPNEG_CLASS_BLOCKED,
		.summary = "The server selected a security protocol the client "
		    "did not request, which a conforming client refuses.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "The mismatch is on the wire (the server "
		    "must pick a requested protocol); why the server did it "
		    "is not.",
		.explanation = "The client requested {requested}; the server "
		    "answered RDP_NEG_RSP selecting {selected}, which is not "
		    "among them, and the connection end was {end}. FreeRDP "
		    "ends such a connection with "
		    "ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED.",
		.server_settings = "A non-conforming RDP server, or a proxy or "
		    "load balancer that rewrote the request or the answer "
		    "(for example one terminating TLS itself).",
		.remediation = STEPS(
			STEP(ANY,
			    .text = "Capture on the server's side of any proxy "
				"to check whether the server received the same "
				"request; fix or bypass the device that "
				"changes it."),
			STEP(ANY,
			    .text = "Identify and update the server product."),
			STEP_CHECK_WINDOWS,
			STEP(XRDP, .when = { .selected_any = PROT_SSL },
			    .text = "xrdp has no CredSSP and answers a "
				"request without SSL this way: let the client "
				"offer TLS for it (FreeRDP /sec:tls)."),
			STEP_XRDP_PROTOCOLS,
			STEP_FREERDP_LOG,
			STEP(ANY, .when = { .selected_any = PROT_SSL |
				PROT_HYBRID | PROT_HYBRID_EX },
			    .text = "The server insists on {selected}, which is "
				"TLS or CredSSP: the client may safely offer "
				"it too (FreeRDP: /sec:tls for SSL, /sec:nla "
				"for HYBRID).")),
		.references = REFS(
			REF_NEG_RSP, REF_SEND_CC, REF_NEG_REQ) } },

	/* 3.3.5.3.2: rdpNegData may be empty only without RDP_NEG_REQ. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_LEGACY),
		.yes = RDPNEG_FACT(NEG_REQ) },
	  .diagnosis = {
		.id = "legacy-server",
		.class = RDPNEG_CLASS_INSECURE,
		.class_if_silent = RDPNEG_CLASS_BLOCKED,
		.summary = "The server ignored the client's RDP_NEG_REQ and "
		    "answered like a pre-Vista host, so only Standard RDP "
		    "Security is possible.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "A Connection Confirm without negotiation "
		    "data after an RDP_NEG_REQ is typical of Windows XP/Server "
		    "2003 (nmap, rdp-sec-check), but any non-conforming server "
		    "can do it.",
		.explanation = "The client requested {requested}; the server's "
		    "Connection Confirm carried neither RDP_NEG_RSP nor "
		    "RDP_NEG_FAILURE, and the connection end was {end}. "
		    "Clients allowing Standard RDP Security continue without "
		    "TLS; clients limited to TLS or NLA fail with "
		    "ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED."
		    "{?rdp-weak: The session also has {rdp-weaknesses}.}",
		.server_settings = "Windows XP / Server 2003 or older, or an "
		    "embedded or third-party RDP server without Enhanced RDP "
		    "Security.",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "Upgrade or replace the server with one "
				"that supports TLS and NLA, then require "
				"them (SecurityLayer 2, UserAuthentication "
				"1)."),
			STEP(XRDP,
			    .text = "A current xrdp answers RDP_NEG_REQ with "
				"negotiation data: if this server is xrdp, "
				"upgrade it and set security_layer=tls in "
				XRDP_INI "."),
			STEP(FREERDP,
			    .text = "A current one answers RDP_NEG_REQ with "
				"negotiation data: if this server is one, "
				"upgrade it and start it with NLA "
				"(freerdp-shadow-cli /sec:nla)."),
			STEP(ANY,
			    .text = "Until then, allow access to it only "
				"through a VPN, an RD Gateway or a firewall "
				"rule limited to administrators."),
			STEP(ANY, .less_secure = 1,
			    .text = "Less secure workaround: allow Standard "
				"RDP Security in the client for this host "
				"only (FreeRDP /sec:rdp).")),
		.references = REFS(
			REF_SEND_CC, REF_CC, REF_STANDARD) } },

	/* 3.3.5.3.1/3.3.5.3.2: no RDP_NEG_REQ, Standard RDP Security. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_LEGACY),
		.yes = RDPNEG_FACT(LEGACY_REQUEST) },
	  .diagnosis = {
		.id = "legacy-client",
		.class = RDPNEG_CLASS_INSECURE,
		.class_if_silent = RDPNEG_CLASS_BLOCKED,
		.summary = "The client sent no RDP_NEG_REQ and the server "
		    "accepted Standard RDP Security: the connection works but "
		    "TLS and NLA do not protect it.",
		.confidence = RDPNEG_CONFIDENCE_HIGH,
		.confidence_why = "Neither PDU carries negotiation data, which "
		    "MS-RDPBCGR 3.3.5.3.1 and 3.3.5.3.2 define as a Standard "
		    "RDP Security connection.",
		.explanation = "The client's Connection Request carried no "
		    "RDP_NEG_REQ, so it offered only Standard RDP Security; "
		    "the server confirmed without negotiation data, and the "
		    "connection end was {end}."
		    "{?rdp-weak: The session also has {rdp-weaknesses}.}",
		.server_settings = "Windows: SecurityLayer 0 or 1 with "
		    "UserAuthentication 0 (a server requiring TLS or NLA drops "
		    "such a request). xrdp answers any such request this way "
		    "and closes it afterwards if TLS is required. Client: "
		    "FreeRDP /sec:rdp, old rdesktop or a legacy tool.",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "Require TLS and NLA (the secure setting; "
				"such clients are then refused):",
			    .command = CMD_TLS_NLA),
			STEP_GPO_TLS_NLA,
			STEP(ANY,
			    .text = "Update the client or remove the option "
				"that forces Standard RDP Security (FreeRDP "
				"/sec:rdp; replace old rdesktop with a current "
				"client)."),
			STEP_XRDP_TLS,
			STEP_FREERDP_SERVER),
		.references = REFS(
			REF_CR, REF_PROCESS_CR, REF_SEND_CC, REF_STANDARD,
			REF_GPO_LAYER) } },

	/* 2.2.1.2: the answer to the CR is not an X.224 CC at all. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_NO_RESPONSE),
		.yes = RDPNEG_FACT(NON_RDP_ANSWER) },
	  .precedes = PRECEDES("request-dropped-unsupported",
		"request-dropped-unsupported-flags", "legacy-request-dropped",
		"server-closed-without-answer", "client-gave-up",
		"no-answer-in-capture"),
	  .diagnosis = {
		.id = "not-an-rdp-server",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The service on this port answered the RDP request "
		    "with something other than an X.224 Connection Confirm, "
		    "so it is not a Remote Desktop server.",
		.confidence = RDPNEG_CONFIDENCE_HIGH,
		.confidence_why = "Every RDP server answers a Connection "
		    "Request with a TPKT-framed X.224 Connection Confirm "
		    "(MS-RDPBCGR 2.2.1.2); these bytes are not one.",
		.explanation = "The client requested {requested}; the server "
		    "sent data that is not a Connection Confirm and the "
		    "connection end was {end}.",
		.server_settings = "Another service (a web server, an SSH "
		    "daemon, an industrial protocol, an RD Gateway expecting "
		    "HTTPS) listens on the port the client used, or a proxy in "
		    "the path answers for it.",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "Check which program listens on the port "
				"the client used:",
			    .command = CMD_WIN_LISTENERS),
			STEP(WINDOWS,
			    .text = "Point the client at the Remote Desktop "
				"port, 3389 unless PortNumber says otherwise:",
			    .command = CMD_RD_PORT),
			STEP(XRDP,
			    .text = "Check which program listens on the port "
				"the client used, and xrdp's own port (port= "
				"in " XRDP_INI "):",
			    .command = CMD_LISTENERS "\n" CMD_XRDP_PORT),
			STEP(FREERDP,
			    .text = "Check which program listens on the port "
				"the client used; a FreeRDP-based server "
				"listens on 3389 unless started with /port:",
			    .command = CMD_LISTENERS),
			STEP(ANY,
			    .text = "Use an RD Gateway through the client's "
				"gateway setting, not as a direct RDP target."),
			STEP(ANY,
			    .text = "If a load balancer or TLS offloader "
				"fronts the server, make it pass RDP "
				"(TPKT/X.224) through unchanged.")),
		.references = closed_refs } },

	/* 2.2.1.1.1 PROTOCOL_RDSAAD (0x10): xrdp drops it, no CC. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_NO_RESPONSE),
		.ends = SERVER_CLOSED,
		.req_any = RDPNEG_PROTOCOL_RDSAAD },
	  .precedes = PRECEDES("request-dropped-unsupported-flags",
		"server-closed-without-answer", "no-answer-in-capture"),
	  .diagnosis = {
		.id = "request-dropped-unsupported",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server closed the connection without answering "
		    "a request that included RDSAAD (Microsoft Entra ID "
		    "sign-in), which servers such as xrdp do not accept.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "xrdp drops requests with requestedProtocols "
		    "above 0xB without a Connection Confirm (from its code); "
		    "other servers were not checked.",
		.explanation = "The client requested {requested}, including "
		    "RDSAAD (0x10); the server sent no Connection Confirm and "
		    "the connection end was {end}.",
		.server_settings = "xrdp (any security_layer), or another "
		    "server that does not know PROTOCOL_RDSAAD and drops the "
		    "request instead of answering.",
		.remediation = STEPS(
			STEP(ANY,
			    .text = "For this server, let the client request "
				"without RDSAAD{!offered-credssp:, offering "
				"TLS and CredSSP instead} (FreeRDP: /sec:nla, "
				"not /sec:aad; mstsc: clear \"Use a web "
				"account to sign in\")."),
			STEP(WINDOWS,
			    .text = "If Microsoft Entra ID sign-in is "
				"required, connect to a Windows host that "
				"supports it."),
			STEP(XRDP,
			    .text = "xrdp drops requests with protocols it "
				"does not know; its log names the rejected "
				"request:",
			    .command = CMD_XRDP_LOG),
			STEP_FREERDP_LOG),
		.references = REFS(
			REF_NEG_REQ " (PROTOCOL_RDSAAD)",
			REF_SEND_CC, REF_XRDP_ISO) } },

	/* 2.2.1.1.1 REDIRECTED_AUTHENTICATION_MODE_REQUIRED: same drop. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_NO_RESPONSE),
		.ends = SERVER_CLOSED,
		.req_flags_any =
		    RDPNEG_REQ_REDIRECTED_AUTHENTICATION_MODE_REQUIRED },
	  .precedes = PRECEDES("server-closed-without-answer",
		"no-answer-in-capture"),
	  .diagnosis = {
		.id = "request-dropped-unsupported-flags",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server closed the connection without answering "
		    "a request for Remote Credential Guard "
		    "(REDIRECTED_AUTHENTICATION_MODE_REQUIRED), which servers "
		    "such as xrdp do not accept.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "xrdp drops requests with flags other than "
		    "0x01 and 0x08 without a Connection Confirm (from its "
		    "code); other servers were not checked.",
		.explanation = "The client requested {requested} with the flag "
		    "REDIRECTED_AUTHENTICATION_MODE_REQUIRED (0x02); the "
		    "server sent no Connection Confirm and the connection end "
		    "was {end}.",
		.server_settings = "xrdp, or another server without Remote "
		    "Credential Guard support.",
		.remediation = STEPS(
			STEP(ANY,
			    .text = "Connect to this server without Remote "
				"Credential Guard: mstsc without /remoteGuard, "
				"and no policy \"Restrict delegation of "
				"credentials to remote servers\" requiring it "
				"for this host."),
			STEP(WINDOWS,
			    .text = "Use Remote Credential Guard only with "
				"Windows targets that support it (Windows 10 "
				"/ Server 2016 or later)."),
			STEP(XRDP,
			    .text = "xrdp drops requests with flags other "
				"than 0x01 and 0x08; its log names the "
				"rejected request:",
			    .command = CMD_XRDP_LOG),
			STEP_FREERDP_LOG),
		.references = REFS(
			REF_NEG_REQ " "
			    "(REDIRECTED_AUTHENTICATION_MODE_REQUIRED)",
			REF_SEND_CC, REF_XRDP_ISO,
			"Group Policy: Restrict delegation of credentials to "
			    "remote servers") } },

	/* 3.3.5.3.1: no failure code can answer a legacy request. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_NO_RESPONSE),
		.ends = SERVER_CLOSED,
		.yes = RDPNEG_FACT(LEGACY_REQUEST) },
	  .precedes = PRECEDES("server-closed-without-answer",
		"no-answer-in-capture"),
	  .diagnosis = {
		.id = "legacy-request-dropped",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The client sent no RDP_NEG_REQ to a server that "
		    "requires TLS or NLA, and the server, unable to send a "
		    "failure code to such a client, closed the connection.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "MS-RDPBCGR 3.3.5.3.1 leaves no failure code "
		    "for a request without RDP_NEG_REQ and FreeRDP logs show "
		    "the reset, but Windows' exact packets are unverified.",
		.explanation = "The client's Connection Request had no "
		    "RDP_NEG_REQ (Standard RDP Security only); the server sent "
		    "no Connection Confirm and the connection end was {end}. "
		    "FreeRDP then reports ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED "
		    "or ERRCONNECT_CONNECT_TRANSPORT_FAILED.",
		.server_settings = "Windows: SecurityLayer 2 and/or "
		    "UserAuthentication 1 (the secure settings). The client is "
		    "FreeRDP /sec:rdp, the last step of FreeRDP 2.x's fallback, "
		    "or old rdesktop.",
		.remediation = STEPS(
			STEP(ANY,
			    .text = "Keep the server strict and fix the client "
				"(the secure choice): FreeRDP without "
				"/sec:rdp, or with /sec:nla; replace old "
				"rdesktop with a current client."),
			STEP(ANY,
			    .text = "If this attempt ends a fallback chain, "
				"read the chain's first attempt: its failure "
				"code names the server's real requirement."),
			STEP_CHECK_WINDOWS,
			STEP(XRDP,
			    .text = "It answers such a request with a "
				"Connection Confirm rather than closing: check "
				"that xrdp runs, then read its log:",
			    .command = CMD_XRDP_STATUS "\n" CMD_XRDP_LOG),
			STEP(FREERDP,
			    .text = "It answers such a request with "
				"RDP_NEG_FAILURE rather than closing: run it "
				"with WLOG_LEVEL=DEBUG and read why it "
				"closed."),
			STEP(WINDOWS, .less_secure = 1,
			    .text = "Less secure workaround, only for a legacy "
				"client: SecurityLayer 1 with "
				"UserAuthentication 0 accepts Standard RDP "
				"Security:",
			    .command = CMD_SET_LAYER(1) "\n" CMD_SET_NLA(0))),
		.references = REFS(
			REF_PROCESS_CR, REF_SEND_CC, REF_CR, REF_GPO_LAYER,
			REF_GPO_NLA) } },

	/* 3.3.5.3.1: the server may drop a request it will not serve. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_NO_RESPONSE),
		.ends = SERVER_CLOSED },
	  .precedes = PRECEDES("no-answer-in-capture"),
	  .diagnosis = {
		.id = "server-closed-without-answer",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server closed the connection after the client's "
		    "request without a Connection Confirm, so the service "
		    "behind the port rejected the request or could not handle "
		    "it.",
		.confidence = RDPNEG_CONFIDENCE_LOW,
		.confidence_why = "The capture only shows that the server "
		    "closed; causes range from an unsupported request to an "
		    "overloaded service or a proxy refusing the target.",
		.explanation = "The client requested {requested}; the server "
		    "sent no Connection Confirm and the connection end was "
		    "{end}.",
		.server_settings = "Possibly: Windows dropping a request it "
		    "considers invalid, the Remote Desktop service overloaded "
		    "or filtered, an RD Connection Broker or proxy refusing "
		    "the routing token, or a non-RDP service on the port.",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "Read the Remote Desktop service's log "
				"at the time of the attempt:",
			    .command = CMD_RCM_LOG),
			STEP(WINDOWS,
			    .text = "Confirm that the program listening on the "
				"port is the Remote Desktop service "
				"(svchost):",
			    .command = CMD_WIN_LISTENERS),
			STEP_XRDP_LOG,
			STEP_FREERDP_LOG,
			STEP(ANY,
			    .text = "Retry with a standard request (mstsc, or "
				"FreeRDP without /sec:) to rule out an unusual "
				"request from this client."),
			STEP(ANY,
			    .text = "Capture on the server's side to find a "
				"firewall, IPS or proxy that resets RDP "
				"connections.")),
		.references = closed_refs } },

	/* 2.2.1.2: no Connection Confirm before the client closed. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_NO_RESPONSE),
		.ends = CLIENT_CLOSED },
	  .precedes = PRECEDES("no-answer-in-capture"),
	  .diagnosis = {
		.id = "client-gave-up",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The client closed the connection before the server "
		    "answered its request, so the server was slow or the "
		    "client was interrupted.",
		.confidence = RDPNEG_CONFIDENCE_LOW,
		.confidence_why = "Only the client's close is visible; a slow "
		    "server, a slow path and a cancelled client look the "
		    "same.",
		.explanation = "The client requested {requested}; no "
		    "Connection Confirm arrived before the client closed "
		    "(connection end {end}).",
		.server_settings = "Not a security setting: a server too busy "
		    "to answer, a slow path, or a client with a short timeout "
		    "or cancelled by the user.",
		.remediation = STEPS(
			STEP(ANY,
			    .text = "Check whether the server answered other "
				"clients at that time, and how loaded it "
				"was."),
			STEP(WINDOWS,
			    .text = "Read the Remote Desktop service's log "
				"at the time of the attempt:",
			    .command = CMD_RCM_LOG),
			STEP_XRDP_LOG,
			STEP_FREERDP_LOG,
			STEP(ANY,
			    .text = "Measure the round-trip time and retry "
				"with a longer client timeout (FreeRDP "
				"/timeout: in milliseconds)."),
			STEP(ANY,
			    .text = "If the client is a script or monitoring "
				"probe, make it wait for the Connection "
				"Confirm.")),
		.references = no_answer_refs } },

	/* 2.2.1.2: no Connection Confirm and no close in the capture. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_NO_RESPONSE) },
	  .diagnosis = {
		.id = "no-answer-in-capture",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "No Connection Confirm appears before the capture "
		    "ends, so the server is hung or the capture stopped too "
		    "early.",
		.confidence = RDPNEG_CONFIDENCE_LOW,
		.confidence_why = "The capture ends while the connection is "
		    "still open, so the answer may simply be missing from it.",
		.explanation = "The client requested {requested}; no "
		    "Connection Confirm was captured, and the connection was "
		    "{end} when the capture ended.",
		.server_settings = "Not determined: the Remote Desktop service "
		    "may be hung, or its answer lies outside the capture.",
		.remediation = STEPS(
			STEP(ANY,
			    .text = "Capture longer: start before the client "
				"connects and stop after it reports the "
				"error."),
			STEP(WINDOWS,
			    .text = "Read the Remote Desktop service's log "
				"at the time of the attempt:",
			    .command = CMD_RCM_LOG),
			STEP(WINDOWS,
			    .text = "If the server really does not answer, "
				"restart Remote Desktop Services at a quiet "
				"time (this ends sessions):",
			    .command = CMD_TS_RESTART),
			STEP(XRDP,
			    .text = "If xrdp really does not answer, read its "
				"log and restart it at a quiet time (this "
				"ends sessions):",
			    .command = CMD_XRDP_LOG "\n" CMD_XRDP_RESTART),
			STEP_FREERDP_LOG),
		.references = no_answer_refs } },

	/* TCP: the SYN was answered by a reset. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_REFUSED) },
	  .diagnosis = {
		.id = "port-closed",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server refused the TCP connection: nothing "
		    "listens on the RDP port, Remote Desktop is disabled or "
		    "stopped, or a firewall rejects it.",
		.confidence = RDPNEG_CONFIDENCE_HIGH,
		.confidence_why = "A SYN answered by a reset means no process "
		    "accepted the connection on that port, or a device in the "
		    "path rejected it.",
		.explanation = "The client's TCP connection attempt was "
		    "answered with a reset (outcome {outcome}); no RDP data "
		    "was exchanged.",
		.server_settings = "Remote Desktop disabled "
		    "(fDenyTSConnections 1), TermService stopped, RDP on "
		    "another port (PortNumber), xrdp not running, or a "
		    "firewall rule that rejects.",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "Check the service and the port it "
				"listens on:",
			    .command = "Get-Service TermService\n"
				CMD_RD_PORT),
			STEP(WINDOWS,
			    .text = "Check that Remote Desktop is enabled "
				"(fDenyTSConnections 0; System Properties > "
				"Remote enables it):",
			    .command = "Get-ItemProperty -Path '" TS_KEY "' "
				"-Name fDenyTSConnections"),
			STEP(WINDOWS,
			    .text = "Check the firewall rules:",
			    .command = CMD_WIN_FIREWALL),
			STEP(XRDP,
			    .text = "Check that xrdp runs, and the port it "
				"listens on:",
			    .command = CMD_XRDP_STATUS "\n" CMD_XRDP_PORT),
			STEP(FREERDP,
			    .text = "Check that the server runs and listens "
				"where the client connects (freerdp-shadow-cli "
				"/port: and /bind-address:):",
			    .command = CMD_LISTENERS)),
		.references = REFS(
			"RFC 9293 section 3.5.2 (reset generation)",
			"Group Policy: Allow users to connect remotely by "
			    "using Remote Desktop Services") } },

	/* TCP: the SYN was never answered. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_UNANSWERED) },
	  .diagnosis = {
		.id = "port-filtered",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The TCP connection attempt was never answered, so "
		    "a firewall drops it, the address is wrong, or the host "
		    "is down.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "An unanswered SYN fits a dropping firewall, "
		    "a wrong address and a host that is down equally well.",
		.explanation = "The client's TCP connection attempt got no "
		    "answer (outcome {outcome}).",
		.server_settings = "A host or network firewall dropping the "
		    "RDP port, a stale DNS entry, or the server being off.",
		.remediation = STEPS(
			STEP(ANY,
			    .text = "From the client's network, test the "
				"server's address and port (PowerShell "
				"Test-NetConnection with -ComputerName and "
				"-Port, or nc -vz)."),
			STEP(WINDOWS,
			    .text = "Check the server's firewall rules, and "
				"any network firewall or security group in "
				"between:",
			    .command = CMD_WIN_FIREWALL),
			STEP(XRDP,
			    .text = "Check the server's firewall and the port "
				"xrdp listens on (port= in " XRDP_INI "):",
			    .command = "sudo nft list ruleset\n"
				CMD_XRDP_PORT),
			STEP(FREERDP,
			    .text = "Check the server's firewall and that the "
				"server listens on the port the client uses "
				"(freerdp-shadow-cli /port:):",
			    .command = "sudo nft list ruleset\n"
				CMD_LISTENERS),
			STEP(ANY,
			    .text = "Keep the port closed to the Internet: "
				"reach it through a VPN or an RD Gateway "
				"rather than opening it widely.")),
		.references = REFS(
			"RFC 9293 section 3.5 (connection establishment)") } },

	/* ---- After the negotiation: the TLS handshake (MS-RDPBCGR 5.4.5.1,
	 * RFC 8446) and CredSSP (MS-CSSP 3.1.5), README "After the
	 * negotiation".  All need a requested protocol selected. */

	/* RFC 8446 4.2.1, 6.2: no TLS version in common. */
	{ .match = TLS_PHASE(TLS_VERSION_REFUSED),
	  .precedes = PRECEDES_TLS_PHASE,
	  .diagnosis = {
		.id = "tls-version-mismatch",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The negotiation succeeded but the TLS handshake "
		    "failed: the client and the server have no TLS version "
		    "in common.",
		.confidence = RDPNEG_CONFIDENCE_HIGH,
		.confidence_why = "The protocol_version alert (RFC 8446 6.2) "
		    "is sent in clear and names the cause; the versions each "
		    "side allows beyond those on the wire are in its "
		    "configuration.",
		.explanation = "{!direct-tls:The client requested {requested}; the "
		    "server selected {selected}; }{?direct-tls:The client "
		    "began with TLS at once, no negotiation in clear (the "
		    "Direct Approach); }the client's TLS hello offered "
		    "{tls-offered}{?tls-server-hello:; the server chose "
		    "{tls-version} and the client refused it with a "
		    "{client-alert} alert}{!tls-server-hello:; the server "
		    "refused them with a {server-alert} alert}; the "
		    "connection end was {end}.",
		.server_settings = "{!tls-server-hello:A server that allows "
		    "none of the client's versions: Windows with TLS 1.2 "
		    "disabled under SCHANNEL\\Protocols, or Windows Server "
		    "2008 R2 without its TLS 1.2 update (KB3080079); xrdp "
		    "with ssl_protocols= narrower than the client (e.g. "
		    "TLSv1.3 only).}{?tls-server-hello:A server limited to a "
		    "version the client no longer accepts (an old Windows or "
		    "xrdp ssl_protocols=TLSv1), below the client's floor "
		    "(OpenSSL 3's security level, FreeRDP /tls-seclevel, an "
		    "OpenSSL MinProtocol).}",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "Enable TLS 1.2 (the secure choice): this "
				"key must not hold Enabled 0 or "
				"DisabledByDefault 1:",
			    .command = CMD_READ_TLS12),
			STEP(WINDOWS,
			    .text = "Windows Server 2008 R2 needs update "
				"KB3080079 for RDP over TLS 1.2; after any "
				"change restart Remote Desktop Services (this "
				"ends sessions):",
			    .command = CMD_TS_RESTART),
			STEP(XRDP,
			    .text = "Allow TLS 1.2 and 1.3 in " XRDP_INI
				" and restart xrdp:",
			    .command = CMD_XRDP_SET("ssl_protocols",
				"TLSv1.2, TLSv1.3") "\n" CMD_XRDP_RESTART),
			STEP(FREERDP,
			    .text = "A FreeRDP-based server follows OpenSSL's "
				"configuration: read its MinProtocol and "
				"MaxProtocol:",
			    .command = CMD_OPENSSL_PROTOCOLS),
			STEP(ANY, .when = { .no = FACT(TLS_SERVER_HELLO) },
			    .text = "On the client, check that its TLS "
				"settings do not cap the version (FreeRDP: an "
				"OpenSSL MaxProtocol in OPENSSL_CONF)."),
			STEP(ANY, .less_secure = 1,
			    .when = { .yes = FACT(TLS_SERVER_HELLO) },
			    .text = "Less secure: let the client accept the "
				"old version (FreeRDP /tls-seclevel:0) only "
				"until the server is updated.")),
		.references = REFS(
			REF_ENHANCED, REF_TLS_VERSIONS, REF_TLS_ALERTS,
			"Microsoft KB3080079: TLS 1.1 and 1.2 for Remote "
			"Desktop Services on Windows 7 and Server 2008 R2") } },

	/* RFC 8446 4.1.1: no suite (or signature algorithm) in common. */
	{ .match = TLS_PHASE(TLS_CIPHER_REFUSED),
	  .precedes = PRECEDES_TLS_PHASE,
	  .diagnosis = {
		.id = "tls-no-common-cipher",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The negotiation succeeded but the TLS handshake "
		    "failed: {!tls-server-hello:the server accepts none of "
		    "the cipher suites the client offered}{?tls-server-hello:"
		    "the client refused the cipher suite the server chose}.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "A handshake_failure or "
		    "insufficient_security alert before any ServerHello means "
		    "the server found no acceptable parameters (RFC 8446 "
		    "4.1.1): the cipher suites as a rule, sometimes the "
		    "signature algorithms or groups; only the server's log "
		    "says which.",
		.explanation = "{!direct-tls:The client requested {requested}; the "
		    "server selected {selected}; }{?direct-tls:The client "
		    "began with TLS at once, no negotiation in clear (the "
		    "Direct Approach); }the client's TLS hello offered "
		    "{tls-offered} and {tls-suites}{!tls-server-hello:; the "
		    "server answered with a {server-alert} alert}"
		    "{?tls-server-hello:; the server chose {tls-suite} and the "
		    "client answered with a {client-alert} alert}; the "
		    "connection end was {end}.",
		.server_settings = "A restricted suite list: Windows' SSL "
		    "Cipher Suite Order policy or FIPS mode (Schannel event "
		    "36874), xrdp's tls_ciphers= in xrdp.ini, or a list that "
		    "does not fit the certificate's key (ECDSA suites only, "
		    "with an RSA key).",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "List the suites the server enables (the "
				"secure choice keeps the ECDHE AES-GCM suites "
				"current clients offer):",
			    .command = "Get-TlsCipherSuite | Format-Table "
				"Name"),
			STEP(WINDOWS,
			    .text = "A Group Policy SSL Cipher Suite Order "
				"overrides that list; read it:",
			    .command = CMD_CIPHER_POLICY),
			STEP(WINDOWS,
			    .text = "Schannel logs the refusal as event 36874 "
				"or 36888:",
			    .command = CMD_SCHANNEL_EVENTS),
			STEP(XRDP,
			    .text = "Drop the tls_ciphers= restriction (or list "
				"suites the clients offer) and restart xrdp; "
				"its log says \"no shared cipher\":",
			    .command = "sudo sed -i 's/^tls_ciphers=/"
				"#tls_ciphers=/' " XRDP_INI "\n"
				CMD_XRDP_RESTART),
			STEP(FREERDP,
			    .text = "Check the server's OpenSSL CipherString "
				"and its certificate's key type:",
			    .command = CMD_OPENSSL_PROTOCOLS),
			STEP(ANY, .less_secure = 1,
			    .text = "Less secure: enable an older suite on "
				"the client only while the server cannot be "
				"changed.")),
		.references = REFS(
			REF_ENHANCED, "RFC 8446 4.1.1 Cryptographic Negotiation",
			REF_TLS_ALERTS, "Group Policy: SSL Cipher Suite Order") } },

	/* The server closed on the ClientHello, without a word. */
	{ .match = TLS_PHASE(TLS_SERVER_ABORTED),
	  .precedes = PRECEDES_TLS_PHASE,
	  .diagnosis = {
		.id = "tls-server-aborted",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The negotiation succeeded, then the server closed "
		    "the connection on the client's TLS hello without "
		    "answering it: it cannot run TLS, as a rule because its "
		    "certificate or private key is unusable.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "A server that refuses the client's "
		    "parameters says so with an alert (RFC 8446 6.2); closing "
		    "with neither a ServerHello nor an alert is Windows' "
		    "\"An internal error has occurred\" case. No peer here "
		    "does it: the rule rests on a synthetic capture.",
		.explanation = "{!direct-tls:The client requested {requested}; the "
		    "server selected {selected}; }{?direct-tls:The client "
		    "began with TLS at once, no negotiation in clear (the "
		    "Direct Approach); }the client's TLS hello offered "
		    "{tls-offered} and {tls-suites}; the server then closed "
		    "the connection ({end}) with no ServerHello and no "
		    "alert.",
		.server_settings = "Windows: the certificate named by "
		    "SSLCertificateSHA1Hash is gone, expired or its private "
		    "key unreadable (MachineKeys permissions), often after a "
		    "renewal (events 1057, 1058, 36870). xrdp: certificate= "
		    "and key_file= that do not belong together.",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "Read which certificate the listener uses "
				"and check that the store holds it:",
			    .command = "(" CMD_TS_WMI
				").SSLCertificateSHA1Hash\n" CMD_RD_CERTS),
			STEP(WINDOWS,
			    .text = "Events 1057 and 1058 (certificate) and "
				"36870 (private key) say why:",
			    .command = CMD_RCM_EVENTS "\n"
				CMD_SCHANNEL_KEY_EVENTS),
			STEP(WINDOWS,
			    .text = "Let the service make a new self-signed "
				"certificate (then deploy a CA-issued one): "
				"remove the stale one and restart the service, "
				"which ends sessions:",
			    .command = "Remove-Item -Path "
				"'Cert:\\LocalMachine\\Remote Desktop\\*'\n"
				CMD_TS_RESTART),
			STEP(WINDOWS,
			    .text = "When event 36870 names the key, give "
				"NETWORK SERVICE read access to its file in "
				"C:\\ProgramData\\Microsoft\\Crypto\\RSA\\"
				"MachineKeys."),
			STEP_XRDP_CERT,
			STEP_XRDP_LOG,
			STEP(FREERDP,
			    .text = "Check the server's certificate and key "
				"(freerdp-shadow-cli keeps them here):",
			    .command = CMD_SHADOW_CERT)),
		.references = REFS(
			REF_ENHANCED, REF_TLS_ALERTS,
			"Microsoft: Remote Desktop \"An internal error has "
			"occurred\"",
			"Win32_TSGeneralSetting.SSLCertificateSHA1Hash") } },

	/* The client saw the certificate and went no further. */
	{ .match = TLS_PHASE(TLS_CERT_REJECTED),
	  .precedes = PRECEDES_TLS_PHASE,
	  .diagnosis = {
		.id = "tls-certificate-rejected",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The TLS handshake {?tls-established:completed}"
		    "{!tls-established:reached the server's certificate}, "
		    "then the client closed without sending anything: it did "
		    "not accept the server's certificate.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "A client that accepts the certificate "
		    "sends its first data (CredSSP or MCS) at once; FreeRDP "
		    "(/cert:deny, an untrusted certificate) and rdesktop (its "
		    "prompt answered no) close instead, as seen on loopback; "
		    "a scanner that only collects certificates closes the "
		    "same way. "
		    "{?tls-1-3:Under TLS 1.3 the certificate is encrypted: "
		    "its problem is inferred, not read.}{!tls-1-3:The "
		    "certificate's problems are read from it, at the time of "
		    "the connection.}",
		.explanation = "{!direct-tls:The client requested {requested}; the "
		    "server selected {selected}; }{?direct-tls:The client "
		    "began with TLS at once, no negotiation in clear (the "
		    "Direct Approach); }{tls-version} with "
		    "{tls-suite}; the certificate's problems: "
		    "{cert-problems}; {?client-tls-alert:the client sent a "
		    "{client-alert} alert and }{!client-tls-alert:the client "
		    "sent no alert and }closed the connection ({end}) without "
		    "sending data.",
		.server_settings = "A certificate the client does not trust: "
		    "Windows' self-signed Remote Desktop certificate, xrdp's "
		    "snakeoil or self-made one, an expired one, or one for "
		    "another name. Client: FreeRDP without /cert:ignore or "
		    "with /cert:deny, mstsc with AuthenticationLevel 1, "
		    "rdesktop told no.",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "Give the server a certificate from a CA "
				"the clients trust, for the name they connect "
				"to (the secure choice); list the candidates:",
			    .command = "Get-ChildItem Cert:\\LocalMachine\\My "
				"| Format-List Subject,NotAfter,Thumbprint"),
			STEP(WINDOWS,
			    .text = "Group Policy can enroll and bind it: the "
				"Remote Desktop Session Host > Security "
				"policy \"Server authentication certificate "
				"template\"."),
			STEP(XRDP,
			    .text = "Point certificate= and key_file= at a "
				"CA-issued certificate for the server's name, "
				"readable by xrdp, and restart it:",
			    .command = "grep -E '^(certificate|key_file)=' "
				XRDP_INI "\n" CMD_XRDP_RESTART),
			STEP(FREERDP,
			    .text = "Replace the server's self-made "
				"certificate with a CA-issued one "
				"(freerdp-shadow-cli reads it from here):",
			    .command = CMD_SHADOW_CERT),
			STEP(ANY,
			    .text = "Or have the client trust this one after "
				"checking its SHA-256 fingerprint out of band "
				"(FreeRDP: ~/.config/freerdp/known_hosts2)."),
			STEP(ANY, .less_secure = 1,
			    .text = "Less secure: accept any certificate "
				"(FreeRDP /cert:ignore), which gives up "
				"authenticating the server.")),
		.references = REFS(
			REF_ENHANCED, "RFC 8446 4.4.2 Certificate",
			"RFC 5280 4.1.2.5 Validity",
			"Group Policy: Server authentication certificate "
			"template") } },

	/* MS-CSSP 3.1.5: the server refused the client's authentication. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_SELECTED),
		.yes = RDPNEG_FACT(SELECTED_CREDSSP) |
		    RDPNEG_FACT(CREDSSP_REFUSED),
		.no = RDPNEG_FACT(NOT_REQUESTED) },
	  .precedes = PRECEDES("negotiated"),
	  .diagnosis = {
		.id = "nla-logon-failed",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "TLS and the negotiation succeeded, then the server "
		    "refused the client's NLA (CredSSP) logon: wrong "
		    "credentials, or an account that may not log on this "
		    "way.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "Inferred from the encrypted records' "
		    "lengths (MS-CSSP 3.1.5): {?credssp-error:the server "
		    "answered with {credssp-plaintext} of plaintext, the size "
		    "of a TSRequest that carries only an errorCode}"
		    "{!credssp-error:the server closed when it was its turn "
		    "to answer}. Which NTSTATUS (wrong password, locked, "
		    "expired, restricted) is encrypted: only the session's "
		    "keys tell.",
		.explanation = "The client requested {requested}; the server "
		    "selected {selected}; {tls-version} with "
		    "{tls-suite}; CredSSP got as far as \"{credssp}\" "
		    "(inferred); the connection end was {end}.",
		.server_settings = "The account, not a server setting: a "
		    "wrong password; a locked, disabled or expired account; "
		    "a password that must change; a logon restriction (a "
		    "Protected Users member may not use NTLM). A "
		    "FreeRDP-based server: the user is missing from its SAM "
		    "file.",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "Read the failed logon's reason (event "
				"4625: Status and Sub Status):",
			    .command = CMD_LOGON_FAILURES),
			STEP(WINDOWS,
			    .text = "Check the account: enabled, not locked, "
				"password not expired:",
			    .command = "Get-LocalUser | Format-Table Name,"
				"Enabled,PasswordExpires,LastLogon"),
			STEP(WINDOWS,
			    .text = "Accounts that may not use NTLM (Protected "
				"Users, NTLM restricted) need Kerberos: connect "
				"by the server's DNS name from a domain-joined "
				"client."),
			STEP_XRDP_NO_NLA,
			STEP(FREERDP,
			    .text = "Add the user to the server's SAM file "
				"(user:domain:LM hash:NT hash:::); its log "
				"says \"Could not find user in SAM "
				"database\"."),
			STEP(ANY,
			    .text = "For the exact NTSTATUS, reproduce with "
				"FreeRDP 3 /tls:secrets-file: and open the "
				"capture in Wireshark with that key log.")),
		.references = REFS(
			REF_CSSP_SEQUENCE, "MS-CSSP 2.2.1 TSRequest",
			REF_ENHANCED) } },

	/* MS-RDPBCGR 2.2.10.2: HYBRID_EX's result refused the user. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_SELECTED),
		.yes = RDPNEG_FACT(SELECTED_CREDSSP) |
		    RDPNEG_FACT(CREDSSP_DENIED),
		.no = RDPNEG_FACT(NOT_REQUESTED) },
	  .precedes = PRECEDES("negotiated"),
	  .diagnosis = {
		.id = "nla-access-denied",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "NLA succeeded, then the server's Early User "
		    "Authorization Result refused the user: the account may "
		    "not log on through Remote Desktop Services.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "Inferred: after the client's credentials "
		    "the server sent {credssp-plaintext} of plaintext, the "
		    "4-byte Early User Authorization Result (MS-RDPBCGR "
		    "2.2.10.2), and the client went no further; after "
		    "SUCCESS it goes on to MCS (3.2.5.10.2). No peer here "
		    "denies: the rule rests on a synthetic capture.",
		.explanation = "The client requested {requested}; the server "
		    "selected {selected}; {tls-version}; CredSSP got as "
		    "far as \"{credssp}\" (inferred); the connection end was "
		    "{end}.",
		.server_settings = "Windows: the user is not in Remote "
		    "Desktop Users (nor Administrators), or \"Deny log on "
		    "through Remote Desktop Services\" applies, or \"Allow "
		    "log on through Remote Desktop Services\" leaves them "
		    "out.",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "Check that the user is in Remote Desktop "
				"Users (Add-LocalGroupMember adds them):",
			    .command = "Get-LocalGroupMember -Group "
				"'Remote Desktop Users'"),
			STEP(WINDOWS,
			    .text = "Check the rights SeRemoteInteractiveLogon"
				"Right and SeDenyRemoteInteractiveLogonRight "
				"(User Rights Assignment):",
			    .command = CMD_RDS_RIGHTS),
			STEP(ANY,
			    .text = "The client's error confirms it: FreeRDP "
				"ERRCONNECT_ACCESS_DENIED; mstsc \"the user "
				"account is not authorized for remote "
				"login\"."),
			STEP_XRDP_NO_NLA,
			STEP_FREERDP_LOG),
		.references = REFS(
			"MS-RDPBCGR 2.2.10.2 Early User Authorization Result "
			"PDU",
			"MS-RDPBCGR 3.2.5.10.2 Processing Early User "
			"Authorization Result PDU",
			REF_CSSP_SEQUENCE) } },

	/* MS-CSSP 3.1.5: the client stopped on its turn. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_SELECTED),
		.yes = RDPNEG_FACT(SELECTED_CREDSSP) |
		    RDPNEG_FACT(CREDSSP_GAVE_UP),
		.no = RDPNEG_FACT(NOT_REQUESTED) },
	  .precedes = PRECEDES("negotiated"),
	  .diagnosis = {
		.id = "nla-client-gave-up",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "TLS and the negotiation succeeded, then the client "
		    "stopped inside NLA (CredSSP) when it was its turn: it "
		    "could not or would not go on with the server's answer.",
		.confidence = RDPNEG_CONFIDENCE_LOW,
		.confidence_why = "Inferred from the records' lengths and who "
		    "closed; the reason is in the client's own message: a "
		    "CredSSP encryption-oracle (CVE-2018-0886) mismatch, a "
		    "client that needs Kerberos facing NTLM, a cancelled "
		    "credential prompt, a server key that did not match, or "
		    "a certificate warning the user answered later (mstsc "
		    "then connects again: see the next attempt of the "
		    "chain).",
		.explanation = "The client requested {requested}; the server "
		    "selected {selected}; {tls-version}; CredSSP got as "
		    "far as \"{credssp}\" (inferred); then the client closed "
		    "the connection ({end}).",
		.server_settings = "Windows: a server without the May 2018 "
		    "CredSSP update facing a client set to Force Updated "
		    "Clients (AllowEncryptionOracle 0), or NTLM restricted "
		    "on one side.",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "Update the server (the secure choice: "
				"current CredSSP); its latest updates:",
			    .command = "Get-HotFix | Sort-Object InstalledOn "
				"-Descending | Select-Object -First 5"),
			STEP(WINDOWS,
			    .text = "Read AllowEncryptionOracle on the client "
				"and the server (0 Force Updated Clients, 1 "
				"Mitigated, 2 Vulnerable):",
			    .command = CMD_ENCRYPTION_ORACLE),
			STEP_XRDP_NO_NLA,
			STEP_FREERDP_LOG,
			STEP(ANY,
			    .text = "Read the client's own error (FreeRDP: "
				"WLOG_LEVEL=DEBUG names the CredSSP step)."),
			STEP(ANY, .less_secure = 1,
			    .text = "Less secure: Mitigated on the client "
				"talks to an unpatched server; undo it once the "
				"server is updated.")),
		.references = REFS(
			REF_CSSP_SEQUENCE,
			"Microsoft KB4093492: CredSSP updates for "
			"CVE-2018-0886") } },

	/* 5.4.5.1: negotiated, then the TLS handshake failed. */
	{ .match = { .outcomes = SELECTED_OR_DIRECT,
		.yes = RDPNEG_FACT(TLS_FAILED),
		.no = RDPNEG_FACT(SELECTED_RDP) | RDPNEG_FACT(NOT_REQUESTED) },
	  .precedes = PRECEDES("direct-tls", "no-request", "negotiated"),
	  .diagnosis = {
		.id = "tls-handshake-failed",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The negotiation succeeded but the TLS handshake "
		    "that follows failed: the server answered the client's "
		    "TLS hello with an alert or closed, so their TLS versions, "
		    "ciphers or the server's certificate do not fit.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "The TLS alert (or the server's close) right "
		    "after the client's hello is on the wire; which TLS "
		    "parameter was refused is inside the alert or the "
		    "server's log, not in the negotiation.",
		.explanation = "{!direct-tls:The client requested {requested}; the "
		    "server selected {selected}; }{?direct-tls:The client "
		    "began with TLS at once, no negotiation in clear (the "
		    "Direct Approach); }the client began the TLS handshake"
		    "{?tls-client-hello: offering {tls-offered}}"
		    "{?server-tls-alert: and the server answered it with a "
		    "{server-alert} alert}{!server-tls-alert:{!tls-server-hello:"
		    " and the server sent nothing back}{?tls-server-hello:; "
		    "the server chose {tls-version} and the client answered "
		    "with a {client-alert} alert}}{?server-closed:; the "
		    "server closed the connection ({end})}{?client-closed:; then the client closed the "
		    "connection ({end})}{!server-closed:{!client-closed:; the "
		    "connection was still open when the capture ended}}.",
		.server_settings = "A server limited to old TLS versions or "
		    "ciphers (Windows with TLS 1.2 disabled or not updated; "
		    "xrdp ssl_protocols=TLSv1 or restrictive tls_ciphers=), or "
		    "a certificate whose key the service cannot use.",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "Enable TLS 1.2 (the secure choice): this "
				"key must not hold Enabled 0 or "
				"DisabledByDefault 1; Windows Server 2008 R2 "
				"and 2012 need their TLS 1.2 for RDP updates:",
			    .command = CMD_READ_TLS12),
			STEP(WINDOWS,
			    .text = "After changing it, restart Remote Desktop "
				"Services (this ends sessions):",
			    .command = CMD_TS_RESTART),
			STEP(WINDOWS,
			    .when = { .no = FACT(SERVER_TLS_ALERT) },
			    .text = "A server that closes without an alert "
				"often cannot use its certificate: check the "
				"thumbprint in use and events 1057 and 1058:",
			    .command = "(" CMD_TS_WMI
				").SSLCertificateSHA1Hash\n" CMD_RCM_EVENTS),
			STEP(XRDP,
			    .text = "Allow TLS 1.2 and 1.3 and drop old cipher "
				"limits in " XRDP_INI ", and restart xrdp:",
			    .command = CMD_XRDP_SET("ssl_protocols",
				"TLSv1.2, TLSv1.3") "\n"
				"sudo sed -i 's/^tls_ciphers=/#tls_ciphers=/' "
				XRDP_INI "\n" CMD_XRDP_RESTART),
			STEP(XRDP,
			    .text = "Its log names the SSL_accept error:",
			    .command = "sudo journalctl -u xrdp | grep "
				"SSL_accept"),
			STEP(FREERDP,
			    .text = "Check the server's certificate and key "
				"(freerdp-shadow-cli keeps them here) and its "
				"log for the TLS error:",
			    .command = CMD_SHADOW_CERT),
			STEP(ANY, .less_secure = 1,
			    .text = "Less secure workaround, only for a server "
				"that cannot be updated: let the client accept "
				"old TLS (FreeRDP: /tls-seclevel:0).")),
		.references = REFS(
			REF_NEG_RSP, REF_ENHANCED,
			"RFC 8446 6 Alert Protocol") } },

	/* 5.4.2.2: TLS from the first byte, no X.224 exchange in clear. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_NO_REQUEST),
		.yes = RDPNEG_FACT(DIRECT_TLS) },
	  .precedes = PRECEDES("no-request"),
	  .diagnosis = {
		.id = "direct-tls",
		.class = RDPNEG_CLASS_OK,
		.summary = "The client began with TLS at once, without the "
		    "X.224 negotiation in clear (the Direct Approach), and "
		    "the handshake went on: what follows is inside TLS.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "TLS records from the first byte on an RDP "
		    "port are the Direct Approach (MS-RDPBCGR 5.4.2.2), or "
		    "another TLS service on that port; the server name and "
		    "the certificate say which server answered.",
		.explanation = "The client's first bytes were a TLS hello "
		    "offering {tls-offered}; {?tls-server-hello:the server "
		    "chose {tls-version} with {tls-suite}}"
		    "{!tls-server-hello:the server sent no ServerHello}; the "
		    "connection end was {end}.",
		.server_settings = "No negotiation to judge: a client or "
		    "gateway that starts TLS directly, or a TLS service other "
		    "than RDP on this port.",
		.remediation = STEPS(
			STEP(ANY,
			    .text = "If the user still could not connect, "
				"check that the client's TLS and gateway "
				"settings match the server's: this connection "
				"began TLS without the negotiation in "
				"clear.")),
		.references = REFS(
			"MS-RDPBCGR 5.4.2.2 Direct Approach", REF_ENHANCED) } },
	/* 2.2.1.1: an established connection without a Connection Request. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_NO_REQUEST) },
	  .diagnosis = {
		.id = "no-request",
		.class = RDPNEG_CLASS_NOISE,
		.summary = "A TCP connection was established but no X.224 "
		    "Connection Request followed, so the peer is not an RDP "
		    "client on this port or the capture missed the start.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "Every RDP client starts with a Connection "
		    "Request; its absence says what the peer is not, not "
		    "what it is.",
		.explanation = "The TCP handshake completed but no Connection "
		    "Request was seen (outcome {outcome}, connection end "
		    "{end}).",
		.server_settings = "No RDP setting: a TLS-first client (RD "
		    "Gateway/HTTPS) or another protocol aimed at the RDP port, "
		    "a health check that only opens the port, or a capture "
		    "started after the request.",
		.remediation = STEPS(
			STEP(ANY,
			    .text = "Check the client's target: RD Gateway "
				"traffic goes to the gateway over HTTPS (443), "
				"not to the session host's RDP port."),
			STEP(ANY,
			    .text = "Start the capture before the client "
				"connects."),
			STEP(ANY,
			    .text = "If it is a load balancer health check, "
				"ignore it or make the check a plain TCP "
				"one.")),
		.references = REFS(
			REF_CR, REF_SEQUENCE,
			"MS-TSGU Terminal Services Gateway Server Protocol") } },

	/* 2.2.1.2.1 then 5.4: TLS was selected, the client never began it. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_SELECTED),
		.req_all = RDPNEG_PROTOCOL_SSL | RDPNEG_PROTOCOL_HYBRID,
		.selected_any = RDPNEG_PROTOCOL_SSL,
		.ends = CLIENT_CLOSED,
		.yes = RDPNEG_FACT(CLIENT_SILENT),
		.no = RDPNEG_FACT(NOT_REQUESTED) },
	  .precedes = PRECEDES("negotiated"),
	  .diagnosis = {
		.id = "client-requires-nla",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The server selected TLS without NLA, which the "
		    "client listed but did not accept: the client closed "
		    "without starting TLS, as FreeRDP does with /sec:nla "
		    "against a server that does not offer CredSSP.",
		.confidence = RDPNEG_CONFIDENCE_MEDIUM,
		.confidence_why = "A client that accepts the selected protocol "
		    "starts its TLS handshake at once (MS-RDPBCGR 5.4.5.1); "
		    "closing instead is FreeRDP's answer when its enabled "
		    "protocols exclude it, seen with freerdp 2.11 /sec:nla "
		    "against xrdp and freerdp-shadow /sec:tls.",
		.explanation = "The client requested {requested}; the server "
		    "selected {selected}; the client then sent nothing and "
		    "closed the connection ({end}).",
		.server_settings = "Windows: NLA off (UserAuthentication 0) "
		    "with SecurityLayer 1 or 2. xrdp (which has no CredSSP) "
		    "with security_layer=tls or negotiate. A FreeRDP-based "
		    "server with TLS but not NLA (freerdp-shadow-cli "
		    "/sec:tls). Client: FreeRDP /sec:nla.",
		.remediation = STEPS(
			STEP(WINDOWS,
			    .text = "Offer NLA (the secure choice), with "
				"SecurityLayer 1 or 2: the client then gets "
				"the CredSSP it insists on:",
			    .command = CMD_SET_NLA(1)),
			STEP_CHECK_WINDOWS,
			STEP(XRDP,
			    .text = "xrdp has no CredSSP (NLA): let the client "
				"accept TLS for this server (FreeRDP /sec:tls, "
				"not /sec:nla), log on at xrdp's login screen, "
				"and keep security_layer=tls."),
			STEP(FREERDP,
			    .text = "Offer NLA (the secure choice), with the "
				"users in the SAM file given by /sam-file: "
				"(or /etc/winpr/SAM):",
			    .command = CMD_SHADOW_NLA),
			STEP(ANY, .less_secure = 1,
			    .text = "Less secure: let the client accept TLS as "
				"well (FreeRDP /sec:tls instead of /sec:nla); "
				"NLA is then not used, so prefer enabling it on "
				"the server.")),
		.references = REFS(
			REF_NEG_REQ, REF_NEG_RSP, REF_ENHANCED) } },

	/* 2.2.1.2.1 then 5.3: the client asked for Standard RDP Security
	 * only, and got it. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_SELECTED),
		.yes = RDPNEG_FACT(SELECTED_RDP),
		.no = RDPNEG_FACT(NOT_REQUESTED) },
	  .precedes = PRECEDES("negotiated"),
	  .diagnosis = {
		.id = "negotiated-standard-rdp",
		.class = RDPNEG_CLASS_INSECURE,
		.class_if_silent = RDPNEG_CLASS_BLOCKED,
		.summary = "The negotiation succeeded with Standard RDP "
		    "Security, which is all the client asked for: the server "
		    "is not authenticated and the session is protected by "
		    "RC4 only.",
		.confidence = RDPNEG_CONFIDENCE_HIGH,
		.confidence_why = "RDP_NEG_RSP selected PROTOCOL_RDP (0) for a "
		    "request of PROTOCOL_RDP: both sides agreed on Standard "
		    "RDP Security (MS-RDPBCGR 5.3).",
		.explanation = "The client requested {requested}; the server "
		    "answered RDP_NEG_RSP selecting {selected}, and the "
		    "connection end was {end}. The server accepts clients "
		    "that offer neither TLS nor CredSSP."
		    "{?rdp-weak: The session also has {rdp-weaknesses}.}",
		.server_settings = "Windows: SecurityLayer 0 or 1 with "
		    "UserAuthentication 0. xrdp: security_layer=rdp or "
		    "negotiate. A FreeRDP-based server with RdpSecurity on. "
		    "Client: FreeRDP /sec:rdp, or a proxy forcing "
		    "RdpSecurity.",
		.remediation = STEPS(
			STEP_CHECK_WINDOWS,
			STEP_SET_TLS_NLA,
			STEP_GPO_TLS_NLA,
			STEP_XRDP_TLS,
			STEP_FREERDP_SERVER,
			STEP(ANY,
			    .text = "Make the client offer TLS and CredSSP "
				"(FreeRDP /sec:nla or /sec:tls instead of "
				"/sec:rdp; remove the Netwrix RdpSecurity true "
				"setting from " SBPAM_JSON ").")),
		.references = REFS(
			REF_NEG_RSP, REF_STANDARD, REF_ENHANCED, REF_GPO_LAYER,
			REF_GPO_NLA) } },

	/* 2.2.1.2.1: a requested protocol was selected. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_SELECTED) },
	  .diagnosis = {
		.id = "negotiated",
		.class = RDPNEG_CLASS_OK,
		.class_if_silent = RDPNEG_CLASS_BLOCKED,
		.summary = "Security negotiation succeeded: the server selected "
		    "a protocol the client requested.",
		.confidence = RDPNEG_CONFIDENCE_HIGH,
		.confidence_why = "An RDP_NEG_RSP selecting a requested "
		    "protocol is a successful negotiation by definition "
		    "(MS-RDPBCGR 2.2.1.2.1).",
		.explanation = "The client requested {requested}; the server "
		    "answered RDP_NEG_RSP selecting {selected}, and the "
		    "connection end was {end}. A later failure (TLS, "
		    "CredSSP/NLA logon, licensing) is not a negotiation "
		    "failure.",
		.server_settings = "No negotiation problem: the server "
		    "selected {selected}, which the client requested.",
		.remediation = STEPS(
			STEP(ANY,
			    .text = "If the user still could not connect, look "
				"after the negotiation: TLS alerts"
				"{?selected-credssp:, CredSSP/NLA errors "
				"(password, CredSSP encryption oracle "
				"remediation)} and the server's logs."),
			STEP(WINDOWS,
			    .text = "Read the Remote Desktop service's log "
				"at the time of the attempt:",
			    .command = CMD_RCM_LOG),
			STEP(XRDP,
			    .text = "In xrdp's log, an SSL_accept failure "
				"(e.g. \"no suitable signature algorithm\") "
				"means ssl_protocols= or tls_ciphers= in "
				XRDP_INI " exclude what the client offers:",
			    .command = "sudo journalctl -u xrdp | grep "
				"SSL_accept"),
			STEP(FREERDP, .when = { .yes = FACT(SELECTED_CREDSSP) },
			    .text = "In the server's log, \"Could not find "
				"user in SAM database\" means the user is "
				"missing from its /sam-file: (NTLM hashes, "
				"default /etc/winpr/SAM)."),
			STEP_FREERDP_LOG),
		.references = REFS(
			REF_NEG_RSP, REF_ENHANCED) } },

	/* Catch-all: must stay last. */
	{ .match = { 0 },
	  .diagnosis = {
		.id = "unclassified",
		.class = RDPNEG_CLASS_BLOCKED,
		.summary = "The evidence matches no known pattern, so the "
		    "negotiation needs a manual review.",
		.confidence = RDPNEG_CONFIDENCE_LOW,
		.confidence_why = "No rule of the knowledge base describes this "
		    "combination.",
		.explanation = "Outcome {outcome}, connection end {end}; the "
		    "client requested {requested}.",
		.server_settings = "Not determined.",
		.remediation = STEPS(
			STEP(ANY,
			    .text = "Review the connection's packets in "
				"Wireshark (display filter: cotp) and compare "
				"them with the connection sequence."),
			STEP(WINDOWS,
			    .text = "Read the Remote Desktop service's log "
				"at the time of the attempt:",
			    .command = CMD_RCM_LOG),
			STEP_XRDP_LOG,
			STEP_FREERDP_LOG,
			STEP(ANY,
			    .text = "Report the case with the capture so that "
				"a rule can be added.")),
		.references = REFS(
			REF_SEQUENCE, REF_CR, REF_CC) } },
};

const size_t rdpneg_nrules = sizeof(rdpneg_rules) / sizeof(rdpneg_rules[0]);

_Static_assert(sizeof(rdpneg_rules) / sizeof(rdpneg_rules[0]) <=
    RDPNEG_RULES_MAX, "raise RDPNEG_RULES_MAX");

/*
 * Server implementations by their Connection Confirm (MS-RDPBCGR 2.2.1.2),
 * from captures of xrdp 0.9.21 and freerdp-shadow-cli 2.11
 * (captures/peers/) and of Windows (../shared/captures-public): Windows and
 * xrdp put SRC-REF 0x1234 in the CC, FreeRDP's server 0; Windows 8.1 /
 * Server 2012 R2 and later set RESTRICTED_ADMIN_MODE_SUPPORTED (and later
 * REDIRECTED_AUTHENTICATION_MODE_SUPPORTED) in RDP_NEG_RSP, xrdp sets only
 * EXTENDED_CLIENT_DATA_SUPPORTED (0x01), FreeRDP's server 0x03.  The first
 * match wins, so the surest come first.
 */
#define RSP_FLAG_ALL	0xffu
#define EXT_DATA	RDPNEG_RSP_EXTENDED_CLIENT_DATA_SUPPORTED
#define GFX		RDPNEG_RSP_DYNVC_GFX_PROTOCOL_SUPPORTED
/* SRC-REF values, named by value: 0x1234 is Windows' and xrdp's. */
#define SRC_REF_0	0x0000u
#define SRC_REF_1234	0x1234u

const struct rdpneg_server_fingerprint rdpneg_server_fingerprints[] = {
	/* 3.3.5.3.1: no failure code answers a request without RDP_NEG_REQ. */
	{ .server = RDPNEG_SERVER_FREERDP,
	  .confidence = RDPNEG_CONFIDENCE_HIGH,
	  .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_FAILURE),
		.yes = RDPNEG_FACT(LEGACY_REQUEST) },
	  .why = "An RDP_NEG_FAILURE answered a request without RDP_NEG_REQ, "
	      "which MS-RDPBCGR 3.3.5.3.1 does not allow and FreeRDP-based "
	      "servers do (Windows and xrdp send a Connection Confirm without "
	      "negotiation data)." },
	{ .server = RDPNEG_SERVER_FREERDP,
	  .confidence = RDPNEG_CONFIDENCE_HIGH,
	  .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_SELECTED) |
		RDPNEG_BIT(RDPNEG_OUTCOME_FAILURE) },
	  .cc_ref = RDPNEG_MATCH_YES, .src_ref = SRC_REF_0,
	  .why = "The Connection Confirm's SRC-REF is 0, as FreeRDP-based "
	      "servers send it; Windows and xrdp send 0x1234." },
	{ .server = RDPNEG_SERVER_WINDOWS,
	  .confidence = RDPNEG_CONFIDENCE_HIGH,
	  .response_type = RDPNEG_TYPE_RSP,
	  .flags_mask = RDPNEG_RSP_RESTRICTED_ADMIN_MODE_SUPPORTED,
	  .flags = RDPNEG_RSP_RESTRICTED_ADMIN_MODE_SUPPORTED,
	  .why = "RDP_NEG_RSP sets RESTRICTED_ADMIN_MODE_SUPPORTED, which "
	      "Windows (8.1 / Server 2012 R2 and later, or updated Windows 7 / "
	      "Server 2008 R2) sets and xrdp and FreeRDP-based servers do "
	      "not." },
	{ .server = RDPNEG_SERVER_WINDOWS,
	  .confidence = RDPNEG_CONFIDENCE_HIGH,
	  .response_type = RDPNEG_TYPE_RSP,
	  .flags_mask = RDPNEG_RSP_REDIRECTED_AUTHENTICATION_MODE_SUPPORTED,
	  .flags = RDPNEG_RSP_REDIRECTED_AUTHENTICATION_MODE_SUPPORTED,
	  .why = "RDP_NEG_RSP sets REDIRECTED_AUTHENTICATION_MODE_SUPPORTED "
	      "(Remote Credential Guard), which only Windows sets." },
	/* 3.3.5.3.2: Standard RDP Security for a request that did not ask. */
	{ .server = RDPNEG_SERVER_XRDP,
	  .confidence = RDPNEG_CONFIDENCE_HIGH,
	  .match = { .yes = RDPNEG_FACT(NOT_REQUESTED) |
		RDPNEG_FACT(SELECTED_RDP) },
	  .response_type = RDPNEG_TYPE_RSP,
	  .flags_mask = RSP_FLAG_ALL, .flags = EXT_DATA,
	  .why = "RDP_NEG_RSP selected Standard RDP Security for a request "
	      "for TLS or CredSSP, with flags 0x01 only: xrdp does this with "
	      "security_layer=rdp or an unreadable certificate, while Windows "
	      "refuses such a request with RDP_NEG_FAILURE." },
	{ .server = RDPNEG_SERVER_XRDP,
	  .confidence = RDPNEG_CONFIDENCE_MEDIUM,
	  .match = { .req_any = RDPNEG_PROTOCOL_HYBRID },
	  .response_type = RDPNEG_TYPE_RSP,
	  .selected_any = RDPNEG_PROTOCOL_SSL,
	  .flags_mask = RSP_FLAG_ALL, .flags = EXT_DATA,
	  .why = "RDP_NEG_RSP selected TLS although CredSSP was offered, with "
	      "flags 0x01 only: xrdp never selects CredSSP, while Windows 7 / "
	      "Server 2008 R2, which send the same flags, select it when "
	      "offered." },
	{ .server = RDPNEG_SERVER_XRDP,
	  .confidence = RDPNEG_CONFIDENCE_MEDIUM,
	  .match = { .failure_code = RDPNEG_SSL_CERT_NOT_ON_SERVER },
	  .cc_ref = RDPNEG_MATCH_YES, .src_ref = SRC_REF_1234,
	  .why = "SSL_CERT_NOT_ON_SERVER with SRC-REF 0x1234: xrdp sends it "
	      "whenever its certificate= or key_file= is unreadable; "
	      "FreeRDP-based servers never send it, and that Windows does is "
	      "not confirmed." },
	/* Without the CC's bytes, the flags alone point at FreeRDP. */
	{ .server = RDPNEG_SERVER_FREERDP,
	  .confidence = RDPNEG_CONFIDENCE_LOW,
	  .response_type = RDPNEG_TYPE_RSP,
	  .flags_mask = RSP_FLAG_ALL, .flags = EXT_DATA | GFX,
	  .cc_ref = RDPNEG_MATCH_NO,
	  .why = "RDP_NEG_RSP flags are 0x03 (EXTENDED_CLIENT_DATA_SUPPORTED and "
	      "DYNVC_GFX_PROTOCOL_SUPPORTED without RESTRICTED_ADMIN_MODE_"
	      "SUPPORTED), as FreeRDP-based servers send them; without the "
	      "Connection Confirm's SRC-REF this is not certain." },
};

const size_t rdpneg_nserver_fingerprints = sizeof(rdpneg_server_fingerprints) /
    sizeof(rdpneg_server_fingerprints[0]);
