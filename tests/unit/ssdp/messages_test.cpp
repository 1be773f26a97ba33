#include "hearth/ssdp/messages.hpp"
#include "hearth/util/strings.hpp"

#include <cctype>
#include <gtest/gtest.h>
#include <map>
#include <string>

namespace hearth::ssdp {
namespace {

const std::string kUuid = "4d696e69-444c-164e-9d41-b827eb000001";
const std::string kDevice = "urn:schemas-upnp-org:device:MediaServer:1";
const std::string kCds = "urn:schemas-upnp-org:service:ContentDirectory:1";
const std::string kCms = "urn:schemas-upnp-org:service:ConnectionManager:1";
const std::string kLocation = "http://192.168.1.2:8300/description.xml";
const std::string kServer = "Linux/6.1 UPnP/1.0 DLNADOC/1.50 Hearth/0.1.0";

Identity identity() {
    Identity id;
    id.uuid = kUuid;
    id.device_type = kDevice;
    id.service_types = {kCds, kCms};
    id.server = kServer;
    id.boot_id = 7;
    id.config_id = 3;
    return id;
}

struct Message {
    std::string start_line;
    std::map<std::string, std::string> headers; ///< upper-cased names
    std::vector<std::string> order;
};

// Splits an SSDP datagram into its start line and headers, checking the framing on the way.
Message parse_message(const std::string& datagram) {
    Message m;
    EXPECT_TRUE(datagram.ends_with("\r\n\r\n")) << datagram;
    auto head = std::string_view(datagram).substr(0, datagram.size() - 4);
    std::size_t start = 0;
    bool first = true;
    while (start <= head.size()) {
        auto end = head.find("\r\n", start);
        auto line = head.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        EXPECT_EQ(line.find('\n'), std::string_view::npos) << "bare LF in " << datagram;
        if (first) {
            m.start_line = std::string(line);
            first = false;
        } else {
            auto colon = line.find(':');
            EXPECT_NE(colon, std::string_view::npos) << line;
            std::string name(line.substr(0, colon));
            for (auto& c : name)
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            EXPECT_FALSE(m.headers.contains(name)) << "duplicate " << name;
            m.headers[name] = std::string(trim(line.substr(colon + 1)));
            m.order.push_back(name);
        }
        if (end == std::string_view::npos) break;
        start = end + 2;
    }
    return m;
}

TEST(SsdpNotificationTypes, RootUuidDeviceThenServices) {
    EXPECT_EQ(notification_types(identity()),
              (std::vector<std::string>{"upnp:rootdevice", "uuid:" + kUuid, kDevice, kCds, kCms}));
}

TEST(SsdpUsn, UuidAloneForUuidElseDoubleColon) {
    auto id = identity();
    EXPECT_EQ(usn(id, "uuid:" + kUuid), "uuid:" + kUuid);
    EXPECT_EQ(usn(id, "upnp:rootdevice"), "uuid:" + kUuid + "::upnp:rootdevice");
    EXPECT_EQ(usn(id, kDevice), "uuid:" + kUuid + "::" + kDevice);
    EXPECT_EQ(usn(id, kCds), "uuid:" + kUuid + "::" + kCds);
}

TEST(SsdpAlive, HasEveryRequiredHeader) {
    auto id = identity();
    for (const auto& nt : notification_types(id)) {
        auto m = parse_message(alive(id, nt, kLocation));
        EXPECT_EQ(m.start_line, "NOTIFY * HTTP/1.1");
        EXPECT_EQ(m.headers["HOST"], "239.255.255.250:1900");
        EXPECT_EQ(m.headers["CACHE-CONTROL"], "max-age=1800");
        EXPECT_EQ(m.headers["LOCATION"], kLocation);
        EXPECT_EQ(m.headers["NT"], nt);
        EXPECT_EQ(m.headers["NTS"], "ssdp:alive");
        EXPECT_EQ(m.headers["SERVER"], kServer);
        EXPECT_EQ(m.headers["USN"], usn(id, nt));
        EXPECT_EQ(m.headers["BOOTID.UPNP.ORG"], "7");
        EXPECT_EQ(m.headers["CONFIGID.UPNP.ORG"], "3");
        EXPECT_EQ(m.headers.size(), 9U);
    }
}

TEST(SsdpByebye, SameNtAndUsnWithoutLocation) {
    auto id = identity();
    for (const auto& nt : notification_types(id)) {
        auto m = parse_message(byebye(id, nt));
        EXPECT_EQ(m.start_line, "NOTIFY * HTTP/1.1");
        EXPECT_EQ(m.headers["HOST"], "239.255.255.250:1900");
        EXPECT_EQ(m.headers["NT"], nt);
        EXPECT_EQ(m.headers["NTS"], "ssdp:byebye");
        EXPECT_EQ(m.headers["USN"], usn(id, nt));
        EXPECT_EQ(m.headers["BOOTID.UPNP.ORG"], "7");
        EXPECT_EQ(m.headers["CONFIGID.UPNP.ORG"], "3");
        EXPECT_FALSE(m.headers.contains("LOCATION"));
        EXPECT_FALSE(m.headers.contains("CACHE-CONTROL"));
    }
}

// --- parse_search ---

std::string search(std::string_view st, std::string_view mx = "3",
                   std::string_view man = "\"ssdp:discover\"") {
    std::string d = "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n";
    if (!man.empty()) d += "MAN: " + std::string(man) + "\r\n";
    if (!mx.empty()) d += "MX: " + std::string(mx) + "\r\n";
    if (!st.empty()) d += "ST: " + std::string(st) + "\r\n";
    return d + "\r\n";
}

TEST(SsdpParseSearch, Valid) {
    auto s = parse_search(search("ssdp:all"));
    ASSERT_TRUE(s);
    EXPECT_EQ(s->st, "ssdp:all");
    EXPECT_EQ(s->mx, 3);
    s = parse_search(search(kCds, "1"));
    ASSERT_TRUE(s);
    EXPECT_EQ(s->st, kCds);
    EXPECT_EQ(s->mx, 1);
}

TEST(SsdpParseSearch, MxIsCappedAtFive) {
    EXPECT_EQ(parse_search(search("ssdp:all", "5"))->mx, 5);
    EXPECT_EQ(parse_search(search("ssdp:all", "6"))->mx, 5);
    EXPECT_EQ(parse_search(search("ssdp:all", "120"))->mx, 5);
    EXPECT_EQ(parse_search(search("ssdp:all", "99999999999999999999999"))->mx, 5); // too big for 64 bits
    EXPECT_EQ(parse_search(search("ssdp:all", "0"))->mx, 0);
}

TEST(SsdpParseSearch, GarbledMxMakesTheSearchMalformed) {
    for (const char* mx : {"-1", "-99999999999", "abc", "3s", "1.5", "+2", "0x10", "\xff\xfe"}) {
        EXPECT_FALSE(parse_search(search("ssdp:all", mx))) << mx;
    }
    EXPECT_FALSE(
        parse_search("M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nMX:\r\nST: ssdp:all\r\n\r\n"));
}

TEST(SsdpParseSearch, MissingMxIsZero) {
    auto s = parse_search(search("ssdp:all", ""));
    ASSERT_TRUE(s);
    EXPECT_EQ(s->mx, 0);
}

TEST(SsdpParseSearch, RequiresQuotedDiscoverMan) {
    EXPECT_FALSE(parse_search(search("ssdp:all", "3", "")));
    EXPECT_FALSE(parse_search(search("ssdp:all", "3", "ssdp:discover")));
    EXPECT_FALSE(parse_search(search("ssdp:all", "3", "\"ssdp:alive\"")));
    EXPECT_FALSE(parse_search(search("ssdp:all", "3", "\"ssdp:discover")));
}

TEST(SsdpParseSearch, RequiresSt) {
    EXPECT_FALSE(parse_search(search("")));
    EXPECT_FALSE(parse_search("M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST:\r\n\r\n"));
    EXPECT_FALSE(parse_search("M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST:   \r\n\r\n"));
}

TEST(SsdpParseSearch, StWithControlBytesOrSpacesIsMalformed) {
    EXPECT_FALSE(parse_search(search("\x01\xff\xfezz")));
    EXPECT_FALSE(parse_search(search("ssdp:all\x7f")));
    EXPECT_FALSE(parse_search(search("urn:a b")));
    EXPECT_TRUE(parse_search(search("urn:schemas-upnp-org:device:Printer:1"))); // not ours, but well formed
}

TEST(SsdpParseSearch, HeaderNamesAreCaseInsensitiveAndSpacingLenient) {
    auto s = parse_search("M-SEARCH * HTTP/1.1\r\nhost:239.255.255.250:1900\r\nman:\"ssdp:discover\"\r\n"
                          "mx:2\r\nst:upnp:rootdevice\r\n\r\n");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->st, "upnp:rootdevice");
    EXPECT_EQ(s->mx, 2);
    s = parse_search("m-search * http/1.1\nSt :  " + kDevice + "  \nMan : \"ssdp:discover\"\nMx: 4\n\n");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->st, kDevice);
    EXPECT_EQ(s->mx, 4);
}

