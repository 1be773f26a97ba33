#!/usr/bin/python3
"""What clients see of a hearth binary, as one normalised text file: compare two binaries' dumps to prove that a
refactor left the wire unchanged (issue 17: "clients still see the same bytes").

Run inside the test namespace (scripts/wire_compare.sh A B does it for two binaries and diffs):
    tests/integration/netns.sh --mounts /usr/bin/python3 tests/integration/wire_dump.py \
        --hearth build/hearth --out /tmp/wire.txt

What it does:
1. make_corpus.sh builds the standard corpus, with two subtitles and a large photo added (add_extras), made
   byte-identical from run to run (fix_corpus); the files' sha256s open the dump, so that a corpus that changed
   shows as such and not as a server change.
2. `hearth --scan-only`, then the server on lo with a fixed --db, --name and --port and a HOME of its own (no
   config file of the user's is read), waiting until its scan is done.
3. The device description, the SCPDs and icons it lists.
4. For each User-Agent (none, a Samsung Tizen TV, a 2010 Samsung, an Xbox 360, one no profile knows): the
   whole ContentDirectory from "0", BrowseDirectChildren of every container (all at once, a page of 2 from
   index 1, sorted by -dc:title) and BrowseMetadata of every object, a few Searches, the capabilities and
   ConnectionManager's GetProtocolInfo. Every SOAP answer body goes into the dump whole.
5. Then, for each User-Agent, every URL the DIDL-Lite gave that User-Agent (res, album art, subtitles): a full
   GET, a HEAD and a Range: bytes=0-99; for a converted stream (play.ts, play.mp3) also the first 256 KiB.
   All browsing comes before any streaming: a stream records a resume point, and a partly read one records a
   point that depends on TCP timing (what the client acknowledged); no Browse in the dump may see those.
   Each response is one line: status, the headers that are not normalised, the body's length and sha256.

Normalised (each differs from run to run of the same binary, and nothing else is):
- the device UUID (random at the first start, kept in the database): "DEVICE", and the description's
  serialNumber (its first 8 digits): "DEVICE8"; bodies are hashed after this;
- the work dir's path, should any answer show it: "WORKDIR";
- the Date header: dropped;
- a converted stream with video (play.ts): its packet structure instead of its bytes (av_fingerprint says
  why); converted audio (play.mp3) and scaled pictures keep their bytes.
Held fixed instead: the corpus bytes and mtimes (fix_corpus), the probe order (one_cpu), the port, the name,
and the work dir's path (default /tmp/hearth-wire; art ETags hash the media file's path, so dumps made in
different work dirs differ there).
Measured on the baseline: with these, two runs give the same dump.
"""

import argparse
import hashlib
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from e2elib import corpus, servers  # noqa: E402
from e2elib import http as h  # noqa: E402

PORT = 18300  # fixed: URLs in the DIDL carry it (nothing else listens inside the namespace)
NAME = "Hearth Wire"
HOST = "127.0.0.1"
CDS = "urn:schemas-upnp-org:service:ContentDirectory:1"
CMS = "urn:schemas-upnp-org:service:ConnectionManager:1"
DIDL_NS = "urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/"

# label -> User-Agent header (None: no header at all). The Samsung and Xbox strings are the ones the renderer
# table in src/renderers/profile.cpp quotes.
USER_AGENTS = (
    ("none", None),
    ("samsung", "DLNADOC/1.50 SEC_HHP_[TV] Samsung 8 Series (55)/1.0 UPnP/1.0"),
    # A 2010-2011 Samsung: the row that limits pictures to 1920x1920, so the large photo is scaled for it.
    ("samsung_cd", "DLNADOC/1.50 SEC_HHP_[TV]UN55D6050/1.0"),
    ("xbox360", "Xbox/2.0.17559.0 UPnP/1.0 Xbox/2.0.17559.0"),
    ("unknown", "WireDump/1.0 (no renderer profile matches this)"),
)

SEARCHES = (
    'upnp:class derivedfrom "object.item.audioItem"',
    'upnp:class derivedfrom "object.item.videoItem"',
    'upnp:class = "object.container.album.musicAlbum"',
    'dc:title contains "Song"',
)

