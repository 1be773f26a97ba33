// GENA: subscription requests answered without the sender thread (no NOTIFY leaves, no socket opens), and the
// pure pieces: moderation timing with a made-up clock, and what each event carries.
#include "hearth/upnp/gena.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <regex>
#include <set>

namespace hearth::upnp {
namespace {

constexpr const char* kPath = "/event/ContentDirectory";
constexpr const char* kCallback = "<http://192.168.1.20:49152/ev>";

http::Request request(std::string method, std::vector<std::pair<std::string, std::string>> headers) {
    http::Request r;
    r.method = std::move(method);
    r.path = kPath;
    r.headers = std::move(headers);
    r.client.sin_family = AF_INET;
    inet_pton(AF_INET, "192.168.1.20", &r.client.sin_addr);
    return r;
}

struct GenaRequests : testing::Test {
    GenaRequests() {
        eventing.add_service(kPath, [] { return std::vector<std::pair<std::string, std::string>>{}; });
    }
    std::string subscribe() {
        auto r = eventing.handle(
            request("SUBSCRIBE", {{"NT", "upnp:event"}, {"CALLBACK", kCallback}, {"TIMEOUT", "Second-300"}}));
        EXPECT_EQ(r.status, 200);
        for (const auto& [k, v] : r.headers) {
            if (k == "SID") return v;
        }
        return {};
    }
    Eventing eventing;
};

TEST_F(GenaRequests, OneDeviceCannotTakeEverySubscription) {
    for (int i = 0; i < 32; ++i)
        subscribe();
    auto r = eventing.handle(
        request("SUBSCRIBE", {{"NT", "upnp:event"}, {"CALLBACK", kCallback}, {"TIMEOUT", "Second-300"}}));
    EXPECT_EQ(r.status, 503);
    auto other = request(
        "SUBSCRIBE",
        {{"NT", "upnp:event"}, {"CALLBACK", "<http://192.168.1.21:49152/ev>"}, {"TIMEOUT", "Second-300"}});
    inet_pton(AF_INET, "192.168.1.21", &other.client.sin_addr);
    EXPECT_EQ(eventing.handle(other).status, 200) << "another device is still welcome";
}

TEST_F(GenaRequests, EachSubscriptionGetsItsOwnRandomUuidSid) {
    const std::regex form("uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    std::set<std::string> sids;
    for (int i = 0; i < 20; ++i) {
        auto sid = subscribe();
        EXPECT_TRUE(std::regex_match(sid, form)) << sid;
        sids.insert(sid);
    }
    EXPECT_EQ(sids.size(), 20U);
}

TEST_F(GenaRequests, DuplicateHeadersAre400) {
    auto sid = subscribe();
    ASSERT_FALSE(sid.empty());
    const std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> cases = {
        {"SUBSCRIBE", {{"NT", "upnp:event"}, {"NT", "upnp:event"}, {"CALLBACK", kCallback}}},
        {"SUBSCRIBE", {{"NT", "upnp:event"}, {"CALLBACK", kCallback}, {"callback", kCallback}}},
        {"SUBSCRIBE",
         {{"NT", "upnp:event"},
          {"CALLBACK", kCallback},
          {"TIMEOUT", "Second-300"},
          {"Timeout", "Second-60"}}},
        {"SUBSCRIBE", {{"SID", sid}, {"SID", sid}}},
        {"UNSUBSCRIBE", {{"SID", sid}, {"sid", "uuid:other"}}},
    };
    for (const auto& [method, headers] : cases) {
        EXPECT_EQ(eventing.handle(request(method, headers)).status, 400) << method << " " << headers.size();
    }
    EXPECT_EQ(eventing.subscriber_count(), 1U); // none of them changed anything
}

TEST_F(GenaRequests, MissingOrGarbageFieldsAre412Or400) {
    auto sid = subscribe();
    struct Case {
        const char* method;
        std::vector<std::pair<std::string, std::string>> headers;
        int status;
    };
    const std::vector<Case> cases = {
        {"SUBSCRIBE", {{"CALLBACK", kCallback}}, 412},                          // no NT
        {"SUBSCRIBE", {{"NT", "upnp:event"}}, 412},                             // no CALLBACK
        {"SUBSCRIBE", {{"NT", "ssdp:all"}, {"CALLBACK", kCallback}}, 412},      // wrong NT
        {"SUBSCRIBE", {{"NT", "upnp:event"}, {"CALLBACK", "http://x"}}, 412},   // no <>
        {"SUBSCRIBE", {{"NT", "upnp:event"}, {"CALLBACK", "<>"}}, 412},         // empty URL
        {"SUBSCRIBE", {{"NT", "upnp:event"}, {"CALLBACK", "<\x01\xff>"}}, 412}, // bytes
        {"SUBSCRIBE", {{"NT", "upnp:event"}, {"CALLBACK", "<http://192.168.1.20:99999/>"}}, 412},
        {"SUBSCRIBE", {{"SID", "uuid:nobody"}}, 412},                // unknown SID
        {"SUBSCRIBE", {{"SID", ""}}, 412},                           // empty SID
        {"SUBSCRIBE", {{"SID", sid}, {"NT", "upnp:event"}}, 400},    // SID with NT
        {"SUBSCRIBE", {{"SID", sid}, {"CALLBACK", kCallback}}, 400}, // SID with CALLBACK
        {"UNSUBSCRIBE", {}, 412},                                    // no SID
        {"UNSUBSCRIBE", {{"SID", "garbage"}}, 412},
        {"UNSUBSCRIBE", {{"SID", sid}, {"NT", "upnp:event"}}, 400},
        {"UNSUBSCRIBE", {{"SID", sid}, {"CALLBACK", kCallback}}, 400},
    };
    for (const auto& c : cases) {
        std::string what = std::string(c.method);
        for (const auto& [k, v] : c.headers)
            what += " " + k + "=" + v;
        EXPECT_EQ(eventing.handle(request(c.method, c.headers)).status, c.status) << what;
    }
    EXPECT_EQ(eventing.subscriber_count(), 1U);
    EXPECT_EQ(eventing.handle(request("UNSUBSCRIBE", {{"SID", sid}})).status, 200);
    EXPECT_EQ(eventing.subscriber_count(), 0U);
}

TEST_F(GenaRequests, GarbageTimeoutFallsBackToTheDefault) {
    for (const char* timeout :
         {"Second-abc", "Second--5", "infinite", "Second-99999999999999999999999", "\xff"}) {
        auto r = eventing.handle(
            request("SUBSCRIBE", {{"NT", "upnp:event"}, {"CALLBACK", kCallback}, {"TIMEOUT", timeout}}));
        EXPECT_EQ(r.status, 200) << timeout;
        bool found = false;
        for (const auto& [k, v] : r.headers)
            found = found || (k == "TIMEOUT" && v == "Second-1800");
        EXPECT_TRUE(found) << timeout;
    }
}

using namespace std::chrono_literals;
using Clock = Moderation::Clock;

TEST(Callbacks, TheHttpUrlsOnLiteralIpv4Hosts) {
    auto cbs = parse_callbacks("<http://192.168.1.20:49152/ev?x=1><http://192.168.1.21/><http://tv.local/e>");
    ASSERT_EQ(cbs.size(), 2U);
    char text[INET_ADDRSTRLEN];
    EXPECT_STREQ(inet_ntop(AF_INET, &cbs[0].host, text, sizeof text), "192.168.1.20");
    EXPECT_EQ(cbs[0].port, 49152);
    EXPECT_EQ(cbs[0].path, "/ev?x=1");
    EXPECT_EQ(cbs[1].port, 80);
    EXPECT_EQ(cbs[1].path, "/");
    // Nothing that could split the NOTIFY request line, and no port 0.
    EXPECT_TRUE(parse_callbacks("<http://192.168.1.20/a b>").empty());
    EXPECT_TRUE(parse_callbacks("<http://192.168.1.20/a\r\nX: y>").empty());
    EXPECT_TRUE(parse_callbacks("<http://192.168.1.20:0/>").empty());
    EXPECT_TRUE(parse_callbacks("<https://192.168.1.20/>").empty());
}

TEST(NotifyRequest, TheBytesAnEventGoesOutAs) {
    CallbackUrl to{};
    inet_pton(AF_INET, "192.168.1.20", &to.host);
    to.port = 49152;
    to.path = "/ev";
    EXPECT_EQ(
        notify_request(to, "uuid:1", 7, "<e/>"),
        "NOTIFY /ev HTTP/1.1\r\nHOST: 192.168.1.20:49152\r\nCONTENT-TYPE: text/xml; charset=\"utf-8\"\r\n"
        "NT: upnp:event\r\nNTS: upnp:propchange\r\nSID: uuid:1\r\nSEQ: 7\r\nCONTENT-LENGTH: 4\r\n"
        "Connection: close\r\n\r\n<e/>");
}

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
