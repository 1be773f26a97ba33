#include "hearth/library/scanner.hpp"

#include "hearth/db/objects.hpp"
#include "hearth/db/sqlite.hpp"
#include "hearth/util/log.hpp"
#include "library/index_writer.hpp"
#include "library/pending.hpp"
#include "library/probe_pool.hpp"
#include "library/walk.hpp"

#include <algorithm>
#include <cstdio>
#include <malloc.h>
#include <optional>
#include <set>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

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

void record_probe(IndexWriter& writer, const Probed& p, ScanSummary& summary) {
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
std::vector<fs::path> scope_of(IndexWriter& writer, const std::vector<fs::path>& roots,
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
start_folders(IndexWriter& writer, const std::vector<fs::path>& roots, ScanSummary& summary,
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
    IndexWriter writer(db_path_);
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
    writer.link_subtitles(walk.subtitles(), walked);
    std::vector<std::pair<std::int64_t, std::optional<std::string>>> covers;
    for (const auto& [folder, best] : walk.covers())
        covers.emplace_back(folder, best.second);
    writer.set_folder_covers(covers);
    walk.write_stamps(); // in finish()'s transaction: committed with the removals, or not at all
    summary.removed = writer.finish(walked, walk.unseen());
    summary.system_update_id = writer.system_update_id();
    summary.changed_containers = writer.changed_containers();
    summary.files_in_index = writer.files_in_index();
}

} // namespace hearth::library
