#include "hearth/cds/didl.hpp"

#include "hearth/cds/object_ids.hpp"
#include "hearth/http/urls.hpp"
#include "hearth/media/media_info.hpp"
#include "hearth/resume/bookmarks.hpp"
#include "hearth/util/strings.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace hearth::cds {

Filter::Filter(std::string_view text) {
    for (auto part : split(text, ',')) {
        auto name = trim(part);
        if (name == "*") all_ = true;
        if (!name.empty()) properties_.emplace(name);
    }
}

bool Filter::wants(std::string_view property) const {
    if (all_ || properties_.contains(property)) return true;
    // "res@size" implies the res element itself.
    if (property == "res") {
        for (const auto& p : properties_) {
            if (p.starts_with("res@")) return true;
        }
    }
    // dc:creator and upnp:artist carry the same value; a client asking for either gets both.
    if (property == "dc:creator") return properties_.contains("upnp:artist");
    return false;
}

std::string media_path(const db::ObjectRow& o) {
    return http::media_path(o.id, o.path);
}

std::string cut_title(std::string_view title, int max_chars) {
    if (max_chars <= 0) return std::string(title);
    int chars = 0;
    for (std::size_t i = 0; i < title.size(); ++i) {
        const bool continuation = (static_cast<unsigned char>(title[i]) & 0xC0) == 0x80;
        if (!continuation && chars++ == max_chars) return std::string(title.substr(0, i));
    }
    return std::string(title);
}

std::optional<std::string> normalize_date(std::string_view tag) {
    auto digits = [](std::string_view s) {
        for (char c : s) {
            if (c < '0' || c > '9') return false;
        }
        return !s.empty();
    };
    if (tag.size() == 4 && digits(tag)) return std::string(tag) + "-01-01";
    if (tag.size() >= 10 && digits(tag.substr(0, 4)) && tag[4] == '-' && digits(tag.substr(5, 2)) &&
        tag[7] == '-' && digits(tag.substr(8, 2))) {
        return std::string(tag.substr(0, 10));
    }
    return std::nullopt;
}

namespace {
// The UTC date of a file time, "YYYY-MM-DD", by calendar arithmetic: gmtime_r and strftime (and snprintf)
// took the time zone lock and were a twentieth of a Browse's CPU time.
std::string date_of_mtime(std::int64_t mtime) {
    using namespace std::chrono;
    const year_month_day ymd{floor<days>(sys_seconds{seconds{mtime}})};
    const int year = static_cast<int>(ymd.year());
    if (year < 0 || year > 9999) { // not from a real file; the slow way
        char buf[32];
        std::snprintf(buf, sizeof buf, "%d-%02u-%02u", year, static_cast<unsigned>(ymd.month()),
                      static_cast<unsigned>(ymd.day()));
        return buf;
    }
    std::string out = "0000-00-00";
    auto put = [&out](std::size_t end, unsigned value) {
        for (std::size_t i = end; value > 0; value /= 10)
            out[--i] = static_cast<char>('0' + value % 10);
    };
    put(4, static_cast<unsigned>(year));
    put(7, static_cast<unsigned>(ymd.month()));
    put(10, static_cast<unsigned>(ymd.day()));
    return out;
}
} // namespace

namespace {
// DIDL markup as written in the source ("<item id=\"") and escaped as SOAP text ("&lt;item id=&quot;"), the
// latter made by the compiler: escaping the markup while writing cost as much as escaping the document twice.
template <std::size_t N> struct Literal {
    consteval Literal(const char (&text)[N]) { std::copy_n(text, N, chars); }
    char chars[N]{};
};

constexpr std::string_view entity(char c) {
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&apos;";
    default:
        return {};
    }
}

template <Literal L> constexpr std::size_t soap_text_size() {
    std::size_t n = 0;
    for (std::size_t i = 0; i + 1 < sizeof L.chars; ++i)
        n += entity(L.chars[i]).empty() ? 1 : entity(L.chars[i]).size();
    return n;
}

template <Literal L> struct MarkupOf {
    static constexpr auto soap_text = [] {
        std::array<char, soap_text_size<L>()> out{};
        std::size_t n = 0;
        for (std::size_t i = 0; i + 1 < sizeof L.chars; ++i) {
            auto e = entity(L.chars[i]);
            if (e.empty()) {
                out[n++] = L.chars[i];
            } else {
                for (char c : e)
                    out[n++] = c;
            }
        }
        return out;
    }();
    static constexpr DidlWriter::Markup value{{L.chars, sizeof L.chars - 1},
                                              {soap_text.data(), soap_text.size()}};
};

