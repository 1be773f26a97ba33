#include "hearth/net/lan_policy.hpp"

namespace hearth::net {

LanPolicy LanPolicy::for_interfaces(const std::vector<Interface>& interfaces) {
    std::vector<Ipv4Address> subnets;
    for (const auto& i : interfaces)
        subnets.insert(subnets.end(), i.ipv4.begin(), i.ipv4.end());
    return LanPolicy(std::move(subnets));
}

bool LanPolicy::allows(in_addr client) const {
    if ((ntohl(client.s_addr) >> 24) == 127) return true; // the host itself
    for (const auto& s : subnets_) {
        if (s.same_subnet(client)) return true;
    }
    return false;
}

} // namespace hearth::net
