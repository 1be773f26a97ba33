#include "hearth/library/scanner.hpp"

#include "hearth/db/migrations.hpp"
#include "hearth/db/objects.hpp"
#include "hearth/db/sqlite.hpp"
#include "hearth/library/subtitles.hpp"
#include "hearth/library/views.hpp"
#include "hearth/media/art.hpp"
#include "hearth/media/exif.hpp"
#include "hearth/media/probe.hpp"
#include "hearth/util/log.hpp"
#include "hearth/util/strings.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <malloc.h>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace hearth::library {

std::int64_t ScanSummary::skipped_total() const {
    std::int64_t n = 0;
    for (const auto& [reason, count] : skipped)
        n += count;
    return n;
}

std::string ScanSummary::line() const {
    std::string out = "indexed " + std::to_string(indexed()) + " files (" + std::to_string(added) + " new, " +
                      std::to_string(updated) + " changed, " + std::to_string(unchanged) + " unchanged) in " +
                      std::to_string(folders) + " folders, removed " + std::to_string(removed) +
                      ", skipped " + std::to_string(skipped_total());
    if (!skipped.empty()) {
        out += " (";
        bool first = true;
        for (const auto& [reason, count] : skipped) {
            out += (first ? "" : ", ") + reason + ": " + std::to_string(count);
            first = false;
        }
        out += ")";
    }
    out += ", ignored " + std::to_string(not_media) + " non-media files";
    if (folders_not_read > 0) out += ", " + std::to_string(folders_not_read) + " unchanged folders not read";
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.2f", seconds);
    return out + ", in " + secs + " s";
}

std::string reason_group(const std::string& reason) {
    return reason.substr(0, reason.find(':'));
}

std::int64_t folder_stamp(const struct stat& st, std::time_t now) {
    if (now - st.st_ctim.tv_sec < 2) return 0;
    auto h = static_cast<std::uint64_t>(st.st_ctim.tv_sec) * 1'000'000'000ULL +
             static_cast<std::uint64_t>(st.st_ctim.tv_nsec);
    auto mix = [&h](std::uint64_t v) {
        h = (h ^ v) * 0x9E3779B97F4A7C15ULL;
        h ^= h >> 31;
    };
    mix(static_cast<std::uint64_t>(st.st_ino));
    mix(static_cast<std::uint64_t>(st.st_dev));
    return h == 0 ? 1 : static_cast<std::int64_t>(h);
}

namespace {

// Index paths are made from a media folder's path and names: a comparison of strings, not of the paths'
// parsed components (which took a tenth of a restart's CPU at 1,000 folders).
bool under_a_root(const fs::path& path, const std::vector<fs::path>& roots) {
    const auto& p = path.native();
    return std::any_of(roots.begin(), roots.end(), [&](const fs::path& root) {
        const auto& r = root.native();
        return p.starts_with(r) && (p.size() == r.size() || p[r.size()] == '/' || r.ends_with('/'));
    });
}

} // namespace

std::optional<std::vector<fs::path>>
folders_to_read(const std::vector<IndexedFolder>& folders, const std::vector<std::int64_t>& hidden_parents,
                const std::vector<fs::path>& roots,
                const std::function<std::int64_t(const fs::path&)>& stamp_now) {
    std::set<fs::path> out;
    std::unordered_map<std::int64_t, const IndexedFolder*> shown;
    std::size_t shown_count = 0;
    for (const auto& root : roots) {
        auto it = std::find_if(folders.begin(), folders.end(), [&](const auto& f) { return f.path == root; });
        if (it == folders.end() || it->parent_id != db::kRootId) out.insert(root); // new, offline or back
    }
    for (const auto& f : folders) {
        if (!under_a_root(f.path, roots))
            return std::nullopt;       // a media folder no longer shared: the full pass removes it
        if (f.parent_id < 0) continue; // hidden: read again with the shown folder it is in
        shown.emplace(f.id, &f);
        ++shown_count;
        if (f.stamp == 0 || stamp_now(f.path) != f.stamp) out.insert(f.path);
    }
    for (auto parent : hidden_parents) {
        // A hidden row keeps -parent - 1; its folder is read when it is shown (else its own folder is).
        if (auto it = shown.find(-parent - 1); it != shown.end()) out.insert(it->second->path);
    }
    if (out.size() * 2 > shown_count && !out.empty()) return std::nullopt;
    return std::vector<fs::path>(out.begin(), out.end());
}

namespace {

struct Known {
    std::int64_t id;
    std::int64_t parent_id;
    std::int64_t size; ///< a folder: its stamp when last read whole (folder_stamp(); 0: not known)
    std::int64_t mtime;
    bool container = false;
    bool seen = false; ///< found unchanged by this pass: kept in memory, an unchanged row is not written
};

// A file found by the walk, waiting to be probed. The whole list is held while the probe pool works
// through it, at the scan's memory peak, so it is kept small: the path is a view into PendingFiles' blocks
// (an fs::path holds its parsed components too, ~450 bytes for a path six folders deep; a std::string per
// file is a heap block of its own).
struct Pending {
    std::string_view path;
    std::int64_t parent_id;
    std::int64_t size;
    std::int64_t mtime;
    std::optional<std::int64_t> existing_id;
};

// The files to probe, with their paths stored end to end in blocks that never move. A deque, not a vector:
// a vector doubling its capacity holds the old and the new array at once (at 20,000 files, the list and
// its paths went from ~3.8 to ~2 MiB).
class PendingFiles {
  public:
    /// Keeps a copy of f's path; the view f brings may go once this returns.
    void push_back(Pending f) {
        f.path = keep(f.path);
        files_.push_back(f);
    }
    std::size_t size() const { return files_.size(); }
    const Pending& operator[](std::size_t i) const { return files_[i]; }
    auto begin() { return files_.begin(); }
    auto end() { return files_.end(); }

  private:
    static constexpr std::size_t kBlock = 64 * 1024;

    std::string_view keep(std::string_view path) {
        if (blocks_.empty() || used_ + path.size() > block_size_) {
            block_size_ = std::max(kBlock, path.size());
            blocks_.push_back(std::make_unique<char[]>(block_size_));
            used_ = 0;
        }
        char* at = blocks_.back().get() + used_;
        std::copy(path.begin(), path.end(), at);
        used_ += path.size();
        return {at, path.size()};
    }

