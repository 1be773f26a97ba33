#include "hearth/library/progress_bar.hpp"

#include <cmath>
#include <cstdio>

namespace hearth::library {

std::string progress_bar(const ScanProgress& p, int columns) {
    const auto phase = p.phase.load();
    const auto total = p.to_probe.load();
    const auto done = p.probed.load();
    const double seconds = p.seconds.load();
    char text[160];
    if (phase == ScanProgress::probing && total > 0) {
        const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
        const long eta = rate > 0 ? std::lround(static_cast<double>(total - done) / rate) : -1;
        std::snprintf(text, sizeof text, " %lld/%lld files  %.0f files/s  ETA %s  ",
                      static_cast<long long>(done), static_cast<long long>(total), rate,
                      eta < 0 ? "?" : (std::to_string(eta) + " s").c_str());
    } else {
        std::snprintf(text, sizeof text, " looking through %lld folders  ",
                      static_cast<long long>(p.folders.load()));
    }
    const int bar_width = 24;
    const int filled = total > 0 ? static_cast<int>(bar_width * done / total) : 0;
    std::string line = "\r[" + std::string(static_cast<std::size_t>(filled), '#') +
                       std::string(static_cast<std::size_t>(bar_width - filled), '.') + "]" + text;
    // The current folder fills what is left of the line, keeping its end (the most specific part).
    auto folder = p.current();
    const auto room = static_cast<std::size_t>(std::max(0, columns - 1)) -
                      std::min(line.size() - 1, std::size_t(columns - 1));
    if (folder.size() > room) folder = room > 3 ? "..." + folder.substr(folder.size() - (room - 3)) : "";
    return line + folder + "\033[K";
}

} // namespace hearth::library
