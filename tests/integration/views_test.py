#!/usr/bin/python3
"""The browse views through a GUPnP control point: Music (artists, albums, genres, tracks, recently added) on
a tagged corpus with a compilation (several track artists, one album artist, two discs, track 10 after track
2) and a folder compilation without album_artist; Video (all, by folder in episode order, recently added);
Pictures by year and month taken (Exif DateTimeOriginal, else the file's date); Search scoped to a view;
view ids stable across a rescan.

Run inside the test namespace (netns.sh):
    netns.sh /usr/bin/python3 views_test.py --hearth build/hearth --workdir /tmp/hearth-views
Needs ffmpeg. Last line: 'N passed, M failed'; exit status 1 when a check failed.
"""

import http.client
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from e2elib import exif, servers, suite  # noqa: E402
from e2elib import http as h  # noqa: E402
from e2elib import sources as src  # noqa: E402
from e2elib import tree as t  # noqa: E402
from e2elib import upnp as u  # noqa: E402
from e2elib.checks import expect  # noqa: E402

# file → tags. "Duets" has one album artist over three singers and two discs; "Hits 2001" has none, so the
# folder makes it one compilation.
TRACKS = {
    "Music/Duets/d1-02.mp3": dict(title="Two", artist="Singer A", album="Duets", album_artist="Big Star",
                                  track="2/10", disc="1/2", genre="Pop"),
    "Music/Duets/d1-10.mp3": dict(title="Ten", artist="Singer B", album="Duets", album_artist="Big Star",
                                  track="10/10", disc="1/2", genre="Pop"),
    "Music/Duets/d2-01.mp3": dict(title="Second disc opener", artist="Singer C", album="Duets",
                                  album_artist="Big Star", track="1", disc="2/2", genre="Pop"),
    "Music/Hits/a.mp3": dict(title="Dance One", artist="DJ X", album="Hits 2001", track="1", genre="Dance"),
    "Music/Hits/b.mp3": dict(title="Dance Two", artist="DJ Y", album="Hits 2001", track="2", genre="Dance"),
    "Music/Zed/alone.mp3": dict(title="Alone", artist="Zed", album="Solo", track="1", genre="Pop"),
}
COVERED = "Music/Zed/alone.mp3"  # the one track with an embedded cover: album "Solo" shows it
EPISODES = ["Show S01E10.mkv", "Show S01E02.mkv", "Show S01E01.mkv"]  # written in this order
PICTURES = {"Pictures/exif.jpg": "2015:06:21 08:30:00", "Pictures/plain.jpg": None}
PLAIN_MTIME = 1300190400  # 2011-03-15 12:00 UTC: March 2011 in every time zone
AUDIO = 'upnp:class derivedfrom "object.item.audioItem"'
XBOX_360_UA = "Xbox/2.0.17559.0 UPnP/1.0 Xbox/2.0.17559.0"


def ffmpeg(*argv):
    subprocess.run(["ffmpeg", "-v", "error", "-y", *argv], check=True, stdin=subprocess.DEVNULL, timeout=120)


def make_corpus(media):
    # One track carries its album's cover inside (made outside the media folder, so it is no photo there).
    cover = os.path.join(os.path.dirname(media), "cover.png")
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=300x300:rate=1:duration=1", "-frames:v", "1", cover)
    for rel, tags in TRACKS.items():
        os.makedirs(os.path.dirname(os.path.join(media, rel)), exist_ok=True)
        meta = [arg for k, v in tags.items() for arg in ("-metadata", f"{k}={v}")]
        picture = ["-i", cover, "-map", "0", "-map", "1", "-c:v", "mjpeg", "-disposition:v", "attached_pic"] \
            if rel == COVERED else []
        ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", *picture, "-c:a", "libmp3lame", "-b:a",
               "32k", "-id3v2_version", "3", *meta, os.path.join(media, rel))
    season = os.path.join(media, "Video", "Show", "Season 1")
    os.makedirs(season)
    for name in EPISODES:
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=5:duration=1", "-c:v", "mpeg4",
               os.path.join(season, name))
    os.makedirs(os.path.join(media, "Pictures"))
    for rel, date in PICTURES.items():
        path = os.path.join(media, rel)
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=1:duration=1", "-frames:v", "1", path)
        if date:
            with open(path, "rb") as f:
                data = exif.with_date_taken(f.read(), date)
            with open(path, "wb") as f:
                f.write(data)
        else:
            os.utime(path, (PLAIN_MTIME, PLAIN_MTIME))


