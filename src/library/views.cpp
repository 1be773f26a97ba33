#include "hearth/library/views.hpp"

#include "hearth/db/objects.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

namespace hearth::library {

std::string natural_key(std::string_view text) {
    // Each run of digits becomes its length (two digits) and its value without leading zeros, so that a
    // longer number sorts after a shorter one and equal lengths compare digit by digit.
    std::string out;
    out.reserve(text.size() + 8);
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (c < '0' || c > '9') {
            out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < text.size() && text[end] >= '0' && text[end] <= '9')
            ++end;
        std::size_t first = i;
        while (first + 1 < end && text[first] == '0')
            ++first;
        const std::size_t length = std::min<std::size_t>(end - first, 99);
        out += static_cast<char>('0' + length / 10);
        out += static_cast<char>('0' + length % 10);
        out.append(text.substr(first, end - first));
        i = end;
    }
    return out;
}

std::string group_name(std::string_view name) {
    std::string out;
    bool space = false;
    for (char c : name) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

namespace {

bool digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "YYYY-MM-DDTHH:MM:SS" (or a prefix down to "YYYY-MM") when the date says at least the month.
std::optional<std::string> dated(const std::optional<std::string>& date) {
    if (!date || date->size() < 7) return std::nullopt;
    std::string_view d(*date);
    if (!digits(d.substr(0, 4)) || d[4] != '-' || !digits(d.substr(5, 2))) return std::nullopt;
    const int month = (d[5] - '0') * 10 + (d[6] - '0');
    if (month < 1 || month > 12 || d.substr(0, 4) == "0000") return std::nullopt;
    return *date;
}

std::optional<std::string> local_time(const std::optional<std::int64_t>& mtime) {
    if (!mtime || *mtime < 0) return std::nullopt;
    const auto t = static_cast<std::time_t>(*mtime);
    std::tm tm{};
    if (localtime_r(&t, &tm) == nullptr) return std::nullopt;
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return std::string(buf);
}

// When a picture was taken, as sortable text: its date, else its file's time.
std::optional<std::string> when_taken(const std::optional<std::string>& date,
                                      const std::optional<std::int64_t>& mtime) {
    auto d = dated(date);
    return d ? d : local_time(mtime);
}

} // namespace

std::optional<std::string> month_taken(const std::optional<std::string>& date,
                                       const std::optional<std::int64_t>& mtime) {
    auto when = when_taken(date, mtime);
    if (!when) return std::nullopt;
    return when->substr(0, 7);
}

namespace {

// What the views read of one file. Only the fields of the kind being built are filled (a picture has no
// title key, a track no name key); a track's tags are loaded beside it (TrackTags), and nothing else is kept,
// since this array is most of the rebuild's memory.
struct Item {
    std::int64_t id = 0;
    std::int64_t folder = 0;
    std::int64_t added_at = 0;
    std::optional<std::int64_t> disc, track;
    bool has_art = false;  ///< objects.art is set: /art/<id> has a picture
    std::string name_key;  ///< natural key of the file name: episode order (video, pictures)
    std::string title_key; ///< natural key of the title (video, music)
    std::string taken;     ///< when a picture was taken, as sortable text; empty when unknown
};

enum class Kind { audio, video, image };

// Loads the visible files of one kind in id order; for music, their tags too (same order).
std::vector<Item> load_items(db::Database& db, Kind kind, std::vector<TrackTags>* tags) {
    const std::string where =
        std::string(" FROM objects WHERE is_container = 0 AND ") + db::kVisible + " AND upnp_class GLOB ?";
    const char* pattern = kind == Kind::audio   ? "object.item.audioItem*"
                          : kind == Kind::video ? "object.item.videoItem*"
                                                : "object.item.imageItem*";
    std::vector<Item> out;
    // Sized once: growing by doubling would hold the old and the new array at once.
    auto n = db.prepare("SELECT COUNT(*)" + where);
    n.bind(1, pattern);
    if (n.step()) out.reserve(static_cast<std::size_t>(n.int64(0)));
    if (tags) tags->reserve(out.capacity());
    auto s = db.prepare("SELECT id, parent_id, title, path, disc, track, date, mtime, added_at, "
                        "art IS NOT NULL, artist, album, album_artist, genre" +
                        where + " ORDER BY id");
    s.bind(1, pattern);
    while (s.step()) {
        Item it;
        it.id = s.int64(0);
        it.folder = s.int64(1);
        if (kind != Kind::image) it.title_key = natural_key(s.text(2));
        if (kind != Kind::audio) {
            const auto path = s.text(3);
            it.name_key = natural_key(std::string_view(path).substr(path.rfind('/') + 1));
        }
        it.disc = s.opt_int64(4);
        it.track = s.opt_int64(5);
        if (kind == Kind::image) it.taken = when_taken(s.opt_text(6), s.opt_int64(7)).value_or("");
        it.added_at = s.int64(8);
        it.has_art = s.int64(9) != 0;
        if (tags)
            tags->push_back({it.folder, s.opt_text(10), s.opt_text(11), s.opt_text(12), s.opt_text(13)});
        out.push_back(std::move(it));
    }
    return out;
}

struct Folder {
    std::int64_t parent = 0;
    std::string title;
};

// A folder's path below its shared folder ("Show/Season 1"); a shared folder is named by itself.
std::string folder_title(const std::unordered_map<std::int64_t, Folder>& folders, std::int64_t id) {
    std::vector<const std::string*> names;
    for (auto at = folders.find(id); at != folders.end() && names.size() < 64;
         at = folders.find(at->second.parent)) {
        if (at->second.parent == 0 && !names.empty()) break;
        names.push_back(&at->second.title);
    }
    std::string out;
    for (auto it = names.rbegin(); it != names.rend(); ++it)
        out += (out.empty() ? "" : "/") + **it;
    return out;
}

std::unordered_map<std::int64_t, Folder> load_folders(db::Database& db) {
    std::unordered_map<std::int64_t, Folder> out;
    auto s = db.prepare("SELECT id, parent_id, title FROM objects WHERE is_container = 1");
    while (s.step())
        out.emplace(s.int64(0), Folder{s.int64(1), s.text(2)});
    return out;
}

struct Node {
    std::string parent, title, upnp_class;
    std::optional<std::string> artist;
    std::optional<std::int64_t> art_object;
    bool has_items = false;
    std::vector<std::string> children; ///< container keys, in order
    std::vector<std::int64_t> items;   ///< object ids, in order
};

constexpr const char* kFolderClass = "object.container.storageFolder";
constexpr std::size_t kRecentItems = 100;

// The view containers being built, then written parents after children (so each knows its count). The
// old views go first; each write() stores the top containers added since the last one and forgets them.
class Layout {
  public:
    explicit Layout(db::Database& db) : db_(db) {
        auto s = db_.prepare("SELECT id, kind, key FROM view_groups");
        while (s.step())
            groups_.emplace(s.text(1) + '\x1f' + s.text(2), s.int64(0));
        nodes_["0"];
        db_.exec("DELETE FROM view_items");
        db_.exec("DELETE FROM views");
    }

    Node& add(const std::string& parent, const std::string& key, std::string title,
              std::string upnp_class = kFolderClass, bool has_items = false) {
        auto [it, inserted] = nodes_.try_emplace(key);
        if (inserted) {
            nodes_.at(parent).children.push_back(key);
            it->second = Node{parent, std::move(title), std::move(upnp_class), {}, {}, has_items, {}, {}};
        }
        return it->second;
    }

    Node& items(const std::string& parent, const std::string& key, std::string title,
                std::string upnp_class = kFolderClass) {
        return add(parent, key, std::move(title), std::move(upnp_class), true);
    }

    /// The stable id of an artist, album or genre; new names get new ids, old ids are never reused.
    std::int64_t group(const char* kind, const std::string& key) {
        auto full = std::string(kind) + '\x1f' + key;
        if (auto it = groups_.find(full); it != groups_.end()) return it->second;
        db_.prepare("INSERT INTO view_groups(kind, key) VALUES(?, ?)").bind(1, kind).bind(2, key).exec();
        return groups_[full] = db_.last_insert_id();
    }

    void write() {
        for (const auto& key : nodes_.at("0").children) {
            if (write(key, position_)) ++position_;
        }
        nodes_.clear();
        nodes_["0"];
    }

  private:
    // Writes a container with at least one child (after its children); false when it has none.
    bool write(const std::string& key, std::int64_t position) {
        const Node& n = nodes_.at(key);
        std::int64_t count = 0;
        if (n.has_items) {
            count = static_cast<std::int64_t>(n.items.size());
        } else {
            for (const auto& child : n.children) {
                if (write(child, count)) ++count;
            }
        }
        if (count == 0) return false;
        insert_view_.bind(1, key).bind(2, n.parent).bind(3, position).bind(4, n.title);
        insert_view_.bind(5, n.upnp_class)
            .bind(6, n.artist)
            .bind(7, count)
            .bind(8, std::int64_t{n.has_items})
            .bind(9, n.art_object);
        insert_view_.exec();
        const auto view = db_.last_insert_id();
        std::int64_t at = 0;
        for (auto id : n.items)
            insert_item_.bind(1, view).bind(2, at++).bind(3, id).exec();
        return true;
    }

    db::Database& db_;
    std::int64_t position_ = 0; ///< of the next top container
    std::unordered_map<std::string, Node> nodes_;
    std::unordered_map<std::string, std::int64_t> groups_;
    db::Statement insert_view_ = db_.prepare(
        "INSERT INTO views(key, parent_key, position, title, upnp_class, artist, child_count, has_items, "
        "art_object) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
    db::Statement insert_item_ =
        db_.prepare("INSERT INTO view_items(view, position, object_id) VALUES(?, ?, ?)");
};

using Items = std::vector<const Item*>;

std::vector<std::int64_t> ids(const Items& items) {
    std::vector<std::int64_t> out;
    out.reserve(items.size());
    for (const auto* it : items)
        out.push_back(it->id);
    return out;
}

void sort_by_title(Items& items) {
    std::sort(items.begin(), items.end(), [](const Item* a, const Item* b) {
        return std::tie(a->title_key, a->id) < std::tie(b->title_key, b->id);
    });
}

// In file-name order with numbers by value: a series folder plays S01E02 before S01E10.
void sort_by_name(Items& items) {
    std::sort(items.begin(), items.end(), [](const Item* a, const Item* b) {
        return std::tie(a->name_key, a->id) < std::tie(b->name_key, b->id);
    });
}

std::vector<std::int64_t> recent(Items items) {
    std::sort(items.begin(), items.end(), [](const Item* a, const Item* b) {
        return std::tie(a->added_at, a->id) > std::tie(b->added_at, b->id);
    });
    if (items.size() > kRecentItems) items.resize(kRecentItems);
    return ids(items);
}

// Containers named by their titles, in natural title order.
template <typename Map> std::vector<typename Map::const_iterator> by_title(const Map& groups) {
    std::vector<typename Map::const_iterator> out;
    for (auto it = groups.begin(); it != groups.end(); ++it)
        out.push_back(it);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return std::tie(a->second.key, a->first) < std::tie(b->second.key, b->first);
    });
    return out;
}

void build_folder_view(Layout& layout, const std::string& top, const Items& items,
                       const std::unordered_map<std::int64_t, Folder>& folders) {
    struct Group {
        std::string key, title;
        Items items;
    };
    std::map<std::int64_t, Group> by_folder;
    for (const auto* it : items) {
        auto& g = by_folder[it->folder];
        if (g.title.empty()) {
            g.title = folder_title(folders, it->folder);
            g.key = natural_key(g.title);
        }
        g.items.push_back(it);
    }
    layout.add(top, top + "/folders", "By folder");
    for (const auto& at : by_title(by_folder)) {
        Items sorted = at->second.items;
        sort_by_name(sorted);
        layout.items(top + "/folders", top + "/folder/" + std::to_string(at->first), at->second.title).items =
            ids(sorted);
    }
}

void build_video(Layout& layout, Items items, const std::unordered_map<std::int64_t, Folder>& folders) {
    if (items.empty()) return;
    layout.add("0", "video", "Video");
    sort_by_title(items);
    layout.items("video", "video/all", "All videos").items = ids(items);
    build_folder_view(layout, "video", items, folders);
    layout.items("video", "video/recent", "Recently added").items = recent(items);
}

void build_pictures(Layout& layout, Items items, const std::unordered_map<std::int64_t, Folder>& folders) {
    if (items.empty()) return;
    layout.add("0", "pictures", "Pictures");
    std::sort(items.begin(), items.end(), [](const Item* a, const Item* b) {
        return std::tie(a->taken, a->name_key, a->id) < std::tie(b->taken, b->name_key, b->id);
    });
    // Newest year and month first, as photo libraries show them; pictures in a month in the order taken.
    std::map<std::string, std::map<std::string, Items>, std::greater<>> dates;
    for (const auto* it : items) {
        const auto& when = it->taken;
        if (when.size() >= 7) dates[when.substr(0, 4)][when.substr(5, 2)].push_back(it);
    }
    layout.add("pictures", "pictures/dates", "By date");
    for (const auto& [year, months] : dates) {
        const auto year_key = "pictures/dates/" + year;
        layout.add("pictures/dates", year_key, year);
        for (auto month = months.rbegin(); month != months.rend(); ++month) {
            layout.items(year_key, year_key + "/" + month->first, year + "-" + month->first).items =
                ids(month->second);
        }
    }
    build_folder_view(layout, "pictures", items, folders);
    layout.items("pictures", "pictures/all", "All pictures").items = ids(items);
}

void build_music(Layout& layout, const Items& items, std::vector<TrackTags> tags);

Items pointers(const std::vector<Item>& items) {
    Items out;
    out.reserve(items.size());
    for (const auto& it : items)
        out.push_back(&it);
    return out;
}

} // namespace

