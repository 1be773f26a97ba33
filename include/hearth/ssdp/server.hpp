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

class Server {
  public:
    /// may_answer decides whether a search from this address is answered (called on the SSDP thread).
    using Admission = std::function<bool(in_addr)>;
    /// Called on the SSDP thread for each admitted NOTIFY from another device.
    using NotifyListener = std::function<void(const Notify&, in_addr from)>;
    Server(Identity identity, std::vector<net::Interface> interfaces, Admission may_answer,
           std::uint16_t http_port, NotifyListener on_notify = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Opens the sockets (throws std::runtime_error with the reason) and starts announcing.
    void start();
    /// Sends ssdp:byebye on every interface and stops the thread.
    void stop();

    /// Whether the SSDP thread went round its loop recently (for the watchdog). Any thread.
    bool healthy() const;

    std::uint64_t searches_answered() const { return answered_.load(); }
    std::uint64_t datagrams_ignored() const { return ignored_.load(); }

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::thread thread_;
    std::atomic<std::uint64_t> answered_{0};
    std::atomic<std::uint64_t> ignored_{0};
    std::atomic<std::int64_t> heartbeat_ms_{0}; // steady-clock milliseconds of the last loop round
};

} // namespace hearth::ssdp
