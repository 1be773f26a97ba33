#!/usr/bin/python3
"""Integration test of Hearth's household boundary (issue 3: household-only sharing).

Run inside a private network namespace (see netns.sh), with /usr/bin/python3 (needs gi):

    netns.sh /usr/bin/python3 boundary_test.py --hearth build/hearth --workdir /tmp/boundary

Loopback addresses stand in for devices: 127.0.0.1 is the host itself, 127.0.0.2-.7 are
household devices (--allow 127.0.0.0/29), 127.0.0.8 and 127.0.0.9 are outsiders. Five
server instances (distinct ports and databases, one after the other) check:

  policy    (--allow twice, --host-name twice) outsiders refused on every endpoint and
            by SSDP, DNS rebinding (Host) → 403, GENA callbacks only to the subscriber
            (CallStranger), path tricks under /media/ → 404, devices CLI, blocking in
            open mode, status-page device changes, refusal counters, log once per
            address and reason per minute
  approved  --devices approved: a pending device sees only a "Waiting for approval"
            container, 701 for real ids, 403 for media; approve → library; block → refused
  limits    --max-streams 2 --max-streams-per-device 1: 503 + Retry-After, slots freed
            on close, HEAD and images do not count, active streams in /status.json
  title     --one-stream-per-title
  hlo0      --interface hlo0 --devices approved: its address 127.0.0.2 is the host itself

Every check prints PASS/FAIL/SKIP; the last line is 'N passed, M failed'; the exit
status is non-zero when any check failed. All waits are bounded; every process started
is killed at the end.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from e2elib import corpus, gena, servers, suite  # noqa: E402
from e2elib import http as h  # noqa: E402
from e2elib import sources as s  # noqa: E402
from e2elib import tree as t  # noqa: E402
from e2elib import upnp as u  # noqa: E402
from e2elib.checks import expect  # noqa: E402

SERVER_NAME = "Hearth Boundary"
HOST = "127.0.0.1"  # the host itself: always allowed, always approved
DEV_A = "127.0.0.2"  # household devices (inside 127.0.0.0/29)
DEV_B = "127.0.0.3"
DEV_C = "127.0.0.4"
DEV_LAST = "127.0.0.7"  # last address inside 127.0.0.0/29
OUTSIDER = "127.0.0.9"
OUTSIDER_EDGE = "127.0.0.8"  # first address outside 127.0.0.0/29
ALLOW = "127.0.0.0/29"
HOST_NAME = "media.home"
HOST_NAME_2 = "tv.home"  # a second --host-name
ALLOW_2 = "127.0.0.16/30"  # a second --allow range (policy instance): .16-.19
PUBLIC_RANGE = "203.0.113.0/24"  # TEST-NET-3: not private; --allow must warn about it
USER_AGENT = "HearthBoundaryTest/1.0"
CLI_EFFECT = 3  # s: changes by the devices CLI take effect within this (contract)
APPROVAL_WAIT = 6  # s: changes by the CLI take effect within 3 s (contract); poll up to this
SLOT_WAIT = 4  # s: after closing a stream, poll this long for its slot to come back

REFUSAL_KEYS = ("outsider", "bad_host", "blocked", "pending", "stream_limit", "title_in_use")
DEVICE_KEYS = ("id", "status", "address", "name", "user_agent", "last_seen")
STREAM_KEYS = ("device_id", "address", "object_id", "title")

# The corpus: four long WAVs (distinct sizes, so items can be matched by size) that a
# client cannot drain from a header-only read, and one JPEG.
BIG = ["Music/big1.wav", "Music/big2.wav", "Music/big3.wav", "Music/big4.wav"]
JPEG = "Photos/pic.jpg"
VARIANTS = ("play.ts", "play.mp3")  # conversions: /media/<id>/<variant>
VIDEO = "Videos/clip.mp4"  # small: only used where the answer is 503 or a short range


class Instance:
    """One running hearth with its options, database and what the host sees of its library."""

    def __init__(self, label, server, db):
        self.label = label
        self.server = server
        self.db = db
        self.description = None
        self.tree = None
        self.ids = {}  # relpath -> object id
        self.paths = {}  # relpath -> path of its first res URL (/media/...)

    @property
    def port(self):
        return self.server.port

    @property
    def base(self):
        return self.server.base_url

    @property
    def control_url(self):
        return self.description.services[u.CDS].control_url

    @property
    def event_url(self):
        return self.description.services[u.CDS].event_url

    def url(self, path):
        return self.base + path

    def browser(self, source):
        return s.SourceBrowser(source, self.control_url, user_agent=USER_AGENT)

    def log_text(self):
        try:
            with open(self.server.log_path, "rb") as fh:
                return fh.read().decode(errors="replace")
        except OSError:
            return ""


class Context:
    def __init__(self, args):
        self.args = args
        self.binary = args.hearth
        self.workdir = args.workdir  # absolute: suite.run made it so
        self.media = os.path.join(self.workdir, "media")
        self.files = []

    def log(self, name):
        return os.path.join(self.workdir, name)


# --- setup ---------------------------------------------------------------------------------

def check_corpus(ctx):
    def ff(*argv):
        subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *argv],
                       check=True, timeout=60)

    for sub in ("Music", "Photos", "Videos"):
        os.makedirs(os.path.join(ctx.media, sub), exist_ok=True)
    for index, relpath in enumerate(BIG):
        # ~57 MB each (48 kHz stereo s16); sizes differ by one second of audio.
        ff("-f", "lavfi", "-i", f"sine=frequency={440 + 110 * index}:duration={300 + index}",
           "-ar", "48000", "-ac", "2", os.path.join(ctx.media, relpath))
    ff("-f", "lavfi", "-i", "testsrc=size=320x240:rate=1:duration=1", "-frames:v", "1",
       os.path.join(ctx.media, JPEG))
    ff("-f", "lavfi", "-i", "testsrc=size=320x240:rate=10:duration=2", "-c:v", "libx264",
       "-preset", "ultrafast", "-pix_fmt", "yuv420p", os.path.join(ctx.media, VIDEO))
    ctx.files = []
    for relpath in BIG + [JPEG, VIDEO]:
        kind = {JPEG: "image", VIDEO: "video"}.get(relpath, "audio")
        spec = corpus.MediaFile(relpath, kind, (), "object.item")
        spec.size = os.path.getsize(os.path.join(ctx.media, relpath))
        ctx.files.append(spec)
    expect(all(f.size > 50_000_000 for f in ctx.files if f.kind == "audio"), "WAVs too small")
    corpus.seal_read_only(ctx.media)


def free_port_any():
    """A TCP port no socket on any address uses right now (hearth listens on INADDR_ANY)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("", 0))
        return sock.getsockname()[1]


def start_instance(ctx, label, extra, attempts=3, iface="lo", address=HOST):
    db = os.path.join(ctx.workdir, f"{label}.db")
    for attempt in range(attempts):
        port = free_port_any()
        argv = servers.hearth_argv(ctx.binary, ctx.media, db, iface, port, SERVER_NAME) + extra
        server = servers.ServerProcess(argv, ctx.log(f"server-{label}.log"), address, port,
                                       "/description.xml")
        server.start()
        ready = server.wait_ready(timeout=20)
        if ready:
            break
        server.kill()
        # A client socket of an earlier check may have taken the port meanwhile: retry.
        if "cannot listen" not in server.log_tail() or attempt == attempts - 1:
            expect(False, f"{server.description_url} not answering within 20 s; log tail:\n"
                          f"{server.log_tail()}")
    inst = Instance(label, server, db)
    inst.description = h.fetch_description(server.description_url)
    expect(u.CDS in inst.description.services, "no ContentDirectory in the description")
    return inst