    std::deque<Pending> files_;
    std::vector<std::unique_ptr<char[]>> blocks_;
    std::size_t block_size_ = 0;
    std::size_t used_ = 0;
};

// "[1,2,3]": a list of ids bound as one parameter and read back with json_each (no SQL text from data).
std::string json_ids(const std::vector<std::int64_t>& ids) {
    std::string out = "[";
    for (auto id : ids)
        out += (out.size() > 1 ? "," : "") + std::to_string(id);
    return out + "]";
}

// The bounds of the paths strictly under a folder: "<dir>/" ≤ path < "<dir>0" ('0' follows '/').
std::pair<std::string, std::string> subtree_range(const fs::path& dir) {
    return {dir.native() + "/", dir.native() + "0"};
}

// A hidden row keeps its parent as -parent - 1 (the same arithmetic restores it): Browse asks for one real
// parent, every other reader query has db::kVisible, and the id survives until the folder it is in can be
// read again. A media folder's own row goes offline as db::kOfflineParentId instead. See README.md.
std::int64_t hidden_parent(std::int64_t parent_id) {
    return -parent_id - 1;
}

struct Probed {
    const Pending* file;
    std::variant<media::MediaInfo, media::ProbeError> result;
    std::optional<std::string> art; ///< objects.art (media/art.hpp)
};

std::string title_for(const fs::path& path) {
    auto name = path.filename().string();
    if (name.empty()) name = path.string();
    return sanitize_utf8(name);
}

// The writer connection, migrated before any statement is prepared on it.
struct MigratedDatabase : db::Database {
    explicit MigratedDatabase(const fs::path& path) : db::Database(path, db::OpenMode::read_write_create) {
        db::configure_writer(*this);
    }
};

// The index writer: one connection, batched transactions, prepared statements.
class Writer {
  public:
    explicit Writer(const fs::path& db_path) : db_(db_path) {
        // 512 KiB of page cache instead of SQLite's 2 MiB: the scan writes mostly appends, and at 20,000
        // files the larger cache was ~1.5 MB of the index's peak memory without a measurable gain in speed.
        db_.exec("PRAGMA cache_size = -512");
        generation_ = setting("scan_generation") + 1;
        // An index from before the mark was kept (no files_in_index yet) may have been left by a killed
        // pass too.
        counts_pending_ = has_setting("counts_pending") || !has_setting("files_in_index");
        tx_.emplace(db_);
    }

    std::int64_t generation() const { return generation_; }

    /// Every indexed object, or (scope given) those at or under the scope's folders.
    std::unordered_map<std::string, Known> load_objects(const std::vector<fs::path>* scope) {
        std::unordered_map<std::string, Known> out;
        const std::string columns = "SELECT path, id, parent_id, CASE WHEN is_container THEN "
                                    "COALESCE(folder_stamp, 0) ELSE COALESCE(size, -1) END, "
                                    "COALESCE(mtime, -1), is_container FROM objects";
        auto read = [&](db::Statement& s) {
            while (s.step())
                out.emplace(s.text(0),
                            Known{s.int64(1), s.int64(2), s.int64(3), s.int64(4), s.int64(5) != 0});
            s.reset();
        };
        if (!scope) {
            auto s = db_.prepare(columns);
            read(s);
            return out;
        }
        auto s = db_.prepare(columns + " WHERE path = ? OR (path >= ? AND path < ?)");
        for (const auto& dir : *scope) {
            auto [low, high] = subtree_range(dir);
            s.bind(1, std::string_view(dir.native())).bind(2, low).bind(3, high);
            read(s);
        }
        return out;
    }

    std::unordered_map<std::string, Known> load_skipped(const std::vector<fs::path>* scope) {
        std::unordered_map<std::string, Known> out;
        auto read = [&](db::Statement& s) {
            while (s.step())
                out.emplace(s.text(0), Known{0, 0, s.int64(1), s.int64(2)});
            s.reset();
        };
        if (!scope) {
            auto s = db_.prepare("SELECT path, size, mtime FROM skipped");
            read(s);
            return out;
        }
        auto s = db_.prepare("SELECT path, size, mtime FROM skipped WHERE path >= ? AND path < ?");
        for (const auto& dir : *scope) {
            auto [low, high] = subtree_range(dir);
            s.bind(1, low).bind(2, high);
            read(s);
        }
        return out;
    }

    struct FolderRow {
        std::string path;
        std::int64_t id;
        std::int64_t parent_id;
        std::int64_t stamp; ///< 0: not known
    };

    /// Every indexed folder, shown or not.
    std::vector<FolderRow> folders() {
        std::vector<FolderRow> out;
        auto s = db_.prepare(
            "SELECT path, id, parent_id, COALESCE(folder_stamp, 0) FROM objects WHERE is_container = 1");
        while (s.step())
            out.push_back({s.text(0), s.int64(1), s.int64(2), s.int64(3)});
        return out;
    }

    /// The paths and stored parents of the hidden rows (parent_id < 0).
    std::vector<std::pair<std::string, std::int64_t>> hidden_rows() {
        std::vector<std::pair<std::string, std::int64_t>> out;
        auto s = db_.prepare("SELECT path, parent_id FROM objects WHERE parent_id < 0");
        while (s.step())
            out.emplace_back(s.text(0), s.int64(1));
        return out;
    }

    /// Notes a folder's stamp after a pass read it whole and indexed what it found. Not a change anyone
    /// sees: nothing is bumped. No batch is committed here: finish() commits the stamps with the removals.
    void set_folder_stamp(std::int64_t id, std::int64_t stamp) {
        set_stamp_.bind(1, stamp != 0 ? std::optional<std::int64_t>(stamp) : std::nullopt).bind(2, id).exec();
    }

    /// The id of the indexed folder at this path.
    std::optional<std::int64_t> container_id(const fs::path& path) {
        auto s = db_.prepare("SELECT id FROM objects WHERE path = ? AND is_container = 1");
        s.bind(1, std::string_view(path.native()));
        return s.step() ? std::optional<std::int64_t>(s.int64(0)) : std::nullopt;
    }

    /// Whether the index holds entries in this folder, shown or hidden.
    bool has_children(std::int64_t id) {
        auto s = db_.prepare("SELECT EXISTS (SELECT 1 FROM objects WHERE parent_id IN (?1, -?1 - 1))");
        s.bind(1, id);
        return s.step() && s.int64(0) != 0;
    }

    /// Hides a media folder's container from the root, keeping everything under it. True when it was shown.
    bool take_offline(const fs::path& root) {
        auto s =
            db_.prepare("UPDATE objects SET parent_id = ? WHERE path = ? AND parent_id = ? AND is_container");
        s.bind(1, db::kOfflineParentId).bind(2, std::string_view(root.native())).bind(3, db::kRootId).exec();
        if (db_.changes() == 0) return false;
        changed(db::kRootId);
        dirtied();
        return true;
    }

    /// Hides everything indexed under a folder that cannot be read now (not the folder's own row), keeping
    /// each row, its id and its subtitles for when it is back. `folder_id` is the container renderers see
    /// change (none when negative). Returns how many rows were shown until now.
    std::int64_t hide_tree(const fs::path& folder, std::int64_t folder_id) {
        auto [low, high] = subtree_range(folder);
        auto hide = db_.prepare("UPDATE objects SET parent_id = -parent_id - 1 WHERE parent_id >= 0 AND "
                                "path >= ? AND path < ?");
        hide.bind(1, low).bind(2, high).exec();
        const std::int64_t hidden = db_.changes();
        if (hidden > 0) {
            dirtied();
            changed(folder_id);
        }
        return hidden;
    }

    /// A file renamed or moved: the same row (and id) at its new place.
    void relocate(std::int64_t id, const fs::path& path, std::int64_t old_parent, std::int64_t parent_id) {
        relocate_.bind(1, std::string_view(path.native()))
            .bind(2, parent_id)
            .bind(3, generation_)
            .bind(4, id);
        relocate_.exec();
        changed(old_parent);
        changed(parent_id);
        dirtied();
        tick();
    }

