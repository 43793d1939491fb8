#!/usr/bin/env python3
"""Compare rdpneg's TLS, certificate and CredSSP facts with tshark's.

For every capture, one tshark pass decodes the RDP ports as TLS (`-d
tcp.port==P,tls`: tshark 4.0 then skips the X.224 bytes and dissects the
records after them) and lists, per frame, the records, the hellos, the
alerts and the certificates; a second pass (PDML) reads the server
certificate's fields on the frames that carry one.  For each attempt
whose `tls` object is not null, rdpneg must report what tshark shows:

  - ClientHello: frame, offered versions (supported_versions, else
    legacy_version; GREASE dropped), offered suites (the prefix rdpneg
    keeps) and their count, server name;
  - ServerHello: frame, version (supported_versions' selection, else
    legacy_version), cipher suite, HelloRetryRequest;
  - the first alert in clear of each direction: level, code, frame;
  - the encrypted records (content type 23) in order: direction, length,
    frame; their total; whether both sides finished the handshake;
  - the server certificate: SHA-256 of its DER bytes, serial, validity,
    signature and key algorithms, key size, CN and O of the subject and
    issuer, the subjectAltName DNS names and the chain length.

An attempt whose `tls` is null must have no TLS hello for tshark either.

Where a capture carries its TLS keys (pcapng Decryption Secrets Blocks),
tshark decrypts CredSSP: a server TSRequest with errorCode must be
rdpneg's stage "error" (diagnosis nla-logon-failed) at that frame, and a
client authInfo followed by MCS must be stage "complete" (class ok).

Known differences are not silenced: each one is a named rule in
LIMITATIONS, applied only where its condition holds, and
tests/oracle/test_tls_limitations.py proves each on the frames it excused.

Prints one line per capture and a closing "N passed, N failed" line.
"""

import argparse
import hashlib
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from tally import Tally  # noqa: E402
import wire  # noqa: E402
from wire import (capture_files, decode_args, ints,  # noqa: E402
                  port_of, rdpneg_attempts, strs)

FIELDS = [
    "frame.number",
    "tcp.stream",
    "tcp.srcport",
    "frame.cap_len",
    "frame.len",
    "tls.record.content_type",
    "tls.record.opaque_type",
    "tls.record.length",
    "tls.handshake.type",
    "tls.handshake.version",
    "tls.handshake.extensions.supported_version",
    "tls.handshake.ciphersuite",
    "tls.handshake.extensions_server_name",
    "tls.handshake.random",
    "tls.alert_message.level",
    "tls.alert_message.desc",
    "tls.handshake.certificate_length",
    "credssp.errorCode",
    "credssp.authInfo",
    "tpkt.length",
]
CT_CCS, CT_ALERT, CT_HANDSHAKE, CT_APP = 20, 21, 22, 23
HS_CLIENT_HELLO, HS_SERVER_HELLO, HS_CERTIFICATE = 1, 2, 11
HRR_RANDOM = ("cf21ad74e59a6111be1d8c021e65b891"
              "c2a211167abb8c5e079e09e2c8a8339c")
SUITES_KEPT = 32        # RDPNEG_TLS_SUITES_MAX
RECORDS_KEPT = 24       # RDPNEG_TLS_RECORDS_MAX

# Certificate algorithm OIDs -> GnuTLS's names (gnutls_sign_get_name,
# gnutls_pk_get_name), which rdpneg reports.
SIGNATURES = {
    "1.2.840.113549.1.1.4": "RSA-MD5",
    "1.2.840.113549.1.1.5": "RSA-SHA1",
    "1.2.840.113549.1.1.11": "RSA-SHA256",
    "1.2.840.113549.1.1.12": "RSA-SHA384",
    "1.2.840.113549.1.1.13": "RSA-SHA512",
    "1.2.840.113549.1.1.14": "RSA-SHA224",
    "1.2.840.10045.4.1": "ECDSA-SHA1",
    "1.2.840.10045.4.3.2": "ECDSA-SHA256",
    "1.2.840.10045.4.3.3": "ECDSA-SHA384",
    "1.2.840.10045.4.3.4": "ECDSA-SHA512",
    "1.3.101.112": "EdDSA-Ed25519",
}
KEYS = {
    "1.2.840.113549.1.1.1": "RSA",
    "1.2.840.10045.2.1": "EC/ECDSA",
    "1.3.101.112": "EdDSA (Ed25519)",
}
CURVE_BITS = {"1.2.840.10045.3.1.7": 256, "1.3.132.0.34": 384,
              "1.3.132.0.35": 521}