class Run:
    def __init__(self, args):
        self.args = args
        self.work = os.path.abspath(args.workdir)
        self.media = os.path.join(self.work, "media")
        self.db = os.path.join(self.work, "hearth.db")
        self.server = None
        self.client = None
        self.first_ids = {}

    def start(self):
        code, out = servers.hearth_scan_only(self.args.hearth, self.media, self.db, "Hearth views")
        expect(code == 0, f"--scan-only exit {code}: {out[-500:]}")
        self.server = servers.hearth_server(self.args.hearth, self.media, self.db, "lo", "127.0.0.1",
                                            "Hearth views", os.path.join(self.work, "hearth.log")).start()
        expect(self.server.wait_ready(20), f"server did not start: {self.server.log_tail()}")
        self.client = u.MediaServerClient("lo")
        expect(self.client.discover(self.server.port, 10) is not None, "GUPnP found no MediaServer")

    def stop(self):
        self.server.terminate(timeout=8)
        self.server.kill()

    def children(self, object_id):
        issues = []
        out = t.browse_all(self.client, object_id, 2, issues)  # pages of 2: paging is exercised too
        expect(not issues, f"{object_id}: {issues}")
        return out

    def titles(self, object_id):
        return [o.title for o in self.children(object_id)]

    def child(self, object_id, title):
        found = [o for o in self.children(object_id) if o.title == title]
        expect(len(found) == 1, f"{object_id}: {len(found)} children titled {title!r}: {self.titles(object_id)}")
        return found[0]


def check_root(r):
    root = r.children("0")
    expect([(o.id, o.title) for o in root] == [("video", "Video"), ("music", "Music"), ("pictures", "Pictures"),
                                               ("folders", "Folders")], f"root: {[(o.id, o.title) for o in root]}")
    expect(all(o.child_count == len(r.children(o.id)) for o in root),
           f"childCount: {[(o.id, o.child_count) for o in root]}")
    expect(r.titles("music") == ["Artists", "Albums", "Genres", "All tracks", "Recently added"],
           f"music: {r.titles('music')}")


def check_albums(r):
    albums = r.children("music/albums")
    expect([o.title for o in albums] == ["Duets", "Hits 2001", "Solo"], f"albums: {[o.title for o in albums]}")
    expect([o.child_count for o in albums] == [3, 2, 1], f"childCounts: {[o.child_count for o in albums]}")
    expect(all(o.upnp_class == "object.container.album.musicAlbum" for o in albums), "album class")


def check_album_order(r):
    duets = r.child("music/albums", "Duets")
    tracks = r.children(duets.id)
    expect([o.title for o in tracks] == ["Two", "Ten", "Second disc opener"],
           f"Duets plays {[o.title for o in tracks]}")
    expect([o.track for o in tracks] == [2, 10, 1], f"track numbers {[o.track for o in tracks]}")


def check_artists(r):
    expect(r.titles("music/artists") == ["Big Star", "Various artists", "Zed"],
           f"artists: {r.titles('music/artists')}")
    big_star = r.child("music/artists", "Big Star")
    expect(r.titles(big_star.id) == ["Duets"], f"Big Star: {r.titles(big_star.id)}")
    various = r.child("music/artists", "Various artists")
    hits = r.children(various.id)
    expect([o.title for o in hits] == ["Hits 2001"], f"Various artists: {[o.title for o in hits]}")
    expect([o.title for o in r.children(hits[0].id)] == ["Dance One", "Dance Two"], "Hits 2001 tracks")


def check_genres(r):
    expect(r.titles("music/genres") == ["Dance", "Pop"], f"genres: {r.titles('music/genres')}")
    pop = r.child("music/genres", "Pop")
    expect(r.titles(pop.id) == ["Artists", "Albums"], f"Pop: {r.titles(pop.id)}")
    expect(r.titles(r.child(pop.id, "Albums").id) == ["Duets", "Solo"], "Pop's albums")
    artists = r.child(pop.id, "Artists")
    expect(r.titles(artists.id) == ["Big Star", "Zed"], f"Pop's artists: {r.titles(artists.id)}")
    expect(r.titles(r.child(artists.id, "Big Star").id) == ["Duets"], "Big Star's Pop albums")


def check_album_cover(r):
    albums = {o.title: o for o in r.children("music/albums")}
    expect(albums["Duets"].album_art is None, f"Duets has no picture, yet shows {albums['Duets'].album_art}")
    art = albums["Solo"].album_art
    solo_track = r.children(albums["Solo"].id)[0]
    expect(art is not None and art.endswith(f"/art/{solo_track.ref_id}.jpg"),
           f"Solo's albumArtURI {art!r} is not its track's thumbnail")
    got = h.curl(art)
    expect(got.status == 200 and got.headers.get("content-type") == "image/jpeg" and got.body[:2] == b"\xff\xd8",
           f"{art}: {got.status} {got.headers.get('content-type')}")


