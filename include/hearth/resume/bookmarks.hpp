#pragma once
// Resume: the last playback position of each item per device, from Samsung's X_SetBookmark and from where
// streams stopped. The arithmetic is pure; Bookmarks keeps them in memory for Browse (never touching the
// database on a request thread) and writes them through its own writer connection on a thread of its own.
#include "hearth/db/sqlite.hpp"
#include "hearth/util/periodic.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace hearth::resume {

/// The device id of the host itself (devices::ActiveStream uses it too); devices have ids from 1.
inline constexpr std::int64_t kHostDevice = -1;
/// Seconds: an earlier position is not worth a bookmark (the start is as good).
inline constexpr double kMinPosition = 10;
/// Seconds of media a stream must have delivered to say anything: less is a renderer probing the file
/// (headers at the start, an MP4 index at the end), not someone watching.
inline constexpr double kMinPlayed = 5;

/// Seconds before the end within which an item counts as finished: the credits (5 %), at least 10 s.
double finish_margin(double duration);

enum class Change { none, set, clear };
struct Verdict {
    Change change = Change::none;
    std::int64_t seconds = 0; ///< the bookmark, for Change::set
    bool operator==(const Verdict&) const = default;
};

/// What one stream of an item delivered, in seconds into the item.
struct Played {
    double start = 0;
    double end = 0;
    double duration = 0;      ///< of the item; 0 when unknown (then nothing is bookmarked)
    bool reached_end = false; ///< the stream ran to the natural end of the item
};

/// What a finished or interrupted stream means for the bookmark.
Verdict after_stream(const Played& played);

/// What X_SetBookmark's PosSecond means: near the start or the end clears (duration 0: unknown).
Verdict after_set_bookmark(std::uint64_t position, double duration);

/// Seconds into an item at a byte offset of its file (constant bitrate assumed); 0 when size is 0.
double seconds_at_byte(std::uint64_t byte, std::uint64_t size, double duration);

/// "H+:MM:SS" (UPnP AV's upnp:lastPlaybackPosition): 0:00:42, 1:02:03, 123:00:00.
std::string playback_position(std::int64_t seconds);

/// The bookmarks table (migration 0008) on one writer connection; one thread at a time.
class Store {
  public:
    explicit Store(const std::filesystem::path& db_path);
    /// Every bookmark of an item that is still in the index, by (object, device).
    std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> load();
    void put(std::int64_t object_id, std::int64_t device_id, std::int64_t seconds);
    void remove(std::int64_t object_id, std::int64_t device_id);

  private:
    db::Database db_;
};

class Bookmarks {
  public:
    explicit Bookmarks(const std::filesystem::path& db_path);
    ~Bookmarks();
    Bookmarks(const Bookmarks&) = delete;
    Bookmarks& operator=(const Bookmarks&) = delete;

    /// Starts the thread that writes changes (within a second); stop() writes what is left.
    void start();
    void stop();

    /// The bookmark of an item for a device, in seconds. Any thread; memory only.
    std::optional<std::int64_t> get(std::int64_t object_id, std::int64_t device_id) const;
    /// Applies a verdict now (get() sees it at once); the database follows. Any thread.
    void apply(std::int64_t object_id, std::int64_t device_id, const Verdict& verdict);

  private:
    using Key = std::pair<std::int64_t, std::int64_t>; // object, device
    void flush();

    mutable std::mutex mutex_; // guards positions_, dirty_
    std::map<Key, std::int64_t> positions_;
    std::set<Key> dirty_;
    std::mutex store_mutex_; // guards store_
    Store store_;
    util::Periodic writer_;
};

} // namespace hearth::resume
