// The transcode decision: the least work that makes a file playable on a renderer. Every non-direct video
// output is MPEG-TS, the one container every DLNA video renderer plays and that carries a live stream.
#include "hearth/transcode/decision.hpp"

#include "hearth/media/image_scale.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <tuple>

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
    // Over the bitrate a renderer sustains, a file stutters: the transcode's capped rate plays.
    if (caps->max_bitrate > 0 && i.bitrate && *i.bitrate > caps->max_bitrate) return false;
    if (!caps->profiles.empty() && i.video_profile >= 0 &&
        std::find(caps->profiles.begin(), caps->profiles.end(), i.video_profile) == caps->profiles.end())
        return false;
    return true;
}

std::int64_t channels(const MediaInfo& i) {
    return i.channels.value_or(kUnknownChannels);
}

// The profile's audio-in list for this container family allows the codec (no list: any codec).
bool allowed_in(const Profile& p, std::string_view family, std::string_view codec) {
    auto list = p.audio_in.find(family);
    return list == p.audio_in.end() ||
           std::find(list->second.begin(), list->second.end(), codec) != list->second.end();
}

// The renderer decodes the audio, and takes it in this container family.
bool audio_fits(const MediaInfo& i, const Profile& p, std::string_view family) {
    if (i.audio_codec.empty()) return true;
    const AudioCaps* caps = audio_caps(p, i.audio_codec);
    return caps && (caps->max_channels == 0 || channels(i) <= caps->max_channels) &&
           allowed_in(p, family, i.audio_codec);
}

bool has_pn(const MediaInfo& i) {
    return media::dlna_format(i).profile.has_value();
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

// The profile's target audio codec, or the other one when its audio-in list for MPEG-TS allows only that.
bool target_ac3(const Profile& p) {
    const bool ac3 = p.target_audio == renderers::TargetAudio::ac3;
    if (allowed_in(p, "mpegts", ac3 ? "ac3" : "aac")) return ac3;
    return allowed_in(p, "mpegts", ac3 ? "aac" : "ac3") ? !ac3 : ac3;
}

void transcode_audio(const MediaInfo& i, const Profile& p, Plan& plan) {
    plan.copy_audio = false;
    const bool ac3 = target_ac3(p);
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

// A plan's output is acceptable: it has the DLNA.ORG_PN the renderer insists on, if it insists.
bool pn_ok(const Plan& plan, const Profile& p) {
    return !p.pn_required || plan.dlna_profile.has_value();
}

Plan ts_plan(const MediaInfo& i, Action action) {
    Plan plan;
    plan.action = action;
    plan.video_codec = i.video_codec;
    plan.audio_codec = i.audio_codec;
    plan.container = "mpegts";
    return plan;
}

// Cheapest first: remux, audio-only, full; with pn_required, the first whose output has a PN.
Plan decide_video(const MediaInfo& i, const Profile& p) {
    const bool video_ok = video_fits(i, p);
    const std::string family = renderers::container_family(i.container, i.extension);
    if (video_ok && audio_fits(i, p, family) && plays_container(p, family) && (!p.pn_required || has_pn(i)))
        return Plan{}; // direct: the caller offers the stored MIME type and profile

    const bool audio_copyable = audio_fits(i, p, "mpegts") && ts_audio(i.audio_codec);
    const bool video_copyable = video_ok && ts_video(i.video_codec) && plays_container(p, "mpegts");
    std::optional<Plan> cheapest; // what to send when no conversion yields a PN (e.g. video without audio)
    if (video_copyable && audio_copyable) {
        Plan plan = ts_plan(i, Action::remux);
        describe_ts_output(i, plan);
        if (pn_ok(plan, p)) return plan;
        cheapest = plan;
    }
    if (video_copyable && !i.audio_codec.empty()) {
        Plan plan = ts_plan(i, Action::audio_only);
        transcode_audio(i, p, plan);
        describe_ts_output(i, plan);
        if (pn_ok(plan, p)) return plan;
        if (!cheapest) cheapest = plan;
    }
    Plan plan = ts_plan(i, Action::full);
    plan.copy_video = false;
    plan.video_codec = "h264";
    scale_for_h264(i, p, plan);
    if (!audio_copyable) transcode_audio(i, p, plan);
    describe_ts_output(i, plan);
    if (!pn_ok(plan, p) && plan.copy_audio && !i.audio_codec.empty()) {
        transcode_audio(i, p, plan); // e.g. MP2 in AVC-TS has no PN; AAC or AC-3 has
        describe_ts_output(i, plan);
    }
    return pn_ok(plan, p) || !cheapest ? plan : *cheapest;
}

Plan decide_audio(const MediaInfo& i, const Profile& p) {
    const std::string family = renderers::container_family(i.container, i.extension);
    if (audio_fits(i, p, family) && plays_container(p, family) && (!p.pn_required || has_pn(i)))
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

// A picture larger than the renderer shows, or without the PN it insists on: a JPEG that fits, whose size
// (and so PN) is what media::scaled_jpeg will make of it. Unknown size: sent as it is.
Plan decide_image(const MediaInfo& i, const Profile& p) {
    if (!i.width || !i.height || *i.width <= 0 || *i.height <= 0) return Plan{};
    const auto [max_w, max_h] = image_limit(p);
    const bool too_big = (max_w > 0 && *i.width > max_w) || (max_h > 0 && *i.height > max_h);
    if (!too_big && (!p.pn_required || has_pn(i))) return Plan{};
    Plan plan;
    plan.action = Action::scale_image;
    plan.copy_video = false;
    plan.video_codec = "mjpeg";
    std::tie(plan.width, plan.height) =
        media::fit_within(static_cast<int>(*i.width), static_cast<int>(*i.height), max_w, max_h);
    plan.container = "jpeg";
    MediaInfo out;
    out.kind = media::Kind::image;
    out.container = "jpeg_pipe";
    out.extension = "jpg";
    out.video_codec = "mjpeg";
    out.width = plan.width;
    out.height = plan.height;
    const media::DlnaFormat f = media::dlna_format(out);
    plan.mime = f.mime;
    plan.dlna_profile = f.profile;
    return plan;
}

} // namespace

std::pair<int, int> image_limit(const renderers::Profile& profile) {
    constexpr int kJpegLarge = 4096; // JPEG_LRG's limit: the largest JPEG with a DLNA.ORG_PN
    int w = profile.max_image_width, h = profile.max_image_height;
    if (profile.pn_required) {
        w = w > 0 ? std::min(w, kJpegLarge) : kJpegLarge;
        h = h > 0 ? std::min(h, kJpegLarge) : kJpegLarge;
    }
    return {w, h};
}

Plan decide(const media::MediaInfo& info, const renderers::Profile& profile) {
    if (profile.plays_everything) return Plan{};
    if (info.kind == media::Kind::image) {
        Plan plan = decide_image(info, profile);
        if (profile.omit_pn) plan.dlna_profile.reset();
        return plan;
    }
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
    case Action::scale_image:
        return "scaled-image";
    }
    return "direct";
}

} // namespace hearth::transcode
