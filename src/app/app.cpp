// The composition root's lifecycle: build every subsystem, start them in dependency order, reload on SIGHUP,
// stop in reverse on SIGINT/SIGTERM. Runs on the main thread; the live library loop has a thread of its own.
#include "hearth/app/app.hpp"

#include "app/state.hpp"
#include "hearth/cds/object_ids.hpp"
#include "hearth/daemon/notify.hpp"
#include "hearth/daemon/watchdog.hpp"
#include "hearth/db/migrations.hpp"
#include "hearth/library/live.hpp"
#include "hearth/library/progress_bar.hpp"
#include "hearth/media/probe.hpp"
#include "hearth/ssdp/server.hpp"
#include "hearth/upnp/description.hpp"
#include "hearth/util/log.hpp"
#include "hearth/util/random.hpp"
#include "hearth/util/resources.hpp"
#include "hearth/util/strings.hpp"

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <fcntl.h>
#include <iostream>
#include <mutex>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace hearth {

fs::path thumbnail_dir(const Config& config) {
    auto dir = config.db_path.parent_path() / "thumbnails";
    if (media::is_inside_any(dir, config.media_dirs)) {
        log::warning("the database is inside a media folder, so thumbnails are made for each request and not "
                     "kept (Hearth writes nothing under media folders); move it with --db");
        return {};
    }
    return dir;
}

namespace {

// The UDN is made once and kept in the database: TVs remember servers by it.
DeviceIdentity store_identity(const fs::path& db_path) {
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
        uuid = util::random_uuid();
        put("device_uuid", *uuid);
    }
    auto previous_boot = get("boot_id");
    long boot_id =
        previous_boot ? static_cast<long>(parse_uint(*previous_boot).value_or(0) % 0x7FFFFFFF) + 1 : 1;
    put("boot_id", std::to_string(boot_id));
    tx.commit();
    return {*uuid, boot_id};
}

// A full disk must not keep Hearth from serving what is indexed: the identity is then read as it is, and this
// boot's BOOTID.UPNP.ORG is not saved (the next boot may repeat it, which only makes TVs re-read
// descriptions).
DeviceIdentity load_identity(const fs::path& db_path) {
    try {
        return store_identity(db_path);
    } catch (const db::DiskFull& e) {
        log::warning("the disk holding the index is full (", e.what(), "): starting read-only");
    }
    db::Database db(db_path, db::OpenMode::read_only);
    auto get = db.prepare("SELECT key, value FROM settings WHERE key IN ('device_uuid', 'boot_id')");
    DeviceIdentity id{"", 1};
    while (get.step()) {
        if (get.text(0) == "device_uuid") id.uuid = get.text(1);
        if (get.text(0) == "boot_id")
            id.boot_id = static_cast<long>(parse_uint(get.text(1)).value_or(0) % 0x7FFFFFFF) + 1;
    }
    if (id.uuid.empty()) throw db::Error("no device identity yet, and no space to store one");
    return id;
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

std::vector<std::string> host_names(const Config& config) {
    auto names = config.host_names;
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') {
        names.emplace_back(host);
        names.push_back(std::string(host) + ".local");
    }
    return names;
}

void warn_about_public_ranges(const Config& config) {
    for (const auto& range : config.allow) {
        if (!net::is_private_range(range)) {
            log::warning(
                "--allow ", range.text(), "/", range.prefix_length,
                " includes public internet addresses: anyone there may browse and stream this library");
        }
    }
}

unsigned probe_threads() {
    return std::max(1U, std::thread::hardware_concurrency());
}

int terminal_columns() {
    winsize ws{};
    return ::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 ? ws.ws_col : 80;
}

} // namespace

// What start() starts and stop() stops, in the order they start (members are destroyed in reverse).
struct App::Running {
    std::unique_ptr<http::Server> http;
    // The watchdog thread asks the SSDP server for its health while a SIGHUP may replace it (a new name):
    // both hold this lock (found by ThreadSanitizer: the watchdog read a Server being destroyed).
    std::mutex ssdp_mutex;
    std::unique_ptr<ssdp::Server> ssdp; // guarded by ssdp_mutex once the watchdog runs
    std::unique_ptr<daemon::Watchdog> watchdog;
    std::unique_ptr<library::LiveLibrary> library;
};

