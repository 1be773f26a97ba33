// The libav helpers: error texts, opening an input (and how each step fails) and the muxer writing through a
// sink.
#include "hearth/media/av.hpp"
#include "support/pictures.hpp"
#include "support/temp_dir.hpp"

#include <cerrno>
#include <cstring>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace hearth::av {
namespace {

TEST(AvErrorText, IsLibavsTextForTheCode) {
    EXPECT_EQ(error_text(AVERROR(ENOENT)), std::strerror(ENOENT));
    EXPECT_NE(error_text(AVERROR_INVALIDDATA).find("Invalid data"), std::string::npos)
        << error_text(AVERROR_INVALIDDATA);
    EXPECT_NE(error_text(AVERROR_EXIT), error_text(AVERROR_EOF));
}

TEST(AvOpenInput, AMissingFileFailsAtOpen) {
    test::TempDir dir;
    auto opened = open_input(dir / "absent.mkv");
    ASSERT_TRUE(std::holds_alternative<OpenError>(opened));
    EXPECT_EQ(std::get<OpenError>(opened).step, OpenError::Step::open);
    EXPECT_EQ(std::get<OpenError>(opened).code, AVERROR(ENOENT));
}

TEST(AvOpenInput, TextIsNoMedia) {
    test::TempDir dir;
    auto opened = open_input(dir.write("notes.mkv", std::string(4096, 'x')));
    ASSERT_TRUE(std::holds_alternative<OpenError>(opened));
    EXPECT_LT(std::get<OpenError>(opened).code, 0);
}

TEST(AvOpenInput, ReadsTheStreamsOfAPicture) {
    test::TempDir dir;
    auto png = dir.write("p.png", test::make_png(64, 48));
    auto opened = open_input(png);
    ASSERT_TRUE(std::holds_alternative<Input>(opened)) << error_text(std::get<OpenError>(opened).code);
    const auto& input = std::get<Input>(opened);
    ASSERT_EQ(input->nb_streams, 1U);
    EXPECT_EQ(input->streams[0]->codecpar->codec_id, AV_CODEC_ID_PNG);
    EXPECT_EQ(input->streams[0]->codecpar->width, 64);
    EXPECT_EQ(input->streams[0]->codecpar->height, 48);
}

TEST(AvOpenInput, ForcedFormatThatDoesNotFitFails) {
    test::TempDir dir;
    auto png = dir.write("p.png", test::make_png(16, 16));
    auto opened = open_input(png, {.format = av_find_input_format("mpegts")});
    EXPECT_TRUE(std::holds_alternative<OpenError>(opened));
}

TEST(AvOpenInput, AnInterruptStopsTheOpen) {
    test::TempDir dir;
    auto png = dir.write("p.png", test::make_png(16, 16));
    auto stop = [](void*) { return 1; };
    auto opened = open_input(png, {.interrupt = {stop, nullptr}});
    ASSERT_TRUE(std::holds_alternative<OpenError>(opened));
    EXPECT_EQ(std::get<OpenError>(opened).code, AVERROR_EXIT);
}

TEST(AvOutput, UnknownMuxerThrows) {
    Output::Sink sink = [](const std::uint8_t*, std::size_t) { return true; };
    EXPECT_THROW(Output("no-such-muxer", sink), std::runtime_error);
}

// An MP3 muxer with one stream: enough to make it write its ID3v2 header.
int start_mp3(Output& out) {
    AVStream* st = avformat_new_stream(out.get(), nullptr);
    if (st == nullptr) return AVERROR(ENOMEM);
    st->codecpar->codec_type = AVMEDIA_TYPE_AUDIO;
    st->codecpar->codec_id = AV_CODEC_ID_MP3;
    st->codecpar->sample_rate = 44100;
    av_channel_layout_default(&st->codecpar->ch_layout, 2);
    st->time_base = {1, 44100};
    int rc = avformat_write_header(out.get(), nullptr);
    avio_flush(out.get()->pb);
    return rc < 0 ? rc : out.get()->pb->error;
}

TEST(AvOutput, WritesThroughTheSink) {
    std::vector<std::uint8_t> bytes;
    Output::Sink sink = [&](const std::uint8_t* data, std::size_t size) {
        bytes.insert(bytes.end(), data, data + size);
        return true;
    };
    Output out("mp3", sink);
    ASSERT_GE(start_mp3(out), 0);
    ASSERT_GE(bytes.size(), 10U);
    EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 3), "ID3");
}

TEST(AvOutput, ASinkThatRefusesAbortsTheWrite) {
    int calls = 0;
    Output::Sink sink = [&](const std::uint8_t*, std::size_t) {
        ++calls;
        return false;
    };
    Output out("mp3", sink);
    EXPECT_EQ(start_mp3(out), AVERROR_EXIT);
    EXPECT_EQ(calls, 1);
}

} // namespace
} // namespace hearth::av
