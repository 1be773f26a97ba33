#include "hearth/serve/media.hpp"

#include <gtest/gtest.h>
#include <string>

namespace hearth::serve {
namespace {

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

} // namespace
} // namespace hearth::serve

namespace hearth::serve {
namespace {

TEST(PlayedBytes, AnInterruptedStreamEndsWhereTheClientGot) {
    // 60 s in 6000 bytes: 100 bytes a second. A stream from byte 1000 whose client acknowledged 2500 bytes.
    auto p = played_bytes(1000, 5000, 6000, 60, http::Delivery{false, 2500});
    EXPECT_DOUBLE_EQ(p.start, 10);
    EXPECT_DOUBLE_EQ(p.end, 35);
    EXPECT_DOUBLE_EQ(p.duration, 60);
    EXPECT_FALSE(p.reached_end);
}

TEST(PlayedBytes, AcknowledgedBytesNeverReachPastTheRange) {
    // Headers count in the acknowledged bytes; the range still bounds the end.
    auto p = played_bytes(0, 3000, 6000, 60, http::Delivery{false, 3300});
    EXPECT_DOUBLE_EQ(p.end, 30);
    EXPECT_FALSE(p.reached_end);
}

TEST(PlayedBytes, ACompletedRangeToTheEndOfTheFileReachedTheEnd) {
    auto whole = played_bytes(0, 6000, 6000, 60, http::Delivery{true, 0});
    EXPECT_DOUBLE_EQ(whole.end, 60);
    EXPECT_TRUE(whole.reached_end);
    auto middle = played_bytes(0, 3000, 6000, 60, http::Delivery{true, 3200});
    EXPECT_DOUBLE_EQ(middle.end, 30);
    EXPECT_FALSE(middle.reached_end); // a range that stops before the end of the file
}

} // namespace
} // namespace hearth::serve
