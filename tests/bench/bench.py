#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench.py - rdpneg against the floor (libpcap reading every packet),
tcpdump and tshark on the same generated capture; how time and memory
scale with the capture's size; a SYN flood; a batch with -j 1 and -j 2.

  python3 tests/bench/bench.py [--size 1G] [--scale 100M,1G,4G]
      [--runs 3] [--work /tmp/rdpneg-bench] [--skip scale,flood,batch]

Builds a release rdpneg and tests/bench/pcap_floor with CMake in
build-bench/ (RDPNEG_BENCH=ON, -Werror), installs tcpdump and tshark with
apt-get when they are missing (as root), generates the captures with
gen_bench.py under --work (kept for later runs: same seed, same bytes),
reads each file once before timing it (warm page cache), and takes the
best wall time of --runs runs for every command but tshark (one run),
the floor, tcpdump and rdpneg taking turns.
Wall time comes from the clock, CPU time (user + system) from wait4()
and peak RSS from /usr/bin/time (package time).

Exits 1 when rdpneg's counts differ from the ground truth, when the
flood's overflow is not reported, or (with --strict) when a target is
missed; 0 otherwise.
"""
import argparse
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GEN = os.path.join(HERE, "gen_bench.py")
PORT = 3390			# the generator's non-standard port
MIB = 1 << 20
TIME = "/usr/bin/time"

TARGET_RATIO = 1.2		# rdpneg wall / floor wall, on --size
TARGET_RSS = 24 * MIB		# rdpneg peak RSS, on --size
TARGET_BATCH = 1.8		# -j 1 wall / -j 2 wall
TARGET_MARKDOWN = 256 << 10	# bytes of the Markdown report (README)


def parse_size(s):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    s = s.strip().upper().rstrip("B")
    return int(float(s[:-1]) * units[s[-1]]) if s[-1] in units else int(s)


def size_name(n):
    return "%dG" % (n >> 30) if n % (1 << 30) == 0 else "%dM" % (n >> 20)


def run(cmd, out=subprocess.DEVNULL, err=subprocess.DEVNULL):
    """Wall seconds, CPU seconds, peak RSS bytes and exit status.

    The peak RSS comes from /usr/bin/time: a child forked from this
    Python process would count Python's pages as its own until exec."""
    with tempfile.NamedTemporaryFile("r") as rss:
        t0 = time.perf_counter()
        p = subprocess.Popen([TIME, "-f", "%M", "-o", rss.name] + cmd,
                             stdout=out, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        kib = int(rss.read().split()[-1])
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime,
            "rss": kib * 1024, "status": os.waitstatus_to_exitcode(status)}


def best(cmd, runs, **kw):
    """The run with the lowest wall time."""
    results = [run(cmd, **kw) for _ in range(runs)]
    return min(results, key=lambda r: r["wall"])


def best_of_each(cmds, runs):
    """Each command's best run, the commands taking turns: a machine whose
    load changes over time weighs on all of them alike."""
    results = [[] for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            results[i].append(run(cmd))
    return [min(r, key=lambda x: x["wall"]) for r in results]


def warm(*paths):
    for path in paths:
        with open(path, "rb") as f:
            while f.read(1 << 24):
                pass


def machine():
    model, cores = "?", os.cpu_count()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) * 1024
    load = os.getloadavg()
    return "%s, %d cores, %.1f GiB RAM, load %.2f %.2f %.2f" % (
        model, cores, mem / (1 << 30), *load)


def ensure_tools():
    missing = [t for t in ("tcpdump", "tshark") if shutil.which(t) is None]
    if not os.path.exists(TIME):
        missing.append("time")
    if missing and os.geteuid() == 0:
        print("installing", " ".join(missing), flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq"] + missing,
                       check=True, env=env)
    return {t: shutil.which(t) for t in ("tcpdump", "tshark")}


def build(builddir):
    subprocess.run(["cmake", "-S", ROOT, "-B", builddir,
                    "-DCMAKE_BUILD_TYPE=Release", "-DRDPNEG_BENCH=ON",
                    "-DRDPNEG_TESTS=OFF", "-DRDPNEG_WERROR=ON"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", builddir, "-j", str(os.cpu_count()),
                    "--target", "rdpneg_cli", "pcap_floor"], check=True,
                   stdout=subprocess.DEVNULL)
    return (os.path.join(builddir, "analyzer", "rdpneg"),
            os.path.join(builddir, "tests", "bench", "pcap_floor"))


def capture(work, size, seed=1, extra=()):
    """Generate (once) a capture of size bytes; its path and truth."""
    name = "bench-%s-s%d%s.pcap" % (size_name(size), seed,
                                    "".join(extra).replace("-", ""))
    path = os.path.join(work, name)
    if not os.path.exists(path + ".truth.json"):
        print("generating", path, flush=True)
        subprocess.run([sys.executable, GEN, "--size", str(size), "--seed",
                        str(seed), *extra, path], check=True)
    with open(path + ".truth.json") as f:
        return path, json.load(f)


