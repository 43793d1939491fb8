#!/usr/bin/env python3
"""Generate rdpneg's hostile-capture test set into a directory.

Every file is built from captures/gen_captures.py (its pcap/pcapng writers,
TCP conversations and RDP PDU builders); nothing is read from disk, and the
set depends only on the seed.  tests/hostile/README.md lists the cases;
check_hostile_captures.py runs rdpneg on each.

generate(outdir, seed) writes the files and returns the cases as Case
objects.  The command line writes the same files plus manifest.json (the
cases as JSON):

    python3 tests/hostile/gen_hostile.py [--seed N] OUTDIR
"""

import argparse
import json
import os
import random
import struct
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "captures"))
import gen_captures as g  # noqa: E402

DEFAULT_SEED = 20240501

#: Bit-flip mutants per sample.
MUTANTS = {"outcomes.pcap": 200, "tokens.pcapng": 100}

#: Segments of the never-ending Connection Request and their size.
ENDLESS_SEGMENTS = 120
ENDLESS_SEGMENT_BYTES = 1200

#: Tiny overlapping segments in one connection, and the stream span they
#: cover (beyond the 4096-byte reassembly buffer).
MILLION = 1_000_000
MILLION_SPAN = 6007

#: A file name with an escape sequence, a tab, a line feed, quotes, a
#: backslash and a byte that is not UTF-8.
HOSTILE_NAME = b'not a capture \x1b[31m"red"\\ \t\n\xff.pcap'


@dataclass
class Case:
    """One run of rdpneg and what it must show.

    paths: the arguments after `rdpneg -a -f jsonl` (files or directories).
    expect: "damaged" (exit 2 and a message naming each of `named`),
    "clean" (exit 0 or 1, nothing on standard error) or "either" (exit 0,
    1 or 2; a message naming the file when 2).
    named: paths that must appear (escaped) in `rdpneg: PATH: reason`
    messages; default: paths.
    reference: an intact capture; its `--all --format jsonl` report gives
    the handshakes to find again.  Its attempts whose first, request and
    response frames are all before `damage_frame` (its numbering; None: no
    damage) are required; the others too when `keep_all_if_read` and
    rdpneg read the file to its end (exit 0 or 1).  `inserted` lists the
    reference frames before which one extra record was put, to renumber.
    attempts: explicit expectations from the generator's truth, each with
    "required": "always" or "if_read", "marked": the attempt's malformed
    or incomplete must be set, and the fields to compare.
    as_nobody: run as uid/gid 65534 (the files must really be unreadable).
    text_printable: also run the text report; it must be printable ASCII.
    printable: also run the text, CSV and Markdown reports: the text report
    must be printable ASCII, the others valid UTF-8 without a control
    character (but CSV's CR LF and line feeds).
    jsonl_ascii: the JSONL report must be printable ASCII (README: ASCII-
    only JSON, every other byte escaped).
    max_rss: a peak RSS (bytes) the run must stay below in the normal
    build, tighter than the check's general limit.
    escaped: the hostile client name and channel names
    (HOSTILE_CLIENT_NAME, HOSTILE_CHANNELS) must be reported, escaped, in
    every format (JSONL, text, CSV, Markdown).
    """

    name: str
    family: str
    paths: list
    expect: str
    named: list = None
    reference: str = None
    damage_frame: int = None
    inserted: list = field(default_factory=list)
    keep_all_if_read: bool = False
    attempts: list = field(default_factory=list)
    as_nobody: bool = False
    text_printable: bool = False
    printable: bool = False
    jsonl_ascii: bool = False
    max_rss: int = None
    escaped: bool = False

    def __post_init__(self):
        if self.named is None:
            self.named = list(self.paths) if self.expect == "damaged" else []


# ---------------------------------------------------------------------------
# Low-level writers and layout
# ---------------------------------------------------------------------------


def pcap_header(snaplen=65535, linktype=g.LINKTYPE_ETHERNET):
    """A classic pcap file header (little-endian, µs)."""
    return g.pcap_bytes([], linktype, snaplen, False)


def pcap_record(ts_ns, data, caplen=None, orig_len=None):
    """A pcap record; caplen/orig_len override the header fields only."""
    sec, frac = divmod(ts_ns, 1_000_000_000)
    caplen = len(data) if caplen is None else caplen
    orig_len = len(data) if orig_len is None else orig_len
    return struct.pack("<IIII", sec, frac // 1000, caplen, orig_len) + data


def pcapng_shb():
    """A pcapng Section Header Block without options."""
    return g.pcapng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))


def pcapng_idb(linktype, snaplen=65535):
    """An Interface Description Block with if_tsresol 6 (µs)."""
    return g.pcapng_block(
        1,
        struct.pack("<HHI", linktype, 0, snaplen)
        + g.pcapng_option(9, bytes([6]))
        + g.pcapng_option(0, b""),
    )


def pcapng_epb(ifid, ts_ns, data, caplen=None, orig_len=None, total=None):
    """An Enhanced Packet Block; caplen/orig_len/total override fields only."""
    ts = ts_ns // 1000
    caplen = len(data) if caplen is None else caplen
    orig_len = len(data) if orig_len is None else orig_len
    block = g.pcapng_block(
        6, struct.pack("<IIIII", ifid, ts >> 32, ts & 0xFFFFFFFF, caplen, orig_len)
        + data)
    if total is not None:
        block = block[:4] + struct.pack("<I", total) + block[8:]
    return block


@dataclass
class Layout:
    """Where a capture's records are: (start, end, data_start, data_end)."""

    records_start: int
    records: list


def layout(data):
    """Parse a pcap or little-endian pcapng file written by gen_captures."""
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        off, recs, start = 0, [], None
        while off < len(data):
            btype, total = struct.unpack_from("<II", data, off)
            if btype == 6:
                if start is None:
                    start = off
                caplen = struct.unpack_from("<I", data, off + 20)[0]
                recs.append((off, off + total, off + 28, off + 28 + caplen))
            off += total
        return Layout(start if start is not None else len(data), recs)
    off, recs = 24, []
    while off < len(data):
        caplen = struct.unpack_from("<I", data, off + 8)[0]
        recs.append((off, off + 16 + caplen, off + 16, off + 16 + caplen))
        off += 16 + caplen
    return Layout(24, recs)


def frame_at(lay, offset):
    """The frame number holding byte `offset` (1 for the file header)."""
    for n, (start, end, _, _) in enumerate(lay.records, 1):
        if start <= offset < end:
            return n
    return 1 if offset < lay.records_start else len(lay.records) + 1


def in_packet_data(lay, offset):
    """True when offset is a byte of some record's packet data."""
    return any(ds <= offset < de for _, _, ds, de in lay.records)


def expected(conv, required="always", shift=0, marked=False, cookie=False,
             values=True):
    """An expected attempt from gen_captures' truth of one conversation.

    shift is added to every frame number; values=False keeps only the
    identity (client, server, first_frame), for a conversation whose PDUs
    are deliberately broken.
    """
    truth = conv.attempt()
    exp = {"required": required, "marked": marked,
           "client": truth["client"], "server": truth["server"],
           "first_frame": truth["first_frame"] + shift}
    if values:
        for key in ("request_frame", "response_frame"):
            exp[key] = truth[key] + shift if truth[key] is not None else None
        for key in ("outcome", "requested_protocols", "failure_code",
                    "selected_protocol"):
            exp[key] = truth[key]
        if cookie:
            exp["cookie"] = truth["cookie"]
    return exp


