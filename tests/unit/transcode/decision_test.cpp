#include "hearth/transcode/decision.hpp"
#include "support/media_info.hpp"
#include "support/renderer_profiles.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <ostream>
#include <string>

namespace hearth::transcode {
namespace {

using media::Kind;
using media::MediaInfo;
using renderers::Profile;
using test::builtin_profile;
using test::image;
using test::kMkv;
using test::kMp4;

constexpr int kH264High = 100, kH264High10 = 110, kHevcMain10 = 2;

MediaInfo video(std::string container, std::string ext, std::string vcodec, int vprofile, int level,
                std::int64_t w, std::int64_t h, std::string acodec, std::int64_t channels = 2) {
    MediaInfo i;
    i.kind = Kind::video;
    i.container = std::move(container);
    i.extension = std::move(ext);
    i.video_codec = std::move(vcodec);
    i.video_profile = vprofile;
    i.video_level = level;
    i.width = w;
    i.height = h;
    i.frame_rate = 23.976;
    i.audio_codec = std::move(acodec);
    if (!i.audio_codec.empty()) {
        i.channels = channels;
        i.sample_rate = 48000;
    }
    return i;
}

MediaInfo audio(std::string container, std::string ext, std::string codec, std::int64_t channels = 2) {
    MediaInfo i;
    i.kind = Kind::audio;
    i.container = std::move(container);
    i.extension = std::move(ext);
    i.audio_codec = std::move(codec);
    i.channels = channels;
    i.sample_rate = 44100;
    return i;
}

struct Expected {
    Action action;
    bool copy_video = true, copy_audio = true;
    std::string video_codec, audio_codec;
    int width = 0, height = 0, audio_channels = 0;
    std::string container, mime;
    std::optional<std::string> dlna_profile;
};

struct DecisionCase {
    std::string label;
    MediaInfo media;
    std::string profile;
    Expected expected;
};

void PrintTo(const DecisionCase& c, std::ostream* os) {
    *os << c.label;
}

class Decision : public testing::TestWithParam<DecisionCase> {};

TEST_P(Decision, LeastWorkThatPlays) {
    const auto& c = GetParam();
    const Plan plan = decide(c.media, builtin_profile(c.profile));
    const Expected& e = c.expected;
    EXPECT_STREQ(action_name(plan.action), action_name(e.action));
    EXPECT_EQ(plan.copy_video, e.copy_video);
    EXPECT_EQ(plan.copy_audio, e.copy_audio);
    EXPECT_EQ(plan.video_codec, e.video_codec);
    EXPECT_EQ(plan.audio_codec, e.audio_codec);
    EXPECT_EQ(plan.width, e.width);
    EXPECT_EQ(plan.height, e.height);
    EXPECT_EQ(plan.audio_channels, e.audio_channels);
    EXPECT_EQ(plan.container, e.container);
    EXPECT_EQ(plan.mime, e.mime);
    EXPECT_EQ(plan.dlna_profile, e.dlna_profile);
}

const Expected kDirect{Action::direct, true, true, "", "", 0, 0, 0, "", "", std::nullopt};

INSTANTIATE_TEST_SUITE_P(
    Table, Decision,
    testing::Values(
        // Direct: the original plays, nothing to fill (the caller uses the stored MIME type and PN).
        DecisionCase{"h264_aac_mp4_generic", video(kMp4, "mp4", "h264", kH264High, 41, 1920, 1080, "aac"),
                     "Generic DLNA", kDirect},
        DecisionCase{"h264_ac3_ts_generic", video("mpegts", "ts", "h264", kH264High, 40, 1280, 720, "ac3"),
                     "Generic DLNA", kDirect},
        DecisionCase{"hevc_10bit_truehd_mkv_vlc",
                     video(kMkv, "mkv", "hevc", kHevcMain10, 153, 3840, 2160, "truehd", 8), "VLC", kDirect},
        DecisionCase{"av1_opus_webm_kodi", video(kMkv, "webm", "av1", 0, 8, 3840, 2160, "opus"), "Kodi",
                     kDirect},
        DecisionCase{"hevc_mkv_samsung_2016", video(kMkv, "mkv", "hevc", 1, 120, 1920, 1080, "eac3", 6),
                     "Samsung TV 2016+ (Tizen)", kDirect},
        DecisionCase{"video_without_audio", video(kMp4, "mp4", "h264", kH264High, 41, 1280, 720, ""),
                     "Generic DLNA", kDirect},
        DecisionCase{"jpeg", image("image2", "jpg", "mjpeg", 4000, 3000), "Generic DLNA", kDirect},
        // Over the row's 1920x1920 picture limit: a JPEG scaled to fit (GET /media/<id>/image.jpg).
        DecisionCase{"huge_png_on_old_samsung", image("png_pipe", "png", "png", 8000, 6000),
                     "Samsung TV C/D series (2010-2011)",
                     Expected{Action::scale_image, false, true, "mjpeg", "", 1920, 1440, 0, "jpeg",
                              "image/jpeg", "JPEG_LRG"}},
        DecisionCase{"mp3", audio("mp3", "mp3", "mp3"), "Generic DLNA", kDirect},
        DecisionCase{"flac_on_sony_android", audio("flac", "flac", "flac"), "Sony Bravia (Android TV)",
                     kDirect},
        DecisionCase{"flac_on_vlc", audio("flac", "flac", "flac", 6), "VLC", kDirect},

        // Remux: only the container is wrong.
        DecisionCase{"h264_aac_mkv_generic",
                     video(kMkv, "mkv", "h264", kH264High, 41, 1920, 1080, "aac"),
                     "Generic DLNA",
                     {Action::remux, true, true, "h264", "aac", 0, 0, 0, "mpegts", "video/mpeg",
                      "AVC_TS_HP_HD_AAC_MULT5_ISO"}},
        DecisionCase{"h264_ac3_mkv_sony_old",
                     video(kMkv, "mkv", "h264", kH264High, 41, 1280, 720, "ac3", 6),
                     "Sony Bravia",
                     {Action::remux, true, true, "h264", "ac3", 0, 0, 0, "mpegts", "video/mpeg",
                      "AVC_TS_HP_HD_AC3_ISO"}},
        DecisionCase{
            "hevc_avi_hevc_in_ts_no_pn",
            video("avi", "avi", "hevc", 1, 120, 1920, 1080, "aac"),
            "Sony Bravia (Android TV)",
            {Action::remux, true, true, "hevc", "aac", 0, 0, 0, "mpegts", "video/mpeg", std::nullopt}},

        // Audio only: the video plays, the audio does not.
        DecisionCase{"h264_dts_mkv_generic",
                     video(kMkv, "mkv", "h264", kH264High, 41, 1920, 1080, "dts", 6),
                     "Generic DLNA",
                     {Action::audio_only, true, false, "h264", "aac", 0, 0, 2, "mpegts", "video/mpeg",
                      "AVC_TS_HP_HD_AAC_MULT5_ISO"}},
        DecisionCase{"h264_truehd_mkv_samsung_to_ac3_51",
                     video(kMkv, "mkv", "h264", kH264High, 41, 1920, 1080, "truehd", 8),
                     "Samsung TV 2015+ (Tizen, model number)",
                     {Action::audio_only, true, false, "h264", "ac3", 0, 0, 6, "mpegts", "video/mpeg",
                      "AVC_TS_HP_HD_AC3_ISO"}},
        DecisionCase{"h264_flac_mkv_flac_cannot_go_in_ts",
                     video(kMkv, "mkv", "h264", kH264High, 41, 1920, 1080, "flac"),
                     "Sony Bravia",
                     {Action::audio_only, true, false, "h264", "ac3", 0, 0, 2, "mpegts", "video/mpeg",
                      "AVC_TS_HP_HD_AC3_ISO"}},
        DecisionCase{"h264_aac51_mp4_generic_stereo_only",
                     video(kMp4, "mp4", "h264", kH264High, 41, 1920, 1080, "aac", 6),
                     "Generic DLNA",
                     {Action::audio_only, true, false, "h264", "aac", 0, 0, 2, "mpegts", "video/mpeg",
                      "AVC_TS_HP_HD_AAC_MULT5_ISO"}},

        // Full: the video does not play.
        DecisionCase{"hevc_ac3_mkv_old_samsung_keeps_ac3",
                     video(kMkv, "mkv", "hevc", kHevcMain10, 150, 3840, 2160, "ac3", 6),
                     "Samsung TV C/D series (2010-2011)",
                     {Action::full, false, true, "h264", "ac3", 1920, 1080, 0, "mpegts", "video/mpeg",
                      "AVC_TS_HP_HD_AC3_ISO"}},
        DecisionCase{"hevc_ac3_mkv_ps4_no_ac3_target_aac",
                     video(kMkv, "mkv", "hevc", 1, 120, 1920, 1080, "eac3", 6),
                     "PlayStation 4",
                     {Action::full, false, false, "h264", "aac", 1920, 1080, 2, "mpegts", "video/mpeg",
                      "AVC_TS_HP_HD_AAC_MULT5_ISO"}},
        DecisionCase{"h264_4k_on_1080p_tv_scaled",
                     video(kMp4, "mp4", "h264", kH264High, 51, 3840, 2160, "aac"),
                     "Generic DLNA",
                     {Action::full, false, true, "h264", "aac", 1920, 1080, 0, "mpegts", "video/mpeg",
                      "AVC_TS_HP_HD_AAC_MULT5_ISO"}},
        DecisionCase{"scope_4k_keeps_aspect",
                     video(kMkv, "mkv", "hevc", 1, 150, 3840, 1600, "aac"),
                     "Generic DLNA",
                     {Action::full, false, true, "h264", "aac", 1920, 800, 0, "mpegts", "video/mpeg",
                      "AVC_TS_HP_HD_AAC_MULT5_ISO"}},
        DecisionCase{"dci_4k_even_dimensions",
                     video(kMkv, "mkv", "hevc", 1, 150, 4096, 2160, "aac"),
                     "Generic DLNA",
                     {Action::full, false, true, "h264", "aac", 1920, 1012, 0, "mpegts", "video/mpeg",
                      "AVC_TS_HP_HD_AAC_MULT5_ISO"}},
        DecisionCase{"odd_small_size_made_even",
                     video("avi", "avi", "mpeg4", 15, 5, 853, 481, "mp3"),
                     "Generic DLNA",
                     {Action::full, false, true, "h264", "mp3", 852, 480, 0, "mpegts", "video/mpeg",
                      "AVC_TS_HP_HD_MPEG1_L3_ISO"}},
        DecisionCase{"h264_high10_is_not_high",
                     video(kMkv, "mkv", "h264", kH264High10, 41, 1280, 720, "aac"),
                     "Samsung TV 2016+ (Tizen)",
                     {Action::full, false, true, "h264", "aac", 1280, 720, 0, "mpegts", "video/mpeg",
                      "AVC_TS_HP_HD_AAC_MULT5_ISO"}},
        DecisionCase{"h264_level_over_limit",
                     video(kMp4, "mp4", "h264", kH264High, 51, 1920, 1080, "aac"),
                     "Generic DLNA",
                     {Action::full, false, true, "h264", "aac", 1920, 1080, 0, "mpegts", "video/mpeg",
                      "AVC_TS_HP_HD_AAC_MULT5_ISO"}},
        DecisionCase{"mpeg4_asp_avi_cannot_go_in_ts", video("avi", "avi", "mpeg4", 15, 5, 720, 400, "ac3", 6),
                     "Samsung TV C/D series (2010-2011)", kDirect},
        DecisionCase{"mpeg4_asp_dts_avi_needs_full",
                     video("avi", "avi", "mpeg4", 15, 5, 720, 400, "dts", 6),
                     "Samsung TV C/D series (2010-2011)",
                     {Action::full, false, false, "h264", "ac3", 720, 400, 6, "mpegts", "video/mpeg",
                      "AVC_TS_HP_SD_AC3_ISO"}},

        // Audio files that do not play become stereo MP3.
        DecisionCase{"flac_without_flac",
                     audio("flac", "flac", "flac"),
                     "Generic DLNA",
                     {Action::audio_only, true, false, "", "mp3", 0, 0, 2, "mp3", "audio/mpeg", "MP3"}},
        DecisionCase{"flac_51_on_samsung_stereo_only",
                     audio("flac", "flac", "flac", 6),
                     "Samsung TV 2016+ (Tizen)",
                     {Action::audio_only, true, false, "", "mp3", 0, 0, 2, "mp3", "audio/mpeg", "MP3"}},
        DecisionCase{"opus_ogg",
                     audio("ogg", "opus", "opus"),
                     "PlayStation 4",
                     {Action::audio_only, true, false, "", "mp3", 0, 0, 2, "mp3", "audio/mpeg", "MP3"}},
        DecisionCase{"m4a_aac_in_mp4_container_ps4_plays_it", audio(kMp4, "m4a", "aac"), "PlayStation 4",
                     kDirect},
        DecisionCase{"mono_stays_mono",
                     audio("wav", "wav", "pcm_s24le", 1),
                     "Generic DLNA",
                     {Action::audio_only, true, false, "", "mp3", 0, 0, 1, "mp3", "audio/mpeg", "MP3"}}),
    [](const testing::TestParamInfo<DecisionCase>& info) { return info.param.label; });

TEST(Decision, OmitPnDropsTheProfileButKeepsTheMime) {
    Profile p = builtin_profile("Generic DLNA");
    p.omit_pn = true;
    const Plan plan = decide(video(kMkv, "mkv", "h264", kH264High, 41, 1920, 1080, "aac"), p);
    EXPECT_EQ(plan.action, Action::remux);
    EXPECT_EQ(plan.mime, "video/mpeg");
    EXPECT_EQ(plan.dlna_profile, std::nullopt);
    const Plan mp3 = decide(audio("flac", "flac", "flac"), p);
    EXPECT_EQ(mp3.mime, "audio/mpeg");
    EXPECT_EQ(mp3.dlna_profile, std::nullopt);
}

TEST(Decision, UnknownProfileAndLevelAreGivenTheBenefitOfTheDoubt) {
    const Plan plan =
        decide(video(kMp4, "mp4", "h264", -99, -99, 1920, 1080, "aac"), builtin_profile("Generic DLNA"));
    EXPECT_EQ(plan.action, Action::direct);
}

TEST(Decision, ActionNames) {
    EXPECT_STREQ(action_name(Action::direct), "direct");
    EXPECT_STREQ(action_name(Action::remux), "remux");
    EXPECT_STREQ(action_name(Action::audio_only), "audio-only");
    EXPECT_STREQ(action_name(Action::full), "full");
}

} // namespace
} // namespace hearth::transcode

