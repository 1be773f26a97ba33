#pragma once
// Another UPnP device's description document (UDA 1.1 §2.3): who it says it is. Read by the renderer
// descriptions and by the doctor's search for other servers. Pure.
#include <optional>
#include <string>
#include <string_view>

namespace hearth::net {

struct DeviceSummary {
    std::string friendly_name;
    std::string manufacturer;
    std::string model_name;
    std::string udn; ///< without "uuid:"
};

/// "uuid:1234::urn:…" → "1234"; empty when usn does not start with "uuid:".
std::string uuid_of_usn(std::string_view usn);

/// The root device of a UPnP device description, or nullopt when it is not one.
std::optional<DeviceSummary> parse_device_description(std::string_view xml);

} // namespace hearth::net
