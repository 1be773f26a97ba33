// Scaled JPEGs: a PNG made here with libavcodec's encoder, scaled, and the JPEG read back with libavformat.
#include "hearth/media/image_scale.hpp"
#include "support/pictures.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace hearth::media {
namespace {

using test::make_png;
using Probed = test::PictureInfo;

Probed probe(const std::filesystem::path& file) {
    return test::picture_info(file);
}

class ScaledJpeg : public ::testing::Test {
  protected:
    void SetUp() override {
        auto png = make_png(400, 300);
        ASSERT_FALSE(png.empty());
        source = dir.write("ramp.png", png);
    }
    Probed scaled(int max_width, int max_height) {
        auto jpeg = scaled_jpeg(source, max_width, max_height);
        EXPECT_TRUE(jpeg);
        if (!jpeg) return {};
        EXPECT_EQ(jpeg->substr(0, 3), "\xFF\xD8\xFF");
        return probe(dir.write("out.jpg", *jpeg));
    }
    test::TempDir dir;
    std::filesystem::path source;
};

TEST_F(ScaledJpeg, ShrinksToFitKeepingTheAspectRatio) {
    auto out = scaled(200, 200);
    EXPECT_EQ(out.codec, "mjpeg");
    EXPECT_EQ(out.width, 200);
    EXPECT_EQ(out.height, 150);
    out = scaled(400, 100);
    EXPECT_EQ(out.width, 133);
    EXPECT_EQ(out.height, 100);
}

TEST_F(ScaledJpeg, NeverEnlargesButStillConvertsToJpeg) {
    auto out = scaled(4096, 4096);
    EXPECT_EQ(out.codec, "mjpeg");
    EXPECT_EQ(out.width, 400);
    EXPECT_EQ(out.height, 300);
}

TEST_F(ScaledJpeg, UnreadableInputIsNullopt) {
    EXPECT_FALSE(scaled_jpeg(dir / "missing.png", 100, 100));
    EXPECT_FALSE(scaled_jpeg(dir.write("junk.png", "not a picture at all"), 100, 100));
}

TEST(FitWithin, ScalesDownOnlyAndKeepsTheAspect) {
    EXPECT_EQ(fit_within(4000, 3000, 1920, 1080), (std::pair<int, int>{1440, 1080}));
    EXPECT_EQ(fit_within(4000, 3000, 1920, 1920), (std::pair<int, int>{1920, 1440}));
    EXPECT_EQ(fit_within(1200, 1600, 640, 480), (std::pair<int, int>{360, 480}));
    EXPECT_EQ(fit_within(800, 600, 1920, 1080), (std::pair<int, int>{800, 600}));
    EXPECT_EQ(fit_within(10000, 10, 100, 100), (std::pair<int, int>{100, 1}));
    EXPECT_EQ(fit_within(800, 600, 0, 300), (std::pair<int, int>{400, 300})); // 0: no width limit
}

} // namespace
} // namespace hearth::media
