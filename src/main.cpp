// hearth: parse options → Config → App. Everything else lives in hearth_core.
#include "hearth/app/app.hpp"
#include "hearth/config/config.hpp"
#include "hearth/devices/cli.hpp"
#include "hearth/doctor/doctor.hpp"
#include "hearth/net/interfaces.hpp"
#include "hearth/renderers/profile.hpp"
#include "hearth/util/log.hpp"

#include <csignal>
#include <iostream>

namespace {

// The process's surroundings, with the profile files checked while options are parsed: config sits below
// renderers and cannot read them itself.
hearth::Environment environment() {
    auto env = hearth::Environment::from_process();
    env.check_profiles = hearth::renderers::profiles_error;
    return env;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args[0] == "devices") {
        try {
            return hearth::devices::run_cli({args.begin() + 1, args.end()}, environment(), std::cout,
                                            std::cerr);
        } catch (const std::exception& e) {
            std::cerr << "hearth devices: " << e.what() << "\n";
            return 1;
        }
    }
    if (!args.empty() && args[0] == "doctor") {
        std::signal(SIGPIPE, SIG_IGN);
        try {
            return hearth::doctor::run({args.begin() + 1, args.end()}, environment(), std::cout, std::cerr);
        } catch (const std::exception& e) {
            std::cerr << "hearth doctor: " << e.what() << "\n";
            return 1;
        }
    }
    auto parsed = hearth::parse_options(args, environment());
    if (!parsed.config) {
        (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.output;
        return parsed.exit_code;
    }
    const auto& config = *parsed.config;
    hearth::log::set_level(config.log_level);

    // Block the stop signals in every thread; App::run() waits for them with sigwait.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    try {
        if (config.scan_only) return hearth::App::scan_only(config);
        auto choice = hearth::net::choose_interfaces(hearth::net::list_interfaces(), config.interfaces);
        if (!choice.error.empty()) {
            std::cerr << "hearth: " << choice.error << "\n";
            return 2;
        }
        hearth::App app(config, choice.chosen, [args] { return hearth::parse_options(args, environment()); });
        return app.run();
    } catch (const std::exception& e) {
        hearth::log::error("hearth: ", e.what());
        return 1;
    }
}
