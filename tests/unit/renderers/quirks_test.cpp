// The built-in rows' quirks are well formed: forced sorts ContentDirectory accepts, audio-in lists within
// the row's own containers and codecs.
#include "hearth/query/sort.hpp"
#include "hearth/renderers/profile.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace hearth::renderers {
namespace {

const Profile& row(std::string_view name) {
    const auto& table = builtin_profiles();
    auto it = std::find_if(table.begin(), table.end(), [&](const Profile& p) { return p.name == name; });
    EXPECT_NE(it, table.end()) << name;
    return *it;
}

TEST(ProfileQuirks, EveryForcedSortIsAcceptedByContentDirectory) {
    for (const auto& p : builtin_profiles()) {
        if (p.forced_sort.empty()) continue;
        EXPECT_TRUE(query::sort_sql(p.forced_sort)) << p.name << ": " << p.forced_sort;
    }
}

TEST(ProfileQuirks, AudioInListsStayWithinTheRowsContainersAndCodecs) {
    for (const auto& p : builtin_profiles()) {
        for (const auto& [family, codecs] : p.audio_in) {
            EXPECT_NE(std::find(p.containers.begin(), p.containers.end(), family), p.containers.end())
                << p.name << ": " << family;
            for (const auto& codec : codecs) {
                EXPECT_TRUE(std::any_of(p.audio.begin(), p.audio.end(),
                                        [&](const AudioCaps& a) { return a.codec == codec; }))
                    << p.name << ": " << family << ": " << codec;
            }
        }
    }
}

TEST(ProfileQuirks, NoRowBothRequiresAndOmitsThePn) {
    for (const auto& p : builtin_profiles())
        EXPECT_FALSE(p.pn_required && p.omit_pn) << p.name;
}

TEST(ProfileQuirks, PanasonicSortsByClassTrackAndTitle) {
    EXPECT_EQ(row("Panasonic Viera").forced_sort, "+upnp:class,+upnp:originalTrackNumber,+dc:title");
}

TEST(ProfileQuirks, XboxTakesOnlyAc3InMpegTs) {
    EXPECT_EQ(row("Xbox One / Series").audio_in.at("mpegts"), std::vector<std::string>{"ac3"});
    EXPECT_EQ(row("Xbox One / Series").target_audio, TargetAudio::ac3);
}

} // namespace
} // namespace hearth::renderers
