#!/usr/bin/env python3
"""Batch analysis over a directory tree: damaged files, .gz, nesting, -j.

Builds a tree in a temporary directory from the bundled captures:

    tree/a/outcomes.pcap            a copy
    tree/a/b/failure-codes.pcap.gz  gzip-compressed copy
    tree/a/b/c/tokens.data          pcapng copy with no capture suffix
    tree/broken.pcap                junk with a capture suffix (damaged)
    tree/truncated.pcap             cut inside a record (damaged)
    tree/notes.txt                  not a capture: skipped

and checks what rdpneg reports on it; then folders with no capture (empty,
or only other files) and the same file given twice.  Prints one line per check and a
closing "N passed, N failed" line.
"""

import gzip
import hashlib
import re
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from tally import Tally, parse_rdpneg_args  # noqa: E402
from terminal import open_terminal, read_terminal  # noqa: E402

TIMEOUT = 120


def build_tree(captures, root):
    """Lay out the tree described in the module docstring."""
    (root / "a" / "b" / "c").mkdir(parents=True)
    shutil.copy(captures / "outcomes.pcap", root / "a" / "outcomes.pcap")
    (root / "a" / "b" / "failure-codes.pcap.gz").write_bytes(
        gzip.compress((captures / "failure-codes.pcap").read_bytes()))
    shutil.copy(captures / "tokens.pcapng", root / "a" / "b" / "c" /
                "tokens.data")
    (root / "broken.pcap").write_bytes(b"this is not a capture\n" * 4)
    shutil.copy(captures / "truncated.pcap", root / "truncated.pcap")
    (root / "notes.txt").write_text("not a capture\n")


def run(rdpneg, *args):
    return subprocess.run([rdpneg, *map(str, args)], capture_output=True,
                          timeout=TIMEOUT, check=False)


def jsonl(proc):
    return [json.loads(line) for line in proc.stdout.splitlines()]


def check_tree(rdpneg, captures, root):
    """Problems found with the reports over the tree."""
    problems = []
    proc = run(rdpneg, "-a", "-f", "jsonl", "-j", "1", root)
    got = jsonl(proc)
    if proc.returncode != 2:
        problems.append(f"exit status {proc.returncode}, expected 2")
    for name in ("broken.pcap", "truncated.pcap"):
        if str(root / name).encode() not in proc.stderr:
            problems.append(f"stderr does not name {name}: "
                            f"{proc.stderr!r}")
    if b"notes.txt" in proc.stderr or b"notes.txt" in proc.stdout:
        problems.append("notes.txt was read")
    files = []
    for a in got:
        if a["capture"] not in files:
            files.append(a["capture"])
    want = [str(root / p) for p in ("a/b/c/tokens.data",
                                    "a/b/failure-codes.pcap.gz",
                                    "a/outcomes.pcap", "truncated.pcap")]
    if files != want:
        problems.append(f"captures reported {files}, expected {want} "
                        "(sorted walk, damaged file's attempts kept)")
    # The .gz file gives the same attempts as the plain one.
    plain = jsonl(run(rdpneg, "-a", "-f", "jsonl",
                      captures / "failure-codes.pcap"))
    packed = [a for a in got if a["capture"].endswith(".gz")]
    for a in plain + packed:
        a.pop("capture")
    if plain != packed or not plain:
        problems.append("the .gz capture's attempts differ from the "
                        "plain file's")
    return problems


def check_serial_parallel(rdpneg, root):
    """-j 1 and -j 3 give the same bytes, for every format."""
    problems = []
    for fmt in ("text", "jsonl", "csv", "markdown", "html"):
        one = run(rdpneg, "-a", "-f", fmt, "-j", "1", root)
        many = run(rdpneg, "-a", "-f", fmt, "-j", "3", root)
        if (one.stdout, one.returncode) != (many.stdout, many.returncode):
            problems.append(f"{fmt}: -j 3 differs from -j 1")
        if not one.stdout:
            problems.append(f"{fmt}: empty report")
    return problems


