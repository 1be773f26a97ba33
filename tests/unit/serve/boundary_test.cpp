// The boundary's decisions for the host, blocked, pending and approved devices, and the device actions'
// CSRF check.
#include "hearth/serve/boundary.hpp"
#include "support/temp_dir.hpp"
#include "unit/serve/fixture.hpp"

#include <gtest/gtest.h>

namespace hearth::serve {
namespace {

class BoundaryTest : public ::testing::Test {
  protected:
    hearth::test::TempDir dir;
    devices::Registry registry{dir / "index.db", devices::Mode::approved};
    net::Refusals refusals;
    renderers::Descriptions descriptions;
    Boundary boundary{registry, refusals, descriptions};
    net::LanPolicy policy = test::lan();
    Visitor visitor;

    std::optional<http::Response> refuse(const std::string& path, const char* from) {
        return boundary.refuse(test::request("GET", path, from), policy, visitor);
    }
    std::int64_t device_at(const char* address, devices::Status status) {
        auto seen = registry.seen(test::ip(address), "TV", std::nullopt);
        registry.set_status(seen.id, status);
        return seen.id;
    }
};

TEST_F(BoundaryTest, TheHostMayManageAndIsNoDevice) {
    EXPECT_FALSE(refuse("/media/1", "192.168.1.10"));
    EXPECT_TRUE(visitor.can_manage);
    EXPECT_FALSE(visitor.restricted);
    EXPECT_EQ(visitor.device_id, -1);
    EXPECT_TRUE(registry.snapshot().empty());
}

TEST_F(BoundaryTest, AHostNameThatIsNotOursIsRefused) {
    auto r = boundary.refuse(test::request("GET", "/", "192.168.1.50", {{"Host", "evil.example"}}), policy,
                             visitor);
    // The fixture's own Host comes after: the first one counts.
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403);
    EXPECT_EQ(refusals.count(net::Refusal::bad_host), 1u);
}

TEST_F(BoundaryTest, APendingDeviceSeesOnlyTheNote) {
    for (const char* path : {"/media/1", "/media/1/play.ts", "/devices/1/approve", "/status.json"}) {
        auto r = refuse(path, "192.168.1.50");
        ASSERT_TRUE(r) << path;
        EXPECT_EQ(r->status, 403) << path;
        EXPECT_EQ(r->body, "This device is waiting for the owner's approval\n");
    }
    EXPECT_EQ(refusals.count(net::Refusal::pending), 4u);
    for (const char* path : {"/", "/description.xml", "/control/ContentDirectory", "/art/1.jpg"}) {
        EXPECT_FALSE(refuse(path, "192.168.1.50")) << path; // answered, but restricted
        EXPECT_TRUE(visitor.restricted) << path;
        EXPECT_FALSE(visitor.can_manage);
        EXPECT_GT(visitor.device_id, 0);
    }
}

TEST_F(BoundaryTest, ABlockedDeviceIsDroppedWithoutAnAnswer) {
    device_at("192.168.1.60", devices::Status::blocked);
    auto r = refuse("/", "192.168.1.60");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->drop_connection);
    EXPECT_EQ(refusals.count(net::Refusal::blocked), 1u);
    EXPECT_FALSE(boundary.admit_connection(policy, test::ip("192.168.1.60"), "connection"));
    EXPECT_EQ(refusals.count(net::Refusal::blocked), 2u);
}

TEST_F(BoundaryTest, AnApprovedDeviceBrowsesAndMayManage) {
    auto id = device_at("192.168.1.70", devices::Status::approved);
    EXPECT_FALSE(refuse("/media/1", "192.168.1.70"));
    EXPECT_FALSE(visitor.restricted);
    EXPECT_TRUE(visitor.can_manage);
    EXPECT_EQ(visitor.device_id, id);
}

TEST_F(BoundaryTest, OutsidersCannotConnect) {
    EXPECT_FALSE(boundary.admit_connection(policy, test::ip("10.1.2.3"), "connection"));
    EXPECT_EQ(refusals.count(net::Refusal::outsider), 1u);
    EXPECT_TRUE(boundary.admit_connection(policy, test::ip("192.168.1.50"), "connection"));
}

http::Request action(std::string path, std::vector<std::pair<std::string, std::string>> headers) {
    return test::request("POST", std::move(path), "192.168.1.10", std::move(headers));
}

TEST(ActionAllowed, NeedsManagerTokenAndSameOrigin) {
    const Visitor manager{false, true, -1}, guest{false, false, 5};
    EXPECT_TRUE(action_allowed(action("/devices/1/approve", {{"X-Hearth-Token", "t0k"}}), manager, "t0k"));
    EXPECT_TRUE(action_allowed(
        action("/devices/1/approve", {{"X-Hearth-Token", "t0k"}, {"Origin", "http://192.168.1.10:8200"}}),
        manager, "t0k"));
    EXPECT_FALSE(action_allowed(action("/devices/1/approve", {{"X-Hearth-Token", "t0k"}}), guest, "t0k"));
    EXPECT_FALSE(action_allowed(action("/devices/1/approve", {{"X-Hearth-Token", "other"}}), manager, "t0k"));
    EXPECT_FALSE(action_allowed(action("/devices/1/approve", {}), manager, "t0k"));
    EXPECT_FALSE(action_allowed(
        action("/devices/1/approve", {{"X-Hearth-Token", "t0k"}, {"Origin", "http://evil.example"}}), manager,
        "t0k"));
}

TEST_F(BoundaryTest, DeviceActionsChangeTheRegistryOnlyWhenAllowed) {
    auto id = device_at("192.168.1.80", devices::Status::pending);
    const Visitor manager{false, true, -1};
    const auto path = "/devices/" + std::to_string(id) + "/approve";
    EXPECT_EQ(device_action(action(path, {{"X-Hearth-Token", "wrong"}}), manager, "t0k", registry).status,
              403);
    EXPECT_EQ(registry.snapshot()[0].status, devices::Status::pending);
    auto get = test::request("GET", path, "192.168.1.10");
    EXPECT_EQ(device_action(get, manager, "t0k", registry).status, 405);
    EXPECT_EQ(device_action(action("/devices/x/approve", {}), manager, "t0k", registry).status, 404);
    EXPECT_EQ(device_action(action("/devices/1/delete", {}), manager, "t0k", registry).status, 404);
    EXPECT_EQ(
        device_action(action("/devices/999/block", {{"X-Hearth-Token", "t0k"}}), manager, "t0k", registry)
            .status,
        404);
    auto ok = device_action(action(path, {{"X-Hearth-Token", "t0k"}}), manager, "t0k", registry);
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.body, "{\"ok\":true}\n");
    EXPECT_EQ(registry.snapshot()[0].status, devices::Status::approved);
}

} // namespace
} // namespace hearth::serve
