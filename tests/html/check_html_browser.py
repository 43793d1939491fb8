#!/usr/bin/env python3
"""The HTML report (-f html) loaded in a real browser keeps its DOM contract.

For every capture of the directories given (captures/, captures/peers/),
for a few of them with --all, for each directory as one batch report and
for hostile inputs (a subset of tests/hostile/gen_hostile.py's set plus a
capture whose file name is markup), rdpneg writes the HTML report; headless
Chromium loads it (--dump-dom) and the DOM it built is parsed and checked
(tests/html/README.md lists the checks):

- structure: the timeline SVG and its title, lanes, marks with a <title>
  first, chains, the four tables, the captures section, problems numbered
  problem-1..N;
- counts: the marks (or bucket counts) per lane, per class and per outcome
  equal rdpneg's JSONL for the same options and inputs;
- inert: no <script>, no element outside the report's vocabulary, no on*
  attribute, no href/src/xlink:href but in-page #... links, no url() or
  @import in a stylesheet; hostile strings present only as text;
- CSP: one Content-Security-Policy meta with default-src 'none' and no
  script source;
- no network: Chromium runs with --proxy-server pointing at a listener
  this script opens on loopback; the page must cause no connection.

Chromium 156 (Debian 12) contacts a few Google services by itself whatever
the flags (BROWSER_OWN); those connections are counted apart, and a request
by the page to those hosts could only be told from them by the DOM checks
(which forbid any external reference).

--self-test runs the checks on tests/html/sample.html (hand-written to the
contract) and on broken variants of it, each of which must fail the check
it breaks.  --screenshot OUT.png REPORT.html takes a screenshot for README.

Exit status 77 (skipped) when Chromium is not found.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from tally import Tally  # noqa: E402

SKIP = 77
PER_FILE = 30
GROUP = 6
CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz")
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--no-default-browser-check", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--disable-default-apps", "--metrics-recording-only", "--no-pings",
    "--disable-domain-reliability", "--disable-breakpad",
    "--disable-client-side-phishing-detection", "--password-store=basic",
    "--disable-features=NetworkTimeServiceQuerying,Translate,MediaRouter,"
    "OptimizationHints",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
WINDOW = "1400,1800"
# Hosts Chromium 156 contacts on its own, page or not (measured with an
# empty page): the component and extension updater, its download
# redirector, Google account sign-in.
BROWSER_OWN = re.compile(
    r"^(update\.googleapis\.com|redirector\.gvt1\.com|accounts\.google\.com"
    r"|clients2\.google\.com|[a-z0-9-]+\.gvt1\.com)(:\d+)?$")
CLASSES = ("blocked", "insecure", "ok", "noise")
FINDINGS = ("blocked", "insecure")
# Every element the report may hold (HTML and SVG); anything else in the
# DOM was injected.
ALLOWED_TAGS = set("""
html head meta title style body header footer nav main section article
aside h1 h2 h3 h4 h5 h6 p ul ol li dl dt dd table caption thead tbody tfoot
tr th td colgroup col a span div code pre strong em b i small sub sup br hr
abbr time kbd samp var details summary figure figcaption blockquote q mark
svg g path rect circle ellipse line polyline polygon text tspan desc defs
marker use clippath lineargradient stop pattern symbol
""".split())
VOID = {"meta", "br", "hr", "col", "img", "input", "link", "area", "base",
        "embed", "source", "track", "wbr", "param"}
URL_ATTRS = {"href", "src", "xlink:href", "srcset", "action", "formaction",
             "poster", "background", "data", "ping", "lowsrc", "dynsrc",
             "codebase", "cite", "longdesc", "manifest", "archive",
             "profile", "usemap", "icon", "imagesrcset"}
# Keys of a JSONL record whose strings come from the capture or the
# command line.
UNTRUSTED_KEYS = ("capture", "cookie", "user", "tls", "client_data")
MARKUP = re.compile(r"<[A-Za-z/!][^<>\x00-\x1f\x7f-\x9f]{0,60}>?"
                    r"|\"[^\"<>]{0,20}>|on[a-z]+=[^ ]{1,20}")


# ---------------------------------------------------------------------------
# The DOM
# ---------------------------------------------------------------------------

class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children = []      # Node or str

    def elements(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.elements()

    def text(self):
        return "".join(c if isinstance(c, str) else c.text()
                       for c in self.children)

    def child_elements(self):
        return [c for c in self.children if isinstance(c, Node)]

    def classes(self):
        return self.attrs.get("class", "").split()

    def find(self, tag=None, cls=None, **attrs):
        for e in self.elements():
            if tag and e.tag != tag:
                continue
            if cls and cls not in e.classes():
                continue
            if all(e.attrs.get(k.replace("_", "-")) == v
                   for k, v in attrs.items()):
                yield e


class DomParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.cur = self.root
        self.raw_attrs = []     # every (tag, name, value)

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            self.raw_attrs.append((tag, k, v or ""))
        node = Node(tag, {k: (v or "") for k, v in attrs}, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.cur.tag == tag:
            self.cur = self.cur.parent

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse_dom(text):
    p = DomParser()
    p.feed(text)
    p.close()
    return p


# ---------------------------------------------------------------------------
# Chromium, with a loopback proxy that records every connection
# ---------------------------------------------------------------------------

class Listener:
    """A TCP listener on loopback that records what each connection asks."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.requests = []
        self.conns = []
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            t = threading.Thread(target=self.serve, args=(conn,),
                                 daemon=True)
            self.conns.append((conn, t))
            t.start()

    def serve(self, conn):
        try:
            first = conn.recv(4096).split(b"\r\n", 1)[0]
        except OSError:
            first = b""
        # A connection closed without a byte asked for nothing (Chromium
        # opens some to its proxy in advance): recorded as "".
        self.requests.append(first.decode("latin-1"))
        # No answer: the request fails at once and the page loads on.
        try:
            conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def close(self):
        """Once Chromium has exited: what each connection asked."""
        time.sleep(0.1)
        self.stop = True
        self.thread.join()
        self.sock.close()
        for conn, t in self.conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            t.join()
            conn.close()
        return self.requests


