#pragma once
// Logging to stderr with syslog priority prefixes ("<6>"), which journald turns into levels.
// Any thread may log; each line is written with a single write(2).
// Usage: log::info("indexed ", n, " files in ", seconds, " s");
#include <sstream>
#include <string>
#include <string_view>

namespace hearth::log {

enum class Level { error = 3, warning = 4, info = 6, debug = 7 };

void set_level(Level level);
bool enabled(Level level);
void write(Level level, std::string_view message);

template <typename... Args> void emit(Level lvl, const Args&... args) {
    if (!enabled(lvl)) return;
    std::ostringstream out;
    (out << ... << args);
    write(lvl, out.str());
}
template <typename... Args> void error(const Args&... args) {
    emit(Level::error, args...);
}
template <typename... Args> void warning(const Args&... args) {
    emit(Level::warning, args...);
}
template <typename... Args> void info(const Args&... args) {
    emit(Level::info, args...);
}
template <typename... Args> void debug(const Args&... args) {
    emit(Level::debug, args...);
}

} // namespace hearth::log
