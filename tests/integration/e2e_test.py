#!/usr/bin/python3
"""End-to-end test of a DLNA media server (Hearth; MiniDLNA as a reference).

Run inside a private network namespace (see netns.sh), with /usr/bin/python3 (needs gi):

    netns.sh /usr/bin/python3 e2e_test.py --hearth build/hearth --workdir /tmp/e2e
    netns.sh /usr/bin/python3 e2e_test.py --server minidlna --workdir /tmp/e2e-minidlna

Builds a media corpus, scans it (Hearth: --scan-only), serves it on lo, and checks
SSDP (GSSDP and raw M-SEARCH), the description, ContentDirectory browsing through a
GUPnP control point, streaming with ffprobe and curl, SOAP faults and shutdown.
Every check prints PASS/FAIL/SKIP; the last line is 'N passed, M failed'; the exit
status is non-zero when any check failed.
"""

import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from e2elib import corpus, gena, servers, suite  # noqa: E402
from e2elib import http as h  # noqa: E402
from e2elib import tree as t  # noqa: E402
from e2elib import upnp as u  # noqa: E402
from e2elib.checks import expect  # noqa: E402

SERVER_NAME = "Hearth E2E"
PAGE_SIZE = 2
DURATION_TOLERANCE = 0.5  # seconds
AV_FLAGS = "01700000000000000000000000000000"
IMAGE_FLAGS = "00D00000000000000000000000000000"

# Corpus files MiniDLNA does not index.
MINIDLNA_UNSUPPORTED = {"Photos/image_320x240.png": "MiniDLNA indexes only JPEG images"}

NO_UNICAST = "MiniDLNA does not answer a unicast M-SEARCH to port 1900 here"
NO_LOOP = ("MiniDLNA turns IP_MULTICAST_LOOP off; the empty hlo0 bridge delivers only "
           "looped multicast")
QUIRK_1FF0 = ("MiniDLNA's 'Recently added' container 1$FF0 caps at 50 and its TotalMatches "
              "shrinks while paging")

# Checks MiniDLNA cannot pass because they test Hearth's own contract (or hit its quirks).
HEARTH_ONLY = {
    "scan_only": "Hearth's --scan-only",
    "browse_tree_finite": "MiniDLNA follows the symlink loop",
    "root_one_container_per_media_folder": "MiniDLNA's root has its own views",
    "folder_view_lists_each_file_once": "MiniDLNA lists files in several views",
    "rejected_files_absent": "MiniDLNA indexes truncated files",
    "soap_missing_action": "MiniDLNA answers without SOAPACTION with an HTML error",
    "http_range_416": "MiniDLNA answers 400",
    "gena_subscribe_event_unsubscribe": "MiniDLNA's initial NOTIFY did not arrive within 5 s here",
    "http_range_suffix_and_open": "MiniDLNA answers bytes=-N with 400",
    "unicast_msearch_lo": NO_UNICAST,
    "hlo0_unicast_msearch": NO_UNICAST,
    "dlna_protocol_info": "MiniDLNA uses other profiles/flags",
    "browse_paging_consistent": QUIRK_1FF0,
    "paged_equals_unpaged": QUIRK_1FF0,
    "listing_structure": QUIRK_1FF0,
    "hlo0_ssdp_byebye": NO_LOOP,
    "hlo0_ssdp_byebye_every_nt": NO_LOOP,
}


class Context:
    """State shared by the checks of one run."""

    def __init__(self, args):
        self.args = args
        self.workdir = os.path.abspath(args.workdir)
        self.media = os.path.join(self.workdir, "media")
        self.db = os.path.join(self.workdir, "hearth.db")
        self.files = []
        self.server = None
        self.client = None
        self.description = None
        self.tree = None
        self.matches = {}
        self.media_before = []

    @property
    def is_hearth(self):
        return self.args.server == "hearth"

    def log(self, name):
        return os.path.join(self.workdir, name)

    def file(self, relpath):
        return next(f for f in self.files if f.relpath == relpath)

    def converted(self, f):
        """Whether the server offers this file converted (Hearth, to a generic renderer like GUPnP)."""
        return self.is_hearth and f.converted_mime is not None

    def item(self, relpath):
        """The item listed for a corpus file, preferably the one in its folder view."""
        items = self.matches.get(relpath) or []
        expect(items, f"{relpath} is not in the tree")
        folder = self.file(relpath).folder_parts
        in_folder = [i for i in items
                     if any(p[len(p) - len(folder):] == folder for p in self.tree.item_paths[i.id])]
        item = (in_folder or items)[0]
        expect(item.resources, f"{relpath}: item has no res")
        return item

    def res_url(self, relpath):
        return self.item(relpath).resources[0].uri

    def disk_path(self, relpath):
        return os.path.join(self.media, relpath)

    def new_server(self, iface, host, log_name, db):
        if self.is_hearth:
            return servers.hearth_server(self.args.hearth, self.media, db, iface, host,
                                         SERVER_NAME, self.log(log_name))
        return servers.minidlna_server(self.args.minidlnad, self.media, self.workdir, iface,
                                       host, SERVER_NAME, self.log(log_name))


# --- setup ---------------------------------------------------------------------

def check_corpus(ctx):
    with open(ctx.log("make_corpus.log"), "wb") as log:
        ctx.files = corpus.build(ctx.media, log)
    expect(len(ctx.files) == len(corpus.MEDIA_FILES), "corpus incomplete")
    if not ctx.is_hearth:
        for relpath, why in MINIDLNA_UNSUPPORTED.items():
            print(f"  not expecting {relpath}: {why}")
        ctx.files = [f for f in ctx.files if f.relpath not in MINIDLNA_UNSUPPORTED]
    ctx.media_before = media_snapshot(ctx.media)
    corpus.seal_read_only(ctx.media)


