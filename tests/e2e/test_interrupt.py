#!/usr/bin/env python3
"""Long runs: the progress line moves, an interrupt keeps what was read.

A capture made by tests/bench/gen_bench.py (a few MB, RDP attempts among
background traffic) is fed to rdpneg through a pipe by a slow writer, so
that the run lasts about two seconds:

- with standard error on a pseudo-terminal, the progress line must be
  redrawn several times while the file is read, with more bytes each time,
  and erased at the end;
- SIGINT (or SIGTERM) in the middle must end the run with 130 (143), say
  on standard error where it stopped ("after frame N"), and write a report
  whose attempts equal those of a run over the first N packets of the
  capture, in every format, the note on the interruption aside;
- in a batch, the files not started are listed as not analysed;
- a second SIGINT ends a run that cannot stop (a FIFO nobody writes to) at
  once;
- a reader that closes the pipe (| head) ends the run without a message,
  and a full disk is an error naming the cause.

Prints one line per check and a closing "N passed, N failed" line.
"""

import os
import re
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from tally import Tally, parse_rdpneg_args  # noqa: E402
from terminal import open_terminal, read_terminal  # noqa: E402

GEN_BENCH = Path(__file__).resolve().parents[1] / "bench" / "gen_bench.py"
TIMEOUT = 60
FORMATS = ("text", "jsonl", "csv", "markdown")
WHERE = re.compile(rb"interrupted by (SIG[A-Z]+) in (.*) after frame "
                   rb"([0-9]+) \(([0-9]+) bytes read\)")


def records(data):
    """The classic pcap's global header and its records, as bytes."""
    little = data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1")
    off, out = 24, []
    while off + 16 <= len(data):
        caplen = struct.unpack("<I" if little else ">I",
                               data[off + 8:off + 12])[0]
        out.append(data[off:off + 16 + caplen])
        off += 16 + caplen
    return data[:24], out


def slow_writer(fd, data, seconds):
    """Write a capture to fd, record by record, over about seconds."""
    header, recs = records(data)
    batch = max(1, len(recs) // int(seconds / 0.02))
    try:
        os.write(fd, header)
        for i in range(0, len(recs), batch):
            os.write(fd, b"".join(recs[i:i + batch]))
            time.sleep(0.02)
    except (BrokenPipeError, OSError):
        pass            # rdpneg stopped reading: what an interrupt does
    finally:
        os.close(fd)


def start(rdpneg, args, data, seconds, stderr=subprocess.PIPE):
    """rdpneg reading data from a slow writer on standard input."""
    rfd, wfd = os.pipe()
    proc = subprocess.Popen([rdpneg, *args, "-"], stdin=rfd,
                            stdout=subprocess.PIPE, stderr=stderr)
    os.close(rfd)
    writer = threading.Thread(target=slow_writer,
                              args=(wfd, data, seconds), daemon=True)
    writer.start()
    return proc, writer


def interrupted_run(rdpneg, fmt, data, sig=signal.SIGINT):
    """Interrupt a slow run half way: (status, stdout, stderr)."""
    proc, writer = start(rdpneg, ["-a", "-p", "3390", "-f", fmt], data, 2.0)
    time.sleep(0.9)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=TIMEOUT)
    writer.join(TIMEOUT)
    return proc.returncode, out, err


def full_run(rdpneg, fmt, data):
    proc = subprocess.run([rdpneg, "-a", "-p", "3390", "-f", fmt, "-"],
                          input=data, capture_output=True, timeout=TIMEOUT,
                          check=False)
    return proc.returncode, proc.stdout, proc.stderr


def without_interruption(fmt, report):
    """A report with what only an interrupted run writes taken out."""
    lines = report.decode("utf-8", "replace").splitlines()
    if fmt == "text":
        lines = [ln for ln in lines
                 if not ln.startswith("note: the run was interrupted")]
    elif fmt == "markdown":
        # The capture's row: its size, hash and note are the run's.
        drop = ("| `-` |", "The run was interrupted")
        lines = [ln for ln in lines if not ln.startswith(drop)]
    while lines and lines[-1] == "":
        lines.pop()     # the blank line before the note
    return lines


