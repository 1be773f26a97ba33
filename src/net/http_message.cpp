#include "hearth/net/http_message.hpp"

#include "hearth/util/strings.hpp"

#include <algorithm>

namespace hearth::net {
namespace {

// Bytes that would end the request line or a header early if a URL carried them into one.
bool has_control_or_space(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
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

} // namespace

std::optional<HttpUrl> parse_http_url(std::string_view url) {
    if (!istarts_with(url, "http://") || has_control_or_space(url)) return std::nullopt;
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

std::string authority(const HttpUrl& url) {
    return url.host + ":" + std::to_string(url.port);
}

std::string http_request(std::string_view method, std::string_view path, std::string_view version,
                         const HttpHeaders& headers, std::string_view body) {
    std::string out;
    out.append(method).append(" ").append(path).append(" ").append(version).append("\r\n");
    for (const auto& [name, value] : headers)
        out.append(name).append(": ").append(value).append("\r\n");
    return out.append("\r\n").append(body);
}

std::string http_get_request(const HttpUrl& url, std::string_view user_agent) {
    return http_request(
        "GET", url.path, "HTTP/1.0",
        {{"Host", authority(url)}, {"User-Agent", std::string(user_agent)}, {"Connection", "close"}});
}

MessageParts split_message(std::string_view message) {
    MessageParts parts;
    auto end = message.find("\r\n\r\n");
    std::size_t body_from = end == std::string_view::npos ? message.size() : end + 4;
    if (end == std::string_view::npos) end = message.size();
    auto first = message.find("\r\n");
    if (first == std::string_view::npos || first > end) first = end;
    parts.start_line = message.substr(0, first);
    parts.headers = first < end ? message.substr(first + 2, end - first - 2) : std::string_view{};
    parts.body = message.substr(body_from);
    return parts;
}

std::optional<std::string> header_value(std::string_view headers, std::string_view name) {
    for (auto line : split(headers, '\n')) {
        auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        if (iequals(trim(line.substr(0, colon)), name)) return std::string(trim(line.substr(colon + 1)));
    }
    return std::nullopt;
}

std::optional<int> parse_status_line(std::string_view line) {
    auto parts = split(line, ' ');
    if (parts.size() < 2 || !istarts_with(parts[0], "HTTP/1.")) return std::nullopt;
    auto status = parse_uint(trim(parts[1]));
    if (!status || *status < 100 || *status > 999) return std::nullopt;
    return static_cast<int>(*status);
}

std::optional<HttpResponse> parse_http_response(std::string_view raw) {
    auto parts = split_message(raw);
    auto status = parse_status_line(parts.start_line);
    if (!status) return std::nullopt;
    HttpResponse out{*status, std::string(parts.body)};
    auto encoding = header_value(parts.headers, "Transfer-Encoding");
    if (encoding && iequals(*encoding, "chunked")) {
        auto body = dechunk(parts.body);
        if (!body) return std::nullopt;
        out.body = std::move(*body);
    }
    return out;
}

ResponseReader::Step ResponseReader::add(std::string_view bytes) {
    raw_.append(bytes);
    // With status_only the bound is on the status line: what follows it may well come in the same read.
    const auto line_end = status_only_ ? raw_.find("\r\n") : std::string::npos;
    if (line_end != std::string::npos && line_end + 2 <= max_bytes_) return Step::done;
    if (raw_.size() > max_bytes_) return Step::too_large;
    return Step::more;
}

std::optional<HttpResponse> ResponseReader::response() const {
    if (!status_only_) return parse_http_response(raw_);
    auto status = parse_status_line(split_message(raw_).start_line);
    if (!status) return std::nullopt;
    return HttpResponse{*status, ""};
}

} // namespace hearth::net