def request_host(line):
    """The host[:port] a proxy request line asks for."""
    parts = line.split()
    if len(parts) < 2:
        return line
    target = parts[1]
    m = re.match(r"^[a-z]+://([^/]+)", target)
    return m.group(1) if m else target


def run_chromium(chromium, page, mode, out=None, timeout=60):
    """Load page (a Path) with mode 'dom' or 'screenshot'; return
    (dom text, own requests, page requests, seconds)."""
    listener = Listener()
    profile = tempfile.mkdtemp(prefix="rdpneg-chromium-")
    args = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
            f"--proxy-server=http://127.0.0.1:{listener.port}",
            f"--window-size={WINDOW}"]
    if mode == "dom":
        args.append("--dump-dom")
    else:
        args += ["--hide-scrollbars", f"--screenshot={out}"]
    args.append(page.resolve().as_uri())
    start = time.monotonic()
    try:
        res = subprocess.run(args, capture_output=True, timeout=timeout,
                             cwd=profile)
        dom = res.stdout.decode("utf-8", "replace")
        if res.returncode != 0:
            dom = None
            err = res.stderr.decode("utf-8", "replace")[-500:]
        else:
            err = ""
    except subprocess.TimeoutExpired:
        dom, err = None, f"timed out after {timeout} s"
    finally:
        seconds = time.monotonic() - start
        requests = listener.close()
        shutil.rmtree(profile, ignore_errors=True)
    own = [r for r in requests
           if r == "" or BROWSER_OWN.match(request_host(r))]
    foreign = [r for r in requests if r not in own]
    return dom, err, own, foreign, seconds


# ---------------------------------------------------------------------------
# The checks on one page
# ---------------------------------------------------------------------------

