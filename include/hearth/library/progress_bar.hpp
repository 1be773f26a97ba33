#pragma once
// The one-line progress display of `hearth --scan-only` on a terminal. Pure.
#include "hearth/library/scanner.hpp"

#include <string>

namespace hearth::library {

/// "\r[#######.......]  1234/2000 files  850 files/s  ETA 1 s  Music/Artist\033[K", fitted to columns.
std::string progress_bar(const ScanProgress& progress, int columns);

} // namespace hearth::library
