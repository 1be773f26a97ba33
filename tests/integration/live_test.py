#!/usr/bin/python3
"""Live updates (issue 5): files copied, deleted, written slowly, renamed, a new sub-folder, a burst of 50
copies, a media folder that goes away and comes back, and the periodic rescan where inotify cannot watch;
with a GUPnP control point browsing and a GENA subscriber counting NOTIFYs.

Run inside the test namespace:
    netns.sh /usr/bin/python3 live_test.py --hearth build/hearth --workdir DIR
"""

import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from e2elib import gena, servers, suite  # noqa: E402
from e2elib import http as h  # noqa: E402
from e2elib import upnp as u  # noqa: E402
from e2elib.checks import expect  # noqa: E402

VISIBLE_WITHIN = 5.0  # seconds from the copy to Browse listing it (the bound)
MODERATION = 2.0  # seconds between two NOTIFYs to one subscriber, at least


def ffmpeg(out, *args):
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", *args, out], check=True)


def make_sources(src):
    """Files made outside the media folder, to be copied in by the checks."""
    os.makedirs(src)
    ffmpeg(os.path.join(src, "tone.mp3"), "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
           "-c:a", "libmp3lame")
    ffmpeg(os.path.join(src, "long.wav"), "-f", "lavfi", "-i", "sine=frequency=300:duration=6",
           "-ar", "44100", "-ac", "2")
    ffmpeg(os.path.join(src, "pic.jpg"), "-f", "lavfi", "-i", "testsrc=size=320x240", "-frames:v", "1")


class Live:
    """One Hearth serving `media`, a GUPnP client on it, and a GENA subscription to its ContentDirectory."""

    def __init__(self, hearth, workdir, media, name, extra_args=(), env=None):
        self.media = media
        self.port = servers.free_port()
        self.log = os.path.join(workdir, f"{name}.log")
        argv = [hearth, "--media", media, "--db", os.path.join(workdir, f"{name}.db"), "--interface", "lo",
                "--port", str(self.port), "--name", f"Hearth Live {name}", "--log-level", "debug",
                *extra_args]
        self.server = servers.ServerProcess(argv, self.log, "127.0.0.1", self.port, "/description.xml")
        self.env = env
        self.client = None
        self.event_url = None

    def start(self):
        if self.env:
            old = dict(os.environ)
            os.environ.update(self.env)
            try:
                self.server.start()
            finally:
                os.environ.clear()
                os.environ.update(old)
        else:
            self.server.start()
        expect(self.server.wait_ready(20), f"not ready: {self.server.log_tail()}")
        self.client = u.MediaServerClient("lo")
        expect(self.client.discover(self.port, 10), "GUPnP did not find the server")
        description = h.fetch_description(self.server.description_url)
        self.event_url = description.services[u.CDS].event_url
        return self

    def children(self, object_id):
        return self.client.browse(object_id).objects

    def media_container(self):
        # The media folders are under Folders (the root shows the views first).
        top = [o for o in self.children("folders") if o.title == os.path.basename(self.media)]
        return top[0] if top else None

    def find(self, relpath):
        """The DIDL object at relpath under the media folder (folders by name, files by title), or None."""
        node = self.media_container()
        for part in [p for p in relpath.split("/") if p]:
            if node is None:
                return None
            stem = os.path.splitext(part)[0]
            matches = [o for o in self.children(node.id) if o.title in (part, stem)]
            node = matches[0] if matches else None
        return node

    def wait_for(self, relpath, timeout=VISIBLE_WITHIN, gone=False):
        """Poll Browse until relpath is listed (or gone); return (object or None, seconds taken)."""
        start = time.monotonic()
        while True:
            found = self.find(relpath)
            if (found is None) == gone or time.monotonic() - start > timeout:
                return found, time.monotonic() - start
            time.sleep(0.1)

    def system_update_id(self):
        from gi.repository import GObject
        return self.client.call(self.client.cds, "GetSystemUpdateID", [],
                                [("Id", GObject.TYPE_UINT)])["Id"]

    def subscribe(self, sink):
        resp = h.curl(self.event_url, method="SUBSCRIBE",
                      headers={"CALLBACK": f"<{sink.url}>", "NT": "upnp:event", "TIMEOUT": "Second-300"})
        expect(resp.status == 200, f"SUBSCRIBE: {resp.status}")
        expect(sink.wait(1, 5), "no initial event")
        return resp.header("sid")


