#include "hearth/library/scanner.hpp"

#include "hearth/db/migrations.hpp"
#include "hearth/db/objects.hpp"
#include "hearth/db/sqlite.hpp"
#include "hearth/library/subtitles.hpp"
#include "hearth/library/views.hpp"
#include "hearth/media/exif.hpp"
#include "hearth/media/probe.hpp"
#include "hearth/util/log.hpp"
#include "hearth/util/strings.hpp"

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <sys/stat.h>
#include <thread>
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
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.2f", seconds);
    return out + ", in " + secs + " s";
}

std::string reason_group(const std::string& reason) {
    return reason.substr(0, reason.find(':'));
}

namespace {

struct Known {
    std::int64_t id;
    std::int64_t parent_id;
    std::int64_t size;
    std::int64_t mtime;
};

struct Pending {
    fs::path path;
    std::int64_t parent_id;
    std::int64_t size;
    std::int64_t mtime;
    std::optional<std::int64_t> existing_id;
};

struct Probed {
    const Pending* file;
    std::variant<media::MediaInfo, media::ProbeError> result;
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
        generation_ = setting("scan_generation") + 1;
        tx_.emplace(db_);
    }

    std::int64_t generation() const { return generation_; }

    std::unordered_map<std::string, Known> load_objects() {
        std::unordered_map<std::string, Known> out;
        auto s =
            db_.prepare("SELECT path, id, parent_id, COALESCE(size, -1), COALESCE(mtime, -1) FROM objects");
        while (s.step())
            out.emplace(s.text(0), Known{s.int64(1), s.int64(2), s.int64(3), s.int64(4)});
        return out;
    }

    std::unordered_map<std::string, Known> load_skipped() {
        std::unordered_map<std::string, Known> out;
        auto s = db_.prepare("SELECT path, size, mtime FROM skipped");
        while (s.step())
            out.emplace(s.text(0), Known{0, 0, s.int64(1), s.int64(2)});
        return out;
    }

    std::int64_t add_container(const fs::path& path, std::int64_t parent_id) {
        insert_container_.bind(1, parent_id)
            .bind(2, std::string_view(path.native()))
            .bind(3, title_for(path));
        insert_container_.bind(4, generation_).exec();
        dirty_ = true;
        tick();
        return db_.last_insert_id();
    }

    void move_container(std::int64_t id, std::int64_t parent_id) {
        move_container_.bind(1, parent_id).bind(2, generation_).bind(3, id).exec();
        dirty_ = true;
        tick();
    }

    void mark_seen(std::int64_t id) {
        mark_seen_.bind(1, generation_).bind(2, id).exec();
        tick();
    }

    void mark_skipped_seen(const std::string& path) {
        mark_skipped_seen_.bind(1, generation_).bind(2, std::string_view(path)).exec();
        tick();
    }

    void mark_tree_seen(const fs::path& root) {
        auto s = db_.prepare("UPDATE objects SET seen = ? WHERE path = ? OR substr(path, 1, ?) = ?");
        std::string prefix = root.native() + "/";
        s.bind(1, generation_).bind(2, std::string_view(root.native()));
        s.bind(3, static_cast<std::int64_t>(prefix.size())).bind(4, std::string_view(prefix)).exec();
        auto k = db_.prepare("UPDATE skipped SET seen = ? WHERE substr(path, 1, ?) = ?");
        k.bind(1, generation_)
            .bind(2, static_cast<std::int64_t>(prefix.size()))
            .bind(3, std::string_view(prefix))
            .exec();
    }

    void put_item(const Pending& f, const media::MediaInfo& info);

    /// Links each subtitle file to the video beside it with the same stem; stale links go in finish().
    template <typename Files> void link_subtitles(const Files& files) {
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
        db_.prepare("DELETE FROM subtitles WHERE seen < ?").bind(1, generation_).exec();
        dirty_ = dirty_ || db_.changes() > 0;
    }

    void put_skipped(const Pending& f, const std::string& reason) {
        put_skipped_.bind(1, std::string_view(f.path.native())).bind(2, f.size).bind(3, f.mtime);
        put_skipped_.bind(4, std::string_view(reason)).bind(5, generation_).exec();
        tick();
    }

