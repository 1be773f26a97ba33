#pragma once
// Request handling for what Hearth serves besides UPnP control and eventing: /media/... (files, conversions,
// scaled pictures), /art/..., /subtitle/... and the status page's /devices/ actions. App routes the rest
// (control, events, descriptions, the status page itself). The boundary (boundary.hpp) has already decided
// about the visitor. Runs on HTTP connection threads; safe to call concurrently.
#include "hearth/db/objects.hpp"
#include "hearth/http/server.hpp"
#include "hearth/media/thumbnail_cache.hpp"
#include "hearth/net/lan_policy.hpp"
#include "hearth/renderers/descriptions.hpp"
#include "hearth/renderers/profile.hpp"
#include "hearth/resume/bookmarks.hpp"
#include "hearth/serve/admission.hpp"
#include "hearth/serve/boundary.hpp"
#include "hearth/serve/media.hpp"

#include <optional>
#include <string>
#include <vector>

namespace hearth::serve {

/// The parts of the running server that request handling uses; App owns them.
struct Services {
    db::ReaderPool& readers;
    media::ThumbnailCache& thumbnails;
    resume::Bookmarks& bookmarks;
    const renderers::Descriptions& descriptions;
    devices::Registry& devices;
    Admission& admission;
    /// Proves that a device action comes from our own status page (boundary.hpp, action_allowed).
    std::string action_token;
};

/// What may change on SIGHUP, as one request sees it.
struct Settings {
    const net::LanPolicy& policy;
    const std::vector<renderers::Profile>& profiles;
    unsigned max_transcodes;
};

/// The renderer profile of the asking client: by its headers, or by what its own device description says.
const renderers::Profile& renderer_of(const http::Request& request,
                                      const std::vector<renderers::Profile>& profiles,
                                      const renderers::Descriptions& descriptions);

class Requests {
  public:
    explicit Requests(Services services) : s_(std::move(services)) {}

    /// The answer when the path is one of ours; nullopt for paths App routes.
    std::optional<http::Response> handle(const http::Request& request, const Settings& settings,
                                         const Visitor& visitor);

  private:
    http::Response art(const http::Request& request, const Visitor& visitor);
    http::Response subtitle(const http::Request& request, const Visitor& visitor);
    http::Response converted(const http::Request& request, const Settings& settings, std::int64_t id,
                             std::int64_t device_id);
    http::Response scaled_image(const http::Request& request, const Settings& settings, std::int64_t id);
    /// The original file (/media/<id>), with direct-stream admission; report may be empty.
    http::Response original(const http::Request& request, const Settings& settings, PlaybackReport report);
    /// Turns where a device's stream of an item ended into its resume bookmark.
    PlaybackReport playback_report(std::int64_t device_id);
    std::optional<db::ObjectRow> item(std::int64_t id);

    Services s_;
};

} // namespace hearth::serve
