#include "library/index_writer.hpp"

#include "hearth/db/migrations.hpp"
#include "hearth/db/objects.hpp"
#include "hearth/library/subtitles.hpp"
#include "hearth/library/views.hpp"
#include "hearth/util/strings.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace hearth::library {

namespace {

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

std::string title_for(const fs::path& path) {
    auto name = path.filename().string();
    if (name.empty()) name = path.string();
    return sanitize_utf8(name);
}

} // namespace

MigratedDatabase::MigratedDatabase(const fs::path& path)
    : db::Database(path, db::OpenMode::read_write_create) {
    db::configure_writer(*this);
}

IndexWriter::IndexWriter(const fs::path& db_path)
    : db_(db_path), insert_container_(db_.prepare(
                        "INSERT INTO objects(parent_id, is_container, path, title, upnp_class, seen) "
                        "VALUES(?, 1, ?, ?, 'object.container.storageFolder', ?)")),
      move_(db_.prepare("UPDATE objects SET parent_id = ?, seen = ? WHERE id = ?")),
      relocate_(db_.prepare("UPDATE objects SET path = ?, parent_id = ?, seen = ? WHERE id = ?")),
      set_stamp_(db_.prepare("UPDATE objects SET folder_stamp = ? WHERE id = ?")),
      mark_skipped_seen_(db_.prepare("UPDATE skipped SET seen = ? WHERE path = ?")),
      put_skipped_(db_.prepare(
          "INSERT INTO skipped(path, size, mtime, reason, seen) VALUES(?, ?, ?, ?, ?) ON CONFLICT(path) DO "
          "UPDATE "
          "SET size = excluded.size, mtime = excluded.mtime, reason = excluded.reason, seen = "
          "excluded.seen")),
      upsert_item_(db_.prepare(
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
          "duration_ms = excluded.duration_ms, bitrate = excluded.bitrate, video_codec = "
          "excluded.video_codec, "
          "width = excluded.width, height = excluded.height, frame_rate = excluded.frame_rate, "
          "audio_codec = excluded.audio_codec, channels = excluded.channels, sample_rate = "
          "excluded.sample_rate, "
          "bits_per_sample = excluded.bits_per_sample, artist = excluded.artist, album = excluded.album, "
          "album_artist = excluded.album_artist, genre = excluded.genre, track = excluded.track, "
          "disc = excluded.disc, date = excluded.date, seen = excluded.seen, video_profile = "
          "excluded.video_profile, "
          "video_level = excluded.video_level, audio_bitrate = excluded.audio_bitrate, art = excluded.art")) {
    // 512 KiB of page cache instead of SQLite's 2 MiB: the scan writes mostly appends, and at 20,000
    // files the larger cache was ~1.5 MB of the index's peak memory without a measurable gain in speed.
    db_.exec("PRAGMA cache_size = -512");
    generation_ = setting("scan_generation") + 1;
    // An index from before the mark was kept (no files_in_index yet) may have been left by a killed
    // pass too.
    counts_pending_ = has_setting("counts_pending") || !has_setting("files_in_index");
    tx_.emplace(db_);
}

