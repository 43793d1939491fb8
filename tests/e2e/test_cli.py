#!/usr/bin/env python3
"""Check rdpneg's command-line contract: options, exit statuses, output.

Runs the binary on the bundled captures (and a few files made here) and
compares what it does with main.c's documented contract, the man page
(SYNOPSIS, options, DIAGNOSES, CSV columns), README.md (the JSONL key
table), analyzer/rdpneg/kb_rules.c (the diagnosis ids) and
captures/expected/*.truth.json, read with the man page's rules: an attempt
is a problem (shown by default) unless it is negotiated or a scanner's
probe, and attempts form chains as CHAINS says.

Prints one line per check and a closing "N passed, N failed" line; exits 1
when a check failed.
"""

import calendar
import codecs
import csv
import gzip
import io
import ipaddress
import json
import os
import re
import shlex
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tally import Tally, parse_rdpneg_args, project_version  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
MAN_PAGE = REPO / "analyzer" / "cli" / "rdpneg.1"
README = REPO / "README.md"
KB_RULES = REPO / "analyzer" / "rdpneg" / "kb_rules.c"

EXIT_OK, EXIT_BLOCKED, EXIT_INPUT, EXIT_INSECURE, EXIT_USAGE = 0, 1, 2, 3, 64
TIMEOUT = 60
FORMATS = ("text", "jsonl", "csv", "markdown", "html")
SUMMARY_RE = re.compile(rb"^(\d+) files?, (\d+) unreadable, (\d+) connection "
                        rb"attempts?((?:[:,] \d+ [a-z]+)*)(?: \(\d+ from "
                        rb"scanners\))?$")
CLASS_COUNT_RE = re.compile(rb"(\d+) ([a-z]+)")
# The first line of an attempt's block in the text report.
BLOCK_RE = re.compile(rb"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z)  (\S+) -> "
                      rb"(\S+)  (.*)$")
FIRST_FRAME_RE = re.compile(rb"^  frames .*\(first (\d+)\)$")
DEFAULT_CHAIN_WINDOW = 60
MD_CAPTURES = 50            # captures listed in the Markdown report
# The nested JSONL objects, keys in order (man page, OUTPUT FORMATS).
EXTRA_KEYS = ["scanner", "class", "chain", "tls", "client_data",
              "rdp_security", "diagnosis"]
CLASSES = ("blocked", "insecure", "ok", "noise")
CHAIN_KEYS = ["id", "position", "length", "final_frame", "final_outcome",
              "final_diagnosis", "fell_back_to_standard_rdp"]
DIAGNOSIS_KEYS = ["id", "summary", "confidence", "confidence_why",
                  "explanation", "server_settings", "remediation",
                  "references"]
SERVER_KEYS = ["server", "attempts", "classes", "outcomes", "failures",
               "diagnoses", "certificate_problems", "clients",
               "clients_estimated", "first_seen", "last_seen"]
TLS_KEYS = ["client_hello_frame", "offered_versions", "offered_suites",
            "offered_suites_count", "sni", "server_hello_frame", "version",
            "cipher_suite", "hello_retry_request", "alerts",
            "handshake_complete", "records", "records_total", "certificate",
            "credssp"]
ALERT_KEYS = ["from", "level", "description", "code", "frame"]
RECORD_KEYS = ["from", "length", "frame", "handshake"]
CERT_KEYS = ["subject", "issuer", "names", "serial", "not_before",
             "not_after", "key_type", "key_bits", "signature", "sha256",
             "chain_length", "problems"]
CREDSSP_KEYS = ["stage", "inferred", "messages", "plaintext",
                "last_plaintext_min", "last_plaintext_max", "frame",
                "ntstatus", "ntstatus_why"]
CERT_PROBLEMS = ["self-signed", "expired", "not-yet-valid", "name-mismatch",
                 "weak-key", "weak-signature", "unparsable"]
TLS_RECORDS_MAX = 24
OUTCOMES = ["selected", "failure", "legacy", "no_response", "refused",
            "unanswered", "no_request"]
SCANNER_COOKIES = ("Cookie: mstshash=nmap",)
PROBE_ONLY_REQUESTS = (0x04, 0x08)              # RDSTLS, HYBRID_EX alone


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


# ---- the truth files read with the man page's rules (CHAINS, DIAGNOSES)

def ts_ns(ts):
    """'2024-05-01T10:00:00.123456789Z' as nanoseconds since the epoch."""
    whole = calendar.timegm(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S"))
    return whole * 10**9 + int(ts[20:29])


def address(endpoint):
    """'192.0.2.1:50123' -> '192.0.2.1', '[2001:db8::1]:3389' -> '[...]'."""
    return endpoint.rsplit(":", 1)[0]


def succeeded(a):
    """The server selected a protocol the client requested."""
    return a["outcome"] == "selected" and not a["protocol_not_requested"]


def is_scanner(a):
    return (a["cookie"] in SCANNER_COOKIES or
            a["requested_protocols"] in PROBE_ONLY_REQUESTS)


def truth_chains(attempts, window=DEFAULT_CHAIN_WINDOW):
    """The chain of each attempt, by first frame, as CHAINS defines them:
    consecutive attempts of one client address to one server address and
    port, each starting within window seconds of the previous one, unless
    that one succeeded; numbered by their first attempt's frame."""
    pairs = {}
    for a in attempts:
        pairs.setdefault((address(a["client"]), a["server"]), []).append(a)
    chains = []
    for group in pairs.values():
        group.sort(key=lambda a: (ts_ns(a["ts"]), a["first_frame"]))
        chain = None
        for a in group:
            if (chain is None or succeeded(chain[-1]) or
                    ts_ns(a["ts"]) - ts_ns(chain[-1]["ts"]) >
                    window * 10**9):
                chain = [a]
                chains.append(chain)
            else:
                chain.append(a)
    chains.sort(key=lambda c: min(a["first_frame"] for a in c))
    out = {}
    for n, chain in enumerate(chains, 1):
        final = chain[-1]
        fell_back = len(chain) > 1 and (
            final["outcome"] == "legacy" or
            (final["outcome"] == "selected" and
             final["selected_protocol"] == 0)) and any(
            a["requested_protocols"] not in (None, 0) and
            a["outcome"] != "selected" for a in chain[:-1])
        for pos, a in enumerate(chain, 1):
            out[a["first_frame"]] = {
                "id": n, "position": pos, "length": len(chain),
                "final_frame": final["first_frame"],
                "final_outcome": final["outcome"],
                "fell_back_to_standard_rdp": fell_back}
    return out


def gap_to_previous(truth, record):
    """How long after the pair's previous attempt this one started."""
    starts = sorted(ts_ns(a["ts"]) for a in truth["attempts"]
                    if address(a["client"]) == address(record["client"]) and
                    a["server"] == record["server"] and
                    ts_ns(a["ts"]) < ts_ns(record["ts"]))
    if not starts:
        return "first of its client and server"
    return f"{(ts_ns(record['ts']) - starts[-1]) / 1e9:.6f} s after the " \
           "previous attempt"


def truth_problems(attempts):
    """First frames of the attempts the reports show by default: the
    findings, blocked or insecure by the generator's class."""
    return {a["first_frame"] for a in attempts
            if a["class"] in ("blocked", "insecure")}


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
        elif macro in ("Nm", "Ar", "Fl", "Cm"):
            out += mdoc_words(([macro] if macro == "Fl" else []) + args)
    return out


def expect_usage(stream, what):
    got, want = usage_words(stream), synopsis_words()
    expect(got == want, f"usage on {what} is {got}, man page SYNOPSIS is "
           f"{want}")


# ---- other parts of the man page, for the checks that keep it in step

def man_section(name, sub=None):
    """The lines of the man page's .Sh name (and within it .Ss sub)."""
    out, inside, inside_sub = [], False, sub is None
    for line in MAN_PAGE.read_text().splitlines():
        if line.startswith(".Sh "):
            inside = line[4:].strip() == name
            continue
        if inside and sub is not None and line.startswith(".Ss "):
            inside_sub = line[4:].strip() == sub
            continue
        if inside and inside_sub:
            out.append(line)
    return out


def man_list_items(lines):
    """The words after '.It Cm' in the first list of lines (not nested)."""
    items, depth = [], 0
    for line in lines:
        if line.startswith(".Bl "):
            depth += 1
        elif line.startswith(".El"):
            depth -= 1
            if depth == 0:
                break
        elif depth == 1 and line.startswith(".It Cm "):
            items += [w for w in line.split()[2:] if w != ","]
    return items


def kb_rule_ids():
    """The diagnosis ids of kb_rules.c's rule table, in table order."""
    text = KB_RULES.read_text().split("rdpneg_rules[] = {", 1)[1]
    return re.findall(r'\.id\s*=\s*"([^"]+)"', text)


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
    version = project_version()
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
    ("--jobs 0", ["--jobs", "0"]),
    ("-j 257", ["-j", "257"]),
    ("--chain-window abc", ["--chain-window", "abc"]),
    ("--idle-timeout 0", ["--idle-timeout", "0"]),
    ("--max-connections 0", ["--max-connections", "0"]),
]


