#include "hearth/renderers/descriptions.hpp"
#include "hearth/ssdp/messages.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace hearth {
namespace {

TEST(SsdpNotify, ParsesAnAliveAndRejectsTheRest) {
    auto n = ssdp::parse_notify("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nnt: upnp:rootdevice\r\n"
                                "NTS: ssdp:alive\r\nLocation: http://192.168.1.20:52235/dmr.xml\r\n"
                                "USN: uuid:abc::upnp:rootdevice\r\n\r\n");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->nt, "upnp:rootdevice");
    EXPECT_EQ(n->nts, "ssdp:alive");
    EXPECT_EQ(n->location, "http://192.168.1.20:52235/dmr.xml");
    EXPECT_EQ(n->usn, "uuid:abc::upnp:rootdevice");
    EXPECT_FALSE(ssdp::parse_notify("M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n"));
    EXPECT_FALSE(ssdp::parse_notify("NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\n\r\n")); // no NTS
    EXPECT_FALSE(ssdp::parse_notify("garbage"));
}

TEST(RendererDescriptions, FieldsByMatchName) {
    renderers::RendererDescription d{"Kitchen TV", "Sony Corporation", "KD-55X85J", "uuid-1"};
    EXPECT_EQ(renderers::description_field(d, "Description.modelName"), "KD-55X85J");
    EXPECT_EQ(renderers::description_field(d, "Description.friendlyName"), "Kitchen TV");
    EXPECT_EQ(renderers::description_field(d, "Description.manufacturer"), "Sony Corporation");
    EXPECT_EQ(renderers::description_field(d, "Description.UDN"), "uuid-1");
    EXPECT_EQ(renderers::description_field(d, "User-Agent"), "");
}

TEST(RendererDescriptions, NeverFetchesFromAnotherAddress) {
    renderers::Descriptions
        cache; // not started: a queued fetch would stay queued, but must not even be recorded
    in_addr from{};
    inet_pton(AF_INET, "192.168.1.20", &from);
    cache.announced(from, "http://192.168.1.99:80/desc.xml");
    cache.announced(from, "https://192.168.1.20/desc.xml");
    cache.announced(from, "not a url");
    EXPECT_FALSE(cache.get(from));
}

} // namespace
} // namespace hearth
