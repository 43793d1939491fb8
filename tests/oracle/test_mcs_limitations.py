#!/usr/bin/env python3
"""Prove every documented MCS oracle limitation on the frames it excused.

oracle_mcs.py excuses a difference between rdpneg and tshark only through
a named rule in its LIMITATIONS.  This test runs that oracle over the
captures, collects every (rule, frame) it excused, and checks with an
independent tshark query on that very frame that the rule's explanation
holds.  A rule that no capture uses fails too (a dead excuse should not
stay documented).

Prints one line per check and a closing "N passed, N failed" line.
"""

import argparse
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import oracle_mcs  # noqa: E402  (the module under test's sibling)
from tally import Tally  # noqa: E402


def frame_fields(tshark, capture, ports, frame, fields):
    """One independent tshark query: fields of one frame (the RDP ports
    decoded as TPKT, as the oracle does), each a list of values."""
    cmd = [tshark, "-n", "-r", str(capture),
           *oracle_mcs.tpkt_decode_args(ports),
           "-o", "tcp.reassemble_out_of_order:TRUE",
           "-Y", f"frame.number == {frame}", "-T", "fields",
           "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True,
                         errors="replace", check=False).stdout
    lines = out.splitlines()
    if not lines:
        return None
    cols = lines[0].split("\t")
    cols += [""] * (len(fields) - len(cols))
    return {f: [v for v in c.split(",") if v] for f, c in zip(fields, cols)}


def rdp_field_names(tshark):
    out = subprocess.run([tshark, "-G", "fields"], capture_output=True,
                         text=True, errors="replace", check=False).stdout
    return {line.split("\t")[2] for line in out.splitlines()
            if line.startswith("F\t") and line.count("\t") >= 2
            and line.split("\t")[2].startswith("rdp.")}


def cert_opaque(tshark, capture, ports, frame, names):
    """tshark has the Server Security Data's certificate as bytes that
    begin with a dwVersion of type 1 or 2 (2.2.1.4.3.1), and no field of
    its own for dwVersion, the blob count or the RSA1 key."""
    f = frame_fields(tshark, capture, ports, frame,
                     ["rdp.serverCertificate", "rdp.serverCertLen"])
    if not f or not f["rdp.serverCertificate"]:
        return False
    blob = oracle_mcs.hex_bytes(f["rdp.serverCertificate"][0])
    if len(blob) != int(f["rdp.serverCertLen"][0]) or len(blob) < 4:
        return False
    ctype = int.from_bytes(blob[:4], "little") & 0x7fffffff
    own = {n for n in names if any(w in n.lower() for w in
                                   ("dwversion", "certchain", "numcert",
                                    "bitlen", "keylen", "pubexp"))}
    return ctype in (1, 2) and not own


def cut_by_snaplen(tshark, capture, ports, frame, names):
    """The snap length cut the frame and tshark says so (_ws.short) after
    the T.125 header."""
    f = frame_fields(tshark, capture, ports, frame,
                     ["frame.cap_len", "frame.len", "t125.ConnectMCSPDU",
                      "_ws.short"])
    if not f:
        return False
    cap, length = int(f["frame.cap_len"][0]), int(f["frame.len"][0])
    return cap < length and bool(f["t125.ConnectMCSPDU"])


def no_errorinfo_field(tshark, capture, ports, frame, names):
    """The frame carries a Share Data Header with pduType2 47 (Set Error
    Info) and tshark has no field for the errorInfo that follows it."""
    f = frame_fields(tshark, capture, ports, frame, ["rdp.pduType2"])
    return bool(f) and "47" in f["rdp.pduType2"] and \
        not any("errorinfo" in n.lower() for n in names)


# Rule name -> proof(tshark, capture, ports, frame, rdp field names)
PROOFS = {
    "tshark-cert-opaque": cert_opaque,
    "mcs-cut-by-snaplen": cut_by_snaplen,
    "tshark-no-errorinfo-field": no_errorinfo_field,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rdpneg", required=True)
    parser.add_argument("--tshark", default="tshark")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args()

    assert set(PROOFS) == set(oracle_mcs.LIMITATIONS), "a rule has no proof"
    names = rdp_field_names(args.tshark)

    def one(capture):
        applied = []
        oracle_mcs.compare(capture, args.tshark, args.rdpneg, applied)
        if not applied:
            return [], capture
        ports = {oracle_mcs.port_of(a["server"]) for a in
                 oracle_mcs.rdpneg_attempts(capture, args.rdpneg, set())
                 if a.get("server")} or {3389}
        return [(rule, frame, PROOFS[rule](args.tshark, capture, ports,
                                           frame, names))
                for rule, frame in sorted(set(applied))], capture

    tally = Tally()
    used = set()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for results, capture in pool.map(
                one, oracle_mcs.capture_files(args.paths)):
            for rule, frame, proven in results:
                used.add(rule)
                tally.record(f"{rule}: {capture} frame {frame}",
                             [] if proven else
                             ["the rule does not explain this difference"])
    for rule in sorted(set(oracle_mcs.LIMITATIONS) - used):
        tally.record(rule, [f"never used on {[str(p) for p in args.paths]}"])
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
