#pragma once
// A running transcode: a thread of its own runs demux → decode → filter → encode → mux into a bounded buffer
// that one HTTP response drains. Backpressure: when the client reads slowly the buffer fills and the thread
// waits. The job ends, freeing everything, as soon as the response goes away (client gone) or the input ends.
// The reading side (read/detach) is its own small interface, so that transcode needs no HTTP types: serve/
// adapts it to http::StreamSource.
#include "hearth/transcode/decision.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hearth::transcode {

struct JobRequest {
    std::filesystem::path input;
    Plan plan;
    double start_seconds = 0; ///< time seek into the input
    std::string label;        ///< for log lines ("'Title' for Samsung TV")
    std::string preset = "veryfast";
    /// Updated with how far the output the client has read goes (seconds into the item), for the status
    /// page and resume bookmarks; may be null. (The pipeline itself runs ahead by up to the buffer.)
    std::shared_ptr<std::atomic<double>> position;
};

/// How the reader of a job waits for output without blocking its thread (the HTTP connection's
/// suspend/resume). References: the caller keeps both alive for the call, and unpark for as long as the
/// reader is attached.
struct Parking {
    const std::function<void()>& park; ///< called from read(), under the buffer's lock, before it returns 0
    const std::function<void()>&
        unpark; ///< copied; called once from the writer when data (or the end) is there
};

/// The bounded byte buffer between the transcoding thread (writer) and the HTTP response (reader).
class StreamBuffer {
  public:
    explicit StreamBuffer(std::size_t capacity) : capacity_(capacity) {}

    /// Writer: blocks while the buffer is full; false when the reader has gone (stop writing).
    bool write(const std::uint8_t* data, std::size_t size);
    /// Writer: no more data; failed = the transcode broke off.
    void finish(bool failed);
    /// Reader: copies up to max bytes and returns how many (> 0); 0 after parking.park() when nothing is
    /// ready; -1 at the end of the stream; -2 when the transcode broke off midway.
    long read(char* buf, std::size_t max, const Parking& parking);
    /// Reader: gone for good (the response ended); the writer stops at its next write.
    void detach();
    bool detached() const { return detached_.load(); }

  private:
    const std::size_t capacity_;
    std::mutex mutex_; // guards everything below but detached_
    std::condition_variable space_;
    std::deque<std::uint8_t> bytes_;
    bool finished_ = false;
    bool failed_ = false;
    std::function<void()> unpark_;
    std::atomic<bool> detached_{false};
};

class Job {
  public:
    /// Starts the thread. The returned job is what the HTTP response holds.
    static std::shared_ptr<Job> start(JobRequest request);
    ~Job();
    Job(const Job&) = delete;
    Job& operator=(const Job&) = delete;

    /// The output, read as from StreamBuffer::read; one reader, one call at a time.
    long read(char* buf, std::size_t max, const Parking& parking);
    void detach() { buffer_.detach(); }

  private:
    explicit Job(JobRequest request);
    void run();

    /// Writer: the output up to this byte carries media up to this time (the pipeline's position now).
    void mark_written(std::size_t size);

    JobRequest request_; // its position is the pipeline's own; delivered_ is the one handed in
    std::shared_ptr<std::atomic<double>> delivered_;
    std::mutex marks_mutex_;                             // guards marks_, written_, read_
    std::deque<std::pair<std::uint64_t, double>> marks_; // (output bytes written, position) not yet read
    std::uint64_t written_ = 0;
    std::uint64_t read_ = 0;
    StreamBuffer buffer_;
    std::thread thread_;
};

/// Runs the libav pipeline for request, writing the output to sink until it returns false. Returns an
/// empty string on success, else the reason it stopped (for the log). Blocking; the job thread calls it.
std::string run_pipeline(const JobRequest& request,
                         const std::function<bool(const std::uint8_t*, std::size_t)>& sink,
                         const std::function<bool()>& cancelled);

} // namespace hearth::transcode
