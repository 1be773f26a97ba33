// X_SetBookmark and the bookmarks Browse shows, over a real (temporary) index, through the SOAP action table.
#include "hearth/cds/content_directory.hpp"
#include "hearth/resume/bookmarks.hpp"
#include "support/index.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

namespace hearth::cds {
namespace {

std::string envelope(const std::string& action, const std::string& args) {
    return "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
           "<u:" +
           action + " xmlns:u=\"urn:schemas-upnp-org:service:ContentDirectory:1\">" + args + "</u:" + action +
           "></s:Body></s:Envelope>";
}

// As a Samsung TV sends it.
std::string set_bookmark(const std::string& id, const std::string& seconds) {
    return envelope("X_SetBookmark", "<CategoryType>2</CategoryType><RID>0</RID><ObjectID>" + id +
                                         "</ObjectID><PosSecond>" + seconds + "</PosSecond>");
}

std::string browse_metadata(const std::string& id, const std::string& filter) {
    return envelope(
        "Browse", "<ObjectID>" + id + "</ObjectID><BrowseFlag>BrowseMetadata</BrowseFlag><Filter>" + filter +
                      "</Filter><StartingIndex>0</StartingIndex><RequestedCount>0</RequestedCount>"
                      "<SortCriteria></SortCriteria>");
}

class BookmarkActionTest : public ::testing::Test {
  protected:
    void SetUp() override {
        test::IndexWriter db(path);
        db.exec(
            "INSERT INTO objects(id, parent_id, is_container, path, title, upnp_class, child_count) VALUES"
            "(1, 0, 1, '/m', 'm', 'object.container.storageFolder', 3)");
        db.exec(
            "INSERT INTO objects(id, parent_id, is_container, path, title, upnp_class, size, mime,"
            " duration_ms) VALUES"
            "(10, 1, 0, '/m/film.mp4', 'Film', 'object.item.videoItem', 1000, 'video/mp4', 7200000),"
            "(11, 1, 0, '/m/photo.jpg', 'Photo', 'object.item.imageItem.photo', 1000, 'image/jpeg', NULL),"
            "(12, 1, 0, '/m/stream.ts', 'Stream', 'object.item.videoItem', 1000, 'video/mpeg', NULL)");
        marks = std::make_unique<resume::Bookmarks>(path);
        cd = std::make_unique<ContentDirectory>(pool, marks.get());
    }

    upnp::ActionTable::Outcome call(const std::string& body, std::int64_t device, bool restricted = false) {
        upnp::RequestContext ctx{"http://10.0.0.1:8300"};
        ctx.device_id = device;
        ctx.restricted = restricted;
        return cd->actions().invoke(kServiceType, body, ctx);
    }

    static int error_code(const upnp::ActionTable::Outcome& outcome) {
        pugi::xml_document doc;
        doc.load_string(outcome.body.c_str());
        return doc.select_node("//*[local-name()='errorCode']").node().text().as_int();
    }

    /// The item element of a BrowseMetadata answer, kept alive in `didl`.
    pugi::xml_node item(const std::string& id, std::int64_t device, const std::string& filter = "*") {
        auto outcome = call(browse_metadata(id, filter), device);
        EXPECT_EQ(outcome.http_status, 200) << outcome.body;
        pugi::xml_document envelope;
        envelope.load_string(outcome.body.c_str());
        auto result = envelope.select_node("//*[local-name()='Result']").node().text().get();
        EXPECT_TRUE(didl.load_string(result)) << result;
        return didl.document_element().child("item");
    }

