// The transcode decision: the least work that makes a file playable on a renderer. Every non-direct video
// output is MPEG-TS, the one container every DLNA video renderer plays and that carries a live stream.
#include "hearth/transcode/decision.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

namespace hearth::transcode {
namespace {

using media::MediaInfo;
using renderers::AudioCaps;
using renderers::Profile;
using renderers::VideoCaps;

constexpr int kH264High = 100; // what the encoder produces: H.264 High@4.1
constexpr std::int64_t kUnknownChannels = 2;

bool one_of(std::string_view v, std::initializer_list<std::string_view> set) {
    return std::find(set.begin(), set.end(), v) != set.end();
}

bool plays_container(const Profile& p, std::string_view family) {
    return std::find(p.containers.begin(), p.containers.end(), family) != p.containers.end();
}

const VideoCaps* video_caps(const Profile& p, std::string_view codec) {
    auto it =
        std::find_if(p.video.begin(), p.video.end(), [&](const VideoCaps& c) { return c.codec == codec; });
    return it == p.video.end() ? nullptr : &*it;
}

const AudioCaps* audio_caps(const Profile& p, std::string_view codec) {
    auto it =
        std::find_if(p.audio.begin(), p.audio.end(), [&](const AudioCaps& c) { return c.codec == codec; });
    return it == p.audio.end() ? nullptr : &*it;
}

bool within(const std::optional<std::int64_t>& value, int limit) {
    return limit == 0 || !value || *value <= limit;
}

// Unknown level or profile (-1) is given the benefit of the doubt: the probe reports both for H.264 and HEVC.
bool video_fits(const MediaInfo& i, const Profile& p) {
    const VideoCaps* caps = video_caps(p, i.video_codec);
    if (!caps) return false;
    if (!within(i.width, caps->max_width) || !within(i.height, caps->max_height)) return false;
    if (caps->max_level > 0 && i.video_level > caps->max_level) return false;
    if (!caps->profiles.empty() && i.video_profile >= 0 &&
        std::find(caps->profiles.begin(), caps->profiles.end(), i.video_profile) == caps->profiles.end())
        return false;
    return true;
}

std::int64_t channels(const MediaInfo& i) {
    return i.channels.value_or(kUnknownChannels);
}

bool audio_fits(const MediaInfo& i, const Profile& p) {
    if (i.audio_codec.empty()) return true;
    const AudioCaps* caps = audio_caps(p, i.audio_codec);
    return caps && (caps->max_channels == 0 || channels(i) <= caps->max_channels);
}

bool ts_video(std::string_view codec) {
    return one_of(codec, {"h264", "hevc", "mpeg2video"});
}

bool ts_audio(std::string_view codec) {
    return codec.empty() || one_of(codec, {"aac", "ac3", "eac3", "mp2", "mp3", "dts"});
}

int even(double v) {
    auto r = static_cast<int>(std::lround(v));
    return r - r % 2;
}

// The H.264 output size: at most min(target height, the renderer's H.264 limits), aspect kept, even.
void scale_for_h264(const MediaInfo& i, const Profile& p, Plan& plan) {
    if (!i.width || !i.height || *i.width <= 0 || *i.height <= 0) return;
    double max_w = 1e9, max_h = p.target_max_height > 0 ? p.target_max_height : 1e9;
    if (const VideoCaps* caps = video_caps(p, "h264")) {
        if (caps->max_width > 0) max_w = caps->max_width;
        if (caps->max_height > 0) max_h = std::min(max_h, static_cast<double>(caps->max_height));
    }
    const double w = static_cast<double>(*i.width), h = static_cast<double>(*i.height);
    const double factor = std::min({1.0, max_w / w, max_h / h});
    plan.width = std::max(2, even(w * factor));
    plan.height = std::max(2, even(h * factor));
}

void transcode_audio(const MediaInfo& i, const Profile& p, Plan& plan) {
    plan.copy_audio = false;
    const bool ac3 = p.target_audio == renderers::TargetAudio::ac3;
    plan.audio_codec = ac3 ? "ac3" : "aac";
    std::int64_t limit = ac3 ? 6 : 2;
    if (const AudioCaps* caps = audio_caps(p, plan.audio_codec); caps && caps->max_channels > 0)
        limit = std::min<std::int64_t>(limit, caps->max_channels);
    plan.audio_channels = static_cast<int>(std::clamp<std::int64_t>(channels(i), 1, limit));
}

// MIME type and DLNA.ORG_PN of the MPEG-TS we produce, named by the same rules as stored files.
void describe_ts_output(const MediaInfo& i, Plan& plan) {
    MediaInfo out = i;
    out.container = "mpegts";
    out.extension = "ts";
    if (!plan.copy_video) {
        out.video_codec = plan.video_codec;
        out.video_profile = kH264High;
        out.width = plan.width;
        out.height = plan.height;
    }
    if (!plan.copy_audio) {
        out.audio_codec = plan.audio_codec;
        out.channels = plan.audio_channels;
    }
    const media::DlnaFormat f = media::dlna_format(out);
    plan.mime = f.mime;
    plan.dlna_profile = f.profile;
}

Plan decide_video(const MediaInfo& i, const Profile& p) {
    const bool video_ok = video_fits(i, p);
    const bool audio_ok = audio_fits(i, p);
    if (video_ok && audio_ok && plays_container(p, renderers::container_family(i.container, i.extension)))
        return Plan{}; // direct: the caller offers the stored MIME type and profile

    Plan plan;
    plan.video_codec = i.video_codec;
    plan.audio_codec = i.audio_codec;
    plan.container = "mpegts";
    const bool video_copyable = video_ok && ts_video(i.video_codec) && plays_container(p, "mpegts");
    if (video_copyable && audio_ok && ts_audio(i.audio_codec)) {
        plan.action = Action::remux;
    } else if (video_copyable) {
        plan.action = Action::audio_only;
        transcode_audio(i, p, plan);
    } else {
        plan.action = Action::full;
        plan.copy_video = false;
        plan.video_codec = "h264";
        scale_for_h264(i, p, plan);
        if (!(audio_ok && ts_audio(i.audio_codec))) transcode_audio(i, p, plan);
    }
    describe_ts_output(i, plan);
    return plan;
}

Plan decide_audio(const MediaInfo& i, const Profile& p) {
    if (audio_fits(i, p) && plays_container(p, renderers::container_family(i.container, i.extension)))
        return Plan{};
    // No video to copy: the pipeline copies nothing and converts the audio, hence audio_only.
    Plan plan;
    plan.action = Action::audio_only;
    plan.copy_audio = false;
    plan.audio_codec = "mp3";
    plan.audio_channels = static_cast<int>(std::clamp<std::int64_t>(channels(i), 1, 2));
    plan.container = "mp3";
    plan.mime = "audio/mpeg";
    plan.dlna_profile = "MP3";
    return plan;
}

} // namespace

Plan decide(const media::MediaInfo& info, const renderers::Profile& profile) {
    if (info.kind == media::Kind::image || profile.plays_everything) return Plan{};
    Plan plan = info.kind == media::Kind::audio ? decide_audio(info, profile) : decide_video(info, profile);
    if (profile.omit_pn) plan.dlna_profile.reset();
    return plan;
}

const char* action_name(Action a) {
    switch (a) {
    case Action::direct:
        return "direct";
    case Action::remux:
        return "remux";
    case Action::audio_only:
        return "audio-only";
    case Action::full:
        return "full";
    }
    return "direct";
}

} // namespace hearth::transcode