bool views_current(db::Database& db) {
    auto s = db.prepare("SELECT value FROM settings WHERE key = 'views_version'");
    return s.step() && s.int64(0) == kViewsVersion;
}

void rebuild_views(db::Database& db) {
    const auto folders = load_folders(db);
    Layout layout(db);
    // One kind at a time, each loaded, written and freed before the next: the rebuild holds the files of
    // the largest kind, not the whole library (it was the scan's peak memory).
    {
        const auto video = load_items(db, Kind::video, nullptr);
        build_video(layout, pointers(video), folders);
        layout.write();
    }
    {
        std::vector<TrackTags> tags;
        const auto audio = load_items(db, Kind::audio, &tags);
        build_music(layout, pointers(audio), std::move(tags));
        layout.write();
    }
    {
        const auto image = load_items(db, Kind::image, nullptr);
        build_pictures(layout, pointers(image), folders);
        layout.write();
    }
    db.prepare("INSERT INTO settings(key, value) VALUES('views_version', ?) "
               "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(1, kViewsVersion)
        .exec();
}

namespace {

using Albums = std::map<std::int64_t, MusicGroups::Album>;

// Disc, then track number, then title: the order the album plays in.
void sort_album(Items& tracks) {
    static constexpr auto none = std::numeric_limits<std::int64_t>::max();
    std::sort(tracks.begin(), tracks.end(), [](const Item* a, const Item* b) {
        return std::make_tuple(a->disc.value_or(0), a->track.value_or(none), std::cref(a->title_key), a->id) <
               std::make_tuple(b->disc.value_or(0), b->track.value_or(none), std::cref(b->title_key), b->id);
    });
}

// The tracks at these indices into the items grouped.
Items pick(const Items& items, const std::vector<std::size_t>& which) {
    Items out;
    out.reserve(which.size());
    for (auto i : which)
        out.push_back(items[i]);
    return out;
}

void add_album(Layout& layout, const std::string& parent, const std::string& key,
               const MusicGroups::Album& album, Items tracks) {
    sort_album(tracks);
    auto& node = layout.items(parent, key, album.title, "object.container.album.musicAlbum");
    node.artist = album.artist;
    node.items = ids(tracks);
    // The album's cover: the first track (in play order) that has a picture.
    auto with_art = std::find_if(tracks.begin(), tracks.end(), [](const Item* t) { return t->has_art; });
    if (with_art != tracks.end()) node.art_object = (*with_art)->id;
}

// Some of the albums (an artist's, a genre's) in title order.
std::vector<Albums::const_iterator> sorted_albums(const Albums& albums, const std::set<std::int64_t>& which) {
    std::vector<Albums::const_iterator> out;
    for (auto id : which)
        out.push_back(albums.find(id));
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return std::tie(a->second.key, a->first) < std::tie(b->second.key, b->first);
    });
    return out;
}

