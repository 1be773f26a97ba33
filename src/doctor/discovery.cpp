#include "hearth/doctor/discovery.hpp"

#include "hearth/util/strings.hpp"

#include <pugixml.hpp>

namespace hearth::doctor {
namespace {

struct Head {
    std::string_view start_line;
    std::string_view headers; ///< the header lines, without the blank line
    std::string_view body;
};

Head split_head(std::string_view message) {
    Head head;
    auto end = message.find("\r\n\r\n");
    std::size_t body_from = end == std::string_view::npos ? message.size() : end + 4;
    if (end == std::string_view::npos) end = message.size();
    auto first = message.find("\r\n");
    if (first == std::string_view::npos || first > end) first = end;
    head.start_line = message.substr(0, first);
    head.headers = first < end ? message.substr(first + 2, end - first - 2) : std::string_view{};
    head.body = message.substr(body_from);
    return head;
}

std::optional<std::string> header(std::string_view headers, std::string_view name) {
    for (auto line : split(headers, '\n')) {
        auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        if (iequals(trim(line.substr(0, colon)), name)) return std::string(trim(line.substr(colon + 1)));
    }
    return std::nullopt;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> dechunk(std::string_view body) {
    std::string out;
    while (true) {
        auto eol = body.find("\r\n");
        if (eol == std::string_view::npos) return std::nullopt;
        auto size_text = trim(body.substr(0, std::min(eol, body.find(';'))));
        std::size_t size = 0;
        for (char c : size_text) {
            int digit = hex_digit(c);
            if (digit < 0 || size > (std::size_t{1} << 40)) return std::nullopt;
            size = size * 16 + static_cast<std::size_t>(digit);
        }
        if (size_text.empty()) return std::nullopt;
        if (size == 0) return out;
        body.remove_prefix(eol + 2);
        if (body.size() < size) return std::nullopt;
        out.append(body.substr(0, size));
        body.remove_prefix(std::min(body.size(), size + 2));
    }
}

std::string child_text(const pugi::xml_node& node, const char* name) {
    return std::string(trim(node.child(name).text().as_string()));
}

} // namespace

std::string msearch(std::string_view st, int mx) {
    std::string out = "M-SEARCH * HTTP/1.1\r\n"
                      "HOST: 239.255.255.250:1900\r\n"
                      "MAN: \"ssdp:discover\"\r\n"
                      "MX: ";
    out.append(std::to_string(mx)).append("\r\nST: ").append(st).append("\r\n");
    out.append("USER-AGENT: Linux UPnP/1.1 Hearth-doctor/" HEARTH_VERSION "\r\n\r\n");
    return out;
}

std::optional<SearchAnswer> parse_search_answer(std::string_view datagram) {
    auto head = split_head(datagram);
    auto parts = split(head.start_line, ' ');
    if (parts.size() < 2 || !istarts_with(parts[0], "HTTP/1.") || parts[1] != "200") return std::nullopt;
    auto location = header(head.headers, "LOCATION");
    auto usn = header(head.headers, "USN");
    if (!location || location->empty() || !usn) return std::nullopt;
    return SearchAnswer{*location, header(head.headers, "SERVER").value_or(""), *usn,
                        header(head.headers, "ST").value_or("")};
}

std::string uuid_of_usn(std::string_view usn) {
    usn = trim(usn);
    if (!istarts_with(usn, "uuid:")) return {};
    usn.remove_prefix(5);
    return std::string(usn.substr(0, usn.find("::")));
}

std::optional<HttpUrl> parse_http_url(std::string_view url) {
    url = trim(url);
    if (!istarts_with(url, "http://")) return std::nullopt;
    url.remove_prefix(7);
    auto slash = url.find('/');
    auto authority = url.substr(0, slash);
    HttpUrl out;
    if (slash != std::string_view::npos) out.path = std::string(url.substr(slash));
    if (authority.empty() || authority.front() == '[' || authority.find('@') != std::string_view::npos)
        return std::nullopt;
    auto colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (out.host.empty()) return std::nullopt;
    if (colon != std::string_view::npos) {
        auto port = parse_uint(authority.substr(colon + 1));
        if (!port || *port == 0 || *port > 65535) return std::nullopt;
        out.port = static_cast<std::uint16_t>(*port);
    }
    return out;
}

std::string http_get_request(const HttpUrl& url) {
    return "GET " + url.path + " HTTP/1.0\r\nHost: " + url.host + ":" + std::to_string(url.port) +
           "\r\nUser-Agent: Hearth-doctor/" HEARTH_VERSION "\r\nConnection: close\r\n\r\n";
}

std::optional<HttpResponse> parse_http_response(std::string_view raw) {
    auto head = split_head(raw);
    auto parts = split(head.start_line, ' ');
    if (parts.size() < 2 || !istarts_with(parts[0], "HTTP/1.")) return std::nullopt;
    auto status = parse_uint(parts[1]);
    if (!status || *status < 100 || *status > 999) return std::nullopt;
    HttpResponse out{static_cast<int>(*status), std::string(head.body)};
    auto encoding = header(head.headers, "Transfer-Encoding");
    if (encoding && iequals(*encoding, "chunked")) {
        auto body = dechunk(head.body);
        if (!body) return std::nullopt;
        out.body = std::move(*body);
    }
    return out;
}

std::optional<DeviceSummary> parse_device_description(std::string_view xml) {
    pugi::xml_document doc;
    if (!doc.load_buffer(xml.data(), xml.size())) return std::nullopt;
    auto device = doc.child("root").child("device");
    if (!device) return std::nullopt;
    DeviceSummary out{child_text(device, "friendlyName"), child_text(device, "manufacturer"),
                      child_text(device, "modelName"), uuid_of_usn(child_text(device, "UDN"))};
    if (out.friendly_name.empty()) return std::nullopt;
    return out;
}

} // namespace hearth::doctor
