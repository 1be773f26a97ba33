#include "hearth/transcode/job.hpp"

#include "hearth/util/log.hpp"

#include <algorithm>

namespace hearth::transcode {
namespace {
constexpr std::size_t kBufferBytes = 4 << 20; // ~4 s of a 8 Mb/s stream: enough to ride out encoder hiccups
} // namespace

bool StreamBuffer::write(const std::uint8_t* data, std::size_t size) {
    std::function<void()> wake;
    {
        std::unique_lock lock(mutex_);
        space_.wait(lock,
                    [&] { return detached_.load() || bytes_.size() + size <= capacity_ || bytes_.empty(); });
        if (detached_.load()) return false;
        bytes_.insert(bytes_.end(), data, data + size);
        wake = std::exchange(unpark_, nullptr);
        if (wake) wake(); // under the lock: the reader parked under it too, so no wake-up can be lost
    }
    return true;
}

void StreamBuffer::finish(bool failed) {
    std::lock_guard lock(mutex_);
    finished_ = true;
    failed_ = failed;
    if (auto wake = std::exchange(unpark_, nullptr)) wake();
}

long StreamBuffer::read(char* buf, std::size_t max, const Parking& parking) {
    std::lock_guard lock(mutex_);
    if (bytes_.empty()) {
        if (finished_) return failed_ ? -2 : -1;
        unpark_ = parking.unpark;
        parking.park();
        return 0;
    }
    std::size_t n = std::min(max, bytes_.size());
    std::copy_n(bytes_.begin(), n, buf);
    bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(n));
    space_.notify_one();
    return static_cast<long>(n);
}

void StreamBuffer::detach() {
    std::lock_guard lock(mutex_);
    detached_ = true;
    unpark_ = nullptr;
    space_.notify_all();
}

Job::Job(JobRequest request)
    : request_(std::move(request)), delivered_(std::move(request_.position)), buffer_(kBufferBytes) {
    request_.position = std::make_shared<std::atomic<double>>(request_.start_seconds);
}

void Job::mark_written(std::size_t size) {
    std::lock_guard lock(marks_mutex_);
    written_ += size;
    marks_.emplace_back(written_, request_.position->load());
}

long Job::read(char* buf, std::size_t max, const Parking& parking) {
    const long n = buffer_.read(buf, max, parking);
    if (n <= 0 || !delivered_) return n;
    std::lock_guard lock(marks_mutex_);
    read_ += static_cast<std::uint64_t>(n);
    while (!marks_.empty() && marks_.front().first <= read_) {
        delivered_->store(marks_.front().second);
        marks_.pop_front();
    }
    return n;
}

std::shared_ptr<Job> Job::start(JobRequest request) {
    std::shared_ptr<Job> job(new Job(std::move(request)));
    job->thread_ = std::thread([raw = job.get()] { raw->run(); });
    return job;
}

Job::~Job() {
    buffer_.detach(); // the pipeline sees it at its next write or input read, and stops
    if (thread_.joinable()) thread_.join();
}

void Job::run() {
    auto sink = [this](const std::uint8_t* data, std::size_t size) {
        mark_written(size); // before the bytes can be read, so that no read overtakes its mark
        return buffer_.write(data, size);
    };
    auto cancelled = [this] { return buffer_.detached(); };
    std::string error;
    try {
        error = run_pipeline(request_, sink, cancelled);
    } catch (const std::exception& e) {
        error = e.what();
    }
    if (!error.empty() && !buffer_.detached()) {
        log::warning("transcode of ", request_.label, " stopped: ", error);
    } else {
        log::debug("transcode of ", request_.label, error.empty() ? " finished" : " ended: the client left");
    }
    buffer_.finish(!error.empty());
}

} // namespace hearth::transcode
