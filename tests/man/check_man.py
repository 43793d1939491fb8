#!/usr/bin/env python3
"""Check that the man page lints and renders cleanly with mandoc.

1. `mandoc -T lint -W warning` reports nothing (it exits 2 on a warning;
   style notes, such as a referenced page that is not installed here, are
   left out).
2. The page rendered as UTF-8 pairs its quotes within each paragraph: an
   mdoc quoting macro such as Dq runs to the end of its line, so
   `.Pq Dq a , Dq b` renders as (“a, “b””), which neither mandoc nor groff
   warns about.

Usage: check_man.py --mandoc MANDOC PAGE; exits 1 when a check failed.
"""

import argparse
import subprocess
import sys


def lint(mandoc, page):
    proc = subprocess.run([mandoc, "-T", "lint", "-W", "warning", page],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0 or proc.stdout or proc.stderr:
        return [f"mandoc -T lint exited {proc.returncode}:\n"
                f"{proc.stdout}{proc.stderr}"]
    return []


def quotes(mandoc, page):
    text = subprocess.run([mandoc, "-T", "utf8", "-O", "width=78", page],
                          capture_output=True, text=True,
                          check=True).stdout
    problems = []
    depth = 0
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            if depth != 0:
                problems.append(f"line {n}: a quote left open in the "
                                "paragraph above")
            depth = 0
            continue
        for ch in line:
            depth += {"\u201c": 1, "\u201d": -1}.get(ch, 0)
            if depth not in (0, 1):
                problems.append(f"line {n}: quotes nested or unpaired: "
                                f"{line.strip()}")
                depth = 0
                break
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mandoc", required=True)
    ap.add_argument("page")
    args = ap.parse_args()
    problems = lint(args.mandoc, args.page) + quotes(args.mandoc, args.page)
    for p in problems:
        print(p)
    print(f"{args.page}: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
