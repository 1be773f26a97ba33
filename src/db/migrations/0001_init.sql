-- The index: one row per shared folder and media file. Ids are stable across rescans and restarts
-- (rows are updated in place, keyed by path), and AUTOINCREMENT never hands a removed file's id to another.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE objects (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id       INTEGER NOT NULL,  -- 0 is the root container
    is_container    INTEGER NOT NULL,
    path            TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL,
    upnp_class      TEXT NOT NULL,
    child_count     INTEGER NOT NULL DEFAULT 0,
    size            INTEGER,
    mtime           INTEGER,
    mime            TEXT,
    dlna_profile    TEXT,
    container       TEXT,
    duration_ms     INTEGER,
    bitrate         INTEGER,           -- bits per second
    video_codec     TEXT,
    width           INTEGER,
    height          INTEGER,
    frame_rate      REAL,
    audio_codec     TEXT,
    channels        INTEGER,
    sample_rate     INTEGER,
    bits_per_sample INTEGER,
    artist          TEXT,
    album           TEXT,
    album_artist    TEXT,
    genre           TEXT,
    track           INTEGER,
    disc            INTEGER,
    date            TEXT,
    seen            INTEGER NOT NULL DEFAULT 0  -- the scan generation that last found it
);

-- Browse: children of one container, folders first, by title.
CREATE INDEX objects_by_parent ON objects (parent_id, is_container DESC, title COLLATE NOCASE, id);

-- Files that could not be indexed, so that each is logged once and not probed again until it changes.
CREATE TABLE skipped (
    path   TEXT PRIMARY KEY,
    size   INTEGER NOT NULL,
    mtime  INTEGER NOT NULL,
    reason TEXT NOT NULL,
    seen   INTEGER NOT NULL
) WITHOUT ROWID;
