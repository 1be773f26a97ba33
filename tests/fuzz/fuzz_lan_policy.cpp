// Who may talk to Hearth: "<--allow CIDR>\n<Host header value>".
#include "fuzz_check.hpp"
#include "hearth/net/interfaces.hpp"
#include "hearth/net/lan_policy.hpp"
#include "hearth/util/strings.hpp"

#include <arpa/inet.h>
#include <string>

using namespace hearth;

namespace {

const net::LanPolicy& policy() {
    static const net::LanPolicy p = [] {
        net::Interface eth{"eth0", 2, true, false, true, {}};
        net::Ipv4Address address;
        inet_pton(AF_INET, "192.168.1.10", &address.address);
        address.prefix_length = 24;
        eth.ipv4.push_back(address);
        return net::LanPolicy({eth}, {}, {"Media.Lan"});
    }();
    return p;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto f = fuzz::fields(fuzz::as_text(data, size), 2);

    if (auto range = net::parse_cidr(f[0])) {
        FUZZ_CHECK(range->prefix_length >= 0 && range->prefix_length <= 32);
        // Host bits are cleared, and the range prints and parses back to itself.
        FUZZ_CHECK(range->same_subnet(range->address));
        auto again = net::parse_cidr(range->text() + "/" + std::to_string(range->prefix_length));
        FUZZ_CHECK(again && again->address.s_addr == range->address.s_addr &&
                   again->prefix_length == range->prefix_length);
        // Only dotted quads with an optional prefix are ranges.
        for (char c : trim(f[0]))
            FUZZ_CHECK((c >= '0' && c <= '9') || c == '.' || c == '/');
        (void)net::is_private_range(*range);
    }

    if (policy().host_is_ours(f[1])) {
        // Accepted: empty, or one of our names or addresses, with an optional numeric port.
        auto host = trim(f[1]);
        auto colon = host.rfind(':');
        auto name = to_lower(host.substr(0, colon));
        if (name.ends_with('.')) name.pop_back();
        FUZZ_CHECK(host.empty() || name == "192.168.1.10" || name == "127.0.0.1" || name == "localhost" ||
                   name == "media.lan");
    }
    return 0;
}
