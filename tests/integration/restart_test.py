#!/usr/bin/python3
"""Restart on a built index (issue 8): a restart reads only the folders whose entries changed while Hearth
was stopped, and a deferred full pass (--verify-delay) finds a file rewritten in place, which leaves its
folder unchanged. Checked through the real binary with a GUPnP control point: a file added while stopped
is listed right after the restart, a deleted one is gone, unchanged files keep their ids, and the rewritten
file shows its old size until the verification pass, then its new one, with the same id.

Run inside the test namespace:
    netns.sh /usr/bin/python3 restart_test.py --hearth build/hearth --workdir DIR
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from e2elib import servers, suite  # noqa: E402
from e2elib.checks import expect  # noqa: E402
from live_test import Live, copy_in, ffmpeg  # noqa: E402

VERIFY_DELAY = 12  # seconds from the start pass to the verification pass: short for the test, long enough
# for the checks before it under a sanitizer on 2 busy cores
STAMP_SETTLE = 2.5  # a folder changed less than 2 s before a pass gets no stamp (read again next time)


def tone(path, seconds):
    ffmpeg(path, "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-ar", "44100", "-ac", "1")


def size_of(obj):
    return obj.resources[0].size if obj and obj.resources else None


def log_text(live):
    with open(live.log, encoding="utf-8", errors="replace") as fh:
        return fh.read()


def run_checks(args, runner, workdir):
    media = os.path.join(workdir, "media")
    src = os.path.join(workdir, "src")
    for d in ("Album", "Other", "Kept/Sub", src):
        os.makedirs(os.path.join(media, d) if d != src else d)
    for name in ("a.wav", "b.wav"):
        tone(os.path.join(media, "Album", name), 1)
    tone(os.path.join(media, "Other", "c.wav"), 1)
    tone(os.path.join(media, "Other", "d.wav"), 1)
    tone(os.path.join(media, "Kept", "Sub", "e.wav"), 1)
    tone(os.path.join(src, "new.wav"), 1)
    tone(os.path.join(src, "longer.wav"), 3)
    time.sleep(STAMP_SETTLE)
    live = Live(args.hearth, workdir, media, "restart", ["--verify-delay", str(VERIFY_DELAY)])
    before = {}

    def first_start_indexes_everything():
        live.start()
        for rel in ("Album/a.wav", "Album/b.wav", "Other/c.wav", "Other/d.wav", "Kept/Sub/e.wav"):
            found, _took = live.wait_for(rel, timeout=10)
            expect(found, f"{rel} not indexed")
            before[rel] = found
        code, _took = live.server.terminate(timeout=10)
        expect(code == 0, f"exit status {code}")
    if not runner.run("first_start_indexes_everything", first_start_indexes_everything):
        return

    # While Hearth is stopped: one file added, one deleted, one rewritten in place (its folder's mtime and
    # ctime stay as they were: nothing about the folder's entries changed), and a folder three levels deep.
    copy_in(os.path.join(src, "new.wav"), os.path.join(media, "Album", "new.wav"))
    copy_in(os.path.join(src, "new.wav"), os.path.join(media, "Album", "Deep", "Er", "Est", "deep.wav"))
    os.remove(os.path.join(media, "Album", "b.wav"))
    other = os.path.join(media, "Other")
    folder_before = os.stat(other)
    with open(os.path.join(src, "longer.wav"), "rb") as fh:
        longer = fh.read()
    with open(os.path.join(other, "d.wav"), "r+b") as fh:
        fh.write(longer)
        fh.truncate()
    folder_after = os.stat(other)
    expect(folder_after.st_mtime_ns == folder_before.st_mtime_ns and
           folder_after.st_ctime_ns == folder_before.st_ctime_ns, "rewriting d.wav changed its folder")
    new_size = len(longer)
    expect(new_size != size_of(before["Other/d.wav"]), "the rewrite did not change d.wav's size")
    finished = log_text(live).count("scan finished")

    def restart_sees_added_and_deleted_files_at_once():
        live.server.start()
        expect(live.server.wait_ready(20), f"not ready after the restart: {live.server.log_tail()}")
        expect(servers.wait_until(lambda: log_text(live).count("scan finished") > finished, 20),
               "no scan finished after the restart")
        expect("unchanged (not read)" in log_text(live), "the restart read every folder")
        found = live.find("Album/new.wav")
        expect(found, "new.wav, added while stopped, not listed right after the restart")
        expect(live.find("Album/b.wav") is None, "b.wav, deleted while stopped, still listed")
        # d.wav was rewritten in place while stopped: its folder did not change, so the start pass does not
        # look at it, and the index still has the old size until the verification pass.
        expect(size_of(live.find("Other/d.wav")) == size_of(before["Other/d.wav"]),
               "d.wav was re-read at start: its folder did not change, so the start pass should not look")
    if not runner.run("restart_sees_added_and_deleted_files_at_once",
                      restart_sees_added_and_deleted_files_at_once):
        return

    def unchanged_files_keep_their_ids():
        for rel in ("Album/a.wav", "Other/c.wav", "Other/d.wav"):
            now = live.find(rel)
            expect(now and now.id == before[rel].id,
                   f"{rel}: id {before[rel].id} before, {now.id if now else None} after the restart")
    runner.run("unchanged_files_keep_their_ids", unchanged_files_keep_their_ids)

    # The watches after a restart come from the index (not from listing every folder) and from what the
    # start pass found new: a file dropped later into a folder of either kind is listed by a live update,
    # well before the deferred verification pass could find it.
    def restart_watches_indexed_and_new_folders():
        found, _took = live.wait_for("Album/Deep/Er/Est/deep.wav", timeout=5)
        expect(found, "deep.wav, in a folder made three levels deep while stopped, not listed after the restart")
        copy_in(os.path.join(src, "new.wav"), os.path.join(media, "Kept", "Sub", "late.wav"))
        copy_in(os.path.join(src, "new.wav"), os.path.join(media, "Album", "Deep", "Er", "Est", "later.wav"))
        for rel in ("Kept/Sub/late.wav", "Album/Deep/Er/Est/later.wav"):
            found, took = live.wait_for(rel, timeout=VERIFY_DELAY - 2)
            expect(found, f"{rel}, dropped after the restart, not listed within {VERIFY_DELAY - 2} s")
            print(f"  {rel} listed {took:.1f} s after it was dropped")
        expect("verifying every file" not in log_text(live),
               "the verification pass ran before the files were listed: it, not a watch, may have found them")
    runner.run("restart_watches_indexed_and_new_folders", restart_watches_indexed_and_new_folders)

    def rewritten_file_is_found_by_the_deferred_verification():
        start = time.monotonic()
        ok = servers.wait_until(lambda: size_of(live.find("Other/d.wav")) == new_size, VERIFY_DELAY + 20)
        expect(ok, f"d.wav still has size {size_of(live.find('Other/d.wav'))}, not {new_size}, "
                   f"after the verification delay")
        print(f"  d.wav re-read {time.monotonic() - start:.1f} s after the restart's scan")
        expect("verifying every file" in log_text(live), "no verification pass logged")
        now = live.find("Other/d.wav")
        expect(now.id == before["Other/d.wav"].id, f"d.wav's id changed: {before['Other/d.wav'].id} -> {now.id}")
    runner.run("rewritten_file_is_found_by_the_deferred_verification",
               rewritten_file_is_found_by_the_deferred_verification)

    code, _took = live.server.terminate(timeout=10)
    expect(code == 0, f"exit status {code}")


if __name__ == "__main__":
    sys.exit(suite.run(run_checks))
