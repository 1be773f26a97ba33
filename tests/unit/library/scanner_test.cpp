// The scanner on files that need no encoder to make: empty files, junk with media extensions, folders, links.
#include "hearth/db/objects.hpp"
#include "hearth/library/scanner.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace fs = std::filesystem;

namespace hearth::library {
namespace {

struct Listing {
    std::vector<std::pair<std::string, fs::file_time_type>> entries;
    bool operator==(const Listing&) const = default;
};

Listing list(const fs::path& root) {
    Listing l;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
        std::error_code ec;
        l.entries.emplace_back(it->path().string(), fs::last_write_time(it->path(), ec));
    }
    std::sort(l.entries.begin(), l.entries.end());
    return l;
}

class ScannerTest : public ::testing::Test {
  protected:
    test::TempDir media;
    test::TempDir state;
    std::atomic<bool> stop{false};

    ScanSummary scan() { return Scanner(state / "index.db", {media.path()}, 2).run(stop); }
};

TEST_F(ScannerTest, SkipsEmptyAndDamagedFilesOnceAndRemembersThem) {
    media.write("Videos/empty.mp4", "");
    media.write("Music/junk.mp3", std::string(4096, 'x'));
    media.write("notes.txt", "not media");
    auto first = scan();
    EXPECT_EQ(first.indexed(), 0);
    EXPECT_EQ(first.skipped_total(), 2);
    EXPECT_EQ(first.skipped.at("empty file"), 1);
    EXPECT_EQ(first.not_media, 1);
    EXPECT_EQ(first.folders, 3);

    auto second = scan();
    EXPECT_EQ(second.skipped.at("known bad (logged before)"), 2) << second.line();
    EXPECT_EQ(second.skipped.count("empty file"), 0);
}

TEST_F(ScannerTest, ReprobesASkippedFileWhenItChanges) {
    auto file = media.write("a.mp3", "");
    scan();
    media.write("a.mp3", std::string(100, 'z'));
    auto again = scan();
    EXPECT_EQ(again.skipped.count("known bad (logged before)"), 0) << again.line();
    EXPECT_EQ(again.skipped_total(), 1);
}

TEST_F(ScannerTest, RootHoldsOneFolderPerMediaFolderWithChildCounts) {
    media.write("A/x.txt", "");
    media.write("B/C/y.txt", "");
    scan();
    db::ObjectReader reader(state / "index.db");
    auto root = reader.get(db::kRootId);
    ASSERT_TRUE(root);
    EXPECT_EQ(root->child_count, 1);
    auto top = reader.children(db::kRootId, "title", 0, -1);
    ASSERT_EQ(top.size(), 1u);
    EXPECT_EQ(top[0].title, media.path().filename().string());
    EXPECT_EQ(top[0].child_count, 2);
    auto inner = reader.children(top[0].id, "title", 0, -1);
    ASSERT_EQ(inner.size(), 2u);
    EXPECT_EQ(inner[0].title, "A");
    EXPECT_EQ(inner[1].title, "B");
}

TEST_F(ScannerTest, IdsStayStableAcrossRescansAndVanishedFoldersLeave) {
    media.write("Keep/x.txt", "");
    media.write("Gone/y.txt", "");
    scan();
    std::int64_t keep_id = 0;
    {
        db::ObjectReader reader(state / "index.db");
        auto top = reader.children(reader.children(db::kRootId, "id", 0, -1)[0].id, "title", 0, -1);
        ASSERT_EQ(top.size(), 2u);
        keep_id = top[1].id;
        EXPECT_EQ(top[1].title, "Keep");
    }
    fs::remove_all(media / "Gone");
    auto summary = scan();
    EXPECT_EQ(summary.removed, 1);
    db::ObjectReader reader(state / "index.db");
    auto top = reader.children(reader.children(db::kRootId, "id", 0, -1)[0].id, "title", 0, -1);
    ASSERT_EQ(top.size(), 1u);
    EXPECT_EQ(top[0].id, keep_id);
    EXPECT_GT(reader.system_update_id(), 1);
}

TEST_F(ScannerTest, SurvivesSymlinkLoopsAndDoesNotLeaveTheMediaFolders) {
    test::TempDir outside;
    outside.write("Secret/private.txt", "");
    fs::create_directories(media / "Films");
    fs::create_directory_symlink("..", media / "Films" / "loop");
    fs::create_directory_symlink(outside / "Secret", media / "Films" / "escape");
    auto summary = scan();
    EXPECT_EQ(summary.folders, 2) << summary.line(); // the root and Films; neither link is followed
    db::ObjectReader reader(state / "index.db");
    auto root_folder = reader.children(db::kRootId, "id", 0, -1)[0];
    auto films = reader.children(root_folder.id, "title", 0, -1);
    ASSERT_EQ(films.size(), 1u);
    EXPECT_EQ(reader.children(films[0].id, "title", 0, -1).size(), 0u);
}

TEST_F(ScannerTest, NeverWritesToTheMediaFolder) {
    media.write("Music/junk.mp3", std::string(4096, 'x'));
    media.write("Music/empty.flac", "");
    media.write("Photos/p.jpg", "not a jpeg");
    auto before = list(media.path());
    scan();
    scan();
    EXPECT_EQ(list(media.path()), before);
}

TEST_F(ScannerTest, AMissingMediaFolderKeepsItsEntries) {
    media.write("Sub/x.txt", "");
    scan();
    Scanner gone(state / "index.db", {media.path() / "does-not-exist", media.path()}, 1);
    auto summary = gone.run(stop);
    EXPECT_EQ(summary.removed, 0) << summary.line();
}

// An unmounted disk leaves its mount point empty: what was indexed under it is hidden from every reader, not
// deleted, and comes back with the same ids when the disk does.
TEST_F(ScannerTest, AFolderThatEmptiesHidesItsEntriesAndTheyComeBackWithTheirIds) {
    media.write("Disk/Inner/x.txt", "");
    scan();
    auto ids = [&] {
        db::ObjectReader reader(state / "index.db");
        auto top = reader.children(reader.children(db::kRootId, "id", 0, -1)[0].id, "title", 0, -1);
        EXPECT_EQ(top.size(), 1u);
        auto inner = reader.children(top.at(0).id, "title", 0, -1);
        return std::pair(top.at(0).id, inner.empty() ? std::int64_t{-1} : inner[0].id);
    };
    const auto [disk_id, inner_id] = ids();
    ASSERT_GT(inner_id, 0);
    test::TempDir elsewhere;
    fs::rename(media / "Disk" / "Inner", elsewhere / "Inner");
    auto summary = scan();
    EXPECT_EQ(summary.removed, 0) << summary.line();
    EXPECT_EQ(ids(), std::pair(disk_id, std::int64_t{-1})); // Disk stays, empty
    {
        db::ObjectReader reader(state / "index.db");
        EXPECT_FALSE(reader.get(inner_id)) << "a hidden row answers BrowseMetadata";
        EXPECT_EQ(reader.count("title = ?", {std::string("Inner")}), 0);
        EXPECT_EQ(reader.get(disk_id)->child_count, 0);
    }
    fs::rename(elsewhere / "Inner", media / "Disk" / "Inner");
    scan();
    EXPECT_EQ(ids(), std::pair(disk_id, inner_id));
}

TEST_F(ScannerTest, AMissingMediaFolderIsHiddenUntilItIsBack) {
    media.write("Sub/x.txt", "");
    test::TempDir elsewhere;
    const auto root = elsewhere / "usb";
    fs::rename(media / "Sub", root); // a media folder of its own now
    Scanner scanner(state / "index.db", {root}, 1);
    scanner.run(stop);
    std::vector<std::int64_t> before;
    {
        db::ObjectReader reader(state / "index.db");
        for (const auto& row : reader.children(db::kRootId, "id", 0, -1))
            before.push_back(row.id);
        ASSERT_EQ(before.size(), 1u);
    }
    fs::rename(root, media / "away");
    EXPECT_EQ(scanner.run(stop).removed, 0);
    {
        db::ObjectReader reader(state / "index.db");
        EXPECT_EQ(reader.get(db::kRootId)->child_count, 0);
        EXPECT_TRUE(reader.children(db::kRootId, "id", 0, -1).empty());
        EXPECT_FALSE(reader.get(before[0]));
    }
    fs::rename(media / "away", root);
    scanner.run(stop);
    db::ObjectReader reader(state / "index.db");
    auto back = reader.children(db::kRootId, "id", 0, -1);
    ASSERT_EQ(back.size(), 1u);
    EXPECT_EQ(back[0].id, before[0]);
}

TEST(ScanSummary, LineNamesEveryCount) {
    ScanSummary s;
    s.added = 5;
    s.unchanged = 2;
    s.skipped["empty file"] = 1;
    s.seconds = 1.5;
    auto line = s.line();
    EXPECT_NE(line.find("indexed 7 files"), std::string::npos) << line;
    EXPECT_NE(line.find("skipped 1 (empty file: 1)"), std::string::npos) << line;
    EXPECT_NE(line.find("1.50 s"), std::string::npos) << line;
}

} // namespace
} // namespace hearth::library

