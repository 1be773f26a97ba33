#include "hearth/doctor/system.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

namespace hearth::doctor {
namespace {

TEST(CountFolder, CountsFilesAndFoldersBelow) {
    test::TempDir dir;
    dir.write("a/one.mp4", "x");
    dir.write("a/b/two.mp3", "x");
    dir.write("three.jpg", "x");
    auto c = count_folder(dir.path(), {});
    EXPECT_EQ(c.folders, 3u);
    EXPECT_EQ(c.files, 3u);
    EXPECT_TRUE(c.complete);
    EXPECT_EQ(try_read_folder(dir.path()), 0);
    EXPECT_NE(try_read_folder(dir / "missing"), 0);
}

TEST(CountFolder, StopsAtTheBound) {
    test::TempDir dir;
    for (int i = 0; i < 10; ++i)
        dir.write("f" + std::to_string(i), "x");
    dir.write("sub/g", "x");
    auto c = count_folder(dir.path(), {5, std::chrono::milliseconds(5000)});
    EXPECT_FALSE(c.complete);
}

TEST(CountFolder, NotesWhatAnotherUserMayNotRead) {
    test::TempDir dir;
    auto secret = dir.write("secret.mp4", "x");
    dir.write("open.mp4", "x");
    ::chmod(secret.c_str(), 0600);
    ::chmod(dir.path().c_str(), 0755);
    UserIds stranger{"stranger", 54321, {54321}};
    auto c = count_folder(dir.path(), {}, &stranger);
    EXPECT_EQ(c.denied_to_user, 1u);
    EXPECT_EQ(c.first_denied_to_user, secret.string());
}

TEST(FolderChain, StatsEveryFolderFromTheRoot) {
    test::TempDir dir;
    std::filesystem::create_directories(dir / "a");
    std::string error;
    auto chain = folder_chain(dir / "a", error);
    EXPECT_TRUE(error.empty());
    ASSERT_GE(chain.size(), 3u);
    EXPECT_EQ(chain.front().path, "/");
    EXPECT_EQ(chain.back().path, dir / "a");
    folder_chain(dir / "missing", error);
    EXPECT_FALSE(error.empty());
}

TEST(WatchLimitFile, ReadsTheNumber) {
    test::TempDir dir;
    EXPECT_EQ(read_watch_limit(dir.write("limit", "8192\n")), 8192u);
    EXPECT_EQ(read_watch_limit(dir.write("bad", "lots\n")), std::nullopt);
    EXPECT_EQ(read_watch_limit(dir / "missing"), std::nullopt);
}

TEST(StoredUuid, EmptyWithoutADatabase) {
    test::TempDir dir;
    EXPECT_EQ(stored_device_uuid(dir / "none.db"), "");
}

} // namespace
} // namespace hearth::doctor