def check_scan_only(ctx):
    code, output = servers.hearth_scan_only(ctx.args.hearth, ctx.media, ctx.db, SERVER_NAME)
    with open(ctx.log("scan-only.log"), "w", encoding="utf-8") as fh:
        fh.write(output)
    expect(code == 0, f"--scan-only exited {code}: {output[-500:]}")
    expect("skip" in output.lower(), f"summary does not mention skipped files: {output[-300:]!r}")


def media_snapshot(media):
    """(path, size, mtime) of everything under the corpus, without following links."""
    entries = []
    for root, dirs, files in os.walk(media):
        for name in sorted(dirs + files):
            st = os.lstat(os.path.join(root, name))
            entries.append((os.path.relpath(os.path.join(root, name), media), st.st_size,
                            st.st_mtime_ns))
    return sorted(entries)


def check_media_untouched(ctx):
    now = media_snapshot(ctx.media)
    added = sorted(set(now) - set(ctx.media_before))
    removed = sorted(set(ctx.media_before) - set(now))
    expect(not added and not removed, f"media folder changed: +{added[:5]} -{removed[:5]}")


def check_server_starts(ctx):
    ctx.server = ctx.new_server("lo", "127.0.0.1", "server-lo.log", ctx.db).start()
    ok = ctx.server.wait_ready(timeout=20)
    expect(ok, f"{ctx.server.description_url} not answering within 20 s; log tail:\n"
               f"{ctx.server.log_tail()}")


# --- SSDP ------------------------------------------------------------------------

def check_gssdp_discovery(iface, host, port):
    targets = [u.MEDIA_SERVER, u.CDS, u.CMS]
    watcher = u.SsdpWatcher(iface, targets).start()
    try:
        found = watcher.wait_for(port, timeout=8)
    finally:
        watcher.stop()
    missing = [target for target, locs in found.items() if not locs]
    expect(not missing, f"no answer on {iface} for {missing}")
    wanted = f"http://{host}:{port}/"
    wrong = {target: locs for target, locs in found.items()
             if not all(loc.startswith(wanted) for loc in locs)}
    expect(not wrong, f"LOCATION not on {wanted}: {wrong}")


def check_raw_msearch(host, port):
    """ssdp:all from a plain socket: every NT answered, with the UDA headers."""
    answers = u.raw_msearch(host, "ssdp:all", mx=1, listen=2.5)
    ours = [hd for first, hd in answers
            if first.startswith("HTTP/1.1 200") and f"{host}:{port}/" in hd.get("LOCATION", "")]
    expect(ours, f"no 200 answer with LOCATION on {host}:{port} ({len(answers)} answers)")
    sts = {hd.get("ST") for hd in ours}
    udns = {hd.get("USN", "").split("::")[0] for hd in ours}
    expect(len(udns) == 1 and next(iter(udns)).startswith("uuid:"), f"USN UDNs: {udns}")
    udn = next(iter(udns))
    for target in ("upnp:rootdevice", udn, u.MEDIA_SERVER, u.CDS, u.CMS):
        expect(target in sts, f"ssdp:all answers lack ST {target} (got {sorted(sts)})")
    for hd in ours:
        st = hd["ST"]
        usn = udn if st == udn else f"{udn}::{st}"
        expect(hd.get("USN") == usn, f"ST {st}: USN {hd.get('USN')!r}, expected {usn!r}")
        expect("EXT" in hd, f"ST {st}: no EXT header")
        expect("max-age" in hd.get("CACHE-CONTROL", "").lower(), f"ST {st}: no max-age")
        expect(hd.get("SERVER"), f"ST {st}: no SERVER header")
    # A specific target is answered with exactly that ST.
    answers = u.raw_msearch(host, u.CDS, mx=1, listen=2.0)
    sts = {hd.get("ST") for first, hd in answers if f"{host}:{port}/" in hd.get("LOCATION", "")}
    expect(sts == {u.CDS}, f"M-SEARCH ST={u.CDS} answered with {sts}")


def ssdp_targets(udn):
    return ["upnp:rootdevice", udn, u.MEDIA_SERVER, u.CDS, u.CMS]


def expect_ssdp_set(messages, nts, what):
    """One message per NT for one UDN, with the right USN and HOST; → {NT: headers}."""
    by_nt = {m.get("NT"): m for m in messages if m.get("NTS") == nts}
    expect(by_nt, f"no {nts} heard")
    udns = {m.get("USN", "").split("::")[0] for m in by_nt.values()}
    expect(len(udns) == 1 and next(iter(udns)).startswith("uuid:"), f"{what}: UDNs {udns}")
    udn = next(iter(udns))
    for nt in ssdp_targets(udn):
        msg = by_nt.get(nt)
        expect(msg is not None, f"{what}: no {nts} for NT {nt} (got {sorted(by_nt)})")
        usn = udn if nt == udn else f"{udn}::{nt}"
        expect(msg.get("USN") == usn, f"{what}: NT {nt}: USN {msg.get('USN')!r}, expected {usn!r}")
        expect(msg.get("HOST") == "239.255.255.250:1900", f"{what}: NT {nt}: HOST {msg.get('HOST')!r}")
    return by_nt


