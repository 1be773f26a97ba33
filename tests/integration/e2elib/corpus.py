"""What make_corpus.sh builds, and what a server should make of it."""

import errno
import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAKE_CORPUS = os.path.join(HERE, "make_corpus.sh")

UNICODE_TITLE = "Café & Crème – 日本"


@dataclass
class MediaFile:
    """One file of the corpus that a server must list."""

    relpath: str
    kind: str  # "video" | "audio" | "image"
    mimes: tuple  # acceptable MIME types in protocolInfo
    upnp_class: str  # required prefix of upnp:class
    title: str = None  # expected dc:title when the file is tagged
    tags: dict = field(default_factory=dict)  # expected artist/album/genre/track/date
    dlna_pn: str = None  # expected DLNA.ORG_PN; "" means "must have none"
    # Hearth offers files a generic DLNA renderer cannot play converted (OP=10, CI=1, no size): the MIME then.
    converted_mime: str = None
    size: int = 0  # filled in from disk
    duration: float = None  # seconds, filled in from ffprobe (A/V only)

    @property
    def name(self):
        return os.path.basename(self.relpath)

    @property
    def stem(self):
        return os.path.splitext(self.name)[0]

    @property
    def folder_parts(self):
        return tuple(p for p in os.path.dirname(self.relpath).split("/") if p)


VIDEO = "object.item.videoItem"
MUSIC = "object.item.audioItem.musicTrack"
AUDIO = "object.item.audioItem"
PHOTO = "object.item.imageItem.photo"
IMAGE = "object.item.imageItem"

MUSIC_TAGS = {"artist": "Test Artist", "album": "Test Album", "genre": "Test Genre"}

MEDIA_FILES = (
    MediaFile("Videos/clip_h264_aac.mp4", "video", ("video/mp4",), VIDEO),
    MediaFile("Videos/Show/Season 1/ep01_hevc.mkv", "video",
              ("video/x-matroska", "video/x-mkv", "video/mkv"), VIDEO, dlna_pn="",
              converted_mime="video/mpeg"),
    MediaFile("Videos/Show/Season 1/ep02_mpeg2.ts", "video",
              ("video/mpeg", "video/mp2t", "video/vnd.dlna.mpeg-tts"), VIDEO),
    MediaFile("Videos/Show/Season 1/ep03_h264.ts", "video",
              ("video/mpeg", "video/mp2t", "video/vnd.dlna.mpeg-tts"), VIDEO),
    MediaFile("Music/Artist/Album/01 - Tagged Song.mp3", "audio", ("audio/mpeg",), MUSIC,
              title="Tagged Song", tags=dict(MUSIC_TAGS, track=1, date="2021"), dlna_pn="MP3"),
    MediaFile("Music/Artist/Album/02 - Flac Song.flac", "audio", ("audio/flac", "audio/x-flac"),
              MUSIC, title="Flac Song", tags=dict(MUSIC_TAGS, track=2), dlna_pn="",
              converted_mime="audio/mpeg"),
    MediaFile("Music/aac_song.m4a", "audio", ("audio/mp4", "audio/x-m4a", "audio/m4a"), AUDIO,
              title="AAC Song"),
    MediaFile("Music/tone.wav", "audio", ("audio/wav", "audio/x-wav", "audio/wave", "audio/L16"),
              AUDIO),
    MediaFile(f"Music/{UNICODE_TITLE}.mp3", "audio", ("audio/mpeg",), AUDIO,
              title=UNICODE_TITLE, dlna_pn="MP3"),
    MediaFile("Photos/photo_800x600.jpg", "image", ("image/jpeg",), PHOTO, dlna_pn="JPEG_MED"),
    MediaFile("Photos/image_320x240.png", "image", ("image/png",), IMAGE, dlna_pn="PNG_LRG"),
)

# Files a server must not list: (relpath, title it would most likely get).
REJECTED_FILES = (
    ("Videos/empty.mp4", "empty"),
    ("Videos/truncated.mkv", "truncated"),
    ("notes.txt", "notes"),
)


def build(outdir, log):
    """Run make_corpus.sh into outdir and return the MediaFile list, sizes and durations filled."""
    subprocess.run([MAKE_CORPUS, outdir], check=True, timeout=120, stdout=log, stderr=log)
    files = []
    for spec in MEDIA_FILES:
        path = os.path.join(outdir, spec.relpath)
        spec.size = os.path.getsize(path)
        if spec.kind in ("video", "audio"):
            spec.duration = ffprobe_duration(path)
        files.append(spec)
    return files


READ_ONLY_ENV = "HEARTH_TEST_READ_ONLY_MEDIA"


def seal_read_only(path):
    """Under `netns.sh --read-only-media`: make `path` a read-only bind mount of itself (private to the test's
    mount namespace), so that the server under test cannot write anything under its media folder: a write
    would fail with EROFS. Returns True when sealed, False when the variable is not set (nothing done)."""
    if os.environ.get(READ_ONLY_ENV) != "1":
        return False
    subprocess.run(["mount", "--bind", path, path], check=True, timeout=10)
    subprocess.run(["mount", "-o", "remount,bind,ro", path], check=True, timeout=10)
    try:
        with open(os.path.join(path, ".write-probe"), "w", encoding="utf-8"):
            pass
    except OSError as exc:
        if exc.errno == errno.EROFS:
            print(f"  {path} is a read-only mount now")
            return True
        raise
    raise RuntimeError(f"{path} is still writable after the read-only remount")


def ffprobe_duration(url_or_path, timeout=30):
    """Container duration in seconds as ffprobe reports it (raises on failure).

    A live stream (no Content-Length) cannot be probed for its end over HTTP: it is downloaded first."""
    if url_or_path.startswith("http") and "/play." in url_or_path:
        with tempfile.NamedTemporaryFile(suffix=".ts") as tmp:
            subprocess.run(["curl", "-sS", "--max-time", str(timeout), "-o", tmp.name, url_or_path],
                           check=True, timeout=timeout + 5)
            return ffprobe_duration(tmp.name, timeout)
    proc = subprocess.run(
        ["ffprobe", "-v", "error", "-rw_timeout", "10000000", "-show_entries", "format=duration",
         "-of", "json", url_or_path],
        capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"ffprobe {url_or_path} exited {proc.returncode}: {proc.stderr.strip()}")
    return float(json.loads(proc.stdout)["format"]["duration"])
