#pragma once
// The composition root: owns every subsystem, starts them in dependency order and stops them in reverse.
// Threads: run() on the main thread; HTTP connection threads call handle(); the scanner and SSDP have
// their own.
#include "hearth/config/config.hpp"
#include "hearth/db/objects.hpp"
#include "hearth/http/media.hpp"
#include "hearth/http/server.hpp"
#include "hearth/net/interfaces.hpp"
#include "hearth/status/status_json.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hearth {

namespace ssdp {
class Server;
}
namespace renderers {
struct Profile;
}
namespace library {
struct ScanSummary;
}
struct Live;

class App {
  public:
    /// Reads the options and config file again (for SIGHUP).
    using Reparse = std::function<ParseResult()>;

    App(Config config, std::vector<net::Interface> interfaces, Reparse reparse = {});
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    /// Serves until SIGINT or SIGTERM (which the caller has blocked in every thread). Returns the exit
    /// status.
    int run();

    /// Indexes once, prints the summary line to stdout, returns the exit status.
    static int scan_only(const Config& config);

  private:
    struct State;
    http::Response handle(const http::Request& request);
    /// The household boundary at accept time (HTTP) or receipt (SSDP). Any thread.
    bool admit_connection(in_addr client, std::string_view what);
    /// What the boundary decided about the client of one request.
    struct Visitor {
        bool restricted = false; ///< waiting for approval: sees only a note
        bool can_manage = false; ///< may approve and block devices (the host itself or an approved device)
        std::int64_t device_id = -1; ///< in the devices registry; -1 for the host itself
    };
    http::Response handle_control(const http::Request& request, const Live& live, const Visitor& visitor);
    /// The boundary per request: Host check, device record, blocked/pending devices. Connection threads.
    std::optional<http::Response> refuse_device(const http::Request& request, const Live& live,
                                                Visitor& visitor);
    http::Response device_action(const http::Request& request, const Visitor& visitor);
    http::Response serve_art(const http::Request& request, const Visitor& visitor);
    http::Response serve_subtitle(const http::Request& request, const Visitor& visitor);
    status::Snapshot snapshot(const Live& live, bool can_manage);
    http::Response serve_converted(const http::Request& request, const Live& live, std::int64_t id,
                                   std::int64_t device_id);
    /// Turns where a device's stream of an item ended into its resume bookmark. Connection threads.
    http::PlaybackReport playback_report(std::int64_t device_id);
    http::Response serve_scaled_image(const http::Request& request, const Live& live, std::int64_t id);
    const renderers::Profile& renderer_of(const http::Request& request, const Live& live) const;
    /// One of the --max-transcodes slots, held while a conversion runs; nullptr when all are taken.
    std::shared_ptr<void> take_transcode_slot(unsigned limit);

    // Lifecycle, main thread only.
    std::shared_ptr<const Live> make_live(const Config& config) const;
    std::unique_ptr<ssdp::Server> start_ssdp(const Config& config);
    void reload(std::unique_ptr<ssdp::Server>& ssdp);
    /// After each pass of the live loop (full or of changed folders): log, event, tell systemd. On the live
    /// loop's thread.
    void scanned(const library::ScanSummary& summary, bool full);
    /// After a full scan or one that removed files, on the live loop's thread.
    void remove_stale_thumbnails();
    /// Logs when the disk holding the index fills up or has space again; on the live loop's thread.
    void note_index_space(bool full, const std::filesystem::path& db_path);
    /// Stream limits for an audio/video GET. Connection threads.
    std::variant<std::shared_ptr<void>, http::Response>
    admit_stream(const http::Request& request, const db::ObjectRow& object, std::string how,
                 std::shared_ptr<std::atomic<double>> position);

    const Config config_; ///< as started; what SIGHUP changes lives in State::live()
    const std::vector<net::Interface> interfaces_;
    const Reparse reparse_;
    bool scan_requested_ = false;
    std::int64_t evented_update_id_ = -1; ///< the SystemUpdateID GENA was last told of (scanned() only)
    bool index_full_ = false;             ///< the last pass ran out of disk space (live loop thread only)
    std::unique_ptr<State> state_;
};

} // namespace hearth
