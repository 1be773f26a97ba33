#pragma once
// ContentDirectory:1 actions over the index. Handlers run on HTTP pool threads; each borrows a reader.
#include "hearth/db/objects.hpp"
#include "hearth/upnp/soap.hpp"

namespace hearth::cds {

inline constexpr const char* kServiceType = "urn:schemas-upnp-org:service:ContentDirectory:1";

class ContentDirectory {
  public:
    explicit ContentDirectory(db::ReaderPool& readers);
    const upnp::ActionTable& actions() const { return actions_; }

  private:
    upnp::OutArgs browse(const upnp::ActionCall& call, const upnp::RequestContext& ctx);
    upnp::OutArgs search(const upnp::ActionCall& call, const upnp::RequestContext& ctx);

    db::ReaderPool& readers_;
    upnp::ActionTable actions_;
};

} // namespace hearth::cds
