#!/usr/bin/env python3
"""Record real RDP peers negotiating on loopback: captures/peers/*.pcap.

On a Debian 12 machine, as root: installs xrdp, freerdp2-shadow-x11
(freerdp-shadow-cli), freerdp2-x11 (xfreerdp), rdesktop, Xvfb, tcpdump,
openssl and tshark (apt-get update first), then for every case of CASES
starts one server configuration on 127.0.0.1 or ::1 (own xrdp.ini and
certificate in a temporary directory, the shadow server with its own
HOME), runs one client command against it under Xvfb, captures the
exchange with tcpdump on the loopback interface (snap length SNAPLEN, or
FULL_SNAPLEN for the cases after the negotiation: TLS, the certificate,
NLA, or Standard RDP Security's MCS, security and licensing PDUs, whose
rows also say what tshark sees on the wire),
stops everything it started by PID and writes CASE.pcap and a row of
manifest.json: the server and its configuration, the client command line,
the client's own error line, the server's log lines about the
negotiation, and what rdpneg must report for every connection in the
capture (`expect`, written by hand from the servers' code and logs: see
captures/README.md, section "Real-peer captures").

Nothing is sent anywhere but 127.0.0.1 and ::1; every step has a timeout;
only processes this script started are signalled, by PID.  Run it from
anywhere: sudo python3 captures/peers/record.py [--only NAME ...]
[--no-install] [--out DIR].
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGES = ["xrdp", "freerdp2-shadow-x11", "freerdp2-x11", "rdesktop",
            "xvfb", "tcpdump", "openssl", "tshark"]
SNAPLEN = 192		# CR and CC fit; TLS and bitmaps are cut
FULL_SNAPLEN = 65535	# the cases after the negotiation: whole TLS records
CLIENT_TIMEOUT = 8	# seconds a failing client gets
CONNECTED_TIMEOUT = 3	# seconds before a connected client is stopped
STEP_TIMEOUT = 10	# seconds for any server, X or tcpdump step
USER = "alice"		# the client's user name (cookie mstshash=alice)
PASSWORD = "Peers-Pass1"	# alice's password in the shadow server's SAM file

# ---- The cases: one server configuration and one client command each.
#
# server: ("xrdp", {xrdp.ini [Globals] keys}, cert) with cert "readable"
#   (a certificate and key the xrdp user can read), "unreadable" (the key
#   is root's, mode 0600, as Debian's snakeoil key is for the xrdp user)
#   or one of the readable variants of CERTS below ("expired", "othername",
#   "sha1", "rsa1024", "keymismatch"),
#   or ("shadow", [freerdp-shadow-cli options]) where {sam} is a SAM file
#   holding alice's NT hash of PASSWORD, or ("none", []).
# client: the command after the program name; {addr} is the server.
# expect: per connection, in frame order, what rdpneg reports:
#   (outcome, requested protocols or None without RDP_NEG_REQ, failure or
#   selected name or None, diagnosis id, server)
#   where server is the implementation rdpneg must recognise; for the
#   cases after the negotiation a sixth element, a dict of what rdpneg
#   must report of the TLS and CredSSP phase (after(), below) or, for
#   the Standard RDP Security cases (STD_CASE), of the MCS, security and
#   licensing phase (std(), below), given only for the connections that
#   reach the MCS Connect Initial.
# Optional per case: snaplen (FULL_SNAPLEN for the cases after the
#   negotiation), std (a Standard RDP Security case: its row's wire is
#   mcs_wire's, its logs are filtered for that phase), client_tls ("max-1.2" or "min-1.3": an OPENSSL_CONF file
#   for the client process only, system_default MaxProtocol/MinProtocol),
#   answer (the client's stdin: rdesktop's certificate prompt) and
#   connected_timeout (seconds before a connected client is stopped).

# What rdpneg must report after the negotiation (the expect tuple's sixth
# element): the TLS version the ServerHello chose (None without one), a
# cleartext alert ({"from": "client"|"server", "description": ...} or
# None), the server certificate's facts (None when it is not visible:
# TLS 1.3, or no certificate sent) and how far CredSSP got, inferred from
# the application-data record sizes: "none", "negotiate", "challenge",
# "authenticate", "error", "pub-key-auth", "credentials",
# "early-user-auth" or "complete".
CREDSSP = ("none", "negotiate", "challenge", "authenticate", "error",
           "pub-key-auth", "credentials", "early-user-auth", "complete")


def after(tls_version, credssp="none", alert=None, certificate=None):
    assert credssp in CREDSSP
    return {"tls_version": tls_version, "tls_alert": alert,
            "certificate": certificate, "credssp": credssp}


def alert(side, description):
    return {"from": side, "description": description}


def cert(expired=False, name_mismatch=False, weak_key=False, sha1=False):
    """Facts of a visible certificate; every one recorded here is
    self-signed (issuer = subject)."""
    return {"self_signed": True, "expired": expired,
            "name_mismatch": name_mismatch, "weak_key": weak_key,
            "sha1": sha1}


# What rdpneg must report of the Standard RDP Security phase (MS-RDPBCGR
# 5.3), the expect tuple's sixth element for the connections that reach
# the MCS Connect Initial (the cases after STANDARD below), taken from
# tshark 4.0 (-d tcp.port==3389,tpkt) and the peers' logs:
#   client_name, client_build, keyboard_layout (1033 = 0x409), desktop
#   [w, h]: the client core data of the Connect Initial;
#   encryption_methods: the names of the client security data's
#   encryptionMethods bits in bit order ("40bit" 0x1, "128bit" 0x2,
#   "56bit" 0x8, "FIPS" 0x10; [] for 0), None without a Connect Initial;
#   encryption_method ("None", "40bit", "128bit", "56bit", "FIPS") and
#   encryption_level ("None", "Low", "Client compatible", "High",
#   "FIPS"): the server security data of the Connect Response (Zeek's
#   names), None without a Connect Response;
#   cert_type "RSA" (proprietary, dwVersion 1) or "X.509" (2), None
#   without a certificate; cert_count the certificates it holds (1 for a
#   proprietary one; Zeek logs 0 there, as it counts X.509 files only);
#   cert_permanent: bit 31 of dwVersion clear (Zeek's reading; FreeRDP
#   names the set bit CERT_TEMPORARILY_ISSUED);
#   stage: the furthest step the capture shows, decrypted or not
#   (STAGES): "connect-initial", "connect-response", "domain" (Erect
#   Domain, Attach User, Channel Join), "security-exchange",
#   "client-info", "licensing", "active" (the server's Demand Active, or
#   at an encrypted level its first data PDU after licensing: basic
#   security header without SEC_LICENSE_PKT). Security Exchange, Client
#   Info and licensing PDUs are told by their basic security header
#   flags, in clear at every level: SEC_EXCHANGE_PKT 0x0001,
#   SEC_INFO_PKT 0x0040, SEC_LICENSE_PKT 0x0080;
#   disconnect: the first MCS Disconnect Provider Ultimatum,
#   {"from": "server"|"client", "reason": "rn-user-requested", ...}, or
#   None;
#   license_error: the dwErrorCode name of a License Error PDU in clear
#   other than STATUS_VALID_CLIENT (which ends a successful licensing),
#   or None; error_info: the ERRINFO_* name of a Set Error Info PDU in
#   clear, or None.
STAGES = ("connect-initial", "connect-response", "domain",
          "security-exchange", "client-info", "licensing", "active")
METHODS = {"None": 0, "40bit": 0x1, "128bit": 0x2, "56bit": 0x8,
           "FIPS": 0x10}
LEVELS = ("None", "Low", "Client compatible", "High", "FIPS")
DPUM_REASONS = ("rn-domain-disconnected", "rn-provider-initiated",
                "rn-token-purged", "rn-user-requested", "rn-channel-purged")
FREERDP_BUILD = 18363	# xfreerdp 2.11's clientBuild
RDESKTOP_BUILD = 2600	# rdesktop 1.9's clientBuild
CLIENT_NAME = "rdpneg-client"	# /client-hostname, rdesktop -n
# xrdp's server certificate: proprietary (dwVersion 0x00000001).
XRDP_RSA = ("RSA", 1, True)
# What each client offers in its client security data by default.
FREERDP_ALL = ["40bit", "128bit", "56bit", "FIPS"]	# 0x1b
RDESKTOP_ALL = ["40bit", "128bit"]			# 0x03


def std(stage, build, methods, method=None, level=None, certificate=None,
        disconnect=None, license_error=None, error_info=None,
        client_name=CLIENT_NAME, keyboard_layout=1033, desktop=(320, 240)):
    """What rdpneg must report of the Standard RDP Security phase."""
    assert stage in STAGES
    assert methods is None or all(m in METHODS and m != "None"
                                  for m in methods)
    assert method is None or method in METHODS
    assert level is None or level in LEVELS
    cert_type, count, permanent = certificate or (None, None, None)
    return {"client_name": client_name, "client_build": build,
            "keyboard_layout": keyboard_layout,
            "desktop": list(desktop) if desktop else None,
            "encryption_methods": list(methods) if methods is not None
            else None,
            "encryption_method": method, "encryption_level": level,
            "cert_type": cert_type, "cert_count": count,
            "cert_permanent": permanent, "stage": stage,
            "disconnect": disconnect, "license_error": license_error,
            "error_info": error_info}


def dpum(side="server", reason="rn-user-requested"):
    """The first MCS Disconnect Provider Ultimatum."""
    assert reason in DPUM_REASONS
    return {"from": side, "reason": reason}


XRDP_TLS = {"security_layer": "tls"}
XFREERDP = ["xfreerdp", "/u:" + USER, "/p:wrong", "/cert:ignore",
            "/log-level:INFO"]
# Without /cert:ignore: an untrusted certificate is refused, no prompt.
XFREERDP_DENY = ["xfreerdp", "/u:" + USER, "/p:wrong", "/cert:deny",
                 "/log-level:INFO"]
XFREERDP_NLA = ["xfreerdp", "/u:" + USER, "/p:" + PASSWORD, "/cert:ignore",
                "/log-level:INFO"]
XRDP_TLS12 = {"security_layer": "tls", "ssl_protocols": "TLSv1.2"}
SAM = "/sam-file:{sam}"


# The Standard RDP Security cases: whole packets, a smaller desktop and a
# fixed client name; a connected client is stopped after 3 s (xfreerdp
# takes about 100 ms per MCS Channel Join, so 1 s does not reach the
# Client Info).
XFREERDP_STD = XFREERDP + ["/size:320x240", "/client-hostname:" + CLIENT_NAME]
RDESKTOP_STD = ["rdesktop", "-u", USER, "-g", "320x240", "-n", CLIENT_NAME]


def STD_CASE(name, server, client, expect, note, **k):
    k.setdefault("connected_timeout", 3)
    return case(name, 4, 3389, server, client, expect, note,
                snaplen=FULL_SNAPLEN, std=True, **k)


def AFTER_CASE(name, server, client, expect, note, **k):
    k.setdefault("connected_timeout", 1)
    return case(name, 4, 3389, server, client, expect, note,
                snaplen=FULL_SNAPLEN, **k)


NLA_NOTE = ("; CredSSP records (plaintext = record length - 17 under TLS "
            "1.3, - 24 under TLS 1.2 AES-256-GCM): ")

AFTER_CASES = [
    # TLS versions: each side limited to what the other will not do.
    (("xrdp-tls13only-client-tls12",
      ("xrdp", {"security_layer": "tls", "ssl_protocols": "TLSv1.3"},
       "readable"), XFREERDP + ["/v:{addr}"],
      [("selected", 3, "SSL", "tls-version-mismatch", "xrdp",
        after(None, alert=alert("server", "protocol_version")))],
      "xrdp ssl_protocols=TLSv1.3; the client's OpenSSL without TLS 1.3 "
      "(its ClientHello has no supported_versions: TLS 1.2 at most). xrdp "
      "answers with a fatal protocol_version alert, then an MCS Disconnect "
      "Provider Ultimatum (9 bytes, clear) into the closed connection; no "
      "retry"), {"client_tls": "max-1.2"}),
    (("xrdp-tls12only-client-tls13",
      ("xrdp", XRDP_TLS12, "readable"), XFREERDP + ["/v:{addr}"],
      [("selected", 3, "SSL", "tls-version-mismatch", "xrdp",
        after(None, alert=alert("server", "protocol_version")))],
      "xrdp ssl_protocols=TLSv1.2; the client's OpenSSL offers TLS 1.3 "
      "only (supported_versions 0x0304). xrdp answers with a fatal "
      "protocol_version alert, then the Disconnect Provider Ultimatum"),
     {"client_tls": "min-1.3"}),
    # No cipher suite in common.
    (("xrdp-ecdsa-ciphers-rsa-cert",
      ("xrdp", {**XRDP_TLS12, "tls_ciphers": "ECDHE-ECDSA-AES256-GCM-SHA384"},
       "readable"), XFREERDP + ["/v:{addr}"],
      [("selected", 3, "SSL", "tls-no-common-cipher", "xrdp",
        after(None, alert=alert("server", "handshake_failure")))],
      "xrdp TLS 1.2 with only an ECDSA suite and an RSA certificate: "
      "OpenSSL 'no shared cipher', a fatal handshake_failure alert right "
      "after the ClientHello (which offered TLS 1.3 to 1.0 and the "
      "suite), then the Disconnect Provider Ultimatum"), {}),
    # The server cannot do TLS with its certificate.
    (("xrdp-key-mismatch",
      ("xrdp", XRDP_TLS, "keymismatch"), XFREERDP + ["/v:{addr}"],
      [("selected", 3, "SSL", "tls-server-aborted", "xrdp", after(None))],
      "xrdp's key_file is not the certificate's key: it selects SSL "
      "(it only checks that the files can be read), then on the "
      "ClientHello fails to load them and sends no ServerHello and no "
      "alert, only the Disconnect Provider Ultimatum (9 bytes, not TLS) "
      "and a reset"), {}),
    (("xrdp-rsa1024-cert-server-aborted",
      ("xrdp", XRDP_TLS12, "rsa1024"), ["xfreerdp", "/u:" + USER, "/p:wrong",
                                        "/cert:ignore", "/log-level:INFO",
                                        "/v:localhost"],
      [("selected", 3, "SSL", "tls-server-aborted", "xrdp", after(None))],
      "a 1024-bit RSA key: xrdp's OpenSSL 3 (security level 2) refuses to "
      "load it ('ee key too small') when the ClientHello comes: no "
      "ServerHello, no alert, the Disconnect Provider Ultimatum and a "
      "reset"), {}),
    # The client refuses the self-signed certificate.
    (("xrdp-selfsigned-cert-deny-tls13",
      ("xrdp", XRDP_TLS, "localhost"), XFREERDP_DENY + ["/v:localhost"],
      [("selected", 3, "SSL", "tls-certificate-rejected", "xrdp",
        after("TLS 1.3"))],
      "xfreerdp /cert:deny refuses the self-signed certificate (whose "
      "name matches): the TLS 1.3 handshake completes (client Finished), "
      "xrdp sends its session tickets, the client sends one 19-byte record "
      "(2 bytes of plaintext: its close_notify alert, hidden as type 23), "
      "FIN and RST; no application data"), {}),
    (("xrdp-selfsigned-cert-deny-tls12",
      ("xrdp", XRDP_TLS, "localhost"), XFREERDP_DENY + ["/v:localhost"],
      [("selected", 3, "SSL", "tls-certificate-rejected", "xrdp",
        after("TLS 1.2", certificate=cert()))],
      "as above under TLS 1.2: the handshake completes (both Finished), "
      "then the client sends an encrypted alert record (26 bytes: 2 of "
      "plaintext, its close_notify) and FIN, without application data; "
      "xrdp answers with its own encrypted alert, the client resets"),
     {"client_tls": "max-1.2"}),
    (("xrdp-expired-cert-deny-tls12",
      ("xrdp", XRDP_TLS12, "expired"), XFREERDP_DENY + ["/v:localhost"],
      [("selected", 3, "SSL", "tls-certificate-rejected", "xrdp",
        after("TLS 1.2", certificate=cert(expired=True)))],
      "an expired self-signed certificate, refused by /cert:deny (FreeRDP "
      "logs the first verification failure, self-signed); same wire shape "
      "as the self-signed refusal"), {}),
    # Certificates with one flaw each, accepted by /cert:ignore.
    (("xrdp-othername-cert-ignore-tls12",
      ("xrdp", XRDP_TLS12, "othername"), XFREERDP + ["/v:localhost"],
      [("selected", 3, "SSL", "negotiated", "xrdp",
        after("TLS 1.2", certificate=cert(name_mismatch=True)))],
      "a certificate for rdp.other.invalid, the client connecting to "
      "localhost (SNI localhost), accepted by /cert:ignore; the session "
      "reaches xrdp's login screen and is stopped"), {"connected": True}),
    (("xrdp-sha1-cert-ignore-tls12",
      ("xrdp", XRDP_TLS12, "sha1"), XFREERDP + ["/v:localhost"],
      [("selected", 3, "SSL", "negotiated", "xrdp",
        after("TLS 1.2", certificate=cert(sha1=True)))],
      "a SHA-1 signed self-signed certificate (OpenSSL loads it: a "
      "self-signed certificate's own signature is not checked against the "
      "security level), accepted by /cert:ignore"), {"connected": True}),
    (("xrdp-rsa1024-cert-ignore-tls12",
      ("xrdp", {**XRDP_TLS12, "tls_ciphers": "HIGH:@SECLEVEL=1"}, "rsa1024"),
      XFREERDP + ["/v:localhost"],
      [("selected", 3, "SSL", "negotiated", "xrdp",
        after("TLS 1.2", certificate=cert(weak_key=True)))],
      "a 1024-bit RSA key, loaded by xrdp once tls_ciphers lowers "
      "OpenSSL's security level to 1, accepted by /cert:ignore"),
     {"connected": True}),
    # rdesktop answers its certificate prompt with no.
    (("xrdp-rdesktop-cert-no-tls13",
      ("xrdp", XRDP_TLS, "localhost"), ["rdesktop", "-u", USER, "localhost"],
      [("selected", 3, "SSL", "tls-certificate-rejected", "xrdp",
        after("TLS 1.3"))],
      "rdesktop (GnuTLS) answered no at its certificate prompt (issuer "
      "not trusted; the name matches): after the server's TLS 1.3 flight it sends only "
      "its ChangeCipherSpec, no Finished, then resets"),
     {"answer": b"no\n"}),
    (("xrdp-rdesktop-cert-no-tls12",
      ("xrdp", XRDP_TLS, "localhost"),
      ["rdesktop", "-V", "1.2", "-u", USER, "localhost"],
      [("selected", 3, "SSL", "tls-certificate-rejected", "xrdp",
        after("TLS 1.2", certificate=cert()))],
      "rdesktop -V 1.2 answered no at its certificate prompt: it resets "
      "right after ServerHelloDone, before its ClientKeyExchange"),
     {"answer": b"no\n"}),
    # NLA (CredSSP over TLS) to freerdp-shadow-cli with a SAM file.
    (("shadow-nla-right-password-tls13",
      ("shadow", ["/sec:nla", SAM]), XFREERDP_NLA + ["/v:{addr}", "/sec:nla"],
      [("selected", 3, "HYBRID", "negotiated", "freerdp",
        after("TLS 1.3", "complete"))],
      "NLA with alice's password" + NLA_NOTE + "C 110 (NTLM negotiate, "
      "93), S 250 and S 250 (the TLS 1.3 session tickets, not CredSSP), "
      "S 179 (challenge, 162), C 446 (authenticate, 429), S 112 "
      "(pubKeyAuth, 95), C 137 (authInfo: the credentials, 120), then C "
      "484 (MCS Connect Initial) and the session"), {"connected": True}),
    (("shadow-nla-wrong-password-tls13",
      ("shadow", ["/sec:nla", SAM]), XFREERDP + ["/v:{addr}", "/sec:nla"],
      [("selected", 3, "HYBRID", "nla-logon-failed", "freerdp",
        after("TLS 1.3", "authenticate"))] * 2,
      "NLA with a wrong password" + NLA_NOTE + "C 110 (negotiate), S 250, "
      "S 250 (tickets), S 179 (challenge), C 446 (authenticate), then S 19 "
      "(2 bytes: an alert, close_notify; FreeRDP 2.11's server sends no "
      "error TSRequest) and FIN; the client answers 19 (its close_notify), "
      "the server resets. The server logs the NTLM MIC failure "
      "(SEC_E_MESSAGE_ALTERED) and 'client authentication failure'. "
      "FreeRDP retries once: two identical connections"), {}),
    (("shadow-nla-right-password-tls12",
      ("shadow", ["/sec:nla", SAM]), XFREERDP_NLA + ["/v:{addr}", "/sec:nla"],
      [("selected", 3, "HYBRID", "negotiated", "freerdp",
        after("TLS 1.2", "complete", certificate=cert(name_mismatch=True)))],
      "NLA with alice's password under TLS 1.2" + NLA_NOTE + "C 117 "
      "(negotiate, 93), S 186 (challenge, 162), C 453 (authenticate, 429), "
      "S 119 (pubKeyAuth, 95), C 144 (credentials, 120), then C 491 (MCS "
      "Connect Initial) and the session. The shadow server's own "
      "certificate (made at its first start) names another host than the "
      "SNI 127.0.0.1"), {"connected": True, "client_tls": "max-1.2"}),
    (("shadow-nla-wrong-password-tls12",
      ("shadow", ["/sec:nla", SAM]), XFREERDP + ["/v:{addr}", "/sec:nla"],
      [("selected", 3, "HYBRID", "nla-logon-failed", "freerdp",
        after("TLS 1.2", "authenticate",
              certificate=cert(name_mismatch=True)))] * 2,
      "NLA with a wrong password under TLS 1.2" + NLA_NOTE + "C 117 "
      "(negotiate), S 186 (challenge), C 453 (authenticate), then an "
      "encrypted alert record from the server (type 21, 26 bytes: 2 of "
      "plaintext, close_notify; no error TSRequest) and FIN; the client "
      "answers with its own alert, the server resets. FreeRDP retries "
      "once"), {"client_tls": "max-1.2"}),
    (("shadow-nla-cert-deny-tls13",
      ("shadow", ["/sec:nla", SAM]), XFREERDP_DENY + ["/v:{addr}", "/sec:nla"],
      [("selected", 3, "HYBRID", "tls-certificate-rejected", "freerdp",
        after("TLS 1.3", "none"))],
      "HYBRID selected, the client refuses the shadow server's "
      "certificate after the TLS 1.3 handshake: it closes before any "
      "CredSSP record"), {}),
]


def case(name, family, port, server, client, expect, note="",
         connected=False, snaplen=SNAPLEN, client_tls=None, answer=b"yes\n",
         connected_timeout=CONNECTED_TIMEOUT, std=False):
    return {"name": name, "family": family, "port": port, "server": server,
            "client": client, "expect": expect, "note": note,
            "connected": connected, "snaplen": snaplen,
            "client_tls": client_tls, "answer": answer,
            "connected_timeout": connected_timeout, "std": std}


CASES = [
    # xrdp, security_layer=tls with a certificate it can read.
    case("xrdp-tls-default", 4, 3389,
         ("xrdp", XRDP_TLS, "readable"), XFREERDP + ["/v:{addr}"],
         [("selected", 3, "SSL", "negotiated", "xrdp")],
         "default negotiation succeeds (0x3 answered with SSL; xrdp never "
         "selects HYBRID)", connected=True),
    STD_CASE("xrdp-tls-sec-rdp",
             ("xrdp", XRDP_TLS, "readable"),
             XFREERDP_STD + ["/v:{addr}", "/sec:rdp"],
             [("legacy", None, None, "legacy-refused-after-confirm",
               "unknown", std("connect-initial", FREERDP_BUILD, FREERDP_ALL,
                              disconnect=dpum()))] * 2,
             "a request without RDP_NEG_REQ gets a Connection Confirm "
             "without negotiation data; after the client's MCS Connect "
             "Initial xrdp logs 'Server requires TLS', sends a Disconnect "
             "Provider Ultimatum (rn-user-requested) and resets, without a "
             "Connect Response; FreeRDP retries once"),
    case("xrdp-tls-sec-nla", 4, 3389,
         ("xrdp", XRDP_TLS, "readable"), XFREERDP + ["/v:{addr}", "/sec:nla"],
         [("selected", 3, "SSL", "client-requires-nla", "xrdp")],
         "the server selects SSL, which the request 0x3 includes but the "
         "client had not enabled (/sec:nla): FreeRDP closes without "
         "starting TLS"),
    case("xrdp-tls-rdesktop", 4, 3389,
         ("xrdp", XRDP_TLS, "readable"), ["rdesktop", "-u", USER, "{addr}"],
         [("selected", 3, "SSL", "negotiated", "xrdp")],
         "rdesktop 1.9 requests SSL|HYBRID and accepts SSL",
         connected=True),
    # xrdp, security_layer=tls, key file unreadable by the xrdp user.
    case("xrdp-tls-nocert-default", 4, 3389,
         ("xrdp", XRDP_TLS, "unreadable"), XFREERDP + ["/v:{addr}"],
         [("failure", 3, "SSL_CERT_NOT_ON_SERVER",
           "server-certificate-unavailable", "xrdp"),
          ("failure", 1, "SSL_CERT_NOT_ON_SERVER",
           "server-certificate-unavailable", "xrdp"),
          ("failure", 0, "SSL_CERT_NOT_ON_SERVER",
           "server-certificate-unavailable", "xrdp")],
         "SSL_CERT_NOT_ON_SERVER to each step of the client's fallback "
         "chain 0x3, 0x1, then 0x0 in an RDP_NEG_REQ"),
    case("xrdp-tls-nocert-sec-tls", 4, 3389,
         ("xrdp", XRDP_TLS, "unreadable"), XFREERDP + ["/v:{addr}", "/sec:tls"],
         [("failure", 1, "SSL_CERT_NOT_ON_SERVER",
           "server-certificate-unavailable", "xrdp")],
         "SSL_CERT_NOT_ON_SERVER to a TLS-only client"),
    # xrdp, security_layer=negotiate without a readable certificate
    # (Debian's default install: the snakeoil key is not the xrdp user's).
    case("xrdp-negotiate-nocert-sec-tls", 4, 3389,
         ("xrdp", {"security_layer": "negotiate"}, "unreadable"),
         XFREERDP + ["/v:{addr}", "/sec:tls"],
         [("selected", 1, "RDP", "server-chose-standard-rdp", "xrdp")],
         "Standard RDP Security selected for a TLS-only request: the client "
         "gives up, no failure PDU"),
    case("xrdp-negotiate-nocert-default", 4, 3389,
         ("xrdp", {"security_layer": "negotiate"}, "unreadable"),
         XFREERDP + ["/v:{addr}"],
         [("selected", 3, "RDP", "server-chose-standard-rdp", "xrdp")],
         "Standard RDP Security selected for 0x3; FreeRDP's default accepts "
         "it and connects unauthenticated", connected=True),
    # xrdp, TLS 1.0 only: negotiation succeeds, the TLS handshake fails.
    case("xrdp-tls10-default", 4, 3389,
         ("xrdp", {"security_layer": "negotiate", "ssl_protocols": "TLSv1"},
          "readable"), XFREERDP + ["/v:{addr}"],
         [("selected", 3, "SSL", "tls-handshake-failed", "xrdp")],
         "negotiation succeeds; xrdp answers the client's TLS hello with "
         "an alert (TLS 1.0 only against OpenSSL 3's defaults)"),
    # xrdp, Standard RDP Security at each crypt_level.
    STD_CASE("xrdp-rdp-low-sec-rdp",
             ("xrdp", {"security_layer": "rdp", "crypt_level": "low"},
              "readable"), XFREERDP_STD + ["/v:{addr}", "/sec:rdp"],
             [("legacy", None, None, "rdp-session-dropped", "unknown",
               std("client-info", FREERDP_BUILD, FREERDP_ALL, "40bit",
                   "Low", XRDP_RSA, dpum()))],
             "crypt_level=low: 40-bit, level Low; after the Security "
             "Exchange and the Client Info (flags 0x0848: SEC_INFO_PKT, "
             "SEC_ENCRYPT, SEC_SECURE_CHECKSUM) xrdp logs 'MAC checksum "
             "error for non-FIPS PDU' and sends a Disconnect Provider "
             "Ultimatum (rn-user-requested), which FreeRDP reports as "
             "ERRINFO_LOGOFF_BY_USER (no Set Error Info PDU on the wire)"),
    STD_CASE("xrdp-rdp-medium-sec-rdp",
             ("xrdp", {"security_layer": "rdp", "crypt_level": "medium"},
              "readable"), XFREERDP_STD + ["/v:{addr}", "/sec:rdp"],
             [("legacy", None, None, "rdp-session-dropped", "unknown",
               std("client-info", FREERDP_BUILD, FREERDP_ALL, "40bit",
                   "Client compatible", XRDP_RSA, dpum()))],
             "crypt_level=medium: 40-bit, level Client compatible; the same "
             "MAC checksum error and Disconnect Provider Ultimatum after the "
             "Client Info"),
    STD_CASE("xrdp-rdp-high-default",
             ("xrdp", {"security_layer": "rdp", "crypt_level": "high"},
              "readable"), XFREERDP_STD + ["/v:{addr}"],
             [("selected", 3, "RDP", "rdp-session-dropped", "xrdp",
               std("client-info", FREERDP_BUILD, FREERDP_ALL, "128bit",
                   "High", XRDP_RSA, dpum()))],
             "crypt_level=high; Standard RDP Security selected for 0x3 and "
             "accepted by FreeRDP's default; 128-bit, level High; the same "
             "MAC checksum error and Disconnect Provider Ultimatum after the "
             "Client Info"),
    case("xrdp-rdp-high-sec-tls", 4, 3389,
         ("xrdp", {"security_layer": "rdp", "crypt_level": "high"},
          "readable"), XFREERDP + ["/v:{addr}", "/sec:tls"],
         [("selected", 1, "RDP", "server-chose-standard-rdp", "xrdp")],
         "a server selecting a protocol the client did not request"),
    STD_CASE("xrdp-rdp-fips-sec-rdp",
             ("xrdp", {"security_layer": "rdp", "crypt_level": "fips"},
              "readable"), XFREERDP_STD + ["/v:{addr}", "/sec:rdp"],
             [("legacy", None, None, "legacy-client", "unknown",
               std("active", FREERDP_BUILD, FREERDP_ALL, "FIPS", "FIPS",
                   XRDP_RSA))],
             "crypt_level=fips: FIPS, level FIPS; FreeRDP's Security "
             "Exchange, Client Info and licensing (encrypted: flags "
             "0x0a88), then encrypted data PDUs (flags 0x0008): the session "
             "reaches xrdp's login screen (xrdp cannot reach sesman here) "
             "and is stopped", connected=True),
    STD_CASE("xrdp-rdp-high-rdesktop",
             ("xrdp", {"security_layer": "rdp", "crypt_level": "high"},
              "readable"), RDESKTOP_STD + ["{addr}"],
             [("selected", 3, "RDP", "server-chose-standard-rdp", "xrdp",
               std("active", RDESKTOP_BUILD, RDESKTOP_ALL, "128bit", "High",
                   XRDP_RSA))],
             "rdesktop accepts Standard RDP Security: 128-bit, level High; "
             "Security Exchange, Client Info (flags 0x0048, no "
             "SEC_SECURE_CHECKSUM), licensing in clear (LICENSE_REQUEST, "
             "NEW_LICENSE_REQUEST, ERROR_ALERT STATUS_VALID_CLIENT), then "
             "the encrypted Demand Active and the session", connected=True),
    # xrdp over IPv6 and on a non-standard port.
    case("xrdp-negotiate-ipv6", 6, 3389,
         ("xrdp", {"security_layer": "negotiate"}, "readable"),
         XFREERDP + ["/v:{addr}"],
         [("selected", 3, "SSL", "negotiated", "xrdp")],
         "IPv6 loopback", connected=True),
    case("xrdp-negotiate-port-13389", 4, 13389,
         ("xrdp", {"security_layer": "negotiate"}, "readable"),
         XFREERDP + ["/v:{addr}", "/sec:nla"],
         [("selected", 3, "SSL", "client-requires-nla", "xrdp")],
         "non-standard port (found by content); /sec:nla refuses SSL"),
    # freerdp-shadow-cli: NLA only, TLS only, Standard RDP Security only.
    case("shadow-nla-sec-tls", 4, 3389, ("shadow", ["/sec:nla"]),
         XFREERDP + ["/v:{addr}", "/sec:tls"],
         [("failure", 1, "HYBRID_REQUIRED_BY_SERVER", "nla-required",
           "freerdp")], "HYBRID_REQUIRED_BY_SERVER"),
    case("shadow-nla-sec-rdp", 4, 3389, ("shadow", ["/sec:nla"]),
         XFREERDP + ["/v:{addr}", "/sec:rdp"],
         [("failure", None, "HYBRID_REQUIRED_BY_SERVER", "nla-required",
           "freerdp")],
         "a failure code answering a request without RDP_NEG_REQ "
         "(MS-RDPBCGR 3.3.5.3.1 leaves none)"),
    case("shadow-nla-default", 4, 3389, ("shadow", ["/sec:nla"]),
         XFREERDP + ["/v:{addr}"],
         [("selected", 3, "HYBRID", "negotiated", "freerdp"),
          ("selected", 3, "HYBRID", "negotiated", "freerdp")],
         "HYBRID selected; NLA then fails (unknown user), FreeRDP retries "
         "once"),
    case("shadow-tls-sec-rdp", 4, 3389, ("shadow", ["/sec:tls"]),
         XFREERDP + ["/v:{addr}", "/sec:rdp"],
         [("failure", None, "SSL_REQUIRED_BY_SERVER",
           "tls-required-legacy-request", "freerdp")],
         "SSL_REQUIRED_BY_SERVER answering a request without RDP_NEG_REQ"),
    case("shadow-tls-sec-nla", 4, 3389, ("shadow", ["/sec:tls"]),
         XFREERDP + ["/v:{addr}", "/sec:nla"],
         [("selected", 3, "SSL", "client-requires-nla", "freerdp")],
         "SSL selected, which the client had not enabled: it closes "
         "without starting TLS"),
    STD_CASE("shadow-rdp-default", ("shadow", ["/sec:rdp"]),
             XFREERDP_STD + ["/v:{addr}"],
             [("failure", 3, "SSL_NOT_ALLOWED_BY_SERVER",
               "server-rdp-security-only", "freerdp"),
              ("failure", 1, "SSL_NOT_ALLOWED_BY_SERVER",
               "server-rdp-security-only", "freerdp"),
              ("selected", 0, "RDP", "standard-rdp-fallback", "freerdp",
               std("active", FREERDP_BUILD, FREERDP_ALL, "None", "None"))],
             "the client's fallback chain 0x3, 0x1, 0x0 ends in Standard RDP "
             "Security; freerdp-shadow-cli /sec:rdp chooses no encryption "
             "(method None, level None, no server certificate): Client Info "
             "in clear, licensing only its ERROR_ALERT STATUS_VALID_CLIENT, "
             "the Demand Active and the session (the shadow server logs the "
             "wrong password as a PAM failure but keeps the session)",
             connected=True),
    case("shadow-rdp-sec-tls", 4, 3389, ("shadow", ["/sec:rdp"]),
         XFREERDP + ["/v:{addr}", "/sec:tls"],
         [("failure", 1, "SSL_NOT_ALLOWED_BY_SERVER", "server-rdp-security-only",
           "freerdp")], "SSL_NOT_ALLOWED_BY_SERVER"),
    case("shadow-ipv6-default", 6, 3389, ("shadow", []),
         XFREERDP + ["/v:{addr}"],
         [("selected", 3, "SSL", "negotiated", "freerdp")],
         "IPv6 loopback; without /sec: the shadow server selects SSL for "
         "0x3 (it offers NLA only when told to)", connected=True),
    # Nothing listening.
    case("closed-port", 4, 3389, ("none", []), XFREERDP + ["/v:{addr}"],
         [("refused", None, None, "port-closed", "unknown"),
          ("refused", None, None, "port-closed", "unknown")],
         "nothing listens on the port; FreeRDP tries twice"),
] + [
    # ---- After the negotiation: TLS, the certificate, NLA (CredSSP).
    # Whole packets (FULL_SNAPLEN); a connected client is stopped sooner.
    AFTER_CASE(*a, **k) for a, k in AFTER_CASES] + [
    # ---- Standard RDP Security (MS-RDPBCGR 5.3) after the negotiation,
    # whole packets; the re-recorded older cases above are STD_CASEs too.
    # xrdp security_layer=rdp at each crypt_level, xfreerdp /sec:rdp.
    STD_CASE("xrdp-rdp-none-sec-rdp",
             ("xrdp", {"security_layer": "rdp", "crypt_level": "none"},
              "readable"), XFREERDP_STD + ["/v:{addr}", "/sec:rdp"],
             [("legacy", None, None, "legacy-client", "unknown",
               std("active", FREERDP_BUILD, FREERDP_ALL, "None", "None"))],
             "crypt_level=none: method None, level None, no server "
             "certificate (xrdp logs 'Client and server do not both support "
             "the same encryption' and goes on); no Security Exchange, the "
             "Client Info in clear (flags 0x0040), licensing in clear "
             "(LICENSE_REQUEST, NEW_LICENSE_REQUEST, ERROR_ALERT "
             "STATUS_VALID_CLIENT), the Demand Active and the session",
             connected=True),
    # The same levels with rdesktop (requests 0x3, offers 40|128-bit).
    STD_CASE("xrdp-rdp-none-rdesktop",
             ("xrdp", {"security_layer": "rdp", "crypt_level": "none"},
              "readable"), RDESKTOP_STD + ["{addr}"],
             [("selected", 3, "RDP", "rdp-encryption-mismatch", "xrdp",
               std("client-info", RDESKTOP_BUILD, RDESKTOP_ALL, "None",
                   "None", disconnect=dpum()))],
             "crypt_level=none with rdesktop, which offered 40|128-bit: "
             "xrdp answers method None, level None, no certificate; "
             "rdesktop still sends a Security Exchange (flags 0x0001) and "
             "an encrypted Client Info (0x0048); xrdp logs 'xrdp_sec_recv : "
             "error - unexpected length 8' and sends a Disconnect Provider "
             "Ultimatum (rn-user-requested), then resets"),
    STD_CASE("xrdp-rdp-low-rdesktop",
             ("xrdp", {"security_layer": "rdp", "crypt_level": "low"},
              "readable"), RDESKTOP_STD + ["{addr}"],
             [("selected", 3, "RDP", "server-chose-standard-rdp", "xrdp",
               std("active", RDESKTOP_BUILD, RDESKTOP_ALL, "40bit", "Low",
                   XRDP_RSA))],
             "crypt_level=low with rdesktop: 40-bit, level Low, and the "
             "session comes up (server to client unencrypted at Low: the "
             "Demand Active's security header flags are 0)",
             connected=True),
    STD_CASE("xrdp-rdp-fips-rdesktop",
             ("xrdp", {"security_layer": "rdp", "crypt_level": "fips"},
              "readable"), RDESKTOP_STD + ["{addr}"],
             [("selected", 3, "RDP", "rdp-encryption-mismatch", "xrdp",
               std("client-info", RDESKTOP_BUILD, RDESKTOP_ALL, "FIPS",
                   "FIPS", XRDP_RSA, dpum()))],
             "crypt_level=fips with rdesktop, which offered 40|128-bit and "
             "cannot do FIPS: xrdp chooses FIPS anyway ('Client and server "
             "do not both support the same encryption'); rdesktop sends its "
             "Security Exchange and a Client Info with the non-FIPS header; "
             "xrdp logs 'TS_SECURITY_HEADER2 has unexpected length' and "
             "sends a Disconnect Provider Ultimatum, then FIN"),
    # xfreerdp /encryption-methods: what xrdp does with one method only.
    STD_CASE("xrdp-rdp-high-methods-40",
             ("xrdp", {"security_layer": "rdp", "crypt_level": "high"},
              "readable"),
             XFREERDP_STD + ["/v:{addr}", "/sec:rdp",
                             "/encryption-methods:40"],
             [("legacy", None, None, "rdp-encryption-mismatch", "unknown",
               std("client-info", FREERDP_BUILD, ["40bit"], "128bit",
                   "High", XRDP_RSA, dpum()))],
             "crypt_level=high, the client offering 40-bit only: xrdp does "
             "not refuse the Connect Initial; it logs 'Client and server do "
             "not both support the same encryption' and answers 128-bit, "
             "level High, which FreeRDP accepts; the session then ends as "
             "with every method (xrdp's log: MAC checksum error; a "
             "Disconnect Provider Ultimatum after the Client Info). "
             "/encryption-methods:56 and :FIPS do the same"),
    STD_CASE("xrdp-rdp-high-methods-128",
             ("xrdp", {"security_layer": "rdp", "crypt_level": "high"},
              "readable"),
             XFREERDP_STD + ["/v:{addr}", "/sec:rdp",
                             "/encryption-methods:128"],
             [("legacy", None, None, "rdp-session-dropped", "unknown",
               std("client-info", FREERDP_BUILD, ["128bit"], "128bit",
                   "High", XRDP_RSA, dpum()))],
             "crypt_level=high, the client offering 128-bit only, as the "
             "server chooses: the methods agree and the session still ends "
             "after the Client Info (MAC checksum error, Disconnect "
             "Provider Ultimatum): the drop is not an encryption mismatch"),
    STD_CASE("xrdp-rdp-fips-methods-40",
             ("xrdp", {"security_layer": "rdp", "crypt_level": "fips"},
              "readable"),
             XFREERDP_STD + ["/v:{addr}", "/sec:rdp",
                             "/encryption-methods:40"],
             [("legacy", None, None, "legacy-client", "unknown",
               std("active", FREERDP_BUILD, ["40bit"], "FIPS", "FIPS",
                   XRDP_RSA))],
             "crypt_level=fips, the client offering 40-bit only: xrdp "
             "chooses FIPS (logging 'Client and server do not both support "
             "the same encryption'), FreeRDP uses it although it did not "
             "offer it, and the session comes up: no failure, so no "
             "mismatch diagnosis. /encryption-methods:56, :128 and :FIPS "
             "do the same", connected=True),
    # rdesktop -e (no encryption: encryptionMethods 0) and -E.
    STD_CASE("xrdp-rdp-none-rdesktop-e",
             ("xrdp", {"security_layer": "rdp", "crypt_level": "none"},
              "readable"), RDESKTOP_STD + ["-e", "{addr}"],
             [("selected", 3, "RDP", "server-chose-standard-rdp", "xrdp",
               std("active", RDESKTOP_BUILD, [], "None", "None"))],
             "rdesktop -e offers no encryption method (0) and crypt_level="
             "none chooses None: Client Info in clear, licensing in clear, "
             "Demand Active, the session comes up", connected=True),
    STD_CASE("xrdp-rdp-low-rdesktop-e",
             ("xrdp", {"security_layer": "rdp", "crypt_level": "low"},
              "readable"), RDESKTOP_STD + ["-e", "{addr}"],
             [("selected", 3, "RDP", "rdp-encryption-mismatch", "xrdp",
               std("active", RDESKTOP_BUILD, [], "40bit", "Low", XRDP_RSA,
                   dpum()))],
             "rdesktop -e (methods 0) against crypt_level=low: xrdp answers "
             "40-bit, level Low anyway; rdesktop sends its Client Info in "
             "clear (no Security Exchange), licensing passes, the server's "
             "Demand Active comes in clear (Low), then rdesktop sends its "
             "Confirm Active without a security header; xrdp logs 'MAC "
             "checksum error', the client closes (FIN) and xrdp's "
             "Disconnect Provider Ultimatum follows, answered by a reset"),
    STD_CASE("xrdp-rdp-high-rdesktop-e",
             ("xrdp", {"security_layer": "rdp", "crypt_level": "high"},
              "readable"), RDESKTOP_STD + ["-e", "{addr}"],
             [("selected", 3, "RDP", "rdp-encryption-mismatch", "xrdp",
               std("licensing", RDESKTOP_BUILD, [], "128bit", "High",
                   XRDP_RSA))],
             "rdesktop -e (methods 0) against crypt_level=high: xrdp "
             "answers 128-bit, level High; Client Info in clear, licensing "
             "in clear, then the server's Demand Active encrypted (flags "
             "0x0008), which rdesktop cannot read: it closes (FIN) and xrdp "
             "closes too, no Disconnect Provider Ultimatum. crypt_level "
             "medium and fips do the same. Stage licensing: the encrypted "
             "Demand Active is not recognised, and the client never "
             "answered it"),
    STD_CASE("xrdp-rdp-high-rdesktop-E",
             ("xrdp", {"security_layer": "rdp", "crypt_level": "high"},
              "readable"), RDESKTOP_STD + ["-E", "{addr}"],
             [("selected", 3, "RDP", "server-chose-standard-rdp", "xrdp",
               std("active", RDESKTOP_BUILD, RDESKTOP_ALL, "128bit", "High",
                   XRDP_RSA))],
             "rdesktop -E (no encryption from client to server) still "
             "offers 40|128-bit, sends a Security Exchange and an encrypted "
             "Client Info; the session becomes active, then rdesktop stops "
             "by itself ('channel_process(), unexpected stream overrun') "
             "with FIN and RST; the server sends no Disconnect Provider "
             "Ultimatum. crypt_level low and medium do the same",
             connected=True),
    # A request without RDP_NEG_REQ to TLS-only xrdp from rdesktop.
    STD_CASE("xrdp-tls-rdesktop-4",
             ("xrdp", XRDP_TLS, "readable"), RDESKTOP_STD + ["-4", "{addr}"],
             [("legacy", None, None, "legacy-refused-after-confirm",
               "unknown", std("connect-initial", RDESKTOP_BUILD,
                              RDESKTOP_ALL, disconnect=dpum()))],
             "rdesktop -4 (RDP version 4) sends no RDP_NEG_REQ; xrdp "
             "security_layer=tls confirms without negotiation data, then "
             "answers the Connect Initial with a Disconnect Provider "
             "Ultimatum (rn-user-requested) and a reset; rdesktop does not "
             "retry"),
    # freerdp-shadow-cli /sec:rdp.
    STD_CASE("shadow-rdp-sec-rdp", ("shadow", ["/sec:rdp"]),
             XFREERDP_STD + ["/v:{addr}", "/sec:rdp"],
             [("selected", None, "RDP", "negotiated-standard-rdp", "freerdp",
               std("active", FREERDP_BUILD, FREERDP_ALL, "None", "None"))],
             "a request without RDP_NEG_REQ answered with an RDP_NEG_RSP "
             "selecting RDP (FreeRDP's server answers a legacy request "
             "with negotiation data, as it does with failure codes); method "
             "None, level None, no certificate; Client Info in clear, "
             "licensing only its ERROR_ALERT STATUS_VALID_CLIENT, the "
             "Demand Active and the session", connected=True),
    STD_CASE("shadow-rdp-rdesktop", ("shadow", ["/sec:rdp"]),
             RDESKTOP_STD + ["{addr}"],
             [("failure", 3, "SSL_NOT_ALLOWED_BY_SERVER",
               "server-rdp-security-only", "freerdp"),
              ("selected", None, "RDP", "rdp-session-dropped", "freerdp",
               std("domain", RDESKTOP_BUILD, RDESKTOP_ALL, "None", "None"))],
             "rdesktop's 0x3 gets SSL_NOT_ALLOWED_BY_SERVER; it retries "
             "without RDP_NEG_REQ, gets an RDP_NEG_RSP selecting RDP and a "
             "Connect Response with method None, level None (it offered "
             "40|128-bit), then the server closes (FIN, then RST) after its "
             "Erect Domain Request: the server's log says 'Received invalid "
             "TPKT header length 12, 1 bytes too long' (rdesktop's 12-byte "
             "Erect Domain Request), not an encryption problem: the wire "
             "shows the server dropping the session at the domain stage"),
]


# ---- Processes: started here, stopped here, by PID.

STARTED = []


def start(argv, **kw):
    """Start a process in its own session and remember it."""
    proc = subprocess.Popen(argv, start_new_session=True, **kw)
    STARTED.append(proc)
    return proc


def stop(proc, sig=signal.SIGTERM):
    """Stop one process this script started, by its PID."""
    if proc.poll() is None:
        try:
            os.kill(proc.pid, sig)
            proc.wait(timeout=STEP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=STEP_TIMEOUT)
        except ProcessLookupError:
            pass
    if proc in STARTED:
        STARTED.remove(proc)


def stop_all():
    for proc in list(STARTED):
        stop(proc)


def wait_until(test, what, timeout=STEP_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if test():
            return
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


def listening(family, port):
    """Whether something accepts connections on loopback port."""
    host = "::1" if family == 6 else "127.0.0.1"
    fam = socket.AF_INET6 if family == 6 else socket.AF_INET
    with socket.socket(fam, socket.SOCK_STREAM) as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0


def run(argv, timeout=300, **kw):
    return subprocess.run(argv, timeout=timeout, check=True, **kw)


# ---- Setup.

def install():
    """Install the peers without letting apt start the system's xrdp."""
    policy = Path("/usr/sbin/policy-rc.d")
    saved = policy.read_bytes() if policy.exists() else None
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        # Keep invoke-rc.d from starting xrdp on 3389 during the install.
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
        run(["apt-get", "update"], timeout=600, env=env)
        run(["apt-get", "install", "-y", "--no-install-recommends",
             *PACKAGES], timeout=1200, env=env)
    finally:
        if saved is None:
            policy.unlink()
        else:
            policy.write_bytes(saved)


