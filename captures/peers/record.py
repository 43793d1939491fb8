#!/usr/bin/env python3
"""Record real RDP peers negotiating on loopback: captures/peers/*.pcap.

On a Debian 12 machine, as root: installs xrdp, freerdp2-shadow-x11
(freerdp-shadow-cli), freerdp2-x11 (xfreerdp), rdesktop, Xvfb, tcpdump
and openssl (apt-get update first), then for every case of CASES below
starts one server configuration on 127.0.0.1 or ::1 (own xrdp.ini and
certificate in a temporary directory, the shadow server with its own
HOME), runs one client command against it under Xvfb, captures the
exchange with tcpdump on the loopback interface (snap length SNAPLEN),
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
            "xvfb", "tcpdump", "openssl"]
SNAPLEN = 192		# CR and CC fit; TLS and bitmaps are cut
CLIENT_TIMEOUT = 8	# seconds a failing client gets
CONNECTED_TIMEOUT = 3	# seconds before a connected client is stopped
STEP_TIMEOUT = 10	# seconds for any server, X or tcpdump step
USER = "alice"		# the client's user name (cookie mstshash=alice)

# ---- The cases: one server configuration and one client command each.
#
# server: ("xrdp", {xrdp.ini [Globals] keys}, cert) with cert "readable"
#   (a certificate and key the xrdp user can read), "unreadable" (the key
#   is root's, mode 0600, as Debian's snakeoil key is for the xrdp user)
#   or ("shadow", [freerdp-shadow-cli options]) or ("none", []).
# client: the command after the program name; {addr} is the server.
# expect: per connection, in frame order, what rdpneg reports:
#   (outcome, requested protocols or None without RDP_NEG_REQ, failure or
#   selected name or None, diagnosis id, server)
#   where server is the implementation rdpneg must recognise.

XRDP_TLS = {"security_layer": "tls"}
XFREERDP = ["xfreerdp", "/u:" + USER, "/p:wrong", "/cert:ignore",
            "/log-level:INFO"]


def case(name, family, port, server, client, expect, note="",
         connected=False):
    return {"name": name, "family": family, "port": port, "server": server,
            "client": client, "expect": expect, "note": note,
            "connected": connected}


CASES = [
    # xrdp, security_layer=tls with a certificate it can read.
    case("xrdp-tls-default", 4, 3389,
         ("xrdp", XRDP_TLS, "readable"), XFREERDP + ["/v:{addr}"],
         [("selected", 3, "SSL", "negotiated", "xrdp")],
         "default negotiation succeeds (0x3 answered with SSL; xrdp never "
         "selects HYBRID)", connected=True),
    case("xrdp-tls-sec-rdp", 4, 3389,
         ("xrdp", XRDP_TLS, "readable"), XFREERDP + ["/v:{addr}", "/sec:rdp"],
         [("legacy", None, None, "legacy-client", "unknown"),
          ("legacy", None, None, "legacy-client", "unknown")],
         "a request without RDP_NEG_REQ gets a Connection Confirm without "
         "negotiation data, then xrdp logs 'Server requires TLS' and resets "
         "after the MCS Connect Initial; FreeRDP retries once"),
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
    case("xrdp-rdp-low-sec-rdp", 4, 3389,
         ("xrdp", {"security_layer": "rdp", "crypt_level": "low"},
          "readable"), XFREERDP + ["/v:{addr}", "/sec:rdp"],
         [("legacy", None, None, "legacy-client", "unknown")],
         "crypt_level=low (visible only in the MCS Connect Response)",
         connected=True),
    case("xrdp-rdp-medium-sec-rdp", 4, 3389,
         ("xrdp", {"security_layer": "rdp", "crypt_level": "medium"},
          "readable"), XFREERDP + ["/v:{addr}", "/sec:rdp"],
         [("legacy", None, None, "legacy-client", "unknown")],
         "crypt_level=medium", connected=True),
    case("xrdp-rdp-high-default", 4, 3389,
         ("xrdp", {"security_layer": "rdp", "crypt_level": "high"},
          "readable"), XFREERDP + ["/v:{addr}"],
         [("selected", 3, "RDP", "server-chose-standard-rdp", "xrdp")],
         "crypt_level=high; Standard RDP Security selected for 0x3 and "
         "accepted by FreeRDP's default", connected=True),
    case("xrdp-rdp-high-sec-tls", 4, 3389,
         ("xrdp", {"security_layer": "rdp", "crypt_level": "high"},
          "readable"), XFREERDP + ["/v:{addr}", "/sec:tls"],
         [("selected", 1, "RDP", "server-chose-standard-rdp", "xrdp")],
         "a server selecting a protocol the client did not request"),
    case("xrdp-rdp-fips-sec-rdp", 4, 3389,
         ("xrdp", {"security_layer": "rdp", "crypt_level": "fips"},
          "readable"), XFREERDP + ["/v:{addr}", "/sec:rdp"],
         [("legacy", None, None, "legacy-client", "unknown")],
         "crypt_level=fips", connected=True),
    case("xrdp-rdp-high-rdesktop", 4, 3389,
         ("xrdp", {"security_layer": "rdp", "crypt_level": "high"},
          "readable"), ["rdesktop", "-u", USER, "{addr}"],
         [("selected", 3, "RDP", "server-chose-standard-rdp", "xrdp")],
         "rdesktop accepts Standard RDP Security", connected=True),
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
    case("shadow-rdp-default", 4, 3389, ("shadow", ["/sec:rdp"]),
         XFREERDP + ["/v:{addr}"],
         [("failure", 3, "SSL_NOT_ALLOWED_BY_SERVER", "server-rdp-security-only",
           "freerdp"),
          ("failure", 1, "SSL_NOT_ALLOWED_BY_SERVER", "server-rdp-security-only",
           "freerdp"),
          ("selected", 0, "RDP", "standard-rdp-fallback", "freerdp")],
         "the client's fallback chain 0x3, 0x1, 0x0 ends in Standard RDP "
         "Security", connected=True),
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


def make_cert(d, readable):
    """A self-signed certificate; its key unreadable for xrdp if asked."""
    cert, key = d / "cert.pem", d / "key.pem"
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "30",
         "-subj", "/CN=rdpneg-peers"], timeout=60,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cert.chmod(0o644)
    key.chmod(0o644 if readable else 0o600)
    return cert, key


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
        cert, key = make_cert(d, certmode == "readable")
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
        argv = ["freerdp-shadow-cli", f"/bind-address:{bind}",
                f"/port:{c['port']}", *c["server"][1]]
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
        return (f"xrdp.ini {text}; certificate and key_file "
                f"{'readable' if c['server'][2] == 'readable' else 'key unreadable'} "
                "by the xrdp user")
    if kind == "shadow":
        return "freerdp-shadow-cli " + (" ".join(c["server"][1]) or
                                        "(default security)")
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


def record(c, outdir, display):
    d = Path(tempfile.mkdtemp(prefix=f"rdpneg-{c['name']}-"))
    d.chmod(0o755)
    server, log = None, None
    try:
        if listening(c["family"], c["port"]):
            raise RuntimeError(f"port {c['port']} is in use: stop that "
                               "server first (this script never does)")
        server, log = start_server_retrying(c, d, display)
        host = "::1" if c["family"] == 6 else "127.0.0.1"
        addr = f"[{host}]" if c["family"] == 6 else host
        if c["port"] != 3389:
            addr += f":{c['port']}"
        argv = [a.replace("{addr}", addr) for a in c["client"]]
        pcap = d / "capture.pcap"
        dump_err = d / "tcpdump.err"
        with open(dump_err, "wb") as f:
            dump = start(["tcpdump", "-i", "lo", "--immediate-mode", "-n",
                          "-Z", "root", "-s", str(SNAPLEN), "-w", str(pcap),
                          f"tcp port {c['port']} and host {host}"],
                         stdout=subprocess.DEVNULL, stderr=f)
        wait_until(lambda: b"listening on" in dump_err.read_bytes(),
                   "tcpdump")
        home = d / "client-home"
        home.mkdir()
        env = dict(os.environ, HOME=str(home), DISPLAY=display,
                   XDG_CONFIG_HOME=str(home / ".config"))
        limit = CONNECTED_TIMEOUT if c["connected"] else CLIENT_TIMEOUT
        began = time.monotonic()
        client = start(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env, cwd=home)
        try:
            # rdesktop asks whether to trust the certificate: yes.
            out, _ = client.communicate(b"yes\n" * 4, timeout=limit)
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
        slog = []
        if log is not None and log.exists():
            slog = [line.replace(str(d), "WORKDIR") for line in
                    tidy(log.read_text(errors="replace").splitlines(),
                         SERVER_LOG, 12)]
        shutil.copyfile(pcap, outdir / f"{c['name']}.pcap")
        return {
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
            "expect": [dict(zip(("outcome", "requested_protocols", "answer",
                                 "diagnosis", "server"),
                                e)) for e in c["expect"]],
        }
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