def check_read_ahead(rdpneg, root, regress):
    """One file with jobs to spare is inflated (gzip) or read and hashed
    (Markdown) on a thread of its own: the same bytes, status and messages
    as without (-j 1), for every format, on whole, compressed and damaged
    captures and the fuzzers' reproducers."""
    problems = []
    files = sorted(p for p in root.rglob("*") if p.is_file()) + \
        sorted(p for p in regress.iterdir() if p.is_file())
    for path in files:
        for fmt in ("text", "jsonl", "csv", "markdown", "html"):
            one = run(rdpneg, "-a", "-f", fmt, "-j", "1", path)
            two = run(rdpneg, "-a", "-f", fmt, "-j", "2", path)
            if (one.stdout, one.stderr, one.returncode) != \
                    (two.stdout, two.stderr, two.returncode):
                problems.append(f"{path.name} {fmt}: -j 2 differs from "
                                "-j 1")
    return problems


def check_sha256(rdpneg, root):
    """Markdown names each file's SHA-256 and size as stored on disk."""
    problems = []
    out = run(rdpneg, "-f", "markdown", root).stdout.decode()
    for rel in ("a/outcomes.pcap", "a/b/failure-codes.pcap.gz"):
        # Alone, with a thread that reads and hashes ahead.
        out += run(rdpneg, "-f", "markdown", "-j", "2",
                   root / rel).stdout.decode()
        data = (root / rel).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        # Its row of the captures table: path, bytes, SHA-256.
        row = re.compile(r"^\| `+ ?[^`]*%s ?`+ \| (\d+) \| `(\w+)` \|"
                         % re.escape(rel), re.M)
        rows = row.findall(out)
        if len(rows) != 2 or any(d != digest for _, d in rows):
            problems.append(f"{rel}: SHA-256 {digest} not in the report's "
                            f"two rows {rows}")
        if len(rows) != 2 or any(int(n) != len(data) for n, _ in rows):
            problems.append(f"{rel}: size {len(data)} not in the report's "
                            f"two rows {rows}")
    return problems


