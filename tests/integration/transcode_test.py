#!/usr/bin/python3
"""Conversions for renderers that cannot play the original: what Browse offers to a Samsung TV and to VLC,
the MPEG-TS that /media/<id>/play.ts makes (full HEVC/AC-3 → H.264 + AC-3, audio-only H.264/DTS with the
video copied bit-exact), TimeSeekRange, originals sent untouched, HEAD, --max-transcodes, a client that
leaves mid-conversion, and corrupt input.

Run inside the test namespace (netns.sh):
    netns.sh /usr/bin/python3 transcode_test.py --hearth build/hearth --workdir /tmp/hearth-transcode
Needs ffmpeg/ffprobe (with libx264, libx265 and the dca encoder) and curl. The corpus, the server logs and
every downloaded stream stay in WORKDIR. Last line: 'N passed, M failed'; exit status 1 when a check failed.
"""

import hashlib
import http.client
import json
import os
import random
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from e2elib import corpus, servers, suite  # noqa: E402
from e2elib.checks import expect  # noqa: E402
from e2elib.http import browse_body, curl  # noqa: E402

SAMSUNG_UA = "DLNADOC/1.50 SEC_HHP_[TV] UE65JU7000/1.0 UPnP/1.0"
VLC_UA = "VLC/3.0.18 LibVLC/3.0.18"
CDS = "urn:schemas-upnp-org:service:ContentDirectory:1"
DIDL_NS = "urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/"
SECOND_DEVICE = "127.0.0.2"  # on hlo0 (netns.sh): another household device
CLIP_SECONDS = 16
FPS = 25
GOP = 50  # a keyframe every 2 s, so that seeking lands somewhere meaningful
CONVERTED_PI = re.compile(r"^http-get:\*:video/mpeg:DLNA\.ORG_PN=[A-Z0-9_]+;DLNA\.ORG_OP=10;DLNA\.ORG_CI=1;"
                          r"DLNA\.ORG_FLAGS=01700000000000000000000000000000$")
NPT_ANSWER = re.compile(r"^npt=([0-9:.]+)-([0-9:.]*)/([0-9:.]+|\*)$")

# File name -> (title Hearth gives it, what the Samsung profile should get)
CORPUS = {
    "hevc_ac3.mkv": "converted",
    "h264_dts.mkv": "converted",
    "h264_aac.mp4": "original",
    "long_hevc.mkv": "converted",  # 8 × the HEVC clip: long enough to be mid-conversion when the client leaves
}
BROKEN = ("truncated_hevc.mkv", "damaged_hevc.mkv", "garbage_tail_hevc.mkv")


def run(argv, timeout=120):
    return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout,
                          check=True)


def ffmpeg(*args, timeout=120):
    run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *args], timeout=timeout)