    std::int64_t add_container(const fs::path& path, std::int64_t parent_id) {
        insert_container_.bind(1, parent_id)
            .bind(2, std::string_view(path.native()))
            .bind(3, title_for(path));
        insert_container_.bind(4, generation_).exec();
        dirtied();
        changed(parent_id);
        const auto id = db_.last_insert_id();
        tick();
        return id;
    }

    /// Gives a row another parent; also how a hidden row comes back.
    void move(std::int64_t id, std::int64_t old_parent, std::int64_t parent_id) {
        move_.bind(1, parent_id).bind(2, generation_).bind(3, id).exec();
        dirtied();
        changed(old_parent);
        changed(parent_id);
        tick();
    }

    void mark_skipped_seen(const std::string& path) {
        mark_skipped_seen_.bind(1, generation_).bind(2, std::string_view(path)).exec();
        tick();
    }

    /// Keeps the files known to be bad under a folder that could not be read through this pass.
    void keep_skipped_under(const fs::path& folder) {
        auto [low, high] = subtree_range(folder);
        auto k = db_.prepare("UPDATE skipped SET seen = ? WHERE path >= ? AND path < ?");
        k.bind(1, generation_).bind(2, low).bind(3, high).exec();
    }

    void put_item(const Pending& f, const media::MediaInfo& info, const std::optional<std::string>& art);

    /// Points the music in each walked folder without a picture of its own at the folder's cover file now
    /// (or at none), so that a cover added, changed or removed beside unchanged files is seen.
    void set_folder_covers(const std::vector<std::pair<std::int64_t, std::optional<std::string>>>& folders) {
        auto s = db_.prepare("UPDATE objects SET art = ?1 WHERE parent_id = ?2 AND is_container = 0 AND "
                             "upnp_class LIKE 'object.item.audioItem%' AND art IS NOT 'embedded' AND "
                             "art IS NOT ?1");
        for (const auto& [folder, cover] : folders) {
            s.bind(1, cover).bind(2, folder).exec();
            dirty_ = dirty_ || db_.changes() > 0;
            tick();
        }
    }

    /// Links each subtitle file to the video beside it with the same stem; stale links go in finish().
    template <typename Files>
    void link_subtitles(const Files& files, const std::vector<std::int64_t>* walked) {
        auto videos = db_.prepare("SELECT id, path FROM objects WHERE parent_id = ? AND is_container = 0 AND "
                                  "upnp_class LIKE 'object.item.videoItem%'");
        auto put = db_.prepare(
            "INSERT INTO subtitles(object_id, path, format, language, seen) VALUES(?, ?, ?, ?, ?) "
            "ON CONFLICT(path) DO UPDATE SET object_id = excluded.object_id, "
            "format = excluded.format, language = excluded.language, seen = excluded.seen");
        for (const auto& f : files) {
            videos.bind(1, f.parent_id);
            while (videos.step()) {
                auto match =
                    match_subtitle(f.path.filename().native(), fs::path(videos.text(1)).stem().native());
                if (!match) continue;
                put.bind(1, videos.int64(0)).bind(2, std::string_view(f.path.native())).bind(3, f.format);
                put.bind(4, match->language.empty() ? std::optional<std::string>() : match->language);
                put.bind(5, generation_).exec();
                break;
            }
            videos.reset();
        }
        if (!walked) {
            // Subtitles of hidden videos stay with them (their folder could not be looked at).
            db_.prepare("DELETE FROM subtitles WHERE seen < ? AND object_id NOT IN "
                        "(SELECT id FROM objects WHERE parent_id < 0)")
                .bind(1, generation_)
                .exec();
        } else {
            // Only the walked folders' subtitles were looked for; links of removed videos go in finish().
            db_.prepare("DELETE FROM subtitles WHERE seen < ? AND object_id IN "
                        "(SELECT id FROM objects WHERE parent_id IN (SELECT value FROM json_each(?)))")
                .bind(1, generation_)
                .bind(2, json_ids(*walked))
                .exec();
        }
        dirty_ = dirty_ || db_.changes() > 0;
    }

    void put_skipped(const Pending& f, const std::string& reason) {
        put_skipped_.bind(1, std::string_view(f.path)).bind(2, f.size).bind(3, f.mtime);
        put_skipped_.bind(4, std::string_view(reason)).bind(5, generation_).exec();
        tick();
    }

    /// Removes what this pass did not see: `unseen` are the rows it loaded (everywhere, or among the
    /// children of the walked folders) and did not find, each removed unless this pass wrote it, with
    /// everything under a vanished folder. Recounts children, bumps SystemUpdateID when anything changed.
    /// Rows found unchanged are not written at all (marking each one seen rewrote every page of the table on
    /// every rescan: most of the CPU and all of the I/O of restarting on an unchanged library), and only the
    /// child counts that differ are.
    /// Every folder's child count is checked when a pass before this one changed rows and was killed
    /// before its own finish() (the counts_pending mark): it left counts of folders this one may not read.
    std::int64_t finish(const std::vector<std::int64_t>* walked, const std::vector<std::int64_t>& unseen) {
        std::int64_t removed = remove_unseen(unseen);
        if (walked)
            remove_skipped_in(*walked);
        else
            db_.prepare("DELETE FROM skipped WHERE seen < ?").bind(1, generation_).exec();
        db_.exec("DELETE FROM subtitles WHERE object_id NOT IN (SELECT id FROM objects)");
        if (walked) {
            auto recount = db_.prepare("UPDATE objects SET child_count = (SELECT COUNT(*) FROM objects c "
                                       "WHERE c.parent_id = objects.id) WHERE id = ? AND is_container = 1 "
                                       "AND child_count IS NOT (SELECT COUNT(*) FROM objects c "
                                       "WHERE c.parent_id = objects.id)");
            for (auto id : changed_) {
                recount.bind(1, id).exec();
                db::place_children(db_, id);
            }
            if (counts_pending_) recount_children();
            if ((dirty_ || counts_pending_) && has_unplaced()) db::place_objects(db_);
        } else {
            recount_children();
            // Keep each object's place in the default order, for index-backed paging (0004_positions.sql).
            if (dirty_ || removed > 0 || has_unplaced()) db::place_objects(db_);
        }
        // The views (library/views.hpp) follow every change; an index from an older Hearth gets them once.
        const bool views_changed = dirty_ || removed > 0 || !views_current(db_);
        if (views_changed) rebuild_views(db_);
        set_setting("scan_generation", generation_);
        if (counts_pending_ || marked_) db_.exec("DELETE FROM settings WHERE key = 'counts_pending'");
        if (views_changed) set_setting("system_update_id", setting("system_update_id") + 1);
        // Counted only when something changed: a restart on an unchanged library reads one row for it.
        if (views_changed || !has_setting("files_in_index")) set_setting("files_in_index", count_files());
        files_in_index_ = setting("files_in_index");
        if (!dirty_ && removed == 0) changed_.clear();
        system_update_id_ = setting("system_update_id");
        drop_vanished_from_changed();
        tx_->commit();
        tx_.reset();
        // Rebuilt views leave tens of MB in the WAL, which readers look up page by page (their memory map
        // covers only the database file): copy it back now, without waiting for readers.
        if (views_changed) db_.exec("PRAGMA wal_checkpoint(PASSIVE)");
        db_.exec("PRAGMA optimize");
        return removed;
    }

