#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check_shards.py - sharded runs (rdpneg --shard, rdpneg merge) against one
run over the same inputs.

  check_shards.py --rdpneg RDPNEG [--parallel PARALLEL] [--generate N]
                  [--public DIR] CAPTURES

For each input set (CAPTURES; DIR; N generated captures of varied sizes
made by tests/bench/gen_bench.py), and for several shard counts, the shards
are made (through GNU parallel when --parallel is given, each shard taking
its number from PARALLEL_SEQ with --shard auto; else one by one), then
merged in every format, with --summary and with -a: the merge must be the
single run's report byte for byte, with its exit status.  Without
--parallel it also checks the selection (--list-shard: a partition of the
list, the same whatever the order of the arguments, balanced by bytes, K
and N from each scheduler's variables) and that the merge refuses a
missing, duplicated, foreign, truncated, damaged or interrupted shard with
a message naming the file.
"""
import argparse
import gzip
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "..", "bench", "gen_bench.py")
FORMATS = ["text", "jsonl", "csv", "markdown", "html"]
VARIANTS = [[], ["--summary"], ["-a"]]

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)
    return ok


def run(argv, env=None, **kw):
    e = dict(os.environ)
    for k in ("RDPNEG_SHARD_INDEX", "RDPNEG_SHARD_COUNT",
              "JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID",
              "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT",
              "PARALLEL_SEQ"):
        e.pop(k, None)
    e.update(env or {})
    return subprocess.run(argv, env=e, capture_output=True, **kw)


def make_shards(rdpneg, parallel, n, inputs, out, extra=()):
    """Shard outputs out/shard-K.jsonl.gz, K = 1..n; their paths."""
    paths = [os.path.join(out, "shard-%d.jsonl.gz" % k)
             for k in range(1, n + 1)]
    if parallel:
        # GNU parallel numbers its jobs 1..n in PARALLEL_SEQ.
        log = os.path.join(out, "joblog")
        cmd = [parallel, "--will-cite", "--halt", "never", "-j", "2",
               "--joblog", log,
               rdpneg, "--shard", "auto", "-q", *extra, "-o",
               os.path.join(out, "shard-{#}.jsonl.gz"), *inputs,
               ":::", *[str(k) for k in range(1, n + 1)]]
        p = run(cmd, env={"RDPNEG_SHARD_COUNT": str(n)})
        # parallel's status counts the jobs that did not exit 0; rdpneg
        # exits 1 or 3 for findings and 2 for an unreadable capture, which
        # still make a whole shard: each job's status is in the log.
        with open(log) as f:
            rows = [line.split("\t") for line in f.read().splitlines()[1:]]
        check(len(rows) == n and all(r[6] in ("0", "1", "2", "3")
                                     for r in rows),
              "parallel: jobs %r, stderr %r" % (rows, p.stderr))
    else:
        for k in range(1, n + 1):
            p = run([rdpneg, "--shard", "%d/%d" % (k, n), "-q", *extra,
                     "-o", paths[k - 1], *inputs])
            check(p.returncode in (0, 1, 2, 3), "shard %d/%d: status %d %r"
                  % (k, n, p.returncode, p.stderr))
    for p in paths:
        check(os.path.exists(p), "%s was not written" % p)
    return paths


def compare(rdpneg, shards, inputs, label, tmp):
    single = os.path.join(tmp, "single")
    merged = os.path.join(tmp, "merged")
    same = 0
    for fmt in FORMATS:
        for v in VARIANTS:
            a = run([rdpneg, "-q", "-f", fmt, *v, "-o", single, *inputs])
            b = run([rdpneg, "merge", "-f", fmt, *v, "-o", merged, *shards])
            with open(single, "rb") as f:
                x = f.read()
            with open(merged, "rb") as f:
                y = f.read()
            what = "%s: -f %s %s" % (label, fmt, " ".join(v))
            if check(x == y, what + ": the merge differs from one run"
                     " (%d vs %d bytes)" % (len(x), len(y))) and \
               check(a.returncode == b.returncode, what + ": exit %d vs %d"
                     % (a.returncode, b.returncode)) and \
               check(a.stderr.replace(b"rdpneg: ", b"") ==
                     b.stderr.replace(b"rdpneg: ", b""),
                     what + ": warnings differ: %r vs %r"
                     % (a.stderr, b.stderr)):
                same += 1
    return same


def list_shard(rdpneg, spec, inputs, env=None):
    p = run([rdpneg, "--shard", spec, "--list-shard", *inputs], env=env)
    check(p.returncode == 0, "--list-shard %s: %r" % (spec, p.stderr))
    return p.stdout.decode().splitlines()


def check_selection(rdpneg, inputs, sizes):
    n = 4
    parts = [list_shard(rdpneg, "%d/%d" % (k, n), inputs)
             for k in range(1, n + 1)]
    every = [f for part in parts for f in part]
    whole = run([rdpneg, "--shard", "1/1", "--list-shard", *inputs])
    whole = whole.stdout.decode().splitlines()
    check(sorted(every) == sorted(whole) and len(set(every)) == len(every),
          "the shards' files are not a partition of the list")
    for k, part in enumerate(parts, 1):
        check(part == [f for f in whole if f in part],
              "shard %d's files are not in list order" % k)
    rev = [list_shard(rdpneg, "%d/%d" % (k, n), list(reversed(inputs)))
           for k in range(1, n + 1)]
    check([sorted(p) for p in rev] == [sorted(p) for p in parts],
          "the selection depends on the order of the arguments")
    load = [sum(sizes.get(f, 0) for f in part) for part in parts]
    biggest = max(sizes.values())
    check(max(load) - min(load) <= biggest,
          "shards not balanced by bytes: %r (largest file %d)"
          % (load, biggest))
    # K and N from each scheduler's variables.
    cases = [({"RDPNEG_SHARD_COUNT": "4", "PARALLEL_SEQ": "2"}, 1),
             ({"SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5",
               "SLURM_ARRAY_TASK_COUNT": "4"}, 2),
             ({"JOB_COMPLETION_INDEX": "3", "RDPNEG_SHARD_COUNT": "4"}, 3),
             ({"RDPNEG_SHARD_INDEX": "1", "RDPNEG_SHARD_COUNT": "4",
               "PARALLEL_SEQ": "3"}, 0)]
    for env, k in cases:
        check(list_shard(rdpneg, "auto", inputs, env) == parts[k],
              "--shard auto with %r is not shard %d/4" % (env, k + 1))
    for env, why in [({}, "no shard number"),
                     ({"PARALLEL_SEQ": "1"}, "no shard count"),
                     ({"PARALLEL_SEQ": "5", "RDPNEG_SHARD_COUNT": "4"},
                      "shard 5 of 4"),
                     ({"PARALLEL_SEQ": "x", "RDPNEG_SHARD_COUNT": "4"},
                      "not a whole number")]:
        p = run([rdpneg, "--shard", "auto", "--list-shard", *inputs],
                env=env)
        check(p.returncode == 64 and why.encode() in p.stderr,
              "--shard auto with %r: %d %r" % (env, p.returncode, p.stderr))
    for spec in ["0/4", "5/4", "1/0", "x/4", "4", "1/4/2", ""]:
        p = run([rdpneg, "--shard", spec, "--list-shard", *inputs])
        check(p.returncode == 64, "--shard %r accepted" % spec)
    p = run([rdpneg, "--shard", "1/2", "-f", "text", *inputs])
    check(p.returncode == 64, "--shard with -f text accepted")
    p = run([rdpneg, "--shard", "1/2", "--summary", *inputs])
    check(p.returncode == 64, "--shard with --summary accepted")


def read(path):
    with gzip.open(path, "rb") as f:
        return f.read()


def write(path, data, compress=False):
    with (gzip.open(path, "wb") if compress else open(path, "wb")) as f:
        f.write(data)


def refused(rdpneg, shards, why, label):
    p = run([rdpneg, "merge", "-f", "text", *shards])
    err = p.stderr.decode(errors="replace")
    return check(p.returncode == 2 and why in err,
                 "%s: not refused with %r: %d %r" % (label, why,
                                                     p.returncode, err))


def check_refusals(rdpneg, inputs, tmp):
    d = os.path.join(tmp, "refuse")
    os.mkdir(d)
    good = make_shards(rdpneg, None, 3, inputs, d)
    lines = [read(p).split(b"\n") for p in good]
    refused(rdpneg, good[:2], "shard 3 of 3 missing", "a missing shard")
    refused(rdpneg, [good[0], good[1], good[1]], "again", "a duplicate")
    plain = os.path.join(d, "copy.jsonl")
    write(plain, read(good[2]))
    refused(rdpneg, [good[0], good[1], good[2], plain], "again",
            "a shard given twice under two names")
    other = os.path.join(d, "other")
    os.mkdir(other)
    one = os.path.join(inputs[0], "outcomes.pcap")
    foreign = make_shards(rdpneg, None, 3, [one], other)
    refused(rdpneg, [good[0], good[1], foreign[2]], "the input list",
            "a shard of another input list")
    opts = os.path.join(d, "opts")
    os.mkdir(opts)
    foreign = make_shards(rdpneg, None, 3, inputs, opts,
                          ["--chain-window", "5"])
    refused(rdpneg, [good[0], good[1], foreign[2]], "the analysis options",
            "a shard made with other options")
    four = os.path.join(d, "four")
    os.mkdir(four)
    foreign = make_shards(rdpneg, None, 4, inputs, four)
    refused(rdpneg, [good[0], good[1], foreign[2]], "the shard count",
            "a shard of another count")

    def variant(name, k, data, compress=False):
        path = os.path.join(d, name)
        write(path, data, compress)
        return [path if i == k else g for i, g in enumerate(good)]

    k = max(range(3), key=lambda i: len(lines[i]))
    body = lines[k]
    whole = b"\n".join(body)
    refused(rdpneg, variant("cut-mid-line", k, whole[:len(whole) * 2 // 3]),
            "cut short", "a shard cut in the middle of a line")
    refused(rdpneg, variant("no-end", k, b"\n".join(body[:-2] + [b""])),
            "no end line", "a shard without its end line")
    raw = gzip.compress(whole)
    refused(rdpneg, variant("cut.gz", k, raw[:len(raw) - 20]),
            "cut short", "a gzip shard cut short")
    at = next(i for i, l in enumerate(body) if l.startswith(
        b'{"type":"attempt"'))
    damaged = list(body)
    s = damaged[at].index(b'"state":"') + 40
    damaged[at] = damaged[at][:s] + b"AAAA" + damaged[at][s + 4:]
    refused(rdpneg, variant("damaged", k, b"\n".join(damaged)),
            "state", "a damaged state")
    damaged = list(body)
    damaged[at] = damaged[at].replace(b'"state":"', b'"state":"!', 1)
    refused(rdpneg, variant("not-base64", k, b"\n".join(damaged)),
            "base64", "a state that is not base64")
    dropped = [l for i, l in enumerate(body) if i != at]
    refused(rdpneg, variant("dropped", k, b"\n".join(dropped)),
            "does not match", "a shard that lost an attempt line")
    stopped = [l.replace(b'"interrupted":false', b'"interrupted":true')
               for l in body]
    refused(rdpneg, variant("interrupted", k, b"\n".join(stopped)),
            "interrupted", "an interrupted shard")
    header = body[0].replace(b'"version":1', b'"version":2')
    refused(rdpneg, variant("v2", k, b"\n".join([header] + body[1:])),
            "interchange version", "a newer interchange")
    # A forged input list length (every header's alike) is refused.
    forged = []
    for j in range(3):
        path = os.path.join(d, "forged-%d" % j)
        head = re.sub(rb'"inputs":\{"files":[0-9]+',
                      b'"inputs":{"files":4294967294', lines[j][0])
        write(path, b"\n".join([head] + lines[j][1:]))
        forged.append(path)
    refused(rdpneg, forged, "do not agree", "a forged input list length")
    header = body[0].replace(b'"layout":"rdpneg', b'"layout":"other')
    refused(rdpneg, variant("layout", k, b"\n".join([header] + body[1:])),
            "another rdpneg build", "another build's shard")
    refused(rdpneg, variant("pcap", k, open(one, "rb").read()),
            "not JSON", "a file that is not a shard")
    refused(rdpneg, variant("after", k, whole + b'{"type":"end"}\n'),
            "after its end line", "lines after the end")
    # Shards that did not hash: text, jsonl and csv merge, the others are
    # refused.
    fast = os.path.join(d, "fast")
    os.mkdir(fast)
    quick = make_shards(rdpneg, None, 3, inputs, fast, ["--no-sha256"])
    for fmt in ("text", "jsonl", "csv"):
        p = run([rdpneg, "merge", "-f", fmt, *quick])
        q = run([rdpneg, "-q", "-f", fmt, *inputs])
        check(p.stdout == q.stdout and p.returncode == q.returncode,
              "--no-sha256 shards merged into %s differ" % fmt)
    for fmt in ("markdown", "html"):
        p = run([rdpneg, "merge", "-f", fmt, *quick])
        check(p.returncode == 2 and b"--no-sha256" in p.stderr,
              "--no-sha256 shards merged into %s: %d %r"
              % (fmt, p.returncode, p.stderr))
    refused(rdpneg, [good[0], good[1], quick[2]], "the analysis options",
            "a shard that hashed with ones that did not")
    p = run([rdpneg, "--no-sha256", *inputs])
    check(p.returncode == 64, "--no-sha256 without --shard accepted")
    # More shards than captures: the empty ones still merge, and the
    # merge raises its descriptor limit for them (one each).
    many = os.path.join(d, "many")
    os.mkdir(many)
    files = run([rdpneg, "--shard", "1/1", "--list-shard", *inputs])
    n = len(files.stdout.splitlines()) + 40
    lots = make_shards(rdpneg, None, n, inputs, many, ["--no-sha256"])
    p = subprocess.run(["sh", "-c", 'ulimit -Sn 64 && exec "$@"', "sh",
                        rdpneg, "merge", "-f", "text", *lots],
                       capture_output=True)
    q = run([rdpneg, "-q", "-f", "text", *inputs])
    check(p.stdout == q.stdout and p.returncode == q.returncode,
          "%d shards, most of them empty, under ulimit -n 64: %d %r"
          % (n, p.returncode, p.stderr[-300:]))
    # Standard input: the same report.
    p = run([rdpneg, "merge", "-f", "text", good[0], "-", good[2]],
            input=read(good[1]))
    q = run([rdpneg, "-q", "-f", "text", *inputs])
    check(p.stdout == q.stdout, "a shard on standard input")


def generate(n, tmp):
    d = os.path.join(tmp, "generated")
    os.mkdir(d)
    for i in range(n):
        size = "%dM" % (1 + 3 * (i % 4))
        out = os.path.join(d, "gen-%02d.pcap" % i)
        subprocess.run([sys.executable, GEN, "--size", size, "--seed",
                        str(i + 1), "--port", "3389", out], check=True,
                       capture_output=True)
        os.remove(out + ".truth.json")
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rdpneg", required=True)
    ap.add_argument("--parallel")
    ap.add_argument("--generate", type=int, default=0)
    ap.add_argument("--public")
    ap.add_argument("captures")
    args = ap.parse_args()
    if args.parallel is not None and not os.path.isfile(args.parallel):
        print("GNU parallel not found: skipped")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        sets = [("captures", [args.captures])]
        if args.public and os.path.isdir(args.public):
            sets.append(("public", [args.public]))
        if args.generate:
            sets.append(("generated", [generate(args.generate, tmp)]))
        total = 0
        for label, inputs in sets:
            for n in (1, 3, 8):
                out = os.path.join(tmp, "%s-%d" % (label, n))
                os.mkdir(out)
                shards = make_shards(args.rdpneg, args.parallel, n, inputs,
                                     out)
                total += compare(args.rdpneg, shards, inputs,
                                 "%s, %d shards" % (label, n), tmp)
        print("%d of %d merges identical to one run" %
              (total, 3 * len(sets) * len(FORMATS) * len(VARIANTS)))
        if not args.parallel:
            files = run([args.rdpneg, "--shard", "1/1", "--list-shard",
                         args.captures]).stdout.decode().splitlines()
            sizes = {f: os.path.getsize(f) for f in files}
            check_selection(args.rdpneg, [args.captures] + sorted(
                os.path.join(args.captures, f) for f in
                os.listdir(args.captures) if f.endswith(".pcap"))[:6],
                sizes)
            check_refusals(args.rdpneg, [args.captures], tmp)
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
