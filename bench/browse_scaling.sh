#!/bin/sh
# Browse latency in a 100,000-item folder against a 50-item folder, and in the 100,000-item "All tracks" view
# (built by the server's own scan from 100,000 tagged track rows), in one run (issue: no COUNT(*) or OFFSET
# scans per request). Builds a synthetic index (rows inserted with sqlite3: probing 100,000 real files would
# measure the scanner, not Browse), serves it in a private network namespace, and loads each folder with wrk
# (8 connections, random StartingIndex, RequestedCount 50); then Search over the whole library (audio items whose
# title contains a random 3-digit string, first 50 of ~300 matches).
# Usage: bench/browse_scaling.sh [--hearth build/hearth] [--duration 10] [--reps 3]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
hearth="$root/build/hearth"
duration=10
reps=3
while [ $# -gt 0 ]; do
    case "$1" in
    --hearth) hearth=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    *) echo "usage: $0 [--hearth PATH] [--duration S] [--reps K]" >&2; exit 2 ;;
    esac
done
out="$root/bench/out/browse-scaling"
rm -rf "$out"
mkdir -p "$out/media"
"$hearth" --scan-only --media "$out/media" --db "$out/index.db" >/dev/null
python3 - "$out" <<'PY'
import random, sqlite3, sys
out = sys.argv[1]
con = sqlite3.connect(f"{out}/index.db")
root = con.execute("SELECT id FROM objects WHERE parent_id = 0").fetchone()[0]
keep = 2**62  # a scan generation the server's own scan never reaches, so the synthetic rows stay
def folder(name, n):
    con.execute("INSERT INTO objects(parent_id, is_container, path, title, upnp_class, child_count, seen) "
                "VALUES(?, 1, ?, ?, 'object.container.storageFolder', ?, ?)", (root, f"{out}/media/{name}", name, n, keep))
    fid = con.execute("SELECT id FROM objects WHERE path = ?", (f"{out}/media/{name}",)).fetchone()[0]
    con.executemany(
        "INSERT INTO objects(parent_id, is_container, path, title, upnp_class, size, mime, dlna_profile, width, "
        "height, seen) VALUES(?, 0, ?, ?, 'object.item.imageItem.photo', 150000, 'image/jpeg', 'JPEG_SM', 640, 480, ?)",
        [(fid, f"{out}/media/{name}/{i:06d}.jpg", f"Photo {random.randrange(10**9):09d}", keep) for i in range(n)])
    return fid
small, big = folder("Small", 50), folder("Big", 100000)
con.execute("INSERT INTO objects(parent_id, is_container, path, title, upnp_class, child_count, seen) "
            "VALUES(?, 1, ?, 'Tracks', 'object.container.storageFolder', 100000, ?)", (root, f"{out}/media/Tracks", keep))
tracks = con.execute("SELECT id FROM objects WHERE path = ?", (f"{out}/media/Tracks",)).fetchone()[0]
con.executemany(
    "INSERT INTO objects(parent_id, is_container, path, title, upnp_class, size, mime, dlna_profile, artist, "
    "album, genre, track, seen) VALUES(?, 0, ?, ?, 'object.item.audioItem.musicTrack', 4000000, 'audio/mpeg', "
    "'MP3', ?, ?, ?, ?, ?)",
    [(tracks, f"{out}/media/Tracks/{i:06d}.mp3", f"Song {random.randrange(10**9):09d}", f"Artist {i % 2000}",
      f"Album {i % 8000}", f"Genre {i % 30}", i // 8000 + 1, keep) for i in range(100000)])
con.execute("UPDATE objects SET child_count = 3 WHERE id = ?", (root,))
con.execute("UPDATE objects SET position = NULL")  # placing them is the server's scan's job
con.execute("DELETE FROM settings WHERE key = 'views_version'")  # and so is building the views
con.commit()
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
open(f"{out}/ids", "w").write(f"{small} {big}\n")
PY
read -r small big <"$out/ids"
exec unshare -rn sh -c '
ip link set lo up
"$0" --media "$1/media" --db "$1/index.db" --interface lo --port 8399 --log-level warning 2>"$1/hearth.log" &
pid=$!
trap "kill $pid 2>/dev/null" EXIT
# The server'"'"'s first scan builds the views; wait (bounded) until "All tracks" answers.
for i in $(seq 120); do
    curl -s -o /dev/null -w "%{http_code}" -H "SOAPAction: \"urn:schemas-upnp-org:service:ContentDirectory:1#Browse\"" \
        -d "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><u:Browse xmlns:u=\"urn:schemas-upnp-org:service:ContentDirectory:1\"><ObjectID>music/tracks</ObjectID><BrowseFlag>BrowseMetadata</BrowseFlag><Filter>*</Filter><StartingIndex>0</StartingIndex><RequestedCount>1</RequestedCount><SortCriteria></SortCriteria></u:Browse></s:Body></s:Envelope>" \
        http://127.0.0.1:8399/control/ContentDirectory | grep -q 200 && break
    sleep 1
done
echo "views ready after about $i s" >&2
for rep in $(seq "$4"); do
    for folder in "small:$2:50" "big:$3:100000" "tracks:music/tracks:100000"; do
        name=${folder%%:*}; rest=${folder#*:}; id=${rest%%:*}; count=${rest#*:}
        wrk -t2 -c8 -d"$5"s --latency -s "$6/bench/lib/browse_random.lua" http://127.0.0.1:8399/control/ContentDirectory \
            -- "$id" "$count" | grep BENCH | sed "s/^/$name rep$rep /"
    done
    wrk -t2 -c8 -d"$5"s --latency -s "$6/bench/lib/search_random.lua" http://127.0.0.1:8399/control/ContentDirectory |
        grep BENCH | sed "s/^/search rep$rep /"
done | tee "$1/results.txt"
python3 - "$1/results.txt" <<PY
import re, statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def median(name, key):
    return statistics.median(int(float(re.search(key + "=([0-9.]+)", " ".join(r)).group(1))) for r in rows if r[0] == name)
s99, b99 = median("small", "p99_us"), median("big", "p99_us")
print("| Browse of 50 (search: Search over the library, first 50) | p50 (us) | p99 (us) | req/s |")
print("|---|---|---|---|")
for n in ("small", "big", "tracks", "search"):
    p50, p99, rps = median(n, "p50_us"), median(n, "p99_us"), median(n, "rps")
    print(f"| {n} | {p50} | {p99} | {rps} |")
print(f"p99 100,000-item / 50-item: {b99 / s99:.2f} (target <= 2)")
t99 = median("tracks", "p99_us")
print(f"p99 All tracks (100,000) / 50-item folder: {t99 / s99:.2f}")
PY
' "$hearth" "$out" "$small" "$big" "$reps" "$duration" "$root"