std::unordered_map<std::string, Known> IndexWriter::load_objects(const std::vector<fs::path>* scope) {
    std::unordered_map<std::string, Known> out;
    const std::string columns = "SELECT path, id, parent_id, CASE WHEN is_container THEN "
                                "COALESCE(folder_stamp, 0) ELSE COALESCE(size, -1) END, "
                                "COALESCE(mtime, -1), is_container FROM objects";
    auto read = [&](db::Statement& s) {
        while (s.step())
            out.emplace(s.text(0), Known{s.int64(1), s.int64(2), s.int64(3), s.int64(4), s.int64(5) != 0});
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

std::unordered_map<std::string, Known> IndexWriter::load_skipped(const std::vector<fs::path>* scope) {
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

std::vector<IndexWriter::FolderRow> IndexWriter::folders() {
    std::vector<FolderRow> out;
    auto s = db_.prepare(
        "SELECT path, id, parent_id, COALESCE(folder_stamp, 0) FROM objects WHERE is_container = 1");
    while (s.step())
        out.push_back({s.text(0), s.int64(1), s.int64(2), s.int64(3)});
    return out;
}

std::vector<std::pair<std::string, std::int64_t>> IndexWriter::hidden_rows() {
    std::vector<std::pair<std::string, std::int64_t>> out;
    auto s = db_.prepare("SELECT path, parent_id FROM objects WHERE parent_id < 0");
    while (s.step())
        out.emplace_back(s.text(0), s.int64(1));
    return out;
}

void IndexWriter::set_folder_stamp(std::int64_t id, std::int64_t stamp) {
    set_stamp_.bind(1, stamp != 0 ? std::optional<std::int64_t>(stamp) : std::nullopt).bind(2, id).exec();
}

std::optional<std::int64_t> IndexWriter::container_id(const fs::path& path) {
    auto s = db_.prepare("SELECT id FROM objects WHERE path = ? AND is_container = 1");
    s.bind(1, std::string_view(path.native()));
    return s.step() ? std::optional<std::int64_t>(s.int64(0)) : std::nullopt;
}

bool IndexWriter::has_children(std::int64_t id) {
    auto s = db_.prepare("SELECT EXISTS (SELECT 1 FROM objects WHERE parent_id IN (?1, -?1 - 1))");
    s.bind(1, id);
    return s.step() && s.int64(0) != 0;
}

bool IndexWriter::take_offline(const fs::path& root) {
    auto s =
        db_.prepare("UPDATE objects SET parent_id = ? WHERE path = ? AND parent_id = ? AND is_container");
    s.bind(1, db::kOfflineParentId).bind(2, std::string_view(root.native())).bind(3, db::kRootId).exec();
    if (db_.changes() == 0) return false;
    changed(db::kRootId);
    dirtied();
    return true;
}

std::int64_t IndexWriter::hide_tree(const fs::path& folder, std::int64_t folder_id) {
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

void IndexWriter::relocate(std::int64_t id, const fs::path& path, std::int64_t old_parent,
                           std::int64_t parent_id) {
    relocate_.bind(1, std::string_view(path.native())).bind(2, parent_id).bind(3, generation_).bind(4, id);
    relocate_.exec();
    changed(old_parent);
    changed(parent_id);
    dirtied();
    tick();
}

std::int64_t IndexWriter::add_container(const fs::path& path, std::int64_t parent_id) {
    insert_container_.bind(1, parent_id).bind(2, std::string_view(path.native())).bind(3, title_for(path));
    insert_container_.bind(4, generation_).exec();
    dirtied();
    changed(parent_id);
    const auto id = db_.last_insert_id();
    tick();
    return id;
}

void IndexWriter::move(std::int64_t id, std::int64_t old_parent, std::int64_t parent_id) {
    move_.bind(1, parent_id).bind(2, generation_).bind(3, id).exec();
    dirtied();
    changed(old_parent);
    changed(parent_id);
    tick();
}

void IndexWriter::mark_skipped_seen(const std::string& path) {
    mark_skipped_seen_.bind(1, generation_).bind(2, std::string_view(path)).exec();
    tick();
}

void IndexWriter::keep_skipped_under(const fs::path& folder) {
    auto [low, high] = subtree_range(folder);
    auto k = db_.prepare("UPDATE skipped SET seen = ? WHERE path >= ? AND path < ?");
    k.bind(1, generation_).bind(2, low).bind(3, high).exec();
}

void IndexWriter::set_folder_covers(
    const std::vector<std::pair<std::int64_t, std::optional<std::string>>>& folders) {
    auto s = db_.prepare("UPDATE objects SET art = ?1 WHERE parent_id = ?2 AND is_container = 0 AND "
                         "upnp_class LIKE 'object.item.audioItem%' AND art IS NOT 'embedded' AND "
                         "art IS NOT ?1");
    for (const auto& [folder, cover] : folders) {
        s.bind(1, cover).bind(2, folder).exec();
        dirty_ = dirty_ || db_.changes() > 0;
        tick();
    }
}

void IndexWriter::link_subtitles(const std::vector<SubtitleFile>& files,
                                 const std::vector<std::int64_t>* walked) {
    auto videos = db_.prepare("SELECT id, path FROM objects WHERE parent_id = ? AND is_container = 0 AND "
                              "upnp_class LIKE 'object.item.videoItem%'");
    auto put =
        db_.prepare("INSERT INTO subtitles(object_id, path, format, language, seen) VALUES(?, ?, ?, ?, ?) "
                    "ON CONFLICT(path) DO UPDATE SET object_id = excluded.object_id, "
                    "format = excluded.format, language = excluded.language, seen = excluded.seen");
    for (const auto& f : files) {
        videos.bind(1, f.parent_id);
        while (videos.step()) {
            auto match = match_subtitle(f.path.filename().native(), fs::path(videos.text(1)).stem().native());
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

void IndexWriter::put_skipped(const Pending& f, const std::string& reason) {
    put_skipped_.bind(1, std::string_view(f.path)).bind(2, f.size).bind(3, f.mtime);
    put_skipped_.bind(4, std::string_view(reason)).bind(5, generation_).exec();
    tick();
}

std::int64_t IndexWriter::finish(const std::vector<std::int64_t>* walked,
                                 const std::vector<std::int64_t>& unseen) {
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

bool IndexWriter::has_unplaced() {
    auto s = db_.prepare("SELECT EXISTS (SELECT 1 FROM objects WHERE position IS NULL)");
    return s.step() && s.int64(0) != 0;
}

void IndexWriter::flush() {
    tx_->commit();
    tx_.emplace(db_);
    ops_ = 0;
    last_commit_ = Clock::now();
}

void IndexWriter::recount_children() {
    db_.exec("UPDATE objects SET child_count = (SELECT COUNT(*) FROM objects c WHERE c.parent_id = "
             "objects.id) WHERE is_container = 1 AND child_count IS NOT (SELECT COUNT(*) FROM "
             "objects c WHERE c.parent_id = objects.id)");
}

void IndexWriter::dirtied() {
    if (!marked_) set_setting("counts_pending", 1);
    marked_ = true;
    dirty_ = true;
}

void IndexWriter::changed(std::int64_t container) {
    if (container >= db::kRootId) changed_.insert(container);
}

std::int64_t IndexWriter::remove_unseen(const std::vector<std::int64_t>& unseen) {
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

void IndexWriter::remove_skipped_in(const std::vector<std::int64_t>& walked) {
    db_.prepare("DELETE FROM skipped WHERE seen < ? AND EXISTS (SELECT 1 FROM objects o WHERE o.id IN "
                "(SELECT value FROM json_each(?)) AND skipped.path >= o.path || '/' AND skipped.path < "
                "o.path || '0' AND instr(substr(skipped.path, length(o.path) + 2), '/') = 0)")
        .bind(1, generation_)
        .bind(2, json_ids(walked))
        .exec();
}

void IndexWriter::drop_vanished_from_changed() {
    auto exists = db_.prepare("SELECT EXISTS (SELECT 1 FROM objects WHERE id = ? AND is_container = 1)");
    std::erase_if(changed_, [&](std::int64_t id) {
        if (id == db::kRootId) return false;
        exists.bind(1, id);
        bool gone = !(exists.step() && exists.int64(0) != 0);
        exists.reset();
        return gone;
    });
}

void IndexWriter::tick() {
    if (++ops_ >= 2000 || Clock::now() - last_commit_ > std::chrono::seconds(1)) flush();
}

bool IndexWriter::has_setting(const char* key) {
    auto s = db_.prepare("SELECT EXISTS (SELECT 1 FROM settings WHERE key = ?)");
    s.bind(1, std::string_view(key));
    return s.step() && s.int64(0) != 0;
}

std::int64_t IndexWriter::count_files() {
    auto s =
        db_.prepare(std::string("SELECT COUNT(*) FROM objects WHERE is_container = 0 AND ") + db::kVisible);
    return s.step() ? s.int64(0) : 0;
}

std::int64_t IndexWriter::setting(const char* key) {
    auto s = db_.prepare("SELECT value FROM settings WHERE key = ?");
    s.bind(1, std::string_view(key));
    return s.step() ? s.int64(0) : 0;
}

void IndexWriter::set_setting(const char* key, std::int64_t value) {
    auto s = db_.prepare("INSERT INTO settings(key, value) VALUES(?, ?) "
                         "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    s.bind(1, std::string_view(key)).bind(2, value).exec();
}

void IndexWriter::put_item(const Pending& f, const media::MediaInfo& info,
                           const std::optional<std::string>& art) {
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

} // namespace hearth::library
