#include "hearth/ssdp/server.hpp"

#include "hearth/ssdp/constants.hpp"
#include "hearth/util/fd.hpp"
#include "hearth/util/log.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <poll.h>
#include <random>
#include <stdexcept>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hearth::ssdp {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("SSDP: " + what + ": " + std::strerror(errno));
}

struct Outgoing {
    unsigned ifindex;
    sockaddr_in to;
    std::string payload;
};

} // namespace

struct Server::Impl {
    Impl(Identity id, std::vector<net::Interface> ifaces, Admission admission, std::uint16_t port,
         NotifyListener listener)
        : identity(std::move(id)), interfaces(std::move(ifaces)), may_answer(std::move(admission)),
          http_port(port), on_notify(std::move(listener)) {}

    Identity identity;
    std::vector<net::Interface> interfaces;
    Admission may_answer;
    std::uint16_t http_port;
    NotifyListener on_notify;
    Fd listener;
    Fd wake{::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)};
    std::map<unsigned, Fd> senders; // by interface index
    std::multimap<Clock::time_point, Outgoing> queue;
    std::mt19937 rng{std::random_device{}()};
    std::atomic<bool> stopping{false};

    const net::Interface* interface_by_index(unsigned index) const {
        for (const auto& i : interfaces) {
            if (i.index == index) return &i;
        }
        return nullptr;
    }

    std::string location(const net::Interface& i) const {
        return "http://" + i.ipv4.front().text() + ":" + std::to_string(http_port) + "/description.xml";
    }

    void open_sockets();
    void announce_round(Clock::time_point when);
    void send_byebye();
    void send_now(const Outgoing& o);
    void receive(Counters& counters);
    void loop(Counters& counters, std::atomic<std::int64_t>& heartbeat_ms);
};

