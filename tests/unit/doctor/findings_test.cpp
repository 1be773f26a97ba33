#include "hearth/doctor/doctor.hpp"
#include "hearth/doctor/findings.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <gtest/gtest.h>
#include <set>

namespace hearth::doctor {
namespace {

net::Interface interface(const char* name, const char* address, int prefix, bool multicast = true) {
    net::Interface i{name, 2, true, false, multicast, {}};
    net::Ipv4Address a;
    inet_pton(AF_INET, address, &a.address);
    a.prefix_length = prefix;
    i.ipv4.push_back(a);
    return i;
}

TEST(InterfaceFindings, NamesEachInterfaceAndItsSubnet) {
    auto f = interface_findings({{interface("eth0", "192.168.1.5", 24)}, ""});
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].verdict, Verdict::ok);
    EXPECT_EQ(f[0].text, "interface eth0: 192.168.1.5/24 (subnet 192.168.1.0/24)");
}

TEST(InterfaceFindings, FailsWhenNoneCanBeUsed) {
    auto f = interface_findings({{}, "--interface: no interface named 'eth9'"});
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].verdict, Verdict::fail);
    EXPECT_NE(f[0].text.find("eth9"), std::string::npos);
    EXPECT_FALSE(f[0].hint.empty());
}

TEST(MulticastFinding, ExplainsEachFailure) {
    auto eth0 = interface("eth0", "192.168.1.5", 24);
    EXPECT_EQ(multicast_finding(eth0, {MulticastOutcome::came_back, 0}).verdict, Verdict::ok);
    auto silent = multicast_finding(eth0, {MulticastOutcome::silent, 0});
    EXPECT_EQ(silent.verdict, Verdict::fail);
    EXPECT_NE(silent.hint.find("firewall"), std::string::npos);
    auto no_route = multicast_finding(eth0, {MulticastOutcome::cannot_send, ENETUNREACH});
    EXPECT_NE(no_route.hint.find("ip route add 239.0.0.0/8 dev eth0"), std::string::npos);
    auto no_flag = multicast_finding(interface("eth0", "192.168.1.5", 24, false),
                                     {MulticastOutcome::cannot_send, ENETUNREACH});
    EXPECT_NE(no_flag.text.find("no MULTICAST flag"), std::string::npos);
    EXPECT_EQ(no_flag.hint, "turn multicast on: ip link set eth0 multicast on");
}

TEST(PortFinding, FreeTakenOrHeldByHearth) {
    EXPECT_EQ(port_finding(8300, {PortState::free, 0, "", ""}, "").text, "port 8300 is free");
    auto taken = port_finding(8300, {PortState::in_use, EADDRINUSE, "", ""}, "");
    EXPECT_EQ(taken.verdict, Verdict::fail);
    EXPECT_NE(taken.hint.find("ss -ltnp 'sport = :8300'"), std::string::npos);
    auto other = port_finding(8300, {PortState::in_use_by_hearth, EADDRINUSE, "Den", "u1"}, "u2");
    EXPECT_EQ(other.verdict, Verdict::warn);
    EXPECT_EQ(other.text, "port 8300 is taken by a running Hearth (\"Den\")");
    auto self = port_finding(8300, {PortState::in_use_by_hearth, EADDRINUSE, "Den", "u1"}, "u1");
    EXPECT_EQ(self.verdict, Verdict::info);
    EXPECT_EQ(port_finding(80, {PortState::no_permission, EACCES, "", ""}, "").verdict, Verdict::fail);
}

TEST(FolderFindings, ReadableWithCountsOrFail) {
    FolderCheck ok{"/srv/media", 0, {3, 10, true, 0, "", 0, ""}};
    auto f = folder_findings(ok);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].text, "media folder /srv/media: readable, 10 files in 3 folders");

    FolderCheck partial{"/srv/media", 0, {1, 1, false, 2, "/srv/media/x", 0, ""}};
    f = folder_findings(partial);
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[0].text, "media folder /srv/media: readable, at least 1 file in 1 folder (stopped counting)");
    EXPECT_EQ(f[1].verdict, Verdict::warn);
    EXPECT_NE(f[1].text.find("2 subfolders cannot be read, e.g. /srv/media/x"), std::string::npos);

    f = folder_findings({"/srv/gone", ENOENT, {}});
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].verdict, Verdict::fail);
    EXPECT_NE(f[0].text.find("/srv/gone cannot be read"), std::string::npos);
}

TEST(ServiceUserFinding, OkFailOrWarnForSomeInside) {
    UserIds hearth{"hearth", 120, {120}};
    EXPECT_EQ(service_user_finding("/srv/media", hearth, std::nullopt, {}).text,
              "media folder /srv/media: readable by user hearth");
    Denial d{{"/srv/media", 0, 0, "", 0700}, 5, true};
    EXPECT_EQ(service_user_finding("/srv/media", hearth, d, {}).verdict, Verdict::fail);
    FolderCount some{4, 9, true, 0, "", 2, "/srv/media/private"};
    auto w = service_user_finding("/srv/media", hearth, std::nullopt, some);
    EXPECT_EQ(w.verdict, Verdict::warn);
    EXPECT_EQ(w.text, "media folder /srv/media: user hearth cannot read 2 files and folders inside, e.g. "
                      "/srv/media/private");
}