def stderr_on_tty(rdpneg, *args):
    """Run with standard error on a pseudo-terminal; return what it got."""
    master, slave = open_terminal()
    proc = subprocess.Popen([rdpneg, *map(str, args)],
                            stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    seen = read_terminal(master, TIMEOUT)
    proc.wait(timeout=TIMEOUT)
    return seen


def check_progress(rdpneg, root):
    """A progress line on a terminal; none with -q or when redirected."""
    problems = []
    if b"files," not in stderr_on_tty(rdpneg, root):
        problems.append("no progress line on a terminal")
    if b"files," in stderr_on_tty(rdpneg, "-q", root):
        problems.append("a progress line despite -q")
    if b"files," in run(rdpneg, root).stderr:
        problems.append("a progress line on a pipe")
    return problems


NO_CAPTURE = (b": no capture (pcap or pcapng, also gzip-compressed) found "
              b"in this directory or below")


def check_no_capture(rdpneg, root, tmp):
    """A folder with no capture is an error naming it, not an all-clear."""
    problems = []
    empty = tmp / "empty"
    others = tmp / "others"
    empty.mkdir()
    (others / "deeper").mkdir(parents=True)
    (others / "notes.txt").write_text("not a capture\n")
    (others / "deeper" / "trace.etl").write_bytes(b"\0" * 64)
    (others / "outcomes.pcap.xz").write_bytes(b"\xfd7zXZ\0" + b"\0" * 32)
    for folder in (empty, others):
        for fmt in ("text", "jsonl", "csv", "markdown", "html"):
            proc = run(rdpneg, "-f", fmt, folder)
            lines = proc.stderr.splitlines()
            if proc.returncode != 2 or \
                    lines != [b"rdpneg: " + bytes(folder) + NO_CAPTURE]:
                problems.append(f"{folder.name} -f {fmt}: exit "
                                f"{proc.returncode}, stderr {proc.stderr!r}")
    # Beside a folder with captures: those are read, the status is still 2.
    proc = run(rdpneg, "-f", "jsonl", empty, root / "a")
    if proc.returncode != 2 or not jsonl(proc) or \
            NO_CAPTURE not in proc.stderr:
        problems.append(f"empty folder beside captures: exit "
                        f"{proc.returncode}, stderr {proc.stderr!r}")
    return problems


def check_given_twice(rdpneg, root):
    """The same file given twice, however spelled, is analysed once."""
    problems = []
    one = root / "a" / "outcomes.pcap"
    link = root / "hard-link.pcap"
    os.link(one, link)
    want = run(rdpneg, "-a", "-f", "jsonl", one)
    other = root / "a" / ".." / "a" / "outcomes.pcap"
    same_as = f"the same file as {one}"
    # label, argv, the path noted, the note, whether the report is one's
    cases = [
        ("the same path twice", [one, one], one, "given twice", True),
        ("another spelling", [one, other], other, same_as, True),
        ("a hard link", [one, link], link, same_as, True),
        # The walk finds the file again under the very same name.
        ("its folder after the file", [one, root / "a"], one, "given twice",
         False),
    ]
    for label, argv, dup, says, alone in cases:
        proc = run(rdpneg, "-a", "-f", "jsonl", *argv)
        note = f"rdpneg: {dup}: {says}: analysed once".encode()
        if note not in proc.stderr.splitlines():
            problems.append(f"{label}: no note {note!r}: {proc.stderr!r}")
        if alone and proc.stdout != want.stdout:
            problems.append(f"{label}: the report is not that of one run")
        if not alone and sum(r["capture"] == str(one)
                             for r in jsonl(proc)) != len(jsonl(want)):
            problems.append(f"{label}: {one} not analysed exactly once")
    proc = subprocess.run([rdpneg, "-a", "-f", "jsonl", "-", one],
                          input=one.read_bytes(), capture_output=True,
                          timeout=TIMEOUT, check=False)
    if b"rdpneg: -: " in proc.stderr or b"given twice" in proc.stderr:
        problems.append(f"standard input from a pipe taken for {one}: "
                        f"{proc.stderr!r}")
    with open(one, "rb") as f:
        proc = subprocess.run([rdpneg, "-a", "-f", "jsonl", one, "-"],
                              stdin=f, capture_output=True, timeout=TIMEOUT,
                              check=False)
    if f"rdpneg: -: the same file as {one}: analysed once".encode() not in \
            proc.stderr.splitlines() or proc.stdout != want.stdout:
        problems.append(f"- redirected from {one}: no note, or analysed "
                        f"twice: {proc.stderr!r}")
    link.unlink()
    return problems


def main():
    args = parse_rdpneg_args(__doc__)

    tally = Tally()
    rdpneg = str(Path(args.rdpneg).resolve())
    with tempfile.TemporaryDirectory(prefix="rdpneg-batch-") as tmp:
        root = Path(tmp) / "tree"
        build_tree(args.captures.resolve(), root)
        tally.record("directory walk: damaged, .gz, nested, skipped",
                     check_tree(rdpneg, args.captures.resolve(), root))
        tally.record("-j 1 and -j 3 give identical reports",
                     check_serial_parallel(rdpneg, root))
        tally.record("a file inflated or hashed ahead: same reports",
                     check_read_ahead(rdpneg, root, Path(__file__)
                                      .resolve().parents[1] / "regress"))
        tally.record("markdown names each file's SHA-256 and size",
                     check_sha256(rdpneg, root))
        tally.record("progress line only on a terminal, not with -q",
                     check_progress(rdpneg, root))
        tally.record("a folder without a capture: exit 2 naming it",
                     check_no_capture(rdpneg, root, Path(tmp)))
        tally.record("the same file given twice: analysed once, a note",
                     check_given_twice(rdpneg, root))
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
