#include "hearth/app/app.hpp"

#include "hearth/cds/content_directory.hpp"
#include "hearth/cms/connection_manager.hpp"
#include "hearth/daemon/notify.hpp"
#include "hearth/db/migrations.hpp"
#include "hearth/db/objects.hpp"
#include "hearth/devices/registry.hpp"
#include "hearth/devices/streams.hpp"
#include "hearth/http/media.hpp"
#include "hearth/library/scanner.hpp"
#include "hearth/media/probe.hpp"
#include "hearth/net/lan_policy.hpp"
#include "hearth/net/refusals.hpp"
#include "hearth/ssdp/server.hpp"
#include "hearth/status/status_json.hpp"
#include "hearth/upnp/description.hpp"
#include "hearth/upnp/gena.hpp"
#include "hearth/util/log.hpp"
#include "hearth/util/resources.hpp"
#include "hearth/util/strings.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <csignal>
#include <fcntl.h>
#include <iostream>
#include <random>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace hearth {
namespace {

std::string random_uuid() {
    unsigned char b[16];
    int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    bool ok = fd >= 0 && ::read(fd, b, sizeof b) == static_cast<ssize_t>(sizeof b);
    if (fd >= 0) ::close(fd);
    if (!ok) {
        std::random_device rd;
        for (auto& x : b)
            x = static_cast<unsigned char>(rd());
    }
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40); // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80); // RFC 4122 variant
    char out[37];
    std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                  b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    return out;
}

std::string random_token() {
    auto uuid = random_uuid();
    uuid.erase(std::remove(uuid.begin(), uuid.end(), '-'), uuid.end());
    return uuid + random_uuid().substr(0, 8);
}

struct Identity {
    std::string uuid;
    long boot_id;
};

// The UDN is made once and kept in the database: TVs remember servers by it.
Identity load_identity(const fs::path& db_path) {
    db::Database db(db_path, db::OpenMode::read_write_create);
    db::configure_writer(db);
    db::Transaction tx(db);
    auto get = [&](std::string_view key) -> std::optional<std::string> {
        auto s = db.prepare("SELECT value FROM settings WHERE key = ?");
        s.bind(1, key);
        return s.step() ? std::optional<std::string>(s.text(0)) : std::nullopt;
    };
    auto put = [&](std::string_view key, std::string_view value) {
        auto s = db.prepare("INSERT INTO settings(key, value) VALUES(?, ?) "
                            "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        s.bind(1, key).bind(2, value).exec();
    };
    auto uuid = get("device_uuid");
    if (!uuid) {
        uuid = random_uuid();
        put("device_uuid", *uuid);
    }
    auto previous_boot = get("boot_id");
    long boot_id =
        previous_boot ? static_cast<long>(parse_uint(*previous_boot).value_or(0) % 0x7FFFFFFF) + 1 : 1;
    put("boot_id", std::to_string(boot_id));
    tx.commit();
    return {*uuid, boot_id};
}

std::string server_header() {
    utsname u{};
    std::string os = "Linux";
    if (::uname(&u) == 0) os = std::string(u.sysname) + "/" + u.release;
    return os + " UPnP/1.0 DLNADOC/1.50 Hearth/" HEARTH_VERSION;
}

void ensure_parent_dir(const fs::path& file) {
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (ec) throw std::runtime_error("cannot create " + file.parent_path().string() + ": " + ec.message());
}

http::Response xml(std::string body) {
    return http::Response::text(200, std::move(body), "text/xml; charset=\"utf-8\"");
}

std::string status_page(const std::string& name, const std::string& token) {
    std::string html(*resources::find("src/status/status.html"));
    auto put = [&](std::string_view key, const std::string& value) {
        for (auto pos = html.find(key); pos != std::string::npos; pos = html.find(key, pos + value.size())) {
            html.replace(pos, key.size(), value);
        }
    };
    put("@NAME@", xml_escape(name));
    put("@TOKEN@", token);
    return html;
}

std::string content_type_for(std::string_view path) {
    if (path.ends_with(".png")) return "image/png";
    if (path.ends_with(".jpg")) return "image/jpeg";
    return "text/xml; charset=\"utf-8\"";
}

} // namespace

struct App::State {
    State(const Config& config, const std::vector<net::Interface>& interfaces, Identity id, std::string desc)
        : identity(std::move(id)), description(std::move(desc)), readers(config.db_path),
          policy(interfaces, config.allow, host_names(config)),
          devices(config.db_path, config.require_approval ? devices::Mode::approved : devices::Mode::open),
          streams({config.max_streams, config.max_streams_per_device, config.one_stream_per_title}) {}

