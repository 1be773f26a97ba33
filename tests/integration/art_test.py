#!/usr/bin/python3
"""Album art and thumbnails end to end (issue 5).

A corpus made with ffmpeg: an MP3 with an embedded cover, a FLAC folder with cover.jpg, an MP3 without art, a
video (black at first, so the thumbnail must skip the black), a JPEG photo, an MP3 whose embedded JPEG is
truncated, one whose embedded "JPEG" is whole-looking garbage, and one with a 30 MB embedded picture.
Through a GUPnP control point: upnp:albumArtURI (dlna:profileID="JPEG_TN") and a JPEG_TN res appear exactly
where art exists; the URLs give JPEGs within 160x160 and 640x480 (ffprobe) with the DLNA headers; thumbnails
are made once and kept in the state folder; a changed cover gives new ones; a cover added beside unchanged
music appears after a rescan; garbage art is 404 with one log line and the server keeps serving; a device
waiting for approval gets 403; nothing under the media folder is written.

Run inside the test namespace: netns.sh /usr/bin/python3 art_test.py --hearth build/hearth --workdir DIR
"""

import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from e2elib import servers, suite  # noqa: E402
from e2elib import sources as s  # noqa: E402
from e2elib import tree as t  # noqa: E402
from e2elib import upnp as u  # noqa: E402
from e2elib.checks import expect  # noqa: E402
from e2elib.http import curl  # noqa: E402

DIDL_NS = "urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/"
UPNP_NS = "urn:schemas-upnp-org:metadata-1-0/upnp/"
DLNA_NS = "urn:schemas-dlna-org:metadata-1-0/"
THUMB_PROTOCOL = ("http-get:*:image/jpeg:DLNA.ORG_PN=JPEG_TN;DLNA.ORG_OP=00;DLNA.ORG_CI=1;"
                  "DLNA.ORG_FLAGS=00f00000000000000000000000000000")
PENDING_DEVICE = "127.0.0.6"  # another household device, not yet approved

# title (file stem) -> does it have art
WITH_ART = {"embedded": True, "flac_track": True, "plain": False, "clip": True, "photo": True,
            "truncated_art": False, "garbage_art": True, "huge_art": False}


def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", *args], check=True, timeout=120)


def id3_with_picture(picture):
    """An ID3v2.3 tag holding one APIC frame (front cover, image/jpeg) with these bytes, as they are: ffmpeg
    refuses to write pictures it cannot parse, and these are meant to be broken."""
    body = b"\0image/jpeg\0\x03\0" + picture
    frame = b"APIC" + len(body).to_bytes(4, "big") + b"\0\0" + body
    size = len(frame)
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3\x03\0\0" + syncsafe + frame


def make_corpus(media, tmp):
    """The files of the module docstring; returns nothing, raises when ffmpeg fails."""
    for d in ("Music/Embedded", "Music/Flac", "Music/Plain", "Music/Broken", "Videos", "Pictures"):
        os.makedirs(os.path.join(media, d), exist_ok=True)
    wav = os.path.join(tmp, "a.wav")
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=2", wav)
    cover_png = os.path.join(tmp, "cover.png")
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=600x600", "-frames:v", "1", cover_png)
    ffmpeg("-i", wav, "-i", cover_png, "-map", "0", "-map", "1", "-c:a", "libmp3lame", "-c:v", "mjpeg",
           "-disposition:v", "attached_pic", os.path.join(media, "Music/Embedded/embedded.mp3"))
    ffmpeg("-i", wav, "-c:a", "flac", os.path.join(media, "Music/Flac/flac_track.flac"))
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=500x500", "-frames:v", "1",
           os.path.join(media, "Music/Flac/cover.jpg"))
    ffmpeg("-i", wav, "-c:a", "libmp3lame", os.path.join(media, "Music/Plain/plain.mp3"))
    # Broken embedded pictures: cut short, garbage between JPEG markers, and 30 MB.
    good_jpeg = os.path.join(tmp, "good.jpg")
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=400x400", "-frames:v", "1", good_jpeg)
    with open(good_jpeg, "rb") as fh:
        jpeg = fh.read()
    pictures = {
        "truncated_art": jpeg[: len(jpeg) // 2],
        "garbage_art": b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40 + b"\xff\xd9",
        "huge_art": jpeg + b"\0" * (30 << 20),
    }
    bare = os.path.join(tmp, "bare.mp3")
    ffmpeg("-i", wav, "-c:a", "libmp3lame", "-id3v2_version", "0", "-write_xing", "0", bare)
    with open(bare, "rb") as fh:
        audio = fh.read()
    for stem, data in pictures.items():
        with open(os.path.join(media, f"Music/Broken/{stem}.mp3"), "wb") as fh:
            fh.write(id3_with_picture(data) + audio)
    # Black for the first 3 s of 10: the frame at 10% is black, so a later one must be chosen.
    ffmpeg("-f", "lavfi", "-i", "color=black:size=640x360:rate=25:duration=3",
           "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=7",
           "-filter_complex", "[0][1]concat=n=2:v=1:a=0", "-c:v", "libx264", "-preset", "ultrafast",
           "-pix_fmt", "yuv420p", os.path.join(media, "Videos/clip.mp4"))
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=1600x1200", "-frames:v", "1",
           os.path.join(media, "Pictures/photo.jpg"))


