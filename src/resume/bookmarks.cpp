#include "hearth/resume/bookmarks.hpp"

#include "hearth/db/migrations.hpp"
#include "hearth/util/log.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

namespace hearth::resume {
namespace {

constexpr auto kSyncInterval = std::chrono::seconds(1);

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

double finish_margin(double duration) {
    return std::max(10.0, duration * 0.05);
}

Verdict after_stream(const Played& played) {
    if (played.duration <= 0 || played.end - played.start < kMinPlayed) return {};
    // A read that starts in the credits is a renderer fetching the index of an MP4 (its moov, several MB
    // in a long film) or a seek table at the end of the file before it plays: it says nothing of where the
    // viewer is.
    if (played.start >= played.duration - finish_margin(played.duration)) return {};
    if (played.reached_end || played.end >= played.duration - finish_margin(played.duration))
        return {Change::clear, 0};
    if (played.end < kMinPosition) return {};
    return {Change::set, static_cast<std::int64_t>(played.end)};
}

Verdict after_set_bookmark(std::uint64_t position, double duration) {
    const auto seconds = static_cast<double>(position);
    if (seconds < kMinPosition) return {Change::clear, 0}; // the renderer says it is back at the start
    if (duration > 0 && seconds >= duration - finish_margin(duration)) return {Change::clear, 0};
    return {Change::set, static_cast<std::int64_t>(position)};
}

double seconds_at_byte(std::uint64_t byte, std::uint64_t size, double duration) {
    if (size == 0 || duration <= 0) return 0;
    return static_cast<double>(std::min(byte, size)) / static_cast<double>(size) * duration;
}

std::string playback_position(std::int64_t seconds) {
    seconds = std::max<std::int64_t>(seconds, 0);
    auto two = [](std::int64_t n) { return (n < 10 ? "0" : "") + std::to_string(n); };
    return std::to_string(seconds / 3600) + ":" + two(seconds / 60 % 60) + ":" + two(seconds % 60);
}

Store::Store(const std::filesystem::path& db_path) : db_(db_path, db::OpenMode::read_write_create) {
    db::configure_writer(db_);
}

std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> Store::load() {
    // Bookmarks first, each item looked up by id: a join let SQLite walk the whole index of objects and
    // look each one up among the (few) bookmarks, at every start.
    auto s = db_.prepare("SELECT b.object_id, b.device_id, b.seconds FROM bookmarks b "
                         "WHERE EXISTS (SELECT 1 FROM objects o WHERE o.id = b.object_id)");
    std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> out;
    while (s.step())
        out[{s.int64(0), s.int64(1)}] = s.int64(2);
    return out;
}

void Store::put(std::int64_t object_id, std::int64_t device_id, std::int64_t seconds) {
    auto s = db_.prepare("INSERT INTO bookmarks(object_id, device_id, seconds, updated) VALUES(?, ?, ?, ?) "
                         "ON CONFLICT(object_id, device_id) DO UPDATE SET seconds = excluded.seconds, "
                         "updated = excluded.updated");
    s.bind(1, object_id).bind(2, device_id).bind(3, seconds).bind(4, unix_now()).exec();
}

void Store::remove(std::int64_t object_id, std::int64_t device_id) {
    auto s = db_.prepare("DELETE FROM bookmarks WHERE object_id = ? AND device_id = ?");
    s.bind(1, object_id).bind(2, device_id).exec();
}

Bookmarks::Bookmarks(const std::filesystem::path& db_path) : store_(db_path) {
    positions_ = store_.load();
}

Bookmarks::~Bookmarks() {
    stop();
}

void Bookmarks::start() {
    writer_.start(kSyncInterval, [this] {
        try {
            flush();
        } catch (const std::exception& e) {
            log::warning("bookmarks: ", e.what(), "; will retry");
        }
    });
}

void Bookmarks::stop() {
    writer_.stop();
    try {
        flush();
    } catch (const std::exception& e) {
        log::warning("bookmarks: last changes not saved: ", e.what());
    }
}

std::optional<std::int64_t> Bookmarks::get(std::int64_t object_id, std::int64_t device_id) const {
    std::lock_guard lock(mutex_);
    auto it = positions_.find({object_id, device_id});
    if (it == positions_.end()) return std::nullopt;
    return it->second;
}

void Bookmarks::apply(std::int64_t object_id, std::int64_t device_id, const Verdict& verdict) {
    if (verdict.change == Change::none) return;
    const Key key{object_id, device_id};
    std::lock_guard lock(mutex_);
    if (verdict.change == Change::set) {
        positions_[key] = verdict.seconds;
    } else if (positions_.erase(key) == 0) {
        return; // nothing to clear
    }
    dirty_.insert(key);
}

// Writes each changed key's current state: a row when it has a bookmark, none when it was cleared.
void Bookmarks::flush() {
    std::vector<std::pair<Key, std::optional<std::int64_t>>> changed;
    {
        std::lock_guard lock(mutex_);
        for (const auto& key : dirty_) {
            auto it = positions_.find(key);
            changed.emplace_back(key, it == positions_.end() ? std::nullopt : std::optional(it->second));
        }
        dirty_.clear();
    }
    if (changed.empty()) return;
    try {
        std::lock_guard store_lock(store_mutex_);
        for (const auto& [key, seconds] : changed) {
            if (seconds) {
                store_.put(key.first, key.second, *seconds);
            } else {
                store_.remove(key.first, key.second);
            }
        }
    } catch (...) {
        std::lock_guard lock(mutex_); // written again next time, from the state then
        for (const auto& [key, seconds] : changed)
            dirty_.insert(key);
        throw;
    }
}

} // namespace hearth::resume
