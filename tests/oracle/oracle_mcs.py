#!/usr/bin/env python3
"""Compare rdpneg's Standard RDP Security facts with tshark's and Zeek's.

For every capture, one tshark pass (`-d tcp.port==P,tpkt` for each RDP
port) lists, per frame, the T.125 MCS and T.124 GCC PDUs and the RDP
user data, security header and licensing fields tshark 4.0 decodes.
Grouped by TCP stream and matched to rdpneg's attempts by the request's
frame (as oracle_tls.py does), each attempt's `client_data` and
`rdp_security` objects must show what tshark shows:

  - the Connect-Initial (frame) and the client's core, security and
    network data: name, build, keyboard layout, desktop size, colour
    depth (32 with RNS_UD_CS_WANT_32BPP_SESSION, else highColorDepth,
    else postBeta2ColorDepth, else colorDepth), digital product ID,
    earlyCapabilityFlags, channel names, offered encryption methods;
  - the Connect-Response (frame, T.125 result) and the server's security
    data: encryption method and level, and the server certificate's
    type, count, permanence and (proprietary) key size;
  - the first MCS Disconnect Provider Ultimatum: side, reason, frame;
  - the first License Error PDU in clear that is not STATUS_VALID_CLIENT
    (the licensing's success): code, state transition, frame;
  - the first Set Error Info PDU in clear: frame (and code: see rule).

An attempt whose `rdp_security` is null must have no MCS Connect PDU for
tshark either.

With --zeek (tests/oracle/zeek_rdp_baselines.json: the rdp.log rows of
Zeek's own tests on the captures it took them from), every row of a
capture found among the paths is compared with rdpneg's attempt from the
same client port, and with tshark's stream, on every field both report.

Known differences are not silenced: each one is a named rule in
LIMITATIONS, applied only where its condition holds, and
tests/oracle/test_mcs_limitations.py proves each on the frame's bytes.

--dump prints tshark's view of each attempt as JSON (what would be
compared) and compares nothing.

Prints one line per capture and a closing "N passed, N failed" line.
"""

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from tally import Tally  # noqa: E402
import wire  # noqa: E402
from wire import (capture_files, decode_args, hex_bytes, ints,  # noqa: E402
                  port_of, rdpneg_attempts, strs)

HERE = Path(__file__).resolve().parent
ZEEK_BASELINES = HERE / "zeek_rdp_baselines.json"

FIELDS = [
    "frame.number",
    "tcp.stream",
    "tcp.srcport",
    "frame.cap_len",
    "frame.len",
    "t125.ConnectMCSPDU",
    "t125.result",
    "t124.result",
    "t124.DomainMCSPDU",
    "t124.reason",
    "rdp.header.type",
    "rdp.header.length",
    "rdp.desktop.width",
    "rdp.desktop.height",
    "rdp.colorDepth",
    "rdp.postBeta2ColorDepth",
    "rdp.highColorDepth",
    "rdp.earlyCapabilityFlags",
    "rdp.keyboardLayout",
    "rdp.client.build",
    "rdp.client.name",
    "rdp.client.digProductId",
    "rdp.encryptionMethods",
    "rdp.channelCount",
    "rdp.name",
    "rdp.encryptionMethod",
    "rdp.encryptionLevel",
    "rdp.serverCertLen",
    "rdp.serverCertificate",
    "rdp.flags",
    "rdp.bMsgType",
    "rdp.errorCode",
    "rdp.stateTransition",
    "rdp.pduType2",
    "tcp.seq",
    "_ws.malformed",
]

MCS_CONNECT_INITIAL, MCS_CONNECT_RESPONSE = 101, 102
MCS_DISCONNECT = 8      # DomainMCSPDU: disconnectProviderUltimatum
STATUS_VALID_CLIENT = 7  # License Error dwErrorCode of a licensed client
MCS_STREAM_BUDGET = 65536  # RDPNEG_MCS_STREAM_BUDGET (rdpneg/mcs.h)
LICENSE_ERROR_ALERT = 0xff
PDUTYPE2_SET_ERROR_INFO = 47
SEC_ENCRYPT = 0x0008
WANT_32BPP = 0x0002     # RNS_UD_CS_WANT_32BPP_SESSION
CS_CORE = 0xc001
CS_CORE_DIG_PRODUCT_ID_END = 210    # header 4 + fields up to and with
                                    # clientDigProductId (2.2.1.3.2)

