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
 * {outcome}, filled by rdpneg_expand().  Remediation steps put the secure
 * choice first and mark the less secure workarounds as such.
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
#define TS_POLICY_KEY "HKLM:\\SOFTWARE\\Policies\\Microsoft\\" \
	"Windows NT\\Terminal Services"
#define GPO_SECURITY "Computer Configuration > Administrative Templates > " \
	"Windows Components > Remote Desktop Services > " \
	"Remote Desktop Session Host > Security"
#define GPO_LAYER "Require use of specific security layer for remote " \
	"(RDP) connections"
#define GPO_NLA "Require user authentication for remote connections by " \
	"using Network Level Authentication"
#define TS_WMI "Get-CimInstance -Namespace root\\cimv2\\TerminalServices " \
	"-ClassName Win32_TSGeneralSetting -Filter \"TerminalName='RDP-Tcp'\""
#define RCM_EVENTS "Get-WinEvent -ProviderName " \
	"Microsoft-Windows-TerminalServices-RemoteConnectionManager " \
	"-MaxEvents 200 | Where-Object Id -in 1055,1057,1058,1059"
#define XRDP_INI "/etc/xrdp/xrdp.ini"
#define SBPAM_JSON "C:\\ProgramData\\Stealthbits\\PAM\\ProxyService\\" \
	"sbpam_rdp.json"

/* ---- Remediation steps used by several rules. */

#define STEP_CHECK_WINDOWS \
	"On the Windows server, read the settings: Get-ItemProperty " \
	"-Path '" RDP_TCP_KEY "' -Name SecurityLayer,UserAuthentication " \
	"(SecurityLayer 0 = RDP, 1 = Negotiate, 2 = SSL/TLS; " \
	"UserAuthentication 1 = NLA required)."
#define STEP_CHECK_POLICY \
	"A Group Policy value overrides the local one; read it with: " \
	"Get-ItemProperty -Path '" TS_POLICY_KEY "' " \
	"-Name SecurityLayer,UserAuthentication -ErrorAction SilentlyContinue"
#define STEP_SET_TLS_NLA \
	"Require TLS and NLA (the secure setting): Set-ItemProperty " \
	"-Path '" RDP_TCP_KEY "' -Name SecurityLayer -Value 2; " \
	"Set-ItemProperty -Path '" RDP_TCP_KEY "' " \
	"-Name UserAuthentication -Value 1"
#define STEP_GPO_TLS_NLA \
	"Where Group Policy manages the server, set " GPO_SECURITY " > \"" \
	GPO_LAYER "\" to Enabled with Security Layer SSL and \"" GPO_NLA \
	"\" to Enabled, then run gpupdate /force."
#define STEP_XRDP_NEGOTIATE \
	"{xrdp}On an xrdp server, set security_layer=negotiate (or tls) in " \
	XRDP_INI " with certificate= and key_file= naming files the xrdp " \
	"user can read, then run: sudo systemctl restart xrdp"
#define STEP_FREERDP_SERVER \
	"{freerdp}On a FreeRDP-based server (freerdp-shadow, FreeRDP proxies), turn " \
	"RdpSecurity off and TlsSecurity/NlaSecurity on (freerdp-shadow-cli: " \
	"/sec:nla or -sec-rdp)."
#define STEP_NETWRIX_RDPSEC \
	"Less secure workaround, only while the server cannot be changed: " \
	"make the Netwrix Privilege Secure proxy use Standard RDP Security " \
	"with {\"ClientSettings\": [{\"key\":\"RdpSecurity\", " \
	"\"Value\":true}]} in " SBPAM_JSON " (create the file with " \
	"sbpam-proxy.exe cfg -c sbpam_rdp)."
#define STEP_XRDP_CERT \
	"{xrdp}On xrdp, make certificate= and key_file= in " XRDP_INI " readable " \
	"by the xrdp user (Debian/Ubuntu: sudo adduser xrdp ssl-cert), then " \
	"run: sudo systemctl restart xrdp"

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

/*
 * A rule's remediation steps and references are written in its block;
 * STEPS and REFS make the NULL-ended lists (static, as compound literals
 * at file scope are).  Lists that two rules share are named below.
 */
