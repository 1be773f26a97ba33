#include "hearth/util/periodic.hpp"

namespace hearth::util {

void Periodic::start(std::chrono::steady_clock::duration interval, std::function<void()> tick) {
    thread_ = std::thread([this, interval, tick = std::move(tick)] {
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, interval, [&] { return stopping_; })) {
            lock.unlock(); // stop() must be able to get in while tick runs
            tick();
            lock.lock();
        }
    });
}

void Periodic::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

} // namespace hearth::util
