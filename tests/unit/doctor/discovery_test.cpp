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

TEST(UuidOfUsn, TakesTheUuidPart) {
    EXPECT_EQ(uuid_of_usn("uuid:abc"), "abc");
    EXPECT_EQ(uuid_of_usn("uuid:abc::upnp:rootdevice"), "abc");
    EXPECT_EQ(uuid_of_usn("urn:x"), "");
}

TEST(HttpUrl, ParsesHostPortAndPath) {
    auto u = parse_http_url("http://192.168.1.9:8200/rootDesc.xml");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "192.168.1.9");
    EXPECT_EQ(u->port, 8200);
    EXPECT_EQ(u->path, "/rootDesc.xml");
    u = parse_http_url("HTTP://nas.local");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "nas.local");
    EXPECT_EQ(u->port, 80);
    EXPECT_EQ(u->path, "/");
    EXPECT_FALSE(parse_http_url("https://a/"));
    EXPECT_FALSE(parse_http_url("http://[::1]:80/"));
    EXPECT_FALSE(parse_http_url("http://a:0/"));
    EXPECT_FALSE(parse_http_url("http://a:70000/"));
    EXPECT_FALSE(parse_http_url("http://:80/"));
    EXPECT_FALSE(parse_http_url("http://user@a/"));
}

TEST(HttpGetRequest, AsksForTheDescriptionAndACloseAfterIt) {
    auto r = http_get_request({"127.0.0.1", 8300, "/description.xml"});
    EXPECT_TRUE(r.starts_with("GET /description.xml HTTP/1.0\r\nHost: 127.0.0.1:8300\r\n"));
    EXPECT_TRUE(r.ends_with("Connection: close\r\n\r\n"));
}

TEST(HttpResponse, SplitsStatusAndBody) {
    auto r = parse_http_response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "hello");
    r = parse_http_response("HTTP/1.0 404 Not Found\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
    EXPECT_EQ(r->body, "");
    EXPECT_FALSE(parse_http_response("SSH-2.0-OpenSSH_9.2\r\n"));
    EXPECT_FALSE(parse_http_response("HTTP/1.1 abc\r\n\r\n"));
}

TEST(HttpResponse, DechunksChunkedBodies) {
    auto r = parse_http_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 "5\r\nhello\r\n7;x=y\r\n, world\r\n0\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "hello, world");
    EXPECT_FALSE(parse_http_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nx\r\n"));
    EXPECT_FALSE(parse_http_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n50\r\nshort\r\n"));
}

TEST(DeviceDescription, ReadsTheRootDevice) {
    auto d = parse_device_description(R"(<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>0</minor></specVersion>
<device><deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType>
<friendlyName> Living room NAS </friendlyName><manufacturer>Justin Maggard</manufacturer>
<modelName>Windows Media Connect compatible (MiniDLNA)</modelName><UDN>uuid:4d696e69-0001</UDN></device></root>)");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->friendly_name, "Living room NAS");
    EXPECT_EQ(d->manufacturer, "Justin Maggard");
    EXPECT_EQ(d->model_name, "Windows Media Connect compatible (MiniDLNA)");
    EXPECT_EQ(d->udn, "4d696e69-0001");
}

TEST(DeviceDescription, RefusesOtherXml) {
    EXPECT_FALSE(parse_device_description("<html><body>hi</body></html>"));
    EXPECT_FALSE(parse_device_description("<root><device><UDN>uuid:x</UDN></device></root>"));
    EXPECT_FALSE(parse_device_description("not xml <"));
}

} // namespace
} // namespace hearth::doctor
