#pragma once
// sd_notify: tells systemd when Hearth is ready, what it is doing and that it is stopping.
// Does nothing when not started by systemd. Any thread.
#include <string>

namespace hearth::daemon {
void notify_ready();
void notify_status(const std::string& status);
void notify_stopping();
/// RELOADING=1 (until the next notify_ready()).
void notify_reloading();
} // namespace hearth::daemon
