#!/usr/bin/env python3
"""Prove every documented TLS oracle limitation on the frames it excused.

oracle_tls.py excuses a difference between rdpneg and tshark only through
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import oracle_tls  # noqa: E402  (the module under test's sibling)
import wire  # noqa: E402


def records_table(tshark, capture, ports):
    """One independent tshark query per capture: every frame with a TLS
    record, its stream, source port, record types and lengths, and
    whether the snap length cut it (the RDP ports decoded as TLS, as the
    oracle does)."""
    cmd = [tshark, "-n", "-r", str(capture),
           *oracle_tls.tls_decode_args(ports),
           "-o", "tcp.reassemble_out_of_order:TRUE", "-Y", "tls.record",
           "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
           "-e", "frame.number", "-e", "tcp.stream", "-e", "tcp.srcport",
           "-e", "tls.record.content_type", "-e", "tls.record.opaque_type",
           "-e", "frame.cap_len", "-e", "frame.len"]
    out = subprocess.run(cmd, capture_output=True, text=True,
                         errors="replace", check=False).stdout
    table = {}
    for line in out.splitlines():
        f, stream, port, clear, opaque, cap, length = line.split("\t")
        table[int(f)] = {
            "stream": int(stream), "port": int(port),
            "clear": [int(t) for t in clear.split(",") if t],
            "opaque": [int(t) for t in opaque.split(",") if t],
            "cut": int(cap) < int(length)}
    return table


def records_kept(table, frame):
    """The frame carries tshark's 24th encrypted record (type 23) of its
    stream, and the stream has more than 24."""
    if frame not in table:
        return False
    stream = table[frame]["stream"]
    count, at = 0, None
    for f, row in sorted(table.items()):
        if row["stream"] != stream:
            continue
        n = (row["clear"] + row["opaque"]).count(23)
        if count < oracle_tls.RECORDS_KEPT <= count + n:
            at = f
        count += n
    return count > oracle_tls.RECORDS_KEPT and at == frame


def encrypted_alert(table, frame):
    """The frame carries an alert record (content type 21) whose sender
    sent a ChangeCipherSpec (20) in an earlier frame: it is encrypted."""
    row = table.get(frame)
    if row is None or 21 not in row["clear"]:
        return False
    return any(f < frame and r["stream"] == row["stream"]
               and r["port"] == row["port"] and 20 in r["clear"]
               for f, r in table.items())


def cut_by_snaplen(table, frame):
    """tshark shows a TLS record in a frame the snap length cut."""
    return frame in table and table[frame]["cut"]


# Rule name -> proof(table, frame) -> bool
PROOFS = {
    "records-kept-24": records_kept,
    "encrypted-alert-as-record": encrypted_alert,
    "tls-cut-by-snaplen": cut_by_snaplen,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rdpneg", required=True)
    parser.add_argument("--tshark", default="tshark")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args()

    assert set(PROOFS) == set(oracle_tls.LIMITATIONS), "a rule has no proof"
    names = oracle_tls.value_names(args.tshark)

    def one(capture):
        applied = []
        oracle_tls.compare(capture, args.tshark, args.rdpneg, names,
                           applied)
        ports = {oracle_tls.port_of(a["server"]) for a in
                 oracle_tls.rdpneg_attempts(capture, args.rdpneg, set())
                 if a.get("server")}
        if not applied:
            return [], capture
        table = records_table(args.tshark, capture, ports)
        return [(rule, frame, PROOFS[rule](table, frame))
                for rule, frame in sorted(set(applied))], capture

    return wire.prove_limitations(args.paths, oracle_tls.LIMITATIONS, one,
                                  args.jobs)


if __name__ == "__main__":
    sys.exit(main())
