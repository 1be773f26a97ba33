// Browse and Search over the views (root → Video/Music/Pictures/Folders), on a real temporary index whose
// views rebuild_views() made, driven through the SOAP action table.
#include "hearth/cds/content_directory.hpp"
#include "hearth/cds/object_ids.hpp"
#include "hearth/library/views.hpp"
#include "hearth/renderers/profile.hpp"
#include "support/cds_client.hpp"
#include "support/index.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace hearth::cds {
namespace {

TEST(ObjectIds, FolderTreeIdsStayIntegersAndViewIdsNeverAre) {
    EXPECT_EQ(parse_object_id("0")->kind, ObjectRef::Kind::root);
    EXPECT_EQ(parse_object_id(" folders ")->kind, ObjectRef::Kind::folders);
    auto object = parse_object_id("42");
    EXPECT_EQ(object->kind, ObjectRef::Kind::object);
    EXPECT_EQ(object->object, 42);
    auto view = parse_object_id("music/album/12");
    EXPECT_EQ(view->kind, ObjectRef::Kind::view);
    EXPECT_EQ(view->key, "music/album/12");
    EXPECT_EQ(view->item_of, "music/album"); // tried only when no view has the whole id
    EXPECT_EQ(view->object, 12);
    auto top = parse_object_id("music");
    EXPECT_FALSE(top->item_of);
    EXPECT_EQ(view_item_id("music/album/12", 7), "music/album/12/7");
    auto item = parse_object_id(view_item_id("music/album/12", 7));
    EXPECT_EQ(item->item_of, "music/album/12");
    EXPECT_EQ(item->object, 7);
    for (const char* bad : {"", "-1", "99999999999999999999", "music//album", "/music", "music/", "Music",
                            "music/album/1'; DROP TABLE objects", "1music", "music/%2e%2e"}) {
        EXPECT_FALSE(parse_object_id(bad)) << bad;
    }
    EXPECT_FALSE(parse_object_id(std::string(300, 'a')));
}

TEST(ObjectIds, WindowsMediaConnectNumbersNameViews) {
    EXPECT_EQ(ms_container("7", MsAsk::search), "music/albums");
    EXPECT_EQ(ms_container("4", MsAsk::search), "music/tracks");
    EXPECT_EQ(ms_container(" 15 ", MsAsk::search), "video/folders");
    EXPECT_EQ(ms_container("B", MsAsk::search), "pictures/all");
    EXPECT_EQ(ms_container("17", MsAsk::search), "17");
    EXPECT_EQ(ms_container("music", MsAsk::search), "music");
    // Browsed, only the two numbers the Xbox browses are views; the rest stay folder-tree objects.
    EXPECT_EQ(ms_container("16", MsAsk::browse), "pictures/folders");
    EXPECT_EQ(ms_container("15", MsAsk::browse), "video/folders");
    EXPECT_EQ(ms_container("7", MsAsk::browse), "7");
    EXPECT_EQ(ms_container("4", MsAsk::browse), "4");
}

class ViewsActionTest : public ::testing::Test {
  protected:
    void SetUp() override {
        test::IndexWriter db(dir / "index.db");
        db.exec("INSERT INTO settings VALUES('system_update_id', '3')");
        db.exec(
            "INSERT INTO objects(id, parent_id, is_container, path, title, upnp_class, child_count) VALUES"
            "(1, 0, 1, '/m', 'm', 'object.container.storageFolder', 4)");
        struct Track {
            std::int64_t id;
            const char *title, *artist, *album;
            std::int64_t track;
        };
        const Track tracks[] = {{10, "Ten", "A", "First", 10},
                                {11, "Two", "A", "First", 2},
                                {12, "Solo", "B", "Second", 1},
                                {13, "Alpha", "B", "Second", 2}};
        for (const auto& t : tracks) {
            auto s =
                db.prepare("INSERT INTO objects(id, parent_id, is_container, path, title, upnp_class, size, "
                           "mime, artist, album, track, genre) VALUES(?, 1, 0, ?, ?, "
                           "'object.item.audioItem.musicTrack', 1000, 'audio/mpeg', ?, ?, ?, 'Rock')");
            s.bind(1, t.id).bind(2, "/m/" + std::to_string(t.id) + ".mp3").bind(3, t.title).bind(4, t.artist);
            s.bind(5, t.album).bind(6, t.track).exec();
        }
        library::rebuild_views(db);
    }

