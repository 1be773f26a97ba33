#!/bin/sh
# Live update delay (issue 5): how long from a file copied into a watched folder until Browse lists it.
# Copies N files one after another (each after the previous one is listed), polls Browse every 20 ms, and
# prints the median and the maximum. The delay is mostly the settle time (a folder must be quiet for 1 s so
# that a copy in progress is not probed half-done) plus the scan of that one folder.
# Runs Hearth in a private network namespace (unshare -rn) on loopback only.
# Usage: bench/live_delay.sh [--hearth build/hearth] [--files 20]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
hearth="$root/build/hearth"
files=20
while [ $# -gt 0 ]; do
    case "$1" in
    --hearth) hearth=$2; shift 2 ;;
    --files) files=$2; shift 2 ;;
    *) echo "usage: $0 [--hearth PATH] [--files N]" >&2; exit 2 ;;
    esac
done
out="$root/bench/out/live-delay"
rm -rf "$out"
mkdir -p "$out/media/Drop" "$out/src"
# Media folders of some size around the drop folder, so that a whole-library rescan would show.
for d in $(seq 1 200); do mkdir -p "$out/media/Other/Folder $d"; done
ffmpeg -loglevel error -f lavfi -i sine=duration=3 -c:a libmp3lame "$out/src/tone.mp3"
for d in $(seq 1 200); do cp "$out/src/tone.mp3" "$out/media/Other/Folder $d/t.mp3"; done
exec unshare -rn sh -c '
ip link set lo up
"$0" --media "$1/media" --db "$1/index.db" --interface lo --port 8398 --log-level warning 2>"$1/hearth.log" &
pid=$!
trap "kill $pid 2>/dev/null" EXIT
python3 - "$1" "$2" <<PY
import os, shutil, statistics, sys, time, urllib.request
import xml.etree.ElementTree as ET
out, n = sys.argv[1], int(sys.argv[2])
URL = "http://127.0.0.1:8398/control/ContentDirectory"
NS = {"d": "urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/", "dc": "http://purl.org/dc/elements/1.1/"}

def browse(object_id):
    body = ("<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
            "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body>"
            "<u:Browse xmlns:u=\"urn:schemas-upnp-org:service:ContentDirectory:1\">"
            f"<ObjectID>{object_id}</ObjectID><BrowseFlag>BrowseDirectChildren</BrowseFlag><Filter>*</Filter>"
            "<StartingIndex>0</StartingIndex><RequestedCount>0</RequestedCount><SortCriteria></SortCriteria>"
            "</u:Browse></s:Body></s:Envelope>").encode()
    req = urllib.request.Request(URL, body, {"Content-Type": "text/xml; charset=\"utf-8\"",
        "SOAPACTION": "\"urn:schemas-upnp-org:service:ContentDirectory:1#Browse\""})
    with urllib.request.urlopen(req, timeout=5) as r:
        result = ET.fromstring(r.read()).find(".//Result").text or ""
    if not result:
        return {}
    return {o.find("dc:title", NS).text: o.get("id") for o in ET.fromstring(result)}

def wait(pred, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            v = pred()
            if v:
                return v
        except OSError:
            pass
        time.sleep(0.02)
    return None

media = wait(lambda: browse("folders").get("media"), 30)
drop = wait(lambda: browse(media).get("Drop"), 30)
wait(lambda: len(browse(browse(media)["Other"])) == 200, 60)  # the first scan is done
delays = []
for i in range(n):
    name = f"copy{i:02d}"
    start = time.monotonic()
    shutil.copyfile(f"{out}/src/tone.mp3", f"{out}/media/Drop/{name}.mp3")
    if not wait(lambda: name in browse(drop), 15):
        sys.exit(f"{name}.mp3 not listed within 15 s")
    delays.append(time.monotonic() - start)
print(f"live delay over {n} copies: median {statistics.median(delays):.3f} s, "
      f"max {max(delays):.3f} s, min {min(delays):.3f} s")
PY
' "$hearth" "$out" "$files"
