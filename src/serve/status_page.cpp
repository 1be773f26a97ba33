#include "hearth/serve/status_page.hpp"

namespace hearth::serve {

status::Snapshot snapshot(const StatusSources& sources, const StatusSettings& settings, bool can_manage) {
    status::Snapshot snap{settings.friendly_name,
                          sources.refusals,
                          sources.devices.snapshot(),
                          sources.streams.active(),
                          {},
                          {}};
    {
        auto reader = sources.readers.acquire();
        snap.library = reader->library_counts();
    }
    const auto& p = sources.scan;
    static const char* kPhases[] = {"idle", "walking", "probing", "finished"};
    snap.scan = {kPhases[p.phase.load() & 3], p.folders.load(), p.to_probe.load(), p.probed.load(),
                 p.seconds.load()};
    const auto& c = sources.ssdp;
    snap.ssdp = {c.answered.load(), c.ignored.load(), c.malformed.load()};
    snap.uptime_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - sources.started)
            .count();
    snap.approval_required = settings.approval_required;
    snap.can_manage = can_manage;
    return snap;
}

std::optional<http::Response> status_answer(const http::Request& request, const StatusSources& sources,
                                            const StatusSettings& settings, const Visitor& visitor) {
    if (request.path == "/status.json") {
        return http::Response::text(200, status::status_json(snapshot(sources, settings, visitor.can_manage)),
                                    "application/json")
            .header("Cache-Control", "no-store");
    }
    if (request.path != "/") return std::nullopt;
    if (visitor.restricted) {
        return http::Response::text(200,
                                    "<!doctype html><meta charset=utf-8><p>This device is waiting for the "
                                    "owner's approval.</p>",
                                    "text/html; charset=utf-8");
    }
    return http::Response::text(200, settings.page, "text/html; charset=utf-8")
        .header("Cache-Control", "no-store")
        .header("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline' 'self'; "
                                           "style-src 'unsafe-inline'; frame-ancestors 'none'")
        .header("X-Frame-Options", "DENY");
}

} // namespace hearth::serve
