-- Where each device stopped playing an item, so that it can resume there (Samsung's X_SetBookmark, and
-- streams that were interrupted). One row per (item, device); a finished item has none.
CREATE TABLE bookmarks (
    object_id INTEGER NOT NULL,  -- objects.id (ids are never reused, so a removed item's rows just linger)
    device_id INTEGER NOT NULL,  -- devices.id; -1 for the host itself
    seconds   INTEGER NOT NULL,  -- into the item
    updated   INTEGER NOT NULL,  -- unix seconds
    PRIMARY KEY (object_id, device_id)
) WITHOUT ROWID;