def check_ssdp_alive(ctx, listener, host, port):
    """The NOTIFY ssdp:alive burst at start: every NT, with LOCATION, max-age, SERVER."""
    mine = f"http://{host}:{port}/"

    def ours(messages):
        return [m for m in messages if m.get("LOCATION", "").startswith(mine)]

    heard = listener.notifies(5, done=lambda msgs: len({m.get("NT") for m in ours(msgs)}) >= 5)
    for nt, msg in expect_ssdp_set(ours(heard), "ssdp:alive", "alive").items():
        expect("max-age" in msg.get("CACHE-CONTROL", "").lower(), f"NT {nt}: no max-age")
        expect("UPnP/1." in msg.get("SERVER", ""), f"NT {nt}: SERVER {msg.get('SERVER')!r}")


def check_unicast_msearch(host, port):
    """A unicast M-SEARCH to host:1900 is answered at once (no MX wait)."""
    answers = u.raw_msearch(host, u.MEDIA_SERVER, mx=3, listen=1.0, unicast_to=host)
    ours = [hd for _first, hd in answers if f"{host}:{port}/" in hd.get("LOCATION", "")]
    expect(ours, f"no answer within 1 s ({len(answers)} answers from others)")
    expect(all(hd.get("ST") == u.MEDIA_SERVER for hd in ours), f"STs {[hd.get('ST') for hd in ours]}")


# --- description -------------------------------------------------------------------

def check_description(ctx):
    desc = h.fetch_description(ctx.server.description_url)
    expect(desc.device_type == u.MEDIA_SERVER, f"deviceType {desc.device_type}")
    expect(desc.friendly_name == SERVER_NAME, f"friendlyName {desc.friendly_name!r}")
    expect(desc.udn.startswith("uuid:"), f"UDN {desc.udn!r}")
    required = {u.CDS: {"Browse", "GetSearchCapabilities", "GetSortCapabilities",
                        "GetSystemUpdateID"},
                u.CMS: {"GetProtocolInfo", "GetCurrentConnectionIDs",
                        "GetCurrentConnectionInfo"}}
    for service_type, actions in required.items():
        svc = desc.services.get(service_type)
        expect(svc is not None, f"no {service_type} in serviceList")
        declared = h.scpd_actions(svc.scpd_url)
        expect(actions <= declared, f"{svc.scpd_url} lacks {sorted(actions - declared)}")
    for mimetype, url in desc.icons:
        resp = h.curl(url)
        expect(resp.status == 200 and resp.body, f"icon {url}: HTTP {resp.status}")
        expect((resp.header("content-type") or "").startswith(mimetype),
               f"icon {url}: Content-Type {resp.header('content-type')!r}, listed as {mimetype}")
    ctx.description = desc


# --- ContentDirectory through GUPnP --------------------------------------------------

def check_gupnp_discovery(ctx):
    client = u.MediaServerClient("lo")
    device = client.discover(ctx.server.port, timeout=10)
    expect(device is not None, "GUPnP ControlPoint found no MediaServer on our port")
    expect(client.cds is not None, "device has no ContentDirectory proxy")
    expect(client.cms is not None, "device has no ConnectionManager proxy")
    ctx.client = client


def check_library_ready(ctx):
    """Wait (bounded) until every corpus file is listed; the server scans in the background."""
    deadline = time.monotonic() + 60
    while True:
        tree = t.walk(ctx.client, page_size=0)
        matches = t.match_files(tree, ctx.files)
        missing = [path for path, items in matches.items() if not items]
        if not missing or time.monotonic() > deadline:
            break
        time.sleep(1)
    expect(not missing, f"not listed after 60 s: {missing}")


def check_browse_tree_paged(ctx):
    ctx.tree = t.walk(ctx.client, page_size=PAGE_SIZE)
    ctx.matches = t.match_files(ctx.tree, ctx.files)
    expect(ctx.tree.items, "no items at all")
    print(f"  walked {len(ctx.tree.children)} containers, {len(ctx.tree.items)} items")


def check_browse_tree_finite(ctx):
    """The symlink loop must not make the tree endless."""
    expect(not ctx.tree.truncated, "walk hit its bounds: " + "; ".join(ctx.tree.bound_hits[:3]))


def check_paging_consistent(ctx):
    expect(not ctx.tree.issues, "; ".join(ctx.tree.issues[:5]))


def check_paged_equals_unpaged(ctx):
    expect(ctx.tree, "no tree")
    for container_id, paged in ctx.tree.children.items():
        whole = ctx.client.browse(container_id, count=0)
        expect([o.id for o in whole.objects] == [o.id for o in paged],
               f"{container_id!r}: RequestedCount=0 gives another list than paging")


def check_listing_structure(ctx):
    """Containers before items; parentID right; childCount (when given) right."""
    expect(ctx.tree, "no tree")
    for container_id, children in ctx.tree.children.items():
        kinds = [o.is_container for o in children]
        expect(kinds == sorted(kinds, reverse=True),
               f"{container_id!r}: an item comes before a container")
        for obj in children:
            expect(obj.parent_id == container_id,
                   f"{obj.id!r} has parentID {obj.parent_id!r}, listed in {container_id!r}")
            if obj.is_container and obj.child_count >= 0 and obj.id in ctx.tree.children:
                got = len(ctx.tree.children[obj.id])
                expect(obj.child_count == got,
                       f"container {obj.id!r} childCount={obj.child_count}, has {got}")


def check_items_well_formed(ctx):
    expect(ctx.tree, "no tree")
    for item in ctx.tree.items:
        expect(item.title, f"item {item.id!r} has no dc:title")
        expect(item.upnp_class and item.upnp_class.startswith("object.item."),
               f"item {item.id!r} upnp:class {item.upnp_class!r}")
        expect(item.resources, f"item {item.id!r} ({item.title}) has no res")
        for res in item.resources:
            expect(res.protocol_info.startswith("http-get:*:") and res.mime,
                   f"item {item.title!r}: protocolInfo {res.protocol_info!r}")
            expect(res.uri.startswith("http://"), f"item {item.title!r}: res URI {res.uri!r}")