# Names as rdpneg's JSONL writes them (Zeek's, for the methods).
METHODS = [(0x01, "40bit"), (0x02, "128bit"), (0x08, "56bit"),
           (0x10, "FIPS")]
METHOD_NAMES = {0: "None", **dict(METHODS)}
LEVEL_NAMES = {0: "None", 1: "Low", 2: "Client compatible", 3: "High",
               4: "FIPS"}
CERT_NAMES = {1: "RSA", 2: "X.509"}
# RNS_UD_COLOR_* (colorDepth, postBeta2ColorDepth) -> bits per pixel.
RNS_UD_COLOR = {0xca00: 4, 0xca01: 8, 0xca02: 15, 0xca03: 16, 0xca04: 24}
REASONS = {0: "rn-domain-disconnected", 1: "rn-provider-initiated",
           2: "rn-token-purged", 3: "rn-user-requested",
           4: "rn-channel-purged"}
RESULTS = ["rt-successful", "rt-domain-merging", "rt-domain-not-hierarchical",
           "rt-no-such-channel", "rt-no-such-domain", "rt-no-such-user",
           "rt-not-admitted", "rt-other-user-id",
           "rt-parameters-unacceptable", "rt-token-not-available",
           "rt-token-not-possessed", "rt-too-many-channels",
           "rt-too-many-tokens", "rt-too-many-users",
           "rt-unspecified-failure", "rt-user-rejected"]
LICENSE_ERRORS = {1: "ERR_INVALID_SERVER_CERTIFICATE", 2: "ERR_NO_LICENSE",
                  3: "ERR_INVALID_MAC", 4: "ERR_INVALID_SCOPE",
                  6: "ERR_NO_LICENSE_SERVER", 7: "STATUS_VALID_CLIENT",
                  8: "ERR_INVALID_CLIENT", 11: "ERR_INVALID_PRODUCTID",
                  12: "ERR_INVALID_MESSAGE_LEN"}
TRANSITIONS = {1: "ST_TOTAL_ABORT", 2: "ST_NO_TRANSITION",
               3: "ST_RESET_PHASE_TO_START", 4: "ST_RESEND_LAST_MESSAGE"}