OID_CN, OID_O = "2.5.4.3", "2.5.4.10"


def tshark_names(tshark, field):
    """tshark's value names of a field (tshark -G values): value -> name."""
    out = subprocess.run([tshark, "-G", "values"], capture_output=True,
                         text=True, errors="replace", check=False).stdout
    names = {}
    for line in out.splitlines():
        cols = line.split("\t")
        if len(cols) == 4 and cols[0] == "V" and cols[1] == field:
            names[int(cols[2], 0)] = cols[3]
    return names


def value_names(tshark):
    """(suite names, alert names as rdpneg writes them: "Close Notify"
    -> "close_notify"), both tshark's."""
    alerts = {code: re.sub(r"\W+", "_", name.strip().lower())
              for code, name in tshark_names(
                  tshark, "tls.alert_message.desc").items()}
    return tshark_names(tshark, "tls.handshake.ciphersuite"), alerts


def is_grease(v):
    """RFC 8701 GREASE values: 0x?a?a with both bytes equal."""
    return (v & 0x0f0f) == 0x0a0a and (v >> 8) == (v & 0xff)


def tls_decode_args(ports):
    return decode_args(ports, "tls")


def tshark_rows(path, tshark, ports):
    """One tshark pass: every frame with TCP payload, its TLS fields."""
    return wire.tshark_rows(path, tshark, ports, "tls", FIELDS)


def frame_records(row):
    """The frame's records as (content type, length, opaque).  tshark lists
    the types of the records in clear (content_type) apart from TLS 1.3's
    encrypted ones (opaque_type), which always come after them."""
    lengths = ints(row["tls.record.length"])
    clear = ints(row["tls.record.content_type"])
    opaque = ints(row["tls.record.opaque_type"])
    types = [(t, False) for t in clear] + [(t, True) for t in opaque]
    if len(types) != len(lengths):
        return None
    return [(t, n, o) for (t, o), n in zip(types, lengths)]


class Stream:
    """What tshark shows of one TCP stream's TLS."""

    def __init__(self):
        self.frames = []            # rows in order
        self.client_hello = None    # (frame, row)
        self.server_hello = None
        self.hrr = False
        self.alerts = {}            # side -> (frame, level, code)
        self.encrypted = []         # (side, length, frame): type 23
        self.enc_alerts = []        # (side, length, frame): alerts after CCS
        self.ccs = {"client": False, "server": False}
        self.fin = {"client": False, "server": False}  # 1.2 Finished
        self.opaque = {"client": False, "server": False}
        self.cert_frame = None
        self.first_record = None    # frame of tshark's first TLS record
        self.cut = []               # frames cut by the snap length
        self.unaligned = []         # frames whose record lists differ
        self.credssp = []           # (frame, side, errorCode, authInfo)


def version_of(st):
    """The version tshark's ServerHello selected, else 0."""
    if st.server_hello is None:
        return 0
    row = st.server_hello[1]
    sel = ints(row["tls.handshake.extensions.supported_version"])
    return sel[-1] if sel else ints(row["tls.handshake.version"])[-1]


