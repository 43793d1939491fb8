#!/usr/bin/env python3
"""The Wireshark plugin agrees with the CLI on every capture.

For every capture, tshark runs with the rdpneg plugin loaded, as an
unprivileged user (Wireshark ignores WIRESHARK_PLUGIN_DIR for root), once
in one pass and once in two passes (-2).  For every RDP connection the
plugin reports, its outcome, failure code, diagnosis id and server
implementation must equal the CLI's JSONL record of the same connection
(found by its request or response frame), and every CLI record with a
Connection Request or Confirm must be found.  Expert infos must sit where a problem, a protocol
not requested, a fallback or a malformed structure is, and `tshark -z
expert` must list them; `-Y rdpneg.failure` must select exactly the
RDP_NEG_FAILURE frames.  In `tshark -V` every remediation step is shown
whole: its prose an item, its command lines items under it, none cut at
Wireshark's label length, each found in the CLI's remediation of the same
capture, and one known command seen whole.

After the negotiation the plugin follows the TLS as the CLI does: its
diagnosis must be the CLI's on the frame that decided it (an alert, a
close), its TLS version and certificate SHA-256 those of tshark's own TLS
dissection of the same connection (`-d tcp.port==N,tls`: the ServerHello's
tls.handshake.version or supported_version, the SHA-256 of the first
tls.handshake.certificate), and, where the CLI's record has a `tls`
object, its version, server name, certificate and CredSSP stage the CLI's.
Under Standard RDP Security its rdpneg.mcs fields (client name and build,
encryption offered and chosen, the stage reached, the disconnect, a
License Error, Set Error Info) are the CLI's `client_data` and
`rdp_security`.

What one pass cannot know is named, not silenced: see ONE_PASS below.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tally import Tally  # noqa: E402

FIELDS = ["frame.number", "tcp.stream", "tcp.srcport", "tcp.dstport",
          "rdpneg.pdu", "rdpneg.request_frame",
          "rdpneg.response_frame", "rdpneg.outcome", "rdpneg.end",
          "rdpneg.failure", "rdpneg.selected", "rdpneg.diagnosis",
          "rdpneg.not_requested", "rdpneg.fell_back", "rdpneg.malformed",
          "rdpneg.class", "rdpneg.blocked", "rdpneg.insecure",
          "rdpneg.summary", "rdpneg.server", "_ws.expert.message",
          "rdpneg.tls.version", "rdpneg.tls.cipher_suite",
          "rdpneg.tls.offered_versions", "rdpneg.tls.sni",
          "rdpneg.tls.alert", "rdpneg.tls.alert.description",
          "rdpneg.tls.cert.subject", "rdpneg.tls.cert.issuer",
          "rdpneg.tls.cert.not_after", "rdpneg.tls.cert.sha256",
          "rdpneg.tls.cert.problems", "rdpneg.credssp.stage",
          "rdpneg.mcs.client_name", "rdpneg.mcs.client_build",
          "rdpneg.mcs.encryption_methods", "rdpneg.mcs.encryption_method",
          "rdpneg.mcs.encryption_level", "rdpneg.mcs.stage",
          "rdpneg.mcs.disconnect", "rdpneg.mcs.license_error",
          "rdpneg.mcs.error_info"] + [
              f"rdpneg.expert.{e}" for e in
              ("blocked", "insecure", "not_requested", "fallback",
               "malformed", "tls_alert", "certificate")]
# tshark's own TLS dissection of what follows a negotiation.
TLS_FIELDS = ["tcp.stream", "tls.handshake.type", "tls.handshake.version",
              "tls.handshake.extensions.supported_version",
              "tls.handshake.certificate"]
# rdpneg.tls.version's values as the CLI may name them.
TLS_VERSIONS = {"0x0300": "SSL 3.0", "0x0301": "TLS 1.0",
                "0x0302": "TLS 1.1", "0x0303": "TLS 1.2", "0x0304": "TLS 1.3"}
TSHARK_OPTS = ["-n", "--enable-heuristic", "tpkt_tcp",
               "-o", "tcp.reassemble_out_of_order:TRUE"]
CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz")
NOBODY = 65534

# CLI outcomes of connections that carry no CR or CC, so Wireshark hands
# the plugin no negotiation PDU (rdpneg finds them from TCP alone).
NO_PDU = {"refused", "unanswered"}

# A step's command that some capture must show as one tree item, whole
# and as it pastes (one backslash per separator).
WHOLE_COMMAND = ("Get-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet"
                 "\\Control\\Terminal Server\\WinStations\\RDP-Tcp' "
                 "-Name SecurityLayer,UserAuthentication")
# How tshark -V prints a generated item of the steps, and what Wireshark
# puts in a label it had to cut.
TREE_STEP = re.compile(r"^\s*\[(Remediation|Command): (.*)\]$")
CUT_MARKS = ("[truncated]", "\u2026")


def unprivileged(cmd, plugin_dir):
    """cmd run with the plugin folder, dropping root as Wireshark wants."""
    env = ["env", "HOME=/nonexistent", f"WIRESHARK_PLUGIN_DIR={plugin_dir}"]
    if os.geteuid() == 0:
        return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
                "--clear-groups"] + env + cmd
    return env + cmd


def tshark_rows(tshark, path, plugin_dir, two_pass, opts=TSHARK_OPTS):
    """The plugin's frames: one dict per frame with an rdpneg tree."""
    cmd = [tshark] + opts + ["-r", str(path), "-Y", "rdpneg",
                                    "-T", "fields", "-E", "separator=\t",
                                    "-E", "occurrence=a",
                                    "-E", "aggregator=\x1f"]
    if two_pass:
        cmd.insert(1, "-2")
    for f in FIELDS:
        cmd += ["-e", f]
    proc = subprocess.run(unprivileged(cmd, plugin_dir), capture_output=True,
                          text=True, errors="replace", check=False)
    rows = []
    for line in proc.stdout.splitlines():
        cols = line.split("\t") + [""] * len(FIELDS)
        row = dict(zip(FIELDS, cols))
        row["experts"] = [e for e in row["_ws.expert.message"].split("\x1f")
                          if e]
        # An expert field prints 1 per occurrence: rdpneg's own infos.
        row["rdpneg_experts"] = sum(
            len(v.split("\x1f")) for k, v in row.items()
            if k.startswith("rdpneg.expert.") and v)
        rows.append(row)
    return rows, proc


