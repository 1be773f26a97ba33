// The built-in renderer table and the pure functions over it. Each row cites the header that identified the
// device in the wild; capabilities are deliberately conservative: a file we transcode needlessly still plays,
// a file we send to a renderer that cannot decode it does not.
//
// Resolution policy: a row claims more than 1920x1080 only when every device it can match decodes it. The
// headers we match on rarely tell an FHD set from a UHD one (Samsung's "[TV] Samsung 5 Series (32)" is FHD,
// "8 Series" UHD), so every TV row stops at 1080p until a row can tell them apart.
#include "hearth/renderers/profile.hpp"

#include <algorithm>

namespace hearth::renderers {
namespace {

// libavcodec profile numbers (AV_PROFILE_*): H.264 Baseline, Constrained Baseline, Main, High; HEVC Main,
// Main 10.
constexpr int kH264Baseline = 66, kH264ConstrainedBaseline = 578, kH264Main = 77, kH264High = 100;
constexpr int kHevcMain = 1, kHevcMain10 = 2;

VideoCaps h264(int level, int width = 1920, int height = 1080) {
    return {"h264", width, height, level, {kH264Baseline, kH264ConstrainedBaseline, kH264Main, kH264High}};
}
VideoCaps hevc(int width = 1920, int height = 1080) {
    return {"hevc", width, height, 0, {kHevcMain, kHevcMain10}};
}
VideoCaps mpeg2(int width = 1920, int height = 1080) {
    return {"mpeg2video", width, height, 0, {}};
}
VideoCaps mpeg4_asp(int width = 1920, int height = 1080) { // MPEG-4 Part 2 (DivX, Xvid)
    return {"mpeg4", width, height, 0, {}};
}

using Headers = std::vector<std::pair<std::string, std::string>>;

Profile row(std::string name, std::string evidence, Headers match_all) {
    Profile p;
    p.name = std::move(name);
    p.evidence = std::move(evidence);
    p.match_all = std::move(match_all);
    return p;
}

Profile software_player(std::string name, std::string evidence, Headers match_all) {
    Profile p = row(std::move(name), std::move(evidence), std::move(match_all));
    p.plays_everything = true;
    // Used only if a caller ever asks for a transcode anyway: software players take anything.
    p.containers = {"mp4", "mpegts", "matroska", "webm", "avi", "mpeg", "asf",
                    "ogg", "flac",   "mp3",      "wav",  "aac", "ac3"};
    p.video = {h264(0, 0, 0), hevc(0, 0), mpeg2(0, 0), mpeg4_asp(0, 0)};
    p.audio = {{"aac", 0}, {"ac3", 0}, {"eac3", 0}, {"mp3", 0}, {"mp2", 0}, {"flac", 0}, {"pcm_s16le", 0}};
    return p;
}

// Tizen Samsung sets (2015 on): MKV/MP4/TS, H.264 High, MPEG-2, MPEG-4 ASP; AC-3 travels best in TS.
void samsung_tizen(Profile& p) {
    p.containers = {"mp4", "mpegts", "matroska", "avi", "mpeg", "mp3", "flac", "wav", "aac"};
    p.video = {h264(41), mpeg2(), mpeg4_asp()};
    // DTS left out: Samsung removed it from the 2018-2019 models on.
    p.audio = {{"aac", 6}, {"ac3", 6}, {"eac3", 6}, {"mp3", 2}, {"mp2", 2}, {"flac", 2}, {"pcm_s16le", 2}};
    p.target_audio = TargetAudio::ac3;
}

std::vector<Profile> build_table() {
    std::vector<Profile> t;

    // Software players first: their User-Agents are unambiguous and they decode anything.
    t.push_back(software_player("VLC",
                                "User-Agent: VLC/3.0.20 LibVLC/3.0.20 (gerbera issue #3582, packet capture)",
                                {{"User-Agent", "LibVLC/"}}));
    t.push_back(software_player("Kodi", "User-Agent: UPnP/1.0 DLNADOC/1.50 Kodi (UMS renderers/Kodi.conf)",
                                {{"User-Agent", "Kodi"}}));
    t.push_back(software_player(
        "BubbleUPnP", "User-Agent: Android/10 UPnP/1.0 BubbleUPnP/3.4.12.1 (Emby.Releases issue #67 log)",
        {{"User-Agent", "BubbleUPnP"}}));

    // Samsung, newest first. 2016 on, Tizen sets name themselves "[TV] Samsung <N> Series (<size>)".
    {
        Profile p = row("Samsung TV 2016+ (Tizen)",
                        "User-Agent: DLNADOC/1.50 SEC_HHP_[TV] Samsung 8 Series (55)/1.0 UPnP/1.0 "
                        "(UMS renderers, Samsung 8 Series 2016 profile)",
                        {{"User-Agent", "SEC_HHP_[TV] Samsung "}});
        samsung_tizen(p);
        p.video.insert(p.video.begin() + 1, hevc());
        t.push_back(p);
    }
    // 2015 J and 2016 K model numbers after a space: "SEC_HHP_[TV] UE65JU7000/1.0 UPnP/1.0".
    {
        Profile p = row("Samsung TV 2015+ (Tizen, model number)",
                        "User-Agent: DLNADOC/1.50 SEC_HHP_[TV] UE65JU7000/1.0 UPnP/1.0 (MiniDLNA clients.c)",
                        {{"User-Agent", "SEC_HHP_[TV] "}});
        samsung_tizen(p);
        t.push_back(p);
    }
    // 2012-2014 (E, F, H series): the DLNADOC token follows the model.
    {
        Profile p = row("Samsung TV 2012-2014 (E/F/H series)",
                        "User-Agent: SEC_HHP_[TV]UN55ES6100/1.0 DLNADOC/1.50 (UMS RendererConfigurationTest)",
                        {{"User-Agent", "SEC_HHP_[TV]"}, {"User-Agent", "/1.0 DLNADOC/1.50"}});
        p.containers = {"mp4", "mpegts", "matroska", "avi", "mpeg", "asf", "mp3", "wav"};
        p.video = {h264(41), mpeg2(), mpeg4_asp()};
        p.audio = {{"aac", 2}, {"ac3", 6}, {"mp3", 2}, {"mp2", 2}, {"pcm_s16le", 2}};
        p.target_audio = TargetAudio::ac3;
        t.push_back(p);
    }
    // 2010-2011 (C, D series) and any other Samsung TV: the most conservative Samsung row. Requiring "TV"
    // keeps Samsung phones ("SEC_HHP_GT-S8500") and AllShare on a PC ("SEC_HHP_[PC]") out.
    {
        Profile p = row("Samsung TV C/D series (2010-2011)",
                        "User-Agent: DLNADOC/1.50 SEC_HHP_[TV]UN55D6050/1.0 (UMS renderers/Samsung-CD.conf)",
                        {{"User-Agent", "SEC_HHP_"}, {"User-Agent", "TV"}});
        p.containers = {"mp4", "mpegts", "matroska", "avi", "mpeg", "mp3"};
        p.video = {h264(41), mpeg2(), mpeg4_asp()};
        p.audio = {{"aac", 2}, {"ac3", 6}, {"mp3", 2}, {"mp2", 2}};
        p.target_audio = TargetAudio::ac3;
        p.max_image_width = p.max_image_height = 1920;
        t.push_back(p);
    }

    // LG webOS (2014 on).
    {
        Profile p =
            row("LG webOS TV",
                "User-Agent: Linux/3.10.19-32.afro.4 UPnP/1.0 LGE WebOS TV LGE_DLNA_SDK/1.6.0/04.30.13 "
                "DLNADOC/1.50 (UMS renderers/LG-WebOS.conf)",
                {{"User-Agent", "LGE_DLNA_SDK"}, {"User-Agent", "ebOS"}});
        p.containers = {"mp4", "mpegts", "matroska", "avi", "mpeg", "asf", "mp3", "wav", "ogg"};
        p.video = {h264(42), hevc(), mpeg2(), mpeg4_asp()};
        // DTS left out: LG dropped it from the 2020-2021 models.
        p.audio = {{"aac", 6}, {"ac3", 6}, {"eac3", 6}, {"mp3", 2}, {"mp2", 2}, {"pcm_s16le", 2}};
        t.push_back(p);
    }
    // LG NetCast (2011-2013) and other LG sets with the same SDK.
    {
        Profile p = row("LG NetCast TV",
                        "User-Agent: Linux/2.6.35 UPnP/1.0 DLNADOC/1.50 INTEL_NMPR/2.0 LGE_DLNA_SDK/1.6.0 "
                        "(MiniDLNA clients.c)",
                        {{"User-Agent", "LGE_DLNA_SDK"}});
        p.containers = {"mp4", "mpegts", "matroska", "avi", "mpeg", "mp3"};
        p.video = {h264(41), mpeg2(), mpeg4_asp()};
        p.audio = {{"aac", 2}, {"ac3", 6}, {"mp3", 2}, {"mp2", 2}};
        t.push_back(p);
    }

    // Sony Bravia: Android TV models (2015 on) send mv="3.0"; older ones mv="1.7".
    {
        Profile p =
            row("Sony Bravia (Android TV)",
                "X-AV-Client-Info: av=5.0; cn=\"Sony Corporation\"; mn=\"BRAVIA KD-65AG9\"; mv=\"3.0\"; "
                "(UMS issue #1872)",
                {{"X-AV-Client-Info", "cn=\"Sony Corporation\""},
                 {"X-AV-Client-Info", "BRAVIA"},
                 {"X-AV-Client-Info", "mv=\"3.0\""}});
        p.containers = {"mp4", "mpegts", "matroska", "mpeg", "asf", "mp3", "flac", "wav"};
        p.video = {h264(42), hevc(), mpeg2()};
        p.audio = {{"aac", 6}, {"ac3", 6},  {"eac3", 6},     {"mp3", 2},
                   {"mp2", 2}, {"flac", 2}, {"pcm_s16le", 2}};
        p.target_audio = TargetAudio::ac3;
        t.push_back(p);
    }
    {
        Profile p =
            row("Sony Bravia",
                "X-AV-Client-Info: av=5.0; cn=\"Sony Corporation\"; mn=\"BRAVIA KDL-40EX503\"; mv=\"1.7\"; "
                "(MiniDLNA clients.c)",
                {{"X-AV-Client-Info", "cn=\"Sony Corporation\""}, {"X-AV-Client-Info", "BRAVIA"}});
        p.containers = {"mp4", "mpegts", "mpeg", "mp3"};
        p.video = {h264(41), mpeg2()};
        p.audio = {{"aac", 2}, {"ac3", 6}, {"mp3", 2}, {"mp2", 2}};
        p.target_audio = TargetAudio::ac3;
        t.push_back(p);
    }

    // Panasonic Viera: its DLNA client stack names itself.
    {
        Profile p =
            row("Panasonic Viera",
                "User-Agent: Panasonic MIL DLNA CP UPnP/1.0 DLNADOC/1.50 (MiniDLNA clients.c; Jellyfin "
                "Panasonic Viera profile)",
                {{"User-Agent", "Panasonic MIL DLNA"}});
        p.containers = {"mp4", "mpegts", "mpeg", "mp3"};
        p.video = {h264(41), mpeg2()};
        p.audio = {{"aac", 2}, {"ac3", 6}, {"mp3", 2}, {"mp2", 2}};
        p.target_audio = TargetAudio::ac3;
        // Vieras list items in the order they arrive whatever SortCriteria they send: MiniDLNA's clients.c
        // gives its Panasonic row ("Panasonic MIL DLNA CP") FLAG_FORCE_SORT, which replaces the criteria
        // with class, track, title.
        p.forced_sort = "+upnp:class,+upnp:originalTrackNumber,+dc:title";
        t.push_back(p);
    }

    // Xbox 360: Windows Media Connect's client. It browses and searches fixed numeric containers (MiniDLNA's
    // clients.c gives its "Xbox/" row FLAG_MS_PFS for the same reason) and plays WMV, AVI and MP4.
    {
        Profile p =
            row("Xbox 360", "User-Agent: Xbox/2.0.17559.0 UPnP/1.0 Xbox/2.0.17559.0 (MiniDLNA clients.c)",
                {{"User-Agent", "Xbox/"}});
        // MPEG-TS with H.264 and AC-3: AVCHD (.m2ts), which the 2009 dashboard update added.
        p.containers = {"mp4", "mpegts", "avi", "asf", "mp3", "wav"};
        p.video = {h264(41), mpeg4_asp(), {"wmv3", 1920, 1080, 0, {}}, {"vc1", 1920, 1080, 0, {}}};
        p.audio = {{"aac", 2}, {"mp3", 2}, {"wmav2", 2}, {"ac3", 6}, {"pcm_s16le", 2}};
        p.audio_in = {{"mpegts", {"ac3"}}};
        p.target_audio = TargetAudio::ac3;
        p.ms_container_ids = true;
        t.push_back(p);
    }

    // Xbox One / Series: the User-Agent (NSPlayer/12) is Windows' media stack and is shared with Windows PCs;
    // the DLNA friendly-name header is what tells an Xbox apart.
    {
        Profile p = row("Xbox One / Series",
                        "FriendlyName.DLNA.ORG: XboxOne with User-Agent: NSPlayer/12.00.9600.16411 "
                        "WMFSDK/12.00.9600.16411 (UMS RendererConfigurationTest)",
                        {{"FriendlyName.DLNA.ORG", "Xbox"}});
        p.containers = {"mp4", "mpegts", "matroska", "avi", "asf", "mpeg", "mp3", "wav"};
        // HEVC left out: the first Xbox One decodes no HEVC.
        p.video = {h264(42), mpeg2(), mpeg4_asp()};
        p.audio = {{"aac", 2}, {"ac3", 6}, {"mp3", 2}, {"mp2", 2}, {"pcm_s16le", 2}};
        // Audio per container, from UMS renderers/Microsoft-XboxOne.conf's Supported lines: in MPEG-TS only
        // AC-3 ("f:mpegts v:h264|mpeg1|mpeg2 a:ac3"), so a remux of AAC or MP3 audio converts it to AC-3.
        p.audio_in = {{"mpegts", {"ac3"}},
                      {"mp4", {"aac", "ac3"}},
                      {"matroska", {"aac", "ac3", "mp3", "mp2"}},
                      {"avi", {"ac3", "mp3"}},
                      {"mpeg", {"ac3", "mp2", "pcm_s16le"}}};
        p.target_audio = TargetAudio::ac3;
        t.push_back(p);
    }

    // PlayStation 4 Media Player: MKV, AVI, MP4, MPEG-2 TS; MP3 and AAC audio; it hides any other format.
    {
        Profile p = row("PlayStation 4",
                        "User-Agent: PS4Application libhttp/1.000 (PS4) libhttp/2.51 (PlayStation 4) "
                        "(UMS renderers/Sony-PlayStation4.conf)",
                        {{"User-Agent", "(PlayStation 4)"}});
        p.containers = {"mp4", "mpegts", "matroska", "avi", "mp3"};
        p.video = {h264(42), mpeg2()};
        p.audio = {{"aac", 2}, {"ac3", 6}, {"mp3", 2}};
        t.push_back(p);
    }

    // Windows Media Player 12 (Windows 7 and later) as a DLNA player.
    {
        Profile p = row("Windows Media Player",
                        "User-Agent: Microsoft-Windows/10.0 UPnP/1.0 Windows-Media-Player/12.0.10011.16384 "
                        "(UMS renderers/Microsoft-WindowsMediaPlayer.conf)",
                        {{"User-Agent", "Windows-Media-Player"}});
        p.containers = {"mp4", "mpegts", "avi", "asf", "mpeg", "mp3", "wav", "aac"};
        p.video = {h264(42), mpeg2(), mpeg4_asp(), {"vc1", 1920, 1080, 0, {}}, {"wmv3", 1920, 1080, 0, {}}};
        p.audio = {{"aac", 6}, {"ac3", 6}, {"mp3", 2}, {"mp2", 2}, {"wmav2", 2}, {"pcm_s16le", 2}};
        p.ms_container_ids = true;
        t.push_back(p);
    }

    // Generic DLNA: matches anything; the conservative intersection of what DLNA media players decode.
    {
        Profile p = row("Generic DLNA", "(none: the fallback for any client no other row matches)", {});
        p.containers = {"mp4", "mpegts", "mpeg", "mp3", "wav", "aac"};
        p.video = {h264(41), mpeg2()};
        p.audio = {{"aac", 2}, {"ac3", 2}, {"mp3", 2}, {"mp2", 2}, {"pcm_s16le", 2}};
        t.push_back(p);
    }
    return t;
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

bool row_matches(const Profile& p, const HeaderLookup& headers) {
    if (p.match_all.empty() && !p.pinned_addresses.empty()) return false; // matched by address only
    return std::all_of(p.match_all.begin(), p.match_all.end(), [&](const auto& pair) {
        std::string_view value = headers ? headers(pair.first) : std::string_view{};
        return !value.empty() && contains(value, pair.second);
    });
}

} // namespace

const std::vector<Profile>& builtin_profiles() {
    static const std::vector<Profile> table = build_table();
    return table;
}

const Profile& match(const std::vector<Profile>& table, const HeaderLookup& headers,
                     std::string_view address) {
    if (!address.empty()) {
        for (const auto& p : table)
            if (std::find(p.pinned_addresses.begin(), p.pinned_addresses.end(), address) !=
                p.pinned_addresses.end())
                return p;
    }
    for (const auto& p : table)
        if (row_matches(p, headers)) return p;
    // No row matched: the generic row, as the owner may have replaced it in this table.
    const auto& generic = builtin_profiles().back();
    auto own =
        std::find_if(table.begin(), table.end(), [&](const Profile& p) { return p.name == generic.name; });
    return own != table.end() ? *own : generic;
}

std::string container_family(std::string_view libav_container, std::string_view extension) {
    const auto& c = libav_container;
    if (contains(c, "matroska") || c == "webm") return extension == "webm" ? "webm" : "matroska";
    if (contains(c, "mp4") || c == "mov") return "mp4";
    if (c == "mpegts") return "mpegts";
    if (c == "mpeg" || c == "vob" || c == "mpegps") return "mpeg";
    if (c == "image2" || c == "image2pipe" || c.ends_with("_pipe")) return "image";
    if (c.starts_with("asf")) return "asf";
    // Names libav already gives in our vocabulary: "avi", "ogg", "flac", "mp3", "wav", "aac", "ac3"…
    return std::string(c.substr(0, c.find(',')));
}

} // namespace hearth::renderers
