#!/usr/bin/env python3
"""Check rdpneg's command-line contract: options, exit statuses, output.

Runs the binary on the bundled captures (and a few files made here) and
compares what it does with main.c's documented contract, the man page
SYNOPSIS, README.md (the JSONL key table) and captures/expected/*.truth.json.

Prints one line per check and a closing "N passed, N failed" line; exits 1
when a check failed.
"""

import argparse
import json
import re
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tally import Tally  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
MAN_PAGE = REPO / "analyzer" / "cli" / "rdpneg.1"
README = Path(__file__).resolve().parents[2] / "README.md"
TOP_CMAKELISTS = REPO / "CMakeLists.txt"

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_USAGE = 0, 1, 2, 64
TIMEOUT = 60
SUMMARY_RE = re.compile(rb"^(\d+) files?, (\d+) unreadable, (\d+) connection "
                        rb"attempts?, (\d+) failed")


class CheckFailed(Exception):
    """A check found rdpneg not doing what the contract says."""


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


class Context:
    """What every check needs: the binary, the captures and a scratch dir."""

    def __init__(self, rdpneg, captures, tmp):
        self.rdpneg = rdpneg
        self.captures = captures
        self.tmp = tmp

    def run(self, args, stdin=None):
        """Run rdpneg with args (bytes on stdin) in the scratch directory."""
        return subprocess.run([self.rdpneg, *map(str, args)], input=stdin,
                              capture_output=True, cwd=self.tmp,
                              timeout=TIMEOUT, check=False)

    def capture(self, name):
        return self.captures / name

    def truth(self, name):
        path = self.captures / "expected" / (Path(name).stem + ".truth.json")
        return json.loads(path.read_text())

    def scratch(self, name, data):
        """A file in the scratch directory holding data."""
        path = self.tmp / name
        path.write_bytes(data)
        return path


def describe(proc):
    """A short account of a run, for failure messages."""
    return (f"`{' '.join(proc.args[1:])}` exited {proc.returncode}, stderr "
            f"{proc.stderr[-300:]!r}")


def expect_status(proc, status):
    expect(proc.returncode == status,
           f"expected exit {status}: {describe(proc)}")


def records(proc):
    """The JSONL records on stdout (each line must be valid JSON)."""
    out = []
    for n, line in enumerate(proc.stdout.splitlines(), 1):
        try:
            out.append(json.loads(line))
        except ValueError as e:
            raise CheckFailed(f"stdout line {n} is not JSON ({e}): "
                              f"{line[:200]!r}") from None
    return out


def attempt_failed(attempt):
    return attempt["outcome"] != "selected" or attempt["protocol_not_requested"]


# ---- the usage line and the man page SYNOPSIS, as lists of words

USAGE_WORD_RE = re.compile(r"\[[^\]]*\]|[^\s\[\]]+")


def usage_words(stream):
    """Words of the usage block in a program's output ([...] is one word)."""
    lines = stream.decode(errors="replace").splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith("usage: ")),
                 None)
    expect(start is not None, f"no 'usage: ' line in {stream[:300]!r}")
    block = [lines[start][len("usage: "):]]
    for line in lines[start + 1:]:
        if not line[:1].isspace() or not line.strip():
            break
        block.append(line)
    return [" ".join(w.split())
            for w in USAGE_WORD_RE.findall(" ".join(block))]


def mdoc_words(args):
    """Render the arguments of an mdoc line: Fl adds a dash, Ar/Cm vanish."""
    words, dash = [], ""
    for word in args:
        if word == "Fl":
            dash = "-"
        elif word in ("Ar", "Cm"):
            continue
        else:
            words.append(dash + word)
            dash = ""
    return words


def synopsis_words():
    """Words of the man page SYNOPSIS, rendered like the usage line."""
    out, inside = [], False
    for line in MAN_PAGE.read_text().splitlines():
        if line.startswith(".Sh "):
            inside = line.split()[1] == "SYNOPSIS"
            continue
        if not inside or not line.startswith("."):
            continue
        macro, *args = line[1:].split()
        if macro == "Op":
            out.append("[" + " ".join(mdoc_words(args)) + "]")
        elif macro in ("Nm", "Ar", "Fl"):
            out += mdoc_words(([macro] if macro == "Fl" else []) + args)
    return out