    test::TempDir dir;
    std::filesystem::path path = dir / "index.db";
    db::ReaderPool pool{path};
    std::unique_ptr<resume::Bookmarks> marks;
    std::unique_ptr<ContentDirectory> cd;
    pugi::xml_document didl;
};

TEST_F(BookmarkActionTest, SetBookmarkShowsForThatDeviceOnly) {
    auto outcome = call(set_bookmark("10", "3723"), 7);
    ASSERT_EQ(outcome.http_status, 200) << outcome.body;
    EXPECT_NE(outcome.body.find("X_SetBookmarkResponse"), std::string::npos);
    EXPECT_EQ(marks->get(10, 7), 3723);

    auto mine = item("10", 7);
    EXPECT_STREQ(mine.child_value("upnp:lastPlaybackPosition"), "1:02:03");
    EXPECT_STREQ(mine.child_value("sec:dcmInfo"), "CREATIONDATE=0,BM=3723");

    auto theirs = item("10", 8);
    ASSERT_TRUE(theirs);
    EXPECT_FALSE(theirs.child("upnp:lastPlaybackPosition"));
    EXPECT_FALSE(theirs.child("sec:dcmInfo"));
}

TEST_F(BookmarkActionTest, BrowseChildrenShowsBookmarksToo) {
    call(set_bookmark("10", "600"), 7);
    auto body = envelope("Browse", "<ObjectID>1</ObjectID><BrowseFlag>BrowseDirectChildren</BrowseFlag>"
                                   "<Filter>*</Filter><StartingIndex>0</StartingIndex>"
                                   "<RequestedCount>0</RequestedCount><SortCriteria></SortCriteria>");
    auto outcome = call(body, 7);
    ASSERT_EQ(outcome.http_status, 200);
    pugi::xml_document envelope_doc;
    envelope_doc.load_string(outcome.body.c_str());
    pugi::xml_document page;
    ASSERT_TRUE(page.load_string(envelope_doc.select_node("//*[local-name()='Result']").node().text().get()));
    auto film = page.document_element().find_child_by_attribute("item", "id", "10");
    EXPECT_STREQ(film.child_value("upnp:lastPlaybackPosition"), "0:10:00");
    auto stream = page.document_element().find_child_by_attribute("item", "id", "12");
    ASSERT_TRUE(stream);
    EXPECT_FALSE(stream.child("upnp:lastPlaybackPosition"));
}

TEST_F(BookmarkActionTest, FilterDecidesWhichFormIsShown) {
    call(set_bookmark("10", "600"), 7);
    auto only_upnp = item("10", 7, "dc:title,upnp:lastPlaybackPosition");
    EXPECT_STREQ(only_upnp.child_value("upnp:lastPlaybackPosition"), "0:10:00");
    EXPECT_FALSE(only_upnp.child("sec:dcmInfo"));
    auto only_samsung = item("10", 7, "sec:dcmInfo,res");
    EXPECT_FALSE(only_samsung.child("upnp:lastPlaybackPosition"));
    EXPECT_STREQ(only_samsung.child_value("sec:dcmInfo"), "CREATIONDATE=0,BM=600");
    auto neither = item("10", 7, "dc:title");
    EXPECT_FALSE(neither.child("upnp:lastPlaybackPosition"));
    EXPECT_FALSE(neither.child("sec:dcmInfo"));
}

TEST_F(BookmarkActionTest, StartOrEndClearsTheBookmark) {
    call(set_bookmark("10", "600"), 7);
    ASSERT_EQ(call(set_bookmark("10", "0"), 7).http_status, 200);
    EXPECT_EQ(marks->get(10, 7), std::nullopt);
    call(set_bookmark("10", "600"), 7);
    ASSERT_EQ(call(set_bookmark("10", "7190"), 7).http_status, 200); // in the credits
    EXPECT_EQ(marks->get(10, 7), std::nullopt);
    ASSERT_EQ(call(set_bookmark("12", "99999"), 7).http_status, 200); // no known duration: kept
    EXPECT_EQ(marks->get(12, 7), 99999);
}

TEST_F(BookmarkActionTest, BadArgumentsAre402) {
    EXPECT_EQ(error_code(call(envelope("X_SetBookmark", "<ObjectID>10</ObjectID>"), 7)), 402);
    EXPECT_EQ(error_code(call(envelope("X_SetBookmark", "<PosSecond>10</PosSecond>"), 7)), 402);
    EXPECT_EQ(error_code(call(set_bookmark("10", "ten"), 7)), 402);
    EXPECT_EQ(error_code(call(set_bookmark("10", "-5"), 7)), 402);
    EXPECT_EQ(error_code(call(set_bookmark("10", "99999999999"), 7)), 402);
    EXPECT_EQ(error_code(call(set_bookmark("10", "7300"), 7)), 402); // past the end of a 2 h film
    EXPECT_EQ(marks->get(10, 7), std::nullopt);
}

TEST_F(BookmarkActionTest, UnknownOrUnplayableObjectsAre701) {
    EXPECT_EQ(error_code(call(set_bookmark("999", "600"), 7)), 701);
    EXPECT_EQ(error_code(call(set_bookmark("abc", "600"), 7)), 701);
    EXPECT_EQ(error_code(call(set_bookmark("1", "600"), 7)), 701);        // a container
    EXPECT_EQ(error_code(call(set_bookmark("11", "600"), 7)), 701);       // a photo
    EXPECT_EQ(error_code(call(set_bookmark("10", "600"), 7, true)), 701); // waiting for approval
    EXPECT_EQ(marks->get(10, 7), std::nullopt);
}

} // namespace
} // namespace hearth::cds