# Known differences between rdpneg and tshark 4.0: name -> (condition on
# the context of one difference, why).  test_mcs_limitations.py proves
# each on the frame's bytes.
LIMITATIONS = {
    "tshark-cert-opaque": (
        lambda c: c["what"] == "certificate" and c["cert_hex"] is not None,
        "tshark 4.0 shows the Server Security Data's serverCertificate as "
        "bytes only (no dwVersion, blob count or RSA1 key field): the "
        "oracle reads those from tshark's rdp.serverCertificate bytes "
        "(MS-RDPBCGR 2.2.1.4.3.1)",
    ),
    "mcs-cut-by-snaplen": (
        lambda c: c["what"] == "user-data" and c["cut"],
        "the snap length cut the frame of the Connect-Initial or "
        "-Response: tshark shows the T.125 header and marks the rest "
        "truncated ([Packet size limited during capture]), so it has no "
        "user data (client data, server security data) to compare, and "
        "rdpneg decodes no connect PDU it does not have whole (not even "
        "its result)",
    ),
    "tshark-no-errorinfo-field": (
        lambda c: c["what"] == "error_info" and c["pdutype2"] is True,
        "tshark 4.0 dissects a Set Error Info PDU's Share Data Header "
        "(pduType2 47) but has no field for its errorInfo: only the frame "
        "is compared, the code is proven on the bytes",
    ),
    "tshark-gcc-length": (
        lambda c: c["what"] == "user-data" and c.get("malformed"),
        "the server wrote the ConnectData's connectPDU length short of "
        "the bytes that follow; tshark 4.0 bounds the Conference Create "
        "Response by it and stops with Malformed Packet before the user "
        "data, while the userData OCTET STRING's BER length bounds it for "
        "rdpneg (MS-RDPBCGR 2.2.1.4: Windows writes a constant there)",
    ),
    "tshark-license-header": (
        lambda c: c["what"] in ("license_error", "error_info")
        and c["mine"] is not None and c["theirs"] is None
        and c["level"] not in (None, "None"),
        "at an encryption level other than None, tshark 4.0 reads a "
        "licensing or data PDU without SEC_ENCRYPT as if it carried the "
        "12-byte Non-FIPS security header, 8 bytes too far; MS-RDPBCGR "
        "2.2.1.12 gives such a PDU the 4-byte Basic Security Header",
    ),
    "mcs-walk-budget": (
        lambda c: c["what"] == "disconnect" and c["mine"] is None
        and c["offset"] is not None and c["offset"] >= MCS_STREAM_BUDGET,
        "rdpneg reads the first 64 KiB of each direction after the "
        "Connection Confirm (README, \"Reassembly budget\"): a Disconnect "
        "Provider Ultimatum further into the stream is not seen",
    ),
    "mcs-after-tls-selected": (
        lambda c: c["what"] == "attempt" and c.get("selected") in (1, 2, 8),
        "the server selected TLS or CredSSP, yet MCS follows in clear: "
        "the capture lacks the TLS layer (FreeRDP's /pcap output records "
        "what is beneath it); rdpneg reads MCS only after a negotiation "
        "of Standard RDP Security, as on a real wire",
    ),
    "mcs-without-request": (
        lambda c: c["what"] == "attempt" and c["request_frame"] is None,
        "the client's first bytes are not an X.224 Connection Request (a "
        "fuzzer's, or the capture began later), so rdpneg has no place "
        "where that direction's MCS begins and does not read it",
    ),
}


def excuse(ctx):
    return wire.excuse(LIMITATIONS, ctx)


def tpkt_decode_args(ports):
    return decode_args(ports, "tpkt")


def tshark_rows(path, tshark, ports):
    """One tshark pass: every frame with TCP payload, its MCS/RDP fields."""
    return wire.tshark_rows(path, tshark, ports, "tpkt", FIELDS)


def server_certificate(blob):
    """The facts of a Server Certificate (MS-RDPBCGR 2.2.1.4.3.1) read
    from its bytes: (type, permanent, count, key_bits), None where the
    bytes stop short."""
    if len(blob) < 4:
        return None
    version = int.from_bytes(blob[0:4], "little")
    ctype = version & 0x7fffffff
    permanent = not version & 0x80000000
    count = key_bits = None
    if ctype == 1:                      # PROPRIETARYSERVERCERTIFICATE
        count = 1
        # dwSigAlgId, dwKeyAlgId, wPublicKeyBlobType, wPublicKeyBlobLen,
        # then RSA_PUBLIC_KEY: magic "RSA1", keylen, bitlen.
        if len(blob) >= 28 and blob[16:20] == b"RSA1":
            key_bits = int.from_bytes(blob[24:28], "little")
    elif ctype == 2 and len(blob) >= 8:  # X.509 chain: NumCertBlobs
        count = int.from_bytes(blob[4:8], "little")
    return {"type": ctype, "permanent": permanent, "count": count,
            "key_bits": key_bits}


def color_depth(row):
    """Bits per pixel the client asked for, as rdpneg_gcc_color_depth()."""
    early = ints(row["rdp.earlyCapabilityFlags"])
    if early and early[0] & WANT_32BPP:
        return 32
    high = ints(row["rdp.highColorDepth"])
    if high:
        return high[0]
    for field in ("rdp.postBeta2ColorDepth", "rdp.colorDepth"):
        v = ints(row[field])
        if v:
            return RNS_UD_COLOR.get(v[0], 0)
    return 0