App::App(Config config, std::vector<net::Interface> interfaces, Reparse reparse)
    : config_(std::move(config)), interfaces_(std::move(interfaces)), reparse_(std::move(reparse)) {}

App::~App() = default;

int App::scan_only(const Config& config) {
    ensure_parent_dir(config.db_path);
    media::quiet_libav();
    std::atomic<bool> stop{false};
    library::ScanProgress progress;
    library::Scanner scanner(config.db_path, config.media_dirs, probe_threads());
    // On a terminal, a progress bar; elsewhere the scanner's periodic log lines say the same.
    const bool terminal = ::isatty(STDERR_FILENO) == 1;
    std::atomic<bool> done{false};
    std::thread bar([&] {
        while (terminal && !done.load()) {
            auto line = progress_bar(progress, terminal_columns());
            ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
            (void)ignored;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    });
    auto summary = scanner.run(stop, &progress);
    done = true;
    bar.join();
    if (terminal) std::cerr << "\r\033[K";
    std::cout << summary.line() << std::endl;
    return 0;
}

std::shared_ptr<const Live> App::make_live(const Config& config) const {
    upnp::DeviceInfo info{config.friendly_name, state_->identity.uuid,
                          upnp::config_id_for(config.friendly_name)};
    return std::make_shared<const Live>(
        Live{config, net::LanPolicy(interfaces_, config.allow, host_names(config)),
             upnp::device_description(info), status_page(config.friendly_name, state_->action_token),
             renderers::load_profiles(config.profiles_dir)});
}

std::unique_ptr<ssdp::Server> App::start_ssdp(const Config& config) {
    ssdp::Identity id{state_->identity.uuid,
                      "urn:schemas-upnp-org:device:MediaServer:1",
                      {cds::kServiceType, cms::kServiceType, cms::kRegistrarServiceType},
                      server_header(),
                      state_->identity.boot_id,
                      upnp::config_id_for(config.friendly_name)};
    auto server = std::make_unique<ssdp::Server>(
        id, interfaces_, [this](in_addr from) { return admit(from, "SSDP search"); }, config.port,
        state_->ssdp_counters,
        [this](const ssdp::Notify& n, in_addr from) {
            // Renderers announcing themselves: learn their names and models for profile matching.
            bool ours = n.usn.find(state_->identity.uuid) != std::string::npos;
            if (!ours && n.nts == "ssdp:alive" && n.nt == "upnp:rootdevice" && !n.location.empty()) {
                state_->descriptions.announced(from, n.location);
            }
        });
    server->start();
    return server;
}

void App::scanned(const library::ScanSummary& summary, bool full) {
    if (summary.out_of_space) {
        log::info(full ? "scan" : "live update", " stopped, no space left for the index: ", summary.line());
    } else if (full) {
        log::info("scan finished: ", summary.line());
    } else if (!summary.changed_containers.empty()) {
        log::info("live update: ", summary.line());
    }
    note_index_space(summary.out_of_space, config_.db_path);
    // A pass that changed nothing a renderer sees (a restart on an unchanged library, most of the time)
    // leaves the evented state as it was: no need to read the whole index again for it. Some changes bump
    // SystemUpdateID without a folder's children changing (a cover added beside unchanged music, views
    // rebuilt): subscribers hear of those too.
    const bool changed = !summary.changed_containers.empty();
    if (changed || summary.system_update_id != evented_update_id_) {
        evented_update_id_ = summary.system_update_id;
        std::vector<std::pair<std::string, std::int64_t>> containers;
        // The folder tree's top is "folders" to renderers (the root "0" lists the views).
        for (auto id : summary.changed_containers)
            containers.emplace_back(id == db::kRootId ? std::string(cds::kFoldersId) : std::to_string(id),
                                    summary.system_update_id);
        // Hook: containers that are not folders (virtual views) add their ids to this list.
        state_->eventing.containers_changed("/event/ContentDirectory", containers);
        state_->eventing.state_changed();
    }
    if (summary.out_of_space) {
        daemon::notify_status("Serving read-only: no space left for the index");
        return;
    }
    // A start pass that read only the changed folders and changed nothing leaves the thumbnails to the
    // verification pass after it (a pass killed before its clean-up left some behind).
    const bool read_every_file = full && summary.folders_not_read == 0;
    if (read_every_file || summary.removed > 0 || (full && changed)) remove_stale_thumbnails();
    if (full) daemon::notify_status("Serving; " + std::to_string(summary.files_in_index) + " files indexed");
}

// Thumbnails of items that left the index or lost their picture. Stale versions of an item's thumbnails go
// as soon as its new ones are made (media/thumbnail_cache.cpp).
void App::remove_stale_thumbnails() {
    if (state_->stop_scan.load()) return;
    std::set<std::int64_t> keep;
    {
        auto reader = state_->readers.acquire();
        keep = reader->ids_with_art();
    }
    if (auto removed = state_->thumbnails.remove_except(keep); removed > 0)
        log::info("removed ", removed, " thumbnails of items that no longer have them");
}

// Said once when the disk holding the index fills up and once when space is back, however many scans run
// in between (a full disk is not worth a log line per scan, let alone per file).
void App::note_index_space(bool full, const fs::path& db_path) {
    if (full && !index_full_) {
        log::error("no space left on the disk holding the index (", db_path.parent_path().string(),
                   "): serving what is indexed; new and changed files wait until space is freed");
    } else if (!full && index_full_) {
        log::info("space is back for the index: new and changed files are indexed again");
    }
    index_full_ = full;
}

// SIGHUP: re-read the options and config file and apply what can change without dropping streams.
void App::reload(std::unique_ptr<ssdp::Server>& ssdp) {
    auto parsed = reparse_ ? reparse_() : ParseResult{};
    if (!parsed.config) {
        log::error("reload: keeping the running configuration: ", trim(parsed.output));
        return;
    }
    const Config& next = *parsed.config;
    const auto previous = state_->live();
    const Config& now = previous->config;
    // The thumbnail cache was set up at start outside every media folder; a new media folder around the
    // state folder would have Hearth write under it (and index its own thumbnails).
    const auto thumbnails = now.db_path.parent_path() / "thumbnails";
    if (media::is_inside_any(thumbnails, next.media_dirs) &&
        !media::is_inside_any(thumbnails, now.media_dirs)) {
        log::error(
            "reload: keeping the running configuration: a new media folder holds Hearth's state folder ",
            now.db_path.parent_path().string(), ", and Hearth writes nothing under media folders");
        return;
    }
    if (next.port != now.port || next.db_path != now.db_path || next.interfaces != now.interfaces) {
        log::warning("reload: --port, --db and --interface take effect only after a restart");
    }
    Config applied = next;
    applied.port = now.port;
    applied.db_path = now.db_path;
    applied.interfaces = now.interfaces;
    log::set_level(applied.log_level);
    warn_about_public_ranges(applied);
    state_->streams.set_limits(
        {applied.max_streams, applied.max_streams_per_device, applied.one_stream_per_title});
    state_->devices.set_mode(applied.require_approval ? devices::Mode::approved : devices::Mode::open);
    state_->set_live(make_live(applied));
    if (applied.friendly_name != now.friendly_name) {
        ssdp.reset(); // byebye under the old description, then announce the new one
        ssdp = start_ssdp(applied);
    }
    scan_requested_ = true;
    log::info("reload: configuration applied; rescanning ", applied.media_dirs.size(), " media folders");
}

bool App::admit(in_addr client, std::string_view what) {
    return state_->boundary.admit_connection(state_->live()->policy, client, what);
}

int App::run() {
    start();
    stop(serve());
    return 0;
}

// Warnings about the configuration that do not stop Hearth from serving.
void App::warn_at_start() const {
    warn_about_public_ranges(config_);
    if (config_.media_by_default) {
        std::string folders;
        for (const auto& d : config_.media_dirs)
            folders += (folders.empty() ? "" : ", ") + d.string();
        log::warning("no media folder was set, so Hearth shares ", folders,
                     "; name yours with 'media = FOLDER' in /etc/hearth/hearth.conf or --media");
    }
    for (const auto& dir : config_.media_dirs) {
        if (std::error_code ec; !fs::is_directory(dir, ec))
            log::warning("media folder ", dir.string(),
                         " is not there now (a disk not mounted yet?): it is "
                         "shared once it is");
    }
}

void App::add_evented_services() {
    state_->eventing.add_service(
        "/event/ContentDirectory",
        [this] {
            auto reader = state_->readers.acquire();
            return std::vector<std::pair<std::string, std::string>>{
                {"SystemUpdateID", std::to_string(reader->system_update_id())}};
        },
        true);
    state_->eventing.add_service("/event/ConnectionManager", [this] {
        return std::vector<std::pair<std::string, std::string>>{
            {"SourceProtocolInfo", state_->connection_manager.source_protocol_info()},
            {"SinkProtocolInfo", ""},
            {"CurrentConnectionIDs", "0"}};
    });
    state_->eventing.add_service("/event/X_MS_MediaReceiverRegistrar",
                                 [] { return cms::MediaReceiverRegistrar::evented_state(); });
}

// In dependency order: the index and the device registry, eventing, HTTP, SSDP (which announces the HTTP
// port), systemd's readiness, the watchdog, then the live library.
void App::start() {
    ensure_parent_dir(config_.db_path);
    media::quiet_libav();
    state_ = std::make_unique<State>(config_, load_identity(config_.db_path));
    state_->set_live(make_live(config_));
    warn_at_start();
    state_->devices.start();
    state_->descriptions.start();
    add_evented_services();
    state_->eventing.start();
    state_->bookmarks.start();

    running_ = std::make_unique<Running>();
    auto& run = *running_;
    run.http = std::make_unique<http::Server>(
        config_.port, [this](const http::Request& r) { return handle(r); },
        [this](const sockaddr_in& client) { return admit(client.sin_addr, "connection"); });
    run.http->start();
    run.ssdp = start_ssdp(config_);
    for (const auto& i : interfaces_) {
        log::info("serving on ", i.name, " at http://", i.ipv4.front().text(), ":", config_.port, "/");
    }
    daemon::notify_ready();
    run.watchdog = std::make_unique<daemon::Watchdog>(config_.port, [&run] {
        std::lock_guard lock(run.ssdp_mutex);
        return run.ssdp->healthy();
    });
    run.watchdog->start();
    library::LiveOptions live_options;
    live_options.rescan_interval = std::chrono::seconds(config_.rescan_interval_s);
    live_options.verify_delay = std::chrono::seconds(config_.verify_delay_s);
    if (config_.watch_limit) live_options.watch_limit = *config_.watch_limit;
    daemon::notify_status("Scanning the media folders");
    run.library = std::make_unique<library::LiveLibrary>(
        config_.db_path, [this] { return state_->live()->config.media_dirs; }, probe_threads(), live_options,
        state_->scan_progress, state_->stop_scan,
        [this](const library::ScanSummary& summary, bool full) { scanned(summary, full); });
    run.library->start();
}

int App::serve() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    int sig = 0;
    while (sigwait(&signals, &sig) == 0 && sig == SIGHUP) {
        daemon::notify_reloading();
        {
            std::lock_guard lock(running_->ssdp_mutex);
            reload(running_->ssdp);
        }
        if (scan_requested_) running_->library->request_full_scan();
        scan_requested_ = false;
        daemon::notify_ready();
    }
    return sig;
}

// In reverse: SSDP's byebye first, so that TVs drop us before the HTTP port closes.
void App::stop(int signal) {
    log::info("stopping (", signal == SIGINT ? "SIGINT" : "SIGTERM", ")");
    daemon::notify_stopping();
    auto& run = *running_;
    run.watchdog->stop();
    state_->stop_scan.store(true);
    run.ssdp.reset();
    run.http->stop();
    run.library->stop();
    state_->eventing.stop();
    state_->devices.stop();
    state_->descriptions.stop();
    state_->bookmarks.stop();
}

} // namespace hearth
