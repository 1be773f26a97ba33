#pragma once
// Walks the media folders and brings the index up to date. Owns the only writer connection while it runs.
// Threads: run() and run_folders() are called from one thread (the live loop's, or main for --scan-only);
// they start their own probe workers and join them before returning.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <sys/stat.h>
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
    /// Folders a start pass (Scanner::run_start) did not read because their stamp had not changed; their
    /// files are not counted above. 0 after a pass that looked at every file.
    std::int64_t folders_not_read = 0;
    double seconds = 0;
    /// SystemUpdateID after the pass (bumped when anything a renderer sees changed).
    std::int64_t system_update_id = 0;
    /// Containers whose children were added, removed, moved or changed (0 is the root), for GENA's
    /// ContainerUpdateIDs; empty when nothing changed.
    std::vector<std::int64_t> changed_containers;
    /// The disk holding the index filled up: the pass stopped there, what it had committed is kept.
    bool out_of_space = false;
    /// Files shown in the whole index after the pass (every media folder, read by this pass or not), for
    /// systemd's STATUS line. Counted when the pass changed something, else kept from the pass before.
    std::int64_t files_in_index = 0;

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

    /// The pass at start, on an index built before: stats each indexed folder and reads only those whose
    /// stamp (folder_stamp()) changed, as run_folders() would, plus any folder with hidden entries and any
    /// media folder that is new, offline or back. The files of an unchanged folder are taken as unchanged
    /// without a look, so a file rewritten in place while Hearth was down is seen only by the next run():
    /// the caller schedules one. A full pass when the index cannot tell (no stamps yet, most folders
    /// changed, a media folder indexed that is no longer configured).
    /// before_reading (optional) is called with each indexed folder under the media folders before any is
    /// looked at, and with each folder the pass lists (a new one included) before it is listed: the live
    /// loop sets its inotify watches from it, so that a change after the call is an event and one before
    /// it is seen by the pass, without listing every folder to find the folders.
    ScanSummary run_start(const std::atomic<bool>& stop, ScanProgress* progress = nullptr,
                          const std::function<void(const std::filesystem::path&)>& before_reading = {});

    /// Whether a media folder is there to be shared: a readable folder (an empty one counts too; run()
    /// decides whether empty means unmounted). Any thread.
    static bool available(const std::filesystem::path& root);

  private:
    enum class Kind { full, folders, start };
    using FolderHook = std::function<void(const std::filesystem::path&)>;
    ScanSummary pass(Kind kind, const std::vector<std::filesystem::path>* folders,
                     const std::atomic<bool>& stop, ScanProgress* progress, const FolderHook& before_reading);
    void index(Kind kind, const std::vector<std::filesystem::path>* folders, const std::atomic<bool>& stop,
               ScanProgress& progress, ScanSummary& summary, std::chrono::steady_clock::time_point start,
               const FolderHook& before_reading);

    std::filesystem::path db_path_;
    std::vector<std::filesystem::path> roots_;
    unsigned probe_threads_;
};

/// A folder's stamp: what changes whenever its list of entries may have (an entry created, deleted or
/// renamed sets its mtime, and so its ctime), when it is made unreadable or readable again (chmod sets the
/// ctime only), and when another folder is at its path (a disk mounted or unmounted there: another device
/// or inode). A digest of the device, inode and ctime (to the nanosecond); never 0, which means "not known".
/// A change within the file system clock's granularity of the one before leaves the ctime as it was, so a
/// folder whose ctime is less than 2 s before `now` (seconds since the epoch) or after it gets 0: it is
/// read again next time.
std::int64_t folder_stamp(const struct stat& st, std::time_t now);

/// An indexed folder, as the start pass sees it.
struct IndexedFolder {
    std::filesystem::path path;
    std::int64_t id;
    std::int64_t parent_id; ///< negative: hidden (db/objects.hpp)
    std::int64_t stamp;     ///< when last read whole; 0: not known
};

/// The folders a start pass reads (Scanner::run_start; pure, for tests): each shown folder whose stamp now
/// (`stamp_now`, 0 when it cannot be read) is not the one stored, each media folder that is not indexed or
/// not shown, and the shown folder of each hidden entry (`hidden_parents`: the stored parent_id of each
/// hidden row that is not a media folder's own). nullopt: a full pass is the better one (a folder indexed
/// outside every media folder, or more than half of the folders to read).
std::optional<std::vector<std::filesystem::path>>
folders_to_read(const std::vector<IndexedFolder>& folders, const std::vector<std::int64_t>& hidden_parents,
                const std::vector<std::filesystem::path>& roots,
                const std::function<std::int64_t(const std::filesystem::path&)>& stamp_now);

/// Short reason used when a file is skipped without probing or whose probe failed, for the summary's
/// grouping.
std::string reason_group(const std::string& reason);

} // namespace hearth::library