namespace hearth::transcode {
namespace {

TEST(Decision, AFileOverTheRenderersBitrateIsConverted) {
    renderers::Profile p = renderers::builtin_profiles().back(); // generic
    for (auto& v : p.video)
        v.max_bitrate = 20'000'000;
    MediaInfo i;
    i.kind = media::Kind::video;
    i.container = "mpegts";
    i.extension = "ts";
    i.video_codec = "h264";
    i.video_profile = 100;
    i.video_level = 41;
    i.width = 1920;
    i.height = 1080;
    i.audio_codec = "aac";
    i.channels = 2;
    i.sample_rate = 48000;
    i.bitrate = 15'000'000;
    EXPECT_EQ(decide(i, p).action, Action::direct);
    i.bitrate = 45'000'000; // a Blu-ray remux
    auto plan = decide(i, p);
    EXPECT_EQ(plan.action, Action::full);
    EXPECT_FALSE(plan.copy_video);
}

TEST(Decision, ProfileFilesTakeAVideoBitrate) {
    auto p = renderers::parse_profile(
        "name = x\nmatch = User-Agent: x\nvideo = h264 1920x1080 bitrate=20000\n", "x");
    ASSERT_EQ(p.video.size(), 1u);
    EXPECT_EQ(p.video[0].max_bitrate, 20'000'000);
    EXPECT_THROW(renderers::parse_profile("name = x\nvideo = h264 bitrate=fast\n", "x"),
                 renderers::ProfileFileError);
}

} // namespace
} // namespace hearth::transcode