def streams_of(rows, server_port_of_stream):
    """Group tshark's rows into Streams, keyed by tcp.stream."""
    streams = {}
    for row in rows:
        sid = int(row["tcp.stream"])
        if sid not in server_port_of_stream:
            continue
        st = streams.setdefault(sid, Stream())
        side = ("server" if int(row["tcp.srcport"])
                == server_port_of_stream[sid] else "client")
        frame = int(row["frame.number"])
        st.frames.append(row)
        if int(row["frame.cap_len"]) < int(row["frame.len"]):
            st.cut.append(frame)
        types = ints(row["tls.handshake.type"])
        if HS_CLIENT_HELLO in types and st.client_hello is None \
                and side == "client":
            st.client_hello = (frame, row)
        if HS_SERVER_HELLO in types and side == "server":
            randoms = strs(row["tls.handshake.random"])
            hrr = bool(randoms) and randoms[0].replace(":", "") == HRR_RANDOM
            st.hrr = st.hrr or hrr
            st.server_hello = (frame, row)
        if HS_CERTIFICATE in types and side == "server" \
                and st.cert_frame is None:
            st.cert_frame = frame
        recs = frame_records(row)
        if recs and st.first_record is None:
            st.first_record = frame
        if recs is None:
            st.unaligned.append(frame)
            continue
        levels = ints(row["tls.alert_message.level"])
        descs = ints(row["tls.alert_message.desc"])
        ai = 0
        for ctype, length, opaque in recs:
            if ctype == CT_CCS:
                st.ccs[side] = True
            elif ctype == CT_APP:
                st.encrypted.append((side, length, frame))
                if opaque:
                    st.opaque[side] = True
            elif ctype == CT_HANDSHAKE and st.ccs[side] \
                    and version_of(st) != 0x0304:
                st.fin[side] = True
            elif ctype == CT_ALERT:
                # tshark decodes an alert in clear, or one it decrypted
                # with the capture's keys; an encrypted one it cannot
                # read has no description (those come last in a frame).
                decoded = ai < len(descs)
                if st.ccs[side]:
                    st.enc_alerts.append((side, length, frame))
                if decoded:
                    if side not in st.alerts:
                        st.alerts[side] = (frame, levels[ai], descs[ai])
                    ai += 1
        errors = ints(row["credssp.errorCode"])
        auth = strs(row["credssp.authInfo"])
        if errors or auth or row["tpkt.length"]:
            st.credssp.append((frame, side, errors[0] if errors else None,
                               bool(auth), bool(row["tpkt.length"])))
    return streams


# ---- The server certificate, from tshark's PDML.

def pdml_certificates(path, tshark, ports, frames):
    """frame -> the first certificate's fields, from tshark's tree."""
    if not frames:
        return {}
    flt = " || ".join(f"frame.number == {f}" for f in sorted(frames))
    out = subprocess.run(
        [tshark, "-n", "-r", str(path), *tls_decode_args(ports),
         "-o", "tcp.reassemble_out_of_order:TRUE", "-Y", flt, "-T", "pdml"],
        capture_output=True, check=False).stdout
    certs = {}
    root = ET.fromstring(out)
    for packet in root.iter("packet"):
        frame = None
        for f in packet.iter("field"):
            if f.get("name") == "frame.number":
                frame = int(f.get("show"))
                break
        chain = [f for f in packet.iter("field")
                 if f.get("name") == "tls.handshake.certificate"]
        if frame is None or not chain:
            continue
        certs[frame] = cert_facts(chain[0])
        certs[frame]["chain_length"] = len(chain)
    return certs


def first(node, name):
    for f in node.iter("field"):
        if f.get("name") == name:
            return f
    return None


def all_named(node, name):
    return [f for f in node.iter("field") if f.get("name") == name]


def rdn_values(node):
    """(oid, value) of each attribute of an issuer or subject, in order."""
    values = []
    for ava in all_named(node,
                         "x509if.RelativeDistinguishedName_item_element"):
        oid = first(ava, "x509if.oid")
        text = None
        for f in ava.iter("field"):
            name = f.get("name", "")
            if name.startswith("x509sat.") and len(f) == 0 \
                    and name != "x509sat.DirectoryString":
                text = f.get("show")
        values.append((oid.get("show") if oid is not None else None, text))
    return values


def tshark_time(field):
    """ISO 8601 UTC seconds of a utcTime or generalizedTime field."""
    text = field.get("show")
    for fmt in ("%Y-%m-%d %H:%M:%S (UTC)", "%b %d, %Y %H:%M:%S.%f000 UTC",
                "%b %d, %Y %H:%M:%S.%f UTC"):
        try:
            return datetime.strptime(re.sub(r"  +", " ", text), fmt) \
                .strftime("%Y-%m-%dT%H:%M:%S")
        except ValueError:
            pass
    return text