def wait_library(ctx, inst, timeout=40):
    """The host (127.0.0.1) walks the tree until every corpus file is listed and the scan has built the
    views (the root then lists more than Folders): later checks compare other devices' root with it."""
    browser = inst.browser(HOST)
    deadline = time.monotonic() + timeout
    while True:
        tree = t.walk(browser, page_size=0)
        matches = t.match_files(tree, ctx.files)
        missing = [path for path, items in matches.items() if not items]
        views = [o.id for o in tree.children.get("0", []) if o.id != "folders"]
        if (not missing and views) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    expect(not missing, f"not listed by the host after {timeout} s: {missing}")
    expect(views, f"the root has no views after {timeout} s")
    inst.tree = tree
    for path, items in matches.items():
        item = items[0]
        expect(item.resources, f"{path}: item {item.id!r} has no res")
        inst.ids[path] = item.id
        inst.paths[path] = urllib.parse.urlsplit(item.resources[0].uri).path


def start_and_index(ctx, runner, label, extra, **where):
    """Start an instance and wait for its library; → Instance or None (checks recorded)."""
    box = {}

    def starts():
        box["inst"] = start_instance(ctx, label, extra, **where)

    if not runner.run(f"{label}_server_starts", starts):
        return None
    if not runner.run(f"{label}_library_listed", wait_library, ctx, box["inst"]):
        stop_instance(box["inst"])
        return None
    return box["inst"]


def stop_instance(inst):
    inst.server.terminate(timeout=8)
    inst.server.kill()


def media_id(inst, relpath):
    """The decimal id in the item's res URL (/media/<id>[.<ext>])."""
    match = re.match(r"^/media/(\d+)(?:\.[a-z0-9]{1,5})?$", inst.paths[relpath])
    expect(match, f"{relpath}: res path {inst.paths[relpath]!r} is not /media/<decimal id>[.ext]")
    return match.group(1)


def ranged(source, url, headers=None):
    """A small ranged GET (so that a 57 MB file is not downloaded)."""
    return s.curl_from(source, url, headers=dict({"Range": "bytes=0-99"}, **(headers or {})))


# --- options -------------------------------------------------------------------------------

BAD_VALUES = (
    ("--allow", "bogus"),
    ("--allow", "10.0.0.0/33"),
    ("--allow", "256.1.2.3/8"),
    ("--devices", "maybe"),
    ("--max-streams", "abc"),
    ("--max-streams", "-1"),
    ("--max-streams-per-device", "abc"),
    ("--max-streams-per-device", "-2"),
)


def check_good_values(ctx):
    """All the new options with valid values are accepted (--scan-only, exit 0)."""
    argv = servers.hearth_argv(ctx.binary, ctx.media, ctx.log("options.db"), "lo",
                               servers.free_port(), SERVER_NAME, scan_only=True)
    argv += ["--allow", ALLOW, "--allow", "10.1.0.0/16", "--host-name", HOST_NAME,
             "--host-name", "tv.home", "--devices", "approved", "--max-streams", "2",
             "--max-streams-per-device", "1", "--one-stream-per-title"]
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60, check=False)
    expect(proc.returncode == 0, f"exit {proc.returncode}: {(proc.stdout + proc.stderr)[-400:]}")
    argv = argv[:argv.index("--devices")] + ["--devices", "open"] + \
        argv[argv.index("--devices") + 2:]
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60, check=False)
    expect(proc.returncode == 0, f"--devices open: exit {proc.returncode}: "
                                 f"{(proc.stdout + proc.stderr)[-400:]}")


def check_bad_values(ctx):
    """Each bad value: exit 2, one line naming the option."""
    problems = []
    for option, value in BAD_VALUES:
        argv = servers.hearth_argv(ctx.binary, ctx.media, ctx.log("options.db"), "lo",
                                   servers.free_port(), SERVER_NAME, scan_only=True)
        argv += [option, value]
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=30, check=False)
        lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
        if proc.returncode != 2:
            problems.append(f"{option} {value!r}: exit {proc.returncode}")
        elif len(lines) != 1 or option not in lines[0]:
            problems.append(f"{option} {value!r}: output {lines[:3]!r} (want one line naming "
                            f"{option})")
    expect(not problems, "; ".join(problems))


# --- policy instance: outsiders ------------------------------------------------------------

def outsider_requests(inst):
    """(what, url, method, headers, data) for every endpoint."""
    browse = h.browse_body(u.CDS, h.valid_browse_args("0"))
    item = inst.paths[BIG[0]]
    icon = next((urllib.parse.urlsplit(url).path for _m, url in inst.description.icons),
                "/icons/icon-48.png")
    return [
        ("description", "/description.xml", "GET", {}, None),
        ("SCPD", urllib.parse.urlsplit(inst.description.services[u.CDS].scpd_url).path, "GET",
         {}, None),
        ("SOAP control", urllib.parse.urlsplit(inst.control_url).path, "POST",
         {"Content-Type": 'text/xml; charset="utf-8"', "SOAPACTION": f'"{u.CDS}#Browse"'},
         browse),
        ("media", item, "GET", {"Range": "bytes=0-99"}, None),
        ("icon", icon, "GET", {}, None),
        ("presentation /", "/", "GET", {}, None),
        ("status.json", "/status.json", "GET", {}, None),
    ]


def check_outsider_every_endpoint(inst, outsider=OUTSIDER):
    problems = []
    for what, path, method, headers, data in outsider_requests(inst):
        resp = s.curl_from(outsider, inst.url(path), method=method, headers=headers, data=data)
        if not resp.closed_without_answer:
            problems.append(f"{what} ({method} {path}): {resp.describe()}")
    # GENA SUBSCRIBE, with a callback on the outsider itself: refused, and no NOTIFY there.
    listener = s.SilentListener(outsider)
    try:
        resp = s.curl_from(outsider, inst.event_url, method="SUBSCRIBE",
                           headers={"CALLBACK": f"<{listener.url()}>", "NT": "upnp:event",
                                    "TIMEOUT": "Second-300"})
        if not resp.closed_without_answer:
            problems.append(f"SUBSCRIBE {inst.event_url}: {resp.describe()}")
        time.sleep(1.5)
        if listener.connections:
            problems.append(f"SUBSCRIBE from the outsider: a connection reached its callback: "
                            f"{listener.connections[0]}")
    finally:
        listener.close()
    expect(not problems, "; ".join(problems))


def check_outsider_raw_close(inst):
    """The TCP connection is accepted and closed at once, without any byte sent back."""
    for payload, what in ((b"", "idle connection"),
                          (f"GET /description.xml HTTP/1.1\r\nHost: {HOST}:{inst.port}\r\n\r\n"
                           .encode(), "GET /description.xml")):
        start = time.monotonic()
        data, how = s.raw_exchange(OUTSIDER, HOST, inst.port, payload, timeout=3)
        took = time.monotonic() - start
        expect(not data, f"{what}: the server sent {data[:80]!r}")
        expect(how in ("eof", "reset"), f"{what}: still open after 3 s (not closed at once)")
        expect(took < 1.5, f"{what}: closed only after {took:.1f} s")


def check_allow_range_edges(inst):
    """--allow 127.0.0.0/29 --allow 127.0.0.16/30: exactly these ranges are served."""
    inside = s.curl_from(DEV_LAST, inst.url("/description.xml"))
    expect(inside.status == 200, f"{DEV_LAST}: {inside.describe()}")
    outside = s.curl_from(OUTSIDER_EDGE, inst.url("/description.xml"))
    expect(outside.closed_without_answer, f"{OUTSIDER_EDGE}: {outside.describe()}")
    # The second --allow range, 127.0.0.16/30.
    for address, served in (("127.0.0.15", False), ("127.0.0.16", True), ("127.0.0.19", True),
                            ("127.0.0.20", False)):
        resp = s.curl_from(address, inst.url("/description.xml"))
        ok = resp.status == 200 if served else resp.closed_without_answer
        expect(ok, f"{address} ({'inside' if served else 'outside'} {ALLOW_2}): "
                   f"{resp.describe()}")


def check_msearch(inst, unicast):
    where = f"{HOST}:{inst.port}/"
    answers = s.msearch_from([DEV_A, OUTSIDER], u.MEDIA_SERVER, where, mx=1,
                             listen=1.2 if unicast else 2.5,
                             unicast_to=HOST if unicast else None)
    expect(answers[DEV_A], f"no answer to the M-SEARCH from {DEV_A} (control)")
    expect(not answers[OUTSIDER],
           f"{len(answers[OUTSIDER])} answer(s) to the M-SEARCH from {OUTSIDER}")


