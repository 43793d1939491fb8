#!/usr/bin/env python3
"""Generate the synthetic rdpneg test captures and their ground truth.

Every capture is built packet by packet from the helpers below (pcap and
pcapng writers, link-layer encapsulations, IPv4/IPv6, TCP with correct
checksums, a TCP conversation builder and RDP negotiation PDU builders).
While a scenario writes its packets, each TCP conversation records which
frame carried which stream bytes, so the ground truth for
``expected/NAME.truth.json`` is derived from what was built, following
README.md (JSONL report):

* request_frame / response_frame: the frame that delivered the last missing
  byte of the first X.224 Connection Request / Confirm (duplicates,
  out-of-order and overlapping segments included); without a CC, the first
  FIN or RST of the connection.
* outcome, end, protocol_not_requested, malformed, incomplete: computed from
  the PDUs actually placed in the streams and the bytes actually captured.

Output is deterministic: fixed timestamps, fixed ISNs, no randomness.

Usage: python3 captures/gen_captures.py [OUTPUT_DIR]
(default OUTPUT_DIR: the directory holding this script).
"""

import base64
import calendar
import ipaddress
import json
import os
import struct
import sys
import time
from dataclasses import dataclass, field

# ---------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------

#: 2024-05-01T10:00:00Z in nanoseconds since the Unix epoch.
START_NS = calendar.timegm((2024, 5, 1, 10, 0, 0)) * 1_000_000_000

#: Ports the analyzer treats as RDP without being told (README.md's JSONL table).
RDP_PORTS = frozenset({3389})

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LOOP = 108
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276

ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_IPV6 = 0x86DD
ETHERTYPE_VLAN = 0x8100
ETHERTYPE_QINQ = 0x88A8

AF_INET = 2
AF_INET6_DARWIN = 30

IPPROTO_HOPOPTS = 0
IPPROTO_TCP = 6
IPPROTO_UDP = 17
IPPROTO_DSTOPTS = 60

TCP_FIN = 0x01
TCP_SYN = 0x02
TCP_RST = 0x04
TCP_PSH = 0x08
TCP_ACK = 0x10

MAC_CLIENT = bytes.fromhex("020000c00201")
MAC_SERVER = bytes.fromhex("020000cb7101")

# X.224 TPDU codes and RDP negotiation structure types ([MS-RDPBCGR] 2.2.1.x).
X224_CR = 0xE0
X224_CC = 0xD0
TYPE_RDP_NEG_REQ = 0x01
TYPE_RDP_NEG_RSP = 0x02
TYPE_RDP_NEG_FAILURE = 0x03
TYPE_RDP_CORRELATION_INFO = 0x06
CORRELATION_INFO_PRESENT = 0x08

# Default per-packet and per-connection time steps.
PACKET_STEP_NS = 2_345_000
CONNECTION_GAP_NS = 1_000_000_000

# ---------------------------------------------------------------------------
# Checksums, IP and transport headers
# ---------------------------------------------------------------------------


def inet_checksum(data):
    """Return the 16-bit one's-complement Internet checksum of data."""
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def pseudo_header(src, dst, proto, length):
    """Return the IPv4 or IPv6 pseudo-header used by TCP/UDP checksums."""
    if src.version == 4:
        return src.packed + dst.packed + struct.pack("!BBH", 0, proto, length)
    return src.packed + dst.packed + struct.pack("!I3xB", length, proto)


def ipv4_packet(src, dst, proto, payload, ident=0, ttl=64):
    """Return an IPv4 packet (DF set, no options) with a correct checksum."""
    header = struct.pack(
        "!BBHHHBBH4s4s",
        0x45,
        0,
        20 + len(payload),
        ident & 0xFFFF,
        0x4000,
        ttl,
        proto,
        0,
        src.packed,
        dst.packed,
    )
    checksum = inet_checksum(header)
    return header[:10] + struct.pack("!H", checksum) + header[12:] + payload


