#pragma once
// Who may talk to Hearth: the host itself and the subnets of the interfaces it serves on. Immutable; any
// thread.
#include "hearth/net/interfaces.hpp"

#include <vector>

namespace hearth::net {

class LanPolicy {
  public:
    explicit LanPolicy(std::vector<Ipv4Address> subnets) : subnets_(std::move(subnets)) {}
    static LanPolicy for_interfaces(const std::vector<Interface>& interfaces);

    bool allows(in_addr client) const;

  private:
    std::vector<Ipv4Address> subnets_;
};

} // namespace hearth::net