template <Literal L> constexpr const DidlWriter::Markup& operator""_markup() {
    return MarkupOf<L>::value;
}
} // namespace

DidlWriter::DidlWriter(const Filter& filter, std::string base_url, const renderers::Profile* profile,
                       Form form)
    : filter_(filter), profile_(profile), form_(form) {
    text(base_url);
    base_url_text_ = std::move(out_);
    out_.clear();
    out_.reserve(form == Form::soap_text ? 40960 : 4096);
    markup("<DIDL-Lite xmlns=\"urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/\" "
           "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
           "xmlns:upnp=\"urn:schemas-upnp-org:metadata-1-0/upnp/\" "
           "xmlns:dlna=\"urn:schemas-dlna-org:metadata-1-0/\" xmlns:sec=\"http://www.sec.co.kr/\">"_markup);
}

void DidlWriter::markup(const Markup& m) {
    out_.append(form_ == Form::xml ? m.xml : m.soap_text);
}

void DidlWriter::text(std::string_view value) {
    if (form_ == Form::xml) {
        append_xml_escaped(out_, value);
    } else {
        append_xml_escaped_twice(out_, value);
    }
}

// Digits need no escaping in either form.
void DidlWriter::number(std::int64_t value) {
    char buf[24];
    auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    out_.append(buf, static_cast<std::size_t>(end - buf));
}

void DidlWriter::url(std::string_view path) {
    out_.append(base_url_text_);
    text(path);
}

void DidlWriter::art_url(const db::ObjectRow& o) {
    out_.append(base_url_text_);
    http::append_art_path(out_, o.id); // digits: nothing to escape
}

// Element names are DIDL's own and hold no character that needs escaping.
void DidlWriter::element(std::string_view name, std::string_view value) {
    markup("<"_markup);
    out_.append(name);
    markup(">"_markup);
    text(value);
    markup("</"_markup);
    out_.append(name);
    markup(">"_markup);
}

void DidlWriter::title(std::string_view value) {
    if (profile_ && profile_->max_title_length > 0) {
        element("dc:title", cut_title(value, profile_->max_title_length));
    } else {
        element("dc:title", value);
    }
}

void DidlWriter::add(const db::ObjectRow& o) {
    o.is_container ? add_container(o) : add_item(o);
}

void DidlWriter::add_in_view(const db::ObjectRow& item, std::string_view view) {
    view_ = view;
    add_item(item);
    view_ = {};
}

void DidlWriter::add_view(const db::ViewRow& v) {
    markup("<container id=\""_markup);
    text(v.key);
    markup("\" parentID=\""_markup);
    text(v.parent_key);
    markup("\" restricted=\"1\" searchable=\"1\" childCount=\""_markup);
    number(v.child_count);
    markup("\">"_markup);
    title(v.title);
    element("upnp:class", v.upnp_class);
    if (v.artist && filter_.wants("upnp:artist")) element("upnp:artist", *v.artist);
    if (v.art_object) add_art_uri(http::art_path(*v.art_object));
    markup("</container>"_markup);
}

// The shared folders hang under the Folders container, not under the root.
void DidlWriter::parent_id(const db::ObjectRow& o) {
    if (o.parent_id == db::kRootId) {
        out_.append(kFoldersId);
    } else {
        number(o.parent_id);
    }
}

void DidlWriter::add_container(const db::ObjectRow& o) {
    markup("<container id=\""_markup);
    number(o.id);
    markup("\" parentID=\""_markup);
    parent_id(o);
    markup("\" restricted=\"1\" searchable=\"1\" childCount=\""_markup);
    number(o.child_count);
    markup("\">"_markup);
    title(o.title);
    element("upnp:class", o.upnp_class);
    markup("</container>"_markup);
}

