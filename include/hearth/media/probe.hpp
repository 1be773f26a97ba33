#pragma once
// Reads a media file's container, streams and tags with libavformat, without decoding it whole.
// Safe to call from several threads at once (each call owns its own libav contexts).
#include "hearth/media/media_info.hpp"

#include <filesystem>
#include <string>
#include <variant>

namespace hearth::media {

struct ProbeError {
    std::string reason; ///< one line a person can act on, e.g. "truncated or damaged: no stream parameters"
};

std::variant<MediaInfo, ProbeError> probe(const std::filesystem::path& file);

/// Silences libav's own logging (Hearth reports probe failures itself, once per file).
void quiet_libav();

} // namespace hearth::media
