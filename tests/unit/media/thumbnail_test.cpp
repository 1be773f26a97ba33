// Thumbnails made from real pictures (PNG/JPEG made here), their cache in a temporary state folder, and
// damaged input that must give no thumbnail rather than a crash.
#include "hearth/media/image_scale.hpp"
#include "hearth/media/thumbnail.hpp"
#include "hearth/media/thumbnail_cache.hpp"
#include "support/pictures.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <cstring>
#include <gtest/gtest.h>

namespace hearth::media {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> files_under(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file()) out.push_back(it->path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

TEST(Thumbnails, BothSizesFromOnePicture) {
    test::TempDir dir;
    auto png = dir.write("cover.png", test::make_png(1200, 900));
    auto made = make_thumbnails({ArtKind::cover, png});
    ASSERT_TRUE(std::holds_alternative<Thumbnails>(made)) << std::get<std::string>(made);
    const auto& thumbs = std::get<Thumbnails>(made);
    auto tn = test::picture_info(dir.write("tn.jpg", thumbs.tn));
    auto sm = test::picture_info(dir.write("sm.jpg", thumbs.sm));
    EXPECT_EQ(tn.codec, "mjpeg");
    EXPECT_EQ(tn.width, 160);
    EXPECT_EQ(tn.height, 120);
    EXPECT_EQ(sm.codec, "mjpeg");
    EXPECT_EQ(sm.width, 640);
    EXPECT_EQ(sm.height, 480);
}

TEST(Thumbnails, DamagedOrMissingPicturesGiveAReasonNotACrash) {
    test::TempDir dir;
    auto png = test::make_png(300, 300);
    auto truncated = dir.write("cut.png", png.substr(0, png.size() / 3));
    auto junk = dir.write("junk.jpg", std::string("\xFF\xD8\xFF\xE0", 4) + std::string(4000, '\x55'));
    for (const auto& file : {truncated, junk, dir / "missing.jpg"}) {
        auto made = make_thumbnails({ArtKind::picture, file});
        ASSERT_TRUE(std::holds_alternative<std::string>(made)) << file;
        EXPECT_FALSE(std::get<std::string>(made).empty());
    }
    auto made = make_thumbnails({ArtKind::embedded, dir.write("silent.mp3", "no picture here")});
    EXPECT_TRUE(std::holds_alternative<std::string>(made));
    made = make_thumbnails({ArtKind::frame, junk});
    EXPECT_TRUE(std::holds_alternative<std::string>(made));
}

TEST(Thumbnails, MeanLumaTellsBlackFromAPicture) {
    auto black = decode_picture(std::filesystem::path("/nonexistent"));
    EXPECT_FALSE(black);
    av::Frame frame(av_frame_alloc());
    frame->format = AV_PIX_FMT_YUV420P;
    frame->width = 64;
    frame->height = 48;
    ASSERT_GE(av_frame_get_buffer(frame.get(), 0), 0);
    std::memset(frame->data[0], 16, static_cast<std::size_t>(frame->linesize[0] * 48));
    EXPECT_NEAR(*mean_luma(*frame), 16, 0.01);
    std::memset(frame->data[0], 180, static_cast<std::size_t>(frame->linesize[0] * 48));
    EXPECT_NEAR(*mean_luma(*frame), 180, 0.01);
    frame->format = AV_PIX_FMT_RGB24; // not a luma plane
    EXPECT_FALSE(mean_luma(*frame));
}

class ThumbnailCacheTest : public ::testing::Test {
  protected:
    void SetUp() override {
        cover = dir.write("media/Album/cover.png", test::make_png(800, 800));
        ASSERT_GT(fs::file_size(cover), 0u);
    }
    test::TempDir dir;
    fs::path cover;
    fs::path state = dir / "state/thumbnails";
};

TEST_F(ThumbnailCacheTest, MakesBothOnceAndServesThemFromTheStateFolder) {
    ThumbnailCache cache(state);
    auto tn = cache.get(7, {ArtKind::cover, cover}, ArtSize::tn);
    ASSERT_EQ(tn.status, CachedArt::Status::ok);
    EXPECT_EQ(tn.jpeg.substr(0, 3), "\xFF\xD8\xFF");
    EXPECT_EQ(cache.made(), 1u);
    auto files = files_under(state);
    ASSERT_EQ(files.size(), 2u);
    EXPECT_TRUE(files[0].filename().string().starts_with("7-" + tn.key));
    const auto written = fs::last_write_time(files[0]);

    auto sm = cache.get(7, {ArtKind::cover, cover}, ArtSize::sm);
    ASSERT_EQ(sm.status, CachedArt::Status::ok);
    EXPECT_EQ(test::picture_info(dir.write("sm.jpg", sm.jpeg)).width, 480); // 800x800 fits 640x480 as 480x480
    EXPECT_TRUE(picture_looks_whole(sm.jpeg));
    auto again = cache.get(7, {ArtKind::cover, cover}, ArtSize::tn);
    EXPECT_EQ(again.jpeg, tn.jpeg);
    EXPECT_EQ(cache.made(), 1u) << "the second size and the repeat come from the cache";
    EXPECT_EQ(fs::last_write_time(files[0]), written);

    // A new cache over the same folder (a restart) reads them too.
    ThumbnailCache restarted(state);
    EXPECT_EQ(restarted.get(7, {ArtKind::cover, cover}, ArtSize::tn).jpeg, tn.jpeg);
    EXPECT_EQ(restarted.made(), 0u);
    // Nothing was written beside the media.
    EXPECT_EQ(files_under(dir / "media"), std::vector<fs::path>{cover});
}

TEST_F(ThumbnailCacheTest, AChangedCoverGetsNewThumbnailsAndTheOldOnesGo) {
    ThumbnailCache cache(state);
    auto first = cache.get(7, {ArtKind::cover, cover}, ArtSize::tn);
    ASSERT_EQ(first.status, CachedArt::Status::ok);
    dir.write("media/Album/cover.png", test::make_png(600, 300, 20));
    fs::last_write_time(cover, fs::last_write_time(cover) + std::chrono::seconds(5));
    auto second = cache.get(7, {ArtKind::cover, cover}, ArtSize::tn);
    ASSERT_EQ(second.status, CachedArt::Status::ok);
    EXPECT_NE(second.key, first.key);
    EXPECT_NE(second.jpeg, first.jpeg);
    EXPECT_EQ(test::picture_info(dir.write("tn.jpg", second.jpeg)).height, 80);
    auto files = files_under(state);
    ASSERT_EQ(files.size(), 2u);
    for (const auto& f : files)
        EXPECT_TRUE(f.filename().string().starts_with("7-" + second.key)) << f;
}

TEST_F(ThumbnailCacheTest, RemovesThumbnailsOfItemsNotKept) {
    ThumbnailCache cache(state);
    ASSERT_EQ(cache.get(7, {ArtKind::cover, cover}, ArtSize::tn).status, CachedArt::Status::ok);
    ASSERT_EQ(cache.get(300, {ArtKind::cover, cover}, ArtSize::tn).status, CachedArt::Status::ok);
    dir.write("state/thumbnails/07/7-abc-tn.jpg.tmp99", "half written");
    EXPECT_EQ(cache.remove_except({7, 300}), 1u);
    EXPECT_EQ(files_under(state).size(), 4u);
    EXPECT_EQ(cache.remove_except({300}), 2u);
    auto left = files_under(state);
    ASSERT_EQ(left.size(), 2u);
    EXPECT_TRUE(left[0].filename().string().starts_with("300-"));
}

TEST_F(ThumbnailCacheTest, ADamagedPictureIsNoneAndNotTriedAgain) {
    ThumbnailCache cache(state);
    auto bad = dir.write("media/Bad/cover.jpg", std::string("\xFF\xD8\xFF\xE0", 4) + std::string(3000, 'z'));
    EXPECT_EQ(cache.get(9, {ArtKind::cover, bad}, ArtSize::tn).status, CachedArt::Status::none);
    EXPECT_EQ(cache.get(9, {ArtKind::cover, bad}, ArtSize::sm).status, CachedArt::Status::none);
    EXPECT_EQ(cache.get(9, {ArtKind::cover, dir / "gone.jpg"}, ArtSize::tn).status, CachedArt::Status::none);
    EXPECT_EQ(cache.made(), 0u);
    EXPECT_TRUE(files_under(state).empty());
}

TEST_F(ThumbnailCacheTest, WithoutAFolderNothingIsKept) {
    ThumbnailCache cache({});
    EXPECT_EQ(cache.get(7, {ArtKind::cover, cover}, ArtSize::tn).status, CachedArt::Status::ok);
    EXPECT_EQ(cache.get(7, {ArtKind::cover, cover}, ArtSize::tn).status, CachedArt::Status::ok);
    EXPECT_EQ(cache.made(), 2u);
    EXPECT_FALSE(fs::exists(state));
}

TEST_F(ThumbnailCacheTest, BusyWhenNoSlotFreesInTimeButCachedOnesStillServe) {
    {
        ThumbnailCache warm(state);
        ASSERT_EQ(warm.get(7, {ArtKind::cover, cover}, ArtSize::tn).status, CachedArt::Status::ok);
    }
    // No slot at all and a short wait: anything still to be made is busy (the caller answers 503).
    ThumbnailCache cache(state, {0, 1, std::chrono::milliseconds(20)});
    EXPECT_EQ(cache.get(8, {ArtKind::cover, cover}, ArtSize::tn).status, CachedArt::Status::busy);
    EXPECT_EQ(cache.get(7, {ArtKind::cover, cover}, ArtSize::sm).status, CachedArt::Status::ok);
    EXPECT_EQ(cache.made(), 0u);
}

TEST(ArtFolders, StateInsideAMediaFolderIsRefused) {
    test::TempDir dir;
    fs::create_directories(dir / "media/sub");
    EXPECT_TRUE(is_inside_any(dir / "media/sub/thumbnails", {dir / "media"}));
    EXPECT_TRUE(is_inside_any(dir / "media", {dir / "media"}));
    EXPECT_FALSE(is_inside_any(dir / "state/thumbnails", {dir / "media"}));
    EXPECT_FALSE(is_inside_any(dir / "media2/thumbnails", {dir / "media"}));
}

} // namespace
} // namespace hearth::media
