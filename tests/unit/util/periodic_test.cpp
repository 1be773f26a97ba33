#include "hearth/util/periodic.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <gtest/gtest.h>
#include <mutex>
#include <thread>

namespace hearth::util {
namespace {

using namespace std::chrono_literals;

TEST(Periodic, CallsTheFunctionAgainAndAgainUntilStopped) {
    std::mutex m;
    std::condition_variable cv;
    int ticks = 0;
    Periodic p;
    p.start(1ms, [&] {
        std::lock_guard lock(m);
        ++ticks;
        cv.notify_all();
    });
    {
        std::unique_lock lock(m);
        ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return ticks >= 3; }));
    }
    p.stop();
    int after_stop = 0;
    {
        std::lock_guard lock(m);
        after_stop = ticks;
    }
    std::this_thread::sleep_for(20ms);
    std::lock_guard lock(m);
    EXPECT_EQ(ticks, after_stop) << "no call after stop() returned";
}

TEST(Periodic, StopWakesTheThreadWithoutWaitingForTheInterval) {
    std::atomic<int> ticks{0};
    Periodic p;
    p.start(std::chrono::hours(1), [&] { ++ticks; });
    std::this_thread::sleep_for(50ms); // let the thread get into its wait
    // With an hour's interval, a stop() that did not wake it would hang the test (ctest's timeout fails it).
    p.stop();
    EXPECT_EQ(ticks.load(), 0);
}

TEST(Periodic, StopWithoutStartAndTwiceIsHarmless) {
    Periodic never;
    never.stop();
    Periodic twice;
    twice.start(std::chrono::hours(1), [] {});
    twice.stop();
    twice.stop();
    SUCCEED();
}

} // namespace
} // namespace hearth::util
