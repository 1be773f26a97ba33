#include "hearth/cds/object_ids.hpp"

#include "hearth/util/strings.hpp"

#include <limits>

namespace hearth::cds {
namespace {

constexpr std::size_t kMaxIdLength = 256;

std::optional<std::int64_t> object_number(std::string_view text) {
    auto n = parse_uint(text);
    if (!n || *n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(*n);
}

// Lower-case letters, digits and '/' between non-empty segments: what rebuild_views() makes.
bool view_shaped(std::string_view id) {
    if (id.empty() || id.size() > kMaxIdLength || id.front() == '/' || id.back() == '/') return false;
    char previous = 0;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '/' && previous != '/');
        if (!ok) return false;
        previous = c;
    }
    return id.front() < '0' || id.front() > '9';
}

} // namespace

std::optional<ObjectRef> parse_object_id(std::string_view id) {
    id = trim(id);
    if (id == kRootId) return ObjectRef{ObjectRef::Kind::root, 0, {}, {}};
    if (id == kFoldersId) return ObjectRef{ObjectRef::Kind::folders, 0, {}, {}};
    if (auto n = object_number(id)) return ObjectRef{ObjectRef::Kind::object, *n, {}, {}};
    if (!view_shaped(id)) return std::nullopt;
    ObjectRef ref{ObjectRef::Kind::view, 0, std::string(id), {}};
    const auto slash = id.rfind('/');
    if (slash != std::string_view::npos) {
        if (auto n = object_number(id.substr(slash + 1))) {
            ref.object = *n;
            ref.item_of = std::string(id.substr(0, slash));
        }
    }
    return ref;
}

std::string_view ms_container(std::string_view id, MsAsk ask) {
    // Xbox 360 searches "7" for albums, "6" for artists…; it browses "15" and "16" for folders of videos and
    // pictures. Playlists ("F") have no view here.
    struct WellKnown {
        std::string_view number, view;
        bool browsed;
    };
    static constexpr WellKnown kWellKnown[] = {
        {"4", "music/tracks", false},  {"5", "music/genres", false},     {"6", "music/artists", false},
        {"7", "music/albums", false},  {"8", "video/all", false},        {"B", "pictures/all", false},
        {"15", "video/folders", true}, {"16", "pictures/folders", true},
    };
    const auto trimmed = trim(id);
    for (const auto& known : kWellKnown) {
        if (trimmed == known.number && (ask == MsAsk::search || known.browsed)) return known.view;
    }
    return id;
}

std::string view_item_id(std::string_view view, std::int64_t object) {
    return std::string(view) + "/" + std::to_string(object);
}

} // namespace hearth::cds
