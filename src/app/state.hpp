#pragma once
// App's internals, shared by app.cpp (lifecycle, reload) and routes.cpp (HTTP requests). Not a public header.
//
// Threads: the main thread builds State and replaces `live` on SIGHUP; HTTP connection threads, the SSDP
// thread and the eventing thread read `live` (a shared_ptr taken under a mutex, so a request sees one
// consistent version); everything else in State is either immutable after start or synchronises itself.
#include "hearth/app/app.hpp"
#include "hearth/cds/content_directory.hpp"
#include "hearth/cms/connection_manager.hpp"
#include "hearth/cms/media_receiver_registrar.hpp"
#include "hearth/config/config.hpp"
#include "hearth/db/objects.hpp"
#include "hearth/devices/registry.hpp"
#include "hearth/devices/streams.hpp"
#include "hearth/library/scanner.hpp"
#include "hearth/media/thumbnail_cache.hpp"
#include "hearth/net/lan_policy.hpp"
#include "hearth/net/refusals.hpp"
#include "hearth/renderers/descriptions.hpp"
#include "hearth/renderers/profile.hpp"
#include "hearth/resume/bookmarks.hpp"
#include "hearth/serve/admission.hpp"
#include "hearth/serve/boundary.hpp"
#include "hearth/serve/requests.hpp"
#include "hearth/ssdp/server.hpp"
#include "hearth/upnp/gena.hpp"
#include "hearth/util/random.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace hearth {

/// What a SIGHUP may change, rebuilt as a whole and swapped in at once.
struct Live {
    Config config;
    net::LanPolicy policy;
    std::string description;                  ///< the device description XML
    std::string status_page;                  ///< the status page HTML, with the action token
    std::vector<renderers::Profile> profiles; ///< built-in rows with the owner's files applied
};

/// Where thumbnails are kept: "thumbnails" beside the database; empty (keep none) when that would be inside a
/// media folder, which Hearth never writes to.
std::filesystem::path thumbnail_dir(const Config& config);

struct DeviceIdentity {
    std::string uuid;
    long boot_id;
};

struct App::State {
    State(const Config& config, DeviceIdentity id)
        : identity(std::move(id)), readers(config.db_path), action_token(util::random_token()),
          devices(config.db_path, config.require_approval ? devices::Mode::approved : devices::Mode::open),
          streams({config.max_streams, config.max_streams_per_device, config.one_stream_per_title}),
          thumbnails(thumbnail_dir(config)), bookmarks(config.db_path) {}

    std::shared_ptr<const Live> live() const {
        std::lock_guard lock(live_mutex_);
        return live_;
    }
    void set_live(std::shared_ptr<const Live> next) {
        std::lock_guard lock(live_mutex_);
        live_.swap(next); // the old one is released outside the lock, when `next` goes
    }

    const DeviceIdentity identity;
    db::ReaderPool readers;
    /// Proves that a device action comes from our own status page: it is embedded there, and cross-site pages
    /// can neither read it nor send custom headers without a CORS preflight we never grant.
    const std::string action_token;
    net::Refusals refusals;
    devices::Registry devices;
    devices::Streams streams;
    media::ThumbnailCache thumbnails;
    resume::Bookmarks bookmarks;
    cds::ContentDirectory content_directory{readers, &bookmarks};
    cms::ConnectionManager connection_manager{readers};
    cms::MediaReceiverRegistrar registrar;
    upnp::Eventing eventing;
    renderers::Descriptions descriptions;
    library::ScanProgress scan_progress;
    ssdp::Counters ssdp_counters;
    std::atomic<bool> stop_scan{false};
    serve::Boundary boundary{devices, refusals, descriptions};
    serve::Admission admission{streams, devices, refusals};
    serve::Requests requests{
        {readers, thumbnails, bookmarks, descriptions, devices, admission, action_token}};
    const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  private:
    // A mutex, not std::atomic<std::shared_ptr>: libstdc++ 12 guards that with a lock bit that
    // ThreadSanitizer cannot see, so every SIGHUP during a request was reported as a race. The lock is held
    // for a copy.
    mutable std::mutex live_mutex_;
    std::shared_ptr<const Live> live_; // guarded by live_mutex_
};

} // namespace hearth
