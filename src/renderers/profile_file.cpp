// Profile files: the owner's additions to the renderer table, one `key = value` per line (docs/profiles.md).
#include "hearth/net/interfaces.hpp"
#include "hearth/query/sort.hpp"
#include "hearth/renderers/profile.hpp"
#include "hearth/util/strings.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace hearth::renderers {
namespace {

struct Line {
    const std::string& origin;
    int number;
    [[noreturn]] void fail(const std::string& what) const {
        throw ProfileFileError(origin + ":" + std::to_string(number) + ": " + what);
    }
};

bool parse_bool(std::string_view v, const Line& line) {
    if (v == "true" || v == "yes") return true;
    if (v == "false" || v == "no") return false;
    line.fail("expected true or false, got '" + std::string(v) + "'");
}

int parse_int(std::string_view v, const Line& line, const char* what) {
    auto n = parse_uint(trim(v));
    if (!n || *n > 100000) line.fail(std::string("expected ") + what + ", got '" + std::string(v) + "'");
    return static_cast<int>(*n);
}

std::pair<int, int> parse_size(std::string_view v, const Line& line) {
    auto x = v.find('x');
    if (x == std::string_view::npos)
        line.fail("expected a size like 1920x1080, got '" + std::string(v) + "'");
    return {parse_int(v.substr(0, x), line, "a width"), parse_int(v.substr(x + 1), line, "a height")};
}

std::vector<std::string> words(std::string_view v) {
    std::istringstream in{std::string(v)};
    std::vector<std::string> out;
    for (std::string w; in >> w;)
        out.push_back(w);
    return out;
}

// "h264 1920x1080 level=41 profiles=77,100"
VideoCaps parse_video(std::string_view v, const Line& line) {
    auto w = words(v);
    if (w.empty()) line.fail("expected a video codec");
    VideoCaps caps{w[0], 0, 0, 0, {}, 0};
    for (std::size_t i = 1; i < w.size(); ++i) {
        if (w[i].starts_with("level=")) {
            caps.max_level = parse_int(std::string_view(w[i]).substr(6), line, "a level");
        } else if (w[i].starts_with("bitrate=")) {
            auto kbps = parse_uint(std::string_view(w[i]).substr(8));
            if (!kbps || *kbps == 0 || *kbps > 1000000)
                line.fail("bitrate= takes kilobits per second, e.g. bitrate=20000");
            caps.max_bitrate = static_cast<std::int64_t>(*kbps) * 1000;
        } else if (w[i].starts_with("profiles=")) {
            for (auto p : split(std::string_view(w[i]).substr(9), ','))
                caps.profiles.push_back(parse_int(p, line, "a profile"));
        } else {
            std::tie(caps.max_width, caps.max_height) = parse_size(w[i], line);
        }
    }
    return caps;
}

// "ac3 6"
AudioCaps parse_audio(std::string_view v, const Line& line) {
    auto w = words(v);
    if (w.empty() || w.size() > 2) line.fail("expected an audio codec and optionally its channels");
    return {w[0], w.size() == 2 ? parse_int(w[1], line, "a channel count") : 0};
}

// "mpegts: ac3, aac"
void parse_audio_in(Profile& p, std::string_view v, const Line& line) {
    auto colon = v.find(':');
    auto family = trim(v.substr(0, colon));
    if (colon == std::string_view::npos || family.empty())
        line.fail("expected 'container: codec, codec…', got '" + std::string(v) + "'");
    std::vector<std::string> codecs;
    for (auto c : split(v.substr(colon + 1), ','))
        if (!trim(c).empty()) codecs.emplace_back(trim(c));
    if (codecs.empty()) line.fail("audio-in for '" + std::string(family) + "' lists no codec");
    p.audio_in[std::string(family)] = std::move(codecs);
}

// The SortCriteria whitelist is ContentDirectory's: a forced sort it would refuse (709) is refused here.
void parse_forced_sort(Profile& p, std::string_view v, const Line& line) {
    if (v.empty() || !query::sort_sql(v))
        line.fail("forced-sort takes SortCriteria like '+dc:title' over " + query::sort_capabilities() +
                  ", got '" + std::string(v) + "'");
    p.forced_sort = v;
}

void apply_quirk(Profile& p, const std::string& key, std::string_view value, const Line& line) {
    if (key == "require-pn")
        p.pn_required = parse_bool(value, line);
    else if (key == "max-title-length")
        p.max_title_length = parse_int(value, line, "a number of characters");
    else if (key == "forced-sort")
        parse_forced_sort(p, value, line);
    else if (key == "audio-in")
        parse_audio_in(p, value, line);
    else
        line.fail("unknown key '" + key + "'");
}

void apply(Profile& p, const std::string& key, std::string_view value, const Line& line) {
    if (key == "name")
        p.name = value;
    else if (key == "evidence")
        p.evidence = value;
    else if (key == "match") {
        auto colon = value.find(':');
        if (colon == std::string_view::npos)
            line.fail("expected 'Header-Name: text', got '" + std::string(value) + "'");
        p.match_all.emplace_back(trim(value.substr(0, colon)), trim(value.substr(colon + 1)));
    } else if (key == "containers") {
        p.containers.clear();
        for (auto c : split(value, ','))
            p.containers.emplace_back(trim(c));
    } else if (key == "video")
        p.video.push_back(parse_video(value, line));
    else if (key == "audio")
        p.audio.push_back(parse_audio(value, line));
    else if (key == "image-max")
        std::tie(p.max_image_width, p.max_image_height) = parse_size(value, line);
    else if (key == "target-audio") {
        if (value != "aac" && value != "ac3") line.fail("target-audio is aac or ac3");
        p.target_audio = value == "ac3" ? TargetAudio::ac3 : TargetAudio::aac;
    } else if (key == "target-max-height")
        p.target_max_height = parse_int(value, line, "a height");
    else if (key == "omit-pn")
        p.omit_pn = parse_bool(value, line);
    else if (key == "plays-everything")
        p.plays_everything = parse_bool(value, line);
    else if (key == "subtitles") {
        if (value != "sidecar" && value != "none") line.fail("subtitles is sidecar or none");
        p.sidecar_subtitles = value == "sidecar";
    } else if (key == "pin") {
        if (!net::parse_ipv4(std::string(value)))
            line.fail("pin takes an IPv4 address, got '" + std::string(value) + "'");
        p.pinned_addresses.emplace_back(value);
    } else
        apply_quirk(p, key, value, line);
}

} // namespace

