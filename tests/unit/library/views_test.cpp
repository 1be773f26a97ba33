// The browse views: natural (episode) order, music grouping rules, months taken, and the tables that
// rebuild_views() writes from an index.
#include "hearth/db/migrations.hpp"
#include "hearth/library/views.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace hearth::library {
namespace {

std::vector<std::string> naturally_sorted(std::vector<std::string> names) {
    std::sort(names.begin(), names.end(),
              [](const auto& a, const auto& b) { return natural_key(a) < natural_key(b); });
    return names;
}

TEST(NaturalOrder, EpisodesPlayInOrder) {
    EXPECT_EQ(naturally_sorted({"Show S01E10.mkv", "Show S01E02.mkv", "Show S02E01.mkv", "show s01e01.mkv"}),
              (std::vector<std::string>{"show s01e01.mkv", "Show S01E02.mkv", "Show S01E10.mkv",
                                        "Show S02E01.mkv"}));
    EXPECT_EQ(naturally_sorted({"Episode 10", "Episode 9", "Episode 100", "Episode 1"}),
              (std::vector<std::string>{"Episode 1", "Episode 9", "Episode 10", "Episode 100"}));
    EXPECT_EQ(naturally_sorted({"Show.1x10", "Show.1x2", "Show.2x1"}),
              (std::vector<std::string>{"Show.1x2", "Show.1x10", "Show.2x1"}));
}

TEST(NaturalOrder, LeadingZerosAndHugeNumbersCompareByValue) {
    EXPECT_EQ(natural_key("E002"), natural_key("e2"));
    EXPECT_LT(natural_key("E2"), natural_key("E10"));
    EXPECT_LT(natural_key("Part 99999999999999999999"), natural_key("Part 100000000000000000000"));
    EXPECT_LT(natural_key("a"), natural_key("B"));
    EXPECT_EQ(natural_key(""), "");
}

TEST(GroupName, IgnoresCaseAndSpacing) {
    EXPECT_EQ(group_name("  The   Beatles "), "the beatles");
    EXPECT_EQ(group_name("AC/DC"), group_name("ac/dc"));
    EXPECT_NE(group_name("Björk"), group_name("Bjork"));
}

TrackTags track(std::int64_t folder, const char* artist, const char* album,
                const char* album_artist = nullptr, const char* genre = nullptr) {
    auto opt = [](const char* s) { return s ? std::optional<std::string>(s) : std::nullopt; };
    return {folder, opt(artist), opt(album), opt(album_artist), opt(genre)};
}

TEST(GroupTracks, AnAlbumArtistMakesOneAlbumOfManyTrackArtists) {
    auto g =
        group_tracks({track(1, "Singer A", "Duets", "Big Star"), track(1, "Singer B", "Duets", "big star"),
                      track(2, "Singer C", "Duets", "Big Star")});
    ASSERT_EQ(g.size(), 3u);
    EXPECT_EQ(g[0].album_key, g[1].album_key);
    EXPECT_EQ(g[0].album_key, g[2].album_key); // one album even across two disc folders
    EXPECT_EQ(g[0].artist_title, "Big Star");
    EXPECT_EQ(g[1].artist_key, g[0].artist_key);
}

TEST(GroupTracks, ACompilationFolderWithoutAlbumArtistIsOneAlbumOfVariousArtists) {
    auto g = group_tracks({track(7, "A", "Hits 2001"), track(7, "B", "Hits 2001"), track(7, "C", "hits 2001"),
                           track(8, "A", "Hits 2001")});
    EXPECT_EQ(g[0].album_key, g[1].album_key);
    EXPECT_EQ(g[0].album_key, g[2].album_key);
    EXPECT_EQ(g[0].artist_title, kVariousArtists);
    // The same name elsewhere by one artist is that artist's album, not the compilation.
    EXPECT_NE(g[3].album_key, g[0].album_key);
    EXPECT_EQ(g[3].artist_title, "A");
}

TEST(GroupTracks, SameAlbumNameOfTwoArtistsStaysTwoAlbums) {
    auto g = group_tracks({track(1, "Weezer", "Weezer"), track(2, "Other", "Weezer")});
    EXPECT_NE(g[0].album_key, g[1].album_key);
    EXPECT_EQ(g[0].album_title, "Weezer");
}

TEST(GroupTracks, MissingTagsFallBackToUnknownAndGenreIsOptional) {
    auto g = group_tracks({track(1, nullptr, nullptr), track(1, "  ", "X", nullptr, "Jazz")});
    EXPECT_EQ(g[0].artist_title, "Unknown artist");
    EXPECT_EQ(g[0].album_title, "Unknown album");
    EXPECT_FALSE(g[0].genre_key);
    EXPECT_EQ(g[1].artist_title, "Unknown artist");
    EXPECT_EQ(g[1].genre_title, "Jazz");
}

TEST(MonthTaken, DateFirstThenFileTime) {
    EXPECT_EQ(month_taken(std::string("2019-05-02T10:11:12"), 0), "2019-05");
    EXPECT_EQ(month_taken(std::string("2019-12"), std::nullopt), "2019-12");
    EXPECT_EQ(month_taken(std::nullopt, std::nullopt), std::nullopt);
    // A date without a month, or nonsense, falls back to the file's time.
    const std::int64_t mid_2021 = 1625140800; // 2021-07-01 12:00 UTC: July in every time zone
    EXPECT_EQ(month_taken(std::string("2019"), mid_2021), "2021-07");
    EXPECT_EQ(month_taken(std::string("2019-13-01"), mid_2021), "2021-07");
    EXPECT_EQ(month_taken(std::string("0000-00-00"), mid_2021), "2021-07");
}

class RebuildViews : public ::testing::Test {
  protected:
    void SetUp() override {
        db::configure_writer(db);
        db.exec("INSERT INTO objects(id, parent_id, is_container, path, title, upnp_class) VALUES"
                "(1, 0, 1, '/m', 'm', 'object.container.storageFolder'),"
                "(2, 1, 1, '/m/Show', 'Show', 'object.container.storageFolder'),"
                "(3, 2, 1, '/m/Show/Season 1', 'Season 1', 'object.container.storageFolder'),"
                "(4, 1, 1, '/m/Hits', 'Hits', 'object.container.storageFolder')");
    }

