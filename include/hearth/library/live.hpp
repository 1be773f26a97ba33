#pragma once
// Keeps the index current while Hearth serves: one scan at start (of the folders changed since the index was
// last brought up to date; a full one verifies every file --verify-delay later), a full one on request
// (SIGHUP), then inotify events, settled, become scans of the changed folders only. Where inotify cannot
// watch every folder, a light full rescan runs every rescan interval; a media folder that goes away
// (unmounted) or comes back is noticed by a cheap check on the same clock (at most every 30 s).
// Threads: one thread of its own runs every scan; start(), request_full_scan() and stop() from any thread.
#include "hearth/library/scanner.hpp"
#include "hearth/util/fd.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <limits>
#include <mutex>
#include <set>
#include <string_view>
#include <thread>
#include <vector>

namespace hearth::library {

struct LiveOptions {
    std::chrono::seconds rescan_interval{300}; ///< 0: no periodic rescan
    std::size_t watch_limit = std::numeric_limits<std::size_t>::max();
    std::chrono::milliseconds quiet{1000}; ///< how long a changed folder must be quiet before its scan
    /// After a start that read only the changed folders: when the full pass that verifies every file runs.
    std::chrono::seconds verify_delay{600};
};

/// How often the media folders' presence is checked for a rescan interval.
std::chrono::seconds presence_check_interval(std::chrono::seconds rescan_interval);

/// The mount points in `mountinfo` (the text of /proc/self/mountinfo) that are a media folder or under one.
std::set<std::filesystem::path> mount_points_under(std::string_view mountinfo,
                                                   const std::vector<std::filesystem::path>& roots);

class LiveLibrary {
  public:
    /// The media folders to serve now (they change on SIGHUP). Called on the live loop's thread.
    using Roots = std::function<std::vector<std::filesystem::path>()>;
    /// After each pass that finished (full or not). Called on the live loop's thread.
    using Scanned = std::function<void(const ScanSummary&, bool full)>;

    LiveLibrary(std::filesystem::path db_path, Roots roots, unsigned probe_threads, LiveOptions options,
                ScanProgress& progress, const std::atomic<bool>& stop, Scanned scanned);
    ~LiveLibrary();
    LiveLibrary(const LiveLibrary&) = delete;
    LiveLibrary& operator=(const LiveLibrary&) = delete;

    void start();
    /// A full scan with the media folders Roots gives then (SIGHUP). Any thread.
    void request_full_scan();
    /// Ends the loop (a running scan returns early once the stop flag is set) and joins it. Any thread.
    void stop();

  private:
    class Loop;
    void wake();

    std::filesystem::path db_path_;
    Roots roots_;
    unsigned probe_threads_;
    LiveOptions options_;
    ScanProgress& progress_;
    const std::atomic<bool>& stop_;
    Scanned scanned_;
    Fd wake_fd_; // an eventfd: stop and full-scan requests interrupt the loop's poll
    std::atomic<bool> full_requested_{false};
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

} // namespace hearth::library