def cert_facts(cert):
    der = bytes.fromhex(cert.get("value"))
    tbs = first(cert, "x509af.signedCertificate_element")
    facts = {"sha256": hashlib.sha256(der).hexdigest(), "der_len": len(der)}
    serial = first(tbs, "x509af.serialNumber")
    facts["serial"] = serial.get("value").lower() if serial is not None \
        else None
    sig = first(first(tbs, "x509af.signature_element"),
                "x509af.algorithm.id")
    facts["signature_oid"] = sig.get("show") if sig is not None else None
    for part in ("issuer", "subject"):
        node = first(tbs, f"x509af.{part}")
        facts[part] = rdn_values(node) if node is not None else []
    validity = first(tbs, "x509af.validity_element")
    for part in ("notBefore", "notAfter"):
        node = first(validity, f"x509af.{part}")
        leaf = [f for f in node.iter("field") if len(f) == 0][0]
        facts[part] = tshark_time(leaf)
    spki = first(tbs, "x509af.subjectPublicKeyInfo_element")
    key = first(first(spki, "x509af.algorithm_element"),
                "x509af.algorithm.id")
    facts["key_oid"] = key.get("show")
    modulus = first(spki, "pkcs1.modulus")
    facts["key_bits"] = None
    if modulus is not None:
        facts["key_bits"] = int(modulus.get("value"), 16).bit_length()
    else:
        curve = first(spki, "x509af.namedCurve") or first(
            spki, "pkcs1.namedCurve")
        if curve is not None:
            facts["key_bits"] = CURVE_BITS.get(curve.get("show"))
    facts["names"] = [f.get("show") for f in all_named(tbs, "x509ce.dNSName")]
    facts["names"] += [f.get("show") for f in
                       all_named(tbs, "x509ce.iPAddress")]
    return facts


def rfc4514_values(text, key):
    """The values of one attribute type in GnuTLS's RFC 4514 text."""
    values, cur, i = [], "", 0
    parts = []
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1:i + 3]
            if re.fullmatch(r"[0-9a-fA-F]{2}", nxt):
                cur += "\x00" + nxt     # decoded below, byte-wise
                i += 3
                continue
            cur += text[i + 1]
            i += 2
            continue
        if ch in ",+":
            parts.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    parts.append(cur)
    for p in parts:
        k, _, v = p.partition("=")
        if k.strip().upper() == key:
            raw = re.sub(r"\x00([0-9a-fA-F]{2})",
                         lambda m: "\\x" + m.group(1), v)
            if "\\x" in raw:
                raw = bytes(raw, "latin-1").decode("unicode_escape") \
                    .encode("latin-1").decode("utf-8", "replace")
            values.append(raw)
    return sorted(values)


# ---- Documented differences: name -> (condition, explanation).  Each
# condition receives a context dict (see compare_attempt) and is narrow;
# tests/oracle/test_tls_limitations.py proves each on its frames.
LIMITATIONS = {
    "records-kept-24": (
        lambda c: c["what"] == "records" and len(c["ours"]) == RECORDS_KEPT
        and len(c["theirs"]) > RECORDS_KEPT
        and c["theirs"][:RECORDS_KEPT] == c["ours"]
        and RECORDS_KEPT <= c["total"] <= len(c["theirs"]),
        "rdpneg keeps the first 24 encrypted records "
        "(RDPNEG_TLS_RECORDS_MAX) and stops reading the session once they "
        "are full: records_total counts what it read",
    ),
    "encrypted-alert-as-record": (
        lambda c: c["what"] == "record" and c["record"] in c["enc_alerts"],
        "an alert sent after its side's ChangeCipherSpec is encrypted: "
        "rdpneg lists it among the encrypted records (a CredSSP message "
        "cannot be told from it without keys); tshark shows content "
        "type 21",
    ),
    "tls-cut-by-snaplen": (
        lambda c: c["what"] == "no-tls" and c["cut"],
        "the snap length cut the TLS records (captures/peers/ with "
        "snaplen 192): rdpneg walks whole records only and has no TLS "
        "facts, tshark shows the part of the hello it has",
    ),
}


def excuse(ctx):
    return wire.excuse(LIMITATIONS, ctx)


