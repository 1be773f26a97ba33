#!/usr/bin/python3
"""Resume bookmarks and X_MS_MediaReceiverRegistrar (issue 5), against the real binary.

Run inside the test namespace (see netns.sh), with /usr/bin/python3 (needs gi):

    netns.sh /usr/bin/python3 resume_test.py --hearth build/hearth --workdir /tmp/resume

Loopback addresses stand in for devices (each client binds its socket to its address first):
127.0.0.2 is a Samsung TV (its User-Agent and X-AV-Client-Info), 127.0.0.3-.5 are other renderers. The
corpus is a 60 s near-constant-bitrate H.264 MP4 (played directly) and a 60 s HEVC MKV (converted for a
renderer nobody knows). Checks:

  registrar  the service is in the description and announced; GUPnP introspects its SCPD (three actions,
             the evented UpdateIDs); IsAuthorized/IsValidated answer 1 and RegisterDevice an empty message
             through a GUPnP ServiceProxy; SUBSCRIBE gets a SID and the initial event
  bookmark   X_SetBookmark as a Samsung TV sends it → Browse from that TV shows sec:dcmInfo BM= and
             upnp:lastPlaybackPosition (the Filter decides which), another device sees none; bad arguments
             are 402/701; PosSecond 0 clears
  streams    a direct stream cut off midway leaves a bookmark where the client got to; reading the whole
             file clears it; a TimeSeekRange conversion cut off leaves one past the seek; a whole
             conversion clears it
  restart    bookmarks survive a restart of the server

Every check prints PASS/FAIL; the last line is 'N passed, M failed'; the exit status is non-zero when any
check failed. All waits are bounded; every process started is killed at the end.
"""

import http.client
import os
import socket
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from e2elib import gena, servers, suite  # noqa: E402
from e2elib import http as h  # noqa: E402
from e2elib import sources as s  # noqa: E402
from e2elib import upnp as u  # noqa: E402
from e2elib.checks import expect  # noqa: E402
from gi.repository import GLib, GObject, GUPnP  # noqa: E402

REGISTRAR = "urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1"
SAMSUNG = "127.0.0.2"
OTHER = "127.0.0.3"
VIEWER = "127.0.0.4"
PROBE = "127.0.0.5"
SAMSUNG_HEADERS = {
    "User-Agent": "DLNADOC/1.50 SEC_HHP_[TV] Samsung Q7 Series (55)/1.0 UPnP/1.0",
    "X-AV-Client-Info": 'av=5.0; cn="Samsung Electronics"; mn="[TV] Samsung Q7 Series (55)"; mv="1.0";',
    "FriendlyName.DLNA.ORG": "[TV] Living Room",
}
OTHER_UA = "SomeRenderer/1.0 UPnP/1.0"
DURATION = 60
DIDL_UPNP = "urn:schemas-upnp-org:metadata-1-0/upnp/"
DIDL_SEC = "http://www.sec.co.kr/"
BOOKMARK_WAIT = 5  # s: a stream's end is noticed when the server sees the connection go


# --- corpus -------------------------------------------------------------------------------------

def make_corpus(media):
    os.makedirs(media)

    def ff(*argv):
        subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *argv],
                       check=True, timeout=120)

    sources = ["-f", "lavfi", "-i", f"testsrc=size=320x240:rate=25:duration={DURATION}",
               "-f", "lavfi", "-i", f"sine=frequency=440:duration={DURATION}"]
    # Nearly constant bitrate, index first: byte offsets map to times as the server assumes.
    ff(*sources, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-b:v", "1M",
       "-minrate", "1M", "-maxrate", "1M", "-bufsize", "500k", "-x264-params", "nal-hrd=cbr",
       "-c:a", "aac", "-b:a", "64k", "-shortest", "-movflags", "+faststart",
       os.path.join(media, "film.mp4"))
    ff(*sources, "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error",
       "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", os.path.join(media, "show.mkv"))


# --- clients ------------------------------------------------------------------------------------

