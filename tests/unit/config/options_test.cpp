#include "hearth/config/config.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <string>

namespace hearth {
namespace {

namespace fs = std::filesystem;

// A scratch home, working folder and environment per test; nothing of the real process leaks in.
class ParseOptions : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "hearth-options-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        root_ = fs::path(pattern);
        home_ = root_ / "home";
        cwd_ = root_ / "cwd";
        fs::create_directories(home_);
        fs::create_directories(cwd_);
        vars_["HOME"] = home_.string();
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(root_, ec);
    }

    Environment env() const {
        Environment e;
        e.getenv = [vars = vars_](const std::string& name) -> std::optional<std::string> {
            auto it = vars.find(name);
            if (it == vars.end()) return std::nullopt;
            return it->second;
        };
        e.cwd = cwd_;
        e.hostname = "testhost";
        e.default_config_file = root_ / "no-such-default.conf";
        return e;
    }

    ParseResult parse(std::vector<std::string> args) const { return parse_options(args, env()); }

    Config parse_ok(std::vector<std::string> args) const {
        auto r = parse(std::move(args));
        EXPECT_EQ(r.exit_code, 0) << r.output;
        EXPECT_TRUE(r.config) << r.output;
        return r.config.value_or(Config{});
    }

    void expect_usage_error(std::vector<std::string> args, std::string_view mentioned) const {
        std::string joined;
        for (const auto& a : args)
            joined += a + " ";
        auto r = parse(std::move(args));
        EXPECT_EQ(r.exit_code, 2) << joined;
        EXPECT_FALSE(r.config) << joined;
        EXPECT_TRUE(r.output.starts_with("hearth: ")) << r.output;
        EXPECT_NE(r.output.find(mentioned), std::string::npos)
            << "'" << mentioned << "' not in: " << r.output;
        EXPECT_TRUE(r.output.ends_with("\n")) << r.output;
        EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << "one line: " << r.output;
    }

    fs::path mkdir(const fs::path& p) const {
        fs::create_directories(p);
        return p;
    }

    fs::path write_file(const fs::path& p, const std::string& text) const {
        fs::create_directories(p.parent_path());
        std::ofstream(p) << text;
        return p;
    }

    fs::path root_, home_, cwd_;
    std::map<std::string, std::string> vars_;
};

// --- defaults ---

TEST_F(ParseOptions, DefaultsWithNothingAround) {
    auto c = parse_ok({});
    EXPECT_EQ(c.media_dirs, std::vector<fs::path>{cwd_});
    EXPECT_EQ(c.db_path, home_ / ".local/state/hearth/hearth.db");
    EXPECT_TRUE(c.interfaces.empty());
    EXPECT_EQ(c.port, 8300);
    EXPECT_EQ(c.port, kDefaultPort);
    EXPECT_EQ(c.friendly_name, "Hearth on testhost");
    EXPECT_EQ(c.log_level, log::Level::info);
    EXPECT_FALSE(c.scan_only);
}

TEST_F(ParseOptions, DefaultMediaAreTheUsualHomeFoldersThatExist) {
    mkdir(home_ / "Videos");
    mkdir(home_ / "Pictures");
    EXPECT_EQ(parse_ok({}).media_dirs, (std::vector<fs::path>{home_ / "Videos", home_ / "Pictures"}));
    mkdir(home_ / "Music");
    EXPECT_EQ(parse_ok({}).media_dirs,
              (std::vector<fs::path>{home_ / "Videos", home_ / "Music", home_ / "Pictures"}));
}

TEST_F(ParseOptions, DefaultMediaFollowUserDirs) {
    auto films = mkdir(home_ / "Filme");
    auto music = mkdir(root_ / "elsewhere" / "Musik");
    mkdir(home_ / "Pictures"); // not used: user-dirs names another folder, which does not exist
    write_file(home_ / ".config/user-dirs.dirs", "# written by xdg-user-dirs-update\n"
                                                 "XDG_DESKTOP_DIR=\"$HOME/Desktop\"\n"
                                                 "XDG_VIDEOS_DIR=\"$HOME/Filme\"\n"
                                                 "XDG_MUSIC_DIR=\"" +
                                                     music.string() +
                                                     "\"\n"
                                                     "XDG_PICTURES_DIR=\"$HOME/Bilder\"\n");
    EXPECT_EQ(parse_ok({}).media_dirs, (std::vector<fs::path>{films, music}));
}