    void add(std::int64_t id, std::int64_t parent, const std::string& name, const std::string& cls,
             std::int64_t added_at = 0) {
        auto s = db.prepare("INSERT INTO objects(id, parent_id, is_container, path, title, upnp_class, "
                            "added_at, mtime) VALUES(?, ?, 0, ?, ?, ?, ?, 1625140800)");
        s.bind(1, id)
            .bind(2, parent)
            .bind(3, "/x/" + name)
            .bind(4, name)
            .bind(5, cls)
            .bind(6, added_at)
            .exec();
    }

    void tag(std::int64_t id, const std::string& sql) {
        db.exec("UPDATE objects SET " + sql + " WHERE id = " + std::to_string(id));
    }

    std::vector<std::string> children(const std::string& parent) {
        auto s = db.prepare("SELECT key FROM views WHERE parent_key = ? ORDER BY position");
        s.bind(1, parent);
        std::vector<std::string> out;
        while (s.step())
            out.push_back(s.text(0));
        return out;
    }

    std::vector<std::int64_t> items(const std::string& view) {
        auto s = db.prepare("SELECT i.object_id FROM view_items i JOIN views v ON v.id = i.view "
                            "WHERE v.key = ? ORDER BY i.position");
        s.bind(1, view);
        std::vector<std::int64_t> out;
        while (s.step())
            out.push_back(s.int64(0));
        return out;
    }

    std::string title(const std::string& key) {
        auto s = db.prepare("SELECT title || '|' || child_count FROM views WHERE key = ?");
        s.bind(1, key);
        return s.step() ? s.text(0) : "";
    }