class Stream:
    """What tshark shows of one TCP stream's MCS exchange."""

    def __init__(self):
        self.initial = None         # the Connect-Initial's row
        self.response = None        # the Connect-Response's row
        self.disconnect = None      # (frame, side, reason)
        self.license_error = None   # (frame, code, transition)
        self.error_info = None      # frame of a Set Error Info in clear
        self.connects = []          # frames of any MCS Connect PDU
        self.cut = set()            # frames the snap length cut
        self.malformed = set()      # frames tshark could not dissect
        self.server_start = None    # server's stream offset base: the end
                                    # of its first payload (the CC)
        self.disconnect_offset = None  # ... of the Ultimatum


def streams_of(rows, server_port_of_stream):
    streams = {}
    for row in rows:
        sid = int(row["tcp.stream"])
        if sid not in server_port_of_stream:
            continue
        st = streams.setdefault(sid, Stream())
        side = ("server" if int(row["tcp.srcport"])
                == server_port_of_stream[sid] else "client")
        frame = int(row["frame.number"])
        connect = ints(row["t125.ConnectMCSPDU"])
        if int(row["frame.cap_len"]) < int(row["frame.len"]):
            st.cut.add(frame)
        if row["_ws.malformed"]:
            st.malformed.add(frame)
        seq = ints(row["tcp.seq"])
        if side == "server" and st.server_start is None and seq:
            st.server_start = frame     # the CC's frame, offset set below
            st.cc_seq = seq[0]
        if connect:
            st.connects.append(frame)
        if MCS_CONNECT_INITIAL in connect and side == "client" \
                and st.initial is None:
            st.initial = row
        if MCS_CONNECT_RESPONSE in connect and side == "server" \
                and st.response is None:
            st.response = row
        domain = ints(row["t124.DomainMCSPDU"])
        if MCS_DISCONNECT in domain and st.disconnect is None:
            reasons = ints(row["t124.reason"])
            st.disconnect = (frame, side, reasons[0] if reasons else None)
            if side == "server" and st.server_start is not None and seq:
                st.disconnect_offset = seq[0] - st.cc_seq
        types = ints(row["rdp.bMsgType"])
        codes = ints(row["rdp.errorCode"])
        # STATUS_VALID_CLIENT is the licensing's success (2.2.1.12.1.3),
        # not an error.
        if LICENSE_ERROR_ALERT in types and st.license_error is None \
                and codes != [STATUS_VALID_CLIENT]:
            trans = ints(row["rdp.stateTransition"])
            st.license_error = (frame, codes[0] if codes else None,
                                trans[0] if trans else None)
        if PDUTYPE2_SET_ERROR_INFO in ints(row["rdp.pduType2"]) \
                and st.error_info is None:
            st.error_info = frame
    return streams


