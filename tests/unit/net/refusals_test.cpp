#include "hearth/net/refusals.hpp"

#include <gtest/gtest.h>

namespace hearth::net {
namespace {

TEST(Refusals, CountsEveryRefusalButLogsOncePerAddressAndReason) {
    Refusals r;
    in_addr a{};
    a.s_addr = htonl(0x7F000009);
    testing::internal::CaptureStderr();
    for (int i = 0; i < 20; ++i)
        r.record(Refusal::outsider, a, "connection");
    r.record(Refusal::bad_host, a, "GET /");
    std::string log = testing::internal::GetCapturedStderr();
    EXPECT_EQ(r.count(Refusal::outsider), 20u);
    EXPECT_EQ(r.count(Refusal::bad_host), 1u);
    EXPECT_EQ(r.count(Refusal::blocked), 0u);
    std::size_t lines = 0;
    for (char c : log)
        lines += c == '\n';
    EXPECT_EQ(lines, 2u) << log;
    EXPECT_NE(log.find("refused connection from 127.0.0.9"), std::string::npos) << log;
}

TEST(Refusals, NamesAreStable) {
    EXPECT_EQ(refusal_name(Refusal::stream_limit), "stream_limit");
    EXPECT_EQ(refusal_name(Refusal::title_in_use), "title_in_use");
}

} // namespace
} // namespace hearth::net
