#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gen_bench.py - a large synthetic capture for rdpneg's benchmark, with
its ground truth beside it (OUT.truth.json).

Mostly background traffic (TCP bulk transfers and request/response flows,
some seen without their SYN; DNS-like and QUIC-like UDP), with RDP
negotiations of every outcome mixed in: selected (a few as long sessions),
failure with each code and an unknown one, legacy, no_response, refused,
unanswered, no_request, and FreeRDP-like fallback ladders; and sessions
that go on to TLS 1.2 or 1.3 (and CredSSP), successful or failing in each
way rdpneg diagnoses, to servers of their own (198.18.1.0/24,
2001:db8:2::1:0/112), and sessions of Standard RDP Security (the MCS
connect exchange in clear: working, refused, dropped, a License Error)
to others (198.18.2.0/24, 2001:db8:2::2:0/112), so that the summary by
server gives their diagnoses apart (OUT.truth.json "tls").  Attempts are
varied independently: CR split in two or three segments, segments out of
order, retransmitted Confirms, 802.1Q tags, IPv6, a non-standard port
(give it to rdpneg with -p) and connections whose handshake was not
captured.  Deterministic for a given seed and size.

Python writes about 1 GB in well under a minute because every packet is
a pre-built header template patched in place (struct.pack_into) and
records are written in 4 MiB batches; only the RDP packets, a few percent,
are built field by field.

  gen_bench.py [--size 1G] [--seed 1] [--attempts-per-gb 30000]
               [--port 3390] OUT.pcap
  gen_bench.py --flood 1000000 OUT.pcap    (SYN flood, see --help)
