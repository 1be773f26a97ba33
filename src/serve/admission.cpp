#include "hearth/serve/admission.hpp"

#include "hearth/net/interfaces.hpp"

namespace hearth::serve {

std::shared_ptr<void> StreamLease::keep_alive() && {
    if (!conversion_) return std::move(stream_);
    return std::make_shared<std::pair<std::shared_ptr<void>, std::shared_ptr<void>>>(std::move(stream_),
                                                                                     std::move(conversion_));
}

Admitted Admission::stream(const http::Request& request, const net::LanPolicy& policy, Wanted wanted) {
    const in_addr client = request.client.sin_addr;
    const auto& object = wanted.object;
    devices::ActiveStream active;
    active.device_id = -1;
    active.device_label = "this computer";
    active.address = net::to_string(client);
    active.object_id = object.id;
    active.title = object.title;
    active.connections = 0;
    active.how = std::move(wanted.how);
    active.duration_s = object.duration_ms ? static_cast<double>(*object.duration_ms) / 1000 : 0;
    active.bitrate = active.how == "direct" ? object.bitrate.value_or(0) : 0;
    active.position = std::move(wanted.position);
    if (!policy.is_host(client)) {
        auto device = devices_.seen(client, request.header("User-Agent"), std::nullopt);
        active.device_id = device.id;
        active.device_label = device.label;
    }
    auto started = streams_.start(active);
    if (auto* lease = std::get_if<devices::Streams::Lease>(&started)) return StreamLease(std::move(*lease));
    auto reason = std::get<net::Refusal>(started);
    refusals_.record(reason, client, "stream of '" + object.title + "' to " + active.device_label);
    return http::Response::text(503, "Too many streams; try again later\n").header("Retry-After", "30");
}

Admitted Admission::conversion(const http::Request& request, const net::LanPolicy& policy, Wanted wanted,
                               unsigned max_transcodes) {
    const auto& object = wanted.object;
    auto admitted = stream(request, policy, std::move(wanted));
    auto* lease = std::get_if<StreamLease>(&admitted);
    if (!lease) return admitted;
    conversions_.set_limit(max_transcodes); // read at each conversion, so a new limit applies from the next
    auto slot = conversions_.take();
    if (!slot) {
        refusals_.record(net::Refusal::stream_limit, request.client.sin_addr,
                         "conversion of '" + object.title + "' (--max-transcodes)");
        return http::Response::text(503, "Too many conversions; try again later\n")
            .header("Retry-After", "30");
    }
    return StreamLease(std::move(*lease).keep_alive(), std::move(slot));
}

} // namespace hearth::serve