class Writer:
    """Writes the set's files and collects the cases."""

    def __init__(self, outdir):
        self.outdir = Path(outdir)
        self.cases = []

    def path(self, rel):
        """Absolute path for rel (str or bytes), with its folder created."""
        path = self.outdir / (os.fsdecode(rel) if isinstance(rel, bytes)
                              else rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write(self, rel, data):
        """Write data to rel; return the absolute path as a str."""
        path = self.path(rel)
        path.write_bytes(data)
        return str(path)

    def add(self, **kw):
        """Add a case."""
        self.cases.append(Case(**kw))


# ---------------------------------------------------------------------------
# Samples, truncations and bit flips
# ---------------------------------------------------------------------------


def samples():
    """name -> Capture for the captures cut and mutated."""
    return {"outcomes.pcap": g.build_outcomes(), "tokens.pcapng": g.build_tokens()}


def truncation_offsets(lay, chosen):
    """Cut points: around every record boundary, all of the chosen records."""
    cuts = {lay.records_start}
    for n, (start, end, data_start, _) in enumerate(lay.records, 1):
        cuts.update({start + 1, start + 8, data_start, end - 1, end})
        if n in chosen:
            cuts.update(range(start, end + 1))
    return sorted(c for c in cuts if lay.records_start <= c <= lay.records[-1][1])


def chosen_records(cap):
    """The first record, attempt 1's request, attempt 2's response, the last."""
    attempts = cap.truth()["attempts"]
    return {1, attempts[0]["request_frame"], attempts[1]["response_frame"],
            len(cap.records)}


def gen_truncations(w, name, cap, ref):
    """Every cut of `name` listed by truncation_offsets."""
    data = cap.file_bytes()
    lay = layout(data)
    stem, ext = name.rsplit(".", 1)
    ends = {end for _, end, _, _ in lay.records} | {lay.records_start}
    for cut in truncation_offsets(lay, chosen_records(cap)):
        if cut == len(data):
            continue                    # the intact file is the reference
        path = w.write(f"truncate/{stem}-cut{cut:05d}.{ext}", data[:cut])
        whole = sum(1 for _, end, _, _ in lay.records if end <= cut)
        w.add(name=f"{name} cut at byte {cut}", family=f"truncations of {name}",
              paths=[path], expect="clean" if cut in ends else "damaged",
              reference=ref, damage_frame=whole + 1)


def gen_bitflips(w, name, cap, ref, rng, count):
    """count mutants of name, each with 1 to 3 random bits flipped."""
    data = cap.file_bytes()
    lay = layout(data)
    stem, ext = name.rsplit(".", 1)
    for i in range(count):
        mutant = bytearray(data)
        offsets = []
        for _ in range(rng.randint(1, 3)):
            off = rng.randrange(len(data))
            mutant[off] ^= 1 << rng.randrange(8)
            offsets.append(off)
        if bytes(mutant) == data:       # two flips of the same bit
            continue
        structural = not all(in_packet_data(lay, o) for o in offsets)
        where = ", ".join(f"{o}" for o in sorted(offsets))
        path = w.write(f"bitflip/{stem}-{i:03d}.{ext}", bytes(mutant))
        w.add(name=f"{name} mutant {i:03d} (bytes {where})",
              family="bit flips", paths=[path],
              expect="either" if structural else "clean", reference=ref,
              damage_frame=min(frame_at(lay, o) for o in offsets))


# ---------------------------------------------------------------------------
# Record headers
# ---------------------------------------------------------------------------


def udp_frame(payload_len):
    """An Ethernet frame with a UDP datagram (not TCP: never part of a handshake)."""
    src, dst = (g.ipaddress.ip_address(a) for a in (g.CLIENT, g.SERVER))
    udp = g.udp_datagram(src, dst, 40000, 9, bytes(payload_len))
    return g.ethernet_frame(g.ip_packet(src, dst, g.IPPROTO_UDP, udp), True)


#: Where bogus records go: before this frame of failure-codes.pcap (the
#: first frame of its third connection).
INSERT_AT = 17


def gen_pcap_records(w, base, ref):
    """Zero-length, huge, inconsistent and oversized pcap records."""
    recs = base.records
    snap = max(len(r.data) for r in recs)
    ts = recs[INSERT_AT - 2].ts_ns + 1000
    before = b"".join(pcap_record(r.ts_ns, r.data, orig_len=r.orig_len)
                      for r in recs[:INSERT_AT - 1])
    after = b"".join(pcap_record(r.ts_ns, r.data, orig_len=r.orig_len)
                     for r in recs[INSERT_AT - 1:])
    udp = udp_frame(18)
    big = udp_frame(snap)               # longer than the file's snap length
    # (file name, bogus record, expect, keep_all_if_read)
    cases = [
        ("caplen-len-ffffffff.pcap",
         pcap_record(ts, udp, 0xFFFFFFFF, 0xFFFFFFFF), "damaged", False),
        ("caplen-40001.pcap",
         pcap_record(ts, udp, 0x40001, 0x40001), "damaged", False),
        ("caplen-10000000-len-ffffffff.pcap",
         pcap_record(ts, udp, 0x10000000, 0xFFFFFFFF), "damaged", False),
        ("len-ffffffff.pcap", pcap_record(ts, udp, None, 0xFFFFFFFF),
         "clean", True),
        ("caplen-gt-len.pcap", pcap_record(ts, udp, None, 20), "either", True),
        ("caplen-gt-snaplen.pcap", pcap_record(ts, big), "either", True),
    ]
    for fname, bogus, expect, keep in cases:
        path = w.write(f"records/{fname}", pcap_header(snap) + before + bogus
                       + after)
        w.add(name=fname, family="record headers (pcap)", paths=[path],
              expect=expect, reference=ref, damage_frame=INSERT_AT,
              inserted=[INSERT_AT], keep_all_if_read=keep)
    # Zero-length records: first, in the middle (three in a row) and last.
    zero = pcap_record(recs[0].ts_ns, b"")
    body = zero
    for n, r in enumerate(recs, 1):
        if n == INSERT_AT:
            body += zero * 3
        body += pcap_record(r.ts_ns, r.data, orig_len=r.orig_len)
    body += zero
    path = w.write("records/zero-length.pcap", pcap_header(snap) + body)
    w.add(name="zero-length.pcap", family="record headers (pcap)", paths=[path],
          expect="clean", reference=ref, damage_frame=None,
          inserted=[1] + [INSERT_AT] * 3, keep_all_if_read=True)


def gen_pcapng_records(w, base, ref):
    """The same in pcapng, plus block lengths that cannot be right."""
    recs = base.records
    snap = max(len(r.data) for r in recs)
    ts = recs[INSERT_AT - 2].ts_ns + 1000
    head = pcapng_shb() + pcapng_idb(g.LINKTYPE_ETHERNET, snap)
    before = b"".join(pcapng_epb(0, r.ts_ns, r.data, orig_len=r.orig_len)
                      for r in recs[:INSERT_AT - 1])
    after = b"".join(pcapng_epb(0, r.ts_ns, r.data, orig_len=r.orig_len)
                     for r in recs[INSERT_AT - 1:])
    udp = udp_frame(18)
    cases = [
        ("epb-caplen-ffffffff.pcapng", pcapng_epb(0, ts, udp, 0xFFFFFFFF),
         "damaged", False),
        ("epb-len-ffffffff.pcapng", pcapng_epb(0, ts, udp, None, 0xFFFFFFFF),
         "clean", True),
        ("epb-caplen-gt-len.pcapng", pcapng_epb(0, ts, udp, None, 20),
         "either", True),
        ("epb-caplen-gt-snaplen.pcapng", pcapng_epb(0, ts, udp_frame(snap)),
         "either", True),
        ("block-length-ffffffff.pcapng",
         pcapng_epb(0, ts, udp, total=0xFFFFFFFF), "damaged", False),
        ("block-length-fffffffc.pcapng",
         pcapng_epb(0, ts, udp, total=0xFFFFFFFC), "damaged", False),
        ("block-length-1000000.pcapng",
         pcapng_epb(0, ts, udp, total=0x1000000), "damaged", False),
        ("block-length-8.pcapng", pcapng_epb(0, ts, udp, total=8),
         "damaged", False),
        ("epb-interface-7.pcapng", pcapng_epb(7, ts, udp), "damaged", False),
    ]
    for fname, bogus, expect, keep in cases:
        path = w.write(f"records/{fname}", head + before + bogus + after)
        w.add(name=fname, family="record headers (pcapng)", paths=[path],
              expect=expect, reference=ref, damage_frame=INSERT_AT,
              inserted=[INSERT_AT], keep_all_if_read=keep)
    zero = pcapng_epb(0, recs[0].ts_ns, b"")
    body = zero
    for n, r in enumerate(recs, 1):
        if n == INSERT_AT:
            body += zero * 3
        body += pcapng_epb(0, r.ts_ns, r.data, orig_len=r.orig_len)
    body += zero
    path = w.write("records/zero-length.pcapng", head + body)
    w.add(name="zero-length.pcapng", family="record headers (pcapng)",
          paths=[path], expect="clean", reference=ref, damage_frame=None,
          inserted=[1] + [INSERT_AT] * 3, keep_all_if_read=True)


# ---------------------------------------------------------------------------
# Mixed link types
# ---------------------------------------------------------------------------


def two_links():
    """Two captures of failure exchanges: Ethernet from CLIENT, raw IP from CLIENT2."""
    caps = {}
    for link, client, port in (("ethernet", g.CLIENT, 50001),
                               ("raw", g.CLIENT2, 51001)):
        cap = g.Capture(f"{link}.pcap", link)
        cap._next_port = port
        for code in (2, 5, 1):
            g.failure_then_close(cap.tcp(client, g.SERVER),
                                 g.connection_request(g.cookie(link), 0x3), code)
        caps[link] = cap
    return caps


def gen_mixed_links(w):
    """pcapng with an Ethernet and a raw-IP interface, packets on both."""
    caps = two_links()
    eth, raw = caps["ethernet"], caps["raw"]
    first = len(eth.conversations[0].frames)
    for late in (True, False):
        # Frames: Ethernet conversation 1 alone, then both interfaces in
        # turn; the second IDB comes after conversation 1 (late) or at once.
        order = [("ethernet", i) for i in range(first)]
        rest_e = [("ethernet", i) for i in range(first, len(eth.records))]
        rest_r = [("raw", i) for i in range(len(raw.records))]
        while rest_e or rest_r:
            for rest in (rest_r, rest_e):
                if rest:
                    order.append(rest.pop(0))
        frame_of = {key: n for n, key in enumerate(order, 1)}
        out = [pcapng_shb(), pcapng_idb(g.LINKTYPE_ETHERNET)]
        if not late:
            out.append(pcapng_idb(g.LINKTYPE_RAW))
        for n, (link, i) in enumerate(order, 1):
            if late and n == first + 1:
                out.append(pcapng_idb(g.LINKTYPE_RAW))
            rec = caps[link].records[i]
            out.append(pcapng_epb(0 if link == "ethernet" else 1,
                                  g.START_NS + n * g.PACKET_STEP_NS,
                                  rec.data, orig_len=rec.orig_len))
        damage = first + 1 if late else 1
        attempts = []
        for link, cap in caps.items():
            for conv in cap.conversations:
                exp = expected(conv)
                for key in ("first_frame", "request_frame", "response_frame"):
                    exp[key] = frame_of[(link, exp[key] - 1)]
                before = max(exp[k] for k in ("first_frame", "request_frame",
                                              "response_frame")) < damage
                exp["required"] = "always" if before else "if_read"
                attempts.append(exp)
        fname = "mixed-idb-late.pcapng" if late else "mixed-idb-first.pcapng"
        path = w.write(f"links/{fname}", b"".join(out))
        w.add(name=fname, family="mixed link types (pcapng)", paths=[path],
              expect="either", attempts=attempts)


# ---------------------------------------------------------------------------
# Not captures, unreadable files
# ---------------------------------------------------------------------------


def gen_not_captures(w, rng):
    """A text file with a hostile name, random bytes, an empty file."""
    path = w.write(b"misc/" + HOSTILE_NAME, b"this is not a capture\n" * 20)
    w.add(name="text file with a hostile name", family="not a capture",
          paths=[path], expect="damaged")
    path = w.write("misc/random.pcap", bytes(rng.randrange(256) for _ in range(4096)))
    w.add(name="random.pcap", family="not a capture", paths=[path],
          expect="damaged")
    path = w.write("misc/pcapng-magic-only.pcapng", b"\x0a\x0d\x0d\x0a")
    w.add(name="pcapng-magic-only.pcapng", family="not a capture",
          paths=[path], expect="damaged")
    path = w.write("misc/empty.pcap", b"")
    w.add(name="empty.pcap", family="empty file", paths=[path],
          expect="damaged")


#: Names and modes in the unreadable-file directory (applied by the check,
#: after the tree is written, so that it can be cleaned up).
UNREADABLE = {"b-unreadable.pcap": 0o000, "c-unreadable-no-suffix": 0o000,
              "d-locked": 0o000}


def gen_unreadable_dir(w, base):
    """A directory with a good capture and files rdpneg cannot read."""
    good = w.write("unreadable/a-good.pcap", base.file_bytes())
    w.write("unreadable/b-unreadable.pcap", base.file_bytes())
    w.write("unreadable/c-unreadable-no-suffix", base.file_bytes())
    w.write("unreadable/d-locked/inner.pcap", base.file_bytes())
    root = str(w.outdir / "unreadable")
    attempts = [dict(expected(c), capture=good) for c in base.conversations]
    w.add(name="directory with unreadable files",
          family="unreadable file in a directory", paths=[root], expect="damaged",
          named=[os.path.join(root, n) for n in UNREADABLE],
          attempts=attempts, as_nobody=True)


# ---------------------------------------------------------------------------
# Hostile TCP payloads
# ---------------------------------------------------------------------------


def with_canaries(name, link="ethernet"):
    """A Capture with a normal failure exchange; return (cap, canary conv)."""
    cap = g.Capture(name, link)
    conv = cap.tcp(g.CLIENT, g.SERVER)
    g.failure_then_close(conv, g.connection_request(g.cookie("canary1"), 0x3), 2)
    return cap, conv


def canary_after(cap):
    """Append the closing canary exchange; return its conversation."""
    conv = cap.tcp(g.CLIENT2, g.SERVER)
    g.failure_then_close(conv, g.connection_request(g.cookie("canary2"), 0x1), 5)
    return conv


def with_length(pdu, length):
    """The PDU's bytes with the TPKT length field set to length."""
    return pdu.data[:2] + struct.pack("!H", length) + pdu.data[4:]


def gen_tpkt_lengths(w):
    """TPKT length 0 and 65535 in a CR and in a CC, one file each."""
    for kind in ("CR", "CC"):
        for length in (0, 65535):
            fname = f"{kind.lower()}-tpkt-length-{length}.pcap"
            cap, c1 = with_canaries(fname)
            conv = cap.tcp(g.CLIENT, g.SERVER2)
            cr = g.connection_request(g.cookie("tpkt"), 0xB)
            cc = g.cc_selected(2)
            conv.handshake()
            conv.send("client", with_length(cr, length) if kind == "CR" else cr)
            conv.send("server", with_length(cc, length) if kind == "CC" else cc)
            conv.close("server")
            c3 = canary_after(cap)
            hostile = expected(conv, marked=True, values=False)
            if kind == "CC":            # the intact request is still read
                hostile["requested_protocols"] = 0xB
                hostile["request_frame"] = conv.attempt()["request_frame"]
            path = w.write(f"tpkt/{fname}", cap.file_bytes())
            w.add(name=fname, family="TPKT length 0 and 65535", paths=[path],
                  expect="clean",
                  attempts=[expected(c1), hostile, expected(c3)])


def endless_request():
    """TPKT length 65535, a CR header and a cookie line that never ends."""
    body = (struct.pack("!BBHHB", 0xFE, g.X224_CR, 0, 0, 0)
            + b"Cookie: mstshash=" + b"A" * 200)
    total = ENDLESS_SEGMENTS * ENDLESS_SEGMENT_BYTES
    data = g.tpkt(body, 65535)
    return data + bytes((i * 7 + 65) & 0x7F for i in range(total - len(data)))


def gen_endless_request(w):
    """A CR that never ends: 144 000 bytes in 120 segments, then a server RST."""
    fname = "endless-request.pcap"
    cap, c1 = with_canaries(fname)
    conv = cap.tcp(g.CLIENT, g.SERVER2)
    conv.handshake()
    data = endless_request()
    conv.send("client", data, g.split_even(len(data), ENDLESS_SEGMENTS))
    conv.ack("server")
    conv.rst("server")
    c3 = canary_after(cap)
    path = w.write(f"endless/{fname}", cap.file_bytes())
    w.add(name=fname, family="endless Connection Request", paths=[path],
          expect="clean",
          attempts=[expected(c1), expected(conv, marked=True, values=False),
                    expected(c3)])


def gen_million_segments(w):
    """One connection of MILLION tiny overlapping segments (raw IP, ~60 MB)."""
    fname = "million-segments.pcap"
    cap, c1 = with_canaries(fname, link="raw")
    conv = cap.tcp(g.CLIENT, g.SERVER2)
    conv.handshake()
    client, server = conv.sides["client"], conv.sides["server"]
    stream = endless_request()[:MILLION_SPAN]
    cache = {}

    def segment(off, n):
        key = (off, n)
        if key not in cache:
            seg = g.tcp_segment(client.ip, server.ip, client.port, server.port,
                                client.snd_nxt + off, server.snd_nxt,
                                g.TCP_PSH | g.TCP_ACK, stream[off:off + n])
            cache[key] = g.ipv4_packet(client.ip, server.ip, g.IPPROTO_TCP,
                                       seg, 0x4242, 128)
        return cache[key]

    head = pcap_header(linktype=g.LINKTYPE_RAW) + b"".join(
        pcap_record(r.ts_ns, r.data, orig_len=r.orig_len) for r in cap.records)
    path = w.path(f"million/{fname}")
    ts = cap.now
    frames_before = len(cap.records)
    with open(path, "wb") as f:
        f.write(head)
        chunk = []
        for k in range(MILLION):
            # Offsets step through the span in a scattered order, lengths
            # 1..8: segments overlap, repeat, arrive out of order and run
            # past the reassembly buffer.
            off = (k * 2749) % (MILLION_SPAN - 8)
            data = segment(off, 1 + k % 8)
            sec, frac = divmod(ts + k * 1000, 1_000_000_000)
            chunk.append(struct.pack("<IIII", sec, frac // 1000, len(data),
                                     len(data)))
            chunk.append(data)
            if len(chunk) >= 20000:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk))
        # The rest (server RST, closing canary) continues the same Capture:
        # its frame numbers are shifted by the segments written directly.
        tail = g.Capture(fname, "raw")
        tail.now = ts + MILLION * 1000
        tail._next_port, tail._next_isn = cap._next_port, cap._next_isn
        rst = g.tcp_segment(server.ip, client.ip, server.port, client.port,
                            server.snd_nxt, client.snd_nxt, g.TCP_RST | g.TCP_ACK)
        tail.add(g.ip_packet(server.ip, client.ip, g.IPPROTO_TCP, rst), False)
        c3 = canary_after(tail)
        f.write(b"".join(pcap_record(r.ts_ns, r.data, orig_len=r.orig_len)
                         for r in tail.records))
    w.add(name=fname, family="a million overlapping segments", paths=[str(path)],
          expect="clean",
          attempts=[expected(c1), expected(conv, marked=True, values=False),
                    expected(c3, shift=frames_before + MILLION)])


