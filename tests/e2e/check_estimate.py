#!/usr/bin/env python3
"""A SYN flood's distinct clients: estimated, close, and merged as one run.

Three SYN floods of 200,000 sources each (tests/bench/gen_bench.py
--flood, seeds 1 to 3) in one directory, tracked whole (--max-connections):
past 65,536 distinct clients a server's count is a HyperLogLog estimate
(analyzer/report/keyset.c), so the text summary must say "about N clients
(estimated)" and N must be within 3 % of the distinct sources in the
captures (the sketch's standard error is 0.81 %), for one flood and for
the three.  Then the directory in three shards, one flood each, merged:
the estimates must be the single run's, byte for byte, in every format
with --summary and in the Markdown report.
Prints one line per check and a closing "N passed, N failed" line.
"""

import argparse
import re
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tally import Tally  # noqa: E402

GEN = Path(__file__).resolve().parents[1] / "bench" / "gen_bench.py"
SOURCES = 200000
TRACKED = ["--max-connections", "1048576"]
SERVER = "198.18.0.1:3389"
SERVER_RE = re.compile(r"^  " + re.escape(SERVER) + r"  .*; about ([0-9,]+) "
                       r"clients \(estimated\), ", re.M)
MERGED = [("text", ["--summary"]), ("markdown", ["--summary"]),
          ("html", ["--summary"]), ("jsonl", ["--summary"]),
          ("markdown", [])]


def sources(pcap):
    """The distinct IPv4 source addresses of a pcap of Ethernet frames."""
    seen = set()
    with open(pcap, "rb") as f:
        f.read(24)
        while len(header := f.read(16)) == 16:
            frame = f.read(struct.unpack("<IIII", header)[2])
            seen.add(frame[26:30])
    return seen


def run(rdpneg, *argvs):
    """The outputs of rdpneg with each argv, run side by side."""
    procs = [subprocess.Popen([rdpneg, *argv], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL) for argv in argvs]
    return [p.communicate()[0] for p in procs]


def estimate(tally, text, truth, name):
    """The text summary's estimate for SERVER against truth."""
    m = SERVER_RE.search(text.decode())
    if m is None:
        tally.record(name, [f"no estimate for {SERVER} in {text[:400]!r}"])
        return
    n = int(m.group(1).replace(",", ""))
    err = (n - truth) / truth
    tally.record(f"{name}: about {n} clients for {truth} ({err:+.2%})",
                 [] if abs(err) < 0.03 else ["more than 3 % off"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rdpneg", required=True)
    args = parser.parse_args()
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        floods = Path(tmp) / "floods"
        floods.mkdir()
        paths = [floods / f"flood-{seed}.pcap" for seed in (1, 2, 3)]
        for seed, path in enumerate(paths, 1):
            subprocess.run([sys.executable, str(GEN), "--flood",
                            str(SOURCES), "--seed", str(seed), str(path)],
                           check=True, capture_output=True)
        seen = [sources(p) for p in paths]
        estimate(tally, run(args.rdpneg, ["-q", "-f", "text", "--summary",
                                          *TRACKED, str(paths[0])])[0],
                 len(seen[0]), "one flood")

        # The shards side by side: one flood each, two cores.
        shards = [str(Path(tmp) / f"s{k}.jsonl.gz") for k in (1, 2, 3)]
        jobs = [subprocess.Popen([args.rdpneg, "--shard", f"{k}/3", "-q",
                                  *TRACKED, "-o", shards[k - 1],
                                  str(floods)],
                                 stderr=subprocess.PIPE)
                for k in (1, 2, 3)]
        for k, job in enumerate(jobs, 1):
            err = job.communicate()[1]
            tally.record(f"shard {k}/3", [] if job.returncode in (0, 1) else
                         [f"exit {job.returncode}: {err[-400:]!r}"])
        for fmt, options in MERGED:
            one, merged = run(args.rdpneg,
                              ["-q", "-f", fmt, *options, *TRACKED,
                               str(floods)],
                              ["merge", "-f", fmt, *options, *shards])
            if fmt == "text":
                estimate(tally, one, len(set().union(*seen)),
                         "three floods")
            problems = [] if one == merged else [
                f"differs from one run ({len(merged)} vs {len(one)} bytes)"]
            if b"(estimated)" not in one and \
                    b'"clients_estimated":true' not in one:
                problems.append("no estimate marked")
            tally.record(" ".join(["merge -f", fmt, *options]), problems)
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
