#include "hearth/net/device_description.hpp"

#include <gtest/gtest.h>

namespace hearth::net {
namespace {

TEST(UuidOfUsn, TakesTheUuidPart) {
    EXPECT_EQ(uuid_of_usn("uuid:abc"), "abc");
    EXPECT_EQ(uuid_of_usn(" uuid:abc::upnp:rootdevice"), "abc");
    EXPECT_EQ(uuid_of_usn("urn:x"), "");
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
} // namespace hearth::net
