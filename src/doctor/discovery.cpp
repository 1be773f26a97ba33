#include "hearth/doctor/discovery.hpp"

#include "hearth/ssdp/constants.hpp"
#include "hearth/util/strings.hpp"

namespace hearth::doctor {

std::string msearch(std::string_view st, int mx) {
    std::string out = "M-SEARCH * HTTP/1.1\r\nHOST: ";
    out.append(ssdp::kGroupHost).append("\r\nMAN: \"ssdp:discover\"\r\nMX: ");
    out.append(std::to_string(mx)).append("\r\nST: ").append(st).append("\r\n");
    out.append("USER-AGENT: Linux UPnP/1.1 Hearth-doctor/" HEARTH_VERSION "\r\n\r\n");
    return out;
}

std::optional<SearchAnswer> parse_search_answer(std::string_view datagram) {
    auto parts = net::split_message(datagram);
    auto words = split(parts.start_line, ' ');
    if (words.size() < 2 || !istarts_with(words[0], "HTTP/1.") || words[1] != "200") return std::nullopt;
    auto location = net::header_value(parts.headers, "LOCATION");
    auto usn = net::header_value(parts.headers, "USN");
    if (!location || location->empty() || !usn) return std::nullopt;
    return SearchAnswer{*location, net::header_value(parts.headers, "SERVER").value_or(""), *usn,
                        net::header_value(parts.headers, "ST").value_or("")};
}

} // namespace hearth::doctor