LOCALHOST = ["-subj", "/CN=localhost", "-addext",
             "subjectAltName=DNS:localhost"]
# Readable certificates with one flaw each (or none: "localhost"), the
# name-related ones for a client connecting to "localhost": (description, extra
# `openssl req -x509` arguments).  "expired" and "keymismatch" are made
# differently (see make_cert).
CERTS = {
    "readable": ("self-signed, RSA 2048, SHA-256, CN=rdpneg-peers", []),
    "unreadable": ("key unreadable by the xrdp user", []),
    "localhost": ("self-signed, RSA 2048, SHA-256, CN and SAN DNS "
                  "localhost", LOCALHOST),
    "expired": ("self-signed, CN and SAN DNS localhost, expired (valid "
                "2020-01-01 to 2021-01-01)", LOCALHOST),
    "othername": ("self-signed, CN and SAN DNS rdp.other.invalid",
                  ["-subj", "/CN=rdp.other.invalid", "-addext",
                   "subjectAltName=DNS:rdp.other.invalid"]),
    "sha1": ("self-signed, CN and SAN DNS localhost, signed with SHA-1",
             LOCALHOST + ["-sha1"]),
    "rsa1024": ("self-signed, CN and SAN DNS localhost, RSA 1024-bit key",
                LOCALHOST + ["-newkey", "rsa:1024"]),
    "keymismatch": ("key_file is another key than the certificate's", []),
}
CA_CONF = """[ca]
default_ca = own
[own]
dir = {d}
database = {d}/index.txt
new_certs_dir = {d}
serial = {d}/serial
default_md = sha256
policy = any
copy_extensions = copy
[any]
commonName = supplied
"""


