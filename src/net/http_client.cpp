#include "hearth/net/http_client.hpp"

#include "hearth/net/interfaces.hpp"
#include "hearth/net/socket.hpp"
#include "hearth/util/fd.hpp"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>

namespace hearth::net {
namespace {

using Clock = std::chrono::steady_clock;

HttpResult failed(HttpFailure failure, std::string error) {
    return {std::nullopt, failure, std::move(error)};
}

HttpResult connect_to(in_addr host, std::uint16_t port, Clock::time_point deadline, Fd& out) {
    Fd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!s.ok()) return failed(HttpFailure::broken, std::strerror(errno));
    const auto to = socket_address(host, port);
    if (::connect(s.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS)
        return failed(HttpFailure::refused, std::strerror(errno));
    if (!wait_ready(s.get(), POLLOUT, deadline))
        return failed(HttpFailure::timed_out, "no connection in time");
    // Writable means the connect ended, not that it succeeded: a refusal shows only here.
    int so_error = 0;
    socklen_t len = sizeof so_error;
    if (::getsockopt(s.get(), SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) so_error = errno;
    if (so_error != 0) return failed(HttpFailure::refused, std::strerror(so_error));
    out = std::move(s);
    return {};
}

HttpResult send_all(int fd, std::string_view data, Clock::time_point deadline) {
    while (!data.empty()) {
        if (!wait_ready(fd, POLLOUT, deadline))
            return failed(HttpFailure::timed_out, "cannot send the request");
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return failed(HttpFailure::broken, "cannot send the request");
        if (n > 0) data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

HttpResult read_answer(int fd, const HttpLimits& limits, Clock::time_point deadline) {
    ResponseReader reader(limits.max_bytes, limits.status_only);
    char buf[16384];
    while (true) {
        if (!wait_ready(fd, POLLIN, deadline))
            return failed(HttpFailure::timed_out, "no complete answer in time");
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) continue;
            return failed(HttpFailure::broken, std::strerror(errno));
        }
        auto step = reader.add(std::string_view(buf, static_cast<std::size_t>(n)));
        if (step == ResponseReader::Step::too_large)
            return failed(HttpFailure::too_large,
                          "answer larger than " + std::to_string(limits.max_bytes) + " bytes");
        if (step == ResponseReader::Step::done) break;
    }
    auto response = reader.response();
    if (!response) return failed(HttpFailure::not_http, "not an HTTP response");
    return {std::move(response), HttpFailure::none, ""};
}

} // namespace

HttpResult http_exchange(in_addr host, std::uint16_t port, std::string_view request,
                         const HttpLimits& limits) {
    const auto deadline = Clock::now() + limits.timeout;
    Fd s;
    if (auto connected = connect_to(host, port, deadline, s); !s.ok()) return connected;
    if (auto sent = send_all(s.get(), request, deadline); sent.failure != HttpFailure::none) return sent;
    return read_answer(s.get(), limits, deadline);
}

HttpResult http_get(const HttpUrl& url, std::string_view user_agent, const HttpLimits& limits) {
    auto address = parse_ipv4(url.host);
    if (!address) return failed(HttpFailure::bad_host, "'" + url.host + "' is not an IPv4 address");
    return http_exchange(*address, url.port, http_get_request(url, user_agent), limits);
}

} // namespace hearth::net
