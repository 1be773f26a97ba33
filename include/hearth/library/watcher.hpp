#pragma once
// inotify watches on every folder under the media folders (one watch per folder), turned into what the
// settler needs: which folder, which entry, what happened. Used by the live loop's thread only.
#include "hearth/util/fd.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace hearth::library {

struct FolderEvent {
    enum Kind {
        changed,      ///< an entry was created, removed, renamed or had its attributes changed
        writing,      ///< a file was created or written to
        closed,       ///< a file written to was closed
        folder_added, ///< a folder was created, moved in or had its permissions changed: watch it, walk it
        folder_gone,  ///< a folder was removed or moved away
        self_gone,    ///< the watched folder itself went (a media folder unmounted, moved or deleted)
        overflow,     ///< the kernel dropped events: only a full rescan is sure to catch up
    };
    Kind kind;
    std::filesystem::path folder; ///< the folder the entry is in (or that went, for self_gone)
    std::string name;             ///< the entry's name; empty for the folder itself, and for overflow
};

class Watcher {
  public:
    /// limit: the most watches to use (the kernel's fs.inotify.max_user_watches applies too).
    explicit Watcher(std::size_t limit);

    /// inotify could be set up at all.
    bool ok() const { return fd_.ok(); }
    int fd() const { return fd_.get(); }
    /// Every folder handed to watch_tree() so far got its watch (false once a limit was reached).
    bool complete() const { return complete_; }
    std::size_t watches() const { return paths_.size(); }

    /// Watches dir and every folder under it (not hidden ones, not through links). False when a limit
    /// stopped it; what could be watched still is.
    bool watch_tree(const std::filesystem::path& dir);
    /// Watches dir alone (its subfolders are not looked for: the caller knows them). A folder watched
    /// already keeps the path it was first watched under. A link to a folder inside `roots`: the folder it
    /// leads to and those under it are watched as watch_tree() would; a link that leads elsewhere now (it
    /// was changed while Hearth was stopped) is not followed. False when a limit stopped it.
    bool watch_folder(const std::filesystem::path& dir, const std::vector<std::filesystem::path>& roots);
    /// Drops the watches on dir and under it (a folder moved away).
    void forget_tree(const std::filesystem::path& dir);
    /// The events waiting now (does not block).
    std::vector<FolderEvent> read();

  private:
    /// rename: a folder watched already takes this path. error: set to inotify's errno when it failed.
    bool add(const std::filesystem::path& dir, bool rename = true, int* error = nullptr);

    Fd fd_;
    std::size_t limit_;
    bool complete_ = true;
    std::map<int, std::filesystem::path> paths_; // by watch descriptor
};

} // namespace hearth::library
