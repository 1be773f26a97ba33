#pragma once
// X_MS_MediaReceiverRegistrar:1, which Xbox 360 and Windows Media Player ask before they browse. Hearth has
// no registration of its own (the household boundary and device approval decide who sees what), so every
// device that reaches it is authorised and validated. Handlers run on HTTP connection threads; no state.
#include "hearth/upnp/soap.hpp"

#include <string>
#include <utility>
#include <vector>

namespace hearth::cms {

inline constexpr const char* kRegistrarServiceType =
    "urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1";

class MediaReceiverRegistrar {
  public:
    MediaReceiverRegistrar();
    const upnp::ActionTable& actions() const { return actions_; }

    /// The evented variables (all 0: no authorisation ever changes).
    static std::vector<std::pair<std::string, std::string>> evented_state();

  private:
    upnp::ActionTable actions_;
};

} // namespace hearth::cms
