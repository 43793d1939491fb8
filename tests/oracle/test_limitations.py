#!/usr/bin/env python3
"""Prove every documented oracle limitation on the captures that use it.

oracle.py excuses a difference between rdpneg and tshark only through a
named rule in LIMITATIONS.  This test runs the oracle over the captures,
collects every (rule, frame) it excused, and checks with an independent
tshark query that the rule's explanation holds for that very frame.  It
also fails when a rule is never used (a dead excuse hides nothing, but it
should not stay documented).

Prints one line per check and a closing "N passed, N failed" line.
"""

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import oracle  # noqa: E402  (the module under test's sibling)
from tally import Tally  # noqa: E402


def tshark_field(tshark, capture, frame, field):
    """The value of one field of one frame, as tshark prints it."""
    out = subprocess.run(
        [tshark, "-n", "-r", str(capture), "--enable-heuristic", "tpkt_tcp",
         "-Y", f"frame.number == {frame}", "-T", "fields", "-e", field],
        capture_output=True, text=True, errors="replace", check=False)
    return out.stdout.strip()


def flagged(tshark, capture, frame):
    """tshark itself marks the frame malformed or with an expert warning."""
    out = subprocess.run(
        [tshark, "-n", "-r", str(capture), "--enable-heuristic", "tpkt_tcp",
         "-Y", f"frame.number == {frame} && (_ws.malformed || "
         "_ws.expert.severity >= \"warning\")", "-T", "fields",
         "-e", "frame.number"], capture_output=True, text=True, check=False)
    return out.stdout.strip() == str(frame)


def not_interpreted(tshark, capture, frame):
    """tshark flags the frame, or its RDP heuristic did not claim the PDU
    (packet-rdp.c only claims a CC whose structure length is 8)."""
    return flagged(tshark, capture, frame) or tshark_field(
        tshark, capture, frame, "rdp.neg_type") == ""


# Rule name -> proof(tshark, capture, frame) -> bool
PROOFS = {
    "malformed-not-interpreted": not_interpreted,
    "cookie-escaping": lambda t, c, f: "\ufffd" in tshark_field(
        t, c, f, "rdp.rt_cookie"),
    "tsv-mth-tokens": lambda t, c, f: flagged(t, c, f) and tshark_field(
        t, c, f, "rdp.rt_cookie") == "",
    "cookie-bare-line-break": lambda t, c, f: tshark_field(
        t, c, f, "rdp.negReq.requestedProtocols") == "" and tshark_field(
        t, c, f, "rdp.rt_cookie") != "",
    "request-cut-by-snaplen": lambda t, c, f: int(tshark_field(
        t, c, f, "frame.cap_len")) < int(tshark_field(t, c, f, "frame.len")),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rdpneg", required=True)
    parser.add_argument("--tshark", default="tshark")
    parser.add_argument("captures", type=Path)
    args = parser.parse_args()

    tally = Tally()
    used = set()
    assert set(PROOFS) == set(oracle.LIMITATIONS), "a rule has no proof"
    for capture in sorted(args.captures.rglob("*.pcap*")):
        applied = []
        oracle.compare(capture, args.tshark, args.rdpneg, applied)
        for rule, frame in sorted(set(applied)):
            used.add(rule)
            proven = PROOFS[rule](args.tshark, capture, frame)
            tally.record(f"{rule}: {capture} frame {frame}", [] if proven
                         else ["the rule does not explain this difference"])
    for rule in sorted(set(oracle.LIMITATIONS) - used):
        tally.record(rule, [f"never used on {args.captures}"])
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
