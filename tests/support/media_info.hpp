#pragma once
// Made-up probe results, as media::probe reports them, shared by the tests of the DLNA profile table and of
// the transcode decision.
#include "hearth/media/media_info.hpp"

#include <cstdint>
#include <string>
#include <utility>

namespace hearth::test {

/// FFmpeg's demuxer names, as MediaInfo::container holds them.
inline constexpr const char* kMp4 = "mov,mp4,m4a,3gp,3g2,mj2";
inline constexpr const char* kMkv = "matroska,webm";

/// A picture.
inline media::MediaInfo image(std::string container, std::string ext, std::string codec, std::int64_t w,
                              std::int64_t h) {
    media::MediaInfo i;
    i.kind = media::Kind::image;
    i.container = std::move(container);
    i.extension = std::move(ext);
    i.video_codec = std::move(codec);
    i.width = w;
    i.height = h;
    return i;
}

} // namespace hearth::test