TEST(SsdpParseSearch, RejectsOtherMessagesAndGarbage) {
    auto id = identity();
    EXPECT_FALSE(parse_search(""));
    EXPECT_FALSE(parse_search("\r\n\r\n"));
    EXPECT_FALSE(parse_search("hello world"));
    EXPECT_FALSE(parse_search(std::string("\0\xFF\xFE garbage", 11)));
    EXPECT_FALSE(parse_search(alive(id, "upnp:rootdevice", kLocation)));
    EXPECT_FALSE(parse_search(search_response(id, "ssdp:all", kLocation, "Thu, 01 Jan 2025 00:00:00 GMT")));
    EXPECT_FALSE(parse_search("GET / HTTP/1.1\r\nST: ssdp:all\r\nMAN: \"ssdp:discover\"\r\n\r\n"));
    EXPECT_FALSE(parse_search("M-SEARCH / HTTP/1.1\r\nST: ssdp:all\r\nMAN: \"ssdp:discover\"\r\n\r\n"));
}

// --- targets_for ---

TEST(SsdpTargetsFor, AllGetsEveryType) {
    auto targets = targets_for(identity(), "ssdp:all");
    EXPECT_EQ(targets.size(), 5U);
    EXPECT_EQ(targets, notification_types(identity()));
}