TEST_F(ParseOptions, DefaultMediaUseXdgConfigHome) {
    auto films = mkdir(home_ / "Filme");
    mkdir(home_ / "Videos");
    auto config_home = mkdir(root_ / "xdg-config");
    write_file(config_home / "user-dirs.dirs", "XDG_VIDEOS_DIR=\"$HOME/Filme\"\n");
    vars_["XDG_CONFIG_HOME"] = config_home.string();
    EXPECT_EQ(parse_ok({}).media_dirs, std::vector<fs::path>{films});
}

TEST_F(ParseOptions, DefaultMediaNeverShareTheWholeHome) {
    // xdg-user-dirs points folders the user removed at $HOME itself, written "$HOME/" (or "$HOME").
    write_file(home_ / ".config/user-dirs.dirs",
               "XDG_VIDEOS_DIR=\"$HOME/\"\nXDG_MUSIC_DIR=\"$HOME\"\nXDG_PICTURES_DIR=\"" + home_.string() +
                   "\"\n");
    EXPECT_EQ(parse_ok({}).media_dirs, std::vector<fs::path>{cwd_});
}

TEST_F(ParseOptions, WithoutHomeFallsBackToCwd) {
    vars_.erase("HOME");
    auto c = parse_ok({});
    EXPECT_EQ(c.media_dirs, std::vector<fs::path>{cwd_});
    EXPECT_EQ(c.db_path, cwd_ / ".local/state/hearth/hearth.db");
}

TEST_F(ParseOptions, DefaultDbPrefersStateDirectoryThenXdgStateHome) {
    vars_["XDG_STATE_HOME"] = "/xdg/state";
    EXPECT_EQ(parse_ok({}).db_path, fs::path("/xdg/state/hearth/hearth.db"));
    vars_["STATE_DIRECTORY"] = "/var/lib/hearth";
    EXPECT_EQ(parse_ok({}).db_path, fs::path("/var/lib/hearth/hearth.db"));
    vars_["STATE_DIRECTORY"] = "/var/lib/hearth:/var/lib/other";
    EXPECT_EQ(parse_ok({}).db_path, fs::path("/var/lib/hearth/hearth.db"));
    vars_["STATE_DIRECTORY"] = "";
    EXPECT_EQ(parse_ok({}).db_path, fs::path("/xdg/state/hearth/hearth.db"));
    vars_["XDG_STATE_HOME"] = "";
    EXPECT_EQ(parse_ok({}).db_path, home_ / ".local/state/hearth/hearth.db");
}

// --- command line ---

TEST_F(ParseOptions, EveryOptionOnTheCommandLine) {
    auto a = mkdir(root_ / "a");
    auto c =
        parse_ok({"--media", a.string(), "--db", "/tmp/x.db", "--interface", "eth0", "--interface", "wlan0",
                  "--port", "9000", "--name", "Living room", "--log-level", "debug", "--scan-only"});
    EXPECT_EQ(c.media_dirs, std::vector<fs::path>{a});
    EXPECT_EQ(c.db_path, fs::path("/tmp/x.db"));
    EXPECT_EQ(c.interfaces, (std::vector<std::string>{"eth0", "wlan0"}));
    EXPECT_EQ(c.port, 9000);
    EXPECT_EQ(c.friendly_name, "Living room");
    EXPECT_EQ(c.log_level, log::Level::debug);
    EXPECT_TRUE(c.scan_only);
}

TEST_F(ParseOptions, EqualsSyntax) {
    auto c = parse_ok({"--port=1234", "--name=Den"});
    EXPECT_EQ(c.port, 1234);
    EXPECT_EQ(c.friendly_name, "Den");
}

TEST_F(ParseOptions, RepeatedMediaKeepOrderDropDuplicatesAndResolveAgainstCwd) {
    auto a = mkdir(root_ / "a");
    auto b = mkdir(cwd_ / "b");
    auto c = parse_ok({"--media", a.string(), "--media", "b", "--media", (root_ / "a" / ".").string(),
                       "--media", (cwd_ / "b" / ".." / "b").string()});
    EXPECT_EQ(c.media_dirs, (std::vector<fs::path>{a, b}));
    for (const auto& d : c.media_dirs)
        EXPECT_TRUE(d.is_absolute()) << d;
}