def check_structure(doc, records, opts):
    """The contract's elements are present and well formed."""
    p = []
    root = doc.root
    svgs = list(root.find("svg", id="timeline"))
    if len(svgs) != 1:
        return [f"{len(svgs)} <svg id=timeline>"]
    svg = svgs[0]
    if svg.attrs.get("role") != "img":
        p.append(f"timeline role={svg.attrs.get('role')!r}")
    if svg.attrs.get("aria-labelledby") != "timeline-title":
        p.append("timeline aria-labelledby is not timeline-title")
    if not list(svg.find("title", id="timeline-title")):
        p.append("no <title id=timeline-title> in the timeline")
    for lane in svg.find("g", cls="lane"):
        srv = lane.attrs.get("data-server")
        if not srv or not (srv == "other" or re.match(r".+:\d+$", srv)):
            p.append(f"lane data-server={srv!r}")
        if not re.fullmatch(r"\d+", lane.attrs.get("data-attempts", "")):
            p.append(f"lane {srv}: data-attempts="
                     f"{lane.attrs.get('data-attempts')!r}")
        for m in lane.find("g", cls="mark"):
            if m.attrs.get("data-class") not in CLASSES:
                p.append(f"lane {srv}: mark data-class="
                         f"{m.attrs.get('data-class')!r}")
            for a in ("data-outcome", "data-diagnosis"):
                if not m.attrs.get(a):
                    p.append(f"lane {srv}: mark without {a}")
            if not re.fullmatch(r"\d+", m.attrs.get("data-frame", "")):
                p.append(f"lane {srv}: mark data-frame="
                         f"{m.attrs.get('data-frame')!r}")
            kids = m.child_elements()
            if not kids or kids[0].tag != "title" or not kids[0].text():
                p.append(f"lane {srv}: mark frame "
                         f"{m.attrs.get('data-frame')} has no <title> first")
        for b in lane.find("g", cls="bucket"):
            if lane.attrs.get("data-aggregated") != "true":
                p.append(f"lane {srv}: bucket in a lane not aggregated")
            if b.attrs.get("data-class") not in CLASSES or not re.fullmatch(
                    r"\d+", b.attrs.get("data-count", "")):
                p.append(f"lane {srv}: bucket {b.attrs}")
    chain_ids = {str(r["chain"]["id"]) for r in records
                 if r.get("chain") and r["chain"].get("length", 1) > 1}
    for c in svg.find("path", cls="chain"):
        cid = c.attrs.get("data-chain", "")
        m = re.fullmatch(r"(\d+)-(\d+)", cid)
        if not m:
            p.append(f"chain data-chain={cid!r} is not INPUT-ID")
        elif m.group(2) not in chain_ids:
            p.append(f"chain {cid}: no chain {m.group(2)} of 2 attempts or "
                     "more in the JSONL report")
    for tid in ("servers", "diagnoses", "timeline-table"):
        if len(list(root.find("table", id=tid))) != 1:
            p.append(f"not one <table id={tid}>")
    caps = list(root.find("section", id="captures"))
    if len(caps) != 1:
        p.append("not one <section id=captures>")
    elif len(list(caps[0].find("table", id="capture-files"))) != 1:
        p.append("no <table id=capture-files> in <section id=captures>")
    else:
        text = next(caps[0].find("table", id="capture-files")).text()
        missing = [cap for cap in sorted({r["capture"] for r in records})
                   if re.fullmatch(r"[ -~]+", cap) and cap not in text]
        # A long list is cut, and the section says by how much.
        cut = re.search(r"(\d+) more captures? (?:are|is) not listed",
                        caps[0].text())
        if missing and (not cut or len(missing) > int(cut.group(1))):
            p += [f"capture {cap} not in the capture-files table"
                  + (f" ({cut.group(0)})" if cut else "")
                  for cap in missing]
    ids = [e.attrs.get("id", "") for e in root.find("section", cls="problem")]
    want = [f"problem-{i}" for i in range(1, len(ids) + 1)]
    if ids != want:
        p.append(f"problem sections {ids[:6]}... not problem-1..N in order")
    findings = any(r["class"] in FINDINGS for r in records)
    if findings and not ids:
        p.append("findings but no problem section")
    if not findings and ids:
        p.append(f"{len(ids)} problem sections and no finding")
    return p


