// ContentDirectory's Search action over a real (temporary) index, driven through the SOAP action table.
#include "hearth/cds/content_directory.hpp"
#include "support/cds_client.hpp"
#include "support/index.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace hearth::cds {
namespace {

using test::search_body;

class SearchActionTest : public ::testing::Test {
  protected:
    void SetUp() override {
        test::IndexWriter db(dir / "index.db");
        db.exec("INSERT INTO settings VALUES('system_update_id', '7')");
        db.exec(
            "INSERT INTO objects(id, parent_id, is_container, path, title, upnp_class, child_count) VALUES"
            "(1, 0, 1, '/m', 'm', 'object.container.storageFolder', 4),"
            "(2, 1, 1, '/m/Alpha folder', 'Alpha folder', 'object.container.storageFolder', 1),"
            "(3, 0, 1, '/mx', 'mx', 'object.container.storageFolder', 1)");
        struct Item {
            std::int64_t id, parent;
            const char* path;
            const char* title;
            const char* upnp_class;
        };
        const Item items[] = {
            {10, 1, "/m/1.mp3", "Alpha one", "object.item.audioItem.musicTrack"},
            {11, 2, "/m/Alpha folder/2.mp3", "ALPHA two", "object.item.audioItem.musicTrack"},
            {12, 1, "/m/3.mp3", "beta", "object.item.audioItem.musicTrack"},
            {13, 1, "/m/4.mkv", "alphabet soup", "object.item.videoItem.movie"},
            {14, 1, "/m/5.mp3", "gamma 100%", "object.item.audioItem"},
            {15, 3, "/mx/6.mp3", "alpha elsewhere", "object.item.audioItem.musicTrack"},
        };
        for (const auto& item : items) {
            auto s =
                db.prepare("INSERT INTO objects(id, parent_id, is_container, path, title, upnp_class, size,"
                           " mime) VALUES(?, ?, 0, ?, ?, ?, 1000, 'audio/mpeg')");
            s.bind(1, item.id).bind(2, item.parent).bind(3, item.path).bind(4, item.title);
            s.bind(5, item.upnp_class).exec();
        }
    }

    test::CdsReply search(const std::string& body, bool restricted = false) {
        upnp::RequestContext ctx{"http://10.0.0.1:8300"};
        ctx.restricted = restricted;
        auto r = test::invoke(cd, body, ctx);
        if (r.status == 200) {
            EXPECT_EQ(r.update_id, 7);
        }
        return r;
    }

    static std::vector<std::string> sorted(std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        return v;
    }

    test::TempDir dir;
    db::ReaderPool pool{dir / "index.db"};
    ContentDirectory cd{pool};
};

TEST_F(SearchActionTest, XboxMusicSearchFindsEveryAudioItem) {
    auto r =
        search(search_body("0", "upnp:class derivedfrom \"object.item.audioItem\" and @refID exists false"));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.total, 5);
    EXPECT_EQ(r.returned, 5);
    EXPECT_EQ(sorted(r.titles),
              (std::vector<std::string>{"ALPHA two", "Alpha one", "alpha elsewhere", "beta", "gamma 100%"}));
}

TEST_F(SearchActionTest, SearchesOnlyTheContainersSubtree) {
    auto r = search(search_body("1", "upnp:class derivedfrom \"object.item.audioItem\""));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(sorted(r.titles), (std::vector<std::string>{"ALPHA two", "Alpha one", "beta", "gamma 100%"}));
    auto sub = search(search_body("2", "*"));
    EXPECT_EQ(sub.titles, (std::vector<std::string>{"ALPHA two"}));
    EXPECT_EQ(sub.total, 1);
}

TEST_F(SearchActionTest, ContainsIgnoresCaseAndReturnsItemsOnly) {
    auto r = search(search_body("0", "dc:title contains \"alpha\""));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.titles,
              (std::vector<std::string>{"alpha elsewhere", "Alpha one", "ALPHA two", "alphabet soup"}));
    EXPECT_EQ(r.total, 4);
}

