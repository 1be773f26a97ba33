#include "hearth/library/watcher.hpp"

#include "hearth/media/thumbnail_cache.hpp"
#include "hearth/util/log.hpp"

#include <cerrno>
#include <cstring>
#include <sys/inotify.h>
#include <sys/stat.h>

namespace fs = std::filesystem;

namespace hearth::library {
namespace {

// IN_MODIFY and IN_CLOSE_WRITE tell a copy in progress from a finished one; IN_ATTRIB catches the times
// that cp -p and rsync set after closing the file.
constexpr std::uint32_t kMask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY |
                                IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR |
                                IN_DONT_FOLLOW | IN_EXCL_UNLINK;

FolderEvent::Kind kind_of(std::uint32_t mask) {
    const bool dir = (mask & IN_ISDIR) != 0;
    // A folder whose permissions changed may be readable now: watched and looked at like a new one.
    if (dir && (mask & (IN_CREATE | IN_MOVED_TO | IN_ATTRIB))) return FolderEvent::folder_added;
    if (dir && (mask & (IN_DELETE | IN_MOVED_FROM))) return FolderEvent::folder_gone;
    if (mask & IN_CLOSE_WRITE) return FolderEvent::closed;
    if (mask & (IN_CREATE | IN_MODIFY)) return FolderEvent::writing;
    return FolderEvent::changed;
}

} // namespace

Watcher::Watcher(std::size_t limit) : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)), limit_(limit) {
    if (!fd_.ok()) {
        log::warning("inotify is not available (", std::strerror(errno),
                     "): changes are found by periodic rescans only");
        complete_ = false;
    }
}

bool Watcher::add(const fs::path& dir, bool rename, int* error) {
    if (!fd_.ok()) return false;
    if (paths_.size() >= limit_) {
        complete_ = false;
        return false;
    }
    int wd = ::inotify_add_watch(fd_.get(), dir.c_str(), kMask);
    if (wd < 0) {
        if (error) *error = errno;
        if (errno == ENOSPC) complete_ = false; // the user's max_user_watches is reached
        if (errno != ENOENT && errno != ENOTDIR && errno != EACCES) complete_ = false;
        return errno == ENOENT || errno == ENOTDIR || errno == EACCES; // gone or unreadable: nothing to watch
    }
    // The same folder again gives the same descriptor: the path is updated (a folder moved), or not (the
    // same folder reached through a link: it keeps the path it was first watched under).
    if (rename)
        paths_[wd] = dir;
    else
        paths_.try_emplace(wd, dir);
    return true;
}

bool Watcher::watch_folder(const fs::path& dir, const std::vector<fs::path>& roots) {
    int error = 0;
    if (!add(dir, false, &error)) return false;
    struct stat st {};
    if (error == ENOTDIR && ::lstat(dir.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
        // A link is not watched through (IN_DONT_FOLLOW), as watch_tree() has it: the folder it leads to
        // is, under its own path, if the scanner would follow it (media/paths: inside a media folder).
        std::error_code ec;
        auto target = fs::canonical(dir, ec);
        return ec || !media::is_inside_any(target, roots) || watch_tree(target);
    }
    return true;
}

bool Watcher::watch_tree(const fs::path& dir) {
    if (!add(dir)) return false;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().native();
        std::error_code type_ec;
        if (!it->is_directory(type_ec) || it->is_symlink(type_ec)) {
            if (it->is_symlink(type_ec)) it.disable_recursion_pending();
            continue;
        }
        if (!name.empty() && name.front() == '.') {
            it.disable_recursion_pending(); // hidden folders are not shared
            continue;
        }
        if (!add(it->path())) return false;
    }
    return true;
}

void Watcher::forget_tree(const fs::path& dir) {
    const auto prefix = dir.native() + "/";
    for (auto it = paths_.begin(); it != paths_.end();) {
        if (it->second == dir || it->second.native().starts_with(prefix)) {
            ::inotify_rm_watch(fd_.get(), it->first);
            it = paths_.erase(it);
        } else {
            ++it;
        }
    }
}

std::vector<FolderEvent> Watcher::read() {
    std::vector<FolderEvent> out;
    alignas(inotify_event) char buffer[16384];
    while (fd_.ok()) {
        ssize_t n = ::read(fd_.get(), buffer, sizeof buffer);
        if (n <= 0) break;
        for (ssize_t at = 0; at < n;) {
            const auto* e = reinterpret_cast<const inotify_event*>(buffer + at);
            at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
            if (e->mask & IN_Q_OVERFLOW) {
                out.push_back({FolderEvent::overflow, {}, {}});
                continue;
            }
            auto where = paths_.find(e->wd);
            if (where == paths_.end()) continue;
            if (e->mask & IN_IGNORED) { // the folder was deleted or its file system unmounted
                paths_.erase(where);
                continue;
            }
            if (e->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) {
                out.push_back({FolderEvent::self_gone, where->second, {}});
                continue;
            }
            std::string name = e->len > 0 ? std::string(e->name) : std::string();
            if (name.empty() && (e->mask & IN_ATTRIB)) { // the folder itself, made unreadable or readable
                out.push_back({FolderEvent::changed, where->second, {}});
                continue;
            }
            if (name.empty() || name.front() == '.') continue; // hidden entries are not shared
            out.push_back({kind_of(e->mask), where->second, std::move(name)});
        }
    }
    return out;
}

} // namespace hearth::library
