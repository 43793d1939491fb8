#!/usr/bin/env python3
"""Check rdpneg against the ground truth written by captures/gen_captures.py.

Each captures/expected/NAME.truth.json names a capture, whether reading it
must fail, and every connection attempt rdpneg must report, with the values
the generator built into it.  The generator never looks at rdpneg's output,
so this is an independent check.  `malformed` and `incomplete` are booleans
in the truth (rdpneg gives a reason text); `class` is the generator's own
reading of README's class rule.  A dotted key ("diagnosis.id",
"tls.credssp.stage") names a value inside the record's objects: what the
generator built after the negotiation.  The exit status must be 2 for a damaged
file, else 1 when an attempt is blocked, else 3 when one is insecure, else 0.

Prints one line per capture and a closing "N passed, N failed" line.
"""

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tally import Tally, parse_rdpneg_args  # noqa: E402


def exit_status_expected(truth):
    """rdpneg's documented exit status for this capture."""
    if truth["read_error"]:
        return 2
    classes = {a["class"] for a in truth["attempts"]}
    if "blocked" in classes:
        return 1
    return 3 if "insecure" in classes else 0


def lookup(record, key):
    """A record's value at key; a dotted key ("tls.version") goes into the
    record's objects, and is None where one is missing."""
    for part in key.split("."):
        record = record.get(part) if isinstance(record, dict) else None
    return record


def compare_attempt(index, want, got):
    """Differences between one truth attempt and rdpneg's record."""
    problems = []
    for key, value in want.items():
        have = lookup(got, key)
        if key in ("malformed", "incomplete"):
            have = have is not None
        if have != value:
            problems.append(f"attempt {index} (first frame "
                            f"{want['first_frame']}): {key} is {have!r}, "
                            f"expected {value!r}")
    return problems


def check(truth_path, captures, rdpneg):
    """Problems found for one truth file."""
    truth = json.loads(truth_path.read_text())
    capture = captures / truth["capture"]
    proc = subprocess.run([rdpneg, "--all", "--format", "jsonl",
                           str(capture)], capture_output=True, check=False)
    problems = []
    if proc.returncode != exit_status_expected(truth):
        problems.append(f"exit status {proc.returncode}, expected "
                        f"{exit_status_expected(truth)}")
    if truth["read_error"] and str(capture).encode() not in proc.stderr:
        problems.append("the read error does not name the file")
    got = sorted((json.loads(line) for line in proc.stdout.splitlines()),
                 key=lambda a: a["first_frame"])
    want = truth["attempts"]
    if len(got) != len(want):
        problems.append(f"{len(got)} attempts reported, expected "
                        f"{len(want)}")
    for i, (w, g) in enumerate(zip(want, got)):
        problems += compare_attempt(i, w, g)
    return problems


def main():
    args = parse_rdpneg_args(__doc__)

    tally = Tally()
    truths = sorted((args.captures / "expected").glob("*.truth.json"))
    if not truths:
        tally.record("truth files", ["none found"])
    for truth in truths:
        tally.record(truth.name, check(truth, args.captures, args.rdpneg))
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
