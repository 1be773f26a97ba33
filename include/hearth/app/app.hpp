#pragma once
// The composition root: owns every subsystem, starts them in dependency order and stops them in reverse.
// Request handling is serve/'s; App routes each request there (or to GENA's subscriptions).
// Threads: run() on the main thread; HTTP connection threads call handle(); the scanner and SSDP have
// their own.
#include "hearth/config/config.hpp"
#include "hearth/db/objects.hpp"
#include "hearth/http/server.hpp"
#include "hearth/net/interfaces.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
    struct Running;
    // Lifecycle, main thread only: run() is start(), serve() until SIGINT/SIGTERM, stop().
    void start();
    /// Reloads on SIGHUP; returns the signal that ended serving.
    int serve();
    void stop(int signal);
    void warn_at_start() const;
    void add_evented_services();
    /// The household boundary at accept time (HTTP) or receipt (SSDP). Any thread.
    bool admit(in_addr client, std::string_view what);

    /// The short router: the boundary, then serve/'s handlers (media, art, subtitles, device actions, UPnP
    /// control, the descriptions, the status page) or GENA's subscriptions. HTTP connection threads.
    http::Response handle(const http::Request& request);

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

    const Config config_; ///< as started; what SIGHUP changes lives in State::live()
    const std::vector<net::Interface> interfaces_;
    const Reparse reparse_;
    bool scan_requested_ = false;
    std::int64_t evented_update_id_ = -1; ///< the SystemUpdateID GENA was last told of (scanned() only)
    bool index_full_ = false;             ///< the last pass ran out of disk space (live loop thread only)
    std::unique_ptr<State> state_;
    std::unique_ptr<Running> running_; ///< the servers and threads start() starts; gone before state_
};

} // namespace hearth