def server_address(server):
    """The address of a summary's "server" ("a.b.c.d:port", "[v6]:port")."""
    return ipaddress.ip_address(server.rsplit(":", 1)[0].strip("[]"))


def counts(summary_jsonl, tls_nets=()):
    """Attempts, outcomes and failure names summed over the servers, and
    the diagnoses summed over the servers in tls_nets (the generator's
    TLS sessions have servers of their own)."""
    total, outcomes, failures, tls = 0, {}, {}, {}
    nets = [ipaddress.ip_network(n) for n in tls_nets]
    with open(summary_jsonl) as f:
        for line in f:
            d = json.loads(line)
            total += d["attempts"]
            for k, v in d["outcomes"].items():
                outcomes[k] = outcomes.get(k, 0) + v
            for k, v in d["failures"].items():
                failures[k] = failures.get(k, 0) + v
            addr = server_address(d["server"])
            if any(addr in n for n in nets):
                for k, v in d["diagnoses"].items():
                    tls[k] = tls.get(k, 0) + v
    return total, outcomes, failures, tls


def check_counts(rdpneg, path, truth, work):
    out = os.path.join(work, "summary.jsonl")
    with open(out, "w") as f:
        run([rdpneg, "-q", "-p", str(PORT), "--summary", "-f", "jsonl",
             path], out=f)
    # Captures generated before the TLS sessions have no "tls" truth (the
    # sessions that go on after the negotiation: TLS, and Standard RDP
    # Security since issue 15).
    tls = truth.get("tls", {})
    got = counts(out, tls.get("servers", ()))
    want = (truth["attempts"], truth["outcomes"], truth["failures"],
            tls.get("diagnoses", {}))
    if got == want:
        print("counts: %d attempts, outcomes and failure codes equal the "
              "ground truth%s" % (got[0], "; so do the diagnoses of the "
                                  "%d TLS and Standard-security sessions (%s)" % (
                                      sum(got[3].values()), ", ".join(
                                          "%s %d" % kv for kv in
                                          sorted(got[3].items())))
                                  if tls else ""))
        return True
    print("counts DIFFER from the ground truth:\n  rdpneg %r\n  truth  %r"
          % (got, want))
    return False


def check_markdown(rdpneg, path, truth, work):
    """The ticket report's size: bounded by the distinct problems."""
    out = os.path.join(work, "report.md")
    run([rdpneg, "-q", "-p", str(PORT), "-f", "markdown", "-o", out, path])
    size = os.path.getsize(out)
    with open(out) as f:
        sections = sum(line.startswith("### ") and ". " in line[:10]
                       for line in f)
    print("markdown report: %d bytes for %d attempts, %d sections; %.0f "
          "bytes per attempt, %.0f per section (target <= %d KiB: %s)" % (
              size, truth["attempts"], sections, size / max(1,
                                                            truth["attempts"]),
              size / max(1, sections), TARGET_MARKDOWN >> 10,
              "met" if size <= TARGET_MARKDOWN else "MISSED"))
    return size <= TARGET_MARKDOWN


def row(name, r, size):
    print("%-34s %8.2f s %8.2f s %9.1f MiB %7.0f MB/s" % (
        name, r["wall"], r["cpu"], r["rss"] / MIB, size / 1e6 / r["wall"]))


def header():
    print("%-34s %10s %10s %13s %12s" % ("", "wall", "cpu", "peak RSS",
                                        "throughput"))


def rdpneg_cmd(rdpneg, path, out_path):
    return [rdpneg, "-q", "-p", str(PORT), "-o", out_path, path]


