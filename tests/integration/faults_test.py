#!/usr/bin/python3
"""Faults and data safety (issue 7, "never down, never lossy"), against the real binary:

  kill -9 during a scan (three moments), while serving and during a SIGHUP rescan: the database opens, the scan
      resumes, the ids of files indexed before the kill are unchanged, and the index equals a clean scan's;
  the disk holding the index fills up: serving goes on (Browse, streams), the condition is logged once, the rest is
      indexed once space is back, a restart while full still serves, and PRAGMA integrity_check is ok;
  a media subfolder made unreadable (chmod 000), one unmounted (its mount point left empty) and a whole media
      folder unmounted and its mount point removed: their items leave Browse, Search and the views as soon as the
      live loop sees it (inotify, or its presence check every --rescan-interval) and come back with the same ids
      when they return, without a restart.

Needs a mount namespace as well as the network one:
    netns.sh --mounts /usr/bin/python3 faults_test.py --hearth build/hearth --workdir DIR
Hearth runs without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (setpriv), so that chmod 000 binds it as it binds a
service user; the corpus is made of a few tiny ffmpeg encodes hard-linked thousands of times under distinct names.
"""

import errno
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from e2elib import servers, suite  # noqa: E402
from e2elib.sources import SourceBrowser  # noqa: E402
from e2elib.checks import expect  # noqa: E402
from e2elib.http import browse_body, fetch_description, soap_envelope, soap_post, upnp_error_code  # noqa: E402

CDS = "urn:schemas-upnp-org:service:ContentDirectory:1"
DIDL = "{urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/}"
DC = "{http://purl.org/dc/elements/1.1/}"
UPNP = "{urn:schemas-upnp-org:metadata-1-0/upnp/}"
NAME = "Hearth faults"
NO_DAC = "-dac_override,-dac_read_search"
# A pass of the live loop that finished or stopped: a full scan, or one of the changed folders that changed
# something (unchanged ones are not logged).
SCAN_DONE = re.compile(r"scan (finished|stopped)|live update")
# The live loop's presence check (media folders, unmounted disks) and, where it cannot watch, its rescan.
RESCAN_INTERVAL = "2"
FULL_LINE = "no space left on the disk holding the index"
# Files added while the 8 MiB state disk is full: too many for the room left in the WAL then (about 100 KiB of
# rows and index entries more than the first 200 files wrote), few enough for the whole index (0.7 MB) and its
# WAL (checkpointed at 4 MB) to fit once the filler is gone.
FULL_SECOND = 2000


def run(argv, timeout=60):
    subprocess.run(argv, check=True, timeout=timeout, stdin=subprocess.DEVNULL)


# --- corpus ------------------------------------------------------------------------------------------

def make_seeds(folder):
    """Three tiny untagged encodes (titles then come from the distinct file names)."""
    os.makedirs(folder, exist_ok=True)
    ff = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    run(ff + ["-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "libmp3lame", "-b:a", "32k",
              os.path.join(folder, "seed.mp3")])
    run(ff + ["-f", "lavfi", "-i", "testsrc=size=64x48:rate=1:duration=1", "-frames:v", "1",
              os.path.join(folder, "seed.jpg")])
    run(ff + ["-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10:duration=1", "-c:v", "libx264", "-preset",
              "ultrafast", "-pix_fmt", "yuv420p", os.path.join(folder, "seed.mp4")])
    return {ext: os.path.join(folder, "seed." + ext) for ext in ("mp3", "jpg", "mp4")}


def replicate(seeds, media, count, prefix, per_folder=100):
    """`count` hard links to the seeds under distinct names, `per_folder` to a folder; returns their paths."""
    paths = []
    exts = ("mp3", "jpg", "mp4")
    for i in range(count):
        folder = os.path.join(media, f"{prefix} {i // per_folder:03d}")
        if i % per_folder == 0:
            os.makedirs(folder, exist_ok=True)
        ext = exts[i % 3]
        path = os.path.join(folder, f"{prefix} {i:05d}.{ext}")
        os.link(seeds[ext], path)
        paths.append(path)
    return paths


# --- the index as stored -------------------------------------------------------------------------------

DUMP_SQL = """
SELECT o.path, COALESCE(p.path, ''), o.parent_id >= 0, o.is_container, o.title, o.upnp_class, o.size, o.mtime,
       o.mime, o.dlna_profile, o.duration_ms, o.width, o.height, o.child_count, o.position
FROM objects o LEFT JOIN objects p ON p.id = (CASE WHEN o.parent_id >= 0 THEN o.parent_id ELSE -o.parent_id - 1 END)
"""


