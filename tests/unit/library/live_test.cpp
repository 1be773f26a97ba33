// The live loop's pure parts: which mounts it watches for (a disk mounted inside a media folder comes and
// goes without an inotify event) and how often it checks.
#include "hearth/library/live.hpp"

#include <gtest/gtest.h>

namespace fs = std::filesystem;

namespace hearth::library {
namespace {

// Lines as the kernel writes them (proc(5)); a space in a path is written \040.
constexpr std::string_view kMountinfo =
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "40 22 8:17 / /srv/media rw,relatime shared:20 - ext4 /dev/sdb1 rw\n"
    "41 40 8:33 / /srv/media/Film\\040Disk rw,relatime shared:21 - ext4 /dev/sdc1 rw\n"
    "42 22 8:1 /home/a/music /srv/media/Music rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "43 22 0:45 / /srv/mediathek rw - tmpfs tmpfs rw\n"
    "44 22 0:46 / /run/user/1000 rw - tmpfs tmpfs rw\n"
    "broken line\n";

TEST(MountPointsUnder, MediaFoldersAndWhatIsMountedInsideThem) {
    const auto found = mount_points_under(kMountinfo, {"/srv/media", "/home/b"});
    const std::set<fs::path> want{"/srv/media", "/srv/media/Film Disk", "/srv/media/Music"};
    EXPECT_EQ(found, want);
    EXPECT_TRUE(mount_points_under(kMountinfo, {"/home/b"}).empty());
    EXPECT_TRUE(mount_points_under("", {"/srv/media"}).empty());
}

TEST(PresenceCheckInterval, AtMostHalfAMinute) {
    EXPECT_EQ(presence_check_interval(std::chrono::seconds(2)), std::chrono::seconds(2));
    EXPECT_EQ(presence_check_interval(std::chrono::seconds(300)), std::chrono::seconds(30));
    EXPECT_EQ(presence_check_interval(std::chrono::seconds(0)), std::chrono::seconds(30));
}

} // namespace
} // namespace hearth::library
