#pragma once
// Probes the files a walk found on several threads and hands the results back to the scanning thread.
// Private to the scanner (scanner.cpp).
// Threads: constructed, read (next()) and destroyed on the scanning thread; its workers only probe.
#include "hearth/media/probe.hpp"
#include "library/pending.hpp"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace hearth::library {

struct Probed {
    const Pending* file;
    std::variant<media::MediaInfo, media::ProbeError> result;
    std::optional<std::string> art; ///< objects.art (media/art.hpp)
};

// Probes pending files on several threads; results are handed back to the scanner thread in order of
// completion.
class ProbePool {
  public:
    ProbePool(const PendingFiles& files, unsigned threads, const std::atomic<bool>& stop);
    /// Abandons what is not probed yet (the scanner left early: stop, or an error such as a full disk) and
    /// joins the workers.
    ~ProbePool();
    ProbePool(const ProbePool&) = delete;
    ProbePool& operator=(const ProbePool&) = delete;

    /// Scanner thread: the next finished probe, or nullopt when all are done (or stop was requested).
    std::optional<Probed> next();

  private:
    void work();

    const PendingFiles& files_;
    const std::atomic<bool>& stop_;
    std::atomic<bool> abandon_{false};
    std::atomic<std::size_t> next_{0};
    std::mutex mutex_; // guards done_ and finished_
    std::condition_variable ready_cv_;
    std::deque<Probed> done_;
    std::size_t finished_ = 0;
    std::vector<std::thread> workers_;
};

} // namespace hearth::library
