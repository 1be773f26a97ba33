#!/usr/bin/env bash
# transcode.sh [--hearth PATH] [--reps K] [--seconds S]
#
# Hearth's on-the-fly conversions against the ffmpeg CLI doing the same work on the same file in the same
# run: a full 1080p HEVC → H.264 transcode, a remux to MPEG-TS, time to first byte, CPU per minute.
# Builds (or reuses) a corpus under bench/out/, then runs lib/transcode_bench.py inside a private network
# namespace (tests/integration/netns.sh). Prints the table and writes bench/out/transcode-<date>.md.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
OUT=$BENCH/out
HEARTH=""
REPS=3
SECONDS_OF_MEDIA=40
while [[ $# -gt 0 ]]; do
  case $1 in
    --hearth) HEARTH=$(realpath "$2"); shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --seconds) SECONDS_OF_MEDIA=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "transcode.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ -z $HEARTH && -x /work/main/build/hearth ]]; then HEARTH=/work/main/build/hearth; fi
[[ -x $HEARTH ]] || { echo "transcode.sh: no Hearth binary (--hearth PATH)" >&2; exit 1; }
for tool in ffmpeg ffprobe curl unshare ip python3 timeout; do
  command -v "$tool" >/dev/null || { echo "transcode.sh: $tool is missing" >&2; exit 1; }
done

# The server binary is copied, so that a rebuild during the run changes nothing.
mkdir -p "$OUT"
STAMP=$(date +%Y%m%d-%H%M%S)
WORK=$OUT/transcode-run-$STAMP
mkdir -p "$WORK"
cp "$HEARTH" "$WORK/hearth"

# The corpus (made once per length, then reused): 1080p25 with a little temporal noise so that the
# encoders have real work, keyframes every 2 s.
CORPUS=$OUT/transcode-corpus-$SECONDS_OF_MEDIA
if [[ ! -f $CORPUS/.done ]]; then
  echo "making the corpus in $CORPUS (about a minute)"
  rm -rf "$CORPUS"; mkdir -p "$CORPUS"
  SRC=(-f lavfi -i "testsrc2=size=1920x1080:rate=25:duration=$SECONDS_OF_MEDIA,noise=alls=6:allf=t")
  # HEVC + DTS 5.1: a Samsung TV plays neither → full transcode to H.264 + AC-3.
  ffmpeg -nostdin -loglevel error -y "${SRC[@]}" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$SECONDS_OF_MEDIA" \
    -filter_complex "[1:a]pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0[a]" -map 0:v -map "[a]" \
    -c:v libx265 -preset ultrafast -b:v 6M -x265-params keyint=50:log-level=error -pix_fmt yuv420p \
    -c:a dca -strict -2 "$CORPUS/hevc1080_dts51.mkv"
  # H.264 (~8 Mb/s) + AAC stereo in MKV: the Generic profile (no User-Agent) gets it remuxed to MPEG-TS.
  # A remux is fast: the clip is repeated 8 times (concat, no re-encoding) so that there is something to time.
  ffmpeg -nostdin -loglevel error -y "${SRC[@]}" \
    -f lavfi -i "sine=frequency=550:sample_rate=48000:duration=$SECONDS_OF_MEDIA" \
    -c:v libx264 -preset ultrafast -b:v 8M -maxrate 8M -bufsize 16M -g 50 -pix_fmt yuv420p \
    -c:a aac -b:a 192k -ac 2 "$CORPUS/clip.mkv"
  for _ in 1 2 3 4 5 6 7 8; do echo "file '$CORPUS/clip.mkv'"; done > "$CORPUS/concat.txt"
  ffmpeg -nostdin -loglevel error -y -f concat -safe 0 -i "$CORPUS/concat.txt" -c copy "$CORPUS/h264_1080_aac.mkv"
  rm "$CORPUS/clip.mkv" "$CORPUS/concat.txt"
  touch "$CORPUS/.done"
fi

LIMIT=$(( REPS * (SECONDS_OF_MEDIA * 8 + 60) + 300 ))
exec timeout --signal=TERM --kill-after=20 "$LIMIT" \
  "$BENCH/../tests/integration/netns.sh" python3 "$BENCH/lib/transcode_bench.py" \
  --hearth "$WORK/hearth" --corpus "$CORPUS" --work "$WORK" --reps "$REPS" \
  --results "$OUT/transcode-$STAMP.md"
