#pragma once
// Walks the media folders and brings the index up to date. Owns the only writer connection while it runs.
// Threads: run() and run_folders() are called from one thread (the live loop's, or main for --scan-only);
// they start their own probe workers and join them before returning.
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
    /// SystemUpdateID after the pass (bumped when anything a renderer sees changed).
    std::int64_t system_update_id = 0;
    /// Containers whose children were added, removed, moved or changed (0 is the root), for GENA's
    /// ContainerUpdateIDs; empty when nothing changed.
    std::vector<std::int64_t> changed_containers;
    /// The disk holding the index filled up: the pass stopped there, what it had committed is kept.
    bool out_of_space = false;

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

    /// One full pass. Returns early (with what it did so far committed) when stop becomes true, or when the
    /// disk holding the index is full (out_of_space).
    ScanSummary run(const std::atomic<bool>& stop, ScanProgress* progress = nullptr);

    /// A pass over some folders only (those inotify saw change): each folder's own entries, and the whole
    /// of any subfolder that is new or moved there. Known subfolders are not walked again. A folder that is
    /// gone or not indexed yet stands for its nearest indexed ancestor. Ids, positions, child counts and
    /// SystemUpdateID stay right as after a full pass; files renamed or moved (same size and time) keep their
    /// ids. A media folder that became unreadable, or empty while the index holds entries under it (an
    /// unmounted disk), is hidden from Browse with its entries kept, and shown again when it is back.
    ScanSummary run_folders(const std::vector<std::filesystem::path>& folders, const std::atomic<bool>& stop,
                            ScanProgress* progress = nullptr);

    /// Whether a media folder is there to be shared: a readable folder (an empty one counts too; run()
    /// decides whether empty means unmounted). Any thread.
    static bool available(const std::filesystem::path& root);

  private:
    ScanSummary pass(const std::vector<std::filesystem::path>* folders, const std::atomic<bool>& stop,
                     ScanProgress* progress);
    void index(const std::vector<std::filesystem::path>* folders, const std::atomic<bool>& stop,
               ScanProgress& progress, ScanSummary& summary, std::chrono::steady_clock::time_point start);

    std::filesystem::path db_path_;
    std::vector<std::filesystem::path> roots_;
    unsigned probe_threads_;
};

/// Short reason used when a file is skipped without probing or whose probe failed, for the summary's
/// grouping.
std::string reason_group(const std::string& reason);

} // namespace hearth::library