def check_counts(doc, records):
    """Marks and buckets add up to rdpneg's JSONL, lane by lane."""
    p = []
    svg = next(doc.root.find("svg", id="timeline"), None)
    if svg is None:
        return ["no timeline"]
    lanes = list(svg.find("g", cls="lane"))
    by_server = Counter(r["server"] for r in records)
    named = [lane for lane in lanes if lane.attrs.get("data-server") != "other"]
    other = [lane for lane in lanes if lane.attrs.get("data-server") == "other"]
    if len(other) > 1:
        p.append(f"{len(other)} lanes 'other'")
    classes, outcomes = Counter(), Counter()
    aggregated = False
    total = 0
    seen = set()
    for lane in lanes:
        srv = lane.attrs.get("data-server")
        declared = int(lane.attrs.get("data-attempts", "0") or 0)
        marks = list(lane.find("g", cls="mark"))
        buckets = list(lane.find("g", cls="bucket"))
        if lane.attrs.get("data-aggregated") == "true":
            aggregated = True
            n = 0
            for b in buckets:
                c = int(b.attrs.get("data-count", "0") or 0)
                classes[b.attrs.get("data-class")] += c
                n += c
            if marks:
                p.append(f"lane {srv}: aggregated but holds {len(marks)} "
                         "marks")
        else:
            n = len(marks)
            for m in marks:
                classes[m.attrs.get("data-class")] += 1
                outcomes[m.attrs.get("data-outcome")] += 1
        if n != declared:
            p.append(f"lane {srv}: marks/buckets add up to {n}, "
                     f"data-attempts={declared}")
        total += declared
        if srv != "other":
            if srv in seen:
                p.append(f"two lanes for {srv}")
            seen.add(srv)
            if declared != by_server.get(srv, 0):
                p.append(f"lane {srv}: data-attempts={declared}, JSONL "
                         f"{by_server.get(srv, 0)}")
            if lane.attrs.get("data-aggregated") != "true":
                got = Counter((m.attrs.get("data-class"),
                               m.attrs.get("data-outcome"),
                               m.attrs.get("data-diagnosis"),
                               m.attrs.get("data-frame")) for m in marks)
                exp = Counter((r["class"], r["outcome"],
                               r["diagnosis"]["id"], str(r["first_frame"]))
                              for r in records if r["server"] == srv)
                if got != exp:
                    p.append(f"lane {srv}: marks {sorted(got - exp)[:3]} "
                             f"not in JSONL, {sorted(exp - got)[:3]} missing")
    attempts = [lane.attrs.get("data-attempts") for lane in named]
    counts = [int(a) for a in attempts if a and a.isdigit()]
    if counts != sorted(counts, reverse=True):
        p.append(f"lanes not busiest first: {counts}")
    rest = sum(n for s, n in by_server.items() if s not in seen)
    declared_other = sum(int(lane.attrs.get("data-attempts", "0") or 0)
                         for lane in other)
    if rest != declared_other:
        p.append(f"'other' lane: {declared_other} attempts, JSONL {rest} for "
                 "the servers without a lane")
    if total != len(records):
        p.append(f"lanes add up to {total} attempts, JSONL {len(records)}")
    exp_classes = Counter(r["class"] for r in records)
    if +classes != +exp_classes:
        p.append(f"per class {dict(classes)}, JSONL {dict(exp_classes)}")
    if not aggregated:
        exp_out = Counter(r["outcome"] for r in records)
        if +outcomes != +exp_out:
            p.append(f"per outcome {dict(outcomes)}, JSONL {dict(exp_out)}")
    return p


def external(value):
    v = value.strip()
    return v != "" and not v.startswith("#")


