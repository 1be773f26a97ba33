#pragma once
// The HTTP Range header (RFC 9110 §14), pure.
#include <cstdint>
#include <string_view>

namespace hearth::http {

struct ByteRange {
    std::uint64_t first = 0;
    std::uint64_t last = 0; ///< inclusive
    std::uint64_t length() const { return last - first + 1; }
};

enum class RangeOutcome {
    whole,         ///< no Range, or one we may ignore (malformed, several ranges): send 200 with everything
    partial,       ///< send 206 with range
    unsatisfiable, ///< send 416 with "Content-Range: bytes */size"
};

struct RangeResult {
    RangeOutcome outcome = RangeOutcome::whole;
    ByteRange range;
};

/// Interprets a Range header value against a representation of size bytes.
RangeResult parse_range(std::string_view header, std::uint64_t size);

} // namespace hearth::http
