#pragma once
// SSDP messages (UPnP Device Architecture 1.1 §1): what Hearth announces and how it answers searches. Pure.
#include "hearth/ssdp/constants.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::ssdp {

struct Identity {
    std::string uuid; ///< without "uuid:"
    std::string device_type;
    std::vector<std::string> service_types;
    std::string server; ///< SERVER header value
    long boot_id = 1;
    long config_id = 1;
};

/// upnp:rootdevice, uuid:…, the device type and each service type, in that order.
std::vector<std::string> notification_types(const Identity& id);
std::string usn(const Identity& id, std::string_view nt);

std::string alive(const Identity& id, std::string_view nt, std::string_view location);
std::string byebye(const Identity& id, std::string_view nt);

struct Search {
    std::string st;
    int mx = 1; ///< already capped to kMaxMx; 0 only for unicast searches without MX
};

/// An M-SEARCH datagram, or nullopt when it is not a well-formed ssdp:discover search.
std::optional<Search> parse_search(std::string_view datagram);

/// Another device's NOTIFY (alive or byebye).
struct Notify {
    std::string nt;
    std::string nts; ///< "ssdp:alive", "ssdp:byebye", "ssdp:update"
    std::string location;
    std::string usn;
};

/// A NOTIFY datagram, or nullopt when it is not one (or lacks NT/NTS).
std::optional<Notify> parse_notify(std::string_view datagram);

/// The search targets to answer for st: every NT for ssdp:all, st itself when it is one of ours,
/// nothing otherwise. A search for an older version of our device or service type is answered too.
std::vector<std::string> targets_for(const Identity& id, std::string_view st);

/// The unicast answer to a search; date is an RFC 1123 date.
std::string search_response(const Identity& id, std::string_view st, std::string_view location,
                            std::string_view date);

/// RFC 1123 date for now.
std::string http_date();

} // namespace hearth::ssdp
