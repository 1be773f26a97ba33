#include "hearth/daemon/watchdog.hpp"

#include "hearth/net/http_client.hpp"
#include "hearth/util/log.hpp"

#include <algorithm>
#include <chrono>
#include <systemd/sd-daemon.h>

namespace hearth::daemon {

bool http_answers(std::uint16_t port, int timeout_ms) {
    const net::HttpUrl url{"127.0.0.1", port, "/description.xml"};
    // The status line tells whether the server answers; the description itself is not needed.
    const auto result =
        net::http_get(url, "hearth-watchdog", {std::chrono::milliseconds(timeout_ms), 1024, true});
    return result.response && result.response->status == 200;
}

Watchdog::Watchdog(std::uint16_t http_port, std::function<bool()> others_alive)
    : port_(http_port), others_alive_(std::move(others_alive)) {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0) interval_us_ = usec;
}

Watchdog::~Watchdog() {
    stop();
}

void Watchdog::start() {
    // Twice per interval.
    if (enabled()) pinger_.start(std::chrono::microseconds(interval_us_ / 2), [this] { ping(); });
}

void Watchdog::stop() {
    pinger_.stop();
}

void Watchdog::ping() {
    // A check gets at most a quarter of the interval.
    const int timeout_ms = static_cast<int>(std::max<std::uint64_t>(interval_us_ / 4000, 500));
    if (others_alive_() && http_answers(port_, timeout_ms)) {
        sd_notify(0, "WATCHDOG=1");
    } else {
        log::warning("watchdog: the server did not answer its own health check; not pinging systemd");
    }
}

} // namespace hearth::daemon
