#pragma once
// Cover art for an item: the picture embedded in the file (ID3 APIC, MP4 covr, FLAC/Matroska attachments),
// else cover.jpg/folder.jpg (or .png) beside it. Read on demand; any thread.
#include <filesystem>
#include <optional>
#include <string>

namespace hearth::media {

struct Art {
    std::string mime; ///< "image/jpeg" or "image/png"
    std::string bytes;
};

/// The file's own picture, or its folder's; nullopt when there is none (or it is larger than 8 MiB).
std::optional<Art> find_art(const std::filesystem::path& media_file);

/// "image/jpeg" / "image/png" from a picture's first bytes; empty when it is neither.
std::string picture_mime(std::string_view bytes);

} // namespace hearth::media
