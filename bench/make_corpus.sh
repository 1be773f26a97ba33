#!/usr/bin/env bash
# make_corpus.sh OUTDIR [N] [--big-mib M]
#
# Builds a benchmark media library of about N files (default 2000) under OUTDIR:
#
#   OUTDIR/Music/Artist NN/Album NN/NN Title.mp3|.flac   (distinct ID3v2 / Vorbis tags per file)
#   OUTDIR/Video/Show NN/Season NN/Show NN S..E...mp4|.mkv
#   OUTDIR/Video/Movies/Movie NNNN.mp4|.mkv
#   OUTDIR/Photos/IMG_NNNNN.jpg                          (one flat folder, hundreds of files)
#   OUTDIR/Stream/big.mp4                                 (only with --big-mib M > 0: an M MiB H.264/AAC MP4,
#                                                        a format every server sends as it is; dms ignores .ts))
#
# A handful of real short encodes are made once with the ffmpeg CLI (cached in OUTDIR/.src), then
# replicated under distinct names; MP3 and FLAC copies get distinct title/artist/album/track tags
# written by lib/retag.py (pure byte surgery, no re-encode), so the whole thing takes seconds.
# Files in Stream/ are not counted in N.
#
# make_corpus.sh OUTDIR --scaling N: the Browse scaling corpus instead, OUTDIR/Small/ with 50 and
# OUTDIR/Big/ with N photos: hard links to one small JPEG (each a file of its own to the servers; the
# point is the size of the folder, not the content), so 100,000 of them take seconds and no space.
set -euo pipefail

usage() { echo "usage: $0 OUTDIR [N] [--big-mib M] | $0 OUTDIR --scaling N" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
OUT=$1; shift
N=2000
BIG_MIB=0
SCALING=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --big-mib) BIG_MIB=$2; shift 2 ;;
    --scaling) SCALING=$2; shift 2 ;;
    [0-9]*) N=$1; shift ;;
    *) usage ;;
  esac
done
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$OUT/.src
mkdir -p "$SRC"

ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }

if (( SCALING > 0 )); then
  if [[ $(cat "$OUT/done" 2>/dev/null) != "scaling $SCALING" ]]; then
    echo "make_corpus: scaling corpus, 50 + $SCALING photos (hard links) into $OUT" >&2
    rm -rf "$OUT/Small" "$OUT/Big"
    ff -f lavfi -i testsrc=size=320x240:rate=1:duration=1 -frames:v 1 -q:v 6 "$SRC/small.jpg"
    python3 - "$SRC/small.jpg" "$OUT" "$SCALING" <<'PY'
import os, shutil, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
PER = 50000  # ext4 allows 65,000 links to one inode: a copy of the picture per 50,000
for name, count in (("Small", 50), ("Big", n)):
    os.makedirs(f"{out}/{name}")
    for i in range(count):
        k = i // PER
        if i % PER == 0 and k > 0:
            shutil.copyfile(src, f"{src}.{k}")
        os.link(f"{src}.{k}" if k else src, f"{out}/{name}/IMG_{i:06d}.jpg")
PY
    echo "scaling $SCALING" > "$OUT/done"
  fi
  exit 0
fi

# --- 1. The seed encodes (made once) -------------------------------------------------------------
SEED_VERSION=2  # bump when the seed recipes below change
if [[ $(cat "$SRC/done" 2>/dev/null) != "$SEED_VERSION" ]]; then
  echo "make_corpus: encoding seed files" >&2
  # 3 s 320x240 H.264 + AAC stereo (no title tag: servers title videos by file name)
  ff -f lavfi -i testsrc2=size=320x240:rate=25:duration=3 -f lavfi -i sine=frequency=440:duration=3 \
     -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac -b:a 96k -ac 2 -movflags +faststart \
     "$SRC/video.mp4"
  ff -i "$SRC/video.mp4" -c copy "$SRC/video.mkv"
  # 5 s MP3 (44.1 kHz stereo, 128k) with ID3v2.3 tags; retag.py rewrites the tag per copy
  ff -f lavfi -i sine=frequency=523:duration=5:sample_rate=44100 -ac 2 -c:a libmp3lame -b:a 128k \
     -id3v2_version 3 -metadata title="Seed" -metadata artist="Seed Artist" -metadata album="Seed Album" \
     -metadata track=1 -metadata genre=Rock -metadata date=2001 "$SRC/audio.mp3"
  # 5 s FLAC with Vorbis comments
  ff -f lavfi -i sine=frequency=659:duration=5:sample_rate=44100 -ac 2 -c:a flac \
     -metadata title="Seed" -metadata artist="Seed Artist" -metadata album="Seed Album" "$SRC/audio.flac"
  # 1280x960 JPEG photos (two different pictures)
  ff -f lavfi -i testsrc=size=1280x960:rate=1:duration=1 -frames:v 1 -q:v 4 "$SRC/photo1.jpg"
  ff -f lavfi -i mandelbrot=size=1280x960:rate=1 -frames:v 1 -q:v 4 "$SRC/photo2.jpg"
  # 10 s 1280x720 ~4 Mbit/s MPEG-TS segment: concatenated copies make the big streaming file
  ff -f lavfi -i testsrc2=size=1280x720:rate=25:duration=10 -f lavfi -i sine=frequency=330:duration=10 \
     -c:v libx264 -preset ultrafast -b:v 4M -pix_fmt yuv420p -c:a aac -b:a 128k -f mpegts "$SRC/segment.ts"
  echo "$SEED_VERSION" > "$SRC/done"
