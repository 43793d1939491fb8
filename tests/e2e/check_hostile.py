#!/usr/bin/env python3
"""Hostile cookies cannot break out of any report format.

captures/hostile-cookies.pcap and tokens.pcapng carry cookies with HTML,
Markdown links and images, table pipes, spreadsheet formulas, emphasis and
code markers, autolinks, a bare line feed, bidirectional overrides, C0 and
C1 control sequences and invalid UTF-8.  For each format:

- text: only printable ASCII and line feeds, one block per attempt;
- jsonl: valid JSON, ASCII only, cookies decode to the captured bytes
  (invalid UTF-8 as U+FFFD);
- csv: parsed by Python's csv module into rows of the header's width, no
  raw control character, no cell starting with = + - @;
- markdown: rendered by cmark-gfm (tables, autolinks, strikethrough, and
  raw HTML allowed, so any injection would show): no tag, link, image,
  emphasis or strikethrough made of capture data, and every table row has
  as many cells as its header.

Prints one line per check and a closing "N passed, N failed" line.
"""

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tally import Tally, parse_rdpneg_args  # noqa: E402

CAPTURES = ("hostile-cookies.pcap", "tokens.pcapng")
# What capture data would become if it escaped its code spans.
INJECTED = [r"<script", r"<b>bold", r'<a href="http://evil', r"<img",
            r"<del>strike", r"<em>it</em>", r"<strong>bold", r"<h1>head",
            "\x1b", "\x9b", "\u202e"]


def report(rdpneg, fmt, capture):
    return subprocess.run([rdpneg, "-a", "-f", fmt, str(capture)],
                          capture_output=True, timeout=60,
                          check=False).stdout


def check_text(out):
    bad = sorted({b for b in out if (b < 0x20 and b != 0x0a) or b >= 0x7f})
    return [f"bytes {bad} in the text report"] if bad else []


def check_jsonl(out, capture):
    problems = []
    if any(b >= 0x80 for b in out):
        problems.append("non-ASCII bytes in JSONL")
    data = capture.read_bytes()
    for line in out.splitlines():
        cookie = json.loads(line)["cookie"]
        if cookie is None:
            continue
        raw = cookie.encode("utf-8", "surrogatepass")
        if "\ufffd" not in cookie and raw not in data:
            problems.append(f"cookie {cookie!r} is not the captured bytes")
    return problems


def check_csv(out):
    problems = []
    rows = list(csv.reader(io.StringIO(out.decode("utf-8"), newline="")))
    width = len(rows[0])
    for n, row in enumerate(rows[1:], 2):
        if len(row) != width:
            problems.append(f"row {n} has {len(row)} cells, not {width}")
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@") and \
                    not re.fullmatch(r"-?\d+", cell):
                problems.append(f"row {n}: formula cell {cell!r}")
            if any(ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0 for c in cell):
                problems.append(f"row {n}: control character in {cell!r}")
    return problems


def check_markdown(out, cmark):
    html = subprocess.run(
        [cmark, "--unsafe", "-e", "table", "-e", "autolink", "-e",
         "strikethrough"], input=out, capture_output=True, timeout=60,
        check=True).stdout.decode()
    problems = [f"{tag!r} in the rendered report" for tag in INJECTED
                if tag in html]
    for table in re.findall(r"<table>.*?</table>", html, re.S):
        header = len(re.findall(r"<th[ >]", table))
        for row in re.findall(r"<tbody>.*?</tbody>", table, re.S):
            for tr in re.findall(r"<tr>.*?</tr>", row, re.S):
                cells = len(re.findall(r"<td[ >]", tr))
                if cells != header:
                    problems.append(f"table row with {cells} cells, "
                                    f"header has {header}")
    return problems


def main():
    args = parse_rdpneg_args(__doc__)

    tally = Tally()
    cmark = shutil.which("cmark-gfm")
    for name in CAPTURES:
        capture = args.captures / name
        tally.record(f"{name}: text", check_text(
            report(args.rdpneg, "text", capture)))
        tally.record(f"{name}: jsonl", check_jsonl(
            report(args.rdpneg, "jsonl", capture), capture))
        tally.record(f"{name}: csv", check_csv(
            report(args.rdpneg, "csv", capture)))
        tally.record(f"{name}: markdown", check_markdown(
            report(args.rdpneg, "markdown", capture), cmark) if cmark
            else ["cmark-gfm is not installed"])
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