def check_view_items_refer_to_files(r):
    folder_items = {o.id: o for o in t.walk(r.client, 0).items}
    tracks = r.children("music/tracks")
    expect(len(tracks) == len(TRACKS), f"All tracks: {len(tracks)}")
    for item in tracks:
        real = folder_items.get(item.ref_id)
        expect(real is not None, f"{item.id}: refID {item.ref_id!r} is no item of the folder tree")
        expect(item.parent_id == "music/tracks" and item.id == f"music/tracks/{item.ref_id}",
               f"{item.id} parentID {item.parent_id}")
        expect([x.uri for x in item.resources] == [x.uri for x in real.resources],
               f"{item.id}: res differ from {real.id}'s")
    meta = r.client.browse(tracks[0].id, flag="BrowseMetadata").objects
    expect(len(meta) == 1 and meta[0].id == tracks[0].id and meta[0].parent_id == "music/tracks"
           and meta[0].ref_id == tracks[0].ref_id, f"BrowseMetadata of {tracks[0].id}: {meta}")
    expect(len(r.children("music/recent")) == len(TRACKS), "Recently added tracks")


def check_search_scoped(r):
    duets = r.child("music/albums", "Duets")
    found = r.client.search(duets.id, AUDIO)
    expect(found.total_matches == 3 and len(found.objects) == 3, f"Search in Duets: {found.total_matches}")
    expect(r.client.search("music", AUDIO).total_matches == len(TRACKS), "Search in music")
    expect(r.client.search("video", AUDIO).total_matches == 0, "Search in video found audio")


def check_search_criteria(r):
    # The issue's own example, over the whole library (the folder tree: each file once).
    for needle, want in (("Dance", {"Dance One", "Dance Two"}), ("Two", {"Two", "Dance Two"}), ("zzz", set())):
        found = r.client.search("0", f'{AUDIO} and dc:title contains "{needle}"')
        titles = [o.title for o in found.objects]
        expect(set(titles) == want and len(titles) == len(want) and found.total_matches == len(want),
               f"contains {needle!r}: {titles} (TotalMatches {found.total_matches})")
        expect(all(o.upnp_class.startswith("object.item.audioItem") for o in found.objects), "not audio")


def check_video(r):
    expect(r.titles("video") == ["All videos", "By folder", "Recently added"], f"video: {r.titles('video')}")
    want = ["Show S01E01", "Show S01E02", "Show S01E10"]
    expect(r.titles("video/all") == want, f"All videos: {r.titles('video/all')}")
    season = r.child("video/folders", "Video/Show/Season 1")  # its path below the shared folder
    expect(r.titles(season.id) == want, f"Video/Show/Season 1: {r.titles(season.id)}")
    # Newest first; the episodes were indexed in the order written (E10, E02, E01) by one scan, so their
    # first-indexed times tie and the index order decides.
    recent = r.titles("video/recent")
    expect(sorted(recent) == want, f"Recently added: {recent}")


def check_pictures(r):
    expect(r.titles("pictures") == ["By date", "By folder", "All pictures"], f"pictures: {r.titles('pictures')}")
    expect(r.titles("pictures/dates") == ["2015", "2011"], f"years: {r.titles('pictures/dates')}")
    june = r.child(r.child("pictures/dates", "2015").id, "2015-06")
    expect([o.title for o in r.children(june.id)] == ["exif"], f"2015-06: {r.titles(june.id)}")
    march = r.child(r.child("pictures/dates", "2011").id, "2011-03")
    expect([o.title for o in r.children(march.id)] == ["plain"], f"2011-03: {r.titles(march.id)}")
    photo = r.children(june.id)[0]
    expect(photo.date == "2015-06-21", f"dc:date of the Exif picture: {photo.date!r}")


def raw_search(r, container, criteria, agent):
    """Search with raw SOAP and a User-Agent → [(id, title, parentID)] and TotalMatches."""
    args = [("ContainerID", container), ("SearchCriteria", criteria.replace('"', "&quot;")), ("Filter", "*"),
            ("StartingIndex", "0"), ("RequestedCount", "0"), ("SortCriteria", "")]
    inner = "".join(f"<{name}>{value}</{name}>" for name, value in args)
    body = h.soap_envelope(f'<u:Search xmlns:u="{u.CDS}">{inner}</u:Search>').encode()
    conn = http.client.HTTPConnection("127.0.0.1", r.server.port, timeout=10)
    try:
        conn.request("POST", "/control/ContentDirectory", body=body, headers={
            "Content-Type": 'text/xml; charset="utf-8"', "SOAPACTION": f'"{u.CDS}#Search"', "User-Agent": agent})
        resp = conn.getresponse()
        data = resp.read()
    finally:
        conn.close()
    expect(resp.status == 200, f"Search {container} from {agent}: HTTP {resp.status} {data[:200]!r}")
    values = {e.tag.split("}")[-1]: e.text or "" for e in ET.fromstring(data).iter()}
    didl = ET.fromstring(values["Result"])
    found = [(o.get("id"), o.findtext("{http://purl.org/dc/elements/1.1/}title"), o.get("parentID"))
             for o in didl]
    return found, int(values["TotalMatches"])