TEST_F(SearchActionTest, AudioWithTitleCombinesAndSorts) {
    auto r = search(
        search_body("0", "upnp:class derivedfrom \"object.item.audioItem\" and dc:title contains \"ALPHA\"",
                    0, 0, "-dc:title"));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.titles, (std::vector<std::string>{"ALPHA two", "Alpha one", "alpha elsewhere"}));
}

TEST_F(SearchActionTest, LikeWildcardsInValuesAreLiteral) {
    EXPECT_EQ(search(search_body("0", "dc:title contains \"100%\"")).titles,
              (std::vector<std::string>{"gamma 100%"}));
    EXPECT_EQ(search(search_body("0", "dc:title contains \"%\"")).total, 1);
    EXPECT_EQ(search(search_body("0", "dc:title contains \"_\"")).total, 0);
}

TEST_F(SearchActionTest, PagesCoverEveryMatchOnceWithAConstantTotal) {
    std::vector<std::string> all;
    for (int start = 0; start < 6; start += 2) {
        auto r = search(search_body("0", "*", start, 2));
        ASSERT_EQ(r.status, 200);
        EXPECT_EQ(r.total, 6);
        EXPECT_EQ(r.returned, 2);
        all.insert(all.end(), r.titles.begin(), r.titles.end());
    }
    EXPECT_EQ(sorted(all), sorted(search(search_body("0", "*")).titles));
    EXPECT_EQ(all.size(), 6u);
    auto past_end = search(search_body("0", "*", 10, 2));
    EXPECT_EQ(past_end.returned, 0);
    EXPECT_EQ(past_end.total, 6);
}

TEST_F(SearchActionTest, ContainerClassesSearchContainers) {
    auto r = search(
        search_body("0", "upnp:class derivedfrom \"object.container\" and dc:title contains \"alpha\""));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.titles, (std::vector<std::string>{"Alpha folder"}));
}

TEST_F(SearchActionTest, HostileTextIsOnlyAValue) {
    auto r = search(search_body("0", "dc:title = \"x\\\" OR 1=1 --\""));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.total, 0);
    auto drop = search(search_body("0", "dc:title = \"'); DROP TABLE objects; --\""));
    EXPECT_EQ(drop.total, 0);
    EXPECT_EQ(search(search_body("0", "*")).total, 6);
}

TEST_F(SearchActionTest, GarbageIs708AndUnknownContainersAre701) {
    for (const char* criteria :
         {"garbage", "dc:title = unquoted", "(dc:title exists true", "dc:nope = \"a\"", ""}) {
        SCOPED_TRACE(criteria);
        auto r = search(search_body("0", criteria));
        EXPECT_EQ(r.status, 500);
        EXPECT_EQ(r.error_code, 708);
    }
    EXPECT_EQ(search(search_body("999", "*")).error_code, 701);
    EXPECT_EQ(search(search_body("10", "*")).error_code, 701); // an item is not a container
    EXPECT_EQ(search(search_body("0", "*", 0, 0, "dc:nope")).error_code, 709);
}

TEST_F(SearchActionTest, DevicesAwaitingApprovalFindNothing) {
    auto r = search(search_body("0", "*"), /*restricted=*/true);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.returned, 0);
    EXPECT_EQ(r.total, 0);
    EXPECT_TRUE(r.titles.empty());
}

TEST_F(SearchActionTest, CapabilitiesNameTheSearchableProperties) {
    auto outcome = cd.actions().invoke(
        kServiceType,
        "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
        "<u:GetSearchCapabilities xmlns:u=\"urn:schemas-upnp-org:service:ContentDirectory:1\"/>"
        "</s:Body></s:Envelope>",
        upnp::RequestContext{"http://10.0.0.1:8300"});
    ASSERT_EQ(outcome.http_status, 200);
    EXPECT_NE(
        outcome.body.find("<SearchCaps>dc:title,dc:creator,upnp:artist,upnp:album,upnp:genre,upnp:class,"
                          "dc:date,res@size,res@duration,@id,@parentID,@refID</SearchCaps>"),
        std::string::npos);
}

} // namespace
} // namespace hearth::cds
