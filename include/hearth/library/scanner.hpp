#pragma once
// Walks the media folders and brings the index up to date. Owns the only writer connection while it runs.
// Threads: run() is called from one thread (the scanner thread, or main for --scan-only); it starts its own
// probe workers and joins them before returning.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace hearth::library {

struct ScanSummary {
    std::int64_t added = 0;                      ///< files probed and indexed for the first time
    std::int64_t updated = 0;                    ///< files that changed and were probed again
    std::int64_t unchanged = 0;                  ///< same size and mtime: not probed
    std::int64_t removed = 0;                    ///< index rows whose file or folder vanished
    std::int64_t not_media = 0;                  ///< files whose extension Hearth does not share
    std::map<std::string, std::int64_t> skipped; ///< files that could not be indexed, by reason
    std::int64_t folders = 0;
    double seconds = 0;

    std::int64_t indexed() const { return added + updated + unchanged; }
    std::int64_t skipped_total() const;
    /// One line for people: "indexed 1990 files (…), skipped 3 (…), in 1.52 s".
    std::string line() const;
};

/// What a running scan is doing, for the status page and systemd's STATUS line. Written by the scanner
/// thread, read by any thread.
struct ScanProgress {
    enum Phase { idle = 0, walking = 1, probing = 2, finished = 3 };
    std::atomic<int> phase{idle};
    std::atomic<std::int64_t> folders{0};
    std::atomic<std::int64_t> to_probe{0};
    std::atomic<std::int64_t> probed{0};
    std::atomic<double> seconds{0}; ///< since the scan started, updated as it goes; final when finished

    void set_current(std::string folder) {
        std::lock_guard lock(mutex_);
        current_ = std::move(folder);
    }
    /// The folder being walked or whose file was just read.
    std::string current() const {
        std::lock_guard lock(mutex_);
        return current_;
    }

  private:
    mutable std::mutex mutex_; // guards current_
    std::string current_;
};

class Scanner {
  public:
    Scanner(std::filesystem::path db_path, std::vector<std::filesystem::path> roots, unsigned probe_threads);

    /// One full pass. Returns early (with what it did so far committed) when stop becomes true.
    ScanSummary run(const std::atomic<bool>& stop, ScanProgress* progress = nullptr);

  private:
    std::filesystem::path db_path_;
    std::vector<std::filesystem::path> roots_;
    unsigned probe_threads_;
};

/// Short reason used when a file is skipped without probing or whose probe failed, for the summary's
/// grouping.
std::string reason_group(const std::string& reason);

} // namespace hearth::library