#define STEPS(...)	((const char *const[]){ __VA_ARGS__, NULL })
#define REFS(...)	STEPS(__VA_ARGS__)
/* The later rules a rule overlaps with and must win over (kb.h). */
#define PRECEDES(...)	STEPS(__VA_ARGS__)

/* ---- Lists shared by two rules. */

/* Shared by tls-required-rdp-requested and tls-required-legacy-request. */

static const char *const tls_rdp_steps[] = {
	"Keep the server's TLS requirement and fix the client (the secure "
	    "choice): let it offer TLS and CredSSP, e.g. FreeRDP with "
	    "/sec:nla or /sec:tls instead of forcing RDP security.",
	"On a Netwrix Privilege Secure proxy, remove {\"key\":\"RdpSecurity\", "
	    "\"Value\":true} from ClientSettings in " SBPAM_JSON
	    " so that it negotiates TLS/CredSSP.",
	STEP_CHECK_WINDOWS,
	STEP_CHECK_POLICY,
	"Less secure workaround, only for a client that cannot do TLS: "
	    "Set-ItemProperty -Path '" RDP_TCP_KEY "' -Name SecurityLayer "
	    "-Value 1 (with UserAuthentication 0) accepts unauthenticated "
	    "Standard RDP Security.",
	"{xrdp}On xrdp (security_layer=tls), keep the setting and fix the "
	    "client; the same less secure workaround there is "
	    "security_layer=negotiate in " XRDP_INI ", then sudo systemctl "
	    "restart xrdp.",
	"{freerdp}On a FreeRDP-based server, Standard RDP Security is off "
	    "(freerdp-shadow-cli /sec:tls, /sec:nla or -sec-rdp): keep it so "
	    "and fix the client; only as a less secure workaround start "
	    "freerdp-shadow-cli without /sec: (or with +sec-rdp).",
	NULL
};
static const char *const tls_rdp_refs[] = {
	REF_NEG_FAILURE, REF_NEG_REQ, REF_ENHANCED, REF_GPO_LAYER,
	REF_WMI_LAYER, REF_XRDP_INI,
	NULL
};

