#include "hearth/library/watch_limit.hpp"

namespace hearth::library {

std::uint64_t suggested_watch_limit(std::uint64_t folders) {
    std::uint64_t limit = 524288;
    while (limit < folders * 2)
        limit *= 2;
    return limit;
}

WatchLimitAdvice watch_limit_advice(std::optional<std::uint64_t> limit, std::uint64_t folders,
                                    bool complete) {
    std::string count =
        (complete ? "" : "at least ") + std::to_string(folders) + (folders == 1 ? " folder" : " folders");
    if (!limit) {
        return {WatchLimitAdvice::unknown, "inotify: " + count + " to watch; the limit cannot be read",
                "cat /proc/sys/fs/inotify/max_user_watches"};
    }
    auto fix =
        "raise it: echo fs.inotify.max_user_watches=" + std::to_string(suggested_watch_limit(folders)) +
        " > /etc/sysctl.d/90-hearth.conf && sysctl --system";
    auto limit_text = std::to_string(*limit);
    if (folders > *limit) {
        return {WatchLimitAdvice::too_few,
                "inotify: " + count + " to watch but the limit is " + limit_text +
                    ": changes in the rest are seen only by rescans",
                fix};
    }
    if (folders * 10 > *limit * 9) {
        return {WatchLimitAdvice::close,
                "inotify: " + count + " to watch, close to the limit of " + limit_text +
                    " that all programs of the user share",
                fix};
    }
    return {WatchLimitAdvice::enough, "inotify: " + count + " to watch, the limit is " + limit_text, ""};
}

} // namespace hearth::library
