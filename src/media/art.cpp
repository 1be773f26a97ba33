#include "hearth/media/art.hpp"

#include "hearth/util/strings.hpp"

#include <array>
#include <cstdio>

namespace hearth::media {
namespace {

// The names people and their tools give album covers, best first. MusicBrainz Picard, foobar2000 and most
// rippers write cover.jpg; Windows Media Player folder.jpg and AlbumArt_{GUID}_Large.jpg; Kodi folder.jpg
// and thumb.jpg; scanned sleeves are often front.jpg.
constexpr std::array<std::string_view, 6> kCoverStems = {"cover", "folder",   "front",
                                                         "album", "albumart", "thumb"};

// Bump to make every cached thumbnail stale (when the way they are made changes).
constexpr std::string_view kThumbnailVersion = "1";

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash = 0xcbf29ce484222325ULL) {
    for (unsigned char c : bytes) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

} // namespace

std::optional<int> cover_rank(std::string_view file_name) {
    auto name = to_lower(file_name);
    auto dot = name.rfind('.');
    if (dot == std::string::npos) return std::nullopt;
    auto ext = std::string_view(name).substr(dot + 1);
    if (ext != "jpg" && ext != "jpeg" && ext != "png") return std::nullopt;
    auto stem = std::string_view(name).substr(0, dot);
    for (std::size_t i = 0; i < kCoverStems.size(); ++i) {
        const auto wanted = kCoverStems[i];
        if (stem == wanted) return static_cast<int>(i) * 4;
        // Windows Media Player: AlbumArtSmall.jpg, AlbumArt_{GUID}_Large.jpg, AlbumArt_{GUID}_Small.jpg.
        if (wanted == "albumart" && stem.starts_with(wanted)) {
            if (stem.ends_with("large")) return static_cast<int>(i) * 4 + 1;
            if (stem.ends_with("small")) return static_cast<int>(i) * 4 + 2;
            return static_cast<int>(i) * 4 + 3;
        }
    }
    return std::nullopt;
}

std::string picture_mime(std::string_view bytes) {
    if (bytes.size() > 3 && bytes.substr(0, 3) == "\xFF\xD8\xFF") return "image/jpeg";
    if (bytes.size() > 8 && bytes.substr(0, 8) == "\x89PNG\r\n\x1A\n") return "image/png";
    return {};
}

bool picture_looks_whole(std::string_view bytes) {
    constexpr std::size_t kPadding = 64; // some taggers pad pictures with zeros
    auto tail = bytes.substr(bytes.size() > kPadding + 12 ? bytes.size() - kPadding - 12 : 0);
    auto mime = picture_mime(bytes);
    if (mime == "image/jpeg") return tail.find("\xFF\xD9") != std::string_view::npos;
    if (mime == "image/png") return tail.find("IEND") != std::string_view::npos;
    return false;
}

const char* art_profile(ArtSize size) {
    return size == ArtSize::tn ? "JPEG_TN" : "JPEG_SM";
}

std::string art_features(ArtSize size) {
    return std::string("DLNA.ORG_PN=") + art_profile(size) +
           ";DLNA.ORG_OP=00;DLNA.ORG_CI=1;DLNA.ORG_FLAGS=00f00000000000000000000000000000";
}

std::optional<std::string> art_column(const MediaInfo& info) {
    if (info.kind == Kind::video) return "frame";
    if (info.kind == Kind::image) return "picture";
    if (info.embedded_picture) return "embedded";
    return std::nullopt;
}

std::optional<ArtSource> art_source(std::string_view column, const std::filesystem::path& media_file) {
    if (column == "embedded") return ArtSource{ArtKind::embedded, media_file};
    if (column == "frame") return ArtSource{ArtKind::frame, media_file};
    if (column == "picture") return ArtSource{ArtKind::picture, media_file};
    if (column.starts_with('/')) return ArtSource{ArtKind::cover, std::filesystem::path(column)};
    return std::nullopt;
}

std::string art_cache_key(const ArtSource& source, std::int64_t size, std::int64_t mtime_ns) {
    std::string text(kThumbnailVersion);
    text.append(1, '\0').append(std::to_string(static_cast<int>(source.kind)));
    text.append(1, '\0').append(source.file.native());
    text.append(1, '\0').append(std::to_string(size));
    text.append(1, '\0').append(std::to_string(mtime_ns));
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a(text)));
    return hex;
}

} // namespace hearth::media
