#include "hearth/upnp/soap.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>
#include <stdexcept>
#include <string>

namespace hearth::upnp {
namespace {

constexpr std::string_view kCds = "urn:schemas-upnp-org:service:ContentDirectory:1";

std::string envelope(std::string_view body_inner) {
    return std::string(R"(<?xml version="1.0" encoding="utf-8"?>)") +
           R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" )"
           R"(s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>)" +
           std::string(body_inner) + "</s:Body></s:Envelope>";
}

const std::string kBrowse = envelope(R"(<u:Browse xmlns:u="urn:schemas-upnp-org:service:ContentDirectory:1">)"
                                     "<ObjectID>0</ObjectID><BrowseFlag>BrowseDirectChildren</BrowseFlag>"
                                     "<Filter>*</Filter><StartingIndex>0</StartingIndex>"
                                     "<RequestedCount>10</RequestedCount><SortCriteria></SortCriteria>"
                                     "</u:Browse>");

ActionCall expect_call(std::string_view body) {
    auto parsed = parse_action(body);
    if (auto* error = std::get_if<UpnpError>(&parsed)) {
        ADD_FAILURE() << "unexpected error " << error->code << " " << error->description;
        return {};
    }
    return std::get<ActionCall>(parsed);
}

int expect_error(std::string_view body) {
    auto parsed = parse_action(body);
    if (auto* error = std::get_if<UpnpError>(&parsed)) return error->code;
    ADD_FAILURE() << "parsed as action " << std::get<ActionCall>(parsed).action;
    return 0;
}

TEST(SoapParseAction, ReadsActionAndArgumentsInOrder) {
    auto call = expect_call(kBrowse);
    EXPECT_EQ(call.action, "Browse");
    ASSERT_EQ(call.args.size(), 6U);
    EXPECT_EQ(call.args[0], (std::pair<std::string, std::string>{"ObjectID", "0"}));
    EXPECT_EQ(call.args[1].first, "BrowseFlag");
    EXPECT_EQ(call.args[1].second, "BrowseDirectChildren");
    EXPECT_EQ(call.args[5].first, "SortCriteria");
    EXPECT_EQ(call.args[5].second, "");
    ASSERT_NE(call.find("Filter"), nullptr);
    EXPECT_EQ(*call.find("Filter"), "*");
    EXPECT_EQ(call.find("Nope"), nullptr);
}

TEST(SoapParseAction, AcceptsOtherPrefixes) {
    auto call =
        expect_call(R"(<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">)"
                    R"(<SOAP-ENV:Body><m:GetSortCapabilities xmlns:m="urn:x"/></SOAP-ENV:Body>)"
                    "</SOAP-ENV:Envelope>");
    EXPECT_EQ(call.action, "GetSortCapabilities");
    EXPECT_TRUE(call.args.empty());
}

TEST(SoapParseAction, AcceptsBomAndLeadingWhitespace) {
    auto call = expect_call("\xEF\xBB\xBF  \r\n\t" + kBrowse);
    EXPECT_EQ(call.action, "Browse");
    EXPECT_EQ(call.args.size(), 6U);
}

TEST(SoapParseAction, AcceptsUnprefixedElements) {
    auto call = expect_call(R"(<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body>)"
                            R"(<Browse xmlns="urn:schemas-upnp-org:service:ContentDirectory:1">)"
                            "<ObjectID>5</ObjectID></Browse></Body></Envelope>");
    EXPECT_EQ(call.action, "Browse");
    EXPECT_EQ(call.str("ObjectID"), "5");
}

TEST(SoapParseAction, SkipsCommentsAndWhitespaceBeforeTheAction) {
    auto call = expect_call(
        envelope("\n  <!-- hello -->\n  <u:Browse xmlns:u=\"urn:x\"><ObjectID>3</ObjectID></u:Browse>"));
    EXPECT_EQ(call.action, "Browse");
    EXPECT_EQ(call.str("ObjectID"), "3");
}

TEST(SoapParseAction, DecodesEntitiesAndCdataInArguments) {
    auto call = expect_call(
        envelope("<u:Search xmlns:u=\"urn:x\">"
                 "<SearchCriteria>dc:title contains &quot;Tom &amp; Jerry&quot; and "
                 "upnp:class derivedfrom &quot;object.item&quot; &lt;&gt;&#233;&#x263A;</SearchCriteria>"
                 "<Filter><![CDATA[dc:title,<res>]]></Filter></u:Search>"));
    EXPECT_EQ(call.action, "Search");
    EXPECT_EQ(call.str("SearchCriteria"), "dc:title contains \"Tom & Jerry\" and upnp:class derivedfrom "
                                          "\"object.item\" <>\xC3\xA9\xE2\x98\xBA");
    EXPECT_EQ(call.str("Filter"), "dc:title,<res>");
}

TEST(SoapParseAction, ArgumentTextIgnoresNestedElements) {
    auto call = expect_call(envelope("<u:A xmlns:u=\"urn:x\"><X>a<b>ignored</b>c</X></u:A>"));
    EXPECT_EQ(call.str("X"), "ac");
}

TEST(SoapParseAction, GarbageIs720) {
    EXPECT_EQ(expect_error(""), 720);
    EXPECT_EQ(expect_error("   "), 720);
    EXPECT_EQ(expect_error("not xml at all"), 720);
    EXPECT_EQ(expect_error("<s:Envelope><s:Body><u:Browse>"), 720);                     // unterminated
    EXPECT_EQ(expect_error("<html><body>Browse</body></html>"), 720);                   // not an envelope
    EXPECT_EQ(expect_error("<s:Envelope xmlns:s=\"x\"><s:Header/></s:Envelope>"), 720); // no Body
    EXPECT_EQ(expect_error("{\"action\": \"Browse\"}"), 720);
}

TEST(SoapParseAction, EnvelopeWithoutActionIs401) {
    EXPECT_EQ(expect_error(envelope("")), 401);
    EXPECT_EQ(expect_error(envelope("   text only   ")), 401);
    EXPECT_EQ(expect_error(envelope("<!-- nothing -->")), 401);
}

TEST(SoapParseAction, DoesNotExpandDoctypeEntities) {
    // No DOCTYPE processing: an entity declared in a DOCTYPE must not leak into argument values.
    std::string body = "<!DOCTYPE s:Envelope [<!ENTITY x \"EXPANDED\">]>" +
                       envelope("<u:A xmlns:u=\"urn:x\"><V>&x;</V></u:A>");
    auto parsed = parse_action(body);
    if (auto* call = std::get_if<ActionCall>(&parsed)) {
        ASSERT_NE(call->find("V"), nullptr);
        EXPECT_EQ(call->find("V")->find("EXPANDED"), std::string::npos);
    }
}

// --- ActionCall helpers ---

ActionCall call_with(std::vector<std::pair<std::string, std::string>> args) {
    return ActionCall{"Browse", std::move(args)};
}

int upnp_code_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const UpnpException& e) {
        return e.error.code;
    }
    return 0;
}