def check_prefix_equivalence(rdpneg, data):
    """Each format: the interrupted report equals the prefix's report."""
    problems = []
    header, recs = records(data)
    for fmt in FORMATS:
        status, out, err = interrupted_run(rdpneg, fmt, data)
        where = WHERE.search(err)
        if status != 130 or where is None:
            problems.append(f"{fmt}: exit {status}, stderr {err[-300:]!r}")
            continue
        frame = int(where.group(3))
        if not 0 < frame < len(recs):
            problems.append(f"{fmt}: stopped after frame {frame} of "
                            f"{len(recs)}: not half way")
            continue
        prefix = header + b"".join(recs[:frame])
        pstatus, pout, _ = full_run(rdpneg, fmt, prefix)
        got = without_interruption(fmt, out)
        want = without_interruption(fmt, pout)
        if got != want:
            diff = [f"{a!r} != {b!r}" for a, b in zip(got, want) if a != b]
            problems.append(f"{fmt}: stopped after frame {frame}; the report "
                            f"differs from the prefix's ({len(got)} and "
                            f"{len(want)} lines): {diff[:2]}")
        if pstatus not in (0, 1):
            problems.append(f"{fmt}: the prefix run exited {pstatus}")
        noted = {"text": b"note: the run was interrupted in - after frame ",
                 "markdown": b"The run was interrupted in `-` after frame "}
        if fmt in noted and noted[fmt] + str(frame).encode() not in out:
            problems.append(f"{fmt}: the report does not say where the run "
                            "was interrupted")
    return problems


def check_sigterm(rdpneg, data):
    status, out, err = interrupted_run(rdpneg, "text", data, signal.SIGTERM)
    problems = []
    if status != 143 or b"interrupted by SIGTERM" not in err:
        problems.append(f"exit {status}, stderr {err[-200:]!r}")
    if b"connection attempt" not in out:
        problems.append("no totals line in the report")
    return problems


def check_progress_moves(rdpneg, data):
    """On a terminal the line is redrawn with more bytes as they come."""
    master, slave = open_terminal()
    proc, writer = start(rdpneg, ["-p", "3390", "-o", os.devnull], data,
                         2.0, stderr=slave)
    os.close(slave)
    seen = read_terminal(master, TIMEOUT)
    proc.wait(timeout=TIMEOUT)
    writer.join(TIMEOUT)
    read = [float(m) for m in re.findall(rb"files, ([0-9.]+) MB", seen)]
    problems = []
    if len(set(read)) < 3:
        problems.append(f"the line showed {sorted(set(read))} MB: it did not "
                        f"move while the file was read ({seen[-300:]!r})")
    elif read != sorted(read):
        problems.append(f"bytes read went back: {read}")
    if b"MB/s" not in seen or not seen.endswith(b"\r\x1b[K"):
        problems.append(f"no rate, or the line not erased: {seen[-120:]!r}")
    return problems


