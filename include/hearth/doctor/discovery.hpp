#pragma once
// The texts the doctor sends and reads when it looks for other DLNA servers: the M-SEARCH, the unicast
// answers, LOCATION URLs, plain HTTP responses and device descriptions. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hearth::doctor {

inline constexpr const char* kMediaServerType = "urn:schemas-upnp-org:device:MediaServer:1";

/// A multicast M-SEARCH for st (UDA 1.1 §1.3.2).
std::string msearch(std::string_view st, int mx);

struct SearchAnswer {
    std::string location;
    std::string server; ///< SERVER header, may be empty
    std::string usn;
    std::string st;
};

/// A unicast answer to an M-SEARCH ("HTTP/1.1 200 OK" with LOCATION and USN), or nullopt.
std::optional<SearchAnswer> parse_search_answer(std::string_view datagram);

/// "uuid:1234::urn:…" → "1234"; empty when usn does not start with "uuid:".
std::string uuid_of_usn(std::string_view usn);

struct HttpUrl {
    std::string host; ///< an IPv4 address or a name, as written
    std::uint16_t port = 80;
    std::string path = "/";
};

/// An http:// URL with an optional port; nullopt for anything else (https, IPv6 literals, bad ports).
std::optional<HttpUrl> parse_http_url(std::string_view url);

/// "GET path HTTP/1.0" with Host, asking the server to close the connection after answering.
std::string http_get_request(const HttpUrl& url);

struct HttpResponse {
    int status = 0;
    std::string body; ///< de-chunked when the response was chunked
};

/// A whole HTTP/1.x response as read until the server closed; nullopt when the status line is not HTTP.
std::optional<HttpResponse> parse_http_response(std::string_view raw);

struct DeviceSummary {
    std::string friendly_name;
    std::string manufacturer;
    std::string model_name;
    std::string udn; ///< without "uuid:"
};

/// The root device of a UPnP device description, or nullopt when it is not one.
std::optional<DeviceSummary> parse_device_description(std::string_view xml);

} // namespace hearth::doctor