def make_cert(d, kind):
    """A self-signed certificate; its key unreadable for xrdp if asked,
    or with the flaw CERTS names."""
    cert, key = d / "cert.pem", d / "key.pem"
    quiet = dict(timeout=60, stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL)
    if kind == "expired":
        # openssl ca sets past dates; req -x509 cannot.
        (d / "ca.cnf").write_text(CA_CONF.format(d=d))
        (d / "index.txt").touch()
        (d / "serial").write_text("01\n")
        run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes",
             "-keyout", str(key), "-out", str(d / "req.pem"),
             *CERTS[kind][1]], **quiet)
        run(["openssl", "ca", "-batch", "-config", str(d / "ca.cnf"),
             "-selfsign", "-keyfile", str(key), "-in", str(d / "req.pem"),
             "-out", str(cert), "-notext", "-startdate", "20200101000000Z",
             "-enddate", "20210101000000Z"], **quiet)
    else:
        extra = CERTS[kind][1] if kind in CERTS else []
        newkey = [] if "-newkey" in extra else ["-newkey", "rsa:2048"]
        subj = [] if "-subj" in extra else ["-subj", "/CN=rdpneg-peers"]
        run(["openssl", "req", "-x509", *newkey, "-nodes",
             "-keyout", str(key), "-out", str(cert), "-days", "30",
             *subj, *extra], **quiet)
    if kind == "keymismatch":
        run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
             "rsa_keygen_bits:2048", "-out", str(key)], **quiet)
    cert.chmod(0o644)
    key.chmod(0o600 if kind == "unreadable" else 0o644)
    return cert, key