// An unmounted disk's mount point may be gone (udisks removes /media/USER/LABEL): Hearth starts and reloads
// all the same, and the scanner shares the folder once it is there.
TEST_F(ParseOptions, MissingMediaFolderIsAccepted) {
    auto missing = root_ / "not-mounted";
    auto config = parse_ok({"--media", missing.string()});
    ASSERT_EQ(config.media_dirs.size(), 1U);
    EXPECT_EQ(config.media_dirs[0], missing);
}

TEST_F(ParseOptions, MediaReplacesTheDefaults) {
    mkdir(home_ / "Videos");
    auto a = mkdir(root_ / "a");
    EXPECT_EQ(parse_ok({"--media", a.string()}).media_dirs, std::vector<fs::path>{a});
}

TEST_F(ParseOptions, RelativeDbIsResolvedAgainstCwd) {
    EXPECT_EQ(parse_ok({"--db", "index.db"}).db_path, cwd_ / "index.db");
}

TEST_F(ParseOptions, LogLevels) {
    EXPECT_EQ(parse_ok({"--log-level", "error"}).log_level, log::Level::error);
    EXPECT_EQ(parse_ok({"--log-level", "warning"}).log_level, log::Level::warning);
    EXPECT_EQ(parse_ok({"--log-level", "info"}).log_level, log::Level::info);
    EXPECT_EQ(parse_ok({"--log-level", "debug"}).log_level, log::Level::debug);
}

TEST_F(ParseOptions, PortLimits) {
    EXPECT_EQ(parse_ok({"--port", "1"}).port, 1);
    EXPECT_EQ(parse_ok({"--port", "65535"}).port, 65535);
}

TEST_F(ParseOptions, BadValuesExit2NamingTheOption) {
    for (auto bad : {"0", "65536", "-1", "abc", "80x", "", " 80", "99999999999999999999"}) {
        expect_usage_error({"--port", bad}, "--port");
    }
    expect_usage_error({"--log-level", "verbose"}, "--log-level");
    expect_usage_error({"--log-level", "DEBUG"}, "--log-level");
    expect_usage_error({"--media", write_file(root_ / "file.txt", "x").string()}, "--media");
    expect_usage_error({"--media", ""}, "--media");
    expect_usage_error({"--db", ""}, "--db");
    expect_usage_error({"--interface", ""}, "--interface");
    expect_usage_error({"--name", ""}, "--name");
    expect_usage_error({"--name", std::string(65, 'x')}, "--name");
    EXPECT_EQ(parse_ok({"--name", std::string(64, 'x')}).friendly_name.size(), 64U);
}

TEST_F(ParseOptions, UnknownOrIncompleteOptionsExit2NamingThem) {
    expect_usage_error({"--bogus"}, "--bogus");
    expect_usage_error({"--bogus=1"}, "--bogus");
    expect_usage_error({"-x"}, "-x");
    expect_usage_error({"--port"}, "port");
    expect_usage_error({"--port", "1", "--port", "2"}, "port");
    // A bare word is most likely a folder meant for --media; ignoring it would share the defaults instead.
    expect_usage_error({"stray"}, "stray");
    expect_usage_error({"--port", "9000", "/srv/media"}, "/srv/media");
}

TEST_F(ParseOptions, HelpListsEveryOption) {
    for (const auto& flag : {"--help", "-h"}) {
        auto r = parse({flag});
        EXPECT_EQ(r.exit_code, 0);
        EXPECT_FALSE(r.config);
        for (auto option : {"--help", "--version", "--config", "--media", "--db", "--interface", "--port",
                            "--name", "--log-level", "--scan-only"}) {
            EXPECT_NE(r.output.find(option), std::string::npos) << option << " missing from:\n" << r.output;
        }
        EXPECT_NE(r.output.find("8300"), std::string::npos);
    }
}

