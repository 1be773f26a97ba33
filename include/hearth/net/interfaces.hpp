#pragma once
// The host's network interfaces and their IPv4 addresses, and which of them Hearth serves on.
#include <cstdint>
#include <netinet/in.h>
#include <optional>
#include <string>
#include <vector>

namespace hearth::net {

struct Ipv4Address {
    in_addr address{};
    int prefix_length = 32;
    std::string text() const;
    /// True when other is inside this address's subnet.
    bool same_subnet(in_addr other) const;
};

struct Interface {
    std::string name;
    unsigned index = 0;
    bool up = false;
    bool loopback = false;
    bool multicast = false;
    std::vector<Ipv4Address> ipv4;
};

/// Every interface of the host (getifaddrs), with its IPv4 addresses.
std::vector<Interface> list_interfaces();

struct InterfaceChoice {
    std::vector<Interface> chosen;
    std::string error; ///< set when a requested name does not exist or nothing usable was found
};

/// The interfaces named (all must exist, be up and have an IPv4 address), or by default every up,
/// multicast-capable, non-loopback interface with an IPv4 address.
InterfaceChoice choose_interfaces(const std::vector<Interface>& all, const std::vector<std::string>& names);

std::string to_string(in_addr address);
std::optional<in_addr> parse_ipv4(const std::string& text);

} // namespace hearth::net
