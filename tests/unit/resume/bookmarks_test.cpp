#include "hearth/resume/bookmarks.hpp"
#include "support/index.hpp"
#include "support/temp_dir.hpp"

#include <chrono>
#include <gtest/gtest.h>
#include <thread>

namespace hearth::resume {
namespace {

// --- arithmetic ---

TEST(FinishMargin, IsFivePercentButAtLeastTenSeconds) {
    EXPECT_DOUBLE_EQ(finish_margin(60), 10);
    EXPECT_DOUBLE_EQ(finish_margin(200), 10);
    EXPECT_DOUBLE_EQ(finish_margin(7200), 360);
}

struct StreamCase {
    const char* what;
    Played played;
    Verdict expected;
};

std::ostream& operator<<(std::ostream& os, const StreamCase& c) {
    return os << c.what;
}

class AfterStream : public ::testing::TestWithParam<StreamCase> {};

TEST_P(AfterStream, Judges) {
    EXPECT_EQ(after_stream(GetParam().played), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AfterStream,
    ::testing::Values(
        StreamCase{"interrupted in the middle", {0, 1234.9, 7200, false}, {Change::set, 1234}},
        StreamCase{"resumed, then interrupted", {600, 900, 7200, false}, {Change::set, 900}},
        StreamCase{"a short look after a seek", {600, 606, 7200, false}, {Change::set, 606}},
        StreamCase{"a probe of the start", {0, 0.5, 7200, false}, {}},
        StreamCase{"a probe of the index at the end", {7199, 7200, 7200, true}, {}},
        StreamCase{
            "a film's whole moov index at the end (25 s worth of bytes)", {7175, 7200, 7200, true}, {}},
        StreamCase{"started in the credits, stopped there", {7000, 7100, 7200, false}, {}},
        StreamCase{"stopped within the first seconds", {0, 8, 7200, false}, {}},
        StreamCase{"ran to the end", {0, 7200, 7200, true}, {Change::clear, 0}},
        StreamCase{"resumed and ran to the end", {3000, 7200, 7200, true}, {Change::clear, 0}},
        StreamCase{"stopped in the credits", {0, 6900, 7200, false}, {Change::clear, 0}},
        StreamCase{"stopped just before the credits", {0, 6800, 7200, false}, {Change::set, 6800}},
        StreamCase{"short clip stopped 10 s before the end", {0, 50, 60, false}, {Change::clear, 0}},
        StreamCase{"short clip stopped in the middle", {0, 30, 60, false}, {Change::set, 30}},
        StreamCase{"duration unknown", {0, 300, 0, false}, {}}));

TEST(AfterSetBookmark, KeepsPositionsBetweenTheStartAndTheCredits) {
    EXPECT_EQ(after_set_bookmark(1234, 7200), (Verdict{Change::set, 1234}));
    EXPECT_EQ(after_set_bookmark(10, 7200), (Verdict{Change::set, 10}));
    EXPECT_EQ(after_set_bookmark(6839, 7200), (Verdict{Change::set, 6839}));
    EXPECT_EQ(after_set_bookmark(5000, 0), (Verdict{Change::set, 5000})); // duration unknown
}

TEST(AfterSetBookmark, TheStartOrTheEndClears) {
    EXPECT_EQ(after_set_bookmark(0, 7200), (Verdict{Change::clear, 0}));
    EXPECT_EQ(after_set_bookmark(9, 7200), (Verdict{Change::clear, 0}));
    EXPECT_EQ(after_set_bookmark(6840, 7200), (Verdict{Change::clear, 0}));
    EXPECT_EQ(after_set_bookmark(7200, 7200), (Verdict{Change::clear, 0}));
}

TEST(SecondsAtByte, IsProportional) {
    EXPECT_DOUBLE_EQ(seconds_at_byte(0, 1000, 60), 0);
    EXPECT_DOUBLE_EQ(seconds_at_byte(500, 1000, 60), 30);
    EXPECT_DOUBLE_EQ(seconds_at_byte(1000, 1000, 60), 60);
    EXPECT_DOUBLE_EQ(seconds_at_byte(5000, 1000, 60), 60); // never past the end
    EXPECT_DOUBLE_EQ(seconds_at_byte(500, 0, 60), 0);
    EXPECT_DOUBLE_EQ(seconds_at_byte(500, 1000, 0), 0);
    // Large files: no overflow on the way.
    EXPECT_NEAR(seconds_at_byte(30'000'000'000ULL, 60'000'000'000ULL, 7200), 3600, 1e-6);
}

TEST(PlaybackPosition, IsHoursMinutesSeconds) {
    EXPECT_EQ(playback_position(0), "0:00:00");
    EXPECT_EQ(playback_position(42), "0:00:42");
    EXPECT_EQ(playback_position(59 * 60 + 59), "0:59:59");
    EXPECT_EQ(playback_position(3723), "1:02:03");
    EXPECT_EQ(playback_position(123 * 3600), "123:00:00");
    EXPECT_EQ(playback_position(-5), "0:00:00");
}

// --- Bookmarks ---

class BookmarksTest : public ::testing::Test {
  protected:
    void SetUp() override {
        test::IndexWriter db(path);
        db.exec("INSERT INTO objects(id, parent_id, is_container, path, title, upnp_class) VALUES"
                "(1, 0, 1, '/m', 'm', 'object.container.storageFolder'),"
                "(10, 1, 0, '/m/a.mp4', 'a', 'object.item.videoItem'),"
                "(11, 1, 0, '/m/b.mp4', 'b', 'object.item.videoItem')");
    }

    std::int64_t rows() {
        db::Database db(path, db::OpenMode::read_only);
        auto s = db.prepare("SELECT count(*) FROM bookmarks");
        s.step();
        return s.int64(0);
    }

    test::TempDir dir;
    std::filesystem::path path = dir / "index.db";
};

TEST_F(BookmarksTest, BelongToOneItemAndOneDevice) {
    Bookmarks marks(path);
    marks.apply(10, 3, {Change::set, 600});
    EXPECT_EQ(marks.get(10, 3), 600);
    EXPECT_EQ(marks.get(10, 4), std::nullopt);
    EXPECT_EQ(marks.get(11, 3), std::nullopt);
    EXPECT_EQ(marks.get(10, kHostDevice), std::nullopt);
    marks.apply(10, 3, {Change::set, 700});
    EXPECT_EQ(marks.get(10, 3), 700);
    marks.apply(10, 3, {});
    EXPECT_EQ(marks.get(10, 3), 700); // "none" changes nothing
    marks.apply(10, 3, {Change::clear, 0});
    EXPECT_EQ(marks.get(10, 3), std::nullopt);
}

TEST_F(BookmarksTest, SurviveARestartAndClearingRemovesTheRow) {
    {
        Bookmarks marks(path);
        marks.start();
        marks.apply(10, 3, {Change::set, 600});
        marks.apply(11, kHostDevice, {Change::set, 42});
        marks.apply(11, 5, {Change::set, 99});
        marks.apply(11, 5, {Change::clear, 0});
        marks.stop();
    }
    EXPECT_EQ(rows(), 2);
    Bookmarks again(path);
    EXPECT_EQ(again.get(10, 3), 600);
    EXPECT_EQ(again.get(11, kHostDevice), 42);
    EXPECT_EQ(again.get(11, 5), std::nullopt);
    again.apply(10, 3, {Change::clear, 0});
    again.stop();
    EXPECT_EQ(rows(), 1);
}

TEST_F(BookmarksTest, AreWrittenWhileRunning) {
    Bookmarks marks(path);
    marks.start();
    marks.apply(10, 3, {Change::set, 600});
    // The thread writes within about a second; poll a little longer (bounded).
    for (int i = 0; i < 50 && rows() == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(rows(), 1);
}

TEST_F(BookmarksTest, ItemsGoneFromTheIndexAreNotLoaded) {
    {
        Bookmarks marks(path);
        marks.apply(10, 3, {Change::set, 600});
        marks.apply(11, 3, {Change::set, 700});
    } // stop() in the destructor writes them
    {
        db::Database db(path, db::OpenMode::read_write_create);
        db.exec("DELETE FROM objects WHERE id = 11");
    }
    Bookmarks again(path);
    EXPECT_EQ(again.get(10, 3), 600);
    EXPECT_EQ(again.get(11, 3), std::nullopt);
}

} // namespace
} // namespace hearth::resume