fi

# --- 2. Replicate ----------------------------------------------------------------------------------
# Split: 50 % music (4/5 MP3, 1/5 FLAC), 15 % video, the rest photos.
N_MUSIC=$(( N * 50 / 100 ))
N_VIDEO=$(( N * 15 / 100 ))
N_PHOTO=$(( N - N_MUSIC - N_VIDEO ))
echo "make_corpus: $N files into $OUT ($N_MUSIC music, $N_VIDEO video, $N_PHOTO photos)" >&2
rm -rf "$OUT/Music" "$OUT/Video" "$OUT/Photos"

# Music: 12 tracks per album, 4 albums per artist; tags written by retag.py in one python process.
python3 "$HERE/lib/retag.py" "$SRC/audio.mp3" "$SRC/audio.flac" "$OUT/Music" "$N_MUSIC"

# Video: first half TV episodes (Show/Season/Episode, 10 per season, 3 seasons per show), then movies.
mkdir -p "$OUT/Video/Movies"
n_tv=$(( N_VIDEO / 2 ))
for (( i = 0; i < N_VIDEO; i++ )); do
  ext=mp4; (( i % 3 == 2 )) && ext=mkv
  if (( i < n_tv )); then
    show=$(( i / 30 + 1 )); season=$(( (i / 10) % 3 + 1 )); ep=$(( i % 10 + 1 ))
    d=$(printf '%s/Video/Show %02d/Season %02d' "$OUT" "$show" "$season")
    [[ -d $d ]] || mkdir -p "$d"
    cp "$SRC/video.$ext" "$(printf '%s/Show %02d S%02dE%02d.%s' "$d" "$show" "$season" "$ep" "$ext")"
  else
    cp "$SRC/video.$ext" "$(printf '%s/Video/Movies/Movie %04d.%s' "$OUT" "$i" "$ext")"
  fi
done

# Photos: one flat folder.
mkdir -p "$OUT/Photos"
for (( i = 0; i < N_PHOTO; i++ )); do
  cp "$SRC/photo$(( i % 2 + 1 )).jpg" "$(printf '%s/Photos/IMG_%05d.jpg' "$OUT" "$i")"
done

# --- 3. The big streaming file (optional) -------------------------------------------------------------
if (( BIG_MIB > 0 )); then
  mkdir -p "$OUT/Stream"
  want=$(( BIG_MIB * 1024 * 1024 ))
  have=$(stat -c %s "$OUT/Stream/big.mp4" 2>/dev/null || echo 0)
  if (( have < want * 95 / 100 )); then
    echo "make_corpus: building $BIG_MIB MiB Stream/big.mp4" >&2
    # loop the 10 s segment with continuous timestamps (a remux, no encode), stopping at M MiB
    rm -f "$OUT/Stream/big.ts" "$OUT/Stream/big.mkv"  # the earlier formats of this file
    ff -stream_loop -1 -i "$SRC/segment.ts" -c copy -fs "$want" -movflags +faststart -f mp4 "$OUT/Stream/big.mp4"
  fi
fi
find "$OUT" -path "$OUT/.src" -prune -o -type f -print | wc -l | sed 's/^/make_corpus: files (incl. Stream\/): /' >&2