    std::int64_t system_update_id() const { return system_update_id_; }
    std::int64_t files_in_index() const { return files_in_index_; }
    std::vector<std::int64_t> changed_containers() const { return {changed_.begin(), changed_.end()}; }

    /// Rows without a position: added by a scan that was stopped before it placed them.
    bool has_unplaced() {
        auto s = db_.prepare("SELECT EXISTS (SELECT 1 FROM objects WHERE position IS NULL)");
        return s.step() && s.int64(0) != 0;
    }

    /// Commits the open batch (so browsing sees progress) and opens the next.
    void flush() {
        tx_->commit();
        tx_.emplace(db_);
        ops_ = 0;
        last_commit_ = Clock::now();
    }

  private:
    void recount_children() {
        db_.exec("UPDATE objects SET child_count = (SELECT COUNT(*) FROM objects c WHERE c.parent_id = "
                 "objects.id) WHERE is_container = 1 AND child_count IS NOT (SELECT COUNT(*) FROM "
                 "objects c WHERE c.parent_id = objects.id)");
    }

    // The first change of a pass marks the index, in the same transaction, until finish(): a pass killed
    // between its batches and its finish() leaves child counts and positions for the next one to redo.
    void dirtied() {
        if (!marked_) set_setting("counts_pending", 1);
        marked_ = true;
        dirty_ = true;
    }

    void changed(std::int64_t container) {
        if (container >= db::kRootId) changed_.insert(container);
    }

    std::int64_t remove_unseen(const std::vector<std::int64_t>& unseen) {
        auto row = db_.prepare("SELECT parent_id, is_container, path FROM objects WHERE id = ? AND seen < ?");
        auto remove = db_.prepare("DELETE FROM objects WHERE id = ?");
        std::vector<fs::path> vanished_folders;
        std::int64_t removed = 0;
        for (auto id : unseen) {
            row.bind(1, id).bind(2, generation_);
            if (!row.step()) { // written by this pass after all (moved, re-probed), or already gone
                row.reset();
                continue;
            }
            changed(row.int64(0));
            if (row.int64(1) != 0) vanished_folders.emplace_back(row.text(2));
            row.reset();
            remove.bind(1, id).exec();
            removed += db_.changes();
        }
        // Under a vanished folder: a partial pass did not walk it, so its rows are not among the unseen.
        auto under = db_.prepare("DELETE FROM objects WHERE path >= ? AND path < ?");
        auto skipped_under = db_.prepare("DELETE FROM skipped WHERE path >= ? AND path < ?");
        for (const auto& dir : vanished_folders) {
            auto [low, high] = subtree_range(dir);
            under.bind(1, low).bind(2, high).exec();
            removed += db_.changes();
            skipped_under.bind(1, low).bind(2, high).exec();
        }
        return removed;
    }

    // Skipped files directly in a walked folder ("<dir>/name" with no further '/') that this pass did not
    // find. Skipped files elsewhere were not looked at and stay.
    void remove_skipped_in(const std::vector<std::int64_t>& walked) {
        db_.prepare("DELETE FROM skipped WHERE seen < ? AND EXISTS (SELECT 1 FROM objects o WHERE o.id IN "
                    "(SELECT value FROM json_each(?)) AND skipped.path >= o.path || '/' AND skipped.path < "
                    "o.path || '0' AND instr(substr(skipped.path, length(o.path) + 2), '/') = 0)")
            .bind(1, generation_)
            .bind(2, json_ids(walked))
            .exec();
    }

    // Removed folders need no ContainerUpdateIDs entry: nobody can browse them any more.
    void drop_vanished_from_changed() {
        auto exists = db_.prepare("SELECT EXISTS (SELECT 1 FROM objects WHERE id = ? AND is_container = 1)");
        std::erase_if(changed_, [&](std::int64_t id) {
            if (id == db::kRootId) return false;
            exists.bind(1, id);
            bool gone = !(exists.step() && exists.int64(0) != 0);
            exists.reset();
            return gone;
        });
    }

    void tick() {
        if (++ops_ >= 2000 || Clock::now() - last_commit_ > std::chrono::seconds(1)) flush();
    }

    bool has_setting(const char* key) {
        auto s = db_.prepare("SELECT EXISTS (SELECT 1 FROM settings WHERE key = ?)");
        s.bind(1, std::string_view(key));
        return s.step() && s.int64(0) != 0;
    }

    std::int64_t count_files() {
        auto s = db_.prepare(std::string("SELECT COUNT(*) FROM objects WHERE is_container = 0 AND ") +
                             db::kVisible);
        return s.step() ? s.int64(0) : 0;
    }

    std::int64_t setting(const char* key) {
        auto s = db_.prepare("SELECT value FROM settings WHERE key = ?");
        s.bind(1, std::string_view(key));
        return s.step() ? s.int64(0) : 0;
    }

