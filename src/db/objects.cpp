#include "hearth/db/objects.hpp"

#include "hearth/util/strings.hpp"

#include <cctype>

namespace hearth::db {
namespace {

// Readers map the database (see ObjectReader::ObjectReader).
constexpr const char* kMapSize = "PRAGMA mmap_size = 268435456";

// For a read of the whole objects table (each scan's end reads it three times): through the map, every page
// it touched would stay resident in this process (the table is ~11 MB at 20,000 files, counted in its RSS
// until the map goes), read() goes through SQLite's bounded page cache instead. Setting the size again drops
// the map; the next Browse maps pages again.
class Unmapped {
  public:
    explicit Unmapped(Database& db) : db_(db) { db_.exec("PRAGMA mmap_size = 0"); }
    ~Unmapped() { db_.exec(kMapSize); }
    Unmapped(const Unmapped&) = delete;
    Unmapped& operator=(const Unmapped&) = delete;

  private:
    Database& db_;
};

constexpr const char* kColumns =
    "id, parent_id, is_container, title, upnp_class, child_count, path, size, mtime, mime, dlna_profile, "
    "duration_ms, bitrate, width, height, channels, sample_rate, bits_per_sample, artist, album, "
    "album_artist, "
    "genre, date, track, container, video_codec, audio_codec, video_profile, video_level, audio_bitrate, "
    "frame_rate, art";

// kColumns qualified for a join with view_items (which has a `position` too).
const std::string kObjectColumns = [] {
    std::string out;
    for (auto column : split(kColumns, ','))
        out += (out.empty() ? "o." : ", o.") + std::string(trim(column));
    return out;
}();

constexpr const char* kViewColumns =
    "id, key, parent_key, title, upnp_class, artist, child_count, has_items, art_object";

ViewRow read_view(const Statement& s) {
    return {s.int64(0),    s.text(1),  s.text(2),       s.text(3),     s.text(4),
            s.opt_text(5), s.int64(6), s.int64(7) != 0, s.opt_int64(8)};
}

// Into a row reused across a listing: its strings keep their buffers, so a page of rows costs no allocation
// per value (copying every column into fresh strings was a fifth of a Browse's CPU time).
void read_row(const Statement& s, ObjectRow& r) {
    r.id = s.int64(0);
    r.parent_id = s.int64(1);
    r.is_container = s.int64(2) != 0;
    s.read_text(3, r.title);
    s.read_text(4, r.upnp_class);
    r.child_count = s.int64(5);
    s.read_text(6, r.path);
    r.size = s.opt_int64(7);
    r.mtime = s.opt_int64(8);
    s.read_opt_text(9, r.mime);
    s.read_opt_text(10, r.dlna_profile);
    r.duration_ms = s.opt_int64(11);
    r.bitrate = s.opt_int64(12);
    r.width = s.opt_int64(13);
    r.height = s.opt_int64(14);
    r.channels = s.opt_int64(15);
    r.sample_rate = s.opt_int64(16);
    r.bits_per_sample = s.opt_int64(17);
    s.read_opt_text(18, r.artist);
    s.read_opt_text(19, r.album);
    s.read_opt_text(20, r.album_artist);
    s.read_opt_text(21, r.genre);
    s.read_opt_text(22, r.date);
    r.track = s.opt_int64(23);
    s.read_opt_text(24, r.container);
    s.read_opt_text(25, r.video_codec);
    s.read_opt_text(26, r.audio_codec);
    r.video_profile = s.opt_int64(27);
    r.video_level = s.opt_int64(28);
    r.audio_bitrate = s.opt_int64(29);
    r.frame_rate = s.is_null(30) ? std::nullopt : std::optional<double>(s.real(30));
    s.read_opt_text(31, r.art);
    // Not columns: ContentDirectory fills them per row.
    r.subtitles.clear();
    r.bookmark.reset();
}

ObjectRow read_row(const Statement& s) {
    ObjectRow r;
    read_row(s, r);
    return r;
}

// Resets a reused statement when a listing ends, also when its visitor throws: a statement left mid-way
// would hold its read transaction open.
class ResetOnExit {
  public:
    explicit ResetOnExit(Statement& stmt) : stmt_(stmt) {}
    ~ResetOnExit() { stmt_.reset(); }
    ResetOnExit(const ResetOnExit&) = delete;
    ResetOnExit& operator=(const ResetOnExit&) = delete;

