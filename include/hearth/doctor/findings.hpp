#pragma once
// Measurements → findings in plain words, with the fix. Pure: the measuring is in probes.hpp and
// system.hpp.
#include "hearth/doctor/access.hpp"
#include "hearth/doctor/discovery.hpp"
#include "hearth/doctor/report.hpp"
#include "hearth/net/interfaces.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hearth::doctor {

/// One OK line per chosen interface with its IPv4 subnets, or a FAIL naming why none can be used.
std::vector<Finding> interface_findings(const net::InterfaceChoice& choice);

enum class MulticastOutcome { came_back, silent, cannot_listen, cannot_join, cannot_send };

struct MulticastProbe {
    MulticastOutcome outcome = MulticastOutcome::silent;
    int error = 0; ///< errno of the step that failed
};

Finding multicast_finding(const net::Interface& interface, const MulticastProbe& probe);

enum class PortState { free, in_use, in_use_by_hearth, no_permission, error };

struct PortCheck {
    PortState state = PortState::free;
    int error = 0;
    std::string hearth_name; ///< friendlyName of the Hearth holding the port
    std::string hearth_uuid; ///< its UDN without "uuid:"
};

/// own_uuid: this Hearth's UUID from its database (may be empty); a port held by it is no problem.
Finding port_finding(std::uint16_t port, const PortCheck& check, const std::string& own_uuid);

struct FolderCount {
    std::uint64_t folders = 0; ///< including the media folder itself
    std::uint64_t files = 0;
    bool complete = true; ///< false when counting stopped at the entry or time bound
    std::uint64_t unreadable = 0;
    std::string first_unreadable;
    std::uint64_t denied_to_user = 0; ///< files and folders inside that the service user may not read
    std::string first_denied_to_user;
};

struct FolderCheck {
    std::filesystem::path folder;
    int open_error = 0; ///< errno from opening or reading the folder as this process; 0 when readable
    FolderCount count;
};

/// Readable (with what is in it) or FAIL; a WARN when some subfolders cannot be read.
std::vector<Finding> folder_findings(const FolderCheck& check);

/// Readability by the service user: OK; FAIL explaining which folder above or at the media folder denies
/// what, and the fix; WARN when only some files or folders inside are denied (count.denied_to_user).
Finding service_user_finding(const std::filesystem::path& folder, const UserIds& user,
                             const std::optional<Denial>& denial, const FolderCount& count);

/// inotify needs one watch per folder (library/watch_limit.hpp): WARN when the folders exceed the limit (or
/// come within 10% of it), INFO when the limit cannot be read.
Finding watch_limit_finding(std::optional<std::uint64_t> limit, std::uint64_t folders, bool complete);

enum class Component { encoder, muxer };

struct Need {
    Component component;
    std::vector<std::string> names; ///< alternatives, best first
    std::string what;               ///< e.g. "H.264 encoder"
    std::string consequence;        ///< what cannot be done without it
};

/// What transcoding uses from FFmpeg.
const std::vector<Need>& transcoding_needs();

using Availability = std::function<bool(Component, const std::string&)>;

/// One line per need: OK naming what was found, WARN saying what will not work without it.
std::vector<Finding> codec_findings(const std::vector<Need>& needs, const Availability& available);

struct FoundServer {
    std::string address; ///< the address the answer came from
    SearchAnswer answer;
    std::optional<DeviceSummary> device; ///< from LOCATION; nullopt when it could not be read
    std::string fetch_error;
};

struct Surroundings {
    std::string own_uuid;                     ///< this Hearth's UUID from its database; may be empty
    std::vector<std::string> local_addresses; ///< every IPv4 address of this host
    std::uint16_t port = 0;                   ///< Hearth's HTTP port
    std::vector<std::string> searched;        ///< interface names searched
};

/// One line per other server (by UUID): INFO elsewhere, WARN on this host, FAIL on this host on our port;
/// OK when none answered.
std::vector<Finding> other_server_findings(const std::vector<FoundServer>& found, const Surroundings& here);

} // namespace hearth::doctor