void Server::Impl::open_sockets() {
    listener = Fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (listener.get() < 0) fail("socket");
    int on = 1;
    setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    setsockopt(listener.get(), IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    sockaddr_in any{};
    any.sin_family = AF_INET;
    any.sin_port = htons(kPort);
    any.sin_addr.s_addr = htonl(INADDR_ANY);
    if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&any), sizeof any) != 0)
        fail("bind UDP port " + std::to_string(kPort));
    for (const auto& i : interfaces) {
        ip_mreqn req{};
        inet_pton(AF_INET, kGroup, &req.imr_multiaddr);
        req.imr_ifindex = static_cast<int>(i.index);
        if (setsockopt(listener.get(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &req, sizeof req) != 0) {
            fail("join " + std::string(kGroup) + " on " + i.name + " (is multicast enabled on it?)");
        }
        Fd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
        if (s.get() < 0) fail("socket");
        sockaddr_in local{};
        local.sin_family = AF_INET;
        local.sin_addr = i.ipv4.front().address;
        if (::bind(s.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
            fail("bind to " + i.name);
        ip_mreqn out{};
        out.imr_ifindex = static_cast<int>(i.index);
        setsockopt(s.get(), IPPROTO_IP, IP_MULTICAST_IF, &out, sizeof out);
        int ttl = kMulticastTtl;
        setsockopt(s.get(), IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
        int loop = 1; // control points on this host must hear us too
        setsockopt(s.get(), IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop);
        senders.emplace(i.index, std::move(s));
    }
}

void Server::Impl::announce_round(Clock::time_point when) {
    for (const auto& i : interfaces) {
        for (const auto& nt : notification_types(identity)) {
            queue.emplace(when, Outgoing{i.index, group_address(), alive(identity, nt, location(i))});
        }
    }
}

void Server::Impl::send_byebye() {
    for (int round = 0; round < 2; ++round) {
        for (const auto& i : interfaces) {
            for (const auto& nt : notification_types(identity))
                send_now({i.index, group_address(), byebye(identity, nt)});
        }
    }
}

void Server::Impl::send_now(const Outgoing& o) {
    auto it = senders.find(o.ifindex);
    if (it == senders.end()) return;
    if (::sendto(it->second.get(), o.payload.data(), o.payload.size(), 0,
                 reinterpret_cast<const sockaddr*>(&o.to), sizeof o.to) < 0) {
        log::debug("SSDP send on interface ", o.ifindex, " failed: ", std::strerror(errno));
    }
}

// Anything that is not a well-formed search or NOTIFY is dropped and counted as malformed, so that the owner
// can see on the status page that something on the network sends garbage; searches from outside the
// household are only "ignored".
void Server::Impl::receive(Counters& counters) {
    auto malformed = [&counters] {
        ++counters.malformed;
        ++counters.ignored;
    };
    char buf[2048];
    char control[256];
    while (true) {
        sockaddr_in from{};
        iovec iov{buf, sizeof buf};
        msghdr msg{};
        msg.msg_name = &from;
        msg.msg_namelen = sizeof from;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        ssize_t n = ::recvmsg(listener.get(), &msg, 0);
        if (n < 0) return;                      // EAGAIN: drained
        if ((msg.msg_flags & MSG_TRUNC) != 0) { // longer than any real SSDP message
            malformed();
            continue;
        }
        unsigned ifindex = 0;
        bool multicast = true;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                const auto* info = reinterpret_cast<const in_pktinfo*>(CMSG_DATA(c));
                ifindex = static_cast<unsigned>(info->ipi_ifindex);
                multicast = IN_MULTICAST(ntohl(info->ipi_addr.s_addr));
            }
        }
        const net::Interface* iface = interface_by_index(ifindex);
        const std::string_view datagram(buf, static_cast<std::size_t>(n));
        if (datagram.starts_with("NOTIFY")) {
            auto notify = parse_notify(datagram);
            if (!notify) malformed();
            if (notify && on_notify && iface != nullptr && may_answer(from.sin_addr))
                on_notify(*notify, from.sin_addr);
            continue;
        }
        auto search = parse_search(datagram);
        if (!search) {
            malformed();
            continue;
        }
        if (iface == nullptr || !may_answer(from.sin_addr)) {
            ++counters.ignored;
            continue;
        }
        auto targets = targets_for(identity, search->st);
        if (targets.empty()) continue;
        // Multicast searches are answered after a random delay within MX so that answers do not collide.
        auto delay = std::chrono::milliseconds(0);
        if (multicast && search->mx > 0) {
            delay = std::chrono::milliseconds(
                std::uniform_int_distribution<int>(0, search->mx * 1000 - 100)(rng));
        }
        auto when = Clock::now() + delay;
        for (const auto& st : targets) {
            queue.emplace(when, Outgoing{iface->index, from,
                                         search_response(identity, st, location(*iface), http_date())});
        }
        ++counters.answered;
    }
}

static std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

void Server::Impl::loop(Counters& counters, std::atomic<std::int64_t>& heartbeat_ms) {
    auto next_announce = Clock::now();
    int initial_rounds = 3;
    while (!stopping.load()) {
        heartbeat_ms = now_ms();
        auto now = Clock::now();
        if (now >= next_announce) {
            announce_round(now);
            if (--initial_rounds > 0) {
                next_announce = now + std::chrono::milliseconds(300);
            } else {
                // Again well before max-age runs out, at a random moment so that restarts do not synchronise.
                int secs = std::uniform_int_distribution<int>(kMaxAge / 4, kMaxAge / 2 - 60)(rng);
                next_announce = now + std::chrono::seconds(secs);
            }
        }
        while (!queue.empty() && queue.begin()->first <= now) {
            send_now(queue.begin()->second);
            queue.erase(queue.begin());
        }
        auto deadline = queue.empty() ? next_announce : std::min(next_announce, queue.begin()->first);
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        pollfd fds[2] = {{listener.get(), POLLIN, 0}, {wake.get(), POLLIN, 0}};
        int rc = ::poll(fds, 2, static_cast<int>(std::clamp<long long>(wait, 0, 1000)));
        if (rc > 0 && (fds[0].revents & POLLIN) != 0) receive(counters);
    }
    send_byebye();
}

Server::Server(Identity identity, std::vector<net::Interface> interfaces, Admission may_answer,
               std::uint16_t http_port, Counters& counters, NotifyListener on_notify)
    : impl_(std::make_unique<Impl>(std::move(identity), std::move(interfaces), std::move(may_answer),
                                   http_port, std::move(on_notify))),
      counters_(counters) {}

Server::~Server() {
    stop();
}

void Server::start() {
    impl_->open_sockets();
    heartbeat_ms_ = now_ms();
    thread_ = std::thread([this] { impl_->loop(counters_, heartbeat_ms_); });
}

bool Server::healthy() const {
    return thread_.joinable() && now_ms() - heartbeat_ms_.load() < 10000;
}

void Server::stop() {
    if (!thread_.joinable()) return;
    impl_->stopping.store(true);
    std::uint64_t one = 1;
    ssize_t ignored = ::write(impl_->wake.get(), &one, sizeof one);
    (void)ignored;
    thread_.join();
}

} // namespace hearth::ssdp
