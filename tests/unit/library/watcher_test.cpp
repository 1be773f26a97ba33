// The watcher against the real inotify: folders handed one by one (the start pass's way), and a link.
#include "hearth/library/watcher.hpp"
#include "support/temp_dir.hpp"

#include <chrono>
#include <fstream>
#include <gtest/gtest.h>
#include <poll.h>

namespace fs = std::filesystem;

namespace hearth::library {
namespace {

std::vector<FolderEvent> events_within(Watcher& w, std::chrono::milliseconds wait) {
    pollfd fd{w.fd(), POLLIN, 0};
    ::poll(&fd, 1, static_cast<int>(wait.count()));
    return w.read();
}

bool has_event(const std::vector<FolderEvent>& events, const fs::path& folder, const std::string& name) {
    for (const auto& e : events) {
        if (e.folder == folder && e.name == name) return true;
    }
    return false;
}

TEST(Watcher, AFolderHandedOverIsWatchedAloneAndAGoneOneIsNoFailure) {
    test::TempDir media;
    fs::create_directories(media / "A" / "B");
    Watcher w(100);
    ASSERT_TRUE(w.ok());
    EXPECT_TRUE(w.watch_folder(media / "A", {media.path()}));
    EXPECT_TRUE(w.watch_folder(media / "gone", {media.path()})); // indexed, deleted while Hearth was stopped
    EXPECT_EQ(w.watches(), 1u);
    EXPECT_TRUE(w.complete());
    std::ofstream(media / "A" / "x.wav") << "x";
    std::ofstream(media / "A" / "B" / "y.wav") << "y"; // B was not handed over
    auto events = events_within(w, std::chrono::milliseconds(500));
    EXPECT_TRUE(has_event(events, media / "A", "x.wav"));
    EXPECT_FALSE(has_event(events, media / "A" / "B", "y.wav"));
}

// A folder reached through a link (the scanner indexes it under the link's path) is watched, as watch_tree()
// has it, under its own path; handed again under the link's path it keeps that one.
TEST(Watcher, ALinkedFolderIsWatchedUnderItsOwnPath) {
    test::TempDir media;
    fs::create_directories(media / "Real" / "Sub");
    fs::create_directory_symlink(media / "Real", media / "Link");
    Watcher w(100);
    EXPECT_TRUE(w.watch_folder(media / "Link", {media.path()}));
    EXPECT_TRUE(w.watch_folder(media / "Link" / "Sub", {media.path()}));
    EXPECT_EQ(w.watches(), 2u); // Real and Real/Sub
    std::ofstream(media / "Real" / "Sub" / "z.wav") << "z";
    auto events = events_within(w, std::chrono::milliseconds(500));
    EXPECT_TRUE(has_event(events, media / "Real" / "Sub", "z.wav"));
}

// An indexed link changed while Hearth was stopped to lead out of the media folders (to / or a home) is not
// followed: the scanner will drop it, and listing and watching all that would spend the user's watches.
TEST(Watcher, ALinkLeadingOutOfTheMediaFoldersIsNotFollowed) {
    test::TempDir media, elsewhere;
    fs::create_directories(elsewhere / "Big" / "Tree");
    fs::create_directory_symlink(elsewhere / "Big", media / "Link");
    Watcher w(100);
    EXPECT_TRUE(w.watch_folder(media / "Link", {media.path()}));
    EXPECT_EQ(w.watches(), 0u);
    EXPECT_TRUE(w.watch_folder(media / "Link", {media.path(), elsewhere / "Big"})); // a media folder itself
    EXPECT_EQ(w.watches(), 2u);
}

TEST(Watcher, FolderHandedOverPastTheLimitMakesItIncomplete) {
    test::TempDir media;
    fs::create_directories(media / "A");
    fs::create_directories(media / "B");
    Watcher w(1);
    EXPECT_TRUE(w.watch_folder(media / "A", {media.path()}));
    EXPECT_FALSE(w.watch_folder(media / "B", {media.path()}));
    EXPECT_FALSE(w.complete());
}

} // namespace
} // namespace hearth::library