#: Cookies with control characters and bytes that are not UTF-8.
ODD_COOKIES = [
    b"Cookie: mstshash=nul\x00byte",
    b"Cookie: mstshash=\x01\x02\x03\x07\x08\x0b\x0c\x0e\x1f\x7f",
    b"Cookie: mstshash=esc\x1b[2J\x1b]0;title\x07\x9b1m",
    b"Cookie: mstshash=tab\there\rlone-cr",
    b"Cookie: mstshash=\xff\xfe\xfd",
    b"Cookie: mstshash=overlong\xc0\xaf\xe0\x80\xaf",
    b"Cookie: mstshash=surrogate\xed\xa0\x80",
    b"Cookie: mstshash=cut\xe2\x82 sequence",
    b"Cookie: mstshash=above\xf4\x90\x80\x80max",
    b"Cookie: mstshash=\x80\x80continuation",
    b"Cookie: mstshash=ends-cut\xe2",
    b"Cookie: mstshash=valid\xc3\xa9\xf0\x9f\x98\x80",
    b"Cookie: msts=\xff\x00\x1b",
]


def per_byte_replacement(data):
    """data decoded as rdpneg documents it: each ill-formed byte is U+FFFD.

    (Python's "replace" handler instead replaces a maximal ill-formed
    subpart, e.g. a cut 3-byte sequence, by one U+FFFD.)
    """
    out, i = [], 0
    while i < len(data):
        for n in (1, 2, 3, 4):
            try:
                out.append(data[i:i + n].decode("utf-8"))
            except UnicodeDecodeError:
                continue
            i += n
            break
        else:
            out.append("\ufffd")
            i += 1
    return "".join(out)


