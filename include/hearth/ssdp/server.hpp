#pragma once
// The SSDP advertiser and search responder. Runs its own thread (start/stop from the main thread only).
#include "hearth/net/interfaces.hpp"
#include "hearth/ssdp/messages.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace hearth::ssdp {

/// What the SSDP thread counted, kept outside the Server so that the counts survive its restart on a SIGHUP
/// that renames the device. Written by the SSDP thread, read by any thread.
struct Counters {
    std::atomic<std::uint64_t> answered{0};  ///< searches answered
    std::atomic<std::uint64_t> ignored{0};   ///< datagrams not answered, whatever the reason (malformed too)
    std::atomic<std::uint64_t> malformed{0}; ///< datagrams that are neither a well-formed M-SEARCH nor NOTIFY
};

class Server {
  public:
    /// may_answer decides whether a search from this address is answered (called on the SSDP thread).
    using Admission = std::function<bool(in_addr)>;
    /// Called on the SSDP thread for each admitted NOTIFY from another device.
    using NotifyListener = std::function<void(const Notify&, in_addr from)>;
    Server(Identity identity, std::vector<net::Interface> interfaces, Admission may_answer,
           std::uint16_t http_port, Counters& counters, NotifyListener on_notify = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Opens the sockets (throws std::runtime_error with the reason) and starts announcing.
    void start();
    /// Sends ssdp:byebye on every interface and stops the thread.
    void stop();

    /// Whether the SSDP thread went round its loop recently (for the watchdog). Any thread.
    bool healthy() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::thread thread_;
    Counters& counters_;
    std::atomic<std::int64_t> heartbeat_ms_{0}; // steady-clock milliseconds of the last loop round
};

} // namespace hearth::ssdp
