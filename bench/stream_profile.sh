#!/bin/sh
# Where a stream's CPU goes (issue 8): Hearth serves one big file N times to curl on loopback; prints the
# server's user and system CPU ticks (from /proc) over those streams, then the system calls of one more
# stream (strace -c). perf cannot sample the kernel without privileges (perf_event_paranoid 2), and a stream
# is almost all kernel time, so the split and the call counts are the profile.
# Runs Hearth in a private network namespace (unshare -rn) on loopback only. The file's folder is only read.
# Usage: bench/stream_profile.sh [--hearth build/hearth] [--file bench/out/corpus-2000/Stream/big.mp4] [--times 10]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
hearth="$root/build/hearth"
file="$root/bench/out/corpus-2000/Stream/big.mp4"
times=10
while [ $# -gt 0 ]; do
    case "$1" in
    --hearth) hearth=$2; shift 2 ;;
    --file) file=$2; shift 2 ;;
    --times) times=$2; shift 2 ;;
    *) echo "usage: $0 [--hearth PATH] [--file PATH] [--times N]" >&2; exit 2 ;;
    esac
done
[ -f "$file" ] || { echo "no $file: make it with bench/make_corpus.sh, or pass --file" >&2; exit 2; }
command -v strace >/dev/null || { echo "strace is needed (scripts/deps --bench)" >&2; exit 2; }
out="$root/bench/out/stream-profile"
rm -rf "$out"
mkdir -p "$out"
exec unshare -rn sh -c '
ip link set lo up
hearth=$0 out=$1 file=$2 times=$3
"$hearth" --media "$(dirname "$file")" --db "$out/index.db" --interface lo --port 8397 --log-level info \
    >"$out/hearth.log" 2>&1 &
pid=$!
trap "kill $pid 2>/dev/null" EXIT
i=0
until grep -qs "scan finished" "$out/hearth.log"; do
    i=$((i + 1)); [ $i -lt 200 ] || { echo "no scan within 20 s" >&2; exit 1; }; sleep 0.1
done
id=$(python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT id FROM objects WHERE path = ?\", (sys.argv[2],)).fetchone()[0])" "$out/index.db" "$file")
ext=${file##*.}
size=$(stat -c %s "$file")
set -- $(cut -d" " -f14,15 /proc/$pid/stat); u0=$1; s0=$2
n=0
while [ $n -lt "$times" ]; do
    curl -s -o /dev/null -w "%{speed_download}\n" "http://127.0.0.1:8397/media/$id.$ext" >>"$out/speeds"; n=$((n + 1))
done
set -- $(cut -d" " -f14,15 /proc/$pid/stat)
echo "$times streams of $size bytes: server user $(( $1 - u0 )) ticks, system $(( $2 - s0 )) ticks (1 tick = 10 ms)"
awk "{ s += \$1 } END { printf \"mean %.0f MiB/s\\n\", s / NR / 1048576 }" "$out/speeds"
strace -c -f -p $pid -o "$out/strace.txt" 2>/dev/null & tracer=$!
sleep 0.5
curl -s -o /dev/null "http://127.0.0.1:8397/media/$id.$ext"
sleep 0.2
kill -INT $tracer; wait $tracer 2>/dev/null || true
echo "system calls of one more stream (all server threads):"
sed -n "1,10p" "$out/strace.txt"
' "$hearth" "$out" "$file" "$times"
