#include "hearth/http/range.hpp"

#include <gtest/gtest.h>
#include <ostream>
#include <string>

namespace hearth::http {
namespace {

struct RangeCase {
    std::string header;
    std::uint64_t size;
    RangeOutcome outcome;
    std::uint64_t first = 0;
    std::uint64_t last = 0;
};

std::ostream& operator<<(std::ostream& os, const RangeCase& c) {
    return os << '"' << c.header << "\" size " << c.size;
}

class ParseRange : public ::testing::TestWithParam<RangeCase> {};

TEST_P(ParseRange, Interprets) {
    const auto& c = GetParam();
    auto result = parse_range(c.header, c.size);
    EXPECT_EQ(static_cast<int>(result.outcome), static_cast<int>(c.outcome));
    if (c.outcome == RangeOutcome::partial) {
        EXPECT_EQ(result.range.first, c.first);
        EXPECT_EQ(result.range.last, c.last);
        EXPECT_EQ(result.range.length(), c.last - c.first + 1);
    }
}

constexpr auto whole = RangeOutcome::whole;
constexpr auto partial = RangeOutcome::partial;
constexpr auto unsatisfiable = RangeOutcome::unsatisfiable;

INSTANTIATE_TEST_SUITE_P(
    Table, ParseRange,
    ::testing::Values(
        // first-last
        RangeCase{"bytes=0-99", 1000, partial, 0, 99}, RangeCase{"bytes=100-199", 1000, partial, 100, 199},
        RangeCase{"bytes=0-0", 1000, partial, 0, 0}, RangeCase{"bytes=999-999", 1000, partial, 999, 999},
        // open-ended
        RangeCase{"bytes=0-", 1000, partial, 0, 999}, RangeCase{"bytes=500-", 1000, partial, 500, 999},
        RangeCase{"bytes=999-", 1000, partial, 999, 999},
        // suffix: the last n bytes, clamped to the whole file
        RangeCase{"bytes=-100", 1000, partial, 900, 999}, RangeCase{"bytes=-1", 1000, partial, 999, 999},
        RangeCase{"bytes=-1000", 1000, partial, 0, 999}, RangeCase{"bytes=-5000", 1000, partial, 0, 999},
        // last past EOF is clamped
        RangeCase{"bytes=0-5000", 1000, partial, 0, 999},
        RangeCase{"bytes=900-18446744073709551615", 1000, partial, 900, 999},
        // unsatisfiable
        RangeCase{"bytes=1000-", 1000, unsatisfiable}, RangeCase{"bytes=1000-2000", 1000, unsatisfiable},
        RangeCase{"bytes=5000-6000", 1000, unsatisfiable}, RangeCase{"bytes=-0", 1000, unsatisfiable},
        RangeCase{"bytes=0-", 0, unsatisfiable}, RangeCase{"bytes=0-10", 0, unsatisfiable},
        RangeCase{"bytes=-10", 0, unsatisfiable},
        // malformed or ignorable: send the whole representation
        RangeCase{"", 1000, whole}, RangeCase{"bytes=", 1000, whole}, RangeCase{"bytes=-", 1000, whole},
        RangeCase{"bytes=abc-", 1000, whole}, RangeCase{"bytes=1-x", 1000, whole},
        RangeCase{"bytes=10-5", 1000, whole}, RangeCase{"bytes=5", 1000, whole},
        RangeCase{"bytes=+5-10", 1000, whole}, RangeCase{"bytes=--5", 1000, whole},
        RangeCase{"bytes=-5-", 1000, whole}, RangeCase{"items=0-10", 1000, whole},
        RangeCase{"0-10", 1000, whole}, RangeCase{"bytes 0-10", 1000, whole},
        RangeCase{"bytes=99999999999999999999-", 1000, whole},
        // several ranges: we may ignore the header
        RangeCase{"bytes=0-10,20-30", 1000, whole}, RangeCase{"bytes=0-10, -5", 1000, whole},
        // whitespace around the value and the numbers
        RangeCase{"  bytes=0-99  ", 1000, partial, 0, 99},
        RangeCase{"bytes= 10 - 20 ", 1000, partial, 10, 20},
        RangeCase{"\tbytes=-10\r\n", 1000, partial, 990, 999},
        // the unit is case-insensitive
        RangeCase{"Bytes=0-9", 1000, partial, 0, 9}, RangeCase{"BYTES=0-9", 1000, partial, 0, 9}));

} // namespace
} // namespace hearth::http