def expect_usage(stream, what):
    got, want = usage_words(stream), synopsis_words()
    expect(got == want, f"usage on {what} is {got}, man page SYNOPSIS is "
           f"{want}")


# ---- a registry of checks

CHECKS = []


def check(name):
    def register(fn):
        CHECKS.append((name, fn))
        return fn
    return register


def check_each(name, cases):
    """Register fn(ctx, case) once per case, named name % case-label."""
    def register(fn):
        for label, case in cases:
            CHECKS.append((name % label,
                           lambda ctx, fn=fn, case=case: fn(ctx, case)))
        return fn
    return register


# ---- options

@check("--help exits 0 with the usage on stdout")
def _(ctx):
    proc = ctx.run(["--help"])
    expect_status(proc, EXIT_OK)
    expect_usage(proc.stdout, "stdout")


@check("--version prints the project version")
def _(ctx):
    proc = ctx.run(["--version"])
    expect_status(proc, EXIT_OK)
    version = re.search(r"project\(rdpneg VERSION ([0-9.]+)",
                        TOP_CMAKELISTS.read_text()).group(1)
    expect(proc.stdout == f"rdpneg {version}\n".encode(),
           f"--version printed {proc.stdout!r}, expected 'rdpneg {version}'")


@check("the usage line matches the man page SYNOPSIS")
def _(ctx):
    expect_usage(ctx.run([]).stderr, "stderr")


# Bad options, each followed by a valid capture so only the option is wrong.
USAGE_ERRORS = [
    ("no arguments", None),
    ("an unknown option", ["--no-such-option"]),
    ("--format bogus", ["--format", "bogus"]),
    ("--port 0", ["--port", "0"]),
    ("--port 70000", ["--port", "70000"]),
    ("--port abc", ["--port", "abc"]),
]


@check_each("%s exits 64 with the usage on stderr", USAGE_ERRORS)
def _(ctx, options):
    proc = ctx.run([] if options is None else
                   options + [ctx.capture("outcomes.pcap")])
    expect_status(proc, EXIT_USAGE)
    expect(proc.stdout == b"", f"stdout is not empty: {proc.stdout[:200]!r}")
    expect_usage(proc.stderr, "stderr")


# ---- exit statuses

def all_selected_capture(ctx):
    """A bundled capture whose attempts all selected a requested protocol."""
    for path in sorted((ctx.captures / "expected").glob("*.truth.json")):
        truth = json.loads(path.read_text())
        if (not truth["read_error"] and truth["attempts"] and
                not any(map(attempt_failed, truth["attempts"]))):
            return truth["capture"]
    raise CheckFailed("no truth file with only successful handshakes")


@check("exit 0 on a capture with only successful handshakes")
def _(ctx):
    name = all_selected_capture(ctx)
    proc = ctx.run([ctx.capture(name)])
    expect_status(proc, EXIT_OK)
    lines = [line for line in proc.stdout.splitlines()
             if not line.startswith(b"note: ")]
    expect(len(lines) == 1, f"{name}: expected only the summary line (and "
           f"notes), got {proc.stdout!r}")


@check("exit 1 on a capture with failed handshakes")
def _(ctx):
    expect_status(ctx.run([ctx.capture("outcomes.pcap")]), EXIT_FAILED)


def unreadable_file(ctx, label):
    """A path that rdpneg cannot read as a capture, by kind."""
    if label == "a missing file":
        return ctx.tmp / "missing.pcap"
    if label == "a file that is not a capture":
        return ctx.scratch("junk.pcap", b"this is not a packet capture\n" * 8)
    return ctx.scratch("empty.pcap", b"")


@check_each("exit 2 on %s, naming it on stderr",
            [(label, label) for label in ("a missing file",
                                          "a file that is not a capture",
                                          "an empty file")])
