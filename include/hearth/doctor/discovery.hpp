#pragma once
// The texts the doctor sends and reads when it looks for other DLNA servers: the M-SEARCH and the unicast
// answers. URLs, HTTP responses and device descriptions are read by net (http_message.hpp,
// device_description.hpp). Pure.
#include "hearth/net/device_description.hpp"
#include "hearth/net/http_message.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace hearth::doctor {

// The findings name these as the doctor's own.
using net::DeviceSummary;
using net::HttpUrl;
using net::parse_device_description;
using net::parse_http_url;
using net::uuid_of_usn;

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

} // namespace hearth::doctor
