#pragma once
// Sidecar subtitles: which file beside a video is its subtitle. Pure.
#include <optional>
#include <string>
#include <string_view>

namespace hearth::library {

/// Whether Hearth offers files with this extension (lower case, no dot) as subtitles.
bool is_subtitle_extension(std::string_view extension);

struct SubtitleMatch {
    std::string language; ///< empty when the name has none
};

/// Whether the subtitle file named subtitle_file (a file name) belongs to the video whose file name without
/// extension is video_stem: "Film.srt" and "Film.en.srt"/"Film.forced.srt" for "Film".
std::optional<SubtitleMatch> match_subtitle(std::string_view subtitle_file, std::string_view video_stem);

} // namespace hearth::library
