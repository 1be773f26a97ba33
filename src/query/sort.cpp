#include "hearth/query/sort.hpp"

#include "hearth/db/objects.hpp"
#include "hearth/util/strings.hpp"

#include <array>

namespace hearth::query {

namespace {
struct SortKey {
    std::string_view property;
    std::string_view column;
};
constexpr std::array<SortKey, 9> kSortKeys = {{
    {"dc:title", "title COLLATE NOCASE"},
    {"dc:date", "date"},
    {"upnp:originalTrackNumber", "track"},
    {"upnp:artist", "artist COLLATE NOCASE"},
    {"dc:creator", "artist COLLATE NOCASE"},
    {"upnp:album", "album COLLATE NOCASE"},
    {"upnp:genre", "genre COLLATE NOCASE"},
    {"upnp:class", "upnp_class"},
    {"res@size", "size"},
}};
} // namespace

std::optional<std::string> sort_sql(std::string_view criteria) {
    std::string sql = "is_container DESC";
    for (auto part : split(criteria, ',')) {
        auto key = trim(part);
        if (key.empty()) {
            if (trim(criteria).empty()) break;
            return std::nullopt;
        }
        bool descending = key.front() == '-';
        if (key.front() == '+' || key.front() == '-') key.remove_prefix(1);
        const SortKey* match = nullptr;
        for (const auto& k : kSortKeys) {
            if (k.property == key) match = &k;
        }
        if (match == nullptr) return std::nullopt;
        sql.append(", ").append(match->column).append(descending ? " DESC" : " ASC");
    }
    return sql == "is_container DESC" ? std::string(db::kDefaultOrder) : sql + ", title COLLATE NOCASE, id";
}

std::string sort_capabilities() {
    std::string out;
    for (const auto& k : kSortKeys) {
        if (!out.empty()) out += ",";
        out += k.property;
    }
    return out;
}

} // namespace hearth::query
