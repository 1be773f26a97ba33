#include "hearth/config/config.hpp"
#include "hearth/net/lan_policy.hpp"
#include "hearth/renderers/profile.hpp"
#include "hearth/util/strings.hpp"

#include <boost/program_options.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace hearth {
namespace {

struct UsageError {
    std::string message;
};

po::options_description option_table() {
    po::options_description desc("Options (also accepted as 'key = value' lines in the config file)");
    // clang-format off
    desc.add_options()
        ("help,h", "show this help and exit")
        ("version", "print the version and exit")
        ("config", po::value<std::string>()->value_name("FILE"),
            "config file to read (default: /etc/hearth/hearth.conf when present)")
        ("media", po::value<std::vector<std::string>>()->value_name("DIR")->composing(),
            "media folder to share; repeatable (default: the XDG Videos, Music and Pictures folders "
            "that exist, else the current folder)")
        ("db", po::value<std::string>()->value_name("FILE"),
            "index database (default: $STATE_DIRECTORY/hearth.db or ~/.local/state/hearth/hearth.db)")
        ("interface", po::value<std::vector<std::string>>()->value_name("NAME")->composing(),
            "network interface to serve on; repeatable (default: every up, multicast-capable, "
            "non-loopback interface)")
        ("port", po::value<std::string>()->value_name("N"), "HTTP port (default: 8300)")
        ("name", po::value<std::string>()->value_name("NAME"),
            "name shown on TVs (default: \"Hearth on <hostname>\")")
        ("allow", po::value<std::vector<std::string>>()->value_name("CIDR")->composing(),
            "only these address ranges may use Hearth (besides the host itself); repeatable (default: the "
            "subnets of the interfaces Hearth serves on)")
        ("host-name", po::value<std::vector<std::string>>()->value_name("NAME")->composing(),
            "a DNS name by which devices reach this server (besides its addresses and host name); repeatable")
        ("devices", po::value<std::string>()->value_name("MODE"),
            "open: every device on the home network may browse and play (default); approved: new devices "
            "wait until the owner approves them (hearth devices approve ID)")
        ("max-streams", po::value<std::string>()->value_name("N"), "streams playing at once, all devices (default: 6)")
        ("max-streams-per-device", po::value<std::string>()->value_name("N"),
            "streams playing at once on one device (default: 3)")
        ("one-stream-per-title", po::bool_switch(), "a title plays on one device at a time")
        ("profiles", po::value<std::string>()->value_name("DIR"),
            "folder of renderer profile files (*.conf) that add to or replace the built-in ones "
            "(default: /etc/hearth/profiles.d when it exists)")
        ("max-transcodes", po::value<std::string>()->value_name("N"),
            "conversions running at once (default: half the processor cores, at least 1)")
        ("rescan-interval", po::value<std::string>()->value_name("SECONDS"),
            "how often to check that each media folder is still there (at most every 30 s) and, where "
            "inotify cannot watch every folder, to rescan for changes; 0: no such rescans (default: 300)")
        ("verify-delay", po::value<std::string>()->value_name("SECONDS"),
            "a restart reads only the folders changed while Hearth was down; this long after it, every file "
            "is checked once more, at low priority, for files rewritten in place (default: 600)")
        ("log-level", po::value<std::string>()->value_name("LEVEL"),
            "error, warning, info or debug (default: info)")
        ("scan-only", po::bool_switch(), "index the media folders, print a summary and exit");
    // clang-format on
    return desc;
}

// Keys that make no sense in a config file.
const std::set<std::string> kCommandLineOnly = {"help", "version", "config", "scan-only"};
// On/off options and the words Boost accepts for them in a config file.
const std::set<std::string> kSwitches = {"one-stream-per-title"};
const std::set<std::string> kSwitchValues = {"true", "false", "yes", "no", "on", "off", "1", "0"};

// Boost's config parser reports neither the line nor the file; check each line first so that the
// message names both.
void check_config_lines(const fs::path& file, std::istream& in, const po::options_description& desc) {
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        auto text = trim(line);
        if (text.empty() || text.front() == '#') continue;
        auto where = file.string() + ":" + std::to_string(number) + ": ";
        auto eq = text.find('=');
        if (eq == std::string_view::npos)
            throw UsageError{where.append("expected 'key = value', got '").append(text).append("'")};
        std::string key(trim(text.substr(0, eq)));
        if (desc.find_nothrow(key, false) == nullptr || kCommandLineOnly.contains(key)) {
            throw UsageError{where + "unknown option '" + key + "'"};
        }
        // Checked here, not by Boost: its message for a bad value substitutes the value into a template and
        // loops for ever when the value itself holds "%value%" (found by fuzz_config).
        auto value = trim(text.substr(eq + 1));
        if (kSwitches.contains(key) && !kSwitchValues.contains(std::string(value))) {
            throw UsageError{where + key + " takes true or false, got '" + std::string(value) + "'"};
        }
    }
}

