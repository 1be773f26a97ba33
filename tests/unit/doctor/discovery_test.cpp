#include "hearth/doctor/discovery.hpp"

#include <gtest/gtest.h>

namespace hearth::doctor {
namespace {

TEST(Msearch, IsAWellFormedSearch) {
    auto m = msearch(kMediaServerType, 1);
    EXPECT_TRUE(m.starts_with("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"));
    EXPECT_NE(m.find("MAN: \"ssdp:discover\"\r\n"), std::string::npos);
    EXPECT_NE(m.find("MX: 1\r\n"), std::string::npos);
    EXPECT_NE(m.find("ST: urn:schemas-upnp-org:device:MediaServer:1\r\n"), std::string::npos);
    EXPECT_TRUE(m.ends_with("\r\n\r\n"));
}

TEST(SearchAnswer, ReadsLocationUsnAndServerInAnyCase) {
    auto a = parse_search_answer("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\n"
                                 "location: http://192.168.1.9:8200/rootDesc.xml\r\n"
                                 "Server: Debian DLNADOC/1.50 UPnP/1.0 MiniDLNA/1.3.2\r\n"
                                 "ST: urn:schemas-upnp-org:device:MediaServer:1\r\n"
                                 "USN: uuid:4d696e69-444c-164e-9d41-b827eb000001::urn:schemas-upnp-org:"
                                 "device:MediaServer:1\r\nEXT:\r\n\r\n");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->location, "http://192.168.1.9:8200/rootDesc.xml");
    EXPECT_EQ(a->server, "Debian DLNADOC/1.50 UPnP/1.0 MiniDLNA/1.3.2");
    EXPECT_EQ(a->st, "urn:schemas-upnp-org:device:MediaServer:1");
    EXPECT_EQ(uuid_of_usn(a->usn), "4d696e69-444c-164e-9d41-b827eb000001");
}

TEST(SearchAnswer, RefusesWhatIsNotAnAnswer) {
    EXPECT_FALSE(parse_search_answer(msearch(kMediaServerType, 1)));
    EXPECT_FALSE(parse_search_answer("NOTIFY * HTTP/1.1\r\nLOCATION: http://a/\r\nUSN: uuid:x\r\n\r\n"));
    EXPECT_FALSE(parse_search_answer("HTTP/1.1 404 Not Found\r\nLOCATION: http://a/\r\nUSN: uuid:x\r\n\r\n"));
    EXPECT_FALSE(parse_search_answer("HTTP/1.1 200 OK\r\nUSN: uuid:x\r\n\r\n"));
    EXPECT_FALSE(parse_search_answer(""));
}

} // namespace
} // namespace hearth::doctor
