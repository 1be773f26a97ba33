#include "hearth/transcode/job.hpp"

#include <gtest/gtest.h>
#include <thread>

namespace hearth::transcode {
namespace {

struct FakeConnection {
    int parked = 0;
    int unparked = 0;
    std::function<void()> park = [this] { ++parked; };
    std::function<void()> unpark = [this] { ++unparked; };
    Parking parking{park, unpark};
};

TEST(StreamBuffer, ParksTheReaderUntilDataArrivesAndWakesItOnce) {
    StreamBuffer b(16);
    FakeConnection c;
    char buf[8];
    EXPECT_EQ(b.read(buf, sizeof buf, c.parking), 0);
    EXPECT_EQ(c.parked, 1);
    const std::uint8_t data[] = {1, 2, 3};
    EXPECT_TRUE(b.write(data, 3));
    EXPECT_EQ(c.unparked, 1);
    EXPECT_TRUE(b.write(data, 3));
    EXPECT_EQ(c.unparked, 1); // woken once per parking
    EXPECT_EQ(b.read(buf, sizeof buf, c.parking), 6);
    EXPECT_EQ(buf[5], 3);
}

TEST(StreamBuffer, EndAndFailureAreReportedAfterTheLastBytes) {
    StreamBuffer ok(16);
    FakeConnection c;
    char buf[8];
    const std::uint8_t data[] = {9};
    ok.write(data, 1);
    ok.finish(false);
    EXPECT_EQ(ok.read(buf, sizeof buf, c.parking), 1);
    EXPECT_EQ(ok.read(buf, sizeof buf, c.parking), -1);
    StreamBuffer broken(16);
    broken.finish(true);
    EXPECT_EQ(broken.read(buf, sizeof buf, c.parking), -2);
}

TEST(StreamBuffer, AFullBufferHoldsTheWriterUntilTheReaderTakesSome) {
    StreamBuffer b(8);
    FakeConnection c;
    const std::uint8_t data[8] = {};
    ASSERT_TRUE(b.write(data, 8));
    std::atomic<bool> second_written{false};
    std::thread writer([&] {
        b.write(data, 4);
        second_written = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(second_written.load());
    char buf[8];
    EXPECT_EQ(b.read(buf, sizeof buf, c.parking), 8);
    writer.join();
    EXPECT_TRUE(second_written.load());
}

TEST(StreamBuffer, DetachingReleasesABlockedWriterAndStopsWakeUps) {
    StreamBuffer b(4);
    FakeConnection c;
    const std::uint8_t data[4] = {};
    b.write(data, 4);
    std::atomic<bool> result{true};
    std::thread writer([&] { result = b.write(data, 4); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    b.detach();
    writer.join();
    EXPECT_FALSE(result.load());
    EXPECT_TRUE(b.detached());
}

} // namespace
} // namespace hearth::transcode