TEST(SoapActionCall, StrReturnsTextOr402) {
    auto call = call_with({{"ObjectID", "64"}, {"Empty", ""}});
    EXPECT_EQ(call.str("ObjectID"), "64");
    EXPECT_EQ(call.str("Empty"), "");
    EXPECT_EQ(upnp_code_of([&] { (void)call.str("Missing"); }), 402);
    EXPECT_EQ(upnp_code_of([&] { (void)call.str("objectid"); }), 402); // names are case-sensitive
}

TEST(SoapActionCall, MissingArgumentMessageNamesIt) {
    auto call = call_with({});
    try {
        (void)call.str("StartingIndex");
        FAIL() << "no exception";
    } catch (const UpnpException& e) {
        EXPECT_NE(std::string(e.what()).find("StartingIndex"), std::string::npos);
        EXPECT_NE(e.error.description.find("StartingIndex"), std::string::npos);
    }
}

struct UintCase {
    std::string text;
    std::optional<std::uint64_t> value; ///< nullopt: 402
};

std::ostream& operator<<(std::ostream& os, const UintCase& c) {
    return os << '"' << c.text << '"';
}

class SoapActionCallUint : public ::testing::TestWithParam<UintCase> {};

TEST_P(SoapActionCallUint, ParsesOr402) {
    const auto& c = GetParam();
    auto call = call_with({{"N", c.text}});
    if (c.value) {
        EXPECT_EQ(call.uint("N"), *c.value);
    } else {
        EXPECT_EQ(upnp_code_of([&] { (void)call.uint("N"); }), 402);
    }
}

INSTANTIATE_TEST_SUITE_P(Table, SoapActionCallUint,
                         ::testing::Values(UintCase{"0", 0}, UintCase{"10", 10}, UintCase{" 25 ", 25},
                                           UintCase{"4294967295", 4294967295U},
                                           UintCase{"4294967296", std::nullopt}, UintCase{"", std::nullopt},
                                           UintCase{"-1", std::nullopt}, UintCase{"+1", std::nullopt},
                                           UintCase{"1.5", std::nullopt}, UintCase{"ten", std::nullopt},
                                           UintCase{"12abc", std::nullopt}));

