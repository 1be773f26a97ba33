#include "hearth/cds/content_directory.hpp"

#include "hearth/cds/didl.hpp"
#include "hearth/cds/object_ids.hpp"
#include "hearth/query/search.hpp"
#include "hearth/query/sort.hpp"
#include "hearth/resume/bookmarks.hpp"
#include "hearth/util/strings.hpp"

#include <functional>

namespace hearth::cds {
// SearchCriteria and SortCriteria → SQL live in query, below cds, so that renderer profiles can check a
// forced sort.
namespace search = query::search;
using query::sort_capabilities;
using query::sort_sql;

namespace {

// The item an X_SetBookmark names: a folder-tree id, or an item shown in a view ("<view>/<object id>").
std::int64_t item_id(std::string_view text) {
    auto ref = parse_object_id(trim(text));
    if (ref && (ref->kind == ObjectRef::Kind::object || (ref->kind == ObjectRef::Kind::view && ref->item_of)))
        return ref->object;
    throw upnp::UpnpException(upnp::errors::no_such_object());
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
    // A picture has no playback position (X_SetBookmark refuses one, a stream of one has no duration): no
    // lookup under the bookmarks' lock for each row of a photo folder.
    if (bookmarks_ && !object.upnp_class.starts_with("object.item.imageItem"))
        object.bookmark = bookmarks_->get(object.id, ctx.device_id);
}

upnp::OutArgs ContentDirectory::set_bookmark(const upnp::ActionCall& call, const upnp::RequestContext& ctx) {
    const auto& id_text = call.str("ObjectID");
    const auto position = call.uint("PosSecond");
    auto reader = readers_.acquire();
    if (ctx.restricted) throw upnp::UpnpException(upnp::errors::no_such_object());
    auto object = reader->get(item_id(id_text));
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

// The id as Hearth names it: Xbox 360 and Windows Media Player ask for numbered well-known containers.
std::string_view client_id(std::string_view id, const renderers::Profile* profile, MsAsk ask) {
    return profile && profile->ms_container_ids ? ms_container(id, ask) : id;
}

BrowseArgs browse_args(const upnp::ActionCall& call, const renderers::Profile* profile) {
    const auto& flag = call.str("BrowseFlag");
    const bool metadata = flag == "BrowseMetadata";
    if (!metadata && flag != "BrowseDirectChildren") {
        throw upnp::UpnpException(
            upnp::errors::invalid_args("BrowseFlag must be BrowseMetadata or BrowseDirectChildren"));
    }
    std::string id(trim(client_id(call.str("ObjectID"), profile, MsAsk::browse)));
    const auto start = static_cast<std::int64_t>(call.uint("StartingIndex"));
    const auto count = static_cast<std::int64_t>(call.uint("RequestedCount"));
    const auto* filter_text = call.find("Filter");
    auto order = sort_sql(sort_criteria(call, profile));
    if (!order) throw upnp::UpnpException(upnp::errors::invalid_sort());
    return {metadata, std::move(id), start, count, *order, Filter(filter_text ? *filter_text : "*")};
}

// didl: a DidlWriter's in Form::soap_text.
upnp::OutArgs browse_answer(std::string didl, std::int64_t returned, std::int64_t total,
                            std::int64_t update_id) {
    // Built in place: an initializer list would copy the (tens of KiB) Result.
    upnp::OutArgs out;
    out.reserve(4);
    out.emplace_back("Result", std::move(didl), true);
    out.emplace_back("NumberReturned", std::to_string(returned));
    out.emplace_back("TotalMatches", std::to_string(total));
    out.emplace_back("UpdateID", std::to_string(update_id));
    return out;
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
    return browse_answer(xml_escape(didl + "</DIDL-Lite>"), returned, total, update_id);
}

} // namespace

namespace {

struct Page {
    std::int64_t returned = 0;
    std::int64_t total = 0;
};

// RequestedCount 0 means "all"; SQLite's LIMIT -1 is unbounded.
std::int64_t limit_of(const BrowseArgs& args) {
    return args.count == 0 ? -1 : args.count;
}

db::ViewRow folders_view(std::int64_t shared_folders) {
    return {0,
            std::string(kFoldersId),
            std::string(kRootId),
            "Folders",
            "object.container.storageFolder",
            {},
            shared_folders,
            false,
            {}};
}

// The root's children: the views that have content (Video, Music, Pictures), then the folder tree.
std::vector<db::ViewRow> top_containers(db::ObjectReader& reader) {
    auto tops = reader.view_children(kRootId, 0, -1);
    if (auto folders = reader.folder_count(); folders > 0) tops.push_back(folders_view(folders));
    return tops;
}

Page browse_root(db::ObjectReader& reader, const BrowseArgs& args, DidlWriter& didl) {
    const auto tops = top_containers(reader);
    const auto total = static_cast<std::int64_t>(tops.size());
    if (args.metadata) {
        didl.add_view(
            {0, std::string(kRootId), "-1", "root", "object.container.storageFolder", {}, total, false, {}});
        return {1, 1};
    }
    const auto end = args.count == 0 ? total : std::min(total, args.start + args.count);
    for (auto i = args.start; i < end; ++i)
        didl.add_view(tops[static_cast<std::size_t>(i)]);
    return {std::max<std::int64_t>(0, end - args.start), total};
}

/// Fills what DIDL shows of a listed object beyond its row (ContentDirectory::complete).
using Completer = std::function<void(db::ObjectRow&)>;

void add_object(const Completer& complete, DidlWriter& didl, db::ObjectRow& object,
                std::string_view view = {}) {
    complete(object);
    view.empty() ? didl.add(object) : didl.add_in_view(object, view);
}

// The folder tree: a real object, or (id 0) the shared folders under Folders.
Page browse_folders(db::ObjectReader& reader, const Completer& complete, std::int64_t id,
                    const BrowseArgs& args, DidlWriter& didl) {
    auto object = reader.get(id);
    if (!object) throw upnp::UpnpException(upnp::errors::no_such_object());
    if (args.metadata) {
        if (id == db::kRootId) {
            didl.add_view(folders_view(object->child_count));
        } else {
            add_object(complete, didl, *object);
        }
        return {1, 1};
    }
    if (!object->is_container) return {};
    const auto returned =
        reader.visit_children(id, args.order_by, args.start, limit_of(args),
                              [&](db::ObjectRow& child) { add_object(complete, didl, child); });
    return {returned, object->child_count};
}

// An object shown in a view: "<view>/<object id>", valid only while the view holds it.
Page browse_view_item(db::ObjectReader& reader, const Completer& complete, const ObjectRef& ref,
                      const BrowseArgs& args, DidlWriter& didl) {
    auto view = ref.item_of ? reader.view(*ref.item_of) : std::nullopt;
    if (!view || !view->has_items || !reader.view_holds(view->id, ref.object))
        throw upnp::UpnpException(upnp::errors::no_such_object());
    auto object = reader.get(ref.object);
    if (!object) throw upnp::UpnpException(upnp::errors::no_such_object());
    if (!args.metadata) return {};
    add_object(complete, didl, *object, view->key);
    return {1, 1};
}

Page browse_view(db::ObjectReader& reader, const Completer& complete, const ObjectRef& ref,
                 const BrowseArgs& args, DidlWriter& didl) {
    auto view = reader.view(ref.key);
    if (!view) return browse_view_item(reader, complete, ref, args, didl);
    if (args.metadata) {
        didl.add_view(*view);
        return {1, 1};
    }
    std::int64_t returned = 0;
    if (view->has_items) {
        returned =
            reader.view_items(view->id, args.order_by, args.start, limit_of(args),
                              [&](db::ObjectRow& item) { add_object(complete, didl, item, view->key); });
    } else {
        for (const auto& child : reader.view_children(view->key, args.start, limit_of(args))) {
            didl.add_view(child);
            ++returned;
        }
    }
    return {returned, view->child_count};
}

ObjectRef parse_id(std::string_view id) {
    auto ref = parse_object_id(id);
    if (!ref) throw upnp::UpnpException(upnp::errors::no_such_object());
    return *ref;
}

} // namespace

upnp::OutArgs ContentDirectory::browse(const upnp::ActionCall& call, const upnp::RequestContext& ctx) {
    const auto args = browse_args(call, ctx.profile);
    auto reader = readers_.acquire();
    if (ctx.restricted) return browse_restricted(args, reader->system_update_id());
    const auto ref = parse_id(args.object_id);
    DidlWriter didl(args.filter, ctx.base_url, ctx.profile, DidlWriter::Form::soap_text);
    const Completer complete = [&](db::ObjectRow& object) { this->complete(*reader, object, ctx); };
    Page page;
    switch (ref.kind) {
    case ObjectRef::Kind::root:
        page = browse_root(*reader, args, didl);
        break;
    case ObjectRef::Kind::folders:
        page = browse_folders(*reader, complete, db::kRootId, args, didl);
        break;
    case ObjectRef::Kind::object:
        page = browse_folders(*reader, complete, ref.object, args, didl);
        break;
    case ObjectRef::Kind::view:
        page = browse_view(*reader, complete, ref, args, didl);
        break;
    }
    return browse_answer(didl.finish(), page.returned, page.total, reader->system_update_id());
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
    std::string container(trim(client_id(call.str("ContainerID"), profile, MsAsk::search)));
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

// Confines the criteria to what a view container shows (anywhere below it).
void scope_to_view(search::SqlWhere& where, const db::ViewRow& view) {
    where.sql = std::string("is_container = 0 AND ") + db::kInViewSql + " AND (" + where.sql + ")";
    where.bindings.insert(where.bindings.begin(), view.key);
}

void scope_to(db::ObjectReader& reader, search::SqlWhere& where, const ObjectRef& ref) {
    if (ref.kind == ObjectRef::Kind::view) {
        auto view = reader.view(ref.key);
        if (!view) throw upnp::UpnpException(upnp::errors::no_such_object());
        return scope_to_view(where, *view);
    }
    auto container = reader.get(ref.kind == ObjectRef::Kind::object ? ref.object : db::kRootId);
    if (!container || !container->is_container) throw upnp::UpnpException(upnp::errors::no_such_object());
    scope_to(where, *container);
}

// A view of containers (albums, artists, genres) searched for containers: view containers are not rows of
// the objects table the criteria run on, so the answer is the view's containers (Xbox 360 lists albums by
// searching "7" for object.container.album.musicAlbum).
std::optional<db::ViewRow> containers_view(db::ObjectReader& reader, const ObjectRef& ref,
                                           const search::SqlWhere& where) {
    if (ref.kind != ObjectRef::Kind::view || !where.mentions_containers) return std::nullopt;
    auto view = reader.view(ref.key);
    if (!view || view->has_items) return std::nullopt;
    return view;
}

upnp::OutArgs search_containers(db::ObjectReader& reader, const db::ViewRow& view, const SearchArgs& args,
                                const upnp::RequestContext& ctx) {
    DidlWriter didl(args.filter, ctx.base_url, ctx.profile, DidlWriter::Form::soap_text);
    const auto children = reader.view_children(view.key, args.start, args.count == 0 ? -1 : args.count);
    for (const auto& child : children)
        didl.add_view(child);
    return browse_answer(didl.finish(), static_cast<std::int64_t>(children.size()), view.child_count,
                         reader.system_update_id());
}

} // namespace

upnp::OutArgs ContentDirectory::search(const upnp::ActionCall& call, const upnp::RequestContext& ctx) {
    auto args = search_args(call, ctx.profile);
    auto reader = readers_.acquire();
    if (ctx.restricted)
        return browse_answer(
            DidlWriter(args.filter, ctx.base_url, ctx.profile, DidlWriter::Form::soap_text).finish(), 0, 0,
            reader->system_update_id());
    const auto ref = parse_id(args.container);
    if (auto view = containers_view(*reader, ref, args.where))
        return search_containers(*reader, *view, args, ctx);
    scope_to(*reader, args.where, ref);
    const std::int64_t limit = args.count == 0 ? -1 : args.count;
    std::int64_t total = 0;
    auto found =
        reader->search(args.where.sql, args.where.bindings, args.order_by, args.start, limit, &total);
    DidlWriter didl(args.filter, ctx.base_url, ctx.profile, DidlWriter::Form::soap_text);
    for (auto& object : found) {
        complete(*reader, object, ctx);
        didl.add(object);
    }
    return browse_answer(didl.finish(), static_cast<std::int64_t>(found.size()), total,
                         reader->system_update_id());
}

} // namespace hearth::cds
