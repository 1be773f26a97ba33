#pragma once
// DIDL-Lite (ContentDirectory:1 §2.8) for Browse results: the Filter, the SortCriteria whitelist and the
// writer. Pure: no sockets, no database.
#include "hearth/db/objects.hpp"
#include "hearth/media/art.hpp"
#include "hearth/renderers/profile.hpp"
#include "hearth/transcode/decision.hpp"

#include <set>
#include <string>
#include <string_view>

namespace hearth::cds {

/// The Browse Filter argument: "*" for everything, else a comma list of property names ("upnp:artist",
/// "res", "res@size", "@childCount"…). Required properties are always written.
class Filter {
  public:
    explicit Filter(std::string_view text);
    bool wants(std::string_view property) const;

  private:
    bool all_ = false;
    std::set<std::string, std::less<>> properties_;
};

class DidlWriter {
  public:
    /// What finish() returns: the DIDL-Lite document, or that document escaped once more as the text of an
    /// element (a Browse's SOAP <Result>, upnp::OutArg::escaped), written so in one pass: escaping the whole
    /// document again after writing it was a sixth of a Browse's CPU time.
    enum class Form { xml, soap_text };

    /// base_url: "http://address:port", used for res URLs. profile: the asking renderer; when given, an item
    /// it cannot play is offered as the converted variant instead of the original.
    DidlWriter(const Filter& filter, std::string base_url, const renderers::Profile* profile = nullptr,
               Form form = Form::xml);
    void add(const db::ObjectRow& object);
    /// An item as shown inside a view container: id "<view>/<object id>", parentID the view, refID the
    /// object; its res URLs are the object's own.
    void add_in_view(const db::ObjectRow& item, std::string_view view);
    /// A view container (or the root or Folders, described as one).
    void add_view(const db::ViewRow& view);
    /// The complete DIDL-Lite document, in the writer's Form.
    std::string finish();

    /// A piece of DIDL's own markup in both forms (didl.cpp makes them at compile time).
    struct Markup {
        std::string_view xml;
        std::string_view soap_text;
    };

  private:
    void add_container(const db::ObjectRow& o);
    void add_item(const db::ObjectRow& o);
    void add_res(const db::ObjectRow& o);
    void add_converted_res(const db::ObjectRow& o, const transcode::Plan& plan);
    void add_subtitles(const db::ObjectRow& o);
    void add_album_art(const db::ObjectRow& o);
    /// upnp:albumArtURI with the JPEG_TN thumbnail at this path (under base_url), if the Filter wants it.
    void add_art_uri(std::string_view path);
    void add_thumbnail_res(const db::ObjectRow& o);
    void add_bookmark(std::int64_t seconds);
    void res_attribute(std::string_view property, const std::optional<std::int64_t>& value);
    void resolution(std::int64_t width, std::int64_t height);
    void parent_id(const db::ObjectRow& o);
    void element(std::string_view name, std::string_view value);
    void title(std::string_view value);
    /// DIDL's own markup (no values in it), in the writer's Form.
    void markup(const Markup& m);
    /// A value: escaped for XML (and once more in Form::soap_text).
    void text(std::string_view value);
    void number(std::int64_t value);
    /// base_url followed by path, as text.
    void url(std::string_view path);
    /// The JPEG_TN thumbnail's URL (art_path()) of an item that has_art().
    void art_url(const db::ObjectRow& o);

    const Filter& filter_;
    const renderers::Profile* profile_;
    Form form_;
    std::string_view view_;     ///< while add_in_view() writes an item
    std::string base_url_text_; ///< base_url escaped as the writer's Form writes values
    std::string out_;
};

/// The URL path of an item's media (http/urls.hpp: "/media/<id>.<ext>").
std::string media_path(const db::ObjectRow& o);
/// The URL path of an item's thumbnail (http/urls.hpp), JPEG_TN or JPEG_SM, when the
/// index says it has a picture (objects.art); nullopt otherwise. For an album container, pass one of its
/// tracks.
std::optional<std::string> art_path(const db::ObjectRow& o, media::ArtSize size = media::ArtSize::tn);
/// Whether art_path() has a path for it.
bool has_art(const db::ObjectRow& o);

/// The URL path of an item converted for the asking renderer: "/media/<id>/play.ts", ".../play.mp3", or
/// ".../image.jpg" for a scaled picture.
std::string converted_path(const db::ObjectRow& o, const transcode::Plan& plan);
/// The fourth protocolInfo field of a live conversion: time seek (OP=10), converted (CI=1); for a scaled
/// picture no seeking (OP=00), converted, interactive transfer.
std::string converted_features(const transcode::Plan& plan);

/// The first max_chars characters (code points) of UTF-8 text, never splitting one; all of it when
/// max_chars <= 0.
std::string cut_title(std::string_view title, int max_chars);

/// A dc:date value from a tag ("2019", "2019-05-02T10:00:00") or nullopt when it does not look like a date.
std::optional<std::string> normalize_date(std::string_view tag);

} // namespace hearth::cds
