#!/usr/bin/env python3
"""Prove every documented MCS oracle limitation on the frames it excused.

oracle_mcs.py excuses a difference between rdpneg and tshark only through
a named rule in its LIMITATIONS.  This test runs that oracle over the
captures, collects every (rule, frame) it excused, and checks with an
independent tshark query on that very frame that the rule's explanation
holds.  A rule that no capture uses fails too (a dead excuse should not
stay documented).

Prints one line per check and a closing "N passed, N failed" line.
"""

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import oracle_mcs  # noqa: E402  (the module under test's sibling)
import wire  # noqa: E402


def frame_fields(tshark, capture, ports, frame, fields):
    """One independent tshark query: fields of one frame (the RDP ports
    decoded as TPKT, as the oracle does), each a list of values."""
    cmd = [tshark, "-n", "-r", str(capture),
           *oracle_mcs.tpkt_decode_args(ports),
           "-o", "tcp.reassemble_out_of_order:TRUE",
           "-Y", f"frame.number == {frame}", "-T", "fields",
           "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True,
                         errors="replace", check=False).stdout
    lines = out.splitlines()
    if not lines:
        return None
    cols = lines[0].split("\t")
    cols += [""] * (len(fields) - len(cols))
    return {f: [v for v in c.split(",") if v] for f, c in zip(fields, cols)}


def rdp_field_names(tshark):
    out = subprocess.run([tshark, "-G", "fields"], capture_output=True,
                         text=True, errors="replace", check=False).stdout
    return {line.split("\t")[2] for line in out.splitlines()
            if line.startswith("F\t") and line.count("\t") >= 2
            and line.split("\t")[2].startswith("rdp.")}


def cert_opaque(tshark, capture, ports, frame, names):
    """tshark has the Server Security Data's certificate as bytes that
    begin with a dwVersion of type 1 or 2 (2.2.1.4.3.1), and no field of
    its own for dwVersion, the blob count or the RSA1 key."""
    f = frame_fields(tshark, capture, ports, frame,
                     ["rdp.serverCertificate", "rdp.serverCertLen"])
    if not f or not f["rdp.serverCertificate"]:
        return False
    blob = oracle_mcs.hex_bytes(f["rdp.serverCertificate"][0])
    if len(blob) != int(f["rdp.serverCertLen"][0]) or len(blob) < 4:
        return False
    ctype = int.from_bytes(blob[:4], "little") & 0x7fffffff
    own = {n for n in names if any(w in n.lower() for w in
                                   ("dwversion", "certchain", "numcert",
                                    "bitlen", "keylen", "pubexp"))}
    return ctype in (1, 2) and not own


def cut_by_snaplen(tshark, capture, ports, frame, names):
    """The snap length cut the frame and tshark says so (_ws.short) after
    the T.125 header."""
    f = frame_fields(tshark, capture, ports, frame,
                     ["frame.cap_len", "frame.len", "t125.ConnectMCSPDU",
                      "_ws.short"])
    if not f:
        return False
    cap, length = int(f["frame.cap_len"][0]), int(f["frame.len"][0])
    return cap < length and bool(f["t125.ConnectMCSPDU"])


def no_errorinfo_field(tshark, capture, ports, frame, names):
    """The frame carries a Share Data Header with pduType2 47 (Set Error
    Info) and tshark has no field for the errorInfo that follows it."""
    f = frame_fields(tshark, capture, ports, frame, ["rdp.pduType2"])
    return bool(f) and "47" in f["rdp.pduType2"] and \
        not any("errorinfo" in n.lower() for n in names)


def payload(tshark, capture, ports, frame):
    """The frame's TCP payload bytes."""
    f = frame_fields(tshark, capture, ports, frame, ["tcp.payload"])
    return oracle_mcs.hex_bytes(f["tcp.payload"][0]) \
        if f and f["tcp.payload"] else b""


def send_data_user_data(data):
    """The user data of the one MCS Send Data PDU in data (TPKT, X.224
    DT, Send Data Request/Indication, PER length), else None."""
    if len(data) < 8 or data[0] != 3 or data[5] != 0xf0 or \
            data[7] >> 2 not in (25, 26):
        return None
    p = 7 + 1 + 4 + 1
    if len(data) < p + 1:
        return None
    n = data[p]
    if n & 0x80:
        n = (n & 0x3f) << 8 | data[p + 1]
        p += 1
    return data[p + 1:p + 1 + n]


def gcc_length(tshark, capture, ports, frame, names):
    """tshark marks the frame malformed, and the ConnectData's
    connectPDU length (after the T.124 key) is not the number of bytes
    that follow it in the frame's one TPKT."""
    f = frame_fields(tshark, capture, ports, frame,
                     ["_ws.malformed", "tpkt.length", "tcp.len"])
    data = payload(tshark, capture, ports, frame)
    key = data.find(b"\x00\x05\x00\x14\x7c\x00\x01")
    if not f or not f["_ws.malformed"] or key < 0 or \
            int(f["tpkt.length"][0]) != len(data):
        return False
    p = key + 7
    n = data[p]
    if n & 0x80:
        n = (n & 0x3f) << 8 | data[p + 1]
        p += 1
    return n != len(data) - (p + 1)


