#include "hearth/library/progress_bar.hpp"

#include <gtest/gtest.h>

namespace hearth::library {
namespace {

TEST(ProgressBar, ShowsCountRateEtaAndTheEndOfTheFolder) {
    ScanProgress p;
    p.phase = ScanProgress::probing;
    p.to_probe = 200;
    p.probed = 50;
    p.seconds = 2.0;
    p.set_current("/srv/media/Music/Some Artist/Some Album");
    auto line = progress_bar(p, 80);
    EXPECT_EQ(line.rfind("\r[######..................]", 0), 0u) << line;
    EXPECT_NE(line.find(" 50/200 files  25 files/s  ETA 6 s  "), std::string::npos) << line;
    EXPECT_NE(line.find("Some Album\033[K"), std::string::npos) << line;
    EXPECT_LE(line.size() - 4, 80u) << line; // \r and the erase sequence take no columns
}

TEST(ProgressBar, WalkingShowsFolders) {
    ScanProgress p;
    p.phase = ScanProgress::walking;
    p.folders = 12;
    EXPECT_NE(progress_bar(p, 80).find("looking through 12 folders"), std::string::npos);
}

TEST(ProgressBar, NarrowTerminalsDropTheFolder) {
    ScanProgress p;
    p.phase = ScanProgress::probing;
    p.to_probe = 10;
    p.set_current("/a/very/long/folder/name/that/does/not/fit");
    auto line = progress_bar(p, 40);
    EXPECT_EQ(line.find("/a/very"), std::string::npos) << line;
}

} // namespace
} // namespace hearth::library