// The advice itself is library's (tests/unit/library/watch_limit_test.cpp); here, the verdict for each case.
TEST(WatchLimit, VerdictFollowsTheAdvice) {
    EXPECT_EQ(watch_limit_finding(8192, 100, true).verdict, Verdict::ok);
    auto over = watch_limit_finding(8192, 9000, true);
    EXPECT_EQ(over.verdict, Verdict::warn);
    EXPECT_EQ(over.text,
              "inotify: 9000 folders to watch but the limit is 8192: changes in the rest are seen only "
              "by rescans");
    EXPECT_NE(over.hint.find("fs.inotify.max_user_watches=524288"), std::string::npos);
    EXPECT_EQ(watch_limit_finding(10000, 9500, true).verdict, Verdict::warn);
    EXPECT_EQ(watch_limit_finding(std::nullopt, 5, true).verdict, Verdict::info);
}

TEST(CodecFindings, OkWarnForAlternativesAndWarnWithConsequence) {
    std::set<std::string> present = {"aac", "h264_vaapi", "mpegts"};
    auto f = codec_findings(transcoding_needs(),
                            [&](Component, const std::string& name) { return present.contains(name); });
    ASSERT_EQ(f.size(), transcoding_needs().size());
    EXPECT_EQ(f[0].verdict, Verdict::warn); // h264_vaapi instead of libx264
    EXPECT_NE(f[0].text.find("no libx264; H.264 encoder h264_vaapi"), std::string::npos);
    EXPECT_EQ(f[1].verdict, Verdict::ok);
    EXPECT_EQ(f[1].text, "FFmpeg: AAC encoder aac");
    EXPECT_EQ(f[3].verdict, Verdict::warn);
    EXPECT_NE(f[3].text.find("no MP3 encoder (libmp3lame)"), std::string::npos);

    auto none = codec_findings(transcoding_needs(), [](Component, const std::string&) { return false; });
    EXPECT_NE(none[0].text.find("HEVC"), std::string::npos);
}

FoundServer server(const char* location, const char* usn, const char* name) {
    FoundServer s{"192.168.1.9", {location, "Linux MiniDLNA/1.3.2", usn, kMediaServerType}, std::nullopt, ""};
    if (name != nullptr)
        s.device = DeviceSummary{name, "", "MiniDLNA", ""};
    else
        s.fetch_error = "no connection in time";
    return s;
}

TEST(OtherServers, OkWhenNoneAnswered) {
    auto f = other_server_findings({}, {"", {}, 8300, {"eth0", "wlan0"}});
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].text, "no other DLNA server answered on eth0, wlan0");
}

TEST(OtherServers, NamesEachServerOnceAndSkipsOurOwn) {
    Surroundings here{"self", {"192.168.1.5"}, 8300, {"eth0"}};
    auto f = other_server_findings(
        {server("http://192.168.1.9:8200/rootDesc.xml", "uuid:a::upnp:rootdevice", "NAS"),
         server("http://192.168.1.9:8200/rootDesc.xml", "uuid:a", "NAS"),
         server("http://192.168.1.5:8300/description.xml", "uuid:self", "Us")},
        here);
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[0].verdict, Verdict::info);
    EXPECT_EQ(f[0].text, "this Hearth is running and answers searches");
    EXPECT_EQ(f[1].verdict, Verdict::info);
    EXPECT_EQ(f[1].text, "another DLNA server answers: \"NAS\" (MiniDLNA) at 192.168.1.9:8200");
}

TEST(OtherServers, WarnsOnThisHostAndFailsOnOurPort) {
    Surroundings here{"", {"192.168.1.5"}, 8200, {"eth0"}};
    auto same_port = other_server_findings({server("http://192.168.1.5:8200/", "uuid:b", "Old")}, here);
    EXPECT_EQ(same_port[0].verdict, Verdict::fail);
    here.port = 8300;
    auto same_host = other_server_findings({server("http://127.0.0.1:8200/", "uuid:b", "Old")}, here);
    EXPECT_EQ(same_host[0].verdict, Verdict::warn);
    auto unreadable = other_server_findings({server("http://192.168.1.9:8200/", "uuid:c", nullptr)}, here);
    EXPECT_EQ(unreadable[0].text,
              "another DLNA server answers: a server (Linux MiniDLNA/1.3.2) at 192.168.1.9:8200; "
              "its description could not be read (no connection in time)");
}

TEST(DoctorArgs, TakesOutItsOwnOptions) {
    auto a = split_doctor_args({"--media", "/srv", "--user", "hearth", "--port=8301"});
    EXPECT_EQ(a.user, "hearth");
    EXPECT_EQ(a.rest, (std::vector<std::string>{"--media", "/srv", "--port=8301"}));
    EXPECT_TRUE(a.error.empty());
    EXPECT_EQ(split_doctor_args({"--user=nobody"}).user, "nobody");
    EXPECT_FALSE(split_doctor_args({"--user"}).error.empty());
    EXPECT_FALSE(split_doctor_args({"--user="}).error.empty());
    EXPECT_TRUE(split_doctor_args({"-h"}).help);
}

} // namespace
} // namespace hearth::doctor
