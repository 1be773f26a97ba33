// HTTP requests: the household boundary for each request (serve/boundary.hpp), then routing to serve/
// (media, art, subtitles, device actions), UPnP control and eventing, the descriptions and the status page.
// Everything here runs on libmicrohttpd's connection threads.
#include "app/state.hpp"
#include "hearth/app/app.hpp"
#include "hearth/status/status_json.hpp"
#include "hearth/util/resources.hpp"

namespace hearth {
namespace {

http::Response xml(std::string body) {
    return http::Response::text(200, std::move(body), "text/xml; charset=\"utf-8\"");
}

std::string content_type_for(std::string_view path) {
    if (path.ends_with(".png")) return "image/png";
    if (path.ends_with(".jpg")) return "image/jpeg";
    return "text/xml; charset=\"utf-8\"";
}

// /scpd/<file> and /icons/<file>: the embedded descriptors.
http::Response descriptor(const std::string& path) {
    auto file =
        path.starts_with("/scpd/") ? "descriptors/" + path.substr(6) : "descriptors/" + path.substr(1);
    auto data = resources::find(file);
    if (!data || file.find("..") != std::string::npos) return http::Response::text(404, "Not found\n");
    return http::Response::text(200, std::string(*data), content_type_for(path));
}

} // namespace

http::Response App::handle(const http::Request& request) {
    const auto live = state_->live();
    serve::Visitor visitor;
    if (auto refusal = state_->boundary.refuse(request, live->policy, visitor)) return std::move(*refusal);
    const serve::Settings settings{live->policy, live->profiles, live->config.max_transcodes};
    if (auto served = state_->requests.handle(request, settings, visitor)) return std::move(*served);
    const auto& path = request.path;
    if (path.starts_with("/control/"))
        return handle_control(request, *live, visitor.restricted, visitor.device_id);
    if (path.starts_with("/event/")) return state_->eventing.handle(request);
    if (request.method != "GET" && request.method != "HEAD") {
        return http::Response::text(405, "Method not allowed\n").header("Allow", "GET, HEAD");
    }
    if (path == "/description.xml") return xml(live->description);
    if (path.starts_with("/scpd/") || path.starts_with("/icons/")) return descriptor(path);
    if (auto page = status_answer(request, *live, visitor.restricted, visitor.can_manage))
        return std::move(*page);
    return http::Response::text(404, "Not found\n");
}

http::Response App::handle_control(const http::Request& request, const Live& live, bool restricted,
                                   std::int64_t device_id) {
    if (request.method != "POST")
        return http::Response::text(405, "Method not allowed\n").header("Allow", "POST");
    const upnp::ActionTable* table = nullptr;
    const char* type = nullptr;
    if (request.path == "/control/ContentDirectory") {
        table = &state_->content_directory.actions();
        type = cds::kServiceType;
    } else if (request.path == "/control/ConnectionManager") {
        table = &state_->connection_manager.actions();
        type = cms::kServiceType;
    } else if (request.path == "/control/X_MS_MediaReceiverRegistrar") {
        table = &state_->registrar.actions();
        type = cms::kRegistrarServiceType;
    } else {
        return http::Response::text(404, "Not found\n");
    }
    upnp::RequestContext ctx{
        "http://" + net::to_string(request.local.sin_addr) + ":" + std::to_string(config_.port), restricted,
        &serve::renderer_of(request, live.profiles, state_->descriptions), device_id};
    auto outcome = table->invoke(type, request.body, ctx);
    auto r =
        http::Response::text(outcome.http_status, std::move(outcome.body), "text/xml; charset=\"utf-8\"");
    r.header("EXT", "");
    return r;
}

std::optional<http::Response> App::status_answer(const http::Request& request, const Live& live,
                                                 bool restricted, bool can_manage) {
    if (request.path == "/status.json") {
        return http::Response::text(200, status::status_json(snapshot(live, can_manage)), "application/json")
            .header("Cache-Control", "no-store");
    }
    if (request.path != "/") return std::nullopt;
    if (restricted) {
        return http::Response::text(200,
                                    "<!doctype html><meta charset=utf-8><p>This device is waiting for the "
                                    "owner's approval.</p>",
                                    "text/html; charset=utf-8");
    }
    return http::Response::text(200, live.status_page, "text/html; charset=utf-8")
        .header("Cache-Control", "no-store")
        .header("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline' 'self'; "
                                           "style-src 'unsafe-inline'; frame-ancestors 'none'")
        .header("X-Frame-Options", "DENY");
}

status::Snapshot App::snapshot(const Live& live, bool can_manage) {
    status::Snapshot snap{live.config.friendly_name,
                          state_->refusals,
                          state_->devices.snapshot(),
                          state_->streams.active(),
                          {},
                          {}};
    {
        auto reader = state_->readers.acquire();
        snap.library = reader->library_counts();
    }
    const auto& p = state_->scan_progress;
    static const char* kPhases[] = {"idle", "walking", "probing", "finished"};
    snap.scan = {kPhases[p.phase.load() & 3], p.folders.load(), p.to_probe.load(), p.probed.load(),
                 p.seconds.load()};
    const auto& c = state_->ssdp_counters;
    snap.ssdp = {c.answered.load(), c.ignored.load(), c.malformed.load()};
    snap.uptime_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - state_->started)
            .count();
    snap.approval_required = live.config.require_approval;
    snap.can_manage = can_manage;
    return snap;
}

} // namespace hearth