CONVERTED = re.compile(r"/play\.(ts|mp3)$")
PREFIX_BYTES = 256 * 1024
MAX_CONTAINERS = 500  # a bound, in case a refactor makes the tree run away
FIXED_MTIME = 1_600_000_000  # 2020-09-13: every corpus file gets it, so dates in the DIDL do not vary
HEADERS_DROPPED = {"date"}
STREAM_KEYS = ("codec_type", "codec_name", "profile", "level", "width", "height", "pix_fmt", "sample_rate",
               "channels", "time_base")
BODIES = None  # set by main()


def fix_corpus(media):
    """make_corpus.sh's output, made byte-identical from run to run: measured, only the Matroska file
    differed (its SegmentUID, track UIDs and DateUTC are random or the clock; the HEVC bitstream was the same);
    remuxing it bit-exact fixes them, and truncated.mkv is cut from the fixed one again. Then every file gets
    one fixed mtime."""
    season = os.path.join(media, "Videos", "Show", "Season 1")
    mkv = os.path.join(season, "ep01_hevc.mkv")
    fixed = mkv + ".bitexact.mkv"
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", mkv, "-map", "0",
                    "-c", "copy", "-fflags", "+bitexact", "-f", "matroska", fixed], check=True, timeout=60)
    os.replace(fixed, mkv)
    with open(mkv, "rb") as src, open(os.path.join(media, "Videos", "truncated.mkv"), "wb") as dst:
        dst.write(src.read(2000))
    for root, dirs, files in os.walk(media):
        for name in dirs + files:
            os.utime(os.path.join(root, name), (FIXED_MTIME, FIXED_MTIME), follow_symlinks=False)
    os.utime(media, (FIXED_MTIME, FIXED_MTIME))


SRT = "1\n00:00:00,000 --> 00:00:01,500\nWire dump\n"


def add_extras(media):
    """Two things the standard corpus lacks, for two routes the request handling serves: sidecar subtitles
    (/subtitle/<id>.srt) and a photo over the 1920x1080 most renderer profiles show, which they get scaled
    (/media/<id>/image.jpg). Both are made the same way on every run (text, and FFmpeg's JPEG of testsrc)."""
    videos = os.path.join(media, "Videos")
    for name in ("clip_h264_aac.srt", "clip_h264_aac.en.srt"):
        with open(os.path.join(videos, name), "w", encoding="utf-8") as fh:
            fh.write(SRT)
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc=size=2400x1600:rate=1", "-frames:v", "1", "-q:v", "3", "-fflags", "+bitexact",
                    os.path.join(media, "Photos", "photo_2400x1600.jpg")], check=True, timeout=60)


def corpus_lines(media):
    lines = []
    for root, _dirs, files in os.walk(media):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as fh:
                digest = hashlib.sha256(fh.read()).hexdigest()
            lines.append(f"CORPUS {os.path.relpath(path, media)} {os.path.getsize(path)} {digest}")
    return sorted(lines)


class Dump:
    """The output lines, with the normalisations applied."""

    def __init__(self, workdir):
        self.lines = []
        self.replacements = [(workdir, "WORKDIR")]

    def add_replacement(self, text, placeholder):
        self.replacements.insert(0, (text, placeholder))

    def normalise(self, text):
        for old, new in self.replacements:
            text = text.replace(old, new)
        return text

    def normalise_bytes(self, data):
        for old, new in self.replacements:
            data = data.replace(old.encode(), new.encode())
        return data

    def add(self, line):
        self.lines.append(self.normalise(line))

    def write(self, path):
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("\n".join(self.lines) + "\n")


def one_line(text):
    """A body on one line of the dump: backslashes and line ends escaped."""
    return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")


def request(method, path, headers, limit=None, body=None):
    """One request on a fresh connection → (status, [(name, value)], body bytes, read whole).

    `limit`: read at most that many bytes of the body, then close (a client that stops a stream)."""
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read(limit) if limit else resp.read()
        whole = limit is None or len(data) < limit
        return resp.status, resp.getheaders(), data, whole
    finally:
        conn.close()


def header_text(headers):
    kept = [(k.lower(), v) for k, v in headers if k.lower() not in HEADERS_DROPPED]
    return " | ".join(f"{k}: {v}" for k, v in kept)


def response_line(dump, label, status, headers, data, converted=False):
    """The body is hashed normalised (the description holds the device UUID); its length is the real one.

    A converted stream with video is described by av_fingerprint instead of its bytes."""
    content_type = dict((k.lower(), v) for k, v in headers).get("content-type", "")
    if converted and content_type.startswith("video/") and data:
        return f"{label} -> {status} [{header_text(headers)}] {av_fingerprint(data)}"
    digest = hashlib.sha256(dump.normalise_bytes(data)).hexdigest()
    return f"{label} -> {status} [{header_text(headers)}] len={len(data)} sha256={digest}"


