#include "hearth/media/probe.hpp"

#include "hearth/media/art.hpp"
#include "hearth/media/av.hpp"
#include "hearth/util/strings.hpp"

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
}

#include <cstdlib>
#include <memory>

namespace hearth::media {
namespace {

using FormatContext = av::Input;

std::optional<std::string> tag(const AVDictionary* dict, const char* key) {
    const AVDictionaryEntry* e = av_dict_get(dict, key, nullptr, 0);
    if (e == nullptr || e->value == nullptr) return std::nullopt;
    std::string value(trim(e->value));
    if (value.empty()) return std::nullopt;
    return sanitize_utf8(value);
}

// "3/12" → 3; "03" → 3; nonsense → nullopt.
std::optional<std::int64_t> leading_number(const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    std::string_view s(*text);
    auto digits = s.substr(0, s.find_first_not_of("0123456789"));
    auto value = parse_uint(digits);
    if (!value || *value == 0 || *value > 100000) return std::nullopt;
    return static_cast<std::int64_t>(*value);
}

bool is_image_container(std::string_view name) {
    return name == "image2" || name.ends_with("_pipe") || name == "gif" || name == "webp";
}

void read_tags(const AVDictionary* primary, const AVDictionary* secondary, MediaInfo& info) {
    auto get = [&](const char* key) {
        auto v = tag(primary, key);
        return v ? v : tag(secondary, key);
    };
    info.title = get("title");
    info.artist = get("artist");
    info.album = get("album");
    info.album_artist = get("album_artist");
    info.genre = get("genre");
    info.date = get("date");
    info.track = leading_number(get("track"));
    info.disc = leading_number(get("disc"));
}

std::optional<std::int64_t> positive(std::int64_t v) {
    return v > 0 ? std::optional<std::int64_t>(v) : std::nullopt;
}

void read_video(const AVStream* s, MediaInfo& info) {
    const AVCodecParameters* p = s->codecpar;
    info.video_codec = avcodec_get_name(p->codec_id);
    info.video_profile = p->profile;
    info.video_level = p->level;
    info.width = positive(p->width);
    info.height = positive(p->height);
    AVRational rate = s->avg_frame_rate.num > 0 ? s->avg_frame_rate : s->r_frame_rate;
    if (rate.num > 0 && rate.den > 0) info.frame_rate = av_q2d(rate);
}

void read_audio(const AVStream* s, MediaInfo& info) {
    const AVCodecParameters* p = s->codecpar;
    info.audio_codec = avcodec_get_name(p->codec_id);
    info.channels = positive(p->ch_layout.nb_channels);
    info.sample_rate = positive(p->sample_rate);
    int bits = p->bits_per_raw_sample > 0 ? p->bits_per_raw_sample : p->bits_per_coded_sample;
    info.bits_per_sample = positive(bits);
    info.audio_bitrate = positive(p->bit_rate);
}

// A cover picture the thumbnailer can use: JPEG or PNG, whole, not absurdly large.
bool usable_picture(const AVStream* s) {
    const AVPacket& pic = s->attached_pic;
    if (pic.size <= 0 || pic.size > kMaxEmbeddedArtBytes || pic.data == nullptr) return false;
    std::string_view bytes(reinterpret_cast<const char*>(pic.data), static_cast<std::size_t>(pic.size));
    return picture_looks_whole(bytes);
}

// The demuxer a file of this extension almost always needs, named so that libav gives it the same name as
// when it guesses (the DLNA profile rules compare those names). Guessing runs every one of ~350 demuxers'
// probe functions on the file's first bytes: CPU on every file, and it pages in code from all over
// libavformat and its dependencies (libopenmpt's probe alone is ~1 MiB), which then counts in the
// server's resident memory. A file that the named demuxer cannot read is probed again the usual way.
const AVInputFormat* likely_format(const std::string& ext) {
    static const std::pair<const char*, const char*> table[] = {
        {"mp3", "mp3"},   {"flac", "flac"},    {"mp4", "mp4"},    {"m4a", "mp4"},     {"m4v", "mp4"},
        {"mov", "mp4"},   {"mkv", "matroska"}, {"jpg", "image2"}, {"jpeg", "image2"}, {"png", "image2"},
        {"ts", "mpegts"}, {"ogg", "ogg"},      {"wav", "wav"},    {"avi", "avi"},
    };
    for (const auto& [e, name] : table) {
        if (ext == e) return av_find_input_format(name);
    }
    return nullptr;
}

std::variant<MediaInfo, ProbeError> probe_as(const std::filesystem::path& file, const AVInputFormat* format);

} // namespace

void quiet_libav() {
    av_log_set_level(AV_LOG_QUIET);
}

std::variant<MediaInfo, ProbeError> probe(const std::filesystem::path& file) {
    const auto* format =
        likely_format(to_lower(file.extension().string().substr(file.extension().empty() ? 0 : 1)));
    if (format != nullptr) {
        auto info = probe_as(file, format);
        if (std::holds_alternative<MediaInfo>(info)) return info;
    }
    return probe_as(file, nullptr);
}

namespace {

std::variant<MediaInfo, ProbeError> probe_as(const std::filesystem::path& file, const AVInputFormat* format) {
    // Enough to read the stream parameters of any sane file; the defaults (5 MB, 5 s) decode far more than
    // an index needs and cost time and memory on every file.
    auto opened =
        av::open_input(file, {.format = format, .probesize = 1 << 20, .max_analyze_duration = AV_TIME_BASE});
    if (const auto* e = std::get_if<av::OpenError>(&opened)) {
        return ProbeError{
            (e->step == av::OpenError::Step::open ? "not readable as media: " : "damaged or truncated: ") +
            av::error_text(e->code)};
    }
    auto ctx = std::get<FormatContext>(std::move(opened));

    MediaInfo info;
    info.container = ctx->iformat->name;
    info.extension = to_lower(file.extension().string().substr(file.extension().empty() ? 0 : 1));
    const AVStream* video = nullptr;
    const AVStream* audio = nullptr;
    for (unsigned i = 0; i < ctx->nb_streams; ++i) {
        const AVStream* s = ctx->streams[i];
        if ((s->disposition & AV_DISPOSITION_ATTACHED_PIC) != 0) { // cover art, not the programme
            info.embedded_picture = info.embedded_picture || usable_picture(s);
            continue;
        }
        if (s->codecpar->codec_type == AVMEDIA_TYPE_VIDEO && video == nullptr) video = s;
        if (s->codecpar->codec_type == AVMEDIA_TYPE_AUDIO && audio == nullptr) audio = s;
    }
    if (video == nullptr && audio == nullptr) return ProbeError{"no audio, video or picture stream"};
    if (video != nullptr) {
        read_video(video, info);
        if (!info.width || !info.height) return ProbeError{"damaged or truncated: picture size unknown"};
    }
    if (audio != nullptr) {
        read_audio(audio, info);
        if (!info.sample_rate && video == nullptr)
            return ProbeError{"damaged or truncated: sample rate unknown"};
    }
    info.kind = video == nullptr                     ? Kind::audio
                : is_image_container(info.container) ? Kind::image
                                                     : Kind::video;
    if (ctx->duration != AV_NOPTS_VALUE && ctx->duration > 0 && info.kind != Kind::image) {
        info.duration_ms = ctx->duration / (AV_TIME_BASE / 1000);
    }
    if (info.kind != Kind::audio) info.embedded_picture = false; // videos get a frame, photos themselves
    if (info.kind != Kind::image) info.bitrate = positive(ctx->bit_rate);
    read_tags(ctx->metadata, audio ? audio->metadata : nullptr, info);
    return info;
}

} // namespace
} // namespace hearth::media