def bench_main(args, rdpneg, floor, tools, ok):
    path, truth = capture(args.work, args.size)
    size = os.path.getsize(path)
    report = os.path.join(args.work, "report.txt")
    print("\n== %s: %d bytes, %d packets, %d RDP attempts" % (
        os.path.basename(path), size, truth["packets"], truth["attempts"]))
    warm(path)
    results = {}
    header()
    # The floor is libpcap as it opens a file by itself (stdio's default
    # buffer); the buffered floor opens it as rdpneg does (a 256 KiB stdio
    # buffer), so rdpneg/buffered floor is the analysis's own cost.
    names = ["floor", "floor-b", "rdpneg"]
    cmds = [[floor, path], [floor, "-b", path],
            rdpneg_cmd(rdpneg, path, report)]
    if tools["tcpdump"]:
        names.append("tcpdump")
        cmds.append([tools["tcpdump"], "-r", path, "-w", "/dev/null",
                     "tcp port 3389"])
    results.update(zip(names, best_of_each(cmds, args.runs)))
    row("floor (libpcap read loop)", results["floor"], size)
    row("floor, 256 KiB stdio buffer", results["floor-b"], size)
    if "tcpdump" in results:
        row("tcpdump 'tcp port 3389'", results["tcpdump"], size)
    row("rdpneg (text report)", results["rdpneg"], size)
    if tools["tshark"] and "tshark" not in args.skip:
        results["tshark"] = run([tools["tshark"], "-n", "-r", path, "-o",
                                 "tcp.reassemble_out_of_order:TRUE", "-d",
                                 "tcp.port==%d,tpkt" % PORT, "-Y",
                                 "rdp.negFailure.failureCode"])
        row("tshark -Y rdp.negFailure (1 run)", results["tshark"], size)
    f, r = results["floor"], results["rdpneg"]
    ratio = r["wall"] / f["wall"]
    print("rdpneg/floor wall %.2f (target <= %.1f: %s), peak RSS %.1f MiB "
          "(target <= %d: %s)" % (
              ratio, TARGET_RATIO, "met" if ratio <= TARGET_RATIO else
              "MISSED", r["rss"] / MIB, TARGET_RSS // MIB, "met" if
              r["rss"] <= TARGET_RSS else "MISSED"))
    print("rdpneg/buffered floor wall %.2f" % (
        r["wall"] / results["floor-b"]["wall"]))
    if "tshark" in results:
        print("tshark/rdpneg wall %.1f, peak RSS %.1f" % (
            results["tshark"]["wall"] / r["wall"],
            results["tshark"]["rss"] / r["rss"]))
    ok["counts"] = check_counts(rdpneg, path, truth, args.work)
    ok["markdown"] = check_markdown(rdpneg, path, truth, args.work)
    ok["ratio"] = ratio <= TARGET_RATIO
    ok["rss"] = r["rss"] <= TARGET_RSS