    void set_setting(const char* key, std::int64_t value) {
        auto s = db_.prepare("INSERT INTO settings(key, value) VALUES(?, ?) "
                             "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        s.bind(1, std::string_view(key)).bind(2, value).exec();
    }

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
    Clock::time_point last_commit_ = Clock::now();
    db::Statement insert_container_ =
        db_.prepare("INSERT INTO objects(parent_id, is_container, path, title, upnp_class, seen) "
                    "VALUES(?, 1, ?, ?, 'object.container.storageFolder', ?)");
    db::Statement move_ = db_.prepare("UPDATE objects SET parent_id = ?, seen = ? WHERE id = ?");
    db::Statement relocate_ =
        db_.prepare("UPDATE objects SET path = ?, parent_id = ?, seen = ? WHERE id = ?");
    db::Statement set_stamp_ = db_.prepare("UPDATE objects SET folder_stamp = ? WHERE id = ?");
    db::Statement mark_skipped_seen_ = db_.prepare("UPDATE skipped SET seen = ? WHERE path = ?");
    db::Statement put_skipped_ = db_.prepare(
        "INSERT INTO skipped(path, size, mtime, reason, seen) VALUES(?, ?, ?, ?, ?) ON CONFLICT(path) DO "
        "UPDATE "
        "SET size = excluded.size, mtime = excluded.mtime, reason = excluded.reason, seen = excluded.seen");
    db::Statement upsert_item_ = db_.prepare(
        "INSERT INTO objects(parent_id, is_container, path, title, upnp_class, size, mtime, mime, "
        "dlna_profile, "
        "container, duration_ms, bitrate, video_codec, width, height, frame_rate, audio_codec, channels, "
        "sample_rate, bits_per_sample, artist, album, album_artist, genre, track, disc, date, seen, "
        "video_profile, "
        "video_level, audio_bitrate, art, added_at) "
        "VALUES(?1, 0, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
        "?20, ?21, "
        "?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, unixepoch()) ON CONFLICT(path) DO UPDATE SET "
        "parent_id = excluded.parent_id, "
        "title = excluded.title, upnp_class = excluded.upnp_class, size = excluded.size, mtime = "
        "excluded.mtime, "
        "mime = excluded.mime, dlna_profile = excluded.dlna_profile, container = excluded.container, "
        "duration_ms = excluded.duration_ms, bitrate = excluded.bitrate, video_codec = excluded.video_codec, "
        "width = excluded.width, height = excluded.height, frame_rate = excluded.frame_rate, "
        "audio_codec = excluded.audio_codec, channels = excluded.channels, sample_rate = "
        "excluded.sample_rate, "
        "bits_per_sample = excluded.bits_per_sample, artist = excluded.artist, album = excluded.album, "
        "album_artist = excluded.album_artist, genre = excluded.genre, track = excluded.track, "
        "disc = excluded.disc, date = excluded.date, seen = excluded.seen, video_profile = "
        "excluded.video_profile, "
        "video_level = excluded.video_level, audio_bitrate = excluded.audio_bitrate, art = excluded.art");
};

void Writer::put_item(const Pending& f, const media::MediaInfo& info, const std::optional<std::string>& art) {
    auto format = media::dlna_format(info);
    auto& s = upsert_item_;
    s.bind(1, f.parent_id).bind(2, std::string_view(f.path));
    s.bind(3, info.title ? *info.title : title_for(fs::path(f.path).stem()));
    s.bind(4, std::string_view(format.upnp_class)).bind(5, f.size).bind(6, f.mtime);
    s.bind(7, std::string_view(format.mime))
        .bind(8, format.profile)
        .bind(9, std::string_view(info.container));
    s.bind(10, info.duration_ms).bind(11, info.bitrate);
    s.bind(12, info.video_codec.empty() ? std::optional<std::string>() : info.video_codec);
    s.bind(13, info.width).bind(14, info.height);
    if (info.frame_rate)
        s.bind(15, *info.frame_rate);
    else
        s.bind_null(15);
    s.bind(16, info.audio_codec.empty() ? std::optional<std::string>() : info.audio_codec);
    s.bind(17, info.channels).bind(18, info.sample_rate).bind(19, info.bits_per_sample);
    s.bind(20, info.artist).bind(21, info.album).bind(22, info.album_artist).bind(23, info.genre);
    s.bind(24, info.track).bind(25, info.disc).bind(26, info.date).bind(27, generation_);
    auto known = [](int v) { return v >= 0 ? std::optional<std::int64_t>(v) : std::nullopt; };
    s.bind(28, known(info.video_profile)).bind(29, known(info.video_level)).bind(30, info.audio_bitrate);
    s.bind(31, art);
    s.exec();
    dirtied();
    changed(f.parent_id);
    tick();
}

// FFmpeg reports no Exif: a JPEG's date taken comes from its APP1 segment (Pictures by date, dc:date).
void add_date_taken(Probed& p) {
    auto* info = std::get_if<media::MediaInfo>(&p.result);
    if (!info || info->kind != media::Kind::image || (info->extension != "jpg" && info->extension != "jpeg"))
        return;
    if (auto date = media::exif_date_of_file(p.file->path)) info->date = *date;
}

// Probes pending files on several threads; results are handed back to the scanner thread in order of
// completion.
class ProbePool {
  public:
    ProbePool(const PendingFiles& files, unsigned threads, const std::atomic<bool>& stop)
        : files_(files), stop_(stop) {
        // No more threads than files: a restart on an unchanged library has none to probe.
        for (unsigned i = 0; i < std::min<std::size_t>(threads, files.size()); ++i)
            workers_.emplace_back([this] { work(); });
    }
    ~ProbePool() {
        abandon_.store(true); // the scanner left early (stop, or an error such as a full disk)
        for (auto& w : workers_)
            w.join();
    }
    ProbePool(const ProbePool&) = delete;
    ProbePool& operator=(const ProbePool&) = delete;

    /// Scanner thread: the next finished probe, or nullopt when all are done (or stop was requested).
    std::optional<Probed> next() {
        std::unique_lock lock(mutex_);
        ready_cv_.wait(lock, [&] { return !done_.empty() || finished_ == workers_.size(); });
        if (done_.empty()) return std::nullopt;
        Probed p = std::move(done_.front());
        done_.pop_front();
        return p;
    }

  private:
    void work() {
        while (!stop_.load() && !abandon_.load()) {
            std::size_t i = next_.fetch_add(1);
            if (i >= files_.size()) break;
            Probed p{&files_[i], media::probe(files_[i].path), std::nullopt};
            if (const auto* info = std::get_if<media::MediaInfo>(&p.result)) p.art = media::art_column(*info);
            add_date_taken(p);
            std::lock_guard lock(mutex_);
            done_.push_back(std::move(p));
            ready_cv_.notify_one();
        }
        std::lock_guard lock(mutex_);
        ++finished_;
        ready_cv_.notify_one();
    }

    const PendingFiles& files_;
    const std::atomic<bool>& stop_;
    std::atomic<bool> abandon_{false};
    std::atomic<std::size_t> next_{0};
    std::mutex mutex_; // guards done_ and finished_
    std::condition_variable ready_cv_;
    std::deque<Probed> done_;
    std::size_t finished_ = 0;
    std::vector<std::thread> workers_;
};

struct FileId {
    dev_t dev;
    ino_t ino;
    auto operator<=>(const FileId&) const = default;
};

class Walk {
  public:
    /// scope: the folders a partial pass walks (nullptr: every root, all the way down).
    /// before_reading: called with each folder before it is listed (may be empty).
    Walk(Writer& writer, const std::vector<fs::path>& roots, ScanSummary& summary, ScanProgress& progress,
         const std::vector<fs::path>* scope, const std::function<void(const fs::path&)>& before_reading)
        : writer_(writer), roots_(roots), summary_(summary), progress_(progress), scope_(scope),
          before_reading_(before_reading), objects_(writer.load_objects(scope)),
          skipped_(writer.load_skipped(scope)) {
        for (const auto& [path, known] : objects_) {
            const bool offline_root = std::find(roots_.begin(), roots_.end(), path) != roots_.end();
            if (known.parent_id < 0 && !offline_root) with_hidden_.insert(hidden_parent(known.parent_id));
        }
    }

    /// Walks every root (or the scope's folders); returns the files that need probing.
    PendingFiles run(const std::atomic<bool>& stop) {
        if (!scope_) {
            for (const auto& root : roots_)
                walk_root(root, stop);
        } else {
            for (const auto& dir : *scope_) {
                if (std::find(roots_.begin(), roots_.end(), dir) != roots_.end()) {
                    walk_root(dir, stop);
                    continue;
                }
                auto known = objects_.find(dir.native());
                if (known == objects_.end()) continue; // the caller passes indexed folders only
                ++summary_.folders;
                seen_.insert(known->second.id);
                walk_from(dir, known->second.id, false, stop);
            }
        }
        if (!stop.load()) keep_ids_of_moved_files();
        return std::move(pending_);
    }

    /// Notes the stamps of the folders this pass read whole; call once their files are indexed.
    void write_stamps() {
        for (const auto& [id, stamp] : stamps_)
            writer_.set_folder_stamp(id, stamp);
    }

    /// The folders whose entries this pass looked at.
    const std::vector<std::int64_t>& walked() const { return walked_; }

