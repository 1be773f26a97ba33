// Thumbnails: embedded covers are decoded from the packet libavformat already holds; cover files and photos
// with the picture decoder; videos by seeking to a tenth of the way in and decoding up to the picture there
// (darker than kBlack: try further in), all under a deadline enforced by libavformat's interrupt callback.
#include "hearth/media/thumbnail.hpp"

#include "hearth/media/av.hpp"
#include "hearth/media/image_scale.hpp"

extern "C" {
#include <libavutil/pixdesc.h>
}

#include <array>

namespace hearth::media {
namespace {

using Clock = std::chrono::steady_clock;

constexpr double kBlack = 24; // mean luma below this is a black or fade frame
constexpr std::array<double, 4> kTries = {0.10, 0.25, 0.40, 0.60}; // fractions of the duration
constexpr int kMaxPacketsPerTry = 1500; // a keyframe interval of a minute at 25 fps

std::variant<Thumbnails, std::string> both(const AVFrame& picture) {
    auto tn = jpeg_of(picture, kTnSide, kTnSide);
    auto sm = jpeg_of(picture, kSmWidth, kSmHeight);
    if (!tn || !sm) return std::string("cannot encode a thumbnail");
    return Thumbnails{std::move(*tn), std::move(*sm)};
}

av::Codec open_decoder(const AVStream& stream) {
    const AVCodec* codec = avcodec_find_decoder(stream.codecpar->codec_id);
    if (codec == nullptr) return nullptr;
    av::Codec dec(avcodec_alloc_context3(codec));
    if (!dec || avcodec_parameters_to_context(dec.get(), stream.codecpar) < 0) return nullptr;
    dec->max_pixels = kMaxPicturePixels;
    dec->thread_count = 1; // one picture: frame threading would only delay it
    if (avcodec_open2(dec.get(), codec, nullptr) < 0) return nullptr;
    return dec;
}

struct Deadline {
    Clock::time_point at;
    static int expired(void* self) { return Clock::now() > static_cast<Deadline*>(self)->at ? 1 : 0; }
};

// Opens a file whose reads give up once the deadline has passed; null when it cannot be opened.
av::Input open_bounded(const std::filesystem::path& file, Deadline& deadline, bool read_streams) {
    auto opened =
        av::open_input(file, {.interrupt = {&Deadline::expired, &deadline}, .read_streams = read_streams});
    auto* input = std::get_if<av::Input>(&opened);
    return input != nullptr ? std::move(*input) : nullptr;
}

std::variant<Thumbnails, std::string> from_embedded(const std::filesystem::path& file) {
    Deadline deadline{Clock::now() + kFrameDeadline};
    auto input = open_bounded(file, deadline, false);
    if (!input) return std::string("cannot open the file");
    for (unsigned i = 0; i < input->nb_streams; ++i) {
        const AVStream* s = input->streams[i];
        if ((s->disposition & AV_DISPOSITION_ATTACHED_PIC) == 0 || s->attached_pic.size <= 0) continue;
        if (s->attached_pic.size > kMaxEmbeddedArtBytes) return std::string("embedded picture too large");
        auto dec = open_decoder(*s);
        av::Frame frame(av_frame_alloc());
        if (!dec || !frame) return std::string("no decoder for the embedded picture");
        if (avcodec_send_packet(dec.get(), &s->attached_pic) < 0)
            return std::string("embedded picture damaged");
        avcodec_send_packet(dec.get(), nullptr);
        if (avcodec_receive_frame(dec.get(), frame.get()) < 0) return std::string("embedded picture damaged");
        return both(*frame);
    }
    return std::string("no embedded picture");
}

// The first picture at or after `target` (in the stream's time base) decoded from the current read position
// (a keyframe before it), within the packet budget and the deadline; the last one decoded when the budget
// or the file ends first.
av::Frame picture_at(AVFormatContext& input, AVCodecContext& dec, int stream, std::int64_t target,
                     const Deadline& deadline) {
    av::Packet packet(av_packet_alloc());
    av::Frame frame(av_frame_alloc());
    av::Frame last;
    if (!packet || !frame) return nullptr;
    for (int n = 0; n < kMaxPacketsPerTry && Clock::now() < deadline.at; ++n) {
        if (av_read_frame(&input, packet.get()) < 0) break;
        const bool ours = packet->stream_index == stream;
        const int sent = ours ? avcodec_send_packet(&dec, packet.get()) : 0;
        av_packet_unref(packet.get());
        if (!ours || (sent < 0 && sent != AVERROR(EAGAIN))) continue; // a damaged packet: try the next
        while (avcodec_receive_frame(&dec, frame.get()) == 0) {
            const std::int64_t pts = frame->best_effort_timestamp;
            if (pts == AV_NOPTS_VALUE || pts >= target) return frame;
            last.reset(av_frame_clone(frame.get()));
            av_frame_unref(frame.get());
        }
    }
    return last;
}

std::variant<Thumbnails, std::string> from_video(const std::filesystem::path& file) {
    Deadline deadline{Clock::now() + kFrameDeadline};
    auto input = open_bounded(file, deadline, true);
    if (!input) return std::string("cannot open the file");
    int stream = -1;
    for (unsigned i = 0; i < input->nb_streams && stream < 0; ++i) {
        const AVStream* s = input->streams[i];
        if (s->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
            (s->disposition & AV_DISPOSITION_ATTACHED_PIC) == 0)
            stream = static_cast<int>(i);
    }
    if (stream < 0) return std::string("no video stream");
    const AVStream& video = *input->streams[stream];
    auto dec = open_decoder(video);
    if (!dec) return std::string("no decoder for the video");
    const std::int64_t duration = input->duration != AV_NOPTS_VALUE ? input->duration : 0;
    const std::int64_t start = video.start_time != AV_NOPTS_VALUE ? video.start_time : 0;
    av::Frame best;
    double best_luma = -1;
    for (double fraction : kTries) {
        std::int64_t target = start;
        if (duration > 0) {
            const auto at = static_cast<std::int64_t>(static_cast<double>(duration) * fraction);
            target = start + av_rescale_q(at, AV_TIME_BASE_Q, video.time_base);
            if (av_seek_frame(input.get(), stream, target, AVSEEK_FLAG_BACKWARD) < 0) break;
            avcodec_flush_buffers(dec.get());
        }
        auto frame = picture_at(*input, *dec, stream, target, deadline);
        if (!frame) break;
        const double luma = mean_luma(*frame).value_or(255);
        if (luma > best_luma) {
            best = std::move(frame);
            best_luma = luma;
        }
        if (best_luma >= kBlack || duration <= 0) break;
    }
    if (!best) {
        return std::string(Clock::now() >= deadline.at ? "no picture decoded in time" : "no picture decoded");
    }
    return both(*best);
}

std::variant<Thumbnails, std::string> from_picture(const std::filesystem::path& file) {
    auto picture = decode_picture(file);
    if (!picture) return std::string("cannot decode the picture");
    return both(*picture);
}

} // namespace

std::optional<double> mean_luma(const AVFrame& picture) {
    const auto* desc = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(picture.format));
    if (desc == nullptr || (desc->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL)) != 0 ||
        desc->comp[0].depth != 8 || desc->comp[0].step != 1 || picture.data[0] == nullptr)
        return std::nullopt;
    // Every 4th pixel of every 4th row is plenty to tell black from a picture.
    std::uint64_t sum = 0;
    std::uint64_t count = 0;
    for (int y = 0; y < picture.height; y += 4) {
        const std::uint8_t* row = picture.data[0] + static_cast<std::ptrdiff_t>(y) * picture.linesize[0];
        for (int x = 0; x < picture.width; x += 4) {
            sum += row[x];
            ++count;
        }
    }
    if (count == 0) return std::nullopt;
    return static_cast<double>(sum) / static_cast<double>(count);
}

std::variant<Thumbnails, std::string> make_thumbnails(const ArtSource& source) {
    switch (source.kind) {
    case ArtKind::embedded:
        return from_embedded(source.file);
    case ArtKind::frame:
        return from_video(source.file);
    case ArtKind::cover:
    case ArtKind::picture:
        return from_picture(source.file);
    }
    return std::string("unknown source");
}

} // namespace hearth::media