def cli_records(rdpneg, path, rows):
    """The CLI's records, watching every server port the plugin saw (as
    Wireshark's TPKT heuristic does)."""
    ports = {r["tcp.dstport"] for r in rows if r["rdpneg.pdu"] == "0xe0"}
    ports |= {r["tcp.srcport"] for r in rows if r["rdpneg.pdu"] == "0xd0"}
    cmd = [rdpneg, "--all", "--format", "jsonl"]
    for port in sorted(ports - {"3389", ""}, key=int):
        cmd += ["--port", port]
    proc = subprocess.run(cmd + [str(path)], capture_output=True,
                          check=False)
    return [json.loads(line) for line in proc.stdout.splitlines()]


def flag(value):
    """A boolean as tshark -T fields prints it."""
    return "1" if value else "0"


def num(text):
    return int(text, 0) if text else None


def plugin_connections(rows):
    """Group frames into connections by their request/response links."""
    conns = []
    by_frame = {}
    for row in rows:
        frame = int(row["frame.number"])
        links = {frame}
        for key in ("rdpneg.request_frame", "rdpneg.response_frame"):
            if row[key]:
                links.add(int(row[key]))
        conn = next((by_frame[f] for f in links if f in by_frame), None)
        if conn is None:
            conn = {"frames": []}
            conns.append(conn)
        conn["frames"].append(row)
        for f in links:
            by_frame[f] = conn
        if row["rdpneg.pdu"] == "0xe0":
            conn["request_frame"] = frame
        if row["rdpneg.pdu"] == "0xd0":
            conn["response_frame"] = frame
    return conns


