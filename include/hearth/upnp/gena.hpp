#pragma once
// GENA eventing (UDA 1.1 §4): subscription requests, event bodies, and the subscriber table with its sender
// thread. Parsing is pure; Eventing owns one thread that sends NOTIFY requests.
#include "hearth/http/server.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace hearth::upnp {

inline constexpr int kDefaultSubscriptionSeconds = 1800;
inline constexpr int kMinSubscriptionSeconds = 60;

struct CallbackUrl {
    in_addr host{};
    std::uint16_t port = 80;
    std::string path; ///< with query, starting with '/'
};

/// The CALLBACK header "<http://a/b><http://c/d>": the http URLs whose host is a literal IPv4 address.
std::vector<CallbackUrl> parse_callbacks(std::string_view header);

/// "Second-N" or "infinite" → seconds, clamped to [kMinSubscriptionSeconds, kDefaultSubscriptionSeconds].
int parse_timeout(std::string_view header);

/// The e:propertyset body carrying these variables.
std::string property_set(const std::vector<std::pair<std::string, std::string>>& variables);

/// The NOTIFY request bytes for one event.
std::string notify_request(const CallbackUrl& to, const std::string& sid, std::uint32_t seq,
                           const std::string& body);

/// Subscriptions for every evented service and the thread that delivers events to them.
class Eventing {
  public:
    /// Current values of a service's evented variables. Called on the eventing thread.
    using StateSource = std::function<std::vector<std::pair<std::string, std::string>>()>;

    Eventing();
    ~Eventing();
    Eventing(const Eventing&) = delete;
    Eventing& operator=(const Eventing&) = delete;

    /// Registers an event URL path ("/event/ContentDirectory") and how to read its state. Before start().
    void add_service(std::string event_path, StateSource state);
    void start();
    void stop();

    /// SUBSCRIBE or UNSUBSCRIBE on an event path. HTTP pool threads.
    http::Response handle(const http::Request& request);

    /// Asks the thread to compare each service's state with what was last sent and event what changed.
    /// Any thread; events go out at most every two seconds per service.
    void state_changed();

    std::size_t subscriber_count() const;

  private:
    struct Subscription {
        std::string path;
        std::vector<CallbackUrl> callbacks;
        std::chrono::steady_clock::time_point expires;
        std::chrono::steady_clock::time_point created;
        std::uint32_t seq = 0;
        bool initial_sent = false;
        int failures = 0;
    };
    struct Service {
        StateSource state;
        std::vector<std::pair<std::string, std::string>> last_sent;
    };

    /// One event to send to one subscriber, taken out from under the lock.
    struct Delivery {
        std::string sid;
        std::string path;
        std::vector<CallbackUrl> callbacks;
        std::uint32_t seq;
        bool initial;
        bool attempted = false;
        bool delivered = false;
    };
    using Clock = std::chrono::steady_clock;

    http::Response subscribe(const http::Request& request);
    http::Response unsubscribe(const http::Request& request);
    void loop();
    std::vector<Delivery> take_due(Clock::time_point now, bool& moderated_round); // with mutex_ held
    void send(std::vector<Delivery>& work, bool moderated_round);                 // without it
    void record(const std::vector<Delivery>& work);                               // with mutex_ held

    std::map<std::string, Service> services_; // fixed after start()
    mutable std::mutex mutex_;                // guards subscriptions_, changed_, stopping_
    std::condition_variable wake_;
    std::map<std::string, Subscription> subscriptions_; // by SID
    bool changed_ = false;
    bool stopping_ = false;
    Clock::time_point last_moderated_{};
    std::thread thread_;
};

} // namespace hearth::upnp
