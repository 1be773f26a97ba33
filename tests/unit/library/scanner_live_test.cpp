// Scans of a few changed folders (what inotify asks for): scoping, ids, counts, renames, a media folder
// that goes away and comes back. Media files are small PCM WAVs written here.
#include "hearth/db/objects.hpp"
#include "hearth/library/scanner.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <cstring>
#include <gtest/gtest.h>
#include <set>

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
    /// The row's id whether it is shown or hidden (-1: no row).
    std::int64_t stored_id(const std::string& rel) {
        db::Database db(state / "index.db", db::OpenMode::read_only);
        auto s = db.prepare("SELECT id FROM objects WHERE path = ?");
        s.bind(1, (media / rel).string());
        return s.step() ? s.int64(0) : -1;
    }
    std::int64_t in_view(const std::string& key) {
        auto view = reader().view(key);
        return view ? view->child_count : 0;
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

// The live loop sets its inotify watches from what the start pass hands it: every indexed folder, and each
// folder the pass lists, new ones as deep as they go, so that no folder needs listing just to be watched.
TEST_F(LiveScanTest, TheStartPassHandsEveryIndexedAndEveryNewFolderToItsHook) {
    media.write("A/B/one.wav", wav(800));
    media.write("C/two.wav", wav(800));
    full();
    media.write("A/New/Er/three.wav", wav(800)); // made while Hearth was stopped, two levels deep
    std::vector<fs::path> handed;
    auto s = scanner().run_start(stop, nullptr, [&](const fs::path& dir) { handed.push_back(dir); });
    EXPECT_EQ(s.added, 1) << s.line();
    EXPECT_TRUE(at("A/New/Er/three.wav"));
    const std::set<fs::path> seen(handed.begin(), handed.end());
    for (const auto* rel : {"", "A", "A/B", "C", "A/New", "A/New/Er"})
        EXPECT_TRUE(seen.contains(rel[0] ? media / rel : media.path())) << rel;
    // The indexed folders come first, before any folder is read.
    EXPECT_LT(std::find(handed.begin(), handed.end(), media / "C") - handed.begin(),
              std::find(handed.begin(), handed.end(), media / "A" / "New") - handed.begin());
}

// systemd's STATUS line counts the files in the whole index: a pass that changes nothing reads it from the
// settings instead of counting every row again; one that changes something counts again.
TEST_F(LiveScanTest, EveryPassSaysHowManyFilesTheIndexShows) {
    media.write("A/one.wav", wav(800));
    media.write("B/two.wav", wav(800));
    EXPECT_EQ(full().files_in_index, 2);
    EXPECT_EQ(scanner().run_start(stop).files_in_index, 2);
    EXPECT_EQ(folders({media / "A"}).files_in_index, 2);
    fs::remove(media / "A" / "one.wav");
    EXPECT_EQ(folders({media / "A"}).files_in_index, 1);
    media.write("B/three.wav", wav(800));
    EXPECT_EQ(folders({media / "B"}).files_in_index, 2);
    fs::remove_all(media / "B"); // hidden rows are not counted either
    fs::remove_all(media / "A");
    EXPECT_EQ(full().files_in_index, 0);
}

TEST_F(LiveScanTest, NothingChangedMeansNoNewUpdateId) {
    media.write("A/one.wav", wav(800));
    full();
    const auto before = reader().system_update_id();
    auto s = folders({media / "A"});
    EXPECT_EQ(reader().system_update_id(), before);
    EXPECT_TRUE(s.changed_containers.empty());
}

TEST_F(LiveScanTest, AFolderPassDoesNotFollowALinkBackToAFolderAbove) {
    media.write("A/one.wav", wav(800));
    fs::create_directory_symlink(media.path(), media / "A" / "loop");
    full();
    EXPECT_FALSE(at("A/loop"));
    media.write("A/two.wav", wav(800));
    folders({media / "A"}); // the start pass and inotify read a changed folder like this
    EXPECT_TRUE(at("A/two.wav"));
    EXPECT_FALSE(at("A/loop"));
    EXPECT_FALSE(at("A/loop/A/one.wav"));
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

// What live sees when a disk mounted inside a media folder is unmounted: an empty mount point. Its entries
// are hidden from Browse, Search and the views (not deleted), and come back with their ids.
TEST_F(LiveScanTest, AnEmptiedSubfolderHidesItsEntriesEverywhereUntilTheyAreBack) {
    media.write("A/Disk/Album/song.wav", wav(800));
    media.write("A/Disk/top.wav", wav(800));
    media.write("A/stays.wav", wav(800));
    full();
    const auto disk = at("A/Disk")->id;
    const auto song = at("A/Disk/Album/song.wav")->id;
    EXPECT_EQ(in_view("music/tracks"), 3);
    test::TempDir elsewhere;
    for (const char* name : {"Album", "top.wav"})
        fs::rename(media / "A" / "Disk" / name, elsewhere / name);
    auto s = folders({media / "A" / "Disk"});
    EXPECT_EQ(s.removed, 0) << s.line();
    EXPECT_EQ(s.changed_containers, std::vector<std::int64_t>{disk});
    EXPECT_EQ(at("A/Disk")->child_count, 0); // the folder stays, empty
    EXPECT_FALSE(at("A/Disk/Album/song.wav")) << "Search still finds a hidden item";
    EXPECT_FALSE(reader().get(song)) << "BrowseMetadata (and streams) still find a hidden item";
    EXPECT_EQ(reader().count("is_container = 0", {}), 1);
    EXPECT_EQ(in_view("music/tracks"), 1);
    EXPECT_EQ(stored_id("A/Disk/Album/song.wav"), song); // kept
    EXPECT_EQ(full().removed, 0);                        // a full pass keeps them hidden too
    EXPECT_EQ(in_view("music/tracks"), 1);
    for (const char* name : {"Album", "top.wav"})
        fs::rename(elsewhere / name, media / "A" / "Disk" / name);
    s = folders({media / "A" / "Disk"});
    EXPECT_EQ(s.added + s.updated, 0) << "probed again: " << s.line();
    EXPECT_EQ(at("A/Disk/Album/song.wav")->id, song);
    EXPECT_EQ(at("A/Disk")->child_count, 2);
    EXPECT_EQ(in_view("music/tracks"), 3);
}

// The stage scheme took only a media folder's own row offline: its items stayed in Search and the views.
TEST_F(LiveScanTest, AnOfflineMediaFolderHidesItsItemsFromSearchAndTheViews) {
    media.write("A/one.wav", wav(800));
    full();
    const auto one = at("A/one.wav")->id;
    const auto away = media.path().string() + ".away";
    fs::rename(media.path(), away);
    folders({media.path()});
    EXPECT_FALSE(at("A/one.wav"));
    EXPECT_FALSE(reader().get(one));
    EXPECT_EQ(in_view("music/tracks"), 0);
    fs::rename(away, media.path());
    folders({media.path()});
    EXPECT_EQ(at("A/one.wav")->id, one);
    EXPECT_EQ(in_view("music/tracks"), 1);
}

// A file deleted while its folder was away is gone once the folder is back.
TEST_F(LiveScanTest, WhatWasDeletedMeanwhileLeavesWhenTheFolderIsBack) {
    media.write("A/Disk/kept.wav", wav(800));
    media.write("A/Disk/deleted.wav", wav(800));
    full();
    test::TempDir elsewhere;
    fs::rename(media / "A" / "Disk" / "kept.wav", elsewhere / "kept.wav");
    fs::remove(media / "A" / "Disk" / "deleted.wav");
    folders({media / "A" / "Disk"});
    fs::rename(elsewhere / "kept.wav", media / "A" / "Disk" / "kept.wav");
    auto s = folders({media / "A" / "Disk"});
    EXPECT_EQ(s.removed, 1) << s.line();
    EXPECT_EQ(stored_id("A/Disk/deleted.wav"), -1);
    EXPECT_EQ(at("A/Disk")->child_count, 1);
}

} // namespace
} // namespace hearth::library