def make_corpus(media, work):
    os.makedirs(media)
    video = ["-f", "lavfi", "-i", f"testsrc2=size=640x360:rate={FPS}:duration={CLIP_SECONDS}"]

    def tone(freq):
        return ["-f", "lavfi", "-i", f"sine=frequency={freq}:sample_rate=48000:duration={CLIP_SECONDS}"]

    x264 = ["-c:v", "libx264", "-preset", "veryfast", "-g", str(GOP), "-pix_fmt", "yuv420p"]
    hevc = os.path.join(media, "hevc_ac3.mkv")
    ffmpeg(*video, *tone(440), "-c:v", "libx265", "-preset", "ultrafast", "-x265-params",
           f"keyint={GOP}:log-level=error", "-pix_fmt", "yuv420p", "-c:a", "ac3", "-b:a", "192k", "-ac", "2", hevc)
    ffmpeg(*video, *tone(550), *x264, "-c:a", "dca", "-strict", "-2", "-ac", "2",
           os.path.join(media, "h264_dts.mkv"))
    ffmpeg(*video, *tone(660), *x264, "-c:a", "aac", "-ac", "2", "-movflags", "+faststart",
           os.path.join(media, "h264_aac.mp4"))
    # The long one: the HEVC clip 8 times over (concat, no re-encoding).
    listing = os.path.join(work, "concat.txt")
    with open(listing, "w") as fh:
        fh.write("".join(f"file '{hevc}'\n" for _ in range(8)))
    ffmpeg("-f", "concat", "-safe", "0", "-i", listing, "-c", "copy", os.path.join(media, "long_hevc.mkv"))
    # Corrupt inputs, header intact in each: cut at 60 %, 64 KiB of noise in the middle, noise after 20 %.
    with open(hevc, "rb") as fh:
        data = fh.read()
    with open(os.path.join(media, "truncated_hevc.mkv"), "wb") as fh:
        fh.write(data[:len(data) * 6 // 10])
    noise = random.Random(4).randbytes(65536)
    middle = len(data) // 2
    with open(os.path.join(media, "damaged_hevc.mkv"), "wb") as fh:
        fh.write(data[:middle] + noise + data[middle + len(noise):])
    fifth = len(data) // 5
    with open(os.path.join(media, "garbage_tail_hevc.mkv"), "wb") as fh:
        fh.write(data[:fifth] + random.Random(5).randbytes(len(data) - fifth))
    corpus.seal_read_only(media)


# --- probing ------------------------------------------------------------------------

def ffprobe_json(path, *args):
    proc = run(["ffprobe", "-v", "error", "-of", "json", *args, path], timeout=60)
    return json.loads(proc.stdout)


def probe(path):
    """{'duration': s, 'start': s, 'video': stream dict, 'audio': stream dict} of a file."""
    info = ffprobe_json(path, "-show_entries",
                        "format=duration,start_time:stream=codec_type,codec_name,width,height,start_time")
    streams = {s["codec_type"]: s for s in info.get("streams", [])}
    fmt = info.get("format", {})
    return {"duration": float(fmt.get("duration", "nan")), "start": float(fmt.get("start_time", "nan")),
            "video": streams.get("video"), "audio": streams.get("audio")}


def packets(path, stream, count, hashes=False):
    """The first `count` packets of a stream: [(pts seconds, size, keyframe, sha256 or None)]."""
    extra = ["-show_data_hash", "sha256"] if hashes else []
    entries = "packet=pts_time,size,flags" + (",data_hash" if hashes else "")
    info = ffprobe_json(path, "-select_streams", stream, "-read_intervals", f"%+#{count}", *extra,
                        "-show_entries", entries)
    return [(float(p.get("pts_time", "nan")), int(p["size"]), "K" in p.get("flags", ""), p.get("data_hash"))
            for p in info.get("packets", [])]


def source_keyframe_at_or_before(path, t):
    times = [float(p["pts_time"]) for p in
             ffprobe_json(path, "-select_streams", "v", "-skip_frame", "nokey", "-show_entries",
                          "packet=pts_time,flags")["packets"] if "K" in p.get("flags", "")]
    return max(x for x in times if x <= t + 1e-6)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def npt_seconds(text):
    parts = [float(p) for p in text.split(":")]
    return sum(v * 60 ** i for i, v in enumerate(reversed(parts)))


# --- the server process -----------------------------------------------------------

def threads(pid):
    return len(os.listdir(f"/proc/{pid}/task"))


def fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def settled(pid, timeout=5):
    """(threads, fds) once two readings 0.3 s apart agree (or the last reading after `timeout`)."""
    deadline = time.monotonic() + timeout
    last = (threads(pid), fds(pid))
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = (threads(pid), fds(pid))
        if now == last:
            return now
        last = now
    return last


def back_to(pid, baseline, timeout):
    """Seconds until (threads, fds) == baseline, or None (and the last reading) after `timeout`."""
    start = time.monotonic()
    while True:
        now = (threads(pid), fds(pid))
        if now == baseline:
            return time.monotonic() - start, now
        if time.monotonic() - start >= timeout:
            return None, now
        time.sleep(0.05)


def converting_lines(server):
    with open(server.log_path, "rb") as fh:
        return fh.read().decode(errors="replace").count("converting ")


# --- clients ------------------------------------------------------------------------

def browse(base, object_id, agent):
    """BrowseDirectChildren with a User-Agent → [(kind, id, title, [(url, protocolInfo)])]."""
    parts = urllib.parse.urlsplit(base)
    body = browse_body(CDS, [("ObjectID", object_id), ("BrowseFlag", "BrowseDirectChildren"), ("Filter", "*"),
                             ("StartingIndex", "0"), ("RequestedCount", "0"), ("SortCriteria", "")])
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("POST", "/control/ContentDirectory", body=body.encode(),
                     headers={"Content-Type": 'text/xml; charset="utf-8"', "User-Agent": agent,
                              "SOAPACTION": f'"{CDS}#Browse"'})
        resp = conn.getresponse()
        data = resp.read()
    finally:
        conn.close()
    expect(resp.status == 200, f"Browse {object_id} answered {resp.status}")
    result = ET.fromstring(data).find(".//Result")
    didl = ET.fromstring(result.text)
    out = []
    for node in didl:
        kind = node.tag.split("}")[1]
        res = [(r.text.strip(), r.get("protocolInfo")) for r in node.findall(f"{{{DIDL_NS}}}res")]
        out.append((kind, node.get("id"), node.findtext("{http://purl.org/dc/elements/1.1/}title"), res))
    return out


def browse_items(base, agent):
    """Every item of the folder tree, by title: {title: (id, [(url, protocolInfo)])} (bounded walk).

    The walk starts at Folders: the views beside it show the same files under view ids."""
    items, todo, seen = {}, ["folders"], 0
    while todo and seen < 50:
        seen += 1
        for kind, oid, title, res in browse(base, todo.pop(), agent):
            if kind == "container":
                todo.append(oid)
            else:
                items[title] = (oid, res)
    return items


def open_stream(host, port, path, headers, source=None, rcvbuf=None):
    """Sends a GET, reads the answer's head; returns (socket, status, {header: value}, body bytes read)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(10)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if source:
        sock.bind((source, 0))
    sock.connect((host, port))
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}"] + [f"{k}: {v}" for k, v in headers.items()]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    status = int(head_lines[0].split()[1]) if head_lines[0].startswith("HTTP/") else 0
    fields = {}
    for line in head_lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            fields[k.strip().lower()] = v.strip()
    return sock, status, fields, rest


def read_some(sock, nbytes, timeout=10):
    got = 0
    deadline = time.monotonic() + timeout
    while got < nbytes and time.monotonic() < deadline:
        chunk = sock.recv(65536)
        if not chunk:
            break
        got += len(chunk)
    return got


def fetch(url, path, headers, timeout=60):
    """GET url into path with curl; returns (exit code, status, headers, seconds)."""
    head = path + ".head"
    argv = ["curl", "-sS", "--max-time", str(timeout), "-D", head, "-o", path]
    for k, v in headers.items():
        argv += ["-H", f"{k}: {v}"]
    start = time.monotonic()
    proc = subprocess.run(argv + [url], capture_output=True, text=True, timeout=timeout + 10, check=False)
    took = time.monotonic() - start
    status, fields = 0, {}
    if os.path.exists(head):
        with open(head, "rb") as fh:
            blocks = [b for b in re.split(r"\r?\n\r?\n", fh.read().decode("latin-1")) if b.strip()]
        if blocks:
            lines = blocks[-1].splitlines()
            status = int(lines[0].split()[1])
            for line in lines[1:]:
                if ":" in line:
                    k, v = line.split(":", 1)
                    fields[k.strip().lower()] = v.strip()
    return proc.returncode, status, fields, took


class Run:
    """State shared by the checks."""

    def __init__(self, args):
        self.args = args
        self.work = os.path.abspath(args.workdir)
        self.media = os.path.join(self.work, "media")
        self.server = None
        self.limited = None  # a second instance with --max-transcodes 1
        self.samsung = {}
        self.vlc = {}
        self.streams = {}  # name -> downloaded file

    def start(self, name, max_transcodes):
        port = servers.free_port()
        argv = servers.hearth_argv(self.args.hearth, self.media, os.path.join(self.work, f"{name}.db"), "lo",
                                   port, f"Hearth {name}") + ["--max-transcodes", str(max_transcodes)]
        server = servers.ServerProcess(argv, os.path.join(self.work, f"{name}.log"), "127.0.0.1", port,
                                       "/description.xml").start()
        expect(server.wait_ready(20), f"{name} did not start: {server.log_tail()}")
        return server

    @property
    def base(self):
        return self.server.base_url

    @property
    def pid(self):
        return self.server.proc.pid

    def item(self, listing, file_name):
        title = os.path.splitext(file_name)[0]
        expect(title in listing, f"{file_name} not listed (titles: {sorted(listing)})")
        return listing[title]

    def play_path(self, file_name):
        oid, _res = self.item(self.samsung, file_name)
        return f"/media/{oid}/play.ts"

    def out(self, name):
        return os.path.join(self.work, name)


# --- checks -----------------------------------------------------------------------------

def check_library_ready(r):
    def listed():
        r.samsung = browse_items(r.base, SAMSUNG_UA)
        return all(os.path.splitext(n)[0] in r.samsung for n in CORPUS)
    expect(servers.wait_until(listed, 30, 0.5), f"not all files indexed: {sorted(r.samsung)}")
    r.vlc = browse_items(r.base, VLC_UA)


def check_browse_samsung(r):
    problems = []
    for name, want in CORPUS.items():
        oid, res = r.item(r.samsung, name)
        # The item's thumbnail (a JPEG_TN res after the media, art_test.py) is not a way to play it.
        urls = [u for u, pi in res if "DLNA.ORG_PN=JPEG_TN" not in (pi or "")]
        ext = os.path.splitext(name)[1]
        original = f"{r.base}/media/{oid}{ext}"
        if want == "converted":
            if urls != [f"{r.base}/media/{oid}/play.ts"]:
                problems.append(f"{name}: res {urls}, want only /media/{oid}/play.ts")
            elif not CONVERTED_PI.match(res[0][1] or ""):
                problems.append(f"{name}: protocolInfo {res[0][1]!r}")
        else:
            if not urls or urls[0] != original:
                problems.append(f"{name}: res {urls}, want the original {original} first")
            if any(u.endswith("/play.ts") for u in urls):
                problems.append(f"{name}: a conversion offered for a file the TV plays: {urls}")
    expect(not problems, "; ".join(problems))


def check_browse_vlc(r):
    problems = []
    for name in CORPUS:
        oid, res = r.item(r.vlc, name)
        urls = [u for u, _ in res]
        original = f"{r.base}/media/{oid}{os.path.splitext(name)[1]}"
        if not urls or urls[0] != original or any("/play." in u for u in urls):
            problems.append(f"{name}: res {urls}, want the original {original} (and no conversion)")
    expect(not problems, "; ".join(problems))


def check_full_transcode_headers(r):
    out = r.out("hevc_ac3.ts")
    code, status, fields, took = fetch(r.base + r.play_path("hevc_ac3.mkv"), out,
                                       {"User-Agent": SAMSUNG_UA, "getcontentFeatures.dlna.org": "1"})
    expect(code == 0 and status == 200, f"curl exit {code}, status {status}")
    r.streams["hevc_ac3"] = out
    print(f"  full conversion of the {CLIP_SECONDS} s clip: {os.path.getsize(out)} bytes in {took:.2f} s")
    _oid, res = r.item(r.samsung, "hevc_ac3.mkv")
    want = {"content-type": "video/mpeg", "connection": "close", "transfermode.dlna.org": "Streaming",
            "contentfeatures.dlna.org": res[0][1].split(":", 3)[3]}
    wrong = {k: fields.get(k) for k, v in want.items() if fields.get(k, "").lower() != v.lower()}
    expect(not wrong, f"headers {wrong}, want {want}")
    expect("content-length" not in fields, f"Content-Length {fields.get('content-length')} on a live stream")


def check_full_transcode_stream(r):
    expect("hevc_ac3" in r.streams, "no stream (see full_transcode_headers)")
    got = probe(r.streams["hevc_ac3"])
    src = probe(os.path.join(r.media, "hevc_ac3.mkv"))
    v, a = got["video"] or {}, got["audio"] or {}
    expect(v.get("codec_name") == "h264", f"video {v.get('codec_name')}, want h264")
    expect(a.get("codec_name") in ("ac3", "aac"), f"audio {a.get('codec_name')}, want ac3 or aac")
    expect(v.get("height", 9999) <= 1080, f"height {v.get('height')} > 1080")
    expect(abs(got["duration"] - src["duration"]) <= 1.0,
           f"duration {got['duration']:.3f} s, source {src['duration']:.3f} s")


def check_time_seek(r, file_name, asked, label):
    out = r.out(f"{label}_seek.ts")
    code, status, fields, _took = fetch(r.base + r.play_path(file_name), out,
                                        {"User-Agent": SAMSUNG_UA, "TimeSeekRange.dlna.org": f"npt={asked}-"})
    expect(code == 0 and status == 200, f"curl exit {code}, status {status}")
    answer = fields.get("timeseekrange.dlna.org", "")
    m = NPT_ANSWER.match(answer)
    expect(m, f"TimeSeekRange.dlna.org answer {answer!r}")
    src = probe(os.path.join(r.media, file_name))
    start, end, total = m.group(1), m.group(2), m.group(3)
    expect(abs(npt_seconds(start) - asked) < 0.01, f"answer starts at {start}, asked {asked}")
    expect(total != "*" and abs(npt_seconds(total) - src["duration"]) <= 0.1,
           f"answer duration {total}, source {src['duration']:.3f}")
    expect(end and abs(npt_seconds(end) - src["duration"]) <= 0.1, f"answer end {end!r}")
    got = probe(out)
    first_v = packets(out, "v", 1)
    first_a = packets(out, "a", 1)
    expect(first_v and first_a, "no video or no audio packet")
    print(f"  {label} npt={asked}-: start_time {got['start']:.3f}, first video pts {first_v[0][0]:.3f}"
          f" (key={first_v[0][2]}), first audio pts {first_a[0][0]:.3f}; answer {answer}")
    for what, t in (("start_time", got["start"]), ("first video pts", first_v[0][0]),
                    ("first audio pts", first_a[0][0])):
        expect(abs(t - asked) <= 2.0, f"{what} {t:.3f} is more than 2 s from {asked}")
    expect(first_v[0][2], "the stream does not start with a keyframe")
    expect(abs(got["duration"] - (src["duration"] - asked)) <= 2.0,
           f"duration {got['duration']:.3f} s after seeking to {asked} of {src['duration']:.3f}")
    return first_v[0][0], first_a[0][0]


def check_time_seek_full(r):
    check_time_seek(r, "hevc_ac3.mkv", CLIP_SECONDS // 2, "hevc_ac3")


def check_time_seek_copied_video(r):
    asked = 7  # between two keyframes (every 2 s): copied video must start at 6, the audio at 7
    video, audio = check_time_seek(r, "h264_dts.mkv", asked, "h264_dts")
    key = source_keyframe_at_or_before(os.path.join(r.media, "h264_dts.mkv"), asked)
    expect(abs(video - key) <= 0.1, f"copied video starts at {video:.3f}, the keyframe at or before {asked} "
                                     f"is at {key:.3f}")
    expect(abs(audio - asked) <= 0.1, f"audio starts at {audio:.3f}, asked {asked}")


def check_audio_only_copies_video(r):
    out = r.out("h264_dts.ts")
    code, status, _fields, _took = fetch(r.base + r.play_path("h264_dts.mkv"), out, {"User-Agent": SAMSUNG_UA})
    expect(code == 0 and status == 200, f"curl exit {code}, status {status}")
    info = probe(out)
    expect((info["audio"] or {}).get("codec_name") == "ac3", f"audio {info['audio']}, want ac3")
    expect((info["video"] or {}).get("codec_name") == "h264", f"video {info['video']}")
    # Reference: the same video stream copied by the ffmpeg CLI into MPEG-TS (Annex B, as Hearth must do).
    ref = r.out("h264_dts.reference.ts")
    ffmpeg("-i", os.path.join(r.media, "h264_dts.mkv"), "-map", "0:v", "-c", "copy", "-bsf:v", "h264_mp4toannexb",
           "-f", "mpegts", ref)
    n = 10
    got = packets(out, "v", n, hashes=True)
    want = packets(ref, "v", n, hashes=True)
    expect(len(got) == n and len(want) == n, f"{len(got)}/{len(want)} packets read")
    sizes = ([p[1] for p in got], [p[1] for p in want])
    print(f"  first {n} video packet sizes: Hearth {sizes[0]}, ffmpeg -c copy {sizes[1]}")
    expect(sizes[0] == sizes[1], f"packet sizes differ: {sizes[0]} vs {sizes[1]}")
    expect([p[3] for p in got] == [p[3] for p in want], "same sizes but different payloads (SHA-256)")


def check_originals_untouched(r, listing, agent, names):
    problems = []
    for name in names:
        _oid, res = r.item(listing, name)
        out = r.out(f"original_{name}")
        code, status, fields, _took = fetch(res[0][0], out, {"User-Agent": agent})
        if code != 0 or status != 200:
            problems.append(f"{name}: curl exit {code}, status {status}")
        elif sha256(out) != sha256(os.path.join(r.media, name)):
            problems.append(f"{name}: {os.path.getsize(out)} bytes that differ from the file")
        os.unlink(out)
    expect(not problems, "; ".join(problems))


def check_head(r):
    base = settled(r.pid)
    before = converting_lines(r.server)
    resp = curl(r.base + r.play_path("hevc_ac3.mkv"), method="HEAD",
                headers={"User-Agent": SAMSUNG_UA, "getcontentFeatures.dlna.org": "1"})
    expect(resp.status == 200, f"status {resp.status}")
    expect(resp.header("content-type") == "video/mpeg", f"Content-Type {resp.header('content-type')}")
    expect(resp.header("transfermode.dlna.org") == "Streaming", "no transferMode.dlna.org: Streaming")
    expect(CONVERTED_PI.match("http-get:*:video/mpeg:" + (resp.header("contentfeatures.dlna.org") or "")),
           f"contentFeatures.dlna.org {resp.header('contentfeatures.dlna.org')!r}")
    time.sleep(0.5)
    expect(threads(r.pid) == base[0], f"threads {base[0]} → {threads(r.pid)}: something started")
    expect(converting_lines(r.server) == before, "the log says a conversion started")


def check_head_content_length(r):
    # The GET of a live conversion has no Content-Length; a HEAD must not announce one (RFC 9110 §9.3.2:
    # the same header fields as the GET), least of all 0, which says the body is empty.
    resp = curl(r.base + r.play_path("hevc_ac3.mkv"), method="HEAD", headers={"User-Agent": SAMSUNG_UA})
    expect(resp.header("content-length") is None,
           f"HEAD play.ts says Content-Length: {resp.header('content-length')}; the GET has none")


def check_seek_errors(r):
    path = r.base + r.play_path("hevc_ac3.mkv")
    past = curl(path, headers={"User-Agent": SAMSUNG_UA, "TimeSeekRange.dlna.org": f"npt={CLIP_SECONDS + 5}-"})
    expect(past.status == 416, f"seek past the end answered {past.status}, want 416")
    bad = curl(path, headers={"User-Agent": SAMSUNG_UA, "TimeSeekRange.dlna.org": "npt=soon"})
    expect(bad.status == 400, f"malformed TimeSeekRange answered {bad.status}, want 400")


def check_disconnect_frees(r):
    base = settled(r.pid)
    sock, status, _fields, rest = open_stream("127.0.0.1", r.server.port, r.play_path("long_hevc.mkv"),
                                              {"User-Agent": SAMSUNG_UA})
    try:
        expect(status == 200, f"status {status}")
        got = len(rest) + read_some(sock, 300_000)
        expect(got >= 300_000, f"only {got} bytes came")
        during = (threads(r.pid), fds(r.pid))
        expect(during[0] > base[0], f"threads {base[0]} → {during[0]}: the conversion is not running any more "
                                    "(the test would prove nothing)")
    finally:
        sock.close()
    took, now = back_to(r.pid, base, 3.0)
    print(f"  before {base} (threads, fds), while converting {during}, "
          + (f"back in {took:.2f} s" if took is not None else f"still {now} after 3 s"))
    expect(took is not None, f"(threads, fds) {base} before, {now} 3 s after the client left")


def check_max_transcodes(r):
    srv = r.limited
    expect(srv is not None and srv.running(), "the --max-transcodes 1 instance is not running")
    listing = browse_items(srv.base_url, SAMSUNG_UA)
    long_path = f"/media/{r.item(listing, 'long_hevc.mkv')[0]}/play.ts"
    short_path = f"/media/{r.item(listing, 'hevc_ac3.mkv')[0]}/play.ts"
    first, status, _f, _rest = open_stream("127.0.0.1", srv.port, long_path, {"User-Agent": SAMSUNG_UA},
                                           rcvbuf=4096)
    try:
        expect(status == 200, f"the first conversion answered {status}")
        sock, status2, fields2, _rest = open_stream("127.0.0.1", srv.port, short_path,
                                                    {"User-Agent": SAMSUNG_UA}, source=SECOND_DEVICE)
        sock.close()
        expect(status2 == 503, f"a second conversion (from {SECOND_DEVICE}) answered {status2}, want 503")
        retry = fields2.get("retry-after", "")
        expect(retry.isdigit(), f"Retry-After {retry!r}")
    finally:
        first.close()
    start = time.monotonic()
    status3 = None
    while time.monotonic() - start < 1.5:
        sock, status3, _f, _rest = open_stream("127.0.0.1", srv.port, short_path, {"User-Agent": SAMSUNG_UA},
                                               source=SECOND_DEVICE)
        sock.close()
        if status3 == 200:
            break
        time.sleep(0.1)
    print(f"  a new conversion started {time.monotonic() - start:.2f} s after the first client left"
          if status3 == 200 else f"  still {status3} 1.5 s after the first client left")
    expect(status3 == 200, f"1.5 s after the first conversion ended a new one still gets {status3}")


def check_corrupt_inputs(r):
    base = settled(r.pid)
    listing = browse_items(r.base, SAMSUNG_UA)
    indexed = [n for n in BROKEN if os.path.splitext(n)[0] in listing]
    print(f"  indexed corrupt files: {indexed or 'none'}")
    expect(indexed, "neither corrupt file was indexed: nothing to test")
    problems = []
    for name in indexed:
        oid, res = listing[os.path.splitext(name)[0]]
        out = r.out(f"corrupt_{name}.ts")
        code, status, _fields, took = fetch(f"{r.base}/media/{oid}/play.ts", out, {"User-Agent": SAMSUNG_UA},
                                            timeout=30)
        size = os.path.getsize(out) if os.path.exists(out) else 0
        print(f"  {name}: curl exit {code}, status {status}, {size} bytes in {took:.2f} s")
        if code == 28:
            problems.append(f"{name}: the response did not end within 30 s")
        elif code not in (0, 18) or status not in (200, 500):
            problems.append(f"{name}: curl exit {code}, status {status}")
        if not (servers.http_ok(r.server.description_url) and r.server.running()):
            problems.append(f"the server stopped answering after {name}")
            break
    expect(not problems, "; ".join(problems))
    took, now = back_to(r.pid, base, 3.0)
    expect(took is not None, f"(threads, fds) {base} before, {now} after the corrupt conversions")


def check_converts_after_corrupt(r):
    out = r.out("after_corrupt.ts")
    code, status, _f, _t = fetch(r.base + r.play_path("hevc_ac3.mkv"), out,
                                 {"User-Agent": SAMSUNG_UA, "TimeSeekRange.dlna.org": "npt=12-"})
    expect(code == 0 and status == 200, f"curl exit {code}, status {status}")
    expect((probe(out)["video"] or {}).get("codec_name") == "h264", "no H.264 in the stream")


def check_clean_shutdown(r):
    code, took = r.server.terminate(10)
    expect(code == 0, f"exit status {code} after SIGTERM ({took:.1f} s)")


def run_checks(args, runner, _workdir):
    r = Run(args)
    if not runner.run("corpus", make_corpus, r.media, r.work):
        return
    try:
        r.server = r.start("main", 4)
        r.limited = r.start("limited", 1)
    except Exception as exc:  # noqa: BLE001
        runner.fail("servers_start", str(exc))
        return
    if not runner.run("library_ready", check_library_ready, r):
        return
    runner.run("browse_samsung_converted_only", check_browse_samsung, r)
    runner.run("browse_vlc_originals", check_browse_vlc, r)
    runner.run("full_transcode_headers", check_full_transcode_headers, r)
    runner.run("full_transcode_h264_ac3_duration", check_full_transcode_stream, r)
    runner.run("time_seek_full_transcode", check_time_seek_full, r)
    runner.run("time_seek_copied_video_keyframe", check_time_seek_copied_video, r)
    runner.run("audio_only_video_bit_exact", check_audio_only_copies_video, r)
    runner.run("vlc_originals_byte_identical", check_originals_untouched, r, r.vlc, VLC_UA, list(CORPUS))
    runner.run("samsung_direct_mp4_byte_identical", check_originals_untouched, r, r.samsung, SAMSUNG_UA,
               ["h264_aac.mp4"])
    runner.run("head_play_ts_starts_nothing", check_head, r)
    runner.run("head_play_ts_no_content_length", check_head_content_length, r)
    runner.run("time_seek_errors", check_seek_errors, r)
    runner.run("disconnect_frees_threads_and_fds", check_disconnect_frees, r)
    runner.run("max_transcodes_503_then_free", check_max_transcodes, r)
    runner.run("corrupt_input_ends_cleanly", check_corrupt_inputs, r)
    runner.run("converts_after_corrupt_input", check_converts_after_corrupt, r)
    runner.run("clean_shutdown", check_clean_shutdown, r)


if __name__ == "__main__":
    sys.exit(suite.run(run_checks))
