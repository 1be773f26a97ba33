// ContentDirectory actions over a real (temporary) index, driven through the SOAP action table.
#include "hearth/cds/content_directory.hpp"
#include "hearth/renderers/profile.hpp"
#include "support/cds_client.hpp"
#include "support/index.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace hearth::cds {
namespace {

using test::browse_body;

class ContentDirectoryTest : public ::testing::Test {
  protected:
    void SetUp() override {
        test::IndexWriter db(dir / "index.db");
        db.exec("INSERT INTO settings VALUES('system_update_id', '7')");
        db.exec(
            "INSERT INTO objects(id, parent_id, is_container, path, title, upnp_class, child_count) VALUES"
            "(1, 0, 1, '/m', 'm', 'object.container.storageFolder', 5),"
            "(2, 1, 1, '/m/Zeta', 'Zeta', 'object.container.storageFolder', 0)");
        const char* titles[] = {"delta", "Alpha & <Omega>", "charlie", "Bravo"};
        for (int i = 0; i < 4; ++i) {
            auto s = db.prepare(
                "INSERT INTO objects(id, parent_id, is_container, path, title, upnp_class, size, mime,"
                " dlna_profile, date, track) VALUES(?, 1, 0, ?, ?, 'object.item.audioItem.musicTrack',"
                " 1000, 'audio/mpeg', 'MP3', ?, ?)");
            s.bind(1, std::int64_t{10 + i}).bind(2, "/m/" + std::to_string(i) + ".mp3").bind(3, titles[i]);
            s.bind(4, "200" + std::to_string(i) + "-01-01").bind(5, std::int64_t{4 - i}).exec();
        }
    }

    test::CdsReply browse(const std::string& body, const renderers::Profile* profile = nullptr) {
        upnp::RequestContext ctx{"http://10.0.0.1:8300"};
        ctx.profile = profile;
        auto r = test::invoke(cd, body, ctx);
        if (r.status == 200) {
            EXPECT_EQ(r.update_id, 7);
        }
        return r;
    }

    test::TempDir dir;
    db::ReaderPool pool{dir / "index.db"};
    ContentDirectory cd{pool};
};

TEST_F(ContentDirectoryTest, ChildrenPutFoldersFirstThenTitlesIgnoringCase) {
    auto r = browse(browse_body("1", "BrowseDirectChildren", 0, 0));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.returned, 5);
    EXPECT_EQ(r.total, 5);
    EXPECT_EQ(r.titles, (std::vector<std::string>{"Zeta", "Alpha & <Omega>", "Bravo", "charlie", "delta"}));
}

TEST_F(ContentDirectoryTest, PagesCoverEveryChildExactlyOnce) {
    std::vector<std::string> all;
    for (int start = 0; start < 5; start += 2) {
        auto r = browse(browse_body("1", "BrowseDirectChildren", start, 2));
        ASSERT_EQ(r.status, 200);
        EXPECT_EQ(r.total, 5);
        EXPECT_EQ(r.returned, start == 4 ? 1 : 2);
        all.insert(all.end(), r.titles.begin(), r.titles.end());
    }
    EXPECT_EQ(all.size(), 5u);
    auto past_end = browse(browse_body("1", "BrowseDirectChildren", 9, 2));
    EXPECT_EQ(past_end.returned, 0);
    EXPECT_EQ(past_end.total, 5);
}

TEST_F(ContentDirectoryTest, PagingByStoredPositionsMatchesPagingByOffset) {
    std::vector<std::string> by_offset;
    for (int start = 0; start < 5; start += 2) {
        auto r = browse(browse_body("1", "BrowseDirectChildren", start, 2));
        by_offset.insert(by_offset.end(), r.titles.begin(), r.titles.end());
    }
    {
        db::Database db(dir / "index.db", db::OpenMode::read_write_create);
        db::place_objects(db);
    }
    std::vector<std::string> by_position;
    for (int start = 0; start < 5; start += 2) {
        auto r = browse(browse_body("1", "BrowseDirectChildren", start, 2));
        EXPECT_EQ(r.total, 5);
        by_position.insert(by_position.end(), r.titles.begin(), r.titles.end());
    }
    EXPECT_EQ(by_position, by_offset);
    db::ObjectReader reader(dir / "index.db");
    auto page = reader.children_in_default_order(1, 3, 10);
    ASSERT_EQ(page.size(), 2u);
    EXPECT_EQ(page[0].title, "charlie");
}

TEST_F(ContentDirectoryTest, SortsByRequestedKeys) {
    auto by_track = browse(browse_body("1", "BrowseDirectChildren", 0, 0, "+upnp:originalTrackNumber"));
    EXPECT_EQ(by_track.titles,
              (std::vector<std::string>{"Zeta", "Bravo", "charlie", "Alpha & <Omega>", "delta"}));
    auto by_date = browse(browse_body("1", "BrowseDirectChildren", 0, 0, "-dc:date"));
    EXPECT_EQ(by_date.titles,
              (std::vector<std::string>{"Zeta", "Bravo", "charlie", "Alpha & <Omega>", "delta"}));
    auto by_title_desc = browse(browse_body("1", "BrowseDirectChildren", 0, 0, "-dc:title"));
    EXPECT_EQ(by_title_desc.titles[1], "delta");
}

