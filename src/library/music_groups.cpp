// The music grouping rules (views.hpp): album artist, compilations, albums and genres. Pure: views.cpp lays
// the groups out as the Music view.
#include "hearth/library/views.hpp"

namespace hearth::library {

namespace {

constexpr std::string_view kUnknownArtist = "Unknown artist";
constexpr std::string_view kUnknownAlbum = "Unknown album";

bool present(const std::optional<std::string>& tag) {
    return tag && !group_name(*tag).empty();
}

using Compilations = std::set<std::pair<std::int64_t, std::string>>;

// (folder, album name) of the tracks without album_artist whose artists differ: compilations.
Compilations compilations(const std::vector<TrackTags>& tracks) {
    std::map<std::pair<std::int64_t, std::string>, std::string> first_artist;
    Compilations out;
    for (const auto& t : tracks) {
        if (present(t.album_artist) || !present(t.album)) continue;
        std::pair<std::int64_t, std::string> where{t.folder, group_name(*t.album)};
        auto artist = t.artist ? group_name(*t.artist) : std::string();
        auto [it, inserted] = first_artist.emplace(where, artist);
        if (!inserted && it->second != artist) out.insert(where);
    }
    return out;
}

TrackGroups group_track(const TrackTags& t, const Compilations& various) {
    TrackGroups g;
    const std::string album = present(t.album) ? std::string(*t.album) : std::string(kUnknownAlbum);
    const bool compilation =
        !present(t.album_artist) && present(t.album) && various.contains({t.folder, group_name(album)});
    if (compilation) {
        g.artist_title = kVariousArtists;
        // The folder keeps two unrelated compilations that share a name ("Greatest Hits") apart.
        g.album_key = "folder:" + std::to_string(t.folder) + "\x1f" + group_name(album);
    } else {
        g.artist_title = present(t.album_artist) ? *t.album_artist
                         : present(t.artist)     ? *t.artist
                                                 : std::string(kUnknownArtist);
        g.album_key = group_name(g.artist_title) + "\x1f" + group_name(album);
    }
    g.artist_key = group_name(g.artist_title);
    g.album_title = album;
    if (present(t.genre)) {
        g.genre_key = group_name(*t.genre);
        g.genre_title = *t.genre;
    }
    return g;
}

} // namespace

std::vector<TrackGroups> group_tracks(const std::vector<TrackTags>& tracks) {
    const auto various = compilations(tracks);
    std::vector<TrackGroups> out;
    out.reserve(tracks.size());
    for (const auto& t : tracks)
        out.push_back(group_track(t, various));
    return out;
}

MusicGroups group_music(const std::vector<TrackTags>& tracks, const GroupIds& ids) {
    const auto various = compilations(tracks);
    MusicGroups out;
    for (std::size_t i = 0; i < tracks.size(); ++i) {
        const auto g = group_track(tracks[i], various);
        const auto artist = ids("artist", g.artist_key);
        const auto album = ids("album", g.album_key);
        auto& a = out.albums[album];
        if (a.tracks.empty()) a = {natural_key(g.album_title), g.album_title, g.artist_title, {}};
        a.tracks.push_back(i);
        auto& ar = out.artists[artist];
        if (ar.title.empty()) ar = {natural_key(g.artist_title), g.artist_title, {}};
        ar.albums.insert(album);
        if (!g.genre_key) continue;
        const auto genre = ids("genre", *g.genre_key);
        auto& ge = out.genres[genre];
        if (ge.title.empty()) ge = {natural_key(*g.genre_title), *g.genre_title, {}};
        ge.albums.insert(album);
        out.genre_artists[genre][artist].insert(album);
        out.genre_tracks[{genre, album}].push_back(i);
    }
    return out;
}

} // namespace hearth::library
