#include "hearth/daemon/watchdog.hpp"

#include "hearth/util/log.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

namespace hearth::daemon {

bool http_answers(std::uint16_t port, int timeout_ms) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = false;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        std::string request = "GET /description.xml HTTP/1.0\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\nUser-Agent: hearth-watchdog\r\n\r\n";
        char status[16] = {};
        if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
                static_cast<ssize_t>(request.size()) &&
            ::recv(fd, status, 12, MSG_WAITALL) == 12) {
            ok = std::strncmp(status, "HTTP/1.1 200", 12) == 0 ||
                 std::strncmp(status, "HTTP/1.0 200", 12) == 0;
        }
    }
    ::close(fd);
    return ok;
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