# --- policy instance: Host header ----------------------------------------------------------

def hostname():
    return subprocess.run(["hostname"], capture_output=True, text=True, timeout=5,
                          check=False).stdout.strip()


def check_bad_host_403(inst):
    port = inst.port
    bad = [f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}",
           f"{OUTSIDER}:{port}", f"10.0.0.1:{port}", f"{HOST_NAME}.evil.example:{port}",
           f"localhost.evil.example:{port}"]
    problems = []
    for value in bad:
        resp = s.curl_from(DEV_A, inst.url("/description.xml"), headers={"Host": value})
        if resp.status != 403:
            problems.append(f"Host {value!r}: {resp.describe()}")
    # Every endpoint, GENA included.
    for what, path, method, headers, data in outsider_requests(inst):
        resp = s.curl_from(DEV_A, inst.url(path), method=method, data=data,
                           headers=dict(headers, Host=f"evil.example:{port}"))
        if resp.status != 403:
            problems.append(f"{what} with Host evil.example: {resp.describe()}")
    with gena.EventSink(DEV_A) as sink:
        resp = s.curl_from(DEV_A, inst.event_url, method="SUBSCRIBE", headers={
            "Host": f"evil.example:{port}", "CALLBACK": f"<{sink.url}>", "NT": "upnp:event",
            "TIMEOUT": "Second-300"})
        if resp.status != 403:
            problems.append(f"SUBSCRIBE with Host evil.example: {resp.describe()}")
        if sink.wait(1, timeout=1.5):
            problems.append("SUBSCRIBE with Host evil.example: a NOTIFY was sent")
    expect(not problems, "; ".join(problems))


def check_good_host_200(inst):
    port = inst.port
    name = hostname()
    good = [f"{HOST}:{port}", HOST, f"localhost:{port}", "localhost", f"{HOST_NAME}:{port}",
            HOST_NAME, f"{HOST_NAME_2}:{port}"]
    if name:
        good += [f"{name}:{port}", f"{name}.local:{port}"]
    problems = []
    for value in good:
        resp = s.curl_from(DEV_A, inst.url("/description.xml"), headers={"Host": value})
        if resp.status != 200:
            problems.append(f"Host {value!r}: {resp.describe()}")
    expect(not problems, "; ".join(problems))


def check_host_name_case_insensitive(inst):
    resp = s.curl_from(DEV_A, inst.url("/description.xml"),
                       headers={"Host": f"{HOST_NAME.upper()}:{inst.port}"})
    expect(resp.status == 200, f"Host {HOST_NAME.upper()!r}: {resp.describe()}")


# --- policy instance: GENA -----------------------------------------------------------------

def check_gena_callstranger(inst):
    """SUBSCRIBE from DEV_A with a callback elsewhere → 412, and nothing reaches it."""
    listeners = [s.SilentListener(addr) for addr in (DEV_B, HOST, OUTSIDER)]
    problems = []
    try:
        cases = [(f"callback on {lst.host}", f"<{lst.url()}>") for lst in listeners]
        cases.append(("callback by name (localhost)", f"<http://localhost:{listeners[1].port}/x>"))
        other = listeners[0]  # on DEV_B
        cases += [
            ("userinfo naming the subscriber", f"<http://{DEV_A}@{other.host}:{other.port}/x>"),
            ("userinfo with port", f"<http://{DEV_A}:{other.port}@{other.host}:{other.port}/x>"),
            ("upper-case scheme", f"<HTTP://{other.host}:{other.port}/x>"),
            ("decimal address", f"<http://{int.from_bytes(socket.inet_aton(other.host), 'big')}:"
                                f"{other.port}/x>"),
            ("IPv4-mapped IPv6", f"<http://[::ffff:{other.host}]:{other.port}/x>"),
            ("no angle brackets", f"http://{other.host}:{other.port}/x"),
        ]
        for what, callback in cases:
            resp = s.curl_from(DEV_A, inst.event_url, method="SUBSCRIBE",
                               headers={"CALLBACK": callback, "NT": "upnp:event",
                                        "TIMEOUT": "Second-300"})
            if resp.status != 412:
                problems.append(f"{what}: {resp.describe()} (SID {resp.header('sid')!r}), "
                                f"expected 412")
        time.sleep(3)
        for lst in listeners:
            if lst.connections:
                problems.append(f"listener {lst.host}:{lst.port} got a connection: "
                                f"{lst.connections[0]}")
    finally:
        for lst in listeners:
            lst.close()
    expect(not problems, "; ".join(problems))


def check_gena_mixed_callbacks(inst):
    """CALLBACK lists mixing the subscriber's own URL with another host's: the SUBSCRIBE is
    refused with 412 (any URL elsewhere makes it suspect), and nothing ever reaches the other host."""
    foreign = s.SilentListener(DEV_B)
    own = s.SilentListener(DEV_A)
    notes = []
    try:
        for order, callback in (("own first", f"<{own.url()}><{foreign.url('/y')}>"),
                                ("foreign first", f"<{foreign.url('/y')}><{own.url()}>")):
            resp = s.curl_from(DEV_A, inst.event_url, method="SUBSCRIBE",
                               headers={"CALLBACK": callback, "NT": "upnp:event",
                                        "TIMEOUT": "Second-300"})
            notes.append(f"{order}: {resp.describe()}")
            expect(resp.status == 412, f"{order}: {resp.describe()}, expected 412")
            if resp.header("sid"):
                s.curl_from(DEV_A, inst.event_url, method="UNSUBSCRIBE",
                            headers={"SID": resp.header("sid")})
        time.sleep(2)
        print("  mixed CALLBACK lists: " + "; ".join(notes)
              + f"; NOTIFYs to the subscriber's own URL: {len(own.connections)}")
        expect(not foreign.connections, f"the other host got a connection: "
                                        f"{foreign.connections[0] if foreign.connections else ''}")
    finally:
        foreign.close()
        own.close()


def check_gena_own_callback(inst):
    with gena.EventSink(DEV_A) as sink:
        resp = s.curl_from(DEV_A, inst.event_url, method="SUBSCRIBE",
                           headers={"CALLBACK": f"<{sink.url}>", "NT": "upnp:event",
                                    "TIMEOUT": "Second-300"})
        sid = resp.header("sid") or ""
        expect(resp.status == 200 and sid.startswith("uuid:"),
               f"SUBSCRIBE with a callback on the subscriber: {resp.describe()}, SID {sid!r}")
        events = sink.wait(1, timeout=5)
        expect(events, f"no initial NOTIFY at {sink.url} within 5 s")
        expect(events[0][0].get("SID") == sid, f"NOTIFY SID {events[0][0].get('SID')!r}")
        s.curl_from(DEV_A, inst.event_url, method="UNSUBSCRIBE", headers={"SID": sid})


# --- policy instance: paths ----------------------------------------------------------------

def check_media_path_control(inst):
    """Control: the listed URL and /media/<id>.<ext> are served (206 for a small range)."""
    ident = media_id(inst, BIG[0])
    for path in (inst.paths[BIG[0]], f"/media/{ident}", f"/media/{ident}.wav",
                 f"/media/{ident}.mp4"):
        resp = ranged(DEV_A, inst.url(path))
        expect(resp.status in (200, 206), f"{path}: {resp.describe()}")