TEST(SsdpTargetsFor, ExactMatches) {
    auto id = identity();
    for (const auto& nt : notification_types(id))
        EXPECT_EQ(targets_for(id, nt), std::vector<std::string>{nt}) << nt;
}

TEST(SsdpTargetsFor, OlderVersionIsAnsweredWithTheSearchedVersion) {
    auto id = identity();
    id.device_type = "urn:schemas-upnp-org:device:MediaServer:2";
    id.service_types = {"urn:schemas-upnp-org:service:ContentDirectory:3", kCms};
    EXPECT_EQ(targets_for(id, "urn:schemas-upnp-org:device:MediaServer:1"),
              std::vector<std::string>{"urn:schemas-upnp-org:device:MediaServer:1"});
    EXPECT_EQ(targets_for(id, "urn:schemas-upnp-org:service:ContentDirectory:2"),
              std::vector<std::string>{"urn:schemas-upnp-org:service:ContentDirectory:2"});
    EXPECT_TRUE(targets_for(id, "urn:schemas-upnp-org:service:ContentDirectory:4").empty());
    EXPECT_TRUE(targets_for(id, "urn:schemas-upnp-org:service:ConnectionManager:2").empty());
}

TEST(SsdpTargetsFor, UnknownIsEmpty) {
    auto id = identity();
    for (auto st :
         {"", "ssdp:any", "upnp:rootdevices", "uuid:00000000-0000-0000-0000-000000000000",
          "urn:schemas-upnp-org:device:MediaRenderer:1", "urn:schemas-upnp-org:service:AVTransport:1",
          "urn:schemas-upnp-org:service:ContentDirectory:2",
          "urn:schemas-upnp-org:service:ContentDirectory:x", "urn:schemas-upnp-org:service:ContentDirectory",
          "ContentDirectory:1", "urn:schemas-upnp-org:device:MediaServer:2"}) {
        EXPECT_TRUE(targets_for(id, st).empty()) << st;
    }
}

