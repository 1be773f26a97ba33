#pragma once
// The status page (GET /) and its data (GET /status.json): a snapshot of the running server taken per
// request. HTTP connection threads; safe to call concurrently (every source synchronises itself).
#include "hearth/db/objects.hpp"
#include "hearth/devices/registry.hpp"
#include "hearth/devices/streams.hpp"
#include "hearth/http/server.hpp"
#include "hearth/library/scanner.hpp"
#include "hearth/net/refusals.hpp"
#include "hearth/serve/boundary.hpp"
#include "hearth/ssdp/server.hpp"
#include "hearth/status/status_json.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace hearth::serve {

/// The parts of the running server the page reports on; App owns them.
struct StatusSources {
    const net::Refusals& refusals;
    const devices::Registry& devices;
    const devices::Streams& streams;
    db::ReaderPool& readers;
    const library::ScanProgress& scan;
    const ssdp::Counters& ssdp;
    std::chrono::steady_clock::time_point started;
};

/// What may change on SIGHUP, as one request sees it.
struct StatusSettings {
    const std::string& friendly_name;
    const std::string& page; ///< the page's HTML, with the action token
    bool approval_required;
};

/// The page's data as the asking visitor may see it.
status::Snapshot snapshot(const StatusSources& sources, const StatusSettings& settings, bool can_manage);

/// "/" (the page, or only a note for a device waiting for approval) and "/status.json"; nullopt for other
/// paths.
std::optional<http::Response> status_answer(const http::Request& request, const StatusSources& sources,
                                            const StatusSettings& settings, const Visitor& visitor);

} // namespace hearth::serve