def check_path_tricks(ctx, inst):
    ident = media_id(inst, BIG[0])
    abs_path = os.path.join(ctx.media, BIG[0])
    tricks = [
        "/media/..%2F..%2Fetc%2Fpasswd",
        "/media/%2e%2e/%2e%2e/etc/passwd",
        "/media/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/media//etc/passwd",
        "/media/../../etc/passwd",
        f"/media/{ident}/../../etc/passwd",
        f"/media/{ident}/..%2F..%2Fetc%2Fpasswd",
        f"/media/{ident}%00.mp4",
        f"/media/{ident}%00",
        "/media/0x1",
        f"/media/0x{int(ident):x}",
        "/media/-1",
        f"/media/-{ident}",
        "/media/+1",
        f"/media/{ident}abc",
        f"/media/{ident}.WAV",
        f"/media/{ident}.toolong",
        f"/media/{ident}.wav/x",
        f"/media/{ident}/x",
        f"/media/{ident}/",
        "/media/99999999999999999999999999",
        "/media/",
        "/media",
        "/media/" + abs_path.lstrip("/"),
        "/media/" + abs_path,
        "/media/" + urllib.parse.quote(abs_path, safe=""),
        "/media/~root/.bashrc",
        "/media/%5c..%5c..%5cetc%5cpasswd",
        "/media/%252e%252e%252fetc%252fpasswd",
        # The conversion URLs /media/<id>/play.ts|play.mp3 and tricks around them.
        f"/media/{ident}/play.ts/../../../etc/passwd",
        f"/media/{ident}/play.ts/x",
        f"/media/{ident}/PLAY.TS",
        f"/media/{ident}/play.tsx",
        f"/media/{ident}/play.wav",
        f"/media/{ident}/play.",
        f"/media/{ident}/../{ident}/play.ts",
        f"/media/{ident}.wav/play.ts",
        f"/media/{ident}//play.ts",
        "/media//play.ts",
        "/media/0/play.ts",
        "/media/-1/play.ts",
        "/media/0x1/play.ts",
        "/media/99999999999999999999999999/play.ts",
        "/media/" + abs_path.lstrip("/") + "/play.ts",
        f"/media/{ident}%2f..%2f..%2fetc%2fpasswd",
    ]
    problems = []
    for path in tricks:
        resp = ranged(DEV_A, inst.url(path))
        if resp.status != 404:
            problems.append(f"{path}: {resp.describe()}")
        if b"root:" in resp.body:
            problems.append(f"{path}: LEAKED /etc/passwd {resp.body[:40]!r}")
        elif resp.body[:4] == b"RIFF":
            problems.append(f"{path}: served the media file's bytes")
    expect(not problems, f"{len(problems)}/{len(tricks)} not 404: " + "; ".join(problems))


def check_container_id_404(inst):
    containers = [c.id for c in inst.tree.containers] + ["0"]
    problems = []
    for cid in containers:
        quoted = urllib.parse.quote(cid, safe="")
        for path in (f"/media/{quoted}", f"/media/{quoted}/play.ts", f"/media/{quoted}/play.mp3"):
            resp = ranged(DEV_A, inst.url(path))
            if resp.status != 404:
                problems.append(f"container {cid!r} ({path}): {resp.describe()}")
    expect(not problems, "; ".join(problems))


# --- devices (CLI) -------------------------------------------------------------------------

def list_devices(ctx, inst):
    code, out, err = s.devices_cli(ctx.binary, inst.db, "list")
    expect(code == 0, f"devices list exited {code}: {(out + err)[-300:]}")
    return s.parse_devices_list(out)


def device_for(ctx, inst, address):
    _header, devices = list_devices(ctx, inst)
    found = [d for d in devices if d.address == address]
    expect(found, f"no device with ADDRESS {address} in `devices list`: "
                  f"{[(d.id, d.address, d.status) for d in devices]}")
    return found[0]


def check_open_pending_plays(inst):
    """--devices open: a new (pending) device may browse and play."""
    browser = inst.browser(DEV_C)
    root = browser.browse("0")
    expect([o.id for o in root.objects] == [o.id for o in inst.tree.children["0"]],
           f"{DEV_C} root: {[o.title for o in root.objects]}")
    resp = ranged(DEV_C, inst.url(inst.paths[BIG[1]]), headers={"User-Agent": USER_AGENT})
    expect(resp.status == 206, f"{DEV_C} media: {resp.describe()}")


def check_devices_list_format(ctx, inst):
    header, devices = list_devices(ctx, inst)
    expect(header == s.DEVICE_COLUMNS, f"header {header!r}, expected {s.DEVICE_COLUMNS!r}")
    bad = [d.raw for d in devices if len(d.raw) != len(s.DEVICE_COLUMNS)]
    expect(not bad, f"rows without {len(s.DEVICE_COLUMNS)} tab-separated columns: {bad[:3]!r}")
    dev = device_for(ctx, inst, DEV_C)
    expect(dev.status == "pending", f"{DEV_C}: STATUS {dev.status!r}, expected pending")
    expect(dev.id.isdigit() or dev.id, f"{DEV_C}: ID {dev.id!r}")
    expect(USER_AGENT in dev.user_agent, f"{DEV_C}: USER-AGENT {dev.user_agent!r}")
    expect(dev.last_seen, f"{DEV_C}: empty LAST-SEEN")
    statuses = {d.status for d in devices}
    expect(statuses <= {"pending", "approved", "blocked"}, f"statuses {statuses}")


def check_devices_unknown_id(ctx, inst):
    problems = []
    for verb in ("approve", "block"):
        code, out, err = s.devices_cli(ctx.binary, inst.db, verb, "987654321")
        if code != 2:
            problems.append(f"{verb} 987654321: exit {code} {(out + err).strip()[:120]!r}")
    expect(not problems, "; ".join(problems))


def wait_refused(inst, source, timeout=APPROVAL_WAIT):
    """Poll until `source` gets no HTTP answer for the description; → last CurlResult."""
    deadline = time.monotonic() + timeout
    while True:
        resp = s.curl_from(source, inst.url("/description.xml"))
        if resp.closed_without_answer or time.monotonic() > deadline:
            return resp
        time.sleep(0.3)


def check_blocked_refused(ctx, inst, source, other):
    """`devices block ID`: within 3 s `source` is refused like an outsider everywhere and
    gets no M-SEARCH answer (while `other` does)."""
    dev = device_for(ctx, inst, source)
    kept = s.KeepAlive(source, HOST, inst.port)  # opened before the block
    status, _body, how = kept.request("/description.xml")
    expect(status == 200 and how == "ok", f"{source} before block: HTTP {status} ({how})")
    code, out, err = s.devices_cli(ctx.binary, inst.db, "block", dev.id)
    expect(code == 0, f"block {dev.id}: exit {code} {(out + err).strip()[:200]!r}")
    start = time.monotonic()
    resp = wait_refused(inst, source)
    expect(resp.closed_without_answer,
           f"{source} still answered {APPROVAL_WAIT} s after block: {resp.describe()}")
    took = time.monotonic() - start
    print(f"  refused {took:.1f} s after block")
    expect(took <= CLI_EFFECT + 0.5, f"refused only {took:.1f} s after block "
                                     f"(contract: within {CLI_EFFECT} s)")
    problems = []
    status, body, how = kept.request("/description.xml")
    kept.close()
    if status is not None or body:
        problems.append(f"connection kept alive from before the block: HTTP {status} "
                        f"{body[:60]!r}")
    for what, path, method, headers, data in outsider_requests(inst):
        resp = s.curl_from(source, inst.url(path), method=method, headers=headers, data=data)
        if not resp.closed_without_answer:
            problems.append(f"{what}: {resp.describe()}")
    where = f"{HOST}:{inst.port}/"
    answers = s.msearch_from([other, source], u.MEDIA_SERVER, where, mx=1, listen=2.5)
    if not answers[other]:
        problems.append(f"no M-SEARCH answer for {other} either (control)")
    if answers[source]:
        problems.append(f"{len(answers[source])} M-SEARCH answer(s) to blocked {source}")
    unicast = s.msearch_from([other, source], u.MEDIA_SERVER, where, listen=1.2,
                             unicast_to=HOST)
    if unicast[source]:
        problems.append(f"unicast M-SEARCH from blocked {source} answered")
    expect(not problems, "; ".join(problems))
    dev = device_for(ctx, inst, source)
    expect(dev.status == "blocked", f"devices list STATUS {dev.status!r} after block")


# --- status data and logs ------------------------------------------------------------------

def get_status(inst):
    resp, data = s.status_json(inst.base, HOST)
    expect(resp.status == 200, f"GET /status.json: {resp.describe()}")
    expect(isinstance(data, dict), f"/status.json is not a JSON object: {resp.body[:200]!r}")
    return data


