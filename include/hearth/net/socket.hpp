#pragma once
// Small socket helpers shared by the HTTP client, the SSDP server and the doctor's probes.
#include <chrono>
#include <cstdint>
#include <netinet/in.h>

namespace hearth::net {

/// An AF_INET socket address.
sockaddr_in socket_address(in_addr address, std::uint16_t port);

/// Waits until fd is ready for events (poll, EINTR retried); false once the deadline passes or poll fails.
bool wait_ready(int fd, short events, std::chrono::steady_clock::time_point deadline);

} // namespace hearth::net