namespace hearth::library {
namespace {

// A second of silence as a 16-bit mono WAV: real audio that libavformat probes, made without an encoder.
std::string silent_wav() {
    const std::uint32_t rate = 8000, samples = 8000, data_bytes = samples * 2;
    std::string w = "RIFF";
    auto u32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i)
            w.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    };
    auto u16 = [&](std::uint16_t v) {
        w.push_back(static_cast<char>(v & 0xFF));
        w.push_back(static_cast<char>(v >> 8));
    };
    u32(36 + data_bytes);
    w += "WAVEfmt ";
    u32(16);
    u16(1); // PCM
    u16(1); // mono
    u32(rate);
    u32(rate * 2);
    u16(2);
    u16(16);
    w += "data";
    u32(data_bytes);
    w.append(data_bytes, '\0');
    return w;
}

TEST_F(ScannerTest, RecordsTheFoldersCoverForMusicAndFollowsItsChanges) {
    media.write("Album/01.wav", silent_wav());
    media.write("Bare/02.wav", silent_wav());
    scan();
    auto art_of = [&](const std::string& relpath) {
        db::ObjectReader reader(state / "index.db");
        auto s = reader.search("path = ?", {(media / relpath).string()}, "id", 0, -1);
        EXPECT_EQ(s.size(), 1u) << relpath;
        return s.empty() ? std::optional<std::string>("missing") : s[0].art;
    };
    EXPECT_EQ(art_of("Album/01.wav"), std::nullopt);
    media.write("Album/Folder.JPG", "pretend picture");
    auto again = scan();
    EXPECT_EQ(again.unchanged, 2) << "a new cover must not make the music be probed again";
    EXPECT_EQ(art_of("Album/01.wav"), (media / "Album/Folder.JPG").string());
    media.write("Album/cover.png", "a better name");
    scan();
    EXPECT_EQ(art_of("Album/01.wav"), (media / "Album/cover.png").string());
    fs::remove(media / "Album/cover.png");
    fs::remove(media / "Album/Folder.JPG");
    scan();
    EXPECT_EQ(art_of("Album/01.wav"), std::nullopt);
    EXPECT_EQ(art_of("Bare/02.wav"), std::nullopt);
    // A new file in a folder with a cover gets it when first indexed.
    media.write("Bare/front.jpg", "front");
    media.write("Bare/03.wav", silent_wav());
    scan();
    EXPECT_EQ(art_of("Bare/03.wav"), (media / "Bare/front.jpg").string());
    EXPECT_EQ(art_of("Bare/02.wav"), (media / "Bare/front.jpg").string());
}

