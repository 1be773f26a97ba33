#pragma once
// /status.json: what the owner may want to know about the server right now. Pure.
#include "hearth/db/objects.hpp"
#include "hearth/devices/registry.hpp"
#include "hearth/devices/streams.hpp"
#include "hearth/net/refusals.hpp"

#include <string>
#include <vector>

namespace hearth::status {

struct ScanState {
    std::string phase; ///< "idle", "walking", "probing", "finished"
    std::int64_t folders = 0, to_probe = 0, probed = 0;
    double seconds = 0;
};

/// The SSDP responder's counts (ssdp::Counters, read once).
struct SsdpCounts {
    std::uint64_t answered = 0, ignored = 0, malformed = 0;
};

struct Snapshot {
    const std::string& name;
    const net::Refusals& refusals;
    std::vector<devices::Device> devices;
    std::vector<devices::ActiveStream> streams;
    std::vector<db::KindCount> library;
    ScanState scan;
    SsdpCounts ssdp{};
    std::int64_t uptime_seconds = 0;
    bool approval_required = false;
    bool can_manage = false; ///< whether the asking client may approve or block devices
};

std::string status_json(const Snapshot& s);

} // namespace hearth::status
