#pragma once
// Read access to the index for request threads. Each ObjectReader owns a read-only connection and belongs to
// one thread at a time; ReaderPool lends them out (any thread).
#include "hearth/db/sqlite.hpp"
#include "hearth/media/media_info.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace hearth::db {

inline constexpr std::int64_t kRootId = 0;
/// parent_id of a media folder's container while the folder is unreadable or unmounted: out of the root's
/// children (so out of Browse), its entries kept so that they come back with the same ids.
inline constexpr std::int64_t kOfflineParentId = -2;

/// Rows a client may see. The scanner hides what was indexed under a folder that cannot be read now (an
/// unmounted disk, a folder made unreadable) by storing each row's parent as -parent - 1, and takes a media
/// folder's own row offline (kOfflineParentId), so that ids survive until it is back. Every query that is
/// not scoped to one real parent (Search, BrowseMetadata, streams, the views) must include this condition.
/// The unary + keeps SQLite from answering it with the parent index: a range over every visible row, looked
/// up one by one, made a Search over 200,000 rows ten times slower than reading the table straight through.
inline constexpr const char* kVisible = "+parent_id >= 0";

/// A value bound to a `?` placeholder of generated SQL (search criteria).
using SqlValue = std::variant<std::int64_t, std::string>;

struct SubtitleRow {
    std::int64_t id = 0;
    std::int64_t object_id = 0;
    std::string path;
    std::string format;
    std::optional<std::string> language;
};

struct ObjectRow {
    std::int64_t id = 0;
    std::int64_t parent_id = -1; ///< -1 for the root
    bool is_container = true;
    std::string title;
    std::string upnp_class;
    std::int64_t child_count = 0;
    std::string path;
    std::optional<std::int64_t> size, mtime;
    std::optional<std::string> mime, dlna_profile;
    std::optional<std::int64_t> duration_ms, bitrate, width, height;
    std::optional<std::int64_t> channels, sample_rate, bits_per_sample;
    std::optional<std::string> artist, album, album_artist, genre, date;
    std::optional<std::int64_t> track;
    // What the transcoding decision reads.
    std::optional<std::string> container, video_codec, audio_codec;
    std::optional<std::int64_t> video_profile, video_level, audio_bitrate;
    std::optional<double> frame_rate;
    /// Where the item's picture comes from (0007_art.sql): "embedded", "frame", "picture" or a cover
    /// file's path; nullopt when it has none.
    std::optional<std::string> art;
    /// Sidecar subtitles (filled by ContentDirectory for videos; not read with the row).
    std::vector<SubtitleRow> subtitles;
    /// Where the asking device stopped playing it, in seconds (filled by ContentDirectory; not in the row).
    std::optional<std::int64_t> bookmark;
};

/// A container of the browse views (library/views.hpp): "music", "music/album/12", "pictures/dates/2019"…
struct ViewRow {
    std::int64_t id = 0; ///< internal; view_items refers to it
    std::string key;     ///< the ContentDirectory id
    std::string parent_key;
    std::string title;
    std::string upnp_class;
    std::optional<std::string> artist; ///< an album's artist
    std::int64_t child_count = 0;
    bool has_items = false;                 ///< its children are items (view_items), not view containers
    std::optional<std::int64_t> art_object; ///< an album's cover: one of its tracks with a picture
};

/// The probe's view of an indexed item, rebuilt from its row (for decisions that need no new probe).
media::MediaInfo media_info(const ObjectRow& row);

/// One distinct way the library's files are offered, for ConnectionManager's SourceProtocolInfo.
struct FormatRow {
    std::string mime;
    std::optional<std::string> dlna_profile;
    bool is_image = false;
};

/// How much of one kind the library holds.
struct KindCount {
    std::string kind; ///< "video", "music", "pictures"
    std::int64_t files = 0;
    std::int64_t bytes = 0;
};

/// Called for each row of a listing with a row the reader reuses for the next one (its strings keep their
/// buffers): copy what must outlive the call.
using RowVisitor = std::function<void(ObjectRow&)>;

class ObjectReader {
  public:
    explicit ObjectReader(const std::filesystem::path& db_path);

