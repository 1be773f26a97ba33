// The libav pipeline of one transcode: demux → (copy | decode → scale/resample → encode) → mux into MPEG-TS
// (or MP3), written through a custom AVIOContext into the job's buffer. Runs on the job's thread; every libav
// handle has one owner here and is freed on every path.
#include "hearth/media/av.hpp"
#include "hearth/transcode/job.hpp"
#include "hearth/util/log.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>

namespace hearth::transcode {
namespace {

using av::Codec;
using av::Fifo;
using av::Frame;
using av::Input;
using av::Output;
using av::Packet;
using av::Resampler;
using av::Scaler;

void check(int rc, const std::string& what) {
    if (rc < 0) throw std::runtime_error(what + ": " + av::error_text(rc));
}

Frame new_frame() {
    Frame f(av_frame_alloc());
    if (!f) throw std::runtime_error("out of memory");
    return f;
}

Codec open_decoder(const AVStream* st) {
    const AVCodec* codec = avcodec_find_decoder(st->codecpar->codec_id);
    if (codec == nullptr)
        throw std::runtime_error(std::string("no decoder for ") + avcodec_get_name(st->codecpar->codec_id));
    Codec dec(avcodec_alloc_context3(codec));
    check(avcodec_parameters_to_context(dec.get(), st->codecpar), "decoder parameters");
    dec->pkt_timebase = st->time_base;
    dec->thread_count = 0; // as many as useful
    check(avcodec_open2(dec.get(), codec, nullptr), "open decoder");
    return dec;
}

const AVCodec* find_encoder(const std::string& name) {
    if (name == "h264") {
        if (const auto* x264 = avcodec_find_encoder_by_name("libx264")) return x264;
        return avcodec_find_encoder(AV_CODEC_ID_H264);
    }
    if (name == "mp3") {
        if (const auto* lame = avcodec_find_encoder_by_name("libmp3lame")) return lame;
        return avcodec_find_encoder(AV_CODEC_ID_MP3);
    }
    return avcodec_find_encoder_by_name(name.c_str());
}

// One input stream and what becomes of it in the output.
struct Track {
    AVStream* in = nullptr;
    AVStream* out = nullptr;
    bool copy = true;
    Codec dec, enc;
    // Video.
    Scaler scaler;
    std::int64_t last_pts = AV_NOPTS_VALUE;
    int frame_step = 1; ///< keep one frame in this many (frame rate halving)
    std::int64_t frames_seen = 0;
    // Audio.
    Resampler resampler;
    Fifo fifo;
    std::int64_t next_pts = AV_NOPTS_VALUE;
};

class Pipeline {
  public:
    Pipeline(const JobRequest& request, const std::function<bool(const std::uint8_t*, std::size_t)>& sink,
             const std::function<bool()>& cancelled)
        : request_(request), plan_(request.plan), sink_(sink), cancelled_(cancelled) {}

    void run() {
        open_input();
        Output output(plan_.container, sink_);
        out_ = output.get();
        if (video_.in) add_video();
        if (audio_.in) add_audio();
        if (!video_.out && !audio_.out) throw std::runtime_error("nothing to send: no usable stream");
        if (request_.start_seconds > 0) seek();
        check(avformat_write_header(out_, nullptr), "start the output");
        pump();
        if (cancelled_()) return;
        warn_if_short();
        flush(video_);
        flush(audio_);
        check(av_write_trailer(out_), "finish the output");
        avio_flush(out_->pb);
    }

  private:
    static int interrupt(void* opaque) { return static_cast<Pipeline*>(opaque)->cancelled_() ? 1 : 0; }

