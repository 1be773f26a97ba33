// Request handling over a real (temporary) index: each URL reaches its handler, unknown ids are 404, and the
// paths App routes are left to it.
#include "hearth/db/migrations.hpp"
#include "hearth/serve/requests.hpp"
#include "support/temp_dir.hpp"
#include "unit/serve/fixture.hpp"

#include <gtest/gtest.h>

namespace hearth::serve {
namespace {

bool has_header(const http::Response& r, const std::string& name, const std::string& value) {
    return std::find(r.headers.begin(), r.headers.end(), std::pair{name, value}) != r.headers.end();
}

class RequestsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        film = dir.write("m/film.mp4", std::string(1000, 'x'));
        old = dir.write("m/old.avi", std::string(1000, 'y'));
        srt = dir.write("m/film.srt", "1\n00:00:01,000 --> 00:00:02,000\nHello\n");
        db::Database db(path, db::OpenMode::read_write_create);
        db::configure_writer(db);
        db.exec(
            "INSERT INTO objects(id, parent_id, is_container, path, title, upnp_class, child_count) VALUES"
            "(1, 0, 1, '" +
            (dir / "m").string() + "', 'm', 'object.container.storageFolder', 2)");
        db.exec(
            "INSERT INTO objects(id, parent_id, is_container, path, title, upnp_class, size, mime, container,"
            " video_codec, audio_codec, width, height, duration_ms) VALUES"
            "(10, 1, 0, '" +
            film.string() +
            "', 'Film', 'object.item.videoItem', 1000, 'video/mp4',"
            " 'mov,mp4,m4a,3gp,3g2,mj2', 'h264', 'aac', 1280, 720, 60000),"
            "(11, 1, 0, '" +
            old.string() +
            "', 'Old', 'object.item.videoItem', 1000, 'video/x-msvideo',"
            " 'avi', 'msmpeg4v3', 'wmav2', 640, 480, 60000)");
        db.exec("INSERT INTO subtitles(id, object_id, path, format, seen) VALUES(5, 10, '" + srt.string() +
                "', 'srt', 1)");
    }

    std::optional<http::Response> get(const std::string& path, const std::string& method = "GET",
                                      const Visitor& visitor = {}) {
        const Settings settings{policy, profiles, 2};
        return requests.handle(test::request(method, path), settings, visitor);
    }

    hearth::test::TempDir dir;
    std::filesystem::path film, old, srt;
    std::filesystem::path path = dir / "index.db";
    db::ReaderPool readers{path};
    media::ThumbnailCache thumbnails{dir / "thumbnails"};
    resume::Bookmarks bookmarks{path};
    renderers::Descriptions descriptions;
    devices::Registry registry{path, devices::Mode::open};
    devices::Streams streams{{6, 3, false}};
    net::Refusals refusals;
    Admission admission{streams, registry, refusals};
    Requests requests{{readers, thumbnails, bookmarks, descriptions, registry, admission, "t0k"}};
    net::LanPolicy policy = test::lan();
    std::vector<renderers::Profile> profiles = renderers::load_profiles(std::nullopt);
};

TEST_F(RequestsTest, TheOriginalFileWithRanges) {
    auto r = get("/media/10.mp4");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    ASSERT_TRUE(r->file);
    EXPECT_EQ(r->file->length, 1000u);
    EXPECT_TRUE(has_header(*r, "Content-Type", "video/mp4"));
    EXPECT_TRUE(has_header(*r, "Accept-Ranges", "bytes"));
    EXPECT_TRUE(r->keep_alive) << "an admitted stream holds its lease";
    EXPECT_EQ(streams.active().size(), 1u);
    r.reset();
    EXPECT_TRUE(streams.active().empty());
}

TEST_F(RequestsTest, SamsungsAreToldWhereTheSubtitleIs) {
    const Settings settings{policy, profiles, 2};
    auto r = requests.handle(
        test::request("HEAD", "/media/10.mp4", "192.168.1.50", {{"getCaptionInfo.sec", "1"}}), settings, {});
    ASSERT_TRUE(r);
    EXPECT_TRUE(has_header(*r, "CaptionInfo.sec", "http://192.168.1.10:8200/subtitle/5.srt"));
}

TEST_F(RequestsTest, AConversionIsAnsweredByTheConverter) {
    auto head = get("/media/11/play.ts", "HEAD");
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_TRUE(head->unknown_length) << "a live conversion has no length";
    EXPECT_FALSE(has_header(*head, "Accept-Ranges", "bytes"));
    // A renderer that plays the original after all gets the original file.
    auto direct = get("/media/10/play.ts", "HEAD");
    ASSERT_TRUE(direct);
    EXPECT_TRUE(direct->file);
    EXPECT_TRUE(has_header(*direct, "Accept-Ranges", "bytes"));
    EXPECT_EQ(get("/media/11/play.ts", "POST")->status, 405);
}

TEST_F(RequestsTest, SubtitlesByTheirOneUrl) {
    auto r = get("/subtitle/5.srt");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "1\n00:00:01,000 --> 00:00:02,000\nHello\n");
    EXPECT_TRUE(has_header(*r, "Content-Type", "text/srt"));
    EXPECT_EQ(get("/subtitle/5.vtt")->status, 404);
    EXPECT_EQ(get("/subtitle/05.srt")->status, 404);
    EXPECT_EQ(get("/subtitle/5.srt", "POST")->status, 405);
    EXPECT_EQ(get("/subtitle/5.srt", "GET", Visitor{true, false, 3})->status, 403);
}

TEST_F(RequestsTest, UnknownIdsAre404) {
    for (const char* path : {"/media/999", "/media/999.mp4", "/media/999/play.ts", "/media/999/image.jpg",
                             "/media/1", "/media/1/play.ts", "/media/x", "/art/999.jpg", "/art/10.jpg",
                             "/subtitle/999.srt", "/subtitle/x"}) {
        auto r = get(path);
        ASSERT_TRUE(r) << path;
        EXPECT_EQ(r->status, 404) << path; // containers (1) and items without art (10) too
    }
    EXPECT_TRUE(streams.active().empty());
}

TEST_F(RequestsTest, DeviceActionsAreRoutedHere) {
    auto r = get("/devices/1/approve", "POST", Visitor{false, true, -1});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << "no token";
}

TEST_F(RequestsTest, PathsAppRoutesAreLeftToIt) {
    for (const char* path : {"/", "/description.xml", "/control/ContentDirectory", "/event/ContentDirectory",
                             "/status.json", "/scpd/ContentDirectory.xml", "/mediax/1", "/art"})
        EXPECT_FALSE(get(path)) << path;
}

} // namespace
} // namespace hearth::serve
