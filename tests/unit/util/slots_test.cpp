// The slot limiter: the count limit, release when a lease ends, the bounded wait and the bound on waiters.
// Waits that must succeed are long (10 s) and end as soon as a slot frees; only the timeouts are short.
#include "hearth/util/slots.hpp"

#include <chrono>
#include <future>
#include <gtest/gtest.h>
#include <optional>
#include <thread>

namespace hearth::util {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Until `slots` has `n` callers waiting: they are inside take() then, so a slot freed after this is one
// they can be given. Polls the count (no sleep stands in for it); fails after 10 s.
bool wait_for_waiters(const Slots& slots, unsigned n) {
    const auto deadline = Clock::now() + 10s;
    while (slots.waiting() < n) {
        if (Clock::now() > deadline) return false;
        std::this_thread::yield();
    }
    return true;
}

// A take() on another thread, returned once it waits in take(): whether it got a slot in the end.
std::future<bool> waiting_take(Slots& slots, std::optional<std::int64_t> key = std::nullopt) {
    const unsigned before = slots.waiting();
    auto taken = std::async(std::launch::async, [&slots, key] { return static_cast<bool>(slots.take(key)); });
    EXPECT_TRUE(wait_for_waiters(slots, before + 1));
    return taken;
}

// How long a take() that must give nothing took (and that it gave nothing).
Clock::duration refusal_time(Slots& slots) {
    const auto start = Clock::now();
    EXPECT_FALSE(slots.take());
    return Clock::now() - start;
}

TEST(Slots, GivesAtMostTheLimitAndTakesThemBackWhenALeaseEnds) {
    Slots slots(2);
    auto a = slots.take();
    auto b = slots.take();
    ASSERT_TRUE(a && b);
    EXPECT_FALSE(slots.take());
    EXPECT_EQ(slots.taken(), 2u);
    {
        auto moved = std::move(a); // the slot moves with the lease and comes back when that one goes
        EXPECT_FALSE(slots.take());
    }
    EXPECT_EQ(slots.taken(), 1u);
    auto c = slots.take();
    EXPECT_TRUE(c);
    b.reset();
    EXPECT_EQ(slots.taken(), 1u);
    b = slots.take();
    EXPECT_TRUE(b);
    b = Slots::Lease(); // assigning over a lease gives its slot back
    EXPECT_EQ(slots.taken(), 1u);
}

TEST(Slots, ANewLimitAppliesFromTheNextTake) {
    Slots slots(1);
    auto a = slots.take();
    EXPECT_FALSE(slots.take());
    slots.set_limit(3);
    auto b = slots.take();
    auto c = slots.take();
    EXPECT_TRUE(b && c);
    EXPECT_FALSE(slots.take());
    slots.set_limit(0);
    EXPECT_FALSE(slots.take());
    EXPECT_EQ(slots.taken(), 3u) << "leases held stay valid above a lowered limit";
}

TEST(Slots, ALeaseMayOutliveItsSlots) {
    Slots::Lease lease;
    {
        Slots slots(1);
        lease = slots.take();
        ASSERT_TRUE(lease);
    }
    lease.reset(); // no use after free (ASan would say)
}

TEST(Slots, AKeyIsHeldByOneLeaseAtATime) {
    Slots slots(3);
    auto a = slots.take(7);
    ASSERT_TRUE(a);
    EXPECT_TRUE(slots.holds(7));
    EXPECT_FALSE(slots.take(7)) << "slots are free, but key 7 is held";
    auto other = slots.take(8);
    auto unkeyed = slots.take();
    EXPECT_TRUE(other && unkeyed);
    a.reset();
    EXPECT_FALSE(slots.holds(7));
    EXPECT_TRUE(slots.take(7));
}

TEST(Slots, AWaiterGetsTheSlotThatFrees) {
    Slots slots(1, {1, 10s});
    auto held = slots.take();
    ASSERT_TRUE(held);
    auto waiter = waiting_take(slots);
    const auto freed = Clock::now();
    held.reset();
    EXPECT_TRUE(waiter.get());
    EXPECT_LT(Clock::now() - freed, 5s) << "woken by the release, not by its timeout";
    EXPECT_EQ(slots.waiting(), 0u);
}

TEST(Slots, AWaiterForAKeyGetsItWhenThatLeaseEnds) {
    Slots slots(2, {1, 10s});
    auto held = slots.take(5);
    auto waiter = waiting_take(slots, 5);
    EXPECT_TRUE(slots.take(6)) << "other keys are not held up";
    held.reset();
    EXPECT_TRUE(waiter.get());
}

TEST(Slots, AWaitEndsEmptyAfterMaxWait) {
    Slots slots(1, {1, 5ms});
    auto held = slots.take();
    EXPECT_GE(refusal_time(slots), 5ms);
    EXPECT_EQ(slots.waiting(), 0u);
    EXPECT_EQ(slots.taken(), 1u);
}

TEST(Slots, OnlyWaitersUpToTheLimitWaitTheRestGetNothingAtOnce) {
    Slots slots(1, {1, 10s});
    auto held = slots.take();
    auto waiter = waiting_take(slots);
    EXPECT_LT(refusal_time(slots), 5s) << "the one waiting place is taken: refused at once, not after a wait";
    held.reset();
    EXPECT_TRUE(waiter.get());
}

TEST(Slots, NoWaitingWhenNoWaitersAreAllowed) {
    Slots slots(1, {0, 10s});
    auto held = slots.take();
    EXPECT_LT(refusal_time(slots), 5s);
}

} // namespace
} // namespace hearth::util