    /// The object with this id; the root (id 0) is synthesised with its current child count.
    std::optional<ObjectRow> get(std::int64_t id);
    /// Children of a container, ordered by order_by (an ORDER BY body built only from whitelisted columns).
    std::vector<ObjectRow> children(std::int64_t parent, const std::string& order_by, std::int64_t offset,
                                    std::int64_t limit);
    /// Children in the default order (folders first, then by title), paged with an index seek on the stored
    /// positions; as children() with that order while a scan has rows it has not placed yet.
    std::vector<ObjectRow> children_in_default_order(std::int64_t parent, std::int64_t offset,
                                                     std::int64_t limit);
    /// children() and children_in_default_order() (by order_by == kDefaultOrder) row by row, without a copy
    /// of each: a Browse page. Returns how many rows there were.
    std::int64_t visit_children(std::int64_t parent, const std::string& order_by, std::int64_t offset,
                                std::int64_t limit, const RowVisitor& visit);
    /// Objects matching a WHERE body built only from whitelisted columns and `?` placeholders, whose values
    /// are `bindings` in order; ordered by order_by (whitelisted too), paged (limit < 0: all). With `total`,
    /// sets *total to how many objects match without paging (in the same pass).
    std::vector<ObjectRow> search(const std::string& where, const std::vector<SqlValue>& bindings,
                                  const std::string& order_by, std::int64_t offset, std::int64_t limit,
                                  std::int64_t* total = nullptr);
    /// How many objects search() would return without paging.
    std::int64_t count(const std::string& where, const std::vector<SqlValue>& bindings);
    std::int64_t system_update_id();
    /// The SystemUpdateID when this connection opened (ReaderPool renews connections older than the index).
    std::int64_t opened_at_update() const { return opened_at_update_; }

    /// The view container with this ContentDirectory id.
    std::optional<ViewRow> view(std::string_view key);
    /// The view containers under parent_key ("0" for the top ones), in order, paged by position.
    std::vector<ViewRow> view_children(std::string_view parent_key, std::int64_t offset, std::int64_t limit);
    /// The items of a view container (ViewRow::id): in the view's order (paged by position) when order_by is
    /// kDefaultOrder, else by order_by (whitelisted columns).
    /// Row by row (RowVisitor); returns how many rows there were.
    std::int64_t view_items(std::int64_t view, const std::string& order_by, std::int64_t offset,
                            std::int64_t limit, const RowVisitor& visit);
    /// Whether the object is shown in that view container.
    bool view_holds(std::int64_t view, std::int64_t object_id);
    /// How many shared folders there are (children of the folder tree's top).
    std::int64_t folder_count();

    std::vector<FormatRow> formats();
    /// The sidecar subtitles of a video, srt first.
    std::vector<SubtitleRow> subtitles_of(std::int64_t object_id);
    std::optional<SubtitleRow> subtitle(std::int64_t id);
    /// Files and bytes per kind, and the number of folders (as kind "folders").
    std::vector<KindCount> library_counts();
    /// The items whose index row names a picture source (objects.art).
    std::set<std::int64_t> ids_with_art();

  private:
    /// Steps through stmt's rows (kColumns first), reading each into one reused row.
    static std::int64_t visit_rows(Statement& stmt, const RowVisitor& visit);

    Database db_;
    Statement get_;
    Statement root_count_;
    Statement update_id_;
    Statement unplaced_;
    Statement by_position_;
    Statement view_;
    Statement view_children_;
    Statement view_items_;
    Statement view_holds_;
    Statement subtitles_of_;
    std::int64_t opened_at_update_ = 0;
};

/// A WHERE body (one `?`, bound to a view key) true for objects shown anywhere under that view container.
inline constexpr const char* kInViewSql =
    "id IN (SELECT object_id FROM view_items WHERE view IN (WITH RECURSIVE sub(k) AS (SELECT ? UNION ALL "
    "SELECT v.key FROM views v JOIN sub ON v.parent_key = sub.k) SELECT id FROM views WHERE key IN sub))";

/// Writes each object's place among its siblings in the default order (the positions that
/// children_in_default_order() pages by). Writer connection only.
void place_objects(Database& db);
/// place_objects() for the children of one container only (after a scan of a few folders).
void place_children(Database& db, std::int64_t parent);

/// The ORDER BY body of the default order, which children_in_default_order() pages by position.
inline constexpr const char* kDefaultOrder = "is_container DESC, title COLLATE NOCASE, id";

class ReaderPool {
  public:
    explicit ReaderPool(std::filesystem::path db_path) : db_path_(std::move(db_path)) {}

    class Lease {
      public:
        Lease(ReaderPool& pool, std::unique_ptr<ObjectReader> reader)
            : pool_(pool), reader_(std::move(reader)) {}
        ~Lease() { pool_.give_back(std::move(reader_)); }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ObjectReader* operator->() { return reader_.get(); }
        ObjectReader& operator*() { return *reader_; }

      private:
        ReaderPool& pool_;
        std::unique_ptr<ObjectReader> reader_;
    };

    /// Any thread. Reuses an idle connection or opens a new one.
    Lease acquire();

  private:
    void give_back(std::unique_ptr<ObjectReader> reader);

    std::filesystem::path db_path_;
    std::mutex mutex_; // guards idle_
    std::vector<std::unique_ptr<ObjectReader>> idle_;
};

} // namespace hearth::db
