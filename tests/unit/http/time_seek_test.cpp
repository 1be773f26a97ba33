#include "hearth/http/time_seek.hpp"

#include <gtest/gtest.h>

namespace hearth::http {
namespace {

TEST(TimeSeek, ParsesSecondsAndClockTimes) {
    auto a = parse_time_seek("npt=12.5-");
    ASSERT_TRUE(a);
    EXPECT_DOUBLE_EQ(a->start, 12.5);
    EXPECT_FALSE(a->end);
    auto b = parse_time_seek(" NPT=0:01:02.250-0:02:00 ");
    ASSERT_TRUE(b);
    EXPECT_DOUBLE_EQ(b->start, 62.25);
    EXPECT_DOUBLE_EQ(*b->end, 120);
    auto c = parse_time_seek("npt=10:00:00-");
    ASSERT_TRUE(c);
    EXPECT_DOUBLE_EQ(c->start, 36000);
}

TEST(TimeSeek, RejectsMalformedValues) {
    for (const char* bad : {"", "npt=", "npt=-10", "npt=abc-", "npt=10", "bytes=0-", "npt=1:2:3-",
                            "npt=0:60:00-", "npt=0:00:61-", "npt=20-10", "npt=1.-", "npt=-1-",
                            // Absurd times (found by fuzzing) overflowed the answer header and the seek.
                            "npt=35673333333333333389-", "npt=1000000001-"}) {
        EXPECT_FALSE(parse_time_seek(bad)) << bad;
    }
}

TEST(TimeSeek, AnswersWithClockTimes) {
    EXPECT_EQ(time_seek_answer(62.25, std::nullopt, 3600.5), "npt=0:01:02.250-1:00:00.500/1:00:00.500");
    EXPECT_EQ(time_seek_answer(10, 20.0, std::nullopt), "npt=0:00:10.000-0:00:20.000/*");
    EXPECT_EQ(time_seek_answer(0, std::nullopt, std::nullopt), "npt=0:00:00.000-/*");
}

} // namespace
} // namespace hearth::http
