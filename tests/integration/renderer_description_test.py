#!/usr/bin/python3
"""Renderer profile files at work. Renderers recognised by their own device description: a fake renderer on 127.0.0.2 announces itself
with ssdp:alive; Hearth fetches its description from that address and a profile file that matches
`Description.modelName` decides what it is offered. A forged announcement pointing at another address
makes Hearth connect nowhere. A profile with a small image-max gets pictures scaled to fit, and titles cut.

Run inside the test namespace: netns.sh /usr/bin/python3 renderer_description_test.py --hearth build/hearth --workdir DIR
"""

import http.server
import os
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from e2elib import servers, suite  # noqa: E402
from e2elib import sources as s  # noqa: E402
from e2elib.checks import expect  # noqa: E402

RENDERER = "127.0.0.2"
OTHER = "127.0.0.3"
MODEL = "TestTV-9000"
DESCRIPTION = f"""<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>0</minor></specVersion>
<device><deviceType>urn:schemas-upnp-org:device:MediaRenderer:1</deviceType>
<friendlyName>Kitchen TV</friendlyName><manufacturer>Test Corp</manufacturer><modelName>{MODEL}</modelName>
<UDN>uuid:11111111-2222-3333-4444-555555555555</UDN></device></root>"""


class Renderer:
    """An HTTP server on the renderer's address that serves its description and counts the fetches."""

    def __init__(self, host):
        outer = self
        self.fetches = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the HTTP method name
                outer.fetches += 1
                body = DESCRIPTION.encode()
                self.send_response(200)
                self.send_header("Content-Type", 'text/xml; charset="utf-8"')
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args):
                pass

        self.server = http.server.HTTPServer((host, 0), Handler)
        self.location = f"http://{host}:{self.server.server_port}/description.xml"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


def announce(source, location, uuid="11111111-2222-3333-4444-555555555555"):
    """ssdp:alive for upnp:rootdevice, sent from `source` to the SSDP group."""
    msg = ("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\n"
           f"LOCATION: {location}\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nSERVER: Linux/5 UPnP/1.0 Test/1\r\n"
           f"USN: uuid:{uuid}::upnp:rootdevice\r\n\r\n").encode()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((source, 0))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
    sock.sendto(msg, ("239.255.255.250", 1900))
    sock.close()