def verdict_rows(conn):
    return [r for r in conn["frames"] if r["rdpneg.outcome"]]


def one_pass_excuse(a):
    """Why one pass cannot reach the CLI's verdict, or None."""
    if a["outcome"] == "no_response" and a["end"] == "open":
        return "undecided until the capture ends"
    chain = a["chain"]
    if chain["position"] < chain["length"] and (
            a["diagnosis"]["id"] != chain["final_diagnosis"]
            or a["outcome"] in ("legacy", "selected")):
        return "a later attempt continues its chain"
    return None


def compare(path, tshark, rdpneg, plugin_dir, two_pass, opts=TSHARK_OPTS):
    """Problems between the plugin and the CLI on one capture."""
    rows, proc = tshark_rows(tshark, path, plugin_dir, two_pass, opts)
    problems = []
    if proc.returncode < 0:
        return [f"tshark killed by signal {-proc.returncode}"], 0, {}, rows
    if proc.returncode != 0 and not rows:
        return [f"tshark exited {proc.returncode}: "
                f"{proc.stderr.strip()[:200]}"], 0, {}, rows
    conns = plugin_connections(rows)
    records = cli_records(rdpneg, path, rows)
    by_req = {a["request_frame"]: a for a in records if a["request_frame"]}
    by_rsp = {a["response_frame"]: a for a in records
              if a["response_frame"]}
    matched = set()
    compared = 0
    excused = defaultdict(int)
    for conn in conns:
        a = by_req.get(conn.get("request_frame")) or \
            by_rsp.get(conn.get("response_frame"))
        where = (f"connection with request {conn.get('request_frame')} "
                 f"response {conn.get('response_frame')}")
        if a is None:
            problems.append(f"{where}: no CLI record")
            continue
        matched.add(id(a))
        verdicts = verdict_rows(conn)
        why = None if two_pass else one_pass_excuse(a)
        if why is not None:
            excused[why] += 1
            continue
        if not verdicts:
            problems.append(f"{where}: no verdict")
            continue
        # The failure code is on the CC frame; two passes: every frame
        # shows the final verdict; one pass: the frame that decided it.
        failure = next((num(r["rdpneg.failure"]) for r in conn["frames"]
                        if r["rdpneg.failure"]), None)
        for r in (verdicts if two_pass else verdicts[-1:]):
            got = (r["rdpneg.outcome"], failure, r["rdpneg.diagnosis"],
                   r["rdpneg.server"] or None, r["rdpneg.class"],
                   r["rdpneg.blocked"], r["rdpneg.insecure"])
            server = a.get("server_implementation")
            want = (a["outcome"], a["failure_code"], a["diagnosis"]["id"],
                    server["name"] if server else None, a["class"],
                    flag(a["class"] == "blocked"),
                    flag(a["class"] == "insecure"))
            if got != want:
                problems.append(f"frame {r['frame.number']}: plugin "
                                f"{got} != CLI {want}")
        compared += 1
        problems += expert_problems(conn, a, two_pass)
    for a in records:
        if id(a) in matched or a["outcome"] in NO_PDU:
            continue
        if a["request_frame"] is None and a["outcome"] == "no_request":
            continue
        problems.append(f"CLI record first frame {a['first_frame']} "
                        f"({a['outcome']}, {a['diagnosis']['id']}) not "
                        f"shown by the plugin")
    return problems, compared, excused, rows


