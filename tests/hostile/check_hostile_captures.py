#!/usr/bin/env python3
"""rdpneg on hostile captures: no crash, bounded, clear, nothing lost.

Builds the set of tests/hostile/gen_hostile.py in a temporary directory
(truncations, bit flips, bogus record headers, mixed link types, files
that are not captures or cannot be read, hostile TPKT lengths, a
never-ending Connection Request, a million tiny overlapping segments, odd
cookies, hostile TLS handshakes and certificates after the negotiation),
runs `rdpneg -a -f jsonl` on each case and checks, per family of
cases:

- no crash and no sanitizer report: exit status 0, 1 or 2, nothing like
  "runtime error" or "Sanitizer" on standard error;
- bounded time (a timeout per run) and memory (peak RSS of the child,
  below MEMORY_LIMIT in the normal build; only reported under ASan);
- the exit status as documented: 2 for damaged or unreadable input,
  otherwise 0 or 1;
- a message `rdpneg: PATH: reason` on standard error naming each damaged
  file (escaped as rdpneg escapes file names), the reason in rdpneg's
  words (libpcap's only after them, past a colon), and nothing there for
  an intact file;
- every handshake before the damage still reported with the same outcome,
  requested_protocols, failure_code and selected_protocol;
- family checks: broken PDUs marked malformed or incomplete, cookies
  decoded, the diagnosis of each hostile TLS session, the text report
  printable, the CSV and Markdown reports free of control characters,
  the JSONL report ASCII, a tighter memory bound where the generator
  sets one (the 100 MB TLS session).

Prints one line per check and a closing "N passed, N failed" line.
tests/hostile/README.md describes the set and the checks.
"""

import argparse
import csv
import io
import json
import os
import resource
import shutil
import subprocess
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from tally import Tally  # noqa: E402
import gen_hostile  # noqa: E402

#: Seconds per run: normal build, sanitizer build.
TIMEOUT = {False: 30, True: 120}
#: Peak resident set size allowed per run in the normal build.
MEMORY_LIMIT = 256 * 1024 * 1024
SANITIZER_WORDS = (b"runtime error", b"Sanitizer")
# How libpcap 1.10's messages about a damaged file begin: rdpneg says what
# is wrong in its own words first (not a capture, truncated at byte N...).
LIBPCAP_OPENINGS = (b"truncated dump file", b"truncated pcapng",
                    b"unknown file format", b"invalid packet",
                    b"block ", b"pcapng block", b"an interface",
                    b"a packet arrived", b"unsupported pcap",
                    b"archaic", b"Section Header", b"the capture file has",
                    b"the file has", b"Interface Description",
                    b"error reading dump file")
NOBODY = ["--reuid=65534", "--regid=65534", "--clear-groups"]
COMPARED = ("outcome", "requested_protocols", "failure_code",
            "selected_protocol")
IDENTITY = ("client", "server", "first_frame")
META = ("required", "marked", "capture", "diagnosis")
#: Diagnoses stating that the client sent no RDP_NEG_REQ: wrong when the
#: request was never decoded (the report says it is incomplete).
NO_NEG_REQ = ("legacy-client", "legacy-request-dropped",
              "standard-rdp-fallback-legacy")


