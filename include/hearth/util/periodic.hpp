#pragma once
// A thread of its own that calls a function at a fixed interval until stopped: the loops that write the
// devices' and the bookmarks' changes to the database every second, and the systemd watchdog's ping.
// stop() wakes the thread at once (no wait for the interval to run out) and joins it; after it returns the
// function is not running and will not run again.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace hearth::util {

class Periodic {
  public:
    Periodic() = default;
    ~Periodic() { stop(); }
    Periodic(const Periodic&) = delete;
    Periodic& operator=(const Periodic&) = delete;

    /// Calls tick every interval (the first call one interval from now) on a new thread. Once only.
    void start(std::chrono::steady_clock::duration interval, std::function<void()> tick);
    /// Idempotent; also fine when start() was never called.
    void stop();

  private:
    std::mutex mutex_; // guards stopping_
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace hearth::util