def av_fingerprint(data):
    """A converted stream's video, without the encoder's bytes: every stream's parameters, and every packet's
    stream, pts, dts, duration and flags (and, for audio, its data's sha256).

    Measured on the baseline, in three dumps under load: conversions made late in a run (for the Xbox and the
    unknown User-Agent) differed between runs in the size of some H.264 frames (the first keyframe: 5716 or
    5714 bytes), so in length and hash too, while their timestamps, flags and audio did not; the same
    conversions made first in a run (no User-Agent) never differed, nor did 8 conversions in a row of one file
    by a server that did nothing else. The FFmpeg CLI with the same x264 settings on the same input gave one
    output every time, so the server's output depends on something else in the process (found for issue 17,
    not fixed here). The packet structure still catches a change of codec, size, frame rate, GOP or audio."""
    with tempfile.NamedTemporaryFile(suffix=".ts") as tmp:
        tmp.write(data)
        tmp.flush()
        proc = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_packets", "-show_data_hash",
                               "SHA256", "-of", "json", tmp.name], capture_output=True, text=True, timeout=60,
                              check=False)
    if proc.returncode != 0:
        return f"len={len(data)} av=unreadable ({proc.stderr.strip()[:80]})"
    probe = json.loads(proc.stdout)
    kinds = {s["index"]: s["codec_type"] for s in probe.get("streams", [])}
    lines = [" ".join(f"{k}={s.get(k)}" for k in STREAM_KEYS) for s in probe.get("streams", [])]
    for p in probe.get("packets", []):
        fields = [str(p.get(k)) for k in ("stream_index", "pts", "dts", "duration", "flags")]
        if kinds.get(p["stream_index"]) != "video":
            fields.append(str(p.get("data_hash")))
        lines.append(" ".join(fields))
    streams = ",".join(f"{s.get('codec_name')}" for s in probe.get("streams", []))
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return f"av={streams} packets={len(probe.get('packets', []))} av_sha256={digest}"


def ua_headers(ua):
    return {"User-Agent": ua} if ua else {}


# --- SOAP ---------------------------------------------------------------------------

def soap(dump, ua_label, ua, service, control_path, action, args):
    """One SOAP call; its whole answer goes into the dump. → the answer body (text)."""
    inner = "".join(f"<{name}>{value}</{name}>" for name, value in args)
    body = h.soap_envelope(f'<u:{action} xmlns:u="{service}">{inner}</u:{action}>')
    headers = dict(ua_headers(ua), **{"Content-Type": 'text/xml; charset="utf-8"',
                                      "SOAPACTION": f'"{service}#{action}"'})
    status, resp_headers, data, _ = request("POST", control_path, headers, body=body.encode())
    text = data.decode("utf-8", errors="replace")
    call = " ".join(f"{name}={value!r}" for name, value in args)
    dump.add(f"SOAP {ua_label} {action} {call} -> {status} [{header_text(resp_headers)}] {one_line(text)}")
    return text