def md4(data):
    """MD4 (RFC 1320): OpenSSL 3 keeps it in the legacy provider, which
    hashlib may not load."""
    def f(x, y, z): return (x & y) | (~x & z)
    def g(x, y, z): return (x & y) | (x & z) | (y & z)
    def h(x, y, z): return x ^ y ^ z
    def rol(v, n): return ((v << n) | (v >> (32 - n))) & 0xFFFFFFFF
    msg = data + b"\x80" + b"\0" * ((55 - len(data)) % 64) + \
        (8 * len(data)).to_bytes(8, "little")
    a, b, c, d = 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476
    for off in range(0, len(msg), 64):
        x = [int.from_bytes(msg[off + 4 * i:off + 4 * i + 4], "little")
             for i in range(16)]
        aa, bb, cc, dd = a, b, c, d
        for i in range(16):
            k, s = i, (3, 7, 11, 19)[i % 4]
            a = rol((a + f(b, c, d) + x[k]) & 0xFFFFFFFF, s)
            a, b, c, d = d, a, b, c
        for i in range(16):
            k, s = (i % 4) * 4 + i // 4, (3, 5, 9, 13)[i % 4]
            a = rol((a + g(b, c, d) + x[k] + 0x5A827999) & 0xFFFFFFFF, s)
            a, b, c, d = d, a, b, c
        for i in range(16):
            k = (0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15)[i]
            s = (3, 9, 11, 15)[i % 4]
            a = rol((a + h(b, c, d) + x[k] + 0x6ED9EBA1) & 0xFFFFFFFF, s)
            a, b, c, d = d, a, b, c
        a, b, c, d = [(v + w) & 0xFFFFFFFF
                      for v, w in zip((a, b, c, d), (aa, bb, cc, dd))]
    return b"".join(v.to_bytes(4, "little") for v in (a, b, c, d))


