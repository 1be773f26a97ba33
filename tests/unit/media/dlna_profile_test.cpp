#include "hearth/media/media_info.hpp"
#include "support/media_info.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <string>

namespace hearth::media {
namespace {

using test::image;
using test::kMp4;

constexpr int kBaseline = 66, kMain = 77, kHigh = 100, kHigh10 = 110, kHigh444 = 244,
              kConstrainedBaseline = 578;

MediaInfo audio(std::string container, std::string ext, std::string codec, std::int64_t rate = 44100,
                std::int64_t channels = 2) {
    MediaInfo i;
    i.kind = Kind::audio;
    i.container = std::move(container);
    i.extension = std::move(ext);
    i.audio_codec = std::move(codec);
    i.sample_rate = rate;
    i.channels = channels;
    return i;
}

MediaInfo video(std::string container, std::string ext, std::string vcodec, int profile, std::int64_t w,
                std::int64_t h, std::string acodec, double fps = 23.976) {
    MediaInfo i;
    i.kind = Kind::video;
    i.container = std::move(container);
    i.extension = std::move(ext);
    i.video_codec = std::move(vcodec);
    i.video_profile = profile;
    i.width = w;
    i.height = h;
    i.frame_rate = fps;
    i.audio_codec = std::move(acodec);
    i.channels = 2;
    i.sample_rate = 48000;
    return i;
}

template <typename F> MediaInfo with(MediaInfo i, F change) {
    change(i);
    return i;
}

struct FormatCase {
    std::string name;
    MediaInfo info;
    std::string mime;
    std::optional<std::string> profile;
    std::string upnp_class;
};

std::ostream& operator<<(std::ostream& os, const FormatCase& c) {
    return os << c.name;
}

class DlnaFormatTable : public ::testing::TestWithParam<FormatCase> {};

TEST_P(DlnaFormatTable, Maps) {
    const auto& c = GetParam();
    auto f = dlna_format(c.info);
    EXPECT_EQ(f.mime, c.mime);
    EXPECT_EQ(f.profile, c.profile);
    EXPECT_EQ(f.upnp_class, c.upnp_class);
}

const std::string kMusic = "object.item.audioItem.musicTrack";
const std::string kVideo = "object.item.videoItem";
const std::string kPhoto = "object.item.imageItem.photo";
const auto none = std::nullopt;

INSTANTIATE_TEST_SUITE_P(
    Audio, DlnaFormatTable,
    ::testing::Values(
        FormatCase{"mp3", audio("mp3", "mp3", "mp3"), "audio/mpeg", "MP3", kMusic},
        FormatCase{"mp3_48k", audio("mp3", "mp3", "mp3", 48000), "audio/mpeg", "MP3", kMusic},
        FormatCase{"mp3_22k_no_pn", audio("mp3", "mp3", "mp3", 22050), "audio/mpeg", none, kMusic},
        FormatCase{"mp3_no_rate_no_pn",
                   with(audio("mp3", "mp3", "mp3"), [](auto& i) { i.sample_rate.reset(); }), "audio/mpeg",
                   none, kMusic},
        FormatCase{"aac_m4a", with(audio(kMp4, "m4a", "aac"), [](auto& i) { i.audio_bitrate = 256000; }),
                   "audio/mp4", "AAC_ISO_320", kMusic},
        FormatCase{"aac_m4a_high_bitrate",
                   with(audio(kMp4, "m4a", "aac"), [](auto& i) { i.audio_bitrate = 400000; }), "audio/mp4",
                   "AAC_ISO", kMusic},
        FormatCase{"aac_m4a_6ch_no_pn", audio(kMp4, "m4a", "aac", 48000, 6), "audio/mp4", none, kMusic},
        FormatCase{"alac_m4a_no_pn", audio(kMp4, "m4a", "alac"), "audio/mp4", none, kMusic},
        FormatCase{"aac_adts", audio("aac", "aac", "aac"), "audio/vnd.dlna.adts", "AAC_ADTS_320", kMusic},
        FormatCase{"ac3", audio("ac3", "ac3", "ac3", 48000, 6), "audio/vnd.dolby.dd-raw", "AC3", kMusic},
        FormatCase{"wma", with(audio("asf", "wma", "wmav2"), [](auto& i) { i.bitrate = 128000; }),
                   "audio/x-ms-wma", "WMABASE", kMusic},
        FormatCase{"flac", audio("flac", "flac", "flac"), "audio/flac", none, kMusic},
        FormatCase{"ogg_vorbis", audio("ogg", "ogg", "vorbis"), "audio/ogg", none, kMusic},
        FormatCase{"opus", audio("ogg", "opus", "opus", 48000), "audio/ogg; codecs=opus", none, kMusic},
        FormatCase{"wav", audio("wav", "wav", "pcm_s16le"), "audio/wav", none, kMusic},
        FormatCase{"mka", audio("matroska,webm", "mka", "flac"), "audio/x-matroska", none, kMusic}));

INSTANTIATE_TEST_SUITE_P(
    Video, DlnaFormatTable,
    ::testing::Values(
        FormatCase{"h264_main_720p_aac_mp4", video(kMp4, "mp4", "h264", kMain, 1280, 720, "aac"), "video/mp4",
                   "AVC_MP4_MP_HD_720p_AAC", kVideo},
        FormatCase{"h264_high_1080p_aac_mp4", video(kMp4, "mp4", "h264", kHigh, 1920, 1080, "aac"),
                   "video/mp4", "AVC_MP4_HP_HD_AAC", kVideo},
        FormatCase{"h264_main_1080_aac_mp4", video(kMp4, "mp4", "h264", kMain, 1920, 1080, "aac"),
                   "video/mp4", "AVC_MP4_MP_HD_1080i_AAC", kVideo},
        FormatCase{"h264_main_sd_aac_mp4", video(kMp4, "mp4", "h264", kMain, 720, 576, "aac"), "video/mp4",
                   "AVC_MP4_MP_SD_AAC_MULT5", kVideo},
        FormatCase{"h264_cbp_sd_aac_m4v", video(kMp4, "m4v", "h264", kConstrainedBaseline, 640, 360, "aac"),
                   "video/mp4", "AVC_MP4_MP_SD_AAC_MULT5", kVideo},
        FormatCase{"h264_cbp_sd_ac3", video(kMp4, "mp4", "h264", kConstrainedBaseline, 720, 480, "ac3"),
                   "video/mp4", "AVC_MP4_MP_SD_AC3", kVideo},
        // Plain Baseline may use FMO/ASO, which Main decoders need not support: no PN.
        FormatCase{"h264_baseline_no_pn", video(kMp4, "mp4", "h264", kBaseline, 720, 480, "aac"), "video/mp4",
                   none, kVideo},
        FormatCase{"h264_main_1080_ac3_mp4", video(kMp4, "mp4", "h264", kMain, 1920, 1080, "ac3"),
                   "video/mp4", "AVC_MP4_MP_HD_AC3", kVideo},
        FormatCase{"h264_high444_no_pn", video(kMp4, "mp4", "h264", kHigh444, 1920, 1080, "aac"), "video/mp4",
                   none, kVideo},
        FormatCase{"h264_high10_no_pn", video(kMp4, "mp4", "h264", kHigh10, 1920, 1080, "aac"), "video/mp4",
                   none, kVideo},
        FormatCase{"h264_unknown_profile_no_pn", video(kMp4, "mp4", "h264", -1, 1920, 1080, "aac"),
                   "video/mp4", none, kVideo},
        FormatCase{"h264_4k_no_pn", video(kMp4, "mp4", "h264", kHigh, 3840, 2160, "aac"), "video/mp4", none,
                   kVideo},
        FormatCase{"h264_opus_no_pn", video(kMp4, "mp4", "h264", kHigh, 1920, 1080, "opus"), "video/mp4",
                   none, kVideo},
        FormatCase{
            "h264_aac_7_1_no_pn",
            with(video(kMp4, "mp4", "h264", kHigh, 1920, 1080, "aac"), [](auto& i) { i.channels = 8; }),
            "video/mp4", none, kVideo},
        FormatCase{"h264_no_size_no_pn",
                   with(video(kMp4, "mp4", "h264", kMain, 0, 0, "aac"),
                        [](auto& i) {
                            i.width.reset();
                            i.height.reset();
                        }),
                   "video/mp4", none, kVideo},
        FormatCase{"hevc_mp4_no_pn", video(kMp4, "mp4", "hevc", 1, 1920, 1080, "aac"), "video/mp4", none,
                   kVideo},
        FormatCase{"mov_quicktime", video(kMp4, "mov", "h264", kHigh, 1920, 1080, "aac"), "video/quicktime",
                   "AVC_MP4_HP_HD_AAC", kVideo},
        FormatCase{"hevc_mkv", video("matroska,webm", "mkv", "hevc", 1, 3840, 2160, "eac3"),
                   "video/x-matroska", none, kVideo},
        FormatCase{"h264_mkv_no_pn", video("matroska,webm", "mkv", "h264", kHigh, 1920, 1080, "aac"),
                   "video/x-matroska", none, kVideo},
        FormatCase{"vp9_webm", video("matroska,webm", "webm", "vp9", 0, 1920, 1080, "opus"), "video/webm",
                   none, kVideo},
        FormatCase{"mpeg2_ps_pal", video("mpeg", "mpg", "mpeg2video", 4, 720, 576, "mp2", 25.0), "video/mpeg",
                   "MPEG_PS_PAL", kVideo},
        FormatCase{"mpeg2_ps_ntsc", video("mpeg", "mpg", "mpeg2video", 4, 720, 480, "ac3", 29.97),
                   "video/mpeg", "MPEG_PS_NTSC", kVideo},
        FormatCase{"mpeg2_vob_pal", video("vob", "vob", "mpeg2video", 4, 720, 576, "ac3", 25.0), "video/mpeg",
                   "MPEG_PS_PAL", kVideo},
        FormatCase{"mpeg2_ps_hd_no_pn", video("mpeg", "mpg", "mpeg2video", 4, 1920, 1080, "mp2", 25.0),
                   "video/mpeg", none, kVideo},
        FormatCase{"mpeg1", video("mpeg", "mpg", "mpeg1video", -1, 352, 288, "mp2", 25.0), "video/mpeg",
                   "MPEG1", kVideo},
        FormatCase{"mpeg2_ts_hd_na", video("mpegts", "ts", "mpeg2video", 4, 1920, 1080, "ac3", 29.97),
                   "video/mpeg", "MPEG_TS_HD_NA_ISO", kVideo},
        FormatCase{"mpeg2_ts_hd_eu", video("mpegts", "ts", "mpeg2video", 4, 1920, 1080, "mp2", 25.0),
                   "video/mpeg", "MPEG_TS_HD_EU_ISO", kVideo},
        FormatCase{"mpeg2_ts_sd_eu", video("mpegts", "ts", "mpeg2video", 4, 720, 576, "mp2", 25.0),
                   "video/mpeg", "MPEG_TS_SD_EU_ISO", kVideo},
        FormatCase{"mpeg2_ts_sd_na_m2ts", video("mpegts", "m2ts", "mpeg2video", 4, 720, 480, "ac3", 29.97),
                   "video/vnd.dlna.mpeg-tts", "MPEG_TS_SD_NA_T", kVideo},
        FormatCase{"mpeg2_ts_aac_no_pn", video("mpegts", "ts", "mpeg2video", 4, 1920, 1080, "aac", 25.0),
                   "video/mpeg", none, kVideo},
        FormatCase{"h264_ts_main_hd_aac", video("mpegts", "ts", "h264", kMain, 1920, 1080, "aac", 25.0),
                   "video/mpeg", "AVC_TS_MP_HD_AAC_MULT5_ISO", kVideo},
        FormatCase{"h264_m2ts_main_hd_ac3", video("mpegts", "m2ts", "h264", kMain, 1920, 1080, "ac3", 25.0),
                   "video/vnd.dlna.mpeg-tts", "AVC_TS_MP_HD_AC3_T", kVideo},
        FormatCase{"h264_mts_high_hd_ac3", video("mpegts", "mts", "h264", kHigh, 1920, 1080, "ac3", 50.0),
                   "video/vnd.dlna.mpeg-tts", "AVC_TS_HP_HD_AC3_T", kVideo},
        FormatCase{"h264_ts_sd_mp3", video("mpegts", "ts", "h264", kMain, 720, 576, "mp3", 25.0),
                   "video/mpeg", "AVC_TS_MP_SD_MPEG1_L3_ISO", kVideo},
        FormatCase{"h264_ts_4k_no_pn", video("mpegts", "ts", "h264", kHigh, 3840, 2160, "aac", 25.0),
                   "video/mpeg", none, kVideo},
        FormatCase{"avi", video("avi", "avi", "mpeg4", 0, 720, 400, "mp3"), "video/x-msvideo", none, kVideo},
        FormatCase{"wmv", video("asf", "wmv", "wmv3", 0, 1280, 720, "wmav2"), "video/x-ms-wmv", none,
                   kVideo}));

INSTANTIATE_TEST_SUITE_P(
    Image, DlnaFormatTable,
    ::testing::Values(
        FormatCase{"jpeg_sm", image("image2", "jpg", "mjpeg", 640, 480), "image/jpeg", "JPEG_SM", kPhoto},
        FormatCase{"jpeg_tiny_is_sm", image("image2", "jpg", "mjpeg", 100, 100), "image/jpeg", "JPEG_SM",
                   kPhoto},
        FormatCase{"jpeg_med", image("image2", "jpg", "mjpeg", 1024, 768), "image/jpeg", "JPEG_MED", kPhoto},
        FormatCase{"jpeg_641_is_med", image("image2", "jpg", "mjpeg", 641, 480), "image/jpeg", "JPEG_MED",
                   kPhoto},
        FormatCase{"jpeg_portrait_sm_is_med", image("image2", "jpg", "mjpeg", 480, 640), "image/jpeg",
                   "JPEG_MED", kPhoto},
        FormatCase{"jpeg_lrg", image("image2", "jpg", "mjpeg", 4000, 3000), "image/jpeg", "JPEG_LRG", kPhoto},
        FormatCase{"jpeg_4096", image("image2", "jpg", "mjpeg", 4096, 4096), "image/jpeg", "JPEG_LRG",
                   kPhoto},
        FormatCase{"jpeg_too_big", image("image2", "jpg", "mjpeg", 6000, 4000), "image/jpeg", none, kPhoto},
        FormatCase{"jpeg_no_size",
                   with(image("image2", "jpg", "mjpeg", 0, 0), [](auto& i) { i.width.reset(); }),
                   "image/jpeg", none, kPhoto},
        FormatCase{"jpeg_pipe", image("jpeg_pipe", "jpeg", "", 800, 600), "image/jpeg", "JPEG_MED", kPhoto},
        FormatCase{"png", image("png_pipe", "png", "png", 800, 600), "image/png", "PNG_LRG", kPhoto},
        FormatCase{"png_too_big", image("png_pipe", "png", "png", 5000, 5000), "image/png", none, kPhoto},
        FormatCase{"gif", image("gif", "gif", "gif", 320, 240), "image/gif", "GIF_LRG", kPhoto},
        FormatCase{"webp", image("webp_pipe", "webp", "webp", 800, 600), "image/webp", none, kPhoto},
        FormatCase{"tiff", image("tiff_pipe", "tif", "tiff", 800, 600), "image/tiff", none, kPhoto}));

// --- content_features / protocol_info ---

TEST(DlnaContentFeatures, AudioVideoWithProfile) {
    EXPECT_EQ(content_features(std::string("MP3"), false),
              "DLNA.ORG_PN=MP3;DLNA.ORG_OP=01;DLNA.ORG_CI=0;DLNA.ORG_FLAGS=01700000000000000000000000000000");
}

TEST(DlnaContentFeatures, WithoutProfileOmitsPn) {
    EXPECT_EQ(content_features(std::nullopt, false),
              "DLNA.ORG_OP=01;DLNA.ORG_CI=0;DLNA.ORG_FLAGS=01700000000000000000000000000000");
}

TEST(DlnaContentFeatures, ImagesAreInteractive) {
    EXPECT_EQ(
        content_features(std::string("JPEG_LRG"), true),
        "DLNA.ORG_PN=JPEG_LRG;DLNA.ORG_OP=01;DLNA.ORG_CI=0;DLNA.ORG_FLAGS=00D00000000000000000000000000000");
}

TEST(DlnaContentFeatures, FlagsAreThirtyTwoHexDigits) {
    for (bool is_image : {false, true}) {
        auto features = content_features(std::nullopt, is_image);
        auto flags = features.substr(features.find("DLNA.ORG_FLAGS=") + 15);
        EXPECT_EQ(flags.size(), 32U) << flags;
        EXPECT_EQ(flags.find_first_not_of("0123456789ABCDEF"), std::string::npos) << flags;
        auto high = std::stoul(flags.substr(0, 8), nullptr, 16);
        EXPECT_TRUE(high & 0x00100000) << "DLNA 1.5 flag";
        EXPECT_TRUE(high & 0x00400000) << "background transfer mode";
        EXPECT_EQ((high & 0x01000000) != 0, !is_image) << "streaming mode for A/V only";
        EXPECT_EQ((high & 0x00800000) != 0, is_image) << "interactive mode for images only";
        EXPECT_FALSE(high & 0x80000000) << "a file is not sender-paced";
    }
}

TEST(DlnaProtocolInfo, JoinsFourFields) {
    EXPECT_EQ(protocol_info("video/mp4", std::string("AVC_MP4_HP_HD_AAC"), false),
              "http-get:*:video/mp4:DLNA.ORG_PN=AVC_MP4_HP_HD_AAC;DLNA.ORG_OP=01;DLNA.ORG_CI=0;"
              "DLNA.ORG_FLAGS=01700000000000000000000000000000");
    EXPECT_EQ(
        protocol_info("audio/flac", std::nullopt, false),
        "http-get:*:audio/flac:DLNA.ORG_OP=01;DLNA.ORG_CI=0;DLNA.ORG_FLAGS=01700000000000000000000000000000");
}

// --- format_duration ---

struct DurationCase {
    std::int64_t ms;
    std::string text;
};

std::ostream& operator<<(std::ostream& os, const DurationCase& c) {
    return os << c.ms;
}

class FormatDuration : public ::testing::TestWithParam<DurationCase> {};

TEST_P(FormatDuration, Formats) {
    EXPECT_EQ(format_duration(GetParam().ms), GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(
    Table, FormatDuration,
    ::testing::Values(DurationCase{0, "0:00:00.000"}, DurationCase{1, "0:00:00.001"},
                      DurationCase{999, "0:00:00.999"}, DurationCase{1000, "0:00:01.000"},
                      DurationCase{59999, "0:00:59.999"}, DurationCase{60000, "0:01:00.000"},
                      DurationCase{3723004, "1:02:03.004"}, DurationCase{3599999, "0:59:59.999"},
                      DurationCase{36000000, "10:00:00.000"}, DurationCase{360000000, "100:00:00.000"},
                      DurationCase{-5, "0:00:00.000"}));

// --- kind_from_extension ---

TEST(KindFromExtension, KnownExtensions) {
    for (auto e : {"mp4", "m4v", "mkv", "webm", "avi", "mov", "ts", "m2ts", "mts", "mpg", "mpeg", "vob",
                   "wmv", "flv"}) {
        EXPECT_EQ(kind_from_extension(e), Kind::video) << e;
    }
    for (auto e : {"mp3", "flac", "m4a", "aac", "ogg", "opus", "wav", "wma", "ac3", "mka", "aiff"}) {
        EXPECT_EQ(kind_from_extension(e), Kind::audio) << e;
    }
    for (auto e : {"jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff"}) {
        EXPECT_EQ(kind_from_extension(e), Kind::image) << e;
    }
}

TEST(KindFromExtension, OtherFilesAreNotShared) {
    for (auto e : {"", "txt", "nfo", "srt", "jpg.part", ".mp4", "mp", "mp44", "exe", "db"}) {
        EXPECT_EQ(kind_from_extension(e), std::nullopt) << e;
    }
}

TEST(KindFromExtension, ExpectsLowerCase) {
    // MediaInfo::extension is lower-case by contract; the scanner lower-cases before asking.
    EXPECT_EQ(kind_from_extension("MP4"), std::nullopt);
}

TEST(SubtitleMime, WhatRenderersExpectPerFormat) {
    EXPECT_EQ(subtitle_mime("srt"), "text/srt");
    EXPECT_EQ(subtitle_mime("vtt"), "text/vtt");
    EXPECT_EQ(subtitle_mime("ass"), "text/x-ssa");
    EXPECT_EQ(subtitle_mime("ssa"), "text/x-ssa");
    EXPECT_EQ(subtitle_mime("sub"), "text/x-microdvd");
    EXPECT_EQ(subtitle_mime("idx"), "text/plain");
}

} // namespace
} // namespace hearth::media
