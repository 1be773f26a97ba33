#include "hearth/net/lan_policy.hpp"

#include <gtest/gtest.h>

namespace hearth::net {
namespace {

in_addr ip(const char* text) {
    return *parse_ipv4(text);
}

Interface iface(const char* name, const char* address, int prefix) {
    Interface i;
    i.name = name;
    i.up = true;
    i.multicast = true;
    i.ipv4.push_back({ip(address), prefix});
    return i;
}

TEST(ParseCidr, AcceptsAddressesAndRangesAndClearsHostBits) {
    auto r = parse_cidr("192.168.1.77/24");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->text(), "192.168.1.0");
    EXPECT_EQ(r->prefix_length, 24);
    auto single = parse_cidr(" 10.0.0.7 ");
    ASSERT_TRUE(single);
    EXPECT_EQ(single->prefix_length, 32);
    EXPECT_EQ(parse_cidr("0.0.0.0/0")->prefix_length, 0);
}

TEST(ParseCidr, RejectsMalformedText) {
    for (const char* bad : {"", "192.168.1.0/33", "192.168.1/24", "192.168.1.0/", "fe80::/64", "a.b.c.d",
                            "192.168.1.0/-1", "192.168.1.0/24/1"}) {
        EXPECT_FALSE(parse_cidr(bad)) << bad;
    }
}

TEST(IsPrivateRange, KnowsTheHouseholdRanges) {
    EXPECT_TRUE(is_private_range(*parse_cidr("192.168.1.0/24")));
    EXPECT_TRUE(is_private_range(*parse_cidr("10.0.0.0/8")));
    EXPECT_TRUE(is_private_range(*parse_cidr("172.20.0.0/16")));
    EXPECT_TRUE(is_private_range(*parse_cidr("127.0.0.0/29")));
    EXPECT_FALSE(is_private_range(*parse_cidr("172.0.0.0/8"))); // wider than 172.16/12
    EXPECT_FALSE(is_private_range(*parse_cidr("8.8.8.0/24")));
    EXPECT_FALSE(is_private_range(*parse_cidr("0.0.0.0/0")));
}

TEST(LanPolicy, DefaultAllowsTheInterfacesSubnetsAndTheHost) {
    LanPolicy p({iface("eth0", "192.168.1.10", 24)}, {}, {});
    EXPECT_TRUE(p.allows(ip("192.168.1.55")));
    EXPECT_TRUE(p.allows(ip("127.0.0.1")));
    EXPECT_FALSE(p.allows(ip("192.168.2.55")));
    EXPECT_FALSE(p.allows(ip("8.8.8.8")));
    EXPECT_FALSE(p.allows(ip("127.0.0.9"))); // only 127.0.0.1 is the host itself
    EXPECT_TRUE(p.is_host(ip("192.168.1.10")));
    EXPECT_FALSE(p.is_host(ip("192.168.1.55")));
}

TEST(LanPolicy, AllowReplacesTheDefaultSubnetsButKeepsTheHost) {
    LanPolicy p({iface("eth0", "192.168.1.10", 24)}, {*parse_cidr("10.1.0.0/16")}, {});
    EXPECT_TRUE(p.allows(ip("10.1.200.3")));
    EXPECT_FALSE(p.allows(ip("192.168.1.55")));
    EXPECT_TRUE(p.allows(ip("192.168.1.10"))); // our own address
    EXPECT_TRUE(p.allows(ip("127.0.0.1")));
}

TEST(LanPolicy, LoopbackTestSetup) {
    LanPolicy p({iface("lo", "127.0.0.1", 8)}, {*parse_cidr("127.0.0.0/29")}, {});
    EXPECT_TRUE(p.allows(ip("127.0.0.2")));
    EXPECT_FALSE(p.allows(ip("127.0.0.9")));
}

TEST(LanPolicy, HostHeaderMustNameThisServer) {
    LanPolicy p({iface("eth0", "192.168.1.10", 24)}, {}, {"Media.Home"});
    for (const char* ok : {"192.168.1.10", "192.168.1.10:8300", "127.0.0.1:8300", "localhost",
                           "LOCALHOST:8300", "media.home", "media.home.:8300", ""}) {
        EXPECT_TRUE(p.host_is_ours(ok)) << ok;
    }
    for (const char* bad : {"evil.example", "evil.example:8300", "192.168.1.11:8300", "192.168.1.10:x",
                            "[::1]:8300", "media.home.evil.example", "10.0.0.1"}) {
        EXPECT_FALSE(p.host_is_ours(bad)) << bad;
    }
    // A NUL after an address of ours must not make the whole Host ours (found by fuzzing).
    for (std::string_view bad :
         {std::string_view("127.0.0.1\0.evil.example", 24), std::string_view("192.168.1.10\0:8300", 18)}) {
        EXPECT_FALSE(p.host_is_ours(bad)) << bad;
    }
}

} // namespace
} // namespace hearth::net
