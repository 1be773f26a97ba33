#!/usr/bin/env python3
"""retag.py SEED.mp3 SEED.flac OUTDIR N

Writes N music files under OUTDIR/Artist NN/Album NN/, every fifth one FLAC, the rest MP3, each with
its own title/artist/album/track/genre/year tags. No re-encoding: the audio bytes of the seed are
reused and only the tag is rebuilt (ID3v2.3 for MP3, a VORBIS_COMMENT block for FLAC).
"""
import os
import struct
import sys

TRACKS_PER_ALBUM = 12
ALBUMS_PER_ARTIST = 4
GENRES = ["Rock", "Jazz", "Classical", "Electronic", "Folk", "Hip-Hop", "Pop", "Blues"]


def mp3_audio(data: bytes) -> bytes:
    """The seed MP3 without its leading ID3v2 tag."""
    if data[:3] == b"ID3":
        sz = data[6:10]
        size = (sz[0] << 21) | (sz[1] << 14) | (sz[2] << 7) | sz[3]
        footer = 10 if data[5] & 0x10 else 0
        return data[10 + size + footer:]
    return data


def id3v23(tags: dict) -> bytes:
    frames = b""
    for fid, text in tags.items():
        payload = b"\x00" + text.encode("latin-1")  # encoding 0 = ISO-8859-1
        frames += fid.encode() + struct.pack(">I", len(payload)) + b"\x00\x00" + payload
    frames += b"\x00" * 256  # a little padding, as taggers leave
    n = len(frames)
    syncsafe = bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])
    return b"ID3\x03\x00\x00" + syncsafe + frames


def flac_parts(data: bytes):
    """(STREAMINFO/SEEKTABLE blocks without their headers' last flag, audio frames)."""
    assert data[:4] == b"fLaC", "not a FLAC file"
    pos, keep = 4, []
    while True:
        hdr = data[pos]
        btype, last = hdr & 0x7F, hdr & 0x80
        length = int.from_bytes(data[pos + 1:pos + 4], "big")
        body = data[pos + 4:pos + 4 + length]
        if btype in (0, 3):  # STREAMINFO, SEEKTABLE
            keep.append((btype, body))
        pos += 4 + length
        if last:
            return keep, data[pos:]


def flac_file(keep, audio: bytes, tags: dict) -> bytes:
    vendor = b"hearth-bench"
    comments = [f"{k}={v}".encode("utf-8") for k, v in tags.items()]
    vc = struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", len(comments))
    for c in comments:
        vc += struct.pack("<I", len(c)) + c
    blocks = keep + [(4, vc)]
    out = b"fLaC"
    for i, (btype, body) in enumerate(blocks):
        last = 0x80 if i == len(blocks) - 1 else 0
        out += bytes([btype | last]) + len(body).to_bytes(3, "big") + body
    return out + audio


def main():
    seed_mp3, seed_flac, outdir, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    mp3 = mp3_audio(open(seed_mp3, "rb").read())
    flac_keep, flac_audio = flac_parts(open(seed_flac, "rb").read())
    for i in range(n):
        album_no = i // TRACKS_PER_ALBUM
        artist_no = album_no // ALBUMS_PER_ARTIST + 1
        track = i % TRACKS_PER_ALBUM + 1
        artist = f"Artist {artist_no:02d}"
        album = f"Album {album_no + 1:03d}"
        title = f"Song {i + 1:05d}"
        genre = GENRES[artist_no % len(GENRES)]
        year = str(1970 + album_no % 50)
        d = os.path.join(outdir, artist, album)
        os.makedirs(d, exist_ok=True)
        if i % 5 == 4:
            tags = {"TITLE": title, "ARTIST": artist, "ALBUM": album, "TRACKNUMBER": str(track),
                    "GENRE": genre, "DATE": year}
            blob, ext = flac_file(flac_keep, flac_audio, tags), "flac"
        else:
            tags = {"TIT2": title, "TPE1": artist, "TALB": album, "TRCK": str(track),
                    "TCON": genre, "TYER": year}
            blob, ext = id3v23(tags) + mp3, "mp3"
        with open(os.path.join(d, f"{track:02d} {title}.{ext}"), "wb") as f:
            f.write(blob)


if __name__ == "__main__":
    main()
