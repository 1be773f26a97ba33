#include "hearth/media/art.hpp"

#include <gtest/gtest.h>
#include <set>

namespace hearth::media {
namespace {

TEST(Art, KnowsPicturesByTheirFirstBytes) {
    EXPECT_EQ(picture_mime(std::string("\xFF\xD8\xFF\xE0rest", 8)), "image/jpeg");
    EXPECT_EQ(picture_mime(std::string("\x89PNG\r\n\x1A\nrest", 12)), "image/png");
    EXPECT_EQ(picture_mime("GIF89a...."), "");
    EXPECT_EQ(picture_mime(""), "");
}

TEST(Art, TellsWholePicturesFromTruncatedOnes) {
    const std::string jpeg_start("\xFF\xD8\xFF\xE0", 4);
    std::string body(5000, 'x');
    EXPECT_TRUE(picture_looks_whole(jpeg_start + body + "\xFF\xD9"));
    EXPECT_TRUE(picture_looks_whole(jpeg_start + body + "\xFF\xD9" + std::string(20, '\0'))); // padded
    EXPECT_FALSE(picture_looks_whole(jpeg_start + body));                                     // cut short
    const std::string png_start("\x89PNG\r\n\x1A\n", 8);
    EXPECT_TRUE(picture_looks_whole(png_start + body + "IEND\xAE\x42\x60\x82"));
    EXPECT_FALSE(picture_looks_whole(png_start + body));
    EXPECT_FALSE(picture_looks_whole("GIF89a" + body));
    EXPECT_FALSE(picture_looks_whole(""));
}

struct RankCase {
    const char* name;
    std::optional<int> rank;
};

TEST(Art, CoverNamesPeopleUseInAnyCase) {
    for (auto name : {"cover.jpg", "Cover.JPG", "COVER.jpeg", "folder.jpg", "Folder.png", "front.jpg",
                      "Front.PNG", "album.jpg", "AlbumArtSmall.jpg", "AlbumArt_{5B4F7A2C-1234}_Large.jpg",
                      "albumart.png", "thumb.jpg"}) {
        EXPECT_TRUE(cover_rank(name)) << name;
    }
    for (auto name : {"cover.gif", "cover", "back.jpg", "scan01.jpg", "my cover.jpg", "cover.jpg.bak",
                      "coverage.jpg", ".jpg", "folder.txt", "01 - Song.mp3"}) {
        EXPECT_FALSE(cover_rank(name)) << name;
    }
}

TEST(Art, CoverBeatsFolderBeatsFrontAndLargeBeatsSmall) {
    EXPECT_LT(*cover_rank("cover.jpg"), *cover_rank("folder.jpg"));
    EXPECT_LT(*cover_rank("folder.jpg"), *cover_rank("front.jpg"));
    EXPECT_LT(*cover_rank("front.png"), *cover_rank("album.jpg"));
    EXPECT_LT(*cover_rank("AlbumArt_{X}_Large.jpg"), *cover_rank("AlbumArt_{X}_Small.jpg"));
    EXPECT_LT(*cover_rank("AlbumArtSmall.jpg"), *cover_rank("thumb.jpg"));
    EXPECT_EQ(*cover_rank("cover.jpg"), *cover_rank("COVER.PNG"));
}

TEST(Art, ColumnNamesWhereThePictureComesFrom) {
    MediaInfo info;
    info.kind = Kind::audio;
    EXPECT_EQ(art_column(info), std::nullopt); // the walk may give it the folder's cover
    info.embedded_picture = true;
    EXPECT_EQ(art_column(info), "embedded");
    info.kind = Kind::video;
    EXPECT_EQ(art_column(info), "frame");
    info.kind = Kind::image;
    EXPECT_EQ(art_column(info), "picture");
}

TEST(Art, SourceFromTheColumn) {
    const std::filesystem::path file = "/m/Album/01.mp3";
    EXPECT_EQ(art_source("embedded", file)->kind, ArtKind::embedded);
    EXPECT_EQ(art_source("embedded", file)->file, file);
    EXPECT_EQ(art_source("frame", file)->kind, ArtKind::frame);
    EXPECT_EQ(art_source("picture", file)->kind, ArtKind::picture);
    auto cover = art_source("/m/Album/cover.jpg", file);
    ASSERT_TRUE(cover);
    EXPECT_EQ(cover->kind, ArtKind::cover);
    EXPECT_EQ(cover->file, "/m/Album/cover.jpg");
    EXPECT_FALSE(art_source("", file));
    EXPECT_FALSE(art_source("relative/cover.jpg", file));
}

TEST(Art, CacheKeyChangesWithTheSourceAndNothingElse) {
    ArtSource a{ArtKind::cover, "/m/Album/cover.jpg"};
    const auto key = art_cache_key(a, 1000, 1'700'000'000'000'000'000);
    EXPECT_EQ(key.size(), 16u);
    EXPECT_EQ(key.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(key, art_cache_key(a, 1000, 1'700'000'000'000'000'000)); // stable
    std::set<std::string> keys{key};
    keys.insert(art_cache_key(a, 1001, 1'700'000'000'000'000'000)); // size
    keys.insert(art_cache_key(a, 1000, 1'700'000'000'000'000'001)); // mtime (ns)
    keys.insert(art_cache_key({ArtKind::cover, "/m/Other/cover.jpg"}, 1000, 1'700'000'000'000'000'000));
    keys.insert(art_cache_key({ArtKind::picture, "/m/Album/cover.jpg"}, 1000, 1'700'000'000'000'000'000));
    EXPECT_EQ(keys.size(), 5u);
}

TEST(Art, ThumbnailFeaturesAreExact) {
    EXPECT_STREQ(art_profile(ArtSize::tn), "JPEG_TN");
    EXPECT_STREQ(art_profile(ArtSize::sm), "JPEG_SM");
    EXPECT_EQ(
        art_features(ArtSize::tn),
        "DLNA.ORG_PN=JPEG_TN;DLNA.ORG_OP=00;DLNA.ORG_CI=1;DLNA.ORG_FLAGS=00f00000000000000000000000000000");
    EXPECT_EQ(
        art_features(ArtSize::sm),
        "DLNA.ORG_PN=JPEG_SM;DLNA.ORG_OP=00;DLNA.ORG_CI=1;DLNA.ORG_FLAGS=00f00000000000000000000000000000");
}

} // namespace
} // namespace hearth::media