"""
import argparse
import json
import os
import random
import struct
import sys

# The MCS, GCC and licensing PDU builders of the sample captures.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
    __file__)), "..", "..", "captures"))
import gen_captures as pdus  # noqa: E402

# Time: the capture starts here and runs at about 2.2 Mbit/s on average,
# so 1 GB spans about an hour of capture time.
T0 = 1714521600		# 2024-05-01T00:00:00Z
SECONDS_PER_BYTE = 3.6e-6
SLOTS = 64		# conversations interleaved at once
CLIENTS = 8192		# RDP client addresses per address family

FAILURE_CODES = [1, 2, 3, 4, 5, 6, 0x99]
FAILURE_NAMES = {1: "SSL_REQUIRED_BY_SERVER", 2: "SSL_NOT_ALLOWED_BY_SERVER",
                 3: "SSL_CERT_NOT_ON_SERVER", 4: "INCONSISTENT_FLAGS",
                 5: "HYBRID_REQUIRED_BY_SERVER",
                 6: "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER"}

SYN, FIN, RST, PSH, ACK = 0x02, 0x01, 0x04, 0x08, 0x10

# ---- TLS after the negotiation (RFC 5246, RFC 8446, MS-CSSP)

TLS_SHARE = 0.10	# of the RDP conversations (not ladders)
TLS_SERVERS = 64	# their servers: 198.18.1.n, 2001:db8:2::1:n
TLS12, TLS13 = 0x0303, 0x0304
SUITE12, SUITE13 = 0xc030, 0x1302	# AES-256-GCM: overhead 24 and 17
# CredSSP as the real peers show it (captures/README.md, "After the
# negotiation"), record lengths: TLS 1.2 (plaintext + 24) and 1.3 (+ 17,
# the server's two session tickets of 250 inside the client's turn).
NLA12_OK = ((0, 117), (1, 186), (0, 453), (1, 119), (0, 144), (0, 491))
NLA13_OK = ((0, 110), (1, 250), (1, 250), (1, 179), (0, 446), (1, 112),
            (0, 137), (0, 484))
NLA12_AUTH = NLA12_OK[:3]
NLA13_AUTH = NLA13_OK[:5]
# kind: (weight, diagnosis id rdpneg must give)
TLS_KINDS = {
    "tls12_ok": (0.16, "negotiated"),
    "tls13_ok": (0.16, "negotiated"),
    "tls12_nla_ok": (0.12, "negotiated"),
    "tls13_nla_ok": (0.12, "negotiated"),
    "alert_protocol_version": (0.08, "tls-version-mismatch"),
    "alert_handshake_failure": (0.08, "tls-no-common-cipher"),
    "server_abort": (0.08, "tls-server-aborted"),
    "cert_rejected_tls12": (0.05, "tls-certificate-rejected"),
    "cert_rejected_tls13": (0.05, "tls-certificate-rejected"),
    "nla_logon_failed_tls12": (0.05, "nla-logon-failed"),
    "nla_logon_failed_tls13": (0.05, "nla-logon-failed"),
}


# ---- Standard RDP Security after the negotiation (MS-RDPBCGR 5.3), to
# servers of their own (198.18.2.0/24, 2001:db8:2::2:0/112): how each kind
# goes and the diagnosis the truth counts.
STD_SHARE = 0.03	# of the RDP conversations (not ladders)
STD_KINDS = {
    "std_legacy_ok": (0.35, "legacy-client"),
    "std_negotiated_ok": (0.25, "negotiated-standard-rdp"),
    "std_refused": (0.15, "legacy-refused-after-confirm"),
    "std_dropped": (0.15, "rdp-session-dropped"),
    "std_license_error": (0.10, "rdp-license-error"),
}


def rec(ctype, frag, version=TLS12):
    return struct.pack("!BHH", ctype, version, len(frag)) + frag


def hs(mtype, body):
    return bytes((mtype,)) + struct.pack("!I", len(body))[1:] + body


def vec(width, body):
    return struct.pack("!I", len(body))[4 - width:] + body


def ext(etype, body):
    return struct.pack("!H", etype) + vec(2, body)


def client_hello(tls13):
    exts = ext(0, vec(2, b"\0" + vec(2, b"rdp.example.org")))
    if tls13:
        exts += ext(43, vec(1, struct.pack("!HH", TLS13, TLS12)))
    body = (struct.pack("!H", TLS12) + bytes(32) + vec(1, bytes(32)) +
            vec(2, struct.pack("!6H", 0x1302, 0x1301, 0xc030, 0xc02f,
                               0x009f, 0x00ff)) + b"\1\0" + vec(2, exts))
    return rec(22, hs(1, body), 0x0301)


def server_hello(tls13):
    exts = ext(43, struct.pack("!H", TLS13)) if tls13 else b""
    body = (struct.pack("!H", TLS12) + bytes(range(32)) + vec(1, bytes(32)) +
            struct.pack("!HB", SUITE13 if tls13 else SUITE12, 0) +
            vec(2, exts))
    return hs(2, body)


def der(tag, body):
    n = len(body)
    if n < 0x80:
        return bytes((tag, n)) + body
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(raw))) + raw + body


def certificate():
    """A self-signed-looking X.509 v3 certificate for rdp.example.org
    (DER; an RSA 2048 modulus of no key pair, an arbitrary signature):
    what a TLS 1.2 server sends in clear, for rdpneg to read."""
    oid = lambda b: der(0x06, bytes(b))		# noqa: E731
    seq = lambda *p: der(0x30, b"".join(p))	# noqa: E731
    alg = seq(oid((42, 134, 72, 134, 247, 13, 1, 1, 11)), der(0x05, b""))
    name = seq(der(0x31, seq(oid((85, 4, 3)), der(0x0c, b"rdp.example.org"))))
    modulus = (1 << 2047 | 0xc0ffee | 1).to_bytes(256, "big")
    key = seq(der(0x02, b"\0" + modulus), der(0x02, b"\1\0\1"))
    spki = seq(seq(oid((42, 134, 72, 134, 247, 13, 1, 1, 1)), der(0x05, b"")),
               der(0x03, b"\0" + key))
    tbs = seq(der(0xa0, der(0x02, b"\2")), der(0x02, b"\x12\x34"), alg, name,
              seq(der(0x17, b"240101000000Z"), der(0x17, b"341231000000Z")),
              name, spki)
    return seq(tbs, alg, der(0x03, b"\0" + bytes(range(256))))


def server_flight12(cert):
    """ServerHello, Certificate, ServerKeyExchange, ServerHelloDone."""
    return rec(22, server_hello(False) + hs(11, vec(3, vec(3, cert))) +
               hs(12, bytes(329)) + hs(14, b""))


def app(n, ctype=23):
    """An encrypted record of n bytes."""
    return rec(ctype, bytes((0x5a,)) * n)


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def parse_size(s):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    s = s.strip().upper().rstrip("B")
    if s and s[-1] in units:
        return int(float(s[:-1]) * units[s[-1]])
    return int(s)


class Endpoints:
    """Link and IP headers of one direction of a flow, lengths left open."""

    def __init__(self, src, dst, v6, vlan):
        self.v6 = v6
        eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01"
        if vlan is not None:
            eth += struct.pack("!HH", 0x8100, vlan)
        eth += struct.pack("!H", 0x86dd if v6 else 0x0800)
        self.eth = eth
        self.src, self.dst = src, dst

    def ip(self, proto, plen, ident=0):
        if self.v6:
            return struct.pack("!IHBB", 0x60000000, plen, proto, 64) + \
                self.src + self.dst
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + plen, ident, 0x4000,
                        64, proto, 0, self.src, self.dst)
        return h[:10] + struct.pack("!H", checksum(h)) + h[12:]


def tcp_header(sport, dport, seq, ack, flags):
    return struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff,
                       ack & 0xffffffff, 0x50, flags, 65535, 0, 0)


class Tcp:
    """One TCP connection; pkt() builds a frame and advances sequences."""

    def __init__(self, rng, cli, srv, cport, sport, v6, vlan):
        self.ep = (Endpoints(cli, srv, v6, vlan), Endpoints(srv, cli, v6, vlan))
        self.ports = ((cport, sport), (sport, cport))
        self.seq = [rng.getrandbits(32), rng.getrandbits(32)]

    def pkt(self, side, flags, payload=b"", seq=None):
        """side 0: client to server.  seq: send at this offset instead."""
        ep = self.ep[side]
        s = self.seq[side] if seq is None else seq
        ack = self.seq[1 - side] if flags & ACK else 0
        seg = tcp_header(*self.ports[side], s, ack, flags) + payload
        if seq is None:
            self.seq[side] = (s + len(payload) +
                              (1 if flags & (SYN | FIN) else 0)) & 0xffffffff
        return ep.eth + ep.ip(6, len(seg)) + seg

    def handshake(self):
        yield self.pkt(0, SYN)
        yield self.pkt(1, SYN | ACK)
        yield self.pkt(0, ACK)

    def close(self, first):
        yield self.pkt(first, FIN | ACK)
        yield self.pkt(1 - first, FIN | ACK)
        yield self.pkt(first, ACK)


def tpkt(x224):
    return struct.pack("!BBH", 3, 0, 4 + len(x224)) + x224


def cr_pdu(user, requested):
    var = b"Cookie: mstshash=%s\r\n" % user.encode()
    if requested is not None:
        var += struct.pack("<BBHI", 1, 0, 8, requested)
    return tpkt(struct.pack("!BBHHB", 6 + len(var), 0xe0, 0, 0, 0) + var)


def cc_pdu(kind=None, value=0, flags=0):
    var = b""
    if kind is not None:	# 2: RDP_NEG_RSP, 3: RDP_NEG_FAILURE
        var = struct.pack("<BBHI", kind, flags, 8, value)
    return tpkt(struct.pack("!BBHHB", 6 + len(var), 0xd0, 0, 0x1234, 0) + var)


class Generator:
    def __init__(self, args):
        self.rng = random.Random(args.seed)
        self.port = args.port
        self.truth = {"attempts": 0, "outcomes": {}, "failures": {}}
        self.variants = {}
        self.ports = {}
        self.tls_truth = {"sessions": {}, "diagnoses": {}}
        self.flight12 = server_flight12(certificate())
        self.tls = bytes(self.rng.getrandbits(8) for _ in range(1448))
        self.tls = b"\x17\x03\x03" + self.tls[3:]	# never a TPKT
        self.hello = b"\x16\x03\x01\x01\x00" + self.tls[5:300]
        # Standard RDP Security: 128-bit at level Client compatible.
        self.connect_initial = pdus.mcs_connect_initial("DESKTOP-42", 19041,
                                                        0x1B)
        self.connect_response = pdus.mcs_connect_response(0x02, 2)
        self.domain = [(pdus.ERECT_DOMAIN, 0), (pdus.ATTACH_USER, 0),
                       (pdus.ATTACH_CONFIRM, 1), (pdus.CHANNEL_JOIN, 0),
                       (pdus.CHANNEL_CONFIRM, 1)]
        self.security_exchange = pdus.send_data(
            True, struct.pack("<HHI", 0x0001, 0, 72) + bytes(72))
        self.client_info = pdus.send_data(
            True, struct.pack("<HH", 0x0048, 0) + bytes(8) + self.tls[:300])
        self.license_valid = pdus.license_error(0x07, 0x02)
        self.license_refused = pdus.license_error(0x06, 0x01)

    # ---- addresses

    def client_addr(self, v6, n):
        if v6:
            return b"\x20\x01\x0d\xb8\0\x01" + b"\0" * 6 + struct.pack("!I", n)
        return bytes((10, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff))

    def client_port(self, cli):
        """Source ports in turn per client, as stacks allocate them: no
        4-tuple comes back while an earlier connection may be open."""
        port = self.ports.get(cli, 49152)
        self.ports[cli] = port + 1 if port < 65535 else 49152
        return port

    def rdp_server(self, v6, client):
        """The client's own server (its desktop or jump host) nine times
        out of ten, else any of the 256."""
        n = client % 256 if self.rng.random() < 0.9 else \
            self.rng.randrange(256)
        if v6:
            return b"\x20\x01\x0d\xb8\0\x02" + b"\0" * 9 + bytes((n,))
        return bytes((198, 18, 0, n))

    def count(self, outcome, code=None):
        t = self.truth
        t["attempts"] += 1
        t["outcomes"][outcome] = t["outcomes"].get(outcome, 0) + 1
        if code is not None:
            name = FAILURE_NAMES.get(code, "unknown")
            t["failures"][name] = t["failures"].get(name, 0) + 1

    def tls_server(self, v6, client):
        """The TLS sessions' own servers, apart from the others."""
        n = client % TLS_SERVERS
        if v6:
            return b"\x20\x01\x0d\xb8\0\x02" + b"\0" * 7 + b"\1\0" + \
                bytes((n,))
        return bytes((198, 18, 1, n))

    def std_server(self, v6, client):
        """The Standard-security sessions' own servers."""
        n = client % TLS_SERVERS
        if v6:
            return b"\x20\x01\x0d\xb8\0\x02" + b"\0" * 7 + b"\2\0" + \
                bytes((n,))
        return bytes((198, 18, 2, n))

    def variant(self, name):
        self.variants[name] = self.variants.get(name, 0) + 1

    # ---- RDP conversations (generators of frames)

    def request(self, c, pdu, nosyn):
        """The CR: whole, split in 2 or 3, or split with halves swapped."""
        r = self.rng.random()
        if nosyn or r < 0.6 or len(pdu) < 8:
            yield c.pkt(0, PSH | ACK, pdu)
            return
        base = c.seq[0]
        cuts = sorted(self.rng.sample(range(1, len(pdu)), 2 if r < 0.8 else 1))
        parts, prev = [], 0
        for k in cuts + [len(pdu)]:
            parts.append((base + prev, pdu[prev:k]))
            prev = k
        if r >= 0.9:
            parts.reverse()
            self.variant("cr_out_of_order")
        else:
            self.variant("cr_split")
        for seq, part in parts:
            yield c.pkt(0, PSH | ACK, part, seq=seq)
        c.seq[0] = (base + len(pdu)) & 0xffffffff

    def confirm(self, c, pdu):
        seq = c.seq[1]
        yield c.pkt(1, PSH | ACK, pdu)
        if self.rng.random() < 0.1:
            self.variant("cc_retransmitted")
            yield c.pkt(1, PSH | ACK, pdu, seq=seq)

    def attempt(self, cli, srv, sport, v6, vlan, kind, requested=0x3,
                code=None):
        """One connection of the given outcome; counts it in the truth."""
        rng = self.rng
        c = Tcp(rng, cli, srv, self.client_port(cli), sport, v6, vlan)
        user = "user%d" % rng.randrange(1000)
        if kind in ("refused", "unanswered"):
            yield c.pkt(0, SYN)
            if kind == "refused":
                yield c.pkt(1, RST | ACK)
            else:
                for _ in range(rng.randrange(3)):	# same ISN: retries
                    yield c.pkt(0, SYN, seq=(c.seq[0] - 1) & 0xffffffff)
            self.count(kind)
            return
        nosyn = kind != "no_request" and rng.random() < 0.08
        if nosyn:
            self.variant("no_syn")
        else:
            yield from c.handshake()
        if kind == "no_request":
            yield from c.close(rng.randrange(2))
            self.count(kind)
            return
        legacy = kind == "legacy" or requested is None
        yield from self.request(c, cr_pdu(user, None if legacy else
                                          requested), nosyn)
        yield c.pkt(1, ACK)
        if kind == "no_response":
            r = rng.random()
            if r < 0.4:
                yield c.pkt(1, RST | ACK)
            else:
                yield from c.close(0 if r < 0.7 else 1)
            self.count(kind)
            return
        if kind == "failure":
            yield from self.confirm(c, cc_pdu(3, code))
            if code == 5 and rng.random() < 0.5:
                yield c.pkt(1, RST | ACK)
            else:
                yield from c.close(1)
            self.count(kind, code)
            return
        if kind == "legacy":
            yield from self.confirm(c, cc_pdu())
        else:
            selected = next((p for p in (8, 2, 1) if requested & p), 0)
            yield from self.confirm(c, cc_pdu(2, selected, 0x1f))
        # The session goes on: a few packets, some for minutes.
        n = rng.randrange(2, 8) if rng.random() > 0.02 else \
            rng.randrange(500, 3000)
        for _ in range(n):
            side = rng.randrange(2)
            yield c.pkt(side, PSH | ACK, self.tls[:rng.choice(
                (120, 600, 1448))])
        yield from c.close(rng.randrange(2))
        self.count("selected" if kind != "legacy" else "legacy")

    def send(self, c, side, data):
        """data from side in segments of at most 1448 bytes."""
        for i in range(0, len(data), 1448):
            yield c.pkt(side, PSH | ACK, data[i:i + 1448])

    def tls_attempt(self, cli, srv, sport, v6, vlan):
        """A negotiation selecting SSL or HYBRID, then the TLS (and for
        HYBRID, CredSSP) that follows: successful or failing as one of
        TLS_KINDS, whose diagnosis the truth counts."""
        rng = self.rng
        r = rng.random()
        for kind, (w, diagnosis) in TLS_KINDS.items():
            if r < w:
                break
            r -= w
        nla = "nla" in kind
        tls13 = "tls13" in kind or (kind.startswith(("alert", "server"))
                                    and rng.random() < 0.5)
        c = Tcp(rng, cli, srv, self.client_port(cli), sport, v6, vlan)
        yield from c.handshake()
        requested = rng.choice((0x3, 0xb)) if nla else rng.choice((0x1, 0x3))
        yield from self.request(c, cr_pdu("user%d" % rng.randrange(1000),
                                          requested), False)
        yield c.pkt(1, ACK)
        yield from self.confirm(c, cc_pdu(2, 2 if nla else 1, 0x1f))
        yield c.pkt(0, PSH | ACK, client_hello(tls13))
        if kind.startswith("alert"):
            desc = 70 if kind == "alert_protocol_version" else 40
            yield c.pkt(1, PSH | ACK, rec(21, bytes((2, desc))))
            yield from c.close(1)
        elif kind == "server_abort":
            if rng.random() < 0.5:
                yield from c.close(1)
            else:
                yield c.pkt(1, RST | ACK)
        else:
            # The handshake, then what each kind does after it.
            ccs = rec(20, b"\1")
            if tls13:
                yield from self.send(c, 1, rec(22, server_hello(True)) + ccs +
                                     app(rng.randrange(1200, 3000)) +
                                     app(rng.randrange(200, 400)) + app(53))
                yield c.pkt(0, PSH | ACK, ccs + app(69))
            else:
                yield from self.send(c, 1, self.flight12)
                yield c.pkt(0, PSH | ACK, rec(22, hs(16, bytes(66))) + ccs +
                            rec(22, bytes(40)))
                yield c.pkt(1, PSH | ACK, ccs + rec(22, bytes(40)))
            if kind.startswith("cert_rejected"):
                # The client's encrypted alert (close_notify), its FIN.
                yield c.pkt(0, PSH | ACK, app(19) if tls13 else app(26, 21))
                yield from c.close(0)
            elif kind.startswith("nla_logon_failed"):
                for side, n in NLA13_AUTH if tls13 else NLA12_AUTH:
                    yield c.pkt(side, PSH | ACK, app(n))
                # An encrypted alert, or (TLS 1.2) the error TSRequest
                # {version, errorCode}: 15 bytes of plaintext.
                yield c.pkt(1, PSH | ACK, app(19) if tls13 else
                            rng.choice((app(26, 21), app(39))))
                yield from c.close(1)
            else:
                # CredSSP to the MCS Connect Initial, or (SSL) that PDU
                # at once: a client that sends nothing after the
                # handshake and closes has refused the certificate.
                if nla:
                    for side, n in NLA13_OK if tls13 else NLA12_OK:
                        yield c.pkt(side, PSH | ACK, app(n))
                else:
                    yield c.pkt(0, PSH | ACK, app(rng.randrange(400, 500)))
                for _ in range(rng.randrange(2, 12)):
                    yield c.pkt(rng.randrange(2), PSH | ACK,
                                app(rng.choice((60, 400, 1400))))
                yield from c.close(rng.randrange(2))
        self.count("selected")
        t = self.tls_truth
        t["sessions"][kind] = t["sessions"].get(kind, 0) + 1
        t["diagnoses"][diagnosis] = t["diagnoses"].get(diagnosis, 0) + 1

    def std_attempt(self, cli, srv, sport, v6, vlan):
        """A negotiation of Standard RDP Security (a legacy request, or
        RDP_NEG_REQ 0 answered with PROTOCOL_RDP), then the MCS connect
        exchange in clear as one of STD_KINDS goes, whose diagnosis the
        truth counts."""
        rng = self.rng
        r = rng.random()
        for kind, (w, diagnosis) in STD_KINDS.items():
            if r < w:
                break
            r -= w
        c = Tcp(rng, cli, srv, self.client_port(cli), sport, v6, vlan)
        yield from c.handshake()
        legacy = kind != "std_negotiated_ok"
        yield from self.request(c, cr_pdu("user%d" % rng.randrange(1000),
                                          None if legacy else 0), False)
        yield c.pkt(1, ACK)
        yield from self.confirm(c, cc_pdu() if legacy else
                                cc_pdu(2, 0, 0x1f))
        yield c.pkt(0, PSH | ACK, self.connect_initial)
        if kind == "std_refused":
            yield c.pkt(1, PSH | ACK, pdus.DISCONNECT_ULTIMATUM)
            yield c.pkt(1, RST | ACK)
            self.count("legacy")
        else:
            yield from self.send(c, 1, self.connect_response)
            for pdu, side in self.domain:
                yield c.pkt(side, PSH | ACK, pdu)
            yield c.pkt(0, PSH | ACK, self.security_exchange)
            yield c.pkt(0, PSH | ACK, self.client_info)
            if kind == "std_dropped":
                yield c.pkt(1, PSH | ACK, pdus.DISCONNECT_ULTIMATUM)
                yield from c.close(1)
            elif kind == "std_license_error":
                yield c.pkt(1, PSH | ACK, self.license_refused)
                yield c.pkt(1, PSH | ACK, pdus.DISCONNECT_ULTIMATUM)
                yield from c.close(1)
            else:
                # Licensed; the client's Confirm Active (encrypted), then
                # fast-path both ways.
                yield c.pkt(1, PSH | ACK, self.license_valid)
                yield c.pkt(1, PSH | ACK, self.encrypted_pdu(False, 300))
                yield c.pkt(0, PSH | ACK, self.encrypted_pdu(True, 400))
                for _ in range(rng.randrange(2, 12)):
                    n = rng.choice((60, 400, 1400))
                    yield c.pkt(rng.randrange(2), PSH | ACK,
                                b"\x80" + struct.pack("!H", 0x8000 | n) +
                                self.tls[3:n])
                yield from c.close(rng.randrange(2))
            self.count("legacy" if legacy else "selected")
        t = self.tls_truth
        t["sessions"][kind] = t["sessions"].get(kind, 0) + 1
        t["diagnoses"][diagnosis] = t["diagnoses"].get(diagnosis, 0) + 1

    def encrypted_pdu(self, from_client, n):
        """A Send Data with SEC_ENCRYPT: 8 bytes of MAC, then n bytes."""
        return pdus.send_data(from_client, struct.pack("<HH", 0x0008, 0) +
                              self.tls[8:16 + n])

    def rdp_conversation(self):
        """One client's attempts to one server."""
        rng = self.rng
        v6 = rng.random() < 0.15
        vlan = 100 + rng.randrange(8) if rng.random() < 0.1 else None
        port = self.port if rng.random() < 0.1 else 3389
        for name, on in (("ipv6", v6), ("vlan", vlan), ("port", port !=
                                                          3389)):
            if on:
                self.variant(name)
        n = rng.randrange(CLIENTS)	# a site's users, whatever the size
        cli, srv = self.client_addr(v6, n), self.rdp_server(v6, n)
        r = rng.random()
        if r < 0.10:	# FreeRDP-like ladder: 0x3, 0x1, then Standard RDP
            self.variant("ladder")
            yield from self.attempt(cli, srv, port, v6, vlan, "failure",
                                    0x3, 2)
            yield from self.attempt(cli, srv, port, v6, vlan, "failure",
                                    0x1, 2)
            yield from self.attempt(cli, srv, port, v6, vlan, "selected",
                                    0x0)
            return
        kinds = (("selected", 0.22), ("failure", 0.30), ("legacy", 0.05),
                 ("no_response", 0.09), ("refused", 0.08),
                 ("unanswered", 0.08), ("no_request", 0.08))
        r = (r - 0.10) / 0.90
        if r < TLS_SHARE:
            self.variant("tls")
            yield from self.tls_attempt(cli, self.tls_server(v6, n), port,
                                        v6, vlan)
            return
        r = (r - TLS_SHARE) / (1 - TLS_SHARE)
        if r < STD_SHARE:
            self.variant("standard_security")
            yield from self.std_attempt(cli, self.std_server(v6, n), port,
                                        v6, vlan)
            return
        r = (r - STD_SHARE) / (1 - STD_SHARE)
        for kind, w in kinds:
            if r < w:
                break
            r -= w
        yield from self.attempt(cli, srv, port, v6, vlan, kind,
                                rng.choice((0x1, 0x3, 0xb, 0x8, 0x0)),
                                rng.choice(FAILURE_CODES))

    # ---- background

    def background(self):
        """A TCP flow (bulk or request/response, a few seen mid-stream),
        or a UDP exchange.  Headers are templates patched in place."""
        rng = self.rng
        v6 = rng.random() < 0.1
        r = rng.random()
        cli = bytes((172, 16 + rng.randrange(16), rng.randrange(256),
                     rng.randrange(256)))
        srv = bytes((198, 19, rng.randrange(256), rng.randrange(256)))
        if v6:
            cli = b"\x20\x01\x0d\xb8\0\x03" + b"\0" * 6 + cli
            srv = b"\x20\x01\x0d\xb8\0\x04" + b"\0" * 6 + srv
        cport = rng.randrange(1024, 65535)
        if r < 0.25:
            yield from self.udp(cli, srv, cport, v6)
            return
        sport = rng.choice((443, 443, 443, 80, 22, 445, 8080, 5432))
        c = Tcp(rng, cli, srv, cport, sport, v6, None)
        midstream = rng.random() < 0.1
        if not midstream:
            yield from c.handshake()
            yield c.pkt(0, PSH | ACK, self.hello)
        # Server data with an ACK every two segments: pre-built headers.
        segs = rng.randrange(4, 400) if r < 0.85 else rng.randrange(1, 4)
        size = 1448 if r < 0.85 else rng.randrange(200, 1400)
        payload = self.tls[:size]
        ep = c.ep[1]
        data = bytearray(ep.eth + ep.ip(6, 20 + size) +
                         tcp_header(sport, cport, 0, 0, ACK))
        ep = c.ep[0]
        ack = bytearray(ep.eth + ep.ip(6, 20) +
                        tcp_header(cport, sport, 0, 0, ACK))
        off = len(data) - 16	# TCP sequence and acknowledgment numbers
        seq, peer = c.seq[1], c.seq[0]
        pack = struct.pack_into
        for i in range(segs):
            pack("!II", data, off, seq, peer)
            seq = (seq + size) & 0xffffffff
            yield bytes(data) + payload
            if i & 1:
                pack("!II", ack, off, peer, seq)
                yield bytes(ack)
        c.seq[1] = seq
        yield from c.close(rng.randrange(2))

    def udp(self, cli, srv, cport, v6):
        rng = self.rng
        quic = rng.random() < 0.4
        sport = 443 if quic else 53
        fwd = Endpoints(cli, srv, v6, None)
        rev = Endpoints(srv, cli, v6, None)
        for _ in range(rng.randrange(20, 200) if quic else 1):
            n = 1250 if quic else rng.randrange(30, 60)
            yield fwd.eth + fwd.ip(17, 8 + n) + \
                struct.pack("!HHHH", cport, sport, 8 + n, 0) + self.tls[:n]
            n = 1250 if quic else rng.randrange(60, 300)
            yield rev.eth + rev.ip(17, 8 + n) + \
                struct.pack("!HHHH", sport, cport, 8 + n, 0) + self.tls[:n]

    def flood(self, n):
        """n SYNs to port 3389 from spoofed sources, never answered."""
        ep = Endpoints(b"\0\0\0\0", bytes((198, 18, 0, 1)), False, None)
        frame = bytearray(ep.eth + ep.ip(6, 20) +
                          tcp_header(0, 3389, 0, 0, SYN))
        src, tcp = len(ep.eth) + 12, len(ep.eth) + 20
        getrandbits, pack = self.rng.getrandbits, struct.pack_into
        for _ in range(n):
            pack("!I", frame, src, 0x0a000000 | getrandbits(24))
            pack("!HHI", frame, tcp, 1024 + getrandbits(15), 3389,
                 getrandbits(32))
            yield bytes(frame)
        self.truth["flood_syns"] = n