def check_inert(doc):
    """No script, no injected element or attribute, no external reference."""
    p = []
    for e in doc.root.elements():
        if e.tag == "script":
            p.append("<script> element")
        elif e.tag not in ALLOWED_TAGS:
            p.append(f"<{e.tag}> element (not in the report's vocabulary)")
        for k, v in e.attrs.items():
            if k.startswith("on"):
                p.append(f"<{e.tag} {k}=...> event handler")
            if (k in URL_ATTRS or k.endswith(":href")) and external(v):
                p.append(f"<{e.tag} {k}={v[:60]!r}> external reference")
            if k == "style" and re.search(r"url\s*\(|expression|@import",
                                          v, re.I):
                p.append(f"<{e.tag} style={v[:60]!r}>")
            if "javascript:" in v.lower().replace(" ", "") and k != "title":
                p.append(f"<{e.tag} {k}=...javascript:...>")
        if e.tag == "style":
            css = e.text()
            for m in re.finditer(r"url\s*\(\s*['\"]?([^)'\"]*)", css, re.I):
                if external(m.group(1)):
                    p.append(f"stylesheet url({m.group(1)[:60]})")
            if re.search(r"@import", css, re.I):
                p.append("stylesheet @import")
        if e.tag == "meta" and e.attrs.get("http-equiv", "").lower() \
                == "refresh":
            p.append("<meta http-equiv=refresh>")
    return p


def check_csp(doc):
    """One CSP meta in <head>: default-src 'none', no script source."""
    head = next(doc.root.find("head"), None)
    metas = [e for e in doc.root.find("meta")
             if e.attrs.get("http-equiv", "").lower()
             == "content-security-policy"]
    if len(metas) != 1:
        return [f"{len(metas)} Content-Security-Policy meta elements"]
    if head is None or metas[0] not in list(head.elements()):
        return ["the CSP meta is not in <head>"]
    p = []
    directives = {}
    for d in metas[0].attrs.get("content", "").split(";"):
        words = d.split()
        if words:
            directives[words[0].lower()] = [w for w in words[1:]]
    if directives.get("default-src") != ["'none'"]:
        p.append(f"default-src {directives.get('default-src')}")
    for name, values in directives.items():
        if name.startswith("script-src") and values != ["'none'"]:
            p.append(f"{name} {' '.join(values)}")
        for v in values:
            if v.lower() in ("'unsafe-eval'", "'strict-dynamic'", "data:",
                             "*", "http:", "https:", "blob:",
                             "'wasm-unsafe-eval'"):
                p.append(f"{name} allows {v}")
            elif name != "default-src" and not re.fullmatch(
                    r"'(none|unsafe-inline|sha(256|384|512)-[A-Za-z0-9+/=]+)'",
                    v):
                p.append(f"{name} allows {v} (a host or scheme)")
    return p


def hostile_strings(records):
    """The untrusted strings of the JSONL records that hold markup."""
    out = set()

    def walk(v):
        if isinstance(v, str):
            for m in MARKUP.finditer(v):
                if len(m.group(0)) >= 4:
                    out.add(m.group(0))
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    for r in records:
        for k in UNTRUSTED_KEYS:
            walk(r.get(k))
    return out


def check_hostile_text(doc, strings, names=()):
    """Each hostile string shown is text (or an attribute's value), never
    markup; returns (problems, how many were found as text)."""
    text = doc.root.text()
    values = " ".join(v for _, _, v in doc.raw_attrs)
    p = []
    found = 0
    for s in sorted(strings | set(names)):
        if s in text or s in values:
            found += 1
    # Elements or attributes named like the hostile strings' markup.
    for s in sorted(strings | set(names)):
        m = re.match(r"<([A-Za-z][A-Za-z0-9-]*)", s)
        if m and m.group(1).lower() not in ALLOWED_TAGS:
            if list(doc.root.find(m.group(1).lower())):
                p.append(f"<{m.group(1)}> element from {s!r}")
        for a in re.findall(r"\b(on[a-z]+)=", s):
            if any(k == a for _, k, _ in doc.raw_attrs):
                p.append(f"{a}= attribute from {s!r}")
    return p, found


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

