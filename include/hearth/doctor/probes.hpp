#pragma once
// The checks that touch the network: each opens its own sockets, waits a bounded time and closes them.
// Run them only on a network you may send SSDP on (tests: inside tests/integration/netns.sh).
#include "hearth/doctor/discovery.hpp"
#include "hearth/doctor/findings.hpp"
#include "hearth/net/interfaces.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace hearth::doctor {

/// Joins 239.255.255.250 on the interface, sends a unique M-SEARCH there from the interface's address and
/// waits for it to come back on a socket bound to UDP 1900.
MulticastProbe probe_multicast(const net::Interface& interface, std::chrono::milliseconds wait);

/// Tries to bind 0.0.0.0:port; when taken, asks 127.0.0.1:port for /description.xml to see whether a Hearth
/// holds it.
PortCheck check_port(std::uint16_t port);

/// Sends an M-SEARCH for MediaServer:1 on each interface, collects the answers for wait, then reads each
/// answering server's description.
std::vector<FoundServer> search_media_servers(const std::vector<net::Interface>& interfaces,
                                              std::chrono::milliseconds wait);

} // namespace hearth::doctor