    static std::vector<std::string> host_names(const Config& config) {
        auto names = config.host_names;
        char host[256] = {};
        if (gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') {
            names.emplace_back(host);
            names.push_back(std::string(host) + ".local");
        }
        return names;
    }

    Identity identity;
    std::string description;
    db::ReaderPool readers;
    net::LanPolicy policy;
    net::Refusals refusals;
    devices::Registry devices;
    devices::Streams streams;
    cds::ContentDirectory content_directory{readers};
    cms::ConnectionManager connection_manager{readers};
    upnp::Eventing eventing;
    library::ScanProgress scan_progress;
    std::atomic<bool> stop_scan{false};
    const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    /// Proves that a device action comes from our own status page (it is embedded there, and cross-site pages
    /// can neither read it nor send custom headers without a CORS preflight we never grant).
    const std::string action_token = random_token();
    std::string status_page;
};

App::App(Config config, std::vector<net::Interface> interfaces)
    : config_(std::move(config)), interfaces_(std::move(interfaces)) {}

App::~App() = default;

int App::scan_only(const Config& config) {
    ensure_parent_dir(config.db_path);
    media::quiet_libav();
    std::atomic<bool> stop{false};
    library::Scanner scanner(config.db_path, config.media_dirs,
                             std::max(1U, std::thread::hardware_concurrency()));
    auto summary = scanner.run(stop);
    std::cout << summary.line() << std::endl;
    return 0;
}

http::Response App::handle_control(const http::Request& request, bool restricted) {
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
    } else {
        return http::Response::text(404, "Not found\n");
    }
    upnp::RequestContext ctx{
        "http://" + net::to_string(request.local.sin_addr) + ":" + std::to_string(config_.port), restricted};
    auto outcome = table->invoke(type, request.body, ctx);
    auto r =
        http::Response::text(outcome.http_status, std::move(outcome.body), "text/xml; charset=\"utf-8\"");
    r.header("EXT", "");
    return r;
}

std::optional<http::Response> App::refuse_device(const http::Request& request, Visitor& visitor) {
    visitor = {};
    const in_addr client = request.client.sin_addr;
    if (!state_->policy.host_is_ours(request.header("Host"))) {
        state_->refusals.record(net::Refusal::bad_host, client, request.method + " " + request.path);
        return http::Response::text(403, "Forbidden: this server is not reached by that name\n");
    }
    if (state_->policy.is_host(client)) { // the owner's own machine
        visitor.can_manage = true;
        return std::nullopt;
    }
    auto device = state_->devices.seen(client, request.header("User-Agent"),
                                       devices::name_from_headers(request.header("FriendlyName.DLNA.ORG"),
                                                                  request.header("X-AV-Client-Info")));
    if (device.status == devices::Status::blocked) {
        state_->refusals.record(net::Refusal::blocked, client, request.method + " " + request.path);
        http::Response drop;
        drop.drop_connection = true;
        return drop;
    }
    visitor.restricted = !state_->devices.may_browse(device.status);
    visitor.can_manage = device.status == devices::Status::approved;
    if (visitor.restricted && (request.path.starts_with("/media/") || request.path.starts_with("/devices/") ||
                               request.path == "/status.json")) {
        state_->refusals.record(net::Refusal::pending, client, "stream");
        return http::Response::text(403, "This device is waiting for the owner's approval\n");
    }
    return std::nullopt;
}