def sam_file(d):
    """WinPR's SAM file: user:domain:LM hash:NT hash:::, the NT hash the
    MD4 of the UTF-16LE password; no domain, no LM hash."""
    sam = d / "SAM"
    nt = md4(PASSWORD.encode("utf-16-le")).hex()
    sam.write_text(f"{USER}:::{nt}:::\n")
    return sam


# FreeRDP 2.11 reads the file but sets its own minimum and maximum
# versions (TLS 1.0 to the library's highest), so MinProtocol and
# MaxProtocol in it change nothing (measured: its ClientHello still offered
# TLS 1.3 to 1.0); the Protocol command (SSL_OP_NO_* options, which it
# adds to rather than resets) does take effect.
CLIENT_TLS = {"max-1.2": "Protocol = -TLSv1.3",
              "min-1.3": "Protocol = -TLSv1, -TLSv1.1, -TLSv1.2"}


def client_openssl_conf(d, policy):
    """An OPENSSL_CONF file for the client process: OpenSSL's
    system_default section limits its protocol versions."""
    conf = d / "client-openssl.cnf"
    conf.write_text("openssl_conf = openssl_init\n[openssl_init]\n"
                    "ssl_conf = ssl_sect\n[ssl_sect]\n"
                    "system_default = system_default_sect\n"
                    f"[system_default_sect]\n{CLIENT_TLS[policy]}\n")
    return conf