def _(ctx, label):
    path = unreadable_file(ctx, label)
    proc = ctx.run([path])
    expect_status(proc, EXIT_INPUT)
    expect(str(path).encode() in proc.stderr,
           f"stderr does not name {path}: {proc.stderr!r}")


def expect_reported(got, truth, capture_key):
    """got (JSONL records) has every attempt of truth, from capture_key."""
    mine = sorted(r["first_frame"] for r in got
                  if r["capture"] == capture_key)
    want = sorted(a["first_frame"] for a in truth["attempts"])
    expect(mine == want, f"{capture_key}: attempts at frames {mine}, "
           f"expected {want}")


@check("exit 2 on truncated.pcap, attempts before the damage reported")
def _(ctx):
    path = ctx.capture("truncated.pcap")
    proc = ctx.run(["--all", "-f", "jsonl", path])
    expect_status(proc, EXIT_INPUT)
    expect(str(path).encode() in proc.stderr,
           f"stderr does not name {path}: {proc.stderr!r}")
    expect_reported(records(proc), ctx.truth("truncated.pcap"), str(path))


@check("exit 2 when one of several files is missing, the others reported")
def _(ctx):
    good = [ctx.capture("link-raw.pcap"), ctx.capture("failure-codes.pcap")]
    missing = ctx.tmp / "missing.pcap"
    proc = ctx.run(["--all", "-f", "jsonl", good[0], missing, good[1]])
    expect_status(proc, EXIT_INPUT)
    expect(str(missing).encode() in proc.stderr,
           f"stderr does not name {missing}: {proc.stderr!r}")
    got = records(proc)
    for path in good:
        expect_reported(got, ctx.truth(path.name), str(path))


# ---- input and output

@check_each("- reads %s from standard input",
            [(n, n) for n in ("outcomes.pcap", "tokens.pcapng")])
def _(ctx, name):
    path = ctx.capture(name)
    from_file = ctx.run(["--all", "-f", "jsonl", path])
    from_stdin = ctx.run(["--all", "-f", "jsonl", "-"],
                         stdin=path.read_bytes())
    expect_status(from_stdin, from_file.returncode)
    want = [dict(r, capture="-") for r in records(from_file)]
    got = records(from_stdin)
    expect(want and got == want,
           f"standard input gave {len(got)} records, the file "
           f"{len(want)}, or they differ")


@check("-o FILE writes the report to FILE and nothing to stdout")
def _(ctx):
    path = ctx.capture("outcomes.pcap")
    out = ctx.tmp / "report.txt"
    proc = ctx.run(["-o", out, path])
    expect_status(proc, EXIT_FAILED)
    expect(proc.stdout == b"", f"stdout is not empty: {proc.stdout[:200]!r}")
    expect(out.exists(), f"{out} was not written")
    plain = ctx.run([path]).stdout
    expect(out.read_bytes() == plain,
           f"{out} differs from the report on stdout")


@check("-o to an unwritable path exits 2")
def _(ctx):
    out = "/nonexistent/dir/x"
    proc = ctx.run(["-o", out, ctx.capture("outcomes.pcap")])
    expect_status(proc, EXIT_INPUT)
    expect(out.encode() in proc.stderr, f"stderr does not name {out}: "
           f"{proc.stderr!r}")


def text_blocks(proc, path):
    """First frames of the text report's attempts, and its summary line."""
    lines = proc.stdout.splitlines()
    expect(lines, "empty text report")
    prefix = f"{path}:".encode()
    frames = sorted(int(l[len(prefix):].split()[0]) for l in lines
                    if l.startswith(prefix))
    summary = SUMMARY_RE.match(lines[-1])
    expect(summary is not None, f"last line is not a summary: {lines[-1]!r}")
    return frames, [int(n) for n in summary.groups()]


@check_each("text report %s",
            [("lists only failed attempts by default", False),
             ("lists every attempt with --all", True)])
