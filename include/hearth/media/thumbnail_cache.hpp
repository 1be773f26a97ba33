#pragma once
// Thumbnails made once and kept in the state folder (beside the database, never under a media folder):
// <dir>/<shard>/<object id>-<art_cache_key>-tn.jpg and -sm.jpg. A changed source gets a new key, so a new
// file, and the item's old files are removed when the new ones are written; files of items that lost their
// art or left the index go in remove_except(), after each scan.
//
// Threads: get() from any HTTP connection thread. It makes thumbnails on the calling thread (which holds
// up only that connection), at most `parallel` at once, so that a first browse of many videos does not take
// every core from Browse and streams; a request that finds them all busy waits at most `max_wait`, and only
// `waiting` may wait at all (the caller answers 503). The limit is a util::Slots keyed by object id, so an
// item's thumbnails are never made twice at once: a second request for it waits as for a slot.
#include "hearth/media/art.hpp"
#include "hearth/util/slots.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace hearth::media {

struct CachedArt {
    enum class Status { ok, none, busy } status = Status::none;
    std::string jpeg;
    std::string key; ///< art_cache_key of the source (an ETag)
};

class ThumbnailCache {
  public:
    struct Limits {
        unsigned parallel = 2;
        unsigned waiting = 1;
        std::chrono::milliseconds max_wait{2000};
    };

    /// dir empty: nothing is kept (each request makes its thumbnail again).
    explicit ThumbnailCache(std::filesystem::path dir, Limits limits);
    explicit ThumbnailCache(std::filesystem::path dir) : ThumbnailCache(std::move(dir), Limits{}) {}

    /// The thumbnail of object `id` whose art comes from `source`: from the cache, else made now (both
    /// sizes at once) and kept. none when the source is gone or cannot be made into a picture (logged once
    /// per source version); busy when all slots stayed taken. Any thread.
    CachedArt get(std::int64_t id, const ArtSource& source, ArtSize size);
    /// The cache key (and ETag) that get() would answer with now, from one stat of the source; nullopt when
    /// the source is gone. Lets a renderer's If-None-Match be answered without reading a thumbnail.
    static std::optional<std::string> key_of(const ArtSource& source);

    /// Removes the files of every object not in `keep` and leftovers of interrupted writes; returns how
    /// many files went. Any thread (scan loop).
    std::size_t remove_except(const std::set<std::int64_t>& keep);

    /// How many times thumbnails were made (not read from the cache) since start. Any thread.
    std::uint64_t made() const;

  private:
    CachedArt make(std::int64_t id, const ArtSource& source, ArtSize size, const std::string& key);
    std::filesystem::path file_of(std::int64_t id, const std::string& key, ArtSize size) const;
    void store(std::int64_t id, const std::string& key, const std::string& tn, const std::string& sm);

    const std::filesystem::path dir_;
    util::Slots making_;           ///< keyed by the object whose thumbnails are being made
    mutable std::mutex mutex_;     // guards everything below
    std::set<std::string> failed_; ///< "<id>-<key>" that could not be made: not tried (or logged) again
    std::uint64_t made_ = 0;
};

/// Whether `dir` is inside (or is) one of `roots`, compared after resolving what exists of each. Pure
/// apart from reading the file system's links.
bool is_inside_any(const std::filesystem::path& dir, const std::vector<std::filesystem::path>& roots);

} // namespace hearth::media
