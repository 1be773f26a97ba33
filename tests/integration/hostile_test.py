#!/usr/bin/python3
"""Hostile input and load against a real Hearth (issue 7: never down, never lossy).

Run inside a private network namespace (see netns.sh), with /usr/bin/python3 (needs gi):

    netns.sh /usr/bin/python3 hostile_test.py --hearth build/hearth --workdir /tmp/hostile

One server instance (--max-streams raised for the renderer and stream checks), started with the soft
open-file limit at 1024 as systemd gives it, serves a corpus that mixes good files with files made to break
probes. Each attack is a named check with the expected behaviour:

  oversized   heads over 16 KiB → 431, SOAP bodies over 1 MiB → 413, RSS steady after 50 of each
  nesting     10,000 (and 100,000) nested XML elements in SOAP → a SOAP fault, server alive
  slowloris   500 connections trickling a header byte every few seconds; 200 renderers pausing
              mid-stream; a normal client's Browse p99 stays under 100 ms (reported; more, up to 500 ms,
              when the load average is above the CPU count); per-address limit
  ssdp        malformed datagrams ignored and counted (status.json ssdp.malformed); valid M-SEARCH answered
  gena        SUBSCRIBE/UNSUBSCRIBE with missing, duplicate or garbage SID/NT/CALLBACK/TIMEOUT → 400/412
  media       truncated, absurd, empty, huge-art, random, FIFO, socket, symlink-loop files: skipped or
              listed, the scan ends; files deleted or truncated while streamed end cleanly
  load        wrk: 50 Browse connections for --load-seconds → zero errors (p99 reported); 20 direct
              streams plus browsing → all complete with the right bytes
  soak        (only with --soak-seconds, as bench/soak.sh does) mixed load, VmRSS sampled each minute

Every check prints PASS/FAIL/SKIP; the last line is 'N passed, M failed'. All loops are bounded in count
and time; every process started is killed at the end.
"""

import hashlib
import http.client
import os
import random
import re
import resource
import select
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from e2elib import servers, suite  # noqa: E402
from e2elib import http as h  # noqa: E402
from e2elib import sources as s  # noqa: E402
from e2elib import tree as t  # noqa: E402
from e2elib import upnp as u  # noqa: E402
from e2elib.checks import expect  # noqa: E402

SERVER_NAME = "Hearth Hostile"
HOST = "127.0.0.1"
CLIENT = "127.0.0.2"  # the well-behaved household device
# Defaults for a release build; a sanitized (ASan) server is slower and keeps freed memory in quarantine, so
# CMake passes wider limits for it (--browse-p99-ms, --rss-growth-kib).
RSS_GROWTH_LIMIT = 4 * 1024  # KiB, after 50 oversized requests of each kind, and over a soak
BROWSE_P99_LIMIT = 0.100  # s, for the normal client during the slowloris and paused-renderer attacks
LOADED_LIMIT = 0.500  # s, the most loaded_limit() allows on a busy machine: the sanitized build's limit
HEADER_LIMIT = 16 * 1024

# Good files (listed) and files made to break probes; stems are the titles the server shows.
GOOD_VIDEO = "Videos/good.mp4"
GOOD_AUDIO = "Music/tone.mp3"
BIG_WAVS = [f"Music/stream{i}.wav" for i in range(4)]  # ~11 MB each, for streaming checks
DOOMED = ["Music/doomed_delete.wav", "Music/doomed_truncate.wav"]  # changed while streamed
HUGE_ART = "Music/huge_art.mp3"  # a 20 MB picture embedded
ABSURD_DURATION = "Videos/absurd_duration.mp4"  # mvhd duration hand-edited to 2^32-1 s
MUST_SKIP = {  # relpath -> why the scanner must skip it
    "Videos/truncated_head.mp4": "first 4 KiB of an mp4 whose moov is at the end",
    "Videos/truncated.mkv": "first 300 bytes of a Matroska file (inside its header)",
    "Videos/random.mp4": "random bytes",
    "Videos/random.mkv": "random bytes",
    "Music/random.mp3": "random bytes",
    "Music/random.flac": "random bytes",
    "Photos/random.jpg": "random bytes",
    "Videos/empty.mp4": "zero bytes",
    "Videos/fifo.mp4": "a FIFO",
    "Music/socket.mp3": "a UNIX socket",
}
NOT_LISTED = {  # never followed, never listed, nothing logged at info
    "Videos/zero.mp4": "symlink to /dev/zero (outside the media folders)",
    "Videos/self.mkv": "symlink to itself",
}


class Context:
    def __init__(self, args):
        self.args = args
        self.binary = args.hearth
        self.workdir = args.workdir  # absolute: suite.run made it so
        self.media = os.path.join(self.workdir, "media")
        self.server = None
        self.description = None
        self.tree = None
        self.items = {}  # title -> DidlObject
        self.figures = {}  # name -> text, printed at the end
        self.keep = []  # sockets (the UNIX socket file) kept until the end

    @property
    def control_url(self):
        return self.description.services[u.CDS].control_url

    @property
    def event_url(self):
        return self.description.services[u.CDS].event_url

    def path(self, relpath):
        return os.path.join(self.media, relpath)

    def log_text(self):
        with open(self.server.log_path, "rb") as fh:
            return fh.read().decode(errors="replace")

    def item(self, relpath):
        stem = os.path.splitext(os.path.basename(relpath))[0]
        expect(stem in self.items, f"{relpath} is not listed")
        return self.items[stem]

    def media_path(self, relpath):
        return urllib.parse.urlsplit(self.item(relpath).resources[0].uri).path


# --- helpers -------------------------------------------------------------------------------

def ff(*argv):
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *argv],
                   check=True, timeout=120)


