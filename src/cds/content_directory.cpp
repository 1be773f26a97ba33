#include "hearth/cds/content_directory.hpp"

#include "hearth/cds/didl.hpp"
#include "hearth/cds/search.hpp"
#include "hearth/resume/bookmarks.hpp"
#include "hearth/util/strings.hpp"

namespace hearth::cds {
namespace {

std::int64_t object_id(const std::string& text) {
    auto id = parse_uint(trim(text));
    if (!id || *id > static_cast<std::uint64_t>(INT64_MAX))
        throw upnp::UpnpException(upnp::errors::no_such_object());
    return static_cast<std::int64_t>(*id);
}

} // namespace

ContentDirectory::ContentDirectory(db::ReaderPool& readers, resume::Bookmarks* bookmarks)
    : readers_(readers), bookmarks_(bookmarks) {
    actions_.add("Browse", [this](const upnp::ActionCall& c, const upnp::RequestContext& ctx) {
        return browse(c, ctx);
    });
    actions_.add("Search", [this](const upnp::ActionCall& c, const upnp::RequestContext& ctx) {
        return search(c, ctx);
    });
    actions_.add("GetSearchCapabilities", [](const upnp::ActionCall&, const upnp::RequestContext&) {
        return upnp::OutArgs{{"SearchCaps", search::capabilities()}};
    });
    actions_.add("GetSortCapabilities", [](const upnp::ActionCall&, const upnp::RequestContext&) {
        return upnp::OutArgs{{"SortCaps", sort_capabilities()}};
    });
    actions_.add("GetSystemUpdateID", [this](const upnp::ActionCall&, const upnp::RequestContext&) {
        auto reader = readers_.acquire();
        return upnp::OutArgs{{"Id", std::to_string(reader->system_update_id())}};
    });
    // Samsung TVs say where playback stopped (CategoryType and RID are theirs; ObjectID and PosSecond
    // matter).
    actions_.add("X_SetBookmark", [this](const upnp::ActionCall& c, const upnp::RequestContext& ctx) {
        return set_bookmark(c, ctx);
    });
}

void ContentDirectory::complete(db::ObjectReader& reader, db::ObjectRow& object,
                                const upnp::RequestContext& ctx) {
    if (object.is_container) return;
    if (object.upnp_class.starts_with("object.item.videoItem"))
        object.subtitles = reader.subtitles_of(object.id);
    if (bookmarks_) object.bookmark = bookmarks_->get(object.id, ctx.device_id);
}

upnp::OutArgs ContentDirectory::set_bookmark(const upnp::ActionCall& call, const upnp::RequestContext& ctx) {
    const auto& id_text = call.str("ObjectID");
    const auto position = call.uint("PosSecond");
    auto reader = readers_.acquire();
    if (ctx.restricted) throw upnp::UpnpException(upnp::errors::no_such_object());
    auto object = reader->get(object_id(id_text));
    if (!object || object->is_container || object->upnp_class.starts_with("object.item.imageItem"))
        throw upnp::UpnpException(upnp::errors::no_such_object());
    const double duration = object->duration_ms ? static_cast<double>(*object->duration_ms) / 1000 : 0;
    if (duration > 0 && static_cast<double>(position) > duration + 1)
        throw upnp::UpnpException(upnp::errors::invalid_args("PosSecond is past the end of the item"));
    if (bookmarks_)
        bookmarks_->apply(object->id, ctx.device_id, resume::after_set_bookmark(position, duration));
    return {};
}

namespace {

struct BrowseArgs {
    bool metadata;
    std::string object_id;
    std::int64_t start;
    std::int64_t count; ///< 0: all
    std::string order_by;
    Filter filter;
};

// The renderer's SortCriteria, unless its profile forces one (Vieras send criteria they then ignore).
std::string_view sort_criteria(const upnp::ActionCall& call, const renderers::Profile* profile) {
    if (profile && !profile->forced_sort.empty()) return profile->forced_sort;
    const auto* sort_text = call.find("SortCriteria");
    return sort_text ? std::string_view(*sort_text) : std::string_view{};
}

BrowseArgs browse_args(const upnp::ActionCall& call, const renderers::Profile* profile) {
    const auto& flag = call.str("BrowseFlag");
    const bool metadata = flag == "BrowseMetadata";
    if (!metadata && flag != "BrowseDirectChildren") {
        throw upnp::UpnpException(
            upnp::errors::invalid_args("BrowseFlag must be BrowseMetadata or BrowseDirectChildren"));
    }
    std::string id(trim(call.str("ObjectID")));
    const auto start = static_cast<std::int64_t>(call.uint("StartingIndex"));
    const auto count = static_cast<std::int64_t>(call.uint("RequestedCount"));
    const auto* filter_text = call.find("Filter");
    auto order = sort_sql(sort_criteria(call, profile));
    if (!order) throw upnp::UpnpException(upnp::errors::invalid_sort());
    return {metadata, std::move(id), start, count, *order, Filter(filter_text ? *filter_text : "*")};
}

upnp::OutArgs browse_answer(std::string didl, std::int64_t returned, std::int64_t total,
                            std::int64_t update_id) {
    return {{"Result", std::move(didl)},
            {"NumberReturned", std::to_string(returned)},
            {"TotalMatches", std::to_string(total)},
            {"UpdateID", std::to_string(update_id)}};
}

// What a device waiting for approval sees: a root holding one empty folder whose title says what to do.
constexpr const char* kApprovalId = "approval";

upnp::OutArgs browse_restricted(const BrowseArgs& args, std::int64_t update_id) {
    std::string didl = "<DIDL-Lite xmlns=\"urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/\" "
                       "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
                       "xmlns:upnp=\"urn:schemas-upnp-org:metadata-1-0/upnp/\">";
    const std::string note = std::string("<container id=\"") + kApprovalId +
                             "\" parentID=\"0\" restricted=\"1\" searchable=\"0\" childCount=\"0\">"
                             "<dc:title>Waiting for approval: ask the owner to approve this device</dc:title>"
                             "<upnp:class>object.container.storageFolder</upnp:class></container>";
    std::int64_t returned = 0;
    std::int64_t total = 0;
    if (args.object_id == "0" && args.metadata) {
        didl +=
            "<container id=\"0\" parentID=\"-1\" restricted=\"1\" searchable=\"0\" childCount=\"1\">"
            "<dc:title>root</dc:title><upnp:class>object.container.storageFolder</upnp:class></container>";
        returned = total = 1;
    } else if (args.object_id == "0") {
        total = 1;
        if (args.start == 0) {
            didl += note;
            returned = 1;
        }
    } else if (args.object_id == kApprovalId) {
        if (args.metadata) {
            didl += note;
            returned = total = 1;
        }
    } else {
        throw upnp::UpnpException(upnp::errors::no_such_object());
    }
    return browse_answer(didl + "</DIDL-Lite>", returned, total, update_id);
}

} // namespace

upnp::OutArgs ContentDirectory::browse(const upnp::ActionCall& call, const upnp::RequestContext& ctx) {
    const auto args = browse_args(call, ctx.profile);
    auto reader = readers_.acquire();
    if (ctx.restricted) return browse_restricted(args, reader->system_update_id());
    const std::int64_t id = object_id(args.object_id);
    auto object = reader->get(id);
    if (!object) throw upnp::UpnpException(upnp::errors::no_such_object());
    DidlWriter didl(args.filter, ctx.base_url, ctx.profile);
    std::int64_t returned = 0;
    std::int64_t total = 0;
    if (args.metadata) {
        complete(*reader, *object, ctx);
        didl.add(*object);
        returned = total = 1;
    } else if (object->is_container) {
        // RequestedCount 0 means "all"; SQLite's LIMIT -1 is unbounded.
        const std::int64_t limit = args.count == 0 ? -1 : args.count;
        auto children = args.order_by == db::kDefaultOrder
                            ? reader->children_in_default_order(id, args.start, limit)
                            : reader->children(id, args.order_by, args.start, limit);
        for (auto& child : children) {
            complete(*reader, child, ctx);
            didl.add(child);
        }
        returned = static_cast<std::int64_t>(children.size());
        total = object->child_count;
    }
    return browse_answer(didl.finish(), returned, total, reader->system_update_id());
}

namespace {

struct SearchArgs {
    std::string container;
    search::SqlWhere where;
    std::int64_t start;
    std::int64_t count; ///< 0: all
    std::string order_by;
    Filter filter;
};

SearchArgs search_args(const upnp::ActionCall& call, const renderers::Profile* profile) {
    std::string container(trim(call.str("ContainerID")));
    auto where = search::criteria_sql(call.str("SearchCriteria"));
    if (auto* error = std::get_if<upnp::UpnpError>(&where)) throw upnp::UpnpException(*error);
    const auto start = static_cast<std::int64_t>(call.uint("StartingIndex"));
    const auto count = static_cast<std::int64_t>(call.uint("RequestedCount"));
    const auto* filter_text = call.find("Filter");
    auto order = sort_sql(sort_criteria(call, profile));
    if (!order) throw upnp::UpnpException(upnp::errors::invalid_sort());
    return {std::move(container),
            std::get<search::SqlWhere>(std::move(where)),
            start,
            count,
            *order,
            Filter(filter_text ? *filter_text : "*")};
}

// Confines the criteria to the container's subtree (paths under "<its path>/": a range the path index
// answers) and to items unless the criteria ask for containers.
void scope_to(search::SqlWhere& where, const db::ObjectRow& container) {
    std::string sql = where.mentions_containers ? "" : "is_container = 0 AND ";
    if (container.id != db::kRootId) {
        sql += "path >= ? AND path < ? AND ";
        // '0' is the character after '/': every path with the prefix sorts before prefix-with-'0'.
        where.bindings.insert(where.bindings.begin(), {container.path + "/", container.path + "0"});
    }
    where.sql = sql + "(" + where.sql + ")";
}

} // namespace

upnp::OutArgs ContentDirectory::search(const upnp::ActionCall& call, const upnp::RequestContext& ctx) {
    auto args = search_args(call, ctx.profile);
    auto reader = readers_.acquire();
    if (ctx.restricted)
        return browse_answer(DidlWriter(args.filter, ctx.base_url, ctx.profile).finish(), 0, 0,
                             reader->system_update_id());
    auto container = reader->get(object_id(args.container));
    if (!container || !container->is_container) throw upnp::UpnpException(upnp::errors::no_such_object());
    scope_to(args.where, *container);
    const std::int64_t limit = args.count == 0 ? -1 : args.count;
    auto found = reader->search(args.where.sql, args.where.bindings, args.order_by, args.start, limit);
    DidlWriter didl(args.filter, ctx.base_url, ctx.profile);
    for (auto& object : found) {
        complete(*reader, object, ctx);
        didl.add(object);
    }
    const auto total = reader->count(args.where.sql, args.where.bindings);
    return browse_answer(didl.finish(), static_cast<std::int64_t>(found.size()), total,
                         reader->system_update_id());
}

} // namespace hearth::cds