  private:
    Statement& stmt_;
};

// A visitor that keeps a copy of each row.
RowVisitor collect_into(std::vector<ObjectRow>& out) {
    return [&out](ObjectRow& row) { out.push_back(row); };
}

} // namespace

void place_objects(Database& db) {
    db.exec(std::string("WITH ranked AS (SELECT id, row_number() OVER (PARTITION BY parent_id ORDER BY ") +
            kDefaultOrder +
            ") - 1 AS pos FROM objects) UPDATE objects SET position = ranked.pos FROM ranked "
            "WHERE objects.id = ranked.id AND objects.position IS NOT ranked.pos");
}

void place_children(Database& db, std::int64_t parent) {
    auto s =
        db.prepare(std::string("WITH ranked AS (SELECT id, row_number() OVER (ORDER BY ") + kDefaultOrder +
                   ") - 1 AS pos FROM objects WHERE parent_id = ?) UPDATE objects SET position = ranked.pos "
                   "FROM ranked WHERE objects.id = ranked.id AND objects.position IS NOT ranked.pos");
    s.bind(1, parent).exec();
}

media::MediaInfo media_info(const ObjectRow& row) {
    media::MediaInfo info;
    const auto& cls = row.upnp_class;
    info.kind = cls.starts_with("object.item.imageItem")   ? media::Kind::image
                : cls.starts_with("object.item.audioItem") ? media::Kind::audio
                                                           : media::Kind::video;
    info.container = row.container.value_or("");
    auto dot = row.path.rfind('.');
    if (dot != std::string::npos && row.path.find('/', dot) == std::string::npos) {
        info.extension = row.path.substr(dot + 1);
        for (char& c : info.extension)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    info.duration_ms = row.duration_ms;
    info.bitrate = row.bitrate;
    info.video_codec = row.video_codec.value_or("");
    info.video_profile = static_cast<int>(row.video_profile.value_or(-1));
    info.video_level = static_cast<int>(row.video_level.value_or(-1));
    info.width = row.width;
    info.height = row.height;
    info.frame_rate = row.frame_rate;
    info.audio_codec = row.audio_codec.value_or("");
    info.channels = row.channels;
    info.sample_rate = row.sample_rate;
    info.bits_per_sample = row.bits_per_sample;
    info.audio_bitrate = row.audio_bitrate;
    return info;
}

ObjectReader::ObjectReader(const std::filesystem::path& db_path)
    : db_(db_path, OpenMode::read_only),
      get_(db_.prepare(std::string("SELECT ") + kColumns + " FROM objects WHERE id = ? AND " + kVisible)),
      root_count_(db_.prepare("SELECT COUNT(*) FROM objects WHERE parent_id = 0")),
      update_id_(db_.prepare("SELECT value FROM settings WHERE key = 'system_update_id'")),
      unplaced_(
          db_.prepare("SELECT EXISTS (SELECT 1 FROM objects WHERE parent_id = ? AND position IS NULL)")),
      by_position_(
          db_.prepare(std::string("SELECT ") + kColumns +
                      " FROM objects WHERE parent_id = ? AND position >= ? ORDER BY position LIMIT ?")),
      view_(db_.prepare(std::string("SELECT ") + kViewColumns + " FROM views WHERE key = ?")),
      view_children_(
          db_.prepare(std::string("SELECT ") + kViewColumns +
                      " FROM views WHERE parent_key = ? AND position >= ? ORDER BY position LIMIT ?")),
      view_items_(
          db_.prepare(std::string("SELECT ") + kObjectColumns +
                      // CROSS JOIN keeps view_items the outer loop: without ANALYZE statistics (a new
                      // index) SQLite may scan every object and look each up in the view instead.
                      " FROM view_items v CROSS JOIN objects o ON o.id = v.object_id WHERE v.view = ? "
                      "AND v.position >= ? ORDER BY v.position LIMIT ?")),
      view_holds_(db_.prepare("SELECT EXISTS (SELECT 1 FROM view_items WHERE view = ? AND object_id = ?)")),
      subtitles_of_(
          db_.prepare("SELECT id, object_id, path, format, language FROM subtitles WHERE object_id = ? "
                      "ORDER BY format != 'srt', language IS NOT NULL, language, id")) {
    // A view's items sit anywhere in the table (title order is not indexing order), so a page of one reads
    // ~50 scattered pages: mapped, they cost no read() each, which keeps the tail latency of big views down.
    db_.exec(kMapSize);
    opened_at_update_ = system_update_id();
}

std::int64_t ObjectReader::visit_rows(Statement& stmt, const RowVisitor& visit) {
    ObjectRow row;
    std::int64_t n = 0;
    while (stmt.step()) {
        read_row(stmt, row);
        visit(row);
        ++n;
    }
    return n;
}

std::vector<ObjectRow> ObjectReader::children_in_default_order(std::int64_t parent, std::int64_t offset,
                                                               std::int64_t limit) {
    std::vector<ObjectRow> out;
    visit_children(parent, kDefaultOrder, offset, limit, collect_into(out));
    return out;
}

std::int64_t ObjectReader::visit_children(std::int64_t parent, const std::string& order_by,
                                          std::int64_t offset, std::int64_t limit, const RowVisitor& visit) {
    if (order_by == kDefaultOrder) {
        unplaced_.bind(1, parent);
        const bool all_placed = unplaced_.step() && unplaced_.int64(0) == 0;
        unplaced_.reset();
        if (all_placed) {
            ResetOnExit reset(by_position_);
            by_position_.bind(1, parent).bind(2, offset).bind(3, limit < 0 ? std::int64_t{-1} : limit);
            return visit_rows(by_position_, visit);
        }
    }
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns +
                            " FROM objects WHERE parent_id = ? ORDER BY " + order_by + " LIMIT ? OFFSET ?");
    stmt.bind(1, parent).bind(2, limit < 0 ? std::int64_t{-1} : limit).bind(3, offset);
    return visit_rows(stmt, visit);
}

std::optional<ObjectRow> ObjectReader::get(std::int64_t id) {
    if (id == kRootId) {
        ObjectRow root;
        root.id = kRootId;
        root.title = "root";
        root.upnp_class = "object.container.storageFolder";
        root_count_.step();
        root.child_count = root_count_.int64(0);
        root_count_.reset();
        return root;
    }
    get_.bind(1, id);
    std::optional<ObjectRow> row;
    if (get_.step()) row = read_row(get_);
    get_.reset();
    return row;
}

std::vector<ObjectRow> ObjectReader::children(std::int64_t parent, const std::string& order_by,
                                              std::int64_t offset, std::int64_t limit) {
    std::vector<ObjectRow> out;
    visit_children(parent, order_by, offset, limit, collect_into(out));
    return out;
}

namespace {
void bind_all(Statement& stmt, const std::vector<SqlValue>& bindings) {
    int index = 1;
    for (const auto& value : bindings) {
        std::visit([&](const auto& v) { stmt.bind(index, v); }, value);
        ++index;
    }
}
} // namespace

std::vector<ObjectRow> ObjectReader::search(const std::string& where, const std::vector<SqlValue>& bindings,
                                            const std::string& order_by, std::int64_t offset,
                                            std::int64_t limit, std::int64_t* total) {
    // With a total wanted, the window count comes from the same pass over the table that finds the page
    // (criteria such as `contains` scan every row: one scan instead of two).
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns + (total ? ", count(*) OVER ()" : "") +
                            " FROM objects WHERE " + kVisible + " AND (" + where + ") ORDER BY " + order_by +
                            " LIMIT ? OFFSET ?");
    bind_all(stmt, bindings);
    const int next = static_cast<int>(bindings.size()) + 1;
    stmt.bind(next, limit < 0 ? std::int64_t{-1} : limit).bind(next + 1, offset);
    std::vector<ObjectRow> out;
    const int total_column = stmt.column_count() - 1;
    while (stmt.step()) {
        if (total) *total = stmt.int64(total_column);
        out.push_back(read_row(stmt));
    }
    // A page past the end has no row to carry the total.
    if (total && out.empty()) *total = count(where, bindings);
    return out;
}