def gen_cookies(w):
    """One failure exchange per odd cookie."""
    fname = "odd-cookies.pcap"
    cap = g.Capture(fname)
    convs = []
    for i, token in enumerate(ODD_COOKIES):
        conv = cap.tcp(g.CLIENT, g.SERVER)
        g.failure_then_close(conv, g.connection_request(token, 0x3), 1 + i % 6)
        convs.append(conv)
    path = w.write(f"cookies/{fname}", cap.file_bytes())
    w.add(name=fname, family="cookies with control characters and invalid UTF-8",
          paths=[path], expect="clean", text_printable=True,
          attempts=[dict(expected(c), cookie=per_byte_replacement(token))
                    for c, token in zip(convs, ODD_COOKIES)])


# ---------------------------------------------------------------------------
# TLS after the negotiation
# ---------------------------------------------------------------------------
#
# Each hostile TLS session follows an intact RDP negotiation (CR requesting
# SSL and HYBRID, CC selecting one of them), between the two canary
# exchanges of with_canaries/canary_after.  The TLS bytes are built here:
# records, handshake messages, hellos, alerts, and certificates as real DER
# (a minimal hand-rolled ASN.1 encoder: only the standard library).

#: TLS content types, handshake types, versions (RFC 8446, RFC 5246).
TLS_CCS, TLS_ALERT, TLS_HANDSHAKE, TLS_APP = 20, 21, 22, 23
HS_CLIENT_HELLO, HS_SERVER_HELLO, HS_CERTIFICATE = 1, 2, 11
HS_SERVER_KEY_EXCHANGE, HS_SERVER_HELLO_DONE, HS_CLIENT_KEY_EXCHANGE = 12, 14, 16
TLS12, TLS13 = 0x0303, 0x0304
#: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 and TLS_AES_256_GCM_SHA384: the
#: suites of the real-peer captures (overhead 24 and 17 bytes).
SUITE_TLS12, SUITE_TLS13 = 0xC030, 0x1302
#: RFC 5246 6.2.1: the largest fragment a record may carry (2^14 + 2048).
TLS_RECORD_MAX = 16384 + 2048
#: rdpneg's budgets (analyzer/rdpneg/tls.h).
TLS_STREAM_BUDGET = 65536
TLS_HANDSHAKE_BUDGET = 32768
#: Bytes of application data after the handshake of the long session.
LONG_SESSION_BYTES = 100 * 1024 * 1024
#: Peak RSS allowed for it (normal build): the same as a small capture's,
#: give or take; the budget must keep its cost from growing with it.
LONG_SESSION_MAX_RSS = 32 * 1024 * 1024
#: The long session's record and segment sizes.
LONG_RECORD = 16384 + 24
LONG_SEGMENT = 1448

#: A server name of 255 bytes (its longest: RFC 6066 3 caps a HostName at
#: 2^16 - 1, DNS at 255) with control characters, quotes, markup, line
#: ends, terminal escape sequences and bytes that are not UTF-8, the
#: hostile bytes within the first 64 (what rdpneg keeps).
HOSTILE_SNI = (b'a\x00b\x07"q\'<script>alert(1)</script>\r\n\x1b[31m\x1b]0;t\x07'
               b'\xff\xfe\xc0\xaf\xed\xa0\x80\x9b1m|`*_\\' )
HOSTILE_SNI = (HOSTILE_SNI + b"x" * 255)[:255]

#: Text for a certificate's subject and SAN: the same kinds of bytes.
HOSTILE_TEXT = (b'evil"\'<script>alert(1)</script>\nline2\r\x1b[2J\x1b]0;t\x07'
                b'\x00nul\x7f\xc2\x9b1m|`*_\\')
HOSTILE_TEXT_BAD_UTF8 = b"bad\xff\xfe\xc0\xaf\xed\xa0\x80\xe2\x82cut"


def tls_record(ctype, frag, version=TLS12, length=None):
    """A record; length overrides the header's length field only."""
    n = len(frag) if length is None else length
    return struct.pack("!BHH", ctype, version, n) + frag


def tls_records(ctype, data, size=TLS_RECORD_MAX - 2048):
    """data cut into records of at most size bytes (at least one record)."""
    return b"".join(tls_record(ctype, data[i:i + size])
                    for i in range(0, max(len(data), 1), size))


def tls_message(mtype, body, length=None):
    """A handshake message; length overrides its 24-bit length only."""
    n = len(body) if length is None else length
    return bytes([mtype]) + struct.pack("!I", n)[1:] + body


def tls_vec(width, body, length=None):
    """A vector with a width-byte length prefix (which may lie)."""
    n = len(body) if length is None else length
    return struct.pack("!I", n)[4 - width:] + body


def tls_ext(etype, body):
    return struct.pack("!H", etype) + tls_vec(2, body)


def sni_ext(name, list_len=None, name_len=None):
    """server_name (RFC 6066 3) with one host_name; lengths may lie."""
    entry = b"\x00" + tls_vec(2, name, name_len)
    return tls_ext(0, tls_vec(2, entry, list_len))


def client_hello_body(versions=None, sni=b"rdp.example.org", suites=None,
                      suites_len=None, exts_len=None, sid_len=None,
                      extra_exts=b""):
    """A ClientHello's body; the *_len arguments make its lengths lie."""
    suites = suites or (0x1302, 0x1301, 0xC030, 0xC02F, 0x009F, 0x00FF)
    exts = b""
    if sni is not None:
        exts += sni_ext(sni)
    if versions:
        exts += tls_ext(43, tls_vec(1, b"".join(struct.pack("!H", v)
                                                for v in versions)))
    exts += tls_ext(13, tls_vec(2, bytes.fromhex("0804040108050501")))
    exts += extra_exts
    sid = bytes(range(32))
    return (struct.pack("!H", TLS12) + bytes(range(32))
            + tls_vec(1, sid, sid_len)
            + tls_vec(2, b"".join(struct.pack("!H", s) for s in suites),
                      suites_len)
            + b"\x01\x00" + tls_vec(2, exts, exts_len))


def client_hello(**kw):
    """A ClientHello message (not yet in a record)."""
    return tls_message(HS_CLIENT_HELLO, client_hello_body(**kw))


def server_hello(suite=SUITE_TLS12, version=None):
    """A ServerHello; version: the supported_versions selection (1.3)."""
    exts = tls_ext(43, struct.pack("!H", version)) if version else b""
    body = (struct.pack("!H", TLS12) + bytes(range(100, 132))
            + tls_vec(1, bytes(32)) + struct.pack("!HB", suite, 0)
            + tls_vec(2, exts))
    return tls_message(HS_SERVER_HELLO, body)


