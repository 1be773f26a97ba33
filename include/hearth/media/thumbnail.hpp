#pragma once
// Thumbnails of an item's picture (media/art.hpp): decoded once, then scaled to DLNA's JPEG_TN (at most
// 160x160) and JPEG_SM (at most 640x480). Any thread; each call owns its libav handles and is bounded in
// time (a video's frame: kFrameDeadline; pictures: kMaxPicturePixels).
#include "hearth/media/art.hpp"
#include "hearth/media/av.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <variant>

namespace hearth::media {

inline constexpr int kTnSide = 160;
inline constexpr int kSmWidth = 640;
inline constexpr int kSmHeight = 480;
inline constexpr std::chrono::seconds kFrameDeadline{5};

struct Thumbnails {
    std::string tn; ///< JPEG_TN bytes
    std::string sm; ///< JPEG_SM bytes
};

/// Both thumbnails of the source, or why there are none (one line for the log).
std::variant<Thumbnails, std::string> make_thumbnails(const ArtSource& source);

/// The mean luma (0…255) of a picture's first plane when it is a YUV/gray format; nullopt otherwise. Used
/// to pass over black frames (fades, studio logos) when picking a video's thumbnail.
std::optional<double> mean_luma(const AVFrame& picture);

} // namespace hearth::media
