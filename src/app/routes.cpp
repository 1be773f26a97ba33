// HTTP requests: the household boundary for each request, then routing to UPnP, media and the status page.
// Everything here runs on libmicrohttpd's connection threads (admit_connection also on its listening thread
// and on the SSDP thread).
#include "app/state.hpp"
#include "hearth/app/app.hpp"
#include "hearth/cds/didl.hpp"
#include "hearth/http/media.hpp"
#include "hearth/http/time_seek.hpp"
#include "hearth/library/subtitles.hpp"
#include "hearth/media/image_scale.hpp"
#include "hearth/renderers/profile.hpp"
#include "hearth/status/status_json.hpp"
#include "hearth/transcode/job.hpp"
#include "hearth/util/log.hpp"
#include "hearth/util/resources.hpp"
#include "hearth/util/strings.hpp"

#include <fstream>

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

} // namespace

http::Response App::handle_control(const http::Request& request, const Live& live, const Visitor& visitor) {
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
    upnp::RequestContext ctx{"http://" + net::to_string(request.local.sin_addr) + ":" +
                                 std::to_string(config_.port),
                             visitor.restricted, &renderer_of(request, live), visitor.device_id};
    auto outcome = table->invoke(type, request.body, ctx);
    auto r =
        http::Response::text(outcome.http_status, std::move(outcome.body), "text/xml; charset=\"utf-8\"");
    r.header("EXT", "");
    return r;
}

std::optional<http::Response> App::refuse_device(const http::Request& request, const Live& live,
                                                 Visitor& visitor) {
    visitor = {};
    const in_addr client = request.client.sin_addr;
    if (!live.policy.host_is_ours(request.header("Host"))) {
        state_->refusals.record(net::Refusal::bad_host, client, request.method + " " + request.path);
        return http::Response::text(403, "Forbidden: this server is not reached by that name\n");
    }
    if (live.policy.is_host(client)) { // the owner's own machine
        visitor.can_manage = true;
        return std::nullopt;
    }
    // The name a device gives: in its request headers, else in the UPnP description it announced.
    auto name = devices::name_from_headers(request.header("FriendlyName.DLNA.ORG"),
                                           request.header("X-AV-Client-Info"));
    if (!name) {
        if (auto description = state_->descriptions.get(client);
            description && !description->friendly_name.empty()) {
            name = description->friendly_name;
        }
    }
    auto device = state_->devices.seen(client, request.header("User-Agent"), std::move(name));
    if (device.status == devices::Status::blocked) {
        state_->refusals.record(net::Refusal::blocked, client, request.method + " " + request.path);
        http::Response drop;
        drop.drop_connection = true;
        return drop;
    }
    visitor.device_id = device.id;
    visitor.restricted = !state_->devices.may_browse(device.status);
    visitor.can_manage = device.status == devices::Status::approved;
    if (visitor.restricted && (request.path.starts_with("/media/") || request.path.starts_with("/devices/") ||
                               request.path == "/status.json")) {
        state_->refusals.record(net::Refusal::pending, client, request.method + " " + request.path);
        return http::Response::text(403, "This device is waiting for the owner's approval\n");
    }
    return std::nullopt;
}

std::variant<std::shared_ptr<void>, http::Response>
App::admit_stream(const http::Request& request, const db::ObjectRow& object, std::string how,
                  std::shared_ptr<std::atomic<double>> position) {
    const in_addr client = request.client.sin_addr;
    devices::ActiveStream wanted;
    wanted.device_id = -1;
    wanted.device_label = "this computer";
    wanted.address = net::to_string(client);
    wanted.object_id = object.id;
    wanted.title = object.title;
    wanted.connections = 0;
    wanted.how = std::move(how);
    wanted.duration_s = object.duration_ms ? static_cast<double>(*object.duration_ms) / 1000 : 0;
    wanted.bitrate = wanted.how == "direct" ? object.bitrate.value_or(0) : 0;
    wanted.position = std::move(position);
    if (!state_->live()->policy.is_host(client)) {
        auto device = state_->devices.seen(client, request.header("User-Agent"), std::nullopt);
        wanted.device_id = device.id;
        wanted.device_label = device.label;
    }
    auto started = state_->streams.start(wanted);
    if (auto* lease = std::get_if<devices::Streams::Lease>(&started)) return std::move(*lease);
    auto reason = std::get<net::Refusal>(started);
    state_->refusals.record(reason, client, "stream of '" + object.title + "' to " + wanted.device_label);
    return http::Response::text(503, "Too many streams; try again later\n").header("Retry-After", "30");
}