    void open_input() {
        auto opened = av::open_input(request_.input, {.interrupt = {&Pipeline::interrupt, this}});
        if (const auto* e = std::get_if<av::OpenError>(&opened))
            check(e->code, e->step == av::OpenError::Step::open ? "open the file" : "read the streams");
        in_ = std::get<Input>(std::move(opened));
        if (!plan_.video_codec.empty()) {
            int v = av_find_best_stream(in_.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
            if (v >= 0 && (in_->streams[v]->disposition & AV_DISPOSITION_ATTACHED_PIC) == 0) {
                video_.in = in_->streams[v];
            }
        }
        if (!plan_.audio_codec.empty()) {
            int a = av_find_best_stream(in_.get(), AVMEDIA_TYPE_AUDIO, -1, video_.in ? video_.in->index : -1,
                                        nullptr, 0);
            if (a >= 0) audio_.in = in_->streams[a];
        }
    }

    void seek() {
        auto ts = static_cast<std::int64_t>(request_.start_seconds * AV_TIME_BASE);
        check(av_seek_frame(in_.get(), -1, ts, AVSEEK_FLAG_BACKWARD), "seek");
    }

    AVStream* new_output_stream() {
        AVStream* st = avformat_new_stream(out_, nullptr);
        if (st == nullptr) throw std::runtime_error("out of memory");
        return st;
    }

    void add_copy(Track& t) {
        t.out = new_output_stream();
        check(avcodec_parameters_copy(t.out->codecpar, t.in->codecpar), "copy stream parameters");
        t.out->codecpar->codec_tag = 0;
        t.out->time_base = t.in->time_base;
    }

    void add_video() {
        video_.copy = plan_.copy_video;
        if (video_.copy) return add_copy(video_);
        video_.dec = open_decoder(video_.in);
        const AVCodec* codec = find_encoder(plan_.video_codec);
        if (codec == nullptr) throw std::runtime_error("no " + plan_.video_codec + " encoder in this FFmpeg");
        Codec enc(avcodec_alloc_context3(codec));
        enc->width = plan_.width > 0 ? plan_.width : video_.dec->width;
        enc->height = plan_.height > 0 ? plan_.height : video_.dec->height;
        enc->pix_fmt = AV_PIX_FMT_YUV420P;
        enc->sample_aspect_ratio = video_.dec->sample_aspect_ratio;
        AVRational rate = av_guess_frame_rate(in_.get(), video_.in, nullptr);
        if (rate.num <= 0 || rate.den <= 0 || av_q2d(rate) > 120) rate = {25, 1};
        // H.264 High@4.1, which every TV decodes, carries 1080p at up to 30 frames a second: 50/60 fps
        // sources above 720 lines are halved (every other frame is dropped).
        if (enc->height > 720 && av_q2d(rate) > 30.5) {
            rate = av_mul_q(rate, {1, 2});
            video_.frame_step = 2;
        }
        enc->framerate = rate;
        enc->time_base = av_inv_q(rate);
        enc->gop_size = static_cast<int>(std::lround(2 * av_q2d(rate)));
        const bool hd = enc->height > 720;
        enc->rc_max_rate = hd ? 10'000'000 : 6'000'000;
        enc->rc_buffer_size = static_cast<int>(enc->rc_max_rate * 2);
        enc->thread_count = 0;
        AVDictionary* opts = nullptr;
        av_dict_set(&opts, "preset", request_.preset.c_str(), 0);
        av_dict_set(&opts, "crf", "22", 0);
        av_dict_set(&opts, "profile", "high", 0);
        av_dict_set(&opts, "level", "4.1", 0);
        int rc = avcodec_open2(enc.get(), codec, &opts);
        av_dict_free(&opts);
        check(rc, "open the video encoder");
        video_.enc = std::move(enc);
        video_.copy = false;
        video_.out = new_output_stream();
        check(avcodec_parameters_from_context(video_.out->codecpar, video_.enc.get()), "video parameters");
        video_.out->time_base = video_.enc->time_base;
    }

    void add_audio() {
        audio_.copy = plan_.copy_audio;
        if (audio_.copy) return add_copy(audio_);
        audio_.dec = open_decoder(audio_.in);
        const AVCodec* codec = find_encoder(plan_.audio_codec);
        if (codec == nullptr) throw std::runtime_error("no " + plan_.audio_codec + " encoder in this FFmpeg");
        Codec enc(avcodec_alloc_context3(codec));
        int in_rate = audio_.dec->sample_rate;
        enc->sample_rate = (in_rate == 44100 || in_rate == 48000) ? in_rate : 48000;
        enc->sample_fmt = codec->sample_fmts ? codec->sample_fmts[0] : AV_SAMPLE_FMT_FLTP;
        int channels = plan_.audio_channels > 0 ? plan_.audio_channels : 2;
        channels = std::min(channels, std::max(1, audio_.dec->ch_layout.nb_channels));
        av_channel_layout_default(&enc->ch_layout, channels);
        enc->bit_rate =
            plan_.audio_codec == "ac3" ? (channels > 2 ? 448000 : 192000) : (channels > 2 ? 384000 : 192000);
        if (plan_.audio_codec == "mp3") enc->bit_rate = 256000;
        enc->time_base = {1, enc->sample_rate};
        check(avcodec_open2(enc.get(), codec, nullptr), "open the audio encoder");
        SwrContext* swr = nullptr;
        check(swr_alloc_set_opts2(&swr, &enc->ch_layout, enc->sample_fmt, enc->sample_rate,
                                  &audio_.dec->ch_layout, audio_.dec->sample_fmt, audio_.dec->sample_rate, 0,
                                  nullptr),
              "set up the resampler");
        audio_.resampler.reset(swr);
        check(swr_init(swr), "start the resampler");
        audio_.fifo.reset(av_audio_fifo_alloc(enc->sample_fmt, enc->ch_layout.nb_channels, 1));
        audio_.enc = std::move(enc);
        audio_.out = new_output_stream();
        check(avcodec_parameters_from_context(audio_.out->codecpar, audio_.enc.get()), "audio parameters");
        audio_.out->time_base = audio_.enc->time_base;
    }

    // Reads the input to its end (or until the client leaves), sending each packet on its way.
    void pump() {
        Packet pkt(av_packet_alloc());
        while (!cancelled_()) {
            int rc = av_read_frame(in_.get(), pkt.get());
            if (rc == AVERROR_EOF) return;
            if (rc < 0) {
                if (cancelled_()) return;
                throw std::runtime_error("read the file: " + av::error_text(rc));
            }
            if (pkt->pts != AV_NOPTS_VALUE) {
                const AVStream* st = in_->streams[pkt->stream_index];
                last_seconds_ =
                    std::max(last_seconds_, av_q2d(st->time_base) * static_cast<double>(pkt->pts));
            }
            Track* t = pkt->stream_index == (video_.in ? video_.in->index : -1)   ? &video_
                       : pkt->stream_index == (audio_.in ? audio_.in->index : -1) ? &audio_
                                                                                  : nullptr;
            if (t != nullptr && t->out != nullptr)
                t->copy ? write_copy(*t, pkt.get()) : decode(*t, pkt.get());
            av_packet_unref(pkt.get());
        }
    }

    // libav takes a damaged tail for the end of the file: say so when the input stopped well before its
    // length.
    void warn_if_short() const {
        if (in_->duration <= 0 || last_seconds_ <= 0) return;
        const double length = static_cast<double>(in_->duration) / AV_TIME_BASE;
        if (last_seconds_ < length - 2.0) {
            log::warning("transcode of ", request_.label, ": the file ended at ",
                         static_cast<int>(last_seconds_), " s of its ", static_cast<int>(length),
                         " s; it may be damaged");
        }
    }

    void write_copy(Track& t, AVPacket* pkt) {
        // Copied video must start at its keyframe; copied audio can start at the asked time.
        if (&t == &audio_ && before_start(t, pkt->pts)) return;
        av_packet_rescale_ts(pkt, t.in->time_base, t.out->time_base);
        pkt->stream_index = t.out->index;
        pkt->pos = -1;
        write(pkt);
    }

    void write(AVPacket* pkt) {
        if (request_.position && pkt->pts != AV_NOPTS_VALUE) {
            request_.position->store(av_q2d(out_->streams[pkt->stream_index]->time_base) *
                                     static_cast<double>(pkt->pts));
        }
        int rc = av_interleaved_write_frame(out_, pkt);
        if (rc < 0 && !cancelled_()) throw std::runtime_error("write: " + av::error_text(rc));
    }

    void decode(Track& t, const AVPacket* pkt) {
        int rc = avcodec_send_packet(t.dec.get(), pkt);
        if (rc < 0 && rc != AVERROR(EAGAIN) && rc != AVERROR_EOF) return; // a damaged packet: skip it
        Frame frame = new_frame();
        while (avcodec_receive_frame(t.dec.get(), frame.get()) >= 0) {
            &t == &video_ ? encode_video(frame.get()) : encode_audio(frame.get());
            av_frame_unref(frame.get());
        }
    }

    void encode_video(AVFrame* in) {
        Track& t = video_;
        std::int64_t src_pts = in->best_effort_timestamp;
        if (src_pts == AV_NOPTS_VALUE) src_pts = t.last_pts == AV_NOPTS_VALUE ? 0 : AV_NOPTS_VALUE;
        if (before_start(t, src_pts)) return;
        if (t.frame_step > 1 && t.frames_seen++ % t.frame_step != 0) return;
        if (!t.scaler) {
            // Not SWS_FAST_BILINEAR: on x86 it generates code at run time, which MemoryDenyWriteExecute=
            // refuses.
            t.scaler.reset(sws_getContext(in->width, in->height, static_cast<AVPixelFormat>(in->format),
                                          t.enc->width, t.enc->height, t.enc->pix_fmt, SWS_BILINEAR, nullptr,
                                          nullptr, nullptr));
            if (!t.scaler) throw std::runtime_error("cannot scale this picture format");
        }
        Frame out = new_frame();
        out->format = t.enc->pix_fmt;
        out->width = t.enc->width;
        out->height = t.enc->height;
        check(av_frame_get_buffer(out.get(), 0), "picture buffer");
        sws_scale(t.scaler.get(), in->data, in->linesize, 0, in->height, out->data, out->linesize);
        std::int64_t pts = src_pts == AV_NOPTS_VALUE
                               ? t.last_pts + 1
                               : av_rescale_q(src_pts, t.in->time_base, t.enc->time_base);
        if (t.last_pts != AV_NOPTS_VALUE && pts <= t.last_pts)
            pts = t.last_pts + 1; // encoders need rising pts
        t.last_pts = pts;
        out->pts = pts;
        send_frame(t, out.get());
    }

    // After a seek the demuxer starts at the video keyframe before the asked time: leave out what comes
    // before.
    bool before_start(const Track& t, std::int64_t pts) const {
        return request_.start_seconds > 0 && pts != AV_NOPTS_VALUE &&
               av_q2d(t.in->time_base) * static_cast<double>(pts) < request_.start_seconds - 0.02;
    }

    void encode_audio(AVFrame* in) {
        Track& t = audio_;
        if (before_start(t, in->best_effort_timestamp)) return;
        if (t.next_pts == AV_NOPTS_VALUE) {
            std::int64_t src = in->best_effort_timestamp == AV_NOPTS_VALUE ? 0 : in->best_effort_timestamp;
            t.next_pts = av_rescale_q(src, t.in->time_base, t.enc->time_base);
        }
        const int room = swr_get_out_samples(t.resampler.get(), in->nb_samples);
        Frame converted = new_frame();
        converted->format = t.enc->sample_fmt;
        converted->sample_rate = t.enc->sample_rate;
        check(av_channel_layout_copy(&converted->ch_layout, &t.enc->ch_layout), "channel layout");
        converted->nb_samples = std::max(room, 1);
        check(av_frame_get_buffer(converted.get(), 0), "sample buffer");
        int n = swr_convert(t.resampler.get(), converted->data, room,
                            const_cast<const std::uint8_t**>(in->extended_data), in->nb_samples);
        check(n, "resample");
        av_audio_fifo_write(t.fifo.get(), reinterpret_cast<void**>(converted->data), n);
        drain_fifo(false);
    }

    void drain_fifo(bool final) {
        Track& t = audio_;
        const int size = t.enc->frame_size > 0 ? t.enc->frame_size : 1024;
        while (av_audio_fifo_size(t.fifo.get()) >= size ||
               (final && av_audio_fifo_size(t.fifo.get()) > 0 &&
                (t.enc->codec->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME) != 0)) {
            Frame frame = new_frame();
            frame->nb_samples = std::min(size, av_audio_fifo_size(t.fifo.get()));
            frame->format = t.enc->sample_fmt;
            frame->sample_rate = t.enc->sample_rate;
            check(av_channel_layout_copy(&frame->ch_layout, &t.enc->ch_layout), "channel layout");
            check(av_frame_get_buffer(frame.get(), 0), "sample buffer");
            av_audio_fifo_read(t.fifo.get(), reinterpret_cast<void**>(frame->data), frame->nb_samples);
            frame->pts = t.next_pts;
            t.next_pts += frame->nb_samples;
            send_frame(t, frame.get());
        }
    }

    // Encodes a frame (nullptr: flush) and writes every packet that comes out.
    void send_frame(Track& t, AVFrame* frame) {
        int rc = avcodec_send_frame(t.enc.get(), frame);
        if (rc < 0 && rc != AVERROR_EOF) throw std::runtime_error("encode: " + av::error_text(rc));
        Packet pkt(av_packet_alloc());
        while ((rc = avcodec_receive_packet(t.enc.get(), pkt.get())) >= 0) {
            av_packet_rescale_ts(pkt.get(), t.enc->time_base, t.out->time_base);
            pkt->stream_index = t.out->index;
            write(pkt.get());
        }
    }

    void flush(Track& t) {
        if (!t.out || t.copy) return;
        avcodec_send_packet(t.dec.get(), nullptr); // drain the decoder
        Frame frame = new_frame();
        while (avcodec_receive_frame(t.dec.get(), frame.get()) >= 0) {
            &t == &video_ ? encode_video(frame.get()) : encode_audio(frame.get());
            av_frame_unref(frame.get());
        }
        if (&t == &audio_) drain_fifo(true);
        send_frame(t, nullptr);
    }

    const JobRequest& request_;
    const Plan& plan_;
    const std::function<bool(const std::uint8_t*, std::size_t)>& sink_;
    const std::function<bool()>& cancelled_;
    Input in_;
    AVFormatContext* out_ = nullptr; // owned by the Output in run()
    Track video_;
    Track audio_;
    double last_seconds_ = 0; ///< the latest input timestamp read, to tell a damaged tail from the end
};

} // namespace

std::string run_pipeline(const JobRequest& request,
                         const std::function<bool(const std::uint8_t*, std::size_t)>& sink,
                         const std::function<bool()>& cancelled) {
    try {
        Pipeline(request, sink, cancelled).run();
    } catch (const std::exception& e) {
        return cancelled() ? "" : e.what();
    }
    return cancelled() ? "the client left" : "";
}

} // namespace hearth::transcode
