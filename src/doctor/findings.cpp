#include "hearth/doctor/findings.hpp"

#include "hearth/library/watch_limit.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <map>

namespace hearth::doctor {
namespace {

std::string error_text(int error) {
    return std::strerror(error);
}

/// "192.168.1.5/24 (subnet 192.168.1.0/24)"; just "10.0.0.0/8" when the address is the subnet's.
std::string subnet_text(const net::Ipv4Address& a) {
    auto prefix = "/" + std::to_string(a.prefix_length);
    std::uint32_t mask = a.prefix_length == 0 ? 0 : ~std::uint32_t{0} << (32 - a.prefix_length);
    in_addr network{htonl(ntohl(a.address.s_addr) & mask)};
    std::string out = a.text() + prefix;
    if (network.s_addr != a.address.s_addr) out += " (subnet " + net::to_string(network) + prefix + ")";
    return out;
}

std::string subnets(const net::Interface& i) {
    std::string out;
    for (const auto& a : i.ipv4)
        out += (out.empty() ? "" : ", ") + subnet_text(a);
    return out;
}

std::string counted(std::uint64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string multicast_hint(const net::Interface& i, const MulticastProbe& probe) {
    if (!i.multicast) return "turn multicast on: ip link set " + i.name + " multicast on";
    switch (probe.outcome) {
    case MulticastOutcome::cannot_listen:
        return "another program holds UDP port 1900 without sharing it; find it with: ss -lunp 'sport = "
               ":1900'";
    case MulticastOutcome::cannot_join:
        return "the interface refuses multicast groups; check 'ip link show " + i.name + "' shows MULTICAST";
    case MulticastOutcome::cannot_send:
        return "no multicast route out of " + i.name + "; add one: ip route add 239.0.0.0/8 dev " + i.name;
    case MulticastOutcome::silent:
        return "a firewall probably drops multicast; allow UDP port 1900 in (e.g. nft add rule inet filter "
               "input "
               "udp dport 1900 accept)";
    case MulticastOutcome::came_back:
        break;
    }
    return {};
}

std::string multicast_problem(const MulticastProbe& probe) {
    switch (probe.outcome) {
    case MulticastOutcome::cannot_listen:
        return "cannot listen on UDP port 1900 (" + error_text(probe.error) + ")";
    case MulticastOutcome::cannot_join:
        return "cannot join 239.255.255.250 (" + error_text(probe.error) + ")";
    case MulticastOutcome::cannot_send:
        return "cannot send to 239.255.255.250:1900 (" + error_text(probe.error) + ")";
    case MulticastOutcome::silent:
        return "an SSDP probe sent out did not come back within 500 ms";
    case MulticastOutcome::came_back:
        break;
    }
    return {};
}

std::string host_of(const FoundServer& s) {
    auto url = parse_http_url(s.answer.location);
    return url ? url->host + ":" + std::to_string(url->port) : s.address;
}

bool on_this_host(const FoundServer& s, const Surroundings& here) {
    auto url = parse_http_url(s.answer.location);
    std::string host = url ? url->host : s.address;
    return host.starts_with("127.") || std::find(here.local_addresses.begin(), here.local_addresses.end(),
                                                 host) != here.local_addresses.end();
}

std::string describe(const FoundServer& s) {
    std::string out;
    if (s.device) {
        out = "\"" + s.device->friendly_name + "\"";
        std::string model = s.device->model_name.empty() ? s.answer.server : s.device->model_name;
        if (!model.empty()) out += " (" + model + ")";
    } else {
        out = "a server" + (s.answer.server.empty() ? std::string() : " (" + s.answer.server + ")");
    }
    return out + " at " + host_of(s);
}

Finding other_server(const FoundServer& s, const Surroundings& here) {
    auto url = parse_http_url(s.answer.location);
    bool local = on_this_host(s, here);
    Finding f;
    f.text = "another DLNA server answers: " + describe(s);
    if (!s.device) f.text += "; its description could not be read (" + s.fetch_error + ")";
    if (local && url && url->port == here.port) {
        f.verdict = Verdict::fail;
        f.text += ", on this machine and on Hearth's port";
        f.hint = "stop it or give Hearth another port with --port";
    } else if (local) {
        f.verdict = Verdict::warn;
        f.text += ", on this machine";
        f.hint = "TVs will list both; if Hearth replaces it, stop and disable that server";
    } else {
        f.verdict = Verdict::info;
    }
    return f;
}

std::string key_of(const FoundServer& s) {
    auto uuid = uuid_of_usn(s.answer.usn);
    return uuid.empty() ? s.answer.location : uuid;
}

} // namespace

std::vector<Finding> interface_findings(const net::InterfaceChoice& choice) {
    if (choice.chosen.empty()) {
        return {
            {Verdict::fail, "no network interface to serve on: " + choice.error,
             "check 'ip -4 addr' shows an interface that is UP with an address; name it with --interface"}};
    }
    std::vector<Finding> out;
    for (const auto& i : choice.chosen) {
        Finding f{Verdict::ok, "interface " + i.name + ": " + subnets(i), ""};
        if (i.loopback) f.text += "; loopback, so only this machine will see Hearth";
        out.push_back(std::move(f));
    }
    return out;
}

Finding multicast_finding(const net::Interface& interface, const MulticastProbe& probe) {
    if (probe.outcome == MulticastOutcome::came_back)
        return {Verdict::ok, "multicast on " + interface.name + ": an SSDP probe came back", ""};
    std::string text = "multicast on " + interface.name + ": " + multicast_problem(probe);
    if (!interface.multicast) text += "; the interface has no MULTICAST flag";
    text += "; TVs will not find Hearth there";
    return {Verdict::fail, text, multicast_hint(interface, probe)};
}

Finding port_finding(std::uint16_t port, const PortCheck& check, const std::string& own_uuid) {
    auto p = std::to_string(port);
    if (check.state == PortState::in_use_by_hearth && !own_uuid.empty() && check.hearth_uuid == own_uuid)
        return {Verdict::info,
                "port " + p + " is used by this Hearth (\"" + check.hearth_name + "\"), which is running",
                ""};
    switch (check.state) {
    case PortState::free:
        return {Verdict::ok, "port " + p + " is free", ""};
    case PortState::in_use_by_hearth:
        return {Verdict::warn, "port " + p + " is taken by a running Hearth (\"" + check.hearth_name + "\")",
                "fine if that is the Hearth service; a second Hearth needs another --port"};
    case PortState::in_use:
        return {Verdict::fail, "port " + p + " is in use by another program",
                "find it with: ss -ltnp 'sport = :" + p + "'; stop it or choose another port with --port"};
    case PortState::no_permission:
        return {Verdict::fail, "port " + p + " needs privileges (" + error_text(check.error) + ")",
                "use a port above 1023 with --port (the default is 8300)"};
    case PortState::error:
        break;
    }
    return {Verdict::fail, "port " + p + " cannot be checked (" + error_text(check.error) + ")", ""};
}

std::vector<Finding> folder_findings(const FolderCheck& check) {
    auto name = check.folder.string();
    if (check.open_error != 0) {
        return {{Verdict::fail, "media folder " + name + " cannot be read: " + error_text(check.open_error),
                 "check that it exists and may be read: ls -ld " + name}};
    }
    const auto& c = check.count;
    std::string text = "media folder " + name + ": readable, " + (c.complete ? "" : "at least ") +
                       counted(c.files, "file", "files") + " in " + counted(c.folders, "folder", "folders");
    if (!c.complete) text += " (stopped counting)";
    std::vector<Finding> out{{Verdict::ok, text, ""}};
    if (c.unreadable > 0) {
        out.push_back({Verdict::warn,
                       "media folder " + name + ": " + counted(c.unreadable, "subfolder", "subfolders") +
                           " cannot be read, e.g. " + c.first_unreadable,
                       "Hearth will skip them; to share them: chmod -R o+rX '" + c.first_unreadable + "'"});
    }
    return out;
}

Finding service_user_finding(const std::filesystem::path& folder, const UserIds& user,
                             const std::optional<Denial>& denial, const FolderCount& count) {
    if (denial) {
        auto why = explain(*denial, user, folder);
        return {Verdict::fail, why.text, why.hint};
    }
    auto name = folder.string();
    if (count.denied_to_user == 0)
        return {Verdict::ok, "media folder " + name + ": readable by user " + user.name, ""};
    return {Verdict::warn,
            "media folder " + name + ": user " + user.name + " cannot read " +
                counted(count.denied_to_user, "file or folder", "files and folders") + " inside, e.g. " +
                count.first_denied_to_user,
            "Hearth will skip them; to share them: setfacl -R -m u:" + user.name + ":rX " + name +
                " (or chmod -R o+rX " + name + ")"};
}

Finding watch_limit_finding(std::optional<std::uint64_t> limit, std::uint64_t folders, bool complete) {
    auto advice = library::watch_limit_advice(limit, folders, complete);
    const Verdict verdict = advice.room == library::WatchLimitAdvice::enough    ? Verdict::ok
                            : advice.room == library::WatchLimitAdvice::unknown ? Verdict::info
                                                                                : Verdict::warn;
    return {verdict, std::move(advice.text), std::move(advice.hint)};
}

const std::vector<Need>& transcoding_needs() {
    static const std::vector<Need> needs = {
        {Component::encoder,
         {"libx264", "h264_vaapi", "h264_qsv", "h264_nvenc", "h264_v4l2m2m", "h264_omx"},
         "H.264 encoder",
         "HEVC, VP9, AV1 and MPEG-4 videos cannot be converted for TVs that play only H.264"},
        {Component::encoder,
         {"aac", "libfdk_aac"},
         "AAC encoder",
         "DTS, TrueHD, Opus, Vorbis and FLAC sound cannot be converted for TVs that need AAC"},
        {Component::encoder,
         {"ac3", "ac3_fixed"},
         "AC-3 encoder",
         "surround sound cannot be kept as 5.1 for TVs that need AC-3"},
        {Component::encoder,
         {"libmp3lame"},
         "MP3 encoder",
         "FLAC, ALAC, WMA and Opus music cannot be converted for players that play only MP3"},
        {Component::muxer, {"mpegts"}, "MPEG-TS muxer", "no live transcoding for most TVs"},
        {Component::muxer, {"mp4"}, "MP4 muxer", "no remuxing to MP4 for players that need it"},
    };
    return needs;
}

std::vector<Finding> codec_findings(const std::vector<Need>& needs, const Availability& available) {
    std::vector<Finding> out;
    for (const auto& need : needs) {
        auto found = std::find_if(need.names.begin(), need.names.end(),
                                  [&](const std::string& n) { return available(need.component, n); });
        if (found == need.names.begin()) {
            out.push_back({Verdict::ok, "FFmpeg: " + need.what + " " + *found, ""});
        } else if (found != need.names.end()) {
            out.push_back(
                {Verdict::warn,
                 "FFmpeg: no " + need.names.front() + "; " + need.what + " " + *found +
                     " works only with the matching hardware",
                 "install an FFmpeg built with " + need.names.front() + " (Debian's libavcodec has it)"});
        } else {
            out.push_back(
                {Verdict::warn,
                 "FFmpeg: no " + need.what + " (" + need.names.front() + "): " + need.consequence,
                 "install an FFmpeg built with " + need.names.front() + " (Debian's libavcodec has it)"});
        }
    }
    return out;
}

std::vector<Finding> other_server_findings(const std::vector<FoundServer>& found, const Surroundings& here) {
    std::map<std::string, const FoundServer*> servers; // one line per server, preferring a readable one
    bool saw_self = false;
    for (const auto& s : found) {
        auto key = key_of(s);
        if (!here.own_uuid.empty() && key == here.own_uuid) {
            saw_self = true;
            continue;
        }
        auto& slot = servers[key];
        if (slot == nullptr || (!slot->device && s.device)) slot = &s;
    }
    std::vector<Finding> out;
    if (saw_self) out.push_back({Verdict::info, "this Hearth is running and answers searches", ""});
    for (const auto& [key, s] : servers)
        out.push_back(other_server(*s, here));
    if (servers.empty()) {
        std::string where;
        for (const auto& n : here.searched)
            where += (where.empty() ? "" : ", ") + n;
        out.push_back({Verdict::ok, "no other DLNA server answered on " + where, ""});
    }
    return out;
}

} // namespace hearth::doctor
