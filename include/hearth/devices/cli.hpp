#pragma once
// `hearth devices list | approve ID | block ID [--db FILE] [--config FILE]`: the owner's say over which
// devices may use Hearth. Works while the server runs (it re-reads statuses every second).
#include "hearth/config/config.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace hearth::devices {

/// args: everything after "devices". Returns the exit status (2 for usage errors, naming what is wrong).
int run_cli(const std::vector<std::string>& args, const Environment& env, std::ostream& out,
            std::ostream& err);

} // namespace hearth::devices
