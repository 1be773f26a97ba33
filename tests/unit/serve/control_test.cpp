// UPnP control and the fixed documents, as serve/ answers them without App: each control URL reaches its own
// service's action table with the visitor's context, and only the descriptors that exist are served.
#include "hearth/serve/control.hpp"
#include "unit/serve/fixture.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace hearth::serve {
namespace {

bool has_header(const http::Response& r, const std::string& name, const std::string& value) {
    return std::find(r.headers.begin(), r.headers.end(), std::pair{name, value}) != r.headers.end();
}

std::string envelope(const std::string& service) {
    return "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
           "<u:Who xmlns:u=\"urn:schemas-upnp-org:service:" +
           service + ":1\"/></s:Body></s:Envelope>";
}

// Each table answers Who with its own name and what the context told it.
upnp::ActionTable table(std::string name) {
    upnp::ActionTable t;
    t.add("Who", [name](const upnp::ActionCall&, const upnp::RequestContext& ctx) {
        return upnp::OutArgs{{"Name", name},
                             {"Base", ctx.base_url},
                             {"Restricted", ctx.restricted ? "yes" : "no"},
                             {"Device", std::to_string(ctx.device_id)},
                             {"Renderer", ctx.profile ? ctx.profile->name : "none"}};
    });
    return t;
}

class ControlTest : public ::testing::Test {
  protected:
    upnp::ActionTable cds = table("cds"), cm = table("cm"), registrar = table("registrar");
    ControlTables tables{cds, cm, registrar};
    renderers::Profile renderer = [] {
        renderers::Profile p;
        p.name = "Test TV";
        return p;
    }();

    http::Response post(const std::string& path, const std::string& service, Visitor visitor = {}) {
        auto r = test::request("POST", path);
        r.body = envelope(service);
        return control(r, tables, renderer, 8300, visitor);
    }
};

TEST_F(ControlTest, EachControlUrlReachesItsOwnService) {
    auto a = post("/control/ContentDirectory", "ContentDirectory");
    EXPECT_EQ(a.status, 200);
    EXPECT_NE(a.body.find("<Name>cds</Name>"), std::string::npos) << a.body;
    EXPECT_NE(a.body.find("urn:schemas-upnp-org:service:ContentDirectory:1"), std::string::npos);
    EXPECT_TRUE(has_header(a, "EXT", ""));
    EXPECT_NE(post("/control/ConnectionManager", "ConnectionManager").body.find("<Name>cm</Name>"),
              std::string::npos);
    auto x = post("/control/X_MS_MediaReceiverRegistrar", "X_MS_MediaReceiverRegistrar");
    EXPECT_NE(x.body.find("<Name>registrar</Name>"), std::string::npos) << x.body;
}

TEST_F(ControlTest, TheActionSeesTheVisitorTheRendererAndOurAddress) {
    auto a = post("/control/ContentDirectory", "ContentDirectory", Visitor{true, false, 42});
    EXPECT_NE(a.body.find("<Base>http://192.168.1.10:8300</Base>"), std::string::npos) << a.body;
    EXPECT_NE(a.body.find("<Restricted>yes</Restricted>"), std::string::npos);
    EXPECT_NE(a.body.find("<Device>42</Device>"), std::string::npos);
    EXPECT_NE(a.body.find("<Renderer>Test TV</Renderer>"), std::string::npos);
}

TEST_F(ControlTest, OnlyPostToAKnownService) {
    auto get = test::request("GET", "/control/ContentDirectory");
    auto r = control(get, tables, renderer, 8300, {});
    EXPECT_EQ(r.status, 405);
    EXPECT_TRUE(has_header(r, "Allow", "POST"));
    EXPECT_EQ(post("/control/AVTransport", "AVTransport").status, 404);
    // A known URL with an unknown action is the service's fault (401), not a routing error.
    auto unknown = test::request("POST", "/control/ConnectionManager");
    unknown.body = "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                   "<s:Body><u:Nope xmlns:u=\"urn:schemas-upnp-org:service:ConnectionManager:1\"/></s:Body>"
                   "</s:Envelope>";
    auto fault = control(unknown, tables, renderer, 8300, {});
    EXPECT_EQ(fault.status, 500);
    EXPECT_NE(fault.body.find("<errorCode>401</errorCode>"), std::string::npos) << fault.body;
}

TEST(Documents, DescriptionScpdsAndIconsOnly) {
    auto description = document(test::request("GET", "/description.xml"), "<root>ours</root>");
    ASSERT_TRUE(description);
    EXPECT_EQ(description->body, "<root>ours</root>");
    auto scpd = document(test::request("GET", "/scpd/ContentDirectory.xml"), "");
    ASSERT_TRUE(scpd);
    EXPECT_EQ(scpd->status, 200);
    EXPECT_NE(scpd->body.find("<actionList>"), std::string::npos);
    EXPECT_TRUE(has_header(*scpd, "Content-Type", "text/xml; charset=\"utf-8\""));
    auto icon = document(test::request("GET", "/icons/icon-48.png"), "");
    ASSERT_TRUE(icon);
    EXPECT_EQ(icon->status, 200);
    EXPECT_EQ(icon->body.substr(1, 3), "PNG");
    EXPECT_TRUE(has_header(*icon, "Content-Type", "image/png"));
    EXPECT_EQ(document(test::request("GET", "/scpd/nope.xml"), "")->status, 404);
    EXPECT_EQ(document(test::request("GET", "/scpd/../CMakeLists.txt"), "")->status, 404);
    EXPECT_FALSE(document(test::request("GET", "/status.json"), ""));
}

} // namespace
} // namespace hearth::serve
