#pragma once
// The option table: every option of the command line and the config file, declared once (STYLE rule 9). It
// drives the Boost.Program_options description (--help), the keys a config file may hold, the defaults shown
// and the example config (/etc/hearth/hearth.conf). Private to config; options.cpp reads it.
#include "hearth/config/config.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace hearth::options {

/// An error in what the user wrote: parse_options prints "hearth: <message>" and exits 2.
struct UsageError {
    std::string message;
};

/// What the command line and the config file said for one option.
struct Given {
    bool set = false; ///< given at all (a switch: turned on)
    std::vector<std::string>
        values; ///< one for a single value, every one for a repeatable, none for a switch
    const std::string& value() const { return values.front(); }
};

struct OptionSpec {
    /// How the option is written. action: --help, --version (acted on before anything else); on_off: a switch
    /// (true/false in a config file); single: one value; repeatable: any number of values.
    enum class Kind { action, on_off, single, repeatable };
    /// Where it may be given. A relative path in a config file is relative to the file.
    enum class Where { command_line, both, both_path };

    std::string name;       ///< the long name, and ",x" for a short one ("help,h")
    std::string value_name; ///< "N", "DIR"…; empty for action and on_off
    Kind kind = Kind::single;
    Where where = Where::both;
    std::string help;         ///< the --help text, without the default
    std::string default_text; ///< "(default: …)" in --help; empty: none shown
    /// The example config: the comment above the key (lines joined by '\n', without '#') and the values it
    /// shows, commented out; no values: the default_text.
    std::string example_comment;
    std::vector<std::string> example_values;
    /// Checks what was given and stores it in the Config; called for every option, given or not, in table
    /// order, so that a default that depends on the surroundings is computed here too. Throws UsageError.
    void (*apply)(const Given&, Config&, const Environment&) = nullptr;

    std::string long_name() const { return name.substr(0, name.find(',')); }
    bool config_key() const { return where != Where::command_line; }
};

/// The table, in --help order.
const std::vector<OptionSpec>& option_table();

// Defaults that depend on the surroundings (defaults.cpp).
/// The XDG Videos, Music and Pictures folders that exist, else the current folder.
std::vector<std::filesystem::path> default_media(const Environment& env);
/// $STATE_DIRECTORY/hearth.db, else $XDG_STATE_HOME/hearth/hearth.db, else ~/.local/state/hearth/hearth.db.
std::filesystem::path default_db(const Environment& env);

} // namespace hearth::options
