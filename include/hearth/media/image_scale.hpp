#pragma once
// Pictures for renderers that cannot show the original: decoded with libavcodec, scaled down with swscale
// (aspect kept) and encoded as a baseline JPEG. Any thread; each call owns its libav handles.
#include "hearth/media/av.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <utility>

namespace hearth::media {

/// The size of a width x height picture scaled down to fit max_width x max_height, aspect kept (never
/// enlarged; at least 1x1). A limit of 0 or less is no limit in that direction. Pure.
std::pair<int, int> fit_within(int width, int height, int max_width, int max_height);

/// The picture at `image` (JPEG, PNG, GIF, BMP, WebP, TIFF…: whatever libavcodec decodes) as JPEG bytes,
/// scaled by fit_within; nullopt when it cannot be read or decoded.
std::optional<std::string> scaled_jpeg(const std::filesystem::path& image, int max_width, int max_height);

/// Pictures with more pixels than this are not decoded (a bomb of a header must not take all memory).
inline constexpr std::int64_t kMaxPicturePixels = 100'000'000;

/// The first picture of a file, decoded; null when it cannot be read, decoded, or is too large.
av::Frame decode_picture(const std::filesystem::path& image);

/// A decoded picture as JPEG bytes, scaled down by fit_within; nullopt when it cannot be converted.
std::optional<std::string> jpeg_of(const AVFrame& picture, int max_width, int max_height);

} // namespace hearth::media
