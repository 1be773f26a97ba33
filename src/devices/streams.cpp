#include "hearth/devices/streams.hpp"

#include <algorithm>

namespace hearth::devices {

std::variant<Streams::Lease, net::Refusal> Streams::start(const ActiveStream& wanted) {
    const Key key{wanted.device_id, wanted.object_id};
    std::lock_guard lock(mutex_);
    auto it = active_.find(key);
    if (it == active_.end()) {
        auto per_device = std::count_if(active_.begin(), active_.end(),
                                        [&](const auto& kv) { return kv.first.first == wanted.device_id; });
        bool title_elsewhere = std::any_of(active_.begin(), active_.end(), [&](const auto& kv) {
            return kv.first.second == wanted.object_id && kv.first.first != wanted.device_id;
        });
        if (limits_.one_per_title && title_elsewhere) return net::Refusal::title_in_use;
        if (active_.size() >= limits_.max_total ||
            static_cast<unsigned>(per_device) >= limits_.max_per_device) {
            return net::Refusal::stream_limit;
        }
        it = active_.emplace(key, wanted).first;
        it->second.connections = 0;
    }
    ++it->second.connections;
    // The lease points at this tracker and owns nothing; its deleter gives the connection back.
    return Lease(static_cast<void*>(this), [this, key](void*) { release(key); });
}

void Streams::release(const Key& key) {
    std::lock_guard lock(mutex_);
    auto it = active_.find(key);
    if (it != active_.end() && --it->second.connections == 0) active_.erase(it);
}

StreamLimits Streams::limits() const {
    std::lock_guard lock(mutex_);
    return limits_;
}

void Streams::set_limits(StreamLimits limits) {
    std::lock_guard lock(mutex_);
    limits_ = limits;
}

std::vector<ActiveStream> Streams::active() const {
    std::lock_guard lock(mutex_);
    std::vector<ActiveStream> out;
    for (const auto& [key, s] : active_)
        out.push_back(s);
    return out;
}

} // namespace hearth::devices