def tshark_view(st):
    """tshark's view of one stream in the shape of rdpneg's objects
    (client, rdp_security), plus what the comparison needs."""
    if st is None or (st.initial is None and st.response is None):
        return {"client": None, "rdp_security": None}
    client = None
    methods = None
    if st.initial is not None:
        r = st.initial
        early = ints(r["rdp.earlyCapabilityFlags"])
        digs = strs(r["rdp.client.digProductId"])
        # tshark writes an empty string as nothing: the block's length
        # tells whether clientDigProductId is there.
        blocks = dict(zip(strs(r["rdp.header.type"]),
                          ints(r["rdp.header.length"])))
        core_len = blocks.get("0xc001", 0)
        if not digs and core_len >= CS_CORE_DIG_PRODUCT_ID_END:
            digs = [""]
        offered = hex_bytes(r["rdp.encryptionMethods"])
        methods = int.from_bytes(offered[:4], "little") if offered else None
        client = {
            "name": (strs(r["rdp.client.name"]) or [None])[0],
            "build": (ints(r["rdp.client.build"]) or [None])[0],
            "keyboard_layout": (ints(r["rdp.keyboardLayout"]) or [None])[0],
            "desktop_width": (ints(r["rdp.desktop.width"]) or [None])[0],
            "desktop_height": (ints(r["rdp.desktop.height"]) or [None])[0],
            "color_depth": color_depth(r),
            "channels": strs(r["rdp.name"]),
            "dig_product_id": digs[0] if digs else None,
            "early_capability_flags": early[0] if early else None,
            "frame": int(r["frame.number"]),
        }
    sec = {
        "encryption_methods": None if methods is None else
        [n for bit, n in METHODS if methods & bit],
        "encryption_method": None, "encryption_level": None,
        "cert_type": None, "cert_count": None, "cert_permanent": None,
        "key_bits": None, "mcs_result": None,
        "disconnect": None, "license_error": None, "error_info": None,
        "frames": {"connect_initial": client and client["frame"],
                   "connect_response": None},
    }
    cert_hex = None
    if st.response is not None:
        r = st.response
        sec["frames"]["connect_response"] = int(r["frame.number"])
        result = ints(r["t125.result"])
        if result:
            sec["mcs_result"] = RESULTS[result[0]] \
                if result[0] < len(RESULTS) else str(result[0])
        method = ints(r["rdp.encryptionMethod"])
        level = ints(r["rdp.encryptionLevel"])
        if method:
            sec["encryption_method"] = METHOD_NAMES.get(method[0],
                                                        str(method[0]))
        if level:
            sec["encryption_level"] = LEVEL_NAMES.get(level[0],
                                                      str(level[0]))
        cert_hex = r["rdp.serverCertificate"] or None
        cert = server_certificate(hex_bytes(cert_hex))
        if cert is not None:
            sec["cert_type"] = CERT_NAMES.get(cert["type"],
                                              str(cert["type"]))
            sec["cert_count"] = cert["count"]
            sec["cert_permanent"] = cert["permanent"]
            sec["key_bits"] = cert["key_bits"]
    if st.disconnect is not None:
        frame, side, reason = st.disconnect
        sec["disconnect"] = {"from": side, "reason": REASONS.get(
            reason, None if reason is None else str(reason)), "frame": frame}
    if st.license_error is not None:
        frame, code, trans = st.license_error
        sec["license_error"] = {
            "code": LICENSE_ERRORS.get(code, code), "value": code,
            "state_transition": TRANSITIONS.get(trans, trans),
            "frame": frame}
    if st.error_info is not None:
        sec["error_info"] = {"frame": st.error_info}
    cut = {f for f in (sec["frames"]["connect_initial"],
                       sec["frames"]["connect_response"]) if f in st.cut}
    malformed = {f for f in (sec["frames"]["connect_initial"],
                             sec["frames"]["connect_response"])
                 if f in st.malformed}
    return {"client": client, "rdp_security": sec, "_cert_hex": cert_hex,
            "_cut": sorted(cut), "_malformed": sorted(malformed),
            "_disconnect_offset": st.disconnect_offset}


def match_streams(path, tshark, rdpneg):
    """(attempts, tshark's view per attempt index, rows)."""
    attempts = rdpneg_attempts(path, rdpneg, set())
    ports = {port_of(a["server"]) for a in attempts if a.get("server")}
    if ports - {3389}:
        attempts = rdpneg_attempts(path, rdpneg, ports)
    if not attempts:
        return attempts, {}
    rows = tshark_rows(path, tshark, ports or {3389})
    stream_of_frame = {int(r["frame.number"]): int(r["tcp.stream"])
                       for r in rows}
    server_port, stream_of = {}, {}
    for i, a in enumerate(attempts):
        frame = a.get("request_frame") or a.get("response_frame")
        sid = stream_of_frame.get(frame)
        if sid is not None:
            server_port[sid] = port_of(a["server"])
            stream_of[i] = sid
    streams = streams_of(rows, server_port)
    # Two attempts in one stream (a retried request): the stream's MCS
    # belongs to the last of them.
    last = {}
    for i, sid in stream_of.items():
        last[sid] = i
    views = {}
    for i in range(len(attempts)):
        sid = stream_of.get(i)
        views[i] = tshark_view(streams.get(sid) if last.get(sid) == i
                               else None)
    return attempts, views


# ---- Comparison with rdpneg.

