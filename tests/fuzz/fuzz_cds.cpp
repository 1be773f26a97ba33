// ContentDirectory Browse arguments: "<Filter>\n<SortCriteria>\n<title tag>\n<artist tag>". The sort order
// becomes SQL and the filter shapes the DIDL-Lite written for items whose tags come from the file.
#include "fuzz_check.hpp"
#include "hearth/cds/didl.hpp"
#include "hearth/db/objects.hpp"
#include "hearth/query/sort.hpp"
#include "hearth/renderers/profile.hpp"
#include "hearth/util/strings.hpp"

#include <pugixml.hpp>

using namespace hearth;

namespace {

db::ObjectRow folder(std::string title) {
    db::ObjectRow o;
    o.id = 2;
    o.parent_id = 0;
    o.is_container = true;
    o.title = std::move(title);
    o.upnp_class = "object.container.storageFolder";
    o.child_count = 1;
    o.path = "/srv/media/Films";
    return o;
}

db::ObjectRow video(std::string title, std::string artist) {
    db::ObjectRow o;
    o.id = 17;
    o.parent_id = 2;
    o.is_container = false;
    o.title = std::move(title);
    o.upnp_class = "object.item.videoItem";
    o.path = "/srv/media/Films/film.mkv";
    o.size = 734003200;
    o.mtime = 1717236000;
    o.mime = "video/x-matroska";
    o.duration_ms = 5400000;
    o.bitrate = 1100000;
    o.width = 1920;
    o.height = 1080;
    o.channels = 6;
    o.sample_rate = 48000;
    o.artist = std::move(artist);
    o.genre = "Drama";
    o.date = "2019-05-02";
    o.container = "matroska,webm";
    o.video_codec = "hevc";
    o.audio_codec = "dts";
    o.video_profile = 1;
    o.video_level = 120;
    o.frame_rate = 23.976;
    return o;
}

bool sql_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ' ' || c == ',';
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto f = fuzz::fields(fuzz::as_text(data, size), 4);

    if (auto order = query::sort_sql(f[1])) {
        // Only whitelisted columns reach SQL: nothing of the client's text but the keys' own names.
        FUZZ_CHECK(order->starts_with("is_container DESC"));
        for (char c : *order)
            FUZZ_CHECK(sql_word_char(c));
        FUZZ_CHECK(order->ends_with("title COLLATE NOCASE, id"));
    }

    cds::Filter filter(f[0]);
    // Tags reach the index through sanitize_utf8 (media::probe), folder names through the scanner.
    auto title = sanitize_utf8(f[2]);
    auto artist = sanitize_utf8(f[3]);
    const renderers::Profile* profiles[] = {nullptr, &renderers::builtin_profiles().back(),
                                            &renderers::builtin_profiles().front()};
    for (const auto* profile : profiles) {
        cds::DidlWriter writer(filter, "http://192.168.1.10:8300", profile);
        cds::DidlWriter soap(filter, "http://192.168.1.10:8300", profile, cds::DidlWriter::Form::soap_text);
        for (auto* w : {&writer, &soap}) {
            w->add(folder(title));
            w->add(video(title, artist));
        }
        auto didl = writer.finish();
        // What a Browse puts in its SOAP <Result>, written escaped in one pass: the document, escaped.
        FUZZ_CHECK(soap.finish() == xml_escape(didl));
        pugi::xml_document doc;
        FUZZ_CHECK(doc.load_buffer(didl.data(), didl.size()));
        auto root = doc.child("DIDL-Lite");
        FUZZ_CHECK(root && root.child("container") && root.child("item"));
        // Required properties survive any filter.
        FUZZ_CHECK(root.child("item").child("dc:title") && root.child("item").child("upnp:class"));
    }
    return 0;
}