@check_each("%s exits 64 with the usage on stderr", USAGE_ERRORS)
def _(ctx, options):
    proc = ctx.run([] if options is None else
                   options + [ctx.capture("outcomes.pcap")])
    expect_status(proc, EXIT_USAGE)
    expect(proc.stdout == b"", f"stdout is not empty: {proc.stdout[:200]!r}")
    expect_usage(proc.stderr, "stderr")


# Each way a value can be wrong, worded: rdpneg: OPTION: VALUE: what is wrong.
OPTION_MESSAGES = [
    (["--chain-window", "1.5"], "--chain-window: 1.5: not a whole number of "
     "seconds (0 to 86400)"),
    (["--chain-window", "abc"], "--chain-window: abc: not a whole number of "
     "seconds (0 to 86400)"),
    (["--chain-window", "-5"], "--chain-window: -5: negative: expected a "
     "whole number of seconds (0 to 86400)"),
    (["--chain-window", ""], "--chain-window: empty value: expected a whole "
     "number of seconds (0 to 86400)"),
    (["--chain-window", "90000"], "--chain-window: 90000: too large: "
     "expected a whole number of seconds (0 to 86400)"),
    (["--idle-timeout", "99999999999999999999999"], "--idle-timeout: "
     "99999999999999999999999: too large: expected a whole number of "
     "seconds (1 to 31536000)"),
    (["--idle-timeout", "10s"], "--idle-timeout: 10s: characters after the "
     "number: expected a whole number of seconds (1 to 31536000)"),
    (["--port", "0"], "--port: 0: too small: expected a port number (1 to "
     "65535)"),
    (["--port", " 80"], "--port:  80: not a port number (1 to 65535)"),
    (["-j", "+2"], "--jobs: +2: not a number of jobs (1 to 256)"),
    (["--max-connections", "1k"], "--max-connections: 1k: characters after "
     "the number: expected a number of connections (1 to 16777216)"),
    (["--format", "xml"], "--format: xml: not a format (text, jsonl, csv, "
     "markdown or html)"),
]


@check_each("%s: says what is wrong",
            [(" ".join(repr(a) if not a or " " in a else a for a in args),
              (args, want)) for args, want in OPTION_MESSAGES])
def _(ctx, case):
    args, want = case
    proc = ctx.run(args + [ctx.capture("outcomes.pcap")])
    expect_status(proc, EXIT_USAGE)
    first = proc.stderr.split(b"\n")[0].decode()
    expect(first == f"rdpneg: {want}", f"stderr begins {first!r}, expected "
           f"'rdpneg: {want}'")


@check("the man page documents every option of --help")
def _(ctx):
    help_text = ctx.run(["--help"]).stdout.decode()
    man = MAN_PAGE.read_text()
    longs = re.findall(r"--([a-z][a-z0-9-]+)", help_text)
    shorts = re.findall(r"^\s+-([a-zA-Z]),", help_text, re.M)
    expect(len(longs) >= 12 and len(shorts) >= 8,
           f"--help lists too few options: {longs} {shorts}")
    missing = [f"--{o}" for o in longs
               if not re.search(rf"Fl -{o}(\s|$|Ns)", man)]
    missing += [f"-{o}" for o in shorts
                if not re.search(rf"^\.It Fl {o}(\s|$)", man, re.M)]
    expect(not missing, f"not described in the man page: {missing}")


@check("the man page lists every diagnosis of kb_rules.c, in table order")
def _(ctx):
    want, got = kb_rule_ids(), man_list_items(man_section("DIAGNOSES"))
    expect(len(want) > 20, f"only {len(want)} rule ids found in {KB_RULES}")
    expect(got == want, f"man page DIAGNOSES lists {got}, kb_rules.c has "
           f"{want}")


@check("README's diagnoses table lists every rule of kb_rules.c, in order")
def _(ctx):
    text = README.read_text().split("### Diagnoses", 1)[1]
    table = text.split("\n\n**", 1)[0]
    got = re.findall(r"^\| `([a-z0-9-]+)` \|", table, re.M)
    expect(got == kb_rule_ids(), f"README lists {got}, kb_rules.c has "
           f"{kb_rule_ids()}")
    # The class column says what the rule's .class and .class_if_silent do.
    rules = KB_RULES.read_text().split("rdpneg_rules[] = {", 1)[1]
    for rule, cls, silent in re.findall(
            r'\.id = "([a-z0-9-]+)",.*?\.class = RDPNEG_CLASS_([A-Z]+),\n'
            r'(?:\s*\.class_if_silent = RDPNEG_CLASS_([A-Z]+),)?',
            rules, re.S):
        want = cls.lower() + (f"; {silent.lower()} if the client went no "
                              "further" if silent else "")
        row = re.search(rf"^\| `{re.escape(rule)}` \| ([^|]*) \|", table,
                        re.M)
        expect(row is not None and row.group(1) == want,
               f"README gives {rule} the class "
               f"{row.group(1) if row else None!r}, kb_rules.c {want!r}")


# ---- exit statuses

def capture_of_class(ctx, want):
    """A bundled capture (generated, or recorded from a real peer) whose
    attempts have the classes want ({"ok"}, {"insecure"}...), by its truth
    file or, for the peers, by the JSONL; and those records."""
    for path in sorted((ctx.captures / "expected").glob("*.truth.json")):
        truth = json.loads(path.read_text())
        if (not truth["read_error"] and truth["attempts"] and
                {a["class"] for a in truth["attempts"]} == want):
            return ctx.capture(truth["capture"])
    for path in sorted((ctx.captures / "peers").glob("*.pcap")):
        got = records(ctx.run(["--all", "-f", "jsonl", path]))
        if got and {r["class"] for r in got} == want:
            return path
    raise CheckFailed(f"no bundled capture with only {sorted(want)}")


def text_report(proc):
    """The text report as (attempt blocks, summary lines, totals, notes).

    Each block is its list of lines, the first being 'TIME  CLIENT ->
    SERVER  PATH'; a blank line ends it.  Then come 'Summary by server'
    and its lines, the totals line and 'note:' lines."""
    lines = proc.stdout.splitlines()
    expect(lines, "empty text report")
    totals = [n for n, l in enumerate(lines) if SUMMARY_RE.match(l)]
    expect(len(totals) == 1, f"{len(totals)} totals lines in the report")
    end = totals[0]
    notes = [l for l in lines[end + 1:] if not l.startswith(b"outcomes: ")]
    # The overview comes first, up to its blank line.
    if lines and lines[0].startswith(b"Overview: "):
        expect(b"" in lines, "the overview is not followed by a blank line")
        start = lines.index(b"") + 1
        lines, end = lines[start:], end - start
    expect(all(l.startswith(b"note: ") for l in notes),
           f"lines after the totals that are not notes: {notes}")
    body, servers = lines[:end], []
    if b"Summary by server" in body:
        at = body.index(b"Summary by server")
        body, servers = body[:at], body[at + 1:]
    blocks, block = [], None
    for line in body:
        if BLOCK_RE.match(line):
            expect(block is None, f"no blank line before {line!r}")
            block = [line]
        elif not line:
            expect(block is not None, "a blank line outside a block")
            blocks.append(block)
            block = None
        else:
            expect(block is not None and line.startswith(b"  "),
                   f"a line outside an attempt block: {line!r}")
            block.append(line)
    expect(block is None, "the last block is not followed by a blank line")
    m = SUMMARY_RE.match(lines[end])
    classes = {k.decode(): int(n) for n, k in
               CLASS_COUNT_RE.findall(m.group(4))}
    expect(set(classes) <= set(CLASSES) and
           sum(classes.values()) == int(m.group(3)),
           f"the class counts {classes} do not add up to the attempts")
    summary = [int(m.group(1)), int(m.group(2)), int(m.group(3)),
               classes.get("blocked", 0) + classes.get("insecure", 0)]
    return blocks, servers, summary, notes


def block_frames(blocks, path):
    """First frames of the blocks of capture path, in report order."""
    frames = []
    for block in blocks:
        if BLOCK_RE.match(block[0]).group(4) != str(path).encode():
            continue
        found = [FIRST_FRAME_RE.match(l) for l in block]
        found = [m for m in found if m]
        expect(len(found) == 1, f"block without one frames line: {block}")
        frames.append(int(found[0].group(1)))
    return frames


@check("exit 0 on a capture whose attempts are all ok, none shown")
def _(ctx):
    path = capture_of_class(ctx, {"ok"})
    proc = ctx.run([path])
    expect_status(proc, EXIT_OK)
    blocks, servers, summary, _ = text_report(proc)
    attempts = len(records(ctx.run(["--all", "-f", "jsonl", path])))
    expect(not blocks, f"{path}: attempts shown: {blocks}")
    expect(servers, f"{path}: no summary by server")
    expect(summary == [1, 0, attempts, 0],
           f"{path}: totals {summary}, expected {[1, 0, attempts, 0]}")
    expect(b"nothing blocked or insecure" in proc.stdout,
           "the overview does not say nothing was blocked or insecure")


@check("exit 3 on a capture whose findings are all insecure, shown")
def _(ctx):
    path = capture_of_class(ctx, {"insecure"})
    proc = ctx.run([path])
    expect_status(proc, EXIT_INSECURE)
    blocks, _, summary, _ = text_report(proc)
    expect(blocks and summary[3] == len(blocks), f"{path}: {len(blocks)} "
           f"attempts shown, totals {summary}")