def compare_attempt(a, st, certs, names, problems, applied):
    """Compare one attempt's tls object with tshark's Stream."""
    t = a["tls"]
    suite_names, alert_names = names
    where = f"request frame {a['request_frame']}"

    def differ(text, ctx=None, frame=None):
        why = excuse(ctx) if ctx is not None else None
        if why is None:
            problems.append(f"{where}: {text}")
        elif applied is not None:
            applied.append((why, frame))

    if st is None:
        differ("rdpneg has TLS facts, tshark no TLS on the stream")
        return
    # ClientHello.
    if st.client_hello is None:
        if t["client_hello_frame"] is not None:
            differ(f"ClientHello frame {t['client_hello_frame']}, "
                   "tshark none")
    else:
        frame, row = st.client_hello
        if t["client_hello_frame"] != frame:
            differ(f"ClientHello frame {t['client_hello_frame']} != "
                   f"tshark {frame}")
        versions = [v for v in ints(
            row["tls.handshake.extensions.supported_version"])
            if not is_grease(v)]
        if not versions:
            versions = ints(row["tls.handshake.version"])[:1]
        want = [version_name(v) for v in versions]
        if t["offered_versions"] != want:
            differ(f"offered versions {t['offered_versions']} != tshark "
                   f"{want}")
        suites = [s for s in ints(row["tls.handshake.ciphersuite"])
                  if not is_grease(s)]
        ours = [s if same_suite(o, s, suite_names) else o
                for o, s in zip(t["offered_suites"], suites)]
        ours += t["offered_suites"][len(suites):]
        if ours != suites:
            # No capture offers more than the 32 suites rdpneg keeps
            # (RDPNEG_TLS_SUITES_MAX): a longer list fails here until a
            # rule for it is proven on a capture.
            differ(f"offered suites {t['offered_suites']} != tshark "
                   f"{[suite_text(s, suite_names) for s in suites]}")
        if t["offered_suites_count"] != len(suites):
            differ(f"offered_suites_count {t['offered_suites_count']} "
                   f"!= tshark {len(suites)}")
        sni = strs(row["tls.handshake.extensions_server_name"])
        if t["sni"] != (sni[0] if sni else None):
            differ(f"sni {t['sni']!r} != tshark {sni[:1]}")
    # ServerHello.
    if st.server_hello is None:
        if t["server_hello_frame"] is not None:
            differ(f"ServerHello frame {t['server_hello_frame']}, "
                   "tshark none")
    else:
        frame, row = st.server_hello
        if t["server_hello_frame"] != frame:
            differ(f"ServerHello frame {t['server_hello_frame']} != "
                   f"tshark {frame}")
        sel = [v for v in ints(
            row["tls.handshake.extensions.supported_version"])]
        version = sel[-1] if sel else ints(row["tls.handshake.version"])[-1]
        if t["version"] != version_name(version):
            differ(f"version {t['version']} != tshark "
                   f"{version_name(version)}")
        suite = ints(row["tls.handshake.ciphersuite"])[-1]
        if not same_suite(t["cipher_suite"], suite, suite_names):
            differ(f"cipher suite {t['cipher_suite']} != tshark "
                   f"0x{suite:04x}")
        if t["hello_retry_request"] != st.hrr:
            differ(f"hello_retry_request {t['hello_retry_request']} != "
                   f"tshark {st.hrr}")
    # Alerts in clear: the first of each direction.
    ours = {al["from"]: al for al in t["alerts"]}
    for side in ("client", "server"):
        theirs = st.alerts.get(side)
        mine = ours.get(side)
        if theirs is None and mine is None:
            continue
        if theirs is None or mine is None or mine["frame"] != theirs[0] \
                or mine["code"] != theirs[2] \
                or mine["description"] != alert_names.get(theirs[2]) \
                or mine["level"] != {1: "warning", 2: "fatal"}.get(
                    theirs[1], str(theirs[1])):
            differ(f"{side} alert {mine} != tshark {theirs}")
    # Encrypted records.
    theirs = st.encrypted
    mine = [(r["from"], r["length"], r["frame"]) for r in t["records"]]
    kept, ti = [], 0
    for rec in mine:
        if ti < len(theirs) and theirs[ti] == rec:
            kept.append(rec)
            ti += 1
            continue
        differ(f"record {rec} != tshark "
               f"{theirs[ti] if ti < len(theirs) else None}",
               {"what": "record", "record": rec,
                "enc_alerts": st.enc_alerts}, rec[2])
    if ti < len(theirs):
        differ(f"{len(theirs) - ti} more encrypted records for tshark "
               f"(first {theirs[ti]})",
               {"what": "records", "ours": kept, "theirs": theirs,
                "total": t["records_total"]}, theirs[RECORDS_KEPT - 1][2]
               if len(theirs) >= RECORDS_KEPT else None)
    elif t["records_total"] != len(mine):
        differ(f"records_total {t['records_total']} != {len(mine)} listed")
    # Handshake completed: both Finished (TLS 1.2: after each side's
    # ChangeCipherSpec; TLS 1.3: each side's first encrypted record).
    if st.server_hello is not None and not st.hrr:
        if version_of(st) == 0x0304:
            done = st.opaque["client"] and st.opaque["server"]
        else:
            done = st.fin["client"] and st.fin["server"]
    else:
        done = False
    if t["handshake_complete"] != done:
        differ(f"handshake_complete {t['handshake_complete']} != "
               f"tshark {done}")
    # The certificate.
    compare_certificate(t, st, certs, differ)