// --- search_response ---

const std::string kDate = "Wed, 01 Jan 2025 12:00:00 GMT";

TEST(SsdpSearchResponse, Fields) {
    auto id = identity();
    for (const auto& st : notification_types(id)) {
        auto m = parse_message(search_response(id, st, kLocation, kDate));
        EXPECT_EQ(m.start_line, "HTTP/1.1 200 OK");
        EXPECT_EQ(m.headers["CACHE-CONTROL"], "max-age=1800");
        EXPECT_EQ(m.headers["DATE"], kDate);
        EXPECT_TRUE(m.headers.contains("EXT"));
        EXPECT_EQ(m.headers["EXT"], "");
        EXPECT_EQ(m.headers["LOCATION"], kLocation);
        EXPECT_EQ(m.headers["SERVER"], kServer);
        EXPECT_EQ(m.headers["ST"], st);
        EXPECT_EQ(m.headers["USN"], usn(id, st));
        EXPECT_EQ(m.headers["BOOTID.UPNP.ORG"], "7");
        EXPECT_EQ(m.headers["CONFIGID.UPNP.ORG"], "3");
        EXPECT_FALSE(m.headers.contains("NT"));
        EXPECT_FALSE(m.headers.contains("NTS"));
    }
}

TEST(SsdpSearchResponse, UsnForUuidIsTheUuid) {
    auto m = parse_message(search_response(identity(), "uuid:" + kUuid, kLocation, kDate));
    EXPECT_EQ(m.headers["USN"], "uuid:" + kUuid);
}

TEST(SsdpSearchResponse, OlderVersionEchoesStButUsnNamesOurType) {
    auto id = identity();
    id.service_types = {"urn:schemas-upnp-org:service:ContentDirectory:3", kCms};
    auto m = parse_message(
        search_response(id, "urn:schemas-upnp-org:service:ContentDirectory:1", kLocation, kDate));
    EXPECT_EQ(m.headers["ST"], "urn:schemas-upnp-org:service:ContentDirectory:1");
    EXPECT_EQ(m.headers["USN"], "uuid:" + kUuid + "::urn:schemas-upnp-org:service:ContentDirectory:3");
}

TEST(SsdpSearchResponse, EverySearchTargetRoundTrips) {
    // What the server does: answer each target of a parsed search.
    auto id = identity();
    auto s = parse_search(search("ssdp:all"));
    ASSERT_TRUE(s);
    std::vector<std::string> usns;
    for (const auto& st : targets_for(id, s->st)) {
        usns.push_back(parse_message(search_response(id, st, kLocation, kDate)).headers["USN"]);
    }
    EXPECT_EQ(usns, (std::vector<std::string>{"uuid:" + kUuid + "::upnp:rootdevice", "uuid:" + kUuid,
                                              "uuid:" + kUuid + "::" + kDevice, "uuid:" + kUuid + "::" + kCds,
                                              "uuid:" + kUuid + "::" + kCms}));
}

TEST(SsdpHttpDate, LooksLikeRfc1123) {
    auto d = http_date();
    // "Wed, 01 Jan 2025 12:00:00 GMT"
    ASSERT_EQ(d.size(), 29U) << d;
    EXPECT_EQ(d.substr(3, 2), ", ");
    EXPECT_TRUE(d.ends_with(" GMT")) << d;
}

} // namespace
} // namespace hearth::ssdp
