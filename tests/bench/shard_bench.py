#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""shard_bench.py - sharded runs against one run, measured in one run.

  shard_bench.py [--files 8] [--size 128M] [--jobs 2] [--runs 3]
                 [--work /tmp/rdpneg-shard-bench] [--rdpneg PATH]

Over FILES generated captures of SIZE each (tests/bench/gen_bench.py, made
once under WORK), it times, alternating RUNS times and keeping the best:

  baseline  rdpneg -j JOBS -f FORMAT DIR                (one process)
  sharded   JOBS shards through GNU parallel -j JOBS (rdpneg --shard
            auto -j 1, PARALLEL_SEQ and RDPNEG_SHARD_COUNT; --no-sha256
            for the text report, which lists no hashes), then
            rdpneg merge -f FORMAT

for the text and Markdown formats, and prints sharded / baseline (target:
at most 1.1).  Then the merge alone over those shards' outputs, plain and
gzip, with -a -f jsonl (the most it writes) and -f text: MB of JSONL read
per second (target: at least 200).  Every merged report is checked to
equal the baseline's byte for byte.  Not part of ctest: timing, not a
test of behaviour.
"""
import argparse
import glob
import gzip
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")


def parse_size(s):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(s[:-1]) * units[s[-1]] if s[-1] in units else int(s)


def timed(argv, env=None, ok=(0, 1, 2, 3)):
    e = dict(os.environ)
    e.update(env or {})
    t = time.perf_counter()
    p = subprocess.run(argv, env=e, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    dt = time.perf_counter() - t
    if p.returncode not in ok:
        sys.exit("%s: exit %d: %s" % (argv[:3], p.returncode,
                                      p.stderr.decode(errors="replace")))
    return dt


def generate(work, files, size):
    d = os.path.join(work, "captures-%d-%d" % (files, size))
    if os.path.isdir(d) and len(glob.glob(os.path.join(d, "*.pcap"))) == \
            files:
        return d
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for i in range(files):
        out = os.path.join(d, "bench-%02d.pcap" % i)
        # Sizes vary around SIZE (0.4x to 1.6x) so that dealing by bytes
        # matters; the total stays about FILES x SIZE.
        part = size * (2 + 2 * (i % 4)) // 5
        subprocess.run([sys.executable, os.path.join(HERE, "gen_bench.py"),
                        "--size", str(part), "--seed", str(i + 1),
                        "--port", "3389", out], check=True,
                       stdout=subprocess.DEVNULL)
        os.remove(out + ".truth.json")
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=8)
    ap.add_argument("--size", type=parse_size, default=parse_size("128M"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/tmp/rdpneg-shard-bench")
    ap.add_argument("--rdpneg", default=os.path.join(ROOT, "build",
                                                     "analyzer", "rdpneg"))
    args = ap.parse_args()
    r, n = args.rdpneg, args.jobs
    parallel = shutil.which("parallel")
    if parallel is None:
        sys.exit("GNU parallel is needed: apt-get install parallel")
    os.makedirs(args.work, exist_ok=True)
    caps = generate(args.work, args.files, args.size)
    total = sum(os.path.getsize(f) for f in glob.glob(caps + "/*.pcap"))
    shards = os.path.join(args.work, "shards")
    print("%d captures, %.0f MiB in all, %d jobs, best of %d" %
          (args.files, total / 2**20, n, args.runs))
    failed = False

    def make_shards(suffix, extra=()):
        shutil.rmtree(shards, ignore_errors=True)
        os.makedirs(shards)
        return timed([parallel, "--will-cite", "-j", str(n), r, "--shard",
                      "auto", *extra, "-j", "1", "-q", "-o",
                      os.path.join(shards, "s-{#}.jsonl" + suffix), caps,
                      ":::", *[str(k) for k in range(1, n + 1)]],
                     env={"RDPNEG_SHARD_COUNT": str(n)},
                     ok=range(0, n + 1))  # jobs that exited non-zero:
        # 1 and 3 are findings; the merge refuses a shard not whole.

    for fmt in ("text", "markdown"):
        base = os.path.join(args.work, "single." + fmt)
        merged = os.path.join(args.work, "merged." + fmt)
        best_a = best_b = best_s = best_m = float("inf")
        for _ in range(args.runs):
            a = timed([r, "-j", str(n), "-q", "-f", fmt, "-o", base, caps])
            # A text report needs no hashes: neither does its run.
            s = make_shards("", ["--no-sha256"] if fmt == "text" else [])
            m = timed([r, "merge", "-f", fmt, "-o", merged,
                       *sorted(glob.glob(shards + "/s-*.jsonl"))])
            best_a, best_s, best_m = min(best_a, a), min(best_s, s), \
                min(best_m, m)
            best_b = min(best_b, s + m)
        with open(base, "rb") as x, open(merged, "rb") as y:
            same = x.read() == y.read()
        failed |= not same
        ratio = best_b / best_a
        print("-f %-8s one run -j %d %.2f s; %d shards %.2f s + merge "
              "%.2f s = %.2f s; ratio %.2f (target <= 1.1)%s" %
              (fmt, n, best_a, n, best_s, best_m, best_b, ratio,
               "" if same else "  MERGE DIFFERS"))
    for suffix in ("", ".gz"):
        make_shards(suffix)
        files = sorted(glob.glob(shards + "/s-*.jsonl" + suffix))
        size = sum(os.path.getsize(f) for f in files)
        plain = size if not suffix else sum(
            int(subprocess.run("gzip -dc %s | wc -c" % f, shell=True,
                               capture_output=True).stdout) for f in files)
        attempts = 0
        for f in files:
            with (gzip.open(f, "rt") if suffix else open(f)) as fh:
                attempts += sum(1 for line in fh
                                if line.startswith('{"type":"attempt"'))
        records = os.path.join(args.work, "records.jsonl")
        for fmt, extra in (("jsonl", ["-a"]), ("text", [])):
            best = min(timed([r, "merge", "-f", fmt, *extra, "-o",
                              records if fmt == "jsonl" else os.devnull,
                              *files])
                       for _ in range(args.runs))
            print("merge -f %s %s of %s shards (%.0f MB JSONL%s, %d attempts):"
                  " %.2f s, %.0f MB/s of JSONL, %.0f k attempts/s "
                  "(target >= 200 MB/s)" %
                  (fmt, " ".join(extra), "gzip" if suffix else "plain",
                   plain / 1e6, ", %.0f MB on disk" % (size / 1e6)
                   if suffix else "", attempts, best, plain / 1e6 / best,
                   attempts / 1e3 / best))
        print("  (the same attempts as -f jsonl -a records: %.0f MB)" %
              (os.path.getsize(records) / 1e6))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