def soap_result(text):
    """The DIDL-Lite <Result> of a Browse/Search answer, parsed (None when it is a fault)."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return None
    result = root.find(".//Result")
    if result is None or not result.text:
        return None
    return ET.fromstring(result.text)


def browse(dump, ua_label, ua, cds_path, object_id, flag, start=0, count=0, sort=""):
    text = soap(dump, ua_label, ua, CDS, cds_path, "Browse",
                [("ObjectID", object_id), ("BrowseFlag", flag), ("Filter", "*"), ("StartingIndex", start),
                 ("RequestedCount", count), ("SortCriteria", sort)])
    return soap_result(text)


def didl_urls(didl, base):
    """Every URL on this server that a DIDL-Lite document names, in document order."""
    urls = []
    for element in didl.iter():
        for value in [element.text or "", *element.attrib.values()]:
            value = value.strip()
            if value.startswith(base):
                urls.append(value)
    return urls


def walk(dump, ua_label, ua, cds_path, base):
    """Browse the whole tree breadth-first from "0" → the URLs seen, in order of first appearance."""
    queue, seen, urls = ["0"], set(), {}
    while queue and len(seen) < MAX_CONTAINERS:
        container = queue.pop(0)
        if container in seen:
            continue
        seen.add(container)
        meta = browse(dump, ua_label, ua, cds_path, container, "BrowseMetadata")
        children = browse(dump, ua_label, ua, cds_path, container, "BrowseDirectChildren")
        browse(dump, ua_label, ua, cds_path, container, "BrowseDirectChildren", start=1, count=2)
        browse(dump, ua_label, ua, cds_path, container, "BrowseDirectChildren", sort="-dc:title")
        for didl in (meta, children):
            for url in didl_urls(didl, base) if didl is not None else ():
                urls.setdefault(url, None)
        for obj in children if children is not None else ():
            object_id = obj.get("id")
            if obj.tag == f"{{{DIDL_NS}}}container":
                queue.append(object_id)
            else:
                item = browse(dump, ua_label, ua, cds_path, object_id, "BrowseMetadata")
                for url in didl_urls(item, base) if item is not None else ():
                    urls.setdefault(url, None)
    if queue:
        dump.add(f"WALK {ua_label} stopped after {MAX_CONTAINERS} containers")
    return list(urls)


def browse_all_agents(dump, description):
    """Phase 4 for every User-Agent → {label: [URLs]}."""
    cds_path = urllib.parse.urlsplit(description.services[CDS].control_url).path
    cms_path = urllib.parse.urlsplit(description.services[CMS].control_url).path
    base = f"http://{HOST}:{PORT}/"
    urls = {}
    for label, ua in USER_AGENTS:
        urls[label] = walk(dump, label, ua, cds_path, base)
        for criteria in SEARCHES:
            escaped = criteria.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            soap(dump, label, ua, CDS, cds_path, "Search",
                 [("ContainerID", "0"), ("SearchCriteria", escaped), ("Filter", "*"), ("StartingIndex", 0),
                  ("RequestedCount", 0), ("SortCriteria", "")])
        for action in ("GetSearchCapabilities", "GetSortCapabilities", "GetSystemUpdateID"):
            soap(dump, label, ua, CDS, cds_path, action, [])
        soap(dump, label, ua, CMS, cms_path, "GetProtocolInfo", [])
    return urls


# --- plain HTTP ---------------------------------------------------------------------

def fetch(dump, ua_label, ua, path):
    """GET, HEAD and the first 100 bytes of one URL; for a converted stream also its first 256 KiB."""
    headers = ua_headers(ua)
    asks = [("GET", {}, None), ("HEAD", {}, None), ("GET", {"Range": "bytes=0-99"}, None)]
    if CONVERTED.search(path):
        asks.append(("GET", {}, PREFIX_BYTES))
    for method, extra, limit in asks:
        status, resp_headers, data, _ = request(method, path, dict(headers, **extra), limit=limit)
        what = " ".join([method, path] + [f"{k}: {v}" for k, v in extra.items()] +
                        ([f"first {limit} bytes"] if limit else []))
        dump.add(response_line(dump, f"HTTP {ua_label} {what}", status, resp_headers, data,
                               converted=bool(CONVERTED.search(path))))
        if CONVERTED.search(path) or path.endswith("/image.jpg"):
            keep_body(ua_label, what, data)
        wait_streams_idle()


def keep_body(ua_label, what, data):
    """Converted bodies are kept in the work dir (bodies/), to see where two dumps' hashes differ."""
    name = re.sub(r"[^A-Za-z0-9.=-]+", "_", f"{ua_label} {what}")
    os.makedirs(BODIES, exist_ok=True)
    with open(os.path.join(BODIES, name), "wb") as fh:
        fh.write(data)


def status_json():
    status, _, data, _ = request("GET", "/status.json", {})
    if status != 200:
        raise RuntimeError(f"/status.json answered {status}")
    return json.loads(data)


def wait_streams_idle(timeout=10):
    """After each response, until the server has let go of its stream (at once after a whole one, a little
    later after a client stopped reading): a stream still counted would change the next answers (a 503 at the
    stream limit, a transcode slot taken)."""
    def idle():
        return status_json()["streams"] == []
    if not servers.wait_until(idle, timeout, interval=0.1):
        raise RuntimeError("a stopped stream is still counted after 10 s")