def check_batch_not_analysed(rdpneg, captures, tmp):
    """-j 1: a FIFO read slowly, interrupted; the files after it are listed
    as not analysed, the one before it reported whole."""
    fifo = tmp / "slow.pcap"
    os.mkfifo(fifo)
    data = (captures / "outcomes.pcap").read_bytes()
    first, last = captures / "failure-codes.pcap", captures / "tokens.pcapng"
    proc = subprocess.Popen([rdpneg, "-a", "-j", "1", first, fifo,
                             last, captures / "link-ipv4.pcap"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wfd = os.open(fifo, os.O_WRONLY)
    writer = threading.Thread(target=slow_writer, args=(wfd, data, 3.0),
                              daemon=True)
    writer.start()
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=TIMEOUT)
    writer.join(TIMEOUT)
    problems = []
    if proc.returncode != 130:
        problems.append(f"exit {proc.returncode}, stderr {err[-300:]!r}")
    for name in (last, captures / "link-ipv4.pcap"):
        if f"{name}: not analysed".encode() not in out:
            problems.append(f"{name.name} not listed as not analysed")
    if b"2 files not analysed" not in err:
        problems.append(f"stderr does not count them: {err[-300:]!r}")
    whole = subprocess.run([rdpneg, "-a", first], capture_output=True,
                           timeout=TIMEOUT, check=False).stdout
    # Its attempts' blocks, after the overview (which counts the batch).
    blocks = whole.split(b"\n\n", 1)[1].split(b"Summary by server")[0]
    if not blocks.strip() or blocks not in out:
        problems.append("the file before the FIFO is not reported whole")
    if f"in {fifo} after frame ".encode() not in err:
        problems.append(f"stderr does not name the FIFO: {err[-300:]!r}")
    return problems


def check_second_sigint(rdpneg, tmp):
    """Nobody opens the FIFO for writing: the first SIGINT cannot end the
    open(2), the second ends the process at once."""
    fifo = tmp / "stuck.pcap"
    os.mkfifo(fifo)
    proc = subprocess.Popen([rdpneg, fifo], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    problems = []
    if proc.poll() is not None:
        problems.append("ended after the first SIGINT: the check needs a "
                        "run that cannot stop")
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return ["still running 5 s after the second SIGINT"]
    if proc.returncode != 130 or b"stopped at once" not in err:
        problems.append(f"exit {proc.returncode}, stderr {err!r}")
    return problems


def check_broken_pipe(rdpneg, captures):
    """| head: rdpneg ends quietly when its reader goes away."""
    proc = subprocess.Popen([rdpneg, "-a", "-j", "1", captures],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=TIMEOUT)
    problems = []
    # What rdpneg says about captures/ itself (truncated.pcap is damaged
    # on purpose) is expected; nothing about writing.
    if b"writing" in err or b"Broken pipe" in err:
        problems.append(f"a message about the closed pipe: {err!r}")
    if proc.returncode not in (-signal.SIGPIPE, 2):
        problems.append(f"exit {proc.returncode}")
    return problems


def check_full_disk(rdpneg, captures):
    proc = subprocess.run([rdpneg, "-a", "-o", "/dev/full",
                           captures / "outcomes.pcap"], capture_output=True,
                          timeout=TIMEOUT, check=False)
    if proc.returncode != 2 or \
            b"writing the report: No space left on device" not in proc.stderr:
        return [f"exit {proc.returncode}, stderr {proc.stderr!r}"]
    return []


def main():
    args = parse_rdpneg_args(__doc__)
    tally = Tally()
    rdpneg = str(Path(args.rdpneg).resolve())
    captures = args.captures.resolve()
    with tempfile.TemporaryDirectory(prefix="rdpneg-interrupt-") as tmp:
        tmp = Path(tmp)
        bench = tmp / "bench.pcap"
        subprocess.run([sys.executable, str(GEN_BENCH), str(bench),
                        "--size", "4M", "--seed", "3"], check=True,
                       capture_output=True, timeout=TIMEOUT)
        data = bench.read_bytes()
        tally.record("the progress line moves while a slow file is read",
                     check_progress_moves(rdpneg, data))
        tally.record("SIGINT: exit 130, where on stderr, and in every format "
                     "the attempts of the prefix read",
                     check_prefix_equivalence(rdpneg, data))
        tally.record("SIGTERM: exit 143 with the report",
                     check_sigterm(rdpneg, data))
        tally.record("a batch lists the files not started as not analysed",
                     check_batch_not_analysed(rdpneg, captures, tmp))
        tally.record("a second SIGINT ends the run at once",
                     check_second_sigint(rdpneg, tmp))
        tally.record("| head: no message about the closed pipe",
                     check_broken_pipe(rdpneg, captures))
        tally.record("a full disk is an error naming the cause",
                     check_full_disk(rdpneg, captures))
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
