#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build the seed corpora of the fuzz targets from the sample captures.

    tests/fuzz/seed.py [--rdpneg BINARY] OUTDIR [CAPTURE_DIR...]

Writes OUTDIR/<target>/ for decode, tracker, pipeline, report, tls, mcs and
merge (the directories are created; files already there are kept).  Capture
directories default to captures/ and ../shared/captures-public/ next to
the repository.  Standard library only.

  pipeline  every capture under 256 KB (flag byte 0x80: the whole file,
            every attempt reported); the packet records of small pcap
            files behind a flag byte that makes the harness prepend the
            header (so mutations hit records, not the header)
  decode    every TCP payload that starts a TPKT-framed X.224 CR or CC,
            read with the small pcap/pcapng reader below
  tracker   handshakes written in the harness's record format: canned
            and real payloads, SOCKS, splits, reordering, RST, idle expiry
  report    records in the harness's format, from a fixed random seed
  tls       the TLS after each negotiation in the captures (every TCP
            payload of a connection from its ClientHello on, as the
            harness's segments), and generated TLS 1.2 and TLS 1.3
            (HelloRetryRequest) flights
  mcs       the Standard RDP Security exchange of each connection (every
            TCP payload from its first X.224 Data TPDU on, as fuzz_mcs.c's
            segments), and each distinct X.224 Data PDU alone (raw, its
            direction's flag)
  merge     a shard state is this build's structs, which this script
            cannot lay out: with --rdpneg (the rdpneg of the fuzz build,
            build-fuzz/analyzer/rdpneg) each small capture is run through
            `rdpneg --shard 1/1`, and the files under 16 KB (their layout
            named "@LAYOUT@", selector 2; and two shards of the three
            smallest captures, "%%" between them) and every distinct state (base64, selector 1;
            unpacked, selector 0) are seeds.  Without it, or when it fails,
            only a valid shard of no capture, plain and gzip.
"""
import base64
import hashlib
import json
import os
import random
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PIPELINE_MAX = 256 * 1024
MERGE_FILE_MAX = 16 * 1024


def save(outdir, target, data):
    d = os.path.join(outdir, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


# ---- a small pcap / pcapng reader: (linktype, frame bytes) per packet

def pcap_packets(data):
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        end = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        end = '>'
    else:
        return
    linktype = struct.unpack(end + 'I', data[20:24])[0] & 0xffff
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack(end + 'I', data[off + 8:off + 12])[0]
        off += 16
        if off + caplen > len(data):
            return
        yield linktype, data[off:off + caplen]
        off += caplen


def pcapng_packets(data):
    off, end, links = 0, '<', []
    while off + 12 <= len(data):
        btype = struct.unpack('<I', data[off:off + 4])[0]
        if btype == 0x0a0d0d0a:
            bom = data[off + 8:off + 12]
            end = '<' if bom == b'\x4d\x3c\x2b\x1a' else '>'
            links = []
        blen = struct.unpack(end + 'I', data[off + 4:off + 8])[0]
        if blen < 12 or off + blen > len(data):
            return
        body = data[off + 8:off + blen - 4]
        btype = struct.unpack(end + 'I', data[off:off + 4])[0]
        if btype == 1 and len(body) >= 2:
            links.append(struct.unpack(end + 'H', body[:2])[0])
        elif btype == 6 and len(body) >= 20:
            ifid, _, _, caplen = struct.unpack(end + 'IIII', body[:16])
            if ifid < len(links):
                yield links[ifid], body[20:20 + caplen]
        elif btype == 3 and len(body) >= 4 and links:
            yield links[0], body[4:]
        off += blen


def network_layer(linktype, f):
    """(ethertype-like protocol, offset of the IP header) or None."""
    if linktype == 1:
        off, et = 14, None
        if len(f) < 14:
            return None
        et = struct.unpack('>H', f[12:14])[0]
        while et in (0x8100, 0x88a8, 0x9100) and len(f) >= off + 4:
            et = struct.unpack('>H', f[off + 2:off + 4])[0]
            off += 4
        return et, off
    if linktype in (0, 108):
        return None if len(f) < 4 else (0, 4)
    if linktype in (12, 101, 228, 229):
        return 0, 0
    if linktype == 113:
        return None if len(f) < 16 else (struct.unpack('>H', f[14:16])[0], 16)
    if linktype == 276:
        return None if len(f) < 20 else (struct.unpack('>H', f[0:2])[0], 20)
    return None


def tcp_payload(linktype, f):
    seg = tcp_segment(linktype, f)
    return None if seg is None else seg[2]


def tcp_segment(linktype, f):
    """(source port, destination port, payload) or None."""
    nl = network_layer(linktype, f)
    if nl is None:
        return None
    _, off = nl
    if off >= len(f):
        return None
    ver = f[off] >> 4
    if ver == 4:
        ihl = (f[off] & 15) * 4
        if len(f) < off + 20 or f[off + 9] != 6:
            return None
        total = struct.unpack('>H', f[off + 2:off + 4])[0]
        ip_end = min(len(f), off + total) if total else len(f)
        t = off + ihl
    elif ver == 6:
        if len(f) < off + 40 or f[off + 6] != 6:
            return None
        plen = struct.unpack('>H', f[off + 4:off + 6])[0]
        ip_end = min(len(f), off + 40 + plen)
        t = off + 40
    else:
        return None
    if len(f) < t + 20:
        return None
    doff = (f[t + 12] >> 4) * 4
    sport, dport = struct.unpack('>HH', f[t:t + 4])
    return sport, dport, f[t + doff:ip_end]


def capture_files(dirs):
    for d in dirs:
        for root, subdirs, files in os.walk(d):
            subdirs.sort()
            for name in sorted(files):
                if name.endswith(('.pcap', '.pcapng', '.cap')):
                    yield os.path.join(root, name)


# ---- tracker records (see fuzz_tracker.c)

def tracker_header(cfg=0, t=1700000000):
    return bytes([cfg, 0]) + struct.pack('>q', t) + bytes([0, 0])


def rec(direction, tuple_=0, flags=0, delta=0, payload=b'', canned=None,
        lost=0, step=1, absolute=None):
    which = direction | (tuple_ << 1)
    extra = b''
    if absolute is not None:
        which |= 0x10
        extra = struct.pack('>I', absolute)
    if canned is not None:
        which |= 0x20
        plen, body = canned, b''
    else:
        plen, body = len(payload), payload
    if lost:
        which |= 0x40
    return (bytes([which, flags]) + struct.pack('>h', delta) +
            bytes([plen, lost, step, 0, 0, 0]) + extra + body)


SYN, ACK, FIN, RST = 0x02, 0x10, 0x01, 0x04


def tracker_seeds(payloads):
    cr, cc_rsp, cc_fail, cc_legacy, cr_corr = 0, 1, 2, 3, 4
    hs = [rec(0, flags=SYN, absolute=1000), rec(1, flags=SYN | ACK,
          absolute=5000), rec(0, flags=ACK)]
    bye = [rec(0, flags=FIN | ACK), rec(1, flags=FIN | ACK)]
    seeds = []
    for resp in (cc_rsp, cc_fail, cc_legacy):
        seeds.append(hs + [rec(0, ACK, canned=cr), rec(1, ACK, canned=resp)]
                     + bye)
    seeds.append(hs + [rec(0, ACK, canned=cr_corr), rec(1, ACK, canned=1),
                       rec(1, RST)])
    seeds.append([rec(0, flags=SYN, absolute=7), rec(1, flags=RST | ACK)])
    seeds.append([rec(0, flags=SYN, absolute=7)])
    seeds.append(hs + [rec(0, ACK, canned=5), rec(1, ACK, canned=7),
                       rec(0, ACK, canned=6), rec(1, ACK, canned=8),
                       rec(0, ACK, canned=cr), rec(1, ACK, canned=cc_rsp)]
                 + bye)
    seeds.append(hs + [rec(0, ACK, canned=9), rec(1, ACK, canned=10),
                       rec(0, ACK, canned=11)] + bye)
    seeds.append(hs + [rec(0, ACK, canned=cr), rec(1, ACK, canned=12)])
    # Split and reordered request, snap-length cut, IPv6, other port.
    for tup in (0, 1, 2, 3):
        seeds.append([rec(0, tup, SYN, absolute=100),
                      rec(1, tup, SYN | ACK, absolute=900),
                      rec(0, tup, ACK, delta=10, payload=b'x' * 20),
                      rec(0, tup, ACK, delta=-30, canned=cr),
                      rec(1, tup, ACK, canned=cc_fail, lost=4)])
    # Many connections (table limits, idle expiry) without handshakes.
    seeds.append(tracker_header(0x01) + b''.join(
        rec(0, t, ACK, canned=cr, absolute=t * 1000, step=200)
        for t in range(8)))
    # Real payloads seen in the captures, each as a request and a reply.
    for i, p in enumerate(payloads[:40]):
        direction = 1 if len(p) > 5 and p[5] & 0xf0 == 0xd0 else 0
        seeds.append(hs + [rec(direction, ACK, payload=p[:255])])
    out = []
    for i, s in enumerate(seeds):
        if isinstance(s, list):
            s = tracker_header(cfg=i % 64) + b''.join(s)
        out.append(s)
    return out


# ---- TLS sessions (see fuzz_tls.c): a control byte, then segments

TLS_MAX = 64 * 1024


def tls_segment(from_client, payload):
    return bytes([1 if from_client else 0]) + struct.pack(
        '>H', len(payload)) + payload


def tls_sessions(segments):
    """From (sport, dport, payload) in capture order: each connection's
    payloads from its TLS ClientHello on, as one seed."""
    client, sessions = {}, {}
    for sport, dport, p in segments:
        key = tuple(sorted((sport, dport)))
        if (key not in client and len(p) > 5 and p[0] == 0x16 and
                p[1] == 3 and p[5] == 1):
            client[key] = sport
            sessions[key] = []
        if key in client and p:
            sessions[key].append(tls_segment(sport == client[key], p))
    for key, segs in sessions.items():
        out, n = [], 0
        for seg in segs:
            if n + len(seg) > TLS_MAX:
                break
            out.append(seg)
            n += len(seg)
        yield b''.join(out)


MCS_PDU_MAX = 4096
MCS_PDUS_MAX = 400


def is_x224_dt(p):
    return len(p) >= 7 and p[0] == 3 and p[1] == 0 and p[4:7] == b'\x02\xf0\x80'


def mcs_sessions(segments):
    """From (sport, dport, payload) in capture order: each connection's
    payloads from its first X.224 Data TPDU on (the client: the side that
    sent the Connection Request), as one seed; and the TPKT PDUs of those
    payloads, each alone with its direction's raw flag."""
    client, sessions, pdus = {}, {}, []
    for sport, dport, p in segments:
        key = tuple(sorted((sport, dport)))
        if len(p) >= 6 and p[0] == 3 and p[5] & 0xf0 == 0xe0:
            client.setdefault(key, sport)
        if key in client and (key in sessions or is_x224_dt(p)):
            sessions.setdefault(key, []).append(
                tls_segment(sport == client[key], p))
            off = 0
            while is_x224_dt(p[off:]):
                n = struct.unpack('>H', p[off + 2:off + 4])[0]
                if n < 7 or n > MCS_PDU_MAX:
                    break
                flag = 0x18 if sport == client[key] else 0x08
                pdus.append(bytes([flag]) + p[off:off + n])
                off += n
    for key, segs in sessions.items():
        out, n = [], 0
        for seg in segs:
            if n + len(seg) > TLS_MAX:
                break
            out.append(seg)
            n += len(seg)
        yield b''.join(out)
    for p in pdus:
        yield p


def tls_record(ctype, frag, version=0x0303):
    return bytes([ctype]) + struct.pack('>HH', version, len(frag)) + frag


def tls_message(mtype, body):
    return bytes([mtype]) + struct.pack('>I', len(body))[1:] + body


def tls_vec(n, body):
    return struct.pack('>I', len(body))[4 - n:] + body


def tls_ext(etype, body):
    return struct.pack('>H', etype) + tls_vec(2, body)


HRR_RANDOM = bytes.fromhex('cf21ad74e59a6111be1d8c021e65b891'
                           'c2a211167abb8c5e079e09e2c8a8339c')


def tls_client_hello(versions, sni=b'rdp.example.org'):
    exts = tls_ext(0, tls_vec(2, b'\x00' + tls_vec(2, sni)))
    if versions:
        exts += tls_ext(43, tls_vec(1, b''.join(
            struct.pack('>H', v) for v in versions)))
    suites = b''.join(struct.pack('>H', v) for v in
                      (0x1a1a, 0x1301, 0x1302, 0xc02f, 0xc030, 0x00ff))
    body = (b'\x03\x03' + bytes(range(32)) + tls_vec(1, bytes(32)) +
            tls_vec(2, suites) + b'\x01\x00' + tls_vec(2, exts))
    return tls_record(22, tls_message(1, body), 0x0301)


def tls_server_hello(suite, selected=None, hrr=False):
    exts = tls_ext(43, struct.pack('>H', selected)) if selected else b''
    body = (b'\x03\x03' + (HRR_RANDOM if hrr else bytes(32)) +
            tls_vec(1, bytes(32)) + struct.pack('>HB', suite, 0) +
            tls_vec(2, exts))
    return tls_message(2, body)


def tls_generated():
    ccs = tls_record(20, b'\x01')
    app = [tls_record(23, bytes(n)) for n in (90, 1200, 280, 53, 400)]
    certs = tls_vec(3, b''.join(tls_vec(3, b'\x30\x82' + bytes(n))
                                for n in (600, 500)))
    # TLS 1.2: ClientHello; ServerHello, Certificate, ServerHelloDone in a
    # record; ClientKeyExchange, CCS, Finished; CCS, Finished; data.
    sflight = tls_server_hello(0xc02f) + tls_message(11, certs) + \
        tls_message(14, b'')
    tls12 = [(1, tls_client_hello(None)),
             (0, tls_record(22, sflight[:300]) + tls_record(
                 22, sflight[300:])),
             (1, tls_record(22, tls_message(16, bytes(66))) + ccs +
              tls_record(22, bytes(40))),
             (0, ccs + tls_record(22, bytes(40))),
             (1, app[4]), (0, tls_record(21, bytes(26)))]
    # TLS 1.3 after a HelloRetryRequest, middlebox compatibility CCSs.
    tls13 = [(1, tls_client_hello([0x2a2a, 0x0304, 0x0303])),
             (0, tls_record(22, tls_server_hello(0x1301, 0x0304, True)) +
              ccs),
             (1, ccs + tls_client_hello([0x0304])),
             (0, tls_record(22, tls_server_hello(0x1301, 0x0304)) +
              app[0] + app[1] + app[2]),
             (1, app[3]), (1, app[4]), (0, app[2]),
             (0, tls_record(21, b'\x02\x30'))]
    out = []
    for i, flights in enumerate((tls12, tls13)):
        segs = b''.join(tls_segment(c, p) for c, p in flights)
        for ctl in (0, 1, 5):
            out.append(bytes([ctl]) + segs)
        # Raw: the server's bytes alone, one stream.
        out.append(bytes([0x08 | i]) + b''.join(p for c, p in flights
                                                 if not c))
    return out


# ---- shard files and states (see fuzz_merge.c)

EMPTY_SHARD = (b'{"type":"header","format":"rdpneg-shard","version":1,'
               b'"layout":"@LAYOUT@","shard":{"index":1,"count":1},'
               b'"options":{"ports":[3389],"chain_window":60,'
               b'"idle_timeout":300,"max_connections":65536},'
               b'"inputs":{"files":0},"files":[]}\n'
               b'{"type":"end","files":0,"attempts":0,"complete":true}\n')


def unsqueeze(data):
    """state.c's unsqueeze(): 0x00 and a run length are that many zeros."""
    out, i = bytearray(), 0
    while i < len(data):
        if data[i]:
            out.append(data[i])
            i += 1
        else:
            out += bytes(data[i + 1])
            i += 2
    return bytes(out)


def run_shards(rdpneg, paths, count):
    """rdpneg --shard K/count over paths: each shard's bytes (layout
    marked), or None when rdpneg failed."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(1, count + 1):
            o = os.path.join(tmp, 'shard')
            subprocess.run([rdpneg, '--shard', f'{k}/{count}', '-o', o] +
                           paths, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            if not os.path.exists(o):
                return None
            with open(o, 'rb') as f:
                data = f.read()
            os.unlink(o)
            head = data.split(b'\n', 1)[0]
            try:
                layout = json.loads(head)['layout'].encode()
            except (ValueError, KeyError):
                return None
            out.append(data.replace(layout, b'@LAYOUT@'))
    return out


def merge_seeds(outdir, rdpneg, captures):
    save(outdir, 'merge', b'\x02' + EMPTY_SHARD)
    save(outdir, 'merge', b'\x0a' + EMPTY_SHARD)
    if rdpneg is None or not os.access(rdpneg, os.X_OK):
        if rdpneg is not None:
            print(f'seed: merge: no {rdpneg}: no states', file=sys.stderr)
        return
    states = set()
    small = sorted((c for c in captures
                    if os.path.getsize(c) < PIPELINE_MAX),
                   key=os.path.getsize)
    for c in small:
        shards = run_shards(rdpneg, [c], 1)
        if shards is None:
            print(f'seed: merge: {rdpneg} failed on {c}', file=sys.stderr)
            return
        # Files of many attempts make slow inputs; their states are
        # seeds all the same.
        if len(shards[0]) < MERGE_FILE_MAX:
            save(outdir, 'merge', b'\x02' + shards[0])
        for line in shards[0].splitlines():
            if line.startswith(b'{"type":"attempt"'):
                states.add(json.loads(line)['state'].encode())
    shards = run_shards(rdpneg, small[:3], 2)
    if shards is not None:
        save(outdir, 'merge', b'\x06' + b'%%\n'.join(shards))
    for s in sorted(states):
        save(outdir, 'merge', b'\x01' + s)
        save(outdir, 'merge', b'\x00' + unsqueeze(base64.b64decode(s)))


def main():
    args = sys.argv[1:]
    rdpneg = None
    if args[:1] == ['--rdpneg'] and len(args) >= 2:
        rdpneg = args[1]
        args = args[2:]
    if not args or args[0].startswith('-'):
        sys.exit(__doc__)
    outdir = args[0]
    dirs = args[1:] or [os.path.join(ROOT, 'captures'),
                            os.path.join(ROOT, '..', 'shared',
                                         'captures-public')]
    dirs = [d for d in dirs if os.path.isdir(d)]
    # The pcap selector of fuzz_pipeline.c: LINKTYPE -> flag bits.
    linksel = {1: 0, 0: 1, 108: 2, 101: 3, 113: 4, 276: 5, 228: 6, 229: 7}
    payloads, seen = [], set()
    counts = {}
    tls, mcs = [], []
    captures = list(capture_files(dirs))
    merge_seeds(outdir, rdpneg, captures)
    for path in captures:
        with open(path, 'rb') as f:
            data = f.read()
        if len(data) < PIPELINE_MAX:
            save(outdir, 'pipeline', b'\x80' + data)
            counts['pipeline'] = counts.get('pipeline', 0) + 1
            if data[:4] == b'\xd4\xc3\xb2\xa1':
                lt = struct.unpack('<I', data[20:24])[0]
                if lt in linksel:
                    s = linksel[lt]
                    flag = 1 | 0x80 | ((s & 3) << 3) | ((s & 4) << 4)
                    save(outdir, 'pipeline', bytes([flag]) + data[24:])
        packets = (pcapng_packets(data) if data[:4] == b'\x0a\x0d\x0d\x0a'
                   else pcap_packets(data))
        segments = []
        try:
            for linktype, frame in packets:
                seg = tcp_segment(linktype, frame)
                if seg is None:
                    continue
                segments.append(seg)
                p = seg[2]
                if (p and len(p) >= 6 and p[0] == 3 and p[1] == 0 and
                        p[5] & 0xf0 in (0xe0, 0xd0) and p not in seen):
                    seen.add(p)
                    payloads.append(p)
        except (struct.error, IndexError):
            pass
        tls.extend(tls_sessions(segments))
        mcs.extend(mcs_sessions(segments))
    for p in payloads:
        save(outdir, 'decode', p)
    for s in tracker_seeds(payloads):
        save(outdir, 'tracker', s)
    rnd = random.Random(3389)
    for i in range(24):
        save(outdir, 'report', bytes(rnd.randrange(256)
                                     for _ in range(64 + 24 * i)))
    for i, t in enumerate(tls):
        save(outdir, 'tls', bytes([i % 8]) + t)
    for t in tls_generated():
        save(outdir, 'tls', t)
    pdus = 0
    for i, m in enumerate(mcs):
        if m[0] & 0x08:
            if pdus >= MCS_PDUS_MAX:
                continue
            pdus += 1
            save(outdir, 'mcs', m)
        else:
            save(outdir, 'mcs', bytes([i % 8]) + m)
    for t in ('decode', 'tracker', 'pipeline', 'report', 'tls', 'mcs',
              'merge'):
        d = os.path.join(outdir, t)
        n = len(os.listdir(d)) if os.path.isdir(d) else 0
        print(f'seed: {t}: {n} files')


if __name__ == '__main__':
    main()
