#pragma once
// The household boundary, per connection and per request: who may connect, who may browse, who may only see
// the note that the owner has not approved them yet, who may approve and block devices (the status page's
// actions, with their CSRF check). Any thread: the listening thread, connection threads, the SSDP thread.
#include "hearth/devices/registry.hpp"
#include "hearth/http/server.hpp"
#include "hearth/net/lan_policy.hpp"
#include "hearth/net/refusals.hpp"
#include "hearth/renderers/descriptions.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace hearth::serve {

/// What the boundary decided about the client of one request.
struct Visitor {
    bool restricted = false;     ///< waiting for approval: sees only a note
    bool can_manage = false;     ///< may approve and block devices (the host itself or an approved device)
    std::int64_t device_id = -1; ///< in the devices registry; -1 for the host itself
};

/// The answer to a device waiting for approval that asks for more than the note.
http::Response waiting_for_approval();

class Boundary {
  public:
    Boundary(devices::Registry& devices, net::Refusals& refusals, const renderers::Descriptions& descriptions)
        : devices_(devices), refusals_(refusals), descriptions_(descriptions) {}

    /// At accept time (HTTP) or receipt (SSDP): whether the address may talk to us at all.
    bool admit_connection(const net::LanPolicy& policy, in_addr client, std::string_view what);
    /// Per request: the Host check, the device's record, blocked (dropped) and pending (403 for media, device
    /// actions and status.json) devices. Fills visitor; the refusal to send, if any.
    std::optional<http::Response> refuse(const http::Request& request, const net::LanPolicy& policy,
                                         Visitor& visitor);

  private:
    devices::Registry& devices_;
    net::Refusals& refusals_;
    const renderers::Descriptions& descriptions_;
};

/// The CSRF check of a device action: only a visitor who may manage devices, only with the status page's
/// token (X-Hearth-Token), and never from another origin (an Origin header other than our own Host).
bool action_allowed(const http::Request& request, const Visitor& visitor, std::string_view action_token);

/// POST /devices/<id>/approve|block from the status page.
http::Response device_action(const http::Request& request, const Visitor& visitor,
                             std::string_view action_token, devices::Registry& devices);

} // namespace hearth::serve
