#pragma once
// Counts every refusal by reason and logs it, at most once per address and reason per minute, so that a flood
// cannot fill the disk. Any thread.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <string>
#include <string_view>
#include <utility>

namespace hearth::net {

enum class Refusal { outsider, bad_host, blocked, pending, stream_limit, title_in_use };
inline constexpr std::size_t kRefusalKinds = 6;

std::string_view refusal_name(Refusal r);

class Refusals {
  public:
    /// Counts the refusal; logs "refused <what> from <address>: <reason text>" unless logged within the
    /// minute.
    void record(Refusal reason, in_addr who, std::string_view what);

    std::uint64_t count(Refusal reason) const { return counts_[static_cast<std::size_t>(reason)].load(); }

  private:
    std::array<std::atomic<std::uint64_t>, kRefusalKinds> counts_{};
    std::mutex mutex_; // guards last_logged_
    std::map<std::pair<std::uint32_t, int>, std::chrono::steady_clock::time_point> last_logged_;
};

} // namespace hearth::net