def check_status_shape(inst):
    data = get_status(inst)
    refusals = data.get("refusals")
    expect(isinstance(refusals, dict), f"refusals {refusals!r}")
    missing = [k for k in REFUSAL_KEYS if not isinstance(refusals.get(k), int)]
    expect(not missing, f"refusals lacks integer {missing}: {refusals}")
    devices = data.get("devices")
    expect(isinstance(devices, list), f"devices {devices!r}")
    for dev in devices:
        lacking = [k for k in DEVICE_KEYS if k not in dev]
        expect(not lacking, f"device entry lacks {lacking}: {dev}")
    expect(any(d.get("address") == DEV_C for d in devices),
           f"no device with address {DEV_C}: {[d.get('address') for d in devices]}")
    expect(isinstance(data.get("streams"), list), f"streams {data.get('streams')!r}")


def refusal_counts(inst):
    return get_status(inst).get("refusals") or {}


def check_counters(inst, minimum):
    """refusals[reason] >= n for each (reason, n)."""
    refusals = refusal_counts(inst)
    low = {k: refusals.get(k) for k, n in minimum.items()
           if not isinstance(refusals.get(k), int) or refusals[k] < n}
    expect(not low, f"counters below {minimum}: {low} (all: {refusals})")


def check_log_once_per_minute(inst):
    """20 more outsider connections within the minute: no more log lines name the outsider.

    The outsider was first refused many checks earlier, and under load those took over a minute: the
    refusal was then rightly logged again. So one connection first: when it is logged, the minute starts
    there and the 20 after it add no line; when it is not, the minute started earlier and may end during
    the 20, which then add at most one."""
    def outsider_lines():
        return [line for line in inst.log_text().splitlines()
                if OUTSIDER in line and not line.startswith("$ ")]

    def connect():
        s.raw_exchange(OUTSIDER, HOST, inst.port,
                       f"GET / HTTP/1.1\r\nHost: {HOST}:{inst.port}\r\n\r\n".encode(), timeout=1)

    before = refusal_counts(inst).get("outsider", 0)
    earlier = len(outsider_lines())
    connect()
    time.sleep(0.5)
    first = outsider_lines()
    expect(first, f"no log line names {OUTSIDER}")
    allowed = 0 if len(first) > earlier else 1
    started = time.monotonic()
    for _ in range(20):
        connect()
    time.sleep(0.5)
    after = refusal_counts(inst).get("outsider", 0)
    lines = outsider_lines()
    expect(time.monotonic() - started < 50, "20 refused connections took longer than the check allows")
    expect(len(lines) - len(first) <= allowed,
           f"{len(lines) - len(first)} more log lines name {OUTSIDER} after 20 connections "
           f"(want at most {allowed}): {lines[len(first):][:3]}")
    low = lines[-1].lower()
    expect(any(word in low for word in ("outsider", "allow", "refus", "outside")),
           f"log line does not say why: {lines[-1]!r}")
    expect(isinstance(before, int) and isinstance(after, int) and after >= before + 21,
           f"outsider counter {before} -> {after} after 21 connections")


def check_blocked_logged(inst, source):
    lines = [line for line in inst.log_text().splitlines()
             if source in line and "block" in line.lower() and not line.startswith("$ ")
             and "refus" in line.lower()]
    expect(len(lines) == 1, f"{len(lines)} refusal log lines name blocked {source} (want 1, "
                            f"once per minute): {lines[:3]}")


def check_no_public_warning(inst):
    lines = [line for line in inst.log_text().splitlines()
             if "public" in line.lower() and not line.startswith("$ ")]
    expect(not lines, f"warning for a private --allow range: {lines[:2]}")


def check_public_warning(inst, cidr):
    lines = [line for line in inst.log_text().splitlines()
             if cidr in line and not line.startswith("$ ")]
    expect(lines, f"no warning names the public --allow range {cidr}")


def check_bad_host_logged(inst):
    lines = [line for line in inst.log_text().splitlines()
             if DEV_A in line and "host" in line.lower() and not line.startswith("$ ")]
    expect(len(lines) == 1, f"{len(lines)} log lines name {DEV_A} and a bad Host (want 1, "
                            f"once per minute): {lines[:3]}")


# --- SIGHUP reload keeps the boundary ----------------------------------------------------

def sighup(inst, timeout=5):
    """SIGHUP the server and wait (bounded) for its 'reload:' log line."""
    before = inst.log_text().count("reload:")
    inst.server.proc.send_signal(signal.SIGHUP)
    ok = servers.wait_until(lambda: inst.log_text().count("reload:") > before, timeout, 0.1)
    expect(ok, f"no 'reload:' log line {timeout} s after SIGHUP; log tail:\n"
               f"{inst.server.log_tail(5)}")
    expect(inst.server.running(), "the server exited on SIGHUP")
    time.sleep(0.3)


def check_policy_after_reload(inst):
    """After SIGHUP the command-line boundary still holds."""
    sighup(inst)
    problems = []
    resp = s.curl_from(OUTSIDER, inst.url("/description.xml"))
    if not resp.closed_without_answer:
        problems.append(f"outsider {OUTSIDER}: {resp.describe()}")
    resp = s.curl_from(DEV_A, inst.url("/description.xml"), headers={"Host": "evil.example"})
    if resp.status != 403:
        problems.append(f"Host evil.example: {resp.describe()}")
    resp = s.curl_from(DEV_A, inst.url("/description.xml"),
                       headers={"Host": f"{HOST_NAME}:{inst.port}"})
    if resp.status != 200:
        problems.append(f"Host {HOST_NAME}: {resp.describe()}")
    resp = s.curl_from(DEV_C, inst.url("/description.xml"))
    if not resp.closed_without_answer:
        problems.append(f"blocked {DEV_C}: {resp.describe()}")
    expect(not problems, "after SIGHUP: " + "; ".join(problems))


def check_approval_after_reload(inst):
    sighup(inst)
    check_pending_root(inst, DEV_B)
    resp = ranged(DEV_B, inst.url(inst.paths[BIG[0]]))
    expect(resp.status == 403, f"after SIGHUP, pending media: {resp.describe()}")


def check_limits_after_reload(inst):
    sighup(inst)
    streams = Streams(inst)
    try:
        expect_playing(streams.get(DEV_A, BIG[0]), f"{DEV_A} {BIG[0]}")
        expect_playing(streams.get(DEV_B, BIG[1]), f"{DEV_B} {BIG[1]}")
        expect_503(streams.get(DEV_C, BIG[2]), f"after SIGHUP, {DEV_C} {BIG[2]} (3rd stream)")
    finally:
        streams.close_all()


# --- the policy instance -------------------------------------------------------------------

def run_policy(ctx, runner):
    inst = start_and_index(ctx, runner, "policy", ["--allow", ALLOW, "--allow", ALLOW_2,
                                                   "--host-name", HOST_NAME,
                                                   "--host-name", HOST_NAME_2])
    if inst is None:
        return
    try:
        runner.run("household_device_served", lambda: expect(
            s.curl_from(DEV_A, inst.url("/description.xml")).status == 200,
            f"{DEV_A} not served"))
        runner.run("outsider_refused_every_endpoint", check_outsider_every_endpoint, inst)
        runner.run("outsider_connection_closed_at_once", check_outsider_raw_close, inst)
        runner.run("allow_range_edges", check_allow_range_edges, inst)
        runner.run("msearch_multicast_outsider_ignored", check_msearch, inst, False)
        runner.run("msearch_unicast_outsider_ignored", check_msearch, inst, True)
        runner.run("dns_rebinding_bad_host_403", check_bad_host_403, inst)
        runner.run("host_header_ours_200", check_good_host_200, inst)
        runner.run("host_name_case_insensitive", check_host_name_case_insensitive, inst)
        runner.run("gena_callback_elsewhere_412_nothing_sent", check_gena_callstranger, inst)
        runner.run("gena_mixed_callbacks_nothing_sent_elsewhere", check_gena_mixed_callbacks, inst)
        runner.run("gena_callback_on_subscriber_200_event", check_gena_own_callback, inst)
        runner.run("media_valid_paths_served", check_media_path_control, inst)
        runner.run("media_path_tricks_404", check_path_tricks, ctx, inst)
        runner.run("media_container_id_404", check_container_id_404, inst)
        runner.run("open_mode_pending_device_plays", check_open_pending_plays, inst)
        runner.run("devices_list_format", check_devices_list_format, ctx, inst)
        runner.run("devices_unknown_id_exit_2", check_devices_unknown_id, ctx, inst)
        runner.run("status_json_shape", check_status_shape, inst)
        runner.run("open_mode_pending_cannot_manage", check_open_pending_cannot_manage, ctx,
                   inst, DEV_A, DEV_C)
        runner.run("open_mode_blocked_refused", check_blocked_refused, ctx, inst, DEV_C, DEV_A)
        runner.run("refusal_counters_grow", check_counters, inst,
                   {"outsider": 10, "bad_host": 5, "blocked": 1})
        runner.run("refusal_log_once_per_address_per_minute", check_log_once_per_minute, inst)
        runner.run("bad_host_logged_once", check_bad_host_logged, inst)
        runner.run("blocked_logged_once", check_blocked_logged, inst, DEV_C)
        runner.run("private_allow_range_no_warning", check_no_public_warning, inst)
        runner.run("sighup_keeps_boundary", check_policy_after_reload, inst)
        runner.run("policy_server_alive", lambda: expect(inst.server.running(), "exited"))
    finally:
        stop_instance(inst)


