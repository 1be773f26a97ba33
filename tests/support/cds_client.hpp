#pragma once
// Drives a ContentDirectory through its SOAP action table, as a control point's request does, and reads the
// reply: the request bodies and the reply parsing shared by the ContentDirectory unit tests.
#include "hearth/cds/content_directory.hpp"
#include "hearth/upnp/soap.hpp"
#include "hearth/util/strings.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>
#include <string>
#include <vector>

namespace hearth::test {

/// A SOAP envelope for a ContentDirectory action with these argument elements.
inline std::string cds_body(const std::string& action, const std::string& args) {
    return "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
           "<u:" +
           action + " xmlns:u=\"urn:schemas-upnp-org:service:ContentDirectory:1\">" + args + "</u:" + action +
           "></s:Body></s:Envelope>";
}

inline std::string browse_body(const std::string& id, const std::string& flag, int start, int count,
                               const std::string& sort = "", const std::string& filter = "*") {
    return cds_body("Browse", "<ObjectID>" + id + "</ObjectID><BrowseFlag>" + flag + "</BrowseFlag><Filter>" +
                                  filter + "</Filter><StartingIndex>" + std::to_string(start) +
                                  "</StartingIndex><RequestedCount>" + std::to_string(count) +
                                  "</RequestedCount><SortCriteria>" + sort + "</SortCriteria>");
}

inline std::string search_body(const std::string& container, const std::string& criteria, int start = 0,
                               int count = 0, const std::string& sort = "") {
    return cds_body("Search",
                    "<ContainerID>" + container + "</ContainerID><SearchCriteria>" + xml_escape(criteria) +
                        "</SearchCriteria><Filter>*</Filter><StartingIndex>" + std::to_string(start) +
                        "</StartingIndex><RequestedCount>" + std::to_string(count) +
                        "</RequestedCount><SortCriteria>" + sort + "</SortCriteria>");
}

struct CdsReply {
    int status = 0;
    int error_code = 0; ///< the UPnP error when status is not 200
    int returned = 0;
    int total = 0;
    int update_id = -1;
    pugi::xml_document didl;
    std::vector<pugi::xml_node> objects; ///< the DIDL-Lite children, in order
    std::vector<std::string> titles;     ///< their dc:title

    std::vector<std::string> ids() const {
        std::vector<std::string> out;
        for (auto n : objects)
            out.emplace_back(n.attribute("id").value());
        return out;
    }
};

/// Invokes the action in `body` and parses the reply; a malformed reply fails the calling test.
inline CdsReply invoke(cds::ContentDirectory& cd, const std::string& body, const upnp::RequestContext& ctx) {
    auto outcome = cd.actions().invoke(cds::kServiceType, body, ctx);
    CdsReply r;
    r.status = outcome.http_status;
    pugi::xml_document envelope;
    EXPECT_TRUE(envelope.load_string(outcome.body.c_str()));
    if (r.status != 200) {
        r.error_code = envelope.select_node("//*[local-name()='errorCode']").node().text().as_int();
        return r;
    }
    auto response = envelope.select_node("//*[local-name()='Body']/*[1]").node();
    r.returned = response.child("NumberReturned").text().as_int();
    r.total = response.child("TotalMatches").text().as_int();
    r.update_id = response.child("UpdateID").text().as_int(-1);
    EXPECT_TRUE(r.didl.load_string(response.child("Result").text().get()));
    for (auto n : r.didl.document_element().children()) {
        r.objects.push_back(n);
        r.titles.emplace_back(n.child_value("dc:title"));
    }
    EXPECT_EQ(r.returned, static_cast<int>(r.objects.size()));
    return r;
}

} // namespace hearth::test