def vm_rss_kib(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def percentile(values, pct):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def raw_request(source, port, head, body=b"", timeout=10.0):
    """Send head and body while no answer has come, then read to EOF. → (status or None, response bytes).

    A server may answer 431 or 413 before the whole request is in and close with the rest unread, which
    resets the connection. Linux keeps what had arrived readable after the reset, but a client blocked in a
    send gets the reset from the send: with 1 MiB of headers sent by one sendall, the 431 went unread once
    under load (issue 17). So head and body go out in pieces, sending stops once an answer can be read, and
    a send that fails still reads what came."""
    data = b""
    request = head + body
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((source, 0))
        sock.settimeout(timeout)
        sock.connect((HOST, port))
        deadline = time.monotonic() + timeout
        try:
            sent = 0
            while sent < len(request) and time.monotonic() < deadline:
                readable, writable, _ = select.select([sock], [sock], [], 1.0)
                if readable:
                    break
                if writable:
                    sent += sock.send(request[sent:sent + 65536])
        except (ConnectionResetError, BrokenPipeError, socket.timeout):
            pass
        try:
            while time.monotonic() < deadline and len(data) < 1 << 20:
                sock.settimeout(max(0.05, deadline - time.monotonic()))
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except (ConnectionResetError, BrokenPipeError, socket.timeout):
            pass
    match = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return (int(match.group(1)) if match else None), data


def browse_once(ctx, source=CLIENT, object_id="0", timeout=5):
    """One Browse on a new connection; → (seconds, HTTP status)."""
    parts = urllib.parse.urlsplit(ctx.control_url)
    body = h.browse_body(u.CDS, h.valid_browse_args(object_id)).encode()
    started = time.monotonic()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout,
                                      source_address=(source, 0))
    try:
        conn.request("POST", parts.path, body=body, headers={
            "Content-Type": 'text/xml; charset="utf-8"', "SOAPACTION": f'"{u.CDS}#Browse"'})
        resp = conn.getresponse()
        payload = resp.read()
        status = resp.status if b"BrowseResponse" in payload else -resp.status
    finally:
        conn.close()
    return time.monotonic() - started, status


class BrowseProbe:
    """A normal household client browsing on a thread of its own, every `interval` s; records latencies."""

    def __init__(self, ctx, interval=0.05, source=CLIENT):
        self.ctx, self.interval, self.source = ctx, interval, source
        self.latencies, self.errors = [], []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                took, status = browse_once(self.ctx, self.source)
                if status != 200:
                    self.errors.append(f"HTTP {status}")
                else:
                    self.latencies.append(took)
            except OSError as exc:
                self.errors.append(f"{type(exc).__name__}: {exc}")
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self._stop.set()
        self._thread.join(10)

    def summary(self):
        return (f"{len(self.latencies)} Browse, p50 {percentile(self.latencies, 50) * 1000:.1f} ms, "
                f"p99 {percentile(self.latencies, 99) * 1000:.1f} ms, max "
                f"{max(self.latencies, default=0) * 1000:.1f} ms, {len(self.errors)} errors")

    def expect_fast(self, what, minimum=50):
        expect(not self.errors, f"{what}: {len(self.errors)} Browse errors: {self.errors[:3]}")
        expect(len(self.latencies) >= minimum, f"{what}: only {len(self.latencies)} Browse answered")
        p99 = percentile(self.latencies, 99)
        limit = loaded_limit(self.ctx.args.browse_p99_ms / 1000)
        expect(p99 < limit, f"{what}: Browse p99 {p99 * 1000:.1f} ms (limit {limit * 1000:.0f} ms at load "
                            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs); {self.summary()}")


def loaded_limit(limit):
    """The Browse p99 limit on this machine now. With more runnable tasks than CPUs (a parallel build: load
    20 on 2 CPUs) every Browse waits for a CPU, attack or not: p99 reached 106 ms during slowloris while
    p50 stayed at 1.5 ms. So the limit grows with the load per CPU, up to LOADED_LIMIT; a server starved by
    an attack (Browse waiting seconds, or refused) still fails."""
    overcommit = os.getloadavg()[0] / (os.cpu_count() or 1)
    return max(limit, min(LOADED_LIMIT, limit * overcommit))


def expect_alive(ctx, what):
    expect(ctx.server.running(), f"server exited after {what}; log tail:\n{ctx.server.log_tail()}")
    _took, status = browse_once(ctx)
    expect(status == 200, f"Browse after {what}: HTTP {status}")


# --- corpus --------------------------------------------------------------------------------

def patch_mvhd_duration(path):
    """Hand-edit the movie header: timescale 1, duration 2^32-1 (136 years)."""
    with open(path, "r+b") as fh:
        data = fh.read()
        at = data.find(b"mvhd")
        expect(at > 0 and data[at + 4] == 0, "no version-0 mvhd in the mp4")
        fh.seek(at + 4 + 4 + 8)  # version/flags, creation and modification times
        fh.write(struct.pack(">II", 1, 0xFFFFFFFF))


def build_corpus(ctx):
    for sub in ("Music", "Photos", "Videos"):
        os.makedirs(ctx.path(sub), exist_ok=True)
    ff("-f", "lavfi", "-i", "testsrc=size=320x240:rate=10:duration=3", "-c:v", "libx264",
       "-preset", "ultrafast", "-pix_fmt", "yuv420p", ctx.path(GOOD_VIDEO))
    ff("-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "libmp3lame",
       ctx.path(GOOD_AUDIO))
    for index, relpath in enumerate(BIG_WAVS + DOOMED):
        ff("-f", "lavfi", "-i", f"sine=frequency={300 + 50 * index}:duration={60 + index}",
           "-ar", "48000", "-ac", "2", ctx.path(relpath))
    # 20 MB picture: a real JPEG header, then noise (a picture_mime() match of that size).
    small_jpeg = os.path.join(ctx.workdir, "small.jpg")
    ff("-f", "lavfi", "-i", "testsrc=size=64x64:rate=1:duration=1", "-frames:v", "1", small_jpeg)
    big_jpeg = os.path.join(ctx.workdir, "huge.jpg")
    with open(small_jpeg, "rb") as src, open(big_jpeg, "wb") as dst:
        dst.write(src.read())
        dst.write(os.urandom(20 * 1024 * 1024))
    ff("-i", ctx.path(GOOD_AUDIO), "-i", big_jpeg, "-map", "0", "-map", "1", "-c", "copy",
       "-id3v2_version", "3", "-disposition:v", "attached_pic", ctx.path(HUGE_ART))
    # An mp4 with its moov first (so the edit is in the header a probe reads first).
    ff("-i", ctx.path(GOOD_VIDEO), "-c", "copy", "-movflags", "+faststart", ctx.path(ABSURD_DURATION))
    patch_mvhd_duration(ctx.path(ABSURD_DURATION))
    with open(ctx.path(GOOD_VIDEO), "rb") as fh:
        whole = fh.read()
    mkv = os.path.join(ctx.workdir, "whole.mkv")
    ff("-i", ctx.path(GOOD_VIDEO), "-c", "copy", mkv)
    with open(mkv, "rb") as fh:
        mkv_head = fh.read(300)
    write = {
        "Videos/truncated_head.mp4": whole[:4096],
        "Videos/truncated.mkv": mkv_head,
        "Videos/random.mp4": os.urandom(65536),
        "Videos/random.mkv": os.urandom(300000),
        "Music/random.mp3": os.urandom(65536),
        "Music/random.flac": os.urandom(65536),
        "Photos/random.jpg": os.urandom(65536),
        "Videos/empty.mp4": b"",
    }
    for relpath, data in write.items():
        with open(ctx.path(relpath), "wb") as fh:
            fh.write(data)
    os.mkfifo(ctx.path("Videos/fifo.mp4"))
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(ctx.path("Music/socket.mp3"))
    ctx.keep.append(sock)
    os.symlink("/dev/zero", ctx.path("Videos/zero.mp4"))
    os.symlink("self.mkv", ctx.path("Videos/self.mkv"))
    os.symlink("..", ctx.path("Videos/loop"))  # a directory loop back into the media folder