std::int64_t ObjectReader::count(const std::string& where, const std::vector<SqlValue>& bindings) {
    auto stmt =
        db_.prepare(std::string("SELECT COUNT(*) FROM objects WHERE ") + kVisible + " AND (" + where + ")");
    bind_all(stmt, bindings);
    return stmt.step() ? stmt.int64(0) : 0;
}

std::int64_t ObjectReader::system_update_id() {
    std::int64_t value = 0;
    if (update_id_.step()) value = update_id_.int64(0);
    update_id_.reset();
    return value;
}

std::optional<ViewRow> ObjectReader::view(std::string_view key) {
    view_.bind(1, key);
    std::optional<ViewRow> row;
    if (view_.step()) row = read_view(view_);
    view_.reset();
    return row;
}

std::vector<ViewRow> ObjectReader::view_children(std::string_view parent_key, std::int64_t offset,
                                                 std::int64_t limit) {
    view_children_.bind(1, parent_key).bind(2, offset).bind(3, limit < 0 ? std::int64_t{-1} : limit);
    std::vector<ViewRow> out;
    while (view_children_.step())
        out.push_back(read_view(view_children_));
    view_children_.reset();
    return out;
}

std::int64_t ObjectReader::view_items(std::int64_t view, const std::string& order_by, std::int64_t offset,
                                      std::int64_t limit, const RowVisitor& visit) {
    if (order_by == kDefaultOrder) {
        ResetOnExit reset(view_items_);
        view_items_.bind(1, view).bind(2, offset).bind(3, limit < 0 ? std::int64_t{-1} : limit);
        return visit_rows(view_items_, visit);
    }
    // The renderer asked for its own order: sort the view's items (no stored positions for that).
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns +
                            " FROM objects WHERE id IN (SELECT object_id FROM view_items WHERE view = ?) "
                            "ORDER BY " +
                            order_by + " LIMIT ? OFFSET ?");
    stmt.bind(1, view).bind(2, limit < 0 ? std::int64_t{-1} : limit).bind(3, offset);
    return visit_rows(stmt, visit);
}

