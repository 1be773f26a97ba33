#include "hearth/net/device_description.hpp"

#include "hearth/util/strings.hpp"

#include <pugixml.hpp>

namespace hearth::net {
namespace {

std::string child_text(const pugi::xml_node& node, const char* name) {
    return std::string(trim(node.child(name).text().as_string()));
}

} // namespace

std::string uuid_of_usn(std::string_view usn) {
    usn = trim(usn);
    if (!istarts_with(usn, "uuid:")) return {};
    usn.remove_prefix(5);
    return std::string(usn.substr(0, usn.find("::")));
}

std::optional<DeviceSummary> parse_device_description(std::string_view xml) {
    pugi::xml_document doc;
    if (!doc.load_buffer(xml.data(), xml.size())) return std::nullopt;
    auto device = doc.child("root").child("device");
    if (!device) return std::nullopt;
    DeviceSummary out{child_text(device, "friendlyName"), child_text(device, "manufacturer"),
                      child_text(device, "modelName"), uuid_of_usn(child_text(device, "UDN"))};
    if (out.friendly_name.empty()) return std::nullopt;
    return out;
}

} // namespace hearth::net
