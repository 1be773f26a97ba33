// The settling rules with a made-up clock: quiet folders, files still being written, endless events.
#include "hearth/library/settle.hpp"

#include <gtest/gtest.h>

namespace hearth::library {
namespace {

using namespace std::chrono_literals;
using Clock = ChangeSettler::Clock;

class SettleTest : public ::testing::Test {
  protected:
    Clock::time_point t0 = Clock::time_point{} + 1000s;
    ChangeSettler settler{ChangeSettler::Timing{1s, 30s, 10s}};
};

TEST_F(SettleTest, AFolderIsDueOnceQuietForTheDelay) {
    settler.changed("/m/a", t0);
    EXPECT_TRUE(settler.take_due(t0 + 999ms).empty());
    EXPECT_EQ(settler.next_due(), t0 + 1s);
    EXPECT_EQ(settler.take_due(t0 + 1s), std::vector<std::string>{"/m/a"});
    EXPECT_TRUE(settler.empty());
    EXPECT_FALSE(settler.next_due());
}

TEST_F(SettleTest, EventsCoalescePerFolderAndEachNewOneRestartsTheQuietTime) {
    for (int i = 0; i < 50; ++i)
        settler.changed("/m/burst", t0 + i * 10ms);
    settler.changed("/m/other", t0);
    EXPECT_EQ(settler.take_due(t0 + 1s), std::vector<std::string>{"/m/other"});
    EXPECT_TRUE(settler.take_due(t0 + 1480ms).empty());
    EXPECT_EQ(settler.take_due(t0 + 1490ms), std::vector<std::string>{"/m/burst"});
}

TEST_F(SettleTest, AFileBeingWrittenHoldsItsFolderUntilClosed) {
    settler.writing("/m/a", "film.mkv", t0);
    settler.writing("/m/a", "film.mkv", t0 + 2s); // a slow copy: writes with pauses longer than the delay
    EXPECT_TRUE(settler.take_due(t0 + 4s).empty());
    settler.closed("/m/a", "film.mkv", t0 + 5s);
    EXPECT_TRUE(settler.take_due(t0 + 5500ms).empty());
    EXPECT_EQ(settler.take_due(t0 + 6s), std::vector<std::string>{"/m/a"});
}

TEST_F(SettleTest, AFileDeletedWhileOpenNoLongerHoldsTheFolder) {
    settler.writing("/m/a", "part.mp4", t0);
    settler.closed("/m/a", "part.mp4", t0 + 100ms); // deleted or moved away: same as closed
    EXPECT_EQ(settler.take_due(t0 + 1100ms), std::vector<std::string>{"/m/a"});
}

TEST_F(SettleTest, AWriterThatStallsIsGivenUpOnAfterTheStallTime) {
    settler.writing("/m/a", "stuck.mkv", t0);
    EXPECT_TRUE(settler.take_due(t0 + 29s).empty());
    EXPECT_EQ(settler.next_due(), t0 + 30s);
    EXPECT_EQ(settler.take_due(t0 + 30s), std::vector<std::string>{"/m/a"});
}

TEST_F(SettleTest, EndlessEventsDoNotHoldAFolderForEver) {
    Clock::time_point t = t0;
    std::vector<std::string> due;
    for (; t < t0 + 20s && due.empty(); t += 500ms) {
        settler.changed("/m/log", t);
        due = settler.take_due(t);
    }
    EXPECT_EQ(due, std::vector<std::string>{"/m/log"});
    EXPECT_GE(t, t0 + 10s);
    EXPECT_LE(t, t0 + 11s);
}

} // namespace
} // namespace hearth::library