def version_name(v):
    return {0x0300: "SSL 3.0", 0x0301: "TLS 1.0", 0x0302: "TLS 1.1",
            0x0303: "TLS 1.2", 0x0304: "TLS 1.3"}.get(v, f"0x{v:04x}")


def suite_text(code, suite_names):
    """tshark's suite as rdpneg writes one: its name (tshark's names are
    IANA's, and some names have two codes, e.g. the ChaCha20 draft's
    0xcc14 and RFC 7905's 0xcca9) else 0x%04x.  rdpneg's table names
    fewer suites than tshark's: a code it writes in hex is compared as a
    code."""
    return suite_names.get(code, f"0x{code:04x}")


def same_suite(ours, code, suite_names):
    if ours is None or code is None:
        return ours is None and code is None
    if re.fullmatch(r"0x[0-9a-f]{4}", ours):
        return int(ours, 16) == code
    return ours == suite_names.get(code)


def compare_certificate(t, st, certs, differ):
    c = t["certificate"]
    theirs = certs.get(st.cert_frame) if st.cert_frame else None
    if c is None and theirs is None:
        return
    if c is None or theirs is None:
        differ(f"certificate {'none' if c is None else c['sha256']} != "
               f"tshark {'none' if theirs is None else theirs['sha256']}")
        return
    pairs = [
        ("sha256", c["sha256"], theirs["sha256"]),
        ("serial", c["serial"], theirs["serial"]),
        ("not_before", (c["not_before"] or "")[:19], theirs["notBefore"]),
        ("not_after", (c["not_after"] or "")[:19], theirs["notAfter"]),
        ("signature", c["signature"],
         SIGNATURES.get(theirs["signature_oid"], theirs["signature_oid"])),
        ("key_type", c["key_type"],
         KEYS.get(theirs["key_oid"], theirs["key_oid"])),
        ("key_bits", c["key_bits"], theirs["key_bits"]),
        ("chain_length", c["chain_length"], theirs["chain_length"]),
    ]
    for part in ("subject", "issuer"):
        for key, oid in (("CN", OID_CN), ("O", OID_O)):
            pairs.append((f"{part} {key}", rfc4514_values(c[part], key),
                          sorted(v for o, v in theirs[part] if o == oid)))
    names = sorted(n for n in c["names"].split(", ") if n)
    pairs.append(("names", names, sorted(theirs["names"])))
    for what, ours, their in pairs:
        if ours != their:
            differ(f"certificate {what} {ours!r} != tshark {their!r}")


def compare_credssp(a, st, problems):
    """Ground truth from a capture that carries its TLS keys."""
    c = a["tls"]["credssp"] if a["tls"] else None
    where = f"request frame {a['request_frame']}"
    error = [f for f, side, err, _auth, _tpkt in st.credssp
             if side == "server" and err is not None]
    auth = [f for f, side, _err, au, _tpkt in st.credssp
            if side == "client" and au]
    mcs = [f for f, side, _err, _au, tpkt in st.credssp
           if side == "client" and tpkt and auth and f > auth[0]]
    ours = {(r["from"], r["length"], r["frame"])
            for r in a["tls"]["records"]}
    for frame, side, *_rest in st.credssp:
        rec = [r for r in st.encrypted if r[2] == frame and r[0] == side]
        if rec and rec[0] not in ours and len(ours) < RECORDS_KEPT:
            problems.append(f"{where}: CredSSP record {rec[0]} not among "
                            "rdpneg's records")
    if error:
        want = ("error", error[0])
        if c is None or (c["stage"], c["frame"]) != want:
            problems.append(f"{where}: tshark errorCode at frame "
                            f"{error[0]}; rdpneg credssp {c}")
        if a["diagnosis"]["id"] != "nla-logon-failed":
            problems.append(f"{where}: errorCode but diagnosis "
                            f"{a['diagnosis']['id']}")
        return "error"
    if auth and mcs:
        if c is None or c["stage"] != "complete" or c["frame"] != mcs[0]:
            problems.append(f"{where}: authInfo at frame {auth[0]}, MCS "
                            f"at {mcs[0]}; rdpneg credssp {c}")
        if a["class"] != "ok":
            problems.append(f"{where}: CredSSP complete but class "
                            f"{a['class']}")
        return "complete"
    return None


