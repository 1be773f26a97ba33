#pragma once
// Where an item's picture comes from: the picture embedded in an audio file (ID3 APIC, MP4 covr, FLAC
// picture), a cover file beside it (cover.jpg, folder.png, AlbumArt_{…}_Large.jpg…), a video's own frame, a
// photo itself. The scanner records the answer in the index (objects.art) so that Browse never opens files.
#include "hearth/media/media_info.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace hearth::media {

/// Embedded pictures larger than this are not used (nor advertised): no cover needs more.
inline constexpr std::int64_t kMaxEmbeddedArtBytes = 16 << 20;

/// How well a file name serves as an album's cover, lower is better (cover, folder, front, album,
/// albumart* with "large" before "small", thumb); nullopt when it is no cover name. Any case; .jpg, .jpeg,
/// .png. Pure.
std::optional<int> cover_rank(std::string_view file_name);

/// "image/jpeg" / "image/png" from a picture's first bytes; empty when it is neither. Pure.
std::string picture_mime(std::string_view bytes);

/// Whether a JPEG or PNG is whole: it ends with its end marker (JPEG EOI, PNG IEND), allowing a little
/// padding. A cheap check that catches truncated pictures without decoding them. Pure.
bool picture_looks_whole(std::string_view bytes);

enum class ArtKind { embedded, cover, frame, picture };

struct ArtSource {
    ArtKind kind = ArtKind::embedded;
    std::filesystem::path file; ///< the media file, or the cover file for ArtKind::cover
};

/// The two thumbnail sizes: DLNA's JPEG_TN (at most 160x160) and JPEG_SM (at most 640x480).
enum class ArtSize { tn, sm };

/// DLNA profile name of a thumbnail size: "JPEG_TN", "JPEG_SM". Pure.
const char* art_profile(ArtSize size);

/// The fourth protocolInfo field of a thumbnail: that profile, no seeking (OP=00), converted (CI=1),
/// interactive transfer and DLNA 1.5 (FLAGS=00f…). Pure.
std::string art_features(ArtSize size);

/// The objects.art value a probed file gives itself: "frame" for videos, "picture" for photos, "embedded"
/// for audio with a usable picture inside; nullopt otherwise. The scanner's walk, which lists every folder
/// anyway, then points the audio without a picture of its own at the folder's cover file. Pure.
std::optional<std::string> art_column(const MediaInfo& info);

/// The source an objects.art value names for this media file; nullopt for none. Pure.
std::optional<ArtSource> art_source(std::string_view column, const std::filesystem::path& media_file);

/// The name a thumbnail is cached under, from what it is made of: changes whenever the source file
/// changes (size or modification time, in nanoseconds). 16 hex digits. Pure.
std::string art_cache_key(const ArtSource& source, std::int64_t size, std::int64_t mtime_ns);

} // namespace hearth::media
