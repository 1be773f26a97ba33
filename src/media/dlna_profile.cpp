// Maps probed media to MIME types and DLNA profile names. Conservative by design: a wrong DLNA.ORG_PN makes
// TVs refuse a file they could play, so a profile is named only when the stream clearly fits it.
#include "hearth/media/media_info.hpp"

#include <array>
#include <cstdio>
#include <string_view>

namespace hearth::media {
namespace {

constexpr int kH264Main = 77;
constexpr int kH264High = 100;
constexpr int kH264ConstrainedBaseline = 578;

bool has(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

std::int64_t value_or(const std::optional<std::int64_t>& v, std::int64_t fallback) {
    return v ? *v : fallback;
}

bool fits(const MediaInfo& i, std::int64_t w, std::int64_t h) {
    return i.width && i.height && *i.width <= w && *i.height <= h;
}

bool stereo_at_most_48k(const MediaInfo& i) {
    return value_or(i.channels, 99) <= 2 && value_or(i.sample_rate, 0) <= 48000;
}

// The DLNA suffix naming the audio that accompanies AVC video, or nullopt when none fits.
std::optional<std::string> avc_audio_suffix(const MediaInfo& i) {
    if (i.audio_codec == "aac")
        return value_or(i.channels, 2) <= 6 ? std::optional<std::string>("AAC_MULT5") : std::nullopt;
    if (i.audio_codec == "ac3") return "AC3";
    if (i.audio_codec == "mp3") return "MPEG1_L3";
    return std::nullopt;
}

std::optional<std::string> avc_mp4_profile(const MediaInfo& i) {
    auto audio = avc_audio_suffix(i);
    if (!audio) return std::nullopt;
    // Constrained Baseline is a subset of Main; plain Baseline (with FMO/ASO) is not, so it gets no PN.
    bool main_or_base = i.video_profile == kH264Main || i.video_profile == kH264ConstrainedBaseline;
    if (main_or_base && fits(i, 720, 576)) return "AVC_MP4_MP_SD_" + *audio;
    if (*audio != "AAC_MULT5")
        return *audio == "AC3" && fits(i, 1920, 1080) ? std::optional<std::string>("AVC_MP4_MP_HD_AC3")
                                                      : std::nullopt;
    if (i.video_profile == kH264High && fits(i, 1920, 1080)) return "AVC_MP4_HP_HD_AAC";
    if (main_or_base && fits(i, 1280, 720)) return "AVC_MP4_MP_HD_720p_AAC";
    if (main_or_base && fits(i, 1920, 1080)) return "AVC_MP4_MP_HD_1080i_AAC";
    return std::nullopt;
}

bool is_pal(const MediaInfo& i) {
    return (i.frame_rate && *i.frame_rate > 24.5 && *i.frame_rate < 25.5) || (i.height && *i.height == 576);
}

// MPEG-TS flavours: 188-byte packets (.ts) are "_ISO", 192-byte timestamped ones (.m2ts, .mts) are "_T".
bool timestamped_ts(const MediaInfo& i) {
    return i.extension == "m2ts" || i.extension == "mts";
}

std::optional<std::string> ts_profile(const MediaInfo& i) {
    const std::string suffix = timestamped_ts(i) ? "_T" : "_ISO";
    bool sd = fits(i, 720, 576);
    if (i.video_codec == "h264") {
        auto audio = avc_audio_suffix(i);
        if (!audio || !fits(i, 1920, 1080)) return std::nullopt;
        return std::string("AVC_TS_") + (i.video_profile == kH264High ? "HP_" : "MP_") +
               (sd ? "SD_" : "HD_") + *audio + suffix;
    }
    if (i.video_codec == "mpeg2video" && (i.audio_codec == "mp2" || i.audio_codec == "ac3")) {
        if (!fits(i, 1920, 1080)) return std::nullopt;
        return std::string("MPEG_TS_") + (sd ? "SD_" : "HD_") + (is_pal(i) ? "EU" : "NA") + suffix;
    }
    return std::nullopt;
}

DlnaFormat image_format(const MediaInfo& i) {
    const std::string cls = "object.item.imageItem.photo";
    if (i.video_codec == "mjpeg" || i.container == "jpeg_pipe") {
        std::optional<std::string> pn;
        if (fits(i, 640, 480))
            pn = "JPEG_SM";
        else if (fits(i, 1024, 768))
            pn = "JPEG_MED";
        else if (fits(i, 4096, 4096))
            pn = "JPEG_LRG";
        return {"image/jpeg", pn, cls};
    }
    if (i.video_codec == "png")
        return {"image/png", fits(i, 4096, 4096) ? std::optional<std::string>("PNG_LRG") : std::nullopt, cls};
    if (i.video_codec == "gif")
        return {"image/gif", fits(i, 1600, 1200) ? std::optional<std::string>("GIF_LRG") : std::nullopt, cls};
    if (i.video_codec == "webp") return {"image/webp", std::nullopt, cls};
    if (i.video_codec == "bmp") return {"image/bmp", std::nullopt, cls};
    if (i.video_codec == "tiff") return {"image/tiff", std::nullopt, cls};
    return {"image/" + i.extension, std::nullopt, cls};
}

DlnaFormat audio_format(const MediaInfo& i) {
    const std::string cls = "object.item.audioItem.musicTrack";
    const auto& c = i.container;
    const auto& a = i.audio_codec;
    if (a == "mp3" && (c == "mp3" || i.extension == "mp3")) {
        bool mp3_rates = value_or(i.sample_rate, 0) >= 32000 && stereo_at_most_48k(i);
        return {"audio/mpeg", mp3_rates ? std::optional<std::string>("MP3") : std::nullopt, cls};
    }
    if (has(c, "mp4") && a == "aac") {
        std::optional<std::string> pn;
        if (stereo_at_most_48k(i))
            pn = value_or(i.audio_bitrate, value_or(i.bitrate, 0)) <= 320000 ? "AAC_ISO_320" : "AAC_ISO";
        return {"audio/mp4", pn, cls};
    }
    if (c == "aac" && a == "aac") {
        std::optional<std::string> pn;
        if (stereo_at_most_48k(i))
            pn = value_or(i.audio_bitrate, value_or(i.bitrate, 0)) <= 320000 ? "AAC_ADTS_320" : "AAC_ADTS";
        return {"audio/vnd.dlna.adts", pn, cls};
    }
    if (c == "ac3" && a == "ac3") return {"audio/vnd.dolby.dd-raw", "AC3", cls};
    if (c == "asf" && (a == "wmav1" || a == "wmav2")) {
        bool base = stereo_at_most_48k(i) && value_or(i.bitrate, 0) <= 193000;
        return {"audio/x-ms-wma", base ? "WMABASE" : "WMAFULL", cls};
    }
    if (c == "flac") return {"audio/flac", std::nullopt, cls};
    if (c == "ogg")
        return {i.extension == "opus" ? "audio/ogg; codecs=opus" : "audio/ogg", std::nullopt, cls};
    if (c == "wav") return {"audio/wav", std::nullopt, cls};
    if (has(c, "matroska")) return {"audio/x-matroska", std::nullopt, cls};
    if (c == "aiff") return {"audio/aiff", std::nullopt, cls};
    if (has(c, "mp4")) return {"audio/mp4", std::nullopt, cls};
    return {"audio/" + i.extension, std::nullopt, cls};
}

DlnaFormat video_format(const MediaInfo& i) {
    const std::string cls = "object.item.videoItem";
    const auto& c = i.container;
    if (has(c, "mp4")) {
        std::optional<std::string> pn = i.video_codec == "h264" ? avc_mp4_profile(i) : std::nullopt;
        return {i.extension == "mov" ? "video/quicktime" : "video/mp4", pn, cls};
    }
    if (c == "mpegts")
        return {timestamped_ts(i) ? "video/vnd.dlna.mpeg-tts" : "video/mpeg", ts_profile(i), cls};
    if (c == "mpeg" || c == "vob") {
        std::optional<std::string> pn;
        if (i.video_codec == "mpeg2video" && fits(i, 720, 576))
            pn = is_pal(i) ? "MPEG_PS_PAL" : "MPEG_PS_NTSC";
        if (i.video_codec == "mpeg1video") pn = "MPEG1";
        return {"video/mpeg", pn, cls};
    }
    if (c == "matroska,webm")
        return {i.extension == "webm" ? "video/webm" : "video/x-matroska", std::nullopt, cls};
    if (c == "avi") return {"video/x-msvideo", std::nullopt, cls};
    if (c == "asf") return {"video/x-ms-wmv", std::nullopt, cls};
    if (c == "flv") return {"video/x-flv", std::nullopt, cls};
    if (c == "ogg") return {"video/ogg", std::nullopt, cls};
    return {"video/" + i.extension, std::nullopt, cls};
}

} // namespace

DlnaFormat dlna_format(const MediaInfo& info) {
    switch (info.kind) {
    case Kind::image:
        return image_format(info);
    case Kind::audio:
        return audio_format(info);
    case Kind::video:
        return video_format(info);
    }
    return video_format(info);
}

std::string content_features(const std::optional<std::string>& profile, bool is_image) {
    std::string out;
    if (profile) out += "DLNA.ORG_PN=" + *profile + ";";
    // OP=01: byte ranges, no time seek. FLAGS: streaming (A/V) or interactive (images) transfer mode,
    // background mode, connection stall and DLNA 1.5 — the common values for plain files.
    out += "DLNA.ORG_OP=01;DLNA.ORG_CI=0;DLNA.ORG_FLAGS=";
    out += is_image ? "00D00000" : "01700000";
    out += "000000000000000000000000";
    return out;
}

std::string protocol_info(const std::string& mime, const std::optional<std::string>& profile, bool is_image) {
    return "http-get:*:" + mime + ":" + content_features(profile, is_image);
}

std::string format_duration(std::int64_t ms) {
    if (ms < 0) ms = 0;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld.%03lld", static_cast<long long>(ms / 3600000),
                  static_cast<long long>(ms / 60000 % 60), static_cast<long long>(ms / 1000 % 60),
                  static_cast<long long>(ms % 1000));
    return buf;
}

std::optional<Kind> kind_from_extension(std::string_view ext) {
    static constexpr std::array<std::string_view, 18> kVideo = {"mp4", "m4v",  "mkv", "webm", "avi",  "mov",
                                                                "ts",  "m2ts", "mts", "mpg",  "mpeg", "vob",
                                                                "wmv", "asf",  "flv", "3gp",  "ogv",  "divx"};
    static constexpr std::array<std::string_view, 15> kAudio = {"mp3", "flac", "m4a",  "aac", "ogg",
                                                                "oga", "opus", "wav",  "wma", "ac3",
                                                                "mka", "aif",  "aiff", "ape", "wv"};
    static constexpr std::array<std::string_view, 8> kImage = {"jpg", "jpeg", "png", "gif",
                                                               "bmp", "webp", "tif", "tiff"};
    for (auto e : kVideo)
        if (e == ext) return Kind::video;
    for (auto e : kAudio)
        if (e == ext) return Kind::audio;
    for (auto e : kImage)
        if (e == ext) return Kind::image;
    return std::nullopt;
}

std::string subtitle_mime(std::string_view format) {
    if (format == "srt") return "text/srt";
    if (format == "vtt") return "text/vtt";
    if (format == "ass" || format == "ssa") return "text/x-ssa";
    if (format == "sub") return "text/x-microdvd";
    return "text/plain";
}

} // namespace hearth::media
