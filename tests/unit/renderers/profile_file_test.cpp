#include "hearth/renderers/profile.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace hearth::renderers {
namespace {

HeaderLookup ua(std::string agent) {
    return [agent](std::string_view name) -> std::string_view {
        return name == "User-Agent" ? std::string_view(agent) : std::string_view{};
    };
}

TEST(ProfileFile, ParsesEveryKey) {
    auto p = parse_profile("# comment\n"
                           "name = Lounge TV\n"
                           "evidence = UA seen\n"
                           "match = User-Agent: UE55TU7100\n"
                           "pin = 192.168.1.20\n"
                           "containers = mp4, mpegts\n"
                           "video = h264 1920x1080 level=41 profiles=77,100\n"
                           "video = hevc\n"
                           "audio = ac3 6\n"
                           "audio = mp3\n"
                           "image-max = 1920x1080\n"
                           "target-audio = ac3\n"
                           "target-max-height = 720\n"
                           "omit-pn = true\n"
                           "plays-everything = no\n",
                           "lounge.conf");
    EXPECT_EQ(p.name, "Lounge TV");
    ASSERT_EQ(p.match_all.size(), 1u);
    EXPECT_EQ(p.match_all[0], (std::pair<std::string, std::string>{"User-Agent", "UE55TU7100"}));
    EXPECT_EQ(p.pinned_addresses, std::vector<std::string>{"192.168.1.20"});
    EXPECT_EQ(p.containers, (std::vector<std::string>{"mp4", "mpegts"}));
    ASSERT_EQ(p.video.size(), 2u);
    EXPECT_EQ(p.video[0].max_width, 1920);
    EXPECT_EQ(p.video[0].max_level, 41);
    EXPECT_EQ(p.video[0].profiles, (std::vector<int>{77, 100}));
    EXPECT_EQ(p.video[1].codec, "hevc");
    EXPECT_EQ(p.video[1].max_width, 0);
    ASSERT_EQ(p.audio.size(), 2u);
    EXPECT_EQ(p.audio[0].max_channels, 6);
    EXPECT_EQ(p.max_image_height, 1080);
    EXPECT_EQ(p.target_audio, TargetAudio::ac3);
    EXPECT_EQ(p.target_max_height, 720);
    EXPECT_TRUE(p.omit_pn);
    EXPECT_FALSE(p.plays_everything);
}

TEST(ProfileFile, ErrorsNameFileAndLine) {
    auto error = [](const std::string& text) {
        try {
            parse_profile(text, "x.conf");
        } catch (const ProfileFileError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(error("name = a\nfrobnicate = 1\n"), "x.conf:2: unknown key 'frobnicate'");
    EXPECT_EQ(error("name = a\n\nvideo = h264 huge\n"),
              "x.conf:3: expected a size like 1920x1080, got 'huge'");
    EXPECT_EQ(error("name = a\nno equals sign\n"), "x.conf:2: expected 'key = value'");
    EXPECT_EQ(error("name = a\npin = kitchen\n"), "x.conf:2: pin takes an IPv4 address, got 'kitchen'");
    EXPECT_EQ(error("name = a\nomit-pn = maybe\n"), "x.conf:2: expected true or false, got 'maybe'");
    EXPECT_EQ(error("match = User-Agent: x\n"), "x.conf: no 'name ='");
}

TEST(ProfileFile, FilesAddBeforeTheBuiltInRowsOrReplaceThem) {
    test::TempDir dir;
    dir.write("10-lounge.conf", "name = Lounge TV\nmatch = User-Agent: LoungeTV\nplays-everything = true\n");
    dir.write("20-generic.conf",
              "name = Generic DLNA\ncontainers = mpegts\nvideo = mpeg2video\naudio = mp2\n");
    dir.write("notes.txt", "not a profile");
    auto table = load_profiles(dir.path());
    EXPECT_EQ(table.size(), builtin_profiles().size() + 1);
    EXPECT_EQ(table.front().name, "Lounge TV");
    EXPECT_EQ(match(table, ua("LoungeTV/2.0")).name, "Lounge TV");
    const auto& generic = match(table, ua("SomethingUnknown/1.0"));
    EXPECT_EQ(generic.name, "Generic DLNA");
    EXPECT_EQ(generic.containers, std::vector<std::string>{"mpegts"}); // the replaced row
    EXPECT_EQ(load_profiles(std::nullopt).size(), builtin_profiles().size());
}

TEST(ProfileFile, APinWinsOverHeaders) {
    test::TempDir dir;
    dir.write("pin.conf", "name = Kitchen radio\npin = 192.168.1.30\naudio = mp3 2\ncontainers = mp3\n");
    auto table = load_profiles(dir.path());
    auto vlc = ua("VLC/3.0.18 LibVLC/3.0.18");
    EXPECT_EQ(match(table, vlc, "192.168.1.30").name, "Kitchen radio");
    EXPECT_EQ(match(table, vlc, "192.168.1.31").name, "VLC");
}

TEST(ProfileFile, ANewProfileMustMatchSomething) {
    test::TempDir dir;
    dir.write("all.conf", "name = Everyone\ncontainers = mp4\n");
    EXPECT_THROW(load_profiles(dir.path()), ProfileFileError);
}

TEST(ProfileFile, ParsesTheQuirkKeys) {
    auto p = parse_profile("name = Old TV\n"
                           "match = User-Agent: OldTV\n"
                           "require-pn = true\n"
                           "max-title-length = 40\n"
                           "forced-sort = +upnp:class, +dc:title\n"
                           "audio-in = mpegts: ac3\n"
                           "audio-in = mp4: aac, ac3\n"
                           "audio-in = mpegts: ac3, mp2\n", // a later line for a container replaces it
                           "old.conf");
    EXPECT_TRUE(p.pn_required);
    EXPECT_EQ(p.max_title_length, 40);
    EXPECT_EQ(p.forced_sort, "+upnp:class, +dc:title");
    ASSERT_EQ(p.audio_in.size(), 2u);
    EXPECT_EQ(p.audio_in.at("mpegts"), (std::vector<std::string>{"ac3", "mp2"}));
    EXPECT_EQ(p.audio_in.at("mp4"), (std::vector<std::string>{"aac", "ac3"}));

    auto plain = parse_profile("name = Plain\n", "plain.conf");
    EXPECT_FALSE(plain.pn_required);
    EXPECT_EQ(plain.max_title_length, 0);
    EXPECT_TRUE(plain.forced_sort.empty());
    EXPECT_TRUE(plain.audio_in.empty());
}

TEST(ProfileFile, BadQuirkLinesNameFileAndLine) {
    auto error_of = [](const std::string& line) {
        try {
            parse_profile("name = X\n" + line + "\n", "x.conf");
        } catch (const ProfileFileError& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    EXPECT_EQ(error_of("require-pn = maybe"), "x.conf:2: expected true or false, got 'maybe'");
    EXPECT_EQ(error_of("max-title-length = -3"), "x.conf:2: expected a number of characters, got '-3'");
    EXPECT_NE(error_of("forced-sort = +dc:nonsense").find("x.conf:2: forced-sort takes SortCriteria"),
              std::string::npos);
    EXPECT_NE(error_of("forced-sort =").find("x.conf:2:"), std::string::npos);
    EXPECT_NE(error_of("audio-in = ac3, aac").find("x.conf:2: expected 'container: codec"),
              std::string::npos);
    EXPECT_EQ(error_of("audio-in = mpegts:"), "x.conf:2: audio-in for 'mpegts' lists no codec");
    EXPECT_THROW(parse_profile("name = X\nrequire-pn = true\nomit-pn = true\n", "x.conf"), ProfileFileError);
}

} // namespace
} // namespace hearth::renderers
