#include "hearth/util/random.hpp"

#include "hearth/util/fd.hpp"

#include <algorithm>
#include <cstdio>
#include <fcntl.h>
#include <random>
#include <unistd.h>

namespace hearth::util {

std::string random_uuid() {
    unsigned char b[16];
    Fd urandom(::open("/dev/urandom", O_RDONLY | O_CLOEXEC));
    const bool ok = urandom.ok() && ::read(urandom.get(), b, sizeof b) == static_cast<ssize_t>(sizeof b);
    if (!ok) {
        std::random_device rd;
        for (auto& x : b)
            x = static_cast<unsigned char>(rd());
    }
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40); // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80); // RFC 4122 variant
    char out[37];
    std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                  b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    return out;
}

std::string random_token() {
    auto uuid = random_uuid();
    uuid.erase(std::remove(uuid.begin(), uuid.end(), '-'), uuid.end());
    return uuid + random_uuid().substr(0, 8);
}

} // namespace hearth::util