void DidlWriter::add_item(const db::ObjectRow& o) {
    if (view_.empty()) {
        markup("<item id=\""_markup);
        number(o.id);
        markup("\" parentID=\""_markup);
        parent_id(o);
        markup("\" restricted=\"1\">"_markup);
    } else {
        markup("<item id=\""_markup);
        text(view_item_id(view_, o.id));
        markup("\" parentID=\""_markup);
        text(view_);
        markup("\" refID=\""_markup);
        number(o.id);
        markup("\" restricted=\"1\">"_markup);
    }
    title(o.title);
    element("upnp:class", o.upnp_class);
    if (o.artist) {
        if (filter_.wants("dc:creator")) element("dc:creator", *o.artist);
        if (filter_.wants("upnp:artist")) element("upnp:artist", *o.artist);
    }
    if (o.album_artist && filter_.wants("upnp:artist")) {
        markup("<upnp:artist role=\"AlbumArtist\">"_markup);
        text(*o.album_artist);
        markup("</upnp:artist>"_markup);
    }
    if (o.album && filter_.wants("upnp:album")) element("upnp:album", *o.album);
    if (o.genre && filter_.wants("upnp:genre")) element("upnp:genre", *o.genre);
    if (o.track && filter_.wants("upnp:originalTrackNumber"))
        element("upnp:originalTrackNumber", std::to_string(*o.track));
    if (filter_.wants("dc:date")) {
        std::optional<std::string> date = o.date ? normalize_date(*o.date) : std::nullopt;
        bool music = o.upnp_class.starts_with("object.item.audioItem");
        if (!date && !music && o.mtime) date = date_of_mtime(*o.mtime);
        if (date) element("dc:date", *date);
    }
    add_album_art(o);
    if (o.bookmark) add_bookmark(*o.bookmark);
    if (filter_.wants("res")) {
        auto plan = profile_ ? transcode::decide(db::media_info(o), *profile_) : transcode::Plan{};
        if (plan.action == transcode::Action::direct) {
            add_res(o);
        } else {
            add_converted_res(o, plan);
        }
        add_subtitles(o);
        add_thumbnail_res(o);
    }
    markup("</item>"_markup);
}

// Where the asking device stopped: UPnP AV's lastPlaybackPosition, and the form Samsung TVs read (BM=).
void DidlWriter::add_bookmark(std::int64_t seconds) {
    if (filter_.wants("upnp:lastPlaybackPosition"))
        element("upnp:lastPlaybackPosition", resume::playback_position(seconds));
    if (filter_.wants("sec:dcmInfo")) element("sec:dcmInfo", "CREATIONDATE=0,BM=" + std::to_string(seconds));
}

// A res attribute with a number, if the Filter wants it (property: "res@<name>").
void DidlWriter::res_attribute(std::string_view property, const std::optional<std::int64_t>& value) {
    if (!value || !filter_.wants(property)) return;
    out_.append(" ").append(property.substr(4));
    markup("=\""_markup);
    number(*value);
    markup("\""_markup);
}

void DidlWriter::resolution(std::int64_t width, std::int64_t height) {
    markup(" resolution=\""_markup);
    number(width);
    out_.append("x");
    number(height);
    markup("\""_markup);
}

void DidlWriter::add_res(const db::ObjectRow& o) {
    const bool image = o.upnp_class.starts_with("object.item.imageItem");
    markup("<res protocolInfo=\""_markup);
    text(media::protocol_info(o.mime.value_or("application/octet-stream"), o.dlna_profile, image));
    markup("\""_markup);
    res_attribute("res@size", o.size);
    if (o.duration_ms && filter_.wants("res@duration")) {
        markup(" duration=\""_markup);
        out_.append(media::format_duration(*o.duration_ms));
        markup("\""_markup);
    }
    // ContentDirectory's bitrate is in bytes per second.
    res_attribute("res@bitrate", o.bitrate ? std::optional<std::int64_t>(*o.bitrate / 8) : std::nullopt);
    if (o.width && o.height && filter_.wants("res@resolution")) resolution(*o.width, *o.height);
    res_attribute("res@sampleFrequency", o.sample_rate);
    res_attribute("res@nrAudioChannels", o.channels);
    res_attribute("res@bitsPerSample", o.bits_per_sample);
    markup(">"_markup);
    out_.append(base_url_text_);
    http::append_media_path(out_, o.id, o.path); // digits and [a-z0-9]: nothing to escape
    markup("</res>"_markup);
}

