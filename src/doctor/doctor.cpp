#include "hearth/doctor/doctor.hpp"

#include "hearth/doctor/findings.hpp"
#include "hearth/doctor/probes.hpp"
#include "hearth/doctor/report.hpp"
#include "hearth/doctor/system.hpp"

#include <ostream>
#include <sys/xattr.h>
#include <unistd.h>

namespace hearth::doctor {
namespace {

constexpr const char* kUsage =
    "usage: hearth doctor [--user NAME] [--config FILE] [--media DIR]... [--interface NAME]... [--port N]\n"
    "Checks the network interfaces, multicast, the HTTP port, the media folders, the inotify limit, "
    "FFmpeg's\n"
    "encoders and other DLNA servers on the network, and says how to fix what is wrong. Exit status 0 when\n"
    "nothing failed, 1 when something did.\n"
    "  --user NAME   judge folder access as this user (default when run as root: the user 'hearth', if any)\n"
    "Other options as for hearth itself (hearth --help).\n";
constexpr const char* kServiceUser = "hearth";
constexpr auto kMulticastWait = std::chrono::milliseconds(500);
constexpr auto kSearchWait = std::chrono::milliseconds(1500);

/// Prints each finding as it comes, so that the slow checks show progress.
class Report {
  public:
    explicit Report(std::ostream& out) : out_(out) { out_ << "Hearth doctor\n" << std::flush; }
    void add(Finding f) {
        out_ << format_finding(f) << std::flush;
        all_.push_back(std::move(f));
    }
    void add(std::vector<Finding> fs) {
        for (auto& f : fs)
            add(std::move(f));
    }
    int finish() {
        out_ << "\n" << summary(all_) << "\n";
        return exit_status(all_);
    }

  private:
    std::ostream& out_;
    std::vector<Finding> all_;
};

struct ServiceUser {
    std::optional<UserIds> user;
    std::optional<Finding> note; ///< why folders are not judged for a service user
};

ServiceUser service_user(const std::optional<std::string>& requested) {
    if (requested) return {lookup_user(*requested), std::nullopt};
    if (::geteuid() != 0) return {};
    auto user = lookup_user(kServiceUser);
    if (user) return {user, std::nullopt};
    return {std::nullopt,
            Finding{Verdict::info,
                    "running as root and there is no user 'hearth': folders were checked as root, "
                    "which may read everything",
                    "to check as the user the service runs as: hearth doctor --user NAME"}};
}

void check_service_user(const std::filesystem::path& dir, const UserIds& user, const FolderCount& count,
                        Report& report) {
    std::string error;
    auto chain = folder_chain(dir, error);
    if (!error.empty()) {
        report.add({Verdict::warn, "media folder " + dir.string() + ": " + error, ""});
        return;
    }
    auto denial = first_denial(chain, user);
    // An ACL may grant what the mode bits deny (the hint itself suggests setfacl): do not call that a
    // failure.
    if (denial && ::getxattr(denial->entry.path.c_str(), "system.posix_acl_access", nullptr, 0) > 0) {
        report.add({Verdict::warn,
                    "media folder " + dir.string() + ": the permission bits of " +
                        denial->entry.path.string() + " deny user " + user.name +
                        ", but an ACL there may allow it",
                    "to be sure: sudo -u " + user.name + " ls '" + dir.string() + "'"});
        return;
    }
    report.add(service_user_finding(dir, user, denial, count));
}

/// Readability by this process and by the service user; returns the folders to watch and whether they were
/// counted fully.
std::pair<std::uint64_t, bool> check_folders(const Config& config, const ServiceUser& service,
                                             Report& report) {
    const UserIds* user = service.user ? &*service.user : nullptr;
    std::uint64_t folders = 0;
    bool complete = true;
    for (const auto& dir : config.media_dirs) {
        FolderCheck check{dir, try_read_folder(dir), {}};
        if (check.open_error == 0) check.count = count_folder(dir, {}, user);
        folders += check.count.folders;
        complete = complete && check.count.complete;
        report.add(folder_findings(check));
        if (user != nullptr) check_service_user(dir, *user, check.count, report);
    }
    if (service.note) report.add(*service.note);
    return {folders, complete};
}

void check_network(const Config& config, const std::vector<net::Interface>& all,
                   const std::vector<net::Interface>& chosen, Report& report) {
    for (const auto& i : chosen)
        report.add(multicast_finding(i, probe_multicast(i, kMulticastWait)));
    auto own_uuid = stored_device_uuid(config.db_path);
    report.add(port_finding(config.port, check_port(config.port), own_uuid));
    if (chosen.empty()) return;
    Surroundings here{own_uuid, {}, config.port, {}};
    for (const auto& i : all) {
        for (const auto& a : i.ipv4)
            here.local_addresses.push_back(net::to_string(a.address));
    }
    for (const auto& i : chosen)
        here.searched.push_back(i.name);
    report.add(other_server_findings(search_media_servers(chosen, kSearchWait), here));
}

} // namespace

DoctorArgs split_doctor_args(const std::vector<std::string>& args) {
    DoctorArgs out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a == "--help" || a == "-h") {
            out.help = true;
        } else if (a == "--user") {
            if (i + 1 == args.size() || args[i + 1].empty()) {
                out.error = "--user: expected a user name";
                return out;
            }
            out.user = args[++i];
        } else if (a.starts_with("--user=")) {
            out.user = a.substr(7);
            if (out.user->empty()) out.error = "--user: expected a user name";
        } else {
            out.rest.push_back(a);
        }
    }
    return out;
}

int run(const std::vector<std::string>& args, const Environment& env, std::ostream& out, std::ostream& err) {
    auto doctor_args = split_doctor_args(args);
    if (doctor_args.help) {
        out << kUsage;
        return 0;
    }
    if (!doctor_args.error.empty()) {
        err << "hearth doctor: " << doctor_args.error << "\n";
        return 2;
    }
    auto parsed = parse_options(doctor_args.rest, env);
    if (!parsed.config) {
        (parsed.exit_code == 0 ? out : err) << parsed.output;
        return parsed.exit_code;
    }
    const auto& config = *parsed.config;
    auto service = service_user(doctor_args.user);
    if (doctor_args.user && !service.user) {
        err << "hearth doctor: --user: no user named '" << *doctor_args.user << "'\n";
        return 2;
    }
    Report report(out);
    auto all = net::list_interfaces();
    auto choice = net::choose_interfaces(all, config.interfaces);
    report.add(interface_findings(choice));
    check_network(config, all, choice.chosen, report);
    auto [folders, complete] = check_folders(config, service, report);
    report.add(watch_limit_finding(read_watch_limit(), folders, complete));
    report.add(codec_findings(transcoding_needs(), ffmpeg_has));
    return report.finish();
}

} // namespace hearth::doctor