class Writer:
    def __init__(self, f):
        self.f = f
        self.buf = []
        self.pending = 0
        self.bytes = 24
        self.packets = 0
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))

    def write(self, frame, t):
        n = len(frame)
        usec = int(t * 1e6)
        self.buf.append(struct.pack("<IIII", T0 + usec // 1000000,
                                    usec % 1000000, n, n))
        self.buf.append(frame)
        self.pending += 16 + n
        self.packets += 1
        if self.pending > 1 << 22:
            self.flush()

    def flush(self):
        self.f.write(b"".join(self.buf))
        self.bytes += self.pending
        self.buf, self.pending = [], 0


def generate(args, f):
    g = Generator(args)
    w = Writer(f)
    rng = g.rng
    t = 0.0
    if args.flood:
        for frame in g.flood(args.flood):
            t += 50e-6		# 20,000 SYNs per second
            w.write(frame, t)
        w.flush()
        return g, w
    # One RDP conversation every `every` bytes, the rest background.
    every = (1 << 30) / args.attempts_per_gb * 1.2
    slots = [g.background() for _ in range(SLOTS)]
    is_rdp = [False] * SLOTS
    next_rdp = every * rng.random()
    written = 0
    while written < args.size:
        i = rng.randrange(SLOTS)
        frame = next(slots[i], None)
        if frame is None:
            if written >= next_rdp:
                slots[i], is_rdp[i] = g.rdp_conversation(), True
                next_rdp += every
            else:
                slots[i], is_rdp[i] = g.background(), False
            continue
        t += (16 + len(frame)) * SECONDS_PER_BYTE
        w.write(frame, t)
        written += 16 + len(frame)
    # Finish the RDP conversations under way: the truth counts them whole.
    for i in range(SLOTS):
        if is_rdp[i]:
            for frame in slots[i]:
                t += (16 + len(frame)) * SECONDS_PER_BYTE
                w.write(frame, t)
    w.flush()
    return g, w


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--size", type=parse_size, default=parse_size("1G"),
                    help="bytes of capture to write (default 1G)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--attempts-per-gb", type=int, default=30000,
                    help="RDP connection attempts per GiB (default 30000)")
    ap.add_argument("--port", type=int, default=3390,
                    help="the non-standard RDP port used by 10%% of "
                    "conversations (default 3390; pass it to rdpneg -p)")
    ap.add_argument("--flood", type=int, default=0, metavar="N",
                    help="write only a SYN flood of N never-answered "
                    "connection attempts instead")
    args = ap.parse_args()
    with open(args.out, "wb") as f:
        g, w = generate(args, f)
    truth = dict(g.truth, capture=args.out, bytes=w.bytes, packets=w.packets,
                 seed=args.seed, port=args.port, variants=g.variants)
    if not args.flood:
        truth["tls"] = dict(g.tls_truth, servers=[
            "198.18.1.0/24", "2001:db8:2::1:0/112", "198.18.2.0/24",
            "2001:db8:2::2:0/112"])
    with open(args.out + ".truth.json", "w") as f:
        json.dump(truth, f, indent=1, sort_keys=True)
        f.write("\n")
    print("%s: %d bytes, %d packets, %d RDP attempts" % (
        args.out, w.bytes, w.packets, g.truth["attempts"]), file=sys.stderr)


if __name__ == "__main__":
    main()
