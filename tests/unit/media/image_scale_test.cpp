// Scaled JPEGs: a PNG made here with libavcodec's encoder, scaled, and the JPEG read back with libavformat.
#include "hearth/media/image_scale.hpp"
#include "support/temp_dir.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

#include <gtest/gtest.h>
#include <memory>

namespace hearth::media {
namespace {

struct CodecCloser {
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFree {
    void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct InputCloser {
    void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};

// A width x height PNG: a horizontal red ramp over a blue background.
std::string make_png(int width, int height) {
    const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
    if (codec == nullptr) return {};
    std::unique_ptr<AVCodecContext, CodecCloser> enc(avcodec_alloc_context3(codec));
    enc->width = width;
    enc->height = height;
    enc->pix_fmt = AV_PIX_FMT_RGB24;
    enc->time_base = {1, 25};
    if (avcodec_open2(enc.get(), codec, nullptr) < 0) return {};
    std::unique_ptr<AVFrame, FrameFree> frame(av_frame_alloc());
    frame->format = AV_PIX_FMT_RGB24;
    frame->width = width;
    frame->height = height;
    if (av_frame_get_buffer(frame.get(), 0) < 0) return {};
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            std::uint8_t* px = frame->data[0] + y * frame->linesize[0] + 3 * x;
            px[0] = static_cast<std::uint8_t>(255 * x / width);
            px[1] = 0;
            px[2] = 200;
        }
    }
    frame->pts = 0;
    std::unique_ptr<AVPacket, PacketFree> packet(av_packet_alloc());
    if (avcodec_send_frame(enc.get(), frame.get()) < 0) return {};
    if (avcodec_receive_packet(enc.get(), packet.get()) < 0) return {};
    return {reinterpret_cast<const char*>(packet->data), static_cast<std::size_t>(packet->size)};
}

struct Probed {
    std::string codec;
    int width = 0, height = 0;
};

Probed probe(const std::filesystem::path& file) {
    AVFormatContext* raw = nullptr;
    if (avformat_open_input(&raw, file.c_str(), nullptr, nullptr) < 0) return {};
    std::unique_ptr<AVFormatContext, InputCloser> input(raw);
    if (avformat_find_stream_info(input.get(), nullptr) < 0 || input->nb_streams != 1) return {};
    const AVCodecParameters* par = input->streams[0]->codecpar;
    return {avcodec_get_name(par->codec_id), par->width, par->height};
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
