#include "hearth/http/limits.hpp"

#include <algorithm>

namespace hearth::http {

std::size_t request_head_bytes(std::string_view method, std::string_view url,
                               const std::vector<std::pair<std::string, std::string>>& headers) {
    std::size_t bytes = method.size() + 1 + url.size() + std::string_view(" HTTP/1.1\r\n").size();
    for (const auto& [name, value] : headers)
        bytes += name.size() + 2 + value.size() + 2;
    return bytes + 2; // the empty line that ends the head
}

std::optional<std::uint64_t> raised_open_file_limit(std::uint64_t soft, std::uint64_t hard) {
    if (soft >= kWantedOpenFiles || soft >= hard) return std::nullopt;
    return std::min(kWantedOpenFiles, hard);
}

} // namespace hearth::http
