// Scans of a few changed folders (what inotify asks for): scoping, ids, counts, renames, a media folder
// that goes away and comes back. Media files are small PCM WAVs written here.
#include "hearth/db/objects.hpp"
#include "hearth/library/scanner.hpp"
#include "support/temp_dir.hpp"

#include <cstring>
#include <gtest/gtest.h>

namespace fs = std::filesystem;

namespace hearth::library {
namespace {

// A valid mono 8 kHz 16-bit WAV of `samples` samples.
std::string wav(std::uint32_t samples) {
    std::string out = "RIFF";
    auto u32 = [&](std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
    auto u16 = [&](std::uint16_t v) { out.append(reinterpret_cast<const char*>(&v), 2); };
    u32(36 + samples * 2);
    out += "WAVEfmt ";
    u32(16);
    u16(1);
    u16(1);
    u32(8000);
    u32(16000);
    u16(2);
    u16(16);
    out += "data";
    u32(samples * 2);
    out.append(samples * 2, '\0');
    return out;
}

class LiveScanTest : public ::testing::Test {
  protected:
    test::TempDir media;
    test::TempDir state;
    std::atomic<bool> stop{false};

    Scanner scanner() { return Scanner(state / "index.db", {media.path()}, 2); }
    ScanSummary full() { return scanner().run(stop); }
    ScanSummary folders(std::vector<fs::path> dirs) { return scanner().run_folders(dirs, stop); }

    db::ObjectReader reader() { return db::ObjectReader(state / "index.db"); }
    std::optional<db::ObjectRow> at(const std::string& rel) {
        auto r = reader();
        auto found = r.search("path = ?", {(media / rel).string()}, "id", 0, 1);
        return found.empty() ? std::nullopt : std::optional<db::ObjectRow>(found[0]);
    }
};

TEST_F(LiveScanTest, AFolderPassAddsWhatIsNewThereAndKeepsEverythingElse) {
    media.write("A/one.wav", wav(800));
    media.write("B/two.wav", wav(800));
    full();
    const auto a = at("A")->id;
    const auto one = at("A/one.wav")->id;
    const auto before = reader().system_update_id();
    media.write("A/new.wav", wav(1600));
    media.write("B/unseen.wav", wav(800)); // B is not in the pass: not picked up yet
    auto s = folders({media / "A"});
    EXPECT_EQ(s.added, 1) << s.line();
    EXPECT_EQ(at("A/one.wav")->id, one);
    EXPECT_TRUE(at("A/new.wav"));
    EXPECT_FALSE(at("B/unseen.wav"));
    EXPECT_TRUE(at("B/two.wav"));
    EXPECT_EQ(at("A")->child_count, 2);
    EXPECT_EQ(s.system_update_id, before + 1);
    EXPECT_EQ(reader().system_update_id(), before + 1);
    EXPECT_EQ(s.changed_containers, std::vector<std::int64_t>{a});
    // Positions were kept for paging: the seek by position gives both children in title order.
    auto page = reader().children_in_default_order(a, 1, 1);
    ASSERT_EQ(page.size(), 1u);
    EXPECT_EQ(page[0].title, "one");
}

TEST_F(LiveScanTest, NothingChangedMeansNoNewUpdateId) {
    media.write("A/one.wav", wav(800));
    full();
    const auto before = reader().system_update_id();
    auto s = folders({media / "A"});
    EXPECT_EQ(reader().system_update_id(), before);
    EXPECT_TRUE(s.changed_containers.empty());
}

TEST_F(LiveScanTest, ARemovedSubfolderLeavesWithEverythingUnderIt) {
    media.write("A/Deep/Er/x.wav", wav(800));
    media.write("A/keep.wav", wav(800));
    full();
    fs::remove_all(media / "A" / "Deep");
    auto s = folders({media / "A" / "Deep" / "Er", media / "A"}); // events name the gone folders too
    EXPECT_EQ(s.removed, 3) << s.line();
    EXPECT_FALSE(at("A/Deep"));
    EXPECT_FALSE(at("A/Deep/Er/x.wav"));
    EXPECT_EQ(at("A")->child_count, 1);
}

TEST_F(LiveScanTest, ANewFolderIsWalkedWholeFromItsIndexedParent) {
    media.write("A/a.wav", wav(800));
    full();
    media.write("A/New/Sub/b.wav", wav(800));
    media.write("A/New/c.wav", wav(800));
    auto s = folders({media / "A" / "New" / "Sub"}); // not indexed yet: stands for A
    EXPECT_EQ(s.added, 2) << s.line();
    EXPECT_EQ(at("A/New")->child_count, 2);
    EXPECT_EQ(at("A/New/Sub")->child_count, 1);
}

TEST_F(LiveScanTest, RenamedAndMovedFilesKeepTheirIds) {
    media.write("A/old name.wav", wav(800));
    media.write("A/Album/track.wav", wav(1200));
    full();
    const auto renamed = at("A/old name.wav")->id;
    const auto moved = at("A/Album/track.wav")->id;
    fs::rename(media / "A" / "old name.wav", media / "A" / "new name.wav");
    fs::rename(media / "A" / "Album", media / "A" / "Album (2020)");
    auto s = folders({media / "A"});
    EXPECT_EQ(at("A/new name.wav")->id, renamed) << s.line();
    EXPECT_EQ(at("A/Album (2020)/track.wav")->id, moved);
    EXPECT_FALSE(at("A/old name.wav"));
    EXPECT_FALSE(at("A/Album"));
    EXPECT_EQ(at("A")->child_count, 2);
}

TEST_F(LiveScanTest, AMediaFolderThatGoesAwayIsHiddenAndComesBackWithItsIds) {
    media.write("A/one.wav", wav(800));
    full();
    const auto one = at("A/one.wav")->id;
    const auto away = media.path().string() + ".away";
    fs::rename(media.path(), away);
    auto gone = folders({media.path()});
    EXPECT_EQ(reader().get(db::kRootId)->child_count, 0);
    EXPECT_EQ(gone.changed_containers, std::vector<std::int64_t>{db::kRootId});
    EXPECT_EQ(full().removed, 0); // a full pass keeps the hidden entries too
    fs::rename(away, media.path());
    folders({media.path()});
    EXPECT_EQ(reader().get(db::kRootId)->child_count, 1);
    EXPECT_EQ(at("A/one.wav")->id, one);
}

TEST_F(LiveScanTest, AnEmptiedMountPointHidesTheFolderInsteadOfEmptyingIt) {
    media.write("one.wav", wav(800));
    full();
    const auto one = at("one.wav")->id;
    fs::rename(media / "one.wav", state / "one.wav"); // the mount point left empty
    auto s = full();
    EXPECT_EQ(s.removed, 0) << s.line();
    EXPECT_EQ(reader().get(db::kRootId)->child_count, 0);
    fs::rename(state / "one.wav", media / "one.wav");
    full();
    EXPECT_EQ(at("one.wav")->id, one);
    EXPECT_EQ(reader().get(db::kRootId)->child_count, 1);
}

} // namespace
} // namespace hearth::library