class Case:
    def __init__(self, family, name, inputs, opts=(), hostile=False,
                 names=()):
        self.family = family
        self.name = name
        self.inputs = [str(i) for i in inputs]
        self.opts = list(opts)
        self.hostile = hostile
        self.names = names      # markup expected as text (file names)
        self.results = {}
        self.seconds = 0.0
        self.own = 0


def run_case(case, rdpneg, chromium, workdir):
    out = Path(workdir) / f"{abs(hash((case.family, case.name)))}.html"
    res = subprocess.run([rdpneg, "-f", "html", *case.opts, "-o", str(out),
                          *case.inputs], capture_output=True, timeout=120)
    jl = subprocess.run([rdpneg, "--format", "jsonl", *case.opts,
                         *case.inputs], capture_output=True, timeout=120)
    fatal = []
    if res.returncode not in (0, 1, 2, 3) or not out.exists():
        fatal.append(f"rdpneg -f html exited {res.returncode}: "
                     f"{res.stderr.decode(errors='replace')[-300:]}")
    if jl.returncode not in (0, 1, 2, 3):
        fatal.append(f"rdpneg --format jsonl exited {jl.returncode}")
    if fatal:
        case.results = {k: fatal for k in CHECKS}
        return case
    records = [json.loads(line) for line in jl.stdout.decode().splitlines()
               if line.strip()]
    records = [r for r in records if "first_frame" in r and "class" in r]
    check_page(case, out, records, chromium)
    out.unlink()
    return case


def check_page(case, page, records, chromium):
    dom, err, own, foreign, seconds = run_chromium(chromium, page, "dom")
    case.seconds, case.own = seconds, len(own)
    if dom is None:
        case.results = {k: [f"chromium: {err}"] for k in CHECKS}
        return
    doc = parse_dom(dom)
    case.results["structure"] = check_structure(doc, records, case.opts)
    case.results["counts"] = check_counts(doc, records)
    case.results["inert"] = check_inert(doc)
    case.results["csp"] = check_csp(doc)
    case.results["network"] = [f"page request: {r[:100]}" for r in foreign]
    if case.hostile:
        p, found = check_hostile_text(doc, hostile_strings(records),
                                      case.names)
        case.results["hostile text"] = p
        case.found = found


CHECKS = ("structure", "counts", "inert", "csp", "network")


def captures_in(d):
    return sorted(p for p in Path(d).iterdir()
                  if p.is_file() and p.name.endswith(CAPTURE_SUFFIXES))


def hostile_cases(tmp):
    """A subset of tests/hostile's set (hostile cookies, SNI, certificate
    names, client and channel names, a hostile file name) and a capture
    named with markup."""
    sys.path.insert(0, str(HERE.parent / "hostile"))
    import random
    import gen_hostile as gh
    w = gh.Writer(tmp)
    gh.gen_cookies(w)
    gh.gen_tls_hellos(w)
    gh.gen_tls_certificates(w)
    gh.gen_mcs_connect(w)
    gh.gen_not_captures(w, random.Random(gh.DEFAULT_SEED))
    wanted = re.compile(rb"odd-cookies|sni-255|hostile-names|bad-utf8|"
                        rb"long-subject|not a capture")
    files = sorted({p for c in w.cases for p in c.paths
                    if wanted.search(os.fsencode(p))})
    cases = [Case("hostile", os.path.basename(os.fsdecode(f)), [f],
                  hostile=True) for f in files]
    # No "/" in a file name: the <script> stays open (it would swallow
    # the rest of the page if it ever became markup).
    markup = '"><img src=x onerror=alert(1)><script>alert(2)'
    src = Path(__file__).resolve().parents[2] / "captures" / \
        "hostile-cookies.pcap"
    named = Path(tmp) / f"a{markup}.pcap"
    shutil.copyfile(src, named)
    cases.append(Case("hostile", "file name with markup", [named],
                      hostile=True, names=["<img src=x onerror=alert(1)>",
                                           "<script>"]))
    cases.append(Case("hostile", "file name with markup --all", [named],
                      opts=["--all"], hostile=True,
                      names=["<img src=x onerror=alert(1)>"]))
    cases.append(Case("hostile", "hostile-cookies.pcap --all", [src],
                      opts=["--all"], hostile=True))
    return cases