def check_corpus_files_listed(ctx):
    """Each corpus file: listed, right class, MIME and size, in its folder."""
    for f in ctx.files:
        item = ctx.item(f.relpath)
        res = item.resources[0]
        expect(item.upnp_class.startswith(f.upnp_class),
               f"{f.relpath}: upnp:class {item.upnp_class!r}, expected {f.upnp_class}*")
        if ctx.converted(f):
            expect(res.mime == f.converted_mime, f"{f.relpath}: converted MIME {res.mime!r}")
            expect(res.size in (None, -1, 0), f"{f.relpath}: a live conversion has no res@size")
        else:
            expect(res.mime in f.mimes, f"{f.relpath}: MIME {res.mime!r}, expected one of {f.mimes}")
            expect(res.size == f.size, f"{f.relpath}: res@size {res.size}, file has {f.size}")
        paths = [p for i in ctx.matches[f.relpath] for p in ctx.tree.item_paths[i.id]]
        expect(any(p[len(p) - len(f.folder_parts):] == f.folder_parts for p in paths),
               f"{f.relpath}: listed under {paths}, not under {'/'.join(f.folder_parts)}")


def check_root_structure(ctx):
    root = ctx.tree.children.get("0", [])
    # The views of a library holding all three kinds, then the folder tree.
    expect([(o.id, o.title) for o in root] == [("video", "Video"), ("music", "Music"),
                                                ("pictures", "Pictures"), ("folders", "Folders")],
           f"root lists {[(o.id, o.title, o.is_container) for o in root]}")
    folders = ctx.tree.children.get("folders", [])
    expect(len(folders) == 1 and folders[0].is_container and folders[0].parent_id == "folders",
           f"Folders should hold one container (one media folder), has "
           f"{[(o.title, o.is_container, o.parent_id) for o in folders]}")
    titles = sorted(o.title for o in ctx.tree.children.get(folders[0].id, []))
    expect(titles == ["Music", "Photos", "Videos"], f"media folder lists {titles}")


def check_each_file_once(ctx):
    counts = {path: len(items) for path, items in ctx.matches.items()}
    expect(all(n == 1 for n in counts.values()), f"listing counts: {counts}")


def check_rejected_files_absent(ctx):
    sizes = {0, 2000}
    for relpath, title in corpus.REJECTED_FILES:
        hits = [i for i in ctx.tree.items if i.title == title or
                os.path.basename(relpath) == i.title]
        expect(not hits, f"{relpath} is listed: {[(i.id, i.title) for i in hits]}")
    zero_or_truncated = [i.title for i in ctx.tree.items
                         if any(r.size in sizes for r in i.resources)]
    expect(not zero_or_truncated, f"items of 0 or 2000 bytes listed: {zero_or_truncated}")


def check_music_tags(ctx):
    for f in ctx.files:
        if not f.tags:
            continue
        item = ctx.item(f.relpath)
        expect(item.title == f.title, f"{f.relpath}: title {item.title!r}")
        for key in ("artist", "album", "genre"):
            if key in f.tags:
                got = getattr(item, key)
                expect(got == f.tags[key], f"{f.relpath}: {key} {got!r}, expected {f.tags[key]!r}")
        if "track" in f.tags:
            expect(item.track == f.tags["track"], f"{f.relpath}: track {item.track}")
        if "date" in f.tags:
            expect((item.date or "").startswith(f.tags["date"]), f"{f.relpath}: date {item.date!r}")


def check_unicode_title(ctx):
    relpath = f"Music/{corpus.UNICODE_TITLE}.mp3"
    item = ctx.item(relpath)
    expect(item.title == corpus.UNICODE_TITLE, f"title {item.title!r}")
    again = ctx.client.browse(item.id, flag="BrowseMetadata")
    expect(again.objects and again.objects[0].title == corpus.UNICODE_TITLE,
           f"BrowseMetadata title {[o.title for o in again.objects]!r}")
    code, body = h.http_get(item.resources[0].uri)
    expect(code == 200 and len(body) == ctx.file(relpath).size, "cannot fetch its res")


def check_browse_metadata_root(ctx):
    result = ctx.client.browse("0", flag="BrowseMetadata")
    expect(result.number_returned == 1 and result.total_matches == 1,
           f"NumberReturned={result.number_returned} TotalMatches={result.total_matches}")
    expect(len(result.objects) == 1, f"{len(result.objects)} objects")
    root = result.objects[0]
    expect(root.is_container and root.id == "0" and root.parent_id == "-1",
           f"root: container={root.is_container} id={root.id!r} parentID={root.parent_id!r}")
    expect(root.child_count in (-1, len(ctx.tree.children.get("0", []))),
           f"root childCount {root.child_count}")


def check_browse_metadata_item(ctx):
    listed = ctx.item("Videos/clip_h264_aac.mp4")
    result = ctx.client.browse(listed.id, flag="BrowseMetadata")
    expect(result.number_returned == 1 and len(result.objects) == 1,
           f"NumberReturned={result.number_returned}, {len(result.objects)} objects")
    got = result.objects[0]
    expect(not got.is_container and got.id == listed.id, f"got {got.id!r}")
    expect(got.parent_id == listed.parent_id, f"parentID {got.parent_id!r} vs {listed.parent_id!r}")
    expect(got.title == listed.title and got.upnp_class == listed.upnp_class,
           f"{got.title!r}/{got.upnp_class!r} vs {listed.title!r}/{listed.upnp_class!r}")
    expect([r.uri for r in got.resources] == [r.uri for r in listed.resources], "res differ")


