-- An album container's cover: the id of one of its tracks that has a picture (objects.art), whose thumbnail
-- (/art/<id>.jpg) the album shows as upnp:albumArtURI. Filled when the views are next rebuilt.
ALTER TABLE views ADD COLUMN art_object INTEGER;
