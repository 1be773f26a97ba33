#include "hearth/util/random.hpp"

#include <gtest/gtest.h>
#include <set>

namespace hearth::util {
namespace {

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

TEST(RandomUuid, IsAVersion4Rfc4122Uuid) {
    for (int i = 0; i < 200; ++i) {
        const auto u = random_uuid();
        ASSERT_EQ(u.size(), 36u) << u;
        for (std::size_t k = 0; k < u.size(); ++k) {
            if (k == 8 || k == 13 || k == 18 || k == 23)
                EXPECT_EQ(u[k], '-') << u;
            else
                EXPECT_TRUE(is_hex(u[k])) << u;
        }
        EXPECT_EQ(u[14], '4') << u;                                                   // version
        EXPECT_NE(std::string_view("89ab").find(u[19]), std::string_view::npos) << u; // variant 10xx
    }
}

TEST(RandomUuid, DoesNotRepeat) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i)
        EXPECT_TRUE(seen.insert(random_uuid()).second);
}

TEST(RandomToken, IsFortyHexDigitsAndDoesNotRepeat) {
    const auto a = random_token(), b = random_token();
    ASSERT_EQ(a.size(), 40u);
    for (char c : a)
        EXPECT_TRUE(is_hex(c)) << a;
    EXPECT_NE(a, b);
}

} // namespace
} // namespace hearth::util
