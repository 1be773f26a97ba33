#include "hearth/util/log.hpp"

#include <atomic>
#include <string>
#include <unistd.h>

namespace hearth::log {
namespace {
std::atomic<int> g_level{static_cast<int>(Level::info)};
} // namespace

void set_level(Level level) {
    g_level.store(static_cast<int>(level));
}

bool enabled(Level level) {
    return static_cast<int>(level) <= g_level.load(std::memory_order_relaxed);
}

void write(Level level, std::string_view message) {
    std::string line = "<" + std::to_string(static_cast<int>(level)) + ">";
    line.append(message);
    line.push_back('\n');
    // One write per line keeps lines from different threads whole.
    ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
    (void)ignored;
}
} // namespace hearth::log