def expert_problems(conn, a, two_pass):
    """The expert infos a connection must carry, on its verdict frame."""
    want = []
    if a["class"] in ("blocked", "insecure"):
        want.append(a["diagnosis"]["summary"])
    if a["protocol_not_requested"]:
        want.append("The server selected a protocol the client did not "
                    "request")
    chain = a["chain"]
    if chain["fell_back_to_standard_rdp"] and \
            chain["position"] == chain["length"]:
        want.append("The client fell back to Standard RDP Security after "
                    "a request for TLS or CredSSP failed")
    # The CLI joins the request's and the response's problems with "; ";
    # the plugin puts each on its own PDU's frame.
    for part in a["malformed"].split("; ") if a["malformed"] else ():
        want.append(f"Malformed RDP negotiation: {part}")
    have = [e for r in conn["frames"] for e in r["experts"]]
    problems = []
    for text in want:
        if text not in have:
            if not two_pass and text.startswith("The client fell back"):
                continue
            problems.append(f"request {a['request_frame']}: expert "
                            f"{text[:70]!r} missing")
    return problems


def tshark_tls(tshark, path, plugin_dir, ports):
    """tshark's own TLS dissection (one run, the plugin idle: no TPKT is
    found on a port decoded as TLS): per TCP stream, the version its last
    ServerHello chose and the SHA-256 of the server's certificate."""
    cmd = [tshark, "-n", "-r", str(path), "-Y",
           "tls.handshake.type == 2 || tls.handshake.certificate",
           "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
           "-E", "aggregator=,"]
    for port in sorted(ports, key=int):
        cmd += ["-d", f"tcp.port=={port},tls"]
    for f in TLS_FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(unprivileged(cmd, plugin_dir), capture_output=True,
                         text=True, errors="replace", check=False).stdout
    streams = defaultdict(dict)
    for line in out.splitlines():
        row = dict(zip(TLS_FIELDS, line.split("\t") + [""] * 5))
        tls = streams[row["tcp.stream"]]
        if "2" in row["tls.handshake.type"].split(","):
            chosen = row["tls.handshake.extensions.supported_version"] or \
                row["tls.handshake.version"]
            tls["version"] = chosen.split(",")[-1]
        cert = row["tls.handshake.certificate"].split(",")[0]
        if cert and "sha256" not in tls:
            tls["sha256"] = hashlib.sha256(bytes.fromhex(cert)).hexdigest()
    return streams


def plugin_value(rows, field):
    """The one value a field has on a connection's frames ("" if none)."""
    values = {r[field] for r in rows if r[field]}
    return values.pop() if len(values) == 1 else ",".join(sorted(values))


def tls_problems(tshark, path, plugin_dir, rows, records):
    """The plugin's TLS version and certificate against tshark's TLS
    dissection of each connection, and against the CLI's `tls` object
    where its record has one."""
    ports = {r["tcp.dstport"] for r in rows if r["rdpneg.pdu"] == "0xe0"}
    ports |= {r["tcp.srcport"] for r in rows if r["rdpneg.pdu"] == "0xd0"}
    ports.discard("")
    streams = defaultdict(list)
    for r in rows:
        streams[r["tcp.stream"]].append(r)
    # Only where a server selected TLS or CredSSP: one tshark run less
    # on the other captures.
    if not ports or all(r["rdpneg.selected"] in ("", "0") for r in rows):
        return [], 0
    wire = tshark_tls(tshark, path, plugin_dir, ports)
    problems, compared = [], 0
    for stream, conn in sorted(streams.items()):
        want = wire.get(stream, {})
        got = {"version": plugin_value(conn, "rdpneg.tls.version"),
               "sha256": plugin_value(conn, "rdpneg.tls.cert.sha256")}
        for key in ("version", "sha256"):
            if got[key] != want.get(key, ""):
                problems.append(f"tcp.stream {stream}: rdpneg.tls {key} "
                                f"{got[key]!r} != tshark's "
                                f"{want.get(key, '')!r}")
        compared += 1
    by_req = {a["request_frame"]: a for a in records if a["request_frame"]}
    for conn in streams.values():
        req = next((r["frame.number"] for r in conn
                    if r["rdpneg.pdu"] == "0xe0"), None)
        a = by_req.get(int(req)) if req else None
        if a is not None and isinstance(a.get("tls"), dict):
            problems += cli_tls_problems(conn, a)
    return problems, compared


