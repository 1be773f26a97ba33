-- Where an item's picture comes from, so that Browse can advertise art without opening files:
-- 'embedded' (a picture in the audio file), 'frame' (a video's own frame), 'picture' (a photo itself), or the
-- path of a cover file beside an audio file (cover.jpg, folder.png…); NULL when there is none.
ALTER TABLE objects ADD COLUMN art TEXT;
UPDATE objects SET art = 'frame' WHERE is_container = 0 AND upnp_class LIKE 'object.item.videoItem%';
UPDATE objects SET art = 'picture' WHERE is_container = 0 AND upnp_class LIKE 'object.item.imageItem%';
-- Only a probe tells whether an audio file holds a picture: make the next scan probe the music again.
UPDATE objects SET mtime = -1 WHERE is_container = 0 AND upnp_class LIKE 'object.item.audioItem%';
