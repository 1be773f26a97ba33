#include "hearth/serve/control.hpp"

#include "hearth/cds/content_directory.hpp"
#include "hearth/cms/connection_manager.hpp"
#include "hearth/cms/media_receiver_registrar.hpp"
#include "hearth/net/interfaces.hpp"
#include "hearth/util/resources.hpp"

namespace hearth::serve {

using http::Response;

Response control(const http::Request& request, const ControlTables& tables,
                 const renderers::Profile& renderer, std::uint16_t port, const Visitor& visitor) {
    if (request.method != "POST") return Response::text(405, "Method not allowed\n").header("Allow", "POST");
    const upnp::ActionTable* table = nullptr;
    const char* type = nullptr;
    if (request.path == "/control/ContentDirectory") {
        table = &tables.content_directory;
        type = cds::kServiceType;
    } else if (request.path == "/control/ConnectionManager") {
        table = &tables.connection_manager;
        type = cms::kServiceType;
    } else if (request.path == "/control/X_MS_MediaReceiverRegistrar") {
        table = &tables.registrar;
        type = cms::kRegistrarServiceType;
    } else {
        return Response::text(404, "Not found\n");
    }
    upnp::RequestContext ctx{"http://" + net::to_string(request.local.sin_addr) + ":" + std::to_string(port),
                             visitor.restricted, &renderer, visitor.device_id};
    auto outcome = table->invoke(type, request.body, ctx);
    auto r = Response::text(outcome.http_status, std::move(outcome.body), "text/xml; charset=\"utf-8\"");
    r.header("EXT", "");
    return r;
}

namespace {

std::string content_type_for(std::string_view path) {
    if (path.ends_with(".png")) return "image/png";
    if (path.ends_with(".jpg")) return "image/jpeg";
    return "text/xml; charset=\"utf-8\"";
}

} // namespace

std::optional<Response> document(const http::Request& request, const std::string& description) {
    const auto& path = request.path;
    if (path == "/description.xml") return Response::text(200, description, "text/xml; charset=\"utf-8\"");
    if (!path.starts_with("/scpd/") && !path.starts_with("/icons/")) return std::nullopt;
    auto file =
        path.starts_with("/scpd/") ? "descriptors/" + path.substr(6) : "descriptors/" + path.substr(1);
    auto data = resources::find(file);
    if (!data || file.find("..") != std::string::npos) return Response::text(404, "Not found\n");
    return Response::text(200, std::string(*data), content_type_for(path));
}

} // namespace hearth::serve