def cli_tls_problems(conn, a):
    """The plugin's TLS facts against the CLI's record's `tls` object: the
    keys it has of version, server name, certificate SHA-256 and CredSSP
    stage."""
    tls, problems = a["tls"], []
    version = plugin_value(conn, "rdpneg.tls.version")
    cert = tls.get("certificate") if isinstance(tls.get("certificate"),
                                                dict) else {}
    credssp = tls.get("credssp") if isinstance(tls.get("credssp"),
                                               dict) else {}
    pairs = [("version", tls.get("version"),
              {version, TLS_VERSIONS.get(version, version),
               str(int(version, 16)) if version else ""}),
             ("sni", tls.get("sni"), {plugin_value(conn, "rdpneg.tls.sni")}),
             ("certificate sha256", cert.get("sha256"),
              {plugin_value(conn, "rdpneg.tls.cert.sha256")}),
             ("credssp stage", credssp.get("stage"),
              {plugin_value(conn, "rdpneg.credssp.stage")})]
    for what, cli, plugin in pairs:
        if cli is None:
            continue
        if isinstance(cli, str) and what == "certificate sha256":
            cli = cli.replace(":", "").lower()
        if str(cli) not in plugin:
            problems.append(f"request {a['request_frame']}: tls {what} "
                            f"{sorted(plugin)} != CLI {cli!r}")
    return problems


def mcs_problems(rows, records):
    """The plugin's Standard RDP Security facts against the CLI's record's
    `client_data` and `rdp_security` objects, on the connection's last
    frame that shows them (the second pass: what the whole capture
    showed)."""
    problems, compared = [], 0
    streams = defaultdict(list)
    for r in rows:
        streams[r["tcp.stream"]].append(r)
    by_req = {a["request_frame"]: a for a in records if a["request_frame"]}
    for conn in streams.values():
        req = next((r["frame.number"] for r in conn
                    if r["rdpneg.pdu"] == "0xe0"), None)
        a = by_req.get(int(req)) if req else None
        if a is None or a.get("rdp_security") is None:
            continue
        last = [r for r in conn if r["rdpneg.mcs.stage"]][-1:]
        if not last:
            problems.append(f"request {req}: no rdpneg.mcs fields")
            continue
        last = last[0]
        rdp, client = a["rdp_security"], a["client_data"] or {}
        disconnect = rdp["disconnect"]
        want = {
            "rdpneg.mcs.stage": rdp["stage"],
            "rdpneg.mcs.client_name": client.get("name"),
            "rdpneg.mcs.client_build": client.get("build"),
            "rdpneg.mcs.encryption_methods":
                "|".join(rdp["encryption_methods"] or []) or
                ("None" if rdp["encryption_methods"] == [] else None),
            "rdpneg.mcs.encryption_method": rdp["encryption_method"],
            "rdpneg.mcs.encryption_level": rdp["encryption_level"],
            "rdpneg.mcs.disconnect": disconnect["reason"]
            if disconnect else None,
            "rdpneg.mcs.license_error":
                rdp["license_error"]["code"] if rdp["license_error"]
                else None,
            "rdpneg.mcs.error_info":
                rdp["error_info"]["name"] if rdp["error_info"] else None,
        }
        for field, value in want.items():
            got = last[field]
            if value is None:
                ok = got == ""
            else:
                ok = str(value) in got
            if not ok:
                problems.append(f"request {req}: {field} {got!r}, CLI "
                                f"{value!r}")
        compared += 1
    return problems, compared


