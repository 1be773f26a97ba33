// The decision's renderer quirks: require-pn, audio-in and pictures over the renderer's size.
#include "hearth/transcode/decision.hpp"
#include "support/media_info.hpp"
#include "support/renderer_profiles.hpp"

#include <gtest/gtest.h>
#include <string>

namespace hearth::transcode {
namespace {

using media::Kind;
using media::MediaInfo;
using renderers::Profile;
using test::builtin_profile;
using test::kMkv;
using test::kMp4;

constexpr int kH264High = 100, kHevcMain = 1;

Profile generic_with(void (*quirk)(Profile&)) {
    Profile p = builtin_profile("Generic DLNA");
    quirk(p);
    return p;
}

Profile requiring_pn() {
    return generic_with([](Profile& p) { p.pn_required = true; });
}

MediaInfo video(std::string container, std::string ext, std::string vcodec, std::int64_t w, std::int64_t h,
                std::string acodec) {
    MediaInfo i;
    i.kind = Kind::video;
    i.container = std::move(container);
    i.extension = std::move(ext);
    i.video_codec = std::move(vcodec);
    i.video_profile = kH264High;
    i.video_level = 41;
    i.width = w;
    i.height = h;
    i.frame_rate = 23.976;
    i.audio_codec = std::move(acodec);
    if (!i.audio_codec.empty()) {
        i.channels = 2;
        i.sample_rate = 48000;
    }
    return i;
}

MediaInfo picture(std::string codec, std::string ext, std::int64_t w, std::int64_t h) {
    MediaInfo i;
    i.kind = Kind::image;
    i.container = codec == "mjpeg" ? "jpeg_pipe" : codec + "_pipe";
    i.extension = std::move(ext);
    i.video_codec = std::move(codec);
    i.width = w;
    i.height = h;
    return i;
}

// --- require-pn

TEST(DecisionRequirePn, AnOriginalWithAPnStaysDirect) {
    auto mp4 = video(kMp4, "mp4", "h264", 1920, 1080, "aac"); // AVC_MP4_HP_HD_AAC
    EXPECT_EQ(decide(mp4, requiring_pn()).action, Action::direct);
}

TEST(DecisionRequirePn, AVideoWithoutAPnIsRemuxedIntoATsThatHasOne) {
    auto mp4 = video(kMp4, "mp4", "h264", 1920, 1080, "mp3"); // H.264 + MP3 in MP4: no DLNA profile
    EXPECT_EQ(decide(mp4, builtin_profile("Generic DLNA")).action, Action::direct);
    auto plan = decide(mp4, requiring_pn());
    EXPECT_EQ(plan.action, Action::remux);
    EXPECT_EQ(plan.container, "mpegts");
    EXPECT_EQ(plan.dlna_profile, "AVC_TS_HP_HD_MPEG1_L3_ISO");
}

TEST(DecisionRequirePn, WhenARemuxHasNoPnEitherTheAudioIsConverted) {
    auto ts = video("mpegts", "ts", "h264", 1920, 1080, "mp2"); // no AVC_TS profile carries MP2
    EXPECT_EQ(decide(ts, builtin_profile("Generic DLNA")).action, Action::direct);
    auto plan = decide(ts, requiring_pn());
    EXPECT_EQ(plan.action, Action::audio_only);
    EXPECT_TRUE(plan.copy_video);
    EXPECT_EQ(plan.audio_codec, "aac");
    EXPECT_EQ(plan.dlna_profile, "AVC_TS_HP_HD_AAC_MULT5_ISO");
}

TEST(DecisionRequirePn, AFullTranscodeConvertsCopiedAudioThatWouldLeaveItWithoutAPn) {
    auto p = requiring_pn();
    auto mkv = video("mpegts", "ts", "hevc", 1920, 1080, "mp2");
    mkv.video_profile = kHevcMain;
    auto plan = decide(mkv, p);
    EXPECT_EQ(plan.action, Action::full);
    EXPECT_FALSE(plan.copy_audio);
    EXPECT_EQ(plan.dlna_profile, "AVC_TS_HP_HD_AAC_MULT5_ISO");
}

TEST(DecisionRequirePn, NoConversionGivesAPnToVideoWithoutAudioSoTheCheapestIsSent) {
    auto silent = video(kMp4, "mp4", "h264", 1280, 720, "");
    auto plan = decide(silent, requiring_pn());
    EXPECT_EQ(plan.action, Action::remux);
    EXPECT_FALSE(plan.dlna_profile);
}

TEST(DecisionRequirePn, AudioWithoutAPnBecomesMp3) {
    MediaInfo mp3;
    mp3.kind = Kind::audio;
    mp3.container = "mp3";
    mp3.extension = "mp3";
    mp3.audio_codec = "mp3";
    mp3.channels = 2;
    mp3.sample_rate = 22050; // below the MP3 profile's rates: no PN
    EXPECT_EQ(decide(mp3, builtin_profile("Generic DLNA")).action, Action::direct);
    auto plan = decide(mp3, requiring_pn());
    EXPECT_EQ(plan.action, Action::audio_only);
    EXPECT_EQ(plan.container, "mp3");
    EXPECT_EQ(plan.dlna_profile, "MP3");
    mp3.sample_rate = 44100;
    EXPECT_EQ(decide(mp3, requiring_pn()).action, Action::direct);
}

TEST(DecisionRequirePn, APictureWithoutAPnBecomesAJpegOfItsOwnSize) {
    auto webp = picture("webp", "webp", 1000, 700);
    EXPECT_EQ(decide(webp, builtin_profile("Generic DLNA")).action, Action::direct);
    auto plan = decide(webp, requiring_pn());
    EXPECT_EQ(plan.action, Action::scale_image);
    EXPECT_EQ(plan.width, 1000);
    EXPECT_EQ(plan.height, 700);
    EXPECT_EQ(plan.mime, "image/jpeg");
    EXPECT_EQ(plan.dlna_profile, "JPEG_MED");
    EXPECT_EQ(decide(picture("mjpeg", "jpg", 1000, 700), requiring_pn()).action, Action::direct);
}

TEST(DecisionRequirePn, APictureLargerThanJpegLargeIsScaledToIt) {
    auto p = generic_with([](Profile& q) {
        q.pn_required = true;
        q.max_image_width = q.max_image_height = 8192;
    });
    EXPECT_EQ(image_limit(p), (std::pair<int, int>{4096, 4096}));
    auto plan = decide(picture("png", "png", 6000, 3000), p);
    EXPECT_EQ(plan.action, Action::scale_image);
    EXPECT_EQ(plan.width, 4096);
    EXPECT_EQ(plan.height, 2048);
    EXPECT_EQ(plan.dlna_profile, "JPEG_LRG");
}

// --- pictures over image-max

TEST(DecisionImage, APictureWithinTheLimitIsSentAsItIs) {
    EXPECT_EQ(decide(picture("mjpeg", "jpg", 4000, 3000), builtin_profile("Generic DLNA")).action,
              Action::direct);
    EXPECT_EQ(
        decide(picture("mjpeg", "jpg", 1920, 1080), builtin_profile("Samsung TV C/D series (2010-2011)"))
            .action,
        Action::direct);
}

TEST(DecisionImage, ALargerPictureIsAScaledJpegWithThePnOfItsNewSize) {
    auto plan =
        decide(picture("mjpeg", "jpg", 4000, 3000), builtin_profile("Samsung TV C/D series (2010-2011)"));
    EXPECT_EQ(plan.action, Action::scale_image);
    EXPECT_FALSE(plan.copy_video);
    EXPECT_EQ(plan.video_codec, "mjpeg");
    EXPECT_EQ(plan.container, "jpeg");
    EXPECT_EQ(plan.width, 1920);
    EXPECT_EQ(plan.height, 1440);
    EXPECT_EQ(plan.mime, "image/jpeg");
    EXPECT_EQ(plan.dlna_profile, "JPEG_LRG");

    auto small = generic_with([](Profile& p) {
        p.max_image_width = 640;
        p.max_image_height = 480;
    });
    auto portrait = decide(picture("png", "png", 1200, 1600), small);
    EXPECT_EQ(portrait.width, 360);
    EXPECT_EQ(portrait.height, 480);
    EXPECT_EQ(portrait.dlna_profile, "JPEG_SM");
}

TEST(DecisionImage, UnknownSizeSoftwarePlayersAndOmitPn) {
    auto small = generic_with([](Profile& p) { p.max_image_width = p.max_image_height = 640; });
    auto unknown = picture("mjpeg", "jpg", 0, 0);
    unknown.width.reset();
    unknown.height.reset();
    EXPECT_EQ(decide(unknown, small).action, Action::direct);
    EXPECT_EQ(decide(picture("mjpeg", "jpg", 9000, 9000), builtin_profile("VLC")).action, Action::direct);
    small.omit_pn = true;
    auto plan = decide(picture("mjpeg", "jpg", 1280, 1280), small);
    EXPECT_EQ(plan.action, Action::scale_image);
    EXPECT_FALSE(plan.dlna_profile);
    EXPECT_STREQ(action_name(plan.action), "scaled-image");
}

// --- audio-in (per-container audio lists)

TEST(DecisionAudioIn, XboxTakesAacInMatroskaButOnlyAc3InTs) {
    const Profile xbox = builtin_profile("Xbox One / Series");
    EXPECT_EQ(decide(video(kMkv, "mkv", "h264", 1920, 1080, "aac"), xbox).action, Action::direct);
    EXPECT_EQ(decide(video(kMkv, "mkv", "h264", 1920, 1080, "ac3"), xbox).action, Action::direct);

    auto ts_aac = decide(video("mpegts", "ts", "h264", 1920, 1080, "aac"), xbox);
    EXPECT_EQ(ts_aac.action, Action::audio_only);
    EXPECT_EQ(ts_aac.audio_codec, "ac3");
    EXPECT_EQ(ts_aac.dlna_profile, "AVC_TS_HP_HD_AC3_ISO");

    auto mp4_mp3 = decide(video(kMp4, "mp4", "h264", 1920, 1080, "mp3"), xbox); // MP4 takes AAC, AC-3
    EXPECT_EQ(mp4_mp3.action, Action::audio_only);
    EXPECT_EQ(mp4_mp3.audio_codec, "ac3");
}

TEST(DecisionAudioIn, AFullTranscodeConvertsAudioTheTsListRefuses) {
    auto hevc = video(kMkv, "mkv", "hevc", 1920, 1080, "aac");
    hevc.video_profile = kHevcMain;
    auto plan = decide(hevc, builtin_profile("Xbox One / Series"));
    EXPECT_EQ(plan.action, Action::full);
    EXPECT_FALSE(plan.copy_audio);
    EXPECT_EQ(plan.audio_codec, "ac3");
}

TEST(DecisionAudioIn, TheTargetAudioGivesWayToTheOnlyCodecTheTsListAllows) {
    auto p = generic_with([](Profile& q) {
        q.target_audio = renderers::TargetAudio::aac;
        q.audio_in["mpegts"] = {"ac3"};
    });
    auto plan = decide(video(kMkv, "mkv", "h264", 1920, 1080, "dts"), p);
    EXPECT_EQ(plan.action, Action::audio_only);
    EXPECT_EQ(plan.audio_codec, "ac3");
    // A container without a list takes every codec of the audio list.
    EXPECT_EQ(decide(video(kMp4, "mp4", "h264", 1920, 1080, "aac"), p).action, Action::direct);
}

} // namespace
} // namespace hearth::transcode