    /// The rows loaded at the start that this pass did not find (a full pass: any; a partial one: in the
    /// folders it walked), leaving out what is under a folder it could not read.
    std::vector<std::int64_t> unseen() const {
        std::unordered_set<std::int64_t> walked(walked_.begin(), walked_.end());
        std::vector<std::int64_t> out;
        for (const auto& [path, known] : objects_) {
            if (known.seen) continue;
            const auto parent = known.parent_id < 0 ? hidden_parent(known.parent_id) : known.parent_id;
            if (scope_ && !walked.contains(parent)) continue;
            if (!kept_.empty() && under_kept(path)) continue;
            out.push_back(known.id);
        }
        return out;
    }

  private:
    bool inside_roots(const fs::path& canonical) const {
        for (const auto& root : roots_) {
            auto rel = canonical.lexically_relative(root);
            if (!rel.empty() && *rel.begin() != "..") return true;
        }
        return false;
    }

    std::int64_t ensure_container(const fs::path& dir, std::int64_t parent_id) {
        ++summary_.folders;
        auto it = objects_.find(dir.native());
        if (it == objects_.end()) return writer_.add_container(dir, parent_id);
        if (it->second.parent_id != parent_id) // moved, back online, or back from hiding
            writer_.move(it->second.id, it->second.parent_id, parent_id);
        it->second.seen = true;
        seen_.insert(it->second.id);
        return it->second.id;
    }

    // A media folder that cannot be read, or is empty while the index holds entries under it, is most
    // likely an unmounted disk: hide it rather than empty the library, and keep its entries for its return.
    bool unavailable(const fs::path& root) {
        if (!Scanner::available(root)) return true;
        std::error_code ec;
        if (!fs::is_empty(root, ec) || ec) return static_cast<bool>(ec);
        auto known = objects_.find(root.native());
        return known != objects_.end() && writer_.has_children(known->second.id);
    }

    void walk_root(const fs::path& root, const std::atomic<bool>& stop) {
        if (unavailable(root)) {
            // Its own row leaves the root; what is under it is hidden from Search, the views and streams.
            const bool went = writer_.take_offline(root);
            writer_.hide_tree(root, db::kRootId);
            if (went) {
                log::warning("media folder ", root.string(),
                             " is unreadable, missing or empty now (unmounted?): its entries are hidden "
                             "until it is back");
            }
            keep(root); // what was indexed under it waits for its return
            return;
        }
        auto known = objects_.find(root.native());
        const bool back = known != objects_.end() && known->second.parent_id != db::kRootId;
        if (back) log::info("media folder ", root.string(), " is back");
        // A folder that was away may have changed in any way: walk all of it.
        const bool whole = !scope_ || back || known == objects_.end();
        walk_from(root, ensure_container(root, db::kRootId), whole, stop);
    }

    struct Folder {
        fs::path path;
        std::int64_t id;
        bool whole; ///< walk every subfolder too, known or not
    };

    void walk_from(const fs::path& top, std::int64_t top_id, bool whole, const std::atomic<bool>& stop) {
        std::vector<Folder> stack{{top, top_id, whole}};
        visited_.clear();
        // A link to a folder above is a loop: the folders from the media folder down to top count as
        // visited (a partial pass starts below the media folder, e.g. the start pass in a changed folder).
        for (fs::path dir = top;; dir = dir.parent_path()) {
            struct stat st {};
            if (::stat(dir.c_str(), &st) == 0) visited_.insert({st.st_dev, st.st_ino});
            if (std::find(roots_.begin(), roots_.end(), dir) != roots_.end() || dir == dir.parent_path())
                break;
        }
        while (!stack.empty() && !stop.load()) {
            auto folder = std::move(stack.back());
            stack.pop_back();
            walked_.push_back(folder.id);
            progress_.set_current(folder.path.string());
            progress_.folders = summary_.folders;
            walk_folder(folder, stack);
        }
    }

    // A folder that cannot be listed, or that is empty while the index holds entries in it (the empty
    // mount point an unmounted disk leaves), is not taken as "everything in it was deleted": its entries
    // are hidden until it is back. One that fails part way (an I/O error) keeps what was not reached.
    void walk_folder(const Folder& folder, std::vector<Folder>& stack) {
        // Stamped before the listing: a change while it is read shows as a change next time.
        struct stat st {};
        if (before_reading_) before_reading_(folder.path);
        const bool stamped = ::stat(folder.path.c_str(), &st) == 0;
        std::error_code ec;
        fs::directory_iterator it(folder.path, ec);
        if (ec) return hide(folder, "cannot be read (" + ec.message() + ")");
        covers_.try_emplace(folder.id);
        std::size_t entries = 0;
        for (fs::directory_iterator end; !ec && it != end; it.increment(ec)) {
            ++entries;
            visit(it->path(), folder, stack);
        }
        if (ec) {
            log::warning("cannot read folder ", folder.path.string(), ": ", ec.message());
            covers_.erase(folder.id);
            keep(folder.path);
            return;
        }
        if (entries == 0 && writer_.has_children(folder.id)) return hide(folder, "is empty now (unmounted?)");
        if (stamped) record_stamp(folder, folder_stamp(st, ::time(nullptr)));
    }

    // Only a stamp that differs is written (a rescan of an unchanged library writes nothing), and only once
    // the pass has indexed the files it queued (write_stamps()): a folder stamped before its new files are
    // in the index would not be read again after a kill.
    void record_stamp(const Folder& folder, std::int64_t stamp) {
        auto known = objects_.find(folder.path.native());
        const std::int64_t before =
            known != objects_.end() && known->second.container ? known->second.size : 0;
        if (stamp != before) stamps_.emplace_back(folder.id, stamp);
    }

    // Logged when it happens, not on every pass while it lasts.
    void hide(const Folder& folder, const std::string& why) {
        if (const auto hidden = writer_.hide_tree(folder.path, folder.id); hidden > 0) {
            log::warning("media folder ", folder.path.string(), " ", why, ": hiding its ", hidden,
                         " index entries until it is back");
        } else {
            log::debug("media folder ", folder.path.string(), " ", why);
        }
        keep(folder.path);
    }

    /// Keeps everything indexed under a folder through this pass (and the folder's own row).
    void keep(const fs::path& folder) {
        kept_.insert(folder.native());
        writer_.keep_skipped_under(folder);
    }

    bool under_kept(std::string path) const {
        while (true) {
            if (kept_.contains(path)) return true;
            const auto slash = path.rfind('/');
            if (slash == std::string::npos || slash == 0) return false;
            path.resize(slash);
        }
    }

