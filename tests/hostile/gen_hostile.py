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
