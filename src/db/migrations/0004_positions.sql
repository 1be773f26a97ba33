-- Each object's place among its siblings in the default order (folders first, then by title), so that Browse
-- can start a page at index N with an index seek instead of skipping N rows. The scanner keeps it current;
-- NULL while a scan has added rows it has not placed yet (readers then fall back to OFFSET).
ALTER TABLE objects ADD COLUMN position INTEGER;
WITH ranked AS (
    SELECT id, row_number() OVER (PARTITION BY parent_id ORDER BY is_container DESC, title COLLATE NOCASE, id) - 1
        AS pos
    FROM objects)
UPDATE objects SET position = ranked.pos FROM ranked WHERE objects.id = ranked.id;
CREATE INDEX objects_by_position ON objects (parent_id, position);
