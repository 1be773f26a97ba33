#pragma once
// One owner type per FFmpeg handle (STYLE rule 3): only these free what libav allocated.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <variant>

namespace hearth::av {

struct InputCloser {
    void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct CodecCloser {
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFree {
    void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsFree {
    void operator()(SwsContext* s) const { sws_freeContext(s); }
};
struct SwrFree {
    void operator()(SwrContext* s) const { swr_free(&s); }
};
struct FifoFree {
    void operator()(AVAudioFifo* f) const { av_audio_fifo_free(f); }
};

using Input = std::unique_ptr<AVFormatContext, InputCloser>; ///< from avformat_open_input
using Codec = std::unique_ptr<AVCodecContext, CodecCloser>;
using Frame = std::unique_ptr<AVFrame, FrameFree>;
using Packet = std::unique_ptr<AVPacket, PacketFree>;
using Scaler = std::unique_ptr<SwsContext, SwsFree>;
using Resampler = std::unique_ptr<SwrContext, SwrFree>;
using Fifo = std::unique_ptr<AVAudioFifo, FifoFree>;

/// av_strerror's text for a libav error code ("No such file or directory", "Invalid data found when
/// processing input"). Any thread.
std::string error_text(int code);

/// How open_input opens a file; the defaults are libav's.
struct InputOptions {
    const AVInputFormat* format = nullptr; ///< a demuxer to use instead of guessing one
    AVIOInterruptCB interrupt{};           ///< blocking reads give up once its callback returns 1
    std::int64_t probesize = 0;            ///< bytes read to find the stream parameters; 0: libav's 5 MB
    std::int64_t max_analyze_duration = 0; ///< in AV_TIME_BASE units; 0: libav's 5 s
    bool read_streams = true; ///< also avformat_find_stream_info (not needed for attached pictures)
};

/// Which step of open_input failed, with libav's error code.
struct OpenError {
    enum class Step { open, read_streams };
    Step step = Step::open;
    int code = 0;
};

/// avformat_open_input, then (by default) avformat_find_stream_info: the one way a file is opened for
/// reading.
std::variant<Input, OpenError> open_input(const std::filesystem::path& file,
                                          const InputOptions& options = {});

/// A muxer writing through a custom AVIOContext: each buffer of output goes to sink, and a false from the
/// sink aborts the write (libav then returns AVERROR_EXIT). The sink must outlive the Output.
class Output {
  public:
    using Sink = std::function<bool(const std::uint8_t*, std::size_t)>;
    /// format: a libav muxer name ("mpegts", "mp3"); throws std::runtime_error when there is none.
    Output(const std::string& format, const Sink& sink);
    ~Output();
    Output(const Output&) = delete;
    Output& operator=(const Output&) = delete;
    AVFormatContext* get() { return ctx_; }

  private:
    static int write(void* opaque, std::uint8_t* buf, int size);

    AVFormatContext* ctx_ = nullptr;
    const Sink& sink_;
};

} // namespace hearth::av