def check_dlna_protocol_info(ctx):
    """Fourth field: PN as expected (or none), OP=01, FLAGS by kind."""
    for f in ctx.files:
        fourth = ctx.item(f.relpath).resources[0].protocol_info.split(":", 3)[3]
        fields = dict(p.split("=", 1) for p in fourth.split(";") if "=" in p)
        if ctx.converted(f):  # time seek, converted content, streaming flags
            expect(fields.get("DLNA.ORG_OP") == "10" and fields.get("DLNA.ORG_CI") == "1",
                   f"{f.relpath}: converted res fourth field {fourth!r}")
            expect(fields.get("DLNA.ORG_FLAGS") == AV_FLAGS, f"{f.relpath}: FLAGS in {fourth!r}")
            continue
        if f.dlna_pn is not None:
            expect(fields.get("DLNA.ORG_PN", "") == f.dlna_pn,
                   f"{f.relpath}: PN {fields.get('DLNA.ORG_PN')!r}, expected {f.dlna_pn!r}")
        expect(fields.get("DLNA.ORG_OP") == "01", f"{f.relpath}: OP in {fourth!r}")
        flags = IMAGE_FLAGS if f.kind == "image" else AV_FLAGS
        expect(fields.get("DLNA.ORG_FLAGS") == flags, f"{f.relpath}: FLAGS in {fourth!r}")


def check_res_duration(ctx):
    for f in ctx.files:
        if f.duration is None:
            continue
        text = ctx.item(f.relpath).resources[0].duration
        seconds = u.parse_duration(text)
        expect(seconds is not None, f"{f.relpath}: res@duration {text!r}")
        expect(abs(seconds - f.duration) <= DURATION_TOLERANCE,
               f"{f.relpath}: res@duration {text} vs {f.duration:.3f} s")


def check_ffprobe_via_http(ctx):
    for f in ctx.files:
        if f.duration is None:
            continue
        got = corpus.ffprobe_duration(ctx.res_url(f.relpath))
        expect(abs(got - f.duration) <= DURATION_TOLERANCE,
               f"{f.relpath}: ffprobe over HTTP {got:.3f} s, on disk {f.duration:.3f} s")


def check_cds_capabilities(ctx):
    sort = ctx.client.call(ctx.client.cds, "GetSortCapabilities", [],
                           [("SortCaps", u.GObject.TYPE_STRING)])["SortCaps"] or ""
    ctx.client.call(ctx.client.cds, "GetSearchCapabilities", [],
                    [("SearchCaps", u.GObject.TYPE_STRING)])
    update = ctx.client.call(ctx.client.cds, "GetSystemUpdateID", [],
                             [("Id", u.GObject.TYPE_UINT)])["Id"]
    expect("dc:title" in sort.split(","), f"SortCaps {sort!r} lack dc:title")
    expect(isinstance(update, int), f"SystemUpdateID {update!r}")


def check_browse_sorted(ctx):
    """Sorting the album folder by dc:title, both ways."""
    album = ctx.item("Music/Artist/Album/01 - Tagged Song.mp3").parent_id
    for sort, expected in (("+dc:title", ["Flac Song", "Tagged Song"]),
                           ("-dc:title", ["Tagged Song", "Flac Song"])):
        titles = [o.title for o in ctx.client.browse(album, sort=sort).objects]
        expect(titles == expected, f"{sort}: {titles}")


def check_cms_protocol_info(ctx):
    out = ctx.client.get_protocol_info()
    expect("http-get:*:video/mp4" in (out["Source"] or ""), f"Source {out['Source']!r}")


# --- streaming with curl ---------------------------------------------------------

VIDEO_FILE = "Videos/clip_h264_aac.mp4"
JPEG_FILE = "Photos/photo_800x600.jpg"


def check_http_head(ctx):
    for relpath in (VIDEO_FILE, JPEG_FILE):
        resp = h.curl(ctx.res_url(relpath), method="HEAD")
        size = ctx.file(relpath).size
        expect(resp.status == 200, f"{relpath}: HEAD {resp.status}")
        expect(resp.header("content-length") == str(size),
               f"{relpath}: Content-Length {resp.header('content-length')}, file {size}")
        expect((resp.header("accept-ranges") or "").lower() == "bytes",
               f"{relpath}: Accept-Ranges {resp.header('accept-ranges')!r}")


def check_http_range(ctx):
    resp = h.curl(ctx.res_url(VIDEO_FILE), headers={"Range": "bytes=100-199"})
    with open(ctx.disk_path(VIDEO_FILE), "rb") as fh:
        data = fh.read()
    expect(resp.status == 206, f"status {resp.status}")
    expect(resp.body == data[100:200], f"{len(resp.body)} bytes, not bytes 100-199 of the file")
    expect(resp.header("content-range") == f"bytes 100-199/{len(data)}",
           f"Content-Range {resp.header('content-range')!r}")
    expect(resp.header("content-length") == "100", f"Content-Length {resp.header('content-length')}")
    full = h.curl(ctx.res_url(VIDEO_FILE))
    expect(full.status == 200 and full.body == data, "plain GET differs from the file")


def check_http_range_forms(ctx):
    """Suffix (bytes=-N) and open-ended (bytes=N-) single ranges."""
    with open(ctx.disk_path(VIDEO_FILE), "rb") as fh:
        data = fh.read()
    for spec, start, end in (("bytes=-100", len(data) - 100, len(data) - 1),
                             ("bytes=1000-", 1000, len(data) - 1)):
        resp = h.curl(ctx.res_url(VIDEO_FILE), headers={"Range": spec})
        expect(resp.status == 206 and resp.body == data[start:end + 1],
               f"{spec}: {resp.status}, {len(resp.body)} bytes")
        expect(resp.header("content-range") == f"bytes {start}-{end}/{len(data)}",
               f"{spec}: Content-Range {resp.header('content-range')!r}")