void read_config_file(const fs::path& file, const po::options_description& desc, po::variables_map& vm) {
    std::ifstream in(file);
    if (!in) throw UsageError{"--config: cannot read '" + file.string() + "'"};
    check_config_lines(file, in, desc);
    in.clear();
    in.seekg(0);
    try {
        auto parsed = po::parse_config_file(in, desc, false);
        // Folders and files named in a config file are relative to the file, not to wherever hearth started
        // (systemd starts it in /).
        auto base = fs::absolute(file).parent_path();
        for (auto& option : parsed.options) {
            if (option.string_key != "media" && option.string_key != "db" && option.string_key != "profiles")
                continue;
            for (auto& value : option.value) {
                if (!value.empty() && fs::path(value).is_relative()) value = (base / value).string();
            }
        }
        po::store(parsed, vm);
    } catch (const po::error& e) {
        throw UsageError{file.string() + ": " + e.what()};
    }
}

std::uint16_t parse_port(const std::string& text) {
    auto value = parse_uint(text);
    if (!value || *value == 0 || *value > 65535) {
        throw UsageError{"--port: '" + text + "' is not a port number (1-65535)"};
    }
    return static_cast<std::uint16_t>(*value);
}

unsigned parse_count(const std::string& option, const std::string& text) {
    auto value = parse_uint(text);
    if (!value || *value == 0 || *value > 1000)
        throw UsageError{option + ": '" + text + "' is not a number from 1 to 1000"};
    return static_cast<unsigned>(*value);
}

// A number of seconds up to a day: --rescan-interval, --verify-delay.
unsigned parse_seconds(const std::string& option, const std::string& text) {
    auto value = parse_uint(text);
    if (!value || *value > 86400)
        throw UsageError{option + ": '" + text + "' is not a number of seconds from 0 to 86400"};
    return static_cast<unsigned>(*value);
}

log::Level parse_level(const std::string& text) {
    if (text == "error") return log::Level::error;
    if (text == "warning") return log::Level::warning;
    if (text == "info") return log::Level::info;
    if (text == "debug") return log::Level::debug;
    throw UsageError{"--log-level: '" + text + "' is not one of error, warning, info, debug"};
}

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

std::vector<fs::path> media_dirs(const po::variables_map& vm, const Environment& env) {
    if (!vm.count("media")) return default_media(env);
    std::vector<fs::path> out;
    for (const auto& text : vm["media"].as<std::vector<std::string>>()) {
        if (text.empty()) throw UsageError{"--media: empty folder name"};
        fs::path dir = fs::path(text).is_absolute() ? fs::path(text) : env.cwd / text;
        // A folder that does not exist (yet) is accepted: it may be the mount point of a disk that is not
        // mounted now, and Hearth must start, and reload, all the same; the scanner shares it once it is
        // there.
        std::error_code ec;
        if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
            throw UsageError{"--media: '" + text + "' is not a folder"};
        // weakly_canonical gives an empty path on error (a name longer than the file system allows):
        // then the path as written, made absolute above, stands.
        if (auto resolved = fs::weakly_canonical(dir, ec); !ec) dir = std::move(resolved);
        dir = dir.lexically_normal();
        if (std::find(out.begin(), out.end(), dir) == out.end()) out.push_back(dir);
    }
    return out;
}

