-- What the transcoding decision needs beyond 0001: H.264/HEVC profile and level, the audio stream's own bitrate.
ALTER TABLE objects ADD COLUMN video_profile INTEGER;
ALTER TABLE objects ADD COLUMN video_level INTEGER;
ALTER TABLE objects ADD COLUMN audio_bitrate INTEGER;
-- Files indexed before this migration lack them: make the next scan probe every file again.
UPDATE objects SET mtime = -1 WHERE is_container = 0;
