#pragma once
// Pictures for tests, made with libavcodec's encoders, and a look at what a picture file holds.
#include "hearth/media/av.hpp"

#include <filesystem>
#include <string>

namespace hearth::test {

/// A width x height PNG: a horizontal red ramp over `blue` (0…255); empty if the encoder is missing.
inline std::string make_png(int width, int height, int blue = 200) {
    const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
    if (codec == nullptr) return {};
    av::Codec enc(avcodec_alloc_context3(codec));
    enc->width = width;
    enc->height = height;
    enc->pix_fmt = AV_PIX_FMT_RGB24;
    enc->time_base = {1, 25};
    if (avcodec_open2(enc.get(), codec, nullptr) < 0) return {};
    av::Frame frame(av_frame_alloc());
    frame->format = AV_PIX_FMT_RGB24;
    frame->width = width;
    frame->height = height;
    if (av_frame_get_buffer(frame.get(), 0) < 0) return {};
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            std::uint8_t* px = frame->data[0] + y * frame->linesize[0] + 3 * x;
            px[0] = static_cast<std::uint8_t>(255 * x / width);
            px[1] = 0;
            px[2] = static_cast<std::uint8_t>(blue);
        }
    }
    frame->pts = 0;
    av::Packet packet(av_packet_alloc());
    if (avcodec_send_frame(enc.get(), frame.get()) < 0) return {};
    if (avcodec_receive_packet(enc.get(), packet.get()) < 0) return {};
    return {reinterpret_cast<const char*>(packet->data), static_cast<std::size_t>(packet->size)};
}

struct PictureInfo {
    std::string codec;
    int width = 0, height = 0;
};

/// The codec and size of a one-picture file; empty codec when it cannot be read.
inline PictureInfo picture_info(const std::filesystem::path& file) {
    AVFormatContext* raw = nullptr;
    if (avformat_open_input(&raw, file.c_str(), nullptr, nullptr) < 0) return {};
    av::Input input(raw);
    if (avformat_find_stream_info(input.get(), nullptr) < 0 || input->nb_streams != 1) return {};
    const AVCodecParameters* par = input->streams[0]->codecpar;
    return {avcodec_get_name(par->codec_id), par->width, par->height};
}

} // namespace hearth::test