def certificate_msg(certs, list_len=None):
    """A TLS 1.2 Certificate message of DER certificates."""
    chain = b"".join(tls_vec(3, c) for c in certs)
    return tls_message(HS_CERTIFICATE, tls_vec(3, chain, list_len))


def alert(level, description):
    return tls_record(TLS_ALERT, bytes([level, description]))


def ccs():
    return tls_record(TLS_CCS, b"\x01")


def app(n, fill=0x5A):
    """An encrypted record of n bytes (application data, or 1.3 handshake)."""
    return tls_record(TLS_APP, bytes([fill]) * n)


# -- DER (X.690), just what a certificate needs ------------------------------


def der(tag, body):
    """One DER TLV: short or long form length."""
    n = len(body)
    if n < 0x80:
        head = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        head = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + head + body


def der_seq(*parts):
    return der(0x30, b"".join(parts))


def der_set(*parts):
    return der(0x31, b"".join(parts))


def der_int(value):
    raw = value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big")
    return der(0x02, raw)


def der_oid(dotted):
    nums = [int(x) for x in dotted.split(".")]
    out = bytes([40 * nums[0] + nums[1]])
    for n in nums[2:]:
        chunk = [n & 0x7F]
        n >>= 7
        while n:
            chunk.append(0x80 | (n & 0x7F))
            n >>= 7
        out += bytes(reversed(chunk))
    return der(0x06, out)


OID_CN, OID_O = "2.5.4.3", "2.5.4.10"
OID_RSA, OID_SHA256_RSA = "1.2.840.113549.1.1.1", "1.2.840.113549.1.1.11"
OID_SAN = "2.5.29.17"
#: A private-use extension OID (an unknown, non-critical extension).
OID_BULK = "1.3.6.1.4.1.55555.1"


def der_name(*rdns):
    """A Name: each rdn (oid, string tag, value bytes), one RDN each."""
    return der_seq(*(der_set(der_seq(der_oid(oid), der(tag, value)))
                     for oid, tag, value in rdns))


def rsa_spki(bits=2048):
    """An RSA SubjectPublicKeyInfo: an odd modulus of the size (no key
    pair behind it; nothing verifies signatures here)."""
    n = (1 << (bits - 1)) | 0xC0FFEE | 1
    key = der_seq(der_int(n), der_int(65537))
    return der_seq(der_seq(der_oid(OID_RSA), der(0x05, b"")),
                   der(0x03, b"\x00" + key))


def certificate(subject, issuer=None, san=(), extensions=(), serial=0x1234,
                bits=2048):
    """A DER X.509 v3 certificate (signature bytes arbitrary).

    subject/issuer: a Name (der_name); san: dNSName values (IA5String,
    bytes as given); extensions: (oid, value) pairs, non-critical.
    """
    alg = der_seq(der_oid(OID_SHA256_RSA), der(0x05, b""))
    validity = der_seq(der(0x17, b"240101000000Z"), der(0x17, b"341231000000Z"))
    exts = list(extensions)
    if san:
        exts.append((OID_SAN, der_seq(*(der(0x82, d) for d in san))))
    ext_der = b""
    if exts:
        ext_der = der(0xA3, der_seq(*(der_seq(der_oid(oid), der(0x04, value))
                                      for oid, value in exts)))
    tbs = der_seq(der(0xA0, der_int(2)), der_int(serial), alg,
                  issuer or subject, validity, subject, rsa_spki(bits),
                  ext_der)
    return der_seq(tbs, alg, der(0x03, b"\x00" + bytes(range(256))))


def nested_der(depth):
    """depth SEQUENCEs, each holding the next (long-form lengths)."""
    out = der(0x05, b"")
    for _ in range(depth):
        out = der(0x30, out)
    return out


#: The certificates the hostile sessions carry.
def hostile_certificates():
    plain = der_name((OID_CN, 0x0C, b"rdp.example.org"))
    return {
        # A well-formed certificate for comparison (and the SNI case).
        "plain": certificate(plain, san=[b"rdp.example.org"]),
        # Subject CN and O, and SAN dNSNames, with control characters,
        # quotes, <script>, line ends, escape sequences: valid UTF-8.
        "hostile-names": certificate(
            der_name((OID_CN, 0x0C, HOSTILE_TEXT), (OID_O, 0x0C, HOSTILE_TEXT)),
            issuer=der_name((OID_CN, 0x0C, b"issuer" + HOSTILE_TEXT)),
            san=[HOSTILE_TEXT, b"ok.example.org", b"\x1b[31m.example.org"]),
        # The same fields holding bytes that are not UTF-8 (a UTF8String
        # that lies, and an IA5String with bytes above 0x7f).
        "bad-utf8-names": certificate(
            der_name((OID_CN, 0x0C, HOSTILE_TEXT_BAD_UTF8),
                     (OID_O, 0x13, HOSTILE_TEXT_BAD_UTF8)),
            san=[HOSTILE_TEXT_BAD_UTF8]),
        # 40 RDNs of 2-byte UTF-8 characters: the subject is cut (256
        # bytes kept) in the middle of a character or an escape.
        "long-subject": certificate(
            der_name(*[(OID_CN, 0x0C, "é\x01\"".encode() * 7)] * 40),
            san=[b"\xc3\xa9" * 100]),
        # 60 KB: an unknown extension of 60,000 bytes (past the 32 KiB
        # handshake budget).
        "huge": certificate(plain, san=[b"rdp.example.org"],
                            extensions=[(OID_BULK, bytes(60000))]),
    }


# -- Sessions -----------------------------------------------------------------


def tls_negotiation(cap, protocol=1, server=None):
    """A connection whose negotiation selects protocol (1 SSL, 2 HYBRID)."""
    conv = cap.tcp(g.CLIENT, server or g.SERVER2)
    conv.exchange(g.connection_request(g.cookie("tls"), 0x3),
                  g.cc_selected(protocol))
    return conv


