#pragma once
// systemd's watchdog (WatchdogSec=): pings WATCHDOG=1 only while Hearth really works — the HTTP server
// answers a request from this host, and the other loops say they are alive — so that a hung server is
// restarted. Does nothing when systemd asked for no watchdog. start/stop from the main thread; its own thread
// pings.
#include "hearth/util/periodic.hpp"

#include <cstdint>
#include <functional>

namespace hearth::daemon {

/// Sends "GET /description.xml" to 127.0.0.1:port and waits for a 200, within timeout_ms.
bool http_answers(std::uint16_t port, int timeout_ms);

class Watchdog {
  public:
    Watchdog(std::uint16_t http_port, std::function<bool()> others_alive);
    ~Watchdog();
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    void start();
    void stop();
    bool enabled() const { return interval_us_ > 0; }

  private:
    void ping();

    std::uint16_t port_;
    std::function<bool()> others_alive_;
    std::uint64_t interval_us_ = 0;
    util::Periodic pinger_;
};

} // namespace hearth::daemon
