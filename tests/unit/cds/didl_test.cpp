#include "hearth/cds/didl.hpp"
#include "hearth/util/strings.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <pugixml.hpp>
#include <string>

namespace hearth::cds {
namespace {

// --- Filter ---

TEST(DidlFilter, StarWantsEverything) {
    Filter f("*");
    for (auto p : {"dc:title", "upnp:artist", "res", "res@size", "res@duration", "@childCount", "anything"}) {
        EXPECT_TRUE(f.wants(p)) << p;
    }
}

TEST(DidlFilter, StarAnywhereInAListWantsEverything) {
    EXPECT_TRUE(Filter("dc:title, *").wants("upnp:genre"));
}

TEST(DidlFilter, ListWantsOnlyItsProperties) {
    Filter f(" upnp:album ,res@duration,dc:date");
    EXPECT_TRUE(f.wants("upnp:album"));
    EXPECT_TRUE(f.wants("dc:date"));
    EXPECT_TRUE(f.wants("res@duration"));
    EXPECT_FALSE(f.wants("upnp:genre"));
    EXPECT_FALSE(f.wants("res@size"));
    EXPECT_FALSE(f.wants("upnp:artist"));
    EXPECT_FALSE(f.wants("dc:creator"));
}

TEST(DidlFilter, ResAttributeImpliesRes) {
    EXPECT_TRUE(Filter("res@size").wants("res"));
    EXPECT_TRUE(Filter("dc:title,res@protocolInfo").wants("res"));
    EXPECT_FALSE(Filter("dc:title").wants("res"));
    EXPECT_FALSE(Filter("resolution").wants("res"));
}

TEST(DidlFilter, ArtistImpliesCreator) {
    EXPECT_TRUE(Filter("upnp:artist").wants("dc:creator"));
    EXPECT_TRUE(Filter("dc:creator").wants("dc:creator"));
    EXPECT_FALSE(Filter("dc:creator").wants("upnp:artist"));
}

TEST(DidlFilter, EmptyWantsNothingOptional) {
    Filter f("");
    EXPECT_FALSE(f.wants("res"));
    EXPECT_FALSE(f.wants("upnp:artist"));
    EXPECT_FALSE(f.wants(""));
}

// --- media_path / normalize_date ---

db::ObjectRow item_at(std::int64_t id, std::string path) {
    db::ObjectRow o;
    o.id = id;
    o.is_container = false;
    o.path = std::move(path);
    return o;
}

TEST(DidlMediaPath, AppendsASimpleLowerCaseExtension) {
    EXPECT_EQ(media_path(item_at(12, "/srv/Videos/film.mp4")), "/media/12.mp4");
    EXPECT_EQ(media_path(item_at(3, "/srv/Music/Song.MP3")), "/media/3.mp3");
    EXPECT_EQ(media_path(item_at(4, "/srv/a.b/clip.m2ts")), "/media/4.m2ts");
    EXPECT_EQ(media_path(item_at(5, "/srv/archive.tar.gz")), "/media/5.gz");
}

TEST(DidlMediaPath, OmitsMissingOrOddExtensions) {
    EXPECT_EQ(media_path(item_at(7, "/srv/noext")), "/media/7");
    EXPECT_EQ(media_path(item_at(7, "/srv/dir.d/noext")), "/media/7");
    EXPECT_EQ(media_path(item_at(7, "/srv/trailing.")), "/media/7");
    EXPECT_EQ(media_path(item_at(7, "/srv/x.toolong")), "/media/7");
    EXPECT_EQ(media_path(item_at(7, "/srv/x.m p4")), "/media/7");
    EXPECT_EQ(media_path(item_at(7, "/srv/x.\xC3\xA9")), "/media/7");
    EXPECT_EQ(media_path(item_at(7, "")), "/media/7");
}

struct DateCase {
    std::string tag;
    std::optional<std::string> date;
};

std::ostream& operator<<(std::ostream& os, const DateCase& c) {
    return os << '"' << c.tag << '"';
}

class NormalizeDate : public ::testing::TestWithParam<DateCase> {};

TEST_P(NormalizeDate, Normalizes) {
    EXPECT_EQ(normalize_date(GetParam().tag), GetParam().date);
}

INSTANTIATE_TEST_SUITE_P(
    Table, NormalizeDate,
    ::testing::Values(DateCase{"2019", "2019-01-01"}, DateCase{"2019-05-02", "2019-05-02"},
                      DateCase{"2019-05-02T10:00:00", "2019-05-02"},
                      DateCase{"2019-05-02 10:00:00", "2019-05-02"}, DateCase{"", std::nullopt},
                      DateCase{"19", std::nullopt}, DateCase{"20190", std::nullopt},
                      DateCase{"abcd", std::nullopt}, DateCase{"2019-05", std::nullopt},
                      DateCase{"2019/05/02", std::nullopt}, DateCase{"02.05.2019", std::nullopt},
                      DateCase{"May 2019", std::nullopt}, DateCase{"2019-5-2", std::nullopt}));

// --- DidlWriter ---

const std::string kBase = "http://192.168.1.2:8300";

db::ObjectRow container() {
    db::ObjectRow o;
    o.id = 5;
    o.parent_id = 0;
    o.is_container = true;
    o.title = "Music";
    o.upnp_class = "object.container.storageFolder";
    o.child_count = 42;
    o.path = "/srv/Music";
    return o;
}

db::ObjectRow music_track() {
    db::ObjectRow o;
    o.id = 12;
    o.parent_id = 5;
    o.is_container = false;
    o.title = "Song";
    o.upnp_class = "object.item.audioItem.musicTrack";
    o.path = "/srv/Music/Song.MP3";
    o.size = 4000000;
    o.mtime = 1700000000;
    o.mime = "audio/mpeg";
    o.dlna_profile = "MP3";
    o.duration_ms = 245500;
    o.bitrate = 320000;
    o.channels = 2;
    o.sample_rate = 44100;
    o.artist = "Artist";
    o.album_artist = "Various";
    o.album = "Album";
    o.genre = "Rock";
    o.date = "2019-05-02T10:00:00";
    o.track = 7;
    return o;
}

db::ObjectRow video() {
    db::ObjectRow o;
    o.id = 20;
    o.parent_id = 6;
    o.is_container = false;
    o.title = "Film";
    o.upnp_class = "object.item.videoItem";
    o.path = "/srv/Videos/film.mkv";
    o.size = 1234567890;
    o.mtime = 1700000000; // 2023-11-14 UTC
    o.mime = "video/x-matroska";
    o.duration_ms = 5400000;
    o.bitrate = 8000000; // bits per second
    o.width = 1920;
    o.height = 1080;
    o.channels = 6;
    o.sample_rate = 48000;
    return o;
}

db::ObjectRow photo() {
    db::ObjectRow o;
    o.id = 30;
    o.parent_id = 7;
    o.is_container = false;
    o.title = "Beach";
    o.upnp_class = "object.item.imageItem.photo";
    o.path = "/srv/Pictures/beach.jpg";
    o.size = 2000000;
    o.mtime = 1500000000; // 2017-07-14 UTC
    o.mime = "image/jpeg";
    o.dlna_profile = "JPEG_LRG";
    o.width = 4000;
    o.height = 3000;
    return o;
}

struct Didl {
    pugi::xml_document doc;
    std::string xml;
    pugi::xml_node root() const { return doc.child("DIDL-Lite"); }
};

std::unique_ptr<Didl> write(const Filter& filter, std::initializer_list<db::ObjectRow> objects) {
    DidlWriter writer(filter, kBase);
    for (const auto& o : objects)
        writer.add(o);
    auto didl = std::make_unique<Didl>();
    didl->xml = writer.finish();
    auto ok = didl->doc.load_string(didl->xml.c_str());
    EXPECT_TRUE(ok) << ok.description() << "\n" << didl->xml;
    return didl;
}

TEST(DidlWriter, EmptyDocumentDeclaresNamespaces) {
    auto didl = write(Filter("*"), {});
    auto root = didl->root();
    ASSERT_TRUE(root) << didl->xml;
    EXPECT_STREQ(root.attribute("xmlns").value(), "urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/");
    EXPECT_STREQ(root.attribute("xmlns:dc").value(), "http://purl.org/dc/elements/1.1/");
    EXPECT_STREQ(root.attribute("xmlns:upnp").value(), "urn:schemas-upnp-org:metadata-1-0/upnp/");
    EXPECT_STREQ(root.attribute("xmlns:dlna").value(), "urn:schemas-dlna-org:metadata-1-0/");
    EXPECT_FALSE(root.first_child());
}

TEST(DidlWriter, Container) {
    auto didl = write(Filter("*"), {container()});
    auto c = didl->root().child("container");
    ASSERT_TRUE(c) << didl->xml;
    EXPECT_STREQ(c.attribute("id").value(), "5");
    // A shared folder (parent 0 in the index) hangs under the Folders container.
    EXPECT_STREQ(c.attribute("parentID").value(), "folders");
    EXPECT_STREQ(c.attribute("restricted").value(), "1");
    EXPECT_STREQ(c.attribute("childCount").value(), "42");
    EXPECT_STREQ(c.child_value("dc:title"), "Music");
    EXPECT_STREQ(c.child_value("upnp:class"), "object.container.storageFolder");
    EXPECT_FALSE(c.child("res"));
}

TEST(DidlWriter, RootContainerHasParentMinusOne) {
    auto root = container();
    root.id = 0;
    root.parent_id = -1;
    auto didl = write(Filter("*"), {root});
    EXPECT_STREQ(didl->root().child("container").attribute("parentID").value(), "-1");
}

TEST(DidlWriter, MusicTrack) {
    auto didl = write(Filter("*"), {music_track()});
    auto item = didl->root().child("item");
    ASSERT_TRUE(item) << didl->xml;
    EXPECT_STREQ(item.attribute("id").value(), "12");
    EXPECT_STREQ(item.attribute("parentID").value(), "5");
    EXPECT_STREQ(item.attribute("restricted").value(), "1");
    EXPECT_STREQ(item.child_value("dc:title"), "Song");
    EXPECT_STREQ(item.child_value("upnp:class"), "object.item.audioItem.musicTrack");
    EXPECT_STREQ(item.child_value("dc:creator"), "Artist");
    auto performer = item.find_child(
        [](pugi::xml_node n) { return std::string_view(n.name()) == "upnp:artist" && !n.attribute("role"); });
    EXPECT_STREQ(performer.child_value(), "Artist");
    auto album_artist = item.find_child_by_attribute("upnp:artist", "role", "AlbumArtist");
    EXPECT_STREQ(album_artist.child_value(), "Various");
    EXPECT_STREQ(item.child_value("upnp:album"), "Album");
    EXPECT_STREQ(item.child_value("upnp:genre"), "Rock");
    EXPECT_STREQ(item.child_value("upnp:originalTrackNumber"), "7");
    EXPECT_STREQ(item.child_value("dc:date"), "2019-05-02");

    auto res = item.child("res");
    ASSERT_TRUE(res);
    EXPECT_STREQ(res.attribute("protocolInfo").value(),
                 "http-get:*:audio/mpeg:DLNA.ORG_PN=MP3;DLNA.ORG_OP=01;DLNA.ORG_CI=0;"
                 "DLNA.ORG_FLAGS=01700000000000000000000000000000");
    EXPECT_STREQ(res.attribute("size").value(), "4000000");
    EXPECT_STREQ(res.attribute("duration").value(), "0:04:05.500");
    EXPECT_STREQ(res.attribute("bitrate").value(), "40000"); // 320 kbit/s = 40000 bytes/s
    EXPECT_STREQ(res.attribute("sampleFrequency").value(), "44100");
    EXPECT_STREQ(res.attribute("nrAudioChannels").value(), "2");
    EXPECT_FALSE(res.attribute("resolution"));
    EXPECT_FALSE(res.attribute("bitsPerSample"));
    EXPECT_STREQ(res.child_value(), "http://192.168.1.2:8300/media/12.mp3");
}

TEST(DidlWriter, MusicWithoutDateTagHasNoDate) {
    // A file's mtime says nothing about when music was recorded.
    auto track = music_track();
    track.date.reset();
    auto didl = write(Filter("*"), {track});
    EXPECT_FALSE(didl->root().child("item").child("dc:date")) << didl->xml;
}

TEST(DidlWriter, MusicWithGarbageDateHasNoDate) {
    auto track = music_track();
    track.date = "sometime";
    auto didl = write(Filter("*"), {track});
    EXPECT_FALSE(didl->root().child("item").child("dc:date")) << didl->xml;
}

TEST(DidlWriter, VideoRes) {
    auto didl = write(Filter("*"), {video()});
    auto item = didl->root().child("item");
    EXPECT_STREQ(item.child_value("upnp:class"), "object.item.videoItem");
    EXPECT_STREQ(item.child_value("dc:date"), "2023-11-14"); // from mtime
    EXPECT_FALSE(item.child("dc:creator"));
    EXPECT_FALSE(item.child("upnp:artist"));
    auto res = item.child("res");
    EXPECT_STREQ(res.attribute("protocolInfo").value(),
                 "http-get:*:video/x-matroska:DLNA.ORG_OP=01;DLNA.ORG_CI=0;"
                 "DLNA.ORG_FLAGS=01700000000000000000000000000000");
    EXPECT_STREQ(res.attribute("size").value(), "1234567890");
    EXPECT_STREQ(res.attribute("duration").value(), "1:30:00.000");
    EXPECT_STREQ(res.attribute("bitrate").value(), "1000000"); // bytes per second
    EXPECT_STREQ(res.attribute("resolution").value(), "1920x1080");
    EXPECT_STREQ(res.attribute("nrAudioChannels").value(), "6");
    EXPECT_STREQ(res.attribute("sampleFrequency").value(), "48000");
    EXPECT_STREQ(res.child_value(), "http://192.168.1.2:8300/media/20.mkv");
}

TEST(DidlWriter, DateFromMtimeIsTheUtcDay) {
    for (const auto& [mtime, date] :
         std::vector<std::pair<std::int64_t, std::string>>{{0, "1970-01-01"},
                                                           {951782400, "2000-02-29"}, // a leap day, 00:00:00
                                                           {951868799, "2000-02-29"}, // 23:59:59
                                                           {-1, "1969-12-31"},        // before the epoch
                                                           {4102444800, "2100-01-01"}}) { // past 2038
        auto p = photo();
        p.mtime = mtime;
        auto didl = write(Filter("*"), {p});
        EXPECT_EQ(std::string(didl->root().child("item").child_value("dc:date")), date) << mtime;
    }
}

TEST(DidlWriter, VideoDateTagWinsOverMtime) {
    auto v = video();
    v.date = "2001";
    auto didl = write(Filter("*"), {v});
    EXPECT_STREQ(didl->root().child("item").child_value("dc:date"), "2001-01-01");
}

TEST(DidlWriter, Photo) {
    auto didl = write(Filter("*"), {photo()});
    auto item = didl->root().child("item");
    EXPECT_STREQ(item.child_value("upnp:class"), "object.item.imageItem.photo");
    EXPECT_STREQ(item.child_value("dc:date"), "2017-07-14");
    auto res = item.child("res");
    EXPECT_STREQ(res.attribute("protocolInfo").value(),
                 "http-get:*:image/jpeg:DLNA.ORG_PN=JPEG_LRG;DLNA.ORG_OP=01;DLNA.ORG_CI=0;"
                 "DLNA.ORG_FLAGS=00D00000000000000000000000000000");
    EXPECT_STREQ(res.attribute("resolution").value(), "4000x3000");
    EXPECT_STREQ(res.attribute("size").value(), "2000000");
    EXPECT_FALSE(res.attribute("duration"));
    EXPECT_FALSE(res.attribute("bitrate"));
    EXPECT_STREQ(res.child_value(), "http://192.168.1.2:8300/media/30.jpg");
}

TEST(DidlWriter, UnknownMimeFallsBack) {
    auto o = photo();
    o.mime.reset();
    o.dlna_profile.reset();
    auto didl = write(Filter("*"), {o});
    EXPECT_STREQ(didl->root().child("item").child("res").attribute("protocolInfo").value(),
                 "http-get:*:application/octet-stream:DLNA.ORG_OP=01;DLNA.ORG_CI=0;"
                 "DLNA.ORG_FLAGS=00D00000000000000000000000000000");
}

TEST(DidlWriter, SeveralObjectsInOrder) {
    auto didl = write(Filter("*"), {container(), music_track(), video(), photo()});
    std::vector<std::string> ids;
    for (auto n : didl->root().children())
        ids.push_back(std::string(n.name()) + ":" + n.attribute("id").value());
    EXPECT_EQ(ids, (std::vector<std::string>{"container:5", "item:12", "item:20", "item:30"}));
}

TEST(DidlWriter, EscapesAndKeepsUnicode) {
    auto track = music_track();
    track.title = "Tom & Jerry <live> \"quoted\" 'single'";
    track.artist = "Bj\xC3\xB6rk";
    track.album = "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E & \xF0\x9F\x8E\xB5";
    track.genre = "R&B";
    auto folder = container();
    folder.title = "A<B>&C \xC3\xA9t\xC3\xA9";
    auto didl = write(Filter("*"), {folder, track});
    EXPECT_STREQ(didl->root().child("container").child_value("dc:title"), "A<B>&C \xC3\xA9t\xC3\xA9");
    auto item = didl->root().child("item");
    EXPECT_STREQ(item.child_value("dc:title"), "Tom & Jerry <live> \"quoted\" 'single'");
    EXPECT_STREQ(item.child_value("dc:creator"), "Bj\xC3\xB6rk");
    EXPECT_STREQ(item.child_value("upnp:album"), "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E & \xF0\x9F\x8E\xB5");
    EXPECT_STREQ(item.child_value("upnp:genre"), "R&B");
}

TEST(DidlWriter, DropsControlCharactersThatXmlForbids) {
    auto track = music_track();
    track.title = std::string("bad\x01\x1F title\tok");
    auto didl = write(Filter("*"), {track});
    EXPECT_STREQ(didl->root().child("item").child_value("dc:title"), "bad title\tok");
}

TEST(DidlWriter, EmptyFilterKeepsOnlyRequiredProperties) {
    auto didl = write(Filter(""), {container(), music_track()});
    auto c = didl->root().child("container");
    EXPECT_STREQ(c.child_value("dc:title"), "Music");
    EXPECT_STREQ(c.child_value("upnp:class"), "object.container.storageFolder");
    auto item = didl->root().child("item");
    std::vector<std::string> children;
    for (auto n : item.children())
        children.emplace_back(n.name());
    EXPECT_EQ(children, (std::vector<std::string>{"dc:title", "upnp:class"})) << didl->xml;
    EXPECT_STREQ(item.attribute("id").value(), "12");
    EXPECT_STREQ(item.attribute("parentID").value(), "5");
}

TEST(DidlWriter, FilterSelectsElements) {
    auto didl = write(Filter("upnp:album,upnp:originalTrackNumber"), {music_track()});
    auto item = didl->root().child("item");
    EXPECT_STREQ(item.child_value("upnp:album"), "Album");
    EXPECT_STREQ(item.child_value("upnp:originalTrackNumber"), "7");
    EXPECT_FALSE(item.child("upnp:artist"));
    EXPECT_FALSE(item.child("dc:creator"));
    EXPECT_FALSE(item.child("upnp:genre"));
    EXPECT_FALSE(item.child("dc:date"));
    EXPECT_FALSE(item.child("res"));
}

TEST(DidlWriter, ArtistFilterWritesCreatorAndBothArtists) {
    auto didl = write(Filter("upnp:artist"), {music_track()});
    auto item = didl->root().child("item");
    EXPECT_STREQ(item.child_value("dc:creator"), "Artist");
    int artists = 0;
    for (auto n : item.children("upnp:artist")) {
        (void)n;
        ++artists;
    }
    EXPECT_EQ(artists, 2);
}

TEST(DidlWriter, ResAttributeFilterWritesResWithOnlyThoseAttributes) {
    auto didl = write(Filter("res@size,res@duration"), {video()});
    auto res = didl->root().child("item").child("res");
    ASSERT_TRUE(res) << didl->xml;
    EXPECT_TRUE(res.attribute("protocolInfo")) << "protocolInfo is required";
    EXPECT_STREQ(res.attribute("size").value(), "1234567890");
    EXPECT_STREQ(res.attribute("duration").value(), "1:30:00.000");
    EXPECT_FALSE(res.attribute("bitrate"));
    EXPECT_FALSE(res.attribute("resolution"));
    EXPECT_FALSE(res.attribute("nrAudioChannels"));
    EXPECT_FALSE(res.attribute("sampleFrequency"));
    EXPECT_STREQ(res.child_value(), "http://192.168.1.2:8300/media/20.mkv");
}

TEST(DidlWriter, ResFilterAloneWritesBareRes) {
    auto didl = write(Filter("res"), {video()});
    auto res = didl->root().child("item").child("res");
    ASSERT_TRUE(res);
    std::vector<std::string> attrs;
    for (auto a : res.attributes())
        attrs.emplace_back(a.name());
    EXPECT_EQ(attrs, (std::vector<std::string>{"protocolInfo"}));
}

TEST(DidlWriter, MissingOptionalFieldsAreOmitted) {
    db::ObjectRow o;
    o.id = 99;
    o.parent_id = 1;
    o.is_container = false;
    o.title = "Bare";
    o.upnp_class = "object.item.audioItem.musicTrack";
    o.path = "/srv/bare";
    auto didl = write(Filter("*"), {o});
    auto item = didl->root().child("item");
    std::vector<std::string> children;
    for (auto n : item.children())
        children.emplace_back(n.name());
    EXPECT_EQ(children, (std::vector<std::string>{"dc:title", "upnp:class", "res"})) << didl->xml;
    auto res = item.child("res");
    std::vector<std::string> attrs;
    for (auto a : res.attributes())
        attrs.emplace_back(a.name());
    EXPECT_EQ(attrs, (std::vector<std::string>{"protocolInfo"}));
    EXPECT_STREQ(res.child_value(), "http://192.168.1.2:8300/media/99");
}

// --- renderer quirks

TEST(DidlCutTitle, CutsAtCharactersNeverInsideOne) {
    EXPECT_EQ(cut_title("Holiday 2019", 7), "Holiday");
    EXPECT_EQ(cut_title("Holiday", 7), "Holiday");
    EXPECT_EQ(cut_title("Holiday", 0), "Holiday");
    EXPECT_EQ(cut_title("", 3), "");
    EXPECT_EQ(cut_title("Caf\xC3\xA9 au lait", 4), "Caf\xC3\xA9"); // é is two bytes
    EXPECT_EQ(cut_title("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 2), "\xE6\x97\xA5\xE6\x9C\xAC"); // 日本語
    EXPECT_EQ(cut_title("a\xF0\x9F\x8E\xAC"
                        "b",
                        2),
              "a\xF0\x9F\x8E\xAC"); // a four-byte emoji
}

std::unique_ptr<Didl> write_for(const renderers::Profile& profile,
                                std::initializer_list<db::ObjectRow> objects) {
    Filter all("*");
    DidlWriter writer(all, kBase, &profile);
    for (const auto& o : objects)
        writer.add(o);
    auto didl = std::make_unique<Didl>();
    didl->xml = writer.finish();
    auto ok = didl->doc.load_string(didl->xml.c_str());
    EXPECT_TRUE(ok) << ok.description() << "\n" << didl->xml;
    return didl;
}

TEST(DidlWriter, MaxTitleLengthCutsItemAndContainerTitles) {
    renderers::Profile p = renderers::builtin_profiles().back();
    p.max_title_length = 4;
    auto track = music_track();
    track.title = "S\xC3\xB6ngs of the sea";
    auto didl = write_for(p, {container(), track});
    auto nodes = didl->root().children();
    auto it = nodes.begin();
    EXPECT_STREQ(it->child_value("dc:title"), "Musi");
    ++it;
    EXPECT_STREQ(it->child_value("dc:title"), "S\xC3\xB6ng");
    p.max_title_length = 0;
    EXPECT_STREQ(write_for(p, {track})->root().child("item").child_value("dc:title"), track.title.c_str());
}

TEST(DidlWriter, APhotoOverTheRenderersLimitOffersAScaledJpeg) {
    renderers::Profile p = renderers::builtin_profiles().back();
    p.max_image_width = p.max_image_height = 1920;
    auto didl = write_for(p, {photo()}); // 4000x3000
    auto res = didl->root().child("item").child("res");
    EXPECT_STREQ(res.attribute("protocolInfo").value(),
                 "http-get:*:image/jpeg:DLNA.ORG_PN=JPEG_LRG;DLNA.ORG_OP=00;DLNA.ORG_CI=1;"
                 "DLNA.ORG_FLAGS=00D00000000000000000000000000000");
    EXPECT_STREQ(res.attribute("resolution").value(), "1920x1440");
    EXPECT_FALSE(res.attribute("duration"));
    EXPECT_EQ(std::string(res.text().get()), kBase + "/media/30/image.jpg");

    p.max_image_width = 640;
    p.max_image_height = 480;
    auto small = write_for(p, {photo()}); // keep the document alive while its nodes are read
    res = small->root().child("item").child("res");
    EXPECT_STREQ(res.attribute("resolution").value(), "640x480");
    EXPECT_NE(std::string(res.attribute("protocolInfo").value()).find("DLNA.ORG_PN=JPEG_SM;"),
              std::string::npos);
}

TEST(DidlWriter, APhotoWithinTheLimitOffersTheOriginal) {
    auto didl = write_for(renderers::builtin_profiles().back(), {photo()}); // 4096x4096 limit
    auto res = didl->root().child("item").child("res");
    EXPECT_EQ(std::string(res.text().get()), kBase + "/media/30.jpg");
}

} // namespace
} // namespace hearth::cds

namespace hearth::cds {
namespace {

// A Browse writes the document already escaped for the SOAP <Result>: the same bytes as escaping the
// document, for every kind of object and value (markup characters, forbidden controls, U+FFFE in values).
TEST(DidlWriter, SoapTextFormIsTheDocumentEscaped) {
    auto track = music_track();
    track.title = "Tom & Jerry <live> \"quoted\" 'single' \x01\xEF\xBF\xBE&amp;";
    track.album = "R&B <best>";
    track.bookmark = 95;
    auto folder = container();
    folder.title = "A<B>&C \xC3\xA9t\xC3\xA9";
    auto film = video();
    film.subtitles = {{3, 20, "/m/film.srt", "srt", std::nullopt}};
    auto picture = photo();
    picture.art = "embedded";
    db::ViewRow album{4,
                      "music/album/4",
                      "music/album",
                      "Best & <Worst>",
                      "object.container.album.musicAlbum",
                      "Artist's",
                      3,
                      true,
                      12};
    renderers::Profile scaling = renderers::builtin_profiles().back();
    scaling.max_image_width = scaling.max_image_height = 640;
    scaling.max_title_length = 6;
    const Filter all("*");
    const Filter some("dc:title,res@size,upnp:album");
    for (const auto* filter : {&all, &some}) {
        for (const auto* profile : std::initializer_list<const renderers::Profile*>{nullptr, &scaling}) {
            DidlWriter xml(*filter, kBase, profile);
            DidlWriter soap(*filter, kBase, profile, DidlWriter::Form::soap_text);
            for (auto* writer : {&xml, &soap}) {
                writer->add(folder);
                writer->add(track);
                writer->add(film);
                writer->add(picture);
                writer->add_view(album);
                writer->add_in_view(track, album.key);
            }
            const auto document = xml.finish();
            EXPECT_NE(document.find(">Tom &amp; "), std::string::npos) << document;
            EXPECT_EQ(soap.finish(), xml_escape(document));
        }
    }
}

TEST(DidlSubtitles, SidecarSubtitlesAsResAndSamsungCaptionInfo) {
    db::ObjectRow video;
    video.id = 7;
    video.parent_id = 1;
    video.is_container = false;
    video.title = "Film";
    video.upnp_class = "object.item.videoItem";
    video.path = "/m/Film.mp4";
    video.mime = "video/mp4";
    video.subtitles = {{3, 7, "/m/Film.srt", "srt", std::nullopt}, {4, 7, "/m/Film.fr.ass", "ass", "fr"}};
    Filter all("*");
    DidlWriter didl(all, "http://10.0.0.1:8300");
    didl.add(video);
    auto xml = didl.finish();
    EXPECT_NE(
        xml.find("<res protocolInfo=\"http-get:*:text/srt:*\">http://10.0.0.1:8300/subtitle/3.srt</res>"),
        std::string::npos)
        << xml;
    EXPECT_NE(xml.find("http-get:*:text/x-ssa:*\">http://10.0.0.1:8300/subtitle/4.ass</res>"),
              std::string::npos);
    EXPECT_NE(
        xml.find(
            "<sec:CaptionInfoEx sec:type=\"srt\">http://10.0.0.1:8300/subtitle/3.srt</sec:CaptionInfoEx>"),
        std::string::npos)
        << xml;
    EXPECT_NE(xml.find("xmlns:sec=\"http://www.sec.co.kr/\""), std::string::npos);

    renderers::Profile quiet = renderers::builtin_profiles().back();
    quiet.sidecar_subtitles = false;
    DidlWriter none(all, "http://10.0.0.1:8300", &quiet);
    none.add(video);
    auto plain = none.finish();
    EXPECT_EQ(plain.find("subtitle/"), std::string::npos) << plain;
}

} // namespace
} // namespace hearth::cds

namespace hearth::cds {
namespace {

// --- album art ---

TEST(DidlArt, Paths) {
    auto track = music_track();
    EXPECT_FALSE(art_path(track)) << "no art recorded: none advertised";
    track.art = "embedded";
    EXPECT_EQ(art_path(track), "/art/12.jpg");
    EXPECT_EQ(art_path(track, media::ArtSize::sm), "/art/12/sm.jpg");
    auto folder = container();
    folder.art = "frame";
    EXPECT_FALSE(art_path(folder));
}

constexpr const char* kThumbnailProtocol =
    "http-get:*:image/jpeg:DLNA.ORG_PN=JPEG_TN;DLNA.ORG_OP=00;DLNA.ORG_CI=1;"
    "DLNA.ORG_FLAGS=00f00000000000000000000000000000";

TEST(DidlArt, ItemsWithArtCarryAlbumArtUriAndAThumbnailRes) {
    auto track = music_track();
    track.art = "/srv/Music/cover.jpg";
    auto film = video();
    film.art = "frame";
    auto beach = photo();
    beach.art = "picture";
    auto didl = write(Filter("*"), {track, film, beach});
    EXPECT_NE(didl->xml.find("xmlns:dlna=\"urn:schemas-dlna-org:metadata-1-0/\""), std::string::npos);
    for (auto item : didl->root().children("item")) {
        const std::string id = item.attribute("id").value();
        auto art = item.child("upnp:albumArtURI");
        ASSERT_TRUE(art) << id;
        EXPECT_STREQ(art.attribute("dlna:profileID").value(), "JPEG_TN");
        EXPECT_EQ(std::string(art.child_value()), kBase + "/art/" + id + ".jpg");
        auto res = item.children("res");
        auto count = std::distance(res.begin(), res.end());
        ASSERT_EQ(count, 2) << id;
        auto last = *std::next(res.begin());
        EXPECT_STREQ(last.attribute("protocolInfo").value(), kThumbnailProtocol);
        EXPECT_EQ(std::string(last.child_value()), kBase + "/art/" + id + ".jpg");
        EXPECT_STRNE(res.begin()->attribute("protocolInfo").value(), kThumbnailProtocol)
            << "the media itself stays the first res";
    }
}

TEST(DidlArt, AnAlbumContainerShowsItsCoverUnlessFilteredOut) {
    db::ViewRow album{
        7, "music/album/3", "music/albums", "Duets", "object.container.album.musicAlbum", "Big Star", 3, true,
        21};
    auto render = [&](const Filter& filter) {
        DidlWriter writer(filter, kBase);
        writer.add_view(album);
        return writer.finish();
    };
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(render(Filter("*")).c_str()));
    auto art = doc.child("DIDL-Lite").child("container").child("upnp:albumArtURI");
    EXPECT_EQ(std::string(art.text().get()), std::string(kBase) + "/art/21.jpg");
    EXPECT_STREQ(art.attribute("dlna:profileID").value(), "JPEG_TN");
    EXPECT_EQ(render(Filter("dc:title")).find("albumArtURI"), std::string::npos);
    album.art_object.reset();
    EXPECT_EQ(render(Filter("*")).find("albumArtURI"), std::string::npos);
}

TEST(DidlArt, ItemsWithoutArtHaveNone) {
    auto didl = write(Filter("*"), {music_track(), video(), photo(), container()});
    EXPECT_EQ(didl->xml.find("albumArtURI"), std::string::npos) << didl->xml;
    EXPECT_EQ(didl->xml.find("JPEG_TN"), std::string::npos) << didl->xml;
}

TEST(DidlArt, FilterDecides) {
    auto track = music_track();
    track.art = "embedded";
    auto only_art = write(Filter("upnp:albumArtURI"), {track});
    auto item = only_art->root().child("item");
    EXPECT_TRUE(item.child("upnp:albumArtURI"));
    EXPECT_FALSE(item.child("res"));
    auto only_res = write(Filter("res"), {track});
    item = only_res->root().child("item");
    EXPECT_FALSE(item.child("upnp:albumArtURI"));
    auto res = item.children("res");
    EXPECT_EQ(std::distance(res.begin(), res.end()), 2);
    auto neither = write(Filter("dc:title"), {track});
    EXPECT_EQ(neither->xml.find("/art/"), std::string::npos) << neither->xml;
}

TEST(DidlWriterBookmark, ShowsBothFormsUnlessFilteredOut) {
    db::ObjectRow film;
    film.id = 30;
    film.parent_id = 5;
    film.is_container = false;
    film.title = "Film";
    film.upnp_class = "object.item.videoItem";
    film.path = "/srv/Film.mkv";
    film.bookmark = 3723;
    auto all = write(Filter("*"), {film});
    auto item = all->root().child("item");
    EXPECT_STREQ(item.child_value("upnp:lastPlaybackPosition"), "1:02:03") << all->xml;
    EXPECT_STREQ(item.child_value("sec:dcmInfo"), "CREATIONDATE=0,BM=3723");
    auto none = write(Filter("dc:title,res"), {film});
    EXPECT_FALSE(none->root().child("item").child("upnp:lastPlaybackPosition"));
    EXPECT_FALSE(none->root().child("item").child("sec:dcmInfo"));
    film.bookmark.reset();
    auto unmarked = write(Filter("*"), {film});
    EXPECT_FALSE(unmarked->root().child("item").child("upnp:lastPlaybackPosition"));
    EXPECT_FALSE(unmarked->root().child("item").child("sec:dcmInfo"));
}

} // namespace
} // namespace hearth::cds
