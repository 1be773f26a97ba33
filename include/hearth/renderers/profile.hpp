#pragma once
// Renderer profiles: who is asking (matched from request headers) and what it plays. Data with evidence:
// every built-in row cites the real header that identifies the device (STYLE rule 8). Pure.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::renderers {

/// One video codec a renderer decodes, with its limits (0 = no limit).
struct VideoCaps {
    std::string codec; ///< libavcodec name: "h264", "hevc", "mpeg2video", "mpeg4", "vp9", "av1"…
    int max_width = 0;
    int max_height = 0;
    int max_level = 0;            ///< codec level as libav reports it (H.264 4.1 → 41); 0 = any
    std::vector<int> profiles;    ///< libav profile numbers allowed; empty = any
    std::int64_t max_bitrate = 0; ///< overall bits per second the renderer (or its network) sustains; 0 = any
};

/// One audio codec a renderer decodes.
struct AudioCaps {
    std::string codec; ///< "aac", "ac3", "eac3", "mp3", "mp2", "flac", "pcm_s16le", "dts", "truehd", "opus"…
    int max_channels = 0; ///< 0 = any
};

/// What Hearth sends when the original will not do.
enum class TargetAudio { aac, ac3 };

struct Profile {
    std::string name; ///< "Generic DLNA", "Samsung TV (2013+)", "VLC"…
    /// Header that justified the row, as seen in the wild (documentation, not used for matching).
    std::string evidence;
    /// The row matches when every one of these (header name, substring) pairs is present (case-insensitive
    /// header names, case-sensitive substrings). The User-Agent is header "User-Agent".
    std::vector<std::pair<std::string, std::string>> match_all;

    /// libavformat container short names the renderer plays, normalised by container_family():
    /// "mp4", "mpegts", "matroska", "webm", "avi", "mpeg", "asf", "ogg", "flac", "mp3", "wav", "aac", "ac3".
    std::vector<std::string> containers;
    std::vector<VideoCaps> video;
    std::vector<AudioCaps> audio;
    int max_image_width = 4096;
    int max_image_height = 4096;

    TargetAudio target_audio = TargetAudio::aac;
    int target_max_height = 1080; ///< transcodes are scaled down to this
    /// Quirks.
    bool omit_pn = false;          ///< never send DLNA.ORG_PN (some renderers reject unknown PNs)
    bool plays_everything = false; ///< a software player (VLC, Kodi…): always send the original
    /// Offer sidecar subtitles (a text/srt res and Samsung's CaptionInfo); false for renderers that choke on
    /// more than one res.
    bool sidecar_subtitles = true;
    /// Plays only items whose protocolInfo carries a DLNA.ORG_PN: an original without one is converted.
    bool pn_required = false;
    int max_title_length = 0; ///< dc:title is cut to this many characters (code points); 0 = no limit
    /// SortCriteria used instead of the renderer's own ("+upnp:class,+dc:title"); empty: the renderer's.
    std::string forced_sort;
    /// Asks for Windows Media Connect's well-known containers by number ("4" all music, "7" albums, "15"
    /// video folders…): Xbox 360 and Windows Media Player. Mapped to the views only for such clients, since
    /// the numbers are also object ids of the folder tree.
    bool ms_container_ids = false;
    /// Audio codecs allowed in a container family ("mpegts" → {"ac3"}), narrowing `audio` for that
    /// container; a family not listed allows every codec of `audio`.
    std::map<std::string, std::vector<std::string>, std::less<>> audio_in;
    /// The owner's pins: clients at these IPv4 addresses get this profile whatever their headers say.
    std::vector<std::string> pinned_addresses;
};

/// How to look up a request header by name (case-insensitive); empty when absent.
using HeaderLookup = std::function<std::string_view(std::string_view name)>;

/// The built-in table; the last row is "Generic DLNA", which matches anything.
const std::vector<Profile>& builtin_profiles();

/// The first row of table whose match_all all hold for these headers (the generic row when none does).
/// A row that pins the client's address wins over every header match.
const Profile& match(const std::vector<Profile>& table, const HeaderLookup& headers,
                     std::string_view address = {});

/// A profile file that cannot be read, with "file:line: what" in what().
class ProfileFileError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// One profile from the text of a profile file (format in docs/profiles.md); origin names it in errors.
Profile parse_profile(std::string_view text, const std::string& origin);

/// The built-in table with the *.conf files of dir applied, in file-name order: a file whose name = is a
/// built-in row's replaces that row; any other comes before the built-in rows. No dir: the built-in table.
std::vector<Profile> load_profiles(const std::optional<std::filesystem::path>& dir);

/// load_profiles' error ("file:line: what"), or nullopt when the files load: Environment::check_profiles.
std::optional<std::string> profiles_error(const std::optional<std::filesystem::path>& dir);

/// "mov,mp4,m4a,3gp,3g2,mj2" → "mp4", "matroska,webm" + extension "webm" → "webm", "mpegts" → "mpegts"…
std::string container_family(std::string_view libav_container, std::string_view extension);

} // namespace hearth::renderers
