#include "hearth/library/watch_limit.hpp"

#include <gtest/gtest.h>

namespace hearth::library {
namespace {

TEST(WatchLimit, WarnsAboveOrNearTheLimit) {
    auto room = watch_limit_advice(8192, 100, true);
    EXPECT_EQ(room.room, WatchLimitAdvice::enough);
    EXPECT_EQ(room.text, "inotify: 100 folders to watch, the limit is 8192");
    EXPECT_EQ(room.hint, "");
    auto over = watch_limit_advice(8192, 9000, true);
    EXPECT_EQ(over.room, WatchLimitAdvice::too_few);
    EXPECT_EQ(over.text,
              "inotify: 9000 folders to watch but the limit is 8192: changes in the rest are seen only "
              "by rescans");
    EXPECT_EQ(over.hint,
              "raise it: echo fs.inotify.max_user_watches=524288 > /etc/sysctl.d/90-hearth.conf && "
              "sysctl --system");
    auto close = watch_limit_advice(10000, 9500, true);
    EXPECT_EQ(close.room, WatchLimitAdvice::close);
    EXPECT_EQ(close.text, "inotify: 9500 folders to watch, close to the limit of 10000 that all programs of "
                          "the user share");
    EXPECT_EQ(watch_limit_advice(10000, 9000, true).room, WatchLimitAdvice::enough); // exactly 90%
    auto unknown = watch_limit_advice(std::nullopt, 1, true);
    EXPECT_EQ(unknown.room, WatchLimitAdvice::unknown);
    EXPECT_EQ(unknown.text, "inotify: 1 folder to watch; the limit cannot be read");
    EXPECT_NE(watch_limit_advice(8192, 50, false).text.find("at least 50 folders"), std::string::npos);
}

TEST(WatchLimit, SuggestsRoom) {
    EXPECT_EQ(suggested_watch_limit(10), 524288u);
    EXPECT_EQ(suggested_watch_limit(262144), 524288u);
    EXPECT_EQ(suggested_watch_limit(300000), 1048576u);
}

} // namespace
} // namespace hearth::library
