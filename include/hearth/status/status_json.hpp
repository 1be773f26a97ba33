#pragma once
// /status.json: what the owner may want to know about the server right now. Pure.
#include "hearth/devices/registry.hpp"
#include "hearth/devices/streams.hpp"
#include "hearth/net/refusals.hpp"

#include <string>
#include <vector>

namespace hearth::status {

struct Snapshot {
    const std::string& name;
    const net::Refusals& refusals;
    std::vector<devices::Device> devices;
    std::vector<devices::ActiveStream> streams;
};

std::string status_json(const Snapshot& s);

} // namespace hearth::status
