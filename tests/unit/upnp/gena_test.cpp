// GENA's pure pieces: moderation timing with a made-up clock, and what each event carries.
#include "hearth/upnp/gena.hpp"

#include <gtest/gtest.h>

namespace hearth::upnp {
namespace {

using namespace std::chrono_literals;
using Clock = Moderation::Clock;

TEST(Moderation, AtMostOneEventPerIntervalToOneSubscriber) {
    const auto t0 = Clock::time_point{} + 100s;
    Moderation m;
    EXPECT_TRUE(m.ready(t0));
    EXPECT_EQ(m.next(t0), t0);
    m.sent(t0);
    EXPECT_FALSE(m.ready(t0 + 1999ms));
    EXPECT_EQ(m.next(t0 + 500ms), t0 + 2s);
    EXPECT_TRUE(m.ready(t0 + 2s));
    m.sent(t0 + 2500ms);
    EXPECT_FALSE(m.ready(t0 + 4s));
    EXPECT_EQ(m.next(t0 + 4s), t0 + 4500ms);
}

TEST(Moderation, ABurstOfChangesBecomesOneEventPerInterval) {
    const auto t0 = Clock::time_point{} + 100s;
    Moderation m;
    int sent = 0;
    for (auto t = t0; t < t0 + 10s; t += 50ms) { // a change every 50 ms for 10 s
        if (m.ready(t)) {
            m.sent(t);
            ++sent;
        }
    }
    EXPECT_EQ(sent, 5);
}

TEST(ContainerUpdateIds, PairsOfIdAndUpdateId) {
    EXPECT_EQ(container_update_ids({}), "");
    EXPECT_EQ(container_update_ids({{"12", 7}, {"3", 7}, {"music", 8}}), "12,7,3,7,music,8");
}

TEST(EventVariables, TheFirstEventCarriesEverythingAndAnEmptyContainerList) {
    Variables now{{"SystemUpdateID", "4"}};
    EXPECT_EQ(event_variables(now, nullptr, true, {}),
              (Variables{{"SystemUpdateID", "4"}, {"ContainerUpdateIDs", ""}}));
    EXPECT_EQ(event_variables(now, nullptr, false, {}), now);
}

TEST(EventVariables, LaterEventsCarryOnlyWhatChangedForThatSubscriber) {
    Variables last{{"SourceProtocolInfo", "a"}, {"SinkProtocolInfo", ""}, {"CurrentConnectionIDs", "0"}};
    Variables now{{"SourceProtocolInfo", "a,b"}, {"SinkProtocolInfo", ""}, {"CurrentConnectionIDs", "0"}};
    EXPECT_EQ(event_variables(now, &last, false, {}), (Variables{{"SourceProtocolInfo", "a,b"}}));
    EXPECT_TRUE(event_variables(last, &last, false, {}).empty());
}

TEST(EventVariables, ChangedContainersAloneMakeAnEvent) {
    Variables same{{"SystemUpdateID", "9"}};
    EXPECT_EQ(event_variables(same, &same, true, {{"5", 9}}), (Variables{{"ContainerUpdateIDs", "5,9"}}));
    EXPECT_TRUE(event_variables(same, &same, true, {}).empty());
}

} // namespace
} // namespace hearth::upnp
