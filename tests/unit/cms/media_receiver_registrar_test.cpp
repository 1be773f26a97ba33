#include "hearth/cms/media_receiver_registrar.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

namespace hearth::cms {
namespace {

// As Windows Media Player and the Xbox 360 send them.
std::string call_body(const std::string& action, const std::string& args) {
    return "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
           "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:" +
           action + " xmlns:u=\"urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1\">" + args +
           "</u:" + action + "></s:Body></s:Envelope>";
}

struct Answer {
    int status;
    std::string value; ///< of the named out argument, or the error code
};

Answer invoke(const std::string& body, const char* out) {
    MediaReceiverRegistrar registrar;
    auto outcome =
        registrar.actions().invoke(kRegistrarServiceType, body, upnp::RequestContext{"http://h:1"});
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_string(outcome.body.c_str())) << outcome.body;
    if (outcome.http_status != 200)
        return {outcome.http_status, doc.select_node("//*[local-name()='errorCode']").node().text().get()};
    auto response = doc.select_node("//*[local-name()='Body']/*").node();
    EXPECT_TRUE(response.child(out)) << outcome.body;
    return {outcome.http_status, response.child(out).text().get()};
}

TEST(MediaReceiverRegistrar, AuthorisesAndValidatesEveryDevice) {
    auto authorized = invoke(call_body("IsAuthorized", "<DeviceID></DeviceID>"), "Result");
    EXPECT_EQ(authorized.status, 200);
    EXPECT_EQ(authorized.value, "1");
    auto validated = invoke(
        call_body("IsValidated", "<DeviceID>uuid:5e2ff8c8-1a2b-4c3d-9e0f-001122334455</DeviceID>"), "Result");
    EXPECT_EQ(validated.status, 200);
    EXPECT_EQ(validated.value, "1");
}

TEST(MediaReceiverRegistrar, RegisterDeviceAnswersAnEmptyMessage) {
    auto registered = invoke(call_body("RegisterDevice", "<RegistrationReqMsg>AAEC</RegistrationReqMsg>"),
                             "RegistrationRespMsg");
    EXPECT_EQ(registered.status, 200);
    EXPECT_EQ(registered.value, "");
}

TEST(MediaReceiverRegistrar, MissingArgumentsAndUnknownActionsAreFaults) {
    EXPECT_EQ(invoke(call_body("IsAuthorized", ""), "Result").value, "402");
    EXPECT_EQ(invoke(call_body("RegisterDevice", ""), "RegistrationRespMsg").value, "402");
    EXPECT_EQ(invoke(call_body("Browse", ""), "Result").value, "401");
}

TEST(MediaReceiverRegistrar, EventsItsFourUpdateIds) {
    auto state = MediaReceiverRegistrar::evented_state();
    ASSERT_EQ(state.size(), 4u);
    EXPECT_EQ(state[0].first, "AuthorizationGrantedUpdateID");
    for (const auto& [name, value] : state)
        EXPECT_EQ(value, "0") << name;
}

} // namespace
} // namespace hearth::cms
