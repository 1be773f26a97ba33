#pragma once
// SSDP's fixed numbers (UDA 1.1 §1), in one place for the advertiser, its messages and the doctor's probes.
// Pure.
#include <arpa/inet.h>
#include <cstdint>
#include <netinet/in.h>

namespace hearth::ssdp {

/// The multicast group and port every SSDP message goes to (UDA 1.1 §1.1.2).
inline constexpr const char* kGroup = "239.255.255.250";
inline constexpr std::uint16_t kPort = 1900;
/// The HOST header value of every multicast SSDP message.
inline constexpr const char* kGroupHost = "239.255.255.250:1900";
/// UDA 1.1 §1.1.2: the TTL of multicast messages "SHOULD default to 2".
inline constexpr int kMulticastTtl = 2;
/// CACHE-CONTROL max-age of our announcements, in seconds.
inline constexpr int kMaxAge = 1800;
/// The largest MX honoured: a search asking for a longer wait is answered within this many seconds.
inline constexpr int kMaxMx = 5;

/// kGroup:kPort as a socket address.
inline sockaddr_in group_address() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(kPort);
    inet_pton(AF_INET, kGroup, &a.sin_addr);
    return a;
}

} // namespace hearth::ssdp
