#pragma once
// Which folders changed, held back until they have settled: quiet for a moment, and no file in them still
// being written (a copy in progress must not be probed half-done). Pure: the caller passes the time, so the
// rules are tested without a clock. Used by the live loop's thread only.
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hearth::library {

class ChangeSettler {
  public:
    using Clock = std::chrono::steady_clock;

    struct Timing {
        Clock::duration quiet = std::chrono::seconds(1);    ///< no event in the folder for this long
        Clock::duration stalled = std::chrono::seconds(30); ///< a file left open without a write this long
        Clock::duration longest = std::chrono::seconds(10); ///< events that never stop: scan anyway
    };

    explicit ChangeSettler(Timing timing) : timing_(timing) {}

    /// Something in `folder` was created, removed, renamed or had its attributes changed.
    void changed(const std::string& folder, Clock::time_point now);
    /// A file in `folder` was created or written to and is not closed yet.
    void writing(const std::string& folder, const std::string& name, Clock::time_point now);
    /// That file was closed after writing, or deleted, or moved away.
    void closed(const std::string& folder, const std::string& name, Clock::time_point now);

    /// The folders that have settled by `now`, taken out of the pending set, in path order.
    std::vector<std::string> take_due(Clock::time_point now);
    /// When the next pending folder may settle; nullopt when none is pending.
    std::optional<Clock::time_point> next_due() const;
    bool empty() const { return folders_.empty(); }

  private:
    struct Folder {
        Clock::time_point first; ///< the first event since the folder was last scanned
        Clock::time_point last;  ///< the latest event
        std::set<std::string> open;
    };
    Folder& touch(const std::string& folder, Clock::time_point now);
    Clock::time_point due_at(const Folder& f) const;

    Timing timing_;
    std::map<std::string, Folder> folders_;
};

} // namespace hearth::library
