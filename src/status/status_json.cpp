#include "hearth/status/status_json.hpp"

#include "hearth/util/strings.hpp"

#include <cstdio>

namespace hearth::status {
namespace {

std::string json_string(std::string_view text) {
    return "\"" + json_escape(text) + "\"";
}

std::string json_or_null(const std::optional<std::string>& text) {
    return text ? json_string(*text) : "null";
}

} // namespace

std::string status_json(const Snapshot& s) {
    std::string out = "{\"name\":" + json_string(s.name) + ",\"version\":" + json_string(HEARTH_VERSION) +
                      ",\"refusals\":{";
    for (std::size_t i = 0; i < net::kRefusalKinds; ++i) {
        auto r = static_cast<net::Refusal>(i);
        out += (i ? "," : "") + json_string(net::refusal_name(r)) + ":" + std::to_string(s.refusals.count(r));
    }
    out += "},\"devices\":[";
    for (std::size_t i = 0; i < s.devices.size(); ++i) {
        const auto& d = s.devices[i];
        out += (i ? ",{" : "{");
        out += "\"id\":" + std::to_string(d.id) +
               ",\"status\":" + json_string(devices::status_name(d.status)) +
               ",\"address\":" + json_string(d.address) + ",\"mac\":" + json_or_null(d.mac) +
               ",\"name\":" + json_or_null(d.name) + ",\"user_agent\":" + json_or_null(d.user_agent) +
               ",\"first_seen\":" + std::to_string(d.first_seen) +
               ",\"last_seen\":" + std::to_string(d.last_seen) + "}";
    }
    out += "],\"streams\":[";
    for (std::size_t i = 0; i < s.streams.size(); ++i) {
        const auto& st = s.streams[i];
        out += (i ? ",{" : "{");
        out += "\"device_id\":" + std::to_string(st.device_id) +
               ",\"device\":" + json_string(st.device_label) + ",\"address\":" + json_string(st.address) +
               ",\"object_id\":" + std::to_string(st.object_id) + ",\"title\":" + json_string(st.title) +
               ",\"connections\":" + std::to_string(st.connections) + ",\"how\":" + json_string(st.how) +
               ",\"position_s\":" + std::to_string(st.position ? static_cast<long>(st.position->load()) : 0) +
               ",\"duration_s\":" + std::to_string(static_cast<long>(st.duration_s)) +
               ",\"bitrate\":" + std::to_string(st.bitrate) + "}";
    }
    out += "],\"library\":{";
    for (std::size_t i = 0; i < s.library.size(); ++i) {
        const auto& k = s.library[i];
        out += (i ? "," : "") + json_string(k.kind) + ":{\"files\":" + std::to_string(k.files) +
               ",\"bytes\":" + std::to_string(k.bytes) + "}";
    }
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", s.scan.seconds);
    out += "},\"scan\":{\"phase\":" + json_string(s.scan.phase) +
           ",\"folders\":" + std::to_string(s.scan.folders) +
           ",\"to_probe\":" + std::to_string(s.scan.to_probe) +
           ",\"probed\":" + std::to_string(s.scan.probed) + ",\"seconds\":" + seconds +
           "},\"ssdp\":{\"answered\":" + std::to_string(s.ssdp.answered) +
           ",\"ignored\":" + std::to_string(s.ssdp.ignored) +
           ",\"malformed\":" + std::to_string(s.ssdp.malformed) +
           "},\"uptime_seconds\":" + std::to_string(s.uptime_seconds) +
           ",\"approval_required\":" + (s.approval_required ? "true" : "false") +
           ",\"can_manage\":" + (s.can_manage ? "true" : "false") + "}\n";
    return out;
}

} // namespace hearth::status
