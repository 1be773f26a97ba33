-- Subtitle files beside a video (same stem, optionally a language: Film.srt, Film.en.srt). Ids are stable
-- across rescans (keyed by path) because renderers keep the URLs they were given.
CREATE TABLE subtitles (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    object_id INTEGER NOT NULL,
    path      TEXT NOT NULL UNIQUE,
    format    TEXT NOT NULL,  -- srt, ass, ssa, sub, vtt
    language  TEXT,           -- from Film.<language>.srt
    seen      INTEGER NOT NULL
);
CREATE INDEX subtitles_by_object ON subtitles (object_id);