def connect(db):
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)


def dump(db):
    """Everything a client could tell about the index, without ids: {path: row}."""
    with connect(db) as conn:
        return {row[0]: row[1:] for row in conn.execute(DUMP_SQL)}


def ids(db):
    with connect(db) as conn:
        return dict(conn.execute("SELECT path, id FROM objects"))


def count_items(db, containers=0):
    try:
        with connect(db) as conn:
            return conn.execute("SELECT COUNT(*) FROM objects WHERE is_container = ?", (containers,)).fetchone()[0]
    except sqlite3.Error:
        return -1  # not created yet, or a write lock at that instant


def integrity(db):
    with connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def describe_difference(got, want):
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    changed = sorted(p for p in set(got) & set(want) if got[p] != want[p])
    lines = [f"{len(missing)} missing, {len(extra)} extra, {len(changed)} different"]
    lines += [f"  missing {p}" for p in missing[:3]] + [f"  extra {p}" for p in extra[:3]]
    lines += [f"  {p}: {got[p]} != {want[p]}" for p in changed[:3]]
    return "\n".join(lines)


# --- the server --------------------------------------------------------------------------------------

class Hearth:
    """One Hearth (restartable on the same database and log), without the DAC override capabilities."""

    def __init__(self, ctx, label, media_dirs, db, rescan_interval=RESCAN_INTERVAL, env=()):
        self.ctx = ctx
        self.rescan_interval = rescan_interval
        self.env = list(env)  # ["NAME=value"]: HEARTH_WATCH_LIMIT=0 turns inotify off
        self.db = db
        self.log_path = ctx.path(f"server-{label}.log")
        self.media_dirs = media_dirs
        self.server = None
        self.control_url = None

    def start(self, wait_scan=True):
        port = servers.free_port()
        argv = servers.hearth_argv(self.ctx.args.hearth, self.media_dirs[0], self.db, "lo", port, NAME)
        for extra in self.media_dirs[1:]:
            argv += ["--media", extra]
        argv += ["--rescan-interval", self.rescan_interval]
        argv = ["setpriv", "--bounding-set", NO_DAC, "--inh-caps", NO_DAC] + argv
        if self.env:
            argv = ["env"] + self.env + argv
        scans_before = self.scans()
        self.server = servers.ServerProcess(argv, self.log_path, "127.0.0.1", port, "/description.xml").start()
        expect(self.server.wait_ready(timeout=30), f"not serving; log tail:\n{self.server.log_tail()}")
        self.control_url = fetch_description(self.server.description_url).services[CDS].control_url
        if wait_scan:
            self.wait_scan(scans_before)
        return self

    def log_text(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as fh:
            return fh.read()

    def scans(self):
        """How many scans have finished, as the log says (the log outlives restarts)."""
        try:
            return len(SCAN_DONE.findall(self.log_text()))
        except FileNotFoundError:
            return 0

    def wait_scan(self, before, timeout=180):
        done = servers.wait_until(lambda: self.scans() > before or not self.server.running(), timeout)
        expect(done and self.server.running(),
               f"no scan finished within {timeout} s; log tail:\n{self.server.log_tail()}")

    def kill9(self):
        os.kill(self.server.proc.pid, signal.SIGKILL)
        self.server.proc.wait(10)
        self.server.kill()  # closes the log

    def stop(self):
        if self.server is not None:
            code, _ = self.server.terminate(15)
            self.server.kill()
            return code
        return None

    def browse(self, object_id, flag="BrowseDirectChildren"):
        """(status or UPnP error code, [(id, parentID, title, class, res URL or None)])."""
        args = [("ObjectID", object_id), ("BrowseFlag", flag), ("Filter", "*"), ("StartingIndex", "0"),
                ("RequestedCount", "0"), ("SortCriteria", "")]
        resp = soap_post(self.control_url, browse_body(CDS, args), f"{CDS}#Browse")
        if resp.status != 200:
            return upnp_error_code(resp.body) or resp.status, []
        result = ET.fromstring(resp.body).find(".//Result")
        didl = ET.fromstring(result.text) if result is not None and result.text else None
        out = []
        for node in (didl if didl is not None else []):
            res = node.find(f"{DIDL}res")
            out.append((node.get("id"), node.get("parentID"), node.findtext(f"{DC}title"),
                        node.findtext(f"{UPNP}class"), res.text if res is not None else None))
        return 200, out

    def walk(self, top="folders", polling=False):
        """{title path: (id, res URL)} of every object reachable by Browse from `top` (the folder tree).
        polling: None when a container listed a moment ago is gone (701): a pass is changing the tree."""
        found = {}
        stack = [(top, "")]
        while stack:
            object_id, at = stack.pop()
            status, children = self.browse(object_id)
            if polling and status == 701:
                return None
            expect(status == 200, f"Browse {object_id} answered {status}")
            for child_id, _, title, cls, res in children:
                path = f"{at}/{title}"
                found[path] = (child_id, res)
                if cls.startswith("object.container"):
                    stack.append((child_id, path))
        return found


    def item_ids_outside_folders(self):
        """Object ids of the items the views (Video, Music, Pictures) list, and that Search finds."""
        in_views = set()
        for path, (object_id, res) in self.walk("0").items():
            if res and not path.startswith("/Folders/"):
                in_views.add(object_id.rsplit("/", 1)[-1])  # "<view>/<object id>"
        criteria = 'upnp:class derivedfrom &quot;object.item&quot;'
        body = soap_envelope(f'<u:Search xmlns:u="{CDS}"><ContainerID>0</ContainerID><SearchCriteria>'
                             f'{criteria}</SearchCriteria><Filter>*</Filter><StartingIndex>0</StartingIndex>'
                             '<RequestedCount>0</RequestedCount><SortCriteria></SortCriteria></u:Search>')
        resp = soap_post(self.control_url, body, f"{CDS}#Search")
        expect(resp.status == 200, f"Search answered {resp.status}")
        result = ET.fromstring(resp.body).find(".//Result")
        found = {node.get("id") for node in ET.fromstring(result.text)} if result is not None else set()
        return in_views, found


def settle(hearth, before, done=lambda: True, timeout=30, quiet=3.0, must=True):
    """Wait until the live loop has made a pass since the log had `before` of them and `done()` holds, then
    until no pass has been logged for `quiet` seconds (a change may take more than one). must=False: the
    caller checks the state itself (and says what differs)."""
    deadline = time.monotonic() + timeout
    reached = servers.wait_until(lambda: hearth.scans() > before and done(), timeout, interval=0.2)
    expect(reached or not must, f"no pass (or not the expected state) within {timeout} s; log tail:\n"
                                f"{hearth.server.log_tail()}")
    count, since = hearth.scans(), time.monotonic()
    while time.monotonic() - since < quiet and time.monotonic() < deadline:
        time.sleep(0.2)
        if hearth.scans() != count:
            count, since = hearth.scans(), time.monotonic()


def sighup_rescan(hearth):
    """A full rescan on request (SIGHUP), waited for."""
    before = hearth.scans()
    hearth.server.proc.send_signal(signal.SIGHUP)
    hearth.wait_scan(before)


def get_status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


# --- kill -9 -----------------------------------------------------------------------------------------

class Ctx:
    def __init__(self, args):
        self.args = args
        self.work = os.path.abspath(args.workdir)
        self.seeds = None
        self.media = os.path.join(self.work, "media")
        self.reference = None  # dump of a clean scan of self.media

    def path(self, name):
        return os.path.join(self.work, name)


def clean_scan(ctx, media_dirs, label):
    """A dump of what `hearth --scan-only` makes of the tree in a fresh database."""
    db = ctx.path(f"clean-{label}.db")
    argv = servers.hearth_argv(ctx.args.hearth, media_dirs[0], db, "lo", servers.free_port(), NAME, scan_only=True)
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
    expect(proc.returncode == 0, f"--scan-only exited {proc.returncode}: {proc.stderr[-400:]}")
    return dump(db)


def check_corpus(ctx):
    ctx.seeds = make_seeds(ctx.path("seeds"))
    replicate(ctx.seeds, ctx.media, ctx.args.files, "Set")
    ctx.reference = clean_scan(ctx, [ctx.media], "first")
    items = sum(1 for row in ctx.reference.values() if not row[2])
    expect(items == ctx.args.files, f"the clean scan indexed {items} of {ctx.args.files} files")


def restart_and_compare(hearth, ids_before, reference):
    """After a kill -9: the database is sound, the restart finishes the scan, no id committed before the kill
    changed, and the index equals a clean scan's."""
    expect(integrity(hearth.db) == "ok", "integrity_check after the kill")
    hearth.start()
    after = ids(hearth.db)
    changed = [p for p, i in ids_before.items() if after.get(p) != i]
    expect(not changed, f"{len(changed)} ids changed or lost, e.g. {changed[:3]}")
    got = dump(hearth.db)
    expect(got == reference, "after the restart: " + describe_difference(got, reference))
    expect(integrity(hearth.db) == "ok", "integrity_check after the resumed scan")
    expect(hearth.stop() == 0, "SIGTERM after the resumed scan")


def kill_during_first_scan(ctx, label, ready):
    """Start on an empty database, kill -9 once ready(db) holds, restart, compare."""
    db = ctx.path(f"{label}.db")
    hearth = Hearth(ctx, label, [ctx.media], db).start(wait_scan=False)
    started = time.monotonic()
    hit = servers.wait_until(lambda: ready(db) or not hearth.server.running(), 120, interval=0.02)
    expect(hit and hearth.server.running(), f"the moment never came; log tail:\n{hearth.server.log_tail()}")
    scans = hearth.scans()
    hearth.kill9()
    expect(scans == 0, "the first scan had already finished: the kill came too late to test anything")
    print(f"  killed after {time.monotonic() - started:.2f} s with {count_items(db)} items committed")
    restart_and_compare(hearth, ids(db), ctx.reference)


def check_kill_while_serving(ctx):
    db = ctx.path("serving.db")
    hearth = Hearth(ctx, "serving", [ctx.media], db).start()
    before = ids(db)
    stop = threading.Event()
    answered = []

    def browse_loop():
        while not stop.is_set():
            try:
                answered.append(hearth.browse("0")[0])
            except OSError:
                pass

    browsers = [threading.Thread(target=browse_loop) for _ in range(3)]
    for t in browsers:
        t.start()
    time.sleep(1.0)
    hearth.kill9()
    stop.set()
    for t in browsers:
        t.join(15)
    expect(answered.count(200) > 10, f"only {answered.count(200)} Browse answers before the kill")
    restart_and_compare(hearth, before, ctx.reference)


def check_kill_during_rescan(ctx):
    db = ctx.path("rescan.db")
    # inotify off and no periodic rescan: the SIGHUP rescan is what finds the new files.
    hearth = Hearth(ctx, "rescan", [ctx.media], db, rescan_interval="0", env=["HEARTH_WATCH_LIMIT=0"]).start()
    before = ids(db)
    media_before = dict(ctx.reference)
    added = replicate(ctx.seeds, ctx.media, 3000, "More")
    reference = clean_scan(ctx, [ctx.media], "rescan")
    start_count = count_items(db)
    hearth.server.proc.send_signal(signal.SIGHUP)
    hit = servers.wait_until(lambda: count_items(db) >= start_count + 300, 120, interval=0.02)
    scans = hearth.scans()
    hearth.kill9()
    expect(hit, "the rescan never committed new files")
    expect(scans == 1, "the rescan had already finished: the kill came too late")
    print(f"  killed with {count_items(db) - start_count} of {len(added)} new files committed")
    expect(len(reference) > len(media_before), "the clean reference does not have the new files")
    restart_and_compare(hearth, before, reference)


# --- disk full ---------------------------------------------------------------------------------------

def fill(folder):
    """Write a file until the disk under `folder` is full; return its path. Unbuffered: a buffered file would
    raise ENOSPC again when closed, for the bytes left in its buffer."""
    path = os.path.join(folder, "filler")
    chunk = b"\0" * 65536
    with open(path, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(chunk)
        except OSError as exc:
            expect(exc.errno == errno.ENOSPC, f"filling failed with {exc}")
    return path


def check_disk_full(ctx):
    state = ctx.path("full-state")
    media = ctx.path("full-media")
    os.makedirs(state)
    run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", state])
    try:
        disk_full_steps(ctx, state, media)
    finally:
        subprocess.run(["umount", "-l", state], check=False)


def disk_full_steps(ctx, state, media):
    db = os.path.join(state, "hearth.db")
    replicate(ctx.seeds, media, 200, "First")
    hearth = Hearth(ctx, "full", [media], db).start()
    first = hearth.walk()
    expect(len(first) == 200 + 2 + 1, f"{len(first)} objects before the disk filled")
    filler = fill(state)
    # inotify sees the new files; their pass stops on the full disk, and the live loop retries with a full
    # scan at each presence check until there is space.
    before = hearth.scans()
    replicate(ctx.seeds, media, FULL_SECOND, "Second")
    settle(hearth, before, lambda: FULL_LINE in hearth.log_text(), quiet=0)
    log = hearth.log_text()
    expect(log.count(FULL_LINE) == 1, f"'{FULL_LINE}' logged {log.count(FULL_LINE)} times")
    expect("live update stopped, no space left" in log, "the live update did not stop on the full disk")
    before = hearth.scans()
    settle(hearth, before, lambda: hearth.scans() > before + 1, quiet=0)  # still full: not logged again
    log = hearth.log_text()
    expect(log.count(FULL_LINE) == 1, f"logged again on the next scan ({log.count(FULL_LINE)} times)")
    expect(log.count("<3>") + log.count("<4>") < 10, "a flood of warnings/errors while the disk is full")
    serving_read_only(hearth, first)
    # A restart while the disk is still full serves what is indexed.
    hearth.kill9()
    hearth.start()
    serving_read_only(hearth, first)
    os.unlink(filler)
    before = hearth.scans()
    settle(hearth, before, lambda: "space is back for the index" in hearth.log_text(), timeout=60)
    log = hearth.log_text()
    expect("space is back for the index" in log, "no word that space is back; log tail:\n" + log[-600:])
    got = dump(db)
    reference = clean_scan(ctx, [media], "full")
    expect(got == reference, "once space is back: " + describe_difference(got, reference))
    expect(len(hearth.walk()) == 200 + FULL_SECOND + 2 + FULL_SECOND // 100 + 1, "Browse after space returned")
    # (Whether the newcomer could be saved while full depends on the room the WAL had then; it browsed either
    # way, and it must be saved by now.)
    expect(SourceBrowser("127.0.0.20", hearth.control_url).post("0").status == 200, "Browse from the newcomer")
    expect("new device" in hearth.log_text(), "the newcomer is not saved once space is back")
    expect(hearth.stop() == 0, "SIGTERM")
    expect(integrity(db) == "ok", "integrity_check afterwards")


def serving_read_only(hearth, first):
    now = hearth.walk()
    expect(set(first) <= set(now), f"{len(set(first) - set(now))} indexed objects gone from Browse")
    url = next(res for path, (_, res) in sorted(now.items()) if res and path in first)
    status, body = get_status(url)
    expect(status == 200 and len(body) > 0, f"streaming {url} answered {status}")
    # A TV never seen before: the device registry cannot save it, and it browses all the same.
    newcomer = SourceBrowser("127.0.0.20", hearth.control_url)
    top = newcomer.post("0")
    expect(top.status == 200, f"Browse from a new device answered {top.status}")


# --- missing folders ---------------------------------------------------------------------------------

def check_missing_folders(ctx):
    root = ctx.path("gone")
    main = os.path.join(root, "main")
    usb = os.path.join(root, "usb")  # a second media folder: a disk mounted there
    usb_src = ctx.path("gone-usb-disk")
    disk_src = ctx.path("gone-inner-disk")
    for prefix, folder in (("Open", os.path.join(main, "Open")), ("Locked", os.path.join(main, "Locked")),
                           ("Inner", disk_src), ("Usb", usb_src)):
        replicate(ctx.seeds, folder, 12, prefix, per_folder=6)
    inner = os.path.join(main, "Disk")
    os.makedirs(inner)
    os.makedirs(usb)
    run(["mount", "--bind", disk_src, inner])
    run(["mount", "--bind", usb_src, usb])
    try:
        missing_folder_steps(ctx, main, usb, usb_src, disk_src, inner)
    finally:
        os.chmod(os.path.join(main, "Locked"), 0o755)
        for mount in (inner, usb):
            subprocess.run(["umount", "-l", mount], check=False, stderr=subprocess.DEVNULL)


def missing_folder_steps(ctx, main, usb, usb_src, disk_src, inner):
    db = ctx.path("gone.db")
    hearth = Hearth(ctx, "gone", [main, usb], db).start()
    before = hearth.walk()
    expect(len(before) == 2 + 3 + 4 * 12 + 4 * 2, f"{len(before)} objects before")
    gone_prefixes = ("/main/Locked/", "/main/Disk/", "/usb")
    gone = {p: v for p, v in before.items() if p.startswith(gone_prefixes)}
    gone_ids = {object_id for object_id, res in gone.values() if res}
    in_views, found = hearth.item_ids_outside_folders()
    expect(gone_ids <= in_views and gone_ids <= found, "the views or Search miss items before anything went")
    stays = {p: v for p, v in before.items() if not p.startswith(gone_prefixes)}
    stays.update({"/main/Locked": before["/main/Locked"], "/main/Disk": before["/main/Disk"]})
    # No SIGHUP: inotify sees the chmod and the unmount inside the media folder, the presence check the
    # media folder that went.
    mark = hearth.scans()
    os.chmod(os.path.join(main, "Locked"), 0)
    run(["umount", inner])
    run(["umount", usb])
    os.rmdir(usb)
    settle(hearth, mark, lambda: hearth.walk(polling=True) == stays, must=False)
    during = hearth.walk()
    expect(during == stays, "while missing, Browse lists: " + describe_difference(during, stays))
    in_views, found = hearth.item_ids_outside_folders()
    expect(not gone_ids & in_views, f"{len(gone_ids & in_views)} hidden items still in the views")
    expect(not gone_ids & found, f"{len(gone_ids & found)} hidden items still found by Search")
    expect(len(found) == 12, f"Search finds {len(found)} items, not the 12 still there")
    hidden_id, hidden_res = next(v for p, v in sorted(gone.items()) if v[1])
    status, _ = hearth.browse(hidden_id, "BrowseMetadata")
    expect(status == 701, f"BrowseMetadata on a hidden item answered {status}, not a 701 fault")
    expect(get_status(hidden_res)[0] == 404, "a hidden item still streams")
    warnings = hearth.log_text().count("until it is back")
    expect(warnings == 3, f"{warnings} 'hiding' warnings for 3 missing folders")
    sighup_rescan(hearth)  # a full rescan while they are still missing: nothing new to say, nothing lost
    expect(hearth.log_text().count("until it is back") == 3, "the missing folders are logged on every check")
    expect(hearth.walk() == stays, "a full rescan changed what is listed while the folders are missing")
    mark = hearth.scans()
    os.chmod(os.path.join(main, "Locked"), 0o755)
    run(["mount", "--bind", disk_src, inner])
    os.makedirs(usb)
    run(["mount", "--bind", usb_src, usb])
    settle(hearth, mark, lambda: hearth.walk(polling=True) == before, must=False)
    after = hearth.walk()
    expect(after == before, "after they came back: " + describe_difference(after, before))
    in_views, found = hearth.item_ids_outside_folders()
    expect(gone_ids <= in_views and gone_ids <= found, "items that came back are missing from views or Search")
    expect(get_status(hidden_res)[0] == 200, "the item that came back does not stream")
    expect(hearth.stop() == 0, "SIGTERM")
    expect(integrity(db) == "ok", "integrity_check")


ONLY = {"disk_full_serves_and_resumes": check_disk_full, "missing_folders_hide_and_return": check_missing_folders,
        "kill9_during_sighup_rescan": check_kill_during_rescan}


def options(parser):
    parser.add_argument("--files", type=int, default=12000,
                        help="corpus size for the kill -9 checks: enough for a first scan of a few seconds")
    parser.add_argument("--only", choices=sorted(ONLY), help="the corpus check and this one only")


def run_checks(args, runner, _workdir):
    ctx = Ctx(args)
    total = args.files
    if not runner.run("corpus_and_clean_scan", check_corpus, ctx):
        return
    # Three moments of the first scan: right after the walk, early in probing, late in probing.
    if args.only:
        runner.run(args.only, ONLY[args.only], ctx)
        return
    runner.run("kill9_after_walk", kill_during_first_scan, ctx, "kill-walk",
               lambda db: count_items(db, containers=1) > 0)
    runner.run("kill9_early_probing", kill_during_first_scan, ctx, "kill-early",
               lambda db: count_items(db) >= total // 5)
    runner.run("kill9_late_probing", kill_during_first_scan, ctx, "kill-late",
               lambda db: count_items(db) >= total * 2 // 3)
    runner.run("kill9_while_serving", check_kill_while_serving, ctx)
    runner.run("disk_full_serves_and_resumes", check_disk_full, ctx)
    runner.run("missing_folders_hide_and_return", check_missing_folders, ctx)
    runner.run("kill9_during_sighup_rescan", check_kill_during_rescan, ctx)


if __name__ == "__main__":
    sys.exit(suite.run(run_checks, options=options))