Config build_config(const po::variables_map& vm, const Environment& env) {
    Config config;
    config.media_dirs = media_dirs(vm, env);
    config.media_by_default = vm.count("media") == 0;
    if (vm.count("db")) {
        fs::path db = vm["db"].as<std::string>();
        if (db.empty()) throw UsageError{"--db: empty file name"};
        config.db_path = db.is_absolute() ? db : env.cwd / db;
    } else {
        config.db_path = default_db(env);
    }
    if (vm.count("interface")) {
        for (const auto& name : vm["interface"].as<std::vector<std::string>>()) {
            if (name.empty()) throw UsageError{"--interface: empty interface name"};
            config.interfaces.push_back(name);
        }
    }
    if (vm.count("port")) config.port = parse_port(vm["port"].as<std::string>());
    config.friendly_name = vm.count("name") ? vm["name"].as<std::string>() : "Hearth on " + env.hostname;
    if (config.friendly_name.empty()) throw UsageError{"--name: the name may not be empty"};
    if (config.friendly_name.size() > 64)
        throw UsageError{"--name: at most 64 bytes (UPnP friendlyName limit)"};
    if (vm.count("allow")) {
        for (const auto& text : vm["allow"].as<std::vector<std::string>>()) {
            auto range = net::parse_cidr(text);
            if (!range)
                throw UsageError{"--allow: '" + text +
                                 "' is not an IPv4 address or range like 192.168.1.0/24"};
            config.allow.push_back(*range);
        }
    }
    if (vm.count("host-name")) {
        for (const auto& name : vm["host-name"].as<std::vector<std::string>>()) {
            if (name.empty() || name.find_first_of(" /:[]") != std::string::npos) {
                throw UsageError{"--host-name: '" + name + "' is not a host name"};
            }
            config.host_names.push_back(name);
        }
    }
    if (vm.count("devices")) {
        const auto& mode = vm["devices"].as<std::string>();
        if (mode != "open" && mode != "approved")
            throw UsageError{"--devices: '" + mode + "' is not open or approved"};
        config.require_approval = mode == "approved";
    }
    if (vm.count("max-streams"))
        config.max_streams = parse_count("--max-streams", vm["max-streams"].as<std::string>());
    if (vm.count("max-streams-per-device")) {
        config.max_streams_per_device =
            parse_count("--max-streams-per-device", vm["max-streams-per-device"].as<std::string>());
    }
    config.one_stream_per_title = vm["one-stream-per-title"].as<bool>();
    if (vm.count("profiles")) {
        fs::path dir = vm["profiles"].as<std::string>();
        config.profiles_dir = dir.is_absolute() ? dir : env.cwd / dir;
        std::error_code ec;
        if (!fs::is_directory(*config.profiles_dir, ec))
            throw UsageError{"--profiles: '" + dir.string() + "' is not a folder"};
    } else if (std::error_code ec; fs::is_directory(env.default_profiles_dir, ec)) {
        config.profiles_dir = env.default_profiles_dir;
    }
    try {
        renderers::load_profiles(config.profiles_dir);
    } catch (const renderers::ProfileFileError& e) {
        throw UsageError{std::string("--profiles: ") + e.what()};
    }
    config.max_transcodes = std::max(1U, std::thread::hardware_concurrency() / 2);
    if (vm.count("max-transcodes")) {
        config.max_transcodes = parse_count("--max-transcodes", vm["max-transcodes"].as<std::string>());
    }
    if (vm.count("rescan-interval"))
        config.rescan_interval_s =
            parse_seconds("--rescan-interval", vm["rescan-interval"].as<std::string>());
    if (vm.count("verify-delay"))
        config.verify_delay_s = parse_seconds("--verify-delay", vm["verify-delay"].as<std::string>());
    if (auto limit = env.getenv("HEARTH_WATCH_LIMIT")) {
        auto value = parse_uint(*limit);
        if (!value) throw UsageError{"HEARTH_WATCH_LIMIT: '" + *limit + "' is not a number"};
        config.watch_limit = static_cast<std::size_t>(*value);
    }
    if (vm.count("log-level")) config.log_level = parse_level(vm["log-level"].as<std::string>());
    config.scan_only = vm["scan-only"].as<bool>();
    return config;
}

std::string help_text(const po::options_description& desc) {
    std::ostringstream out;
    out << "Usage: hearth [OPTIONS]\n"
        << "Hearth shares the household's videos, music and pictures with TVs and players on the home "
           "network "
           "(DLNA/UPnP).\n\n"
        << desc;
    return out.str();
}

} // namespace

ParseResult parse_options(const std::vector<std::string>& args, const Environment& env) {
    auto desc = option_table();
    try {
        po::variables_map vm;
        try {
            auto parsed = po::command_line_parser(args).options(desc).run();
            // Without a positional description Boost keeps bare words but store() drops them silently, so
            // "hearth ~/Videos" would start sharing the defaults instead.
            for (const auto& o : parsed.options) {
                if (o.position_key >= 0 && !o.value.empty()) {
                    throw UsageError{"unexpected argument '" + o.value.front() +
                                     "' (use --media DIR for folders)"};
                }
            }
            po::store(parsed, vm);
        } catch (const po::error& e) {
            throw UsageError{e.what()};
        }
        if (vm.count("help")) return {std::nullopt, 0, help_text(desc)};
        if (vm.count("version")) return {std::nullopt, 0, std::string("hearth ") + HEARTH_VERSION + "\n"};
        if (vm.count("config")) {
            read_config_file(vm["config"].as<std::string>(), desc, vm);
        } else {
            std::error_code ec;
            if (fs::exists(env.default_config_file, ec)) read_config_file(env.default_config_file, desc, vm);
        }
        po::notify(vm);
        return {build_config(vm, env), 0, {}};
    } catch (const UsageError& e) {
        return {std::nullopt, 2, "hearth: " + e.message + "\n"};
    } catch (const po::error& e) {
        return {std::nullopt, 2, std::string("hearth: ") + e.what() + "\n"};
    }
}

Environment Environment::from_process() {
    Environment env;
    env.getenv = [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
    std::error_code ec;
    env.cwd = fs::current_path(ec);
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0) env.hostname = host;
    if (env.hostname.empty()) env.hostname = "this computer";
    return env;
}

} // namespace hearth
