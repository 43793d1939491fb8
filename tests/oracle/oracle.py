#!/usr/bin/env python3
"""Compare rdpneg's JSONL with tshark's decoding of the same captures.

For every capture, tshark (with its TPKT heuristic enabled so that RDP on
any port is found) lists the X.224 Connection Request and Confirm frames
with the RDP negotiation fields.  rdpneg must report the same request and
response frame numbers, requested protocols, selected protocol, failure
code and cookie.

Known tshark 4.0 limitations are not silenced here: each one is a named
rule in LIMITATIONS, applied only where its condition holds, and
tests/oracle/test_limitations.sh proves each condition on a capture.

Prints one line per capture and a closing "N passed, N failed" line.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tally import Tally  # noqa: E402

TSHARK_FIELDS = [
    "frame.number",
    "tcp.stream",
    "tcp.srcport",
    "tcp.dstport",
    "cotp.type",
    "rdp.rt_cookie",
    "rdp.neg_type",
    "rdp.negReq.requestedProtocols",
    "rdp.negReq.selectedProtocol",
    "rdp.negFailure.failureCode",
]
COTP_CR = 0x0E
COTP_CC = 0x0D


def parse_int(text):
    """Parse tshark's decimal or 0x-prefixed number; None for empty."""
    return int(text, 0) if text else None


def tshark_frames(path, tshark):
    """Return tshark's CR/CC frames as a list of dicts."""
    cmd = [
        tshark, "-n", "-r", str(path), "--enable-heuristic", "tpkt_tcp",
        "-o", "tcp.reassemble_out_of_order:TRUE",
        "-Y", "cotp.type == 0x0e || cotp.type == 0x0d",
        "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f",
    ]
    for field in TSHARK_FIELDS:
        cmd += ["-e", field]
    out = subprocess.run(cmd, capture_output=True, text=True,
                         errors="replace", check=False).stdout
    rows = []
    for line in out.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(TSHARK_FIELDS) - len(cols))
        row = dict(zip(TSHARK_FIELDS, cols))
        rows.append({
            "frame": int(row["frame.number"]),
            "stream": int(row["tcp.stream"]),
            "sport": int(row["tcp.srcport"]),
            "dport": int(row["tcp.dstport"]),
            "tpdu": parse_int(row["cotp.type"]),
            "cookie": row["rdp.rt_cookie"] or None,
            "neg_type": parse_int(row["rdp.neg_type"]),
            "requested": parse_int(row["rdp.negReq.requestedProtocols"]),
            "selected": parse_int(row["rdp.negReq.selectedProtocol"]),
            "failure": parse_int(row["rdp.negFailure.failureCode"]),
        })
    return rows


def first_per_stream(rows, tpdu):
    """The first frame of each TCP stream carrying the given TPDU."""
    first = {}
    for row in rows:
        if row["tpdu"] == tpdu and row["stream"] not in first:
            first[row["stream"]] = row
    return first


def rdpneg_attempts(path, rdpneg, ports):
    """Run rdpneg --all --format jsonl and return its records."""
    cmd = [rdpneg, "--all", "--format", "jsonl"]
    for port in sorted(ports):
        cmd += ["--port", str(port)]
    proc = subprocess.run(cmd + [str(path)], capture_output=True,
                          check=False)
    return [json.loads(line) for line in proc.stdout.splitlines()]


def has_cc(attempt):
    """Whether rdpneg saw a Connection Confirm in this attempt."""
    return (attempt["outcome"] in ("selected", "failure", "legacy")
            or attempt["selected_protocol"] is not None
            or attempt["failure_code"] is not None)


# Documented differences: name -> (condition on the pair, explanation).
# Each condition is narrow, and tests/oracle/test_limitations.py shows on
# a capture that it really is tshark's behaviour (or rdpneg's documented
# policy) and not a bug.
LIMITATIONS = {
    "malformed-not-interpreted": (
        lambda t, a: a is not None and a["malformed"] is not None,
        "rdpneg reports a malformed CR/CC as malformed and does not "
        "interpret its fields past the error; tshark decodes what it can",
    ),
    "cookie-escaping": (
        lambda t, a: a is not None and a["cookie"] is not None
        and not a["cookie"].isascii(),
        "tshark shows non-ASCII cookie bytes with its own escapes",
    ),
    "tsv-mth-tokens": (
        lambda t, a: a is not None and t["cookie"] is None
        and (a["cookie"] or "").startswith(("tsv:", "mth://")),
        "tshark 4.0 does not recognise the tsv: and mth:// routing tokens "
        "(it shows the CR as [Malformed Packet])",
    ),
    "cookie-bare-line-break": (
        lambda t, a: a is not None and t["cookie"] is not None
        and a["cookie"] is not None and a["cookie"] != t["cookie"]
        and a["cookie"].startswith(t["cookie"])
        and a["cookie"][len(t["cookie"])] in "\r\n",
        "tshark 4.0 ends the cookie at a lone CR or LF (and then cannot "
        "decode RDP_NEG_REQ); MS-RDPBCGR 2.2.1.1 ends it only at CR LF",
    ),
    "request-cut-by-snaplen": (
        lambda t, a: a is not None and a["request_frame"] is None
        and (a["incomplete"] or "").startswith("request: cut by"),
        "tshark decodes a CR cut by the snap length as far as it goes; "
        "rdpneg reports the request as incomplete, with no request frame",
    ),
}