class Runner:
    """Runs a command with a timeout and measures its peak RSS.

    With GNU time (/usr/bin/time), the peak is the command's own.  Without
    it, os.wait4 gives the child's ru_maxrss, but Linux starts that at the
    high-water mark of the process that exec'd it (this script): the value
    is then an upper bound, and `floor` says how much of it may be ours.
    """

    MARK = b"@@hostile-maxrss-kib="

    def __init__(self, timeout):
        self.timeout = timeout
        self.time = None
        gnu = "/usr/bin/time"
        if os.access(gnu, os.X_OK):
            probe = subprocess.run([gnu, "-q", "-f", self.MARK.decode() + "%M",
                                    "true"], capture_output=True, check=False)
            if probe.returncode == 0 and self.MARK in probe.stderr:
                self.time = gnu

    def floor(self):
        """What wait4's ru_maxrss may include of this process, in bytes."""
        if self.time:
            return 0
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    def run(self, argv):
        """Return a Result."""
        res = Result()
        res.argv = argv
        if self.time:
            argv = [self.time, "-q", "-f", "\n" + self.MARK.decode() + "%M",
                    *argv]
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        out, err = [], []
        readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()))
                   for s, b in ((proc.stdout, out), (proc.stderr, err))]
        for t in readers:
            t.start()

        def kill():
            res.timed_out = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:             # already gone
                pass

        timer = threading.Timer(self.timeout, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        for t in readers:
            t.join()
        proc.stdout.close()
        proc.stderr.close()
        res.seconds = time.monotonic() - start
        res.status = proc.returncode
        res.stdout, res.stderr = out[0], err[0]
        res.rss = usage.ru_maxrss * 1024
        if self.time:
            head, mark, kib = res.stderr.rpartition(b"\n" + self.MARK)
            if mark and kib.strip().isdigit():
                res.stderr, res.rss = head, int(kib) * 1024
        return res


class Result:
    """What one run did: argv, status, stdout, stderr, seconds, rss."""

    timed_out = False

    def jsonl(self):
        """The report's attempts; raises ValueError on a bad line."""
        return [json.loads(line) for line in self.stdout.splitlines()]


def escape_name(path):
    """A path as rdpneg writes it in a message (fmt_escape_text)."""
    out = []
    for b in os.fsencode(path):
        if b in (0x5C, 0x22):
            out.append(b"\\" + bytes([b]))
        elif 0x20 <= b < 0x7F:
            out.append(bytes([b]))
        else:
            out.append(b"\\x%02x" % b)
    return b"".join(out)


def is_sanitized(binary):
    """True when the binary was built with AddressSanitizer."""
    with open(binary, "rb") as f:
        return b"__asan_init" in f.read()


def frames(a):
    return [a[k] for k in ("first_frame", "request_frame", "response_frame")
            if a.get(k) is not None]


def renumber(frame, inserted):
    """A reference frame's number after records were inserted before some."""
    return frame + sum(1 for k in inserted if k <= frame)


def expected_attempts(case, references):
    """The attempts the case must report, as gen_hostile.Case describes."""
    exp = [dict(a) for a in case.attempts]
    if case.reference is None:
        return exp
    for a in references[case.reference]:
        before = case.damage_frame is None or \
            max(frames(a)) < case.damage_frame
        if not before and not case.keep_all_if_read:
            continue
        e = {k: a[k] for k in IDENTITY + COMPARED}
        e["first_frame"] = renumber(a["first_frame"], case.inserted)
        e["required"] = "always" if before else "if_read"
        e["marked"] = False
        exp.append(e)
    return exp


class Summary:
    """A finished case: its measures and its problems per check."""

    def __init__(self, case, res):
        self.case = case
        self.seconds = res.seconds
        self.rss = res.rss
        self.timed_out = res.timed_out
        self.problems = {}


class Checker:
    """Runs the cases and finds their problems, one list per check."""

    def __init__(self, rdpneg, sanitized, setpriv, runner):
        self.rdpneg = rdpneg
        self.sanitized = sanitized
        self.setpriv = setpriv
        self.runner = runner
        self.timeout = runner.timeout
        self.references = {}

    @staticmethod
    def formats(case):
        """The reports besides JSONL that the case runs and checks."""
        if case.printable:
            return ["text", "csv", "markdown", "html"]
        return ["text"] if case.text_printable else []

    def argv(self, case, fmt="jsonl"):
        # The JSONL run inflates a lone gzip file on a thread of its own
        # (jobs to spare), the text run on the analysis thread: both
        # paths see every case, whatever the machine's number of cores.
        jobs = "2" if fmt == "jsonl" else "1"
        argv = [self.rdpneg, "-a", "-j", jobs, "-f", fmt, *case.paths]
        if case.as_nobody and os.geteuid() == 0:
            argv = [self.setpriv, *NOBODY, *argv]
        return argv

    def reference(self, case):
        """Run an intact reference and keep its report for the others."""
        return self.evaluate(case, keep=True)

    def evaluate(self, case, keep=False):
        """Run the case; return its Summary (the report is not kept)."""
        res = self.runner.run(self.argv(case))
        others = {}
        if not res.timed_out:
            others = {fmt: self.runner.run(self.argv(case, fmt))
                      for fmt in self.formats(case)}
        s = Summary(case, res)
        p = s.problems
        p["crash"] = self.crash(res) + [f"{fmt} report: {q}" for fmt, r in
                                        others.items() for q in self.crash(r)]
        p["time"] = [f"timed out after {self.timeout} s"] \
            if res.timed_out or any(r.timed_out for r in others.values()) \
            else []
        if res.timed_out:
            return s
        p["memory"] = self.memory(res, case.max_rss)
        p["status"] = self.exit_status(case, res)
        p["message"] = self.message(case, res)
        if case.reference or case.attempts:
            p.update(self.handshakes(case, res))
            if not any(a.get("marked") for a in case.attempts):
                del p["marked"]
            if not any("diagnosis" in a for a in case.attempts):
                del p["tls"]
        if "text" in others:
            p["printable"] = self.printable(others["text"])
        if case.printable:
            p["controls"] = [q for fmt in ("csv", "markdown", "html")
                             if fmt in others
                             for q in self.no_controls(others[fmt], fmt)]
        if case.jsonl_ascii:
            p["ascii"] = self.jsonl_ascii(res)
        if case.escaped:
            p["escaped"] = self.hostile_names(res, others)
        if keep:
            try:
                self.references[case.paths[0]] = res.jsonl()
            except ValueError:
                self.references[case.paths[0]] = []
        return s

    # -- one property of one run: a list of problems ----------------------

    @staticmethod
    def crash(r):
        if r.timed_out:
            return []
        problems = []
        if r.status not in (0, 1, 2):
            sig = f", killed by signal {r.status - 128}?" \
                if r.status > 128 else ""
            problems.append(f"exit status {r.status}{sig}")
        for word in SANITIZER_WORDS:
            i = r.stderr.find(word)
            if i >= 0:
                problems.append("sanitizer report: " + r.stderr[
                    max(0, i - 200):i + 400].decode(errors="replace"))
                break
        return problems

    def memory(self, res, limit=None):
        limit = min(MEMORY_LIMIT, limit or MEMORY_LIMIT)
        if self.sanitized or res.rss < limit:
            return []
        return [f"peak RSS {res.rss / 2**20:.1f} MiB, limit "
                f"{limit / 2**20:.0f} MiB"]

    @staticmethod
    def exit_status(case, res):
        want = {"damaged": (2,), "clean": (0, 1),
                "either": (0, 1, 2)}[case.expect]
        if res.status not in want:
            return [f"exit status {res.status}, expected "
                    f"{' or '.join(map(str, want))}; stderr "
                    f"{res.stderr[:300]!r}"]
        return []

    @staticmethod
    def message(case, res):
        problems = []
        named = case.named or (case.paths if res.status == 2 else [])
        lines = res.stderr.split(b"\n")
        for path in named:
            prefix = b"rdpneg: " + escape_name(path) + b": "
            if not any(ln.startswith(prefix) and len(ln) > len(prefix)
                       for ln in lines):
                problems.append(f"no message {prefix.decode()!r}...; stderr "
                                f"{res.stderr[:400]!r}")
            problems += [f"libpcap's words first: {ln[:200]!r}"
                         for ln in lines if ln.startswith(prefix) and
                         ln[len(prefix):].startswith(LIBPCAP_OPENINGS)]
        if case.expect == "clean" and res.stderr:
            problems.append(f"stderr not empty: {res.stderr[:300]!r}")
        return problems

    def handshakes(self, case, res):
        try:
            got = res.jsonl()
        except ValueError as e:
            return {"handshakes": [f"report is not JSONL: {e}"],
                    "marked": [], "diagnosis": [], "tls": []}
        index = {}
        for a in got:
            index.setdefault((a["capture"], *(a[k] for k in IDENTITY)), a)
        problems, unmarked, diagnoses = [], [], []
        unseen = [f"{a['client']} -> {a['server']} first frame "
                  f"{a['first_frame']}: diagnosis {a['diagnosis']['id']} "
                  f"although {a['incomplete']}"
                  for a in got if (a["incomplete"] or "").startswith(
                      "request:") and a["diagnosis"]["id"] in NO_NEG_REQ]
        read_all = res.status in (0, 1)
        for e in expected_attempts(case, self.references):
            if e["required"] == "if_read" and not read_all:
                continue
            key = (e.get("capture", case.paths[0]), *(e[k] for k in IDENTITY))
            a = index.get(key)
            who = f"{e['client']} -> {e['server']} first frame " \
                  f"{e['first_frame']}"
            if a is None:
                problems.append(f"{who}: not reported")
                continue
            for k, v in e.items():
                if k not in META and k not in IDENTITY and a.get(k) != v:
                    problems.append(f"{who}: {k} {a.get(k)!r}, expected {v!r}")
            if "diagnosis" in e and a["diagnosis"]["id"] != e["diagnosis"]:
                diagnoses.append(f"{who}: diagnosis "
                                 f"{a['diagnosis']['id']}, expected "
                                 f"{e['diagnosis']}")
            if e.get("marked") and a["malformed"] is None and \
                    a["incomplete"] is None:
                unmarked.append(f"{who}: neither malformed nor incomplete "
                                f"(outcome {a['outcome']}, diagnosis "
                                f"{a['diagnosis']['id']})")
        return {"handshakes": problems, "marked": unmarked,
                "diagnosis": unseen, "tls": diagnoses}

    @staticmethod
    def printable(r):
        bad = sorted({b for b in r.stdout if (b < 0x20 and b != 0x0A)
                      or b >= 0x7F})
        return [f"bytes {bad} in the text report"] if bad else []

    @staticmethod
    def no_controls(r, fmt):
        """CSV, Markdown and HTML: valid UTF-8, no C0 or C1 control character or
        DEL but line ends (CR only before LF)."""
        try:
            text = r.stdout.decode("utf-8")
        except UnicodeDecodeError as e:
            return [f"{fmt} report is not UTF-8: {e}"]
        bad = sorted({f"U+{ord(c):04X}" for i, c in enumerate(text)
                      if (ord(c) < 0x20 and c != "\n" and
                          not (c == "\r" and text[i + 1:i + 2] == "\n"))
                      or 0x7F <= ord(c) <= 0x9F})
        return [f"{fmt} report holds {', '.join(bad)}"] if bad else []

    @staticmethod
    def jsonl_ascii(r):
        """README: ASCII-only JSON; only line feeds end lines, and no other
        control character is left raw where JSON must escape it (RFC 8259
        7: those below 0x20; DEL needs none)."""
        bad = sorted({b for b in r.stdout if (b < 0x20 and b != 0x0A)
                      or b >= 0x80})
        return [f"bytes {bad} in the JSONL report"] if bad else []


    @staticmethod
    def hostile_names(r, others):
        """The hostile client name and channel names (gen_hostile.py) in
        each report: JSONL's client_data holds the name as UTF-8 (a lone
        surrogate U+FFFD), JSON-escaped, and the channels escaped to
        printable ASCII (fmt_escape_text); CSV's client_name and
        client_channels the same escaped; the text, Markdown and HTML
        reports hold none of their raw bytes (printable, controls)."""
        name = expected_client_name(gen_hostile.HOSTILE_CLIENT_NAME)
        channels = [escape_name(c.split(b"\0")[0][:8]).decode()
                    for c in gen_hostile.HOSTILE_CHANNELS]
        problems = []
        try:
            seen = [a["client_data"] for a in r.jsonl()
                    if a.get("client_data")
                    and a["client_data"].get("name") != "host"
                    and "canary" not in str(a.get("cookie"))]
        except (ValueError, AttributeError):
            return ["JSONL report unreadable"]
        if not any(c.get("name") == name for c in seen):
            problems.append(f"JSONL: no client_data.name {name!r}")
        if not any(c.get("channels") == channels for c in seen):
            problems.append(f"JSONL: no client_data.channels {channels}")
        if "csv" in others:
            try:
                rows = list(csv.DictReader(io.StringIO(
                    others["csv"].stdout.decode("utf-8"))))
            except (UnicodeDecodeError, csv.Error) as e:
                return problems + [f"CSV report unreadable: {e}"]
            want = "|".join(channels)
            if not any(row.get("client_channels") == want for row in rows):
                problems.append(f"CSV: no client_channels {want!r}")
            if not any(row.get("client_name", "").startswith("\\x1b[31m")
                       for row in rows):
                problems.append("CSV: the client name not escaped")
        for fmt in ("text", "markdown", "html"):
            out = others.get(fmt)
            if out is not None and b"\x1b[31m" in out.stdout:
                problems.append(f"{fmt}: the raw client name")
        return problems


def expected_client_name(raw):
    """clientName as rdpneg decodes it (mcs.c utf16_to_utf8): UTF-16LE up
    to a NUL unit, lone surrogates U+FFFD, whole characters within 47
    bytes of UTF-8."""
    units = [raw[i] | raw[i + 1] << 8 for i in range(0, len(raw) - 1, 2)]
    out, i = "", 0
    while i < len(units) and units[i] != 0:
        u = units[i]
        if (0xD800 <= u <= 0xDBFF and i + 1 < len(units)
                and 0xDC00 <= units[i + 1] <= 0xDFFF):
            u = 0x10000 + ((u - 0xD800) << 10) + (units[i + 1] - 0xDC00)
            i += 1
        elif 0xD800 <= u <= 0xDFFF:
            u = 0xFFFD
        if len((out + chr(u)).encode()) >= 48:
            break
        out += chr(u)
        i += 1
    return out


#: Check labels, in the order they are printed.
CHECKS = [
    ("crash", "no crash, no sanitizer report"),
    ("time", "bounded time"),
    ("memory", "bounded memory"),
    ("status", "exit status"),
    ("message", "message on standard error"),
    ("handshakes", "handshakes before the damage still reported"),
    ("marked", "broken PDU reported malformed or incomplete"),
    ("diagnosis", "no diagnosis claims a request that was not decoded"),
    ("tls", "each hostile TLS session gets its diagnosis"),
    ("printable", "text report printable ASCII"),
    ("controls", "CSV and Markdown reports: UTF-8, no control character"),
    ("ascii", "JSONL report ASCII, controls escaped"),
    ("escaped", "hostile client and channel names escaped in every report"),
]

def record_family(tally, checker, family, summaries):
    """Record the checks of one family of cases."""
    n = len(summaries)
    label = f"{family} ({n} run{'s' if n > 1 else ''})"
    for key, text in CHECKS:
        if not any(key in s.problems for s in summaries):
            continue
        if key == "time":
            text += (f" (slowest {max(s.seconds for s in summaries):.2f} s, "
                     f"timeout {checker.timeout} s)")
        if key == "memory":
            peak = max(s.rss for s in summaries) / 2**20
            tight = [s.case for s in summaries if s.case.max_rss]
            limit = "only reported under ASan" if checker.sanitized else \
                f"limit {MEMORY_LIMIT / 2**20:.0f} MiB" + "".join(
                    f", {c.name} {c.max_rss / 2**20:.0f} MiB "
                    f"({next(s for s in summaries if s.case is c).rss / 2**20:.1f})"
                    for c in tight)
            floor = checker.runner.floor()
            if floor:
                limit += (f"; without GNU time an upper bound that may "
                          f"include this script's own {floor / 2**20:.1f} MiB")
            text += f" (peak RSS {peak:.1f} MiB, {limit})"
        tally.record(f"{label}: {text}",
                     [f"{s.case.name}: {p}" for s in summaries
                      for p in s.problems.get(key, [])])


def load_cases(root, seed):
    """Build the set with gen_hostile.py in a child process (so that this
    process stays small, see Runner) and read its manifest."""
    subprocess.run([sys.executable, str(HERE / "gen_hostile.py"), "--seed",
                    str(seed), str(root)], check=True,
                   stdout=subprocess.DEVNULL)
    with open(root / "manifest.json") as f:
        return [gen_hostile.Case(**c) for c in json.load(f)]


def restrict(root, cases):
    """Make the tree readable by anyone, then lock the unreadable files."""
    for dirpath, _, filenames in os.walk(root):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o644)
    for case in cases:
        if case.as_nobody:
            for path in case.named:
                os.chmod(path, gen_hostile.UNREADABLE[os.path.basename(path)])