    test::CdsReply call(const std::string& body, bool restricted = false,
                        const renderers::Profile* profile = nullptr) {
        upnp::RequestContext ctx{"http://10.0.0.1:8300"};
        ctx.restricted = restricted;
        ctx.profile = profile;
        return test::invoke(cd, body, ctx);
    }

    test::CdsReply browse(const std::string& id, bool metadata = false, int start = 0, int count = 0,
                          bool restricted = false) {
        return call(test::browse_body(id, metadata ? "BrowseMetadata" : "BrowseDirectChildren", start, count),
                    restricted);
    }

    test::CdsReply search(const std::string& container, const std::string& criteria,
                          const renderers::Profile* profile = nullptr) {
        return call(test::search_body(container, criteria), false, profile);
    }

    test::TempDir dir;
    db::ReaderPool pool{dir / "index.db"};
    ContentDirectory cd{pool};
};

TEST_F(ViewsActionTest, RootListsTheViewsWithContentThenFolders) {
    auto root = browse("0");
    ASSERT_EQ(root.status, 200);
    EXPECT_EQ(root.ids(), (std::vector<std::string>{"music", "folders"}));
    EXPECT_EQ(root.titles, (std::vector<std::string>{"Music", "Folders"}));
    EXPECT_EQ(root.total, 2);
    EXPECT_STREQ(root.objects[0].attribute("parentID").value(), "0");
    EXPECT_EQ(root.objects[0].attribute("childCount").as_int(), 5); // artists, albums, genres, tracks, recent
    auto meta = browse("0", true);
    EXPECT_EQ(meta.objects.at(0).attribute("childCount").as_int(), 2);
    auto second = browse("0", false, 1, 5);
    EXPECT_EQ(second.ids(), (std::vector<std::string>{"folders"}));
    EXPECT_EQ(second.total, 2);
}

TEST_F(ViewsActionTest, TheFolderTreeKeepsItsIdsUnderFolders) {
    auto folders = browse("folders");
    ASSERT_EQ(folders.ids(), (std::vector<std::string>{"1"}));
    EXPECT_STREQ(folders.objects[0].attribute("parentID").value(), "folders");
    auto meta = browse("folders", true);
    EXPECT_STREQ(meta.objects.at(0).attribute("parentID").value(), "0");
    EXPECT_EQ(meta.objects.at(0).attribute("childCount").as_int(), 1);
    EXPECT_EQ(browse("1").total, 4);
    EXPECT_STREQ(browse("10", true).objects.at(0).attribute("parentID").value(), "1");
}

TEST_F(ViewsActionTest, ArtistsAlbumsAndTracksInAlbumOrder) {
    auto artists = browse("music/artists");
    ASSERT_EQ(artists.titles, (std::vector<std::string>{"A", "B"}));
    EXPECT_STREQ(artists.objects[0].child_value("upnp:class"), "object.container.person.musicArtist");
    auto albums = browse(artists.ids()[0]);
    ASSERT_EQ(albums.titles, (std::vector<std::string>{"First"}));
    EXPECT_STREQ(albums.objects[0].attribute("parentID").value(), artists.ids()[0].c_str());
    EXPECT_STREQ(albums.objects[0].child_value("upnp:artist"), "A");
    auto tracks = browse(albums.ids()[0]);
    EXPECT_EQ(tracks.titles, (std::vector<std::string>{"Two", "Ten"}));
    EXPECT_EQ(tracks.objects[0].attribute("childCount").as_int(), 0);
    EXPECT_STREQ(tracks.objects[0].attribute("parentID").value(), albums.ids()[0].c_str());
    EXPECT_STREQ(tracks.objects[0].attribute("refID").value(), "11");
    EXPECT_EQ(tracks.ids()[0], albums.ids()[0] + "/11");
    EXPECT_STREQ(tracks.objects[0].child("res").text().get(), "http://10.0.0.1:8300/media/11.mp3");
}

TEST_F(ViewsActionTest, MetadataOfAViewItemNamesItsViewAsParent) {
    auto meta = browse("music/tracks/13", true);
    ASSERT_EQ(meta.status, 200);
    ASSERT_EQ(meta.objects.size(), 1u);
    EXPECT_STREQ(meta.objects[0].attribute("id").value(), "music/tracks/13");
    EXPECT_STREQ(meta.objects[0].attribute("parentID").value(), "music/tracks");
    EXPECT_STREQ(meta.objects[0].attribute("refID").value(), "13");
    EXPECT_EQ(browse("music/tracks/13").total, 0);
    auto view = browse("music/tracks", true);
    EXPECT_EQ(view.objects.at(0).attribute("childCount").as_int(), 4);
    EXPECT_STREQ(view.objects.at(0).attribute("parentID").value(), "music");
}

TEST_F(ViewsActionTest, UnknownOrMismatchedViewIdsAre701) {
    EXPECT_EQ(browse("video").error_code, 701); // no video in this library
    EXPECT_EQ(browse("music/tracks/999", true).error_code, 701);
    EXPECT_EQ(browse("music/album/999999/10", true).error_code, 701);
    EXPECT_EQ(browse("music/artists/10", true).error_code, 701); // holds containers, not items
    EXPECT_EQ(browse("music/Tracks", true).error_code, 701);
    auto albums = browse("music/albums");
    EXPECT_EQ(browse(albums.ids()[0] + "/12", true).error_code, 701); // track of the other album
}

TEST_F(ViewsActionTest, PagesOfAViewCoverEveryItemOnce) {
    std::vector<std::string> all;
    for (int start = 0; start < 4; start += 3) {
        auto page = browse("music/tracks", false, start, 3);
        EXPECT_EQ(page.total, 4);
        for (auto& id : page.ids())
            all.push_back(id);
    }
    EXPECT_EQ(all, (std::vector<std::string>{"music/tracks/13", "music/tracks/12", "music/tracks/10",
                                             "music/tracks/11"}));
    EXPECT_EQ(browse("music/tracks", false, 10, 3).returned, 0);
}

TEST_F(ViewsActionTest, SearchInAViewFindsOnlyItsItems) {
    auto albums = browse("music/albums");
    auto in_second = search(albums.ids()[1], "upnp:class derivedfrom \"object.item.audioItem\"");
    ASSERT_EQ(in_second.status, 200);
    EXPECT_EQ(in_second.total, 2);
    auto everywhere = search("music", "dc:title contains \"t\"");
    EXPECT_EQ(everywhere.total, 2); // Ten, Two
    EXPECT_EQ(search("folders", "upnp:class derivedfrom \"object.item\"").total, 4);
    EXPECT_EQ(search("music/tracks/13", "dc:title exists true").error_code, 701);
}

TEST_F(ViewsActionTest, XboxWellKnownContainersOnlyForClientsThatUseThem) {
    const auto& table = renderers::builtin_profiles();
    const auto xbox =
        std::find_if(table.begin(), table.end(), [](const auto& p) { return p.name == "Xbox 360"; });
    ASSERT_NE(xbox, table.end());
    ASSERT_TRUE(xbox->ms_container_ids);
    // "Albums" searched for album containers lists the albums; "All music" searched for audio, the tracks.
    auto albums = search("7", "upnp:class = \"object.container.album.musicAlbum\"", &*xbox);
    ASSERT_EQ(albums.status, 200);
    EXPECT_EQ(albums.titles, (std::vector<std::string>{"First", "Second"}));
    EXPECT_EQ(albums.total, 2);
    EXPECT_STREQ(albums.objects[0].attribute("parentID").value(), "music/albums");
    EXPECT_EQ(search("4", "upnp:class derivedfrom \"object.item.audioItem\"", &*xbox).total, 4);
    // Browsed, "6" is the folder-tree object 6 (none here), not the artists: only 15 and 16 are mapped.
    EXPECT_EQ(call(test::browse_body("6", "BrowseDirectChildren", 0, 0), false, &*xbox).error_code, 701);
    EXPECT_EQ(call(test::browse_body("10", "BrowseMetadata", 0, 0), false, &*xbox).titles,
              (std::vector<std::string>{"Ten"}));
    // For anyone else the numbers are object ids: 7 is no object here, 1 is the shared folder.
    EXPECT_EQ(search("7", "upnp:class = \"object.container.album.musicAlbum\"").error_code, 701);
    EXPECT_EQ(search("1", "upnp:class derivedfrom \"object.item.audioItem\"").total, 4);
}

TEST_F(ViewsActionTest, DevicesAwaitingApprovalStillSeeOnlyTheApprovalFolder) {
    auto root = browse("0", false, 0, 0, true);
    EXPECT_EQ(root.ids(), (std::vector<std::string>{"approval"}));
    EXPECT_EQ(browse("music", false, 0, 0, true).error_code, 701);
    EXPECT_EQ(browse("folders", false, 0, 0, true).error_code, 701);
}

} // namespace
} // namespace hearth::cds