http::Response App::handle(const http::Request& request) {
    const auto live = state_->live();
    Visitor visitor;
    if (auto refusal = refuse_device(request, *live, visitor)) return std::move(*refusal);
    const auto& path = request.path;
    if (auto converted = http::converted_object_id(path))
        return serve_converted(request, *live, *converted, visitor.device_id);
    if (auto image = http::scaled_image_object_id(path)) return serve_scaled_image(request, *live, *image);
    if (path.starts_with("/media/")) {
        return http::serve_media(
            request, state_->readers,
            [&](const db::ObjectRow& o, double start) {
                return admit_stream(request, o, "direct", std::make_shared<std::atomic<double>>(start));
            },
            playback_report(visitor.device_id));
    }
    if (path.starts_with("/control/")) return handle_control(request, *live, visitor);
    if (path.starts_with("/devices/")) return device_action(request, visitor);
    if (path.starts_with("/event/")) return state_->eventing.handle(request);
    if (request.method != "GET" && request.method != "HEAD") {
        return http::Response::text(405, "Method not allowed\n").header("Allow", "GET, HEAD");
    }
    if (path == "/description.xml") return xml(live->description);
    if (path.starts_with("/scpd/") || path.starts_with("/icons/")) {
        auto file =
            path.starts_with("/scpd/") ? "descriptors/" + path.substr(6) : "descriptors/" + path.substr(1);
        auto data = resources::find(file);
        if (!data || file.find("..") != std::string::npos) return http::Response::text(404, "Not found\n");
        return http::Response::text(200, std::string(*data), content_type_for(path));
    }
    if (path.starts_with("/art/")) return serve_art(request, visitor);
    if (path.starts_with("/subtitle/")) return serve_subtitle(request, visitor);
    if (path == "/status.json") {
        return http::Response::text(200, status::status_json(snapshot(*live, visitor.can_manage)),
                                    "application/json")
            .header("Cache-Control", "no-store");
    }
    if (path == "/") {
        if (visitor.restricted) {
            return http::Response::text(
                200,
                "<!doctype html><meta charset=utf-8><p>This device is waiting for the "
                "owner's approval.</p>",
                "text/html; charset=utf-8");
        }
        return http::Response::text(200, live->status_page, "text/html; charset=utf-8")
            .header("Cache-Control", "no-store")
            .header("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline' 'self'; "
                                               "style-src 'unsafe-inline'; frame-ancestors 'none'")
            .header("X-Frame-Options", "DENY");
    }
    return http::Response::text(404, "Not found\n");
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

// POST /devices/<id>/approve|block from the status page: only the owner's machine or an approved device,
// only with the page's token, and never from another origin.
http::Response App::device_action(const http::Request& request, const Visitor& visitor) {
    if (request.method != "POST")
        return http::Response::text(405, "Method not allowed\n").header("Allow", "POST");
    auto parts = split(std::string_view(request.path).substr(9), '/');
    auto id = parts.size() == 2 ? parse_uint(parts[0]) : std::nullopt;
    if (!id || (parts[1] != "approve" && parts[1] != "block"))
        return http::Response::text(404, "Not found\n");
    auto origin = request.header("Origin");
    bool same_origin = origin.empty() || origin == "http://" + std::string(request.header("Host"));
    if (!visitor.can_manage || !same_origin || request.header("X-Hearth-Token") != state_->action_token) {
        log::warning("refused device change from ", net::to_string(request.client.sin_addr),
                     same_origin ? ": not allowed to manage devices, or no valid token"
                                 : ": cross-site request");
        return http::Response::text(403, "Forbidden\n");
    }
    auto status = parts[1] == "approve" ? devices::Status::approved : devices::Status::blocked;
    if (!state_->devices.set_status(static_cast<std::int64_t>(*id), status))
        return http::Response::text(404, "No such device\n");
    log::info("device ", *id, " ", devices::status_name(status), " from the status page by ",
              net::to_string(request.client.sin_addr));
    return http::Response::text(200, "{\"ok\":true}\n", "application/json");
}

bool App::admit_connection(in_addr client, std::string_view what) {
    if (!state_->live()->policy.allows(client)) {
        state_->refusals.record(net::Refusal::outsider, client, what);
        return false;
    }
    if (state_->devices.is_blocked(client)) {
        state_->refusals.record(net::Refusal::blocked, client, what);
        return false;
    }
    return true;
}

// GET/HEAD /art/<id>[.jpg] (JPEG_TN) and /art/<id>/sm.jpg (JPEG_SM): the item's thumbnail, made on the first
// request and kept in the state folder (media/thumbnail_cache.hpp). Only items whose index row names a
// picture source (objects.art) have one.
http::Response App::serve_art(const http::Request& request, const Visitor& visitor) {
    if (visitor.restricted)
        return http::Response::text(403, "This device is waiting for the owner's approval\n");
    auto wanted = cds::parse_art_path(request.path);
    std::optional<db::ObjectRow> object;
    if (wanted) {
        auto reader = state_->readers.acquire();
        object = reader->get(wanted->id);
    }
    if (!object || object->is_container || !object->art) return http::Response::text(404, "Not found\n");
    auto source = media::art_source(*object->art, object->path);
    if (!source) return http::Response::text(404, "No picture\n");
    // A renderer revalidating what it has gets its 304 from one stat, without the thumbnail being read.
    const auto key = media::ThumbnailCache::key_of(*source);
    if (!key) return http::Response::text(404, "No picture\n");
    const std::string etag = "\"" + *key + "\"";
    std::optional<http::Response> r;
    if (trim(request.header("If-None-Match")) == etag) {
        r = http::Response::text(304, "", "image/jpeg");
    } else {
        auto art = state_->thumbnails.get(object->id, *source, wanted->size);
        if (art.status == media::CachedArt::Status::busy) {
            return http::Response::text(503, "Busy making thumbnails; try again shortly\n")
                .header("Retry-After", "2");
        }
        if (art.status == media::CachedArt::Status::none) return http::Response::text(404, "No picture\n");
        r = http::Response::text(200, std::move(art.jpeg), "image/jpeg");
    }
    return r->header("contentFeatures.dlna.org", media::art_features(wanted->size))
        .header("transferMode.dlna.org", http::transfer_mode(request.header("transferMode.dlna.org"), true))
        .header("Cache-Control", "max-age=3600")
        .header("ETag", etag);
}

// GET /subtitle/<id>.<format>: a sidecar subtitle, by its id (never by path).
http::Response App::serve_subtitle(const http::Request& request, const Visitor& visitor) {
    if (visitor.restricted)
        return http::Response::text(403, "This device is waiting for the owner's approval\n");
    auto name = std::string_view(request.path).substr(10);
    auto id = parse_uint(name.substr(0, name.find('.')));
    std::optional<db::SubtitleRow> sub;
    if (id && *id > 0 && *id <= static_cast<std::uint64_t>(INT64_MAX)) {
        auto reader = state_->readers.acquire();
        sub = reader->subtitle(static_cast<std::int64_t>(*id));
    }
    if (!sub || name != std::to_string(sub->id) + "." + sub->format)
        return http::Response::text(404, "Not found\n");
    std::error_code ec;
    auto size = std::filesystem::file_size(sub->path, ec);
    if (ec || size > (4U << 20)) return http::Response::text(404, "Not found\n");
    std::ifstream in(sub->path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return http::Response::text(200, std::move(text), library::subtitle_mime(sub->format))
        .header("transferMode.dlna.org", "Interactive");
}

const renderers::Profile& App::renderer_of(const http::Request& request, const Live& live) const {
    // Rows may also match what the renderer's own device description says ("Description.modelName").
    const auto description = state_->descriptions.get(request.client.sin_addr);
    return renderers::match(
        live.profiles,
        [&](std::string_view name) -> std::string_view {
            if (name.starts_with("Description.")) {
                return description ? renderers::description_field(*description, name) : std::string_view{};
            }
            return request.header(name);
        },
        net::to_string(request.client.sin_addr));
}

http::PlaybackReport App::playback_report(std::int64_t device_id) {
    return [this, device_id](const db::ObjectRow& object, const resume::Played& played) {
        auto verdict = resume::after_stream(played);
        if (verdict.change == resume::Change::none) return;
        log::debug("'", object.title, "' for device ", device_id, ": played ", played.start, "-", played.end,
                   " s of ", played.duration,
                   verdict.change == resume::Change::set ? ", bookmarked" : ", finished");
        state_->bookmarks.apply(object.id, device_id, verdict);
    };
}

// GET/HEAD /media/<id>/play.ts|mp3: the item converted for the asking renderer, made while it is sent.
http::Response App::serve_converted(const http::Request& request, const Live& live, std::int64_t id,
                                    std::int64_t device_id) {
    if (request.method != "GET" && request.method != "HEAD") {
        return http::Response::text(405, "Method not allowed\n").header("Allow", "GET, HEAD");
    }
    std::optional<db::ObjectRow> object;
    {
        auto reader = state_->readers.acquire();
        object = reader->get(id);
    }
    if (!object || object->is_container) return http::Response::text(404, "Not found\n");
    const auto& profile = renderer_of(request, live);
    auto plan = transcode::decide(db::media_info(*object), profile);
    if (plan.action == transcode::Action::scale_image) return http::Response::text(404, "Not found\n");
    if (plan.action == transcode::Action::direct) { // it plays the original after all: send that
        http::Request original = request;
        original.path = cds::media_path(*object);
        return http::serve_media(
            original, state_->readers,
            [&](const db::ObjectRow& o, double start) {
                return admit_stream(request, o, "direct", std::make_shared<std::atomic<double>>(start));
            },
            playback_report(device_id));
    }
    std::optional<double> duration;
    if (object->duration_ms) duration = static_cast<double>(*object->duration_ms) / 1000;
    http::TimeSeek seek;
    const bool seeking = request.has_header("TimeSeekRange.dlna.org");
    if (seeking) {
        auto parsed = http::parse_time_seek(request.header("TimeSeekRange.dlna.org"));
        if (!parsed) return http::Response::text(400, "Bad TimeSeekRange.dlna.org\n");
        if (duration && parsed->start >= *duration) return http::Response::text(416, "Seek past the end\n");
        seek = *parsed;
    }
    http::Response r;
    r.header("Content-Type", plan.mime);
    r.header("transferMode.dlna.org", http::transfer_mode(request.header("transferMode.dlna.org"), false));
    if (trim(request.header("getcontentFeatures.dlna.org")) == "1") {
        r.header("contentFeatures.dlna.org", cds::converted_features(plan));
    }
    if (seeking) r.header("TimeSeekRange.dlna.org", http::time_seek_answer(seek.start, seek.end, duration));
    if (request.method == "HEAD") {
        r.unknown_length = true;
        return r;
    }

    auto position = std::make_shared<std::atomic<double>>(seek.start);
    auto admitted = admit_stream(request, *object, transcode::action_name(plan.action), position);
    if (auto* refusal = std::get_if<http::Response>(&admitted)) return std::move(*refusal);
    auto slot = take_transcode_slot(live.config.max_transcodes);
    if (!slot) {
        state_->refusals.record(net::Refusal::stream_limit, request.client.sin_addr,
                                "conversion of '" + object->title + "' (--max-transcodes)");
        return http::Response::text(503, "Too many conversions; try again later\n")
            .header("Retry-After", "30");
    }
    transcode::JobRequest job;
    job.input = object->path;
    job.plan = plan;
    job.start_seconds = seek.start;
    job.position = position;
    job.label =
        "'" + object->title + "' for " + profile.name + " (" + transcode::action_name(plan.action) + ")";
    log::info("converting ", job.label);
    r.stream = transcode::Job::start(std::move(job));
    // It reached the natural end when the conversion ran out of input, unless the seek asked for an end.
    r.on_end = [report = playback_report(device_id), row = *object, start = seek.start, to_end = !seek.end,
                duration = duration.value_or(0), position](const http::Delivery& d) {
        report(row, {start, position->load(), duration, d.complete && to_end});
    };
    auto lease = std::get<std::shared_ptr<void>>(std::move(admitted));
    r.keep_alive = std::make_shared<std::pair<std::shared_ptr<void>, std::shared_ptr<void>>>(lease, slot);
    return r;
}

// GET/HEAD /media/<id>/image.jpg: a picture scaled down to what the asking renderer shows.
http::Response App::serve_scaled_image(const http::Request& request, const Live& live, std::int64_t id) {
    if (request.method != "GET" && request.method != "HEAD") {
        return http::Response::text(405, "Method not allowed\n").header("Allow", "GET, HEAD");
    }
    std::optional<db::ObjectRow> object;
    {
        auto reader = state_->readers.acquire();
        object = reader->get(id);
    }
    if (!object || object->is_container) return http::Response::text(404, "Not found\n");
    const auto& profile = renderer_of(request, live);
    auto plan = transcode::decide(db::media_info(*object), profile);
    if (plan.action != transcode::Action::scale_image) { // it shows the original: send that
        http::Request original = request;
        original.path = cds::media_path(*object);
        return http::serve_media(original, state_->readers, [&](const db::ObjectRow& o, double start) {
            return admit_stream(request, o, "direct", std::make_shared<std::atomic<double>>(start));
        });
    }
    auto [width, height] = transcode::image_limit(profile);
    auto jpeg = media::scaled_jpeg(object->path, width, height);
    if (!jpeg) {
        log::warning("cannot scale ", object->path, " for ", profile.name);
        return http::Response::text(500, "Cannot scale this picture\n");
    }
    auto r = http::Response::text(200, std::move(*jpeg), "image/jpeg");
    r.header("transferMode.dlna.org", http::transfer_mode(request.header("transferMode.dlna.org"), true));
    if (trim(request.header("getcontentFeatures.dlna.org")) == "1") {
        r.header("contentFeatures.dlna.org", cds::converted_features(plan));
    }
    return r;
}

std::shared_ptr<void> App::take_transcode_slot(unsigned limit) {
    auto& running = state_->transcodes;
    unsigned now = running.load();
    do {
        if (now >= limit) return nullptr;
    } while (!running.compare_exchange_weak(now, now + 1));
    return std::shared_ptr<void>(static_cast<void*>(&running), [this](void*) { --state_->transcodes; });
}

} // namespace hearth
