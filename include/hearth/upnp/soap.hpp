#pragma once
// SOAP for UPnP control (UDA 1.1 §3): parse an action call, write responses and faults. Pure.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace hearth::renderers {
struct Profile;
}

namespace hearth::upnp {

struct UpnpError {
    int code;
    std::string description;
};

/// Thrown by argument helpers inside action handlers; the dispatcher turns it into a fault.
class UpnpException : public std::runtime_error {
  public:
    explicit UpnpException(UpnpError e) : std::runtime_error(e.description), error(std::move(e)) {}
    UpnpError error;
};

namespace errors {
inline UpnpError invalid_action() {
    return {401, "Invalid Action"};
}
inline UpnpError invalid_args(std::string what = "Invalid Args") {
    return {402, std::move(what)};
}
inline UpnpError action_failed(std::string what = "Action Failed") {
    return {501, std::move(what)};
}
inline UpnpError no_such_object() {
    return {701, "No such object"};
}
inline UpnpError invalid_search(std::string what = "Unsupported or invalid search criteria") {
    return {708, std::move(what)};
}
inline UpnpError invalid_sort(std::string what = "Unsupported or invalid sort criteria") {
    return {709, std::move(what)};
}
inline UpnpError cannot_process() {
    return {720, "Cannot process the request"};
}
} // namespace errors

struct ActionCall {
    std::string action;
    std::vector<std::pair<std::string, std::string>> args;

    const std::string* find(std::string_view name) const;
    /// The argument's text; UpnpException(402) when it is missing.
    const std::string& str(std::string_view name) const;
    /// A non-negative integer argument; UpnpException(402) when missing or not a number.
    std::uint64_t uint(std::string_view name) const;
};

/// Parses a SOAP envelope. Errors: 401 when there is no action element, 720 when the XML is unreadable.
std::variant<ActionCall, UpnpError> parse_action(std::string_view body);

/// An out argument of a response. Its value is text, escaped when the envelope is written; a handler that
/// already wrote it as XML text (a Browse's DIDL-Lite, escaped as it was built) sets `escaped`.
struct OutArg {
    OutArg(std::string arg_name, std::string arg_value, bool is_escaped = false)
        : name(std::move(arg_name)), value(std::move(arg_value)), escaped(is_escaped) {}
    std::string name;
    std::string value;
    bool escaped;
};
using OutArgs = std::vector<OutArg>;

/// What a handler may know about the request besides its arguments.
struct RequestContext {
    std::string base_url; ///< "http://<our address on this connection>:<port>"
    /// The device is waiting for the owner's approval: it sees only a note saying so, not the library.
    bool restricted = false;
    /// The asking renderer (for what its items offer); nullptr: every item offers its original.
    const renderers::Profile* profile = nullptr;
    /// The asking device's id in the devices registry (its bookmarks); -1 for the host itself.
    std::int64_t device_id = -1;
};

/// The response envelope; argument values are XML-escaped here (unless OutArg::escaped).
std::string response_envelope(std::string_view service_type, std::string_view action, const OutArgs& args);
std::string fault_envelope(const UpnpError& error);

/// A service's actions by name (STYLE rule 6). Handlers may run on any HTTP thread concurrently.
class ActionTable {
  public:
    using Handler = std::function<OutArgs(const ActionCall&, const RequestContext&)>;
    void add(std::string name, Handler handler) { handlers_.emplace(std::move(name), std::move(handler)); }

    struct Outcome {
        int http_status;
        std::string body;
    };
    /// Parses, dispatches and answers: 200 with the response envelope or 500 with a fault.
    Outcome invoke(std::string_view service_type, std::string_view body, const RequestContext& context) const;

  private:
    std::map<std::string, Handler, std::less<>> handlers_;
};

} // namespace hearth::upnp
