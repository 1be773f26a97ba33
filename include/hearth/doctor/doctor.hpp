#pragma once
// `hearth doctor [--user NAME] [hearth options]`: checks whether Hearth can work here and explains in plain
// words what is wrong and how to fix it.
#include "hearth/config/config.hpp"

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace hearth::doctor {

/// The doctor's own options, taken out before the rest goes to parse_options().
struct DoctorArgs {
    std::optional<std::string> user; ///< --user NAME: judge folder access as this user
    bool help = false;
    std::vector<std::string> rest;
    std::string error; ///< a usage error, naming the option
};

DoctorArgs split_doctor_args(const std::vector<std::string>& args);

/// args: everything after "doctor". Prints the report to out; returns 0 when nothing failed, 1 when something
/// did, 2 for bad options. Sends SSDP on the chosen interfaces.
int run(const std::vector<std::string>& args, const Environment& env, std::ostream& out, std::ostream& err);

} // namespace hearth::doctor
