#include "hearth/doctor/probes.hpp"

#include "hearth/net/http_client.hpp"
#include "hearth/net/socket.hpp"
#include "hearth/ssdp/constants.hpp"
#include "hearth/util/fd.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <poll.h>
#include <random>
#include <set>
#include <sys/socket.h>

namespace hearth::doctor {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kDatagramMax = 8192;
constexpr auto kDescriptionTimeout = std::chrono::milliseconds(2000);
constexpr std::size_t kDescriptionMax = 256 * 1024;
constexpr const char* kUserAgent = "Hearth-doctor/" HEARTH_VERSION;

int bind_to(int fd, const sockaddr_in& a) {
    return ::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a);
}

Fd udp_socket() {
    return Fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
}

/// A socket that sends multicast out of the interface from its first address; errno set when invalid.
Fd multicast_sender(const net::Interface& i) {
    Fd s = udp_socket();
    if (!s.ok()) return s;
    if (bind_to(s.get(), net::socket_address(i.ipv4.front().address, 0)) != 0) return Fd();
    ip_mreqn out{};
    out.imr_ifindex = static_cast<int>(i.index);
    int ttl = ssdp::kMulticastTtl;
    int loop = 1;
    if (setsockopt(s.get(), IPPROTO_IP, IP_MULTICAST_IF, &out, sizeof out) != 0 ||
        setsockopt(s.get(), IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) != 0 ||
        setsockopt(s.get(), IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop) != 0)
        return Fd();
    return s;
}

bool send_to_group(int fd, const std::string& payload) {
    auto to = ssdp::group_address();
    return ::sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<const sockaddr*>(&to),
                    sizeof to) == static_cast<ssize_t>(payload.size());
}

std::string probe_token(unsigned ifindex) {
    std::random_device random;
    return "hearth-doctor-" + std::to_string(random()) + "-" + std::to_string(ifindex);
}

bool wait_for_token(int fd, const std::string& token, Clock::time_point deadline) {
    char buf[kDatagramMax];
    while (net::wait_ready(fd, POLLIN, deadline)) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0 && std::string_view(buf, static_cast<std::size_t>(n)).find(token) != std::string_view::npos)
            return true;
    }
    return false;
}

struct Answer {
    std::string address;
    SearchAnswer answer;
};

void collect_answers(const std::vector<Fd>& sockets, Clock::time_point deadline, std::vector<Answer>& out) {
    std::vector<pollfd> fds;
    for (const auto& s : sockets)
        fds.push_back({s.get(), POLLIN, 0});
    char buf[kDatagramMax];
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0 || ::poll(fds.data(), fds.size(), static_cast<int>(left)) <= 0) return;
        for (const auto& p : fds) {
            if (!(p.revents & POLLIN)) continue;
            sockaddr_in from{};
            socklen_t len = sizeof from;
            ssize_t n = ::recvfrom(p.fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
            if (n <= 0) continue;
            auto answer = parse_search_answer(std::string_view(buf, static_cast<std::size_t>(n)));
            if (answer) out.push_back({net::to_string(from.sin_addr), std::move(*answer)});
        }
    }
}

FoundServer describe(Answer a) {
    FoundServer s{std::move(a.address), std::move(a.answer), std::nullopt, ""};
    auto url = parse_http_url(s.answer.location);
    if (!url) {
        s.fetch_error = "LOCATION is not an http:// URL";
        return s;
    }
    auto fetched = net::http_get(*url, kUserAgent, {kDescriptionTimeout, kDescriptionMax});
    if (!fetched.response) {
        s.fetch_error = fetched.error;
    } else if (fetched.response->status != 200) {
        s.fetch_error = "HTTP status " + std::to_string(fetched.response->status);
    } else {
        s.device = parse_device_description(fetched.response->body);
        if (!s.device) s.fetch_error = "not a UPnP device description";
    }
    return s;
}

} // namespace

MulticastProbe probe_multicast(const net::Interface& interface, std::chrono::milliseconds wait) {
    Fd listener = udp_socket();
    int on = 1;
    if (!listener.ok() || setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        bind_to(listener.get(), net::socket_address(in_addr{htonl(INADDR_ANY)}, ssdp::kPort)) != 0)
        return {MulticastOutcome::cannot_listen, errno};
    ip_mreqn join{};
    inet_pton(AF_INET, ssdp::kGroup, &join.imr_multiaddr);
    join.imr_ifindex = static_cast<int>(interface.index);
    if (setsockopt(listener.get(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &join, sizeof join) != 0)
        return {MulticastOutcome::cannot_join, errno};
    Fd sender = multicast_sender(interface);
    auto token = probe_token(interface.index);
    if (!sender.ok() || !send_to_group(sender.get(), msearch("urn:hearth-doctor:probe:" + token, 1)))
        return {MulticastOutcome::cannot_send, errno};
    if (wait_for_token(listener.get(), token, Clock::now() + wait)) return {MulticastOutcome::came_back, 0};
    return {MulticastOutcome::silent, 0};
}

PortCheck check_port(std::uint16_t port) {
    Fd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    int on = 1; // as Hearth does: connections in TIME_WAIT do not make the port busy
    if (!s.ok() || setsockopt(s.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0)
        return {PortState::error, errno, "", ""};
    if (bind_to(s.get(), net::socket_address(in_addr{htonl(INADDR_ANY)}, port)) == 0 &&
        ::listen(s.get(), 1) == 0)
        return {PortState::free, 0, "", ""};
    int error = errno;
    if (error == EACCES || error == EPERM) return {PortState::no_permission, error, "", ""};
    if (error != EADDRINUSE) return {PortState::error, error, "", ""};
    auto fetched = net::http_get({"127.0.0.1", port, "/description.xml"}, kUserAgent,
                                 {std::chrono::milliseconds(1000), kDescriptionMax});
    if (fetched.response && fetched.response->status == 200) {
        auto device = parse_device_description(fetched.response->body);
        if (device && device->model_name.find("Hearth") != std::string::npos)
            return {PortState::in_use_by_hearth, error, device->friendly_name, device->udn};
    }
    return {PortState::in_use, error, "", ""};
}

std::vector<FoundServer> search_media_servers(const std::vector<net::Interface>& interfaces,
                                              std::chrono::milliseconds wait) {
    std::vector<Fd> sockets;
    auto request = msearch(kMediaServerType, 1);
    for (const auto& i : interfaces) {
        Fd s = multicast_sender(i);
        if (!s.ok()) continue;
        for (int copy = 0; copy < 2; ++copy)
            send_to_group(s.get(), request); // UDP may drop one
        sockets.push_back(std::move(s));
    }
    std::vector<Answer> answers;
    collect_answers(sockets, Clock::now() + wait, answers);
    std::set<std::string> seen; // each LOCATION once, however many interfaces and copies it came over
    std::vector<FoundServer> out;
    for (auto& a : answers) {
        if (seen.insert(a.answer.location).second) out.push_back(describe(std::move(a)));
    }
    return out;
}

} // namespace hearth::doctor
