#include "hearth/net/lan_policy.hpp"

#include "hearth/util/strings.hpp"

#include <arpa/inet.h>

namespace hearth::net {
namespace {
bool is_loopback_host(in_addr a) {
    return a.s_addr == htonl(INADDR_LOOPBACK);
}
} // namespace

std::optional<Ipv4Address> parse_cidr(std::string_view text) {
    text = trim(text);
    auto slash = text.find('/');
    auto address = parse_ipv4(std::string(text.substr(0, slash)));
    if (!address) return std::nullopt;
    int prefix = 32;
    if (slash != std::string_view::npos) {
        auto bits = parse_uint(text.substr(slash + 1));
        if (!bits || *bits > 32) return std::nullopt;
        prefix = static_cast<int>(*bits);
    }
    Ipv4Address range{*address, prefix};
    std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
    range.address.s_addr = htonl(ntohl(address->s_addr) & mask);
    return range;
}

bool is_private_range(const Ipv4Address& range) {
    static const char* kPrivate[] = {"10.0.0.0/8",  "172.16.0.0/12",  "192.168.0.0/16",
                                     "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10"};
    for (const char* text : kPrivate) {
        auto p = parse_cidr(text);
        if (p && range.prefix_length >= p->prefix_length && p->same_subnet(range.address)) return true;
    }
    return false;
}

LanPolicy::LanPolicy(const std::vector<Interface>& interfaces, std::vector<Ipv4Address> allow,
                     std::vector<std::string> host_names)
    : allowed_(std::move(allow)) {
    for (const auto& i : interfaces) {
        for (const auto& a : i.ipv4)
            own_.push_back(a.address);
    }
    if (allowed_.empty()) {
        for (const auto& i : interfaces)
            allowed_.insert(allowed_.end(), i.ipv4.begin(), i.ipv4.end());
    }
    for (auto& name : host_names)
        host_names_.push_back(to_lower(name));
    host_names_.emplace_back("localhost");
}

bool LanPolicy::is_host(in_addr client) const {
    if (is_loopback_host(client)) return true;
    for (const auto& a : own_) {
        if (a.s_addr == client.s_addr) return true;
    }
    return false;
}

bool LanPolicy::allows(in_addr client) const {
    if (is_host(client)) return true;
    for (const auto& s : allowed_) {
        if (s.same_subnet(client)) return true;
    }
    return false;
}

bool LanPolicy::host_is_ours(std::string_view host) const {
    host = trim(host);
    if (host.empty()) return true;
    std::string_view name = host;
    if (name.front() == '[') return false; // IPv6 literals: Hearth serves IPv4 only
    auto colon = name.rfind(':');
    if (colon != std::string_view::npos) {
        if (!parse_uint(name.substr(colon + 1))) return false;
        name = name.substr(0, colon);
    }
    if (auto address = parse_ipv4(std::string(name))) {
        if (is_loopback_host(*address)) return true;
        for (const auto& a : own_) {
            if (a.s_addr == address->s_addr) return true;
        }
        return false;
    }
    auto lowered = to_lower(name);
    if (!lowered.empty() && lowered.back() == '.') lowered.pop_back();
    for (const auto& n : host_names_) {
        if (n == lowered) return true;
    }
    return false;
}

} // namespace hearth::net