# --- the approved-mode instance ------------------------------------------------------------

def check_pending_root(inst, source):
    result = inst.browser(source).browse("0")
    expect(result.number_returned == 1 and result.total_matches == 1 and len(result.objects) == 1,
           f"NumberReturned={result.number_returned} TotalMatches={result.total_matches} "
           f"objects={[o.title for o in result.objects]}")
    obj = result.objects[0]
    expect(obj.is_container, f"{obj.title!r} is not a container")
    expect(obj.title.startswith("Waiting for approval"), f"title {obj.title!r}")
    expect(obj.child_count == 0, f"childCount {obj.child_count}")
    real = {o.id for o in inst.tree.objects.values()}
    expect(obj.id not in real, f"placeholder id {obj.id!r} is a real object id")


def check_pending_metadata_root(inst, source):
    result = inst.browser(source).browse("0", flag="BrowseMetadata")
    expect(len(result.objects) == 1 and result.objects[0].id == "0" and
           result.objects[0].is_container, f"BrowseMetadata 0: {result.objects}")


def check_pending_real_ids_701(inst, source):
    browser = inst.browser(source)
    problems = []
    targets = [(c.id, "BrowseDirectChildren") for c in inst.tree.containers]
    targets += [(inst.ids[BIG[0]], "BrowseMetadata"), (inst.ids[JPEG], "BrowseMetadata")]
    targets += [(c.id, "BrowseMetadata") for c in inst.tree.containers[:1]]
    for object_id, flag in targets:
        try:
            result = browser.browse(object_id, flag=flag)
        except u.UPnPFault as fault:
            if fault.code != 701:
                problems.append(f"{flag} {object_id!r}: error {fault.code}, expected 701")
            continue
        problems.append(f"{flag} {object_id!r}: answered with "
                        f"{[o.title for o in result.objects]}")
    expect(not problems, "; ".join(problems))


def check_pending_media_403(inst, source):
    problems = []
    for relpath in (BIG[0], JPEG):
        resp = ranged(source, inst.url(inst.paths[relpath]))
        if resp.status != 403:
            problems.append(f"GET {inst.paths[relpath]}: {resp.describe()}")
        resp = s.curl_from(source, inst.url(inst.paths[relpath]), head_only=True)
        if resp.status != 403:
            problems.append(f"HEAD {inst.paths[relpath]}: {resp.describe()}")
    for relpath in (BIG[0], VIDEO):
        for variant in VARIANTS:
            path = f"/media/{media_id(inst, relpath)}/{variant}"
            resp = ranged(source, inst.url(path))
            if resp.status != 403:
                problems.append(f"GET {path}: {resp.describe()}")
    expect(not problems, "; ".join(problems))


def check_pending_description(inst, source):
    resp = s.curl_from(source, inst.url("/description.xml"))
    expect(resp.status == 200 and b"MediaServer" in resp.body, f"description: {resp.describe()}")


def page_token(inst):
    """The device-change token of the status page as the host itself sees it."""
    resp = s.curl_from(HOST, inst.url("/"))
    expect(resp.status == 200, f"host GET /: {resp.describe()}")
    match = re.search(rb'name="hearth-token" content="([^"]+)"', resp.body)
    expect(match, "no hearth-token in the status page the host gets")
    return match.group(1).decode()


def device_action(inst, source, device_id, action, token=None, origin=None):
    headers = {}
    if token is not None:
        headers["X-Hearth-Token"] = token
    if origin is not None:
        headers["Origin"] = origin
    return s.curl_from(source, inst.url(f"/devices/{device_id}/{action}"), method="POST",
                       headers=headers, data="")


def check_pending_cannot_manage(ctx, inst, source):
    """A pending device can neither read the status data nor approve itself from the
    status page, even holding the page's token; forged changes from the host (wrong
    Origin, no token) are refused too."""
    token = page_token(inst)
    dev = device_for(ctx, inst, source)
    problems = []
    page = s.curl_from(source, inst.url("/"))
    if token.encode() in page.body:
        problems.append("the status page shown to the pending device carries the token")
    resp = s.curl_from(source, inst.url("/status.json"))
    if resp.status != 403:
        problems.append(f"pending GET /status.json: {resp.describe()} (expected 403)")
    for what, kwargs in (("pending device with the token", dict(token=token)),
                         ("pending device with the token and its Origin",
                          dict(token=token, origin=f"http://{HOST}:{inst.port}"))):
        resp = device_action(inst, source, dev.id, "approve", **kwargs)
        if resp.status != 403:
            problems.append(f"{what}: POST approve {resp.describe()}")
    for what, kwargs in (("host without token", {}),
                         ("host with a wrong token", dict(token="0" * 32)),
                         ("host, token, Origin http://evil.example",
                          dict(token=token, origin="http://evil.example"))):
        resp = device_action(inst, HOST, dev.id, "approve", **kwargs)
        if resp.status != 403:
            problems.append(f"{what}: POST approve {resp.describe()}")
    time.sleep(0.5)
    dev = device_for(ctx, inst, source)
    if dev.status != "pending":
        problems.append(f"the device is now {dev.status}")
    expect(not problems, "; ".join(problems))


def check_open_pending_cannot_manage(ctx, inst, source, victim):
    """--devices open: a pending device may browse and play, not block others from the
    status page (even with the page's token)."""
    token = page_token(inst)
    dev = device_for(ctx, inst, victim)
    resp = device_action(inst, source, dev.id, "block", token=token)
    expect(resp.status == 403, f"pending {source} POST block {victim}: {resp.describe()}")
    time.sleep(0.5)
    expect(device_for(ctx, inst, victim).status == "pending", f"{victim} changed status")


def check_approve(ctx, inst, source):
    dev = device_for(ctx, inst, source)
    expect(dev.status == "pending", f"{source} STATUS {dev.status!r} before approve")
    code, out, err = s.devices_cli(ctx.binary, inst.db, "approve", dev.id)
    expect(code == 0, f"approve {dev.id}: exit {code} {(out + err).strip()[:200]!r}")
    want = [o.id for o in inst.tree.children["0"]]
    browser = inst.browser(source)
    deadline = time.monotonic() + APPROVAL_WAIT
    start = time.monotonic()
    got = None
    while time.monotonic() < deadline:
        got = [o.id for o in browser.browse("0").objects]
        if got == want:
            break
        time.sleep(0.3)
    expect(got == want, f"{APPROVAL_WAIT} s after approve the root is {got}, host sees {want}")
    took = time.monotonic() - start
    print(f"  library visible {took:.1f} s after approve")
    expect(took <= CLI_EFFECT + 0.5, f"library visible only {took:.1f} s after approve "
                                     f"(contract: within {CLI_EFFECT} s)")
    whole = t.walk(browser, page_size=0)
    expect(set(whole.objects) == set(inst.tree.objects), "approved device sees another tree")
    resp = ranged(source, inst.url(inst.paths[BIG[0]]))
    expect(resp.status == 206, f"media after approve: {resp.describe()}")
    dev = device_for(ctx, inst, source)
    expect(dev.status == "approved", f"devices list STATUS {dev.status!r} after approve")
    listed = [d.get("status") for d in get_status(inst).get("devices") or []
              if d.get("address") == source]
    expect(listed == ["approved"], f"/status.json devices for {source}: {listed}")