def check_http_range_unsatisfiable(ctx):
    resp = h.curl(ctx.res_url(VIDEO_FILE), headers={"Range": "bytes=999999999-"})
    expect(resp.status == 416, f"status {resp.status}")


def check_http_content_features(ctx):
    item = ctx.item(VIDEO_FILE)
    resp = h.curl(item.resources[0].uri, method="HEAD",
                  headers={"getcontentFeatures.dlna.org": "1"})
    features = resp.header("contentfeatures.dlna.org")
    expect(features, "no contentFeatures.dlna.org header")
    fourth = item.resources[0].protocol_info.split(":", 3)[3]
    expect(features == fourth, f"contentFeatures {features!r} vs protocolInfo {fourth!r}")


def check_http_transfer_mode(ctx):
    for relpath, mode in ((VIDEO_FILE, "Streaming"), ("Music/tone.wav", "Streaming"),
                          (JPEG_FILE, "Interactive")):
        resp = h.curl(ctx.res_url(relpath), method="HEAD")
        got = resp.header("transfermode.dlna.org")
        expect(got == mode, f"{relpath}: transferMode.dlna.org {got!r}, expected {mode}")


def check_http_404(ctx):
    url = ctx.res_url(VIDEO_FILE)
    prefix = url.rsplit("/", 1)[0]
    for bad in (prefix + "/../../etc/passwd", prefix + "/999999", prefix + "/%2e%2e/%2e%2e/etc/passwd"):
        resp = h.curl(bad)
        expect(resp.status == 404, f"{bad}: {resp.status}")
        expect(b"root:" not in resp.body, f"{bad}: leaked /etc/passwd")


# --- SOAP faults -------------------------------------------------------------------

def cds_control_url(ctx):
    expect(ctx.description, "no description")
    return ctx.description.services[u.CDS].control_url


def expect_fault(resp, codes, what):
    code = h.upnp_error_code(resp.body)
    expect(resp.status == 500, f"{what}: HTTP {resp.status}, body {resp.body[:200]!r}")
    expect(code is not None, f"{what}: no UPnPError errorCode in {resp.body[:300]!r}")
    expect(codes is None or code in codes, f"{what}: errorCode {code}, expected {codes}")


def browse_action():
    return f"{u.CDS}#Browse"


def check_soap_garbage(ctx):
    resp = h.soap_post(cds_control_url(ctx), "this is <not xml", browse_action())
    expect_fault(resp, None, "garbage body")


def check_soap_missing_action(ctx):
    resp = h.soap_post(cds_control_url(ctx), h.soap_envelope(""), None)
    expect_fault(resp, (401,), "no SOAPACTION, empty Body")


def check_soap_unknown_action(ctx):
    body = h.soap_envelope(f'<u:Frobnicate xmlns:u="{u.CDS}"/>')
    resp = h.soap_post(cds_control_url(ctx), body, f"{u.CDS}#Frobnicate")
    expect_fault(resp, (401,), "unknown action")


def check_soap_missing_objectid(ctx):
    args = [a for a in h.valid_browse_args() if a[0] != "ObjectID"]
    resp = h.soap_post(cds_control_url(ctx), h.browse_body(u.CDS, args), browse_action())
    expect_fault(resp, (402,), "Browse without ObjectID")


def check_soap_no_such_object(ctx):
    for object_id in ("999999999", "no-such-object"):
        body = h.browse_body(u.CDS, h.valid_browse_args(object_id))
        resp = h.soap_post(cds_control_url(ctx), body, browse_action())
        expect_fault(resp, (701,), f"Browse of {object_id!r}")


def check_soap_bad_sort(ctx):
    args = [(k, "!!garbage sort!!" if k == "SortCriteria" else v)
            for k, v in h.valid_browse_args()]
    resp = h.soap_post(cds_control_url(ctx), h.browse_body(u.CDS, args), browse_action())
    expect_fault(resp, (709,), "Browse with bad SortCriteria")


def check_soap_lenient(ctx):
    """Quirks of real clients: unquoted SOAPACTION, no charset, BOM or blank lines first."""
    envelope = h.browse_body(u.CDS, h.valid_browse_args("0"))
    variants = {
        "unquoted SOAPACTION": dict(body=envelope, quote=False),
        "Content-Type without charset": dict(body=envelope, content_type="text/xml"),
        "UTF-8 BOM first": dict(body=b"\xef\xbb\xbf" + envelope.encode()),
        "blank lines first": dict(body="\r\n  \n" + envelope),
    }
    for what, kwargs in variants.items():
        resp = h.soap_post(cds_control_url(ctx), soapaction=browse_action(), **kwargs)
        expect(resp.status == 200 and b"NumberReturned" in resp.body,
               f"{what}: HTTP {resp.status} {resp.body[:200]!r}")


def check_browse_past_end(ctx):
    total = len(ctx.tree.children["0"])
    result = ctx.client.browse("0", start=total + 10, count=5)
    expect(result.number_returned == 0 and not result.objects,
           f"NumberReturned {result.number_returned}")
    expect(result.total_matches == total, f"TotalMatches {result.total_matches}, expected {total}")


def check_gupnp_sees_fault(ctx):
    try:
        ctx.client.browse("999999999", flag="BrowseMetadata")
    except u.UPnPFault as fault:
        expect(fault.code == 701, f"GUPnP reports error {fault.code}")
        return
    expect(False, "BrowseMetadata of a nonexistent object succeeded")


