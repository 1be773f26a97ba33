#pragma once
// The browse views beside the folder tree: Video, Music (artists, albums, genres, tracks, recently added) and
// Pictures (by date taken, by folder). The grouping rules are pure functions (music's in music_groups.cpp);
// rebuild_views() (views.cpp) lays the groups out and materialises them into the views/view_items tables
// (0006_views.sql) so that Browse pages with index seeks.
// Threads: rebuild_views() runs on the scanner thread, on the writer connection, inside its transaction.
#include "hearth/db/sqlite.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hearth::library {

/// A sort key in which runs of digits compare by value ("S01E2" before "S01E10") and ASCII letters ignore
/// case; other bytes (UTF-8) compare as they are.
std::string natural_key(std::string_view text);

/// A name as grouping compares it: trimmed, inner whitespace collapsed, ASCII letters in lower case.
std::string group_name(std::string_view name);

/// What grouping reads from one music track.
struct TrackTags {
    std::int64_t folder = 0; ///< the folder holding the file (a compilation is grouped per folder)
    std::optional<std::string> artist, album, album_artist, genre;
};

/// Where a track is shown: under which album artist, in which album, in which genre.
struct TrackGroups {
    std::string artist_key, artist_title; ///< the album artist ("Various artists" for a compilation)
    std::string album_key, album_title;   ///< album_key includes the artist (or folder): same-named albums
                                          ///< of two artists stay two albums
    std::optional<std::string> genre_key, genre_title;
};

inline constexpr std::string_view kVariousArtists = "Various artists";

/// Groups tracks by album artist and album. A track's album artist is its album_artist tag, else its artist.
/// Tracks without album_artist that share a folder and an album name but not an artist are a compilation:
/// one album under "Various artists".
std::vector<TrackGroups> group_tracks(const std::vector<TrackTags>& tracks);

/// The music library grouped (group_tracks' rules), as the Music view lays it out: each album, artist and
/// genre under its stable id, with its tracks given as indices into the tags grouped.
struct MusicGroups {
    struct Album {
        std::string key; ///< natural_key of the title: the order albums are listed in
        std::string title, artist;
        std::vector<std::size_t> tracks;
    };
    struct Named {
        std::string key; ///< natural_key of the title
        std::string title;
        std::set<std::int64_t> albums;
    };
    std::map<std::int64_t, Album> albums;
    std::map<std::int64_t, Named> artists, genres;
    std::map<std::int64_t, std::map<std::int64_t, std::set<std::int64_t>>>
        genre_artists; ///< → artist → albums
    std::map<std::pair<std::int64_t, std::int64_t>, std::vector<std::size_t>>
        genre_tracks; ///< (genre, album)
};

/// The stable id of a group ("artist", "album" or "genre") by its key; asked once per track for its artist,
/// then its album, then (when it has one) its genre.
using GroupIds = std::function<std::int64_t(const char* kind, const std::string& key)>;

/// Groups the tracks (in the order given) into albums, artists and genres. Pure, given a pure `ids`.
MusicGroups group_music(const std::vector<TrackTags>& tracks, const GroupIds& ids);

/// The year and month a picture was taken ("2019-05"): from its date (EXIF, "YYYY-MM…") when there is one,
/// else from the file's modification time in local time; nullopt when neither is known.
std::optional<std::string> month_taken(const std::optional<std::string>& date,
                                       const std::optional<std::int64_t>& mtime);

/// Bump when the views' layout or rules change: the next scan rebuilds them even if no file changed.
inline constexpr std::int64_t kViewsVersion = 2;

/// Whether the stored views were built by this version of the rules.
bool views_current(db::Database& db);

/// Replaces every view container and its items from the objects table; records kViewsVersion.
void rebuild_views(db::Database& db);

} // namespace hearth::library
