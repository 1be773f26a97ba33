#include "hearth/upnp/gena.hpp"

#include "hearth/net/http_client.hpp"
#include "hearth/net/interfaces.hpp"
#include "hearth/util/log.hpp"
#include "hearth/util/random.hpp"
#include "hearth/util/strings.hpp"

#include <algorithm>
#include <set>

namespace hearth::upnp {
namespace {

constexpr auto kSendTimeout = std::chrono::milliseconds(2000);
constexpr std::size_t kMaxAnswerBytes = 8192; // a status line longer than this is no answer
constexpr int kMaxFailures = 3;
// The initial event must reach the subscriber after our SUBSCRIBE answer has, or it does not know the SID
// yet.
constexpr auto kInitialEventDelay = std::chrono::milliseconds(150);
constexpr std::size_t kMaxSubscriptions = 256;
// A household device holds a few (one per service, a renewal racing an expiry); one device must not take
// the whole table and leave none for the others.
constexpr std::size_t kMaxSubscriptionsPerAddress = 32;
constexpr std::size_t kMaxContainerIds = 500;

std::optional<CallbackUrl> parse_url(std::string_view text) {
    auto url = net::parse_http_url(text);
    auto host = url ? net::parse_ipv4(url->host) : std::nullopt;
    if (!host) return std::nullopt;
    return CallbackUrl{*host, url->port, std::move(url->path)};
}

// A subscription's SID: the one random UUID maker (util/random), from the kernel's generator, so that nobody
// can guess another subscriber's SID to renew or cancel it.
std::string new_sid() {
    return "uuid:" + util::random_uuid();
}

enum class Sent { ok, failed, timed_out };

// timed_out: the subscriber's host did not answer within kSendTimeout (gone, or dropping packets); failed:
// refused, closed, or answered with an error, all of which come back at once. The status line is enough:
// a subscriber that keeps the connection open after it costs no wait.
Sent send_notify(const CallbackUrl& to, const std::string& request) {
    const auto result = net::http_exchange(to.host, to.port, request, {kSendTimeout, kMaxAnswerBytes, true});
    if (result.response) return result.response->status / 100 == 2 ? Sent::ok : Sent::failed;
    return result.failure == net::HttpFailure::timed_out ? Sent::timed_out : Sent::failed;
}

http::Response status(int code, std::string text) {
    return http::Response::text(code, std::move(text) + "\n");
}

} // namespace

namespace {
// Whether the header holds more <…> entries than parsed into callbacks (some were not usable URLs).
bool unparsable_callbacks(std::string_view header, std::size_t parsed) {
    return static_cast<std::size_t>(std::count(header.begin(), header.end(), '<')) > parsed;
}
} // namespace

std::vector<CallbackUrl> parse_callbacks(std::string_view header) {
    std::vector<CallbackUrl> out;
    std::size_t pos = 0;
    while (out.size() < 4) {
        auto open = header.find('<', pos);
        if (open == std::string_view::npos) break;
        auto close = header.find('>', open);
        if (close == std::string_view::npos) break;
        if (auto url = parse_url(header.substr(open + 1, close - open - 1))) out.push_back(*url);
        pos = close + 1;
    }
    return out;
}

int parse_timeout(std::string_view header) {
    auto value = trim(header);
    if (!istarts_with(value, "Second-")) return kDefaultSubscriptionSeconds;
    auto n = parse_uint(value.substr(7));
    if (!n || *n > static_cast<std::uint64_t>(kDefaultSubscriptionSeconds))
        return kDefaultSubscriptionSeconds;
    return std::max(kMinSubscriptionSeconds, static_cast<int>(*n));
}

std::string property_set(const std::vector<std::pair<std::string, std::string>>& variables) {
    std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                      "<e:propertyset xmlns:e=\"urn:schemas-upnp-org:event-1-0\">";
    for (const auto& [name, value] : variables) {
        out += "<e:property><" + name + ">";
        append_xml_escaped(out, value);
        out += "</" + name + "></e:property>";
    }
    return out + "</e:propertyset>\n";
}

std::string notify_request(const CallbackUrl& to, const std::string& sid, std::uint32_t seq,
                           const std::string& body) {
    return net::http_request("NOTIFY", to.path, "HTTP/1.1",
                             {{"HOST", net::to_string(to.host) + ":" + std::to_string(to.port)},
                              {"CONTENT-TYPE", "text/xml; charset=\"utf-8\""},
                              {"NT", "upnp:event"},
                              {"NTS", "upnp:propchange"},
                              {"SID", sid},
                              {"SEQ", std::to_string(seq)},
                              {"CONTENT-LENGTH", std::to_string(body.size())},
                              {"Connection", "close"}},
                             body);
}

std::string container_update_ids(const std::map<std::string, std::int64_t>& changed) {
    std::string out;
    for (const auto& [id, update_id] : changed)
        out += (out.empty() ? "" : ",") + id + "," + std::to_string(update_id);
    return out;
}

Variables event_variables(const Variables& now, const Variables* last_sent, bool has_container_ids,
                          const std::map<std::string, std::int64_t>& changed_containers) {
    Variables out;
    for (const auto& var : now) {
        if (!last_sent || std::find(last_sent->begin(), last_sent->end(), var) == last_sent->end())
            out.push_back(var);
    }
    if (has_container_ids && (!last_sent || !changed_containers.empty()))
        out.emplace_back("ContainerUpdateIDs", container_update_ids(changed_containers));
    return out;
}

Eventing::Eventing() = default;

Eventing::~Eventing() {
    stop();
}

void Eventing::add_service(std::string event_path, StateSource state, bool container_ids) {
    services_.emplace(std::move(event_path), Service{std::move(state), container_ids, {}});
}

// The state is read when someone subscribes, not now: the sources read the database (the
// ConnectionManager's formats are a whole-table read), which a server nobody subscribes to need not do.
void Eventing::start() {
    changed_ = true;
    thread_ = std::thread([this] { loop(); });
}

void Eventing::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Eventing::state_changed() {
    {
        std::lock_guard lock(mutex_);
        changed_ = true;
    }
    wake_.notify_all();
}

void Eventing::containers_changed(const std::string& event_path,
                                  const std::vector<std::pair<std::string, std::int64_t>>& containers) {
    std::lock_guard lock(mutex_);
    for (auto& [sid, s] : subscriptions_) {
        if (s.path != event_path) continue;
        for (const auto& [id, update_id] : containers) {
            // A subscriber that cannot keep up learns of the rest from SystemUpdateID.
            if (s.containers.size() >= kMaxContainerIds && !s.containers.contains(id)) break;
            s.containers[id] = update_id;
        }
    }
}

std::size_t Eventing::subscriber_count() const {
    std::lock_guard lock(mutex_);
    return subscriptions_.size();
}

namespace {
// UDA 1.1 §4.1.2: a request that is not well formed is 400. Two SIDs (or NTs, CALLBACKs, TIMEOUTs) cannot
// both be meant, and picking one would let the other go unchecked.
std::optional<std::string> duplicated_header(const http::Request& request) {
    for (const char* name : {"SID", "NT", "CALLBACK", "TIMEOUT"}) {
        if (request.header_count(name) > 1) return name;
    }
    return std::nullopt;
}
} // namespace

http::Response Eventing::handle(const http::Request& request) {
    if (!services_.contains(request.path)) return status(404, "Not found");
    if (request.method == "SUBSCRIBE" || request.method == "UNSUBSCRIBE") {
        if (auto name = duplicated_header(request)) return status(400, "More than one " + *name + " header");
    }
    if (request.method == "SUBSCRIBE") return subscribe(request);
    if (request.method == "UNSUBSCRIBE") return unsubscribe(request);
    return status(405, "Method not allowed").header("Allow", "SUBSCRIBE, UNSUBSCRIBE");
}

http::Response Eventing::subscribe(const http::Request& request) {
    const bool has_sid = request.has_header("SID");
    const bool has_nt = request.has_header("NT");
    const bool has_callback = request.has_header("CALLBACK");
    const int seconds = parse_timeout(request.header("TIMEOUT"));
    if (has_sid && (has_nt || has_callback)) return status(400, "SID cannot be combined with NT or CALLBACK");
    std::string sid;
    {
        std::lock_guard lock(mutex_);
        if (has_sid) { // renewal
            sid = std::string(trim(request.header("SID")));
            auto it = subscriptions_.find(sid);
            if (it == subscriptions_.end() || it->second.path != request.path)
                return status(412, "Unknown SID");
            it->second.expires = Clock::now() + std::chrono::seconds(seconds);
        } else {
            if (trim(request.header("NT")) != "upnp:event") return status(412, "NT must be upnp:event");
            // CallStranger (CVE-2020-12695): events go only to the subscriber's own address, and a list that
            // names any other host is refused whole.
            auto callbacks = parse_callbacks(request.header("CALLBACK"));
            bool all_own = std::all_of(callbacks.begin(), callbacks.end(), [&](const CallbackUrl& cb) {
                return cb.host.s_addr == request.client.sin_addr.s_addr;
            });
            if (callbacks.empty() || !all_own ||
                unparsable_callbacks(request.header("CALLBACK"), callbacks.size())) {
                return status(412, "CALLBACK must be http URLs on the subscriber's own address");
            }
            if (subscriptions_.size() >= kMaxSubscriptions) return status(503, "Too many subscriptions");
            const auto from_there =
                std::count_if(subscriptions_.begin(), subscriptions_.end(), [&](const auto& kv) {
                    return kv.second.callbacks.front().host.s_addr == request.client.sin_addr.s_addr;
                });
            if (static_cast<std::size_t>(from_there) >= kMaxSubscriptionsPerAddress)
                return status(503, "Too many subscriptions from this address");
            sid = new_sid();
            Subscription sub{};
            sub.path = request.path;
            sub.callbacks = std::move(callbacks);
            sub.expires = Clock::now() + std::chrono::seconds(seconds);
            sub.created = Clock::now();
            subscriptions_.emplace(sid, std::move(sub));
        }
    }
    wake_.notify_all(); // schedules the initial event, which waits kInitialEventDelay for this answer to land
    http::Response r;
    r.header("SID", sid).header("TIMEOUT", "Second-" + std::to_string(seconds));
    return r;
}

http::Response Eventing::unsubscribe(const http::Request& request) {
    if (request.has_header("NT") || request.has_header("CALLBACK")) {
        return status(400, "UNSUBSCRIBE takes only SID");
    }
    std::lock_guard lock(mutex_);
    auto it = subscriptions_.find(std::string(trim(request.header("SID"))));
    if (it == subscriptions_.end() || it->second.path != request.path) return status(412, "Unknown SID");
    subscriptions_.erase(it);
    return http::Response{};
}

namespace {
// Tries each callback URL in turn until one takes the event.
Sent deliver(const std::vector<CallbackUrl>& callbacks, const std::string& sid, std::uint32_t seq,
             const std::string& body) {
    Sent worst = Sent::failed;
    for (const auto& cb : callbacks) {
        const auto sent = send_notify(cb, notify_request(cb, sid, seq, body));
        if (sent == Sent::ok) return sent;
        if (sent == Sent::timed_out) worst = sent;
    }
    return worst;
}
} // namespace

std::vector<Eventing::Delivery> Eventing::take_due(Clock::time_point now) {
    std::erase_if(subscriptions_, [&](const auto& kv) {
        return kv.second.expires < now || kv.second.failures >= kMaxFailures;
    });
    std::vector<Delivery> due;
    if (changed_) return due; // a state not read yet (a subscription came after the loop looked)
    for (auto& [sid, s] : subscriptions_) {
        const auto& service = services_.at(s.path);
        Variables vars;
        if (!s.initial_sent) {
            if (now - s.created < kInitialEventDelay) continue;
            vars = event_variables(service.current, nullptr, service.container_ids, {});
        } else {
            if (!s.moderation.ready(now)) continue; // coalesced into its next event
            vars = event_variables(service.current, &s.last_sent, service.container_ids, s.containers);
            if (vars.empty()) continue;
        }
        s.last_sent = service.current;
        s.containers.clear();
        due.push_back({sid, s.path, s.callbacks, s.seq, property_set(vars)});
    }
    return due;
}

Eventing::Clock::time_point Eventing::next_wake(Clock::time_point now) const {
    if (changed_ && !subscriptions_.empty()) return now;
    auto at = now + std::chrono::seconds(2); // expiries are looked at on this beat
    for (const auto& [sid, s] : subscriptions_) {
        if (!s.initial_sent) {
            at = std::min(at, s.created + kInitialEventDelay);
        } else if (!s.containers.empty() || s.last_sent != services_.at(s.path).current) {
            at = std::min(at, s.moderation.next(now));
        }
    }
    return at;
}

void Eventing::record(const std::vector<Delivery>& work) {
    const auto now = Clock::now(); // after the answers: the next event is at least 2 s after this one landed
    for (const auto& d : work) {
        auto it = subscriptions_.find(d.sid);
        if (it == subscriptions_.end()) continue;
        auto& s = it->second;
        s.initial_sent = true;
        s.seq = s.seq == 0xFFFFFFFFU ? 1 : s.seq + 1; // SEQ wraps to 1, never back to 0
        s.moderation.sent(now);
        s.failures = d.delivered ? 0 : s.failures + 1;
        if (!d.delivered) log::debug("event delivery to ", d.sid, " failed (", s.failures, " in a row)");
    }
}

void Eventing::loop() {
    while (true) {
        bool refresh = false;
        {
            std::unique_lock lock(mutex_);
            // stop() may have come while the last events were being sent: its notify is gone by now.
            if (!stopping_) wake_.wait_until(lock, next_wake(Clock::now()));
            if (stopping_) return;
            // Read once somebody subscribed; until then the change waits.
            refresh = changed_ && !subscriptions_.empty();
            if (refresh) changed_ = false;
        }
        // The state sources read the database: not under the lock, so SUBSCRIBE answers never wait on it.
        if (refresh) {
            for (auto& [path, service] : services_)
                service.current = service.state();
        }
        std::vector<Delivery> work;
        {
            std::lock_guard lock(mutex_);
            work = take_due(Clock::now());
        }
        if (work.empty()) continue;
        // Send without the lock: a slow subscriber must not hold up SUBSCRIBE answers. An address that timed
        // out is not tried again this round: a device that went away (or drops packets) with many
        // subscriptions costs one timeout, not one per subscription, before the others hear of the change.
        std::set<in_addr_t> silent;
        for (auto& d : work) {
            const auto host = d.callbacks.front().host.s_addr;
            if (silent.contains(host)) continue; // not delivered: counts as a failure
            const auto sent = deliver(d.callbacks, d.sid, d.seq, d.body);
            d.delivered = sent == Sent::ok;
            if (sent == Sent::timed_out) silent.insert(host);
        }
        std::lock_guard lock(mutex_);
        record(work);
    }
}

} // namespace hearth::upnp
