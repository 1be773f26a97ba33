#include "hearth/net/interfaces.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>

namespace hearth::net {

std::string to_string(in_addr address) {
    char buf[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &address, buf, sizeof buf);
    return buf;
}

std::optional<in_addr> parse_ipv4(const std::string& text) {
    in_addr a{};
    // inet_pton reads up to the first NUL: "127.0.0.1\0.evil.example" must not pass for 127.0.0.1.
    if (text.find('\0') != std::string::npos) return std::nullopt;
    if (inet_pton(AF_INET, text.c_str(), &a) != 1) return std::nullopt;
    return a;
}

std::string Ipv4Address::text() const {
    return to_string(address);
}

bool Ipv4Address::same_subnet(in_addr other) const {
    std::uint32_t mask = prefix_length == 0 ? 0 : htonl(~std::uint32_t{0} << (32 - prefix_length));
    return (address.s_addr & mask) == (other.s_addr & mask);
}

namespace {
int prefix_of(const sockaddr* netmask) {
    if (netmask == nullptr) return 32;
    auto bits = ntohl(reinterpret_cast<const sockaddr_in*>(netmask)->sin_addr.s_addr);
    return __builtin_popcount(bits);
}
} // namespace

std::vector<Interface> list_interfaces() {
    std::vector<Interface> out;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return out;
    for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
        auto it =
            std::find_if(out.begin(), out.end(), [&](const Interface& i) { return i.name == a->ifa_name; });
        if (it == out.end()) {
            Interface i;
            i.name = a->ifa_name;
            i.index = if_nametoindex(a->ifa_name);
            i.up = (a->ifa_flags & IFF_UP) != 0;
            i.loopback = (a->ifa_flags & IFF_LOOPBACK) != 0;
            i.multicast = (a->ifa_flags & IFF_MULTICAST) != 0;
            out.push_back(i);
            it = out.end() - 1;
        }
        if (a->ifa_addr != nullptr && a->ifa_addr->sa_family == AF_INET) {
            it->ipv4.push_back(
                {reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr, prefix_of(a->ifa_netmask)});
        }
    }
    freeifaddrs(list);
    return out;
}

InterfaceChoice choose_interfaces(const std::vector<Interface>& all, const std::vector<std::string>& names) {
    InterfaceChoice result;
    if (!names.empty()) {
        for (const auto& name : names) {
            auto it =
                std::find_if(all.begin(), all.end(), [&](const Interface& i) { return i.name == name; });
            if (it == all.end()) return {{}, "--interface: no interface named '" + name + "'"};
            if (!it->up) return {{}, "--interface: '" + name + "' is down"};
            if (it->ipv4.empty()) return {{}, "--interface: '" + name + "' has no IPv4 address"};
            result.chosen.push_back(*it);
        }
        return result;
    }
    for (const auto& i : all) {
        if (i.up && i.multicast && !i.loopback && !i.ipv4.empty()) result.chosen.push_back(i);
    }
    if (result.chosen.empty()) {
        result.error =
            "no network interface is up with multicast and an IPv4 address; name one with --interface";
    }
    return result;
}

} // namespace hearth::net
