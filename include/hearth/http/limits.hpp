#pragma once
// What one household's HTTP server allows, and the arithmetic behind it. Pure.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hearth::http {

/// A request line and headers larger than this get 431. Real renderers send well under 2 KiB; 16 KiB leaves
/// room for a browser's cookies on the status page.
inline constexpr std::size_t kMaxHeaderBytes = 16 * 1024;
/// Connections open at once, all clients. A household needs a few dozen; the rest is headroom so that a
/// misbehaving device (or 200 paused renderers) cannot starve the others before the per-device limit does.
inline constexpr unsigned kConnectionLimit = 1000;
/// Connections open at once from one address: more than any renderer opens, fewer than a flood needs.
inline constexpr unsigned kPerAddressConnectionLimit = 64;

/// The size of a request's head as sent: "METHOD URL HTTP/1.1", then "Name: value" per header, each line
/// with its CRLF. (libmicrohttpd hands us the parsed parts; this adds back the separators.)
std::size_t request_head_bytes(std::string_view method, std::string_view url,
                               const std::vector<std::pair<std::string, std::string>>& headers);

/// The soft RLIMIT_NOFILE to raise to so that every connection can hold its socket and one open file besides
/// the server's own descriptors, or nullopt when `soft` is already enough. Never above `hard`.
std::optional<std::uint64_t> raised_open_file_limit(std::uint64_t soft, std::uint64_t hard);
/// The descriptors the server wants: kConnectionLimit sockets, as many files, and some to spare.
inline constexpr std::uint64_t kWantedOpenFiles = 2 * kConnectionLimit + 512;

} // namespace hearth::http