    void visit(const fs::path& path, const Folder& parent, std::vector<Folder>& stack) {
        auto name = path.filename().native();
        if (name.empty() || name.front() == '.') return; // hidden files and folders stay private
        struct stat lst {};
        if (::lstat(path.c_str(), &lst) != 0) return;
        // Only a link needs a second look (at its target): one stat per entry, not two, is a third of the
        // CPU of a rescan of an unchanged library.
        struct stat st = lst;
        if (S_ISLNK(lst.st_mode) && ::stat(path.c_str(), &st) != 0) return; // dangling link
        if (S_ISLNK(lst.st_mode)) {
            std::error_code ec;
            auto target = fs::canonical(path, ec);
            if (ec || !inside_roots(target)) {
                log::debug("not following ", path.string(), ": it leads outside the media folders");
                return;
            }
        }
        if (S_ISDIR(st.st_mode)) {
            if (!visited_.insert({st.st_dev, st.st_ino}).second) return; // symlink loop or repeat
            // A partial pass leaves a known subfolder alone: its own changes come as events of their own. One
            // with hidden entries is looked at again: it may be readable again without an event of its own
            // (no inotify watch could be set on it while it was not).
            auto known = objects_.find(path.native());
            const bool descend = parent.whole || known == objects_.end() ||
                                 known->second.parent_id != parent.id ||
                                 with_hidden_.contains(known->second.id);
            const auto id = ensure_container(path, parent.id);
            if (descend) stack.push_back({path, id, true});
            return;
        }
        if (auto rank = media::cover_rank(name); rank && S_ISREG(st.st_mode)) {
            auto& best = covers_[parent.id];
            if (!best.first || *rank < *best.first) best = {rank, path.string()};
        }
        auto ext = to_lower(path.extension().native().substr(path.has_extension() ? 1 : 0));
        if (is_subtitle_extension(ext)) {
            subtitles_.push_back({path, parent.id, ext});
            return;
        }
        if (!media::kind_from_extension(ext)) {
            ++summary_.not_media;
            return;
        }
        visit_media(path, parent.id, st);
    }

    void visit_media(const fs::path& path, std::int64_t parent_id, const struct stat& st) {
        Pending f{path.native(),
                  parent_id,
                  static_cast<std::int64_t>(st.st_size),
                  static_cast<std::int64_t>(st.st_mtime),
                  {}};
        if (auto k = skipped_.find(path.native());
            k != skipped_.end() && k->second.size == f.size && k->second.mtime == f.mtime) {
            ++summary_.skipped["known bad (logged before)"];
            writer_.mark_skipped_seen(path.native());
            return;
        }
        if (!S_ISREG(st.st_mode)) return record_skip(f, "not a regular file");
        if (f.size == 0) return record_skip(f, "empty file");
        auto it = objects_.find(path.native());
        if (it != objects_.end()) {
            Known& known = it->second;
            f.existing_id = known.id;
            seen_.insert(known.id);
            if (known.size == f.size && known.mtime == f.mtime) {
                if (known.parent_id == hidden_parent(parent_id)) // its folder is back: no need to probe
                    writer_.move(known.id, known.parent_id, parent_id);
                if (known.parent_id == parent_id || known.parent_id == hidden_parent(parent_id)) {
                    ++summary_.unchanged;
                    known.seen = true;
                    return;
                }
            }
        }
        pending_.push_back(std::move(f));
    }

    void record_skip(const Pending& f, const std::string& reason) {
        log::warning("skipping ", f.path, ": ", reason);
        ++summary_.skipped[reason_group(reason)];
        writer_.put_skipped(f, reason);
    }

    // A new path whose file has the size and time of an indexed file this pass is about to remove, with the
    // same name (moved) or in the same folder with the same extension (renamed), is that file: it keeps its
    // id, so that renderers' bookmarks and playlists still work.
    void keep_ids_of_moved_files() {
        std::unordered_set<std::int64_t> in_scope(walked_.begin(), walked_.end());
        std::vector<std::pair<const std::string*, const Known*>> rows;
        for (const auto& [path, known] : objects_)
            rows.emplace_back(&path, &known);
        // Parents before children, so that a vanished folder puts its whole subtree in scope.
        std::sort(rows.begin(), rows.end(),
                  [](const auto& a, const auto& b) { return a.first->size() < b.first->size(); });
        std::multimap<std::pair<std::int64_t, std::int64_t>, std::pair<fs::path, Known>> leaving;
        for (const auto& [path, known] : rows) {
            if (!in_scope.contains(known->parent_id) || seen_.contains(known->id)) continue;
            if (known->container)
                in_scope.insert(known->id);
            else
                leaving.emplace(std::pair{known->size, known->mtime}, std::pair{fs::path(*path), *known});
        }
        for (auto& f : pending_) {
            if (f.existing_id || leaving.empty()) continue;
            const fs::path path(f.path);
            auto [first, last] = leaving.equal_range({f.size, f.mtime});
            auto match = std::find_if(
                first, last, [&](const auto& kv) { return kv.second.first.filename() == path.filename(); });
            if (match == last) {
                match = std::find_if(first, last, [&](const auto& kv) {
                    return kv.second.second.parent_id == f.parent_id &&
                           kv.second.first.extension() == path.extension();
                });
            }
            if (match == last) continue;
            const Known& old = match->second.second;
            log::debug("moved: ", match->second.first.string(), " -> ", f.path);
            writer_.relocate(old.id, path, old.parent_id, f.parent_id);
            f.existing_id = old.id;
            leaving.erase(match);
        }
    }

    Writer& writer_;
    const std::vector<fs::path>& roots_;
    ScanSummary& summary_;
    ScanProgress& progress_;
    const std::vector<fs::path>* scope_;
    const std::function<void(const fs::path&)>& before_reading_;
    std::unordered_map<std::string, Known> objects_;
    std::unordered_map<std::string, Known> skipped_;
    std::set<FileId> visited_;
    std::unordered_set<std::int64_t> seen_; ///< loaded rows this pass found again
    std::unordered_set<std::string> kept_;  ///< folders that could not be read: what is under them stays
    std::unordered_set<std::int64_t> with_hidden_; ///< loaded folders that hold hidden entries
    std::vector<std::int64_t> walked_;
    PendingFiles pending_;
    std::vector<std::pair<std::int64_t, std::int64_t>> stamps_; ///< (folder id, stamp) to write at the end

  public:
    /// Each walked folder's best cover file (rank, path), or none.
    std::unordered_map<std::int64_t, std::pair<std::optional<int>, std::optional<std::string>>> covers_;