def xrdp_ini(d, family, port, keys, cert, key):
    """A copy of Debian's xrdp.ini with our [Globals] keys and log."""
    addr = "tcp6://{::1}" if family == 6 else "tcp://127.0.0.1"
    want = {"port": f"{addr}:{port}", "fork": "false",
            "certificate": str(cert), "key_file": str(key), **keys}
    log = d / "xrdp.log"
    log.touch()
    shutil.chown(log, "xrdp")
    out, section, seen = [], None, set()
    for line in Path("/etc/xrdp/xrdp.ini").read_text().splitlines():
        m = re.match(r"\[(\w+)\]", line)
        if m:
            if section == "Globals":
                out += [f"{k}={v}" for k, v in want.items() if k not in seen]
            section = m.group(1)
        k = line.split("=", 1)[0].strip()
        if section == "Globals" and k in want:
            line = f"{k}={want[k]}"
            seen.add(k)
        elif section == "Logging" and k == "LogFile":
            line = f"LogFile={log}"
        elif section == "Logging" and k == "EnableSyslog":
            line = "EnableSyslog=false"
        out.append(line)
    ini = d / "xrdp.ini"
    ini.write_text("\n".join(out) + "\n")
    ini.chmod(0o644)
    return ini, log


def start_server(c, d, display):
    """Start the case's server; return (process, log path) or (None, None)."""
    kind = c["server"][0]
    if kind == "none":
        return None, None
    if kind == "xrdp":
        keys, certmode = c["server"][1], c["server"][2]
        cert, key = make_cert(d, certmode)
        ini, log = xrdp_ini(d, c["family"], c["port"], keys, cert, key)
        argv = ["setpriv", "--reuid=xrdp", "--regid=xrdp", "--init-groups",
                "xrdp", "--nodaemon", "--config", str(ini)]
        proc = start(argv, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, cwd=d)
    else:
        bind = "[::1]" if c["family"] == 6 else "127.0.0.1"
        log = d / "shadow.log"
        home = d / "shadow-home"
        home.mkdir()
        env = dict(os.environ, HOME=str(home), DISPLAY=display,
                   XDG_CONFIG_HOME=str(home / ".config"))
        opts = c["server"][1]
        if any("{sam}" in o for o in opts):
            sam = str(sam_file(d))
            opts = [o.replace("{sam}", sam) for o in opts]
        argv = ["freerdp-shadow-cli", f"/bind-address:{bind}",
                f"/port:{c['port']}", *opts]
        with open(log, "wb") as f:
            proc = start(argv, stdout=f, stderr=subprocess.STDOUT, env=env,
                         cwd=home)
    wait_until(lambda: listening(c["family"], c["port"]) or
               proc.poll() is not None, f"{kind} to listen")
    if proc.poll() is not None:
        STARTED.remove(proc)
        tail = log.read_text(errors="replace").splitlines()[-3:]
        raise RuntimeError(f"{kind} exited with {proc.returncode}: {tail}")
    return proc, log


def start_server_retrying(c, d, display, tries=3):
    """The port of the previous case may take a moment to be free."""
    for attempt in range(tries):
        try:
            return start_server(c, d, display)
        except RuntimeError as e:
            if attempt == tries - 1:
                raise
            print(f"    retrying: {e}", flush=True)
            time.sleep(2)
            for leftover in ("shadow-home", "xrdp.log"):
                path = d / leftover
                if path.is_dir():
                    shutil.rmtree(path)
                elif path.exists():
                    path.unlink()


def server_config(c):
    kind = c["server"][0]
    if kind == "xrdp":
        keys = dict(c["server"][1])
        text = ", ".join(f"{k}={v}" for k, v in keys.items())
        if c["server"][2] not in ("readable", "unreadable"):
            return (f"xrdp.ini {text}; certificate "
                    f"{CERTS[c['server'][2]][0]}, readable by the xrdp user")
        return (f"xrdp.ini {text}; certificate and key_file "
                f"{'readable' if c['server'][2] == 'readable' else 'key unreadable'} "
                "by the xrdp user")
    if kind == "shadow":
        opts = [o.replace("{sam}", "SAM") for o in c["server"][1]]
        sam = (f"; SAM: {USER} with the NT hash of {PASSWORD}"
               if opts != c["server"][1] else "")
        return "freerdp-shadow-cli " + (" ".join(opts) or
                                        "(default security)") + sam
    return "nothing listening"


def server_version(kind):
    pkg = {"xrdp": "xrdp", "shadow": "freerdp2-shadow-x11"}.get(kind)
    if pkg is None:
        return None
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg],
                         capture_output=True, text=True, timeout=30)
    return f"{pkg} {out.stdout.strip()}"


# Lines of a log worth keeping: what each side said about the negotiation.
SERVER_LOG = re.compile(
    r"Security protocol|requires|Cannot accept|certificate|TLS|SSL|"
    r"security|nego", re.I)
CLIENT_ERROR = re.compile(
    r"ERRCONNECT_\w+|ERRINFO_\w+|[Ee]rror|[Ff]ail|established|refused")
# The cases after the negotiation keep more: TLS, certificate and NLA.
SERVER_LOG_AFTER = re.compile(
    r"Security protocol|requires|Cannot accept|certificate|TLS|SSL|"
    r"security|nego|nla|credssp|NTLM|auth|logon|password|SEC_E|STATUS_|"
    r"error|fail|denied", re.I)
CLIENT_EVIDENCE = re.compile(
    r"ERRCONNECT_\w+|ERRINFO_\w+|[Ee]rror|[Ff]ail|certificate|"
    r"[Cc]ertificate|TLS|SSL|nla|NLA|credssp|CredSSP|trust|abort|denied|"
    r"established|refused|[Ll]ogon|password", re.I)
# The Standard RDP Security cases: encryption, MCS, licensing, the
# session's end.
SERVER_LOG_STD = re.compile(
    r"Security protocol|requires|security level|encryption|MAC|length|"
    r"[Ll]icen|Disconnect|TPKT|mcs_|sesman|auth|logon|error|fail|"
    r"Connected client", re.I)
CLIENT_STD = re.compile(
    r"ERRCONNECT_\w+|ERRINFO_\w+|[Ee]rror|[Ff]ail|encrypt|[Ll]icen|"
    r"[Dd]isconnect|established|plain RDP|refused|[Ll]ogon", re.I)
STAMP = re.compile(r"^\[[0-9:]+\] \[\d+:\d+\] ")


def tidy(lines, pattern, keep):
    """Matching lines without time stamps and PIDs, duplicates dropped."""
    out = []
    for line in lines:
        line = STAMP.sub("", line.rstrip())
        line = re.sub(r"^\[\d{8}-[0-9:]+\] ", "", line)
        line = re.sub(r"\b(port|pid|Socket) \d+", r"\1 N", line)
        if pattern.search(line) and line not in out and \
                "utils]" not in line and "backtrace" not in line:
            out.append(line)
    return out[:keep]


def error_line(lines):
    """The client's own error: its last ERRCONNECT/ERRINFO line, or else
    its last line that reports a failure or a connection."""
    tidied = tidy(lines, CLIENT_ERROR, 1000)
    for line in reversed(tidied):
        if "ERRCONNECT_" in line:
            return line
    return tidied[-1] if tidied else None


HANDSHAKE = {"1": "client_hello", "2": "server_hello", "4": "new_ticket",
             "8": "encrypted_extensions", "11": "certificate",
             "12": "server_key_exchange", "13": "certificate_request",
             "14": "server_hello_done", "15": "certificate_verify",
             "16": "client_key_exchange", "20": "finished"}
