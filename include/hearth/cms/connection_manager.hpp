#pragma once
// ConnectionManager:1 for a server that has no connection set-up (HTTP GET only): connection 0 only.
#include "hearth/db/objects.hpp"
#include "hearth/upnp/soap.hpp"

namespace hearth::cms {

inline constexpr const char* kServiceType = "urn:schemas-upnp-org:service:ConnectionManager:1";

class ConnectionManager {
  public:
    explicit ConnectionManager(db::ReaderPool& readers);
    const upnp::ActionTable& actions() const { return actions_; }

    /// The comma-separated protocolInfo list of the formats the library holds. Any thread.
    std::string source_protocol_info();

  private:
    db::ReaderPool& readers_;
    upnp::ActionTable actions_;
};

} // namespace hearth::cms
