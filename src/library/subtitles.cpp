#include "hearth/library/subtitles.hpp"

#include <array>

namespace hearth::library {

bool is_subtitle_extension(std::string_view ext) {
    static constexpr std::array<std::string_view, 5> kExtensions = {"srt", "ass", "ssa", "sub", "vtt"};
    for (auto e : kExtensions) {
        if (e == ext) return true;
    }
    return false;
}

std::optional<SubtitleMatch> match_subtitle(std::string_view file, std::string_view video_stem) {
    auto dot = file.rfind('.');
    if (dot == std::string_view::npos || video_stem.empty()) return std::nullopt;
    auto stem = file.substr(0, dot);
    if (stem == video_stem) return SubtitleMatch{};
    if (!stem.starts_with(video_stem) || stem.size() <= video_stem.size() + 1 ||
        stem[video_stem.size()] != '.') {
        return std::nullopt;
    }
    auto language = stem.substr(video_stem.size() + 1);
    if (language.size() > 16 || language.find('.') != std::string_view::npos) return std::nullopt;
    return SubtitleMatch{std::string(language)};
}

} // namespace hearth::library
