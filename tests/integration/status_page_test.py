#!/usr/bin/python3
"""The status page in headless Chromium: it renders real data from a running Hearth, and approving or
blocking a device on the page takes effect. Also checks that device changes need the page's token, a
same-origin request, and a client that may manage devices.

Run inside the test namespace (netns.sh):
    netns.sh /usr/bin/python3 status_page_test.py --hearth build/hearth --workdir /tmp/status-page
The screenshot is left at WORKDIR/status.png. Last line: 'N passed, M failed'.
"""

import os
import socket
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from e2elib import servers, suite  # noqa: E402
from e2elib.checks import expect  # noqa: E402

TV_ADDRESS = "127.0.0.2"
TV_AGENT = "SEC_HHP_[TV] UE55TU7100/1.0 DLNADOC/1.50"
TV_INFO = 'av=5.0; cn="Samsung Electronics"; mn="UE55TU7100"; mv="1.0"'
TV_NAME = "UE55TU7100"


def make_corpus(media):
    os.makedirs(os.path.join(media, "Music"), exist_ok=True)
    # Big enough that the server is still sending while the page looks (the socket buffers hold a few MB).
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=330:duration=240",
                    "-ar", "48000", "-ac", "2", os.path.join(media, "Music", "Long Evening Raga.wav")], check=True)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
                    "-c:a", "libmp3lame", os.path.join(media, "Music", "short.mp3")], check=True)
    # The album's cover beside the tracks: the status page shows it next to what is playing.
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=orange:s=300x300",
                    "-frames:v", "1", os.path.join(media, "Music", "cover.jpg")], check=True)


def object_id(db, title_part):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        row = con.execute("SELECT id FROM objects WHERE title LIKE ?", (f"%{title_part}%",)).fetchone()
    return row[0]


def curl(url, source=None, method="GET", headers=None):
    """Status code as text ('000' when the connection closed without an answer)."""
    argv = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "-X", method]
    if source:
        argv += ["--interface", source]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    return subprocess.run(argv + [url], capture_output=True, text=True, check=False).stdout.strip()


def hold_stream(host, port, path):
    """Starts a GET and reads only the headers, so that the server keeps streaming; returns the socket."""
    sock = socket.create_connection((host, port), timeout=5)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: Kodi/20.2\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    expect(head.startswith(b"HTTP/1.1 200"), f"stream did not start: {head[:40]!r}")
    return sock


def devices_list(binary, db):
    out = subprocess.run([binary, "devices", "list", "--db", db, "--media", os.path.dirname(db)],
                         capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()[1:]]


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1100,950"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait_for(predicate, timeout=10, what="condition"):
    ok = servers.wait_until(predicate, timeout)
    expect(ok, f"timed out waiting for {what}")


def run_checks(args, runner, workdir):
    media = os.path.join(workdir, "media")
    db = os.path.join(workdir, "state", "hearth.db")
    make_corpus(media)
    code, output = servers.hearth_scan_only(args.hearth, media, db, "Status Page Test")
    if code != 0:
        runner.fail("scan", output)
        return
    port = servers.free_port()
    argv = servers.hearth_argv(args.hearth, media, db, "lo", port, "Lounge Hearth") + ["--devices", "approved"]
    server = servers.ServerProcess(argv, os.path.join(workdir, "hearth.log"), "127.0.0.1", port,
                                   "/description.xml")
    server.start()
    base = f"http://127.0.0.1:{port}"
    driver = None
    held = None
    try:
        runner.run("server_ready", lambda: expect(server.wait_ready(), "server did not answer"))
        # A TV visits and waits for approval; a player on this host streams the long track.
        curl(f"{base}/description.xml", TV_ADDRESS, headers={"User-Agent": TV_AGENT, "X-AV-Client-Info": TV_INFO})
        wav = object_id(db, "Long Evening")
        mp3 = object_id(db, "short")
        runner.run("tv_is_pending", lambda: expect(curl(f"{base}/media/{mp3}.mp3", TV_ADDRESS) == "403",
                                                   "a pending TV could stream"))
        held = hold_stream("127.0.0.1", port, f"/media/{wav}.wav")
        driver = browser()

        def page_shows_real_data():
            driver.get(base + "/")
            wait_for(lambda: TV_NAME in driver.find_element("id", "devices").text, what="the TV in the device list")
            wait_for(lambda: "Long Evening Raga" in driver.find_element("id", "streams").text, what="the stream")
            # The server's start pass may still be running on a loaded machine: the cards follow it.
            wait_for(lambda: "Up to date" in driver.find_element("id", "scan-text").text, what="the scan card")
            library = driver.find_element("id", "library").text
            expect("Music" in library and "2" in library, f"library card: {library!r}")
            wait_for(lambda: "waiting for approval" in driver.find_element("id", "refusals").text,
                     what="the refusal")
            expect(driver.find_element("id", "error").text == "", driver.find_element("id", "error").text)
            # The 300x300 cover.jpg arrives as its JPEG_TN thumbnail (/art/<id>: at most 160x160).
            wait_for(lambda: driver.execute_script(
                "const i = document.querySelector('#streams img.art'); return i && i.complete && i.naturalWidth;")
                == 160, what="the cover of what is playing")
            driver.save_screenshot(os.path.join(workdir, "status.png"))
        runner.run("page_shows_real_data", page_shows_real_data)

        def approve_on_page():
            driver.find_element("css selector", "button.approve[data-id='1']").click()
            wait_for(lambda: "approved" in driver.find_element("id", "devices").text, what="approved on the page")
            expect(devices_list(args.hearth, db)[0][1] == "approved", "database does not say approved")
            wait_for(lambda: curl(f"{base}/media/{mp3}.mp3", TV_ADDRESS) == "200", what="the TV to be let in")
        runner.run("approve_on_page_takes_effect", approve_on_page)

        def forged_changes_refused():
            token = driver.find_element("css selector", 'meta[name="hearth-token"]').get_attribute("content")
            url = f"{base}/devices/1/block"
            expect(curl(url, method="POST") == "403", "no token accepted")
            expect(curl(url, method="POST", headers={"X-Hearth-Token": "0" * len(token)}) == "403", "bad token")
            expect(curl(url, method="POST", headers={"X-Hearth-Token": token, "Origin": "http://evil.example"})
                   == "403", "cross-site request accepted")
            # A device that is itself waiting for approval may not manage others, token or not.
            expect(curl(url, "127.0.0.3", "POST", {"X-Hearth-Token": token, "Host": f"127.0.0.1:{port}"})
                   == "403", "a pending device changed another")
            expect(devices_list(args.hearth, db)[0][1] == "approved", "a forged request changed the device")
        runner.run("forged_changes_refused", forged_changes_refused)

        def block_on_page():
            driver.get(base + "/")
            wait_for(lambda: driver.find_elements("css selector", "button.block[data-id='1']"), what="block button")
            driver.find_element("css selector", "button.block[data-id='1']").click()
            wait_for(lambda: "blocked" in driver.find_element("id", "devices").text, what="blocked on the page")
            wait_for(lambda: curl(f"{base}/description.xml", TV_ADDRESS) == "000", what="the TV to be refused")
        runner.run("block_on_page_takes_effect", block_on_page)
    finally:
        if held:
            held.close()
        if driver:
            driver.quit()
        server.terminate()


if __name__ == "__main__":
    sys.exit(suite.run(run_checks))
