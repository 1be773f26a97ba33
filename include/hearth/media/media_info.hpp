#pragma once
// What Hearth knows about one media file, as the probe found it and the index stores it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hearth::media {

enum class Kind { video, audio, image };

struct MediaInfo {
    Kind kind = Kind::video;
    std::string container; ///< libavformat's short name, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "mpegts"
    std::string extension; ///< lower-case file extension without the dot ("m2ts" matters for TS flavours)
    std::optional<std::int64_t> duration_ms;
    std::optional<std::int64_t> bitrate; ///< overall, bits per second
    std::string video_codec; ///< libavcodec name ("h264", "hevc", "mpeg2video", "mjpeg"); empty if none
    int video_profile = -1;  ///< AVCodecParameters::profile, -1 when unknown
    int video_level = -1;    ///< AVCodecParameters::level (H.264: 41 for 4.1), -1 when unknown
    std::optional<std::int64_t> width, height;
    std::optional<double> frame_rate;
    std::string audio_codec; ///< "aac", "mp3", "flac", "ac3"…; empty if none
    std::optional<std::int64_t> channels, sample_rate, bits_per_sample, audio_bitrate;
    std::optional<std::string> title, artist, album, album_artist, genre, date;
    std::optional<std::int64_t> track, disc;
    /// Audio: the file holds a whole JPEG or PNG picture (cover art) no larger than kMaxEmbeddedArtBytes.
    bool embedded_picture = false;
};

/// How an item is offered to renderers: MIME type, DLNA profile (PN) when the format has one, UPnP class.
struct DlnaFormat {
    std::string mime;
    std::optional<std::string> profile;
    std::string upnp_class;
};

DlnaFormat dlna_format(const MediaInfo& info);

/// The fourth protocolInfo field for a file sent as it is:
/// "DLNA.ORG_PN=…;DLNA.ORG_OP=01;DLNA.ORG_CI=0;DLNA.ORG_FLAGS=…" (PN omitted when unknown).
std::string content_features(const std::optional<std::string>& profile, bool is_image);

/// "http-get:*:<mime>:<content_features>".
std::string protocol_info(const std::string& mime, const std::optional<std::string>& profile, bool is_image);

/// The MIME type renderers expect for a subtitle format ("srt" → "text/srt").
std::string subtitle_mime(std::string_view format);

/// DIDL-Lite duration "H:MM:SS.mmm".
std::string format_duration(std::int64_t ms);

/// The media kind a file name suggests, or nullopt when Hearth does not share files with that extension.
std::optional<Kind> kind_from_extension(std::string_view extension);

} // namespace hearth::media