TEST_F(ContentDirectoryTest, AForcedSortReplacesTheRenderersCriteria) {
    renderers::Profile tv = renderers::builtin_profiles().back();
    tv.forced_sort = "+upnp:originalTrackNumber";
    const std::vector<std::string> by_track{"Zeta", "Bravo", "charlie", "Alpha & <Omega>", "delta"};
    EXPECT_EQ(browse(browse_body("1", "BrowseDirectChildren", 0, 0, "-dc:title"), &tv).titles, by_track);
    EXPECT_EQ(browse(browse_body("1", "BrowseDirectChildren", 0, 0, ""), &tv).titles, by_track);
    // Criteria the renderer sends are ignored, even ones that would be refused (709).
    auto nonsense = browse(browse_body("1", "BrowseDirectChildren", 0, 0, "+sec:nonsense"), &tv);
    EXPECT_EQ(nonsense.status, 200);
    EXPECT_EQ(nonsense.titles, by_track);
    // Without a forced sort the renderer's criteria hold.
    tv.forced_sort.clear();
    EXPECT_EQ(browse(browse_body("1", "BrowseDirectChildren", 0, 0, "-dc:title"), &tv).titles[1], "delta");
    EXPECT_EQ(browse(browse_body("1", "BrowseDirectChildren", 0, 0, "+sec:nonsense"), &tv).error_code, 709);
}

TEST_F(ContentDirectoryTest, MetadataOfRootAndItem) {
    auto root = browse(browse_body("0", "BrowseMetadata", 0, 0));
    ASSERT_EQ(root.status, 200);
    EXPECT_EQ(root.returned, 1);
    auto container = root.didl.document_element().child("container");
    EXPECT_STREQ(container.attribute("id").value(), "0");
    EXPECT_STREQ(container.attribute("parentID").value(), "-1");
    EXPECT_EQ(container.attribute("childCount").as_int(), 1);

    auto item = browse(browse_body("11", "BrowseMetadata", 0, 0));
    ASSERT_EQ(item.titles.size(), 1u);
    EXPECT_EQ(item.titles[0], "Alpha & <Omega>");
    auto res = item.didl.document_element().child("item").child("res");
    EXPECT_STREQ(res.text().get(), "http://10.0.0.1:8300/media/11.mp3");
    EXPECT_EQ(
        std::string(res.attribute("protocolInfo").value()).rfind("http-get:*:audio/mpeg:DLNA.ORG_PN=MP3;", 0),
        0u);
}

TEST_F(ContentDirectoryTest, ChildrenOfAnItemAreEmpty) {
    auto r = browse(browse_body("11", "BrowseDirectChildren", 0, 0));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.returned, 0);
    EXPECT_EQ(r.total, 0);
}

TEST_F(ContentDirectoryTest, ErrorsCarryTheirUpnpCodes) {
    EXPECT_EQ(browse(browse_body("999", "BrowseMetadata", 0, 0)).error_code, 701);
    EXPECT_EQ(browse(browse_body("abc", "BrowseMetadata", 0, 0)).error_code, 701);
    EXPECT_EQ(browse(browse_body("1", "BrowseSideways", 0, 0)).error_code, 402);
    EXPECT_EQ(browse(browse_body("1", "BrowseDirectChildren", -1, 0)).error_code, 402);
    EXPECT_EQ(browse(browse_body("1", "BrowseDirectChildren", 0, 0, "+dc:nonsense")).error_code, 709);
    std::string missing_id = browse_body("1", "BrowseMetadata", 0, 0);
    missing_id.erase(missing_id.find("<ObjectID>"), std::string("<ObjectID>1</ObjectID>").size());
    auto r = browse(missing_id);
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.error_code, 402);
}

TEST_F(ContentDirectoryTest, SystemUpdateIdAndCapabilities) {
    auto body = [](const std::string& action) {
        return "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><u:" + action +
               " xmlns:u=\"urn:schemas-upnp-org:service:ContentDirectory:1\"/></s:Body></s:Envelope>";
    };
    auto id = cd.actions().invoke(kServiceType, body("GetSystemUpdateID"), {});
    EXPECT_EQ(id.http_status, 200);
    EXPECT_NE(id.body.find("<Id>7</Id>"), std::string::npos);
    auto sort = cd.actions().invoke(kServiceType, body("GetSortCapabilities"), {});
    EXPECT_NE(sort.body.find("dc:title"), std::string::npos);
    EXPECT_NE(sort.body.find("upnp:originalTrackNumber"), std::string::npos);
    EXPECT_EQ(cd.actions().invoke(kServiceType, body("Search"), {}).http_status, 500);
}

} // namespace
} // namespace hearth::cds