    /// Removes what this pass did not see, recounts children, bumps SystemUpdateID when anything changed.
    std::int64_t finish() {
        auto removed_stmt = db_.prepare("DELETE FROM objects WHERE seen < ?");
        removed_stmt.bind(1, generation_).exec();
        std::int64_t removed = db_.changes();
        db_.prepare("DELETE FROM skipped WHERE seen < ?").bind(1, generation_).exec();
        db_.exec("UPDATE objects SET child_count = (SELECT COUNT(*) FROM objects c WHERE c.parent_id = "
                 "objects.id) "
                 "WHERE is_container = 1");
        if (dirty_ || removed > 0 || has_unplaced()) {
            // Keep each object's place in the default order, for index-backed paging (0004_positions.sql).
            db::place_objects(db_);
        }
        // The views (library/views.hpp) follow every change; an index from an older Hearth gets them once.
        const bool views_changed = dirty_ || removed > 0 || !views_current(db_);
        if (views_changed) rebuild_views(db_);
        set_setting("scan_generation", generation_);
        if (views_changed) set_setting("system_update_id", setting("system_update_id") + 1);
        tx_->commit();
        tx_.reset();
        // Rebuilt views leave tens of MB in the WAL, which readers look up page by page (their memory map
        // covers only the database file): copy it back now, without waiting for readers.
        if (views_changed) db_.exec("PRAGMA wal_checkpoint(PASSIVE)");
        db_.exec("PRAGMA optimize");
        return removed;
    }

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
    void tick() {
        if (++ops_ >= 2000 || Clock::now() - last_commit_ > std::chrono::seconds(1)) flush();
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
    bool dirty_ = false; // anything added, moved or re-probed in this pass
    Clock::time_point last_commit_ = Clock::now();
    db::Statement insert_container_ =
        db_.prepare("INSERT INTO objects(parent_id, is_container, path, title, upnp_class, seen) "
                    "VALUES(?, 1, ?, ?, 'object.container.storageFolder', ?)");
    db::Statement move_container_ = db_.prepare("UPDATE objects SET parent_id = ?, seen = ? WHERE id = ?");
    db::Statement mark_seen_ = db_.prepare("UPDATE objects SET seen = ? WHERE id = ?");
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
        "video_level, audio_bitrate, added_at) "
        "VALUES(?1, 0, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
        "?20, ?21, "
        "?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, unixepoch()) ON CONFLICT(path) DO UPDATE SET parent_id "
        "= "
        "excluded.parent_id, "
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
        "video_level = excluded.video_level, audio_bitrate = excluded.audio_bitrate");
};

