#include "hearth/http/range.hpp"

#include "hearth/util/strings.hpp"

namespace hearth::http {

RangeResult parse_range(std::string_view header, std::uint64_t size) {
    auto value = trim(header);
    if (!istarts_with(value, "bytes=")) return {};
    auto spec = trim(value.substr(6));
    if (spec.find(',') != std::string_view::npos)
        return {}; // several ranges: we may answer with the whole file
    auto dash = spec.find('-');
    if (dash == std::string_view::npos) return {};
    auto first_text = trim(spec.substr(0, dash));
    auto last_text = trim(spec.substr(dash + 1));
    if (first_text.empty()) { // suffix range: the last N bytes
        auto n = parse_uint(last_text);
        if (!n) return {};
        if (*n == 0 || size == 0) return {RangeOutcome::unsatisfiable, {}};
        std::uint64_t count = *n < size ? *n : size;
        return {RangeOutcome::partial, {size - count, size - 1}};
    }
    auto first = parse_uint(first_text);
    if (!first) return {};
    std::uint64_t last = size == 0 ? 0 : size - 1;
    if (!last_text.empty()) {
        auto parsed = parse_uint(last_text);
        if (!parsed || *parsed < *first) return {}; // invalid range-spec: ignore the header
        if (*parsed < last) last = *parsed;
    }
    if (*first >= size) return {RangeOutcome::unsatisfiable, {}};
    return {RangeOutcome::partial, {*first, last}};
}

} // namespace hearth::http
