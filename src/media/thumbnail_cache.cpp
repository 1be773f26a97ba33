#include "hearth/media/thumbnail_cache.hpp"

#include "hearth/media/thumbnail.hpp"
#include "hearth/util/log.hpp"
#include "hearth/util/strings.hpp"

#include <cstdio>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace hearth::media {
namespace {

constexpr std::size_t kMaxFailed = 10000; // forget old failures rather than grow without bound

std::optional<std::string> read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty()) return std::nullopt;
    return bytes;
}

// Written whole or not at all: a reader never sees half a thumbnail.
bool write_atomically(const fs::path& file, const std::string& bytes) {
    auto tmp = file;
    tmp += ".tmp" + std::to_string(::gettid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << bytes;
        if (!out.flush()) return false;
    }
    std::error_code ec;
    fs::rename(tmp, file, ec);
    if (ec) fs::remove(tmp, ec);
    return !ec;
}

// "<id>-…" → id.
std::optional<std::int64_t> id_of(const std::string& name) {
    auto value = parse_uint(std::string_view(name).substr(0, name.find('-')));
    if (!value || *value > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(*value);
}

} // namespace

ThumbnailCache::ThumbnailCache(fs::path dir, Limits limits)
    : dir_(std::move(dir)), making_(limits.parallel, {limits.waiting, limits.max_wait}) {}

fs::path ThumbnailCache::file_of(std::int64_t id, const std::string& key, ArtSize size) const {
    char shard[8];
    std::snprintf(shard, sizeof shard, "%02x", static_cast<unsigned>(id & 0xFF));
    return dir_ / shard / (std::to_string(id) + "-" + key + (size == ArtSize::tn ? "-tn.jpg" : "-sm.jpg"));
}

std::optional<std::string> ThumbnailCache::key_of(const ArtSource& source) {
    struct stat st {};
    if (::stat(source.file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    return art_cache_key(source, st.st_size,
                         static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec);
}

CachedArt ThumbnailCache::get(std::int64_t id, const ArtSource& source, ArtSize size) {
    const auto found = key_of(source);
    if (!found) return {};
    const auto& key = *found;
    if (!dir_.empty()) {
        if (auto bytes = read_file(file_of(id, key, size)))
            return {CachedArt::Status::ok, std::move(*bytes), key};
    }
    {
        std::lock_guard lock(mutex_);
        if (failed_.contains(std::to_string(id) + "-" + key)) return {};
    }
    const auto slot = making_.take(id);
    if (!slot) return {CachedArt::Status::busy, {}, key};
    // Another request for this item may have made the files while this one waited.
    if (!dir_.empty()) {
        if (auto bytes = read_file(file_of(id, key, size)))
            return {CachedArt::Status::ok, std::move(*bytes), key};
    }
    return make(id, source, size, key);
}

CachedArt ThumbnailCache::make(std::int64_t id, const ArtSource& source, ArtSize size,
                               const std::string& key) {
    auto made = make_thumbnails(source);
    if (auto* why = std::get_if<std::string>(&made)) {
        log::warning("no thumbnail for ", source.file.string(), ": ", *why);
        std::lock_guard lock(mutex_);
        if (failed_.size() >= kMaxFailed) failed_.clear();
        failed_.insert(std::to_string(id) + "-" + key);
        return {};
    }
    auto& thumbs = std::get<Thumbnails>(made);
    {
        std::lock_guard lock(mutex_);
        ++made_;
    }
    if (!dir_.empty()) store(id, key, thumbs.tn, thumbs.sm);
    return {CachedArt::Status::ok, std::move(size == ArtSize::tn ? thumbs.tn : thumbs.sm), key};
}

void ThumbnailCache::store(std::int64_t id, const std::string& key, const std::string& tn,
                           const std::string& sm) {
    const auto tn_file = file_of(id, key, ArtSize::tn);
    std::error_code ec;
    fs::create_directories(tn_file.parent_path(), ec);
    if (ec || !write_atomically(tn_file, tn) || !write_atomically(file_of(id, key, ArtSize::sm), sm)) {
        log::warning("cannot keep thumbnails in ", tn_file.parent_path().string(),
                     ec ? ": " + ec.message() : std::string());
        return;
    }
    // The item's thumbnails of an older version of its source are stale now.
    const std::string mine = std::to_string(id) + "-";
    const std::string current = mine + key + "-";
    for (fs::directory_iterator it(tn_file.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().string();
        std::error_code rm;
        if (name.starts_with(mine) && !name.starts_with(current)) fs::remove(it->path(), rm);
    }
}

std::size_t ThumbnailCache::remove_except(const std::set<std::int64_t>& keep) {
    if (dir_.empty()) return 0;
    std::size_t removed = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        const auto name = it->path().filename().string();
        const auto id = id_of(name);
        const bool leftover = name.find(".tmp") != std::string::npos;
        if (id && keep.contains(*id) && !leftover) continue;
        if (id && making_.holds(*id)) continue; // a thumbnail being made for it now is written after this
        std::error_code rm;
        if (fs::remove(it->path(), rm)) ++removed;
    }
    return removed;
}

std::uint64_t ThumbnailCache::made() const {
    std::lock_guard lock(mutex_);
    return made_;
}

bool is_inside_any(const fs::path& dir, const std::vector<fs::path>& roots) {
    std::error_code ec;
    const auto resolved = fs::weakly_canonical(dir, ec);
    const auto& mine = ec ? dir : resolved;
    for (const auto& root : roots) {
        std::error_code rec;
        auto r = fs::weakly_canonical(root, rec);
        auto rel = mine.lexically_relative(rec ? root : r);
        if (!rel.empty() && *rel.begin() != "..") return true;
    }
    return false;
}

} // namespace hearth::media