def snapshot(root):
    """{relpath: (size, mtime_ns)} of every file and folder under root."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.stat(path)
            out[os.path.relpath(path, root)] = (st.st_size, st.st_mtime_ns)
    return out


def ffprobe_picture(data, tmp):
    """(codec, width, height) of JPEG bytes, by ffprobe."""
    path = os.path.join(tmp, "probe.jpg")
    with open(path, "wb") as fh:
        fh.write(data)
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=codec_name,width,height", "-of", "csv=p=0", path],
                         capture_output=True, text=True, timeout=30, check=False).stdout.strip()
    parts = out.split(",")
    if len(parts) != 3:
        return None, 0, 0
    return parts[0], int(parts[1]), int(parts[2])


def mean_luma(data, tmp):
    path = os.path.join(tmp, "luma.jpg")
    with open(path, "wb") as fh:
        fh.write(data)
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         capture_output=True, timeout=30, check=False).stdout
    return sum(raw) / len(raw) if raw else 0


class Context:
    def __init__(self, args):
        self.workdir = args.workdir
        self.media = os.path.join(args.workdir, "media")
        self.state = os.path.join(args.workdir, "state")
        self.tmp = os.path.join(args.workdir, "tmp")
        self.thumbs = os.path.join(self.state, "thumbnails")
        self.server = None
        self.client = None
        self.items = {}  # title -> DidlObject
        self.didl = {}  # item id -> raw DIDL <item> element
        self.media_before = None

    def browse_all(self):
        """Walk the tree with GUPnP; fill items (by title) and the raw DIDL of each item."""
        tree = t.walk(self.client, page_size=0)
        self.items = {o.title: o for o in tree.items}
        self.didl = {}
        for container_id in tree.children:
            result = self.client.browse(container_id)
            for el in ET.fromstring(result.didl).findall(f"{{{DIDL_NS}}}item"):
                self.didl[el.get("id")] = el
        return tree

    def get(self, path, headers=None, method="GET"):
        return curl(self.server.base_url + path, method=method, headers=headers)

    def thumb_files(self):
        out = {}
        for dirpath, _dirs, files in os.walk(self.thumbs):
            for name in files:
                path = os.path.join(dirpath, name)
                out[name] = os.stat(path).st_mtime_ns
        return out

    def log(self):
        with open(os.path.join(self.workdir, "hearth.log"), encoding="utf-8", errors="replace") as fh:
            return fh.read()


def check_album_art_exactly_where_art_exists(ctx):
    ctx.browse_all()
    missing = [title for title in WITH_ART if title not in ctx.items]
    expect(not missing, f"items not listed: {missing}; listed: {sorted(ctx.items)}")
    for title, has_art in WITH_ART.items():
        item = ctx.items[title]
        thumb_res = [r for r in item.resources if r.protocol_info == THUMB_PROTOCOL]
        if has_art:
            expect(item.album_art and item.album_art.endswith(f"/art/{item.id}.jpg"),
                   f"{title}: albumArtURI {item.album_art!r}")
            expect(len(thumb_res) == 1 and thumb_res[0].uri == item.album_art,
                   f"{title}: thumbnail res {[r.protocol_info for r in item.resources]}")
            expect(item.resources[0].protocol_info != THUMB_PROTOCOL, f"{title}: the media is not the first res")
        else:
            expect(not item.album_art, f"{title}: albumArtURI {item.album_art!r} where there is no art")
            expect(not thumb_res, f"{title}: a thumbnail res where there is no art")


def check_album_art_uri_carries_the_dlna_profile(ctx):
    for title, has_art in WITH_ART.items():
        el = ctx.didl[ctx.items[title].id]
        arts = el.findall(f"{{{UPNP_NS}}}albumArtURI")
        expect(len(arts) == (1 if has_art else 0), f"{title}: {len(arts)} albumArtURI elements")
        if arts:
            expect(arts[0].get(f"{{{DLNA_NS}}}profileID") == "JPEG_TN",
                   f"{title}: albumArtURI attributes {arts[0].attrib}")


def check_filter_without_art_leaves_it_out(ctx):
    item = ctx.items["embedded"]
    parent = item.parent_id
    result = ctx.client.browse(parent, filter_="dc:title,res")
    expect("albumArtURI" not in result.didl, "albumArtURI sent though the Filter did not ask for it")
    expect("/art/" in result.didl, "the thumbnail res is missing though the Filter asked for res")
    result = ctx.client.browse(parent, filter_="upnp:albumArtURI")
    expect("albumArtURI" in result.didl and "<res" not in result.didl,
           "Filter upnp:albumArtURI must give the art and no res")


def fetch_ok(ctx, path, profile):
    resp = ctx.get(path, headers={"getcontentFeatures.dlna.org": "1"})
    expect(resp.status == 200, f"GET {path}: HTTP {resp.status}")
    expect(resp.header("content-type") == "image/jpeg", f"GET {path}: Content-Type {resp.header('content-type')}")
    features = resp.header("contentFeatures.dlna.org") or ""
    expect(features.startswith(f"DLNA.ORG_PN={profile};DLNA.ORG_OP=00;DLNA.ORG_CI=1;"),
           f"GET {path}: contentFeatures {features!r}")
    expect(resp.header("transferMode.dlna.org") == "Interactive",
           f"GET {path}: transferMode {resp.header('transferMode.dlna.org')}")
    expect("max-age" in (resp.header("cache-control") or ""), f"GET {path}: Cache-Control missing")
    return resp


def check_thumbnails_are_jpegs_of_the_right_size(ctx):
    for title, has_art in WITH_ART.items():
        if not has_art or title == "garbage_art":
            continue
        item_id = ctx.items[title].id
        tn = fetch_ok(ctx, f"/art/{item_id}.jpg", "JPEG_TN")
        codec, width, height = ffprobe_picture(tn.body, ctx.tmp)
        expect(codec == "mjpeg" and 0 < width <= 160 and 0 < height <= 160,
               f"{title}: JPEG_TN is {codec} {width}x{height}")
        sm = fetch_ok(ctx, f"/art/{item_id}/sm.jpg", "JPEG_SM")
        codec, width, height = ffprobe_picture(sm.body, ctx.tmp)
        expect(codec == "mjpeg" and 0 < width <= 640 and 0 < height <= 480,
               f"{title}: JPEG_SM is {codec} {width}x{height}")
        if title == "photo":  # 1600x1200 fills both limits exactly
            expect((width, height) == (640, 480), f"photo JPEG_SM {width}x{height}")
            expect(ffprobe_picture(tn.body, ctx.tmp)[1:] == (160, 120), "photo JPEG_TN is not 160x120")
        plain = ctx.get(f"/art/{item_id}")
        expect(plain.status == 200 and plain.body == tn.body, f"{title}: /art/<id> is not the JPEG_TN")


def check_video_thumbnail_skips_the_black_start(ctx):
    resp = fetch_ok(ctx, f"/art/{ctx.items['clip'].id}/sm.jpg", "JPEG_SM")
    luma = mean_luma(resp.body, ctx.tmp)
    expect(luma > 40, f"the video's thumbnail is black (mean luma {luma:.1f})")


def check_head(ctx):
    item_id = ctx.items["photo"].id
    get = ctx.get(f"/art/{item_id}.jpg")
    head = ctx.get(f"/art/{item_id}.jpg", method="HEAD")
    expect(head.status == 200 and head.header("content-type") == "image/jpeg", f"HEAD: HTTP {head.status}")
    expect(head.header("content-length") == str(len(get.body)),
           f"HEAD Content-Length {head.header('content-length')} for {len(get.body)} bytes")
    expect(b"\xff\xd8\xff" not in head.body, "HEAD sent the picture")  # curl -I keeps only the head


def check_no_art_is_404(ctx):
    for path in (f"/art/{ctx.items['plain'].id}.jpg", f"/art/{ctx.items['huge_art'].id}/sm.jpg",
                 f"/art/{ctx.items['truncated_art'].id}", "/art/99999999.jpg", "/art/abc", "/art/1/xx.jpg",
                 f"/art/{ctx.items['plain'].parent_id}.jpg"):
        resp = ctx.get(path)
        expect(resp.status == 404, f"GET {path}: HTTP {resp.status}, wanted 404")


def check_garbage_art_is_404_with_one_log_line(ctx):
    item = ctx.items["garbage_art"]
    for path in (f"/art/{item.id}.jpg", f"/art/{item.id}/sm.jpg", f"/art/{item.id}.jpg"):
        resp = ctx.get(path)
        expect(resp.status == 404, f"GET {path}: HTTP {resp.status}, wanted 404")
    lines = [ln for ln in ctx.log().splitlines() if "no thumbnail for" in ln and "garbage_art" in ln]
    expect(len(lines) == 1, f"{len(lines)} log lines about garbage_art: {lines}")
    expect(ctx.server.running(), "the server died")
    expect(ctx.get("/description.xml").status == 200, "the server stopped answering")


def check_made_once_and_kept_in_the_state_folder(ctx):
    files = ctx.thumb_files()
    ids = {name.split("-")[0] for name in files}
    wanted = {ctx.items[title].id for title, has in WITH_ART.items() if has and title != "garbage_art"}
    expect(wanted <= ids, f"thumbnails missing for ids {sorted(wanted - ids)}; files {sorted(files)}")
    expect(all(name.endswith(("-tn.jpg", "-sm.jpg")) for name in files), f"odd files: {sorted(files)}")
    time.sleep(0.05)
    for title in ("embedded", "flac_track", "clip", "photo"):
        item_id = ctx.items[title].id
        fetch_ok(ctx, f"/art/{item_id}.jpg", "JPEG_TN")
        fetch_ok(ctx, f"/art/{item_id}/sm.jpg", "JPEG_SM")
    expect(ctx.thumb_files() == files, "a second request made a thumbnail again (files or mtimes changed)")


def check_etag_revalidation(ctx):
    path = f"/art/{ctx.items['embedded'].id}.jpg"
    first = ctx.get(path)
    etag = first.header("etag")
    expect(etag, "no ETag")
    again = ctx.get(path, headers={"If-None-Match": etag})
    expect(again.status == 304 and not again.body, f"If-None-Match: HTTP {again.status}")
    # The 304 comes from one stat of the source: the cached thumbnail is not read, nor made again when it
    # is not there (removed here from the state folder behind the server's back).
    item_id = ctx.items["embedded"].id
    for dirpath, _dirs, files in os.walk(ctx.thumbs):
        for name in files:
            if name.startswith(f"{item_id}-"):
                os.remove(os.path.join(dirpath, name))
    again = ctx.get(path, headers={"If-None-Match": etag})
    expect(again.status == 304, f"If-None-Match after the cache was emptied: HTTP {again.status}")
    remade = [n for n in ctx.thumb_files() if n.startswith(f"{item_id}-")]
    expect(not remade, f"a revalidation made the thumbnail again: {remade}")
    expect(ctx.get(path).status == 200, "the thumbnail is made again when asked for")


def check_changed_cover_gives_new_thumbnails(ctx):
    item_id = ctx.items["flac_track"].id
    before = {n: m for n, m in ctx.thumb_files().items() if n.startswith(f"{item_id}-")}
    old = ctx.get(f"/art/{item_id}.jpg").body
    cover = os.path.join(ctx.media, "Music/Flac/cover.jpg")
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=800x400", "-frames:v", "1", cover)
    resp = fetch_ok(ctx, f"/art/{item_id}.jpg", "JPEG_TN")
    expect(resp.body != old, "the thumbnail did not change with the cover")
    expect(ffprobe_picture(resp.body, ctx.tmp)[1:] == (160, 80), "the new thumbnail is not 160x80")
    after = {n: m for n, m in ctx.thumb_files().items() if n.startswith(f"{item_id}-")}
    expect(len(after) == 2 and not set(after) & set(before),
           f"old thumbnails kept or new ones missing: before {sorted(before)}, after {sorted(after)}")


def rescan(ctx):
    """SIGHUP, then wait for the scan that it starts to finish."""
    done = ctx.log().count("scan finished")
    ctx.server.proc.send_signal(signal.SIGHUP)
    expect(servers.wait_until(lambda: ctx.log().count("scan finished") > done, 60), "no rescan after SIGHUP")


def check_cover_added_and_removed_beside_unchanged_music(ctx):
    folder_jpg = os.path.join(ctx.media, "Music/Plain/Folder.JPG")
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=300x300", "-frames:v", "1", folder_jpg)
    rescan(ctx)
    ctx.browse_all()
    item = ctx.items["plain"]
    expect(item.album_art and item.album_art.endswith(f"/art/{item.id}.jpg"),
           f"no albumArtURI after Folder.JPG was added: {item.album_art!r}")
    fetch_ok(ctx, f"/art/{item.id}.jpg", "JPEG_TN")
    expect(any(n.startswith(f"{item.id}-") for n in ctx.thumb_files()), "no thumbnail kept")
    os.remove(folder_jpg)
    rescan(ctx)
    ctx.browse_all()
    expect(not ctx.items["plain"].album_art, "albumArtURI stays after the cover was removed")
    expect(ctx.get(f"/art/{item.id}.jpg").status == 404, "art still served after the cover was removed")
    expect(not any(n.startswith(f"{item.id}-") for n in ctx.thumb_files()),
           "the removed cover's thumbnails were not cleaned up")


def check_pending_device_gets_403(ctx):
    url = f"{ctx.server.base_url}/art/{ctx.items['photo'].id}.jpg"
    resp = s.curl_from(PENDING_DEVICE, url)
    expect(resp.status == 403, f"a device waiting for approval got {resp.describe()}")


def check_media_folder_untouched(ctx):
    now = snapshot(ctx.media)
    # The test itself changed Music/Flac/cover.jpg (and its folder's mtime is untouched by a rewrite);
    # Music/Plain lost and regained nothing but its own Folder.JPG (the folder's mtime changed by us).
    ours = {"Music/Flac/cover.jpg", "Music/Plain"}
    changed = {p for p in set(now) | set(ctx.media_before) if now.get(p) != ctx.media_before.get(p)} - ours
    expect(not changed, f"changed under the media folder: {sorted(changed)}")
    expect(not any("thumb" in p.lower() for p in now), "thumbnails under the media folder")


def run_checks(args, runner, workdir):
    ctx = Context(args)
    for d in (ctx.media, ctx.state, ctx.tmp):
        os.makedirs(d)
    try:
        make_corpus(ctx.media, ctx.tmp)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
        runner.fail("corpus", str(err))
        return
    ctx.media_before = snapshot(ctx.media)
    port = servers.free_port()
    argv = servers.hearth_argv(args.hearth, ctx.media, os.path.join(ctx.state, "h.db"), "lo", port,
                               "Art Test") + ["--devices", "approved"]
    ctx.server = servers.ServerProcess(argv, os.path.join(workdir, "hearth.log"), "127.0.0.1", port,
                                       "/description.xml")
    ctx.server.start()
    if not ctx.server.wait_ready(20) or not servers.wait_until(lambda: "scan finished" in ctx.log(), 60):
        runner.fail("start", ctx.server.log_tail())
        return
    ctx.client = u.MediaServerClient("lo")
    if ctx.client.discover(port, timeout=10) is None:
        runner.fail("discover", "no MediaServer found by GUPnP")
        return
    if not runner.run("album_art_exactly_where_art_exists", check_album_art_exactly_where_art_exists, ctx):
        return
    runner.run("album_art_uri_carries_the_dlna_profile", check_album_art_uri_carries_the_dlna_profile, ctx)
    runner.run("filter_decides", check_filter_without_art_leaves_it_out, ctx)
    runner.run("thumbnails_are_jpegs_of_the_right_size", check_thumbnails_are_jpegs_of_the_right_size, ctx)
    runner.run("video_thumbnail_skips_the_black_start", check_video_thumbnail_skips_the_black_start, ctx)
    runner.run("head", check_head, ctx)
    runner.run("no_art_is_404", check_no_art_is_404, ctx)
    runner.run("garbage_art_is_404_with_one_log_line", check_garbage_art_is_404_with_one_log_line, ctx)
    runner.run("made_once_and_kept_in_the_state_folder", check_made_once_and_kept_in_the_state_folder, ctx)
    runner.run("etag_revalidation", check_etag_revalidation, ctx)
    runner.run("changed_cover_gives_new_thumbnails", check_changed_cover_gives_new_thumbnails, ctx)
    runner.run("cover_added_and_removed_beside_unchanged_music",
               check_cover_added_and_removed_beside_unchanged_music, ctx)
    runner.run("pending_device_gets_403", check_pending_device_gets_403, ctx)
    runner.run("media_folder_untouched", check_media_folder_untouched, ctx)


if __name__ == "__main__":
    sys.exit(suite.run(run_checks))
