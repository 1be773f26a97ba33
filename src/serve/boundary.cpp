#include "hearth/serve/boundary.hpp"

#include "hearth/net/interfaces.hpp"
#include "hearth/util/log.hpp"
#include "hearth/util/strings.hpp"

namespace hearth::serve {

http::Response waiting_for_approval() {
    return http::Response::text(403, "This device is waiting for the owner's approval\n");
}

bool Boundary::admit_connection(const net::LanPolicy& policy, in_addr client, std::string_view what) {
    if (!policy.allows(client)) {
        refusals_.record(net::Refusal::outsider, client, what);
        return false;
    }
    if (devices_.is_blocked(client)) {
        refusals_.record(net::Refusal::blocked, client, what);
        return false;
    }
    return true;
}

std::optional<http::Response> Boundary::refuse(const http::Request& request, const net::LanPolicy& policy,
                                               Visitor& visitor) {
    visitor = {};
    const in_addr client = request.client.sin_addr;
    if (!policy.host_is_ours(request.header("Host"))) {
        refusals_.record(net::Refusal::bad_host, client, request.method + " " + request.path);
        return http::Response::text(403, "Forbidden: this server is not reached by that name\n");
    }
    if (policy.is_host(client)) { // the owner's own machine
        visitor.can_manage = true;
        return std::nullopt;
    }
    // The name a device gives: in its request headers, else in the UPnP description it announced.
    auto name = devices::name_from_headers(request.header("FriendlyName.DLNA.ORG"),
                                           request.header("X-AV-Client-Info"));
    if (!name) {
        if (auto description = descriptions_.get(client);
            description && !description->friendly_name.empty()) {
            name = description->friendly_name;
        }
    }
    auto device = devices_.seen(client, request.header("User-Agent"), std::move(name));
    if (device.status == devices::Status::blocked) {
        refusals_.record(net::Refusal::blocked, client, request.method + " " + request.path);
        http::Response drop;
        drop.drop_connection = true;
        return drop;
    }
    visitor.device_id = device.id;
    visitor.restricted = !devices_.may_browse(device.status);
    visitor.can_manage = device.status == devices::Status::approved;
    if (visitor.restricted && (request.path.starts_with("/media/") || request.path.starts_with("/devices/") ||
                               request.path == "/status.json")) {
        refusals_.record(net::Refusal::pending, client, request.method + " " + request.path);
        return waiting_for_approval();
    }
    return std::nullopt;
}

namespace {
bool same_origin(const http::Request& request) {
    auto origin = request.header("Origin");
    return origin.empty() || origin == "http://" + std::string(request.header("Host"));
}
} // namespace

bool action_allowed(const http::Request& request, const Visitor& visitor, std::string_view action_token) {
    return visitor.can_manage && same_origin(request) && request.header("X-Hearth-Token") == action_token;
}

// Only the owner's machine or an approved device, only with the page's token, and never from another origin.
http::Response device_action(const http::Request& request, const Visitor& visitor,
                             std::string_view action_token, devices::Registry& devices) {
    if (request.method != "POST")
        return http::Response::text(405, "Method not allowed\n").header("Allow", "POST");
    auto parts = split(std::string_view(request.path).substr(9), '/');
    auto id = parts.size() == 2 ? parse_uint(parts[0]) : std::nullopt;
    if (!id || (parts[1] != "approve" && parts[1] != "block"))
        return http::Response::text(404, "Not found\n");
    if (!action_allowed(request, visitor, action_token)) {
        log::warning("refused device change from ", net::to_string(request.client.sin_addr),
                     same_origin(request) ? ": not allowed to manage devices, or no valid token"
                                          : ": cross-site request");
        return http::Response::text(403, "Forbidden\n");
    }
    auto status = parts[1] == "approve" ? devices::Status::approved : devices::Status::blocked;
    if (!devices.set_status(static_cast<std::int64_t>(*id), status))
        return http::Response::text(404, "No such device\n");
    log::info("device ", *id, " ", devices::status_name(status), " from the status page by ",
              net::to_string(request.client.sin_addr));
    return http::Response::text(200, "{\"ok\":true}\n", "application/json");
}

} // namespace hearth::serve
