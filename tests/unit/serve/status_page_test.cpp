// The status page and /status.json as serve/ answers them without App: a device waiting for approval sees
// only a note, the page keeps its framing and script rules, and the JSON reports the running server's parts.
#include "hearth/serve/status_page.hpp"
#include "support/temp_dir.hpp"
#include "unit/serve/fixture.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace hearth::serve {
namespace {

bool has_header(const http::Response& r, const std::string& name) {
    return std::any_of(r.headers.begin(), r.headers.end(), [&](const auto& h) { return h.first == name; });
}

class StatusPageTest : public ::testing::Test {
  protected:
    hearth::test::TempDir dir;
    // The registry migrates the index it opens, so the readers find the whole schema.
    devices::Registry registry{dir / "index.db", devices::Mode::approved};
    devices::Streams streams{{6, 3, false}};
    db::ReaderPool readers{dir / "index.db"};
    net::Refusals refusals;
    library::ScanProgress scan;
    ssdp::Counters ssdp;
    StatusSources sources{refusals, registry, streams, readers, scan, ssdp, std::chrono::steady_clock::now()};
    std::string name = "Lounge", page = "<!doctype html><p>the page</p>";
    StatusSettings settings{name, page, true};
};

TEST_F(StatusPageTest, ThePageForVisitorsAndOnlyANoteForAWaitingDevice) {
    auto shown = status_answer(test::request("GET", "/"), sources, settings, Visitor{false, true, 3});
    ASSERT_TRUE(shown);
    EXPECT_EQ(shown->body, page);
    EXPECT_TRUE(has_header(*shown, "Content-Security-Policy"));
    EXPECT_TRUE(has_header(*shown, "X-Frame-Options"));
    auto note = status_answer(test::request("GET", "/"), sources, settings, Visitor{true, false, 4});
    ASSERT_TRUE(note);
    EXPECT_EQ(note->body.find("the page"), std::string::npos);
    EXPECT_NE(note->body.find("waiting for the owner's approval"), std::string::npos);
    EXPECT_FALSE(status_answer(test::request("GET", "/devices/1/approve"), sources, settings, {}));
}

TEST_F(StatusPageTest, JsonReportsTheServersPartsAndWhetherTheVisitorMayManage) {
    scan.phase = 2;
    scan.probed = 7;
    ssdp.answered = 5;
    auto json =
        status_answer(test::request("GET", "/status.json"), sources, settings, Visitor{false, false, 9});
    ASSERT_TRUE(json);
    EXPECT_EQ(json->status, 200);
    EXPECT_NE(json->body.find("\"Lounge\""), std::string::npos) << json->body;
    EXPECT_NE(json->body.find("\"probing\""), std::string::npos) << json->body;
    auto snap = snapshot(sources, settings, true);
    EXPECT_TRUE(snap.can_manage);
    EXPECT_TRUE(snap.approval_required);
    EXPECT_EQ(snap.scan.probed, 7);
    EXPECT_EQ(snap.ssdp.answered, 5);
    EXPECT_FALSE(snapshot(sources, settings, false).can_manage);
}

} // namespace
} // namespace hearth::serve
