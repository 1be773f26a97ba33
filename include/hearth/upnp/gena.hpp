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

/// At most one event per interval to one subscriber (UDA 1.1 §4.3: moderated variables), the initial event
/// included. Pure: the caller passes the time.
class Moderation {
  public:
    using Clock = std::chrono::steady_clock;
    explicit Moderation(Clock::duration interval = std::chrono::seconds(2)) : interval_(interval) {}
    bool ready(Clock::time_point now) const { return !last_ || now - *last_ >= interval_; }
    /// The earliest time an event may go (now when ready).
    Clock::time_point next(Clock::time_point now) const { return ready(now) ? now : *last_ + interval_; }
    /// An event went out (was answered) at `now`.
    void sent(Clock::time_point now) { last_ = now; }

  private:
    Clock::duration interval_;
    std::optional<Clock::time_point> last_;
};

using Variables = std::vector<std::pair<std::string, std::string>>;

/// "id,updateID,id,updateID…" (ContentDirectory's ContainerUpdateIDs), in id order.
std::string container_update_ids(const std::map<std::string, std::int64_t>& changed);

/// What one event to a subscriber carries: the variables whose value differs from what it was last sent
/// (all of them when it was sent nothing yet), and ContainerUpdateIDs when the service has it and some
/// containers changed since (or, in the first event, always, empty when nothing did).
Variables event_variables(const Variables& now, const Variables* last_sent, bool has_container_ids,
                          const std::map<std::string, std::int64_t>& changed_containers);

/// Subscriptions for every evented service and the thread that delivers events to them.
class Eventing {
  public:
    /// Current values of a service's evented variables. Called on the eventing thread.
    using StateSource = std::function<std::vector<std::pair<std::string, std::string>>()>;

    Eventing();
    ~Eventing();
    Eventing(const Eventing&) = delete;
    Eventing& operator=(const Eventing&) = delete;

    /// Registers an event URL path ("/event/ContentDirectory") and how to read its state; a service with
    /// container ids also events ContainerUpdateIDs (see containers_changed). Before start().
    void add_service(std::string event_path, StateSource state, bool container_ids = false);
    void start();
    void stop();

    /// SUBSCRIBE or UNSUBSCRIBE on an event path. HTTP connection threads.
    http::Response handle(const http::Request& request);

    /// Asks the thread to compare each service's state with what each subscriber was last sent and event
    /// what changed. Any thread; events go out at most every two seconds per subscriber, changes between
    /// coalesced into one.
    void state_changed();

    /// Containers whose children changed, with their new update ids, for the next event of every subscriber
    /// of that service (ContainerUpdateIDs). A later id of the same container replaces an earlier one. Call
    /// state_changed() after. Any thread. (The virtual views' containers belong here too.)
    void containers_changed(const std::string& event_path,
                            const std::vector<std::pair<std::string, std::int64_t>>& containers);

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
        Moderation moderation{};
        Variables last_sent;                              ///< what this subscriber was last told
        std::map<std::string, std::int64_t> containers{}; ///< changed since its last event
    };
    struct Service {
        StateSource state;
        bool container_ids = false;
        Variables current; ///< read on the eventing thread, once there are subscribers, after each change
    };

    /// One event to send to one subscriber, taken out from under the lock.
    struct Delivery {
        std::string sid;
        std::string path;
        std::vector<CallbackUrl> callbacks;
        std::uint32_t seq;
        std::string body;
        bool delivered = false;
    };
    using Clock = std::chrono::steady_clock;

    http::Response subscribe(const http::Request& request);
    http::Response unsubscribe(const http::Request& request);
    void loop();
    std::vector<Delivery> take_due(Clock::time_point now);    // with mutex_ held
    Clock::time_point next_wake(Clock::time_point now) const; // with mutex_ held
    void record(const std::vector<Delivery>& work);           // with mutex_ held

    std::map<std::string, Service> services_; // keys fixed after start(); `current` on the eventing thread
    mutable std::mutex mutex_;                // guards subscriptions_, changed_, stopping_
    std::condition_variable wake_;
    std::map<std::string, Subscription> subscriptions_; // by SID
    bool changed_ = false; ///< the state sources were not read since start() or the last state_changed()
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace hearth::upnp
