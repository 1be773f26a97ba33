#pragma once
// ContentDirectory:1 actions over the index. Handlers run on HTTP connection threads; each borrows a reader.
#include "hearth/db/objects.hpp"
#include "hearth/upnp/soap.hpp"

namespace hearth::resume {
class Bookmarks;
}

namespace hearth::cds {

inline constexpr const char* kServiceType = "urn:schemas-upnp-org:service:ContentDirectory:1";

class ContentDirectory {
  public:
    /// bookmarks: where devices stopped playing (X_SetBookmark writes them, Browse shows them); may be null.
    explicit ContentDirectory(db::ReaderPool& readers, resume::Bookmarks* bookmarks = nullptr);
    const upnp::ActionTable& actions() const { return actions_; }

  private:
    upnp::OutArgs browse(const upnp::ActionCall& call, const upnp::RequestContext& ctx);
    upnp::OutArgs search(const upnp::ActionCall& call, const upnp::RequestContext& ctx);
    upnp::OutArgs set_bookmark(const upnp::ActionCall& call, const upnp::RequestContext& ctx);
    /// Fills what DIDL shows of a listed object beyond its row: subtitles, the device's bookmark.
    void complete(db::ObjectReader& reader, db::ObjectRow& object, const upnp::RequestContext& ctx);

    db::ReaderPool& readers_;
    resume::Bookmarks* bookmarks_;
    upnp::ActionTable actions_;
};

} // namespace hearth::cds
