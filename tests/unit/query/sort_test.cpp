#include "hearth/query/sort.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <ostream>
#include <string>

namespace hearth::query {
namespace {

// --- sort_sql ---

struct SortCase {
    std::string criteria;
    std::optional<std::string> sql;
};

std::ostream& operator<<(std::ostream& os, const SortCase& c) {
    return os << '"' << c.criteria << '"';
}

class SortSql : public ::testing::TestWithParam<SortCase> {};

TEST_P(SortSql, MapsWhitelistedKeys) {
    const auto& c = GetParam();
    auto sql = sort_sql(c.criteria);
    EXPECT_EQ(sql, c.sql);
    if (sql) {
        EXPECT_TRUE(sql->starts_with("is_container DESC")) << "folders always first: " << *sql;
        EXPECT_TRUE(sql->ends_with(", id")) << "a total order makes paging stable: " << *sql;
    }
}

const std::string kDefaultOrder = "is_container DESC, title COLLATE NOCASE, id";

INSTANTIATE_TEST_SUITE_P(
    Table, SortSql,
    ::testing::Values(
        SortCase{"", kDefaultOrder}, SortCase{"  ", kDefaultOrder},
        SortCase{"+dc:title", "is_container DESC, title COLLATE NOCASE ASC, title COLLATE NOCASE, id"},
        SortCase{"-dc:date", "is_container DESC, date DESC, title COLLATE NOCASE, id"},
        SortCase{"dc:date", "is_container DESC, date ASC, title COLLATE NOCASE, id"},
        SortCase{"+upnp:album,+upnp:originalTrackNumber",
                 "is_container DESC, album COLLATE NOCASE ASC, track ASC, title COLLATE NOCASE, id"},
        SortCase{" -upnp:artist , +dc:title ", "is_container DESC, artist COLLATE NOCASE DESC, title COLLATE "
                                               "NOCASE ASC, title COLLATE NOCASE, id"},
        SortCase{"-dc:creator", "is_container DESC, artist COLLATE NOCASE DESC, title COLLATE NOCASE, id"},
        SortCase{"+upnp:genre,-res@size,+upnp:class", "is_container DESC, genre COLLATE NOCASE ASC, size "
                                                      "DESC, upnp_class ASC, title COLLATE NOCASE, id"},
        // unknown or malformed: 709
        SortCase{"+dc:description", std::nullopt}, SortCase{"+title", std::nullopt},
        SortCase{"+dc:title; DROP TABLE objects", std::nullopt}, SortCase{"+DC:TITLE", std::nullopt},
        SortCase{"+", std::nullopt}, SortCase{"-", std::nullopt}, SortCase{"++dc:title", std::nullopt},
        SortCase{"+dc:title,", std::nullopt}, SortCase{",+dc:title", std::nullopt},
        SortCase{"+dc:title,,-dc:date", std::nullopt}, SortCase{"+ dc:title", std::nullopt}));

TEST(SortCapabilities, ListsEveryAcceptedKey) {
    auto caps = sort_capabilities();
    EXPECT_EQ(caps.find(' '), std::string::npos);
    for (auto key : {"dc:title", "dc:date", "upnp:originalTrackNumber", "upnp:artist", "dc:creator",
                     "upnp:album", "upnp:genre", "upnp:class", "res@size"}) {
        EXPECT_NE(caps.find(key), std::string::npos) << key;
        EXPECT_TRUE(sort_sql(std::string("+") + key).has_value()) << key;
    }
}

} // namespace
} // namespace hearth::query