def check_soap_still_serving(ctx):
    body = h.browse_body(u.CDS, h.valid_browse_args("0"))
    resp = h.soap_post(cds_control_url(ctx), body, browse_action())
    expect(resp.status == 200 and b"NumberReturned" in resp.body, f"raw Browse: {resp.status}")
    expect(ctx.client.browse("0").objects, "GUPnP Browse of 0 returns nothing")
    expect(ctx.server.running(), "server exited")


# --- GENA ------------------------------------------------------------------------------

def gena_request(url, method, headers):
    return h.curl(url, method=method, headers=headers)


def check_gena(ctx):
    """SUBSCRIBE → SID + initial event (SEQ 0, every evented variable); renew; UNSUBSCRIBE."""
    service = ctx.description.services[u.CDS]
    url = service.event_url
    evented = h.scpd_evented_variables(service.scpd_url)
    with gena.EventSink() as sink:
        resp = gena_request(url, "SUBSCRIBE", {"CALLBACK": f"<{sink.url}>", "NT": "upnp:event",
                                               "TIMEOUT": "Second-300"})
        sid = resp.header("sid") or ""
        expect(resp.status == 200 and sid.startswith("uuid:"), f"SUBSCRIBE: {resp.status} SID {sid!r}")
        expect((resp.header("timeout") or "").startswith("Second-"),
               f"SUBSCRIBE TIMEOUT {resp.header('timeout')!r}")
        events = sink.wait(1, timeout=5)
        expect(events, "no initial NOTIFY within 5 s")
        headers, body = events[0]
        expect(headers.get("NT") == "upnp:event" and headers.get("NTS") == "upnp:propchange",
               f"NOTIFY NT/NTS {headers.get('NT')!r}/{headers.get('NTS')!r}")
        expect(headers.get("SID") == sid and headers.get("SEQ") == "0",
               f"NOTIFY SID {headers.get('SID')!r} SEQ {headers.get('SEQ')!r}")
        values = gena.properties(body)
        expect("SystemUpdateID" in evented, f"SCPD events only {sorted(evented)}")
        expect(set(values) == evented,
               f"initial event has {sorted(values)}, SCPD evented variables {sorted(evented)}")
        resp = gena_request(url, "SUBSCRIBE", {"SID": sid, "TIMEOUT": "Second-300"})
        expect(resp.status == 200 and resp.header("sid") == sid, f"renewal: {resp.status}")
        resp = gena_request(url, "UNSUBSCRIBE", {"SID": sid})
        expect(resp.status == 200, f"UNSUBSCRIBE: {resp.status}")


def check_gena_errors(ctx):
    url = ctx.description.services[u.CDS].event_url
    cases = (
        ("SID with NT", "SUBSCRIBE", {"SID": "uuid:00000000-0000-0000-0000-000000000000",
                                      "NT": "upnp:event"}, 400),
        ("no CALLBACK", "SUBSCRIBE", {"NT": "upnp:event"}, 412),
        ("NT not upnp:event", "SUBSCRIBE", {"CALLBACK": "<http://127.0.0.1:9/>", "NT": "x"}, 412),
        ("unknown SID renewal", "SUBSCRIBE", {"SID": "uuid:00000000-0000-0000-0000-000000000000"},
         412),
        ("unknown SID unsubscribe", "UNSUBSCRIBE",
         {"SID": "uuid:00000000-0000-0000-0000-000000000000"}, 412),
    )
    for what, method, headers, status in cases:
        resp = gena_request(url, method, headers)
        expect(resp.status == status, f"{what}: {resp.status}, expected {status}")


# --- shutdown ------------------------------------------------------------------------

def stop_and_watch_byebye(server, iface, host):
    """SIGTERM the server while GSSDP and a plain socket listen.

    Returns (exit code or None, GSSDP saw byebye, raw NOTIFY messages heard)."""
    watcher = u.SsdpWatcher(iface, [u.MEDIA_SERVER]).start()
    listener = None
    try:
        watcher.wait_for(server.port, timeout=5)
        listener = u.NotifyListener(host)
        listener.notifies(0.3)  # drop anything already queued
        code, _seconds = server.terminate(timeout=8)
        u.iterate_until(lambda: watcher.gone[u.MEDIA_SERVER], 2)
        heard = listener.notifies(1.5, done=lambda msgs: sum(
            m.get("NTS") == "ssdp:byebye" for m in msgs) >= 5)
        return code, bool(watcher.gone[u.MEDIA_SERVER]), heard
    finally:
        watcher.stop()
        if listener is not None:
            listener.close()


def run_shutdown_checks(ctx, runner, server, iface, host, prefix=""):
    result = {}

    def stop():
        result["code"], result["byebye"], result["heard"] = stop_and_watch_byebye(
            server, iface, host)
        expect(result["code"] is not None, "still running 8 s after SIGTERM")

    runner.run(f"{prefix}sigterm_exits", stop)
    if "code" not in result:
        return
    runner.run(f"{prefix}sigterm_exits_0", lambda: expect(
        result["code"] == 0, f"exit code {result['code']}"))
    hint = ""
    if iface != "lo":
        hint = (f" (on {iface}, an empty bridge, only multicast looped back by the sender is "
                "seen: does the server turn IP_MULTICAST_LOOP off?)")
    runner.run(f"{prefix}ssdp_byebye",
               lambda: expect(result["byebye"], "GSSDP saw no ssdp:byebye" + hint))
    runner.run(f"{prefix}ssdp_byebye_every_nt",
               lambda: expect_ssdp_set(result["heard"], "ssdp:byebye", "byebye"))


# --- second interface ------------------------------------------------------------------

