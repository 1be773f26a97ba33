// parse_options: the option table (option_table.cpp) as a Boost.Program_options description, the config file
// read line by line against it, and the Config built by each option's check; also the help and the example
// config, both written from the table.
#include "hearth/config/config.hpp"
#include "hearth/util/strings.hpp"
#include "option_table.hpp"

#include <boost/program_options.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace hearth {
namespace {

using options::Given;
using options::option_table;
using options::OptionSpec;
using options::UsageError;

std::string described(const OptionSpec& spec) {
    return spec.default_text.empty() ? spec.help : spec.help + " (default: " + spec.default_text + ")";
}

po::options_description description() {
    po::options_description desc("Options (also accepted as 'key = value' lines in the config file)");
    auto add = desc.add_options();
    for (const auto& spec : option_table()) {
        const auto help = described(spec);
        switch (spec.kind) {
        case OptionSpec::Kind::action:
            add(spec.name.c_str(), help.c_str());
            break;
        case OptionSpec::Kind::on_off:
            add(spec.name.c_str(), po::bool_switch(), help.c_str());
            break;
        case OptionSpec::Kind::single:
            add(spec.name.c_str(), po::value<std::string>()->value_name(spec.value_name), help.c_str());
            break;
        case OptionSpec::Kind::repeatable:
            add(spec.name.c_str(),
                po::value<std::vector<std::string>>()->value_name(spec.value_name)->composing(),
                help.c_str());
            break;
        }
    }
    return desc;
}

const OptionSpec* config_key(const std::string& key) {
    for (const auto& spec : option_table())
        if (spec.long_name() == key && spec.config_key()) return &spec;
    return nullptr;
}

// The words Boost accepts for an on/off option in a config file.
const std::set<std::string> kSwitchValues = {"true", "false", "yes", "no", "on", "off", "1", "0"};

// Boost's config parser reports neither the line nor the file; check each line first so that the
// message names both.
void check_config_lines(const fs::path& file, std::istream& in) {
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
        const auto* spec = config_key(key);
        if (spec == nullptr) throw UsageError{where + "unknown option '" + key + "'"};
        // Checked here, not by Boost: its message for a bad value substitutes the value into a template and
        // loops for ever when the value itself holds "%value%" (found by fuzz_config).
        auto value = trim(text.substr(eq + 1));
        if (spec->kind == OptionSpec::Kind::on_off && !kSwitchValues.contains(std::string(value))) {
            throw UsageError{where + key + " takes true or false, got '" + std::string(value) + "'"};
        }
    }
}

void read_config_file(const fs::path& file, const po::options_description& desc, po::variables_map& vm) {
    std::ifstream in(file);
    if (!in) throw UsageError{"--config: cannot read '" + file.string() + "'"};
    check_config_lines(file, in);
    in.clear();
    in.seekg(0);
    try {
        auto parsed = po::parse_config_file(in, desc, false);
        // Folders and files named in a config file are relative to the file, not to wherever hearth started
        // (systemd starts it in /).
        auto base = fs::absolute(file).parent_path();
        for (auto& option : parsed.options) {
            const auto* spec = config_key(option.string_key);
            if (spec == nullptr || spec->where != OptionSpec::Where::both_path) continue;
            for (auto& value : option.value) {
                if (!value.empty() && fs::path(value).is_relative()) value = (base / value).string();
            }
        }
        po::store(parsed, vm);
    } catch (const po::error& e) {
        throw UsageError{file.string() + ": " + e.what()};
    }
}

Given given(const po::variables_map& vm, const OptionSpec& spec) {
    const auto name = spec.long_name();
    Given out;
    switch (spec.kind) {
    case OptionSpec::Kind::action:
        out.set = vm.count(name) > 0;
        break;
    case OptionSpec::Kind::on_off:
        out.set = vm[name].as<bool>();
        break;
    case OptionSpec::Kind::single:
        out.set = vm.count(name) > 0;
        if (out.set) out.values = {vm[name].as<std::string>()};
        break;
    case OptionSpec::Kind::repeatable:
        out.set = vm.count(name) > 0;
        if (out.set) out.values = vm[name].as<std::vector<std::string>>();
        break;
    }
    return out;
}

Config build_config(const po::variables_map& vm, const Environment& env) {
    Config config;
    for (const auto& spec : option_table())
        if (spec.apply != nullptr) spec.apply(given(vm, spec), config, env);
    if (auto limit = env.getenv("HEARTH_WATCH_LIMIT")) {
        auto value = parse_uint(*limit);
        if (!value) throw UsageError{"HEARTH_WATCH_LIMIT: '" + *limit + "' is not a number"};
        config.watch_limit = static_cast<std::size_t>(*value);
    }
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

void check_bare_words(const po::parsed_options& parsed) {
    // Without a positional description Boost keeps bare words but store() drops them silently, so
    // "hearth ~/Videos" would start sharing the defaults instead.
    for (const auto& o : parsed.options) {
        if (o.position_key >= 0 && !o.value.empty()) {
            throw UsageError{"unexpected argument '" + o.value.front() + "' (use --media DIR for folders)"};
        }
    }
}

constexpr const char* kExampleHeader =
    R"(# /etc/hearth/hearth.conf: settings of the Hearth media server.
#
# One "key = value" per line; the keys are the long command-line options (hearth --help). Lines starting with #
# are comments. Every setting below is commented out and shows its default or an example: remove the leading #
# to use it. Options marked "repeatable" may appear on several lines. Relative paths are relative to this file.
#
# After a change: systemctl reload hearth (or restart). journalctl -u hearth names any line Hearth refuses.
)";

} // namespace

ParseResult parse_options(const std::vector<std::string>& args, const Environment& env) {
    auto desc = description();
    try {
        po::variables_map vm;
        try {
            auto parsed = po::command_line_parser(args).options(desc).run();
            check_bare_words(parsed);
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

std::string example_config() {
    std::string out = kExampleHeader;
    for (const auto& spec : option_table()) {
        if (!spec.config_key()) continue;
        out += "\n";
        for (auto line : split(spec.example_comment, '\n'))
            out.append("# ").append(line).append("\n");
        auto values = spec.example_values;
        if (values.empty()) values = {spec.kind == OptionSpec::Kind::on_off ? "false" : spec.default_text};
        for (const auto& value : values)
            out.append("#").append(spec.long_name()).append(" = ").append(value).append("\n");
    }
    return out;
}

std::vector<std::string> option_names() {
    std::vector<std::string> out;
    for (const auto& spec : option_table())
        out.push_back(spec.long_name());
    return out;
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
