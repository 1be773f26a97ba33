// Defaults that depend on the process's surroundings: the XDG media folders and the state folder.
#include "hearth/util/strings.hpp"
#include "option_table.hpp"

#include <algorithm>
#include <fstream>

namespace fs = std::filesystem;

namespace hearth::options {
namespace {

fs::path home_of(const Environment& env) {
    auto home = env.getenv("HOME");
    return home && !home->empty() ? fs::path(*home) : env.cwd;
}

// The XDG user folder named by key (e.g. XDG_MUSIC_DIR) from user-dirs.dirs, else ~/fallback.
fs::path xdg_user_dir(const Environment& env, const std::string& key, const std::string& fallback) {
    auto home = home_of(env);
    auto config_home = env.getenv("XDG_CONFIG_HOME");
    fs::path dirs_file =
        (config_home && !config_home->empty() ? fs::path(*config_home) : home / ".config") / "user-dirs.dirs";
    std::ifstream in(dirs_file);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.starts_with(key + "=")) continue;
        std::string value(trim(std::string_view(line).substr(key.size() + 1)));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        if (value.starts_with("$HOME")) return home / fs::path(value.substr(5)).relative_path();
        if (!value.empty() && value.front() == '/') return value;
    }
    return home / fallback;
}

} // namespace

std::vector<fs::path> default_media(const Environment& env) {
    std::vector<fs::path> out;
    const std::pair<const char*, const char*> kinds[] = {
        {"XDG_VIDEOS_DIR", "Videos"}, {"XDG_MUSIC_DIR", "Music"}, {"XDG_PICTURES_DIR", "Pictures"}};
    for (const auto& [key, fallback] : kinds) {
        auto dir = xdg_user_dir(env, key, fallback);
        std::error_code ec;
        // XDG points unset folders at $HOME itself ("$HOME/" in user-dirs.dirs, which a plain path comparison
        // misses because of the trailing slash); sharing a whole home folder is never a sensible default.
        bool duplicate = std::any_of(out.begin(), out.end(),
                                     [&](const fs::path& p) { return fs::equivalent(p, dir, ec); });
        if (fs::is_directory(dir, ec) && !fs::equivalent(dir, home_of(env), ec) && !duplicate)
            out.push_back(dir);
    }
    if (out.empty()) out.push_back(env.cwd);
    return out;
}

fs::path default_db(const Environment& env) {
    auto state = env.getenv("STATE_DIRECTORY"); // set by systemd's StateDirectory=
    if (state && !state->empty()) return fs::path(split(*state, ':').front()) / "hearth.db";
    auto xdg_state = env.getenv("XDG_STATE_HOME");
    if (xdg_state && !xdg_state->empty()) return fs::path(*xdg_state) / "hearth" / "hearth.db";
    return home_of(env) / ".local" / "state" / "hearth" / "hearth.db";
}

} // namespace hearth::options