TEST(SoapActionCall, UintOfMissingArgumentIs402) {
    EXPECT_EQ(upnp_code_of([] { (void)call_with({}).uint("N"); }), 402);
}

// --- envelopes and dispatch ---

struct ParsedFault {
    std::string faultcode, faultstring;
    int error_code = 0;
    std::string description;
};

ParsedFault parse_fault(const std::string& xml) {
    pugi::xml_document doc;
    auto ok = doc.load_string(xml.c_str());
    EXPECT_TRUE(ok) << ok.description() << "\n" << xml;
    auto fault = doc.child("s:Envelope").child("s:Body").child("s:Fault");
    EXPECT_TRUE(fault) << xml;
    auto upnp_error = fault.child("detail").child("UPnPError");
    EXPECT_STREQ(upnp_error.attribute("xmlns").value(), "urn:schemas-upnp-org:control-1-0");
    return {fault.child_value("faultcode"), fault.child_value("faultstring"),
            upnp_error.child("errorCode").text().as_int(), upnp_error.child_value("errorDescription")};
}

TEST(SoapEnvelopes, FaultCarriesUpnpErrorAndEscapesDescription) {
    auto fault = parse_fault(fault_envelope({709, "bad <sort> & worse"}));
    EXPECT_EQ(fault.faultcode, "s:Client");
    EXPECT_EQ(fault.faultstring, "UPnPError");
    EXPECT_EQ(fault.error_code, 709);
    EXPECT_EQ(fault.description, "bad <sort> & worse");
}

TEST(SoapEnvelopes, ResponseNamesActionAndServiceAndEscapesValues) {
    auto xml = response_envelope(kCds, "Browse",
                                 {{"Result", "<DIDL-Lite>Tom & Jerry</DIDL-Lite>"}, {"NumberReturned", "1"}});
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(xml.c_str())) << xml;
    auto envelope = doc.child("s:Envelope");
    EXPECT_STREQ(envelope.attribute("xmlns:s").value(), "http://schemas.xmlsoap.org/soap/envelope/");
    EXPECT_STREQ(envelope.attribute("s:encodingStyle").value(), "http://schemas.xmlsoap.org/soap/encoding/");
    auto response = envelope.child("s:Body").child("u:BrowseResponse");
    ASSERT_TRUE(response) << xml;
    EXPECT_EQ(std::string(response.attribute("xmlns:u").value()), kCds);
    EXPECT_STREQ(response.child_value("Result"), "<DIDL-Lite>Tom & Jerry</DIDL-Lite>");
    EXPECT_STREQ(response.child_value("NumberReturned"), "1");
    EXPECT_EQ(xml.find("<DIDL-Lite>"), std::string::npos) << "the Result must be escaped, not embedded";
}

TEST(SoapEnvelopes, EscapedValueIsWrittenAsItIs) {
    auto xml = response_envelope(kCds, "Browse",
                                 {{"Result", "&lt;DIDL-Lite&gt;Tom &amp;amp; Jerry&lt;/DIDL-Lite&gt;", true},
                                  {"NumberReturned", "1&2"}});
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(xml.c_str())) << xml;
    auto response = doc.child("s:Envelope").child("s:Body").child("u:BrowseResponse");
    EXPECT_STREQ(response.child_value("Result"), "<DIDL-Lite>Tom &amp; Jerry</DIDL-Lite>");
    EXPECT_STREQ(response.child_value("NumberReturned"), "1&2");
}

ActionTable browse_table() {
    ActionTable table;
    table.add("Browse", [](const ActionCall& call, const RequestContext& context) -> OutArgs {
        return {{"Echo", call.str("ObjectID")},
                {"Base", context.base_url},
                {"Count", std::to_string(call.uint("RequestedCount"))}};
    });
    table.add("Explode", [](const ActionCall&, const RequestContext&) -> OutArgs {
        throw std::runtime_error("disk on fire");
    });
    table.add("NoObject", [](const ActionCall&, const RequestContext&) -> OutArgs {
        throw UpnpException(errors::no_such_object());
    });
    table.add("Weird", [](const ActionCall&, const RequestContext&) -> OutArgs {
        return {{"Value", "a&b<c>\"d'\x01"}};
    });
    return table;
}

const RequestContext kContext{"http://192.168.1.2:8300"};

TEST(SoapActionTable, DispatchesToHandler) {
    auto outcome = browse_table().invoke(kCds, kBrowse, kContext);
    EXPECT_EQ(outcome.http_status, 200);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(outcome.body.c_str())) << outcome.body;
    auto response = doc.child("s:Envelope").child("s:Body").child("u:BrowseResponse");
    ASSERT_TRUE(response) << outcome.body;
    EXPECT_STREQ(response.child_value("Echo"), "0");
    EXPECT_STREQ(response.child_value("Base"), "http://192.168.1.2:8300");
    EXPECT_STREQ(response.child_value("Count"), "10");
}

