#pragma once
// The date a photo was taken, from the Exif APP1 segment of a JPEG (FFmpeg does not report Exif at probe
// time). Pure and bounded: every offset is checked against the buffer before it is read.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

namespace hearth::media {

/// DateTimeOriginal, else DateTimeDigitized, else the IFD0 DateTime of a JPEG's Exif segment, as
/// "YYYY-MM-DDTHH:MM:SS"; nullopt when the bytes are not a JPEG, have no Exif date, or it is blank or
/// malformed ("0000:00:00 00:00:00", out-of-range fields).
std::optional<std::string> exif_date(std::span<const std::uint8_t> jpeg);

/// exif_date() of the first bytes of a file (Exif comes before the picture and is at most 64 KiB).
std::optional<std::string> exif_date_of_file(const std::filesystem::path& path);

} // namespace hearth::media
