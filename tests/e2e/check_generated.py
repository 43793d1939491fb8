#!/usr/bin/env python3
"""Check that captures/gen_captures.py regenerates the committed captures.

The synthetic captures and their truth files are committed so the tests
need no generator run; this keeps them honest: regenerating into a
temporary directory must give the same bytes for every file.
Prints one line per file and a closing "N passed, N failed" line.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tally import Tally  # noqa: E402

CAPTURES = Path(__file__).resolve().parents[2] / "captures"


def main():
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, str(CAPTURES / "gen_captures.py"),
                        tmp], check=True, capture_output=True)
        made = sorted(p.relative_to(tmp) for p in Path(tmp).rglob("*")
                      if p.is_file())
        if not made:
            tally.record("generator", ["it wrote nothing"])
        for rel in made:
            same = (CAPTURES / rel).exists() and \
                (CAPTURES / rel).read_bytes() == (Path(tmp) / rel).read_bytes()
            tally.record(rel, [] if same else ["differs from the committed file"])
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