def compare(path, tshark, rdpneg, names, applied=None, truth=None):
    """Compare one capture; return (problems, attempts with TLS)."""
    attempts = rdpneg_attempts(path, rdpneg, set())
    ports = {port_of(a["server"]) for a in attempts if a.get("server")}
    if ports - {3389}:
        attempts = rdpneg_attempts(path, rdpneg, ports)
    problems = []
    if not attempts:
        return problems, 0
    if any("tls" not in a for a in attempts):
        return ["rdpneg's JSONL has no tls object"], 0
    rows = tshark_rows(path, tshark, ports)
    stream_of_frame = {int(r["frame.number"]): int(r["tcp.stream"])
                       for r in rows}
    server_port = {}
    stream_of = {}
    for i, a in enumerate(attempts):
        # An attempt without a Connection Request (the Direct Approach,
        # TLS from the first byte) is found by its ClientHello.
        frame = a["request_frame"] or \
            (a.get("tls") or {}).get("client_hello_frame") or \
            a["response_frame"]
        sid = stream_of_frame.get(frame)
        if sid is not None:
            server_port[sid] = port_of(a["server"])
            stream_of[i] = sid
    streams = streams_of(rows, server_port)
    cert_frames = {s.cert_frame for s in streams.values() if s.cert_frame}
    certs = pdml_certificates(path, tshark, ports, cert_frames)
    n = 0
    for i, a in enumerate(attempts):
        st = streams.get(stream_of.get(i))
        if st is not None and st.unaligned:
            problems.append(f"frames {st.unaligned}: tshark's record "
                            "types and lengths do not pair up")
        if a.get("tls") is None:
            if st is not None and st.first_record is not None:
                frame = st.first_record
                ctx = {"what": "no-tls", "cut": frame in st.cut}
                why = excuse(ctx)
                if why is None:
                    problems.append(f"request frame {a['request_frame']}: "
                                    "no TLS facts, tshark a TLS record at "
                                    f"frame {frame}")
                elif applied is not None:
                    applied.append((why, frame))
            continue
        n += 1
        compare_attempt(a, st, certs, names, problems, applied)
        if st is not None and any(e is not None or au for _f, _s, e, au, _t
                                  in st.credssp):
            got = compare_credssp(a, st, problems)
            if truth is not None:
                truth.append((path.name, a["request_frame"], got))
    return problems, n


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rdpneg", required=True, help="rdpneg binary")
    parser.add_argument("--tshark", default="tshark")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--credssp", action="store_true",
                        help="also require a CredSSP ground truth (stage "
                        "error or complete) on at least one capture")
    parser.add_argument("paths", nargs="+", type=Path,
                        help="capture files or directories")
    args = parser.parse_args()

    names = value_names(args.tshark)
    files = capture_files(args.paths)
    truth = []

    def one(f):
        problems, n = compare(f, args.tshark, args.rdpneg, names,
                              truth=truth)
        return f, problems, n

    tally = Tally()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for f, problems, n in pool.map(one, files):
            tally.record(f"{f} ({n} attempts with TLS)", problems)
    if args.credssp:
        for name, frame, got in sorted(truth, key=str):
            tally.record(f"CredSSP ground truth {name} request frame "
                         f"{frame}: {got or 'neither error nor complete'}",
                         [] if got else ["tshark shows CredSSP but no "
                                         "errorCode and no authInfo + MCS"])
        if not truth:
            tally.record("CredSSP ground truth", ["no capture with keys"])
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