def send_segments(conv, side, data, size=1448):
    """data from side in segments of at most size bytes."""
    n = max(1, (len(data) + size - 1) // size)
    conv.send(side, data, [(i * size, min(len(data), (i + 1) * size))
                           for i in range(n)])


def tls12_server_flight(cert_msg):
    """ServerHello, Certificate, ServerKeyExchange, ServerHelloDone."""
    return (server_hello() + cert_msg
            + tls_message(HS_SERVER_KEY_EXCHANGE, bytes(300))
            + tls_message(HS_SERVER_HELLO_DONE, b""))


def tls_case(w, fname, build, diagnosis=None, protocol=1, expect="clean",
             printable=False, max_rss=None, cut=None):
    """One file: canary, a hostile TLS session built by build(conv), canary.

    diagnosis: the id the hostile attempt must get (None: not asserted);
    cut: write the file cut this many bytes before the end of the hostile
    session's last packet (a damaged file).
    """
    cap, c1 = with_canaries(fname)
    conv = tls_negotiation(cap, protocol)
    build(conv)
    hostile = expected(conv)
    if diagnosis is not None:
        hostile["diagnosis"] = diagnosis
    attempts = [expected(c1), hostile]
    if cut is None:
        attempts.append(expected(canary_after(cap)))
        data = cap.file_bytes()
    else:
        # The hostile session's last packet is the file's last record, cut.
        data = cap.file_bytes()[:-cut]
        hostile["required"] = "if_read"
        attempts = [expected(c1), hostile]
    path = w.write(f"tls/{fname}", data)
    w.add(name=fname, family="TLS after the negotiation", paths=[path],
          expect=expect, attempts=attempts, printable=printable,
          jsonl_ascii=True, max_rss=max_rss)


def hello_then_alert(desc, version=None):
    """A ClientHello, the server's fatal alert, the server closes."""
    def build(conv):
        conv.send("client", tls_record(TLS_HANDSHAKE, client_hello(
            versions=version), version=0x0301))
        conv.send("server", alert(2, desc))
        conv.close("server")
    return build


def gen_tls_records(w):
    """Records whose length fields lie."""
    def over_max(conv):
        # length 0x4801 > 2^14 + 2048, and the fragment is that long.
        body = client_hello()
        frag = body + bytes(TLS_RECORD_MAX + 1 - len(body))
        send_segments(conv, "client", tls_record(TLS_HANDSHAKE, frag))
        conv.send("server", alert(2, 50))
        conv.close("server")

    def over_max_ffff(conv):
        # length 0xffff with 200 bytes behind it, then the client waits.
        conv.send("client", tls_record(TLS_HANDSHAKE, client_hello(),
                                       length=0xFFFF))
        conv.ack("server")
        conv.rst("server")

    def zero_length(conv):
        # 5,000 handshake records of length 0 (RFC 8446 5.1 forbids them),
        # then the real ClientHello; the server refuses TLS 1.2.
        zeros = tls_record(TLS_HANDSHAKE, b"") * 5000
        send_segments(conv, "client", zeros + tls_record(
            TLS_HANDSHAKE, client_hello()))
        conv.send("server", alert(2, 70))
        conv.close("server")

    def past_segment(conv):
        # A record of 16,000 bytes of which one 200-byte segment arrives;
        # the client closes.
        rec = tls_record(TLS_HANDSHAKE, client_hello(), length=16000)
        conv.send("client", rec)
        conv.close("client")

    def message_length_lies(conv):
        # A ClientHello whose 24-bit length says 16 MiB, in 40 records of
        # 1,000 bytes: gathering it would pass the 32 KiB handshake budget.
        msg = tls_message(HS_CLIENT_HELLO, client_hello_body(),
                          length=0xFFFFFF)
        data = msg + bytes(40_000 - len(msg))
        send_segments(conv, "client", tls_records(TLS_HANDSHAKE, data, 1000))
        conv.send("server", alert(2, 50))
        conv.close("server")

    def message_length_short(conv):
        # The 24-bit length says 10 bytes: the rest of the record is read
        # as further messages of random types and lengths.
        msg = tls_message(HS_CLIENT_HELLO, client_hello_body(), length=10)
        conv.send("client", tls_record(TLS_HANDSHAKE, msg))
        conv.send("server", alert(2, 50))
        conv.close("server")

    cases = [
        ("record-length-over-max.pcap", over_max, None),
        ("record-length-ffff.pcap", over_max_ffff, None),
        ("record-length-zero.pcap", zero_length, "tls-version-mismatch"),
        ("record-past-segment.pcap", past_segment, None),
        ("handshake-length-16m.pcap", message_length_lies, None),
        ("handshake-length-short.pcap", message_length_short, None),
    ]
    for fname, build, diag in cases:
        tls_case(w, fname, build, diag)


def gen_tls_hellos(w):
    """ClientHellos whose inner lengths lie, and a hostile server name."""
    lies = {
        "client-hello-suites-length-ffff.pcap": dict(suites_len=0xFFFF),
        "client-hello-suites-length-odd.pcap": dict(suites_len=7),
        "client-hello-extensions-length-ffff.pcap": dict(exts_len=0xFFFF),
        "client-hello-extensions-length-short.pcap": dict(exts_len=3),
        "client-hello-session-id-255.pcap": dict(sid_len=255),
        "client-hello-sni-lengths-lie.pcap": dict(
            sni=None, extra_exts=sni_ext(b"rdp.example.org", list_len=0xFFF0,
                                         name_len=0xFFF0)),
    }
    for fname, kw in lies.items():
        def build(conv, kw=kw):
            conv.send("client", tls_record(TLS_HANDSHAKE, client_hello(**kw)))
            conv.send("server", alert(2, 50))
            conv.close("server")
        tls_case(w, fname, build)

    certs = hostile_certificates()

    def sni(conv):
        # TLS 1.2 to the certificate, which the client rejects with a
        # bad_certificate alert in clear, then closes.
        conv.send("client", tls_record(TLS_HANDSHAKE, client_hello(
            sni=HOSTILE_SNI), version=0x0301))
        send_segments(conv, "server", tls_records(
            TLS_HANDSHAKE, tls12_server_flight(certificate_msg(
                [certs["plain"]]))))
        conv.send("client", alert(2, 42))
        conv.close("client")
    tls_case(w, "sni-255-hostile-bytes.pcap", sni, "tls-certificate-rejected",
             printable=True)

    def tiny(conv):
        # The ClientHello (padded to 6,000 bytes) in 1-byte handshake
        # records, 6,000 records of 6 bytes, a segment each 10; then the
        # server's flight in 1-byte records too; the server refuses the
        # suites (handshake_failure).
        pad = tls_ext(21, bytes(6000 - 200))
        hello = client_hello(extra_exts=pad)
        recs = b"".join(tls_record(TLS_HANDSHAKE, hello[i:i + 1])
                        for i in range(len(hello)))
        send_segments(conv, "client", recs, 60)
        conv.send("server", alert(2, 40))
        conv.close("server")
    tls_case(w, "tiny-records-6000.pcap", tiny, "tls-no-common-cipher")


def tls12_with_cert(cert_msg, client_alert=42, segment=1448, per_record=None):
    """A TLS 1.2 session: ClientHello, the server's flight with cert_msg,
    then the client's certificate alert (None: it closes at once)."""
    def build(conv):
        conv.send("client", tls_record(TLS_HANDSHAKE, client_hello(),
                                       version=0x0301))
        flight = tls12_server_flight(cert_msg)
        send_segments(conv, "server", tls_records(
            TLS_HANDSHAKE, flight, per_record or 16384), segment)
        if client_alert is not None:
            conv.send("client", alert(2, client_alert))
        conv.close("client")
    return build


def gen_tls_certificates(w):
    """Certificate messages and certificates built to hurt a reader."""
    certs = hostile_certificates()
    empty = tls_message(HS_CERTIFICATE, tls_vec(3, b"\x00\x00\x00" * 10000))
    cases = [
        # 10,000 zero-length entries (30,000 bytes, within the budget).
        ("certificate-10000-empty-entries.pcap", empty,
         "tls-certificate-rejected"),
        # The list length says more than the message holds.
        ("certificate-list-length-lies.pcap",
         certificate_msg([certs["plain"]], list_len=0xFFFFF0), None),
        # The server's certificate cut to half of its bytes (its DER
        # lengths then run past its end; the TLS lengths agree).
        ("certificate-truncated-der.pcap",
         certificate_msg([certs["plain"][:len(certs["plain"]) // 2]]),
         "tls-certificate-rejected"),
        # 60 KB: the handshake message passes the 32 KiB budget.
        ("certificate-60kb.pcap", certificate_msg([certs["huge"]]), None),
        # 5,000 nested SEQUENCEs (about 15 KB) where a certificate goes.
        ("certificate-nested-5000.pcap",
         certificate_msg([nested_der(5000)]), "tls-certificate-rejected"),
        # Subject, issuer and SAN with control characters, quotes,
        # <script>, line ends and escape sequences; then not UTF-8; then a
        # subject longer than rdpneg keeps.
        ("certificate-hostile-names.pcap",
         certificate_msg([certs["hostile-names"], certs["plain"]]),
         "tls-certificate-rejected"),
        ("certificate-bad-utf8-names.pcap",
         certificate_msg([certs["bad-utf8-names"]]),
         "tls-certificate-rejected"),
        ("certificate-long-subject.pcap",
         certificate_msg([certs["long-subject"]]), "tls-certificate-rejected"),
    ]
    for fname, msg, diag in cases:
        tls_case(w, fname, tls12_with_cert(msg), diag, printable=True)
    # The hostile-names session with its last packet cut: a damaged file,
    # whose message must name it.
    tls_case(w, "certificate-hostile-names-cut.pcap",
             tls12_with_cert(certificate_msg([certs["hostile-names"]]),
                             client_alert=None, segment=60000), expect="damaged",
             cut=700)


def gen_tls_flows(w):
    """Floods of records and alerts, directions out of order."""
    def tls13_10000(conv):
        # TLS 1.3: hello, the server's encrypted flight, the client's
        # Finished, then 10,000 encrypted records each way in turn (more
        # than the 24 kept, 270 KB past the 64 KiB budget).
        conv.send("client", tls_record(TLS_HANDSHAKE, client_hello(
            versions=[TLS13, TLS12]), version=0x0301))
        conv.send("server", tls_record(TLS_HANDSHAKE, server_hello(
            SUITE_TLS13, TLS13)) + ccs() + app(1200) + app(300))
        conv.send("client", ccs() + app(69))
        recs = [app(17 + 1 + k % 40, k & 0xFF) for k in range(10000)]
        for side in ("client", "server"):
            send_segments(conv, side, b"".join(recs[0::2] if side == "client"
                                               else recs[1::2]))
        conv.close("client")

    def alert_sizes(conv):
        # Alerts of 0, 1, 3 and 300 bytes from the server after the hello.
        conv.send("client", tls_record(TLS_HANDSHAKE, client_hello()))
        conv.send("server", tls_record(TLS_ALERT, b"")
                  + tls_record(TLS_ALERT, b"\x02")
                  + tls_record(TLS_ALERT, b"\x02\x28\x00")
                  + tls_record(TLS_ALERT, bytes(300)))
        conv.close("server")

    def alert_storm(conv):
        # 10,000 alerts from each side (warnings of every description,
        # then fatal ones), in clear, before anything else.
        conv.send("client", tls_record(TLS_HANDSHAKE, client_hello()))
        storm = b"".join(alert(1 + (k & 1), k & 0xFF) for k in range(10000))
        send_segments(conv, "server", storm)
        send_segments(conv, "client", storm)
        conv.close("server")

    def out_of_order(conv):
        # The client's hello in 5 segments sent last first, one of them
        # again (a retransmission); the server's protocol_version alert in
        # 3 segments, its first bytes second.
        hello = tls_record(TLS_HANDSHAKE, client_hello(), version=0x0301)
        cuts = g.split_even(len(hello), 5)
        conv.send("client", hello, list(reversed(cuts)) + [cuts[2]])
        conv.send("server", alert(2, 70), [(5, 7), (0, 3), (3, 5)])
        conv.close("server")

    def flight_swapped(conv):
        # TLS 1.2 to the certificate, the server's flight in two segments
        # that arrive swapped; the client refuses the certificate.
        conv.send("client", tls_record(TLS_HANDSHAKE, client_hello(),
                                       version=0x0301))
        flight = tls_records(TLS_HANDSHAKE, tls12_server_flight(
            certificate_msg([hostile_certificates()["plain"]])))
        first, second = g.split_even(len(flight), 2)
        conv.send("server", flight, [second, first])
        conv.send("client", alert(2, 42))
        conv.close("client")

    def server_first(conv):
        # The server's alert is captured before the client's hello (a
        # capture point nearer the server, or clocks of two taps).
        conv.send("server", alert(2, 70))
        conv.send("client", tls_record(TLS_HANDSHAKE, client_hello(),
                                       version=0x0301))
        conv.close("server")

    cases = [
        ("tls13-10000-records.pcap", tls13_10000, "negotiated"),
        ("alerts-wrong-size.pcap", alert_sizes, None),
        ("alert-storm.pcap", alert_storm, None),
        ("out-of-order-both-directions.pcap", out_of_order,
         "tls-version-mismatch"),
        ("server-flight-swapped.pcap", flight_swapped,
         "tls-certificate-rejected"),
        ("server-alert-before-client-hello.pcap", server_first,
         "tls-version-mismatch"),
    ]
    for fname, build, diag in cases:
        tls_case(w, fname, build, diag)


def gen_tls_long_session(w):
    """A TLS 1.2 NLA session that goes on for 100 MB after its handshake."""
    fname = "long-session-100mb.pcap"
    cap, c1 = with_canaries(fname, link="raw")
    conv = tls_negotiation(cap, protocol=2)
    certs = hostile_certificates()
    conv.send("client", tls_record(TLS_HANDSHAKE, client_hello(),
                                   version=0x0301))
    send_segments(conv, "server", tls_records(TLS_HANDSHAKE, tls12_server_flight(
        certificate_msg([certs["plain"]]))))
    conv.send("client", tls_record(TLS_HANDSHAKE, tls_message(
        HS_CLIENT_KEY_EXCHANGE, bytes(66))) + ccs() + tls_record(
        TLS_HANDSHAKE, bytes(40)))
    conv.send("server", ccs() + tls_record(TLS_HANDSHAKE, bytes(40)))
    # CredSSP as the real peers show it under TLS 1.2 (plaintext + 24):
    # negotiate, challenge, authenticate, pubKeyAuth, authInfo, then MCS.
    for side, n in (("client", 117), ("server", 186), ("client", 453),
                    ("server", 119), ("client", 144), ("client", 491)):
        conv.send(side, app(n))
    hostile = expected(conv, marked=False)
    hostile["diagnosis"] = "negotiated"
    frames_before = len(cap.records)
    client, server = conv.sides["client"], conv.sides["server"]
    # The rest: server records of 16 KiB in 1448-byte segments, streamed to
    # the file; checksums from a precomputed payload sum.
    record = app(LONG_RECORD - 5)
    stream = record * (LONG_SEGMENT * 4 // len(record) + 2)
    src, dst = server.ip, client.ip
    path = w.path(f"tls/{fname}")
    head = pcap_header(linktype=g.LINKTYPE_RAW) + b"".join(
        pcap_record(r.ts_ns, r.data, orig_len=r.orig_len) for r in cap.records)
    ts = cap.now
    nseg = LONG_SESSION_BYTES // LONG_SEGMENT
    period = len(record)            # the stream repeats with the record
    cache = {}
    with open(path, "wb") as f:
        f.write(head)
        chunk = []
        for k in range(nseg):
            off = (k * LONG_SEGMENT) % period
            key = off
            if key not in cache:
                cache[key] = stream[off:off + LONG_SEGMENT]
            seq = server.snd_nxt + k * LONG_SEGMENT
            seg = g.tcp_segment(src, dst, server.port, client.port, seq,
                                client.snd_nxt, g.TCP_PSH | g.TCP_ACK,
                                cache[key])
            pkt = g.ipv4_packet(src, dst, g.IPPROTO_TCP, seg, k, 64)
            sec, frac = divmod(ts + k * 10_000, 1_000_000_000)
            chunk.append(struct.pack("<IIII", sec, frac // 1000, len(pkt),
                                     len(pkt)))
            chunk.append(pkt)
            if len(chunk) >= 20000:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk))
        server.snd_nxt = (server.snd_nxt + nseg * LONG_SEGMENT) & 0xFFFFFFFF
        tail = g.Capture(fname, "raw")
        tail.now = ts + nseg * 10_000
        tail._next_port, tail._next_isn = cap._next_port, cap._next_isn
        fin = g.tcp_segment(src, dst, server.port, client.port,
                            server.snd_nxt, client.snd_nxt,
                            g.TCP_RST | g.TCP_ACK)
        tail.add(g.ip_packet(src, dst, g.IPPROTO_TCP, fin), False)
        c3 = canary_after(tail)
        f.write(b"".join(pcap_record(r.ts_ns, r.data, orig_len=r.orig_len)
                         for r in tail.records))
    w.add(name=fname, family="TLS after the negotiation", paths=[str(path)],
          expect="clean", jsonl_ascii=True, max_rss=LONG_SESSION_MAX_RSS,
          attempts=[expected(c1), hostile,
                    expected(c3, shift=frames_before + nseg)])


# -- Standard RDP Security: the MCS connect exchange --------------------------

#: A client name with escape sequences, controls and invalid UTF-16 (lone
#: surrogates, no NUL): 16 UTF-16 units, the 32 bytes of clientName.
HOSTILE_CLIENT_NAME = ("\x1b[31m\"q\\\n\r\x07".encode("utf-16-le")
                       + b"\x00\xd8" + b"x\x00" + b"\x00\xdc"
                       + "\x1b]0;t".encode("utf-16-le") + b"\x9b\x00")[:32]
#: Channel names (8 bytes each, no NUL when full) with quotes, backslashes,
#: line ends, ESC and non-ASCII.
HOSTILE_CHANNELS = [b'a"b\\c\n\rd', b"\x1b[2J\x07\x00", b"'q'\t\xff\x80",
                    b"rdpdr"]


def ber_len(n, form=None):
    """A BER length: short or 0x81/0x82; form 4 writes 0x84 (not allowed
    in T.125's BER as RDP uses it)."""
    if form == 4:
        return b"\x84" + struct.pack("!I", n)
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return bytes([0x81, n])
    return b"\x82" + struct.pack("!H", n)


def ber(tag, body, length=None, form=None):
    return bytes(tag) + ber_len(len(body) if length is None else length,
                                form) + body


def per_len(n):
    return bytes([n]) if n < 0x80 else struct.pack("!H", 0x8000 | n)


def user_block(btype, body, length=None):
    return struct.pack("<HH", btype, 4 + len(body) if length is None
                       else length) + body


def cs_core(name=b"h\x00o\x00s\x00t\x00"):
    name = (name + bytes(32))[:32]
    return user_block(0xC001, struct.pack(
        "<IHHHHII", 0x00080004, 1024, 768, 0xCA01, 0xAA03, 1033, 2600)
        + name + struct.pack("<III", 4, 0, 12) + bytes(64)
        + struct.pack("<HHIHHH", 0xCA01, 1, 0, 24, 0x0F, 0x0001))


def cs_net(names):
    defs = b"".join((n + bytes(8))[:8] + struct.pack("<I", 0x80000000)
                    for n in names)
    return user_block(0xC003, struct.pack("<I", len(names)) + defs)


def client_blocks(name=None, channels=(b"rdpdr", b"cliprdr")):
    return (cs_core(*([name] if name is not None else []))
            + user_block(0xC002, struct.pack("<II", 0x1B, 0))
            + cs_net(list(channels)))


T124_KEY = b"\x00\x05\x00\x14\x7c\x00\x01"


def gcc_request(blocks, per=None):
    """ConferenceCreateRequest carrying the client's blocks ("Duca")."""
    ccr = (b"\x00\x08\x00\x10\x00\x01\xc0\x00" + b"Duca"
           + (per if per is not None else per_len(len(blocks))) + blocks)
    return T124_KEY + per_len(len(ccr)) + ccr


def domain_params(a, b, c):
    return ber(b"\x30", b"".join(ber(b"\x02", bytes([v])) for v in
                                 (a, b, c, 1, 0, 1)) + ber(b"\x02", b"\xff\xff")
               + ber(b"\x02", b"\x02"))


def connect_initial(blocks=None, gcc=None, length=None, form=None,
                    selector=b"\x01"):
    """The MCS Connect-Initial PDU (TPKT, X.224 Data) with these blocks."""
    gcc = gcc if gcc is not None else gcc_request(
        blocks if blocks is not None else client_blocks())
    body = (ber(b"\x04", b"\x01") + ber(b"\x04", selector)
            + ber(b"\x01", b"\xff") + domain_params(34, 2, 0)
            + domain_params(1, 1, 1) + domain_params(0xff, 0xfc, 0xff)
            + ber(b"\x04", gcc))
    return x224_data(ber(b"\x7f\x65", body, length, form))


def x224_data(mcs):
    return g.tpkt(b"\x02\xf0\x80" + mcs)


def server_security(cert):
    """SC_SECURITY: 128-bit at level Client compatible, this certificate."""
    rnd = bytes(range(32))
    return user_block(0x0C02, struct.pack("<IIII", 2, 2, 32, len(cert))
                      + rnd + cert)


def connect_response(cert=b"", method_level=None):
    sec = (server_security(cert) if method_level is None else user_block(
        0x0C02, struct.pack("<II", *method_level)))
    blocks = (user_block(0x0C01, struct.pack("<II", 0x00080004, 0))
              + user_block(0x0C03, struct.pack("<HH", 1003, 0)) + sec)
    ccr = b"\x14\x76\x0a\x01\x01\x00\x01\xc0\x00McDn" + per_len(
        len(blocks)) + blocks
    gcc = T124_KEY + b"\x2a" + ccr
    body = (ber(b"\x0a", b"\x00") + ber(b"\x02", b"\x00")
            + domain_params(34, 3, 0) + ber(b"\x04", gcc))
    return x224_data(ber(b"\x7f\x66", body))


def dpum(reason):
    return x224_data(bytes([0x20 | reason >> 1, (reason & 1) << 7]))


def send_data(user_data, per=None, indication=True):
    head = b"\x68\x00\x01\x03\xeb\x70" if indication else \
        b"\x64\x00\x07\x03\xeb\x70"
    return x224_data(head + (per if per is not None else
                             per_len(len(user_data))) + user_data)


def license_error(code, transition=1):
    return (struct.pack("<HH", 0x0080, 0) + b"\xff\x03"
            + struct.pack("<HII", 16, code, transition) + struct.pack("<HH", 4, 0))


def set_error_info(code):
    return (struct.pack("<HHH", 22, 0x17, 1002) + struct.pack("<I", 0x103ea)
            + b"\x00\x01" + struct.pack("<H", 4) + b"\x2f\x00"
            + struct.pack("<H", 0) + struct.pack("<I", code))


def standard_negotiation(cap):
    """A legacy request (no RDP_NEG_REQ) and a bare Confirm: Standard RDP
    Security follows."""
    conv = cap.tcp(g.CLIENT, g.SERVER2)
    conv.exchange(g.connection_request(g.cookie("std")),
                  g.connection_confirm())
    return conv


def gen_mcs_connect(w):
    """Standard RDP Security after a legacy request: hostile MCS connect
    PDUs, GCC user data, domain PDUs, licensing and Set Error Info."""
    x509 = struct.pack("<II", 0x80000002, 0xFFFFFFFF) + struct.pack(
        "<I", 4) + b"\x30\x02\x05\x00" + bytes(16)
    ci = connect_initial()
    # 64 KiB: a calledDomainSelector that fills the TPKT to 65535 bytes
    # (the GCC's PER lengths cannot grow past 16383).
    big_ci = connect_initial(selector=bytes(65534 - len(ci)))
    assert len(big_ci) == 65535
    none_cr = connect_response(method_level=(0, 0))

    def pdus(*steps):
        def build(conv):
            for side, data in steps:
                send_segments(conv, side, data)
            conv.close("server")
        return build

    cases = [
        # The bare exchange: nothing follows but the close.
        ("legacy-then-bare-confirm.pcap", pdus(), False),
        ("ci-ber-length-lies.pcap", pdus(
            ("client", connect_initial(length=0x7FF0)),
            ("server", dpum(3))), False),
        ("ci-ber-length-0x84.pcap", pdus(
            ("client", connect_initial(form=4)), ("server", dpum(1))), False),
        ("ci-64kib.pcap", pdus(("client", big_ci),
                               ("server", connect_response(x509[:8]))), False),
        ("cr-numcertblobs-ffffffff.pcap", pdus(
            ("client", ci), ("server", connect_response(x509))), False),
        ("ci-block-length-0.pcap", pdus(("client", connect_initial(
            blocks=cs_core() + user_block(0xC002, b"", 0)))), False),
        ("ci-block-length-ffff.pcap", pdus(("client", connect_initial(
            blocks=cs_core() + user_block(0xC003, bytes(8), 0xFFFF)))),
         False),
        ("ci-hostile-names.pcap", pdus(
            ("client", connect_initial(blocks=client_blocks(
                HOSTILE_CLIENT_NAME, HOSTILE_CHANNELS))),
            ("server", none_cr), ("server", dpum(3))), True),
        ("license-error-unknown-code.pcap", pdus(
            ("client", ci), ("server", none_cr),
            ("server", send_data(license_error(0x99, 0x77)))), False),
        ("set-error-info-unknown-code.pcap", pdus(
            ("client", ci), ("server", none_cr),
            ("server", send_data(set_error_info(0xDEADBEEF)))), False),
        ("per-length-past-tpdu.pcap", pdus(
            ("client", ci), ("server", none_cr),
            ("client", send_data(b"\x40\x00\x00\x00", per=b"\x83\x00",
                                 indication=False))), False),
    ]
    for fname, build, hostile_names in cases:
        cap, c1 = with_canaries(fname)
        conv = standard_negotiation(cap)
        build(conv)
        c3 = canary_after(cap)
        path = w.write(f"mcs/{fname}", cap.file_bytes())
        w.add(name=fname, family="Standard RDP Security connect PDUs",
              paths=[path], expect="clean", printable=True, jsonl_ascii=True,
              escaped=hostile_names,
              attempts=[expected(c1), expected(conv, values=False),
                        expected(c3)])

    # A Disconnect Provider Ultimatum of each reason 0..7 (5 to 7 are not
    # T.125's), one connection each.
    fname = "dpum-every-reason.pcap"
    cap, c1 = with_canaries(fname)
    convs = []
    for reason in range(8):
        conv = standard_negotiation(cap)
        pdus(("client", ci), ("server", dpum(reason)))(conv)
        convs.append(conv)
    c3 = canary_after(cap)
    path = w.write(f"mcs/{fname}", cap.file_bytes())
    w.add(name=fname, family="Standard RDP Security connect PDUs",
          paths=[path], expect="clean", printable=True, jsonl_ascii=True,
          attempts=[expected(c1), *[expected(c, values=False)
                                    for c in convs], expected(c3)])


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def generate(outdir, seed=DEFAULT_SEED):
    """Write the whole set under outdir; return the list of Case."""
    rng = random.Random(seed)
    w = Writer(outdir)
    refs = {}
    base = g.build_failure_codes()
    for name, cap in [*samples().items(), ("failure-codes.pcap", base)]:
        # The references' own reports are checked against the truth, so
        # that an attempt missing from them cannot go unnoticed.
        refs[name] = w.write(f"ref/{name}", cap.file_bytes())
        w.add(name=name, family="intact references", paths=[refs[name]],
              expect="clean", attempts=[expected(c) for c in cap.conversations
                                        if c.attempt() is not None])
    for name, cap in samples().items():
        gen_truncations(w, name, cap, refs[name])
    for name, cap in samples().items():
        gen_bitflips(w, name, cap, refs[name], rng, MUTANTS[name])
    gen_pcap_records(w, base, refs["failure-codes.pcap"])
    gen_pcapng_records(w, base, refs["failure-codes.pcap"])
    gen_mixed_links(w)
    gen_not_captures(w, rng)
    gen_unreadable_dir(w, base)
    gen_tpkt_lengths(w)
    gen_endless_request(w)
    gen_million_segments(w)
    gen_cookies(w)
    gen_tls_records(w)
    gen_tls_hellos(w)
    gen_tls_certificates(w)
    gen_tls_flows(w)
    gen_tls_long_session(w)
    gen_mcs_connect(w)
    return w.cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("outdir", type=Path)
    args = parser.parse_args()
    cases = generate(args.outdir, args.seed)
    with open(args.outdir / "manifest.json", "w") as f:
        json.dump([asdict(c) for c in cases], f, indent=1)
        f.write("\n")
    print(f"{len(cases)} cases in {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
