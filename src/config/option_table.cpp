// Every option once: name, value, help, default, where it may be given, the example config's text and the
// check that turns what was given into the Config. The defaults themselves are Config's member initialisers.
#include "option_table.hpp"

#include "hearth/net/lan_policy.hpp"
#include "hearth/util/strings.hpp"

#include <algorithm>
#include <array>
#include <thread>

namespace fs = std::filesystem;

namespace hearth::options {
namespace {

using Kind = OptionSpec::Kind;
using Where = OptionSpec::Where;

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

constexpr std::array<std::pair<const char*, log::Level>, 4> kLevels = {{
    {"error", log::Level::error},
    {"warning", log::Level::warning},
    {"info", log::Level::info},
    {"debug", log::Level::debug},
}};

std::string level_name(log::Level level) {
    for (const auto& [name, l] : kLevels)
        if (l == level) return name;
    return "info";
}

log::Level parse_level(const std::string& text) {
    for (const auto& [name, level] : kLevels)
        if (text == name) return level;
    throw UsageError{"--log-level: '" + text + "' is not one of error, warning, info, debug"};
}

std::vector<fs::path> media_dirs(const Given& given, const Environment& env) {
    if (!given.set) return default_media(env);
    std::vector<fs::path> out;
    for (const auto& text : given.values) {
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

void apply_media(const Given& given, Config& config, const Environment& env) {
    config.media_dirs = media_dirs(given, env);
    config.media_by_default = !given.set;
}

void apply_db(const Given& given, Config& config, const Environment& env) {
    if (!given.set) {
        config.db_path = default_db(env);
        return;
    }
    fs::path db = given.value();
    if (db.empty()) throw UsageError{"--db: empty file name"};
    config.db_path = db.is_absolute() ? db : env.cwd / db;
}

void apply_interface(const Given& given, Config& config, const Environment&) {
    for (const auto& name : given.values) {
        if (name.empty()) throw UsageError{"--interface: empty interface name"};
        config.interfaces.push_back(name);
    }
}

void apply_port(const Given& given, Config& config, const Environment&) {
    if (given.set) config.port = parse_port(given.value());
}

void apply_name(const Given& given, Config& config, const Environment& env) {
    config.friendly_name = given.set ? given.value() : "Hearth on " + env.hostname;
    if (config.friendly_name.empty()) throw UsageError{"--name: the name may not be empty"};
    if (config.friendly_name.size() > 64)
        throw UsageError{"--name: at most 64 bytes (UPnP friendlyName limit)"};
}

void apply_allow(const Given& given, Config& config, const Environment&) {
    for (const auto& text : given.values) {
        auto range = net::parse_cidr(text);
        if (!range)
            throw UsageError{"--allow: '" + text + "' is not an IPv4 address or range like 192.168.1.0/24"};
        config.allow.push_back(*range);
    }
}

void apply_host_name(const Given& given, Config& config, const Environment&) {
    for (const auto& name : given.values) {
        if (name.empty() || name.find_first_of(" /:[]") != std::string::npos) {
            throw UsageError{"--host-name: '" + name + "' is not a host name"};
        }
        config.host_names.push_back(name);
    }
}

void apply_devices(const Given& given, Config& config, const Environment&) {
    if (!given.set) return;
    const auto& mode = given.value();
    if (mode != "open" && mode != "approved")
        throw UsageError{"--devices: '" + mode + "' is not open or approved"};
    config.require_approval = mode == "approved";
}

void apply_max_streams(const Given& given, Config& config, const Environment&) {
    if (given.set) config.max_streams = parse_count("--max-streams", given.value());
}

void apply_max_streams_per_device(const Given& given, Config& config, const Environment&) {
    if (given.set) config.max_streams_per_device = parse_count("--max-streams-per-device", given.value());
}

void apply_one_stream_per_title(const Given& given, Config& config, const Environment&) {
    config.one_stream_per_title = given.set;
}

void apply_profiles(const Given& given, Config& config, const Environment& env) {
    if (given.set) {
        fs::path dir = given.value();
        config.profiles_dir = dir.is_absolute() ? dir : env.cwd / dir;
        std::error_code ec;
        if (!fs::is_directory(*config.profiles_dir, ec))
            throw UsageError{"--profiles: '" + dir.string() + "' is not a folder"};
    } else if (std::error_code ec; fs::is_directory(env.default_profiles_dir, ec)) {
        config.profiles_dir = env.default_profiles_dir;
    }
    if (!env.check_profiles) return;
    if (auto error = env.check_profiles(config.profiles_dir)) throw UsageError{"--profiles: " + *error};
}

void apply_max_transcodes(const Given& given, Config& config, const Environment&) {
    config.max_transcodes = given.set ? parse_count("--max-transcodes", given.value())
                                      : std::max(1U, std::thread::hardware_concurrency() / 2);
}

void apply_rescan_interval(const Given& given, Config& config, const Environment&) {
    if (given.set) config.rescan_interval_s = parse_seconds("--rescan-interval", given.value());
}

void apply_verify_delay(const Given& given, Config& config, const Environment&) {
    if (given.set) config.verify_delay_s = parse_seconds("--verify-delay", given.value());
}

void apply_log_level(const Given& given, Config& config, const Environment&) {
    if (given.set) config.log_level = parse_level(given.value());
}

void apply_scan_only(const Given& given, Config& config, const Environment&) {
    config.scan_only = given.set;
}

std::vector<OptionSpec> make_table() {
    const Config defaults;
    const auto number = [](unsigned n) { return std::to_string(n); };
    // clang-format off
    return {
        {"help,h", "", Kind::action, Where::command_line, "show this help and exit", "", "", {}, nullptr},
        {"version", "", Kind::action, Where::command_line, "print the version and exit", "", "", {}, nullptr},
        {"config", "FILE", Kind::single, Where::command_line, "config file to read",
            std::string(kDefaultConfigFile) + " when present", "", {}, nullptr},
        {"media", "DIR", Kind::repeatable, Where::both_path, "media folder to share; repeatable",
            "the XDG Videos, Music and Pictures folders that exist, else the current folder",
            "Media folders to share; repeatable. The hearth user must be able to read them (and enter every folder above\n"
            "them). Without any, Hearth shares its own state folder, which holds no media: set at least one.",
            {"/srv/media/Films", "/srv/media/Music", "/home/alice/Pictures"}, apply_media},
        {"db", "FILE", Kind::single, Where::both_path, "index database",
            "$STATE_DIRECTORY/hearth.db or ~/.local/state/hearth/hearth.db",
            "Index database. Default: hearth.db in the service's state folder (/var/lib/hearth).",
            {"/var/lib/hearth/hearth.db"}, apply_db},
        {"interface", "NAME", Kind::repeatable, Where::both, "network interface to serve on; repeatable",
            "every up, multicast-capable, non-loopback interface",
            "Network interfaces to serve on; repeatable. Default: every up, multicast-capable, non-loopback interface with\n"
            "an IPv4 address.",
            {"eth0"}, apply_interface},
        {"port", "N", Kind::single, Where::both, "HTTP port", number(defaults.port),
            "HTTP port.", {}, apply_port},
        {"name", "NAME", Kind::single, Where::both, "name shown on TVs", "\"Hearth on <hostname>\"",
            "Name shown on TVs. Default: \"Hearth on <hostname>\".", {"Living room"}, apply_name},
        {"allow", "CIDR", Kind::repeatable, Where::both,
            "only these address ranges may use Hearth (besides the host itself); repeatable",
            "the subnets of the interfaces Hearth serves on",
            "Address ranges allowed to use Hearth, besides the host itself; repeatable. Default: the subnets of the\n"
            "interfaces Hearth serves on. The service also filters addresses in the kernel (IPAddressAllow= in\n"
            "hearth.service: loopback, link-local and the private ranges); a range outside those must be added there too\n"
            "(systemctl edit hearth).",
            {"192.168.1.0/24"}, apply_allow},
        {"host-name", "NAME", Kind::repeatable, Where::both,
            "a DNS name by which devices reach this server (besides its addresses and host name); repeatable", "",
            "DNS names by which devices reach this server, besides its addresses and host name; repeatable.",
            {"media.home.arpa"}, apply_host_name},
        {"devices", "MODE", Kind::single, Where::both,
            "open: every device on the home network may browse and play; approved: new devices wait until the "
            "owner approves them (hearth devices approve ID)",
            defaults.require_approval ? "approved" : "open",
            "open: every device on the home network may browse and play (default).\n"
            "approved: new devices wait until the owner approves them (hearth devices list / approve ID / block ID).",
            {}, apply_devices},
        {"max-streams", "N", Kind::single, Where::both, "streams playing at once, all devices",
            number(defaults.max_streams), "Streams playing at once, all devices together.", {}, apply_max_streams},
        {"max-streams-per-device", "N", Kind::single, Where::both, "streams playing at once on one device",
            number(defaults.max_streams_per_device), "Streams playing at once on one device.", {},
            apply_max_streams_per_device},
        {"one-stream-per-title", "", Kind::on_off, Where::both, "a title plays on one device at a time", "",
            "When true, a title plays on one device at a time.", {}, apply_one_stream_per_title},
        {"profiles", "DIR", Kind::single, Where::both_path,
            "folder of renderer profile files (*.conf) that add to or replace the built-in ones",
            std::string(kDefaultProfilesDir) + " when it exists",
            "A folder of renderer profile files (*.conf) that add to or replace the built-in ones; see\n"
            "/usr/share/doc/hearth/profiles.md. Default: /etc/hearth/profiles.d when it exists.",
            {kDefaultProfilesDir}, apply_profiles},
        {"max-transcodes", "N", Kind::single, Where::both, "conversions running at once",
            "half the processor cores, at least 1",
            "Conversions (for TVs that cannot play a file as it is) running at once. Each takes about a core for HD\n"
            "video; the default is half the processor cores, at least 1.",
            {"1"}, apply_max_transcodes},
        {"rescan-interval", "SECONDS", Kind::single, Where::both,
            "how often to check that each media folder is still there (at most every 30 s) and, where inotify "
            "cannot watch every folder, to rescan for changes; 0: no such rescans",
            number(defaults.rescan_interval_s),
            "Seconds between light rescans where inotify cannot watch every folder (the log says when, with the sysctl line\n"
            "that raises the limit); the media folders' presence (an unmounted disk) is checked this often too, at most every\n"
            "30 s. 0 turns the rescans off.",
            {}, apply_rescan_interval},
        {"verify-delay", "SECONDS", Kind::single, Where::both,
            "a restart reads only the folders changed while Hearth was down; this long after it, every file is "
            "checked once more, at low priority, for files rewritten in place",
            number(defaults.verify_delay_s),
            "A restart reads only the folders whose entries changed while Hearth was down (a stat per folder, not per\n"
            "file). A file rewritten in place leaves its folder unchanged: this many seconds after the start, every file\n"
            "is checked once more, at low priority.",
            {}, apply_verify_delay},
        {"log-level", "LEVEL", Kind::single, Where::both, "error, warning, info or debug",
            level_name(defaults.log_level),
            "error, warning, info or debug. Debug logs every request: use it only while looking for a problem.", {},
            apply_log_level},
        {"scan-only", "", Kind::on_off, Where::command_line, "index the media folders, print a summary and exit", "",
            "", {}, apply_scan_only},
    };
    // clang-format on
}

} // namespace

const std::vector<OptionSpec>& option_table() {
    static const std::vector<OptionSpec> table = make_table();
    return table;
}

} // namespace hearth::options