def run_hlo0_checks(ctx, runner):
    host = "127.0.0.2"
    server = ctx.new_server("hlo0", host, "server-hlo0.log", os.path.join(ctx.workdir, "hlo0.db"))

    def starts():
        server.start()
        expect(server.wait_ready(timeout=20),
               f"{server.description_url} not answering; log tail:\n{server.log_tail()}")

    if not runner.run("hlo0_server_starts", starts):
        return
    runner.run("hlo0_unicast_msearch", check_unicast_msearch, host, server.port)
    runner.run("hlo0_gssdp_discovery", check_gssdp_discovery, "hlo0", host, server.port)
    runner.run("hlo0_raw_msearch", check_raw_msearch, host, server.port)

    def browse_root():
        client = u.MediaServerClient("hlo0")
        expect(client.discover(server.port, timeout=10) is not None, "no MediaServer on hlo0")
        expect(client.browse("0").objects is not None, "Browse failed")

    runner.run("hlo0_gupnp_browse_root", browse_root)
    run_shutdown_checks(ctx, runner, server, "hlo0", host, prefix="hlo0_")


# --- main ---------------------------------------------------------------------------

def run_all(ctx, runner):
    if not runner.run("corpus_built", check_corpus, ctx):
        return
    runner.run("scan_only", check_scan_only, ctx)
    listener = u.NotifyListener("127.0.0.1")
    try:
        if not runner.run("server_starts", check_server_starts, ctx):
            return
        port = ctx.server.port
        runner.run("ssdp_alive_lo", check_ssdp_alive, ctx, listener, "127.0.0.1", port)
    finally:
        listener.close()
    runner.run("unicast_msearch_lo", check_unicast_msearch, "127.0.0.1", port)
    runner.run("raw_msearch_lo", check_raw_msearch, "127.0.0.1", port)
    runner.run("gssdp_discovery_lo", check_gssdp_discovery, "lo", "127.0.0.1", port)
    runner.run("description_and_scpds", check_description, ctx)
    if runner.run("gupnp_discovery", check_gupnp_discovery, ctx):
        run_content_checks(ctx, runner)
    run_shutdown_checks(ctx, runner, ctx.server, "lo", "127.0.0.1")
    if not ctx.args.no_hlo0:
        run_hlo0_checks(ctx, runner)
    runner.run("media_folder_untouched", check_media_untouched, ctx)


def run_content_checks(ctx, runner):
    runner.run("library_ready", check_library_ready, ctx)
    runner.run("browse_tree_paged", check_browse_tree_paged, ctx)
    if ctx.tree is None:
        return
    for name, func in (
            ("browse_tree_finite", check_browse_tree_finite),
            ("browse_paging_consistent", check_paging_consistent),
            ("paged_equals_unpaged", check_paged_equals_unpaged),
            ("listing_structure", check_listing_structure),
            ("items_well_formed", check_items_well_formed),
            ("corpus_files_listed", check_corpus_files_listed),
            ("root_one_container_per_media_folder", check_root_structure),
            ("folder_view_lists_each_file_once", check_each_file_once),
            ("rejected_files_absent", check_rejected_files_absent),
            ("music_tags", check_music_tags),
            ("unicode_title_roundtrip", check_unicode_title),
            ("browse_metadata_root", check_browse_metadata_root),
            ("browse_metadata_item", check_browse_metadata_item),
            ("dlna_protocol_info", check_dlna_protocol_info),
            ("res_duration", check_res_duration),
            ("ffprobe_via_http", check_ffprobe_via_http),
            ("cds_capabilities", check_cds_capabilities),
            ("browse_sorted_by_title", check_browse_sorted),
            ("cms_get_protocol_info", check_cms_protocol_info),
            ("http_head", check_http_head),
            ("http_range_206", check_http_range),
            ("http_range_suffix_and_open", check_http_range_forms),
            ("http_range_416", check_http_range_unsatisfiable),
            ("http_content_features", check_http_content_features),
            ("http_transfer_mode", check_http_transfer_mode),
            ("http_404", check_http_404),
            ("soap_garbage_body", check_soap_garbage),
            ("soap_missing_action", check_soap_missing_action),
            ("soap_unknown_action_401", check_soap_unknown_action),
            ("soap_missing_objectid_402", check_soap_missing_objectid),
            ("soap_no_such_object_701", check_soap_no_such_object),
            ("soap_bad_sort_709", check_soap_bad_sort),
            ("soap_lenient_parsing", check_soap_lenient),
            ("browse_past_end", check_browse_past_end),
            ("gupnp_fault_701", check_gupnp_sees_fault),
            ("soap_still_serving", check_soap_still_serving),
            ("gena_subscribe_event_unsubscribe", check_gena),
            ("gena_errors", check_gena_errors)):
        runner.run(name, func, ctx)


def options(parser):
    parser.add_argument("--server", choices=("hearth", "minidlna"), default="hearth")
    parser.add_argument("--minidlnad", default=shutil.which("minidlnad") or "/usr/sbin/minidlnad")
    parser.add_argument("--no-hlo0", action="store_true", help="skip the hlo0 interface run")
    parser.add_argument("--no-skip", action="store_true",
                        help="with --server minidlna, run the Hearth-only checks too")


def skip(args):
    return HEARTH_ONLY if args.server == "minidlna" and not args.no_skip else {}


def run_checks(args, runner, _workdir):
    if args.server == "hearth" and not args.hearth:
        raise ValueError("--hearth PATH is required with --server hearth")
    run_all(Context(args), runner)


if __name__ == "__main__":
    sys.exit(suite.run(run_checks, options=options, skip=skip, hearth_required=False,
                       description=__doc__.split("\n\n")[0]))