def fetch_description(dump):
    """Description, SCPDs and icons → the parsed description."""
    description = h.fetch_description(f"http://{HOST}:{PORT}/description.xml")
    uuid = description.udn.removeprefix("uuid:")
    dump.add_replacement(uuid, "DEVICE")
    # The description's serial number is the UUID's first 8 digits.
    dump.add_replacement(f"<serialNumber>{uuid[:8]}</serialNumber>", "<serialNumber>DEVICE8</serialNumber>")
    paths = ["/description.xml"]
    paths += [urllib.parse.urlsplit(s.scpd_url).path for _, s in sorted(description.services.items())]
    paths += [urllib.parse.urlsplit(url).path for _, url in description.icons]
    for path in paths:
        status, headers, data, _ = request("GET", path, {})
        dump.add(response_line(dump, f"HTTP - GET {path}", status, headers, data))
        if path.endswith(".xml"):
            dump.add(f"BODY {path} {one_line(data.decode('utf-8', errors='replace'))}")
    return description


# --- the server ---------------------------------------------------------------------

def scan_done():
    try:
        return status_json()["scan"]["phase"] == "finished"
    except (OSError, RuntimeError, ValueError):
        return False


def one_cpu(workdir):
    """Make the server's scan run one probe thread, so that it gives each file the same object id every run.

    Measured on the baseline: the probe pool runs one thread per CPU (std::thread::hardware_concurrency,
    which glibc 2.36 reads from /sys/devices/system/cpu/online, whatever the affinity); with two, the probes
    finished in a different order from run to run, so did the object ids they got and every id-ordered answer
    (video/all, video/recent). With one, files are indexed in walk order. The file is bind-mounted over in the
    test's own mount namespace (netns.sh --mounts); the host's /sys is untouched."""
    online = "/sys/devices/system/cpu/online"
    fake = os.path.join(workdir, "cpu-online")
    with open(fake, "w", encoding="utf-8") as fh:
        fh.write("0\n")
    subprocess.run(["mount", "--bind", fake, online], check=True, timeout=10)
    with open(online, encoding="utf-8") as fh:
        if fh.read().strip() != "0":
            raise RuntimeError(f"{online} still shows more than one CPU")


def start_server(hearth, workdir, media):
    db = os.path.join(workdir, "hearth.db")
    code, output = servers.hearth_scan_only(hearth, media, db, NAME)
    if code != 0:
        raise RuntimeError(f"--scan-only exited {code}: {output[-500:]}")
    argv = servers.hearth_argv(hearth, media, db, "lo", PORT, NAME)
    server = servers.ServerProcess(argv, os.path.join(workdir, "hearth.log"), HOST, PORT, "/description.xml")
    server.start()
    if not server.wait_ready(20) or not servers.wait_until(scan_done, 60):
        raise RuntimeError(f"the server did not finish its start: {server.log_tail()}")
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hearth", required=True)
    # The same for every dump to compare: art ETags hash the media file's path.
    parser.add_argument("--workdir", default="/tmp/hearth-wire")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if subprocess.run(["ip", "link", "show", "hlo0"], capture_output=True, check=False).returncode != 0:
        print("refusing to run: no hlo0 interface; run me through netns.sh --mounts", file=sys.stderr)
        return 2
    workdir = os.path.abspath(args.workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(os.path.join(workdir, "home"))
    # No config file of the user's: hearth looks for one under $XDG_CONFIG_HOME or $HOME.
    os.environ["HOME"] = os.path.join(workdir, "home")
    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "STATE_DIRECTORY"):
        os.environ.pop(var, None)
    one_cpu(workdir)
    global BODIES  # noqa: PLW0603 - one work dir per run
    BODIES = os.path.join(workdir, "bodies")
    media = os.path.join(workdir, "media")
    with open(os.path.join(workdir, "corpus.log"), "w", encoding="utf-8") as log:
        subprocess.run([corpus.MAKE_CORPUS, media], check=True, timeout=120, stdout=log, stderr=log)
    add_extras(media)
    fix_corpus(media)
    dump = Dump(workdir)
    for line in corpus_lines(media):
        dump.add(line)
    try:
        start_server(args.hearth, workdir, media)
        description = fetch_description(dump)
        urls = browse_all_agents(dump, description)
        for label, ua in USER_AGENTS:
            for url in urls[label]:
                fetch(dump, label, ua, urllib.parse.urlsplit(url).path)
    finally:
        servers.cleanup_all()
    dump.write(args.out)
    print(f"wire_dump: {len(dump.lines)} lines in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