CLIENT_KEYS = ["name", "build", "keyboard_layout", "desktop_width",
               "desktop_height", "color_depth", "channels",
               "dig_product_id", "early_capability_flags", "frame"]
SEC_KEYS = ["encryption_methods", "encryption_method", "encryption_level",
            "mcs_result"]
CERT_KEYS = ["cert_type", "cert_count", "cert_permanent", "key_bits"]


def compare_attempt(a, view, problems, applied):
    where = f"request frame {a.get('request_frame')}"

    def differ(text, ctx=None):
        why = excuse(ctx) if ctx else None
        if why is None:
            problems.append(f"{where}: {text}")
        elif applied is not None:
            applied.append((why, ctx.get("frame")))
        return why

    mine_c, theirs_c = client_facts(a), view["client"]
    mine_s, theirs_s = a.get("rdp_security"), view["rdp_security"]
    if mine_s is None and theirs_s is None:
        if mine_c is not None:
            differ(f"client {mine_c} without rdp_security")
        return
    if a.get("request_frame") is None and theirs_s is not None:
        # No Connection Request: a direction rdpneg cannot follow.
        differ("MCS without a Connection Request",
               {"what": "attempt", "request_frame": None,
                "frame": theirs_s["frames"]["connect_initial"] or
                theirs_s["frames"]["connect_response"]})
        return
    if mine_s is None and a.get("selected_protocol") in (1, 2, 8):
        differ("MCS in clear after TLS was selected",
               {"what": "attempt", "request_frame": a["request_frame"],
                "selected": a["selected_protocol"],
                "frame": a["response_frame"]})
        return
    if mine_s is None or theirs_s is None:
        differ("rdp_security " + ("null" if mine_s is None else "set")
               + ", tshark " + ("no MCS Connect" if theirs_s is None else
                                f"Connect PDUs {theirs_s['frames']}"))
        return
    cut_frames = view.get("_cut", ())
    malformed_frames = view.get("_malformed", ())
    if (mine_c is None) != (theirs_c is None):
        frame = theirs_c["frame"] if theirs_c else None
        differ(f"client {mine_c} != tshark {theirs_c}",
               {"what": "user-data", "frame": frame,
                "cut": frame in cut_frames})
    elif mine_c is not None:
        cut_i = theirs_c["frame"] in view.get("_cut", ())
        for k in CLIENT_KEYS:
            if mine_c.get(k) != theirs_c[k]:
                differ(f"client.{k} {mine_c.get(k)!r} != tshark "
                       f"{theirs_c[k]!r}",
                       {"what": "user-data", "frame": theirs_c["frame"],
                        "cut": cut_i and k != "frame"})
    frames = theirs_s["frames"]
    for k in SEC_KEYS:
        if mine_s.get(k) != theirs_s[k]:
            frame = frames["connect_initial" if k == "encryption_methods"
                           else "connect_response"]
            differ(f"{k} {mine_s.get(k)!r} != tshark {theirs_s[k]!r}",
                   {"what": "user-data", "frame": frame,
                    "cut": frame in cut_frames,
                    "malformed": frame in malformed_frames
                    and k != "mcs_result"})
    mine_frames = {"connect_initial": mine_s.get("connect_initial_frame"),
                   "connect_response": mine_s.get("connect_response_frame")}
    if mine_frames != theirs_s["frames"]:
        differ(f"frames {mine_frames} != tshark {theirs_s['frames']}")
    # The certificate: tshark gives its bytes only (named rule).
    cert_frame = theirs_s["frames"]["connect_response"]
    for k in CERT_KEYS:
        if mine_s.get(k) != theirs_s[k]:
            differ(f"{k} {mine_s.get(k)!r} != {theirs_s[k]!r} read from "
                   "tshark's serverCertificate bytes",
                   {"what": "user-data", "frame": cert_frame,
                    "cut": cert_frame in cut_frames,
                    "malformed": cert_frame in malformed_frames})
    if theirs_s["cert_type"] is not None:
        # Every comparison above of the certificate rests on the rule.
        differ("certificate", {"what": "certificate",
                               "cert_hex": view["_cert_hex"],
                               "frame": cert_frame})
    # Disconnect Provider Ultimatum.
    if mine_s.get("disconnect") != theirs_s["disconnect"]:
        theirs_d = theirs_s["disconnect"]
        differ(f"disconnect {mine_s.get('disconnect')} != tshark "
               f"{theirs_d}",
               {"what": "disconnect", "mine": mine_s.get("disconnect"),
                "offset": view.get("_disconnect_offset"),
                "frame": theirs_d and theirs_d["frame"]})
    # License Error in clear.
    level = mine_s.get("encryption_level")
    if mine_s.get("license_error") != theirs_s["license_error"]:
        mine_l = mine_s.get("license_error")
        differ(f"license_error {mine_l} != tshark "
               f"{theirs_s['license_error']}",
               {"what": "license_error", "mine": mine_l,
                "theirs": theirs_s["license_error"], "level": level,
                "frame": mine_l and mine_l["frame"]})
    # Set Error Info in clear: tshark has the frame, not the code.
    mine_e = mine_s.get("error_info")
    theirs_e = theirs_s["error_info"]
    if (mine_e is None) != (theirs_e is None) or \
            (mine_e and mine_e.get("frame") != theirs_e["frame"]):
        differ(f"error_info {mine_e} != tshark {theirs_e}",
               {"what": "error_info", "pdutype2": False, "mine": mine_e,
                "theirs": theirs_e, "level": level,
                "frame": mine_e and mine_e["frame"]})
    elif mine_e is not None:
        differ("error_info code", {"what": "error_info", "pdutype2": True,
                                   "frame": theirs_e["frame"]})


