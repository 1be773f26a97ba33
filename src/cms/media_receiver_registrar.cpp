#include "hearth/cms/media_receiver_registrar.hpp"

namespace hearth::cms {

MediaReceiverRegistrar::MediaReceiverRegistrar() {
    // Result 1: authorised / validated. DeviceID must be there (the SCPD declares it) but may be empty:
    // Windows Media Player sends an empty one.
    auto granted = [](const upnp::ActionCall& call, const upnp::RequestContext&) {
        call.str("DeviceID");
        return upnp::OutArgs{{"Result", "1"}};
    };
    actions_.add("IsAuthorized", granted);
    actions_.add("IsValidated", granted);
    actions_.add("RegisterDevice", [](const upnp::ActionCall& call, const upnp::RequestContext&) {
        call.str("RegistrationReqMsg");
        return upnp::OutArgs{{"RegistrationRespMsg", ""}};
    });
}

std::vector<std::pair<std::string, std::string>> MediaReceiverRegistrar::evented_state() {
    return {{"AuthorizationGrantedUpdateID", "0"},
            {"AuthorizationDeniedUpdateID", "0"},
            {"ValidationSucceededUpdateID", "0"},
            {"ValidationRevokedUpdateID", "0"}};
}

} // namespace hearth::cms
