#pragma once
// The index writer of a scan: the one writer connection, batched transactions, and every SQL statement a
// pass writes with. Private to the scanner (scanner.cpp, walk.cpp), here for the unit tests.
// Threads: the scanning thread only.
#include "hearth/db/sqlite.hpp"
#include "hearth/media/probe.hpp"
#include "library/pending.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hearth::library {

/// An indexed row as a pass loads it.
struct Known {
    std::int64_t id;
    std::int64_t parent_id;
    std::int64_t size; ///< a folder: its stamp when last read whole (folder_stamp(); 0: not known)
    std::int64_t mtime;
    bool container = false;
    bool seen = false; ///< found unchanged by this pass: kept in memory, an unchanged row is not written
};

// A hidden row keeps its parent as -parent - 1 (the same arithmetic restores it): Browse asks for one real
// parent, every other reader query has db::kVisible, and the id survives until the folder it is in can be
// read again. A media folder's own row goes offline as db::kOfflineParentId instead. See README.md.
inline std::int64_t hidden_parent(std::int64_t parent_id) {
    return -parent_id - 1;
}

/// A subtitle file the walk found, linked once the videos are indexed (IndexWriter::link_subtitles).
struct SubtitleFile {
    std::filesystem::path path;
    std::int64_t parent_id;
    std::string format;
};

// The writer connection, migrated before any statement is prepared on it.
struct MigratedDatabase : db::Database {
    explicit MigratedDatabase(const std::filesystem::path& path);
};

// The index writer: one connection, batched transactions, prepared statements.
class IndexWriter {
  public:
    /// Opens (creating and migrating) the index and begins the pass's first batch, as generation one more
    /// than the last pass's. Destroyed without finish(), it rolls back the open batch only.
    explicit IndexWriter(const std::filesystem::path& db_path);

    std::int64_t generation() const { return generation_; }

    /// Every indexed object, or (scope given) those at or under the scope's folders.
    std::unordered_map<std::string, Known> load_objects(const std::vector<std::filesystem::path>* scope);

    std::unordered_map<std::string, Known> load_skipped(const std::vector<std::filesystem::path>* scope);

    struct FolderRow {
        std::string path;
        std::int64_t id;
        std::int64_t parent_id;
        std::int64_t stamp; ///< 0: not known
    };

    /// Every indexed folder, shown or not.
    std::vector<FolderRow> folders();

    /// The paths and stored parents of the hidden rows (parent_id < 0).
    std::vector<std::pair<std::string, std::int64_t>> hidden_rows();

    /// Notes a folder's stamp after a pass read it whole and indexed what it found. Not a change anyone
    /// sees: nothing is bumped. No batch is committed here: finish() commits the stamps with the removals.
    void set_folder_stamp(std::int64_t id, std::int64_t stamp);

    /// The id of the indexed folder at this path.
    std::optional<std::int64_t> container_id(const std::filesystem::path& path);

    /// Whether the index holds entries in this folder, shown or hidden.
    bool has_children(std::int64_t id);

    /// Hides a media folder's container from the root, keeping everything under it. True when it was shown.
    bool take_offline(const std::filesystem::path& root);

    /// Hides everything indexed under a folder that cannot be read now (not the folder's own row), keeping
    /// each row, its id and its subtitles for when it is back. `folder_id` is the container renderers see
    /// change (none when negative). Returns how many rows were shown until now.
    std::int64_t hide_tree(const std::filesystem::path& folder, std::int64_t folder_id);

    /// A file renamed or moved: the same row (and id) at its new place.
    void relocate(std::int64_t id, const std::filesystem::path& path, std::int64_t old_parent,
                  std::int64_t parent_id);

    std::int64_t add_container(const std::filesystem::path& path, std::int64_t parent_id);

    /// Gives a row another parent; also how a hidden row comes back.
    void move(std::int64_t id, std::int64_t old_parent, std::int64_t parent_id);

    void mark_skipped_seen(const std::string& path);

    /// Keeps the files known to be bad under a folder that could not be read through this pass.
    void keep_skipped_under(const std::filesystem::path& folder);

    void put_item(const Pending& f, const media::MediaInfo& info, const std::optional<std::string>& art);

    /// Points the music in each walked folder without a picture of its own at the folder's cover file now
    /// (or at none), so that a cover added, changed or removed beside unchanged files is seen.
    void set_folder_covers(const std::vector<std::pair<std::int64_t, std::optional<std::string>>>& folders);

    /// Links each subtitle file to the video beside it with the same stem; stale links go in finish().
    void link_subtitles(const std::vector<SubtitleFile>& files, const std::vector<std::int64_t>* walked);

    void put_skipped(const Pending& f, const std::string& reason);

    /// Removes what this pass did not see: `unseen` are the rows it loaded (everywhere, or among the
    /// children of the walked folders) and did not find, each removed unless this pass wrote it, with
    /// everything under a vanished folder. Recounts children, bumps SystemUpdateID when anything changed.
    /// Rows found unchanged are not written at all (marking each one seen rewrote every page of the table on
    /// every rescan: most of the CPU and all of the I/O of restarting on an unchanged library), and only the
    /// child counts that differ are.
    /// Every folder's child count is checked when a pass before this one changed rows and was killed
    /// before its own finish() (the counts_pending mark): it left counts of folders this one may not read.
    std::int64_t finish(const std::vector<std::int64_t>* walked, const std::vector<std::int64_t>& unseen);

    std::int64_t system_update_id() const { return system_update_id_; }
    std::int64_t files_in_index() const { return files_in_index_; }
    std::vector<std::int64_t> changed_containers() const { return {changed_.begin(), changed_.end()}; }

    /// Rows without a position: added by a scan that was stopped before it placed them.
    bool has_unplaced();

    /// Commits the open batch (so browsing sees progress) and opens the next.
    void flush();

  private:
    void recount_children();

    // The first change of a pass marks the index, in the same transaction, until finish(): a pass killed
    // between its batches and its finish() leaves child counts and positions for the next one to redo.
    void dirtied();

    void changed(std::int64_t container);

    std::int64_t remove_unseen(const std::vector<std::int64_t>& unseen);

    // Skipped files directly in a walked folder ("<dir>/name" with no further '/') that this pass did not
    // find. Skipped files elsewhere were not looked at and stay.
    void remove_skipped_in(const std::vector<std::int64_t>& walked);

    // Removed folders need no ContainerUpdateIDs entry: nobody can browse them any more.
    void drop_vanished_from_changed();

    void tick();

    bool has_setting(const char* key);

    std::int64_t count_files();

    std::int64_t setting(const char* key);

    void set_setting(const char* key, std::int64_t value);

    MigratedDatabase db_;
    std::int64_t generation_ = 0;
    std::optional<db::Transaction> tx_;
    int ops_ = 0;
    bool dirty_ = false;             // anything added, moved or re-probed in this pass
    bool marked_ = false;            // this pass wrote the counts_pending mark
    bool counts_pending_ = false;    // a pass before this one changed rows and did not finish
    std::set<std::int64_t> changed_; // containers whose children changed in this pass
    std::int64_t system_update_id_ = 0;
    std::int64_t files_in_index_ = 0;
    std::chrono::steady_clock::time_point last_commit_ = std::chrono::steady_clock::now();
    // Prepared once for the pass, in index_writer.cpp.
    db::Statement insert_container_;
    db::Statement move_;
    db::Statement relocate_;
    db::Statement set_stamp_;
    db::Statement mark_skipped_seen_;
    db::Statement put_skipped_;
    db::Statement upsert_item_;
};

} // namespace hearth::library
