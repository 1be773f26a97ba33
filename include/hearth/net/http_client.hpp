#pragma once
// Hearth's one HTTP client: GENA event delivery, the watchdog's self-check, renderer descriptions and the
// doctor all go through it. One exchange per connection, on the caller's thread, bounded in time and size:
// a device that accepts and then says nothing, or answers without end, costs at most the timeout.
#include "hearth/net/http_message.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <netinet/in.h>
#include <optional>
#include <string>
#include <string_view>

namespace hearth::net {

struct HttpLimits {
    std::chrono::milliseconds timeout; ///< for the whole exchange: connect, send and read
    std::size_t max_bytes;             ///< of the answer; more is an error
    bool status_only = false;          ///< stop at the status line (see ResponseReader)
};

enum class HttpFailure {
    none,
    bad_host,  ///< the URL's host is not an IPv4 address (no name is ever resolved)
    refused,   ///< connect failed at once or with SO_ERROR set (refused, unreachable)
    timed_out, ///< the deadline passed: the host is gone or drops packets
    broken,    ///< the connection failed while sending or reading
    too_large, ///< more than max_bytes came
    not_http,  ///< the answer is not an HTTP response
};

struct HttpResult {
    std::optional<HttpResponse> response;
    HttpFailure failure = HttpFailure::none;
    std::string error; ///< why there is no response, in words for a log or the doctor's report
};

/// Connects to host:port without blocking (the connect's own result read from SO_ERROR), sends request and
/// reads the answer until the server closes (or its status line, when limits.status_only).
HttpResult http_exchange(in_addr host, std::uint16_t port, std::string_view request,
                         const HttpLimits& limits);

/// GET over HTTP/1.0 from url.host, which must be an IPv4 address.
HttpResult http_get(const HttpUrl& url, std::string_view user_agent, const HttpLimits& limits);

} // namespace hearth::net
