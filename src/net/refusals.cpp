#include "hearth/net/refusals.hpp"

#include "hearth/net/interfaces.hpp"
#include "hearth/util/log.hpp"

namespace hearth::net {
namespace {
constexpr auto kLogInterval = std::chrono::seconds(60);
constexpr std::size_t kMaxRemembered = 4096;

std::string_view reason_text(Refusal r) {
    switch (r) {
    case Refusal::outsider:
        return "not on the home network (see --allow)";
    case Refusal::bad_host:
        return "Host header names another server (DNS rebinding?)";
    case Refusal::blocked:
        return "device is blocked";
    case Refusal::pending:
        return "device is waiting for approval";
    case Refusal::stream_limit:
        return "too many streams (see --max-streams)";
    case Refusal::title_in_use:
        return "title is playing on another device (--one-stream-per-title)";
    }
    return "refused";
}
} // namespace

std::string_view refusal_name(Refusal r) {
    switch (r) {
    case Refusal::outsider:
        return "outsider";
    case Refusal::bad_host:
        return "bad_host";
    case Refusal::blocked:
        return "blocked";
    case Refusal::pending:
        return "pending";
    case Refusal::stream_limit:
        return "stream_limit";
    case Refusal::title_in_use:
        return "title_in_use";
    }
    return "unknown";
}

void Refusals::record(Refusal reason, in_addr who, std::string_view what) {
    ++counts_[static_cast<std::size_t>(reason)];
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(mutex_);
        auto key = std::make_pair(who.s_addr, static_cast<int>(reason));
        auto it = last_logged_.find(key);
        if (it != last_logged_.end() && now - it->second < kLogInterval) return;
        if (last_logged_.size() >= kMaxRemembered) {
            std::erase_if(last_logged_, [&](const auto& kv) { return now - kv.second >= kLogInterval; });
            if (last_logged_.size() >= kMaxRemembered) return; // a flood from many addresses: stay quiet
        }
        last_logged_[key] = now;
    }
    log::warning("refused ", what, " from ", to_string(who), ": ", reason_text(reason));
}

} // namespace hearth::net