def build_cases(dirs, tmp):
    cases = []
    for d in dirs:
        fam = Path(d).name
        files = captures_in(d)
        # A report per capture; past PER_FILE captures, a report per
        # GROUP of them (the lanes then gather a server's attempts over
        # several files), to keep the test short.
        step = 1 if len(files) <= PER_FILE else GROUP
        for i in range(0, len(files), step):
            group = files[i:i + step]
            name = group[0].name if step == 1 else \
                f"{group[0].name} .. {group[-1].name} ({len(group)} files)"
            cases.append(Case(fam, name, group))
        cases.append(Case(fam, f"{fam}/ as one batch", [d]))
        cases.append(Case(fam + " --all", f"{fam}/ as one batch --all", [d],
                          opts=["--all"]))
        for f in files[:3 if step == 1 else 0]:
            cases.append(Case(fam + " --all", f.name + " --all", [f],
                              opts=["--all"]))
    cases += hostile_cases(tmp)
    return cases


def report(tally, cases):
    families = list(dict.fromkeys(c.family for c in cases))
    for fam in families:
        fc = [c for c in cases if c.family == fam]
        names = list(CHECKS) + (["hostile text"] if fc[0].hostile else [])
        for check in names:
            problems = []
            for c in fc:
                for pr in c.results.get(check, []):
                    problems.append(f"{c.name}: {pr}")
            extra = ""
            if check == "network":
                extra = (f" (Chromium's own requests, apart: "
                         f"{sum(c.own for c in fc)})")
            if check == "hostile text":
                extra = (f" ({sum(getattr(c, 'found', 0) for c in fc)} "
                         "hostile strings found as text)")
            tally.record(f"{fam}: {check}, {len(fc)} reports{extra}",
                         problems)


# ---------------------------------------------------------------------------
# Self-test: the checks must fail on broken pages
# ---------------------------------------------------------------------------

def mutants(sample):
    """(name, html, the check that must fail)."""
    def sub(old, new, count=1):
        assert old in sample, old
        return sample.replace(old, new, count)
    return [
        ("injected <img onerror>", sub(
            "<td>cookie-1</td>",
            "<td>\"><img src=x onerror=alert(1)></td>"), "inert"),
        ("injected <script>", sub("</header>",
                                  "<script>document.title=1</script>"
                                  "</header>"), "inert"),
        ("onclick attribute", sub('<section id="captures"',
                                  '<section onclick="x()" id="captures"'),
         "inert"),
        ("external link", sub('href="#problem-1"',
                              'href="https://example.org/"'), "inert"),
        ("stylesheet url()", sub("</style>",
                                 "body{background:url(http://x.test/a)}"
                                 "</style>"), "inert"),
        ("CSP missing", re.sub(r'<meta http-equiv="Content-Security-Policy"'
                               r'[^>]*>', "", sample), "csp"),
        ("CSP allows a script", sub("default-src 'none'",
                                    "default-src 'none'; script-src "
                                    "'unsafe-inline'"), "csp"),
        ("a mark missing", re.sub(r'<g class="mark"[^>]*data-frame="19">.*?'
                                  r'</g>', "", sample, count=1,
                                  flags=re.S), "counts"),
        ("a mark's outcome changed", sub('data-outcome="refused"',
                                         'data-outcome="selected"'),
         "counts"),
        ("data-attempts wrong", sub('data-attempts="3"',
                                    'data-attempts="4"'), "counts"),
        ("a table missing", sub('<table id="diagnoses">',
                                '<table id="diagnoses-x">'), "structure"),
        ("problems misnumbered", sub('id="problem-2"', 'id="problem-3"'),
         "structure"),
        ("mark without <title>", re.sub(
            r'(data-frame="1">)<title>[^<]*</title>', r"\1", sample,
            count=1), "structure"),
        ("a network request", re.sub(
            r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
            sample).replace("</body>",
                            '<img src="http://rdpneg-canary.test/x.png">'
                            "</body>"), "network"),
    ]