def check_xbox_well_known_containers(r):
    albums = [(o.id, o.title, "music/albums") for o in r.children("music/albums")]
    found, total = raw_search(r, "7", 'upnp:class = "object.container.album.musicAlbum"', XBOX_360_UA)
    expect(found == albums and total == len(albums), f"Xbox 360 Search 7: {found} ({total}), want {albums}")
    _, tracks = raw_search(r, "4", AUDIO, XBOX_360_UA)
    expect(tracks == len(TRACKS), f"Xbox 360 Search 4 found {tracks} tracks")
    xbox = src.SourceBrowser("127.0.0.1", f"http://127.0.0.1:{r.server.port}/control/ContentDirectory",
                             user_agent=XBOX_360_UA)
    videos = [o.title for o in xbox.browse("15").objects]
    expect(videos == r.titles("video/folders"), f"Xbox 360 Browse 15: {videos}")
    # Another client asking for "7" means the object with id 7 of the folder tree; so does the Xbox when it
    # browses (it searches the numbers; of the numbers it browses only 15 and 16).
    other = src.SourceBrowser("127.0.0.1", xbox.control_url, user_agent="VLC/3.0.18 LibVLC/3.0.18")
    meta = other.browse("7", flag="BrowseMetadata").objects
    expect(len(meta) == 1 and meta[0].id == "7", f"VLC BrowseMetadata 7: {[(o.id, o.title) for o in meta]}")
    meta = xbox.browse("7", flag="BrowseMetadata").objects
    expect(len(meta) == 1 and meta[0].id == "7",
           f"Xbox 360 BrowseMetadata 7: {[(o.id, o.title) for o in meta]}, want the folder-tree object 7")


def view_ids(r):
    ids = {}
    for top in ("music/artists", "music/albums", "music/genres", "video/folders"):
        for o in r.children(top):
            ids[(top, o.title)] = o.id
    return ids


def check_ids_stable_across_rescan(r):
    before = view_ids(r)
    r.stop()
    extra = os.path.join(r.media, "Music", "New", "new.mp3")
    os.makedirs(os.path.dirname(extra))
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:duration=1", "-c:a", "libmp3lame", "-b:a", "32k",
           "-metadata", "artist=Aardvark", "-metadata", "album=Arrival", "-metadata", "genre=Ambient", extra)
    r.start()
    after = view_ids(r)
    changed = {k: (v, after.get(k)) for k, v in before.items() if after.get(k) != v}
    expect(not changed, f"ids changed across the rescan: {changed}")
    expect(("music/albums", "Arrival") in after, "the new album is not listed")
    recent = r.children("music/recent")
    expect(recent and recent[0].title == "new", f"Recently added starts with {[o.title for o in recent][:2]}")


def run_checks(args, runner, _workdir):
    r = Run(args)
    if not runner.run("corpus", make_corpus, r.media) or not runner.run("server_starts", r.start):
        return
    runner.run("root_lists_views_then_folders", check_root, r)
    runner.run("music_albums_grouped", check_albums, r)
    runner.run("album_plays_by_disc_then_track", check_album_order, r)
    runner.run("artists_by_album_artist_and_various", check_artists, r)
    runner.run("genres_list_artists_and_albums", check_genres, r)
    runner.run("album_shows_its_cover", check_album_cover, r)
    runner.run("view_items_refer_to_folder_items", check_view_items_refer_to_files, r)
    runner.run("search_scoped_to_view", check_search_scoped, r)
    runner.run("search_audio_title_contains", check_search_criteria, r)
    runner.run("video_all_folder_recent_episode_order", check_video, r)
    runner.run("pictures_by_year_month_taken", check_pictures, r)
    runner.run("xbox_360_well_known_containers", check_xbox_well_known_containers, r)
    runner.run("view_ids_stable_across_rescan", check_ids_stable_across_rescan, r)


if __name__ == "__main__":
    sys.exit(suite.run(run_checks))