bool ObjectReader::view_holds(std::int64_t view, std::int64_t object_id) {
    view_holds_.bind(1, view).bind(2, object_id);
    const bool held = view_holds_.step() && view_holds_.int64(0) != 0;
    view_holds_.reset();
    return held;
}

std::int64_t ObjectReader::folder_count() {
    root_count_.step();
    const auto n = root_count_.int64(0);
    root_count_.reset();
    return n;
}

std::vector<FormatRow> ObjectReader::formats() {
    Unmapped whole_table(db_);
    auto stmt = db_.prepare(std::string("SELECT DISTINCT mime, dlna_profile, upnp_class LIKE "
                                        "'object.item.imageItem%' FROM objects WHERE is_container = 0 AND "
                                        "mime IS NOT NULL AND ") +
                            kVisible + " ORDER BY 1, 2");
    std::vector<FormatRow> out;
    while (stmt.step())
        out.push_back({stmt.text(0), stmt.opt_text(1), stmt.int64(2) != 0});
    return out;
}

namespace {
SubtitleRow read_subtitle(const Statement& s) {
    return {s.int64(0), s.int64(1), s.text(2), s.text(3), s.opt_text(4)};
}
} // namespace

std::vector<SubtitleRow> ObjectReader::subtitles_of(std::int64_t object_id) {
    // Asked for every video on a Browse page: prepared once per connection (reset first in case a
    // failed step left it mid-way).
    subtitles_of_.reset();
    subtitles_of_.bind(1, object_id);
    std::vector<SubtitleRow> out;
    while (subtitles_of_.step())
        out.push_back(read_subtitle(subtitles_of_));
    subtitles_of_.reset();
    return out;
}

std::optional<SubtitleRow> ObjectReader::subtitle(std::int64_t id) {
    // A hidden video's subtitles are hidden with it.
    auto s = db_.prepare(
        std::string("SELECT id, object_id, path, format, language FROM subtitles WHERE id = ? "
                    "AND EXISTS (SELECT 1 FROM objects WHERE objects.id = subtitles.object_id AND ") +
        kVisible + ")");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_subtitle(s);
}

std::vector<KindCount> ObjectReader::library_counts() {
    Unmapped whole_table(db_);
    auto stmt =
        db_.prepare("SELECT CASE WHEN is_container THEN 'folders' WHEN upnp_class LIKE "
                    "'object.item.videoItem%' THEN 'video' "
                    "WHEN upnp_class LIKE 'object.item.audioItem%' THEN 'music' ELSE 'pictures' END AS kind, "
                    "COUNT(*), COALESCE(SUM(size), 0) FROM objects WHERE " +
                    std::string(kVisible) + " GROUP BY kind ORDER BY kind");
    std::vector<KindCount> out;
    while (stmt.step())
        out.push_back({stmt.text(0), stmt.int64(1), stmt.int64(2)});
    return out;
}

std::set<std::int64_t> ObjectReader::ids_with_art() {
    Unmapped whole_table(db_);
    auto stmt = db_.prepare("SELECT id FROM objects WHERE art IS NOT NULL");
    std::set<std::int64_t> out;
    while (stmt.step())
        out.insert(stmt.int64(0));
    return out;
}

ReaderPool::Lease ReaderPool::acquire() {
    while (true) {
        std::unique_ptr<ObjectReader> reader;
        {
            std::lock_guard lock(mutex_);
            if (idle_.empty()) break;
            reader = std::move(idle_.back());
            idle_.pop_back();
        }
        // A connection opened before a scan rewrote the index keeps what it learned then (statistics,
        // plans): measured, paging a 100,000-item view rebuilt after it opened took 400 ms instead of 1 ms.
        // Such a connection is closed and a new one opened.
        if (reader->system_update_id() == reader->opened_at_update()) return Lease(*this, std::move(reader));
    }
    return Lease(*this, std::make_unique<ObjectReader>(db_path_));
}

void ReaderPool::give_back(std::unique_ptr<ObjectReader> reader) {
    if (!reader) return;
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(reader));
}

} // namespace hearth::db