def _(ctx, all_attempts):
    path = ctx.capture("outcomes.pcap")
    attempts = ctx.truth("outcomes.pcap")["attempts"]
    proc = ctx.run((["--all"] if all_attempts else []) + [path])
    expect_status(proc, EXIT_FAILED)
    frames, summary = text_blocks(proc, path)
    failed = [a for a in attempts if attempt_failed(a)]
    want = sorted(a["first_frame"]
                  for a in (attempts if all_attempts else failed))
    expect(frames == want, f"attempts at frames {frames}, expected {want}")
    expect(summary == [1, 0, len(attempts), len(failed)],
           f"summary counts {summary}, expected "
           f"{[1, 0, len(attempts), len(failed)]}")


def spec_keys():
    """The JSONL keys documented in README.md's table, in order."""
    text = README.read_text().split("### JSONL report", 1)[1]
    keys = []
    for line in text.splitlines():
        if line.startswith("| `"):
            keys += re.findall(r"`([a-z_]+)`", line.split("|")[1])
        elif keys and not line.strip():
            break
    return keys


@check("--format jsonl: every line is JSON with the spec's keys in order")
def _(ctx):
    keys = spec_keys()
    names = sorted(p.name for p in ctx.captures.iterdir()
                   if p.suffix in (".pcap", ".pcapng"))
    proc = ctx.run(["--all", "-f", "jsonl",
                    *(ctx.capture(n) for n in names)])
    got = records(proc)
    expect(got, "no JSONL records")
    for r in got:
        expect(list(r) == keys, f"keys {list(r)}, expected {keys}")


# ---- hostile bytes in a cookie

# The raw cookie of tokens.pcapng with `"`, `\`, ESC, TAB and bad UTF-8.
ODD_COOKIE_RE = re.compile(rb'Cookie: mstshash=a"[^\r]*')


@check("text report of tokens.pcapng holds no control or 8-bit bytes")
def _(ctx):
    proc = ctx.run(["--all", ctx.capture("tokens.pcapng")])
    expect_status(proc, EXIT_OK)
    bad = sorted({b for b in proc.stdout if (b < 0x20 and b != 0x0a)
                  or b >= 0x7f})
    expect(not bad, f"bytes {[hex(b) for b in bad]} in the text report")


@check("JSONL of tokens.pcapng is ASCII and decodes the odd cookie")
def _(ctx):
    path = ctx.capture("tokens.pcapng")
    raw = ODD_COOKIE_RE.search(path.read_bytes())
    expect(raw is not None, "the odd cookie is not in tokens.pcapng")
    raw = raw.group(0)
    proc = ctx.run(["--all", "-f", "jsonl", path])
    expect(all(b < 0x80 for b in proc.stdout), "JSONL is not ASCII-only")
    cookies = [r["cookie"] for r in records(proc)]
    want = raw.decode("utf-8", errors="replace")
    expect(want in cookies, f"cookie {want!r} not among {cookies}")


# ---- finding RDP on other ports

@check("port-13389.pcap is found by content, without --port")
def _(ctx):
    path = ctx.capture("port-13389.pcap")
    got = records(ctx.run(["--all", "-f", "jsonl", path]))
    expect_reported(got, ctx.truth("port-13389.pcap"), str(path))
    expect(all(r["server"].endswith(":13389") for r in got),
           f"servers {[r['server'] for r in got]}")


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def cc_only_pcap(sport, dport, selected):
    """A pcap of one server segment: TPKT + X.224 CC + RDP_NEG_RSP, no SYN."""
    rsp = struct.pack("<BBHI", 0x02, 0x1f, 8, selected)       # RDP_NEG_RSP
    x224 = struct.pack("!BBHHB", 6 + len(rsp), 0xd0, 0, 0x1234, 0) + rsp
    payload = struct.pack("!BBH", 3, 0, 4 + len(x224)) + x224
    src, dst = bytes([203, 0, 113, 5]), bytes([192, 0, 2, 10])
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1000, 2000, 5 << 4,
                      0x18, 65535, 0, 0)                      # PSH|ACK
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp) + len(payload))
    tcp = (tcp[:16] + struct.pack("!H", checksum(pseudo + tcp + payload)) +
           tcp[18:])
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload),
                     1, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    frame = (bytes.fromhex("020000000001020000000002") + b"\x08\x00" + ip +
             tcp + payload)
    header = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
    record = struct.pack("<IIII", 1714557600, 0, len(frame), len(frame))
    return header + record + frame


