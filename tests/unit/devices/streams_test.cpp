#include "hearth/devices/streams.hpp"

#include <gtest/gtest.h>

namespace hearth::devices {
namespace {

ActiveStream stream(std::int64_t device, std::int64_t object) {
    ActiveStream s;
    s.device_id = device;
    s.device_label = "device " + std::to_string(device);
    s.address = "127.0.0.2";
    s.object_id = object;
    s.title = "title";
    s.connections = 0;
    return s;
}

Streams::Lease take(Streams& s, std::int64_t device, std::int64_t object) {
    auto r = s.start(stream(device, object));
    auto* lease = std::get_if<Streams::Lease>(&r);
    return lease ? *lease : nullptr;
}

std::optional<net::Refusal> refusal(Streams& s, std::int64_t device, std::int64_t object) {
    auto r = s.start(stream(device, object));
    if (auto* why = std::get_if<net::Refusal>(&r)) return *why;
    return std::nullopt;
}

TEST(Streams, TotalLimitCountsDistinctDeviceItemPairs) {
    Streams s({2, 5, false});
    auto a = take(s, 1, 10);
    auto a2 = take(s, 1, 10); // a second connection for the same item is the same stream
    auto b = take(s, 2, 11);
    ASSERT_TRUE(a && a2 && b);
    EXPECT_EQ(s.active().size(), 2u);
    EXPECT_EQ(refusal(s, 3, 12), net::Refusal::stream_limit);
    b.reset();
    EXPECT_TRUE(take(s, 3, 12));
}

TEST(Streams, AStreamEndsWhenItsLastConnectionEnds) {
    Streams s({1, 1, false});
    auto a = take(s, 1, 10);
    auto a2 = take(s, 1, 10);
    a.reset();
    EXPECT_EQ(refusal(s, 2, 11), net::Refusal::stream_limit);
    ASSERT_EQ(s.active().size(), 1u);
    EXPECT_EQ(s.active()[0].connections, 1u);
    a2.reset();
    EXPECT_TRUE(s.active().empty());
    EXPECT_TRUE(take(s, 2, 11));
}

TEST(Streams, PerDeviceLimit) {
    Streams s({6, 1, false});
    auto a = take(s, 1, 10);
    EXPECT_EQ(refusal(s, 1, 11), net::Refusal::stream_limit);
    EXPECT_TRUE(take(s, 2, 11));
}

TEST(Streams, OneStreamPerTitle) {
    Streams s({6, 3, true});
    auto a = take(s, 1, 10);
    EXPECT_EQ(refusal(s, 2, 10), net::Refusal::title_in_use);
    EXPECT_TRUE(take(s, 2, 11));
    EXPECT_TRUE(take(s, 1, 10)); // the same device may open another connection for it
    Streams lenient({6, 3, false});
    auto b = take(lenient, 1, 10);
    EXPECT_TRUE(take(lenient, 2, 10));
}

} // namespace
} // namespace hearth::devices
