"""Pass/fail bookkeeping shared by the Python test scripts.

Each script reports one line per check ("ok   NAME" or "FAIL NAME:" with
the problems indented below it) and closes with "N passed, N failed", the
line CI reads; finish() returns the exit status.
"""

import argparse
import re
from pathlib import Path

TOP_CMAKELISTS = Path(__file__).resolve().parents[1] / "CMakeLists.txt"


def project_version():
    """The version in project() of the top-level CMakeLists.txt: the one
    rdpneg_version.h is generated from (rdpneg --version, reports)."""
    return re.search(r"project\(rdpneg VERSION ([0-9.]+)",
                     TOP_CMAKELISTS.read_text()).group(1)


def parse_rdpneg_args(doc):
    """The common command line: --rdpneg BIN and the captures directory."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--rdpneg", required=True, help="rdpneg binary")
    parser.add_argument("captures", type=Path, help="captures directory")
    return parser.parse_args()


class Tally:
    """Counts checks and prints their results."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def record(self, name, problems=(), limit=20):
        """Record one check; it failed when problems is not empty."""
        problems = list(problems)
        if not problems:
            self.passed += 1
            print(f"ok   {name}")
            return
        self.failed += 1
        print(f"FAIL {name}:")
        for p in problems[:limit]:
            print(f"    {p}")
        if len(problems) > limit:
            print(f"    ... {len(problems) - limit} more")

    def finish(self):
        """Print the closing line; return the process exit status."""
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0
