// The URL scheme (http/urls.hpp): every builder's path parses back to its id, and nothing else parses.
#include "hearth/http/urls.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <string>

namespace hearth::http {
namespace {

struct IdCase {
    std::string path;
    std::optional<std::int64_t> id;
};

std::ostream& operator<<(std::ostream& os, const IdCase& c) {
    return os << '"' << c.path << '"';
}

class MediaObjectId : public ::testing::TestWithParam<IdCase> {};

TEST_P(MediaObjectId, Parses) {
    const auto& c = GetParam();
    EXPECT_EQ(media_object_id(c.path), c.id);
}

INSTANTIATE_TEST_SUITE_P(Accepted, MediaObjectId,
                         ::testing::Values(IdCase{"/media/12", 12}, IdCase{"/media/12.mp4", 12},
                                           IdCase{"/media/1", 1}, IdCase{"/media/7.m2ts", 7},
                                           IdCase{"/media/7.mp3", 7}, IdCase{"/media/7.jpeg", 7},
                                           IdCase{"/media/9223372036854775807", INT64_MAX}));

INSTANTIATE_TEST_SUITE_P(
    Rejected, MediaObjectId,
    ::testing::Values(IdCase{"/media/", std::nullopt}, IdCase{"/media", std::nullopt},
                      IdCase{"", std::nullopt}, IdCase{"/media/../etc/passwd", std::nullopt},
                      IdCase{"/media/12/x", std::nullopt}, IdCase{"/media/-1", std::nullopt},
                      IdCase{"/media/+1", std::nullopt}, IdCase{"/media/0", std::nullopt},
                      IdCase{"/media/0.mp4", std::nullopt}, IdCase{"/media/12.MP4!", std::nullopt},
                      IdCase{"/media/12.mp4!", std::nullopt}, IdCase{"/media/12.", std::nullopt},
                      IdCase{"/media/.mp4", std::nullopt}, IdCase{"/media/12.tar.gz", std::nullopt},
                      IdCase{"/media/12.toolong", std::nullopt}, IdCase{"/media/12.mp4/x", std::nullopt},
                      IdCase{"/media/12 ", std::nullopt}, IdCase{"/media/ 12", std::nullopt},
                      IdCase{"/media/abc", std::nullopt}, IdCase{"/media/12abc", std::nullopt},
                      IdCase{"/media/0x10", std::nullopt}, IdCase{"/media/12?x=1", std::nullopt},
                      IdCase{"/Media/12", std::nullopt}, IdCase{"/other/12", std::nullopt},
                      IdCase{"media/12", std::nullopt}, IdCase{"//media/12", std::nullopt},
                      IdCase{"/media//12", std::nullopt}, IdCase{"/media/9223372036854775808", std::nullopt},
                      IdCase{"/media/99999999999999999999", std::nullopt},
                      IdCase{std::string("/media/12\0.mp4", 14), std::nullopt}));

TEST(ScaledImageObjectId, ParsesOnlyTheImageVariant) {
    EXPECT_EQ(scaled_image_object_id("/media/30/image.jpg"), 30);
    EXPECT_EQ(scaled_image_object_id("/media/9223372036854775807/image.jpg"), INT64_MAX);
    for (const char* path :
         {"/media/30/image.png", "/media/30/play.ts", "/media/30.jpg", "/media/0/image.jpg",
          "/media/-1/image.jpg", "/media//image.jpg", "/media/30/image.jpg/x", "/media/x/image.jpg",
          "/art/30/image.jpg", "/media/30/Image.jpg"})
        EXPECT_EQ(scaled_image_object_id(path), std::nullopt) << path;
    EXPECT_EQ(media_object_id("/media/30/image.jpg"), std::nullopt);
    EXPECT_EQ(converted_object_id("/media/30/image.jpg"), std::nullopt);
    EXPECT_EQ(converted_object_id("/media/30/play.ts"), 30);
}

TEST(ArtPath, ParsesTheTwoSizesAndNothingElse) {
    struct Case {
        const char* path;
        std::optional<std::int64_t> id;
        ArtVariant variant;
    };
    for (const auto& c :
         {Case{"/art/12", 12, ArtVariant::tn}, Case{"/art/12.jpg", 12, ArtVariant::tn},
          Case{"/art/12/sm.jpg", 12, ArtVariant::sm}, Case{"/art/", {}, {}}, Case{"/art/0", {}, {}},
          Case{"/art/012", {}, {}}, Case{"/art/12.png", {}, {}}, Case{"/art/12/tn.png", {}, {}},
          Case{"/art/-1", {}, {}}, Case{"/art/1x", {}, {}}, Case{"/art/99999999999999999999", {}, {}},
          Case{"/media/12.jpg", {}, {}}, Case{"/art/12/sm.jpg/", {}, {}}}) {
        auto parsed = parse_art_path(c.path);
        ASSERT_EQ(parsed.has_value(), c.id.has_value()) << c.path;
        if (!parsed) continue;
        EXPECT_EQ(parsed->id, *c.id) << c.path;
        EXPECT_EQ(parsed->variant, c.variant) << c.path;
    }
}

TEST(UrlBuilders, WriteWhatTheParsersRead) {
    EXPECT_EQ(media_path(12, "/srv/Videos/film.MP4"), "/media/12.mp4");
    EXPECT_EQ(media_object_id(media_path(12, "/srv/Videos/film.MP4")), 12);
    EXPECT_EQ(media_path(7, "/srv/x.toolong"), "/media/7");
    EXPECT_EQ(media_path(7, "/srv/dir.d/noext"), "/media/7");
    EXPECT_EQ(converted_path(30, Converted::play_ts), "/media/30/play.ts");
    EXPECT_EQ(converted_path(30, Converted::play_mp3), "/media/30/play.mp3");
    EXPECT_EQ(converted_path(30, Converted::image_jpg), "/media/30/image.jpg");
    EXPECT_EQ(converted_object_id(converted_path(30, Converted::play_mp3)), 30);
    EXPECT_EQ(scaled_image_object_id(converted_path(30, Converted::image_jpg)), 30);
    EXPECT_EQ(art_path(INT64_MAX), "/art/9223372036854775807.jpg");
    EXPECT_EQ(art_path(5, ArtVariant::sm), "/art/5/sm.jpg");
    EXPECT_EQ(parse_art_path(art_path(5, ArtVariant::sm))->variant, ArtVariant::sm);
    EXPECT_EQ(subtitle_path(4, "srt"), "/subtitle/4.srt");
    EXPECT_EQ(subtitle_id(subtitle_path(4, "srt")), 4);
}

TEST(SubtitleId, ReadsTheIdBeforeTheFirstDot) {
    EXPECT_EQ(subtitle_id("/subtitle/4.srt"), 4);
    EXPECT_EQ(subtitle_id("/subtitle/4"), 4);
    EXPECT_EQ(subtitle_id("/subtitle/04.srt"), 4); // the caller's whole-path comparison refuses it
    for (const char* path :
         {"/subtitle/", "/subtitle/.srt", "/subtitle/0.srt", "/subtitle/-1.srt", "/subtitle/x.srt",
          "/subtitles/4.srt", "/media/4.srt", "/subtitle/99999999999999999999.srt"})
        EXPECT_EQ(subtitle_id(path), std::nullopt) << path;
}

} // namespace
} // namespace hearth::http