def ipv6_ext_header(next_header, options=b""):
    """Return a Hop-by-Hop / Destination Options header padded with PadN."""
    pad = (-(2 + len(options))) % 8
    if pad == 1:
        options += b"\x00"  # Pad1
    elif pad:
        options += bytes([1, pad - 2]) + bytes(pad - 2)  # PadN
    return bytes([next_header, (2 + len(options)) // 8 - 1]) + options


def ipv6_packet(src, dst, proto, payload, ext_types=(), hop_limit=64):
    """Return an IPv6 packet, with option extension headers ext_types in order."""
    chain = list(ext_types) + [proto]
    exts = b"".join(ipv6_ext_header(chain[i + 1]) for i in range(len(ext_types)))
    body = exts + payload
    header = struct.pack(
        "!IHBB16s16s",
        0x60000000,
        len(body),
        chain[0],
        hop_limit,
        src.packed,
        dst.packed,
    )
    return header + body


def ip_packet(src, dst, proto, payload, ident=0, ttl=64, ext_types=()):
    """Return an IPv4 or IPv6 packet depending on the address family."""
    if src.version == 4:
        return ipv4_packet(src, dst, proto, payload, ident, ttl)
    return ipv6_packet(src, dst, proto, payload, ext_types, ttl)


def tcp_segment(
    src, dst, sport, dport, seq, ack, flags, payload=b"", options=b"", window=64240
):
    """Return a TCP segment with a correct checksum (options padded to 4)."""
    options += b"\x01" * ((-len(options)) % 4)  # NOP padding
    offset = (20 + len(options)) // 4
    header = (
        struct.pack(
            "!HHIIBBHHH",
            sport,
            dport,
            seq & 0xFFFFFFFF,
            ack & 0xFFFFFFFF,
            offset << 4,
            flags,
            window,
            0,
            0,
        )
        + options
    )
    segment = header + payload
    checksum = inet_checksum(
        pseudo_header(src, dst, IPPROTO_TCP, len(segment)) + segment
    )
    return segment[:16] + struct.pack("!H", checksum) + segment[18:]


def udp_datagram(src, dst, sport, dport, payload):
    """Return a UDP datagram with a correct checksum."""
    header = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    checksum = (
        inet_checksum(
            pseudo_header(src, dst, IPPROTO_UDP, 8 + len(payload)) + header + payload
        )
        or 0xFFFF
    )
    return header[:6] + struct.pack("!H", checksum) + payload


# ---------------------------------------------------------------------------
# Link layers
# ---------------------------------------------------------------------------


def ethertype_of(l3):
    """Return the EtherType for an IP packet, from its version nibble."""
    return ETHERTYPE_IPV4 if l3[0] >> 4 == 4 else ETHERTYPE_IPV6


def ethernet_frame(l3, from_client, tags=()):
    """Return an Ethernet II frame, with 802.1Q/802.1ad tags (tpid, vid) outermost first."""
    src, dst = (MAC_CLIENT, MAC_SERVER) if from_client else (MAC_SERVER, MAC_CLIENT)
    vlan = b"".join(struct.pack("!HH", tpid, vid) for tpid, vid in tags)
    return dst + src + vlan + struct.pack("!H", ethertype_of(l3)) + l3


def sll_frame(l3, from_client):
    """Return a Linux cooked (SLL v1) frame captured on the server."""
    pkttype = 0 if from_client else 4  # PACKET_HOST / PACKET_OUTGOING
    src = MAC_CLIENT if from_client else MAC_SERVER
    return struct.pack("!HHH8sH", pkttype, 1, 6, src, ethertype_of(l3)) + l3


def sll2_frame(l3, from_client):
    """Return a Linux cooked v2 (SLL2) frame captured on the server."""
    pkttype = 0 if from_client else 4
    src = MAC_CLIENT if from_client else MAC_SERVER
    return struct.pack("!HHIHBB8s", ethertype_of(l3), 0, 2, 1, pkttype, 6, src) + l3


def null_frame(l3, from_client, byteorder="<"):
    """Return a BSD loopback frame: 4-byte AF in the given byte order."""
    family = AF_INET if l3[0] >> 4 == 4 else AF_INET6_DARWIN
    return struct.pack(byteorder + "I", family) + l3


def raw_frame(l3, from_client):
    """Return the IP packet itself (LINKTYPE_RAW / IPV4 / IPV6)."""
    return l3


#: link name -> (LINKTYPE, encapsulation function(l3, from_client))
LINKS = {
    "ethernet": (LINKTYPE_ETHERNET, ethernet_frame),
    "vlan": (
        LINKTYPE_ETHERNET,
        lambda l3, c: ethernet_frame(l3, c, tags=((ETHERTYPE_VLAN, 100),)),
    ),
    "qinq": (
        LINKTYPE_ETHERNET,
        lambda l3, c: ethernet_frame(
            l3, c, tags=((ETHERTYPE_QINQ, 200), (ETHERTYPE_VLAN, 100))
        ),
    ),
    "sll": (LINKTYPE_LINUX_SLL, sll_frame),
    "sll2": (LINKTYPE_LINUX_SLL2, sll2_frame),
    "null": (LINKTYPE_NULL, null_frame),
    "loop": (LINKTYPE_LOOP, lambda l3, c: null_frame(l3, c, byteorder=">")),
    "raw": (LINKTYPE_RAW, raw_frame),
    "ipv4": (LINKTYPE_IPV4, raw_frame),
    "ipv6": (LINKTYPE_IPV6, raw_frame),
}

# ---------------------------------------------------------------------------
# Capture file writers
# ---------------------------------------------------------------------------


@dataclass
class Record:
    """One packet record: timestamp, captured bytes, original length."""

    ts_ns: int
    data: bytes
    orig_len: int


def pcap_bytes(records, linktype, snaplen, nanosecond, cut_last=False):
    """Return a classic pcap file (little-endian, µs or ns magic).

    With cut_last, the file ends in the middle of the last record's data.
    """
    magic = 0xA1B23C4D if nanosecond else 0xA1B2C3D4
    out = [struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)]
    for rec in records:
        sec, frac = divmod(rec.ts_ns, 1_000_000_000)
        if not nanosecond:
            assert frac % 1000 == 0, "µs capture given a sub-µs timestamp"
            frac //= 1000
        out.append(struct.pack("<IIII", sec, frac, len(rec.data), rec.orig_len))
        out.append(rec.data)
    if cut_last:
        out[-1] = out[-1][: len(out[-1]) // 2]
    return b"".join(out)


def pcapng_option(code, value):
    """Return one pcapng option (code, length, value padded to 4 bytes)."""
    return struct.pack("<HH", code, len(value)) + value + bytes((-len(value)) % 4)


def pcapng_block(block_type, body):
    """Return a pcapng block with both total-length fields."""
    body += bytes((-len(body)) % 4)
    total = 12 + len(body)
    return struct.pack("<II", block_type, total) + body + struct.pack("<I", total)


def pcapng_bytes(records, linktype, snaplen, nanosecond, cut_last=False):
    """Return a pcapng file: SHB, one IDB (if_tsresol 6 or 9), one EPB per record."""
    shb = pcapng_block(
        0x0A0D0D0A,
        struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
        + pcapng_option(4, b"rdpneg captures/gen_captures.py")  # shb_userappl
        + pcapng_option(0, b""),
    )
    resolution = 9 if nanosecond else 6
    idb = pcapng_block(
        0x00000001,
        struct.pack("<HHI", linktype, 0, snaplen)
        + pcapng_option(9, bytes([resolution]))  # if_tsresol
        + pcapng_option(0, b""),
    )
    out = [shb, idb]
    unit = 1 if nanosecond else 1000
    for rec in records:
        assert rec.ts_ns % unit == 0, "µs capture given a sub-µs timestamp"
        ts = rec.ts_ns // unit
        body = struct.pack(
            "<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(rec.data), rec.orig_len
        )
        out.append(pcapng_block(0x00000006, body + rec.data))
    if cut_last:
        out[-1] = out[-1][: len(out[-1]) // 2]
    return b"".join(out)


# ---------------------------------------------------------------------------
# RDP negotiation PDUs ([MS-RDPBCGR] 2.2.1.1 and 2.2.1.2)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Pdu:
    """Bytes placed in a TCP stream, with what a correct decoder reads from them.

    kind is "CR", "CC" or "other"; info holds the JSONL fields the PDU
    determines; malformed says whether a decoder must complain about it.
    """

    data: bytes
    kind: str = "other"
    info: dict = field(default_factory=dict)
    malformed: bool = False


def tpkt(body, length=None):
    """Return TPKT (RFC 1006: version 3, reserved 0, BE length) + body."""
    return struct.pack("!BBH", 3, 0, 4 + len(body) if length is None else length) + body


def x224_tpdu(code, variable, src_ref, li_adjust=0):
    """Return a CR/CC TPDU: LI, code, dst-ref 0, src-ref, class 0, variable part."""
    li = 6 + len(variable) + li_adjust
    return struct.pack("!BBHHB", li, code, 0, src_ref, 0) + variable


def rdp_neg(neg_type, flags, value, length=8):
    """Return an 8-byte RDP_NEG_REQ/RSP/FAILURE structure (little-endian)."""
    return struct.pack("<BBHI", neg_type, flags, length, value)


def rdp_correlation_info(correlation_id, length=36):
    """Return RDP_NEG_CORRELATION_INFO: type 6, flags 0, length, id, 16 zero bytes."""
    return (
        struct.pack("<BBH", TYPE_RDP_CORRELATION_INFO, 0, length)
        + correlation_id
        + bytes(16)
    )


def connection_request(
    token=None,
    protocols=None,
    flags=None,
    correlation_id=None,
    neg_length=8,
    li_adjust=0,
    crlf=True,
):
    """Return a Pdu for TPKT + X.224 CR with optional token line and RDP_NEG_REQ.

    token: bytes of the cookie / routing token line without CRLF (or None).
    protocols: requestedProtocols (None: no RDP_NEG_REQ).
    flags: RDP_NEG_REQ flags (default 0x08 when correlation_id is given).
    correlation_id: 16 bytes appended as RDP_NEG_CORRELATION_INFO.
    neg_length, li_adjust, crlf: deliberate damage (length field, LI off by
    li_adjust, token line without its CRLF).
    Damaged fields are still read leniently: the truth keeps the values that
    are present in the bytes and flags the PDU as malformed.
    """
    if flags is None:
        flags = CORRELATION_INFO_PRESENT if correlation_id else 0
    variable = b""
    if token is not None:
        variable += token + (b"\r\n" if crlf else b"")
    if protocols is not None:
        variable += rdp_neg(TYPE_RDP_NEG_REQ, flags, protocols, neg_length)
        if correlation_id is not None:
            variable += rdp_correlation_info(correlation_id)
    info = {
        "cookie": None if token is None else token.decode("utf-8", "replace"),
        "requested_protocols": protocols,
        "request_flags": None if protocols is None else flags,
        "correlation_id": (
            correlation_id.hex() if protocols is not None and correlation_id else None
        ),
    }
    malformed = neg_length != 8 or li_adjust != 0 or (token is not None and not crlf)
    data = tpkt(x224_tpdu(X224_CR, variable, 0, li_adjust))
    return Pdu(data, "CR", info, malformed)


def connection_confirm(neg_type=None, flags=0, value=0, neg_length=8, trailing=b""):
    """Return a Pdu for TPKT + X.224 CC (src-ref 0x1234) with optional negotiation data.

    neg_type None gives a legacy 11-byte CC. Type 2 (RSP) -> outcome selected
    with the value read, type 3 (FAILURE) -> failure, any other type ->
    legacy; a wrong length, an unknown type or trailing bytes make it
    malformed.
    """
    variable = b"" if neg_type is None else rdp_neg(neg_type, flags, value, neg_length)
    variable += trailing
    info = {
        "outcome": "legacy",
        "failure_code": None,
        "selected_protocol": None,
        "response_flags": None,
    }
    if neg_type == TYPE_RDP_NEG_RSP:
        info.update(outcome="selected", selected_protocol=value, response_flags=flags)
    elif neg_type == TYPE_RDP_NEG_FAILURE:
        info.update(outcome="failure", failure_code=value)
    malformed = bool(trailing) or (
        neg_type is not None
        and (
            neg_length != 8 or neg_type not in (TYPE_RDP_NEG_RSP, TYPE_RDP_NEG_FAILURE)
        )
    )
    return Pdu(tpkt(x224_tpdu(X224_CC, variable, 0x1234)), "CC", info, malformed)


def cc_selected(protocol, flags=0x1F, **damage):
    """Return a CC carrying RDP_NEG_RSP selectedProtocol=protocol."""
    return connection_confirm(TYPE_RDP_NEG_RSP, flags, protocol, **damage)


def cc_failure(code):
    """Return a CC carrying RDP_NEG_FAILURE failureCode=code."""
    return connection_confirm(TYPE_RDP_NEG_FAILURE, 0, code)


def cookie(user):
    """Return the token line b"Cookie: mstshash=USER" (no CRLF)."""
    return b"Cookie: mstshash=" + user.encode()


# ---------------------------------------------------------------------------
# Captures and TCP conversations
# ---------------------------------------------------------------------------


def endpoint_text(ip, port):
    """Format an endpoint as README.md's JSONL table wants: a.b.c.d:p or [v6]:p."""
    return f"{ip}:{port}" if ip.version == 4 else f"[{ip.compressed}]:{port}"


def iso_ts(ts_ns):
    """Format a nanosecond timestamp as ISO 8601 UTC with 9 fractional digits."""
    sec, frac = divmod(ts_ns, 1_000_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec)) + f".{frac:09d}Z"


class Capture:
    """A capture file being built: clock, link layer, records and conversations."""

    def __init__(
        self,
        name,
        link="ethernet",
        nanosecond=False,
        snaplen=65535,
        step_ns=PACKET_STEP_NS,
    ):
        """Start an empty capture; the format follows the name's extension."""
        self.name = name
        self.linktype, self.encap = LINKS[link]
        self.pcapng = name.endswith(".pcapng")
        self.nanosecond = nanosecond
        self.snaplen = snaplen
        self.step_ns = step_ns
        self.now = START_NS
        self.records = []
        self.conversations = []
        self.damaged = False
        self._next_port = 50001
        self._next_isn = 0x1A2B0000

    # -- clock -------------------------------------------------------------

    def wait(self, seconds=0.0, ns=0):
        """Advance the clock without writing a packet."""
        self.now += round(seconds * 1_000_000_000) + ns

    def set_subsecond(self, frac_ns):
        """Move the clock forward to the next instant whose fraction is frac_ns."""
        sec = self.now // 1_000_000_000 + 1
        self.now = sec * 1_000_000_000 + frac_ns

    # -- packets -----------------------------------------------------------

    def add(self, l3, from_client, damaged=False):
        """Append one packet; return (frame number, payload bytes lost) or None.

        Packets longer than the snap length are cut. A damaged packet is the
        last record of the file and is cut in half on disk; it is not a frame.
        """
        assert not self.damaged, "nothing can follow a damaged record"
        data = self.encap(l3, from_client)
        ts = self.now
        self.now += self.step_ns
        self.records.append(Record(ts, data[: self.snaplen], len(data)))
        if damaged:
            self.damaged = True
            return None
        return len(self.records), max(0, len(data) - self.snaplen)

    def udp(self, src, dst, sport, dport, payload, from_client=True):
        """Append a UDP datagram (not part of any TCP conversation)."""
        src, dst = ipaddress.ip_address(src), ipaddress.ip_address(dst)
        self.add(
            ip_packet(
                src, dst, IPPROTO_UDP, udp_datagram(src, dst, sport, dport, payload)
            ),
            from_client,
        )

    def tcp(
        self,
        client_ip,
        server_ip,
        server_port=3389,
        client_port=None,
        client_isn=None,
        server_isn=None,
        ext_types=(),
    ):
        """Start a new TCP conversation a connection gap after the last packet."""
        if self.records:
            self.wait(ns=CONNECTION_GAP_NS)
        if client_port is None:
            client_port = self._next_port
            self._next_port += 1
        if client_isn is None:
            client_isn = self._new_isn()
        if server_isn is None:
            server_isn = self._new_isn()
        conv = TcpConversation(
            self,
            (client_ip, client_port, client_isn),
            (server_ip, server_port, server_isn),
            ext_types,
        )
        self.conversations.append(conv)
        return conv

    def _new_isn(self):
        """Return the next fixed initial sequence number."""
        self._next_isn = (self._next_isn + 0x01F3A6B5) & 0xFFFFFFFF
        return self._next_isn

    # -- output ------------------------------------------------------------

    def file_bytes(self):
        """Return the capture file contents."""
        writer = pcapng_bytes if self.pcapng else pcap_bytes
        return writer(
            self.records,
            self.linktype,
            self.snaplen,
            self.nanosecond,
            cut_last=self.damaged,
        )

    def truth(self):
        """Return the ground-truth document for this capture."""
        attempts = [a for a in (c.attempt() for c in self.conversations) if a]
        attempts.sort(key=lambda a: a["first_frame"])
        return {"capture": self.name, "read_error": self.damaged, "attempts": attempts}


@dataclass
class Side:
    """One end of a TCP conversation and its send state."""

    ip: object
    port: int
    isn: int
    ttl: int
    snd_nxt: int = 0
    ident: int = 0


@dataclass
class FrameInfo:
    """What one captured TCP segment carried."""

    frame: int
    ts_ns: int
    side: str
    flags: int
    seq: int
    offset: int
    length: int
    captured: int
    l3: bytes


def other(side):
    """Return the opposite side name."""
    return "server" if side == "client" else "client"


def split_even(length, parts):
    """Return `parts` contiguous (start, end) ranges covering range(length)."""
    cuts = [length * i // parts for i in range(parts + 1)]
    return [(cuts[i], cuts[i + 1]) for i in range(parts)]


class TcpConversation:
    """Builds one TCP connection and remembers what each frame carried.

    Sequence numbers are tracked per side; every data byte has a stream
    offset (0 = first byte after the SYN), so the truth can be derived from
    which frames covered which offsets.
    """

    def __init__(self, cap, client, server, ext_types=()):
        """Create the conversation; client/server are (ip, port, isn)."""
        self.cap = cap
        self.ext_types = ext_types
        self.sides = {}
        for name, (ip, port, isn), ttl in (
            ("client", client, 128),
            ("server", server, 64),
        ):
            addr = ipaddress.ip_address(ip)
            self.sides[name] = Side(
                addr, port, isn, ttl, (isn + 1) & 0xFFFFFFFF, (isn >> 16) & 0xFFFF
            )
        self.frames = []
        self.pdus = {"client": [], "server": []}  # (stream offset, Pdu)
        # What the scenario built after the negotiation, as dotted truth
        # keys ("diagnosis.id", "tls.version"), and the class it means.
        self.after = {}
        self.stream_len = {"client": 0, "server": 0}

    # -- low level ---------------------------------------------------------

    def _emit(self, side, flags, seq, payload=b"", options=b"", damaged=False):
        """Build, append and record one segment from `side`."""
        src, dst = self.sides[side], self.sides[other(side)]
        ack = dst.snd_nxt if flags & TCP_ACK else 0
        seg = tcp_segment(
            src.ip, dst.ip, src.port, dst.port, seq, ack, flags, payload, options
        )
        src.ident = (src.ident + 1) & 0xFFFF
        l3 = ip_packet(
            src.ip, dst.ip, IPPROTO_TCP, seg, src.ident, src.ttl, self.ext_types
        )
        return self._record(side, flags, seq, len(payload), l3, damaged)

    def _record(self, side, flags, seq, length, l3, damaged=False):
        """Add l3 to the capture and remember the frame's stream coverage."""
        added = self.cap.add(l3, side == "client", damaged)
        if added is None:
            return None
        frame, lost = added
        offset = (seq - self.sides[side].isn - 1) & 0xFFFFFFFF
        info = FrameInfo(
            frame,
            self.cap.records[-1].ts_ns,
            side,
            flags,
            seq,
            offset,
            length,
            max(0, length - lost),
            l3,
        )
        self.frames.append(info)
        return info

    # -- handshake and teardown -------------------------------------------

    def syn(self):
        """Client SYN (MSS 1460); calling it again is a SYN retransmission."""
        return self._emit(
            "client",
            TCP_SYN,
            self.sides["client"].isn,
            options=struct.pack("!BBH", 2, 4, 1460),
        )

    def syn_ack(self):
        """Server SYN/ACK (MSS 1460)."""
        return self._emit(
            "server",
            TCP_SYN | TCP_ACK,
            self.sides["server"].isn,
            options=struct.pack("!BBH", 2, 4, 1460),
        )

    def ack(self, side):
        """Pure ACK from side."""
        return self._emit(side, TCP_ACK, self.sides[side].snd_nxt)

    def handshake(self):
        """SYN, SYN/ACK, ACK."""
        self.syn()
        self.syn_ack()
        self.ack("client")

    def refuse(self):
        """Server answers the SYN with RST/ACK (port closed)."""
        return self._emit("server", TCP_RST | TCP_ACK, 0)

    def fin(self, side):
        """FIN/ACK from side (consumes one sequence number)."""
        src = self.sides[side]
        info = self._emit(side, TCP_FIN | TCP_ACK, src.snd_nxt)
        src.snd_nxt = (src.snd_nxt + 1) & 0xFFFFFFFF
        return info

    def rst(self, side):
        """RST/ACK from side."""
        return self._emit(side, TCP_RST | TCP_ACK, self.sides[side].snd_nxt)

    def close(self, side):
        """Orderly close started by side: FIN, FIN from the peer, final ACK."""
        self.fin(side)
        self.fin(other(side))
        self.ack(side)

    # -- data --------------------------------------------------------------

    def send(self, side, data, segments=None, damaged=False):
        """Send data (bytes or Pdu) from side.

        segments: list of (start, end) byte ranges of data, one segment each,
        in the order they are put on the wire; ranges may repeat (exact
        retransmission of the same bytes) or overlap. Default: one segment.
        damaged: the (single) segment is the damaged last record of the file.
        Returns the list of FrameInfo written.
        """
        pdu = data if isinstance(data, Pdu) else Pdu(data)
        src = self.sides[side]
        base = src.snd_nxt
        self.pdus[side].append((self.stream_len[side], pdu))
        self.stream_len[side] += len(pdu.data)
        written = []
        seen = {}
        for start, end in segments or [(0, len(pdu.data))]:
            if (start, end) in seen:  # exact duplicate of an earlier segment
                written.append(self.resend(seen[(start, end)]))
                continue
            info = self._emit(
                side,
                TCP_PSH | TCP_ACK,
                base + start,
                pdu.data[start:end],
                damaged=damaged,
            )
            seen[(start, end)] = info
            written.append(info)
        src.snd_nxt = (base + len(pdu.data)) & 0xFFFFFFFF
        return written

    def resend(self, info):
        """Write an exact copy of an earlier frame (a retransmission)."""
        return self._record(info.side, info.flags, info.seq, info.length, info.l3)

    def exchange(self, cr, cc=None, handshake=True):
        """Optional handshake, client CR, server CC (if any)."""
        if handshake:
            self.handshake()
        self.send("client", cr)
        if cc is not None:
            self.send("server", cc)

    # -- ground truth ------------------------------------------------------

    def _pdu_progress(self):
        """Return ({(side, idx): completing frame}, {(side, idx) seen at all})."""
        covered = {"client": set(), "server": set()}
        done, seen = {}, set()
        for info in self.frames:
            if not info.captured:
                continue
            covered[info.side].update(range(info.offset, info.offset + info.captured))
            for idx, (start, pdu) in enumerate(self.pdus[info.side]):
                key = (info.side, idx)
                span = range(start, start + len(pdu.data))
                if key in done:
                    continue
                if any(o in covered[info.side] for o in span):
                    seen.add(key)
                if all(o in covered[info.side] for o in span):
                    done[key] = info.frame
        return done, seen

    def _first(self, side, kind):
        """Return (key, Pdu) of the first PDU of this kind sent by side."""
        for idx, (_, pdu) in enumerate(self.pdus[side]):
            if pdu.kind == kind:
                return (side, idx), pdu
        return None, None

    def attempt(self):
        """Return this connection's README.md's JSONL table truth record, or None if unreported."""
        if not self.frames:
            return None
        done, seen = self._pdu_progress()
        cr_key, cr = self._first("client", "CR")
        cc_key, cc = self._first("server", "CC")
        cr_seen, cc_seen = cr_key in seen, cc_key in seen
        cr_frame, cc_frame = done.get(cr_key), done.get(cc_key)
        flags = {(f.side, f.flags) for f in self.frames}
        syn_seen = ("client", TCP_SYN) in flags
        client_pdus = self.pdus["client"]
        starts_with_cr = (
            bool(client_pdus)
            and client_pdus[0][1].kind == "CR"
            and (("client", 0) in seen)
        )
        if self.sides["server"].port in RDP_PORTS:
            if not (syn_seen or cr_seen or cc_seen):
                return None
        elif not starts_with_cr:
            return None

        end = next((f for f in self.frames if f.flags & (TCP_FIN | TCP_RST)), None)
        if cr_seen:
            outcome = cc.info["outcome"] if cc_frame else "no_response"
        elif any(f.side == "server" for f in self.frames if not f.flags & TCP_RST):
            outcome = "no_request"
        elif any(f.side == "server" and f.flags & TCP_RST for f in self.frames):
            outcome = "refused" if syn_seen else "no_request"
        else:
            outcome = "unanswered" if syn_seen else "no_request"

        req = cr.info if cr_frame else {}
        rsp = cc.info if cc_frame else {}
        selected = rsp.get("selected_protocol")
        requested = req.get("requested_protocols")
        if cr_frame and requested is None:
            requested = 0  # a CR without RDP_NEG_REQ asks for Standard RDP Security
        malformed = bool((cr_frame and cr.malformed) or (cc_frame and cc.malformed))
        client_next = cr_key is not None and any(
            side == "client" and idx > cr_key[1] for side, idx in seen)
        first = self.frames[0]
        client, server = self.sides["client"], self.sides["server"]
        return {
            "first_frame": first.frame,
            "ts": iso_ts(first.ts_ns),
            "client": endpoint_text(client.ip, client.port),
            "server": endpoint_text(server.ip, server.port),
            "request_frame": cr_frame,
            "response_frame": cc_frame or (end.frame if end else None),
            "cookie": req.get("cookie"),
            "requested_protocols": req.get("requested_protocols"),
            "request_flags": req.get("request_flags"),
            "correlation_id": req.get("correlation_id"),
            "outcome": outcome,
            "end": end_text(end),
            "failure_code": rsp.get("failure_code"),
            "selected_protocol": selected,
            "response_flags": rsp.get("response_flags"),
            "protocol_not_requested": protocol_not_requested(requested, selected),
            "malformed": malformed,
            "incomplete": bool(seen - set(done)),
            "class": attempt_class(outcome, malformed, selected,
                                   silent=not client_next and end is not None),
            **self.after,
        }


def attempt_class(outcome, malformed, selected, silent):
    """README's class rule, from what the generator built: blocked (could not
    connect), insecure (Standard RDP Security), ok, or noise (no request).
    A connection whose client sent nothing after its request and that ended
    did not connect."""
    if outcome == "no_request":
        return "noise"
    if malformed or outcome not in ("selected", "legacy") or silent:
        return "blocked"
    if outcome == "legacy" or selected == 0:
        return "insecure"
    return "ok"


def end_text(info):
    """Return fin_client / rst_server / ... for the first FIN or RST frame, or open."""
    if info is None:
        return "open"
    return ("fin_" if info.flags & TCP_FIN else "rst_") + info.side


def protocol_not_requested(requested, selected):
    """True when selected is not what the client asked for.

    A CR without RDP_NEG_REQ counts as a request for RDP (0); an unknown
    request (no CR decoded) gives False.
    """
    if selected is None or requested is None:
        return False
    if requested == 0:
        return selected != 0
    return selected == 0 or (selected & requested) != selected


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------

CLIENT = "192.0.2.10"
CLIENT2 = "192.0.2.20"
SERVER = "203.0.113.5"
SERVER2 = "198.51.100.7"
CLIENT6 = "2001:db8:0:1::10"
SERVER6 = "2001:db8:0:2::3389"


def failure_then_close(conv, cr, code, closer="server", reset=False):
    """Handshake, CR, CC with RDP_NEG_FAILURE, then FIN (or RST) from closer."""
    conv.exchange(cr, cc_failure(code))
    if reset:
        conv.rst(closer)
    else:
        conv.close(closer)


def selected_then_close(conv, cr, protocol, flags=0x1F):
    """Handshake, CR, CC with RDP_NEG_RSP, client ACK, later client FIN."""
    conv.exchange(cr, cc_selected(protocol, flags))
    conv.ack("client")
    conv.cap.wait(0.5)
    conv.close("client")


def build_failure_codes():
    """failure-codes.pcap: the six failure codes plus an unknown one."""
    cap = Capture("failure-codes.pcap")
    cases = [(0x0, 1), (0x3, 2), (0x1, 3), (0x1, 4), (0x1, 5), (0x3, 6), (0xB, 0x99)]
    for i, (requested, code) in enumerate(cases, 1):
        conv = cap.tcp(CLIENT, SERVER)
        cr = connection_request(cookie(f"user{i}"), requested)
        failure_then_close(conv, cr, code, reset=(code == 5))
    return cap


def build_outcomes():
    """outcomes.pcap: one connection per outcome / end combination."""
    cap = Capture("outcomes.pcap")
    # selected: 0xB -> HYBRID_EX, flags 0x1f, client FIN later
    selected_then_close(
        cap.tcp(CLIENT, SERVER), connection_request(cookie("sel"), 0xB), 8
    )
    # legacy: CR without RDP_NEG_REQ -> 11-byte CC
    conv = cap.tcp(CLIENT, SERVER)
    conv.exchange(connection_request(cookie("legacy")), connection_confirm())
    conv.ack("client")
    conv.close("client")
    # no_response, ended by server FIN / server RST / client FIN
    for ending in ("fin_server", "rst_server", "fin_client"):
        conv = cap.tcp(CLIENT, SERVER)
        conv.exchange(connection_request(cookie("noresp"), 0x3))
        conv.ack("server")
        kind, side = ending.split("_")
        if side == "client":
            cap.wait(5.0)
        if kind == "fin":
            conv.close(side)
        else:
            conv.rst(side)
    # refused: SYN -> RST/ACK
    conv = cap.tcp(CLIENT, SERVER2)
    conv.syn()
    conv.refuse()
    # unanswered: three SYNs on the same ports
    conv = cap.tcp(CLIENT, SERVER2)
    for delay in (1.0, 2.0, None):
        conv.syn()
        if delay:
            cap.wait(delay)
    # no_request: handshake, nothing sent, client FIN
    conv = cap.tcp(CLIENT, SERVER)
    conv.handshake()
    cap.wait(2.0)
    conv.close("client")
    # selected but not requested: 0x1 -> RSP selected RDP (0)
    selected_then_close(
        cap.tcp(CLIENT, SERVER),
        connection_request(cookie("notreq"), 0x1),
        0,
        flags=0x00,
    )
    # FreeRDP-like fallback ladder on three new source ports
    for requested in (0x3, 0x1):
        failure_then_close(
            cap.tcp(CLIENT2, SERVER2),
            connection_request(cookie("ladder"), requested),
            2,
        )
    selected_then_close(
        cap.tcp(CLIENT2, SERVER2),
        connection_request(cookie("ladder"), 0x0),
        0,
        flags=0x00,
    )
    # no_response left open at the end of the capture
    conv = cap.tcp(CLIENT, SERVER)
    conv.exchange(connection_request(cookie("open"), 0x3))
    conv.ack("server")
    return cap


#: file name -> (link name, IPv6?); .pcapng files use nanosecond resolution
LINK_CAPTURES = {
    "link-ethernet.pcap": ("ethernet", False),
    "link-vlan.pcap": ("vlan", False),
    "link-qinq.pcap": ("qinq", False),
    "link-sll.pcap": ("sll", False),
    "link-sll2.pcap": ("sll2", False),
    "link-null.pcap": ("null", False),
    "link-null-ipv6.pcap": ("null", True),
    "link-loop.pcap": ("loop", False),
    "link-raw.pcap": ("raw", False),
    "link-ipv4.pcap": ("ipv4", False),
    "link-ipv6.pcap": ("ipv6", True),
    "link-ethernet-ipv6.pcapng": ("ethernet", True),
}


def build_link(name):
    """link-*.pcap(ng): one 0x1 -> HYBRID_REQUIRED_BY_SERVER connection."""
    link, ipv6 = LINK_CAPTURES[name]
    pcapng = name.endswith(".pcapng")
    cap = Capture(name, link, nanosecond=pcapng)
    client, server, ext = (CLIENT6, SERVER6, ()) if ipv6 else (CLIENT, SERVER, ())
    if pcapng:
        ext = (IPPROTO_HOPOPTS, IPPROTO_DSTOPTS)
        cap.set_subsecond(123_456_789)  # the SYN gets a nanosecond-precise time
    conv = cap.tcp(client, server, ext_types=ext)
    failure_then_close(conv, connection_request(cookie("link"), 0x1), 5)
    return cap


def whole(length):
    """Segment list putting all `length` bytes in one segment."""
    return [(0, length)]


def hang_up(conv, cc):
    """End a connection after its CC: the server closes after a failure, else the client."""
    if cc.info["outcome"] == "failure":
        conv.close("server")
    else:
        conv.ack("client")
        conv.close("client")


WRAP_ISN = 0xFFFFFFF0
#: CR bytes that fit before the client's sequence numbers wrap around 2^32.
WRAP_AT = (1 << 32) - ((WRAP_ISN + 1) & 0xFFFFFFFF)


def build_reassembly():
    """reassembly.pcap: split, reordered, duplicated, overlapping and wrapped PDUs."""
    cap = Capture("reassembly.pcap")
    # no SYN/SYN-ACK captured: the capture starts with the CR
    conv = cap.tcp(CLIENT, SERVER)
    cc = cc_failure(5)
    conv.exchange(connection_request(cookie("midstream"), 0x3), cc, handshake=False)
    hang_up(conv, cc)
    # (user, extra tcp() arguments, CR segments(len), CC, CC segments(len))
    cases = [
        ("split3", {}, lambda n: split_even(n, 3), cc_failure(5), whole),
        ("reorder", {}, lambda n: split_even(n, 2)[::-1], cc_failure(5), whole),
        ("dup", {}, lambda n: whole(n) * 2, cc_selected(2), lambda n: whole(n) * 2),
        ("overlap", {}, lambda n: [(0, 20), (10, n)], cc_failure(5), whole),
        (
            "wrap",
            {"client_isn": WRAP_ISN},
            lambda n: [(0, WRAP_AT), (WRAP_AT, n)],
            cc_failure(5),
            whole,
        ),
        ("splitcc", {}, whole, cc_selected(2), lambda n: [(0, 9), (9, n)]),
    ]
    for user, tcp_args, cr_segments, cc, cc_segments in cases:
        conv = cap.tcp(CLIENT, SERVER, **tcp_args)
        conv.handshake()
        cr = connection_request(cookie(user), 0x3)
        conv.send("client", cr, cr_segments(len(cr.data)))
        conv.send("server", cc, cc_segments(len(cc.data)))
        hang_up(conv, cc)
    return cap


def chat(conv, request, reply, closer):
    """Handshake, one client message, one server reply, close by closer."""
    conv.handshake()
    conv.send("client", request)
    conv.send("server", reply)
    conv.close(closer)


def build_port_13389():
    """port-13389.pcap: RDP on 13389 among HTTP, non-TPKT TCP and UDP/3389 noise."""
    cap = Capture("port-13389.pcap")
    conv = cap.tcp(CLIENT, SERVER, server_port=13389)
    failure_then_close(conv, connection_request(cookie("alt"), 0x3), 5)
    # HTTP on 8080
    body = b"hello\n"
    chat(
        cap.tcp(CLIENT, SERVER2, server_port=8080),
        b"GET / HTTP/1.1\r\nHost: 198.51.100.7:8080\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body),
        "client",
    )
    # client speaks first on 3390, not TPKT
    chat(
        cap.tcp(CLIENT, SERVER, server_port=3390),
        b"HELLO rdpneg-not-rdp\r\n",
        b"BYE\r\n",
        "server",
    )
    # RDPEUDP-like datagrams to UDP 3389 and back
    cap.wait(1.0)
    syn = struct.pack("!IHH", 0xFFFFFFFF, 64, 0x0001) + struct.pack(
        "!IHH", 0x2A2B2C2D, 1232, 1232
    )
    cap.udp(CLIENT, SERVER, 50999, 3389, syn + bytes(24))
    cap.udp(SERVER, CLIENT, 3389, 50999, syn[:8] + bytes(32), from_client=False)
    cap.udp(CLIENT, SERVER, 50999, 3389, syn + bytes(24))
    return cap


def build_tokens():
    """tokens.pcapng: cookies, routing tokens, NEG_REQ flags and odd bytes."""
    cap = Capture("tokens.pcapng", nanosecond=True, step_ns=2_345_678)
    cases = [
        (connection_request(cookie("alice"), 0xB, correlation_id=bytes(range(16))), 8),
        (connection_request(b"Cookie: msts=3640205228.15629.0000", 0x3), 2),
        (connection_request(b"tsv://MS Terminal Services Plugin.1.Sessions", 0x3), 2),
        (connection_request(b"mth://example", 0x1), 1),
        (connection_request(cookie("admin"), 0x0A, flags=0x01), 8),
        (connection_request(cookie("rcg"), 0x0B, flags=0x02), 8),
        (connection_request(cookie("aad"), 0x1B), 0x10),
        (
            connection_request(b'Cookie: mstshash=a"b\\c\x1b[31md\te\xff\xc3\xa9', 0x3),
            2,
        ),
    ]
    for cr, protocol in cases:
        selected_then_close(cap.tcp(CLIENT, SERVER), cr, protocol)
    return cap


#: Cookies that try to break out of each report format: HTML, links, table
#: cells, spreadsheet formulas, Markdown emphasis and code, autolinks, a
#: bare line feed, bidirectional overrides and C1 control sequences.
HOSTILE_COOKIES = [
    (b"<script>alert(1)</script><b>bold</b>", 5),
    (b"[click](http://evil.example/)![img](http://evil.example/i.png)", 5),
    (b"a|b|c", 2),
    (b"=cmd|' /C calc'!A0", 2),
    (b"+SUM(1;2)@x-y", 2),
    (b"``code`` *bold* _it_ ~~strike~~ # head", 1),
    (b"http://evil.example/x www.evil.example", 1),
    (b"line\nbreak\rcarriage", 5),
    (b"\xe2\x80\xaeevil\xe2\x80\xac", 5),
    (b"\xc2\x9b2J\x1b]0;title\x07", 5),
]


def build_hostile_cookies():
    """hostile-cookies.pcap: failures whose cookies attack the reports."""
    cap = Capture("hostile-cookies.pcap")
    for user, code in HOSTILE_COOKIES:
        failure_then_close(cap.tcp(CLIENT, SERVER), connection_request(
            b"Cookie: mstshash=" + user, 0x1), code)
    return cap


def build_not_rdp():
    """not-rdp.pcap: the RDP port answered by a service that is not RDP."""
    cap = Capture("not-rdp.pcap")
    conv = cap.tcp(CLIENT, SERVER)
    conv.exchange(connection_request(cookie("ops"), 0x3),
                  b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
    conv.close("server")
    return cap


def build_malformed():
    """malformed.pcap: one deliberately wrong CR or CC per connection."""
    cap = Capture("malformed.pcap")
    cases = [
        (connection_request(cookie("len16"), 0x3, neg_length=16), cc_selected(2)),
        (connection_request(cookie("type5"), 0x3), connection_confirm(5, 0, 2)),
        (connection_request(cookie("li"), 0x1, li_adjust=-1), cc_failure(5)),
        (
            connection_request(cookie("trailing"), 0x3),
            cc_selected(2, trailing=b"\xde\xad\xbe\xef"),
        ),
        (connection_request(cookie("nocrlf"), crlf=False), connection_confirm()),
        (connection_request(cookie("len0"), 0x3), cc_selected(2, neg_length=0)),
    ]
    for cr, cc in cases:
        conv = cap.tcp(CLIENT, SERVER)
        conv.exchange(cr, cc)
        conv.close("server")
    return cap


#: Snap length for snaplen.pcap. 64 cannot work: Ethernet + IPv4 + TCP take
#: 54 bytes, and a CC with RDP_NEG_RSP is 19 bytes, so 73 are needed for the
#: CC (and the short CR) to fit while a CR with a cookie is still cut.
# ---------------------------------------------------------------------------
# After the negotiation: TLS records (RFC 8446 5.1, RFC 5246 6.2) and the
# lengths of encrypted CredSSP records (MS-CSSP 3.1.5), for what no peer on
# this machine does (Windows servers): after-negotiation.pcap is synthetic.
# ---------------------------------------------------------------------------

#: A self-signed RSA-2048 SHA-256 certificate for CN=WIN-RDP01.corp.example,
#: valid 2024-03-01 to 2024-08-31 (the shape of Windows' Remote Desktop
#: certificate), made once with `openssl ca -selfsign -startdate
#: 20240301000000Z -enddate 20240831000000Z` and kept as its DER bytes.
WINDOWS_CERT_DER = base64.b64decode(
    "MIIDDDCCAfSgAwIBAgICSx0wDQYJKoZIhvcNAQELBQAwITEfMB0GA1UEAwwWV0lOLVJE"
    "UDAxLmNvcnAuZXhhbXBsZTAeFw0yNDAzMDEwMDAwMDBaFw0yNDA4MzEwMDAwMDBaMCEx"
    "HzAdBgNVBAMMFldJTi1SRFAwMS5jb3JwLmV4YW1wbGUwggEiMA0GCSqGSIb3DQEBAQUA"
    "A4IBDwAwggEKAoIBAQDwlvJ8Hw+wa97ukE+WWh003+cGtQq63tgQEV/AD5TMn1ap0x/S"
    "/8lKvo/fqFx8c3PKQAP2e6mp0OhZ1bCnrTJlf1O1ybFaFOI13QEfoPXO0i0oJ0DUDrIZ"
    "7EM45/p2HZQ8xuQ+gojrf5uJntkFXUekZSOVclvGp4D6edhs0+1rhh5Z0clRZIb7P4Jt"
    "siUJ6pWJGMT4qt4slUIvprDsTIQYKyTXcuPOPw60kCotixVIuRe1YwvNJqbylgCkXCcw"
    "53sph5dPyghvBhI2aUY1G44zIPfzEvFycEyHUMif2SpEqR9Y8X05wZ70lNgAxZMnYfZL"
    "jWlzmOA+ssEbdVQNbsgLAgMBAAGjTjBMMAkGA1UdEwQCMAAwCwYDVR0PBAQDAgQwMBMG"
    "A1UdJQQMMAoGCCsGAQUFBwMBMB0GA1UdDgQWBBQlpZwV1aoU0F69ney54wdC9G/P2zAN"
    "BgkqhkiG9w0BAQsFAAOCAQEA64ljvzmB7X6qQ/sU5uu3w+kfHKyJsoUICPrsCQGE73AU"
    "RG8Ze4/ZStQG75tD2gKryCg6qqcyC3Zgg3XAd8a2J+X4BZdxco3jiFXVnxrITn0pqj3S"
    "cgthr7WXNUyQXQhP12QYTP+jsnHIHjJ/U9fdfi8Ro9rYrubcDrO7Y+W9gZau/hX7sM85"
    "JiBTGYauPX1qqrQqBmNTOTOgiGdExqKMGQTKbbNaETrZIQScFY4+QeCLK+rbLgAJmp5H"
    "TjwvT080qypxW0V0/1watPEV6/L7K4OCRKmbnSUQ2Tcb/3F7zez54Yfqm6Tt122Xn28q"
    "GA8nCeHdvdeU188HXUF3jpNyyQ=="
)

TLS_1_2 = 0x0303
TLS_1_3 = 0x0304
ECDHE_RSA_AES256_GCM_SHA384 = 0xC030  # what Schannel picks (24-byte overhead)


def tls_record(content_type, body, version=TLS_1_2):
    """One TLS record."""
    return struct.pack("!BHH", content_type, version, len(body)) + body


def tls_handshake(msg_type, body):
    """One handshake message: type, 24-bit length, body."""
    return bytes([msg_type]) + len(body).to_bytes(3, "big") + body


def tls_client_hello(versions, suites, sni=None):
    """A ClientHello offering versions (supported_versions) and suites."""
    ext = b""
    if sni is not None:
        name = sni.encode()
        entry = b"\x00" + struct.pack("!H", len(name)) + name
        ext += struct.pack("!HH", 0, len(entry) + 2) + struct.pack(
            "!H", len(entry)) + entry
    vlist = b"".join(struct.pack("!H", v) for v in versions)
    ext += struct.pack("!HHB", 43, len(vlist) + 1, len(vlist)) + vlist
    body = struct.pack("!H", TLS_1_2) + bytes(range(32)) + b"\x00"
    body += struct.pack("!H", 2 * len(suites))
    body += b"".join(struct.pack("!H", s) for s in suites)
    body += b"\x01\x00" + struct.pack("!H", len(ext)) + ext
    return tls_record(22, tls_handshake(1, body), version=0x0301)


def tls12_server_flight(suite, cert_der):
    """ServerHello (TLS 1.2), Certificate, ServerHelloDone in one record."""
    hello = struct.pack("!H", TLS_1_2) + bytes(range(32, 64)) + b"\x00"
    hello += struct.pack("!HB", suite, 0)
    chain = len(cert_der).to_bytes(3, "big") + cert_der
    certs = len(chain).to_bytes(3, "big") + chain
    return tls_record(22, tls_handshake(2, hello) + tls_handshake(11, certs)
                      + tls_handshake(14, b""))


def tls_encrypted(content_type, length, seed):
    """A record of length opaque bytes (ciphertext stand-in)."""
    return tls_record(content_type, bytes((seed + i * 7) & 0xFF
                                          for i in range(length)))


def tls12_handshake(conv, sni=None):
    """A TLS 1.2 handshake as Schannel completes it: the client's hello, the
    server's flight, ClientKeyExchange + CCS + Finished, CCS + Finished."""
    conv.send("client", tls_client_hello([TLS_1_3, TLS_1_2],
                                         [0x1302, 0x1301, 0xC030, 0xC02F,
                                          0xC028, 0xC027], sni))
    conv.send("server", tls12_server_flight(ECDHE_RSA_AES256_GCM_SHA384,
                                            WINDOWS_CERT_DER))
    conv.send("client", tls_record(22, tls_handshake(16, bytes(66)))
              + tls_record(20, b"\x01") + tls_encrypted(22, 40, 1))
    conv.send("server", tls_record(20, b"\x01") + tls_encrypted(22, 40, 2))


def credssp(conv, records):
    """Encrypted CredSSP records: (side, record length), in order."""
    for i, (side, length) in enumerate(records):
        conv.send(side, tls_encrypted(23, length, i))


#: NTLM over CredSSP on Windows, as ../shared/reference/rdp-after-negotiation
#: measured on awakecoding's decrypted captures (TLS 1.2 AES-256-GCM):
#: negotiate, challenge, authenticate, the server's pubKeyAuth, authInfo.
NTLM_SUCCESS = [("client", 81), ("server", 319), ("client", 701),
                ("server", 127), ("client", 207)]


def build_after_negotiation():
    """after-negotiation.pcap (synthetic): what Windows servers do after the
    Confirm that no peer here can: HYBRID_EX's Early User Authorization
    Result denying the user and granting it, a client that stops at the
    NTLM challenge; and the Direct Approach, TLS without the X.224
    exchange in clear, granted and refused."""
    cap = Capture("after-negotiation.pcap")
    # mstsc 0xB -> HYBRID_EX; NTLM accepted; the 4-byte result (28 bytes
    # with GCM) denies the user; the server closes (MS-RDPBCGR 3.3.5.10.2).
    conv = cap.tcp(CLIENT, SERVER)
    conv.exchange(connection_request(cookie("denied"), 0xB), cc_selected(8))
    tls12_handshake(conv, sni="WIN-RDP01.corp.example")
    credssp(conv, NTLM_SUCCESS + [("server", 28)])
    conv.close("server")
    conv.after = {"class": "blocked", "diagnosis.id": "nla-access-denied",
                  "tls.version": "TLS 1.2",
                  "tls.credssp.stage": "early-user-auth"}
    # The same, granted: the client goes on with its MCS Connect Initial.
    conv = cap.tcp(CLIENT, SERVER)
    conv.exchange(connection_request(cookie("granted"), 0xB), cc_selected(8))
    tls12_handshake(conv, sni="WIN-RDP01.corp.example")
    credssp(conv, NTLM_SUCCESS + [("server", 28), ("client", 470)])
    conv.ack("server")
    conv.after = {"class": "ok", "diagnosis.id": "negotiated",
                  "tls.credssp.stage": "complete"}
    # 0x3 -> HYBRID; the client reads the NTLM challenge and closes (a
    # CredSSP encryption-oracle mismatch, a cancelled prompt).
    conv = cap.tcp(CLIENT2, SERVER)
    conv.exchange(connection_request(cookie("gaveup"), 0x3), cc_selected(2))
    tls12_handshake(conv)
    credssp(conv, NTLM_SUCCESS[:2])
    conv.close("client")
    conv.after = {"class": "blocked", "diagnosis.id": "nla-client-gave-up",
                  "tls.credssp.stage": "challenge"}
    # The Direct Approach (MS-RDPBCGR 5.4.2.2): TLS from the first byte,
    # no X.224 exchange in clear.  Granted: the client goes on.
    conv = cap.tcp(CLIENT2, SERVER)
    conv.handshake()
    tls12_handshake(conv, sni="WIN-RDP01.corp.example")
    credssp(conv, [("client", 120)])
    conv.ack("server")
    conv.after = {"class": "ok", "diagnosis.id": "direct-tls",
                  "tls.version": "TLS 1.2"}
    # ... and a client that resets after the server's certificate.
    conv = cap.tcp(CLIENT2, SERVER)
    conv.handshake()
    conv.send("client", tls_client_hello([TLS_1_3, TLS_1_2],
                                         [0x1302, 0xC030]))
    conv.send("server", tls12_server_flight(ECDHE_RSA_AES256_GCM_SHA384,
                                            WINDOWS_CERT_DER))
    conv.rst("client")
    conv.after = {"class": "blocked",
                  "diagnosis.id": "tls-certificate-rejected",
                  "tls.certificate.problems": ["self-signed"]}
    return cap



# ---------------------------------------------------------------------------
# Standard RDP Security after the negotiation (MS-RDPBCGR 1.3.1.1, 5.3):
# X.224 Data, T.125 MCS (BER connect PDUs, PER domain PDUs), T.124 GCC and
# the user data blocks, for what no peer on this machine does (Windows
# servers refusing a Connect-Initial, licensing errors, Set Error Info):
# standard-security.pcap is synthetic.
# ---------------------------------------------------------------------------


def x224_data(mcs):
    """TPKT + X.224 Data TPDU (LI 2, DT, EOT) around an MCS PDU."""
    return tpkt(b"\x02\xf0\x80" + mcs)


def ber(tag, body):
    """A BER element with a one-byte tag (and the 0x7f application form
    for tags above 0xff: 0x7f65, 0x7f66)."""
    head = tag.to_bytes(2 if tag > 0xFF else 1, "big")
    n = len(body)
    if n < 0x80:
        return head + bytes([n]) + body
    return head + (b"\x81" + bytes([n]) if n < 0x100 else
                   b"\x82" + n.to_bytes(2, "big")) + body


def per_length(n):
    """A PER length determinant (X.691 10.9): 1 byte, or 2 with 0x80."""
    return bytes([n]) if n < 0x80 else (0x8000 | n).to_bytes(2, "big")


def user_data_block(block_type, body):
    """One GCC user data block: type, length (incl. the header), body."""
    return struct.pack("<HH", block_type, 4 + len(body)) + body


def utf16_field(text, size):
    """A fixed-size UTF-16LE field, NUL-padded."""
    return text.encode("utf-16-le").ljust(size, b"\x00")[:size]


def client_data(name, build, methods, channels):
    """CS_CORE (to serverSelectedProtocol), CS_SECURITY, CS_NET
    (MS-RDPBCGR 2.2.1.3.2-4)."""
    core = struct.pack("<IHHHHII", 0x00080004, 1280, 1024, 0xCA01, 0xAA03,
                       0x409, build)
    core += utf16_field(name, 32) + struct.pack("<III", 4, 0, 12)
    core += bytes(64)                                   # imeFileName
    core += struct.pack("<HHIHHH", 0xCA01, 1, 0, 24, 0x0F, 0x0001)
    core += bytes(64) + b"\x00\x00" + struct.pack("<I", 0)
    net = struct.pack("<I", len(channels)) + b"".join(
        c.encode().ljust(8, b"\x00") + struct.pack("<I", 0x80800000)
        for c in channels)
    return (user_data_block(0xC001, core)
            + user_data_block(0xC002, struct.pack("<II", methods, 0))
            + user_data_block(0xC003, net))


def gcc_connect_data(body):
    """T.124 ConnectData around a Conference Create Request or Response."""
    return b"\x00\x05\x00\x14\x7c\x00\x01" + per_length(len(body)) + body


def mcs_connect_initial(name, build, methods, channels=("rdpdr", "cliprdr")):
    """MCS Connect-Initial (T.125 11.1) with the GCC Conference Create
    Request of MS-RDPBCGR 2.2.1.3.1."""
    blocks = client_data(name, build, methods, channels)
    ccr = (b"\x00\x08\x00\x10\x00\x01\xc0\x00Duca" + per_length(len(blocks))
           + blocks)
    params = ber(0x30, ber(0x02, b"\x22") + ber(0x02, b"\x02")
                 + ber(0x02, b"\x00") + ber(0x02, b"\x01")
                 + ber(0x02, b"\x00") + ber(0x02, b"\x01")
                 + ber(0x02, b"\xff\xff") + ber(0x02, b"\x02"))
    body = (ber(0x04, b"\x01") + ber(0x04, b"\x01") + ber(0x01, b"\xff")
            + params + params + params
            + ber(0x04, gcc_connect_data(ccr)))
    return x224_data(ber(0x7F65, body))


def proprietary_certificate(bits=512):
    """A proprietary server certificate (2.2.1.4.3.1.1), permanent; its
    modulus and signature are stand-ins."""
    keylen = bits // 8 + 8
    blob = struct.pack("<IIIII", 0x31415352, keylen, bits, bits // 8 - 1,
                       0x10001) + bytes(keylen)
    return (struct.pack("<IIIHH", 1, 1, 1, 6, len(blob)) + blob
            + struct.pack("<HH", 8, 72) + bytes(72))


def mcs_connect_response(method, level, result=0, security=True):
    """MCS Connect-Response (T.125 11.2) with the GCC Conference Create
    Response of 2.2.1.4.1: SC_CORE, SC_SECURITY (method, level, a
    32-byte server random and a proprietary certificate), SC_NET."""
    blocks = user_data_block(0x0C01, struct.pack("<III", 0x00080004, 0, 0))
    if security and method == 0:
        # No encryption: no random and no certificate (2.2.1.4.3).
        blocks += user_data_block(0x0C02, struct.pack("<II", 0, level))
    elif security:
        cert = proprietary_certificate()
        blocks += user_data_block(
            0x0C02, struct.pack("<IIII", method, level, 32, len(cert))
            + bytes(range(32)) + cert)
    blocks += user_data_block(0x0C03, struct.pack("<HHHH", 1003, 2, 1004,
                                                  1005))
    ccr = (b"\x14\x76\x0a\x01\x01\x00\x01\xc0\x00McDn"
           + per_length(len(blocks)) + blocks)
    params = ber(0x30, ber(0x02, b"\x22") + ber(0x02, b"\x03")
                 + ber(0x02, b"\x00") + ber(0x02, b"\x01")
                 + ber(0x02, b"\x00") + ber(0x02, b"\x01")
                 + ber(0x02, b"\x00\xff\xf8") + ber(0x02, b"\x02"))
    body = (ber(0x0A, bytes([result])) + ber(0x02, b"\x00") + params
            + ber(0x04, gcc_connect_data(ccr)))
    return x224_data(ber(0x7F66, body))


#: Domain PDUs of the connection sequence (T.125 7, PER), as Windows
#: sends them: Erect Domain, Attach User, its confirm (user 1007), one
#: Channel Join of the I/O channel 1003 and its confirm.
ERECT_DOMAIN = x224_data(b"\x04\x01\x00\x01\x00")
ATTACH_USER = x224_data(b"\x28")
ATTACH_CONFIRM = x224_data(b"\x2e\x00\x00\x06")
CHANNEL_JOIN = x224_data(b"\x38\x00\x06\x03\xeb")
CHANNEL_CONFIRM = x224_data(b"\x3e\x00\x00\x06\x03\xeb\x03\xeb")
#: The server's Disconnect Provider Ultimatum, rn-user-requested.
DISCONNECT_ULTIMATUM = x224_data(b"\x21\x80")


def send_data(from_client, data):
    """MCS Send Data Request (client) or Indication (server) on the I/O
    channel 1003."""
    head = b"\x64" if from_client else b"\x68"
    return x224_data(head + b"\x00\x06\x03\xeb\x70" + per_length(len(data))
                     + data)


def standard_sequence(conv, cr, cc, methods, method, level, name):
    """The exchange up to the client's Client Info (1.3.1.1): negotiation,
    MCS connect, domain, Security Exchange and encrypted Client Info (or,
    without encryption, no Security Exchange and the Client Info in
    clear)."""
    conv.exchange(cr, cc)
    conv.send("client", mcs_connect_initial(name, 2600, methods))
    conv.send("server", mcs_connect_response(method, level))
    for pdu, side in ((ERECT_DOMAIN, "client"), (ATTACH_USER, "client"),
                      (ATTACH_CONFIRM, "server"), (CHANNEL_JOIN, "client"),
                      (CHANNEL_CONFIRM, "server")):
        conv.send(side, pdu)
    if method == 0:
        conv.send("client", send_data(True, struct.pack("<HH", 0x0040, 0)
                                      + bytes(range(200))))
        return
    conv.send("client", send_data(True, struct.pack("<HHI", 0x0001, 0, 72)
                                  + bytes(72)))
    conv.send("client", send_data(True, struct.pack("<HH", 0x0048, 0)
                                  + bytes(8) + bytes(range(200))))


def license_error(code, transition):
    """A License Error PDU in clear (2.2.1.12.1.3): the basic security
    header with SEC_LICENSE_PKT, the preamble (ERROR_ALERT, version 3),
    dwErrorCode, dwStateTransition, an empty error blob."""
    body = struct.pack("<IIHH", code, transition, 4, 0)
    return send_data(False, struct.pack("<HH", 0x0080, 0)
                     + struct.pack("<BBH", 0xFF, 0x03, 4 + len(body)) + body)


def set_error_info(code, header=True):
    """Set Error Info (2.2.5.1): with a basic security header without
    SEC_ENCRYPT, as a server at level Low sends it, or at level None
    without one (2.2.8.1.1.2.1)."""
    share = struct.pack("<IBBHBBH", 0x103EA, 0, 1, 8, 0x2F, 0, 0)
    pdu = struct.pack("<HHH", 6 + len(share) + 4, 0x17, 1007) + share
    return send_data(False, (struct.pack("<HH", 0, 0) if header else b"")
                     + pdu + struct.pack("<I", code))


def build_standard_security():
    """standard-security.pcap (synthetic): what Windows servers do under
    Standard RDP Security that no peer here does: refuse a Connect-Initial
    with an unsuccessful Connect-Response, drop a 40-bit-only client at
    level High, send a License Error, send Set Error Info in clear."""
    cap = Capture("standard-security.pcap")
    # 0x0 -> RDP; Connect-Response rt-unspecified-failure (14), then FIN.
    conv = cap.tcp(CLIENT, SERVER)
    conv.exchange(connection_request(cookie("refused"), 0x0), cc_selected(0))
    conv.send("client", mcs_connect_initial("DESKTOP-42", 19041, 0x1B))
    conv.send("server", mcs_connect_response(0, 0, result=14,
                                             security=False))
    conv.close("server")
    conv.after = {"class": "blocked", "diagnosis.id": "mcs-connect-refused",
                  "rdp_security.mcs_result": "rt-unspecified-failure",
                  "client_data.name": "DESKTOP-42",
                  "client_data.build": 19041}
    # A legacy client offering 40-bit only; level High: the server resets
    # after its Connect-Initial (MS-RDPBCGR 5.4.1, 3.3.5.3.3.1).
    conv = cap.tcp(CLIENT, SERVER)
    conv.exchange(connection_request(cookie("old40"), None),
                  connection_confirm())
    conv.send("client", mcs_connect_initial("XP-TERMINAL", 2600, 0x01))
    conv.rst("server")
    conv.after = {"class": "blocked",
                  "diagnosis.id": "rdp-encryption-mismatch",
                  "rdp_security.encryption_methods": ["40bit"],
                  "rdp_security.stage": "connect-initial"}
    # Level Low, 128-bit; the license server is unreachable: a License
    # Error ERR_NO_LICENSE_SERVER, ST_TOTAL_ABORT, then the Disconnect
    # Provider Ultimatum.
    conv = cap.tcp(CLIENT2, SERVER)
    standard_sequence(conv, connection_request(cookie("nolicense"), None),
                      connection_confirm(), 0x03, 0x02, 1, "KIOSK-7")
    conv.send("server", license_error(0x06, 0x01))
    conv.send("server", DISCONNECT_ULTIMATUM)
    conv.close("server")
    conv.after = {"class": "blocked", "diagnosis.id": "rdp-license-error",
                  "rdp_security.license_error.code": "ERR_NO_LICENSE_SERVER",
                  "rdp_security.license_error.state_transition":
                  "ST_TOTAL_ABORT",
                  "rdp_security.disconnect.from": "server",
                  "rdp_security.encryption_level": "Low"}
    # Level Low; licensing passes (STATUS_VALID_CLIENT), then Set Error
    # Info ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES and the Ultimatum.
    conv = cap.tcp(CLIENT2, SERVER)
    standard_sequence(conv, connection_request(cookie("nopriv"), 0x0),
                      cc_selected(0), 0x1B, 0x02, 1, "DESKTOP-42")
    conv.send("server", license_error(0x07, 0x02))
    conv.send("server", set_error_info(0x09))
    conv.send("server", DISCONNECT_ULTIMATUM)
    conv.close("server")
    conv.after = {"class": "blocked", "diagnosis.id": "server-error-info",
                  "rdp_security.error_info.name":
                  "ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES",
                  "rdp_security.stage": "licensing"}
    # Level None: the Client Info in clear, a valid license, then Set
    # Error Info without a security header: the license server's grace
    # period has run out.
    conv = cap.tcp(CLIENT, SERVER)
    standard_sequence(conv, connection_request(cookie("grace"), 0x0),
                      cc_selected(0), 0x1B, 0, 0, "DESKTOP-42")
    conv.send("server", license_error(0x07, 0x02))
    conv.send("server", set_error_info(0x102, header=False))
    conv.send("server", DISCONNECT_ULTIMATUM)
    conv.close("server")
    conv.after = {"class": "blocked", "diagnosis.id": "server-error-info",
                  "rdp_security.error_info.name":
                  "ERRINFO_LICENSE_NO_LICENSE",
                  "rdp_security.encryption_level": "None",
                  "rdp_security.stage": "licensing"}
    return cap


SNAPLEN_SHORT = 80


def build_snaplen():
    """snaplen.pcap: a CR cut by the snap length, then a normal connection."""
    cap = Capture("snaplen.pcap", snaplen=SNAPLEN_SHORT)
    conv = cap.tcp(CLIENT, SERVER)
    conv.exchange(
        connection_request(cookie("a-rather-long-user-name"), 0x1), cc_selected(1)
    )
    conv.close("server")
    conv = cap.tcp(CLIENT, SERVER)
    conv.exchange(connection_request(None, 0x1), cc_selected(1))
    conv.close("server")
    return cap


def build_truncated():
    """truncated.pcap: two connections, then the file ends inside a CR record."""
    cap = Capture("truncated.pcap")
    failure_then_close(
        cap.tcp(CLIENT, SERVER), connection_request(cookie("t1"), 0x3), 2
    )
    selected_then_close(
        cap.tcp(CLIENT, SERVER), connection_request(cookie("t2"), 0x3), 2
    )
    conv = cap.tcp(CLIENT, SERVER)
    conv.handshake()
    conv.send("client", connection_request(cookie("t3"), 0x3), damaged=True)
    return cap


def all_captures():
    """Return every Capture, in file-name order of the README table."""
    caps = [build_failure_codes(), build_outcomes()]
    caps += [build_link(name) for name in LINK_CAPTURES]
    caps += [
        build_reassembly(),
        build_port_13389(),
        build_tokens(),
        build_hostile_cookies(),
        build_not_rdp(),
        build_malformed(),
        build_snaplen(),
        build_truncated(),
        build_after_negotiation(),
        build_standard_security(),
    ]
    return caps


def write_all(outdir):
    """Write every capture and its truth file under outdir; return the names."""
    expected = os.path.join(outdir, "expected")
    os.makedirs(expected, exist_ok=True)
    names = []
    for cap in all_captures():
        with open(os.path.join(outdir, cap.name), "wb") as f:
            f.write(cap.file_bytes())
        stem = cap.name.rsplit(".", 1)[0]
        with open(os.path.join(expected, stem + ".truth.json"), "w") as f:
            json.dump(cap.truth(), f, indent=2)
            f.write("\n")
        names.append(cap.name)
    return names


def main(argv):
    """Entry point: gen_captures.py [OUTPUT_DIR]."""
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith("-")):
        print("usage: gen_captures.py [OUTPUT_DIR]", file=sys.stderr)
        return 2
    outdir = argv[1] if len(argv) == 2 else os.path.dirname(os.path.abspath(__file__))
    for name in write_all(outdir):
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
