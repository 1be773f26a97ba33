#!/bin/sh
# Build a small media corpus for the Hearth integration tests.
#
# Usage: make_corpus.sh OUTDIR
#
# Everything is generated with the ffmpeg CLI from lavfi sources (testsrc,
# sine), so the corpus is tiny and takes a few seconds to build. OUTDIR is
# emptied first. The layout (paths relative to OUTDIR):
#
#   Videos/clip_h264_aac.mp4              H.264 + AAC in MP4, 2 s
#   Videos/Show/Season 1/ep01_hevc.mkv    HEVC + AAC in Matroska, 2 s (libx265)
#   Videos/Show/Season 1/ep02_mpeg2.ts    MPEG-2 + MP2 in MPEG-TS, 2 s
#   Videos/Show/Season 1/ep03_h264.ts     H.264 + AAC in MPEG-TS, 2 s
#   Videos/empty.mp4                      zero bytes            (must be skipped)
#   Videos/truncated.mkv                  first 2000 bytes of an MKV (must be skipped)
#   Music/Artist/Album/01 - Tagged Song.mp3  MP3 with ID3 tags, 2 s
#   Music/Artist/Album/02 - Flac Song.flac   FLAC with Vorbis comments, 2 s
#   Music/aac_song.m4a                    AAC in M4A, 2 s
#   Music/tone.wav                        PCM WAV, 1 s
#   Music/Café & Crème – 日本.mp3          Unicode and '&' in name and title
#   Photos/photo_800x600.jpg              JPEG 800x600
#   Photos/image_320x240.png              PNG 320x240
#   notes.txt                             not media (must be skipped)
#   Photos/loop -> ..                     directory symlink loop
#
# The tags used here are mirrored in e2e_test.py (CORPUS_* constants).
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
out=$1

ff() {
    ffmpeg -nostdin -hide_banner -loglevel error -y "$@"
}

has_encoder() {
    ffmpeg -hide_banner -encoders 2>/dev/null | grep -q " $1 "
}

# Video sources: 2 s of testsrc at 10 fps, 2 s of a 440 Hz sine.
video_src() {
    echo "-f lavfi -i testsrc=size=${1}:rate=10:duration=2"
}
audio_src() {
    echo "-f lavfi -i sine=frequency=440:sample_rate=44100:duration=${1}"
}

rm -rf "$out"
mkdir -p "$out/Videos/Show/Season 1" "$out/Music/Artist/Album" "$out/Photos"

# --- video -----------------------------------------------------------------
# shellcheck disable=SC2046  # word splitting of the source options is wanted
ff $(video_src 320x240) $(audio_src 2) -shortest \
    -c:v libx264 -preset ultrafast -pix_fmt yuv420p -profile:v main \
    -c:a aac -b:a 64k -movflags +faststart \
    -metadata title="H264 Clip" "$out/Videos/clip_h264_aac.mp4"

season="$out/Videos/Show/Season 1"
if has_encoder libx265; then
    # shellcheck disable=SC2046
    ff $(video_src 320x240) $(audio_src 2) -shortest \
        -c:v libx265 -preset ultrafast -x265-params log-level=error -pix_fmt yuv420p \
        -c:a aac -b:a 64k "$season/ep01_hevc.mkv"
else
    echo "make_corpus: ffmpeg lacks libx265, using H.264 in ep01_hevc.mkv" >&2
    # shellcheck disable=SC2046
    ff $(video_src 320x240) $(audio_src 2) -shortest \
        -c:v libx264 -preset ultrafast -pix_fmt yuv420p \
        -c:a aac -b:a 64k "$season/ep01_hevc.mkv"
fi

# shellcheck disable=SC2046
ff $(video_src 352x288) $(audio_src 2) -shortest \
    -c:v mpeg2video -r 25 -b:v 500k -c:a mp2 -b:a 128k \
    -f mpegts "$season/ep02_mpeg2.ts"

# shellcheck disable=SC2046
ff $(video_src 320x240) $(audio_src 2) -shortest \
    -c:v libx264 -preset ultrafast -pix_fmt yuv420p \
    -c:a aac -b:a 64k -f mpegts "$season/ep03_h264.ts"

: > "$out/Videos/empty.mp4"
head -c 2000 "$season/ep01_hevc.mkv" > "$out/Videos/truncated.mkv"

# --- audio -----------------------------------------------------------------
album="$out/Music/Artist/Album"
# shellcheck disable=SC2046
ff $(audio_src 2) -c:a libmp3lame -b:a 64k -id3v2_version 3 \
    -metadata title="Tagged Song" -metadata artist="Test Artist" \
    -metadata album="Test Album" -metadata genre="Test Genre" \
    -metadata track="1" -metadata date="2021" \
    "$album/01 - Tagged Song.mp3"

# shellcheck disable=SC2046
ff $(audio_src 2) -c:a flac \
    -metadata title="Flac Song" -metadata artist="Test Artist" \
    -metadata album="Test Album" -metadata genre="Test Genre" \
    -metadata track="2" -metadata date="2021" \
    "$album/02 - Flac Song.flac"

# shellcheck disable=SC2046
ff $(audio_src 2) -c:a aac -b:a 64k -metadata title="AAC Song" \
    -metadata artist="Test Artist" "$out/Music/aac_song.m4a"

# shellcheck disable=SC2046
ff $(audio_src 1) -c:a pcm_s16le "$out/Music/tone.wav"

# shellcheck disable=SC2046
ff $(audio_src 2) -c:a libmp3lame -b:a 64k -id3v2_version 3 \
    -metadata title="Café & Crème – 日本" -metadata artist="Test Artist" \
    "$out/Music/Café & Crème – 日本.mp3"

# --- images ----------------------------------------------------------------
ff -f lavfi -i testsrc=size=800x600:rate=1 -frames:v 1 -q:v 3 \
    "$out/Photos/photo_800x600.jpg"
ff -f lavfi -i testsrc=size=320x240:rate=1 -frames:v 1 \
    "$out/Photos/image_320x240.png"

# --- things a scanner must survive ----------------------------------------
printf 'These are notes, not media.\n' > "$out/notes.txt"
ln -s .. "$out/Photos/loop"

echo "make_corpus: built $(find "$out" -type f | wc -l) files in $out"