TEST(SoapActionTable, UnknownActionIs401With500) {
    auto outcome = browse_table().invoke(kCds, envelope("<u:Frobnicate xmlns:u=\"urn:x\"/>"), kContext);
    EXPECT_EQ(outcome.http_status, 500);
    auto fault = parse_fault(outcome.body);
    EXPECT_EQ(fault.error_code, 401);
    EXPECT_EQ(fault.faultcode, "s:Client");
    EXPECT_EQ(fault.faultstring, "UPnPError");
}

TEST(SoapActionTable, ActionNamesAreCaseSensitive) {
    auto outcome = browse_table().invoke(kCds, envelope("<u:browse xmlns:u=\"urn:x\"/>"), kContext);
    EXPECT_EQ(outcome.http_status, 500);
    EXPECT_EQ(parse_fault(outcome.body).error_code, 401);
}

TEST(SoapActionTable, UnparsableBodyIs720) {
    auto outcome = browse_table().invoke(kCds, "<<<", kContext);
    EXPECT_EQ(outcome.http_status, 500);
    EXPECT_EQ(parse_fault(outcome.body).error_code, 720);
}

TEST(SoapActionTable, EmptyBodyElementIs401) {
    auto outcome = browse_table().invoke(kCds, envelope(""), kContext);
    EXPECT_EQ(outcome.http_status, 500);
    EXPECT_EQ(parse_fault(outcome.body).error_code, 401);
}

TEST(SoapActionTable, MissingOrBadArgumentIs402) {
    auto missing = browse_table().invoke(
        kCds, envelope("<u:Browse xmlns:u=\"urn:x\"><ObjectID>0</ObjectID></u:Browse>"), kContext);
    EXPECT_EQ(missing.http_status, 500);
    EXPECT_EQ(parse_fault(missing.body).error_code, 402);
    auto bad = browse_table().invoke(
        kCds,
        envelope("<u:Browse "
                 "xmlns:u=\"urn:x\"><ObjectID>0</ObjectID><RequestedCount>-3</RequestedCount></u:Browse>"),
        kContext);
    EXPECT_EQ(bad.http_status, 500);
    EXPECT_EQ(parse_fault(bad.body).error_code, 402);
}

TEST(SoapActionTable, UpnpExceptionKeepsItsCode) {
    auto outcome = browse_table().invoke(kCds, envelope("<u:NoObject xmlns:u=\"urn:x\"/>"), kContext);
    EXPECT_EQ(outcome.http_status, 500);
    auto fault = parse_fault(outcome.body);
    EXPECT_EQ(fault.error_code, 701);
    EXPECT_EQ(fault.description, "No such object");
}

TEST(SoapActionTable, OtherExceptionIs501WithoutLeakingDetails) {
    auto outcome = browse_table().invoke(kCds, envelope("<u:Explode xmlns:u=\"urn:x\"/>"), kContext);
    EXPECT_EQ(outcome.http_status, 500);
    EXPECT_EQ(parse_fault(outcome.body).error_code, 501);
    EXPECT_EQ(outcome.body.find("disk on fire"), std::string::npos);
}

TEST(SoapActionTable, ResponseValuesAreEscaped) {
    auto outcome = browse_table().invoke(kCds, envelope("<u:Weird xmlns:u=\"urn:x\"/>"), kContext);
    EXPECT_EQ(outcome.http_status, 200);
    EXPECT_NE(outcome.body.find("a&amp;b&lt;c&gt;"), std::string::npos) << outcome.body;
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(outcome.body.c_str())) << outcome.body;
    EXPECT_STREQ(doc.child("s:Envelope").child("s:Body").child("u:WeirdResponse").child_value("Value"),
                 "a&b<c>\"d'");
}

} // namespace
} // namespace hearth::upnp

namespace hearth::upnp {
namespace {

TEST(SoapRegression, AnActionElementWithAPrefixAndNoNameIsInvalidAction) {
    // Found by fuzz_soap: "<M-NG: …/>" parses as an element whose local name is empty.
    auto parsed = parse_action("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
                               "<u: xmlns:u=\"urn:x\"/></s:Body></s:Envelope>");
    ASSERT_TRUE(std::holds_alternative<UpnpError>(parsed));
    EXPECT_EQ(std::get<UpnpError>(parsed).code, 401);
}

} // namespace
} // namespace hearth::upnp
