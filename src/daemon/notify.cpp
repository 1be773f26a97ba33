#include "hearth/daemon/notify.hpp"

#include <systemd/sd-daemon.h>

namespace hearth::daemon {

void notify_ready() {
    sd_notify(0, "READY=1");
}

void notify_status(const std::string& status) {
    sd_notify(0, ("STATUS=" + status).c_str());
}

void notify_stopping() {
    sd_notify(0, "STOPPING=1");
}

void notify_reloading() {
    sd_notify(0, "RELOADING=1");
}

} // namespace hearth::daemon
