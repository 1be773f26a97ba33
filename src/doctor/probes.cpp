#include "hearth/doctor/probes.hpp"

#include "hearth/util/fd.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <random>
#include <set>
#include <sys/socket.h>
#include <unistd.h>

namespace hearth::doctor {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kGroup = "239.255.255.250";
constexpr std::uint16_t kSsdpPort = 1900;
constexpr int kTtl = 2;
constexpr std::size_t kDatagramMax = 8192;
constexpr auto kDescriptionTimeout = std::chrono::milliseconds(2000);
constexpr std::size_t kDescriptionMax = 256 * 1024;

sockaddr_in socket_address(in_addr address, std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr = address;
    return a;
}

sockaddr_in group_address() {
    in_addr group{};
    inet_pton(AF_INET, kGroup, &group);
    return socket_address(group, kSsdpPort);
}

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
    if (bind_to(s.get(), socket_address(i.ipv4.front().address, 0)) != 0) return Fd();
    ip_mreqn out{};
    out.imr_ifindex = static_cast<int>(i.index);
    int ttl = kTtl;
    int loop = 1;
    if (setsockopt(s.get(), IPPROTO_IP, IP_MULTICAST_IF, &out, sizeof out) != 0 ||
        setsockopt(s.get(), IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) != 0 ||
        setsockopt(s.get(), IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop) != 0)
        return Fd();
    return s;
}

bool send_to_group(int fd, const std::string& payload) {
    auto to = group_address();
    return ::sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<const sockaddr*>(&to),
                    sizeof to) == static_cast<ssize_t>(payload.size());
}

/// Waits until fd is ready for events or the deadline passes.
bool wait_for(int fd, short events, Clock::time_point deadline) {
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return false;
        pollfd p{fd, events, 0};
        int n = ::poll(&p, 1, static_cast<int>(left));
        if (n > 0) return true;
        if (n < 0 && errno != EINTR) return false;
    }
}

std::string probe_token(unsigned ifindex) {
    std::random_device random;
    return "hearth-doctor-" + std::to_string(random()) + "-" + std::to_string(ifindex);
}

bool wait_for_token(int fd, const std::string& token, Clock::time_point deadline) {
    char buf[kDatagramMax];
    while (wait_for(fd, POLLIN, deadline)) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0 && std::string_view(buf, static_cast<std::size_t>(n)).find(token) != std::string_view::npos)
            return true;
    }
    return false;
}

Fd connect_to(const sockaddr_in& to, Clock::time_point deadline, std::string& error) {
    Fd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!s.ok()) {
        error = std::strerror(errno);
        return s;
    }
    if (::connect(s.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS) {
        error = std::strerror(errno);
        return Fd();
    }
    if (!wait_for(s.get(), POLLOUT, deadline)) {
        error = "no connection in time";
        return Fd();
    }
    int so_error = 0;
    socklen_t len = sizeof so_error;
    getsockopt(s.get(), SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (so_error != 0) {
        error = std::strerror(so_error);
        return Fd();
    }
    return s;
}

bool send_all(int fd, std::string_view data, Clock::time_point deadline) {
    while (!data.empty()) {
        if (!wait_for(fd, POLLOUT, deadline)) return false;
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
        if (n > 0) data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

/// Reads until the peer closes; error set when it takes too long or sends too much.
std::string read_all(int fd, Clock::time_point deadline, std::size_t max_bytes, std::string& error) {
    std::string out;
    char buf[16384];
    while (true) {
        if (!wait_for(fd, POLLIN, deadline)) {
            error = "no complete answer in time";
            return out;
        }
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n == 0) return out;
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) continue;
            error = std::strerror(errno);
            return out;
        }
        out.append(buf, static_cast<std::size_t>(n));
        if (out.size() > max_bytes) {
            error = "answer larger than " + std::to_string(max_bytes) + " bytes";
            return out;
        }
    }
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
    auto fetched = http_get(*url, kDescriptionTimeout, kDescriptionMax);
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
        bind_to(listener.get(), socket_address(in_addr{htonl(INADDR_ANY)}, kSsdpPort)) != 0)
        return {MulticastOutcome::cannot_listen, errno};
    ip_mreqn join{};
    inet_pton(AF_INET, kGroup, &join.imr_multiaddr);
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
    if (bind_to(s.get(), socket_address(in_addr{htonl(INADDR_ANY)}, port)) == 0 && ::listen(s.get(), 1) == 0)
        return {PortState::free, 0, "", ""};
    int error = errno;
    if (error == EACCES || error == EPERM) return {PortState::no_permission, error, "", ""};
    if (error != EADDRINUSE) return {PortState::error, error, "", ""};
    auto fetched =
        http_get({"127.0.0.1", port, "/description.xml"}, std::chrono::milliseconds(1000), kDescriptionMax);
    if (fetched.response && fetched.response->status == 200) {
        auto device = parse_device_description(fetched.response->body);
        if (device && device->model_name.find("Hearth") != std::string::npos)
            return {PortState::in_use_by_hearth, error, device->friendly_name, device->udn};
    }
    return {PortState::in_use, error, "", ""};
}

Fetch http_get(const HttpUrl& url, std::chrono::milliseconds timeout, std::size_t max_bytes) {
    auto address = net::parse_ipv4(url.host);
    if (!address) return {std::nullopt, "'" + url.host + "' is not an IPv4 address"};
    auto deadline = Clock::now() + timeout;
    std::string error;
    Fd s = connect_to(socket_address(*address, url.port), deadline, error);
    if (!s.ok()) return {std::nullopt, error};
    if (!send_all(s.get(), http_get_request(url), deadline)) return {std::nullopt, "cannot send the request"};
    auto raw = read_all(s.get(), deadline, max_bytes, error);
    if (!error.empty()) return {std::nullopt, error};
    auto response = parse_http_response(raw);
    if (!response) return {std::nullopt, "not an HTTP response"};
    return {std::move(response), ""};
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