@check("exit 1 on a capture with failed handshakes")
def _(ctx):
    expect_status(ctx.run([ctx.capture("outcomes.pcap")]), EXIT_BLOCKED)


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


def pcap_file(linktype=1, records=b"", snaplen=65535):
    """A little-endian pcap file: its header, then records as given."""
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen,
                       linktype) + records


def pcapng_block(kind, body):
    total = 12 + len(body)
    return struct.pack("<II", kind, total) + body + struct.pack("<I", total)


def pcapng_two_links():
    """A pcapng file with an Ethernet and a raw-IP interface."""
    shb = pcapng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0,
                                               -1))
    return shb + b"".join(pcapng_block(1, struct.pack("<HHI", link, 0, 65535))
                          for link in (1, 101))


def read_error_case(ctx, label):
    """(argv, stdin, the reason expected after `rdpneg: PATH: `)."""
    truncated = ctx.capture("truncated.pcap")
    cut = truncated.read_bytes()
    whole = gzip.compress(ctx.capture("outcomes.pcap").read_bytes())
    libpcap_cut = (r"truncated dump file; tried to read 94 captured bytes, "
                   r"only got 47")
    if label == "text on standard input":
        return ["-"], b"hi\n", (r"not a capture \(pcap or pcapng\): "
                                r"truncated dump file; .*only got 3")
    if label == "a text file":
        return [ctx.scratch("notes.pcap", b"not a capture\n" * 4)], None, \
            r"not a capture \(pcap or pcapng\): unknown file format"
    if label == "a file cut inside a record":
        return [truncated], None, f"truncated at byte {len(cut)}: {libpcap_cut}"
    if label == "a file cut inside a record, on standard input":
        return ["-"], cut, f"truncated at byte {len(cut)}: {libpcap_cut}"
    if label == "a file cut inside a record, gzip-compressed":
        return [ctx.scratch("cut.pcap.gz", gzip.compress(cut))], None, \
            f"the capture ends inside a packet record: {libpcap_cut}"
    if label == "a file cut inside its header":
        return [ctx.scratch("head.pcap", pcap_file()[:20])], None, \
            r"truncated at byte 20: truncated dump file; .*only got 16"
    if label == "a cut gzip file":
        return [ctx.scratch("cut.gz", whole[:len(whole) // 2])], None, \
            (r"truncated gzip data \(the file ends inside a member\): "
             r"error reading dump file: .+")
    if label == "a record longer than the maximum":
        return [ctx.scratch("long.pcap", pcap_file(
            records=struct.pack("<IIII", 0, 0, 1 << 20, 1 << 20)))], None, \
            r"damaged before byte 40: invalid packet capture length 1048576,"
    if label == "link type 802.11":
        return [ctx.scratch("wifi.pcap", pcap_file(linktype=105))], None, \
            r"unsupported link type IEEE802_11 \(105\)$"
    return [ctx.scratch("two.pcapng", pcapng_two_links())], None, \
        (r"unsupported link type \(interfaces of different types in one "
         r"file\): an interface has a type 101 different")


@check_each("%s: the reason in plain words, libpcap's after a colon",
            [(label, label) for label in (
                "text on standard input", "a text file",
                "a file cut inside a record",
                "a file cut inside a record, on standard input",
                "a file cut inside a record, gzip-compressed",
                "a file cut inside its header", "a cut gzip file",
                "a record longer than the maximum", "link type 802.11",
                "a pcapng file with two link types")])
def _(ctx, label):
    argv, stdin, want = read_error_case(ctx, label)
    proc = ctx.run(argv, stdin=stdin)
    expect_status(proc, EXIT_INPUT)
    prefix = f"rdpneg: {argv[0]}: "
    lines = [ln for ln in proc.stderr.decode().splitlines()
             if ln.startswith(prefix)]
    expect(len(lines) == 1 and re.match(want, lines[0][len(prefix):]),
           f"expected {prefix}{want}: {proc.stderr!r}")


# ---- input and output

@check_each("- reads %s from standard input",
            [(n, (n, z)) for n, z in (("outcomes.pcap", False),
                                      ("tokens.pcapng", False),
                                      ("outcomes.pcap compressed", True))])
def _(ctx, case):
    name, compressed = case
    path = ctx.capture(name.split()[0])
    data = path.read_bytes()
    from_file = ctx.run(["--all", "-f", "jsonl", path])
    from_stdin = ctx.run(["--all", "-f", "jsonl", "-"],
                         stdin=gzip.compress(data) if compressed else data)
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
    expect_status(proc, EXIT_BLOCKED)
    expect(proc.stdout == b"", f"stdout is not empty: {proc.stdout[:200]!r}")
    expect(out.exists(), f"{out} was not written")
    plain = ctx.run([path]).stdout
    expect(out.read_bytes() == plain,
           f"{out} differs from the report on stdout")


@check("-o FILE.gz writes the report gzip-compressed, in every format")
def _(ctx):
    path = ctx.capture("outcomes.pcap")
    for fmt in ("text", "jsonl", "csv", "markdown", "html"):
        out = ctx.tmp / ("report-%s.gz" % fmt)
        proc = ctx.run(["-f", fmt, "-o", out, path])
        expect_status(proc, EXIT_BLOCKED)
        plain = ctx.run(["-f", fmt, path]).stdout
        with gzip.open(out, "rb") as f:
            expect(f.read() == plain,
                   f"{out} is not the {fmt} report, gzip-compressed")


@check("-o to an unwritable path exits 2")
def _(ctx):
    out = "/nonexistent/dir/x"
    proc = ctx.run(["-o", out, ctx.capture("outcomes.pcap")])
    expect_status(proc, EXIT_INPUT)
    expect(out.encode() in proc.stderr, f"stderr does not name {out}: "
           f"{proc.stderr!r}")


def jsonl_problems(ctx, name, *options):
    """First frames whose JSONL diagnosis is a problem, and all of them."""
    got = records(ctx.run(["--all", "-f", "jsonl", *options,
                           ctx.capture(name)]))
    return ({r["first_frame"] for r in got
             if r["class"] in ("blocked", "insecure")},
            [r["first_frame"] for r in got])


@check_each("text report %s",
            [("lists only the problems by default", False),
             ("lists every attempt with --all", True)])
def _(ctx, all_attempts):
    path = ctx.capture("outcomes.pcap")
    attempts = ctx.truth("outcomes.pcap")["attempts"]
    proc = ctx.run((["--all"] if all_attempts else []) + [path])
    expect_status(proc, EXIT_BLOCKED)
    blocks, _, summary, _ = text_report(proc)
    frames = block_frames(blocks, path)
    expect(len(frames) == len(blocks),
           f"{len(blocks) - len(frames)} blocks name another capture")
    problems = truth_problems(attempts)
    # outcomes.pcap: every attempt is a problem but the negotiated ones.
    negotiated = {a["first_frame"] for a in attempts
                  if a["first_frame"] not in problems}
    flagged, _ = jsonl_problems(ctx, "outcomes.pcap")
    expect(flagged == problems, f"JSONL class blocked or insecure at frames "
           f"{sorted(flagged)}, the truth file's problems are "
           f"{sorted(problems)} (negotiated: {sorted(negotiated)})")
    want = sorted(a["first_frame"] for a in attempts
                  if all_attempts or a["first_frame"] in problems)
    expect(frames == want, f"attempts at frames {frames}, expected {want} "
           "(sorted by first frame)")
    expect(summary == [1, 0, len(attempts), len(problems)],
           f"summary counts {summary}, expected "
           f"{[1, 0, len(attempts), len(problems)]}")


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


def capture_names(ctx):
    return sorted(p.name for p in ctx.captures.iterdir()
                  if p.suffix in (".pcap", ".pcapng"))


def expect_types(obj, types, what):
    bad = {k: obj[k] for k, t in types.items() if not isinstance(obj[k], t)}
    expect(not bad, f"{what}: values of the wrong type: {bad}")


@check("--format jsonl: every line is JSON with the spec's keys in order, "
       "then scanner, class, chain, tls, client_data, rdp_security and "
       "diagnosis")
def _(ctx):
    keys = spec_keys()
    expect(len(keys) >= 20, f"README's key table gives only {keys}")
    want = keys + [k for k in EXTRA_KEYS if k not in keys]
    proc = ctx.run(["--all", "-f", "jsonl",
                    *(ctx.capture(n) for n in capture_names(ctx))])
    got = records(proc)
    expect(got, "no JSONL records")
    for r in got:
        where = f"{r.get('capture')} frame {r.get('first_frame')}"
        expect(list(r) == want, f"{where}: keys {list(r)}, expected {want}")
        expect(isinstance(r["scanner"], bool), f"{where}: scanner "
               f"{r['scanner']!r}")
        expect(r["class"] in CLASSES, f"{where}: class {r['class']!r}")
        # A scanner's probe is noise; a failure code never connected.
        expect(not r["scanner"] or r["class"] == "noise",
               f"{where}: a scanner's probe of class {r['class']}")
        expect(r["failure_code"] is None or r["scanner"] or
               r["class"] == "blocked",
               f"{where}: RDP_NEG_FAILURE of class {r['class']}")
        chain, diag = r["chain"], r["diagnosis"]
        expect(isinstance(chain, dict) and list(chain) == CHAIN_KEYS,
               f"{where}: chain {chain!r}, keys expected {CHAIN_KEYS}")
        expect(isinstance(diag, dict) and list(diag) == DIAGNOSIS_KEYS,
               f"{where}: diagnosis {diag!r}, keys expected "
               f"{DIAGNOSIS_KEYS}")
        expect_types(chain, {"id": int, "position": int, "length": int,
                             "final_frame": int, "final_outcome": str,
                             "final_diagnosis": str,
                             "fell_back_to_standard_rdp": bool}, where)
        expect(1 <= chain["position"] <= chain["length"] and
               chain["id"] >= 1 and chain["final_outcome"] in OUTCOMES,
               f"{where}: chain {chain}")
        expect_types(diag, {"id": str, "summary": str,
                            "confidence": str, "confidence_why": str,
                            "explanation": str, "server_settings": str,
                            "remediation": list, "references": list}, where)
        expect(diag["confidence"] in ("high", "medium", "low"),
               f"{where}: confidence {diag['confidence']!r}")
        expect(diag["remediation"] and all(
            isinstance(t, str) and t for t in
            diag["remediation"] + diag["references"]),
            f"{where}: remediation {diag['remediation']!r}, references "
            f"{diag['references']!r}")
        expect(diag["id"] in kb_rule_ids(), f"{where}: diagnosis "
               f"{diag['id']!r} is not a rule of kb_rules.c")
        expect(r["scanner"] == (diag["id"] == "scanner-probe"),
               f"{where}: scanner {r['scanner']}, diagnosis {diag['id']}")


@check_each("JSONL chains follow the CHAINS rule on the truth files, %s",
            [("by default", None), ("--chain-window 0", 0),
             ("--chain-window 1", 1)])
def _(ctx, window):
    options = [] if window is None else ["--chain-window", window]
    window = DEFAULT_CHAIN_WINDOW if window is None else window
    problems = []
    for path in sorted((ctx.captures / "expected").glob("*.truth.json")):
        truth = json.loads(path.read_text())
        if not (ctx.captures / truth["capture"]).exists():
            continue
        want = truth_chains(truth["attempts"], window)
        got = records(ctx.run(["--all", "-f", "jsonl", *options,
                               ctx.capture(truth["capture"])]))
        diagnoses = {r["first_frame"]: r["diagnosis"]["id"] for r in got}
        for r in got:
            chain = dict(r["chain"])
            final = chain.pop("final_diagnosis")
            expected = want.get(r["first_frame"])
            if chain != expected:
                problems.append(f"{truth['capture']} frame "
                                f"{r['first_frame']} "
                                f"({gap_to_previous(truth, r)}): chain "
                                f"{chain}, expected {expected}")
            elif final != diagnoses.get(chain["final_frame"]):
                problems.append(f"{truth['capture']} frame "
                                f"{r['first_frame']}: final_diagnosis "
                                f"{final}, the final attempt's is "
                                f"{diagnoses.get(chain['final_frame'])}")
        if sorted(want) != sorted(diagnoses):
            problems.append(f"{truth['capture']}: attempts at "
                            f"{sorted(diagnoses)}, expected {sorted(want)}")
        problems += [f"{truth['capture']} frame {f}: diagnosis "
                     f"{diagnoses[f]}, but its chain fell back"
                     for f, c in want.items()
                     if c["fell_back_to_standard_rdp"] and
                     c["final_frame"] == f and f in diagnoses and
                     not diagnoses[f].startswith("standard-rdp-fallback")]
        problems += [f"{truth['capture']} frame {r['first_frame']}: "
                     f"class {r['class']}, the truth's {c}"
                     for r in got
                     for c in [next(a["class"] for a in truth["attempts"]
                                    if a["first_frame"] == r["first_frame"])]
                     if r["class"] != c]
    expect(not problems, "; ".join(problems[:6]) +
           (f"; ... {len(problems) - 6} more" if len(problems) > 6 else ""))


# ---- hostile bytes in a cookie

# The raw cookie of tokens.pcapng with `"`, `\`, ESC, TAB and bad UTF-8.
ODD_COOKIE_RE = re.compile(rb'Cookie: mstshash=a"[^\r]*')


@check("text report of tokens.pcapng holds no control or 8-bit bytes")
def _(ctx):
    proc = ctx.run(["--all", ctx.capture("tokens.pcapng")])
    expect_status(proc, truth_status(ctx.truth("tokens.pcapng")))
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


# ---- CSV

ATTEMPT_COLUMNS_MIN = 20
FAILURE_NAMES = ["SSL_REQUIRED_BY_SERVER", "SSL_NOT_ALLOWED_BY_SERVER",
                 "SSL_CERT_NOT_ON_SERVER", "INCONSISTENT_FLAGS",
                 "HYBRID_REQUIRED_BY_SERVER",
                 "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER"]
SERVER_COLUMNS = ["server", "attempts", *CLASSES, *OUTCOMES, *FAILURE_NAMES,
                  "unknown_failure", "clients", "clients_estimated",
                  "first_seen", "last_seen",
                  *("cert_" + p.replace("-", "_") for p in CERT_PROBLEMS)]
FORMULA_START = ("=", "+", "-", "@")


def per_byte_replace(err):
    """Each byte of an ill-formed UTF-8 sequence becomes one U+FFFD."""
    return "\ufffd" * (err.end - err.start), err.end


codecs.register_error("rdpneg-per-byte", per_byte_replace)


def must_escape(ch):
    """Characters a CSV or Markdown report must not carry raw."""
    cp = ord(ch)
    return (cp < 0x20 or 0x7f <= cp < 0xa0 or 0x202a <= cp <= 0x202e or
            0x2066 <= cp <= 0x2069)


def cleaned(raw):
    """What the man page says CSV and Markdown make of untrusted bytes:
    UTF-8 kept, ill-formed bytes as U+FFFD, controls as \\xHH, bidi
    overrides as \\uXXXX."""
    text = raw.decode("utf-8", errors="rdpneg-per-byte")
    return "".join((f"\\x{ord(c):02x}" if ord(c) < 0x100 else
                    f"\\u{ord(c):04x}") if must_escape(c) else c
                   for c in text)


def csv_cell(raw):
    text = cleaned(raw)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_rows(proc):
    """The rows of a CSV report: parseable, CR LF, rows as wide as the
    header, no raw control character, no cell that a spreadsheet would
    take for a formula."""
    text = proc.stdout.decode("utf-8")
    expect(text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""),
           "CSV lines do not all end in CR LF")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as e:
        raise CheckFailed(f"Python's csv module cannot parse it: {e}")
    expect(rows, "empty CSV report")
    width = len(rows[0])
    for n, row in enumerate(rows[1:], 2):
        expect(len(row) == width, f"row {n} has {len(row)} cells, the header "
               f"{width}: {row}")
        for cell in row:
            expect(not any(map(must_escape, cell)),
                   f"row {n}: raw control character in {cell!r}")
            expect(not cell.startswith(FORMULA_START),
                   f"row {n}: a cell starts like a formula: {cell!r}")
    return rows


@check("--format csv: parseable, the documented header, every row as wide")
def _(ctx):
    proc = ctx.run(["--all", "-f", "csv",
                    *(ctx.capture(n) for n in capture_names(ctx))])
    rows = csv_rows(proc)
    header = rows[0]
    documented = man_list_items(man_section("OUTPUT FORMATS", "csv"))
    expect(len(header) >= ATTEMPT_COLUMNS_MIN and header == documented,
           f"header {header}, the man page lists {documented}")
    jsonl = records(ctx.run(["--all", "-f", "jsonl",
                             *(ctx.capture(n) for n in capture_names(ctx))]))
    expect(len(rows) - 1 == len(jsonl), f"{len(rows) - 1} CSV rows, "
           f"{len(jsonl)} JSONL records")
    for row, r in zip(rows[1:], jsonl):
        cells = dict(zip(header, row))
        for key in ("first_frame", "ts", "client", "server", "outcome",
                    "end"):
            expect(cells[key] == str(r[key]), f"{key} {cells[key]!r}, "
                   f"JSONL {r[key]!r}")
        expect(cells["diagnosis"] == r["diagnosis"]["id"] and
               cells["chain_id"] == str(r["chain"]["id"]),
               f"diagnosis/chain {cells['diagnosis']} "
               f"{cells['chain_id']}, JSONL {r['diagnosis']['id']} "
               f"{r['chain']['id']}")


@check("CSV of tokens.pcapng holds the odd cookie cleaned")
def _(ctx):
    path = ctx.capture("tokens.pcapng")
    raw = ODD_COOKIE_RE.search(path.read_bytes())
    expect(raw is not None, "the odd cookie is not in tokens.pcapng")
    raw = raw.group(0)
    rows = csv_rows(ctx.run(["--all", "-f", "csv", path]))
    cells = [dict(zip(rows[0], row)) for row in rows[1:]]
    want = (csv_cell(raw), csv_cell(raw[len(b"Cookie: mstshash="):]))
    got = [(c["cookie"], c["user"]) for c in cells]
    expect(want in got, f"cookie and user {want!r} not among {got}")


# ---- the TLS after the negotiation, on real-peer captures

def peer(ctx, name):
    return ctx.captures / "peers" / name


def expect_tls_shape(tls, where):
    """The "tls" object's keys in order, and its nested objects'."""
    expect(list(tls) == TLS_KEYS, f"{where}: tls keys {list(tls)}")
    for a in tls["alerts"]:
        expect(list(a) == ALERT_KEYS and a["from"] in ("client", "server"),
               f"{where}: alert {a}")
    expect(len(tls["records"]) <= TLS_RECORDS_MAX and
           len(tls["records"]) <= tls["records_total"],
           f"{where}: {len(tls['records'])} records of "
           f"{tls['records_total']}")
    for r in tls["records"]:
        expect(list(r) == RECORD_KEYS and isinstance(r["handshake"], bool),
               f"{where}: record {r}")
    cert = tls["certificate"]
    if cert is not None:
        expect(list(cert) == CERT_KEYS, f"{where}: certificate keys "
               f"{list(cert)}")
        expect(re.fullmatch(r"[0-9a-f]{64}", cert["sha256"]) is not None,
               f"{where}: sha256 {cert['sha256']!r}")
        expect(set(cert["problems"]) <= set(CERT_PROBLEMS),
               f"{where}: problems {cert['problems']}")
    if tls["credssp"] is not None:
        expect(list(tls["credssp"]) == CREDSSP_KEYS and
               tls["credssp"]["ntstatus"] is None and
               tls["credssp"]["inferred"] is True,
               f"{where}: credssp {tls['credssp']}")


@check("JSONL tls on a TLS 1.2 capture: the version, the certificate "
       "expired at the connection's time, no CredSSP for SSL")
def _(ctx):
    got = records(ctx.run(["--all", "-f", "jsonl",
                           peer(ctx, "xrdp-expired-cert-deny-tls12.pcap")]))
    expect(len(got) == 1, f"{len(got)} records")
    tls = got[0]["tls"]
    expect(isinstance(tls, dict), f"tls {tls!r}")
    expect_tls_shape(tls, "xrdp-expired-cert-deny-tls12.pcap")
    expect(tls["version"] == "TLS 1.2", f"version {tls['version']!r}")
    expect(tls["handshake_complete"] is True, "handshake not complete")
    cert = tls["certificate"]
    expect(cert is not None and "expired" in cert["problems"] and
           "self-signed" in cert["problems"], f"certificate {cert}")
    expect(cert["not_after"] == "2021-01-01T00:00:00.000000000Z",
           f"not_after {cert['not_after']!r}")
    expect(tls["credssp"] is None, f"credssp {tls['credssp']} for SSL")


@check("JSONL tls on TLS 1.3 with NLA: no certificate (encrypted), "
       "CredSSP inferred, its NTSTATUS null; no tls without TLS")
def _(ctx):
    got = records(ctx.run(["--all", "-f", "jsonl", peer(
        ctx, "shadow-nla-wrong-password-tls13.pcap")]))
    expect(got, "no records")
    for r in got:
        tls = r["tls"]
        expect_tls_shape(tls, f"frame {r['first_frame']}")
        expect(tls["version"] == "TLS 1.3" and tls["certificate"] is None,
               f"frame {r['first_frame']}: {tls['version']}, certificate "
               f"{tls['certificate']}")
        expect(tls["credssp"] is not None and
               tls["credssp"]["stage"] == "authenticate",
               f"frame {r['first_frame']}: credssp {tls['credssp']}")
    plain = records(ctx.run(["--all", "-f", "jsonl",
                             ctx.capture("failure-codes.pcap")]))
    expect(plain and all(r["tls"] is None for r in plain),
           "a record without TLS has a tls object")


@check("CSV of the real-peer captures: rows as wide as the header, the TLS "
       "columns as JSONL's")
def _(ctx):
    paths = sorted((ctx.captures / "peers").glob("*.pcap"))
    rows = csv_rows(ctx.run(["--all", "-f", "csv", *paths]))
    jsonl = records(ctx.run(["--all", "-f", "jsonl", *paths]))
    expect(len(rows) - 1 == len(jsonl), f"{len(rows) - 1} rows, "
           f"{len(jsonl)} records")
    for row, r in zip(rows[1:], jsonl):
        cells = dict(zip(rows[0], row))
        tls = r["tls"] or {}
        cert = tls.get("certificate") or {}
        credssp = tls.get("credssp") or {}
        want = {"tls_version": tls.get("version") or "",
                "tls_offered_versions": "|".join(
                    tls.get("offered_versions") or []),
                "cert_sha256": cert.get("sha256", ""),
                "cert_problems": "|".join(cert.get("problems", [])),
                "credssp_stage": credssp.get("stage", "")}
        have = {k: cells[k] for k in want}
        expect(have == want, f"frame {r['first_frame']}: {have}, JSONL "
               f"{want}")


@check("--summary counts certificate problems per server in every format, "
       "as the attempts' certificates have them")
def _(ctx):
    paths = sorted((ctx.captures / "peers").glob("*.pcap"))
    want = {}
    for r in records(ctx.run(["--all", "-f", "jsonl", *paths])):
        counts = want.setdefault(r["server"], dict.fromkeys(CERT_PROBLEMS, 0))
        cert = (r["tls"] or {}).get("certificate")
        for p in (cert or {}).get("problems", []):
            counts[p] += 1
    expect(any(any(c.values()) for c in want.values()),
           "no certificate problem in the peer captures")
    got = {s["server"]: s["certificate_problems"] for s in records(
        ctx.run(["--summary", "-f", "jsonl", *paths]))}
    expect(got == want, f"jsonl {got}, expected {want}")
    rows = csv_rows(ctx.run(["--summary", "-f", "csv", *paths]))
    got = {row[0]: {p: int(dict(zip(rows[0], row))["cert_" + p.replace(
        "-", "_")]) for p in CERT_PROBLEMS} for row in rows[1:]}
    expect(got == want, f"csv {got}, expected {want}")
    text = ctx.run(["--summary", *paths]).stdout.decode()
    lines = [line.strip() for line in text.splitlines()
             if line.startswith("    certificate problems: ")]
    nonzero = [c for c in want.values() if any(c.values())]
    expect(len(lines) == len(nonzero), f"text: {lines}, expected "
           f"{len(nonzero)} lines")
    for line, counts in zip(lines, nonzero):
        expect(line == "certificate problems: " + ", ".join(
            f"{p} {n}" for p, n in counts.items() if n),
            f"text: {line!r}, expected {counts}")


# ts as rdpneg writes it when its year has 4 digits (and no sign).
ISO_TS_RE = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{9})Z")
TIME_UTC_RE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")


def expect_time_utc(ts, utc):
    """time_utc is ts cut to the microsecond, as strptime's
    "%Y-%m-%d %H:%M:%S.%f" reads it; empty when ts's year is not 0001 to
    9999 (the regression captures go past both ends of struct tm)."""
    from datetime import datetime   # only this check reads dates
    m = ISO_TS_RE.fullmatch(ts)
    if m is None or m.group(1).startswith("0000"):
        expect(utc == "", f"time_utc {utc!r} for ts {ts!r}: not empty")
        return
    expect(TIME_UTC_RE.fullmatch(utc) is not None,
           f"time_utc {utc!r} for ts {ts!r}: not YYYY-MM-DD HH:MM:SS.ffffff")
    want = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(
        microsecond=int(m.group(2)[:6]))
    got = datetime.strptime(utc, "%Y-%m-%d %H:%M:%S.%f")
    expect(got == want, f"time_utc {utc!r} is {got}, ts {ts!r} is {want}")


@check("CSV time_utc follows ts, parses as a date and equals ts to the "
       "microsecond")
def _(ctx):
    regress = sorted(p for p in (REPO / "tests" / "regress").iterdir()
                     if p.suffix in (".pcap", ".pcapng"))
    rows = csv_rows(ctx.run(["--all", "-f", "csv", *regress,
                             *(ctx.capture(n) for n in capture_names(ctx))]))
    header = rows[0]
    expect(header[header.index("ts") + 1:][:1] == ["time_utc"],
           f"time_utc does not follow ts in {header}")
    cells = [dict(zip(header, row)) for row in rows[1:]]
    for c in cells:
        expect_time_utc(c["ts"], c["time_utc"])
    empty = sum(c["time_utc"] == "" for c in cells)
    expect(0 < empty < len(cells), f"{empty} of {len(cells)} time_utc "
           "cells empty: both kinds expected")


# Cookies a spreadsheet or a Markdown renderer would act on.
HOSTILE_USERS = [b"=HYPERLINK(\"http://evil.example/\")", b"+1+2", b"-3",
                 b"@SUM(1)", b"\x1b]0;title\x07\xc2\x9b2J\xff\xe2\x80x",
                 b"\xe2\x80\xaeevil\xe2\x80\xac",
                 b"<img src=x onerror=alert(1)>[a](http://evil.example/)",
                 b"``a`` |b| ` \\|c", b"<b>bold</b> ![i](http://e/i.png)"]


def hostile_pcap():
    return segments_pcap([(50001 + n, 3389,
                           cr_segment(b"Cookie: mstshash=" + user))
                          for n, user in enumerate(HOSTILE_USERS)])


@check("CSV cells of hostile cookies and file names are cleaned, formulas "
       "quoted")
def _(ctx):
    ctx.scratch("hostile.pcap", hostile_pcap())
    rows = csv_rows(ctx.run(["-f", "csv", "hostile.pcap"]))
    users = [dict(zip(rows[0], row))["user"] for row in rows[1:]]
    want = [csv_cell(u) for u in HOSTILE_USERS]
    expect(users == want, f"user cells {users}, expected {want}")
    names = ["=x.pcap", "+x.pcap", "-x.pcap", "@x.pcap"]
    for name in names:
        ctx.scratch(name, ctx.capture("outcomes.pcap").read_bytes())
    rows = csv_rows(ctx.run(["-f", "csv", "--", *names]))
    got = sorted({dict(zip(rows[0], row))["capture"] for row in rows[1:]})
    want = sorted("'" + n for n in names)
    expect(got == want, f"capture cells {got}, expected {want}")


# ---- Markdown

def strip_code(text):
    """Markdown without its fenced code blocks and code spans
    (CommonMark 4.5, 6.1); unmatched backticks stay as they are."""
    out, fence = [], None
    for line in text.split("\n"):
        m = re.match(r"^ {0,3}(`{3,})", line)
        if fence is None and m:
            fence = m.group(1)
            continue
        if fence is not None:
            if re.match(rf"^ {{0,3}}{fence}`*\s*$", line):
                fence = None
            continue
        out.append(line)
    expect(fence is None, "a code block is not closed")
    text, plain, pos = "\n".join(out), [], 0
    runs = list(re.finditer(r"`+", text))
    i = 0
    while i < len(runs):
        opener = runs[i]
        closer = next((r for r in runs[i + 1:]
                       if len(r.group()) == len(opener.group())), None)
        if closer is None:
            i += 1
            continue
        plain.append(text[pos:opener.start()])
        plain.append("CODE")
        pos = closer.end()
        i = runs.index(closer) + 1
    plain.append(text[pos:])
    return "".join(plain)


def table_pipes(line):
    """The | of a table row that are not backslash-escaped (GFM 4.10)."""
    count, i = 0, 0
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        count += line[i] == "|"
        i += 1
    return count


def markdown_problems(md, kb_texts):
    """What is wrong with a Markdown report as the man page describes it."""
    problems = [f"raw control character in line {n}: {line!r}"
                for n, line in enumerate(md.split("\n"), 1)
                if any(map(must_escape, line))]
    header = None
    for n, line in enumerate(md.split("\n"), 1):
        if not line.startswith("|"):
            header = None
            continue
        if header is None:
            header = table_pipes(line)
        elif table_pipes(line) != header:
            problems.append(f"table row {n} has {table_pipes(line)} "
                            f"unescaped |, its header {header}: {line!r}")
    # Knowledge-base texts are the report's own; the rest must not hold
    # HTML or links outside code.
    for text in sorted(kb_texts, key=len, reverse=True):
        md = md.replace(text, "KB")
    for n, line in enumerate(strip_code(md).split("\n"), 1):
        # A backslash-escaped < or ] is text (CommonMark 2.4).
        if re.search(r"(?<!\\)<|(?<!\\)\]\(", line):
            problems.append(f"HTML or a link outside code: {line!r}")
    blocks = re.findall(r"^(`{3,})sh\n(.*?)\n\1$", md, re.M | re.S)
    problems += [f"a frames block holds other than tshark commands: {b!r}"
                 for _, b in blocks if "tshark" in b and not all(
                     line.startswith("tshark -r ") for line in b.split("\n"))]
    return problems


def kb_texts(ctx, paths):
    """Every diagnosis text the JSONL reports hold for these captures."""
    texts = set()
    for r in records(ctx.run(["--all", "-f", "jsonl", *paths])):
        d = r["diagnosis"]
        texts |= {d["summary"], d["confidence_why"], d["explanation"],
                  d["server_settings"], *d["remediation"], *d["references"]}
    return texts


@check_each("--format markdown of %s: no control byte, tables intact, no "
            "HTML or link from capture data",
            [(n, n) for n in ("tokens.pcapng", "malformed.pcap",
                              "a hostile capture and file name")])
def _(ctx, name):
    if name.endswith(("pcap", "pcapng")):
        paths = [ctx.capture(name)]
    else:
        paths = [ctx.scratch("x<b>](y)|`z`` <i.pcap", hostile_pcap()).name,
                 ctx.scratch("<t>.pcap", b"junk " * 40).name]
    proc = ctx.run(["--all", "-f", "markdown", *paths])
    md = proc.stdout.decode("utf-8")
    expect("\n## Overview\n" in md and
           md.count("\n| `") + md.count("\n- `") >= len(paths),
           f"no overview, or fewer capture rows than the {len(paths)} "
           "captures")
    problems = markdown_problems(md, kb_texts(ctx, paths))
    expect(not problems, "; ".join(problems[:5]))


# ---- the summary by server

def truth_servers(truth):
    """Per server: attempts, class and outcome counts from a truth file."""
    out = {}
    for a in truth["attempts"]:
        s = out.setdefault(a["server"], {"attempts": 0,
                                         "classes": dict.fromkeys(
                                             CLASSES, 0),
                                         "outcomes": dict.fromkeys(
                                             OUTCOMES, 0)})
        s["attempts"] += 1
        s["classes"][a["class"]] += 1
        s["outcomes"][a["outcome"]] += 1
    return out


def truth_status(truth):
    """The exit status README documents for a truth file's attempts."""
    classes = {a["class"] for a in truth["attempts"]}
    return (EXIT_BLOCKED if "blocked" in classes else
            EXIT_INSECURE if "insecure" in classes else EXIT_OK)


@check_each("--summary -f jsonl on %s: one object per server, as the truth "
            "file counts",
            [(n, n) for n in ("failure-codes.pcap", "outcomes.pcap")])
def _(ctx, name):
    proc = ctx.run(["--summary", "-f", "jsonl", ctx.capture(name)])
    truth = ctx.truth(name)
    expect_status(proc, truth_status(truth))
    got = records(proc)
    for r in got:
        expect(list(r) == SERVER_KEYS, f"keys {list(r)}, expected "
               f"{SERVER_KEYS}")
    servers = [r["server"] for r in got]
    expect(len(set(servers)) == len(servers), f"servers repeated: {servers}")
    have = {r["server"]: {"attempts": r["attempts"],
                          "classes": r["classes"],
                          "outcomes": r["outcomes"]} for r in got}
    for r in got:
        expect(sum(r["classes"].values()) == r["attempts"] ==
               sum(r["outcomes"].values()) ==
               sum(r["diagnoses"].values()),
               f"{r['server']}: counts that do not add up: {r}")
    want = truth_servers(truth)
    expect(have == want, f"per server {have}, expected {want}")


@check("--summary writes only the per-server aggregate, in every format")
def _(ctx):
    path = ctx.capture("outcomes.pcap")
    servers = len(truth_servers(ctx.truth("outcomes.pcap")))
    attempts = len(ctx.truth("outcomes.pcap")["attempts"])
    out = {fmt: ctx.run(["--summary", "-f", fmt, path]) for fmt in FORMATS}
    for proc in out.values():
        expect_status(proc, EXIT_BLOCKED)
    blocks, summary_lines, totals, _ = text_report(out["text"])
    rows = [l for l in summary_lines if re.match(rb"^  \S", l)]
    expect(not blocks and len(rows) == servers and
           totals[2] == attempts, f"text: {len(blocks)} blocks, "
           f"{len(rows)} server lines (expected {servers}), "
           f"totals {totals}")
    expect(len(records(out["jsonl"])) == servers, "jsonl: not one object "
           "per server")
    rows = csv_rows(out["csv"])
    expect(rows[0] == SERVER_COLUMNS and len(rows) == servers + 1,
           f"csv: header {rows[0]} (expected {SERVER_COLUMNS}), "
           f"{len(rows) - 1} rows for {servers} servers")
    md = out["markdown"].stdout.decode()
    rows = [l for l in md.splitlines() if l.startswith("| `")]
    expect("## Captures" not in md and "## Overview" not in md and
           "## Summary by server" in md and len(rows) == servers,
           f"markdown: {md[:400]!r}")


@check("the summary by server adds up in every format: classes and "
       "outcomes to the attempts, the servers to the totals")
def _(ctx):
    root = str(ctx.captures)
    attempts = len(records(ctx.run(["-q", "--all", "-f", "jsonl", root])))
    csv_summary = csv_rows(ctx.run(["-q", "--summary", "-f", "csv", root]))
    header = csv_summary[0]
    total = 0
    for row in csv_summary[1:]:
        cell = dict(zip(header, row))
        n = int(cell["attempts"])
        total += n
        expect(sum(int(cell[c]) for c in CLASSES) == n and
               sum(int(cell[o]) for o in OUTCOMES) == n and
               sum(int(cell[f]) for f in FAILURE_NAMES +
                   ["unknown_failure"]) == int(cell["failure"]),
               f"csv: {cell} does not add up")
    expect(total == attempts, f"csv: {total} attempts, JSONL {attempts}")
    md = ctx.run(["-q", "--summary", "-f", "markdown", root]).stdout
    total = 0
    for line in md.decode().splitlines():
        cells = [c.strip() for c in line.split("|")[1:-1]]
        if not line.startswith("| `") or len(cells) < 6:
            continue
        n, classes = int(cells[1]), [int(c) for c in cells[2:6]]
        total += n
        expect(sum(classes) == n, f"markdown: {line} does not add up")
    expect(total == attempts, f"markdown: {total} attempts, JSONL "
           f"{attempts}")
    _, _, totals, _ = text_report(ctx.run(["-q", root]))
    expect(totals[2] == attempts, f"text: {totals[2]} attempts, JSONL "
           f"{attempts}")


@check("--summary counts each server's distinct clients: IPv4 and IPv6, "
       "all-zero and near-zero addresses, each client seen more than once")
def _(ctx):
    v4 = bytes([203, 0, 113, 5])
    v4_other = bytes([198, 51, 100, 7])
    v6 = ipaddress.IPv6Address("2001:db8::5").packed
    clients4 = [bytes([0, 0, 0, 0]), bytes([0, 0, 0, 1]), bytes([1, 0, 0, 0])]
    clients4 += [bytes([10, 0, n >> 8, n & 0xff]) for n in range(1, 61)]
    clients6 = [ipaddress.IPv6Address(a).packed for a in
                ("::", "::1", "::ffff:10.0.0.1", "2001:db8::")]
    clients6 += [ipaddress.IPv6Address(f"2001:db8::1:{n:x}").packed
                 for n in range(1, 41)]
    frames, port = [], 40000
    for rnd in range(2):            # every client twice, other ports
        for c in clients4:
            port += 1
            frames.append(tcp_frame(c, v4, port, 3389,
                                    cr_segment(b"Cookie: mstshash=u")))
        for c in clients6:
            port += 1
            frames.append(tcp_frame(c, v6, port, 3389,
                                    cr_segment(b"Cookie: mstshash=u")))
    for _ in range(3):
        port += 1
        frames.append(tcp_frame(CLIENT, v4_other, port, 3389,
                                cr_segment(b"Cookie: mstshash=u")))
    path = ctx.scratch("clients.pcap", frames_pcap(frames))
    want = {"203.0.113.5:3389": len(clients4),
            "[2001:db8::5]:3389": len(clients6), "198.51.100.7:3389": 1}
    seen = {}
    for r in records(ctx.run(["--all", "-f", "jsonl", path])):
        seen.setdefault(r["server"], set()).add(address(r["client"]))
    expect({k: len(v) for k, v in seen.items()} == want,
           f"attempts' distinct clients {({k: len(v) for k, v in seen.items()})}"
           f", expected {want}")
    got = records(ctx.run(["--summary", "-f", "jsonl", path]))
    have = {r["server"]: r["clients"] for r in got}
    expect(have == want, f"clients by server {have}, expected {want}")
    expect(not any(r["clients_estimated"] for r in got),
           "exact counts marked as estimated")


# ---- directories and parallel analysis

def walk_order(root):
    """Capture files under root in the order of a sorted recursive walk."""
    out = []
    for name in sorted(os.listdir(root), key=os.fsencode):
        path = os.path.join(root, name)
        if os.path.isdir(path) and not os.path.islink(path):
            out += walk_order(path)
        elif name.endswith((".pcap", ".pcapng")):
            out.append(path)
    return out


@check("a directory argument finds the captures a recursive glob lists")
def _(ctx):
    root = str(ctx.captures)
    globbed = sorted(str(p) for pattern in ("*.pcap", "*.pcapng")
                     for p in ctx.captures.rglob(pattern))
    walked = walk_order(root)
    expect(sorted(walked) == globbed and len(globbed) > 10,
           f"test: the walk {walked} differs from the glob {globbed}")
    md = ctx.run(["-q", "--all", "-f", "markdown", root]).stdout.decode()
    # The Markdown's captures table: path, bytes, SHA-256, packets,
    # attempts; at most MD_CAPTURES rows, then a count of the rest.
    rows = [(p, int(n)) for p, n in re.findall(
        r"^\| `+ ?(.*?) ?`+ \| \d+ \| [^|]* \| \d+ \| (\d+) \|",
        md.partition("\n## Captures\n")[2], re.M)]
    listed = [p for p, _ in rows]
    expect(listed == walked[:MD_CAPTURES], f"markdown capture rows "
           f"{listed}, expected {walked[:MD_CAPTURES]}")
    if len(walked) > MD_CAPTURES:
        more = f"{len(walked) - MD_CAPTURES} more captures are not listed"
        expect(more in md, f"the markdown does not say {more!r}")
    by_dir = ctx.run(["-q", "--all", "-f", "jsonl", root])
    captures = []
    for r in records(by_dir):
        if r["capture"] not in captures:
            captures.append(r["capture"])
    want = [p for p in walked if p in captures]
    with_attempts = {p for p, n in rows if n > 0}
    expect(captures == want and with_attempts <= set(captures) and
           not {p for p, n in rows if n == 0} & set(captures),
           f"JSONL captures {captures}, expected the walk's order {want} "
           f"and those with attempts in the Markdown {with_attempts}")
    listed = ctx.run(["-q", "--all", "-f", "jsonl", *walked])
    expect(by_dir.stdout == listed.stdout and
           by_dir.returncode == listed.returncode,
           "the directory's report differs from the listed files' report")


@check_each("-j 1 and -j 4 give the same %s report of captures/",
            [(f, f) for f in FORMATS])
def _(ctx, fmt):
    root = ctx.captures
    runs = [ctx.run(["-q", "--all", "-f", fmt, "-j", jobs, root])
            for jobs in ("1", "4")]
    expect(runs[0].stdout, f"empty {fmt} report")
    expect(runs[0].stdout == runs[1].stdout,
           f"-j 4 differs from -j 1 ({len(runs[1].stdout)} and "
           f"{len(runs[0].stdout)} bytes)")
    expect(runs[0].returncode == runs[1].returncode,
           f"exit {runs[0].returncode} with -j 1, {runs[1].returncode} "
           "with -j 4")


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


def tcp_frame(src, dst, sport, dport, payload, seq=1000, ack=2000):
    """Ethernet + IPv4 (4-byte addresses) or IPv6 (16-byte ones) + TCP
    (PSH|ACK) carrying payload."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4,
                      0x18, 65535, 0, 0)                      # PSH|ACK
    length = len(tcp) + len(payload)
    if len(src) == 16:
        ethertype = b"\x86\xdd"
        pseudo = src + dst + struct.pack("!I3xB", length, 6)
        ip = struct.pack("!IHBB16s16s", 6 << 28, length, 6, 64, src, dst)
    else:
        ethertype = b"\x08\x00"
        pseudo = src + dst + struct.pack("!BBH", 0, 6, length)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + length, 1, 0x4000,
                         64, 6, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    tcp = (tcp[:16] + struct.pack("!H", checksum(pseudo + tcp + payload)) +
           tcp[18:])
    return (bytes.fromhex("020000000001020000000002") + ethertype + ip +
            tcp + payload)


def frames_pcap(frames, gap=1):
    """A pcap of Ethernet frames, gap s apart."""
    out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
    for n, frame in enumerate(frames):
        out += struct.pack("<IIII", 1714557600 + n * gap, 0, len(frame),
                           len(frame)) + frame
    return out


CLIENT, SERVER = bytes([192, 0, 2, 10]), bytes([203, 0, 113, 5])


def segments_pcap(segments, gap=600):
    """A pcap of client segments (sport, dport, payload), gap s apart."""
    return frames_pcap([tcp_frame(CLIENT, SERVER, sport, dport, payload)
                        for sport, dport, payload in segments], gap)


def cc_only_pcap(sport, dport, selected):
    """A pcap of one server segment: TPKT + X.224 CC + RDP_NEG_RSP, no SYN."""
    rsp = struct.pack("<BBHI", 0x02, 0x1f, 8, selected)       # RDP_NEG_RSP
    x224 = struct.pack("!BBHHB", 6 + len(rsp), 0xd0, 0, 0x1234, 0) + rsp
    payload = struct.pack("!BBH", 3, 0, 4 + len(x224)) + x224
    return frames_pcap([tcp_frame(SERVER, CLIENT, sport, dport, payload)])


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
    expect_status(proc, EXIT_OK)       # no request: noise
    expect(len(got) == 1, f"{len(got)} attempts reported, expected 1")
    want = {"client": "192.0.2.10:50123", "server": "203.0.113.5:9506",
            "outcome": "no_request", "class": "noise", "response_frame": 1,
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
    # outcomes.pcap: the unanswered SYN of frame 43 is retransmitted 2 s
    # later (frame 45), and the connection of frame 46 (no request) sends
    # its FIN more than 1 s after its last packet.  By default both are one
    # connection each; with --idle-timeout 1 the retransmitted SYN starts
    # a second unanswered attempt and frame 46's connection ends open.
    def attempts(*options):
        proc = ctx.run(["--all", "-f", "jsonl", *options,
                        ctx.capture("outcomes.pcap")])
        return {r["first_frame"]: r for r in records(proc)}

    truth = {a["first_frame"]: a
             for a in ctx.truth("outcomes.pcap")["attempts"]}
    default, idle = attempts(), attempts("--idle-timeout", "1")
    unanswered = sorted(f for f, a in truth.items()
                        if a["outcome"] == "unanswered")
    expect(unanswered == [43] and truth[46]["outcome"] == "no_request" and
           truth[46]["end"] == "fin_client",
           "outcomes.pcap no longer has the connections this check uses")
    got = sorted(f for f, r in default.items()
                 if r["outcome"] == "unanswered")
    expect(got == [43], f"by default, unanswered attempts at {got}, "
           "expected [43]")
    expect(default[46]["end"] == "fin_client",
           f"by default frame 46 ends {default[46]['end']}, expected "
           "fin_client")
    got = sorted(f for f, r in idle.items() if r["outcome"] == "unanswered")
    expect(got == [43, 45], f"with --idle-timeout 1, unanswered attempts "
           f"at {got}, expected [43, 45]")
    expect(46 in idle and idle[46]["outcome"] == "no_request" and
           idle[46]["end"] == "open",
           f"with --idle-timeout 1 frame 46 is {idle.get(46)}, expected "
           "no_request ending open")
    expect(set(idle) - set(default) == {45},
           f"with --idle-timeout 1 attempts at {sorted(idle)}, by default "
           f"{sorted(default)}: only frame 45 should be new")


# ---- scanners

def cr_segment(cookie, requested=0x3):
    """TPKT + X.224 Connection Request with cookie and RDP_NEG_REQ."""
    data = cookie + b"\r\n" + struct.pack("<BBHI", 1, 0, 8, requested)
    x224 = struct.pack("!BBHHB", 6 + len(data), 0xe0, 0, 0, 0) + data
    return struct.pack("!BBH", 3, 0, 4 + len(x224)) + x224


@check("scanners' probes are not problems: exit 0, shown only with --all")
def _(ctx):
    path = ctx.scratch("scan.pcap", segments_pcap([
        (50001, 3389, cr_segment(b"Cookie: mstshash=nmap")),
        (50002, 3389, cr_segment(b"Cookie: mstshash=x", 0x8)),
        (50003, 3389, cr_segment(b"Cookie: mstshash=y", 0x4))]))
    proc = ctx.run([path])
    expect_status(proc, EXIT_OK)
    blocks, _, summary, _ = text_report(proc)
    expect(not blocks and summary == [1, 0, 3, 0],
           f"{len(blocks)} attempts shown, totals {summary}, expected none "
           "shown and [1, 0, 3, 0]")
    expect(b"3 from scanners" in proc.stdout, "the totals line does not "
           f"count 3 from scanners: {proc.stdout[-300:]!r}")
    got = records(ctx.run(["--all", "-f", "jsonl", path]))
    want = [(True, "scanner-probe", "noise")] * 3
    have = [(r["scanner"], r["diagnosis"]["id"], r["class"]) for r in got]
    expect(have == want, f"records {have}, expected {want}")


# ---- the ticket (Markdown) and the text overview

SECTION_RE = re.compile(r"^### (\d+)\. (Blocked|Insecure): `([a-z0-9-]+)` on "
                        r"`(\S+)`$", re.M)
STEP_DEF_RE = re.compile(r"^\*\*F(\d+)\.\*\* ", re.M)
STEP_REF_RE = re.compile(r"\bF(\d+)\b")
MD_SECTIONS = 40            # findings with a section in the Markdown report


def findings_of(got):
    """(class, diagnosis, server) -> attempts, over the JSONL records that
    are findings."""
    out = {}
    for r in got:
        if r["class"] in ("blocked", "insecure"):
            key = (r["class"], r["diagnosis"]["id"], r["server"])
            out[key] = out.get(key, 0) + 1
    return out


@check("--format markdown of captures/: the overview first, then one "
       "section per finding (diagnosis, class, server), as the JSONL counts")
def _(ctx):
    root = str(ctx.captures)
    md = ctx.run(["-q", "-f", "markdown", root]).stdout.decode()
    want = findings_of(records(ctx.run(["-q", "--all", "-f", "jsonl",
                                        root])))
    heads = [md.find(h) for h in ("# rdpneg report\n", "\n## Overview\n",
                                   "\n### Fix per server\n",
                                   "\n## Findings\n",
                                   "\n## Summary by server\n",
                                   "\n## Captures\n")]
    expect(heads[0] == 0 and all(a < b for a, b in zip(heads, heads[1:])),
           f"the report's parts are missing or out of order: {heads}")
    sections = SECTION_RE.findall(md)
    expect([int(n) for n, *_ in sections] ==
           list(range(1, len(sections) + 1)), "sections not numbered 1..n")
    have = {(c.lower(), d, s) for _, c, d, s in sections}
    expect(len(have) == len(sections), "a finding has two sections")
    expect(len(sections) == min(len(want), MD_SECTIONS) and
           have <= set(want), f"sections {sorted(have - set(want))} are "
           f"not findings; {len(sections)} sections for {len(want)} "
           "findings")
    # The heaviest findings have sections: blocked first, most attempts.
    order = sorted(want, key=lambda k: (k[0] != "blocked", -want[k]))
    expect(all(want[k] >= want[order[len(sections) - 1]] or
               k[0] != order[len(sections) - 1][0] for k in have),
           "a lighter finding has a section before a heavier one")
    # Overview rows: class, diagnosis, attempts; they add up.
    rows = re.findall(r"^\| (blocked|insecure) \| `([a-z0-9-]+)` \| (\d+) "
                      r"\|", md, re.M)
    per = {}
    for (c, d, _), n in want.items():
        per[(c, d)] = per.get((c, d), 0) + n
    expect({(c, d): int(n) for c, d, n in rows} == per and
           len(rows) == len(per), f"overview rows {rows}, expected {per}")


@check("--format markdown: each fix step written once, every reference "
       "to a step written")
def _(ctx):
    md = ctx.run(["-q", "-f", "markdown", str(ctx.captures)]).stdout.decode()
    defined = [int(n) for n in STEP_DEF_RE.findall(md)]
    expect(defined and sorted(defined) == list(range(1, len(defined) + 1)),
           f"steps defined {defined[:20]}..., expected F1..Fn once each")
    texts = re.findall(r"^\*\*F\d+\.\*\* (.*)$", md, re.M)
    expect(len(set(texts)) == len(texts), "a step's text written twice")
    body = md.partition("\n## Summary by server\n")[0]
    refs = {int(n) for n in STEP_REF_RE.findall(strip_code(body))}
    expect(refs <= set(defined), f"references to steps never written: "
           f"{sorted(refs - set(defined))}")


def many_attempts_pcap(n):
    """n Connection Requests to one server, each its own connection with
    its own user, unanswered: one finding of n attempts."""
    return segments_pcap([(10000 + i, 3389,
                           cr_segment(b"Cookie: mstshash=user%d" % i))
                          for i in range(n)], gap=1)


@check("--format markdown grows with the distinct problems, not with the "
       "attempts")
def _(ctx):
    sizes = {}
    for n in (20, 2000):
        path = ctx.scratch(f"many-{n}.pcap", many_attempts_pcap(n))
        proc = ctx.run(["-f", "markdown", path.name])
        expect(len(SECTION_RE.findall(proc.stdout.decode())) == 1,
               f"{n} attempts: not one section")
        sizes[n] = len(proc.stdout)
    expect(abs(sizes[2000] - sizes[20]) < 200, f"20 attempts: {sizes[20]} "
           f"bytes, 2000 attempts: {sizes[2000]} bytes")


@check("--format markdown: tshark commands name the capture as given, "
       "quoted for the shell")
def _(ctx):
    sub = ctx.tmp / "a dir"
    sub.mkdir()
    name = "a dir/it's $HOME.pcap"
    (ctx.tmp / name).write_bytes(many_attempts_pcap(3))
    md = ctx.run(["-f", "markdown", name]).stdout.decode()
    lines = [l for l in md.splitlines() if l.startswith("tshark -r ")]
    expect(lines, "no tshark command")
    for line in lines:
        argv = shlex.split(line)
        expect(argv[:3] == ["tshark", "-r", name] and argv[3] == "-Y",
               f"{line!r} does not read {name!r}")


@check("the text report opens with the overview: per class and diagnosis "
       "the attempts the JSONL counts, then the fix per server")
def _(ctx):
    root = str(ctx.captures)
    proc = ctx.run(["-q", root])
    want = findings_of(records(ctx.run(["-q", "--all", "-f", "jsonl",
                                        root])))
    lines = proc.stdout.decode().splitlines()
    expect(lines[0].startswith("Overview: ") and "Fix per server" in lines,
           f"the report opens with {lines[:2]}")
    rows = re.findall(r"^  (blocked|insecure) +([a-z0-9-]+): (\d+) attempt",
                      proc.stdout.decode(), re.M)
    per = {}
    for (c, d, _), n in want.items():
        per[(c, d)] = per.get((c, d), 0) + n
    expect({(c, d): int(n) for c, d, n in rows} == per,
           f"overview {rows}, expected {per}")


def main():
    args = parse_rdpneg_args(__doc__)

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