VERSIONS = {"0x0301": "TLS 1.0", "0x0302": "TLS 1.1", "0x0303": "TLS 1.2",
            "0x0304": "TLS 1.3"}
ALERTS = {"0": "close_notify", "10": "unexpected_message",
          "20": "bad_record_mac", "40": "handshake_failure",
          "42": "bad_certificate", "43": "unsupported_certificate",
          "45": "certificate_expired", "46": "certificate_unknown",
          "47": "illegal_parameter", "48": "unknown_ca",
          "50": "decode_error", "51": "decrypt_error",
          "70": "protocol_version", "71": "insufficient_security",
          "80": "internal_error", "86": "inappropriate_fallback",
          "90": "user_canceled", "109": "missing_extension",
          "112": "unrecognized_name"}
WIRE_LINES = 60		# a connected session's records after these are cut


def find(tree, key):
    """Every value of key anywhere in a tshark JSON tree, in order."""
    if isinstance(tree, dict):
        for k, v in tree.items():
            if k == key:
                yield from (v if isinstance(v, list) else [v])
            else:
                yield from find(v, key)
    elif isinstance(tree, list):
        for v in tree:
            yield from find(v, key)


def listed(v):
    return v if isinstance(v, list) else [] if v in (None, "") else [v]


def wire(pcap, port):
    """What the packets show, from tshark: per frame with a payload, FIN
    or RST, the direction (C client, S server) and each TLS record (type,
    length, handshake messages, versions offered or chosen, suite, alert).
    TPKT is switched off so that tshark reads the port as TLS throughout;
    the X.224 PDUs before the handshake show as bytes that are not TLS."""
    if shutil.which("tshark") is None:
        return ["(tshark not installed)"]
    out = subprocess.run(
        ["tshark", "-r", str(pcap), "-d", f"tcp.port=={port},tls",
         "--disable-protocol", "tpkt", "-T", "json", "--no-duplicate-keys"],
        capture_output=True, text=True, timeout=60).stdout
    lines = []
    for packet in json.loads(out or "[]"):
        layers = packet["_source"]["layers"]
        tcp = layers.get("tcp", {})
        side = "S" if tcp.get("tcp.srcport") == str(port) else "C"
        parts = []
        records = [r for t in listed(layers.get("tls"))
                   for r in listed(t.get("tls.record")
                                   if isinstance(t, dict) else None)]
        for r in records:
            if not isinstance(r, dict):
                continue
            ctype = r.get("tls.record.content_type") or \
                r.get("tls.record.opaque_type")
            n = r.get("tls.record.length", "?")
            name = {"20": "change_cipher_spec", "21": "alert",
                    "22": "handshake", "23": "app"}.get(ctype, f"type {ctype}")
            text = f"{name} {n}" if ctype != "20" else name
            hs = [HANDSHAKE.get(h, h) for h in find(r.get("tls.handshake"),
                                                     "tls.handshake.type")]
            if ctype == "22" and hs:
                text += " [" + ", ".join(hs) + "]"
            elif ctype == "22":
                text += " [encrypted]"
            vers = [VERSIONS.get(v, v) for v in
                    find(r, "tls.handshake.extensions.supported_version")
                    if v in VERSIONS]
            if "client_hello" in hs:
                text += " offers " + ("/".join(vers) if vers else
                                      "TLS 1.2 (no supported_versions)")
                sni = list(find(r, "tls.handshake.extensions_server_name"))
                text += f" SNI {sni[0]}" if sni else " no SNI"
            if "server_hello" in hs:
                hv = list(find(r, "tls.handshake.version"))
                chosen = vers[0] if vers else VERSIONS.get(hv[0] if hv
                                                           else "", "?")
                suite = list(find(r, "tls.handshake.ciphersuite"))
                text += f" chooses {chosen} suite {suite[0] if suite else '?'}"
            if ctype == "21":
                desc = list(find(r, "tls.alert_message.desc"))
                level = list(find(r, "tls.alert_message.level"))
                text += (f" level {level[0]} description "
                         f"{ALERTS.get(desc[0], desc[0])}" if desc
                         else " (encrypted)")
            parts.append(text)
        flags = tcp.get("tcp.flags_tree", {})
        tlen = tcp.get("tcp.len", "0")
        again = any(True for _ in find(tcp, "tcp.analysis.retransmission"))
        if not records and tlen != "0":
            parts.append(f"{tlen} bytes again (retransmission)" if again
                         else f"{tlen} bytes, not TLS")
        if flags.get("tcp.flags.fin") in ("1", "True"):
            parts.append("FIN")
        if flags.get("tcp.flags.reset") in ("1", "True"):
            parts.append("RST")
        if parts:
            conn = int(tcp.get("tcp.stream", "0")) + 1
            lines.append(f"{layers['frame']['frame.number']} conn {conn} "
                         f"{side}: " + ", ".join(parts))
    if len(lines) > WIRE_LINES:
        lines = lines[:WIRE_LINES] + [f"... {len(lines) - WIRE_LINES} "
                                      "more frames"]
    return lines


def certificates_seen(pcap, port):
    """The server certificates in clear (TLS 1.2 and older), one line
    each: subject, issuer, validity, SAN, key size, signature."""
    if shutil.which("tshark") is None:
        return ["(tshark not installed)"]
    out = subprocess.run(
        ["tshark", "-r", str(pcap), "-d", f"tcp.port=={port},tls",
         "--disable-protocol", "tpkt", "-T", "fields", "-e",
         "tls.handshake.certificate"],
        capture_output=True, text=True, timeout=60).stdout
    seen = []
    for line in out.split():
        der = bytes.fromhex(line.split(",")[0].replace(":", ""))
        text = subprocess.run(
            ["openssl", "x509", "-inform", "der", "-noout", "-text"],
            input=der, capture_output=True, timeout=30).stdout.decode()
        pick = []
        for pattern in (r"Subject: (.*)", r"Issuer: (.*)",
                        r"Not Before: (.*)", r"Not After : (.*)",
                        r"Public-Key: \((\d+ bit)\)",
                        r"Signature Algorithm: (\S+)",
                        r"Alternative Name:\s*\n\s*(.*)"):
            m = re.search(pattern, text)
            pick.append(m.group(1).strip() if m else "-")
        desc = ("subject {}; issuer {}; valid {} to {}; {} key; "
                "signature {}; SAN {}").format(*pick)
        if desc not in seen:
            seen.append(desc)
    return seen


DOMAIN_PDUS = {"1": "Erect Domain Request", "8": "Disconnect Provider "
               "Ultimatum", "10": "Attach User Request",
               "11": "Attach User Confirm", "14": "Channel Join Request",
               "15": "Channel Join Confirm"}
LICENSE_MSGS = {0x01: "LICENSE_REQUEST", 0x02: "PLATFORM_CHALLENGE",
                0x03: "NEW_LICENSE", 0x04: "UPGRADE_LICENSE",
                0x12: "LICENSE_INFO", 0x13: "NEW_LICENSE_REQUEST",
                0x15: "PLATFORM_CHALLENGE_RESPONSE", 0xff: "ERROR_ALERT"}
LICENSE_ERRORS = {0x01: "ERR_INVALID_SERVER_CERTIFICATE",
                  0x02: "ERR_NO_LICENSE", 0x04: "ERR_INVALID_SCOPE",
                  0x06: "ERR_NO_LICENSE_SERVER",
                  0x07: "STATUS_VALID_CLIENT", 0x08: "ERR_INVALID_CLIENT",
                  0x0b: "ERR_INVALID_PRODUCTID",
                  0x0c: "ERR_INVALID_MESSAGE_LEN", 0x03: "ERR_INVALID_MAC"}
MCS_FIELDS = ("frame.number", "tcp.stream", "tcp.srcport", "tcp.flags.fin",
              "tcp.flags.reset", "tcp.len", "tcp.payload", "cotp.type",
              "rdp.negReq.requestedProtocols", "rdp.neg_type",
              "rdp.negReq.selectedProtocol", "rdp.negFailure.failureCode",
              "t125.ConnectMCSPDU", "t125.result", "t124.DomainMCSPDU",
              "t124.reason", "rdp.client.name", "rdp.client.build",
              "rdp.keyboardLayout", "rdp.desktop.width",
              "rdp.desktop.height", "rdp.encryptionMethods",
              "rdp.encryptionMethod", "rdp.encryptionLevel",
              "rdp.serverCertificate", "rdp.flags", "rdp.pduType2",
              "rdp.fastpath.header", "_ws.col.Info")


def sd_header(payload):
    """The offset of the data of an MCS Send Data PDU at the start of a
    TCP payload (TPKT 4, X.224 3, MCS 6 or 7: PER length of 1 or 2
    bytes), or None."""
    b = bytes.fromhex(payload.replace(":", ""))
    if len(b) < 16 or b[0] != 3 or (b[7] >> 2) not in (25, 26):
        return b, None
    return b, 7 + 6 + (2 if b[13] & 0x80 else 1)


def license_pdu(payload):
    """A licensing PDU in clear, read from the bytes (tshark 4.0 shows
    xrdp's wrong at its encrypted levels: xrdp writes the PDU length in
    flagsHi and tshark reads on 8 bytes further, as if a MAC followed):
    TPKT 4, X.224 3, MCS Send Data 6 or 7 (PER length 1 or 2 bytes),
    basic security header 4, then the preamble and an error's code."""
    b, off = sd_header(payload)
    if off is None or off + 8 > len(b):
        return None
    flags = int.from_bytes(b[off:off + 2], "little")
    if not flags & 0x0080 or flags & 0x0008:
        return None
    msg = b[off + 4]
    text = LICENSE_MSGS.get(msg, f"bMsgType 0x{msg:02x}")
    if msg == 0xff and off + 12 <= len(b):
        code = int.from_bytes(b[off + 8:off + 12], "little")
        text += " " + LICENSE_ERRORS.get(code, f"0x{code:08x}")
    return text