    test::TempDir dir;
    db::Database db{dir / "index.db", db::OpenMode::read_write_create};
};

constexpr const char* kTrack = "object.item.audioItem.musicTrack";
constexpr const char* kVideo = "object.item.videoItem";
constexpr const char* kPhoto = "object.item.imageItem.photo";

TEST_F(RebuildViews, AnEmptyLibraryHasNoViews) {
    rebuild_views(db);
    EXPECT_TRUE(children("0").empty());
    EXPECT_TRUE(views_current(db));
}

TEST_F(RebuildViews, OnlyKindsWithContentAppearAtTheTop) {
    add(10, 1, "song.mp3", kTrack);
    rebuild_views(db);
    EXPECT_EQ(children("0"), (std::vector<std::string>{"music"}));
    EXPECT_EQ(children("music"), (std::vector<std::string>{"music/artists", "music/albums", "music/tracks",
                                                           "music/recent"})); // no genre: no Genres
}

TEST_F(RebuildViews, AlbumsPlayByDiscThenTrackAndKeepTheirIdsAcrossRebuilds) {
    const char* titles[] = {"Ten", "Two", "One", "Disc two first"};
    const std::int64_t discs[] = {1, 1, 1, 2};
    const std::int64_t tracks[] = {10, 2, 1, 1};
    for (int i = 0; i < 4; ++i) {
        add(20 + i, 4, titles[i], kTrack);
        tag(20 + i, "album = 'Hits', album_artist = 'Big Star', artist = 'Singer " + std::to_string(i) +
                        "', genre = 'Pop', disc = " + std::to_string(discs[i]) +
                        ", track = " + std::to_string(tracks[i]));
    }
    rebuild_views(db);
    const auto albums = children("music/albums");
    ASSERT_EQ(albums.size(), 1u);
    EXPECT_EQ(title(albums[0]), "Hits|4");
    EXPECT_EQ(items(albums[0]), (std::vector<std::int64_t>{22, 21, 20, 23}));
    const auto artists = children("music/artists");
    ASSERT_EQ(artists.size(), 1u);
    EXPECT_EQ(title(artists[0]), "Big Star|1");
    EXPECT_EQ(children(artists[0]),
              (std::vector<std::string>{artists[0] + "/album/" + albums[0].substr(12)}));
    const auto genres = children("music/genres");
    ASSERT_EQ(genres.size(), 1u);
    // A genre lists its artists (each with its albums of the genre) and its albums.
    EXPECT_EQ(children(genres[0]), (std::vector<std::string>{genres[0] + "/artists", genres[0] + "/albums"}));
    const auto genre_albums = children(genres[0] + "/albums");
    ASSERT_EQ(genre_albums.size(), 1u);
    EXPECT_EQ(items(genre_albums[0]), (std::vector<std::int64_t>{22, 21, 20, 23}));
    const auto genre_artists = children(genres[0] + "/artists");
    ASSERT_EQ(genre_artists.size(), 1u);
    EXPECT_EQ(title(genre_artists[0]), "Big Star|1");
    EXPECT_EQ(items(children(genre_artists[0]).at(0)), (std::vector<std::int64_t>{22, 21, 20, 23}));

    // The album's cover is its first track in play order that has a picture.
    auto art_object = [&](const std::string& key) {
        auto s = db.prepare("SELECT art_object FROM views WHERE key = ?");
        s.bind(1, key);
        return s.step() ? s.opt_int64(0) : std::optional<std::int64_t>(-1);
    };
    EXPECT_EQ(art_object(albums[0]), std::nullopt);
    tag(20, "art = 'embedded'");
    tag(21, "art = '/media/Hits/cover.jpg'");
    rebuild_views(db);
    EXPECT_EQ(art_object(albums[0]), 21);

    // A new album appears; the old album, artist and genre keep their ids.
    add(30, 1, "other.mp3", kTrack);
    tag(30, "album = 'Another', artist = 'Zed', genre = 'Pop'");
    rebuild_views(db);
    const auto after = children("music/albums");
    ASSERT_EQ(after.size(), 2u);
    EXPECT_EQ(title(after[0]), "Another|1");
    EXPECT_EQ(after[1], albums[0]);
    EXPECT_EQ(children("music/genres"), genres);
    EXPECT_EQ(children("music/artists").at(0), artists[0]);
}

TEST_F(RebuildViews, VideosInAFolderFollowEpisodeOrderAndRecentIsNewestFirst) {
    add(40, 3, "Show S01E10.mkv", kVideo, 300);
    add(41, 3, "Show S01E02.mkv", kVideo, 100);
    add(42, 3, "Show S01E01.mkv", kVideo, 200);
    rebuild_views(db);
    EXPECT_EQ(children("video"), (std::vector<std::string>{"video/all", "video/folders", "video/recent"}));
    EXPECT_EQ(children("video/folders"), (std::vector<std::string>{"video/folder/3"}));
    EXPECT_EQ(title("video/folder/3"), "Show/Season 1|3");
    EXPECT_EQ(items("video/folder/3"), (std::vector<std::int64_t>{42, 41, 40}));
    EXPECT_EQ(items("video/all"), (std::vector<std::int64_t>{42, 41, 40}));
    EXPECT_EQ(items("video/recent"), (std::vector<std::int64_t>{40, 42, 41}));
}

TEST_F(RebuildViews, PicturesByYearAndMonthTaken) {
    add(50, 1, "b.jpg", kPhoto);
    tag(50, "date = '2019-05-02T10:00:00'");
    add(51, 1, "a.jpg", kPhoto);
    tag(51, "date = '2019-05-01T09:00:00'");
    add(52, 1, "c.jpg", kPhoto);
    tag(52, "date = '2018-12-24T20:00:00'");
    add(53, 1, "no-exif.png", kPhoto); // file time: July 2021
    rebuild_views(db);
    EXPECT_EQ(
        children("pictures/dates"),
        (std::vector<std::string>{"pictures/dates/2021", "pictures/dates/2019", "pictures/dates/2018"}));
    EXPECT_EQ(children("pictures/dates/2019"), (std::vector<std::string>{"pictures/dates/2019/05"}));
    EXPECT_EQ(title("pictures/dates/2019/05"), "2019-05|2");
    EXPECT_EQ(items("pictures/dates/2019/05"), (std::vector<std::int64_t>{51, 50}));
    EXPECT_EQ(items("pictures/dates/2021/07"), (std::vector<std::int64_t>{53}));
    EXPECT_EQ(children("pictures/folders"), (std::vector<std::string>{"pictures/folder/1"}));
}

} // namespace
} // namespace hearth::library
