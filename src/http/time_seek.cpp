#include "hearth/http/time_seek.hpp"

#include "hearth/util/strings.hpp"

#include <cmath>
#include <cstdio>

namespace hearth::http {
namespace {

std::optional<double> parse_decimal(std::string_view s) {
    if (s.empty()) return std::nullopt;
    auto dot = s.find('.');
    auto whole = parse_uint(s.substr(0, dot));
    if (!whole) return std::nullopt;
    double value = static_cast<double>(*whole);
    if (dot != std::string_view::npos) {
        auto frac = s.substr(dot + 1);
        if (frac.empty() || frac.size() > 9 || !parse_uint(frac)) return std::nullopt;
        value += static_cast<double>(*parse_uint(frac)) / std::pow(10.0, static_cast<double>(frac.size()));
    }
    return value;
}

std::string clock(double seconds) {
    auto ms = static_cast<long long>(std::llround(seconds * 1000));
    char buf[48];
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld.%03lld", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
                  ms % 1000);
    return buf;
}

} // namespace

std::optional<double> parse_npt_time(std::string_view text) {
    text = trim(text);
    auto parts = split(text, ':');
    std::optional<double> seconds;
    if (parts.size() == 1) {
        seconds = parse_decimal(parts[0]);
    } else if (parts.size() == 3) {
        auto h = parse_uint(parts[0]);
        auto m = parse_uint(parts[1]);
        auto s = parse_decimal(parts[2]);
        if (!h || !m || !s || parts[1].size() != 2 || *m > 59 || *s >= 60) return std::nullopt;
        seconds = static_cast<double>(*h) * 3600 + static_cast<double>(*m) * 60 + *s;
    }
    if (!seconds || *seconds > kMaxNptSeconds) return std::nullopt;
    return seconds;
}

std::optional<TimeSeek> parse_time_seek(std::string_view header) {
    auto value = trim(header);
    if (!istarts_with(value, "npt=")) return std::nullopt;
    value.remove_prefix(4);
    auto dash = value.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    auto start = parse_npt_time(value.substr(0, dash));
    if (!start) return std::nullopt;
    TimeSeek seek{*start, std::nullopt};
    auto end_text = trim(value.substr(dash + 1));
    if (!end_text.empty()) {
        seek.end = parse_npt_time(end_text);
        if (!seek.end || *seek.end < seek.start) return std::nullopt;
    }
    return seek;
}

std::string time_seek_answer(double start, std::optional<double> end, std::optional<double> duration) {
    std::string out = "npt=" + clock(start) + "-";
    if (end)
        out += clock(*end);
    else if (duration)
        out += clock(*duration);
    return out + "/" + (duration ? clock(*duration) : std::string("*"));
}

} // namespace hearth::http