std::variant<std::shared_ptr<void>, http::Response> App::admit_stream(const http::Request& request,
                                                                      const db::ObjectRow& object) {
    const in_addr client = request.client.sin_addr;
    devices::ActiveStream wanted{-1, "this computer", net::to_string(client), object.id, object.title, 0};
    if (!state_->policy.is_host(client)) {
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
    Visitor visitor;
    if (auto refusal = refuse_device(request, visitor)) return std::move(*refusal);
    const auto& path = request.path;
    if (path.starts_with("/media/")) {
        return http::serve_media(request, state_->readers,
                                 [&](const db::ObjectRow& o) { return admit_stream(request, o); });
    }
    if (path.starts_with("/control/")) return handle_control(request, visitor.restricted);
    if (path.starts_with("/devices/")) return device_action(request, visitor);
    if (path.starts_with("/event/")) return state_->eventing.handle(request);
    if (request.method != "GET" && request.method != "HEAD") {
        return http::Response::text(405, "Method not allowed\n").header("Allow", "GET, HEAD");
    }
    if (path == "/description.xml") return xml(state_->description);
    if (path.starts_with("/scpd/") || path.starts_with("/icons/")) {
        auto file =
            path.starts_with("/scpd/") ? "descriptors/" + path.substr(6) : "descriptors/" + path.substr(1);
        auto data = resources::find(file);
        if (!data || file.find("..") != std::string::npos) return http::Response::text(404, "Not found\n");
        return http::Response::text(200, std::string(*data), content_type_for(path));
    }
    if (path == "/status.json") {
        return http::Response::text(200, status::status_json(snapshot(visitor.can_manage)),
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
        return http::Response::text(200, state_->status_page, "text/html; charset=utf-8")
            .header("Cache-Control", "no-store")
            .header("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline' 'self'; "
                                               "style-src 'unsafe-inline'; frame-ancestors 'none'")
            .header("X-Frame-Options", "DENY");
    }
    return http::Response::text(404, "Not found\n");
}

status::Snapshot App::snapshot(bool can_manage) {
    status::Snapshot snap{config_.friendly_name, state_->refusals, state_->devices.snapshot(),
                          state_->streams.active(), {}, {}};
    {
        auto reader = state_->readers.acquire();
        snap.library = reader->library_counts();
    }
    const auto& p = state_->scan_progress;
    static const char* kPhases[] = {"idle", "walking", "probing", "finished"};
    snap.scan = {kPhases[p.phase.load() & 3], p.folders.load(), p.to_probe.load(), p.probed.load(),
                 p.seconds.load()};
    snap.uptime_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - state_->started)
            .count();
    snap.approval_required = config_.require_approval;
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
    if (!state_->policy.allows(client)) {
        state_->refusals.record(net::Refusal::outsider, client, what);
        return false;
    }
    if (state_->devices.is_blocked(client)) {
        state_->refusals.record(net::Refusal::blocked, client, what);
        return false;
    }
    return true;
}

int App::run() {
    ensure_parent_dir(config_.db_path);
    media::quiet_libav();
    auto identity = load_identity(config_.db_path);
    upnp::DeviceInfo info{config_.friendly_name, identity.uuid, upnp::config_id_for(config_.friendly_name)};
    state_ = std::make_unique<State>(config_, interfaces_, identity, upnp::device_description(info));
    for (const auto& range : config_.allow) {
        if (!net::is_private_range(range)) {
            log::warning(
                "--allow ", range.text(), "/", range.prefix_length,
                " includes public internet addresses: anyone there may browse and stream this library");
        }
    }
    state_->status_page = status_page(config_.friendly_name, state_->action_token);
    state_->devices.start();

    state_->eventing.add_service("/event/ContentDirectory", [this] {
        auto reader = state_->readers.acquire();
        return std::vector<std::pair<std::string, std::string>>{
            {"SystemUpdateID", std::to_string(reader->system_update_id())}};
    });
    state_->eventing.add_service("/event/ConnectionManager", [this] {
        return std::vector<std::pair<std::string, std::string>>{
            {"SourceProtocolInfo", state_->connection_manager.source_protocol_info()},
            {"SinkProtocolInfo", ""},
            {"CurrentConnectionIDs", "0"}};
    });
    state_->eventing.start();

    http::Server http(
        config_.port, [this](const http::Request& r) { return handle(r); },
        [this](const sockaddr_in& client) { return admit_connection(client.sin_addr, "connection"); }, 4);
    http.start();

    ssdp::Identity ssdp_id{identity.uuid,
                           "urn:schemas-upnp-org:device:MediaServer:1",
                           {cds::kServiceType, cms::kServiceType},
                           server_header(),
                           identity.boot_id,
                           info.config_id};
    ssdp::Server ssdp(
        ssdp_id, interfaces_, [this](in_addr from) { return admit_connection(from, "SSDP search"); },
        config_.port);
    ssdp.start();
    for (const auto& i : interfaces_) {
        log::info("serving on ", i.name, " at http://", i.ipv4.front().text(), ":", config_.port, "/");
    }
    daemon::notify_ready();

    std::thread scanner_thread([this] {
        library::Scanner scanner(config_.db_path, config_.media_dirs,
                                 std::max(1U, std::thread::hardware_concurrency()));
        daemon::notify_status("Scanning the media folders");
        try {
            auto summary = scanner.run(state_->stop_scan, &state_->scan_progress);
            log::info("scan finished: ", summary.line());
            state_->eventing.state_changed();
            daemon::notify_status("Serving; " + std::to_string(summary.indexed()) + " files indexed");
        } catch (const std::exception& e) {
            log::error("scan failed: ", e.what());
        }
    });

    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    int sig = 0;
    sigwait(&signals, &sig);
    log::info("stopping (", sig == SIGINT ? "SIGINT" : "SIGTERM", ")");
    daemon::notify_stopping();
    state_->stop_scan.store(true);
    ssdp.stop(); // byebye first, so that TVs drop us before the HTTP port closes
    http.stop();
    scanner_thread.join();
    state_->eventing.stop();
    state_->devices.stop();
    return 0;
}

} // namespace hearth
