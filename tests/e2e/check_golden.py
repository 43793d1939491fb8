#!/usr/bin/env python3
"""Compare rdpneg's reports on every bundled capture with golden files.

For each capture under captures/ (run from the repository root), the JSONL
and CSV reports with --all, the default text report and the Markdown report
must equal tests/e2e/expected/REL.{jsonl,txt,csv,md}, byte for byte.  The
goldens were reviewed by hand when written; the fields that can be checked
independently are also checked against the generator's truth
(check_truth.py) and tshark (oracle.py).

--update rewrites the goldens (then review the diff before committing).
Prints one line per file and a closing "N passed, N failed" line.
"""

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tally import Tally  # noqa: E402

EXPECTED = Path("tests/e2e/expected")
REPORTS = {
    ".jsonl": ["--all", "--format", "jsonl"],
    ".txt": [],
    ".csv": ["--all", "--format", "csv"],
    ".md": ["--format", "markdown"],
}


def captures():
    """Every capture file under captures/, as paths relative to the root."""
    return sorted(p for p in Path("captures").rglob("*")
                  if p.suffix in (".pcap", ".pcapng"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rdpneg", required=True)
    parser.add_argument("--update", action="store_true")
    args = parser.parse_args()

    tally = Tally()
    for capture in captures():
        for suffix, options in REPORTS.items():
            golden = EXPECTED / (str(capture.relative_to("captures")) +
                                 suffix)
            out = subprocess.run([args.rdpneg, *options, str(capture)],
                                 capture_output=True, check=False).stdout
            if args.update:
                golden.parent.mkdir(parents=True, exist_ok=True)
                golden.write_bytes(out)
            same = golden.exists() and golden.read_bytes() == out
            tally.record(golden, [] if same else [
                "output differs (rerun with --update, review the diff)"])
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