void DidlWriter::add_converted_res(const db::ObjectRow& o, const transcode::Plan& plan) {
    markup("<res protocolInfo=\""_markup);
    text("http-get:*:" + plan.mime + ":" + converted_features(plan));
    markup("\""_markup);
    if (o.duration_ms && filter_.wants("res@duration")) {
        markup(" duration=\""_markup);
        out_.append(media::format_duration(*o.duration_ms));
        markup("\""_markup);
    }
    const std::int64_t width = plan.width > 0 ? plan.width : o.width.value_or(0);
    const std::int64_t height = plan.height > 0 ? plan.height : o.height.value_or(0);
    if (!plan.video_codec.empty() && width > 0 && height > 0 && filter_.wants("res@resolution"))
        resolution(width, height);
    auto channels = plan.copy_audio ? o.channels : std::optional<std::int64_t>(plan.audio_channels);
    if (channels && *channels > 0) res_attribute("res@nrAudioChannels", channels);
    markup(">"_markup);
    url(converted_path(o, plan));
    markup("</res>"_markup);
}

void DidlWriter::add_subtitles(const db::ObjectRow& o) {
    if (o.subtitles.empty() || (profile_ && !profile_->sidecar_subtitles)) return;
    for (const auto& sub : o.subtitles) {
        markup("<res protocolInfo=\""_markup);
        text(std::string("http-get:*:").append(media::subtitle_mime(sub.format)).append(":*"));
        markup("\">"_markup);
        url(http::subtitle_path(sub.id, sub.format));
        markup("</res>"_markup);
    }
    if (filter_.wants("sec:CaptionInfoEx")) { // Samsung TVs read the first one from here
        const auto& first = o.subtitles.front();
        markup("<sec:CaptionInfoEx sec:type=\""_markup);
        text(first.format);
        markup("\">"_markup);
        url(http::subtitle_path(first.id, first.format));
        markup("</sec:CaptionInfoEx>"_markup);
    }
}

// upnp:albumArtURI with DLNA's profile attribute (DLNA guidelines 7.3.61): what TVs show beside a track.
void DidlWriter::add_album_art(const db::ObjectRow& o) {
    if (!has_art(o) || !filter_.wants("upnp:albumArtURI")) return;
    markup("<upnp:albumArtURI dlna:profileID=\"JPEG_TN\">"_markup);
    art_url(o);
    markup("</upnp:albumArtURI>"_markup);
}

void DidlWriter::add_art_uri(std::string_view path) {
    if (!filter_.wants("upnp:albumArtURI")) return;
    markup("<upnp:albumArtURI dlna:profileID=\"JPEG_TN\">"_markup);
    url(path);
    markup("</upnp:albumArtURI>"_markup);
}

// The same picture as a res of its own, which renderers that ignore albumArtURI use for the list's icon.
void DidlWriter::add_thumbnail_res(const db::ObjectRow& o) {
    if (!has_art(o)) return;
    markup("<res protocolInfo=\""_markup);
    text(std::string("http-get:*:image/jpeg:").append(media::art_features(media::ArtSize::tn)));
    markup("\">"_markup);
    art_url(o);
    markup("</res>"_markup);
}

bool has_art(const db::ObjectRow& o) {
    return !o.is_container && o.art;
}

std::optional<std::string> art_path(const db::ObjectRow& o, media::ArtSize size) {
    if (!has_art(o)) return std::nullopt;
    return http::art_path(o.id, size == media::ArtSize::tn ? http::ArtVariant::tn : http::ArtVariant::sm);
}

std::string converted_path(const db::ObjectRow& o, const transcode::Plan& plan) {
    return http::converted_path(o.id, plan.action == transcode::Action::scale_image
                                          ? http::Converted::image_jpg
                                      : plan.container == "mp3" ? http::Converted::play_mp3
                                                                : http::Converted::play_ts);
}

std::string converted_features(const transcode::Plan& plan) {
    std::string out;
    if (plan.dlna_profile) out += "DLNA.ORG_PN=" + *plan.dlna_profile + ";";
    // A scaled picture is made whole before it is sent: no seeking, converted, interactive transfer mode.
    if (plan.action == transcode::Action::scale_image)
        return out + "DLNA.ORG_OP=00;DLNA.ORG_CI=1;DLNA.ORG_FLAGS=00D00000000000000000000000000000";
    // OP=10: seek by time (TimeSeekRange.dlna.org), not by bytes; CI=1: converted content. FLAGS: streaming
    // transfer, background mode, connection stall, DLNA 1.5.
    return out + "DLNA.ORG_OP=10;DLNA.ORG_CI=1;DLNA.ORG_FLAGS=01700000000000000000000000000000";
}

std::string DidlWriter::finish() {
    markup("</DIDL-Lite>"_markup);
    return std::move(out_);
}

} // namespace hearth::cds
