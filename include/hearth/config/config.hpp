#pragma once
// The validated, immutable configuration. Built once by parse_options(); nothing reads raw options
// afterwards. Each option is declared once, in the option table (src/config/option_table.cpp); a default that
// is a plain value is the member initialiser below, which the table shows in --help and the example config.
#include "hearth/net/interfaces.hpp"
#include "hearth/util/log.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hearth {

inline constexpr std::uint16_t kDefaultPort = 8300;
inline constexpr const char* kDefaultConfigFile = "/etc/hearth/hearth.conf";
inline constexpr const char* kDefaultProfilesDir = "/etc/hearth/profiles.d";

struct Config {
    std::vector<std::filesystem::path> media_dirs; ///< absolute, existing directories
    bool media_by_default = false;                 ///< no --media given: the XDG folders or the current one
    std::filesystem::path db_path;
    std::vector<std::string> interfaces; ///< empty: every up, multicast-capable, non-loopback interface
    std::uint16_t port = kDefaultPort;
    std::string friendly_name;
    std::vector<net::Ipv4Address> allow; ///< empty: the subnets of the chosen interfaces
    std::vector<std::string> host_names; ///< extra names the Host header may carry
    bool require_approval = false;       ///< --devices approved: new devices wait for the owner
    unsigned max_streams = 6;
    unsigned max_streams_per_device = 3;
    bool one_stream_per_title = false;
    /// Conversions at once; the default is what the machine sustains (cores / 2).
    unsigned max_transcodes = 1;
    std::optional<std::filesystem::path> profiles_dir; ///< the owner's renderer profiles (*.conf)
    log::Level log_level = log::Level::info;
    /// Light full rescans where inotify cannot watch every folder, and the media folders' presence check
    /// (at most every 30 s); 0 turns the rescans off.
    unsigned rescan_interval_s = 300;
    /// After a restart that read only the changed folders, when every file is verified (library/live.hpp).
    unsigned verify_delay_s = 600;
    /// Most inotify watches to use (HEARTH_WATCH_LIMIT, for tests of the fallback); unset: the kernel's.
    std::optional<std::size_t> watch_limit;
    bool scan_only = false;
};

/// What the process sees of its surroundings, so that defaults can be tested without touching the real ones.
struct Environment {
    std::function<std::optional<std::string>(const std::string&)> getenv;
    std::filesystem::path cwd;
    std::string hostname;
    std::filesystem::path default_config_file = kDefaultConfigFile;
    std::filesystem::path default_profiles_dir = kDefaultProfilesDir;
    /// Reads the renderer profile files that the Config names (none: only the built-in table) and returns the
    /// first error ("file:line: what"), which parse_options reports as a --profiles error. main() sets it to
    /// renderers::load_profiles, which config, below renderers, does not include; unset: not checked.
    std::function<std::optional<std::string>(const std::optional<std::filesystem::path>&)> check_profiles;
    static Environment from_process();
};

/// Result of parsing: a Config to run with, or an exit code with the text to print
/// (help and version exit 0 on stdout; every error exits 2 with one line on stderr naming the option).
struct ParseResult {
    std::optional<Config> config;
    int exit_code = 0;
    std::string output;
};

ParseResult parse_options(const std::vector<std::string>& args, const Environment& env);

/// The example config file (packaging/hearth.conf, installed as /etc/hearth/hearth.conf), written from the
/// option table: every option a config file may hold, commented out, with its default or an example.
std::string example_config();

/// Every option's long name ("media", "max-streams"…), in --help order.
std::vector<std::string> option_names();

} // namespace hearth