@check_each("a CC-only capture on port 9506 is %s",
            [("not reported without --port", False),
             ("reported with --port 9506", True)])
def _(ctx, with_port):
    path = ctx.scratch("cc-only.pcap", cc_only_pcap(9506, 50123, 2))
    proc = ctx.run(["--all", "-f", "jsonl"] +
                   (["--port", "9506"] if with_port else []) + [path])
    got = records(proc)
    if not with_port:
        expect_status(proc, EXIT_OK)
        expect(got == [], f"{len(got)} attempts reported, expected 0")
        return
    expect_status(proc, EXIT_FAILED)
    expect(len(got) == 1, f"{len(got)} attempts reported, expected 1")
    want = {"client": "192.0.2.10:50123", "server": "203.0.113.5:9506",
            "outcome": "no_request", "response_frame": 1,
            "selected_protocol": 2, "selected": "HYBRID"}
    have = {k: got[0][k] for k in want}
    expect(have == want, f"record has {have}, expected {want}")


# ---- the connection table limit

@check("--max-connections 1 warns, naming the file, of connections not "
       "tracked")
def _(ctx):
    path = ctx.capture("outcomes.pcap")
    proc = ctx.run(["--max-connections", "1", path])
    expect(str(path).encode() in proc.stderr and
           b"not tracked" in proc.stderr,
           f"no warning naming {path} and 'not tracked': {proc.stderr!r}")


@check("--max-connections 1 counts the connections it did not report")
def _(ctx):
    path = ctx.capture("outcomes.pcap")
    proc = ctx.run(["--all", "-f", "jsonl", "--max-connections", "1", path])
    reported = len(records(proc))
    missing = len(ctx.truth("outcomes.pcap")["attempts"]) - reported
    counted = re.search(rb": (\d+) connections? not tracked", proc.stderr)
    expect(counted is not None, f"no count in {proc.stderr!r}")
    expect(int(counted.group(1)) == missing,
           f"warning says {int(counted.group(1))} connections not tracked; "
           f"{reported} of {reported + missing} were reported, so "
           f"{missing} were not")


@check("--idle-timeout ends a connection idle that long in capture time")
def _(ctx):
    # outcomes.pcap: the unanswered SYNs (last one at 10:00:12) are followed
    # by 3 s of other traffic; by default that connection is only ended by
    # the end of the capture, with --idle-timeout 2 before the next one.
    def order(*options):
        proc = ctx.run(["--all", "-f", "jsonl", *options,
                        ctx.capture("outcomes.pcap")])
        return [a["outcome"] for a in records(proc)]

    default, idle = order(), order("--idle-timeout", "2")
    expect(sorted(default) == sorted(idle),
           f"the same attempts either way: {default} vs {idle}")
    expect(default.index("unanswered") > default.index("no_request"),
           f"by default unanswered comes at the end: {default}")
    expect(idle.index("unanswered") < idle.index("no_request"),
           f"with --idle-timeout 2 it comes before no_request: {idle}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rdpneg", required=True)
    parser.add_argument("captures", type=Path)
    args = parser.parse_args()

    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="rdpneg-cli-") as tmp:
        for name, fn in CHECKS:
            scratch = Path(tmp) / str(tally.passed + tally.failed)
            scratch.mkdir()
            ctx = Context(str(Path(args.rdpneg).resolve()),
                          args.captures.resolve(), scratch)
            try:
                fn(ctx)
            except (CheckFailed, subprocess.TimeoutExpired, OSError) as e:
                tally.record(name, [str(e)])
            else:
                tally.record(name)
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