def mcs_wire(pcap, port):
    """What the packets show after the X.224 exchange, from tshark
    (TPKT on the port): per frame the direction and the MCS and RDP PDUs,
    Connect Initial and Response with their security facts, the basic
    security header flags of each Send Data PDU, licensing PDUs in clear
    (read from the bytes), FIN and RST. Pure ACKs are left out."""
    if shutil.which("tshark") is None:
        return ["(tshark not installed)"]
    out = subprocess.run(
        ["tshark", "-r", str(pcap), "-d", f"tcp.port=={port},tpkt",
         "-o", "tcp.reassemble_out_of_order:TRUE", "-T", "fields",
         "-E", "separator=|", "-E", "occurrence=a"] +
        [a for f in MCS_FIELDS for a in ("-e", f)],
        capture_output=True, text=True, timeout=60).stdout
    lines = []
    for line in out.splitlines():
        v = dict(zip(MCS_FIELDS, line.split("|")))
        side = "S" if v["tcp.srcport"] == str(port) else "C"
        parts = []
        if v["cotp.type"] == "0x0e":
            req = v["rdp.negReq.requestedProtocols"]
            parts.append("X.224 Connection Request, " +
                         (f"RDP_NEG_REQ {req}" if req else "no RDP_NEG_REQ"))
        elif v["cotp.type"] == "0x0d":
            kind = v["rdp.neg_type"]
            parts.append("X.224 Connection Confirm, " + (
                f"RDP_NEG_RSP selected {v['rdp.negReq.selectedProtocol']}"
                if kind == "0x02" else
                f"RDP_NEG_FAILURE {v['rdp.negFailure.failureCode']}"
                if kind == "0x03" else "no negotiation data"))
        if v["t125.ConnectMCSPDU"] == "101":
            parts.append(
                f"MCS Connect Initial: client {v['rdp.client.name']!r} "
                f"build {v['rdp.client.build']} keyboard "
                f"{v['rdp.keyboardLayout']} {v['rdp.desktop.width']}x"
                f"{v['rdp.desktop.height']} encryptionMethods "
                f"{v['rdp.encryptionMethods']} (hex, little-endian)")
        elif v["t125.ConnectMCSPDU"] == "102":
            cert = v["rdp.serverCertificate"].replace(":", "")
            parts.append(
                f"MCS Connect Response: result {v['t125.result']}, "
                f"encryptionMethod {v['rdp.encryptionMethod'] or '-'} "
                f"encryptionLevel {v['rdp.encryptionLevel'] or '-'}, "
                "certificate " + (f"dwVersion 0x{cert[6:8]}{cert[4:6]}"
                                  f"{cert[2:4]}{cert[0:2]}" if cert
                                  else "none"))
        for d in v["t124.DomainMCSPDU"].split(","):
            if d in DOMAIN_PDUS:
                name = DOMAIN_PDUS[d]
                if d == "8":
                    r = v["t124.reason"]
                    name += " " + (DPUM_REASONS[int(r)] if r.isdigit() and
                                   int(r) < len(DPUM_REASONS) else r)
                parts.append(name)
        if v["rdp.flags"]:
            flags = v["rdp.flags"].split(",")[0]
            lic = license_pdu(v["tcp.payload"]) \
                if int(flags, 16) & 0x0080 else None
            parts.append(f"security flags {flags}" +
                         (f" {lic}" if lic else ""))
        if "Demand Active" in v["_ws.col.Info"]:
            parts.append("Demand Active")
        if v["rdp.pduType2"]:
            parts.append(f"pduType2 {v['rdp.pduType2']}")
        if not parts and set(v["t124.DomainMCSPDU"].split(",")) & \
                {"25", "26"}:
            # tshark 4.0 leaves the Send Data PDUs after xrdp's encrypted
            # licensing undecoded: the flags read from the bytes.
            b, off = sd_header(v["tcp.payload"])
            if off is not None and off + 4 <= len(b):
                flags = int.from_bytes(b[off:off + 2], "little")
                parts.append(f"{v['tcp.len']} bytes, first 16 bits "
                             f"0x{flags:04x} (read from the bytes)")
        if v["rdp.fastpath.header"] and not parts:
            parts.append("fast-path")
        if not parts and v["tcp.len"] not in ("0", ""):
            info = v["_ws.col.Info"]
            parts.append(f"{v['tcp.len']} bytes" +
                         (" again (retransmission)" if "Retransmission" in
                          info else ""))
        if v["tcp.flags.fin"] in ("1", "True"):
            parts.append("FIN")
        if v["tcp.flags.reset"] in ("1", "True"):
            parts.append("RST")
        if parts:
            conn = int(v["tcp.stream"] or 0) + 1
            lines.append(f"{v['frame.number']} conn {conn} {side}: " +
                         ", ".join(parts))
    if len(lines) > WIRE_LINES:
        lines = lines[:WIRE_LINES] + [f"... {len(lines) - WIRE_LINES} "
                                      "more frames"]
    return lines


def record(c, outdir, display):
    d = Path(tempfile.mkdtemp(prefix=f"rdpneg-{c['name']}-"))
    d.chmod(0o755)
    server, log = None, None
    try:
        if listening(c["family"], c["port"]):
            raise RuntimeError(f"port {c['port']} is in use: stop that "
                               "server first (this script never does)")
        server, log = start_server_retrying(c, d, display)
        if c["snaplen"] != SNAPLEN:
            # Let the server close the connection listening() probed
            # with before the capture starts (the older captures begin
            # with that FIN).
            time.sleep(1)
        host = "::1" if c["family"] == 6 else "127.0.0.1"
        addr = f"[{host}]" if c["family"] == 6 else host
        if c["port"] != 3389:
            addr += f":{c['port']}"
        argv = [a.replace("{addr}", addr) for a in c["client"]]
        pcap = d / "capture.pcap"
        dump_err = d / "tcpdump.err"
        with open(dump_err, "wb") as f:
            dump = start(["tcpdump", "-i", "lo", "--immediate-mode", "-n",
                          "-Z", "root", "-s", str(c["snaplen"]),
                          "-w", str(pcap),
                          f"tcp port {c['port']} and host {host}"],
                         stdout=subprocess.DEVNULL, stderr=f)
        wait_until(lambda: b"listening on" in dump_err.read_bytes(),
                   "tcpdump")
        mark = log.stat().st_size if log is not None and log.exists() else 0
        home = d / "client-home"
        home.mkdir()
        env = dict(os.environ, HOME=str(home), DISPLAY=display,
                   XDG_CONFIG_HOME=str(home / ".config"))
        if c["client_tls"]:
            env["OPENSSL_CONF"] = str(client_openssl_conf(d, c["client_tls"]))
        limit = c["connected_timeout"] if c["connected"] else CLIENT_TIMEOUT
        began = time.monotonic()
        client = start(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env, cwd=home)
        try:
            # rdesktop asks whether to trust the certificate: yes, or
            # the case's answer.
            out, _ = client.communicate(c["answer"] * 4, timeout=limit)
            stopped = False
        except subprocess.TimeoutExpired:
            stop(client)
            out, _ = client.communicate(timeout=STEP_TIMEOUT)
            stopped = True
        STARTED.remove(client) if client in STARTED else None
        ran = time.monotonic() - began
        time.sleep(1)		# the server's last segments
        stop(dump, signal.SIGINT)
        if server is not None:
            stop(server)
        lines = out.decode("utf-8", "replace").splitlines()
        err = error_line(lines)
        if stopped:
            err = (f"(none: still connected after {limit} s, stopped by "
                   "the script)") if err is None or "ERRCONNECT" not in err \
                else err
        beyond = c["snaplen"] != SNAPLEN	# a case after the negotiation
        slog = []
        if log is not None and log.exists():
            # The cases after the negotiation: only what the server logged
            # once the client started, not its lines about the probe.
            text = log.read_bytes()[mark if beyond else 0:].decode(
                "utf-8", "replace").splitlines()
            slog = [line.replace(str(d), "WORKDIR") for line in
                    tidy(text, SERVER_LOG_STD if c["std"] else
                         SERVER_LOG_AFTER if beyond else SERVER_LOG,
                         20 if beyond else 12)]
        shutil.copyfile(pcap, outdir / f"{c['name']}.pcap")
        row = {
            "capture": f"{c['name']}.pcap",
            "server": c["server"][0],
            "server_version": server_version(c["server"][0]),
            "server_config": server_config(c),
            "address": f"{addr}" if c["port"] != 3389 else f"{addr}:3389",
            "client_command": " ".join(argv),
            "client_exit": None if stopped else client.returncode,
            "client_error": err,
            "server_log": slog,
            "note": c["note"],
            "seconds": round(ran, 1),
        }
        if beyond:
            row["snaplen"] = c["snaplen"]
            if c["client_tls"]:
                row["client_openssl_conf"] = ("system_default: " +
                                              CLIENT_TLS[c["client_tls"]])
            if c["answer"] != b"yes\n":
                row["client_stdin"] = c["answer"].decode().strip()
            row["client_log"] = [
                line.replace(str(d), "WORKDIR") for line in
                tidy(lines, CLIENT_STD if c["std"] else CLIENT_EVIDENCE, 30)
                if "directory" not in line and "@@@" not in line][:14]
            if c["std"]:
                row["wire"] = mcs_wire(outdir / f"{c['name']}.pcap",
                                       c["port"])
            else:
                row["wire"] = wire(outdir / f"{c['name']}.pcap", c["port"])
                row["certificates_seen"] = certificates_seen(
                    outdir / f"{c['name']}.pcap", c["port"])
        row["expect"] = [
            {**dict(zip(("outcome", "requested_protocols", "answer",
                         "diagnosis", "server"), e[:5])),
             **(e[5] if len(e) > 5 else {})} for e in c["expect"]]
        return row
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(d, ignore_errors=True)


def free_display():
    for n in range(70, 100):
        if not Path(f"/tmp/.X{n}-lock").exists() and \
                not Path(f"/tmp/.X11-unix/X{n}").exists():
            return f":{n}"
    raise RuntimeError("no free X display number")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="case names")
    parser.add_argument("--no-install", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("record.py: run as root (it installs packages, runs "
                 "tcpdump and starts xrdp as the xrdp user)")
    cases = [c for c in CASES if not args.only or c["name"] in args.only]
    t0 = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        if not args.no_install:
            install()
        display = free_display()
        xvfb = start(["Xvfb", display, "-screen", "0", "1024x768x24",
                      "-nolisten", "tcp"], stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
        wait_until(lambda: Path(f"/tmp/.X11-unix/X{display[1:]}").exists()
                   or xvfb.poll() is not None, "Xvfb")
        args.out.mkdir(parents=True, exist_ok=True)
        manifest_path = args.out / "manifest.json"
        rows = {}
        if args.only and manifest_path.exists():
            rows = {r["capture"]: r for r in
                    json.loads(manifest_path.read_text())["captures"]}
        for c in cases:
            print(f"record.py: {c['name']}", flush=True)
            row = record(c, args.out, display)
            rows[row["capture"]] = row
            print(f"    client: {row['client_error']}", flush=True)
        order = [f"{c['name']}.pcap" for c in CASES]
        manifest = {
            "generator": "captures/peers/record.py",
            "snaplen": SNAPLEN,
            "captures": [rows[n] for n in order if n in rows],
        }
        manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    finally:
        stop_all()
    print(f"record.py: {len(cases)} captures in "
          f"{time.monotonic() - t0:.0f} s")


if __name__ == "__main__":
    main()
