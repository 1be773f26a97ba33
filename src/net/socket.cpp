#include "hearth/net/socket.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <poll.h>

namespace hearth::net {

sockaddr_in socket_address(in_addr address, std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr = address;
    return a;
}

bool wait_ready(int fd, short events, std::chrono::steady_clock::time_point deadline) {
    using std::chrono::steady_clock;
    while (true) {
        auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady_clock::now()).count();
        if (left <= 0) return false;
        pollfd p{fd, events, 0};
        int n = ::poll(&p, 1, static_cast<int>(left));
        if (n > 0) return true;
        if (n < 0 && errno != EINTR) return false;
    }
}

} // namespace hearth::net