def license_header(tshark, capture, ports, frame, names):
    """The Send Data's user data begins with a Basic Security Header
    without SEC_ENCRYPT, then a License Error (bMsgType 0xff) or a Share
    Control PDU of pduType2 47; tshark shows neither on the frame."""
    ud = send_data_user_data(payload(tshark, capture, ports, frame))
    if ud is None or len(ud) < 8:
        return False
    flags = int.from_bytes(ud[0:2], "little")
    f = frame_fields(tshark, capture, ports, frame,
                     ["rdp.bMsgType", "rdp.pduType2"])
    if flags & oracle_mcs.SEC_ENCRYPT or not f:
        return False
    if flags & 0x0080:                  # SEC_LICENSE_PKT
        return ud[4] == 0xff and "255" not in f["rdp.bMsgType"] and \
            "0xff" not in f["rdp.bMsgType"]
    return len(ud) >= 4 + 14 + 4 and ud[4 + 14] == 0x2f and \
        not f["rdp.pduType2"]


def walk_budget(tshark, capture, ports, frame, names):
    """The Ultimatum lies 64 KiB or more into the server's stream after
    its first payload (the Connection Confirm)."""
    f = frame_fields(tshark, capture, ports, frame,
                     ["tcp.stream", "tcp.srcport", "tcp.seq"])
    if not f:
        return False
    cmd = [tshark, "-n", "-r", str(capture),
           *oracle_mcs.tpkt_decode_args(ports),
           "-Y", f"tcp.stream == {f['tcp.stream'][0]} && tcp.srcport == "
           f"{f['tcp.srcport'][0]} && tcp.len > 0",
           "-T", "fields", "-e", "tcp.nxtseq"]
    out = subprocess.run(cmd, capture_output=True, text=True,
                         errors="replace", check=False).stdout.split()
    return bool(out) and int(f["tcp.seq"][0]) - int(out[0]) >= \
        oracle_mcs.MCS_STREAM_BUDGET


def stream_has_request(tshark, capture, ports, frame):
    """Does the frame's stream hold an X.224 Connection Request?"""
    f = frame_fields(tshark, capture, ports, frame, ["tcp.stream"])
    cmd = [tshark, "-n", "-r", str(capture),
           *oracle_mcs.tpkt_decode_args(ports),
           "-Y", f"tcp.stream == {f['tcp.stream'][0]} && cotp.type == 0x0e",
           "-T", "fields", "-e", "frame.number"]
    return bool(subprocess.run(cmd, capture_output=True, text=True,
                               errors="replace", check=False).stdout.split())


def without_request(tshark, capture, ports, frame, names):
    """The stream of the MCS frame holds no Connection Request."""
    return not stream_has_request(tshark, capture, ports, frame)


def after_tls_selected(tshark, capture, ports, frame, names):
    """The Connection Confirm (frame) selects TLS or CredSSP, and its
    stream has an MCS Connect PDU in clear."""
    f = frame_fields(tshark, capture, ports, frame,
                     ["rdp.negReq.selectedProtocol", "tcp.stream"])
    if not f or not f["rdp.negReq.selectedProtocol"]:
        return False
    selected = int(f["rdp.negReq.selectedProtocol"][0], 0)
    cmd = [tshark, "-n", "-r", str(capture),
           *oracle_mcs.tpkt_decode_args(ports),
           "-Y", f"tcp.stream == {f['tcp.stream'][0]} && t125.ConnectMCSPDU",
           "-T", "fields", "-e", "frame.number"]
    mcs = subprocess.run(cmd, capture_output=True, text=True,
                         errors="replace", check=False).stdout.split()
    return selected in (1, 2, 8) and bool(mcs)


# Rule name -> proof(tshark, capture, ports, frame, rdp field names)
PROOFS = {
    "tshark-cert-opaque": cert_opaque,
    "mcs-cut-by-snaplen": cut_by_snaplen,
    "tshark-no-errorinfo-field": no_errorinfo_field,
    "tshark-gcc-length": gcc_length,
    "tshark-license-header": license_header,
    "mcs-walk-budget": walk_budget,
    "mcs-after-tls-selected": after_tls_selected,
    "mcs-without-request": without_request,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rdpneg", required=True)
    parser.add_argument("--tshark", default="tshark")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args()

    assert set(PROOFS) == set(oracle_mcs.LIMITATIONS), "a rule has no proof"
    names = rdp_field_names(args.tshark)

    def one(capture):
        applied = []
        oracle_mcs.compare(capture, args.tshark, args.rdpneg, applied)
        if not applied:
            return [], capture
        ports = {oracle_mcs.port_of(a["server"]) for a in
                 oracle_mcs.rdpneg_attempts(capture, args.rdpneg, set())
                 if a.get("server")} or {3389}
        return [(rule, frame, PROOFS[rule](args.tshark, capture, ports,
                                           frame, names))
                for rule, frame in sorted(set(applied))], capture

    return wire.prove_limitations(args.paths, oracle_mcs.LIMITATIONS, one,
                                  args.jobs)


if __name__ == "__main__":
    sys.exit(main())
