#include "hearth/http/limits.hpp"

#include <gtest/gtest.h>

namespace hearth::http {
namespace {

TEST(RequestHeadBytes, CountsTheLinesAsSent) {
    // "GET /a HTTP/1.1\r\n" (17) + "Host: x\r\n" (9) + "\r\n" (2)
    EXPECT_EQ(request_head_bytes("GET", "/a", {{"Host", "x"}}), 28U);
    EXPECT_EQ(request_head_bytes("GET", "/", {}), std::string_view("GET / HTTP/1.1\r\n\r\n").size());
}

TEST(RequestHeadBytes, OneLongHeaderOrManyShortOnesBothCount) {
    std::vector<std::pair<std::string, std::string>> one{{"Cookie", std::string(kMaxHeaderBytes, 'a')}};
    EXPECT_GT(request_head_bytes("GET", "/", one), kMaxHeaderBytes);
    std::vector<std::pair<std::string, std::string>> many(2000, {"X-A", "bbbb"}); // 2000 × 11 bytes
    EXPECT_GT(request_head_bytes("GET", "/", many), kMaxHeaderBytes);
    std::vector<std::pair<std::string, std::string>> usual{
        {"Host", "192.168.1.2:8300"}, {"User-Agent", std::string(300, 'u')}, {"Range", "bytes=0-"}};
    EXPECT_LT(request_head_bytes("GET", "/media/12.mkv", usual), 1024U);
}

TEST(RaisedOpenFileLimit, RaisesTheUsualSoftLimitUpToTheHardOne) {
    EXPECT_EQ(raised_open_file_limit(1024, 524288), kWantedOpenFiles);
    EXPECT_EQ(raised_open_file_limit(1024, 2048), 2048U); // never past the hard limit
    EXPECT_EQ(raised_open_file_limit(256, 4096), kWantedOpenFiles);
}

TEST(RaisedOpenFileLimit, LeavesEnoughOrUnraisableAlone) {
    EXPECT_EQ(raised_open_file_limit(kWantedOpenFiles, 524288), std::nullopt);
    EXPECT_EQ(raised_open_file_limit(65536, 65536), std::nullopt);
    EXPECT_EQ(raised_open_file_limit(1024, 1024), std::nullopt); // the hard limit allows no more
}

} // namespace
} // namespace hearth::http
