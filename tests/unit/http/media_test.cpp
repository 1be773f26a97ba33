#include "hearth/http/media.hpp"

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

struct ModeCase {
    std::string requested;
    bool is_image;
    std::string expected;
};

std::ostream& operator<<(std::ostream& os, const ModeCase& c) {
    return os << '"' << c.requested << "\" " << (c.is_image ? "image" : "a/v");
}

class TransferMode : public ::testing::TestWithParam<ModeCase> {};

TEST_P(TransferMode, EchoesValidRequestElseDefault) {
    const auto& c = GetParam();
    EXPECT_EQ(transfer_mode(c.requested, c.is_image), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, TransferMode,
    ::testing::Values(
        // defaults when nothing (or nonsense) was asked for
        ModeCase{"", false, "Streaming"}, ModeCase{"", true, "Interactive"},
        ModeCase{"Bogus", false, "Streaming"}, ModeCase{"Bogus", true, "Interactive"},
        // valid requests are echoed, in canonical spelling
        ModeCase{"Streaming", false, "Streaming"}, ModeCase{"streaming", false, "Streaming"},
        ModeCase{" Streaming ", false, "Streaming"}, ModeCase{"Interactive", true, "Interactive"},
        ModeCase{"INTERACTIVE", true, "Interactive"}, ModeCase{"Background", false, "Background"},
        ModeCase{"Background", true, "Background"}, ModeCase{"background", true, "Background"},
        // a mode that does not fit the content falls back to the default
        ModeCase{"Interactive", false, "Streaming"}, ModeCase{"Streaming", true, "Interactive"}));

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

} // namespace
} // namespace hearth::http

namespace hearth::http {
namespace {

TEST(PlayedBytes, AnInterruptedStreamEndsWhereTheClientGot) {
    // 60 s in 6000 bytes: 100 bytes a second. A stream from byte 1000 whose client acknowledged 2500 bytes.
    auto p = played_bytes(1000, 5000, 6000, 60, Delivery{false, 2500});
    EXPECT_DOUBLE_EQ(p.start, 10);
    EXPECT_DOUBLE_EQ(p.end, 35);
    EXPECT_DOUBLE_EQ(p.duration, 60);
    EXPECT_FALSE(p.reached_end);
}

TEST(PlayedBytes, AcknowledgedBytesNeverReachPastTheRange) {
    // Headers count in the acknowledged bytes; the range still bounds the end.
    auto p = played_bytes(0, 3000, 6000, 60, Delivery{false, 3300});
    EXPECT_DOUBLE_EQ(p.end, 30);
    EXPECT_FALSE(p.reached_end);
}

TEST(PlayedBytes, ACompletedRangeToTheEndOfTheFileReachedTheEnd) {
    auto whole = played_bytes(0, 6000, 6000, 60, Delivery{true, 0});
    EXPECT_DOUBLE_EQ(whole.end, 60);
    EXPECT_TRUE(whole.reached_end);
    auto middle = played_bytes(0, 3000, 6000, 60, Delivery{true, 3200});
    EXPECT_DOUBLE_EQ(middle.end, 30);
    EXPECT_FALSE(middle.reached_end); // a range that stops before the end of the file
}

} // namespace
} // namespace hearth::http
