// SOAP control: a POST body as it reaches /control/ContentDirectory, parsed and dispatched to a small action
// table whose handlers read their arguments the way the real ones do.
#include "fuzz_check.hpp"
#include "hearth/cds/didl.hpp"
#include "hearth/query/sort.hpp"
#include "hearth/upnp/soap.hpp"
#include "hearth/util/log.hpp"

#include <pugixml.hpp>
#include <stdexcept>

using namespace hearth;

namespace {

constexpr std::string_view kCds = "urn:schemas-upnp-org:service:ContentDirectory:1";

upnp::ActionTable make_table() {
    upnp::ActionTable table;
    table.add("Browse", [](const upnp::ActionCall& call, const upnp::RequestContext&) {
        const auto& object_id = call.str("ObjectID");
        const auto& flag = call.str("BrowseFlag");
        if (flag != "BrowseMetadata" && flag != "BrowseDirectChildren")
            throw upnp::UpnpException(upnp::errors::invalid_args("BrowseFlag"));
        cds::Filter filter(call.str("Filter"));
        auto start = call.uint("StartingIndex");
        auto count = call.uint("RequestedCount");
        FUZZ_CHECK(start <= 0xFFFFFFFFu && count <= 0xFFFFFFFFu);
        auto order = query::sort_sql(call.str("SortCriteria"));
        if (!order) throw upnp::UpnpException(upnp::errors::invalid_sort());
        // Echo the client's text back: the envelope must stay well-formed whatever it holds.
        return upnp::OutArgs{{"Result", "<DIDL-Lite><container id=\"" + object_id + "\"/></DIDL-Lite>"},
                             {"NumberReturned", std::to_string(filter.wants("res") ? 1 : 0)},
                             {"TotalMatches", std::to_string(start + count)},
                             {"UpdateID", *order}};
    });
    table.add("GetSortCapabilities", [](const upnp::ActionCall&, const upnp::RequestContext&) {
        return upnp::OutArgs{{"SortCaps", query::sort_capabilities()}};
    });
    table.add("GetProtocolInfo",
              [](const upnp::ActionCall& call, const upnp::RequestContext&) -> upnp::OutArgs {
                  if (call.find("Crash")) throw std::runtime_error("handler failed");
                  return {{"Source", "http-get:*:video/mp4:*"}, {"Sink", ""}};
              });
    return table;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool quiet = [] {
        log::set_level(log::Level::error);
        return true;
    }();
    (void)quiet;
    static const upnp::ActionTable table = make_table();
    auto body = fuzz::as_text(data, size);

    auto parsed = upnp::parse_action(body);
    if (auto* call = std::get_if<upnp::ActionCall>(&parsed)) {
        FUZZ_CHECK(!call->action.empty());
        for (const auto& [name, value] : call->args) {
            FUZZ_CHECK(!name.empty());
            FUZZ_CHECK(call->find(name) != nullptr);
        }
    } else {
        auto code = std::get<upnp::UpnpError>(parsed).code;
        FUZZ_CHECK(code == 401 || code == 720);
    }

    upnp::RequestContext context{"http://192.168.1.10:8300", false, nullptr};
    auto outcome = table.invoke(kCds, body, context);
    FUZZ_CHECK(outcome.http_status == 200 || outcome.http_status == 500);
    // Every answer, success or fault, is a well-formed envelope.
    pugi::xml_document doc;
    FUZZ_CHECK(doc.load_buffer(outcome.body.data(), outcome.body.size()));
    auto envelope = doc.child("s:Envelope");
    FUZZ_CHECK(envelope && envelope.child("s:Body"));
    FUZZ_CHECK((outcome.http_status == 500) == static_cast<bool>(envelope.child("s:Body").child("s:Fault")));
    return 0;
}
