// The start pass's pure parts: a folder's stamp, and which folders a restart reads.
#include "hearth/db/objects.hpp"
#include "hearth/library/scanner.hpp"

#include <gtest/gtest.h>
#include <map>

namespace fs = std::filesystem;

namespace hearth::library {
namespace {

constexpr std::time_t kNow = 1'800'000'000;

struct stat folder(std::time_t ctime, long nsec = 0, ino_t ino = 42, dev_t dev = 7) {
    struct stat st {};
    st.st_ctim.tv_sec = ctime;
    st.st_ctim.tv_nsec = nsec;
    st.st_ino = ino;
    st.st_dev = dev;
    return st;
}

TEST(FolderStamp, ChangesWithTheCtimeTheInodeAndTheDevice) {
    const auto base = folder_stamp(folder(kNow - 100), kNow);
    EXPECT_NE(base, 0);
    EXPECT_EQ(folder_stamp(folder(kNow - 100), kNow + 500), base); // the same folder later
    EXPECT_NE(folder_stamp(folder(kNow - 100, 1), kNow), base);    // changed within the same second
    EXPECT_NE(folder_stamp(folder(kNow - 99), kNow), base);
    EXPECT_NE(folder_stamp(folder(kNow - 100, 0, 43), kNow), base);    // another folder at the path
    EXPECT_NE(folder_stamp(folder(kNow - 100, 0, 42, 8), kNow), base); // a disk mounted there
}

TEST(FolderStamp, IsUnknownForAFolderChangedInTheLastTwoSecondsOrInTheFuture) {
    EXPECT_EQ(folder_stamp(folder(kNow), kNow), 0);
    EXPECT_EQ(folder_stamp(folder(kNow - 1, 999'999'999), kNow), 0);
    EXPECT_EQ(folder_stamp(folder(kNow + 60), kNow), 0);
    EXPECT_NE(folder_stamp(folder(kNow - 2), kNow), 0);
}

class FoldersToRead : public ::testing::Test {
  protected:
    std::vector<fs::path> roots{"/m/music", "/m/video"};
    std::vector<IndexedFolder> folders{
        {"/m/music", 1, db::kRootId, 11}, {"/m/music/a", 2, 1, 12},         {"/m/music/a/x", 3, 2, 13},
        {"/m/music/b", 4, 1, 14},         {"/m/video", 5, db::kRootId, 15}, {"/m/video/c", 6, 5, 16},
        {"/m/video/d", 7, 5, 17},         {"/m/video/e", 8, 5, 18},
    };
    std::map<fs::path, std::int64_t> now; ///< stamps now; the stored ones unless set here

    std::optional<std::vector<fs::path>> read(const std::vector<std::int64_t>& hidden_parents = {}) {
        return folders_to_read(folders, hidden_parents, roots, [&](const fs::path& p) {
            if (auto it = now.find(p); it != now.end()) return it->second;
            for (const auto& f : folders)
                if (f.path == p) return f.stamp;
            return std::int64_t{0};
        });
    }
};

TEST_F(FoldersToRead, NothingWhenNoStampChanged) {
    EXPECT_EQ(read(), std::vector<fs::path>{});
}

TEST_F(FoldersToRead, OnlyTheFoldersWhoseStampChangedOrIsNotKnown) {
    now["/m/music/a/x"] = 99;
    now["/m/video/d"] = 0; // gone, or changed just now
    folders[3].stamp = 0;  // /m/music/b: never read whole
    EXPECT_EQ(read(), (std::vector<fs::path>{"/m/music/a/x", "/m/music/b", "/m/video/d"}));
}

TEST_F(FoldersToRead, AMediaFolderNewOrOfflineIsRead) {
    roots.push_back("/m/photos");
    folders[4].parent_id = db::kOfflineParentId; // /m/video went offline; its folders are hidden
    for (auto i : {5, 6, 7})
        folders[i].parent_id = -folders[i].parent_id - 1;
    EXPECT_EQ(read(), (std::vector<fs::path>{"/m/photos", "/m/video"}));
}

TEST_F(FoldersToRead, TheShownFolderOfAHiddenEntryIsRead) {
    folders[2].parent_id = -2 - 1; // /m/music/a/x hidden in /m/music/a (id 2)
    EXPECT_EQ(read({-2 - 1}), std::vector<fs::path>{"/m/music/a"});
}

TEST_F(FoldersToRead, AFolderIndexedOutsideTheMediaFoldersNeedsTheFullPass) {
    roots.pop_back(); // /m/video no longer shared: only a full pass removes it
    EXPECT_EQ(read(), std::nullopt);
}

TEST_F(FoldersToRead, MostFoldersChangedMeansTheFullPass) {
    for (const auto& f : folders)
        now[f.path] = f.stamp + 1000;
    EXPECT_EQ(read(), std::nullopt);
    now.clear();
    for (int i = 0; i < 4; ++i)
        now[folders[i].path] = 0; // half: still the partial one
    EXPECT_EQ(read()->size(), 4u);
}

} // namespace
} // namespace hearth::library
