#pragma once
// What serve/ tests share: requests as a client on the LAN sends them, and a policy for a host at
// 192.168.1.10/24.
#include "hearth/http/server.hpp"
#include "hearth/net/lan_policy.hpp"

#include <arpa/inet.h>
#include <string>
#include <utility>
#include <vector>

namespace hearth::serve::test {

inline in_addr ip(const char* text) {
    in_addr a{};
    inet_pton(AF_INET, text, &a);
    return a;
}

inline net::LanPolicy lan() {
    net::Interface eth;
    eth.name = "eth0";
    eth.up = true;
    eth.multicast = true;
    eth.ipv4.push_back({ip("192.168.1.10"), 24});
    return net::LanPolicy({eth}, {}, {});
}

inline http::Request request(std::string method, std::string path, const char* from = "192.168.1.50",
                             std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.headers = std::move(headers);
    r.headers.emplace_back("Host", "192.168.1.10:8200");
    r.client.sin_family = AF_INET;
    r.client.sin_addr = ip(from);
    r.local.sin_family = AF_INET;
    r.local.sin_addr = ip("192.168.1.10");
    r.local.sin_port = htons(8200);
    return r;
}

} // namespace hearth::serve::test
