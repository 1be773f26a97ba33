#include "hearth/cds/content_directory.hpp"

#include "hearth/cds/didl.hpp"
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

ContentDirectory::ContentDirectory(db::ReaderPool& readers) : readers_(readers) {
    actions_.add("Browse", [this](const upnp::ActionCall& c, const upnp::RequestContext& ctx) {
        return browse(c, ctx);
    });
    actions_.add("GetSearchCapabilities", [](const upnp::ActionCall&, const upnp::RequestContext&) {
        return upnp::OutArgs{{"SearchCaps", ""}};
    });
    actions_.add("GetSortCapabilities", [](const upnp::ActionCall&, const upnp::RequestContext&) {
        return upnp::OutArgs{{"SortCaps", sort_capabilities()}};
    });
    actions_.add("GetSystemUpdateID", [this](const upnp::ActionCall&, const upnp::RequestContext&) {
        auto reader = readers_.acquire();
        return upnp::OutArgs{{"Id", std::to_string(reader->system_update_id())}};
    });
}

upnp::OutArgs ContentDirectory::browse(const upnp::ActionCall& call, const upnp::RequestContext& ctx) {
    const auto& flag = call.str("BrowseFlag");
    const bool metadata = flag == "BrowseMetadata";
    if (!metadata && flag != "BrowseDirectChildren") {
        throw upnp::UpnpException(
            upnp::errors::invalid_args("BrowseFlag must be BrowseMetadata or BrowseDirectChildren"));
    }
    const std::int64_t id = object_id(call.str("ObjectID"));
    const auto start = static_cast<std::int64_t>(call.uint("StartingIndex"));
    const auto count = static_cast<std::int64_t>(call.uint("RequestedCount"));
    const auto* filter_text = call.find("Filter");
    Filter filter(filter_text ? *filter_text : "*");
    const auto* sort_text = call.find("SortCriteria");
    auto order = sort_sql(sort_text ? *sort_text : "");
    if (!order) throw upnp::UpnpException(upnp::errors::invalid_sort());

    auto reader = readers_.acquire();
    auto object = reader->get(id);
    if (!object) throw upnp::UpnpException(upnp::errors::no_such_object());
    DidlWriter didl(filter, ctx.base_url);
    std::int64_t returned = 0;
    std::int64_t total = 0;
    if (metadata) {
        didl.add(*object);
        returned = total = 1;
    } else if (object->is_container) {
        // RequestedCount 0 means "all"; SQLite's LIMIT -1 is unbounded.
        auto children = reader->children(id, *order, start, count == 0 ? -1 : count);
        for (const auto& child : children)
            didl.add(child);
        returned = static_cast<std::int64_t>(children.size());
        total = object->child_count;
    }
    return {{"Result", didl.finish()},
            {"NumberReturned", std::to_string(returned)},
            {"TotalMatches", std::to_string(total)},
            {"UpdateID", std::to_string(reader->system_update_id())}};
}

} // namespace hearth::cds