def filters_and_experts(tshark, path, plugin_dir):
    """One tshark run: the frames `-Y 'rdpneg.failure || rdpneg.blocked ==
    1'` selects, with their rdpneg.failure and rdpneg.blocked, and how many
    expert infos of rdpneg `-z expert` lists after them (its statistics
    cover every frame, whatever -Y shows)."""
    cmd = [tshark, "-2"] + TSHARK_OPTS + [
        "-r", str(path), "-Y", "rdpneg.failure || rdpneg.blocked == 1",
        "-T", "fields", "-e", "frame.number", "-e", "rdpneg.failure",
        "-e", "rdpneg.blocked", "-z", "expert"]
    out = subprocess.run(unprivileged(cmd, plugin_dir), capture_output=True,
                         text=True, errors="replace", check=False).stdout
    frames, count = [], 0
    for line in out.splitlines():
        fields = line.split("\t")
        if len(fields) == 3 and fields[0].isdigit():
            frames.append(fields)
            continue
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[0].isdigit() and parts[2] == "rdpneg":
            count += int(parts[0])
    return frames, count


def tree_steps(tshark, path, plugin_dir):
    """The remediation items of tshark -2 -V, as (kind, text), and those
    whose label Wireshark cut."""
    cmd = [tshark, "-2"] + TSHARK_OPTS + ["-r", str(path), "-Y", "rdpneg",
                                          "-V", "-O", "rdpneg"]
    out = subprocess.run(unprivileged(cmd, plugin_dir), capture_output=True,
                         text=True, errors="replace", check=False).stdout
    steps, cut, inside = [], [], False
    for line in out.splitlines():
        if not line.startswith(" "):
            inside = line.startswith("[rdpneg") or line.startswith("rdpneg")
            continue
        if not inside:
            continue
        item = line.strip().lstrip("[")
        if item.startswith(("Remediation", "Command")) and \
                any(mark in line for mark in CUT_MARKS):
            cut.append(item)
        m = TREE_STEP.match(line)
        if m:
            steps.append((m.group(1), m.group(2)))
    return steps, cut


def steps_problems(steps, cut, records):
    """Each step item the plugin shows must be the CLI's: its prose the
    start of one of the CLI's one-line steps, a command line inside one."""
    cli = [s for a in records for s in a["diagnosis"]["remediation"]]
    problems = [f"label cut: {line[:90]!r}" for line in cut]
    for kind, text in steps:
        if kind == "Remediation":
            found = any(s == text or s.startswith(text + " ") for s in cli)
        else:
            found = any(text in s for s in cli)
        if not found:
            problems.append(f"{kind} {text[:80]!r} is in no CLI step")
    return problems


