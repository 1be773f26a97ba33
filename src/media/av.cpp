#include "hearth/media/av.hpp"

extern "C" {
#include <libavutil/error.h>
}

#include <stdexcept>

namespace hearth::av {

std::string error_text(int code) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, buf, sizeof buf);
    return buf;
}

std::variant<Input, OpenError> open_input(const std::filesystem::path& file, const InputOptions& options) {
    AVFormatContext* raw = avformat_alloc_context();
    if (raw == nullptr) return OpenError{OpenError::Step::open, AVERROR(ENOMEM)};
    raw->interrupt_callback = options.interrupt;
    if (options.probesize > 0) raw->probesize = options.probesize;
    if (options.max_analyze_duration > 0) raw->max_analyze_duration = options.max_analyze_duration;
    // On failure avformat_open_input frees the context itself.
    if (int rc = avformat_open_input(&raw, file.c_str(), options.format, nullptr); rc < 0)
        return OpenError{OpenError::Step::open, rc};
    Input input(raw);
    if (options.read_streams) {
        if (int rc = avformat_find_stream_info(input.get(), nullptr); rc < 0)
            return OpenError{OpenError::Step::read_streams, rc};
    }
    return input;
}

Output::Output(const std::string& format, const Sink& sink) : sink_(sink) {
    if (avformat_alloc_output_context2(&ctx_, nullptr, format.c_str(), nullptr) < 0 || ctx_ == nullptr) {
        throw std::runtime_error("no muxer for " + format);
    }
    constexpr int kIoBuffer = 64 * 1024;
    auto* buffer = static_cast<unsigned char*>(av_malloc(kIoBuffer));
    ctx_->pb = buffer == nullptr
                   ? nullptr
                   : avio_alloc_context(buffer, kIoBuffer, 1, this, nullptr, &Output::write, nullptr);
    if (ctx_->pb == nullptr) {
        av_free(buffer);
        avformat_free_context(ctx_);
        throw std::runtime_error("out of memory");
    }
    ctx_->flags |= AVFMT_FLAG_CUSTOM_IO;
}

Output::~Output() {
    if (ctx_->pb != nullptr) {
        av_freep(&ctx_->pb->buffer);
        avio_context_free(&ctx_->pb);
    }
    avformat_free_context(ctx_);
}

int Output::write(void* opaque, std::uint8_t* buf, int size) {
    auto* self = static_cast<Output*>(opaque);
    return self->sink_(buf, static_cast<std::size_t>(size)) ? size : AVERROR_EXIT;
}

} // namespace hearth::av
