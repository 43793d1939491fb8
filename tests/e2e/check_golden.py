#!/usr/bin/env python3
"""Compare rdpneg's reports on every bundled capture with golden files.

For each capture under captures/ and tests/regress/ (inputs that once broke
rdpneg, named after what they broke; run from the repository root), the
JSONL and CSV reports with --all, the default text report and the Markdown
report must equal tests/e2e/expected/REL.{jsonl,txt,csv,md} byte for byte,
and rdpneg must exit 0, 1 or 2 with no sanitizer report.  The
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
# Sample captures, and inputs that once broke rdpneg (named after what).
ROOTS = (Path("captures"), Path("tests/regress"))
SANITIZER = (b"runtime error", b"Sanitizer")
REPORTS = {
    ".jsonl": ["--all", "--format", "jsonl"],
    ".txt": [],
    ".csv": ["--all", "--format", "csv"],
    ".md": ["--format", "markdown"],
}


def captures():
    """(capture, golden stem) for every capture under the roots."""
    found = []
    for root in ROOTS:
        for p in sorted(root.rglob("*")):
            if p.suffix in (".pcap", ".pcapng"):
                rel = p.relative_to("captures") if root.name == "captures" \
                    else Path("regress") / p.relative_to(root)
                found.append((p, EXPECTED / rel))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rdpneg", required=True)
    parser.add_argument("--update", action="store_true")
    args = parser.parse_args()

    tally = Tally()
    for capture, stem in captures():
        for suffix, options in REPORTS.items():
            golden = Path(str(stem) + suffix)
            proc = subprocess.run([args.rdpneg, *options, str(capture)],
                                  capture_output=True, check=False)
            out = proc.stdout
            if proc.returncode not in (0, 1, 2) or any(
                    s in proc.stderr for s in SANITIZER):
                tally.record(golden, [f"exit {proc.returncode}: "
                                      f"{proc.stderr[-400:]!r}"])
                continue
            if args.update:
                golden.parent.mkdir(parents=True, exist_ok=True)
                golden.write_bytes(out)
            same = golden.exists() and golden.read_bytes() == out
            tally.record(golden, [] if same else [
                "output differs (rerun with --update, review the diff)"])
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