def check_capture(path, args, plugin_dir):
    results = []
    for two_pass in (False, True):
        problems, compared, excused, rows = compare(
            path, args.tshark, args.rdpneg, plugin_dir, two_pass)
        label = f"{'two' if two_pass else 'one'} pass"
        if excused:
            label += " (not comparable in one pass: " + ", ".join(
                f"{n} {why}" for why, n in sorted(excused.items())) + ")"
        results.append((label, problems, compared))
        if two_pass:
            final_rows = rows
    # -z expert lists what the frames carry (two passes: final verdicts),
    # and the filters select exactly their frames: rdpneg.failure those
    # showing a failureCode, README's first filter `rdpneg.blocked == 1`
    # those of blocked attempts (their class is compared with the CLI's
    # above); one tshark run for the three.
    shown, listed = filters_and_experts(args.tshark, path, plugin_dir)
    carried = sum(r["rdpneg_experts"] for r in final_rows)
    problems = []
    if listed != carried:
        problems.append(f"-z expert lists {listed} rdpneg "
                        f"infos, frames carry {carried}")
    results.append(("-z expert", problems, listed))
    out = [f[0] for f in shown if len(f) == 3 and f[1]]
    want = [r["frame.number"] for r in final_rows if r["rdpneg.failure"]]
    results.append(("-Y rdpneg.failure",
                    [] if out == want else [f"{out} != {want}"], len(want)))
    out = [f[0] for f in shown if len(f) == 3 and f[2] == "1"]
    want = [r["frame.number"] for r in final_rows
            if r["rdpneg.class"] == "blocked"]
    union = sorted({r["frame.number"] for r in final_rows
                    if r["rdpneg.failure"] or r["rdpneg.class"] == "blocked"},
                   key=int)
    problems = [] if out == want else [f"{out} != {want}"]
    if [f[0] for f in shown] != union:
        problems.append(f"the filters select {[f[0] for f in shown]}, "
                        f"expected {union}")
    results.append(("-Y 'rdpneg.blocked == 1'", problems, len(want)))
    # -V: each remediation step whole, as the CLI gives it.
    steps, cut = tree_steps(args.tshark, path, plugin_dir)
    records = cli_records(args.rdpneg, path, final_rows)
    problems, n = tls_problems(args.tshark, path, plugin_dir, final_rows,
                               records)
    if n:
        results.append(("TLS version and certificate as tshark's TLS",
                        problems, n))
    problems, n = mcs_problems(final_rows, records)
    if n:
        results.append(("Standard RDP Security as the CLI's", problems, n))
    results.append(("-V remediation steps whole",
                    steps_problems(steps, cut, records), len(steps)))
    commands = {text for kind, text in steps if kind == "Command"}
    # A non-standard port, decoded as TPKT the way README tells users to.
    for port in sorted({r["tcp.dstport"] for r in final_rows
                        if r["rdpneg.pdu"] == "0xe0"} - {"3389", ""}):
        opts = ["-n", "-d", f"tcp.port=={port},tpkt"]
        problems, compared, _, _ = compare(path, args.tshark, args.rdpneg,
                                           plugin_dir, True, opts)
        if compared == 0:
            problems.append(f"nothing shown with -d tcp.port=={port},tpkt")
        results.append((f"-d tcp.port=={port},tpkt", problems, compared))
    return results, commands


def captures(dirs):
    for d in dirs:
        for p in sorted(d.rglob("*")):
            if p.is_file() and p.name.endswith(CAPTURE_SUFFIXES):
                yield d, p


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rdpneg", required=True)
    parser.add_argument("--tshark", default="tshark")
    parser.add_argument("--plugin", required=True, type=Path,
                        help="the built rdpneg.so")
    parser.add_argument("--series", required=True, help="e.g. 4.0")
    parser.add_argument("dirs", nargs="+", type=Path)
    args = parser.parse_args()
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        print("setpriv not found: cannot drop root for Wireshark")
        return 77
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.chmod(tmp, 0o755)
        epan = tmp / "plugins" / args.series / "epan"
        epan.mkdir(parents=True)
        shutil.copy(args.plugin, epan / "rdpneg.so")
        # The captures may sit where the unprivileged user cannot read.
        work = []
        for i, (base, p) in enumerate(captures(args.dirs)):
            copy = tmp / "captures" / f"{i:03d}" / p.name
            copy.parent.mkdir(parents=True)
            shutil.copy(p, copy)
            work.append((p.relative_to(base.parent), copy))
        for d in tmp.rglob("*"):
            os.chmod(d, 0o755 if d.is_dir() else 0o644)
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            futures = [(name, pool.submit(check_capture, copy, args,
                                          tmp / "plugins"))
                       for name, copy in work]
            total = 0
            commands = set()
            for name, fut in futures:
                results, shown = fut.result()
                commands |= shown
                for what, problems, n in results:
                    total += n
                    tally.record(f"{name} {what}, {n} compared", problems)
        tally.record("tshark -V shows a step's command whole, as it pastes",
                     [] if WHOLE_COMMAND in commands else
                     [f"no Command item is {WHOLE_COMMAND!r}"])
        if total == 0:
            tally.record("the plugin compared at least one connection",
                         ["nothing compared: did the plugin load?"])
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