// A second of 8 kHz mono 16-bit silence: a WAV needs no encoder to make.
std::string wav() {
    auto le = [](std::uint32_t v, int bytes) {
        std::string out;
        for (int i = 0; i < bytes; ++i)
            out += static_cast<char>((v >> (8 * i)) & 0xFF);
        return out;
    };
    const std::uint32_t data = 16000;
    return "RIFF" + le(36 + data, 4) + "WAVEfmt " + le(16, 4) + le(1, 2) + le(1, 2) + le(8000, 4) +
           le(16000, 4) + le(2, 2) + le(16, 2) + "data" + le(data, 4) + std::string(data, '\0');
}

std::int64_t one(db::Database& db, const std::string& sql) {
    auto s = db.prepare(sql);
    return s.step() ? s.int64(0) : -1;
}

TEST_F(ScannerTest, ViewsFollowTheScanAndAnOlderIndexGetsThemWithoutChanges) {
    media.write("Music/tone.wav", wav());
    scan();
    std::int64_t added_at = 0;
    std::int64_t update_id = 0;
    {
        db::Database db(state / "index.db", db::OpenMode::read_write_create);
        EXPECT_EQ(one(db, "SELECT child_count FROM views WHERE key = 'music/tracks'"), 1);
        added_at = one(db, "SELECT added_at FROM objects WHERE is_container = 0");
        EXPECT_GT(added_at, 1600000000); // when it was indexed: unix seconds of this run
        // As an index from before the views (0006) would be: no views, no views_version.
        db.exec(
            "DELETE FROM view_items; DELETE FROM views; DELETE FROM settings WHERE key = 'views_version'");
        EXPECT_EQ(one(db, "SELECT COUNT(*) FROM views"), 0);
        update_id = one(db, "SELECT value FROM settings WHERE key = 'system_update_id'");
    }
    auto again = scan();
    EXPECT_EQ(again.unchanged, 1);
    db::Database db(state / "index.db", db::OpenMode::read_write_create);
    EXPECT_EQ(one(db, "SELECT child_count FROM views WHERE key = 'music/tracks'"), 1);
    // When it was first indexed: kept by the rescan.
    EXPECT_EQ(one(db, "SELECT added_at FROM objects WHERE is_container = 0"), added_at);
    // Renderers that cached the old root learn that it changed.
    EXPECT_EQ(one(db, "SELECT value FROM settings WHERE key = 'system_update_id'"), update_id + 1);
}

