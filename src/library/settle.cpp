#include "hearth/library/settle.hpp"

#include <algorithm>

namespace hearth::library {

ChangeSettler::Folder& ChangeSettler::touch(const std::string& folder, Clock::time_point now) {
    auto [it, added] = folders_.try_emplace(folder, Folder{now, now, {}});
    it->second.last = std::max(it->second.last, now);
    return it->second;
}

void ChangeSettler::changed(const std::string& folder, Clock::time_point now) {
    touch(folder, now);
}

void ChangeSettler::writing(const std::string& folder, const std::string& name, Clock::time_point now) {
    touch(folder, now).open.insert(name);
}

void ChangeSettler::closed(const std::string& folder, const std::string& name, Clock::time_point now) {
    touch(folder, now).open.erase(name);
}

// A folder with a file still open waits for it to close (or for the writer to have stalled); otherwise it
// waits for a quiet moment, but not for ever when events never stop (a log file written beside the films).
ChangeSettler::Clock::time_point ChangeSettler::due_at(const Folder& f) const {
    if (!f.open.empty()) return f.last + timing_.stalled;
    return std::min(f.last + timing_.quiet, std::max(f.first + timing_.longest, f.last));
}

std::vector<std::string> ChangeSettler::take_due(Clock::time_point now) {
    std::vector<std::string> due;
    for (auto it = folders_.begin(); it != folders_.end();) {
        if (due_at(it->second) <= now) {
            due.push_back(it->first);
            it = folders_.erase(it);
        } else {
            ++it;
        }
    }
    return due;
}

std::optional<ChangeSettler::Clock::time_point> ChangeSettler::next_due() const {
    std::optional<Clock::time_point> next;
    for (const auto& [path, f] : folders_) {
        auto at = due_at(f);
        if (!next || at < *next) next = at;
    }
    return next;
}

} // namespace hearth::library