// The Music view of the groups (group_music): artists, albums, genres (by artist and all their albums), all
// tracks and the recently added. `items` are the tracks grouped, in the same order.
void lay_out_music(Layout& layout, const Items& items, MusicGroups& groups) {
    auto& [albums, artists, genres, ge_artists, genre_tracks] = groups;
    layout.add("0", "music", "Music");
    layout.add("music", "music/artists", "Artists");
    for (const auto& ar : by_title(artists)) {
        const auto key = "music/artist/" + std::to_string(ar->first);
        layout.add("music/artists", key, ar->second.title, "object.container.person.musicArtist");
        for (const auto& al : sorted_albums(albums, ar->second.albums))
            add_album(layout, key, key + "/album/" + std::to_string(al->first), al->second,
                      pick(items, al->second.tracks));
    }
    layout.add("music", "music/albums", "Albums");
    for (const auto& al : by_title(albums))
        add_album(layout, "music/albums", "music/album/" + std::to_string(al->first), al->second,
                  pick(items, al->second.tracks));
    layout.add("music", "music/genres", "Genres");
    for (const auto& ge : by_title(genres)) {
        const auto key = "music/genre/" + std::to_string(ge->first);
        layout.add("music/genres", key, ge->second.title, "object.container.genre.musicGenre");
        // A genre by artist (each with its albums of that genre), and all its albums.
        const auto genre_artists = key + "/artists";
        layout.add(key, genre_artists, "Artists");
        std::map<std::int64_t, MusicGroups::Named> in_genre;
        for (const auto& [artist, its_albums] : ge_artists[ge->first])
            in_genre[artist] = {artists[artist].key, artists[artist].title, its_albums};
        for (const auto& ar : by_title(in_genre)) {
            const auto artist_key = key + "/artist/" + std::to_string(ar->first);
            layout.add(genre_artists, artist_key, ar->second.title, "object.container.person.musicArtist");
            for (const auto& al : sorted_albums(albums, ar->second.albums))
                add_album(layout, artist_key, artist_key + "/album/" + std::to_string(al->first), al->second,
                          pick(items, genre_tracks[{ge->first, al->first}]));
        }
        const auto genre_albums = key + "/albums";
        layout.add(key, genre_albums, "Albums");
        for (const auto& al : sorted_albums(albums, ge->second.albums)) {
            add_album(layout, genre_albums, key + "/album/" + std::to_string(al->first), al->second,
                      pick(items, genre_tracks[{ge->first, al->first}]));
        }
    }
    Items all = items;
    sort_by_title(all);
    layout.items("music", "music/tracks", "All tracks").items = ids(all);
    layout.items("music", "music/recent", "Recently added").items = recent(items);
}

void build_music(Layout& layout, const Items& items, std::vector<TrackTags> tags) {
    if (items.empty()) return;
    auto groups =
        group_music(tags, [&](const char* kind, const std::string& key) { return layout.group(kind, key); });
    std::vector<TrackTags>().swap(tags); // grouped: the containers below do not need them
    lay_out_music(layout, items, groups);
}

} // namespace

} // namespace hearth::library
