#pragma once
// The device description (descriptors/device.xml filled in for this server). Pure.
#include <string>

namespace hearth::upnp {

struct DeviceInfo {
    std::string friendly_name;
    std::string uuid; ///< without "uuid:"
    long config_id = 1;
};

std::string device_description(const DeviceInfo& info);

/// A configuration number for CONFIGID.UPNP.ORG: changes whenever the description's text does.
long config_id_for(const std::string& friendly_name);

} // namespace hearth::upnp
