#include "hearth/library/subtitles.hpp"

#include <gtest/gtest.h>

namespace hearth::library {
namespace {

TEST(Subtitles, MatchTheVideosStemWithAnOptionalLanguage) {
    EXPECT_TRUE(match_subtitle("Film.srt", "Film"));
    EXPECT_EQ(match_subtitle("Film.srt", "Film")->language, "");
    EXPECT_EQ(match_subtitle("Film.en.srt", "Film")->language, "en");
    EXPECT_EQ(match_subtitle("Film.forced.ass", "Film")->language, "forced");
    EXPECT_EQ(match_subtitle("The Film (2001).pt-BR.srt", "The Film (2001)")->language, "pt-BR");
    EXPECT_FALSE(match_subtitle("Film 2.srt", "Film"));
    EXPECT_FALSE(match_subtitle("Filmography.srt", "Film"));
    EXPECT_FALSE(match_subtitle("Film.en.extra.srt", "Film"));
    EXPECT_FALSE(match_subtitle("Other.srt", "Film"));
    EXPECT_FALSE(match_subtitle("srt", "Film"));
}

TEST(Subtitles, Extensions) {
    for (auto e : {"srt", "ass", "ssa", "sub", "vtt"})
        EXPECT_TRUE(is_subtitle_extension(e)) << e;
    EXPECT_FALSE(is_subtitle_extension("txt"));
    EXPECT_FALSE(is_subtitle_extension("SRT")); // callers lower-case first
}

} // namespace
} // namespace hearth::library