void Writer::put_item(const Pending& f, const media::MediaInfo& info) {
    auto format = media::dlna_format(info);
    auto& s = upsert_item_;
    s.bind(1, f.parent_id).bind(2, std::string_view(f.path.native()));
    s.bind(3, info.title ? *info.title : title_for(f.path.stem()));
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
    s.exec();
    dirty_ = true;
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
    ProbePool(const std::vector<Pending>& files, unsigned threads, const std::atomic<bool>& stop)
        : files_(files), stop_(stop) {
        for (unsigned i = 0; i < threads; ++i)
            workers_.emplace_back([this] { work(); });
    }
    ~ProbePool() {
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
        while (!stop_.load()) {
            std::size_t i = next_.fetch_add(1);
            if (i >= files_.size()) break;
            Probed p{&files_[i], media::probe(files_[i].path)};
            add_date_taken(p);
            std::lock_guard lock(mutex_);
            done_.push_back(std::move(p));
            ready_cv_.notify_one();
        }
        std::lock_guard lock(mutex_);
        ++finished_;
        ready_cv_.notify_one();
    }

    const std::vector<Pending>& files_;
    const std::atomic<bool>& stop_;
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
    Walk(Writer& writer, const std::vector<fs::path>& roots, ScanSummary& summary, ScanProgress& progress)
        : writer_(writer), roots_(roots), summary_(summary), progress_(progress),
          objects_(writer.load_objects()), skipped_(writer.load_skipped()) {}

    /// Walks every root; returns the files that need probing.
    std::vector<Pending> run(const std::atomic<bool>& stop) {
        for (const auto& root : roots_) {
            struct stat st {};
            if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
                // An unmounted disk must not empty the library: keep what was indexed under it.
                log::warning("media folder ", root.string(),
                             " is not readable now; keeping its index entries");
                writer_.mark_tree_seen(root);
                continue;
            }
            walk_root(root, stop);
        }
        return std::move(pending_);
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
        if (it->second.parent_id != parent_id)
            writer_.move_container(it->second.id, parent_id);
        else
            writer_.mark_seen(it->second.id);
        return it->second.id;
    }

    void walk_root(const fs::path& root, const std::atomic<bool>& stop) {
        std::vector<std::pair<fs::path, std::int64_t>> stack{{root, ensure_container(root, 0)}};
        visited_.clear();
        struct stat st {};
        if (::stat(root.c_str(), &st) == 0) visited_.insert({st.st_dev, st.st_ino});
        while (!stack.empty() && !stop.load()) {
            auto [dir, id] = std::move(stack.back());
            stack.pop_back();
            progress_.set_current(dir.string());
            progress_.folders = summary_.folders;
            std::error_code ec;
            for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
                visit(it->path(), id, stack);
            }
            if (ec) log::warning("cannot read folder ", dir.string(), ": ", ec.message());
        }
    }

    void visit(const fs::path& path, std::int64_t parent_id,
               std::vector<std::pair<fs::path, std::int64_t>>& stack) {
        auto name = path.filename().native();
        if (name.empty() || name.front() == '.') return; // hidden files and folders stay private
        struct stat lst {};
        struct stat st {};
        if (::lstat(path.c_str(), &lst) != 0 || ::stat(path.c_str(), &st) != 0) return; // dangling link
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
            stack.emplace_back(path, ensure_container(path, parent_id));
            return;
        }
        auto ext = to_lower(path.extension().native().substr(path.has_extension() ? 1 : 0));
        if (is_subtitle_extension(ext)) {
            subtitles_.push_back({path, parent_id, ext});
            return;
        }
        if (!media::kind_from_extension(ext)) {
            ++summary_.not_media;
            return;
        }
        visit_media(path, parent_id, st);
    }

    void visit_media(const fs::path& path, std::int64_t parent_id, const struct stat& st) {
        Pending f{path,
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
            f.existing_id = it->second.id;
            if (it->second.size == f.size && it->second.mtime == f.mtime &&
                it->second.parent_id == parent_id) {
                ++summary_.unchanged;
                writer_.mark_seen(it->second.id);
                return;
            }
        }
        pending_.push_back(std::move(f));
    }

    void record_skip(const Pending& f, const std::string& reason) {
        log::warning("skipping ", f.path.string(), ": ", reason);
        ++summary_.skipped[reason_group(reason)];
        writer_.put_skipped(f, reason);
    }

    Writer& writer_;
    const std::vector<fs::path>& roots_;
    ScanSummary& summary_;
    ScanProgress& progress_;
    std::unordered_map<std::string, Known> objects_;
    std::unordered_map<std::string, Known> skipped_;
    std::set<FileId> visited_;
    std::vector<Pending> pending_;

  public:
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
        writer.put_item(*p.file, *info);
        ++(p.file->existing_id ? summary.updated : summary.added);
        return;
    }
    const auto& reason = std::get<media::ProbeError>(p.result).reason;
    log::warning("skipping ", p.file->path.string(), ": ", reason);
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

ScanSummary Scanner::run(const std::atomic<bool>& stop, ScanProgress* progress) {
    const auto start = Clock::now();
    ScanProgress unused;
    ScanProgress& p = progress ? *progress : unused;
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
    p.phase = ScanProgress::walking;
    p.probed = 0;
    p.to_probe = 0;
    ScanSummary summary;
    Writer writer(db_path_);
    Walk walk(writer, roots_, summary, p);
    auto pending = walk.run(stop);
    writer.flush();
    log::info("scan: ", summary.folders, " folders, ", summary.unchanged, " unchanged files, ",
              pending.size(), " to probe");
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
            p.set_current(probed->file->path.parent_path().string());
            p.seconds = elapsed();
            if (Clock::now() - last_report > std::chrono::seconds(2)) {
                log_progress(done, pending.size(), start);
                last_report = Clock::now();
            }
        }
    }
    if (stop.load()) {
        writer.flush(); // keep what was done; the next scan picks up the rest
    } else {
        writer.link_subtitles(walk.subtitles_);
        summary.removed = writer.finish();
    }
    summary.seconds = elapsed();
    p.seconds = summary.seconds;
    p.phase = ScanProgress::finished;
    return summary;
}

} // namespace hearth::library