# ---- Zeek's baselines.

def load_zeek(path):
    data = json.loads(Path(path).read_text())
    return {b["capture"]: b for b in data["baselines"]}


def zeek_pairs(row, client, sec):
    """(field, Zeek's value, the other tool's value) for every field both
    report; client and sec in rdpneg's shape (or tshark_view's)."""
    n = row["numeric"]
    pairs = []
    c = client or {}
    s = sec or {}
    if row["client_name"] is not None:
        pairs += [
            ("client_name", row["client_name"], c.get("name")),
            ("client_build", n["client_build"], c.get("build")),
            ("keyboard_layout", n["keyboard_layout"],
             c.get("keyboard_layout")),
            ("desktop_width", row["desktop_width"], c.get("desktop_width")),
            ("desktop_height", row["desktop_height"],
             c.get("desktop_height")),
            ("requested_color_depth", n["requested_color_depth"],
             c.get("color_depth")),
            ("client_channels", row["client_channels"] or [],
             c.get("channels")),
            ("client_dig_product_id", row["client_dig_product_id"],
             # Zeek keeps 31 characters of the 32 UTF-16 units.
             (c.get("dig_product_id") or "")[:31]
             if c.get("dig_product_id") is not None else None),
        ]
    else:
        pairs.append(("client (none for Zeek)", None, client))
    pairs += [
        ("encryption_method", row["encryption_method"],
         s.get("encryption_method")),
        ("encryption_level", row["encryption_level"],
         s.get("encryption_level")),
        ("cert_type", row["cert_type"], s.get("cert_type")),
        # Zeek logs cert_count 0 when it saw no certificate.
        ("cert_count", row["cert_count"], s.get("cert_count") or 0),
        ("cert_permanent", row["cert_permanent"], s.get("cert_permanent")),
    ]
    if row["result"] == "Success":
        pairs.append(("result", "rt-successful", s.get("mcs_result")))
    return pairs


def client_port(a):
    """The client's port of an attempt ("client" is its address)."""
    return port_of(a["client"])


def client_facts(a):
    """The client data object of an attempt (a dict), else None."""
    return a.get("client_data")


