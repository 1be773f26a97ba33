#include "hearth/cms/connection_manager.hpp"

#include "hearth/media/media_info.hpp"
#include "hearth/util/strings.hpp"

namespace hearth::cms {

ConnectionManager::ConnectionManager(db::ReaderPool& readers) : readers_(readers) {
    actions_.add("GetProtocolInfo", [this](const upnp::ActionCall&, const upnp::RequestContext&) {
        return upnp::OutArgs{{"Source", source_protocol_info()}, {"Sink", ""}};
    });
    actions_.add("GetCurrentConnectionIDs", [](const upnp::ActionCall&, const upnp::RequestContext&) {
        return upnp::OutArgs{{"ConnectionIDs", "0"}};
    });
    actions_.add("GetCurrentConnectionInfo", [](const upnp::ActionCall& call, const upnp::RequestContext&) {
        if (trim(call.str("ConnectionID")) != "0") {
            throw upnp::UpnpException({706, "Invalid connection reference"});
        }
        return upnp::OutArgs{{"RcsID", "-1"},
                             {"AVTransportID", "-1"},
                             {"ProtocolInfo", ""},
                             {"PeerConnectionManager", ""},
                             {"PeerConnectionID", "-1"},
                             {"Direction", "Output"},
                             {"Status", "OK"}};
    });
}

std::string ConnectionManager::source_protocol_info() {
    auto reader = readers_.acquire();
    std::string out;
    for (const auto& f : reader->formats()) {
        if (!out.empty()) out += ",";
        out += media::protocol_info(f.mime, f.dlna_profile, f.is_image);
    }
    return out;
}

} // namespace hearth::cms