def limitation(tshark_row, attempt):
    """Name of the documented limitation explaining a difference, or None."""
    for name, (cond, _text) in LIMITATIONS.items():
        if cond(tshark_row, attempt):
            return name
    return None


def compare(path, tshark, rdpneg, applied=None):
    """Compare one capture; return (problems, number of attempts).

    Each documented limitation used to excuse a difference is appended to
    `applied` as (name, tshark frame number) when a list is given.
    """
    rows = tshark_frames(path, tshark)
    crs = first_per_stream(rows, COTP_CR)
    ccs = first_per_stream(rows, COTP_CC)
    ports = {r["dport"] for r in crs.values()} | \
        {r["sport"] for r in ccs.values()}
    attempts = rdpneg_attempts(path, rdpneg, ports - {3389})
    by_req = {a["request_frame"]: a for a in attempts if a["request_frame"]}
    by_rsp = {a["response_frame"]: a for a in attempts if has_cc(a)}
    problems = []

    def check(cond, row, attempt, text):
        if cond:
            return
        why = limitation(row, attempt)
        if why is None:
            problems.append(text)
        elif applied is not None:
            applied.append((why, row["frame"]))

    for stream, row in sorted(crs.items()):
        a = by_req.get(row["frame"])
        if a is None:
            cc = ccs.get(stream)
            other = by_rsp.get(cc["frame"]) if cc else None
            check(False, row, other, f"tshark CR frame {row['frame']} "
                  "not reported by rdpneg")
            continue
        check(a["requested_protocols"] == row["requested"], row, a,
              f"frame {row['frame']}: requested "
              f"{a['requested_protocols']} != tshark {row['requested']}")
        check(a["cookie"] == row["cookie"], row, a,
              f"frame {row['frame']}: cookie {a['cookie']!r} != "
              f"tshark {row['cookie']!r}")
        cc = ccs.get(stream)
        if cc is not None:
            check(a["response_frame"] == cc["frame"], cc, a,
                  f"stream {stream}: response frame {a['response_frame']} "
                  f"!= tshark {cc['frame']}")
    for stream, row in sorted(ccs.items()):
        a = by_rsp.get(row["frame"])
        if a is None:
            problems.append(f"tshark CC frame {row['frame']} "
                            "not reported by rdpneg")
            continue
        check(a["selected_protocol"] == row["selected"], row, a,
              f"frame {row['frame']}: selected {a['selected_protocol']} "
              f"!= tshark {row['selected']}")
        check(a["failure_code"] == row["failure"], row, a,
              f"frame {row['frame']}: failure {a['failure_code']} "
              f"!= tshark {row['failure']}")
    cr_frames = {r["frame"] for r in crs.values()}
    cc_frames = {r["frame"] for r in ccs.values()}
    for a in attempts:
        if a["request_frame"] and a["request_frame"] not in cr_frames:
            problems.append(f"rdpneg request frame {a['request_frame']} "
                            "is not a CR for tshark")
        if has_cc(a) and a["response_frame"] not in cc_frames:
            problems.append(f"rdpneg response frame {a['response_frame']} "
                            "is not a CC for tshark")
    return problems, len(attempts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rdpneg", required=True, help="rdpneg binary")
    parser.add_argument("--tshark", default="tshark")
    parser.add_argument("paths", nargs="+", type=Path,
                        help="capture files or directories")
    args = parser.parse_args()

    files = []
    for p in args.paths:
        if p.is_dir():
            files += sorted(f for f in p.rglob("*")
                            if f.suffix in (".pcap", ".pcapng"))
        else:
            files.append(p)
    tally = Tally()
    for f in files:
        problems, n = compare(f, args.tshark, args.rdpneg)
        tally.record(f"{f} ({n} attempts)", problems)
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