class Sink(gena.EventSink):
    """An event sink that also notes when each NOTIFY arrived."""

    def record(self, headers, body):
        headers["_AT"] = time.monotonic()
        super().record(headers, body)

    def values(self):
        with self._lock:
            return [(hd["_AT"], gena.properties(body)) for hd, body in self.events]


def container_ids(text):
    parts = [p for p in (text or "").split(",") if p]
    return {parts[i]: int(parts[i + 1]) for i in range(0, len(parts) - 1, 2)}


def wait_event(sink, predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for _at, values in sink.values():
            if predicate(values):
                return values
        time.sleep(0.1)
    return None


def copy_in(src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(src, dst)


def run_checks(args, runner, src, workdir):
    media = os.path.join(workdir, "media")
    os.makedirs(os.path.join(media, "Drop"))
    copy_in(os.path.join(src, "tone.mp3"), os.path.join(media, "Drop", "first.mp3"))
    live = Live(args.hearth, workdir, media, "inotify", ["--rescan-interval", "2"])
    runner.run("starts_and_indexes", lambda: (live.start(), expect(live.wait_for("Drop/first.mp3")[0],
                                                                    "first.mp3 not indexed")))
    if not live.client:
        return
    sink = Sink()
    sink.__enter__()
    try:
        live.subscribe(sink)
        drop = live.find("Drop")

        def copied_file_appears_and_is_evented():
            before = live.system_update_id()
            copy_in(os.path.join(src, "tone.mp3"), os.path.join(media, "Drop", "copied.mp3"))
            found, took = live.wait_for("Drop/copied.mp3")
            expect(found, f"copied.mp3 not listed within {VISIBLE_WITHIN} s")
            print(f"  copied.mp3 listed after {took:.2f} s")
            event = wait_event(sink, lambda v: int(v.get("SystemUpdateID", 0)) > before and
                               drop.id in container_ids(v.get("ContainerUpdateIDs")), 5)
            expect(event, f"no NOTIFY with SystemUpdateID > {before} and ContainerUpdateIDs naming "
                          f"Drop ({drop.id}): {[v for _, v in sink.values()]}")
            expect(container_ids(event["ContainerUpdateIDs"])[drop.id] == int(event["SystemUpdateID"]),
                   f"container update id is not the new SystemUpdateID: {event}")
        runner.run("copied_file_appears_and_is_evented", copied_file_appears_and_is_evented)

        def deleted_file_disappears():
            before = live.system_update_id()
            os.remove(os.path.join(media, "Drop", "copied.mp3"))
            found, _took = live.wait_for("Drop/copied.mp3", gone=True)
            expect(found is None, "copied.mp3 still listed 5 s after its deletion")
            expect(live.children(drop.id) and live.client.browse(drop.id).total_matches == 1,
                   "Drop should hold first.mp3 only")
            expect(wait_event(sink, lambda v: int(v.get("SystemUpdateID", 0)) > before and
                              drop.id in container_ids(v.get("ContainerUpdateIDs")), 5),
                   "no NOTIFY for the deletion")
        runner.run("deleted_file_disappears", deleted_file_disappears)

        def slow_write_is_not_indexed_half_done():
            with open(os.path.join(src, "long.wav"), "rb") as fh:
                data = fh.read()
            path = os.path.join(media, "Drop", "slow.wav")
            chunks = 8
            step = len(data) // chunks + 1
            seen_early = []
            with open(path, "wb") as out:
                for i in range(chunks):  # ~3.5 s in all, the file held open like a download
                    out.write(data[i * step:(i + 1) * step])
                    out.flush()
                    deadline = time.monotonic() + 0.45
                    while time.monotonic() < deadline:
                        if live.find("Drop/slow.wav"):
                            seen_early.append(i)
                        time.sleep(0.15)
            expect(not seen_early, f"slow.wav was listed while still being written (after chunk {seen_early})")
            found, _took = live.wait_for("Drop/slow.wav")
            expect(found, "slow.wav not listed after it was closed")
            res = found.resources[0]
            expect(res.size == len(data), f"slow.wav listed with size {res.size}, the file has {len(data)}")
            duration = u.parse_duration(res.duration)
            expect(duration is not None and abs(duration - 6.0) < 0.2, f"slow.wav duration {res.duration}")
        runner.run("slow_write_is_not_indexed_half_done", slow_write_is_not_indexed_half_done)

        def new_subfolder_appears():
            copy_in(os.path.join(src, "tone.mp3"), os.path.join(media, "New", "Sub", "a.mp3"))
            copy_in(os.path.join(src, "pic.jpg"), os.path.join(media, "New", "Sub", "b.jpg"))
            # And a folder filled elsewhere, then moved in whole.
            outside = os.path.join(workdir, "outside", "Album")
            copy_in(os.path.join(src, "tone.mp3"), os.path.join(outside, "track.mp3"))
            os.rename(outside, os.path.join(media, "Album"))
            for rel in ("New/Sub/a.mp3", "New/Sub/b.jpg", "Album/track.mp3"):
                found, _took = live.wait_for(rel)
                expect(found, f"{rel} not listed within {VISIBLE_WITHIN} s")
            sub = live.find("New/Sub")
            expect(sub.child_count == 2, f"New/Sub childCount {sub.child_count}")
            expect(live.media_container().child_count == 3,
                   f"media folder childCount {live.media_container().child_count}, expected 3")
        runner.run("new_subfolder_appears", new_subfolder_appears)

        def renamed_file_keeps_working():
            old = live.find("Drop/first.mp3")
            os.rename(os.path.join(media, "Drop", "first.mp3"), os.path.join(media, "Drop", "renamed.mp3"))
            found, _took = live.wait_for("Drop/renamed.mp3")
            expect(found, "renamed.mp3 not listed")
            expect(live.find("Drop/first.mp3") is None, "first.mp3 still listed")
            expect(found.id == old.id, f"the renamed file got a new id ({old.id} → {found.id})")
            resp = h.curl(found.resources[0].uri, method="HEAD")
            expect(resp.status == 200 and int(resp.header("content-length") or -1) == found.resources[0].size,
                   f"HEAD of the renamed file: {resp.status} {resp.header('content-length')}")
        runner.run("renamed_file_keeps_working", renamed_file_keeps_working)

        def burst_is_moderated():
            burst = Sink()
            with burst:
                live.subscribe(burst)
                start_events = len(burst.values())
                for i in range(50):
                    copy_in(os.path.join(src, "tone.mp3"), os.path.join(media, "Burst", f"copy{i:02d}.mp3"))
                expect(servers.wait_until(lambda: (live.find("Burst") or u.DidlObject("", "", True, "", ""))
                                          .child_count == 50, 15), "not all 50 copies listed within 15 s")
                time.sleep(MODERATION + 1.5)  # let the last coalesced event go
                final = live.system_update_id()
                events = burst.values()[start_events - 1:]  # from the initial event on
                times = [at for at, _v in events]
                gaps = [b - a for a, b in zip(times, times[1:])]
                print(f"  {len(events)} NOTIFYs for 50 copies; smallest gap "
                      f"{min(gaps) if gaps else float('nan'):.2f} s")
                expect(len(events) >= 2, "no change event after the burst")
                expect(all(g >= MODERATION for g in gaps), f"two NOTIFYs within {MODERATION} s: gaps {gaps}")
                expect(len(events) < 12, f"{len(events)} NOTIFYs: changes were not coalesced")
                expect(int(events[-1][1].get("SystemUpdateID", -1)) == final,
                       f"last event's SystemUpdateID {events[-1][1].get('SystemUpdateID')}, now {final}")
        runner.run("burst_is_moderated", burst_is_moderated)

        def media_folder_away_and_back():
            before = {o.title: o.id for o in live.children(live.media_container().id)}
            away = media + ".away"
            watch = Sink()
            watch.__enter__()
            live.subscribe(watch)
            os.rename(media, away)  # what an unmounted disk looks like from here
            try:
                gone = servers.wait_until(lambda: live.media_container() is None, 2 + 8)
                expect(gone, "the media folder's entries are still listed 10 s after it went away")
                expect(live.client.browse("folders").total_matches == 0, "Folders still counts the folder")
                # The shared folders' parent is "folders" (the root "0" lists the views): a subscriber is told
                # that container changed, by the id it browses.
                event = wait_event(watch, lambda v: "folders" in container_ids(v.get("ContainerUpdateIDs")), 5)
                expect(event, "no ContainerUpdateIDs named 'folders' when a media folder went away: "
                       f"{[v.get('ContainerUpdateIDs') for _at, v in watch.values()]}")
                # The views follow within the same or the next pass (a sanitized build is slower).
                root_empty = servers.wait_until(lambda: live.client.browse("0").total_matches == 0, 5)
                expect(root_empty, "the root still shows views of the folder's entries 5 s later: "
                       f"{[o.id for o in live.client.browse('0').objects]}")
            finally:
                os.rename(away, media)
                watch.__exit__(None, None, None)
            back = servers.wait_until(lambda: live.media_container(), 2 + 8)
            expect(back, "the media folder did not come back within 10 s")
            after = {o.title: o.id for o in live.children(back.id)}
            expect(after == before, f"entries changed across the absence: {before} → {after}")
        runner.run("media_folder_away_and_back", media_folder_away_and_back)

        def sigterm_stops_promptly():
            code, took = live.server.terminate(timeout=10)
            expect(code == 0, f"exit status {code} after SIGTERM")
            expect(took < 5, f"took {took:.1f} s to stop")
        runner.run("sigterm_stops_promptly", sigterm_stops_promptly)
    finally:
        sink.__exit__(None, None, None)


def run_fallback(args, runner, src, workdir):
    media = os.path.join(workdir, "media-fallback")
    os.makedirs(os.path.join(media, "Drop"))
    live = Live(args.hearth, workdir, media, "fallback", ["--rescan-interval", "2"],
                env={"HEARTH_WATCH_LIMIT": "0"})

    def periodic_rescan_finds_new_file():
        live.start()
        copy_in(os.path.join(src, "tone.mp3"), os.path.join(media, "Drop", "late.mp3"))
        found, took = live.wait_for("Drop/late.mp3", timeout=10)
        expect(found, "late.mp3 not found by the periodic rescan within 10 s")
        print(f"  late.mp3 listed after {took:.2f} s")
        with open(live.log, encoding="utf-8", errors="replace") as fh:
            log = fh.read()
        expect("fs.inotify.max_user_watches=" in log and log.count("could be watched") == 1,
               "the watch limit was not logged once with the sysctl fix")
        code, _took = live.server.terminate(timeout=10)
        expect(code == 0, f"exit status {code}")
    runner.run("periodic_rescan_finds_new_file", periodic_rescan_finds_new_file)


def all_checks(args, runner, workdir):
    src = os.path.join(workdir, "src")
    make_sources(src)
    run_checks(args, runner, src, workdir)
    run_fallback(args, runner, src, workdir)


if __name__ == "__main__":
    sys.exit(suite.run(all_checks))
