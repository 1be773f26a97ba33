#pragma once
// Advice on the inotify watch limit: the live loop (live.cpp) logs it when the limit stops its watches, and
// `hearth doctor` reports it. Pure.
#include <cstdint>
#include <optional>
#include <string>

namespace hearth::library {

/// A limit that leaves room: at least twice the folders, rounded up to a power of two, never below 524288.
std::uint64_t suggested_watch_limit(std::uint64_t folders);

struct WatchLimitAdvice {
    enum Room { enough, close, too_few, unknown };
    Room room = enough; ///< close: within 10% of the limit; unknown: the limit could not be read
    std::string text;   ///< what was counted against what limit, in plain words
    std::string hint;   ///< how to raise the limit (or read it); empty when there is room
};

/// inotify needs one watch per folder. `complete`: false when `folders` is a lower bound.
WatchLimitAdvice watch_limit_advice(std::optional<std::uint64_t> limit, std::uint64_t folders, bool complete);

} // namespace hearth::library
