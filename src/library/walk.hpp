#pragma once
// The walk of a scan: lists the media folders (or a partial pass's folders), adds and moves folders through
// the index writer, and queues the files to probe. It holds the rules for what cannot be read: a media
// folder missing, unreadable or suddenly empty goes offline, a folder inside one is hidden, each row keeping
// its id for when it is back (README.md); a file moved or renamed keeps its id. Private to the scanner
// (scanner.cpp), here for the unit tests.
// Threads: the scanning thread only.
#include "hearth/library/scanner.hpp"
#include "library/index_writer.hpp"
#include "library/pending.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <sys/stat.h>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace hearth::library {

/// A folder as the file system knows it: a second visit is a symlink loop or a repeat.
struct FileId {
    dev_t dev;
    ino_t ino;
    auto operator<=>(const FileId&) const = default;
};

class Walk {
  public:
    /// scope: the folders a partial pass walks (nullptr: every root, all the way down).
    /// before_reading: called with each folder before it is listed (may be empty).
    /// Loads what the index holds in the scope from the writer; keeps a reference to each argument.
    Walk(IndexWriter& writer, const std::vector<std::filesystem::path>& roots, ScanSummary& summary,
         ScanProgress& progress, const std::vector<std::filesystem::path>* scope,
         const std::function<void(const std::filesystem::path&)>& before_reading);

    /// Walks every root (or the scope's folders); returns the files that need probing.
    PendingFiles run(const std::atomic<bool>& stop);

    /// Notes the stamps of the folders this pass read whole; call once their files are indexed.
    void write_stamps();

    /// The folders whose entries this pass looked at.
    const std::vector<std::int64_t>& walked() const { return walked_; }

    /// The rows loaded at the start that this pass did not find (a full pass: any; a partial one: in the
    /// folders it walked), leaving out what is under a folder it could not read.
    std::vector<std::int64_t> unseen() const;

    /// Each walked folder's best cover file (rank, path), or none.
    using Covers =
        std::unordered_map<std::int64_t, std::pair<std::optional<int>, std::optional<std::string>>>;
    const Covers& covers() const { return covers_; }

    /// The subtitle files the walk found, for linking once the videos are indexed.
    const std::vector<SubtitleFile>& subtitles() const { return subtitles_; }

  private:
    bool inside_roots(const std::filesystem::path& canonical) const;

    std::int64_t ensure_container(const std::filesystem::path& dir, std::int64_t parent_id);

    // A media folder that cannot be read, or is empty while the index holds entries under it, is most
    // likely an unmounted disk: hide it rather than empty the library, and keep its entries for its return.
    bool unavailable(const std::filesystem::path& root);

    void walk_root(const std::filesystem::path& root, const std::atomic<bool>& stop);

    struct Folder {
        std::filesystem::path path;
        std::int64_t id;
        bool whole; ///< walk every subfolder too, known or not
    };

    void walk_from(const std::filesystem::path& top, std::int64_t top_id, bool whole,
                   const std::atomic<bool>& stop);

    // A folder that cannot be listed, or that is empty while the index holds entries in it (the empty
    // mount point an unmounted disk leaves), is not taken as "everything in it was deleted": its entries
    // are hidden until it is back. One that fails part way (an I/O error) keeps what was not reached.
    void walk_folder(const Folder& folder, std::vector<Folder>& stack);

    // Only a stamp that differs is written (a rescan of an unchanged library writes nothing), and only once
    // the pass has indexed the files it queued (write_stamps()): a folder stamped before its new files are
    // in the index would not be read again after a kill.
    void record_stamp(const Folder& folder, std::int64_t stamp);

    // Logged when it happens, not on every pass while it lasts.
    void hide(const Folder& folder, const std::string& why);

    /// Keeps everything indexed under a folder through this pass (and the folder's own row).
    void keep(const std::filesystem::path& folder);

    bool under_kept(std::string path) const;

    void visit(const std::filesystem::path& path, const Folder& parent, std::vector<Folder>& stack);

    void visit_media(const std::filesystem::path& path, std::int64_t parent_id, const struct stat& st);

    void record_skip(const Pending& f, const std::string& reason);

    // A new path whose file has the size and time of an indexed file this pass is about to remove, with the
    // same name (moved) or in the same folder with the same extension (renamed), is that file: it keeps its
    // id, so that renderers' bookmarks and playlists still work.
    void keep_ids_of_moved_files();

    IndexWriter& writer_;
    const std::vector<std::filesystem::path>& roots_;
    ScanSummary& summary_;
    ScanProgress& progress_;
    const std::vector<std::filesystem::path>* scope_;
    const std::function<void(const std::filesystem::path&)>& before_reading_;
    std::unordered_map<std::string, Known> objects_;
    std::unordered_map<std::string, Known> skipped_;
    std::set<FileId> visited_;
    std::unordered_set<std::int64_t> seen_; ///< loaded rows this pass found again
    std::unordered_set<std::string> kept_;  ///< folders that could not be read: what is under them stays
    std::unordered_set<std::int64_t> with_hidden_; ///< loaded folders that hold hidden entries
    std::vector<std::int64_t> walked_;
    PendingFiles pending_;
    std::vector<std::pair<std::int64_t, std::int64_t>> stamps_; ///< (folder id, stamp) to write at the end

    Covers covers_;
    std::vector<SubtitleFile> subtitles_;
};

} // namespace hearth::library
