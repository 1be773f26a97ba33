#pragma once
// Who may talk to Hearth (issue: household-only sharing). Pure and immutable after construction; any thread.
//  - Sources: the host itself (127.0.0.1 and its own interface addresses) plus the allowed subnets: by
//  default
//    the subnets of the interfaces Hearth serves on, or exactly the --allow ranges when any are given.
//  - Host header: one of our own addresses (with or without port), the host's names, or configured names;
//    anything else is DNS rebinding and gets 403.
#include "hearth/net/interfaces.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::net {

/// "192.168.1.0/24", "10.0.0.7" (a /32); nullopt when malformed. Host bits are cleared.
std::optional<Ipv4Address> parse_cidr(std::string_view text);

/// True when every address of the range is private, loopback, link-local or shared (CGNAT) space.
bool is_private_range(const Ipv4Address& range);

class LanPolicy {
  public:
    /// interfaces: those Hearth serves on; allow: the --allow ranges (empty: the interfaces' subnets);
    /// host_names: names the Host header may carry besides our addresses (compared case-insensitively).
    LanPolicy(const std::vector<Interface>& interfaces, std::vector<Ipv4Address> allow,
              std::vector<std::string> host_names);

    bool allows(in_addr client) const;
    /// 127.0.0.1 or one of our own interface addresses: the owner's own machine.
    bool is_host(in_addr client) const;
    /// Whether a Host header value names this server. An empty value (HTTP/1.0) is accepted.
    bool host_is_ours(std::string_view host) const;
    const std::vector<Ipv4Address>& allowed() const { return allowed_; }

  private:
    std::vector<in_addr> own_;
    std::vector<Ipv4Address> allowed_;
    std::vector<std::string> host_names_;
};

} // namespace hearth::net