TEST_F(ParseOptions, HelpWinsOverErrorsInOtherOptions) {
    auto r = parse({"--port", "0", "--help"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST_F(ParseOptions, Version) {
    auto r = parse({"--version"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_FALSE(r.config);
    EXPECT_EQ(r.output, std::string("hearth ") + HEARTH_VERSION + "\n");
}

// --- config files ---

TEST_F(ParseOptions, ConfigFileValuesAreUsed) {
    auto a = mkdir(root_ / "a");
    auto file = write_file(root_ / "hearth.conf", "# comment\n\n"
                                                  "media = " +
                                                      a.string() +
                                                      "\n"
                                                      "  port=9100  \n"
                                                      "name = Attic\n"
                                                      "log-level = warning\n"
                                                      "db = /srv/hearth.db\n"
                                                      "interface = eth1\n");
    auto c = parse_ok({"--config", file.string()});
    EXPECT_EQ(c.media_dirs, std::vector<fs::path>{a});
    EXPECT_EQ(c.port, 9100);
    EXPECT_EQ(c.friendly_name, "Attic");
    EXPECT_EQ(c.log_level, log::Level::warning);
    EXPECT_EQ(c.db_path, fs::path("/srv/hearth.db"));
    EXPECT_EQ(c.interfaces, std::vector<std::string>{"eth1"});
}

TEST_F(ParseOptions, CommandLineOverridesAndAddsToConfigFile) {
    auto a = mkdir(root_ / "a");
    auto b = mkdir(root_ / "b");
    auto file = write_file(root_ / "hearth.conf", "media = " + a.string() + "\nport = 9100\nname = Attic\n");
    auto c = parse_ok({"--config", file.string(), "--port", "9200", "--media", b.string()});
    EXPECT_EQ(c.port, 9200);
    EXPECT_EQ(c.friendly_name, "Attic");
    ASSERT_EQ(c.media_dirs.size(), 2U);
    EXPECT_NE(std::find(c.media_dirs.begin(), c.media_dirs.end(), a), c.media_dirs.end());
    EXPECT_NE(std::find(c.media_dirs.begin(), c.media_dirs.end(), b), c.media_dirs.end());
}

TEST_F(ParseOptions, RelativePathsInAConfigFileAreRelativeToTheFile) {
    auto etc = mkdir(root_ / "etc");
    auto films = mkdir(etc / "films");
    auto file = write_file(etc / "hearth.conf", "media = films\ndb = state/index.db\n");
    auto c = parse_ok({"--config", file.string()});
    ASSERT_EQ(c.media_dirs.size(), 1U);
    EXPECT_TRUE(fs::equivalent(c.media_dirs[0], films));
    EXPECT_EQ(c.db_path, etc / "state" / "index.db");
}

TEST_F(ParseOptions, ASwitchWithABadValueInAConfigFileExits2) {
    // Found by fuzzing: Boost's own message for this looped for ever on a value holding "%value%".
    auto file = write_file(root_ / "bad.conf", "one-stream-per-title = tru('%value%')e\n");
    expect_usage_error({"--config", file.string()}, file.string() + ":1");
    auto ok = write_file(root_ / "ok.conf", "one-stream-per-title = yes\n");
    EXPECT_TRUE(parse_ok({"--config", ok.string()}).one_stream_per_title);
}

TEST_F(ParseOptions, BadConfigLineExit2NamingFileAndLine) {
    auto file = write_file(root_ / "bad.conf", "port = 9100\n# fine\nthis line has no equals sign\n");
    expect_usage_error({"--config", file.string()}, file.string() + ":3");
}

TEST_F(ParseOptions, UnknownConfigKeyExit2NamingFileLineAndKey) {
    auto file = write_file(root_ / "bad.conf", "port = 9100\ncolour = blue\n");
    expect_usage_error({"--config", file.string()}, file.string() + ":2");
    expect_usage_error({"--config", file.string()}, "colour");
}

TEST_F(ParseOptions, CommandLineOnlyKeysAreRejectedInConfigFile) {
    for (auto key : {"help", "version", "config", "scan-only"}) {
        auto file = write_file(root_ / "bad.conf", std::string(key) + " = 1\n");
        expect_usage_error({"--config", file.string()}, file.string() + ":1");
    }
}

TEST_F(ParseOptions, BadValueInConfigFileExit2) {
    auto file = write_file(root_ / "bad.conf", "port = 0\n");
    expect_usage_error({"--config", file.string()}, "--port");
}

TEST_F(ParseOptions, MissingConfigFileExit2) {
    expect_usage_error({"--config", (root_ / "missing.conf").string()}, "--config");
}

TEST_F(ParseOptions, DefaultConfigFileIsReadWhenPresent) {
    auto e = env();
    e.default_config_file = write_file(root_ / "etc/hearth.conf", "port = 9300\nname = From etc\n");
    auto r = parse_options({}, e);
    ASSERT_TRUE(r.config) << r.output;
    EXPECT_EQ(r.config->port, 9300);
    EXPECT_EQ(r.config->friendly_name, "From etc");
    r = parse_options({"--port", "9400"}, e);
    ASSERT_TRUE(r.config) << r.output;
    EXPECT_EQ(r.config->port, 9400);
}

TEST_F(ParseOptions, DefaultConfigFileErrorsAreReported) {
    auto e = env();
    e.default_config_file = write_file(root_ / "etc/hearth.conf", "nonsense\n");
    auto r = parse_options({}, e);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.output.find(e.default_config_file.string() + ":1"), std::string::npos) << r.output;
}

TEST_F(ParseOptions, ExplicitConfigReplacesTheDefaultFile) {
    auto e = env();
    e.default_config_file = write_file(root_ / "etc/hearth.conf", "port = 9300\n");
    auto file = write_file(root_ / "mine.conf", "name = Mine\n");
    auto r = parse_options({"--config", file.string()}, e);
    ASSERT_TRUE(r.config) << r.output;
    EXPECT_EQ(r.config->port, kDefaultPort);
    EXPECT_EQ(r.config->friendly_name, "Mine");
}

} // namespace
} // namespace hearth

namespace hearth {
namespace {

TEST_F(ParseOptions, RescanIntervalDefaultsToFiveMinutesAndTakesSeconds) {
    EXPECT_EQ(parse_ok({"--media", mkdir(cwd_ / "m").string()}).rescan_interval_s, 300u);
    EXPECT_EQ(parse_ok({"--media", mkdir(cwd_ / "m").string(), "--rescan-interval", "0"}).rescan_interval_s,
              0u);
    auto conf =
        write_file(root_ / "h.conf", "media = " + mkdir(cwd_ / "m").string() + "\nrescan-interval = 60\n");
    EXPECT_EQ(parse_ok({"--config", conf.string()}).rescan_interval_s, 60u);
    expect_usage_error({"--rescan-interval", "soon"}, "--rescan-interval");
    expect_usage_error({"--rescan-interval", "100000"}, "--rescan-interval");
}

// Found by fuzz_config: a name too long for the file system made the folder an empty (relative) path.
TEST_F(ParseOptions, AMediaFolderNameTooLongForTheFileSystemStaysAbsolute) {
    const std::string name(300, 'a');
    auto config = parse_ok({"--media", name});
    ASSERT_EQ(config.media_dirs.size(), 1u);
    EXPECT_TRUE(config.media_dirs[0].is_absolute());
    EXPECT_EQ(config.media_dirs[0].filename(), name);
}

TEST_F(ParseOptions, VerifyDelayDefaultsToTenMinutesAndTakesSeconds) {
    EXPECT_EQ(parse_ok({"--media", mkdir(cwd_ / "m").string()}).verify_delay_s, 600u);
    EXPECT_EQ(parse_ok({"--media", mkdir(cwd_ / "m").string(), "--verify-delay", "5"}).verify_delay_s, 5u);
    auto conf =
        write_file(root_ / "h.conf", "media = " + mkdir(cwd_ / "m").string() + "\nverify-delay = 0\n");
    EXPECT_EQ(parse_ok({"--config", conf.string()}).verify_delay_s, 0u);
    expect_usage_error({"--verify-delay", "later"}, "--verify-delay");
    expect_usage_error({"--verify-delay", "86401"}, "--verify-delay");
}

TEST_F(ParseOptions, WatchLimitComesFromTheEnvironmentForTests) {
    EXPECT_FALSE(parse_ok({"--media", mkdir(cwd_ / "m").string()}).watch_limit);
    vars_["HEARTH_WATCH_LIMIT"] = "0";
    EXPECT_EQ(parse_ok({"--media", mkdir(cwd_ / "m").string()}).watch_limit, std::size_t{0});
}

} // namespace
} // namespace hearth
