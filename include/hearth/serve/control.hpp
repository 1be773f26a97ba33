#pragma once
// UPnP control (POST /control/<service>) and the fixed documents: the device description, the SCPDs and the
// icons. HTTP connection threads; safe to call concurrently.
#include "hearth/http/server.hpp"
#include "hearth/renderers/profile.hpp"
#include "hearth/serve/boundary.hpp"
#include "hearth/upnp/soap.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace hearth::serve {

/// Each service's action table, by the control URL it answers on.
struct ControlTables {
    const upnp::ActionTable& content_directory;
    const upnp::ActionTable& connection_manager;
    const upnp::ActionTable& registrar;
};

/// A SOAP action through its service's table, for the asking renderer; 404 for an unknown service, 405 for
/// anything but POST.
http::Response control(const http::Request& request, const ControlTables& tables,
                       const renderers::Profile& renderer, std::uint16_t port, const Visitor& visitor);

/// /description.xml (the given description), /scpd/<file> and /icons/<file> (embedded); nullopt for other
/// paths.
std::optional<http::Response> document(const http::Request& request, const std::string& description);

} // namespace hearth::serve