/* Shared by standard-rdp-fallback and standard-rdp-fallback-legacy. */
static const char *const fallback_steps[] = {
	STEP_CHECK_WINDOWS,
	STEP_SET_TLS_NLA,
	STEP_GPO_TLS_NLA,
	"If the refused attempt got SSL_CERT_NOT_ON_SERVER, repair the "
	    "certificate first: " RCM_EVENTS,
	STEP_XRDP_NEGOTIATE,
	STEP_FREERDP_SERVER,
	"Stop clients from accepting the downgrade: FreeRDP /sec:nla or "
	    "/sec:tls, and remove the Netwrix RdpSecurity true setting from "
	    SBPAM_JSON " once the server is fixed.",
	NULL
};
static const char *const fallback_refs[] = {
	REF_STANDARD, REF_ENHANCED, REF_NEG_RSP, REF_GPO_LAYER, REF_GPO_NLA,
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
			"Confirm that the scan is authorised (source address, "
			    "time); if it is not, block the source at the "
			    "firewall.",
			"Make scans learn less: require TLS and NLA "
			    "(SecurityLayer 2, UserAuthentication 1) and "
			    "allow TCP 3389 only from management networks or "
			    "through an RD Gateway.",
			"Leave scanner connections out when counting users' "
			    "failures."),
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
			"Check what listens on the port on the server: "
			    "Get-NetTCPConnection -LocalPort 3389 -State "
			    "Listen, then Get-Process -Id <pid>.",
			"Capture on both sides of any proxy, load balancer or "
			    "IPS to find the device that changes the bytes, "
			    "and bypass it to test.",
			"Point the client at the right port and protocol (an "
			    "RD Gateway speaks HTTPS on 443, not raw RDP), "
			    "and update the client or server whose PDU is "
			    "malformed."),
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
			"Make the client set PROTOCOL_SSL (0x1) together with "
			    "HYBRID, as mstsc (0xB) and FreeRDP /sec:nla "
			    "(0x3) do; update or reconfigure the client or "
			    "proxy that sent {requested}.",
			"If NLA is wanted, enable it on the server: "
			    "Set-ItemProperty -Path '" RDP_TCP_KEY "' -Name "
			    "UserAuthentication -Value 1 on Windows, "
			    "NlaSecurity on a FreeRDP-based server.",
			"{xrdp}xrdp has no CredSSP: connect with TLS (FreeRDP "
			    "/sec:tls) and keep security_layer=tls or "
			    "negotiate with a readable certificate= and "
			    "key_file=."),
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
		    "connection end was {end}. Had SSL been offered, a "
		    "conforming server would have selected it; when only "
		    "RDSTLS or RDSAAD was offered, the server does not support "
		    "them.",
		.server_settings = "A server requiring TLS (Windows "
		    "SecurityLayer 2, xrdp security_layer=tls) without support "
		    "for the newer protocol requested, a FreeRDP-based server "
		    "with TLS and NLA both off, or a proxy that changed the "
		    "request.",
		.remediation = STEPS(
			"Let the client offer TLS and CredSSP alongside any "
			    "newer protocol (mstsc sends 0xB; with FreeRDP "
			    "use /sec:nla rather than a lone /sec:aad).",
			STEP_CHECK_WINDOWS,
			"Check that the server can serve TLS: Get-ChildItem "
			    "'Cert:\\LocalMachine\\Remote Desktop' must list "
			    "a valid certificate, and " RCM_EVENTS " should "
			    "return nothing.",
			"Capture on the server's side of any proxy or load "
			    "balancer to see whether the server received the "
			    "request the client sent."),
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
			STEP_CHECK_WINDOWS " SecurityLayer 0 with "
			    "UserAuthentication 0 is this case.",
			STEP_CHECK_POLICY, STEP_SET_TLS_NLA, STEP_GPO_TLS_NLA,
			"Or through WMI: " TS_WMI " | Invoke-CimMethod "
			    "-MethodName SetSecurityLayer -Arguments "
			    "@{SecurityLayer=2}",
			"SecurityLayer 1 or 2 with NLA off, or NLA on with "
			    "SecurityLayer 0, also ends this failure; "
			    "SecurityLayer 2 with NLA is the recommended "
			    "combination.",
			STEP_FREERDP_SERVER,
			"A Windows XP/Server 2003-era host cannot offer TLS: "
			    "upgrade or replace it.",
			"Less secure workaround: let the client fall back to "
			    "Standard RDP Security (FreeRDP default options, "
			    "or /sec:rdp for this host).",
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
			"Look for certificate errors on the server: "
			    RCM_EVENTS,
			"Check the certificate in use: Get-ChildItem "
			    "'Cert:\\LocalMachine\\Remote Desktop' and ("
			    TS_WMI ").SSLCertificateSHA1Hash",
			"Give NETWORK SERVICE read access to the private key "
			    "in "
			    "C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys, "
			    "or delete the broken self-signed certificate "
			    "from the Remote Desktop store and run "
			    "Restart-Service TermService -Force to recreate "
			    "it (this ends sessions).",
			"To use a CA-issued certificate, set its thumbprint: "
			    TS_WMI " | Set-CimInstance -Property "
			    "@{SSLCertificateSHA1Hash='<thumbprint>'}",
			STEP_XRDP_CERT,
			"Less secure workaround, never permanent: "
			    "SecurityLayer 0 with NLA off lets clients in "
			    "with Standard RDP Security (no server "
			    "authentication) until the certificate is "
			    "repaired."),
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
			"Check that the client, proxy or gateway uses the "
			    "connection method the listener expects "
			    "(negotiation on the RDP port, not a TLS-first "
			    "endpoint) and requests the protocol already in "
			    "effect.",
			"Update the client or proxy; a custom implementation "
			    "must include the security protocol already in "
			    "use in requestedProtocols.",
			"Capture on the server's side of any TLS-terminating "
			    "device to see what the server receives."),
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
		    "(UserAuthentication 1) and the client did not offer "
		    "CredSSP.",
		.confidence = RDPNEG_CONFIDENCE_HIGH,
		.confidence_why = "RDP_NEG_FAILURE 5 means the server requires "
		    "CredSSP (MS-RDPBCGR 2.2.1.2.2); it is seen with FreeRDP "
		    "/sec:tls against a Windows server requiring NLA.",
		.explanation = "The client requested {requested}, without "
		    "HYBRID; the server answered RDP_NEG_FAILURE {failure} "
		    "({code}) and the connection end was {end}. Recent FreeRDP "
		    "reports ERRCONNECT_HYBRID_REQUIRED_BY_SERVER, older "
		    "versions ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED.",
		.server_settings = "Windows: UserAuthentication 1 (System "
		    "Properties > Remote \"Allow connections only from "
		    "computers running Remote Desktop with Network Level "
		    "Authentication\", or the NLA Group Policy), the default "
		    "since Windows 8 / Server 2012. FreeRDP-based server: "
		    "NlaSecurity on, TlsSecurity off.",
		.remediation = STEPS(
			"Keep NLA and fix the client (the secure choice): "
			    "mstsc and FreeRDP offer CredSSP by default; "
			    "remove FreeRDP /sec:tls or /sec:rdp, or use "
			    "/sec:nla.",
			"On a proxy or PAM gateway, enable NLA/CredSSP "
			    "towards the target; for Netwrix Privilege "
			    "Secure, check that ClientSettings in " SBPAM_JSON " "
			    "does not force RdpSecurity.",
			STEP_CHECK_WINDOWS, STEP_CHECK_POLICY,
			"Less secure workaround, only for a client that "
			    "cannot do NLA: Set-ItemProperty -Path '"
			    RDP_TCP_KEY "' -Name UserAuthentication -Value 0 "
			    "(or disable \"" GPO_NLA "\"); the server then "
			    "shows its logon screen before anyone is "
			    "authenticated.",
			"{freerdp}On a FreeRDP-based server, NLA alone is "
			    "NlaSecurity on with TlsSecurity and RdpSecurity "
			    "off (freerdp-shadow-cli /sec:nla): keep it and "
			    "let the client offer CredSSP; admitting TLS-only "
			    "clients (freerdp-shadow-cli /sec:tls) is less "
			    "secure."),
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
			"Identify the product answering on the port and read "
			    "its documentation on TLS client-certificate "
			    "authentication.",
			"If that requirement is not intended, switch the "
			    "server to TLS with NLA (on Windows: "
			    "SecurityLayer 2, UserAuthentication 1).",
			"Otherwise use a client that supports TLS client "
			    "certificates and install the certificate the "
			    "server expects."),
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
			"Identify the server product and version on the port, "
			    "and look the code up in its documentation or "
			    "logs.",
			"Capture on the server's side of any proxy, load "
			    "balancer or IPS to see whether the server itself "
			    "sent this answer.",
			"Test with a current mstsc or FreeRDP to see whether "
			    "the same code comes back."),
		.references = REFS(
			REF_NEG_FAILURE, REF_CC) } },

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
		    "downgrade, and no certificate authenticates the server.",
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
		    "force the same downgrade.",
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
		    "connection end was {end}. A client with Standard RDP "
		    "Security disabled (FreeRDP /sec:tls or /sec:nla) gives up "
		    "with ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED and no "
		    "failure PDU; one that accepts it continues "
		    "unauthenticated.",
		.server_settings = "xrdp: security_layer=rdp, or "
		    "security_layer=negotiate with certificate=/key_file= "
		    "unreadable (xrdp logs a warning). Otherwise an old or "
		    "non-conforming server ignoring the request.",
		.remediation = STEPS(
			STEP_XRDP_NEGOTIATE,
			"{xrdp}Look for xrdp's certificate warning (sudo "
			    "journalctl -u xrdp, or /var/log/xrdp.log) and "
			    "fix the file permissions (Debian/Ubuntu: sudo "
			    "adduser xrdp ssl-cert).",
			STEP_CHECK_WINDOWS,
			"Keep the client strict (/sec:nla or /sec:tls); "
			    "letting it accept Standard RDP Security here is "
			    "a less secure workaround."),
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
			"Capture on the server's side of any proxy to check "
			    "whether the server received the same request; "
			    "fix or bypass the device that changes it.",
			"Identify and update the server product; on Windows "
			    "confirm the settings with: Get-ItemProperty "
			    "-Path '" RDP_TCP_KEY "' -Name "
			    "SecurityLayer,UserAuthentication",
			"Let the client offer the protocol the server insists "
			    "on only if it is TLS or CredSSP, e.g. FreeRDP "
			    "/sec:tls when the server selects SSL."),
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
		    "ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED.",
		.server_settings = "Windows XP / Server 2003 or older, or an "
		    "embedded or third-party RDP server without Enhanced RDP "
		    "Security.",
		.remediation = STEPS(
			"Upgrade or replace the server with one that supports "
			    "TLS and NLA, then require them (SecurityLayer 2, "
			    "UserAuthentication 1).",
			"Until then, allow access to it only through a VPN, "
			    "an RD Gateway or a firewall rule limited to "
			    "administrators.",
			"Less secure workaround: allow Standard RDP Security "
			    "in the client for this host only (FreeRDP "
			    "/sec:rdp)."),
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
		    "connection end was {end}.",
		.server_settings = "Windows: SecurityLayer 0 or 1 with "
		    "UserAuthentication 0 (a server requiring TLS or NLA drops "
		    "such a request). xrdp answers any such request this way "
		    "and closes it afterwards if TLS is required. Client: "
		    "FreeRDP /sec:rdp, old rdesktop or a legacy tool.",
		.remediation = STEPS(
			STEP_SET_TLS_NLA " (such clients are then refused).",
			STEP_GPO_TLS_NLA,
			"Update the client or remove the option that forces "
			    "Standard RDP Security (FreeRDP /sec:rdp; replace "
			    "old rdesktop with a current client).",
			"{xrdp}On xrdp, set security_layer=tls (or negotiate) "
			    "with a readable certificate= and key_file= in "
			    XRDP_INI ", then run: sudo systemctl restart xrdp",
			"{freerdp}On a FreeRDP-based server, turn Standard "
			    "RDP Security off: freerdp-shadow-cli -sec-rdp "
			    "(or /sec:tls or /sec:nla)."),
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
			"Check which service listens on that port on the "
			    "server: on Windows Get-NetTCPConnection "
			    "-LocalPort <port> -State Listen, then "
			    "Get-Process -Id <pid>; on Linux: sudo ss -ltnp "
			    "'sport = :<port>'.",
			"Point the client at the Remote Desktop port (3389 "
			    "unless the server's PortNumber under "
			    "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal "
			    "Server\\WinStations\\RDP-Tcp says otherwise), or "
			    "at the RD Gateway with the client's gateway "
			    "setting rather than as a direct RDP target.",
			"If a load balancer or TLS offloader fronts the "
			    "server, make it pass RDP (TPKT/X.224) through "
			    "unchanged."),
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
			"For this server, let the client offer TLS and "
			    "CredSSP without RDSAAD (FreeRDP: /sec:nla "
			    "instead of /sec:aad; mstsc: clear \"Use a web "
			    "account to sign in to the remote computer\").",
			"If Microsoft Entra ID sign-in is required, connect "
			    "to a Windows host that supports it.",
			"Read the server's log for the rejected request "
			    "(xrdp: sudo journalctl -u xrdp, or "
			    "/var/log/xrdp.log)."),
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
			"Connect to this server without Remote Credential "
			    "Guard: mstsc without /remoteGuard, and no policy "
			    "\"Restrict delegation of credentials to remote "
			    "servers\" requiring it for this host.",
			"Use Remote Credential Guard only with Windows "
			    "targets that support it (Windows 10 / Server "
			    "2016 or later).",
			"Read the server's log for the rejected request "
			    "(xrdp: sudo journalctl -u xrdp, or "
			    "/var/log/xrdp.log)."),
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
			"Keep the server strict and fix the client (the "
			    "secure choice): FreeRDP without /sec:rdp, or "
			    "with /sec:nla; replace old rdesktop with a "
			    "current client.",
			"If this attempt ends a fallback chain, read the "
			    "chain's first attempt: its failure code names "
			    "the server's real requirement.",
			STEP_CHECK_WINDOWS,
			"Less secure workaround, only for a legacy client: "
			    "Set-ItemProperty -Path '" RDP_TCP_KEY "' -Name "
			    "SecurityLayer -Value 1 with UserAuthentication 0 "
			    "accepts Standard RDP Security."),
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
			"Read the server's logs at that time: Get-WinEvent "
			    "-LogName "
			    "'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational' "
			    "-MaxEvents 50",
			"Confirm that the listener on the port is the RDP "
			    "service: Get-NetTCPConnection -LocalPort 3389 "
			    "-State Listen",
			"Retry with a standard request (mstsc, or FreeRDP "
			    "without /sec:) to rule out an unusual request "
			    "from this client.",
			"Capture on the server's side to find a firewall, IPS "
			    "or proxy that resets RDP connections."),
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
			"Check whether the server answered other clients at "
			    "that time, and its load and "
			    "RemoteConnectionManager events.",
			"Measure the round-trip time and retry with a longer "
			    "client timeout (FreeRDP /timeout:<ms>).",
			"If the client is a script or monitoring probe, make "
			    "it wait for the Connection Confirm."),
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
			"Capture longer: start before the client connects and "
			    "stop after it reports the error.",
			"If the server really does not answer, restart Remote "
			    "Desktop Services at a quiet time: "
			    "Restart-Service TermService -Force (this ends "
			    "sessions).",
			"Check the server's load and RemoteConnectionManager "
			    "events at that time."),
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
			"Check the service and its port on the server: "
			    "Get-Service TermService; Get-ItemProperty -Path '"
			    RDP_TCP_KEY "' -Name PortNumber",
			"Check that Remote Desktop is enabled: "
			    "Get-ItemProperty -Path "
			    "'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal "
			    "Server' -Name fDenyTSConnections (0 = enabled); "
			    "enable it in System Properties > Remote.",
			"Check the firewall rules: Get-NetFirewallRule "
			    "-DisplayGroup 'Remote Desktop' | Select-Object "
			    "DisplayName,Enabled,Action",
			"{xrdp}On an xrdp server: sudo systemctl status xrdp, "
			    "and check the port= line in " XRDP_INI ".",
			"{freerdp}On a FreeRDP-based server, check that it "
			    "runs and listens where the client connects "
			    "(freerdp-shadow-cli /port: and /bind-address:): "
			    "sudo ss -ltnp 'sport = :3389'"),
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
			"From the client's network, check the address and the "
			    "port: Test-NetConnection -ComputerName <server> "
			    "-Port 3389",
			"Check the server's firewall: Get-NetFirewallRule "
			    "-DisplayGroup 'Remote Desktop' | Select-Object "
			    "DisplayName,Enabled,Action, and any network "
			    "firewall or security group in between.",
			"Keep the port closed to the Internet: reach it "
			    "through a VPN or an RD Gateway rather than "
			    "opening it widely."),
		.references = REFS(
			"RFC 9293 section 3.5 (connection establishment)") } },

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
			"Check the client's target: RD Gateway traffic goes "
			    "to the gateway over HTTPS (443), not to the "
			    "session host's RDP port.",
			"Start the capture before the client connects.",
			"If it is a load balancer health check, ignore it or "
			    "make the check a plain TCP one."),
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
			"Offer NLA on the server (the secure choice): "
			    "Set-ItemProperty -Path '" RDP_TCP_KEY "' -Name "
			    "UserAuthentication -Value 1 (with SecurityLayer "
			    "1 or 2); the client then gets the CredSSP it "
			    "insists on.",
			STEP_CHECK_WINDOWS,
			"{xrdp}xrdp does not implement CredSSP (NLA): let the "
			    "client accept TLS for this server (FreeRDP: "
			    "/sec:tls instead of /sec:nla) and log on at "
			    "xrdp's login screen; keep security_layer=tls in "
			    XRDP_INI ".",
			"{freerdp}On a FreeRDP-based server, offer NLA: "
			    "freerdp-shadow-cli /sec:nla (or no /sec: option) "
			    "with a /sam-file: of its users.",
			"Otherwise let the client accept TLS as well: remove "
			    "/sec:nla from the FreeRDP command line (or add "
			    "/sec:tls); NLA is then not used, so prefer "
			    "enabling it on the server."),
		.references = REFS(
			REF_NEG_REQ, REF_NEG_RSP, REF_ENHANCED) } },

	/* 5.4.5.1: negotiated, then the TLS handshake failed. */
	{ .match = { .outcomes = RDPNEG_BIT(RDPNEG_OUTCOME_SELECTED),
		.yes = RDPNEG_FACT(TLS_FAILED),
		.no = RDPNEG_FACT(SELECTED_RDP) | RDPNEG_FACT(NOT_REQUESTED) },
	  .precedes = PRECEDES("negotiated"),
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
		.explanation = "The client requested {requested}; the server "
		    "selected {selected}; the client began the TLS handshake "
		    "and the server answered with a TLS alert or closed the "
		    "connection ({end}).",
		.server_settings = "A server limited to old TLS versions or "
		    "ciphers (Windows with TLS 1.2 disabled or not updated; "
		    "xrdp ssl_protocols=TLSv1 or restrictive tls_ciphers=), or "
		    "a certificate whose key the service cannot use.",
		.remediation = STEPS(
			"Enable TLS 1.2 on the server (the secure choice): on "
			    "Windows, Get-ItemProperty "
			    "'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS "
			    "1.2\\Server' must not show Enabled 0 or "
			    "DisabledByDefault 1 (Windows Server 2008 R2 and "
			    "2012 need their TLS 1.2 for RDP updates); then "
			    "restart TermService.",
			"Check the server's certificate for RDP: " TS_WMI " | "
			    "Select SSLCertificateSHA1Hash, and that the "
			    "certificate has a private key the service can "
			    "read (events 1057/1058 in the System log).",
			"{xrdp}On xrdp, set ssl_protocols=TLSv1.2, TLSv1.3 "
			    "and remove old tls_ciphers= limits in " XRDP_INI ", "
			    "then run: sudo systemctl restart xrdp; "
			    "/var/log/xrdp.log names the SSL_accept error.",
			"{freerdp}On a FreeRDP-based server, check its "
			    "certificate and key (freerdp-shadow-cli writes "
			    "them under ~/.config/freerdp/server) and its log "
			    "for the TLS error.",
			"Less secure workaround, only for a server that "
			    "cannot be updated: let the client accept old TLS "
			    "(FreeRDP: /tls-seclevel:0)."),
		.references = REFS(
			REF_NEG_RSP, REF_ENHANCED,
			"RFC 8446 6 Alert Protocol") } },

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
		    "that offer neither TLS nor CredSSP.",
		.server_settings = "Windows: SecurityLayer 0 or 1 with "
		    "UserAuthentication 0. xrdp: security_layer=rdp or "
		    "negotiate. A FreeRDP-based server with RdpSecurity on. "
		    "Client: FreeRDP /sec:rdp, or a proxy forcing "
		    "RdpSecurity.",
		.remediation = STEPS(
			STEP_CHECK_WINDOWS,
			STEP_SET_TLS_NLA,
			STEP_GPO_TLS_NLA,
			STEP_XRDP_NEGOTIATE,
			STEP_FREERDP_SERVER,
			"Make the client offer TLS and CredSSP (FreeRDP "
			    "/sec:nla or /sec:tls instead of /sec:rdp; "
			    "remove the Netwrix RdpSecurity true setting "
			    "from " SBPAM_JSON ")."),
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
		.server_settings = "No negotiation problem. If the selected "
		    "protocol is RDP (Standard RDP Security), consider "
		    "requiring TLS and NLA (SecurityLayer 2, "
		    "UserAuthentication 1).",
		.remediation = STEPS(
			"If the user still could not connect, look after the "
			    "negotiation: TLS alerts, CredSSP/NLA errors "
			    "(password, CredSSP encryption oracle "
			    "remediation) and the server's "
			    "RemoteConnectionManager and Security logs.",
			"If Standard RDP Security was selected, require TLS "
			    "and NLA: Set-ItemProperty -Path '" RDP_TCP_KEY "' "
			    "-Name SecurityLayer -Value 2; Set-ItemProperty "
			    "-Path '" RDP_TCP_KEY "' -Name UserAuthentication "
			    "-Value 1",
			"{xrdp}On xrdp, read /var/log/xrdp.log (or sudo "
			    "journalctl -u xrdp) after the \"Security "
			    "protocol\" line: an SSL_accept failure such as "
			    "\"no suitable signature algorithm\" means "
			    "ssl_protocols= or tls_ciphers= in " XRDP_INI " "
			    "exclude what the client offers (set "
			    "ssl_protocols=TLSv1.2, TLSv1.3); if Standard RDP "
			    "Security was selected, set security_layer=tls "
			    "with a readable certificate.",
			"{freerdp}On a FreeRDP-based server, read its log "
			    "after the negotiation: \"Could not find user in "
			    "SAM database\" means the user is missing from "
			    "the NTLM file given with freerdp-shadow-cli "
			    "/sam-file:."),
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
			"Review the connection's packets in Wireshark "
			    "(display filter: cotp) and compare them with the "
			    "connection sequence.",
			"Report the case with the capture so that a rule can "
			    "be added."),
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