class Client:
    """SOAP and media requests from one loopback address with one set of headers."""

    def __init__(self, source, port, headers):
        self.source = source
        self.port = port
        self.headers = dict(headers)

    def soap(self, path, service, action, args):
        inner = "".join(f"<{k}>{v}</{k}>" for k, v in args)
        body = h.soap_envelope(f'<u:{action} xmlns:u="{service}">{inner}</u:{action}>').encode()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10,
                                          source_address=(self.source, 0))
        try:
            conn.request("POST", path, body=body, headers={
                **self.headers, "Content-Type": 'text/xml; charset="utf-8"',
                "SOAPACTION": f'"{service}#{action}"'})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def set_bookmark(self, object_id, seconds, extra=None):
        args = extra if extra is not None else [("CategoryType", "2"), ("RID", "0"),
                                                ("ObjectID", object_id), ("PosSecond", seconds)]
        return self.soap("/control/ContentDirectory", u.CDS, "X_SetBookmark", args)

    def metadata(self, object_id, filter_="*"):
        """The item element of BrowseMetadata (ElementTree)."""
        status, body = self.soap("/control/ContentDirectory", u.CDS, "Browse", [
            ("ObjectID", object_id), ("BrowseFlag", "BrowseMetadata"), ("Filter", filter_),
            ("StartingIndex", "0"), ("RequestedCount", "0"), ("SortCriteria", "")])
        expect(status == 200, f"Browse answered {status}: {body[:200]!r}")
        result = s.parse_browse_response(body)
        return ET.fromstring(result.didl).find(f"{{{u.DIDL_NS}}}item")

    def bookmark(self, object_id):
        """(BM seconds from sec:dcmInfo, upnp:lastPlaybackPosition) as Browse shows them; None when absent."""
        item = self.metadata(object_id)
        dcm = item.findtext(f"{{{DIDL_SEC}}}dcmInfo")
        last = item.findtext(f"{{{DIDL_UPNP}}}lastPlaybackPosition")
        bm = None
        if dcm is not None:
            fields = dict(f.split("=", 1) for f in dcm.split(",") if "=" in f)
            bm = int(fields["BM"])
        return bm, last

    def partial_get(self, path, extra_headers=None, read=None):
        """GET that reads the body up to `read` bytes (all when None) and then resets the connection.
        → (status, headers, body bytes read)."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # A small receive buffer, so that what the kernel takes in ahead of us stays small.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
        sock.bind((self.source, 0))
        sock.settimeout(20)
        try:
            sock.connect(("127.0.0.1", self.port))
            lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
            lines += [f"{k}: {v}" for k, v in {**self.headers, **(extra_headers or {})}.items()]
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            buf = b""
            while b"\r\n\r\n" not in buf:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                buf += chunk
            head, _, body = buf.partition(b"\r\n\r\n")
            head_lines = head.decode("latin-1").split("\r\n")
            status = int(head_lines[0].split()[1])
            headers = {k.strip().lower(): v.strip() for k, v in
                       (line.split(":", 1) for line in head_lines[1:] if ":" in line)}
            got = len(body)
            length = headers.get("content-length")
            if read is None and length is not None:
                read = int(length)  # a kept-alive connection stays open after the body
            deadline = time.monotonic() + 60
            while (read is None or got < read) and time.monotonic() < deadline:
                chunk = sock.recv(min(65536, (read - got) if read else 65536))
                if not chunk:
                    break
                got += len(chunk)
            return status, headers, got
        finally:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()


def wait_bookmark(client, object_id, predicate, timeout=BOOKMARK_WAIT):
    """Poll Browse until predicate(bm) holds; return the last (bm, lastPlaybackPosition)."""
    last = [None]

    def ok():
        last[0] = client.bookmark(object_id)
        return predicate(last[0][0])

    servers.wait_until(ok, timeout, interval=0.25)
    return last[0]


def hms(seconds):
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


# --- GUPnP --------------------------------------------------------------------------------------

def introspect(proxy, timeout=10):
    done = {}

    def finished(info, result):
        try:
            done["value"] = info.introspect_finish(result)
        except GLib.Error as err:
            done["error"] = err

    proxy.introspect_async(None, finished)
    u.iterate_until(lambda: done, timeout)
    expect("error" not in done, f"introspection failed: {done.get('error')}")
    expect("value" in done, "introspection did not finish")
    return done["value"]


# --- checks -------------------------------------------------------------------------------------

def check_registrar(runner, server, client_point):
    base = server.base_url
    description = h.fetch_description(base + "/description.xml")

    def listed():
        entry = description.services.get(REGISTRAR)
        expect(entry is not None, f"no {REGISTRAR} in {sorted(description.services)}")
        expect(entry.control_url.endswith("/control/X_MS_MediaReceiverRegistrar"), entry.control_url)
        expect(entry.event_url.endswith("/event/X_MS_MediaReceiverRegistrar"), entry.event_url)
        expect(h.scpd_actions(entry.scpd_url) == {"IsAuthorized", "IsValidated", "RegisterDevice"},
               f"SCPD actions: {h.scpd_actions(entry.scpd_url)}")
    runner.run("registrar_in_description", listed)

    def announced():
        # Multicast: GUPnP's sockets on port 1900 would take a unicast search away from the server.
        answers = u.raw_msearch("127.0.0.1", REGISTRAR, mx=1, listen=2.5)
        usns = [hd.get("USN", "") for _first, hd in answers if f":{server.port}/" in hd.get("LOCATION", "")]
        expect(any(usn.endswith("::" + REGISTRAR) for usn in usns), f"no M-SEARCH answer for it: {usns}")
    runner.run("registrar_answers_msearch", announced)

    device = client_point.discover(server.port)
    proxy = device.get_service(REGISTRAR) if device else None

    def introspected():
        expect(proxy is not None, "GUPnP found no registrar service proxy")
        intro = introspect(proxy)
        names = set(intro.list_action_names())
        expect(names == {"IsAuthorized", "IsValidated", "RegisterDevice"}, f"actions: {names}")
        authorized = intro.get_action("IsAuthorized")
        args = {(a.name, a.direction) for a in authorized.arguments}
        expect(args == {("DeviceID", GUPnP.ServiceActionArgDirection.IN),
                        ("Result", GUPnP.ServiceActionArgDirection.OUT)}, f"IsAuthorized arguments: {args}")
        for var in ("AuthorizationGrantedUpdateID", "AuthorizationDeniedUpdateID",
                    "ValidationSucceededUpdateID", "ValidationRevokedUpdateID"):
            info = intro.get_state_variable(var)
            expect(info is not None and info.send_events, f"{var} missing or not evented")
    runner.run("registrar_scpd_introspects", introspected)

    def actions_answer():
        expect(proxy is not None, "GUPnP found no registrar service proxy")
        for action in ("IsAuthorized", "IsValidated"):
            out = client_point.call(proxy, action, [("DeviceID", "")], [("Result", GObject.TYPE_INT)])
            expect(out["Result"] == 1, f"{action} answered {out}")
        out = client_point.call(proxy, "RegisterDevice", [("RegistrationReqMsg", "")],
                                [("RegistrationRespMsg", GObject.TYPE_STRING)])
        expect(out["RegistrationRespMsg"] in ("", None), f"RegisterDevice answered {out}")
        # An Xbox asks from its own address, with its own header; it is answered the same.
        xbox = Client(OTHER, server.port, {"User-Agent": "Xbox/2.0.17559.0 UPnP/1.0 Xbox/2.0.17559.0"})
        status, body = xbox.soap("/control/X_MS_MediaReceiverRegistrar", REGISTRAR, "IsAuthorized",
                                 [("DeviceID", "")])
        expect(status == 200 and b"<Result>1</Result>" in body, f"Xbox: {status} {body[:200]!r}")
    runner.run("registrar_actions_answer", actions_answer)

    def subscribes():
        entry = description.services[REGISTRAR]
        with gena.EventSink("127.0.0.1") as sink:
            parts = entry.event_url.split("/", 3)
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            conn.request("SUBSCRIBE", "/" + parts[3], headers={
                "CALLBACK": f"<{sink.url}>", "NT": "upnp:event", "TIMEOUT": "Second-300"})
            resp = conn.getresponse()
            resp.read()
            sid = resp.getheader("SID", "")
            conn.close()
            expect(resp.status == 200 and sid.startswith("uuid:"), f"SUBSCRIBE: {resp.status} SID={sid!r}")
            events = sink.wait(1, 5)
            expect(events, "no initial event")
            values = gena.properties(events[0][1])
            expect(values.get("AuthorizationGrantedUpdateID") == "0", f"initial event: {values}")
    runner.run("registrar_event_subscription", subscribes)


def find_ids(server):
    browser = s.SourceBrowser("127.0.0.1", server.base_url + "/control/ContentDirectory")
    ids = {}
    # The media folder is under Folders (the root lists the views first).
    for folder in browser.browse("folders").objects:
        for obj in browser.browse(folder.id).objects:
            ids[obj.title] = obj.id
    return ids


def check_set_bookmark(runner, tv, other, film):
    def shown_to_that_tv_only():
        status, body = tv.set_bookmark(film, "40")
        expect(status == 200 and b"X_SetBookmarkResponse" in body, f"X_SetBookmark: {status} {body[-300:]!r}")
        bm, last = tv.bookmark(film)
        expect(bm == 40, f"the TV sees BM={bm}")
        expect(last == "0:00:40", f"the TV sees lastPlaybackPosition {last!r}")
        expect(other.bookmark(film) == (None, None), f"another device sees {other.bookmark(film)}")
    runner.run("set_bookmark_shown_to_that_device_only", shown_to_that_tv_only)

    def filter_respected():
        only_sec = tv.metadata(film, "sec:dcmInfo")
        expect(only_sec.findtext(f"{{{DIDL_SEC}}}dcmInfo") is not None, "sec:dcmInfo missing when asked for")
        expect(only_sec.find(f"{{{DIDL_UPNP}}}lastPlaybackPosition") is None, "lastPlaybackPosition unasked")
        neither = tv.metadata(film, "dc:title,res")
        expect(neither.find(f"{{{DIDL_SEC}}}dcmInfo") is None, "sec:dcmInfo shown though filtered out")
        expect(neither.find(f"{{{DIDL_UPNP}}}lastPlaybackPosition") is None, "lastPlaybackPosition unasked")
    runner.run("bookmark_respects_filter", filter_respected)

    def bad_arguments():
        cases = [
            ("missing PosSecond", [("CategoryType", "2"), ("RID", "0"), ("ObjectID", film)], 402),
            ("PosSecond not a number", [("ObjectID", film), ("PosSecond", "soon")], 402),
            ("PosSecond past the end", [("ObjectID", film), ("PosSecond", "3600")], 402),
            ("unknown object", [("ObjectID", "987654"), ("PosSecond", "30")], 701),
            ("a container", [("ObjectID", "0"), ("PosSecond", "30")], 701),
        ]
        for what, args, code in cases:
            status, body = tv.set_bookmark(None, None, extra=args)
            got = h.upnp_error_code(body)
            expect(status == 500 and got == code, f"{what}: HTTP {status}, error {got} (want {code})")
        expect(tv.bookmark(film)[0] == 40, "a refused X_SetBookmark changed the bookmark")
    runner.run("set_bookmark_bad_arguments", bad_arguments)

    def zero_clears():
        status, _ = tv.set_bookmark(film, "0")
        expect(status == 200, f"X_SetBookmark 0: {status}")
        expect(tv.bookmark(film) == (None, None), f"still {tv.bookmark(film)}")
        tv.set_bookmark(film, "40")  # for the restart check
    runner.run("set_bookmark_zero_clears", zero_clears)


def check_streams(runner, server, film, show):
    film_path = f"/media/{film}.mp4"

    def direct_interrupted():
        viewer = Client(OTHER, server.port, {"User-Agent": OTHER_UA})
        size = os.path.getsize(os.path.join(server.media, "film.mp4"))
        start = size * 2 // 5  # 24 s in
        status, _, got = viewer.partial_get(film_path, {"Range": f"bytes={start}-"}, read=size // 10)
        expect(status == 206, f"range request: HTTP {status}")
        expect(got >= size // 10, f"read only {got} bytes")
        bm, last = wait_bookmark(viewer, film, lambda b: b is not None)
        print(f"  direct stream read 24-30 s: BM={bm}", flush=True)
        expect(bm is not None and 27 <= bm <= 33, f"bookmark {bm} after reading 24-30 s (want about 30)")
        expect(last == hms(bm), f"lastPlaybackPosition {last!r} for BM={bm}")
        expect(Client(VIEWER, server.port, {"User-Agent": OTHER_UA}).bookmark(film) == (None, None),
               "the bookmark shows on another device")
    runner.run("interrupted_direct_stream_bookmarks", direct_interrupted)

    def direct_whole_clears():
        viewer = Client(OTHER, server.port, {"User-Agent": OTHER_UA})
        expect(viewer.bookmark(film)[0] is not None, "no bookmark to clear (previous check failed)")
        status, _, got = viewer.partial_get(film_path)
        expect(status == 200 and got == os.path.getsize(os.path.join(server.media, "film.mp4")),
               f"whole file: HTTP {status}, {got} bytes")
        bm, _ = wait_bookmark(viewer, film, lambda b: b is None)
        expect(bm is None, f"a full play left BM={bm}")
    runner.run("full_direct_play_clears", direct_whole_clears)

    def probe_changes_nothing():
        probe = Client(PROBE, server.port, {"User-Agent": OTHER_UA})
        probe.set_bookmark(film, "20")
        size = os.path.getsize(os.path.join(server.media, "film.mp4"))
        # What renderers do before playing: the first bytes, then the last ones.
        probe.partial_get(film_path, {"Range": "bytes=0-"}, read=16384)
        probe.partial_get(film_path, {"Range": f"bytes={size - 20000}-"})
        # A long film's moov index is megabytes: seconds' worth of bytes, more than a glance (5 s), all
        # inside the credits (the last 10 s here).
        probe.partial_get(film_path, {"Range": f"bytes={size - size * 8 // DURATION}-"})
        time.sleep(1)
        expect(probe.bookmark(film)[0] == 20, f"probing changed the bookmark: {probe.bookmark(film)}")
    runner.run("probes_leave_bookmarks_alone", probe_changes_nothing)

    converted = f"/media/{show}/play.ts"

    def converted_seek_interrupted():
        viewer = Client(VIEWER, server.port, {"User-Agent": OTHER_UA})
        # The whole conversion first, for its size (and: a full play leaves no bookmark).
        status, headers, total = viewer.partial_get(converted)
        expect(status == 200 and total > 100000, f"conversion: HTTP {status}, {total} bytes")
        expect(servers.wait_until(lambda: viewer.bookmark(show)[0] is None, 2), "a full conversion bookmarked")
        status, headers, got = viewer.partial_get(converted, {"TimeSeekRange.dlna.org": "npt=20-"},
                                                  read=total * 3 // 10)
        expect(status == 200, f"time seek: HTTP {status}")
        expect(headers.get("timeseekrange.dlna.org", "").startswith("npt=0:00:20"),
               f"TimeSeekRange answer {headers.get('timeseekrange.dlna.org')!r}")
        bm, last = wait_bookmark(viewer, show, lambda b: b is not None)
        # About 18 s of output read from 20 s on; allow for the muxer's and the kernel's buffering.
        print(f"  conversion from 20 s, 30 % of its bytes read: BM={bm}", flush=True)
        expect(bm is not None and 26 <= bm <= 48, f"bookmark {bm} after reading from 20 s (want ~38)")
        expect(last == hms(bm), f"lastPlaybackPosition {last!r}")
    runner.run("interrupted_time_seek_conversion_bookmarks", converted_seek_interrupted)

    def converted_whole_clears():
        viewer = Client(VIEWER, server.port, {"User-Agent": OTHER_UA})
        expect(viewer.bookmark(show)[0] is not None, "no bookmark to clear (previous check failed)")
        status, _, got = viewer.partial_get(converted)
        expect(status == 200 and got > 0, f"conversion: HTTP {status}")
        bm, _ = wait_bookmark(viewer, show, lambda b: b is None)
        expect(bm is None, f"a whole conversion left BM={bm}")
    runner.run("full_conversion_clears", converted_whole_clears)


def run_checks(args, runner, workdir):
    media = os.path.join(workdir, "media")
    db = os.path.join(workdir, "hearth.db")
    make_corpus(media)
    code, out = servers.hearth_scan_only(args.hearth, media, db, "Resume Test")
    if code != 0:
        runner.fail("scan", out)
        return

    def start():
        server = servers.hearth_server(args.hearth, media, db, "lo", "127.0.0.1", "Resume Test",
                                       os.path.join(workdir, f"server-{time.monotonic_ns()}.log"))
        server.media = media
        server.start()
        expect(server.wait_ready(), "server did not answer")
        return server

    server = None
    try:
        server = start()
        ids = find_ids(server)
        film, show = ids.get("film"), ids.get("show")
        if not film or not show:
            runner.fail("corpus_indexed", f"titles found: {sorted(ids)}")
            return
        check_registrar(runner, server, u.MediaServerClient("lo"))
        tv = Client(SAMSUNG, server.port, SAMSUNG_HEADERS)
        other = Client(OTHER, server.port, {"User-Agent": OTHER_UA})
        check_set_bookmark(runner, tv, other, film)
        check_streams(runner, server, film, show)

        def survives_restart():
            nonlocal server
            expect(server.terminate()[0] == 0, "server did not exit cleanly")
            server = start()
            tv.port = server.port
            bm, last = tv.bookmark(film)
            expect(bm == 40 and last == "0:00:40", f"after a restart the TV sees {(bm, last)}")
            expect(Client(OTHER, server.port, {}).bookmark(film) == (None, None),
                   "after a restart another device sees the TV's bookmark")
        runner.run("bookmarks_survive_restart", survives_restart)
    finally:
        if server is not None:
            server.terminate()


if __name__ == "__main__":
    sys.exit(suite.run(run_checks))
