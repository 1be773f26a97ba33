-- Browse views (Video, Music, Pictures beside the folder tree), materialised by the scanner so that every
-- page is an index seek and every count a stored number.

-- When the scanner first indexed each item, for "Recently added" (a file's mtime says when it was made or
-- copied, not when it joined the library). Rows indexed before this migration get 0: their ids, handed out in
-- indexing order, still order them.
ALTER TABLE objects ADD COLUMN added_at INTEGER NOT NULL DEFAULT 0;

-- Pictures now carry the EXIF date they were taken in `date`: read every picture again.
UPDATE objects SET mtime = -1 WHERE is_container = 0 AND upnp_class LIKE 'object.item.imageItem%';

-- Artists, albums and genres, keyed by kind and normalised name. Rows are never deleted and AUTOINCREMENT
-- never reuses an id, so "music/album/12" names the same album across rescans (renderers keep bookmarks).
CREATE TABLE view_groups (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    kind  TEXT NOT NULL,  -- 'artist', 'album', 'genre'
    key   TEXT NOT NULL,  -- normalised name (an album's includes its artist, or its folder for a compilation)
    UNIQUE (kind, key)
);

-- Every view container: its ContentDirectory id ("music", "music/artist/17", "pictures/dates/2019/05"), its
-- parent's, its place among its parent's children and how many children it has.
-- Rebuilt whole by each scan that changed anything; `id` is internal (view_items refers to it), `key` is what
-- renderers see.
CREATE TABLE views (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    parent_key  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    upnp_class  TEXT NOT NULL,
    artist      TEXT,              -- an album's artist
    child_count INTEGER NOT NULL,
    has_items   INTEGER NOT NULL   -- 1: its children are items (view_items), 0: containers (views)
);
CREATE INDEX views_by_parent ON views (parent_key, position);

-- The items of each item-holding view container, in their order.
CREATE TABLE view_items (
    view      INTEGER NOT NULL,
    position  INTEGER NOT NULL,
    object_id INTEGER NOT NULL,
    PRIMARY KEY (view, position)
) WITHOUT ROWID;
-- (object_id, view), not (view, object_id): an index that starts with `view` would compete with the primary key
-- for paging, and without ANALYZE statistics SQLite may pick it and sort a whole view per page.
CREATE INDEX view_items_by_object ON view_items (object_id, view);
