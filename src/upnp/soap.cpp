#include "hearth/upnp/soap.hpp"

#include "hearth/util/log.hpp"
#include "hearth/util/strings.hpp"

#include <pugixml.hpp>

namespace hearth::upnp {
namespace {

std::string_view local_name(const char* qualified) {
    std::string_view name(qualified);
    auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child_named(pugi::xml_node parent, std::string_view name) {
    for (auto child : parent.children()) {
        if (child.type() == pugi::node_element && local_name(child.name()) == name) return child;
    }
    return {};
}

std::string text_of(pugi::xml_node node) {
    std::string out;
    for (auto child : node.children()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) out += child.value();
    }
    return out;
}

} // namespace

const std::string* ActionCall::find(std::string_view name) const {
    for (const auto& [k, v] : args) {
        if (k == name) return &v;
    }
    return nullptr;
}

const std::string& ActionCall::str(std::string_view name) const {
    const std::string* v = find(name);
    if (v == nullptr) throw UpnpException(errors::invalid_args("missing argument " + std::string(name)));
    return *v;
}

std::uint64_t ActionCall::uint(std::string_view name) const {
    auto value = parse_uint(trim(str(name)));
    if (!value || *value > 0xFFFFFFFFu) {
        throw UpnpException(
            errors::invalid_args("argument " + std::string(name) + " is not an unsigned number"));
    }
    return *value;
}

std::variant<ActionCall, UpnpError> parse_action(std::string_view body) {
    pugi::xml_document doc;
    // parse_default skips the BOM and leading whitespace some clients send; no DOCTYPE processing.
    auto result = doc.load_buffer(body.data(), body.size(), pugi::parse_default & ~pugi::parse_doctype);
    if (!result) return errors::cannot_process();
    auto envelope = doc.document_element();
    if (local_name(envelope.name()) != "Envelope") return errors::cannot_process();
    auto soap_body = child_named(envelope, "Body");
    if (!soap_body) return errors::cannot_process();
    pugi::xml_node action;
    for (auto child : soap_body.children()) {
        if (child.type() == pugi::node_element) {
            action = child;
            break;
        }
    }
    if (!action) return errors::invalid_action();
    ActionCall call;
    call.action = local_name(action.name());
    if (call.action.empty()) return errors::invalid_action(); // "<u:>": a prefix and no name
    for (auto arg : action.children()) {
        if (arg.type() == pugi::node_element) call.args.emplace_back(local_name(arg.name()), text_of(arg));
    }
    return call;
}

std::string response_envelope(std::string_view service_type, std::string_view action, const OutArgs& args) {
    // Room for the escaped values up front: a Browse result is tens of KiB, and growing the string by
    // doubling would copy it several times over.
    std::size_t room = 512;
    for (const auto& arg : args)
        room += 2 * arg.name.size() + 5 + arg.value.size() + (arg.escaped ? 0 : arg.value.size() / 4);
    std::string out;
    out.reserve(room);
    out += "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
           "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
           "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:";
    out.append(action).append("Response xmlns:u=\"").append(service_type).append("\">");
    for (const auto& arg : args) {
        out.append("<").append(arg.name).append(">");
        if (arg.escaped) {
            out.append(arg.value);
        } else {
            append_xml_escaped(out, arg.value);
        }
        out.append("</").append(arg.name).append(">");
    }
    out.append("</u:").append(action).append("Response></s:Body></s:Envelope>\n");
    return out;
}

std::string fault_envelope(const UpnpError& error) {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
           "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
           "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><s:Fault>"
           "<faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>"
           "<UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>" +
           std::to_string(error.code) + "</errorCode><errorDescription>" + xml_escape(error.description) +
           "</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>\n";
}

ActionTable::Outcome ActionTable::invoke(std::string_view service_type, std::string_view body,
                                         const RequestContext& context) const {
    auto parsed = parse_action(body);
    if (auto* error = std::get_if<UpnpError>(&parsed)) return {500, fault_envelope(*error)};
    const auto& call = std::get<ActionCall>(parsed);
    auto it = handlers_.find(call.action);
    if (it == handlers_.end()) return {500, fault_envelope(errors::invalid_action())};
    try {
        return {200, response_envelope(service_type, call.action, it->second(call, context))};
    } catch (const UpnpException& e) {
        return {500, fault_envelope(e.error)};
    } catch (const std::exception& e) {
        log::error(call.action, " failed: ", e.what());
        return {500, fault_envelope(errors::action_failed())};
    }
}

} // namespace hearth::upnp
