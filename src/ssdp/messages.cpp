#include "hearth/ssdp/messages.hpp"

#include "hearth/util/strings.hpp"

#include <algorithm>
#include <ctime>

namespace hearth::ssdp {

std::vector<std::string> notification_types(const Identity& id) {
    std::vector<std::string> out{"upnp:rootdevice", "uuid:" + id.uuid, id.device_type};
    out.insert(out.end(), id.service_types.begin(), id.service_types.end());
    return out;
}

std::string usn(const Identity& id, std::string_view nt) {
    std::string u = "uuid:" + id.uuid;
    if (nt == u) return u;
    return u + "::" + std::string(nt);
}

namespace {
std::string common_headers(const Identity& id) {
    return "BOOTID.UPNP.ORG: " + std::to_string(id.boot_id) +
           "\r\nCONFIGID.UPNP.ORG: " + std::to_string(id.config_id) + "\r\n";
}

// "urn:schemas-upnp-org:service:ContentDirectory:1" → ("urn:…:ContentDirectory", 1)
std::optional<std::pair<std::string_view, unsigned long>> split_version(std::string_view type) {
    auto colon = type.rfind(':');
    if (colon == std::string_view::npos || !type.starts_with("urn:")) return std::nullopt;
    auto version = parse_uint(type.substr(colon + 1));
    if (!version) return std::nullopt;
    return std::make_pair(type.substr(0, colon), static_cast<unsigned long>(*version));
}
} // namespace

std::string alive(const Identity& id, std::string_view nt, std::string_view location) {
    return "NOTIFY * HTTP/1.1\r\nHOST: " + std::string(kGroupHost) +
           "\r\nCACHE-CONTROL: max-age=" + std::to_string(kMaxAge) +
           "\r\nLOCATION: " + std::string(location) + "\r\nNT: " + std::string(nt) +
           "\r\nNTS: ssdp:alive\r\nSERVER: " + id.server + "\r\nUSN: " + usn(id, nt) + "\r\n" +
           common_headers(id) + "\r\n";
}

std::string byebye(const Identity& id, std::string_view nt) {
    return "NOTIFY * HTTP/1.1\r\nHOST: " + std::string(kGroupHost) + "\r\nNT: " + std::string(nt) +
           "\r\nNTS: ssdp:byebye\r\nUSN: " + usn(id, nt) + "\r\n" + common_headers(id) + "\r\n";
}

std::optional<Search> parse_search(std::string_view datagram) {
    auto lines = split(datagram, '\n');
    if (lines.empty() || !istarts_with(trim(lines[0]), "M-SEARCH * HTTP/1.")) return std::nullopt;
    std::optional<std::string> st, man;
    std::optional<std::string> mx;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        auto line = trim(lines[i]);
        auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        auto name = trim(line.substr(0, colon));
        auto value = trim(line.substr(colon + 1));
        if (iequals(name, "ST"))
            st = std::string(value);
        else if (iequals(name, "MAN"))
            man = std::string(value);
        else if (iequals(name, "MX"))
            mx = std::string(value);
    }
    if (!st || st->empty() || !man || trim(*man) != "\"ssdp:discover\"") return std::nullopt;
    // Every search target (ssdp:all, upnp:rootdevice, uuid:…, urn:…) is printable ASCII without spaces.
    if (std::any_of(st->begin(), st->end(), [](char c) { return c < '!' || c > '~'; })) return std::nullopt;
    Search s;
    s.st = *st;
    s.mx = 0;
    if (mx) {
        // Digits only: a negative or garbled MX marks a broken sender. Any number above 5 means 5 (UDA 1.1
        // §1.3.3), however many digits it has.
        if (mx->empty() || mx->find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
        auto n = parse_uint(*mx);
        s.mx = !n || *n > kMaxMx ? kMaxMx : static_cast<int>(*n);
    }
    return s;
}

std::optional<Notify> parse_notify(std::string_view datagram) {
    auto lines = split(datagram, '\n');
    if (lines.empty() || !istarts_with(trim(lines[0]), "NOTIFY * HTTP/1.")) return std::nullopt;
    Notify n;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        auto line = trim(lines[i]);
        auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        auto name = trim(line.substr(0, colon));
        std::string value(trim(line.substr(colon + 1)));
        if (iequals(name, "NT"))
            n.nt = value;
        else if (iequals(name, "NTS"))
            n.nts = value;
        else if (iequals(name, "LOCATION"))
            n.location = value;
        else if (iequals(name, "USN"))
            n.usn = value;
    }
    if (n.nt.empty() || n.nts.empty()) return std::nullopt;
    return n;
}

std::vector<std::string> targets_for(const Identity& id, std::string_view st) {
    auto all = notification_types(id);
    if (st == "ssdp:all") return all;
    for (const auto& nt : all) {
        if (nt == st) return {nt};
    }
    // UDA 1.1 §1.3.2: a search for version N of a type must be answered by devices of version >= N, with ST
    // echoing the version searched for.
    auto wanted = split_version(st);
    if (!wanted) return {};
    for (const auto& nt : all) {
        auto ours = split_version(nt);
        if (ours && ours->first == wanted->first && wanted->second <= ours->second) return {std::string(st)};
    }
    return {};
}

std::string search_response(const Identity& id, std::string_view st, std::string_view location,
                            std::string_view date) {
    // The USN names what we are; for an older-version search it still carries our own type.
    std::string nt(st);
    for (const auto& ours : notification_types(id)) {
        auto a = split_version(ours);
        auto b = split_version(st);
        if (a && b && a->first == b->first) nt = ours;
    }
    return "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=" + std::to_string(kMaxAge) +
           "\r\nDATE: " + std::string(date) + "\r\nEXT:\r\nLOCATION: " + std::string(location) +
           "\r\nSERVER: " + id.server + "\r\nST: " + std::string(st) + "\r\nUSN: " + usn(id, nt) + "\r\n" +
           common_headers(id) + "\r\n";
}

std::string http_date() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

} // namespace hearth::ssdp