def check_host_itself_approved(inst):
    """In approved mode the host itself (127.0.0.1) sees the library (wait_library did
    the walk) and may stream."""
    expect(len(inst.tree.children.get("0", [])) >= 1, "host sees an empty root")
    titles = [o.title for o in inst.tree.children["0"]]
    expect(not any(t_.startswith("Waiting for approval") for t_ in titles),
           f"host sees the approval placeholder: {titles}")
    resp = ranged(HOST, inst.url(inst.paths[BIG[0]]))
    expect(resp.status == 206, f"host media: {resp.describe()}")


def run_approved(ctx, runner):
    inst = start_and_index(ctx, runner, "approved",
                           ["--allow", ALLOW, "--devices", "approved"])
    if inst is None:
        return
    try:
        runner.run("approved_mode_host_itself_approved", check_host_itself_approved, inst)
        runner.run("pending_description_served", check_pending_description, inst, DEV_A)
        runner.run("pending_root_shows_waiting_for_approval", check_pending_root, inst, DEV_A)
        runner.run("pending_browse_metadata_root", check_pending_metadata_root, inst, DEV_A)
        runner.run("pending_real_ids_701", check_pending_real_ids_701, inst, DEV_A)
        runner.run("pending_media_403", check_pending_media_403, inst, DEV_A)
        runner.run("pending_listed_as_pending", lambda: expect(
            device_for(ctx, inst, DEV_A).status == "pending", "not pending"))
        runner.run("pending_counter_grows", check_counters, inst, {"pending": 2})
        runner.run("pending_cannot_manage_devices", check_pending_cannot_manage, ctx, inst,
                   DEV_A)
        runner.run("approve_shows_library_and_streams", check_approve, ctx, inst, DEV_A)
        runner.run("other_device_still_pending", check_pending_root, inst, DEV_B)
        runner.run("sighup_keeps_approval_mode", check_approval_after_reload, inst)
        runner.run("approved_then_blocked_refused", check_blocked_refused, ctx, inst, DEV_A,
                   DEV_B)
        runner.run("blocked_counter_grows", check_counters, inst, {"blocked": 1})
        runner.run("approved_server_alive", lambda: expect(inst.server.running(), "exited"))
    finally:
        stop_instance(inst)
    runner.run("device_status_survives_restart", check_restart_keeps_devices, ctx)


def check_restart_keeps_devices(ctx):
    """The database remembers devices: after a restart the blocked one is refused at once
    and the pending one still sees only the placeholder."""
    inst = start_instance(ctx, "approved", ["--allow", ALLOW, "--devices", "approved"])
    try:
        wait_library(ctx, inst)
        resp = s.curl_from(DEV_A, inst.url("/description.xml"))
        expect(resp.closed_without_answer, f"blocked {DEV_A} after restart: {resp.describe()}")
        check_pending_root(inst, DEV_B)
    finally:
        stop_instance(inst)


# --- stream limits -------------------------------------------------------------------------

class Streams:
    """Streams held open during a check; all closed at the end."""

    def __init__(self, inst):
        self.inst = inst
        self.open = []

    def get(self, source, relpath, headers=None):
        stream = s.HeldStream(source, HOST, self.inst.port, self.inst.paths[relpath],
                              headers=headers)
        self.open.append(stream)
        return stream

    def get_path(self, source, path, headers=None):
        stream = s.HeldStream(source, HOST, self.inst.port, path, headers=headers)
        self.open.append(stream)
        return stream

    def close(self, stream):
        stream.close()
        if stream in self.open:
            self.open.remove(stream)

    def close_all(self):
        for stream in list(self.open):
            self.close(stream)


def expect_playing(stream, what):
    expect(stream.status in (200, 206), f"{what}: {stream.describe()}")


def expect_503(stream, what):
    expect(stream.status == 503, f"{what}: {stream.describe()}, expected 503")
    retry = stream.header("retry-after") or ""
    expect(retry, f"{what}: 503 without Retry-After")
    expect((retry.isdigit() and int(retry) > 0) or retry.endswith("GMT"),
           f"{what}: Retry-After {retry!r} is neither seconds nor an HTTP date")


def wait_slot(streams, source, relpath, timeout=SLOT_WAIT):
    """Poll (closing refused attempts) until a GET of relpath from source plays."""
    deadline = time.monotonic() + timeout
    while True:
        stream = streams.get(source, relpath)
        if stream.status in (200, 206) or time.monotonic() > deadline:
            return stream
        streams.close(stream)
        time.sleep(0.3)


def status_streams(inst):
    return [(st.get("address"), str(st.get("object_id")), st)
            for st in get_status(inst).get("streams") or []]


def check_limits(ctx, inst):
    """--max-streams 2 --max-streams-per-device 1."""
    x, y, z = BIG[0], BIG[1], BIG[2]
    streams = Streams(inst)
    try:
        a_x = streams.get(DEV_A, x)
        expect_playing(a_x, f"{DEV_A} {x} (1st stream)")
        expect_503(streams.get(DEV_A, y), f"{DEV_A} {y} (per-device limit 1)")
        expect_playing(streams.get(DEV_A, x), f"{DEV_A} {x} again (same item, same stream)")
        b_y = streams.get(DEV_B, y, headers={"Range": "bytes=5000-"})
        expect(b_y.status == 206, f"{DEV_B} {y} ranged (other device, 2nd stream): "
                                  f"{b_y.describe()}")
        expect_playing(streams.get(DEV_A, x), f"{DEV_A} {x}, 3rd connection at the global limit "
                                              f"(same item, same stream)")
        expect_503(streams.get(DEV_C, z), f"{DEV_C} {z} (3rd stream, --max-streams 2)")
        # Images and HEAD do not count.
        head = s.curl_from(DEV_C, inst.url(inst.paths[z]), head_only=True)
        expect(head.status == 200, f"HEAD {z} at the limit: {head.describe()}")
        img = s.curl_from(DEV_C, inst.url(inst.paths[JPEG]))
        expect(img.status == 200, f"image at the limit: {img.describe()}")
        vid = streams.get(DEV_C, VIDEO)
        expect_503(vid, f"{DEV_C} video {VIDEO} at the limit (video counts)")
        streams.close(vid)
        for relpath, variant in ((z, "play.mp3"), (VIDEO, "play.ts")):
            conv = streams.get_path(DEV_C, f"/media/{media_id(inst, relpath)}/{variant}")
            expect_503(conv, f"{DEV_C} conversion {relpath} -> {variant} at the limit")
            streams.close(conv)
        # The active streams show up in the status data.
        active = {(addr, oid) for addr, oid, _st in status_streams(inst)}
        want = {(DEV_A, inst.ids[x]), (DEV_B, inst.ids[y])}
        expect(want <= active, f"status streams {sorted(active)}, want {sorted(want)}")
        expect(len(active) == 2, f"status streams {sorted(active)}: not exactly the 2 active")
        entries = [st for _a, _o, st in status_streams(inst)]
        lacking = [(k, e) for e in entries for k in STREAM_KEYS if k not in e]
        expect(not lacking, f"stream entries lack {lacking[:2]}")
        titles = [e.get("title") for e in entries]
        expect(all(titles), f"stream titles {titles}")
        # Closing DEV_A's connections frees its slot (and DEV_A's per-device slot).
        for stream in [st for st in streams.open if st.source == DEV_A]:
            streams.close(stream)
        c_z = wait_slot(streams, DEV_C, z)
        expect_playing(c_z, f"{DEV_C} {z} {SLOT_WAIT} s after {DEV_A} closed")
        expect_503(streams.get(DEV_A, x), f"{DEV_A} {x} while {DEV_B} and {DEV_C} stream")
    finally:
        streams.close_all()


