// The option table drives --help, the config keys and the example config; the shipped example and the
// README's option table must say what the table says.
#include "hearth/config/config.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <regex>
#include <set>
#include <sstream>

namespace hearth {
namespace {

namespace fs = std::filesystem;

// The checkout this test was built from: CMakeCache.txt in the build folder, above this binary's tests/,
// names it. (Not a -D: ccache's base_dir turns the absolute path into one relative to the folder it compiled
// in.)
fs::path source_root() {
    std::ifstream cache(fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "CMakeCache.txt");
    const std::string key = "CMAKE_HOME_DIRECTORY:INTERNAL=";
    for (std::string line; std::getline(cache, line);)
        if (line.starts_with(key)) return line.substr(key.size());
    return {};
}

std::string read(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

Environment quiet_env(const test::TempDir& dir) {
    Environment e;
    e.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    e.cwd = dir.path();
    e.hostname = "testhost";
    e.default_config_file = dir / "no-such-default.conf";
    e.default_profiles_dir = dir / "no-such-profiles.d";
    return e;
}

// After a change to the table: HEARTH_WRITE_EXAMPLE_CONFIG=1 build/tests/hearth_unit_tests
// --gtest_filter=OptionTable.* writes the file anew (review the diff before committing it).
TEST(OptionTable, ShippedExampleConfigIsTheTables) {
    const auto file = source_root() / "packaging" / "hearth.conf";
    if (std::getenv("HEARTH_WRITE_EXAMPLE_CONFIG") != nullptr) std::ofstream(file) << example_config();
    auto shipped = read(file);
    ASSERT_FALSE(shipped.empty()) << source_root();
    EXPECT_EQ(shipped, example_config()) << "regenerate it: see above";
}

TEST(OptionTable, ExampleConfigListsEveryConfigKeyCommentedOut) {
    std::set<std::string> listed;
    std::istringstream in(example_config());
    std::string line;
    std::regex setting("^#([a-z][a-z0-9-]*) = .*");
    while (std::getline(in, line)) {
        EXPECT_TRUE(line.empty() || line.front() == '#') << "not commented out: " << line;
        std::smatch m;
        if (std::regex_match(line, m, setting)) listed.insert(m[1]);
    }
    std::set<std::string> keys;
    for (const auto& name : option_names()) {
        if (name != "help" && name != "version" && name != "config" && name != "scan-only") keys.insert(name);
    }
    EXPECT_EQ(listed, keys);
}

TEST(OptionTable, EveryExampleValueParses) {
    test::TempDir dir;
    std::string uncommented;
    std::istringstream in(example_config());
    std::string line;
    while (std::getline(in, line)) {
        // Paths of this machine are left out; the options' own tests cover them.
        if (line.starts_with("#media") || line.starts_with("#db") || line.starts_with("#profiles")) continue;
        if (line.size() > 1 && line[1] != ' ') uncommented += line.substr(1) + "\n";
    }
    ASSERT_NE(uncommented.find("max-streams = "), std::string::npos) << uncommented;
    auto file = dir.write("all.conf", uncommented);
    auto r = parse_options({"--config", file.string()}, quiet_env(dir));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    ASSERT_TRUE(r.config);
    EXPECT_EQ(r.config->friendly_name, "Living room");
    EXPECT_EQ(r.config->max_streams, Config{}.max_streams);
}

TEST(OptionTable, HelpNamesEveryOptionOnce) {
    test::TempDir dir;
    auto help = parse_options({"--help"}, quiet_env(dir)).output;
    for (const auto& name : option_names()) {
        std::regex option("--" + name + "( |\n)");
        auto found =
            std::distance(std::sregex_iterator(help.begin(), help.end(), option), std::sregex_iterator());
        EXPECT_EQ(found, 1) << name << " in:\n" << help;
    }
    EXPECT_NE(help.find("(default: " + std::to_string(Config{}.max_streams) + ")"), std::string::npos)
        << help;
}

// README.md, section "Running": its option table lists every option of the table and no other.
TEST(OptionTable, ReadmeTableListsEveryOption) {
    auto readme = read(source_root() / "README.md");
    auto start = readme.find("\n## Running\n");
    ASSERT_NE(start, std::string::npos);
    auto end = readme.find("\n## ", start + 1);
    std::istringstream section(readme.substr(start, end - start));
    std::set<std::string> listed;
    std::regex option("`--([a-z][a-z0-9-]*)");
    std::string line;
    while (std::getline(section, line)) {
        if (!line.starts_with("| `--")) continue;
        auto first_cell = line.substr(1, line.find(" | ") - 1);
        for (std::sregex_iterator it(first_cell.begin(), first_cell.end(), option), none; it != none; ++it)
            listed.insert((*it)[1]);
    }
    auto names = option_names();
    EXPECT_EQ(listed, std::set<std::string>(names.begin(), names.end()));
}

TEST(OptionTable, ProfileFilesAreCheckedThroughTheEnvironment) {
    test::TempDir dir;
    auto profiles = dir / "profiles";
    fs::create_directories(profiles);
    auto env = quiet_env(dir);
    std::optional<fs::path> checked;
    env.check_profiles = [&](const std::optional<fs::path>& d) -> std::optional<std::string> {
        checked = d;
        return std::string("tv.conf:3: unknown key 'colour'");
    };
    auto r = parse_options({"--profiles", profiles.string()}, env);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.output, "hearth: --profiles: tv.conf:3: unknown key 'colour'\n");
    EXPECT_EQ(checked, profiles);

    env.check_profiles = [&](const std::optional<fs::path>& d) -> std::optional<std::string> {
        checked = d;
        return std::nullopt;
    };
    r = parse_options({}, env);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(checked, std::nullopt) << "no --profiles and no default folder: only the built-in table";
}

} // namespace
} // namespace hearth
