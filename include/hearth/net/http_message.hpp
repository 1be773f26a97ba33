#pragma once
// HTTP/1.x as Hearth's one client (http_client.hpp) speaks it: http:// URLs, request bytes, and answers read
// with a size bound. Pure.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hearth::net {

struct HttpUrl {
    std::string host; ///< an IPv4 address or a name, as written
    std::uint16_t port = 80;
    std::string path = "/"; ///< with the query, starting with '/'
};

/// An http:// URL with an optional port and path; nullopt for anything else: https, IPv6 literals, user info,
/// an empty host, a port outside 1..65535, and any byte at or below space (or DEL), which could split the
/// request line or a header it is written into.
std::optional<HttpUrl> parse_http_url(std::string_view url);

/// "host:port", as the Host header carries it.
std::string authority(const HttpUrl& url);

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

/// "<method> <path> <version>", each header as "name: value" in the order given, the blank line, the body.
/// Nothing is added: the caller names Host, Content-Length and Connection as the receiver expects them.
std::string http_request(std::string_view method, std::string_view path, std::string_view version,
                         const HttpHeaders& headers, std::string_view body = {});

/// "GET path HTTP/1.0" with Host and User-Agent, asking the server to close the connection after answering.
std::string http_get_request(const HttpUrl& url, std::string_view user_agent);

/// An HTTP/1.x-style message (HTTP, or SSDP over UDP) split at its first line and its blank line: views
/// into the text.
struct MessageParts {
    std::string_view start_line;
    std::string_view headers; ///< the header lines, without the blank line
    std::string_view body;
};
MessageParts split_message(std::string_view message);

/// The first header with this name (case-insensitive) among "Name: value" lines, its value trimmed.
std::optional<std::string> header_value(std::string_view headers, std::string_view name);

struct HttpResponse {
    int status = 0;
    std::string body; ///< de-chunked when the response was chunked
};

/// The status code of an "HTTP/1.x NNN reason" line; nullopt when it is not one.
std::optional<int> parse_status_line(std::string_view line);

/// A whole HTTP/1.x response as read until the server closed; nullopt when the status line is not HTTP or
/// a chunked body is cut short or malformed.
std::optional<HttpResponse> parse_http_response(std::string_view raw);

/// Collects an answer as it arrives, at most max_bytes of it. With status_only the status line is all that
/// is wanted (whether an event or a health check was taken), so the server need not close first, and the
/// bound is on that line alone.
class ResponseReader {
  public:
    enum class Step { more, done, too_large };

    ResponseReader(std::size_t max_bytes, bool status_only)
        : max_bytes_(max_bytes), status_only_(status_only) {}

    /// Takes the next bytes received: done once the status line is complete within max_bytes (status_only),
    /// too_large once more than max_bytes came without that, more otherwise.
    Step add(std::string_view bytes);
    /// What came, read as a response: the status with an empty body when status_only.
    std::optional<HttpResponse> response() const;

  private:
    std::size_t max_bytes_;
    bool status_only_;
    std::string raw_;
};

} // namespace hearth::net