def check_finished_responses_free_slots(inst):
    """A stream ends when its response is finished, even on a kept-alive connection:
    with --max-streams-per-device 1, one device fetches small ranges of three items in turn."""
    for relpath in BIG[:3]:
        resp = ranged(DEV_A, inst.url(inst.paths[relpath]))
        expect(resp.status == 206, f"{DEV_A} {relpath} after the previous range finished: "
                                   f"{resp.describe()}")
    status, sock = s.keepalive_range(DEV_A, HOST, inst.port, inst.paths[BIG[0]])
    try:
        expect(status == 206, f"keep-alive ranged GET: HTTP {status}")
        resp = ranged(DEV_A, inst.url(inst.paths[BIG[1]]))
        expect(resp.status == 206, f"{DEV_A} {BIG[1]} while a finished response's connection "
                                   f"stays open (keep-alive): {resp.describe()}")
    finally:
        sock.close()


def check_limit_logged(inst):
    """Each refused device is named in one stream-limit log line (once per minute), though
    it was refused several times."""
    problems = []
    for address in (DEV_A, DEV_C):
        lines = [line for line in inst.log_text().splitlines()
                 if address in line and not line.startswith("$ ") and "refus" in line.lower()
                 and any(w in line.lower() for w in ("limit", "stream", "--max"))]
        if len(lines) != 1:
            problems.append(f"{len(lines)} stream-limit log lines name {address}: {lines[:3]}")
    expect(not problems, "; ".join(problems))


def check_default_allow_interface_subnet(inst):
    """Without --allow, serving on lo allows all of 127/8."""
    resp = s.curl_from(OUTSIDER, inst.url("/description.xml"))
    expect(resp.status == 200, f"{OUTSIDER} without --allow: {resp.describe()}")


def run_limits(ctx, runner):
    inst = start_and_index(ctx, runner, "limits",
                           ["--max-streams", "2", "--max-streams-per-device", "1"])
    if inst is None:
        return
    try:
        runner.run("default_allow_is_interface_subnet", check_default_allow_interface_subnet,
                   inst)
        runner.run("finished_responses_free_slots", check_finished_responses_free_slots, inst)
        runner.run("stream_limits_503_retry_after", check_limits, ctx, inst)
        runner.run("stream_limit_counter_grows", check_counters, inst, {"stream_limit": 3})
        runner.run("stream_limit_logged", check_limit_logged, inst)
        runner.run("streams_gone_from_status", lambda: expect(
            wait_no_streams(inst), f"streams still listed: {status_streams(inst)}"))
        runner.run("sighup_keeps_stream_limits", check_limits_after_reload, inst)
        runner.run("limits_server_alive", lambda: expect(inst.server.running(), "exited"))
    finally:
        stop_instance(inst)


def wait_no_streams(inst, timeout=SLOT_WAIT):
    return servers.wait_until(lambda: not status_streams(inst), timeout, interval=0.3)


def check_one_per_title(inst):
    x, y = BIG[0], BIG[1]
    streams = Streams(inst)
    try:
        expect_playing(streams.get(DEV_A, x), f"{DEV_A} {x}")
        expect_503(streams.get(DEV_B, x), f"{DEV_B} {x} while {DEV_A} plays it")
        for variant in VARIANTS:
            conv = streams.get_path(DEV_B, f"/media/{media_id(inst, x)}/{variant}")
            expect_503(conv, f"{DEV_B} {x} as {variant} while {DEV_A} plays it")
            streams.close(conv)
        expect_playing(streams.get(DEV_B, y), f"{DEV_B} {y} (another title)")
        second = streams.get(DEV_A, x, headers={"Range": "bytes=1000-"})
        expect(second.status == 206, f"{DEV_A} {x}, second (ranged) connection: "
                                     f"{second.describe()}")
        expect_503(streams.get(DEV_A, y), f"{DEV_A} {y} while {DEV_B} plays it")
        for stream in [st for st in streams.open if st.source == DEV_A]:
            streams.close(stream)
        b_x = wait_slot(streams, DEV_B, x)
        expect_playing(b_x, f"{DEV_B} {x} {SLOT_WAIT} s after {DEV_A} closed it")
    finally:
        streams.close_all()


def run_title(ctx, runner):
    inst = start_and_index(ctx, runner, "title",
                           ["--one-stream-per-title", "--allow", "127.0.0.0/8",
                            "--allow", PUBLIC_RANGE])
    if inst is None:
        return
    try:
        runner.run("allow_public_range_warns", check_public_warning, inst, PUBLIC_RANGE)
        runner.run("one_stream_per_title", check_one_per_title, inst)
        runner.run("title_in_use_counter_grows", check_counters, inst, {"title_in_use": 2})
        runner.run("title_server_alive", lambda: expect(inst.server.running(), "exited"))
    finally:
        stop_instance(inst)


# --- serving on hlo0: its address is the host itself ---------------------------------------

def check_own_address_approved(inst):
    """--interface hlo0 (127.0.0.2): requests from 127.0.0.2 come from the host itself,
    approved even in --devices approved mode."""
    root = inst.browser(DEV_A).browse("0")
    want = [o.id for o in inst.tree.children["0"]]
    expect([o.id for o in root.objects] == want,
           f"{DEV_A} (own address) root: {[o.title for o in root.objects]}, host sees {want}")
    resp = ranged(DEV_A, inst.url(inst.paths[BIG[0]]))
    expect(resp.status == 206, f"{DEV_A} (own address) media: {resp.describe()}")


def check_own_address_host_header(inst):
    problems = []
    for value in (f"{DEV_A}:{inst.port}", f"{HOST}:{inst.port}"):
        resp = s.curl_from(DEV_B, inst.url("/description.xml"), headers={"Host": value})
        if resp.status != 200:
            problems.append(f"Host {value!r}: {resp.describe()}")
    resp = s.curl_from(DEV_B, inst.url("/description.xml"),
                       headers={"Host": f"{DEV_LAST}:{inst.port}"})
    if resp.status != 403:
        problems.append(f"Host {DEV_LAST} (not ours): {resp.describe()}")
    expect(not problems, "; ".join(problems))


def run_own_address(ctx, runner):
    inst = start_and_index(ctx, runner, "hlo0", ["--allow", ALLOW, "--devices", "approved"],
                           iface="hlo0", address=DEV_A)
    if inst is None:
        return
    try:
        runner.run("hlo0_own_address_is_host_itself", check_own_address_approved, inst)
        runner.run("hlo0_other_device_pending", check_pending_root, inst, DEV_B)
        runner.run("hlo0_own_address_host_header", check_own_address_host_header, inst)
    finally:
        stop_instance(inst)


# --- main ----------------------------------------------------------------------------------

def check_binary_runs(ctx):
    try:
        proc = subprocess.run([ctx.binary, "--version"], stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=10, check=False)
    except OSError as exc:
        expect(False, f"cannot run {ctx.binary}: {exc}")
    expect(proc.returncode == 0, f"{ctx.binary} --version exited {proc.returncode}: "
                                 f"{(proc.stdout + proc.stderr).strip()[:200]}")


def run_all(ctx, runner):
    if not runner.run("hearth_runs", check_binary_runs, ctx):
        return
    if not runner.run("corpus_built", check_corpus, ctx):
        return
    runner.run("options_valid_values_accepted", check_good_values, ctx)
    runner.run("options_bad_values_exit_2", check_bad_values, ctx)
    phases = {"policy": run_policy, "approved": run_approved, "limits": run_limits,
              "title": run_title, "hlo0": run_own_address}
    for name, phase in phases.items():
        if not ctx.args.only or name in ctx.args.only:
            started = time.monotonic()
            phase(ctx, runner)
            print(f"  ({name}: {time.monotonic() - started:.1f} s)", flush=True)


def options(parser):
    parser.add_argument("--only", action="append",
                        choices=("policy", "approved", "limits", "title", "hlo0"),
                        help="run only this server phase (repeatable)")


def run_checks(args, runner, _workdir):
    started = time.monotonic()
    try:
        run_all(Context(args), runner)
    finally:
        print(f"  (total {time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    sys.exit(suite.run(run_checks, options=options, description=__doc__.split("\n\n")[0]))
