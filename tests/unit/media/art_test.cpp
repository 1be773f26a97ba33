#include "hearth/media/art.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace hearth::media {
namespace {

TEST(Art, KnowsPicturesByTheirFirstBytes) {
    EXPECT_EQ(picture_mime(std::string("\xFF\xD8\xFF\xE0rest", 8)), "image/jpeg");
    EXPECT_EQ(picture_mime(std::string("\x89PNG\r\n\x1A\nrest", 12)), "image/png");
    EXPECT_EQ(picture_mime("GIF89a...."), "");
    EXPECT_EQ(picture_mime(""), "");
}

TEST(Art, FallsBackToTheFoldersCover) {
    test::TempDir dir;
    auto track = dir.write("Album/01.mp3", "not really an mp3");
    EXPECT_FALSE(find_art(track));
    dir.write("Album/folder.jpg", std::string("\xFF\xD8\xFF\xE0 a jpeg", 12));
    auto art = find_art(track);
    ASSERT_TRUE(art);
    EXPECT_EQ(art->mime, "image/jpeg");
    EXPECT_EQ(art->bytes.size(), 12u);
    dir.write("Other/cover.jpg", "not a picture at all");
    EXPECT_FALSE(find_art(dir.write("Other/02.mp3", "x")));
}

} // namespace
} // namespace hearth::media
