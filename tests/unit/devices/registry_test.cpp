#include "hearth/devices/cli.hpp"
#include "hearth/devices/registry.hpp"
#include "support/temp_dir.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sstream>
#include <thread>

namespace hearth::devices {
namespace {

in_addr ip(const char* text) {
    in_addr a{};
    inet_pton(AF_INET, text, &a);
    return a;
}

constexpr const char* kArp =
    "IP address       HW type     Flags       HW address            Mask     Device\n"
    "192.168.1.20     0x1         0x2         AA:bb:cc:dd:ee:01     *        eth0\n"
    "192.168.1.21     0x1         0x0         00:00:00:00:00:00     *        eth0\n";

TEST(MacFromArp, FindsCompleteEntriesOnly) {
    EXPECT_EQ(mac_from_arp(kArp, ip("192.168.1.20")), "aa:bb:cc:dd:ee:01");
    EXPECT_EQ(mac_from_arp(kArp, ip("192.168.1.21")), std::nullopt);
    EXPECT_EQ(mac_from_arp(kArp, ip("192.168.1.2")), std::nullopt); // no prefix match on "192.168.1.20"
    EXPECT_EQ(mac_from_arp("", ip("192.168.1.20")), std::nullopt);
}

TEST(NameFromHeaders, PrefersTheDlnaFriendlyName) {
    EXPECT_EQ(name_from_headers(" Living Room ", ""), "Living Room");
    EXPECT_EQ(name_from_headers("", "av=5.0; cn=\"Sony Corporation\"; mn=\"BRAVIA KD-55X85J\"; mv=\"1.0\";"),
              "BRAVIA KD-55X85J");
    EXPECT_EQ(name_from_headers("", "cn=\"Samsung Electronics\""), std::nullopt);
    EXPECT_EQ(name_from_headers("", ""), std::nullopt);
}

class RegistryTest : public ::testing::Test {
  protected:
    test::TempDir dir;
    std::filesystem::path db = dir / "index.db";

    int cli(std::vector<std::string> args, std::string* out_text = nullptr) {
        args.push_back("--db");
        args.push_back(db.string());
        args.push_back("--media");
        args.push_back(dir.path().string());
        Environment env;
        env.getenv = [](const std::string&) { return std::nullopt; };
        env.cwd = dir.path();
        env.hostname = "test";
        env.default_config_file = dir / "none.conf";
        std::ostringstream out, err;
        int rc = run_cli(args, env, out, err);
        if (out_text) *out_text = out.str() + err.str();
        return rc;
    }
};

TEST_F(RegistryTest, NewDevicesArePendingAndRemembered) {
    {
        Registry r(db, Mode::approved);
        auto seen = r.seen(ip("127.0.0.2"), "TV/1.0", std::string("Lounge TV"));
        EXPECT_EQ(seen.status, Status::pending);
        EXPECT_EQ(seen.label, "Lounge TV");
        EXPECT_FALSE(r.may_browse(seen.status));
        EXPECT_EQ(r.seen(ip("127.0.0.2"), "TV/1.0", std::nullopt).id, seen.id);
    }
    Registry again(db, Mode::open);
    auto devices = again.snapshot();
    ASSERT_EQ(devices.size(), 1u);
    EXPECT_EQ(devices[0].name, "Lounge TV");
    EXPECT_EQ(devices[0].user_agent, "TV/1.0");
    EXPECT_EQ(devices[0].key, "ip:127.0.0.2");
    EXPECT_TRUE(again.may_browse(Status::pending)); // open mode lets pending devices in
    EXPECT_FALSE(again.may_browse(Status::blocked));
}

TEST_F(RegistryTest, CliApprovesAndBlocksWhileTheRegistryRuns) {
    Registry r(db, Mode::approved);
    r.start();
    auto id = r.seen(ip("127.0.0.3"), "Phone", std::nullopt).id;
    std::string out;
    EXPECT_EQ(cli({"list"}, &out), 0);
    EXPECT_NE(out.find(std::to_string(id) + "\tpending\t127.0.0.3"), std::string::npos) << out;
    EXPECT_EQ(cli({"approve", std::to_string(id)}), 0);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (r.seen(ip("127.0.0.3"), "Phone", std::nullopt).status != Status::approved &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(r.seen(ip("127.0.0.3"), "Phone", std::nullopt).status, Status::approved);
    EXPECT_EQ(cli({"block", std::to_string(id)}), 0);
    while (!r.is_blocked(ip("127.0.0.3")) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(r.is_blocked(ip("127.0.0.3")));
    EXPECT_FALSE(r.is_blocked(ip("127.0.0.4")));
    r.stop();
}

TEST_F(RegistryTest, CliUsageErrorsExit2) {
    Registry r(db, Mode::open); // creates the database
    std::string out;
    EXPECT_EQ(cli({"approve", "999"}, &out), 2);
    EXPECT_NE(out.find("no device with ID 999"), std::string::npos);
    EXPECT_EQ(cli({"approve", "x"}), 2);
    EXPECT_EQ(cli({"frobnicate"}), 2);
    Environment env;
    std::ostringstream o, e;
    EXPECT_EQ(run_cli({}, env, o, e), 2);
}

} // namespace
} // namespace hearth::devices
