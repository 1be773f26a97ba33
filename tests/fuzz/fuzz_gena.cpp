// GENA: a SUBSCRIBE / UNSUBSCRIBE request as "<METHOD> <path>\n<Header>: <value>\n…", handled by an Eventing
// that is not started (no NOTIFY leaves the process). CALLBACK and TIMEOUT are also parsed on their own.
#include "fuzz_check.hpp"
#include "hearth/http/server.hpp"
#include "hearth/net/interfaces.hpp"
#include "hearth/upnp/gena.hpp"
#include "hearth/util/strings.hpp"

#include <arpa/inet.h>

using namespace hearth;

namespace {

constexpr const char* kClient = "192.168.1.20";

http::Request request_from(std::string_view text) {
    http::Request r;
    auto lines = split(text, '\n');
    auto first = trim(lines[0]);
    auto space = first.find(' ');
    r.method = std::string(first.substr(0, space));
    r.path = space == std::string_view::npos ? "" : std::string(trim(first.substr(space + 1)));
    for (std::size_t i = 1; i < lines.size(); ++i) {
        auto colon = lines[i].find(':');
        if (colon == std::string_view::npos) continue;
        // libmicrohttpd hands header values over trimmed.
        r.headers.emplace_back(trim(lines[i].substr(0, colon)), trim(lines[i].substr(colon + 1)));
    }
    r.client.sin_family = AF_INET;
    inet_pton(AF_INET, kClient, &r.client.sin_addr);
    r.local.sin_family = AF_INET;
    inet_pton(AF_INET, "192.168.1.10", &r.local.sin_addr);
    return r;
}

void check_callbacks(std::string_view header) {
    auto callbacks = upnp::parse_callbacks(header);
    FUZZ_CHECK(callbacks.size() <= 4);
    for (const auto& cb : callbacks) {
        FUZZ_CHECK(cb.port != 0);
        FUZZ_CHECK(cb.path.starts_with('/'));
        for (char c : cb.path)
            FUZZ_CHECK(static_cast<unsigned char>(c) > 0x20); // nothing that could split the NOTIFY request
        auto notify = upnp::notify_request(cb, "uuid:1", 0, "<e:propertyset/>");
        auto request_line = std::string_view(notify).substr(0, notify.find("\r\n"));
        FUZZ_CHECK(request_line == "NOTIFY " + cb.path + " HTTP/1.1");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto text = fuzz::as_text(data, size);
    auto request = request_from(text);

    check_callbacks(request.header("CALLBACK"));
    check_callbacks(text);
    for (auto t : {request.header("TIMEOUT"), text}) {
        auto seconds = upnp::parse_timeout(t);
        FUZZ_CHECK(seconds >= upnp::kMinSubscriptionSeconds && seconds <= upnp::kDefaultSubscriptionSeconds);
    }

    upnp::Eventing eventing;
    eventing.add_service("/event/ContentDirectory", [] {
        return std::vector<std::pair<std::string, std::string>>{{"SystemUpdateID", "1"}};
    });
    auto response = eventing.handle(request);
    const int s = response.status;
    FUZZ_CHECK(s == 200 || s == 400 || s == 404 || s == 405 || s == 412 || s == 503);
    for (const auto& [name, value] : response.headers) {
        FUZZ_CHECK(fuzz::single_header_line(name));
        FUZZ_CHECK(fuzz::single_header_line(value));
    }
    if (s == 200 && request.method == "SUBSCRIBE" && !request.has_header("SID")) {
        // A new subscription: every callback is on the subscriber's own address, and its SID unsubscribes it.
        FUZZ_CHECK(eventing.subscriber_count() == 1);
        for (const auto& cb : upnp::parse_callbacks(request.header("CALLBACK")))
            FUZZ_CHECK(net::to_string(cb.host) == kClient);
        std::string sid;
        for (const auto& [name, value] : response.headers)
            if (name == "SID") sid = value;
        FUZZ_CHECK(sid.starts_with("uuid:"));
        http::Request bye;
        bye.method = "UNSUBSCRIBE";
        bye.path = request.path;
        bye.headers = {{"SID", sid}};
        bye.client = request.client;
        FUZZ_CHECK(eventing.handle(bye).status == 200);
        FUZZ_CHECK(eventing.subscriber_count() == 0);
    } else {
        FUZZ_CHECK(eventing.subscriber_count() == 0); // refusals, renewals and unsubscriptions add nothing
    }
    return 0;
}