def compare_zeek(baseline, attempts, views, who):
    """Zeek's rows against rdpneg's attempts (who == 'rdpneg') or tshark's
    views (who == 'tshark'), matched by the client port (the last attempt
    from it)."""
    problems = []
    for row in baseline["rows"]:
        port = row["id.orig_p"]
        idx = [i for i, a in enumerate(attempts) if client_port(a) == port]
        if not idx:
            problems.append(f"port {port}: no rdpneg attempt")
            continue
        i = idx[-1]
        if who == "tshark":
            client = views[i]["client"]
            sec = views[i]["rdp_security"]
        else:
            # The negotiation's fields, which rdpneg reports already.
            a, n = attempts[i], row["numeric"]
            res = n["result"] if isinstance(n["result"], dict) else {}
            for what, zeek, other in (
                    ("cookie", row["cookie"], a.get("user") or ""),
                    ("security_protocol", n["security_protocol"],
                     a.get("selected_protocol")),
                    ("result (failure code)", res.get("failure_code"),
                     a.get("failure_code"))):
                if zeek != other:
                    problems.append(f"port {port}: {what} Zeek {zeek!r} "
                                    f"!= rdpneg {other!r}")
            if "rdp_security" not in attempts[i]:
                problems.append(f"port {port}: rdpneg's JSONL has no "
                                "rdp_security object")
                continue
            client = client_facts(attempts[i])
            sec = attempts[i]["rdp_security"]
        for what, zeek, other in zeek_pairs(row, client, sec):
            if zeek != other:
                problems.append(f"port {port}: {what} Zeek {zeek!r} != "
                                f"{who} {other!r}")
    return problems


# ---- Driver.

def compare(path, tshark, rdpneg, applied=None):
    """Compare one capture; return (problems, attempts with MCS)."""
    attempts, views = match_streams(path, tshark, rdpneg)
    problems = []
    if not attempts:
        return problems, 0
    if any("rdp_security" not in a for a in attempts):
        n = sum(1 for v in views.values() if v["rdp_security"])
        return [f"rdpneg's JSONL has no rdp_security object ({n} attempts "
                "with MCS for tshark)"], n
    n = 0
    for i, a in enumerate(attempts):
        if a.get("rdp_security") is not None or views[i]["rdp_security"]:
            n += 1
        compare_attempt(a, views[i], problems, applied)
    return problems, n


def dump(path, tshark, rdpneg):
    attempts, views = match_streams(path, tshark, rdpneg)
    for i, a in enumerate(attempts):
        v = {k: val for k, val in views[i].items() if not k.startswith("_")}
        print(json.dumps({"capture": str(path),
                          "request_frame": a.get("request_frame"),
                          "client_port": client_port(a),
                          "server": a.get("server"), **v}, indent=1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rdpneg", required=True, help="rdpneg binary")
    parser.add_argument("--tshark", default="tshark")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--zeek", type=Path, nargs="?", const=ZEEK_BASELINES,
                        help="also compare with Zeek's rdp.log baselines "
                        f"(default {ZEEK_BASELINES.name})")
    parser.add_argument("--dump", action="store_true",
                        help="print tshark's view of each attempt, compare "
                        "nothing")
    parser.add_argument("paths", nargs="+", type=Path,
                        help="capture files or directories")
    args = parser.parse_args()

    files = capture_files(args.paths)
    if args.dump:
        for f in files:
            dump(f, args.tshark, args.rdpneg)
        return 0

    def one(f):
        problems, n = compare(f, args.tshark, args.rdpneg)
        return f, problems, n

    tally = Tally()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for f, problems, n in pool.map(one, files):
            tally.record(f"{f} ({n} attempts with MCS)", problems)
    if args.zeek:
        baselines = load_zeek(args.zeek)
        by_name = {f.name: f for f in files}
        found = 0
        for name, b in sorted(baselines.items()):
            f = by_name.get(name)
            if f is None:
                continue
            found += 1
            attempts, views = match_streams(f, args.tshark, args.rdpneg)
            for who in ("tshark", "rdpneg"):
                tally.record(f"Zeek {b['source']['path']} vs {who} on "
                             f"{name} ({len(b['rows'])} rows)",
                             compare_zeek(b, attempts, views, who))
        if not found:
            tally.record("Zeek baselines", ["no baseline capture among "
                                            f"{[str(p) for p in args.paths]}"])
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
