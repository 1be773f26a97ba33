#pragma once
// What the probe would find in a small H.264 Matroska file: lets tests index files through the scanner's
// parts (library/index_writer.hpp) without FFmpeg.
#include "hearth/media/media_info.hpp"

namespace hearth::test {

inline media::MediaInfo probed_video() {
    media::MediaInfo info;
    info.kind = media::Kind::video;
    info.container = "matroska,webm";
    info.extension = "mkv";
    info.video_codec = "h264";
    return info;
}

} // namespace hearth::test