Profile parse_profile(std::string_view text, const std::string& origin) {
    Profile p;
    int number = 0;
    for (auto raw : split(text, '\n')) {
        ++number;
        auto line_text = trim(raw);
        if (line_text.empty() || line_text.front() == '#') continue;
        Line line{origin, number};
        auto eq = line_text.find('=');
        if (eq == std::string_view::npos) line.fail("expected 'key = value'");
        apply(p, std::string(trim(line_text.substr(0, eq))), trim(line_text.substr(eq + 1)), line);
    }
    if (p.name.empty()) throw ProfileFileError(origin + ": no 'name ='");
    if (p.pn_required && p.omit_pn)
        throw ProfileFileError(origin + ": 'require-pn = true' and 'omit-pn = true' contradict each other");
    return p;
}

std::vector<Profile> load_profiles(const std::optional<std::filesystem::path>& dir) {
    std::vector<Profile> table = builtin_profiles();
    if (!dir) return table;
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(*dir, ec)) {
        if (entry.path().extension() == ".conf") files.push_back(entry.path());
    }
    if (ec) throw ProfileFileError(dir->string() + ": " + ec.message());
    std::sort(files.begin(), files.end());
    std::vector<Profile> added;
    for (const auto& file : files) {
        std::ifstream in(file);
        std::stringstream text;
        text << in.rdbuf();
        if (!in) throw ProfileFileError(file.string() + ": cannot read it");
        auto p = parse_profile(text.str(), file.string());
        auto same =
            std::find_if(table.begin(), table.end(), [&](const Profile& b) { return b.name == p.name; });
        if (same != table.end()) {
            *same = std::move(p);
            continue;
        }
        if (p.match_all.empty() && p.pinned_addresses.empty()) {
            throw ProfileFileError(file.string() +
                                   ": a new profile needs a 'match =' or 'pin =' line, or it would "
                                   "match every device");
        }
        added.push_back(std::move(p));
    }
    table.insert(table.begin(), added.begin(), added.end());
    return table;
}

std::optional<std::string> profiles_error(const std::optional<std::filesystem::path>& dir) {
    try {
        load_profiles(dir);
    } catch (const ProfileFileError& e) {
        return e.what();
    }
    return std::nullopt;
}

} // namespace hearth::renderers