def self_test(tally, chromium):
    sample = (HERE / "sample.html").read_text()
    records = [json.loads(line) for line in
               (HERE / "sample.jsonl").read_text().splitlines() if line]
    with tempfile.TemporaryDirectory(prefix="rdpneg-html-self-") as tmp:
        def one(item):
            name, html, _ = item
            page = Path(tmp) / f"{abs(hash(name))}.html"
            page.write_text(html)
            c = Case("self-test", name, [])
            check_page(c, page, records, chromium)
            p, _ = check_hostile_text(parse_dom(page.read_text()), set(),
                                      ("<img src=x onerror=alert(1)>",))
            c.results["hostile text"] = p
            return c
        items = [("sample.html as written", sample, None)] + mutants(sample)
        with ThreadPoolExecutor(2) as pool:
            done = list(pool.map(one, items))
    base = done[0]
    tally.record("self-test: sample.html passes every check",
                 [f"{k}: {p}" for k, v in base.results.items() for p in v])
    for (name, _, must_fail), c in zip(items[1:], done[1:]):
        failed = [k for k, v in c.results.items() if v]
        tally.record(f"self-test: {name} fails {must_fail}",
                     [] if must_fail in failed else
                     [f"it passed; failed: {failed or 'nothing'}"])


# ---------------------------------------------------------------------------

def find_chromium(given):
    if given and os.path.isfile(given) and os.access(given, os.X_OK):
        return given
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rdpneg", help="rdpneg binary")
    ap.add_argument("--chromium", default=shutil.which("chromium"),
                    help="chromium binary (default: chromium in PATH)")
    ap.add_argument("--jobs", type=int, default=2,
                    help="pages loaded at a time (default 2)")
    ap.add_argument("--self-test", action="store_true",
                    help="check the checker on tests/html/sample.html and "
                    "broken variants, only")
    ap.add_argument("--screenshot", nargs=2, metavar=("OUT.png", "REPORT"),
                    help="take a screenshot of REPORT (1400x1800), only")
    ap.add_argument("captures", nargs="*", type=Path,
                    help="capture directories (captures/, captures/peers/)")
    args = ap.parse_args()
    chromium = find_chromium(args.chromium)
    if chromium is None:
        print(f"skip: chromium not found ({args.chromium}); "
              "apt-get install chromium")
        return SKIP
    tally = Tally()
    if args.screenshot:
        out, page = args.screenshot
        _, err, own, foreign, s = run_chromium(chromium, Path(page),
                                               "screenshot",
                                               out=os.path.abspath(out))
        tally.record(f"screenshot {out} ({s:.1f} s)",
                     ([err] if err else []) +
                     [f"page request: {r}" for r in foreign])
        return tally.finish()
    if args.self_test:
        self_test(tally, chromium)
        return tally.finish()
    if not args.rdpneg:
        ap.error("--rdpneg is required")
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rdpneg-html-") as tmp:
        cases = build_cases(args.captures, tmp)
        with ThreadPoolExecutor(args.jobs) as pool:
            done = list(pool.map(
                lambda c: run_case(c, args.rdpneg, chromium, tmp), cases))
    self_test(tally, chromium)
    report(tally, done)
    slowest = max(done, key=lambda c: c.seconds)
    print(f"{len(done)} pages in {time.monotonic() - start:.1f} s, "
          f"{args.jobs} at a time; slowest page {slowest.seconds:.1f} s "
          f"({slowest.family}: {slowest.name})")
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
