// Stream admission (the limiter itself is tested in util/slots_test.cpp): the conversion slots, the stream
// limits, and that dropping a lease gives both back.
#include "hearth/serve/admission.hpp"
#include "support/temp_dir.hpp"
#include "unit/serve/fixture.hpp"

#include <gtest/gtest.h>

namespace hearth::serve {
namespace {

class AdmissionTest : public ::testing::Test {
  protected:
    hearth::test::TempDir dir;
    devices::Registry registry{dir / "index.db", devices::Mode::open};
    devices::Streams streams{{2, 1, false}};
    net::Refusals refusals;
    Admission admission{streams, registry, refusals};
    net::LanPolicy policy = test::lan();

    static db::ObjectRow item(std::int64_t id) {
        db::ObjectRow o;
        o.id = id;
        o.title = "Item " + std::to_string(id);
        return o;
    }
    Admitted stream(const char* from, const db::ObjectRow& o) {
        return admission.stream(test::request("GET", "/media/1", from), policy,
                                {o, "direct", std::make_shared<std::atomic<double>>(0)});
    }
    Admitted conversion(const char* from, const db::ObjectRow& o, unsigned max) {
        return admission.conversion(test::request("GET", "/media/1/play.ts", from), policy,
                                    {o, "full", std::make_shared<std::atomic<double>>(0)}, max);
    }
    static int status(const Admitted& a) {
        auto* r = std::get_if<http::Response>(&a);
        return r ? r->status : 0;
    }
};

TEST_F(AdmissionTest, StreamsUpToTheLimitsThen503) {
    auto first = stream("192.168.1.50", item(1));
    ASSERT_TRUE(std::holds_alternative<StreamLease>(first));
    // The same device and item again: one stream, more connections.
    EXPECT_TRUE(std::holds_alternative<StreamLease>(stream("192.168.1.50", item(1))));
    auto other = stream("192.168.1.50", item(2)); // a second item for this device: over its limit of 1
    ASSERT_EQ(status(other), 503);
    EXPECT_EQ(refusals.count(net::Refusal::stream_limit), 1u);
    const auto& refusal = std::get<http::Response>(other);
    EXPECT_NE(std::find(refusal.headers.begin(), refusal.headers.end(),
                        std::pair<std::string, std::string>{"Retry-After", "30"}),
              refusal.headers.end());
    EXPECT_EQ(streams.active().size(), 1u);
    first = http::Response{}; // the lease goes
    EXPECT_TRUE(streams.active().empty());
    EXPECT_TRUE(std::holds_alternative<StreamLease>(stream("192.168.1.50", item(2))));
}

TEST_F(AdmissionTest, TheHostIsNoDevice) {
    auto lease = stream("192.168.1.10", item(1));
    ASSERT_TRUE(std::holds_alternative<StreamLease>(lease));
    ASSERT_EQ(streams.active().size(), 1u);
    EXPECT_EQ(streams.active()[0].device_id, -1);
    EXPECT_EQ(streams.active()[0].device_label, "this computer");
    EXPECT_TRUE(registry.snapshot().empty());
}

TEST_F(AdmissionTest, ConversionsTakeASlotAndGiveItBackWithTheStream) {
    auto one = conversion("192.168.1.50", item(1), 1);
    ASSERT_TRUE(std::holds_alternative<StreamLease>(one));
    EXPECT_EQ(admission.conversions(), 1u);
    auto two = conversion("192.168.1.51", item(2), 1);
    EXPECT_EQ(status(two), 503);
    EXPECT_EQ(std::get<http::Response>(two).body, "Too many conversions; try again later\n");
    EXPECT_EQ(streams.active().size(), 1u) << "the refused conversion's stream was let go";
    auto keep = std::get<StreamLease>(std::move(one)).keep_alive();
    EXPECT_EQ(admission.conversions(), 1u);
    keep.reset();
    EXPECT_EQ(admission.conversions(), 0u);
    EXPECT_TRUE(streams.active().empty());
}

} // namespace
} // namespace hearth::serve
