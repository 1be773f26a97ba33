// TimeSeekRange.dlna.org: the header value, and the answer Hearth would send for it.
#include "fuzz_check.hpp"
#include "hearth/http/time_seek.hpp"

#include <cmath>

using namespace hearth;

namespace {

// "npt=H:MM:SS.mmm-[H:MM:SS.mmm]/(H:MM:SS.mmm|*)"
bool is_clock(std::string_view s) {
    auto colon = s.find(':');
    if (colon == 0 || colon == std::string_view::npos) return false;
    for (char c : s.substr(0, colon))
        if (c < '0' || c > '9') return false;
    auto rest = s.substr(colon + 1);
    if (rest.size() != 9 || rest[2] != ':' || rest[5] != '.') return false;
    for (std::size_t i : {0, 1, 3, 4, 6, 7, 8})
        if (rest[i] < '0' || rest[i] > '9') return false;
    return rest[0] <= '5' && rest[3] <= '5';
}

bool is_answer(std::string_view s, bool has_end) {
    if (!s.starts_with("npt=")) return false;
    s.remove_prefix(4);
    auto dash = s.find('-');
    auto slash = s.find('/');
    if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) return false;
    auto end = s.substr(dash + 1, slash - dash - 1);
    auto duration = s.substr(slash + 1);
    return is_clock(s.substr(0, dash)) && (has_end ? is_clock(end) : end.empty()) &&
           (duration == "*" || is_clock(duration));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto text = fuzz::as_text(data, size);
    if (auto t = http::parse_npt_time(text)) FUZZ_CHECK(std::isfinite(*t) && *t >= 0);

    auto seek = http::parse_time_seek(text);
    if (!seek) return 0;
    FUZZ_CHECK(std::isfinite(seek->start) && seek->start >= 0);
    if (seek->end) FUZZ_CHECK(std::isfinite(*seek->end) && *seek->end >= seek->start);
    // The converted-media route answers with the accepted times, with or without a known duration.
    FUZZ_CHECK(
        is_answer(http::time_seek_answer(seek->start, seek->end, std::nullopt), seek->end.has_value()));
    FUZZ_CHECK(is_answer(http::time_seek_answer(seek->start, seek->end, seek->start + 1), true));
    return 0;
}
