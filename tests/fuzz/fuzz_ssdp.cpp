// SSDP: an M-SEARCH datagram as it arrives on UDP 1900, and the answers Hearth would send back to it.
#include "fuzz_check.hpp"
#include "hearth/ssdp/messages.hpp"
#include "hearth/util/strings.hpp"

using namespace hearth;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto search = ssdp::parse_search(fuzz::as_text(data, size));
    if (!search) return 0;
    FUZZ_CHECK(!search->st.empty());
    FUZZ_CHECK(search->st == trim(search->st));
    FUZZ_CHECK(search->mx >= 0 && search->mx <= ssdp::kMaxMx);

    static const ssdp::Identity id{"4d696e69-444c-164e-9d41-b827eb54e0f1",
                                   "urn:schemas-upnp-org:device:MediaServer:1",
                                   {"urn:schemas-upnp-org:service:ContentDirectory:1",
                                    "urn:schemas-upnp-org:service:ConnectionManager:1"},
                                   "Linux/6.1 UPnP/1.0 Hearth/0.1",
                                   1,
                                   1};
    for (const auto& target : ssdp::targets_for(id, search->st)) {
        // Whatever is echoed into the unicast answer must stay on its own header line.
        FUZZ_CHECK(fuzz::single_header_line(target));
        auto answer = ssdp::search_response(id, target, "http://192.168.1.10:8300/description.xml",
                                            "Sat, 01 Jun 2024 10:00:00 GMT");
        FUZZ_CHECK(answer.starts_with("HTTP/1.1 200 OK\r\n") && answer.ends_with("\r\n\r\n"));
        // Header lines end in CRLF and hold no other CR or LF.
        for (auto line : split(answer, '\n')) {
            if (line.empty()) continue; // after the final CRLF
            FUZZ_CHECK(line.ends_with('\r') && line.find('\r') == line.size() - 1);
        }
        FUZZ_CHECK(answer.find("\r\nST: " + target + "\r\n") != std::string::npos);
    }
    return 0;
}