    struct SubtitleFile {
        fs::path path;
        std::int64_t parent_id;
        std::string format;
    };
    /// The subtitle files the walk found, for linking once the videos are indexed.
    std::vector<SubtitleFile> subtitles_;
};

void record_probe(Writer& writer, const Probed& p, ScanSummary& summary) {
    if (const auto* info = std::get_if<media::MediaInfo>(&p.result)) {
        writer.put_item(*p.file, *info, p.art);
        ++(p.file->existing_id ? summary.updated : summary.added);
        return;
    }
    const auto& reason = std::get<media::ProbeError>(p.result).reason;
    log::warning("skipping ", p.file->path, ": ", reason);
    ++summary.skipped[reason_group(reason)];
    writer.put_skipped(*p.file, reason);
}

void log_progress(std::size_t done, std::size_t total, Clock::time_point start) {
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    log::info("scan: probed ", done, "/", total, " new or changed files, ",
              static_cast<long>(secs > 0 ? static_cast<double>(done) / secs : 0), " files/s");
}

} // namespace

Scanner::Scanner(fs::path db_path, std::vector<fs::path> roots, unsigned probe_threads)
    : db_path_(std::move(db_path)), roots_(std::move(roots)),
      probe_threads_(probe_threads == 0 ? 1 : probe_threads) {}

bool Scanner::available(const fs::path& root) {
    struct stat st {};
    return ::stat(root.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && ::access(root.c_str(), R_OK | X_OK) == 0;
}

ScanSummary Scanner::run(const std::atomic<bool>& stop, ScanProgress* progress) {
    return pass(Kind::full, nullptr, stop, progress, {});
}

ScanSummary Scanner::run_folders(const std::vector<fs::path>& folders, const std::atomic<bool>& stop,
                                 ScanProgress* progress) {
    return pass(Kind::folders, &folders, stop, progress, {});
}

ScanSummary Scanner::run_start(const std::atomic<bool>& stop, ScanProgress* progress,
                               const FolderHook& before_reading) {
    return pass(Kind::start, nullptr, stop, progress, before_reading);
}

namespace {

// The folders a partial pass walks: each changed folder, or its nearest indexed ancestor when it is gone
// or new (a new folder is walked whole from there); a media folder itself when the change is there. Folders
// outside the media folders are dropped.
std::vector<fs::path> scope_of(Writer& writer, const std::vector<fs::path>& roots,
                               const std::vector<fs::path>& folders) {
    std::set<fs::path> out;
    for (const auto& changed : folders) {
        fs::path dir = changed.lexically_normal();
        if (!dir.has_filename()) dir = dir.parent_path(); // "a/b/" → "a/b"
        auto root = std::find_if(roots.begin(), roots.end(), [&](const fs::path& r) {
            auto rel = dir.lexically_relative(r);
            return !rel.empty() && *rel.begin() != "..";
        });
        if (root == roots.end()) continue;
        while (dir != *root) {
            std::error_code ec;
            if (fs::is_directory(dir, ec) && writer.container_id(dir)) break;
            dir = dir.parent_path();
        }
        out.insert(dir);
    }
    return {out.begin(), out.end()};
}

// The start pass's folders to read (folders_to_read), counting those it leaves alone; nullopt: a full pass.
// before_reading sees each indexed folder first: what changes after it is called is not the pass's to find.
std::optional<std::vector<fs::path>>
start_folders(Writer& writer, const std::vector<fs::path>& roots, ScanSummary& summary,
              const std::function<void(const fs::path&)>& before_reading) {
    std::vector<IndexedFolder> folders;
    for (auto& row : writer.folders())
        folders.push_back({std::move(row.path), row.id, row.parent_id, row.stamp});
    if (before_reading) {
        for (const auto& f : folders) {
            if (under_a_root(f.path, roots)) before_reading(f.path);
        }
    }
    std::vector<std::int64_t> hidden_parents;
    for (const auto& [path, parent] : writer.hidden_rows()) {
        if (std::find(roots.begin(), roots.end(), path) == roots.end()) hidden_parents.push_back(parent);
    }
    const auto now = ::time(nullptr);
    auto to_read = folders_to_read(folders, hidden_parents, roots, [now](const fs::path& dir) {
        struct stat st {};
        return ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) ? folder_stamp(st, now) : 0;
    });
    if (to_read) {
        const auto shown =
            std::count_if(folders.begin(), folders.end(), [](auto& f) { return f.parent_id >= 0; });
        summary.folders_not_read =
            std::max<std::int64_t>(0, shown - static_cast<std::int64_t>(to_read->size()));
    }
    return to_read;
}

} // namespace

ScanSummary Scanner::pass(Kind kind, const std::vector<fs::path>* folders, const std::atomic<bool>& stop,
                          ScanProgress* progress, const FolderHook& before_reading) {
    const auto start = Clock::now();
    ScanProgress unused;
    ScanProgress& p = progress ? *progress : unused;
    p.phase = ScanProgress::walking;
    p.probed = 0;
    p.to_probe = 0;
    ScanSummary summary;
    try {
        index(kind, folders, stop, p, summary, start, before_reading);
    } catch (const db::DiskFull& e) {
        // What was committed before stays; the open batch is rolled back. Serving goes on from the index as
        // it is, and a pass after space returns picks up the rest. The caller says so, once.
        summary.out_of_space = true;
        summary.changed_containers.clear();
        log::debug("scan stopped: ", e.what());
    }
    summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    p.seconds = summary.seconds;
    p.phase = ScanProgress::finished;
    return summary;
}

namespace {

// Probing is over: the list of files to probe goes, and so does what glibc keeps of the probe threads'
// memory. They have exited, but each allocated from an arena of its own that keeps its freed pages (libav's
// buffers and a big file's packet index: ~7 MB at 20,000 files); the views rebuild in finish() would come on
// top.
void release_probe_memory(PendingFiles& pending) {
    pending = PendingFiles();
    ::malloc_trim(0);
}

} // namespace

void Scanner::index(Kind kind, const std::vector<fs::path>* folders, const std::atomic<bool>& stop,
                    ScanProgress& p, ScanSummary& summary, std::chrono::steady_clock::time_point start,
                    const FolderHook& before_reading) {
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
    Writer writer(db_path_);
    std::vector<fs::path> changed;
    if (kind == Kind::start) {
        if (auto to_read = start_folders(writer, roots_, summary, before_reading)) {
            changed = std::move(*to_read);
            folders = &changed;
        }
    }
    std::vector<fs::path> scope;
    if (folders) scope = scope_of(writer, roots_, *folders);
    Walk walk(writer, roots_, summary, p, folders ? &scope : nullptr, before_reading);
    auto pending = walk.run(stop);
    writer.flush();
    if (!folders) {
        log::info("scan: ", summary.folders, " folders, ", summary.unchanged, " unchanged files, ",
                  pending.size(), " to probe");
    } else if (kind == Kind::start) {
        log::info("scan: ", changed.size(), " folders changed since the index was last brought up to date, ",
                  summary.folders_not_read, " unchanged (not read), ", pending.size(), " files to probe");
    }
    p.folders = summary.folders;
    p.to_probe = static_cast<std::int64_t>(pending.size());
    p.phase = ScanProgress::probing;
    {
        ProbePool pool(pending, probe_threads_, stop);
        auto last_report = Clock::now();
        std::size_t done = 0;
        while (auto probed = pool.next()) {
            ++done;
            record_probe(writer, *probed, summary);
            p.probed = static_cast<std::int64_t>(done);
            const auto& path = probed->file->path;
            p.set_current(std::string(path.substr(0, path.rfind('/'))));
            p.seconds = elapsed();
            if (Clock::now() - last_report > std::chrono::seconds(2)) {
                log_progress(done, pending.size(), start);
                last_report = Clock::now();
            }
        }
    }
    if (stop.load()) {
        writer.flush(); // keep what was done; the next scan picks up the rest
        return;
    }
    release_probe_memory(pending);
    const auto* walked = folders ? &walk.walked() : nullptr;
    writer.link_subtitles(walk.subtitles_, walked);
    std::vector<std::pair<std::int64_t, std::optional<std::string>>> covers;
    for (const auto& [folder, best] : walk.covers_)
        covers.emplace_back(folder, best.second);
    writer.set_folder_covers(covers);
    walk.write_stamps(); // in finish()'s transaction: committed with the removals, or not at all
    summary.removed = writer.finish(walked, walk.unseen());
    summary.system_update_id = writer.system_update_id();
    summary.changed_containers = writer.changed_containers();
    summary.files_in_index = writer.files_in_index();
}

} // namespace hearth::library
