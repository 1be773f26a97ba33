#include "library/walk.hpp"

#include "hearth/db/objects.hpp"
#include "hearth/library/subtitles.hpp"
#include "hearth/media/art.hpp"
#include "hearth/media/probe.hpp"
#include "hearth/util/log.hpp"
#include "hearth/util/strings.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <unistd.h>

namespace fs = std::filesystem;

namespace hearth::library {

Walk::Walk(IndexWriter& writer, const std::vector<fs::path>& roots, ScanSummary& summary,
           ScanProgress& progress, const std::vector<fs::path>* scope,
           const std::function<void(const fs::path&)>& before_reading)
    : writer_(writer), roots_(roots), summary_(summary), progress_(progress), scope_(scope),
      before_reading_(before_reading), objects_(writer.load_objects(scope)),
      skipped_(writer.load_skipped(scope)) {
    for (const auto& [path, known] : objects_) {
        const bool offline_root = std::find(roots_.begin(), roots_.end(), path) != roots_.end();
        if (known.parent_id < 0 && !offline_root) with_hidden_.insert(hidden_parent(known.parent_id));
    }
}

PendingFiles Walk::run(const std::atomic<bool>& stop) {
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

void Walk::write_stamps() {
    for (const auto& [id, stamp] : stamps_)
        writer_.set_folder_stamp(id, stamp);
}

std::vector<std::int64_t> Walk::unseen() const {
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

bool Walk::inside_roots(const fs::path& canonical) const {
    for (const auto& root : roots_) {
        auto rel = canonical.lexically_relative(root);
        if (!rel.empty() && *rel.begin() != "..") return true;
    }
    return false;
}

std::int64_t Walk::ensure_container(const fs::path& dir, std::int64_t parent_id) {
    ++summary_.folders;
    auto it = objects_.find(dir.native());
    if (it == objects_.end()) return writer_.add_container(dir, parent_id);
    if (it->second.parent_id != parent_id) // moved, back online, or back from hiding
        writer_.move(it->second.id, it->second.parent_id, parent_id);
    it->second.seen = true;
    seen_.insert(it->second.id);
    return it->second.id;
}

bool Walk::unavailable(const fs::path& root) {
    if (!Scanner::available(root)) return true;
    std::error_code ec;
    if (!fs::is_empty(root, ec) || ec) return static_cast<bool>(ec);
    auto known = objects_.find(root.native());
    return known != objects_.end() && writer_.has_children(known->second.id);
}

void Walk::walk_root(const fs::path& root, const std::atomic<bool>& stop) {
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

void Walk::walk_from(const fs::path& top, std::int64_t top_id, bool whole, const std::atomic<bool>& stop) {
    std::vector<Folder> stack{{top, top_id, whole}};
    visited_.clear();
    // A link to a folder above is a loop: the folders from the media folder down to top count as
    // visited (a partial pass starts below the media folder, e.g. the start pass in a changed folder).
    for (fs::path dir = top;; dir = dir.parent_path()) {
        struct stat st {};
        if (::stat(dir.c_str(), &st) == 0) visited_.insert({st.st_dev, st.st_ino});
        if (std::find(roots_.begin(), roots_.end(), dir) != roots_.end() || dir == dir.parent_path()) break;
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

void Walk::walk_folder(const Folder& folder, std::vector<Folder>& stack) {
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

void Walk::record_stamp(const Folder& folder, std::int64_t stamp) {
    auto known = objects_.find(folder.path.native());
    const std::int64_t before = known != objects_.end() && known->second.container ? known->second.size : 0;
    if (stamp != before) stamps_.emplace_back(folder.id, stamp);
}

void Walk::hide(const Folder& folder, const std::string& why) {
    if (const auto hidden = writer_.hide_tree(folder.path, folder.id); hidden > 0) {
        log::warning("media folder ", folder.path.string(), " ", why, ": hiding its ", hidden,
                     " index entries until it is back");
    } else {
        log::debug("media folder ", folder.path.string(), " ", why);
    }
    keep(folder.path);
}

void Walk::keep(const fs::path& folder) {
    kept_.insert(folder.native());
    writer_.keep_skipped_under(folder);
}

bool Walk::under_kept(std::string path) const {
    while (true) {
        if (kept_.contains(path)) return true;
        const auto slash = path.rfind('/');
        if (slash == std::string::npos || slash == 0) return false;
        path.resize(slash);
    }
}

void Walk::visit(const fs::path& path, const Folder& parent, std::vector<Folder>& stack) {
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
                             known->second.parent_id != parent.id || with_hidden_.contains(known->second.id);
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

void Walk::visit_media(const fs::path& path, std::int64_t parent_id, const struct stat& st) {
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

void Walk::record_skip(const Pending& f, const std::string& reason) {
    log::warning("skipping ", f.path, ": ", reason);
    ++summary_.skipped[reason_group(reason)];
    writer_.put_skipped(f, reason);
}

void Walk::keep_ids_of_moved_files() {
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

} // namespace hearth::library
