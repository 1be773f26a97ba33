#pragma once
// A limit on how many of something run at once (conversions, thumbnails being made): take() gives a Lease or
// nothing, and the slot comes back when the lease is destroyed. A take() that finds every slot taken waits
// only if the Slots allow it: at most `waiters` callers at once, each for at most `max_wait`; every other
// caller gets nothing at once, so that a burst of requests cannot pile up blocked threads. A key, when given,
// also keeps two leases of the same key from being held at once (a thumbnail is made once, not twice in
// parallel): the second waits as it would for a slot. Any thread. A lease may outlive its Slots.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

namespace hearth::util {

class Slots {
    struct State;

  public:
    struct Waiting {
        unsigned waiters = 0; ///< callers that may wait at once; 0: take() never waits
        std::chrono::milliseconds max_wait{0};
    };

    /// Holds one slot (and its key) until destroyed or reset. Move-only; empty when take() gave nothing.
    class Lease {
      public:
        Lease() = default;
        Lease(Lease&& other) noexcept = default;
        Lease& operator=(Lease&& other) noexcept;
        ~Lease() { reset(); }
        explicit operator bool() const { return state_ != nullptr; }
        /// Gives the slot back now.
        void reset() noexcept;

      private:
        friend class Slots;
        Lease(std::shared_ptr<State> state, std::optional<std::int64_t> key)
            : state_(std::move(state)), key_(key) {}
        std::shared_ptr<State> state_; // shared, so that the lease may outlive the Slots
        std::optional<std::int64_t> key_;
    };

    /// take() never waits.
    explicit Slots(unsigned limit);
    Slots(unsigned limit, Waiting waiting);
    Slots(const Slots&) = delete;
    Slots& operator=(const Slots&) = delete;

    /// A slot (with no other lease of `key` held), waiting for one as the Slots allow; empty when none came.
    Lease take(std::optional<std::int64_t> key = std::nullopt);
    /// Applies from the next take(); leases held now stay valid even above the new limit.
    void set_limit(unsigned limit);
    unsigned taken() const;
    /// Callers waiting in take() now.
    unsigned waiting() const;
    /// Whether a lease of `key` is held now.
    bool holds(std::int64_t key) const;

  private:
    std::shared_ptr<State> state_;
};

} // namespace hearth::util
