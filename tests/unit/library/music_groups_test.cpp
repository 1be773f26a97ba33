// The grouping step of the Music view (group_music, views.hpp), without a database: ids come from a map.
#include "hearth/library/views.hpp"

#include <gtest/gtest.h>

namespace hearth::library {
namespace {

// Stable ids in order of first use, as view_groups gives them; records every question asked.
struct FakeIds {
    std::map<std::string, std::int64_t> known;
    std::vector<std::string> asked;
    GroupIds ids() {
        return [this](const char* kind, const std::string& key) {
            auto full = std::string(kind) + ":" + key;
            asked.push_back(full);
            return known.emplace(full, static_cast<std::int64_t>(known.size()) + 1).first->second;
        };
    }
};

TrackTags track(std::int64_t folder, const char* artist, const char* album, const char* album_artist,
                const char* genre) {
    auto tag = [](const char* t) { return t ? std::optional<std::string>(t) : std::nullopt; };
    return {folder, tag(artist), tag(album), tag(album_artist), tag(genre)};
}

TEST(GroupMusic, AlbumsArtistsAndGenresHoldTheirTracksInOrder) {
    const std::vector<TrackTags> tracks = {
        track(1, "Nina", "Blue", nullptr, "Jazz"),  // 0
        track(1, "Nina", "Blue", nullptr, "Jazz"),  // 1
        track(2, "Nina", "Red", nullptr, "Soul"),   // 2
        track(3, "Otis", "Dock", nullptr, nullptr), // 3: no genre
        track(2, "nina ", "Red", nullptr, "Jazz"),  // 4: the same artist and album, another genre
    };
    FakeIds fake;
    const auto g = group_music(tracks, fake.ids());
    const auto nina = fake.known.at("artist:nina"), otis = fake.known.at("artist:otis");
    const auto blue = fake.known.at("album:nina\x1f"
                                    "blue"),
               red = fake.known.at("album:nina\x1fred");
    const auto dock = fake.known.at("album:otis\x1f"
                                    "dock");
    const auto jazz = fake.known.at("genre:jazz"), soul = fake.known.at("genre:soul");

    ASSERT_EQ(g.albums.size(), 3u);
    EXPECT_EQ(g.albums.at(blue).tracks, (std::vector<std::size_t>{0, 1}));
    EXPECT_EQ(g.albums.at(red).tracks, (std::vector<std::size_t>{2, 4}));
    EXPECT_EQ(g.albums.at(red).title, "Red");
    EXPECT_EQ(g.albums.at(red).artist, "Nina"); // the first track's spelling names the group
    EXPECT_EQ(g.albums.at(red).key, natural_key("Red"));
    ASSERT_EQ(g.artists.size(), 2u);
    EXPECT_EQ(g.artists.at(nina).albums, (std::set<std::int64_t>{blue, red}));
    EXPECT_EQ(g.artists.at(otis).albums, (std::set<std::int64_t>{dock}));
    ASSERT_EQ(g.genres.size(), 2u);
    EXPECT_EQ(g.genres.at(jazz).albums, (std::set<std::int64_t>{blue, red}));
    EXPECT_EQ(g.genres.at(soul).albums, (std::set<std::int64_t>{red}));
    EXPECT_EQ(g.genre_artists.at(jazz).at(nina), (std::set<std::int64_t>{blue, red}));
    EXPECT_FALSE(g.genre_artists.at(jazz).contains(otis));
    EXPECT_EQ(g.genre_tracks.at({jazz, red}), std::vector<std::size_t>{4});
    EXPECT_EQ(g.genre_tracks.at({soul, red}), std::vector<std::size_t>{2});
    EXPECT_EQ(g.genre_tracks.at({jazz, blue}), (std::vector<std::size_t>{0, 1}));
}

TEST(GroupMusic, AsksForIdsArtistThenAlbumThenGenreForEachTrack) {
    // The order matters: a new name gets the next id in view_groups, so the ids of a rebuild depend on it.
    FakeIds fake;
    group_music({track(1, "A", "X", nullptr, "Pop"), track(1, "B", nullptr, nullptr, nullptr)}, fake.ids());
    EXPECT_EQ(fake.asked, (std::vector<std::string>{"artist:a", "album:a\x1fx", "genre:pop", "artist:b",
                                                    "album:b\x1funknown album"}));
}

TEST(GroupMusic, ACompilationIsOneAlbumOfVariousArtists) {
    FakeIds fake;
    const auto g = group_music(
        {track(7, "A", "Hits", nullptr, nullptr), track(7, "B", "Hits", nullptr, nullptr)}, fake.ids());
    ASSERT_EQ(g.albums.size(), 1u);
    EXPECT_EQ(g.albums.begin()->second.artist, kVariousArtists);
    EXPECT_EQ(g.albums.begin()->second.tracks, (std::vector<std::size_t>{0, 1}));
    EXPECT_EQ(g.artists.size(), 1u);
    EXPECT_TRUE(fake.known.contains("album:folder:7\x1fhits"));
}

TEST(GroupMusic, NoTracksNoGroups) {
    FakeIds fake;
    const auto g = group_music({}, fake.ids());
    EXPECT_TRUE(g.albums.empty() && g.artists.empty() && g.genres.empty());
    EXPECT_TRUE(fake.asked.empty());
}

} // namespace
} // namespace hearth::library