# --- server --------------------------------------------------------------------------------

def usual_open_file_limit():
    """In the child before exec: the soft open-file limit systemd gives services (1024)."""
    servers._die_with_parent()  # noqa: SLF001 - the same death signal every harness child gets
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))


class LimitedServer(servers.ServerProcess):
    def start(self):
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in kill()
        self._log.write(("\n$ " + " ".join(self.argv) + "\n").encode())
        self._log.flush()
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     preexec_fn=usual_open_file_limit)
        servers._started.append(self)  # noqa: SLF001 - so that cleanup_all() kills it
        return self


def start_server(ctx):
    db = os.path.join(ctx.workdir, "hearth.db")
    port = servers.free_port("")
    argv = servers.hearth_argv(ctx.binary, ctx.media, db, "lo", port, SERVER_NAME)
    argv += ["--max-streams", "300", "--max-streams-per-device", "64"]
    server = LimitedServer(argv, os.path.join(ctx.workdir, "server.log"), HOST, port,
                           "/description.xml")
    server.start()
    ctx.server = server
    expect(server.wait_ready(timeout=20), f"not answering within 20 s; log:\n{server.log_tail()}")
    ctx.description = h.fetch_description(server.description_url)


def check_scan_finishes(ctx):
    """The scan ends (does not block on the FIFO) and the good files are listed."""
    def finished():
        _resp, data = s.status_json(ctx.server.base_url)
        return data is not None and data["scan"]["phase"] == "finished"

    expect(servers.wait_until(finished, 60, interval=0.5),
           f"scan not finished after 60 s: {s.status_json(ctx.server.base_url)[1]}")
    ctx.tree = t.walk(s.SourceBrowser(HOST, ctx.control_url), page_size=0)
    ctx.items = {item.title: item for item in ctx.tree.items}
    for relpath in [GOOD_VIDEO, GOOD_AUDIO, HUGE_ART] + BIG_WAVS + DOOMED:
        ctx.item(relpath)
    expect(not ctx.tree.truncated, f"the walk hit a bound: {ctx.tree.bound_hits[:3]}")


def check_open_file_limit_raised(ctx):
    lines = [line for line in ctx.log_text().splitlines() if "open-file limit" in line]
    expect(lines and "from 1024" in lines[0], f"no log line about raising the limit: {lines}")
    with open(f"/proc/{ctx.server.proc.pid}/limits", encoding="ascii") as fh:
        row = next(line for line in fh if line.startswith("Max open files"))
    soft = int(row.split()[3])
    expect(soft > 2000, f"soft open-file limit still {soft}: {row.strip()}")
    ctx.figures["open-file limit"] = lines[0].split("] ")[-1] if "] " in lines[0] else lines[0]


# --- oversized requests ------------------------------------------------------------------------