def run_checks(args, runner, workdir):
    media = os.path.join(workdir, "media")
    profiles = os.path.join(workdir, "profiles")
    os.makedirs(media)
    os.makedirs(profiles)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2",
                    "-f", "lavfi", "-i", "sine=duration=2", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", os.path.join(media, "clip.mp4")], check=True)
    with open(os.path.join(media, "clip.srt"), "w") as fh:
        fh.write("1\n00:00:00,000 --> 00:00:01,500\nHello from the sidecar\n")
    with open(os.path.join(media, "clip.fr.srt"), "w") as fh:
        fh.write("1\n00:00:00,000 --> 00:00:01,500\nBonjour\n")
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=1600x1200", "-frames:v", "1",
                    os.path.join(media, "big photo.jpg")], check=True)
    with open(os.path.join(profiles, "tiny.conf"), "w") as fh:
        fh.write("name = Tiny TV\nmatch = User-Agent: TinyTV/\ncontainers = mpegts\nvideo = h264 1280x720\n"
                 "audio = aac 2\nimage-max = 640x480\nmax-title-length = 5\nsubtitles = none\n")
    with open(os.path.join(profiles, "kitchen.conf"), "w") as fh:
        fh.write(f"name = Kitchen TV\nmatch = Description.modelName: {MODEL}\ncontainers = mpegts\n"
                 "video = h264 1920x1080\naudio = aac 2\n")
    db = os.path.join(workdir, "h.db")
    code, out = servers.hearth_scan_only(args.hearth, media, db, "Description Test")
    if code != 0:
        runner.fail("scan", out)
        return
    port = servers.free_port()
    argv = servers.hearth_argv(args.hearth, media, db, "lo", port, "Description Test") + [
        "--profiles", profiles]
    server = servers.ServerProcess(argv, os.path.join(workdir, "hearth.log"), "127.0.0.1", port,
                                   "/description.xml")
    server.start()
    renderer = Renderer(RENDERER)
    other = s.SilentListener(OTHER)
    control = f"http://127.0.0.1:{port}/control/ContentDirectory"

    def clip_res(source):
        browser = s.SourceBrowser(source, control, user_agent="SomeUnknownRenderer/1.0")
        folder = browser.browse("folders").objects[0].id  # the shared folder
        clip = next(o for o in browser.browse(folder).objects if o.title == "clip")
        return clip.resources[0]

    try:
        runner.run("server_ready", lambda: expect(server.wait_ready(), "server did not answer"))
        runner.run("unknown_renderer_gets_original",
                   lambda: expect(clip_res(RENDERER).uri.endswith(".mp4"), "expected the original MP4"))

        def announced_renderer_matched():
            announce(RENDERER, renderer.location)
            expect(servers.wait_until(lambda: renderer.fetches >= 1, 5), "Hearth did not fetch the description")
            expect(servers.wait_until(lambda: clip_res(RENDERER).uri.endswith("/play.ts"), 5),
                   f"the profile matching Description.modelName did not apply: {clip_res(RENDERER).uri}")
            # Its device record takes the name its description gives.
            expect(servers.wait_until(lambda: "Kitchen TV" in s.devices_cli(args.hearth, db, "list")[1], 5),
                   f"device list lacks the described name: {s.devices_cli(args.hearth, db, 'list')[1]!r}")
            # Another device at another address is not affected by that renderer's description.
            expect(clip_res("127.0.0.4").uri.endswith(".mp4"), "another address got the kitchen profile")
        runner.run("announced_renderer_matched_by_model_name", announced_renderer_matched)

        def forged_location_not_fetched():
            announce(RENDERER, f"http://{OTHER}:{other.port}/steal.xml", uuid="99999999-0000-0000-0000-000000000000")
            time.sleep(2)
            expect(not other.connections, f"Hearth connected to a third party: {other.connections[:1]}")
        runner.run("forged_location_not_fetched", forged_location_not_fetched)

        def image_scaled_for_small_screen():
            browser = s.SourceBrowser("127.0.0.5", control, user_agent="TinyTV/2.0")
            folder = browser.browse("folders").objects[0].id  # the shared folder
            photo = next(o for o in browser.browse(folder).objects if o.upnp_class.startswith("object.item.image"))
            res = photo.resources[0]
            expect(res.uri.endswith("/image.jpg"), f"expected a scaled JPEG res, got {res.uri}")
            expect("DLNA.ORG_PN=JPEG_SM" in res.protocol_info, res.protocol_info)
            expect(len(photo.title) <= 5, f"title not cut to 5 characters: {photo.title!r}")
            out = os.path.join(workdir, "scaled.jpg")
            subprocess.run(["curl", "-s", "-A", "TinyTV/2.0", "--interface", "127.0.0.5", "-o", out, res.uri],
                           check=True)
            probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height",
                                    "-of", "csv=p=0", out], capture_output=True, text=True, check=True).stdout.strip()
            expect(probe == "mjpeg,640,480", f"scaled picture: {probe!r}")
        runner.run("image_scaled_and_title_cut_for_small_screen", image_scaled_for_small_screen)

        def sidecar_subtitles_offered():
            samsung = "DLNADOC/1.50 SEC_HHP_[TV] UE65JU7000/1.0 UPnP/1.0"
            browser = s.SourceBrowser("127.0.0.6", control, user_agent=samsung)
            folder = browser.browse("folders").objects[0].id  # the shared folder
            clip = next(o for o in browser.browse(folder).objects if o.title == "clip")
            subs = [r for r in clip.resources if r.mime == "text/srt"]
            expect(len(subs) == 2, f"expected 2 text/srt res, got {[r.protocol_info for r in clip.resources]}")
            resp = s.curl_from("127.0.0.6", subs[0].uri, headers={"User-Agent": samsung})
            expect(resp.status == 200 and b"sidecar" in resp.body, f"first subtitle: {resp.describe()}")
            media = next(r for r in clip.resources if r.mime.startswith("video/"))
            head = s.curl_from("127.0.0.6", media.uri, method="HEAD",
                               headers={"User-Agent": samsung, "getCaptionInfo.sec": "1"}, head_only=True)
            caption = head.header("captioninfo.sec") or ""
            expect(caption.endswith(subs[0].uri.split("/")[-1]), f"CaptionInfo.sec {caption!r}")
            tiny = s.SourceBrowser("127.0.0.5", control, user_agent="TinyTV/2.0")
            clip2 = next(o for o in tiny.browse(folder).objects if o.upnp_class.startswith("object.item.video"))
            expect(not [r for r in clip2.resources if r.mime == "text/srt"], "subtitles = none still offered them")
            expect(s.curl_from("127.0.0.6", f"http://127.0.0.1:{port}/subtitle/999.srt").status == 404,
                   "an unknown subtitle id was served")
        runner.run("sidecar_subtitles_offered", sidecar_subtitles_offered)

        def own_announcements_ignored():
            fetches = renderer.fetches
            time.sleep(1)
            expect(renderer.fetches == fetches, "the same description was fetched again at once")
        runner.run("no_refetch_storm", own_announcements_ignored)
    finally:
        renderer.close()
        other.close()
        server.terminate()


if __name__ == "__main__":
    sys.exit(suite.run(run_checks))
