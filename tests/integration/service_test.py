#!/usr/bin/python3
"""Hearth as systemd runs it: sd_notify messages (READY, STATUS, WATCHDOG, RELOADING, STOPPING) on a
NOTIFY_SOCKET the test owns, SIGHUP reloading the config file without dropping a stream, a bad config
on reload keeping the running one, and SIGTERM ending with byebye-then-exit 0.

Run inside the test namespace: netns.sh /usr/bin/python3 service_test.py --hearth build/hearth --workdir DIR
"""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from e2elib import servers, suite  # noqa: E402
from e2elib.checks import expect  # noqa: E402


class NotifySocket:
    """Collects what the service sends to $NOTIFY_SOCKET."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.2)
        self.messages = []
        self.lock = threading.Lock()
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            try:
                data = self.sock.recv(4096).decode()
            except socket.timeout:
                continue
            with self.lock:
                self.messages.extend(line for line in data.split("\n") if line)

    def seen(self, prefix):
        with self.lock:
            return [m for m in self.messages if m.startswith(prefix)]

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()


def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read().decode()


def write_config(path, media, name, extra=""):
    with open(path, "w") as fh:
        fh.write("".join(f"media = {m}\n" for m in media) + f"name = {name}\n{extra}")


def run_checks(args, runner, workdir):
    first = os.path.join(workdir, "first")
    second = os.path.join(workdir, "second")
    os.makedirs(first)
    os.makedirs(second)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=120", "-ar", "48000",
                    "-ac", "2", os.path.join(first, "long.wav")], check=True)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "libmp3lame",
                    os.path.join(second, "added later.mp3")], check=True)
    conf = os.path.join(workdir, "hearth.conf")
    write_config(conf, [first], "Before Reload")
    port = servers.free_port()
    notify = NotifySocket(os.path.join(workdir, "notify.sock"))
    env = dict(os.environ, NOTIFY_SOCKET=notify.path, WATCHDOG_USEC="1000000")
    log = open(os.path.join(workdir, "hearth.log"), "w")
    db = os.path.join(workdir, "h.db")
    proc = subprocess.Popen([args.hearth, "--config", conf, "--db", db,
                             "--interface", "lo", "--port", str(port)], stdout=log, stderr=log, env=env)
    base = f"http://127.0.0.1:{port}"
    stream = None
    try:
        def ready_and_status():
            expect(servers.wait_until(lambda: notify.seen("READY=1"), 10), "no READY=1")
            expect(servers.wait_until(lambda: notify.seen("STATUS=Serving"), 10), f"no STATUS: {notify.messages}")
            expect("Before Reload" in get(base + "/description.xml"), "name not served")
        runner.run("ready_and_status", ready_and_status)

        runner.run("watchdog_pings", lambda: expect(
            servers.wait_until(lambda: len(notify.seen("WATCHDOG=1")) >= 2, 5), "fewer than 2 WATCHDOG=1 in 5 s"))

        def reload_keeps_streams_and_applies():
            nonlocal stream
            stream = socket.create_connection(("127.0.0.1", port), timeout=5)
            stream.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
                wav = con.execute("SELECT id FROM objects WHERE path LIKE '%long.wav'").fetchone()[0]
            stream.sendall(f"GET /media/{wav}.wav HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            head = b""
            while b"\r\n\r\n" not in head:
                head += stream.recv(1)
            expect(head.startswith(b"HTTP/1.1 200"), f"stream did not start: {head[:30]!r}")
            write_config(conf, [first, second], "After Reload", "max-streams = 2\n")
            proc.send_signal(signal.SIGHUP)
            expect(servers.wait_until(lambda: "After Reload" in get(base + "/description.xml"), 5), "name kept")
            expect(servers.wait_until(lambda: '"music":{"files":2' in get(base + "/status.json"), 10),
                   "the new folder was not scanned")
            expect(notify.seen("RELOADING=1"), "no RELOADING=1")
            stream.settimeout(5)
            expect(len(stream.recv(65536)) > 0, "the stream was dropped by the reload")
        runner.run("reload_keeps_streams_and_applies", reload_keeps_streams_and_applies)

        def bad_reload_keeps_running():
            with open(conf, "w") as fh:
                fh.write("this is not a config line\n")
            proc.send_signal(signal.SIGHUP)
            time.sleep(1)
            expect(proc.poll() is None, "the server exited on a bad config")
            expect("After Reload" in get(base + "/description.xml"), "the running configuration was lost")
        runner.run("bad_reload_keeps_running", bad_reload_keeps_running)

        def reload_refuses_a_media_folder_around_the_state():
            # The database and its thumbnails live in workdir: sharing workdir would have Hearth write there.
            write_config(conf, [first, workdir], "Around The State")
            proc.send_signal(signal.SIGHUP)
            time.sleep(1.5)
            expect(proc.poll() is None, "the server exited")
            expect("After Reload" in get(base + "/description.xml"), "the configuration was applied")
            with open(os.path.join(workdir, "hearth.log")) as fh:
                expect("holds Hearth's state folder" in fh.read(), "no log line saying why")
        runner.run("reload_refuses_a_media_folder_around_the_state", reload_refuses_a_media_folder_around_the_state)

        def sigterm_stops_cleanly():
            if stream:
                stream.close()
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=10)
            expect(code == 0, f"exit status {code}")
            expect(notify.seen("STOPPING=1"), "no STOPPING=1")
        runner.run("sigterm_stops_cleanly", sigterm_stops_cleanly)
    finally:
        if proc.poll() is None:
            proc.kill()
        notify.close()
        log.close()


if __name__ == "__main__":
    sys.exit(suite.run(run_checks))
