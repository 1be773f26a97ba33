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
    auto json = status_json({name, refusals, {d}, {{3, "Kid's TV", "192.168.1.20", 42, "A\\B", 2}}});
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