def big_header_request(ctx, total, count=1):
    pad = "a" * (total // count)
    lines = [f"POST {urllib.parse.urlsplit(ctx.control_url).path} HTTP/1.1",
             f"Host: {HOST}:{ctx.server.port}", "Content-Type: text/xml", "Content-Length: 0"]
    lines += [f"X-Pad-{i}: {pad}" for i in range(count)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def soap_head(ctx, length=None, chunked=False):
    lines = [f"POST {urllib.parse.urlsplit(ctx.control_url).path} HTTP/1.1",
             f"Host: {HOST}:{ctx.server.port}", 'Content-Type: text/xml; charset="utf-8"',
             f'SOAPACTION: "{u.CDS}#Browse"', "Connection: close"]
    lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def oversized_body(size):
    filler = "x" * (size - 400)
    return h.browse_body(u.CDS, h.valid_browse_args("0") + [("Pad", filler)]).encode()


def chunked(data, chunk=65536):
    out = b""
    for i in range(0, len(data), chunk):
        part = data[i:i + chunk]
        out += f"{len(part):x}\r\n".encode() + part + b"\r\n"
    return out + b"0\r\n\r\n"


def check_big_heads(ctx):
    problems = []
    for what, total, count, allowed in (
            ("one 20 KiB header", 20 * 1024, 1, (431,)),
            ("2,000 short headers (22 KiB)", 22 * 1024, 2000, (431,)),
            ("one 100 KiB header", 100 * 1024, 1, (431, 413)),
            ("1 MiB of headers", 1024 * 1024, 64, (431, 413))):
        status, data = raw_request(CLIENT, ctx.server.port, big_header_request(ctx, total, count))
        if status not in allowed:
            problems.append(f"{what}: {status} {data[:60]!r}")
    # Just under the limit still works.
    status, data = raw_request(CLIENT, ctx.server.port,
                               soap_head(ctx, 0)[:-2] + f"X-Pad: {'b' * 12000}\r\n\r\n".encode())
    if status in (431, 413) or status is None:
        problems.append(f"a 12 KiB head was refused: {status} {data[:60]!r}")
    expect(not problems, "; ".join(problems))


def check_big_bodies(ctx):
    problems = []
    body = oversized_body(2 * 1024 * 1024)
    status, data = raw_request(CLIENT, ctx.server.port, soap_head(ctx, len(body)), body)
    if status != 413:
        problems.append(f"2 MiB with Content-Length: {status} {data[:60]!r}")
    status, data = raw_request(CLIENT, ctx.server.port, soap_head(ctx, chunked=True), chunked(body))
    if status != 413:
        problems.append(f"2 MiB chunked: {status} {data[:60]!r}")
    # Content-Length far beyond what is sent: refused from the head alone, without waiting.
    started = time.monotonic()
    status, data = raw_request(CLIENT, ctx.server.port, soap_head(ctx, 10**12), b"x" * 1000,
                               timeout=5)
    if status != 413 or time.monotonic() - started > 2:
        problems.append(f"Content-Length 10^12: {status} after {time.monotonic() - started:.1f} s")
    small = oversized_body(900 * 1024)  # under 1 MiB: a normal (if odd) Browse
    status, data = raw_request(CLIENT, ctx.server.port, soap_head(ctx, len(small)), small)
    if status != 200:
        problems.append(f"900 KiB Browse: {status} {data[:80]!r}")
    expect(not problems, "; ".join(problems))


def check_oversized_rss(ctx):
    """50 oversized heads and 50 oversized bodies: RSS grows by less than 4 MiB."""
    pid = ctx.server.proc.pid
    head = big_header_request(ctx, 20 * 1024)
    body = oversized_body(2 * 1024 * 1024)
    body_head = soap_head(ctx, len(body))
    for _ in range(5):  # warm up the allocator and the pool threads
        raw_request(CLIENT, ctx.server.port, head)
        raw_request(CLIENT, ctx.server.port, body_head, body)
    before = vm_rss_kib(pid)
    statuses = []
    for _ in range(50):
        statuses.append(raw_request(CLIENT, ctx.server.port, head)[0])
        statuses.append(raw_request(CLIENT, ctx.server.port, body_head, body)[0])
    after = vm_rss_kib(pid)
    ctx.figures["RSS around 100 oversized requests"] = f"{before} KiB → {after} KiB"
    expect(set(statuses) <= {431, 413}, f"answers: {sorted(set(map(str, statuses)))}")
    expect(after - before < ctx.args.rss_growth_kib, f"VmRSS grew {after - before} KiB ({before} → {after})")


# --- deeply nested XML ---------------------------------------------------------------------

def nested(depth, inner="x", tag="a"):
    return f"<{tag}>" * depth + inner + f"</{tag}>" * depth


def check_nested_xml(ctx):
    cases = {
        "10,000 levels as the action": h.soap_envelope(nested(10000)),
        "10,000 levels in ObjectID": h.browse_body(u.CDS, [("ObjectID", nested(10000, "0"))] +
                                                   h.valid_browse_args()[1:]),
        "10,000 levels around the envelope": nested(10000, h.soap_envelope("<u:Browse/>")
                                                    .split("?>", 1)[1]),
        "100,000 levels as the action": h.soap_envelope(nested(100000)),
        "10,000 unclosed levels": h.soap_envelope("<a>" * 10000),
        "entity expansion (billion laughs)": (
            '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
            '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>'
            + h.browse_body(u.CDS, [("ObjectID", "&e;&e;&e;&e;&e;&e;")] +
                            h.valid_browse_args()[1:]).split("?>", 1)[1]),
    }
    problems = []
    for what, body in cases.items():
        started = time.monotonic()
        resp = h.soap_post(ctx.control_url, body, f"{u.CDS}#Browse", timeout=10)
        took = time.monotonic() - started
        code = h.upnp_error_code(resp.body)
        if resp.status != 500 or code is None:
            problems.append(f"{what}: HTTP {resp.status}, UPnP error {code}, {resp.body[:100]!r}")
        elif took > 2:
            problems.append(f"{what}: fault after {took:.1f} s")
        if not ctx.server.running():
            problems.append(f"{what}: the server exited")
            break
    expect(not problems, "; ".join(problems))
    expect_alive(ctx, "nested XML")


# --- slowloris and paused renderers ------------------------------------------------------------

def slow_sources(count):
    return [f"127.0.0.{10 + i}" for i in range(count)]


def check_slowloris(ctx, connections=500, seconds=20, per_address=50):
    """500 connections (50 from each of 10 addresses) each send one header byte every 2-4 s while a
    normal client browses."""
    request = (f"GET /description.xml HTTP/1.1\r\nHost: {HOST}:{ctx.server.port}\r\n"
               + "".join(f"X-Slow-{i}: {'z' * 40}\r\n" for i in range(100))).encode()
    conns = []
    try:
        for source in slow_sources(connections // per_address):
            for _ in range(per_address):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.bind((source, 0))
                sock.settimeout(5)
                sock.connect((HOST, ctx.server.port))
                sock.setblocking(False)
                conns.append([sock, 0, time.monotonic() + random.uniform(0, 3)])
        fds = None
        closed = 0
        with BrowseProbe(ctx) as probe:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                now = time.monotonic()
                if fds is None and now > deadline - seconds + 5:
                    fds = open_fds(ctx.server.proc.pid)
                for conn in conns:
                    sock, sent, due = conn
                    if sock is None or now < due:
                        continue
                    try:
                        sock.send(request[sent:sent + 1])
                        conn[1] = (sent + 1) % len(request)
                        conn[2] = now + random.uniform(2, 4)
                    except OSError:
                        sock.close()
                        conn[0] = None
                        closed += 1
                time.sleep(0.05)
        ctx.figures["slowloris: normal client"] = probe.summary()
        ctx.figures["slowloris: server descriptors"] = (f"{fds} open with {len(conns)} slow "
                                                        f"connections; {closed} closed by the server")
        probe.expect_fast("during slowloris")
        expect(closed == 0, f"{closed} slow connections were closed (idle timeout too short?)")
    finally:
        for sock, _sent, _due in conns:
            if sock is not None:
                sock.close()


def check_per_address_limit(ctx):
    """One address cannot hold more than 64 connections; another address is still served."""
    socks = []
    source = "127.0.0.40"
    try:
        for _ in range(80):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((source, 0))
            sock.settimeout(5)
            sock.connect((HOST, ctx.server.port))
            socks.append(sock)
        time.sleep(0.5)
        refused = 0
        for sock in socks:
            sock.setblocking(False)
            try:
                if sock.recv(1) == b"":
                    refused += 1
            except BlockingIOError:
                pass
            except OSError:
                refused += 1
        expect(refused == 80 - 64, f"{refused} of 80 connections from one address closed (want 16)")
        _took, status = browse_once(ctx)
        expect(status == 200, f"Browse from {CLIENT} while {source} holds 64: HTTP {status}")
    finally:
        for sock in socks:
            sock.close()


def check_paused_renderers(ctx, renderers=200, seconds=15):
    """200 renderers (20 from each of 10 addresses) start a stream, read 64 KiB and stop reading."""
    paths = [ctx.media_path(relpath) for relpath in BIG_WAVS]
    held = []
    try:
        for index in range(renderers):
            source = f"127.0.0.{60 + index % 10}"
            stream = s.HeldStream(source, HOST, ctx.server.port, paths[index % len(paths)],
                                  timeout=10)
            held.append(stream)
            if stream.status != 200:
                break
            stream.sock.settimeout(5)
            got = 0
            while got < 65536:
                chunk = stream.sock.recv(65536 - got)
                if not chunk:
                    break
                got += len(chunk)
        bad = [f"#{i} {st.describe()}" for i, st in enumerate(held) if st.status != 200]
        expect(not bad and len(held) == renderers, f"renderers not streaming: {bad[:3]}")
        fds = open_fds(ctx.server.proc.pid)
        with BrowseProbe(ctx) as probe:
            time.sleep(seconds)
        ctx.figures["paused renderers: normal client"] = probe.summary()
        ctx.figures["paused renderers: server descriptors"] = f"{fds} open with {renderers} streams"
        probe.expect_fast(f"while {renderers} renderers pause")
        _resp, data = s.status_json(ctx.server.base_url)
        streams = len(data["streams"]) if data else -1
        expect(streams >= 1, f"status.json lists {streams} streams")
    finally:
        for stream in held:
            stream.close()


# --- SSDP ------------------------------------------------------------------------------------

MALFORMED_DATAGRAMS = [
    ("random bytes", lambda: os.urandom(512)),
    ("64 KiB", lambda: b"M-SEARCH * HTTP/1.1\r\n" + b"X" * 65000),
    ("no ST", lambda: b'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"'
                      b"\r\nMX: 1\r\n\r\n"),
    ("no MAN", lambda: b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMX: 1\r\n"
                       b"ST: ssdp:all\r\n\r\n"),
    ("MX -1", lambda: b'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"'
                      b"\r\nMX: -1\r\nST: ssdp:all\r\n\r\n"),
    ("MX abc", lambda: b'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"'
                       b"\r\nMX: abc\r\nST: ssdp:all\r\n\r\n"),
    ("ST garbage bytes", lambda: b'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n'
                                 b'MAN: "ssdp:discover"\r\nMX: 1\r\nST: \x01\xff\xfe\x00zz\r\n\r\n'),
    ("NOTIFY without NT", lambda: b"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
                                  b"NTS: ssdp:alive\r\n\r\n"),
    ("empty", lambda: b""),
    ("one NUL", lambda: b"\x00"),
    ("only a request line", lambda: b"M-SEARCH * HTTP/1.1\r\n"),
]


def ssdp_counts(ctx):
    _resp, data = s.status_json(ctx.server.base_url)
    expect(data is not None and "ssdp" in data, f"status.json has no ssdp counters: {data}")
    return data["ssdp"]


def check_ssdp_malformed(ctx):
    before = ssdp_counts(ctx)
    rounds = 3
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP) as sock:
        sock.bind((HOST, 0))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(HOST))
        for _ in range(rounds):
            for _what, make in MALFORMED_DATAGRAMS:
                sock.sendto(make(), u.SSDP_GROUP)
                sock.sendto(make(), (HOST, 1900))  # unicast too
                time.sleep(0.01)
    want = rounds * 2 * len(MALFORMED_DATAGRAMS)

    def counted():
        return ssdp_counts(ctx)["malformed"] - before["malformed"] >= want

    servers.wait_until(counted, 5)
    after = ssdp_counts(ctx)
    grew = after["malformed"] - before["malformed"]
    ctx.figures["ssdp counters"] = f"before {before}, after {want} malformed datagrams {after}"
    expect(grew == want, f"ssdp.malformed grew by {grew}, sent {want} malformed datagrams")
    expect(after["ignored"] - before["ignored"] >= want, f"ssdp.ignored: {before} → {after}")
    expect(after["answered"] == before["answered"], f"a malformed search was answered: {after}")
    expect(ctx.server.running(), "server exited")


def check_ssdp_still_answers(ctx):
    answers = u.raw_msearch(HOST, u.MEDIA_SERVER, mx=1, listen=2.5)
    ours = [hd for _first, hd in answers if f":{ctx.server.port}/" in hd.get("LOCATION", "")]
    expect(ours, f"no answer to a valid M-SEARCH after the malformed ones ({len(answers)} heard)")
    expect(ssdp_counts(ctx)["answered"] >= 1, "ssdp.answered did not count it")


# --- GENA ------------------------------------------------------------------------------------

def gena(ctx, method, headers, body=b"", source=CLIENT):
    path = urllib.parse.urlsplit(ctx.event_url).path
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{ctx.server.port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    status, data = raw_request(source, ctx.server.port, head, body, timeout=5)
    sid = re.search(rb"\r\nSID: *([^\r\n]+)", data, re.I)
    return status, (sid.group(1).decode() if sid else None)


def check_gena_garbage(ctx):
    listener = s.SilentListener(CLIENT)
    cb = f"<{listener.url()}>"
    try:
        status, sid = gena(ctx, "SUBSCRIBE", [("NT", "upnp:event"), ("CALLBACK", cb),
                                              ("TIMEOUT", "Second-300")])
        expect(status == 200 and sid, f"a valid SUBSCRIBE: HTTP {status}, SID {sid}")
        cases = [
            ("SUBSCRIBE no NT", "SUBSCRIBE", [("CALLBACK", cb)], 412),
            ("SUBSCRIBE no CALLBACK", "SUBSCRIBE", [("NT", "upnp:event")], 412),
            ("SUBSCRIBE nothing", "SUBSCRIBE", [], 412),
            ("SUBSCRIBE NT garbage", "SUBSCRIBE", [("NT", "\x01\xfe garbage"), ("CALLBACK", cb)], 412),
            ("SUBSCRIBE CALLBACK garbage", "SUBSCRIBE", [("NT", "upnp:event"), ("CALLBACK", "<<>>\xff")],
             412),
            ("SUBSCRIBE CALLBACK port 0", "SUBSCRIBE",
             [("NT", "upnp:event"), ("CALLBACK", f"<http://{CLIENT}:0/>")], 412),
            ("SUBSCRIBE CALLBACK not http", "SUBSCRIBE",
             [("NT", "upnp:event"), ("CALLBACK", f"<ftp://{CLIENT}/>")], 412),
            ("SUBSCRIBE 200 callbacks", "SUBSCRIBE",
             [("NT", "upnp:event"), ("CALLBACK", cb * 200)], 412),
            ("SUBSCRIBE duplicate NT", "SUBSCRIBE", [("NT", "upnp:event"), ("NT", "upnp:event"),
                                                     ("CALLBACK", cb)], 400),
            ("SUBSCRIBE duplicate CALLBACK", "SUBSCRIBE", [("NT", "upnp:event"), ("CALLBACK", cb),
                                                           ("CALLBACK", cb)], 400),
            ("SUBSCRIBE duplicate TIMEOUT", "SUBSCRIBE",
             [("NT", "upnp:event"), ("CALLBACK", cb), ("TIMEOUT", "Second-300"),
              ("TIMEOUT", "Second-60")], 400),
            ("renewal unknown SID", "SUBSCRIBE", [("SID", "uuid:00000000-0000-0000-0000-000000000000")],
             412),
            ("renewal garbage SID", "SUBSCRIBE", [("SID", "\x7f\xff" * 50)], 412),
            ("renewal empty SID", "SUBSCRIBE", [("SID", "")], 412),
            ("renewal duplicate SID", "SUBSCRIBE", [("SID", sid), ("SID", sid)], 400),
            ("renewal SID with NT", "SUBSCRIBE", [("SID", sid), ("NT", "upnp:event")], 400),
            ("renewal SID with CALLBACK", "SUBSCRIBE", [("SID", sid), ("CALLBACK", cb)], 400),
            ("UNSUBSCRIBE no SID", "UNSUBSCRIBE", [], 412),
            ("UNSUBSCRIBE garbage SID", "UNSUBSCRIBE", [("SID", "garbage")], 412),
            ("UNSUBSCRIBE duplicate SID", "UNSUBSCRIBE", [("SID", sid), ("SID", "uuid:x")], 400),
            ("UNSUBSCRIBE SID with NT", "UNSUBSCRIBE", [("SID", sid), ("NT", "upnp:event")], 400),
            ("UNSUBSCRIBE SID with CALLBACK", "UNSUBSCRIBE", [("SID", sid), ("CALLBACK", cb)], 400),
        ]
        problems = []
        for what, method, headers, want in cases:
            status, _sid = gena(ctx, method, headers, b"<garbage/>" if "garbage" in what else b"")
            if status != want:
                problems.append(f"{what}: HTTP {status} (want {want})")
        for timeout in ("Second-abc", "Second--5", "infinite", "Second-" + "9" * 40, "\xff\xfe"):
            status, renewed = gena(ctx, "SUBSCRIBE", [("SID", sid), ("TIMEOUT", timeout)])
            if status != 200 or renewed != sid:
                problems.append(f"renewal with TIMEOUT {timeout!r}: HTTP {status}")
        status, _ = gena(ctx, "UNSUBSCRIBE", [("SID", sid)])
        if status != 200:
            problems.append(f"UNSUBSCRIBE of the real SID afterwards: HTTP {status}")
        status, _ = gena(ctx, "UNSUBSCRIBE", [("SID", sid)])
        if status != 412:
            problems.append(f"second UNSUBSCRIBE: HTTP {status} (want 412)")
        expect(not problems, "; ".join(problems))
    finally:
        listener.close()
    expect_alive(ctx, "GENA garbage")


# --- hostile media -----------------------------------------------------------------------------

def check_bad_files_skipped(ctx):
    """Each file made to break probes is skipped with one log line; none is listed."""
    log = ctx.log_text()
    problems = []
    for relpath, why in MUST_SKIP.items():
        stem = os.path.splitext(os.path.basename(relpath))[0]
        if stem in ctx.items:
            problems.append(f"{relpath} ({why}) is listed")
        lines = [line for line in log.splitlines() if ctx.path(relpath) in line and "skipping" in line]
        if len(lines) != 1:
            problems.append(f"{relpath} ({why}): {len(lines)} 'skipping' log lines")
    for relpath, why in NOT_LISTED.items():
        if os.path.splitext(os.path.basename(relpath))[0] in ctx.items:
            problems.append(f"{relpath} ({why}) is listed")
    expect(not problems, "; ".join(problems))


def check_absurd_duration(ctx):
    """An mp4 whose header claims 136 years: skipped, or listed with a duration that parses."""
    stem = "absurd_duration"
    if stem not in ctx.items:
        lines = [line for line in ctx.log_text().splitlines() if stem in line and "skipping" in line]
        expect(len(lines) == 1, f"neither listed nor skipped with one log line: {lines}")
        ctx.figures["absurd mvhd duration"] = "skipped: " + lines[0].split(": ", 1)[-1]
        return
    res = ctx.items[stem].resources[0]
    expect(re.fullmatch(r"\d+:\d{2}:\d{2}(\.\d+)?", res.duration or "0:00:00"),
           f"res duration {res.duration!r}")
    ctx.figures["absurd mvhd duration"] = f"listed, duration {res.duration!r}"
    resp = s.curl_from(CLIENT, ctx.server.base_url + urllib.parse.urlsplit(res.uri).path,
                       headers={"Range": "bytes=0-99"})
    expect(resp.status == 206, f"ranged GET: {resp.describe()}")


def check_huge_art(ctx):
    """A 20 MB embedded picture: the file is listed, its art is neither advertised nor served (over the
    16 MB kMaxEmbeddedArtBytes)."""
    item = ctx.item(HUGE_ART)
    expect(item.album_art is None, f"albumArtURI {item.album_art!r} for a 20 MB picture")
    resp = s.curl_from(HOST, ctx.server.base_url + f"/art/{item.id}.jpg", timeout=10)
    expect(resp.status == 404, f"/art/{item.id}.jpg: {resp.describe()}")
    ctx.figures["20 MB embedded art"] = f"listed; no albumArtURI; /art/{item.id}.jpg → HTTP {resp.status}"


def stream_until(ctx, relpath, after_bytes, action, timeout=15):
    """GET a file, call action() after `after_bytes`, read to the end; → (bytes got, Content-Length,
    how it ended)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    sock.bind((CLIENT, 0))
    sock.settimeout(timeout)
    got, length, how = 0, None, "eof"
    try:
        sock.connect((HOST, ctx.server.port))
        sock.sendall(f"GET {ctx.media_path(relpath)} HTTP/1.1\r\nHost: {HOST}:{ctx.server.port}\r\n"
                     "Connection: close\r\n\r\n".encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(4096)
            if not chunk:
                return 0, None, "no head"
            buf += chunk
        head, _sep, rest = buf.partition(b"\r\n\r\n")
        match = re.search(rb"Content-Length: *(\d+)", head, re.I)
        length = int(match.group(1)) if match else None
        got = len(rest)
        acted = False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not acted and got >= after_bytes:
                action()
                acted = True
            chunk = sock.recv(65536)
            if not chunk:
                break
            got += len(chunk)
        else:
            how = "timeout"
    except socket.timeout:
        how = "timeout"
    except ConnectionResetError:
        how = "reset"
    finally:
        sock.close()
    return got, length, how


def check_deleted_while_streamed(ctx):
    path = ctx.path(DOOMED[0])
    size = os.path.getsize(path)
    got, length, how = stream_until(ctx, DOOMED[0], 1 << 20, lambda: os.unlink(path))
    expect(length == size, f"Content-Length {length}, file {size}")
    expect(how == "eof" and got == size, f"deleted mid-stream: got {got} of {size} bytes ({how})")
    expect_alive(ctx, "a file deleted mid-stream")


def check_truncated_while_streamed(ctx):
    path = ctx.path(DOOMED[1])
    size = os.path.getsize(path)
    cut = 2 << 20

    def truncate():
        with open(path, "r+b") as fh:
            fh.truncate(cut)

    pid = ctx.server.proc.pid
    log_before = len(ctx.log_text().splitlines())
    got, length, how = stream_until(ctx, DOOMED[1], 1 << 20, truncate)
    expect(length == size, f"Content-Length {length}, file {size}")
    expect(how in ("eof", "reset") and got <= size,
           f"truncated mid-stream: {how} after {got} bytes (file cut to {cut})")
    cpu = cpu_seconds(pid)
    time.sleep(2)
    spent = cpu_seconds(pid) - cpu
    expect(spent < 0.5, f"server used {spent:.2f} s of CPU in the 2 s after the stream ended")
    new_lines = ctx.log_text().splitlines()[log_before:]
    mentions = [line for line in new_lines if "doomed_truncate" in line or "shorter" in line]
    ctx.figures["file truncated mid-stream"] = (f"{how} after {got} of {length} bytes; log: "
                                                f"{mentions[:2]}")
    expect(len(mentions) <= 1, f"more than one log line: {mentions[:3]}")
    expect_alive(ctx, "a file truncated mid-stream")


# --- load ------------------------------------------------------------------------------------

def check_wrk_browse(ctx, seconds):
    body_file = os.path.join(ctx.workdir, "browse-body.xml")
    with open(body_file, "w", encoding="utf-8") as fh:
        fh.write(h.browse_body(u.CDS, [("ObjectID", ctx.item(BIG_WAVS[0]).parent_id)] +
                               h.valid_browse_args()[1:]))
    lua = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "lib",
                       "browse.lua")
    argv = ["wrk", "-t", "2", "-c", "50", "-d", f"{seconds}s", "--timeout", "5s", "--latency",
            "-s", lua, ctx.control_url, "--", body_file, f'"{u.CDS}#Browse"']
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60,
                         check=False).stdout
    with open(os.path.join(ctx.workdir, "wrk.txt"), "w", encoding="utf-8") as fh:
        fh.write(out)
    bench = re.search(r"BENCH responses=(\d+) non2xx=(\d+) nodidl=(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    expect(bench, f"wrk printed no summary:\n{out[-800:]}")
    ctx.figures["wrk 50 connections"] = (f"{seconds} s, {bench.group(1)} Browse, "
                                         f"{rps.group(1) if rps else '?'} req/s, p99 "
                                         f"{p99.group(1) if p99 else '?'}, socket errors "
                                         f"{errors.groups() if errors else '(none)'}")
    expect(int(bench.group(1)) > seconds * 50, f"only {bench.group(1)} responses")
    expect(bench.group(2) == "0" and bench.group(3) == "0",
           f"non-2xx {bench.group(2)}, without DIDL items {bench.group(3)}")
    expect(errors is None, f"socket errors: {errors.group(0) if errors else ''}")


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_digest(ctx, source, path, results, index):
    digest = hashlib.sha256()
    size = 0
    try:
        parts = urllib.parse.urlsplit(ctx.server.base_url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30,
                                          source_address=(source, 0))
        conn.request("GET", path)
        resp = conn.getresponse()
        while True:
            block = resp.read(1 << 16)
            if not block:
                break
            size += len(block)
            digest.update(block)
        conn.close()
        results[index] = (resp.status, size, digest.hexdigest())
    except OSError as exc:
        results[index] = (None, size, f"{type(exc).__name__}: {exc}")


def check_concurrent_streams(ctx, count=20):
    """20 direct streams at once (from 5 addresses) while a client browses: every byte right."""
    files = BIG_WAVS + [GOOD_VIDEO, GOOD_AUDIO]
    want = {relpath: (os.path.getsize(ctx.path(relpath)), sha256_file(ctx.path(relpath)))
            for relpath in files}
    results = [None] * count
    threads = []
    with BrowseProbe(ctx, interval=0.1) as probe:
        for index in range(count):
            relpath = files[index % len(files)]
            thread = threading.Thread(target=fetch_digest, args=(
                ctx, f"127.0.0.{100 + index % 5}", ctx.media_path(relpath), results, index))
            thread.start()
            threads.append((relpath, thread))
        for _relpath, thread in threads:
            thread.join(60)
    ctx.figures["20 streams: normal client"] = probe.summary()
    problems = []
    for index, (relpath, _thread) in enumerate(threads):
        status, size, digest = results[index] or (None, 0, "not finished")
        if status != 200 or (size, digest) != want[relpath]:
            problems.append(f"#{index} {relpath}: HTTP {status}, {size} bytes "
                            f"(want {want[relpath][0]}), {digest[:16]}")
    expect(not problems, "; ".join(problems[:5]))
    expect(not probe.errors, f"Browse errors during the streams: {probe.errors[:3]}")


# --- soak ------------------------------------------------------------------------------------

class Soak:
    """Mixed Browse/Search/stream/subscribe load from a few threads for a bounded time."""

    def __init__(self, ctx, seconds):
        self.ctx, self.seconds = ctx, seconds
        self.counts = {"browse": 0, "search": 0, "stream": 0, "subscribe": 0}
        self.errors = []
        self.stop = threading.Event()

    def note_error(self, what):
        if len(self.errors) < 100:
            self.errors.append(what)

    def browser(self, source):
        containers = [o.id for o in self.ctx.tree.containers] + ["0"]
        while not self.stop.is_set():
            try:
                _took, status = browse_once(self.ctx, source, random.choice(containers))
                self.counts["browse"] += 1
                if status != 200:
                    self.note_error(f"Browse HTTP {status}")
            except OSError as exc:
                self.note_error(f"Browse {exc}")
            self.stop.wait(0.01)

    def searcher(self, source):
        criteria = ['upnp:class derivedfrom "object.item.audioItem"', 'dc:title contains "stream"',
                    '(upnp:class = "object.item.videoItem" or dc:title contains "good")']
        while not self.stop.is_set():
            body = h.soap_envelope(
                f'<u:Search xmlns:u="{u.CDS}"><ContainerID>0</ContainerID><SearchCriteria>'
                f"{random.choice(criteria).replace('&', '&amp;').replace('<', '&lt;')}"
                "</SearchCriteria><Filter>*</Filter><StartingIndex>0</StartingIndex>"
                "<RequestedCount>50</RequestedCount><SortCriteria></SortCriteria></u:Search>")
            try:
                resp = h.soap_post(self.ctx.control_url, body, f"{u.CDS}#Search")
                self.counts["search"] += 1
                if resp.status != 200:
                    self.note_error(f"Search HTTP {resp.status}")
            except OSError as exc:
                self.note_error(f"Search {exc}")
            self.stop.wait(0.05)

    def streamer(self, source):
        paths = [self.ctx.media_path(r) for r in BIG_WAVS + [GOOD_VIDEO]]
        while not self.stop.is_set():
            results = [None]
            path = random.choice(paths)
            if random.random() < 0.5 or path == paths[-1]:  # the mp4 is too short for these ranges
                fetch_digest(self.ctx, source, path, results, 0)
                ok = results[0] and results[0][0] == 200
            else:  # a renderer that seeks: a range, then leaves
                resp = s.curl_from(source, self.ctx.server.base_url + path,
                                   headers={"Range": f"bytes={random.randrange(0, 5 << 20)}-"
                                                     f"{(5 << 20) + 65535}"})
                ok = resp.status == 206
            self.counts["stream"] += 1
            if not ok:
                self.note_error(f"stream {path}: {results[0]}")
            self.stop.wait(0.2)

    def subscriber(self, source):
        listener = s.SilentListener(source)
        try:
            while not self.stop.is_set():
                status, sid = gena(self.ctx, "SUBSCRIBE", [("NT", "upnp:event"),
                                                           ("CALLBACK", f"<{listener.url()}>"),
                                                           ("TIMEOUT", "Second-300")], source=source)
                renewed, _ = gena(self.ctx, "SUBSCRIBE", [("SID", sid or "x")], source=source)
                gone, _ = gena(self.ctx, "UNSUBSCRIBE", [("SID", sid or "x")], source=source)
                self.counts["subscribe"] += 1
                if (status, renewed, gone) != (200, 200, 200):
                    self.note_error(f"GENA {status} {renewed} {gone}")
                self.stop.wait(0.5)
        finally:
            listener.close()

    def run(self):
        pid = self.ctx.server.proc.pid
        workers = [(self.browser, "127.0.0.150"), (self.browser, "127.0.0.151"),
                   (self.searcher, "127.0.0.152"), (self.streamer, "127.0.0.153"),
                   (self.streamer, "127.0.0.154"), (self.subscriber, "127.0.0.155")]
        threads = [threading.Thread(target=fn, args=(src,), daemon=True) for fn, src in workers]
        for thread in threads:
            thread.start()
        samples = [(0, vm_rss_kib(pid))]
        started = time.monotonic()
        try:
            while time.monotonic() - started < self.seconds and self.ctx.server.running():
                next_minute = started + 60 * len(samples)
                time.sleep(max(0.0, min(next_minute, started + self.seconds) - time.monotonic()))
                samples.append((round(time.monotonic() - started), vm_rss_kib(pid)))
                print(f"  soak t={samples[-1][0]} s VmRSS {samples[-1][1]} KiB {self.counts}",
                      flush=True)
        finally:
            self.stop.set()
            for thread in threads:
                thread.join(30)
        return samples


def run_soak(ctx, runner, seconds):
    box = {}

    def soak():
        load = Soak(ctx, seconds)
        samples = load.run()
        box["load"] = load
        expect(ctx.server.running(), "server exited during the soak")
        at_one = next((rss for t_s, rss in samples if t_s >= 60), samples[-1][1])
        last = samples[-1][1]
        ctx.figures["soak"] = (f"{seconds} s, {load.counts}; VmRSS at start {samples[0][1]} KiB, after "
                               f"1 min {at_one} KiB, at the end {last} KiB, difference "
                               f"{last - at_one:+d} KiB")
        ctx.figures["soak samples (s, KiB)"] = str(samples)
        expect(not load.errors, f"{len(load.errors)} errors: {load.errors[:5]}")
        expect(last - at_one < ctx.args.rss_growth_kib, f"VmRSS grew {last - at_one} KiB after the first minute")

    runner.run("soak_mixed_load_rss_steady", soak)


# --- main ------------------------------------------------------------------------------------

def run_all(ctx, runner):
    if not runner.run("corpus_built", build_corpus, ctx):
        return
    if not runner.run("server_starts", start_server, ctx):
        return
    runner.run("open_file_limit_raised_and_logged", check_open_file_limit_raised, ctx)
    if not runner.run("scan_finishes_despite_fifo_and_loops", check_scan_finishes, ctx):
        return
    if ctx.args.soak_seconds:
        run_soak(ctx, runner, ctx.args.soak_seconds)
        return
    phases = [
        ("media_bad_files_skipped_with_one_log_line", check_bad_files_skipped),
        ("media_absurd_mvhd_duration", check_absurd_duration),
        ("media_huge_embedded_art", check_huge_art),
        ("oversized_heads_431", check_big_heads),
        ("oversized_bodies_413", check_big_bodies),
        ("oversized_rss_steady", check_oversized_rss),
        ("nested_xml_soap_fault", check_nested_xml),
        ("ssdp_malformed_ignored_and_counted", check_ssdp_malformed),
        ("ssdp_valid_search_still_answered", check_ssdp_still_answers),
        ("gena_bad_headers_400_412", check_gena_garbage),
        ("per_address_connection_limit", check_per_address_limit),
        ("slowloris_500_browse_fast", check_slowloris),
        ("paused_renderers_200_browse_fast", check_paused_renderers),
        ("stream_file_deleted_midway", check_deleted_while_streamed),
        ("stream_file_truncated_midway", check_truncated_while_streamed),
        ("load_20_streams_right_bytes", check_concurrent_streams),
        ("load_wrk_50_browse", lambda c: check_wrk_browse(c, ctx.args.load_seconds)),
    ]
    for name, check in phases:
        if ctx.args.only and not any(word in name for word in ctx.args.only):
            continue
        started = time.monotonic()
        runner.run(name, check, ctx)
        print(f"  ({name}: {time.monotonic() - started:.1f} s)", flush=True)
    runner.run("server_alive_at_the_end", expect_alive, ctx, "every attack")


def options(parser):
    parser.add_argument("--load-seconds", type=int, default=60, help="wrk duration (default 60)")
    parser.add_argument("--soak-seconds", type=int, default=0,
                        help="run only the soak, this long (bench/soak.sh: 600)")
    parser.add_argument("--browse-p99-ms", type=float, default=BROWSE_P99_LIMIT * 1000,
                        help="limit for the normal client's Browse p99 under attack (default 100)")
    parser.add_argument("--rss-growth-kib", type=int, default=RSS_GROWTH_LIMIT,
                        help="allowed VmRSS growth (default 4096)")
    parser.add_argument("--only", action="append", help="run only checks whose name has this word")


def run_checks(args, runner, _workdir):
    ctx = Context(args)
    started = time.monotonic()
    try:
        run_all(ctx, runner)
    finally:  # the figures gathered so far, even when the run stops early
        for sock in ctx.keep:
            sock.close()
        for name, value in ctx.figures.items():
            print(f"  figure: {name}: {value}")
        print(f"  (total {time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    sys.exit(suite.run(run_checks, options=options, description=__doc__.split("\n\n")[0]))