def unlock(cases):
    """Undo restrict() so that the tree can be removed."""
    for case in cases:
        if case.as_nobody:
            for path in case.named:
                if os.path.lexists(path):
                    os.chmod(path, 0o755)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rdpneg", required=True, help="rdpneg binary")
    parser.add_argument("--seed", type=int, default=gen_hostile.DEFAULT_SEED)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2,
                        help="runs at once (default: the number of cores)")
    parser.add_argument("--keep", type=Path,
                        help="build the set in this directory and keep it")
    args = parser.parse_args()

    rdpneg = str(Path(args.rdpneg).resolve())
    sanitized = is_sanitized(rdpneg)
    setpriv = shutil.which("setpriv")
    runner = Runner(TIMEOUT[sanitized])
    checker = Checker(rdpneg, sanitized, setpriv, runner)
    tally = Tally()
    started = time.monotonic()
    tmp = None
    cases = []
    if args.keep:
        root = args.keep.resolve()
        root.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="rdpneg-hostile-")
        root = Path(tmp.name)
    try:
        cases = load_cases(root, args.seed)
        print(f"# {len(cases)} cases generated in "
              f"{time.monotonic() - started:.1f} s under {root}; "
              f"{'sanitizer' if sanitized else 'normal'} build, "
              f"{args.jobs} jobs, peak RSS by "
              f"{'GNU time' if runner.time else 'wait4 (upper bound)'}")
        restrict(root, cases)
        runnable = []
        for c in cases:
            if c.as_nobody and os.geteuid() == 0 and setpriv is None:
                print(f"skip {c.family}: running as root and setpriv is not "
                      "installed, so no file can be made unreadable")
            else:
                runnable.append(c)
        refs = [c for c in runnable if c.family == "intact references"]
        others = [c for c in runnable if c.family != "intact references"]
        summaries = [checker.reference(c) for c in refs]
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            summaries += list(pool.map(checker.evaluate, others))
    finally:
        unlock(cases)
        if tmp is not None:
            tmp.cleanup()
    families = {}
    for s in summaries:
        families.setdefault(s.case.family, []).append(s)
    for family, group in families.items():
        record_family(tally, checker, family, group)
    tally.record("intact references: each report has attempts",
                 [f"{path}: no attempts" for path, got in
                  checker.references.items() if not got])
    print(f"# {len(summaries)} cases run in {time.monotonic() - started:.1f} s")
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
