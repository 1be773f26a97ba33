#include "hearth/util/slots.hpp"

#include <condition_variable>
#include <mutex>
#include <set>

namespace hearth::util {

struct Slots::State {
    State(unsigned limit, Waiting waiting) : limit(limit), waits(waiting) {}
    mutable std::mutex mutex; // guards everything below
    std::condition_variable freed;
    unsigned limit;
    const Waiting waits;
    unsigned taken = 0;
    unsigned waiting = 0;
    std::set<std::int64_t> keys; ///< of the leases held now
};

Slots::Lease& Slots::Lease::operator=(Lease&& other) noexcept {
    if (this != &other) {
        reset();
        state_ = std::move(other.state_);
        key_ = other.key_;
    }
    return *this;
}

void Slots::Lease::reset() noexcept {
    if (!state_) return;
    {
        std::lock_guard lock(state_->mutex);
        --state_->taken;
        if (key_) state_->keys.erase(*key_);
    }
    // All, not one: a waiter for a key still held would take the wake-up and go back to sleep.
    state_->freed.notify_all();
    state_.reset();
}

Slots::Slots(unsigned limit) : Slots(limit, Waiting{}) {}

Slots::Slots(unsigned limit, Waiting waiting) : state_(std::make_shared<State>(limit, waiting)) {}

Slots::Lease Slots::take(std::optional<std::int64_t> key) {
    auto& s = *state_;
    std::unique_lock lock(s.mutex);
    auto free = [&] { return s.taken < s.limit && !(key && s.keys.contains(*key)); };
    if (!free()) {
        if (s.waiting >= s.waits.waiters) return {};
        ++s.waiting;
        const bool freed = s.freed.wait_for(lock, s.waits.max_wait, free);
        --s.waiting;
        if (!freed) return {};
    }
    ++s.taken;
    if (key) s.keys.insert(*key);
    return Lease(state_, key);
}

void Slots::set_limit(unsigned limit) {
    std::lock_guard lock(state_->mutex);
    state_->limit = limit;
}

unsigned Slots::taken() const {
    std::lock_guard lock(state_->mutex);
    return state_->taken;
}

unsigned Slots::waiting() const {
    std::lock_guard lock(state_->mutex);
    return state_->waiting;
}

bool Slots::holds(std::int64_t key) const {
    std::lock_guard lock(state_->mutex);
    return state_->keys.contains(key);
}

} // namespace hearth::util