def bench_scale(args, rdpneg, floor, ok):
    print("\n== scaling: floor and rdpneg by capture size")
    print("%-6s %10s %10s %10s %12s %10s %8s %7s" % (
        "size", "packets", "floor", "rdpneg", "rdpneg cpu", "ns/byte",
        "ratio", "RSS"))
    rss = []
    for size in args.scale:
        path, truth = capture(args.work, size)
        report = os.path.join(args.work, "report.txt")
        warm(path)
        f, r = best_of_each([[floor, path],
                             rdpneg_cmd(rdpneg, path, report)], args.runs)
        n = os.path.getsize(path)
        rss.append(r["rss"])
        print("%-6s %10d %8.2f s %8.2f s %10.2f s %10.3f %8.2f %5.1f MiB" %
              (size_name(size), truth["packets"], f["wall"], r["wall"],
               r["cpu"], r["wall"] * 1e9 / n, r["wall"] / f["wall"],
               r["rss"] / MIB))
        ok["counts"] = check_counts(rdpneg, path, truth, args.work) and \
            ok.get("counts", True)
    # Flat: what the sizes add stays within a quarter of the smallest
    # run's memory (2 MiB at least), whatever the size.
    ok["flat"] = max(rss) - min(rss) <= max(2 * MIB, min(rss) // 4)
    print("peak RSS from %.1f to %.1f MiB: %s" % (
        min(rss) / MIB, max(rss) / MIB, "flat" if ok["flat"] else
        "GROWS"))


def bench_flood(args, rdpneg, ok):
    print("\n== SYN flood: %d connection attempts never answered" %
          args.flood)
    path, truth = capture(args.work, 0, extra=("--flood", str(args.flood)))
    warm(path)
    err = os.path.join(args.work, "flood.err")
    report = os.path.join(args.work, "flood.txt")
    with open(err, "w") as e:
        r = run([rdpneg, "-q", "-o", report, path], err=e)
    row("rdpneg (text report)", r, os.path.getsize(path))
    with open(err) as e:
        warning = e.read().strip()
    with open(report) as f:
        notes = [l.strip() for l in f if l.startswith("note:")]
    print("stderr: %s\nreport: %s" % (warning, "; ".join(notes)))
    ok["flood"] = "not tracked" in warning and any("not tracked" in n
                                                   for n in notes)
    print("overflow reported: %s; peak RSS %.1f MiB for a table of 65536" %
          ("yes" if ok["flood"] else "NO", r["rss"] / MIB))


def streams_wall(streams, ok_status=(0,)):
    """Wall seconds to run each list of commands in turn, lists at once;
    any exit status outside ok_status is an error."""
    failed = []

    def stream(cmds):
        for cmd in cmds:
            if subprocess.run(cmd, stdout=subprocess.DEVNULL).returncode \
                    not in ok_status:
                failed.append(" ".join(cmd))
    t0 = time.perf_counter()
    threads = [threading.Thread(target=stream, args=(s,)) for s in streams]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failed:
        raise SystemExit("failed: %s" % failed[0])
    return time.perf_counter() - t0


def bench_batch(args, rdpneg, floor, ok):
    print("\n== batch: a directory of 8 captures of %s, -j 1 and -j 2" %
          size_name(args.batch_size))
    d = os.path.join(args.work, "batch-%s" % size_name(args.batch_size))
    os.makedirs(d, exist_ok=True)
    for seed in range(1, 9):
        path, _ = capture(args.work, args.batch_size, seed)
        link = os.path.join(d, os.path.basename(path))
        if not os.path.exists(link):
            os.symlink(path, link)
        warm(path)
    report = os.path.join(args.work, "batch.txt")
    header()
    r = {}
    # The text report, as users run it; then the analysis alone
    # (--summary): the report is written on one thread, in order.
    for summary in ("", "--summary"):
        for jobs in (1, 2):
            cmd = [rdpneg, "-q", "-j", str(jobs), "-p", str(PORT), "-o",
                   report, d]
            if summary:
                cmd.insert(1, summary)
            r[summary, jobs] = best(cmd, args.runs)
            row("rdpneg -j %d %s" % (jobs, summary or "(text report)"),
                r[summary, jobs], 8 * args.batch_size)
    # What the machine gives the floor itself: the 8 files one after the
    # other, then as two streams of 4 at once.
    files = sorted(os.path.join(d, f) for f in os.listdir(d))
    halves = [files[0::2], files[1::2]]
    seq = min(streams_wall([[[floor, f] for f in files]])
              for _ in range(args.runs))
    par = min(streams_wall([[[floor, f] for f in h] for h in halves])
              for _ in range(args.runs))
    print("floor over the 8 files: %.2f s in one stream, %.2f s in two "
          "(%.2fx)" % (seq, par, seq / par))
    # And what it gives rdpneg with nothing shared: two processes, each
    # over 4 of the files (--summary, -j 1), at once.  -j 2 does the same
    # with two threads of one process; what keeps both from twice the
    # speed of -j 1 is the machine's, not rdpneg's sharing of the work.
    # (rdpneg exits 1 when it found failed handshakes)
    two = min(streams_wall([[[rdpneg, "-q", "--summary", "-j", "1", "-p",
                              str(PORT), "-o", os.devnull, *h]]
                            for h in halves], (0, 1))
              for _ in range(args.runs))
    print("two rdpneg --summary -j 1 processes over 4 files each, at once: "
          "%.2f s (%.2fx -j 1 --summary, -j 2 --summary %.2f s)" % (
              two, r["--summary", 1]["wall"] / two,
              r["--summary", 2]["wall"]))
    speedup = r["", 1]["wall"] / r["", 2]["wall"]
    ok["batch"] = speedup >= TARGET_BATCH
    print("-j 2 is %.2fx faster than -j 1 (target >= %.1f: %s); %.2fx "
          "with --summary" % (speedup, TARGET_BATCH, "met" if ok["batch"]
                              else "MISSED", r["--summary", 1]["wall"] /
                              r["--summary", 2]["wall"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=parse_size, default=parse_size("1G"))
    ap.add_argument("--scale", default="100M,1G,4G",
                    help="sizes for the scaling table (default 100M,1G,4G)")
    ap.add_argument("--flood", type=int, default=1000000)
    ap.add_argument("--batch-size", type=parse_size,
                    default=parse_size("256M"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/tmp/rdpneg-bench",
                    help="where captures are generated and kept")
    ap.add_argument("--build", default=os.path.join(ROOT, "build-bench"))
    ap.add_argument("--skip", default="",
                    help="comma-separated: tshark, scale, flood, batch")
    ap.add_argument("--strict", action="store_true",
                    help="also exit 1 when a performance target is missed")
    args = ap.parse_args()
    args.scale = [parse_size(s) for s in args.scale.split(",") if s]
    args.skip = set(args.skip.split(","))
    os.makedirs(args.work, exist_ok=True)

    tools = ensure_tools()
    rdpneg, floor = build(args.build)
    print("machine: %s" % machine())
    ok = {}
    bench_main(args, rdpneg, floor, tools, ok)
    if "scale" not in args.skip:
        bench_scale(args, rdpneg, floor, ok)
    if "flood" not in args.skip:
        bench_flood(args, rdpneg, ok)
    if "batch" not in args.skip:
        bench_batch(args, rdpneg, floor, ok)
    print("\nmachine after: %s" % machine())
    failed = [k for k in ("counts", "flood", "markdown")
              if not ok.get(k, True)]
    missed = [k for k in ("ratio", "rss", "flat", "batch")
              if not ok.get(k, True)]
    print("targets missed: %s" % (", ".join(missed) or "none"))
    if failed or (args.strict and missed):
        print("FAILED: %s" % ", ".join(failed + missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
