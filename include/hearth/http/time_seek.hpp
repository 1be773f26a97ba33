#pragma once
// TimeSeekRange.dlna.org (DLNA guidelines 7.4.40): "npt=<start>-[<end>]" with times as seconds ("12.5") or
// "h:mm:ss[.fff]". Pure.
#include <optional>
#include <string>
#include <string_view>

namespace hearth::http {

struct TimeSeek {
    double start = 0;
    std::optional<double> end;
};

/// The parsed header, or nullopt when it is malformed (→ 400) — an absent header is not parsed at all.
std::optional<TimeSeek> parse_time_seek(std::string_view header);

/// Longest time accepted (about 31 years): beyond it a time is malformed, so that every accepted time fits
/// the millisecond clock of the answer and libav's microsecond timestamps.
inline constexpr double kMaxNptSeconds = 1e9;

/// One npt time: "12.5", "1:02:03.250"; nullopt when malformed or above kMaxNptSeconds.
std::optional<double> parse_npt_time(std::string_view text);

/// "npt=<start>-<end>/<duration>" for the answer, times as h:mm:ss.fff; duration "*" when unknown.
std::string time_seek_answer(double start, std::optional<double> end, std::optional<double> duration);

} // namespace hearth::http
