#include "hearth/renderers/profile.hpp"
#include "hearth/util/strings.hpp"

#include <gtest/gtest.h>
#include <ostream>
#include <set>
#include <string>

namespace hearth::renderers {
namespace {

using HeaderMap = std::vector<std::pair<std::string, std::string>>;

// A case-insensitive header lookup over a list of (name, value) pairs, as the HTTP layer provides it.
HeaderLookup lookup(const HeaderMap& headers) {
    return [&headers](std::string_view name) -> std::string_view {
        for (const auto& [n, v] : headers)
            if (iequals(n, name)) return v;
        return {};
    };
}

std::string matched(const HeaderMap& headers) {
    return match(builtin_profiles(), lookup(headers)).name;
}

struct MatchCase {
    std::string label;
    HeaderMap headers;
    std::string expected;
};

void PrintTo(const MatchCase& c, std::ostream* os) {
    *os << c.label;
}

class ProfileMatch : public testing::TestWithParam<MatchCase> {};

TEST_P(ProfileMatch, RealHeadersPickTheRightRow) {
    EXPECT_EQ(matched(GetParam().headers), GetParam().expected);
}

// Real header strings, each as its source recorded it (see the evidence field of each row).
INSTANTIATE_TEST_SUITE_P(
    Renderers, ProfileMatch,
    testing::Values(
        MatchCase{"vlc", {{"User-Agent", "VLC/3.0.20 LibVLC/3.0.20"}}, "VLC"},
        MatchCase{"kodi", {{"User-Agent", "UPnP/1.0 DLNADOC/1.50 Kodi"}}, "Kodi"},
        MatchCase{"bubbleupnp_android10",
                  {{"User-Agent", "Android/10 UPnP/1.0 BubbleUPnP/3.4.12.1"}},
                  "BubbleUPnP"},
        MatchCase{
            "bubbleupnp_android8", {{"User-Agent", "Android/8.0.0 UPnP/1.0 BubbleUPnP/3.4.4"}}, "BubbleUPnP"},
        MatchCase{"samsung_2016_8_series",
                  {{"User-Agent", "DLNADOC/1.50 SEC_HHP_[TV] Samsung 8 Series (55)/1.0 UPnP/1.0"}},
                  "Samsung TV 2016+ (Tizen)"},
        MatchCase{"samsung_q7",
                  {{"User-Agent", "DLNADOC/1.50 SEC_HHP_[TV] Samsung Q7 Series (49)/1.0"}},
                  "Samsung TV 2016+ (Tizen)"},
        MatchCase{"samsung_ju7000",
                  {{"User-Agent", "DLNADOC/1.50 SEC_HHP_[TV] UE65JU7000/1.0 UPnP/1.0"}},
                  "Samsung TV 2015+ (Tizen, model number)"},
        MatchCase{"samsung_ks9810",
                  {{"User-Agent", "DLNADOC/1.50 SEC_HHP_[TV] UE88KS9810/1.0 UPnP/1.0"}},
                  "Samsung TV 2015+ (Tizen, model number)"},
        MatchCase{"samsung_es6100",
                  {{"User-Agent", "SEC_HHP_[TV]UN55ES6100/1.0 DLNADOC/1.50"}},
                  "Samsung TV 2012-2014 (E/F/H series)"},
        MatchCase{"samsung_led40",
                  {{"User-Agent", "SEC_HHP_[TV]Samsung LED40/1.0 DLNADOC/1.50"}},
                  "Samsung TV 2012-2014 (E/F/H series)"},
        MatchCase{"samsung_d6050",
                  {{"User-Agent", "DLNADOC/1.50 SEC_HHP_[TV]UN55D6050/1.0"}},
                  "Samsung TV C/D series (2010-2011)"},
        MatchCase{"samsung_d5000",
                  {{"User-Agent", "SEC_HHP_[TV]UE32D5000/1.0"}},
                  "Samsung TV C/D series (2010-2011)"},
        MatchCase{
            "samsung_c5100", {{"User-Agent", "SEC_HHP_TV-37C5100/1.0"}}, "Samsung TV C/D series (2010-2011)"},
        MatchCase{"lg_webos",
                  {{"User-Agent", "Linux/3.10.19-32.afro.4 UPnP/1.0 LGE WebOS TV LGE_DLNA_SDK/1.6.0/04.30.13 "
                                  "DLNADOC/1.50"}},
                  "LG webOS TV"},
        MatchCase{"lg_netcast",
                  {{"User-Agent", "Linux/2.6.35 UPnP/1.0 DLNADOC/1.50 INTEL_NMPR/2.0 LGE_DLNA_SDK/1.6.0"}},
                  "LG NetCast TV"},
        MatchCase{
            "bravia_android",
            {{"User-Agent", "UPnP/1.0"},
             {"X-AV-Physical-Unit-Info", "pa=\"BRAVIA KD-65AG9\";"},
             {"X-AV-Client-Info", "av=5.0; cn=\"Sony Corporation\"; mn=\"BRAVIA KD-65AG9\"; mv=\"3.0\";"}},
            "Sony Bravia (Android TV)"},
        MatchCase{
            "bravia_header_name_case",
            {{"User-Agent", "UPnP/1.0"},
             {"X-av-client-info", "av=5.0; cn=\"Sony Corporation\"; mn=\"BRAVIA XR-55X90K\"; mv=\"3.0\";"}},
            "Sony Bravia (Android TV)"},
        MatchCase{
            "bravia_ex",
            {{"X-AV-Client-Info", "av=5.0; cn=\"Sony Corporation\"; mn=\"BRAVIA KDL-40EX503\"; mv=\"1.7\";"}},
            "Sony Bravia"},
        MatchCase{
            "panasonic", {{"User-Agent", "Panasonic MIL DLNA CP UPnP/1.0 DLNADOC/1.50"}}, "Panasonic Viera"},
        MatchCase{"xbox_one",
                  {{"User-Agent", "NSPlayer/12.00.9600.16411 WMFSDK/12.00.9600.16411"},
                   {"FriendlyName.DLNA.ORG", "XboxOne"}},
                  "Xbox One / Series"},
        MatchCase{"xbox_systemos", {{"FriendlyName.DLNA.ORG", "Xbox-SystemOS"}}, "Xbox One / Series"},
        MatchCase{"ps4",
                  {{"User-Agent", "PS4Application libhttp/1.000 (PS4) libhttp/2.51 (PlayStation 4)"}},
                  "PlayStation 4"},
        MatchCase{"ps4_libhttp", {{"User-Agent", "libhttp/2.51 (PlayStation 4)"}}, "PlayStation 4"},
        MatchCase{"wmp_win10",
                  {{"User-Agent", "Microsoft-Windows/10.0 UPnP/1.0 Windows-Media-Player/12.0.10011.16384"}},
                  "Windows Media Player"},
        MatchCase{
            "wmp_dms", {{"User-Agent", "Windows-Media-Player-DMS/12.0.7601.17514"}}, "Windows Media Player"},
        // Negative cases: look-alikes that must not take a TV row.
        MatchCase{"samsung_phone", {{"User-Agent", "DLNADOC/1.50 SEC_HHP_GT-S8500/1.0"}}, "Generic DLNA"},
        MatchCase{"samsung_tablet", {{"User-Agent", "DLNADOC/1.50 SEC_HHP_GT-P1000/1.0"}}, "Generic DLNA"},
        MatchCase{"allshare_pc",
                  {{"User-Agent", "DLNADOC/1.50 SEC_HHP_[PC]LPC001/1.0  MS-DeviceCaps/1024"}},
                  "Generic DLNA"},
        MatchCase{"windows_nsplayer_is_not_xbox",
                  {{"User-Agent", "NSPlayer/12.00.9600.16411 WMFSDK/12.00.9600.16411"}},
                  "Generic DLNA"},
        MatchCase{"sony_phone_no_bravia",
                  {{"X-AV-Client-Info", "av=5.0; cn=\"Sony Corporation\"; mn=\"Media Player\"; mv=\"2.0\""}},
                  "Generic DLNA"},
        MatchCase{"libupnp_default", {{"User-Agent", "Unspecified, UPnP/1.0, Unspecified"}}, "Generic DLNA"},
        MatchCase{"no_headers", {}, "Generic DLNA"}),
    [](const testing::TestParamInfo<MatchCase>& info) { return info.param.label; });

TEST(ProfileTable, EveryRowHasEvidenceAndGenericIsLastAndMatchesAnything) {
    const auto& table = builtin_profiles();
    ASSERT_FALSE(table.empty());
    EXPECT_EQ(table.back().name, "Generic DLNA");
    EXPECT_TRUE(table.back().match_all.empty());
    for (std::size_t i = 0; i + 1 < table.size(); ++i) {
        SCOPED_TRACE(table[i].name);
        EXPECT_FALSE(table[i].evidence.empty());
        EXPECT_FALSE(table[i].match_all.empty()) << "only the last row may match anything";
    }
}

TEST(ProfileTable, NamesAreUnique) {
    std::set<std::string> names;
    for (const auto& p : builtin_profiles())
        EXPECT_TRUE(names.insert(p.name).second) << p.name;
}

// Every row must take what Hearth sends when it converts: H.264 video and its target audio in MPEG-TS.
TEST(ProfileTable, EveryRowPlaysTheTranscodeOutput) {
    for (const auto& p : builtin_profiles()) {
        SCOPED_TRACE(p.name);
        EXPECT_NE(std::find(p.containers.begin(), p.containers.end(), "mpegts"), p.containers.end());
        EXPECT_NE(std::find(p.containers.begin(), p.containers.end(), "mp3"), p.containers.end());
        auto has = [](const auto& caps, std::string_view codec) {
            return std::any_of(caps.begin(), caps.end(), [&](const auto& c) { return c.codec == codec; });
        };
        EXPECT_TRUE(has(p.video, "h264"));
        EXPECT_TRUE(has(p.audio, p.target_audio == TargetAudio::ac3 ? "ac3" : "aac"));
        EXPECT_TRUE(has(p.audio, "mp3"));
    }
}

// The row's own evidence string, parsed back into headers, selects that row: the citation and the matcher
// agree.
TEST(ProfileTable, EachRowIsMatchedByItsOwnEvidence) {
    for (const auto& p : builtin_profiles()) {
        if (p.match_all.empty()) continue;
        SCOPED_TRACE(p.name);
        HeaderMap headers;
        for (const auto& [name, needle] : p.match_all) {
            const std::string prefix = name + ": ";
            auto at = p.evidence.find(prefix);
            ASSERT_NE(at, std::string::npos) << "evidence does not quote header " << name;
            headers.emplace_back(name, p.evidence.substr(at + prefix.size()));
        }
        EXPECT_EQ(matched(headers), p.name);
    }
}

TEST(ProfileMatch, FirstMatchingRowOfACustomTableWins) {
    std::vector<Profile> table(2);
    table[0].name = "first";
    table[0].match_all = {{"User-Agent", "Foo"}};
    table[1].name = "second";
    table[1].match_all = {{"User-Agent", "Foo"}, {"X-Extra", "1"}};
    HeaderMap headers{{"User-Agent", "FooBar"}, {"X-Extra", "1"}};
    EXPECT_EQ(match(table, lookup(headers)).name, "first");
    // Nothing matches: the built-in generic row, not the last custom one.
    HeaderMap other{{"User-Agent", "Bar"}};
    EXPECT_EQ(match(table, lookup(other)).name, "Generic DLNA");
}

TEST(ProfileMatch, SubstringsAreCaseSensitive) {
    HeaderMap headers{{"User-Agent", "vlc/3.0.20 libvlc/3.0.20"}};
    EXPECT_EQ(matched(headers), "Generic DLNA");
}

struct ContainerCase {
    std::string libav, extension, expected;
};

void PrintTo(const ContainerCase& c, std::ostream* os) {
    *os << c.libav << " ." << c.extension;
}

class ContainerFamily : public testing::TestWithParam<ContainerCase> {};

TEST_P(ContainerFamily, NormalisesLibavNames) {
    EXPECT_EQ(container_family(GetParam().libav, GetParam().extension), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Names, ContainerFamily,
    testing::Values(ContainerCase{"mov,mp4,m4a,3gp,3g2,mj2", "mp4", "mp4"},
                    ContainerCase{"mov,mp4,m4a,3gp,3g2,mj2", "m4a", "mp4"},
                    ContainerCase{"mov,mp4,m4a,3gp,3g2,mj2", "mov", "mp4"},
                    ContainerCase{"matroska,webm", "mkv", "matroska"},
                    ContainerCase{"matroska,webm", "mka", "matroska"},
                    ContainerCase{"matroska,webm", "webm", "webm"}, ContainerCase{"mpegts", "ts", "mpegts"},
                    ContainerCase{"mpegts", "m2ts", "mpegts"}, ContainerCase{"mpeg", "mpg", "mpeg"},
                    ContainerCase{"mpeg", "vob", "mpeg"}, ContainerCase{"avi", "avi", "avi"},
                    ContainerCase{"asf", "wmv", "asf"}, ContainerCase{"asf_o", "wma", "asf"},
                    ContainerCase{"ogg", "opus", "ogg"}, ContainerCase{"flac", "flac", "flac"},
                    ContainerCase{"mp3", "mp3", "mp3"}, ContainerCase{"wav", "wav", "wav"},
                    ContainerCase{"aac", "aac", "aac"}, ContainerCase{"ac3", "ac3", "ac3"},
                    ContainerCase{"image2", "jpg", "image"}, ContainerCase{"jpeg_pipe", "jpg", "image"},
                    ContainerCase{"png_pipe", "png", "image"}, ContainerCase{"flv", "flv", "flv"}));

} // namespace
} // namespace hearth::renderers