// Restarting on an unchanged library must not rewrite it: no row written (each used to get its "seen"
// generation, which rewrote every page of the table), no views rebuilt, no new SystemUpdateID.
TEST_F(ScannerTest, AnUnchangedRescanWritesNoRowAndKeepsTheViews) {
    media.write("Music/A/tone.wav", wav());
    media.write("Music/B/tone.wav", wav());
    media.write("Music/B/other.wav", wav());
    media.write("Music/notes.txt", "not media");
    scan();
    auto update_id = [&] {
        db::Database db(state / "index.db", db::OpenMode::read_only);
        return one(db, "SELECT value FROM settings WHERE key = 'system_update_id'");
    };
    const auto before = update_id();
    auto again = scan();
    EXPECT_EQ(again.unchanged, 3) << again.line();
    EXPECT_EQ(again.removed, 0);
    EXPECT_TRUE(again.changed_containers.empty());
    EXPECT_EQ(update_id(), before);
    db::Database db(state / "index.db", db::OpenMode::read_only);
    EXPECT_EQ(one(db, "SELECT COUNT(*) FROM objects WHERE seen = "
                      "(SELECT value FROM settings WHERE key = 'scan_generation')"),
              0);
    // And what did change still goes.
    fs::remove(media / "Music" / "B" / "tone.wav");
    auto third = scan();
    EXPECT_EQ(third.removed, 1) << third.line();
    EXPECT_EQ(third.unchanged, 2);
}

} // namespace
} // namespace hearth::library
