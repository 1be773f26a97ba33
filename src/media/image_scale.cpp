// Scaled JPEGs for renderers with a picture size limit. Not SWS_FAST_BILINEAR: on x86 it generates code at
// run time, which systemd's MemoryDenyWriteExecute= refuses; SWS_AREA is the right filter for shrinking.
#include "hearth/media/image_scale.hpp"

#include "hearth/media/av.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cmath>
#include <memory>

namespace hearth::media {
namespace {

using av::Codec;
using av::Frame;
using av::Input;
using av::Packet;
using av::Scaler;

constexpr int kJpegQuality =
    3; // mjpeg qscale: 2 (best) … 31; 3 is visually lossless at a fraction of 2's size

} // namespace

Frame decode_picture(const std::filesystem::path& image) {
    auto opened = av::open_input(image);
    if (!std::holds_alternative<Input>(opened)) return nullptr;
    auto input = std::get<Input>(std::move(opened));
    const AVCodec* codec = nullptr;
    const int stream = av_find_best_stream(input.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (stream < 0 || codec == nullptr) return nullptr;
    Codec dec(avcodec_alloc_context3(codec));
    if (!dec || avcodec_parameters_to_context(dec.get(), input->streams[stream]->codecpar) < 0)
        return nullptr;
    dec->max_pixels = kMaxPicturePixels;
    if (avcodec_open2(dec.get(), codec, nullptr) < 0) return nullptr;
    Packet packet(av_packet_alloc());
    Frame frame(av_frame_alloc());
    if (!packet || !frame) return nullptr;
    while (av_read_frame(input.get(), packet.get()) >= 0) {
        const bool ours = packet->stream_index == stream;
        const int sent = ours ? avcodec_send_packet(dec.get(), packet.get()) : 0;
        av_packet_unref(packet.get());
        if (sent < 0) return nullptr;
        if (ours && avcodec_receive_frame(dec.get(), frame.get()) == 0) return frame;
    }
    avcodec_send_packet(dec.get(), nullptr); // drain: some decoders hold the picture until the end
    if (avcodec_receive_frame(dec.get(), frame.get()) == 0) return frame;
    return nullptr;
}

namespace {

// The picture at width x height in the JPEG encoder's pixel format (full-range 4:2:0).
Frame scale(const AVFrame& in, int width, int height) {
    Frame out(av_frame_alloc());
    if (!out) return nullptr;
    out->format = AV_PIX_FMT_YUVJ420P;
    out->width = width;
    out->height = height;
    if (av_frame_get_buffer(out.get(), 0) < 0) return nullptr;
    Scaler sws(sws_getContext(in.width, in.height, static_cast<AVPixelFormat>(in.format), width, height,
                              AV_PIX_FMT_YUVJ420P, SWS_AREA, nullptr, nullptr, nullptr));
    if (!sws) return nullptr;
    sws_scale(sws.get(), in.data, in.linesize, 0, in.height, out->data, out->linesize);
    return out;
}

std::optional<std::string> encode_jpeg(AVFrame& picture) {
    const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
    if (codec == nullptr) return std::nullopt;
    Codec enc(avcodec_alloc_context3(codec));
    if (!enc) return std::nullopt;
    enc->width = picture.width;
    enc->height = picture.height;
    enc->pix_fmt = AV_PIX_FMT_YUVJ420P;
    enc->time_base = {1, 25};
    enc->flags |= AV_CODEC_FLAG_QSCALE;
    enc->global_quality = FF_QP2LAMBDA * kJpegQuality;
    if (avcodec_open2(enc.get(), codec, nullptr) < 0) return std::nullopt;
    picture.quality = enc->global_quality;
    picture.pts = 0;
    Packet packet(av_packet_alloc());
    if (!packet || avcodec_send_frame(enc.get(), &picture) < 0) return std::nullopt;
    if (avcodec_receive_packet(enc.get(), packet.get()) < 0) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(packet->data), static_cast<std::size_t>(packet->size));
}

} // namespace

std::pair<int, int> fit_within(int width, int height, int max_width, int max_height) {
    if (width <= 0 || height <= 0) return {std::max(width, 1), std::max(height, 1)};
    double factor = 1.0;
    if (max_width > 0) factor = std::min(factor, static_cast<double>(max_width) / width);
    if (max_height > 0) factor = std::min(factor, static_cast<double>(max_height) / height);
    auto side = [&](int v) { return std::max(1, static_cast<int>(std::lround(v * factor))); };
    return {side(width), side(height)};
}

std::optional<std::string> jpeg_of(const AVFrame& picture, int max_width, int max_height) {
    if (picture.width <= 0 || picture.height <= 0) return std::nullopt;
    auto [width, height] = fit_within(picture.width, picture.height, max_width, max_height);
    Frame scaled = scale(picture, width, height);
    if (!scaled) return std::nullopt;
    return encode_jpeg(*scaled);
}

std::optional<std::string> scaled_jpeg(const std::filesystem::path& image, int max_width, int max_height) {
    Frame decoded = decode_picture(image);
    if (!decoded) return std::nullopt;
    return jpeg_of(*decoded, max_width, max_height);
}

} // namespace hearth::media
