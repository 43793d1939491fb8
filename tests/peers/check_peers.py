#!/usr/bin/env python3
"""Check rdpneg against the real-peer captures and their manifest.

captures/peers/record.py recorded each capture from real servers (xrdp,
freerdp-shadow-cli) and clients (xfreerdp, rdesktop) on loopback and wrote
captures/peers/manifest.json: per capture the server and configuration,
the client's command line and own error line, and per connection what
rdpneg must report (outcome, the failure or selected protocol name, the
diagnosis id and the server implementation; after the negotiation, the
TLS version, the first alert, the certificate's problems and how far
CredSSP got; under Standard RDP Security, the client's name, build,
keyboard and desktop, the encryption offered and chosen, the server
certificate's type, how far the connection sequence got and the
Disconnect Provider Ultimatum).  For every capture this checks rdpneg's JSONL (--all)
against that row (requested protocols, outcome, answer, diagnosis,
server_implementation, and those of its "tls", "client_data" and
"rdp_security" objects), that where the server
implementation is recognised the remediation leads with its fix, and for
every diagnosis the captures reach that its remediation names the xrdp or
FreeRDP-server setting, not only the Windows one.

Needs no server: only the committed captures and the manifest.
Prints one line per check and a closing "N passed, N failed" line.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tally import Tally  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
PEERS = REPO / "captures" / "peers"
MAX_SIZE = 50 * 1024	# a trimmed capture stays small

# What names each implementation's setting in a remediation step.
NAMES = {
    "xrdp": ("xrdp",),
    "freerdp": ("FreeRDP-based server", "freerdp-shadow"),
}


def answer(attempt):
    """The failure or selected protocol name rdpneg reports, or None."""
    return attempt["failure"] or attempt["selected"]


def implementation(attempt):
    impl = attempt.get("server_implementation")
    return impl["name"] if impl else "unknown"


# The manifest's certificate facts, as the problems rdpneg names.
CERT_PROBLEMS = {
    "self_signed": "self-signed",
    "expired": "expired",
    "name_mismatch": "name-mismatch",
    "weak_key": "weak-key",
    "sha1": "weak-signature",
}


def tls_facts(attempt):
    """The manifest's TLS keys from the attempt's "tls" object."""
    tls = attempt["tls"] or {}
    alerts = tls.get("alerts") or []
    cert = tls.get("certificate")
    credssp = tls.get("credssp")
    return {
        "tls_version": tls.get("version"),
        "tls_alert": {"from": alerts[0]["from"],
                      "description": alerts[0]["description"]}
        if alerts else None,
        "certificate": {k: v in cert["problems"]
                        for k, v in CERT_PROBLEMS.items()} if cert else None,
        "credssp": credssp["stage"] if credssp else "none",
    }


def std_facts(attempt):
    """The manifest's Standard RDP Security keys (record.py's std()) from
    the attempt's "client_data" and "rdp_security" objects."""
    client = attempt["client_data"] or {}
    rdp = attempt["rdp_security"] or {}
    disconnect = rdp.get("disconnect")
    license_error = rdp.get("license_error")
    error_info = rdp.get("error_info")
    return {
        "client_name": client.get("name"),
        "client_build": client.get("build"),
        "keyboard_layout": client.get("keyboard_layout"),
        "desktop": [client["desktop_width"], client["desktop_height"]]
        if client else None,
        "encryption_methods": rdp.get("encryption_methods"),
        "encryption_method": rdp.get("encryption_method"),
        "encryption_level": rdp.get("encryption_level"),
        "cert_type": rdp.get("cert_type"),
        "cert_count": rdp.get("cert_count"),
        "cert_permanent": rdp.get("cert_permanent"),
        "stage": rdp.get("stage"),
        "disconnect": {"from": disconnect["from"],
                       "reason": disconnect["reason"]}
        if disconnect else None,
        "license_error": license_error["code"] if license_error else None,
        "error_info": error_info["name"] if error_info else None,
    }


def names(step, impl):
    return any(n in step for n in NAMES[impl])


def check_capture(row, rdpneg):
    """Problems of one capture against its manifest row."""
    path = PEERS / row["capture"]
    problems = []
    if path.stat().st_size > MAX_SIZE:
        problems.append(f"{path.stat().st_size} bytes, more than {MAX_SIZE}")
    proc = subprocess.run([rdpneg, "--all", "--format", "jsonl", str(path)],
                          capture_output=True, check=False)
    got = [json.loads(line) for line in proc.stdout.splitlines()]
    classes = {g["class"] for g in got}
    status = (1 if "blocked" in classes else 3 if "insecure" in classes
              else 0)
    if proc.returncode != status or proc.stderr:
        problems.append(f"exit {proc.returncode} (classes {sorted(classes)}"
                        f" mean {status}): {proc.stderr[-300:]!r}")
    want = row["expect"]
    if len(got) != len(want):
        problems.append(f"{len(got)} connections, the manifest has "
                        f"{len(want)}")
    for i, (w, g) in enumerate(zip(want, got), 1):
        have = {"outcome": g["outcome"],
                "requested_protocols": g["requested_protocols"],
                "answer": answer(g),
                "diagnosis": g["diagnosis"]["id"],
                "server": implementation(g), **tls_facts(g),
                **std_facts(g)}
        for key, value in w.items():
            if have[key] != value:
                problems.append(f"connection {i} (frame {g['first_frame']}):"
                                f" {key} {have[key]!r}, expected {value!r}")
        impl = have["server"]
        steps = g["diagnosis"]["remediation"]
        if impl in NAMES and steps and not names(steps[0], impl):
            problems.append(f"connection {i}: server {impl} but the first "
                            f"fix step is {steps[0][:60]!r}...")
    return problems, got


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rdpneg", required=True)
    args = parser.parse_args()

    manifest = json.loads((PEERS / "manifest.json").read_text())
    rows = manifest["captures"]
    tally = Tally()
    listed = {r["capture"] for r in rows}
    present = {p.name for p in PEERS.glob("*.pcap")}
    tally.record("every capture has a manifest row and every row a capture",
                 [f"{n}: no manifest row" for n in sorted(present - listed)] +
                 [f"{n}: no capture" for n in sorted(listed - present)])
    reached = {}
    for row in rows:
        if row["capture"] not in present:
            continue
        problems, got = check_capture(row, args.rdpneg)
        for g in got:
            reached.setdefault(g["diagnosis"]["id"], g["diagnosis"])
        tally.record(f"{row['capture']} ({row['client_command']})", problems)
    for ident, diag in sorted(reached.items()):
        steps = diag["remediation"]
        tally.record(f"diagnosis {ident}: remediation names the xrdp or "
                     "FreeRDP-server setting",
                     [] if any(names(s, impl) for s in steps
                               for impl in NAMES)
                     else ["no step names xrdp or a FreeRDP-based server"])
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
