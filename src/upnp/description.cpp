#include "hearth/upnp/description.hpp"

#include "hearth/util/resources.hpp"
#include "hearth/util/strings.hpp"

namespace hearth::upnp {
namespace {
void replace_all(std::string& text, std::string_view key, std::string_view value) {
    for (auto pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + value.size())) {
        text.replace(pos, key.size(), value);
    }
}
} // namespace

long config_id_for(const std::string& friendly_name) {
    // FNV-1a over what makes the description differ, folded into UDA's 0..2^24-1 range.
    std::uint32_t h = 2166136261u;
    auto mix = [&](std::string_view s) {
        for (unsigned char c : s)
            h = (h ^ c) * 16777619u;
    };
    mix(*resources::find("descriptors/device.xml"));
    mix(friendly_name);
    mix(HEARTH_VERSION);
    return static_cast<long>(h & 0xFFFFFF);
}

std::string device_description(const DeviceInfo& info) {
    std::string xml(*resources::find("descriptors/device.xml"));
    replace_all(xml, "@NAME@", xml_escape(info.friendly_name));
    replace_all(xml, "@UUID@", info.uuid);
    replace_all(xml, "@SERIAL@", info.uuid.substr(0, 8));
    replace_all(xml, "@VERSION@", HEARTH_VERSION);
    replace_all(xml, "@CONFIGID@", std::to_string(info.config_id));
    return xml;
}

} // namespace hearth::upnp
