"""Exif for test pictures: ffmpeg cannot write it, so the APP1 segment is built here and put into a JPEG."""

import struct


def _tiff(date, little):
    """TIFF with IFD0 → Exif IFD → DateTimeOriginal = date ("YYYY:MM:DD HH:MM:SS")."""
    e = "<" if little else ">"
    value = date.encode("ascii") + b"\0"
    exif_ifd = 8 + 2 + 12 + 4
    string_at = exif_ifd + 2 + 12 + 4
    out = (b"II" if little else b"MM") + struct.pack(e + "HI", 42, 8)
    out += struct.pack(e + "H", 1) + struct.pack(e + "HHII", 0x8769, 4, 1, exif_ifd) + struct.pack(e + "I", 0)
    out += struct.pack(e + "H", 1) + struct.pack(e + "HHII", 0x9003, 2, len(value), string_at)
    out += struct.pack(e + "I", 0) + value
    return out


def with_date_taken(jpeg, date, little=True):
    """The JPEG bytes with an Exif APP1 segment carrying DateTimeOriginal, right after SOI."""
    if jpeg[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    body = b"Exif\0\0" + _tiff(date, little)
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body + jpeg[2:]
