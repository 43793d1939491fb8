#!/usr/bin/env python3
"""What the oracles share: one tshark pass over a capture's TCP payload
frames (the RDP ports decoded as a given protocol, fields aggregated with
AGG), rdpneg's JSONL attempts of the same capture, small readers of
tshark's field values, and the run that proves each named limitation on
the frames it excused.  Imported by oracle_tls.py, oracle_mcs.py and
their test_*_limitations.py."""

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tally import Tally  # noqa: E402

AGG = "\x1f"            # tshark's aggregator: no field value holds it


def ints(text):
    return [int(x, 0) for x in text.split(AGG)] if text else []


def strs(text):
    return text.split(AGG) if text else []


def hex_bytes(text):
    """tshark's FT_BYTES value (aa:bb:... or aabb...) as bytes."""
    return bytes.fromhex(text.replace(":", "")) if text else b""


def rdpneg_attempts(path, rdpneg, ports):
    """rdpneg's JSONL records of every attempt (--all), the non-standard
    ports given with --port."""
    cmd = [rdpneg, "--all", "--format", "jsonl"]
    for port in sorted(ports - {3389}):
        cmd += ["--port", str(port)]
    proc = subprocess.run(cmd + [str(path)], capture_output=True,
                          check=False)
    return [json.loads(line) for line in proc.stdout.splitlines()]


def port_of(endpoint):
    return int(endpoint.rsplit(":", 1)[1])


def decode_args(ports, proto):
    """tshark's -d options decoding each port as proto (tls, tpkt)."""
    args = []
    for port in sorted(ports):
        args += ["-d", f"tcp.port=={port},{proto}"]
    return args


def tshark_rows(path, tshark, ports, proto, fields):
    """One tshark pass: every frame with TCP payload, the ports decoded as
    proto, its fields (all occurrences, joined by AGG)."""
    cmd = [tshark, "-n", "-r", str(path), *decode_args(ports, proto),
           "-o", "tcp.reassemble_out_of_order:TRUE", "-Y", "tcp.len > 0",
           "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
           "-E", f"aggregator={AGG}"]
    for field in fields:
        cmd += ["-e", field]
    out = subprocess.run(cmd, capture_output=True, text=True,
                         errors="replace", check=False).stdout
    rows = []
    for line in out.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(fields) - len(cols))
        rows.append(dict(zip(fields, cols)))
    return rows


def excuse(limitations, ctx):
    """The name of the first named rule of limitations ({name: (condition,
    why)}) whose condition holds for a difference's context, else None."""
    for name, (cond, _why) in limitations.items():
        if cond(ctx):
            return name
    return None


def capture_files(paths):
    """The .pcap and .pcapng files of paths (directories searched)."""
    files = []
    for p in paths:
        if p.is_dir():
            files += sorted(f for f in p.rglob("*")
                            if f.suffix in (".pcap", ".pcapng"))
        else:
            files.append(p)
    return files


def prove_limitations(paths, limitations, one, jobs):
    """Run one(capture) -> ([(rule, frame, proven)], capture) over the
    captures of paths, jobs at a time: a line per excused frame, failing
    where the rule's proof does not hold, and one per rule of limitations
    no capture used (a dead excuse should not stay documented).  Returns
    the exit status."""
    tally = Tally()
    used = set()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for results, capture in pool.map(one, capture_files(paths)):
            for rule, frame, proven in results:
                used.add(rule)
                tally.record(f"{rule}: {capture} frame {frame}",
                             [] if proven else
                             ["the rule does not explain this difference"])
    for rule in sorted(set(limitations) - used):
        tally.record(rule, [f"never used on {[str(p) for p in paths]}"])
    return tally.finish()
