// Subscription requests answered without the sender thread: no NOTIFY leaves, no socket opens.
#include "hearth/upnp/gena.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

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

} // namespace
} // namespace hearth::upnp
