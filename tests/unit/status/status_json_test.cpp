#include "hearth/status/status_json.hpp"

#include <gtest/gtest.h>

namespace hearth::status {
namespace {

TEST(StatusJson, CarriesRefusalsDevicesAndStreamsEscaped) {
    net::Refusals refusals;
    in_addr a{};
    testing::internal::CaptureStderr();
    refusals.record(net::Refusal::bad_host, a, "x");
    testing::internal::GetCapturedStderr();
    devices::Device d;
    d.id = 3;
    d.address = "192.168.1.20";
    d.name = "Kid's \"TV\"";
    d.status = devices::Status::approved;
    std::string name = "Hearth";
    devices::ActiveStream stream;
    stream.device_id = 3;
    stream.device_label = "Kid's TV";
    stream.address = "192.168.1.20";
    stream.object_id = 42;
    stream.title = "A\\B";
    stream.connections = 2;
    stream.duration_s = 5400;
    stream.bitrate = 8000000;
    stream.position = std::make_shared<std::atomic<double>>(754.6);
    Snapshot snap{name, refusals, {d}, {stream}, {}, {}};
    snap.library = {{"music", 12, 3400}, {"video", 2, 1000000}};
    snap.scan = {"probing", 9, 100, 40, 1.5};
    snap.ssdp = {7, 5, 3};
    snap.uptime_seconds = 61;
    snap.can_manage = true;
    auto json = status_json(snap);
    EXPECT_NE(json.find("\"library\":{\"music\":{\"files\":12,\"bytes\":3400},\"video\""), std::string::npos)
        << json;
    EXPECT_NE(
        json.find(
            "\"scan\":{\"phase\":\"probing\",\"folders\":9,\"to_probe\":100,\"probed\":40,\"seconds\":1.50}"),
        std::string::npos)
        << json;
    EXPECT_NE(json.find("\"ssdp\":{\"answered\":7,\"ignored\":5,\"malformed\":3}"), std::string::npos)
        << json;
    EXPECT_NE(json.find("\"uptime_seconds\":61,\"approval_required\":false,\"can_manage\":true}"),
              std::string::npos)
        << json;
    EXPECT_NE(json.find("\"bad_host\":1"), std::string::npos) << json;
    EXPECT_NE(json.find("\"outsider\":0"), std::string::npos) << json;
    EXPECT_NE(json.find("\"name\":\"Kid's \\\"TV\\\"\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"status\":\"approved\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"mac\":null"), std::string::npos) << json;
    EXPECT_NE(json.find("\"object_id\":42,\"title\":\"A\\\\B\",\"connections\":2"), std::string::npos)
        << json;
}

} // namespace
} // namespace hearth::status
