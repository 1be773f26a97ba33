// SearchCriteria in, SQL and bindings (or UPnP error 708) out: a table, no database.
#include "hearth/query/search.hpp"
#include "hearth/util/strings.hpp"

#include <gtest/gtest.h>

namespace hearth::query::search {
namespace {

using Bindings = std::vector<db::SqlValue>;

struct Case {
    const char* criteria;
    const char* sql;
    Bindings bindings;
};

std::string describe(const db::SqlValue& v) {
    if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
    return "\"" + std::get<std::string>(v) + "\"";
}

const Case kValid[] = {
    {"*", "1", {}},
    {"  *  ", "1", {}},
    {"dc:title = \"Alpha\"", "title = ? COLLATE NOCASE", {std::string("Alpha")}},
    {"dc:title=\"Alpha\"", "title = ? COLLATE NOCASE", {std::string("Alpha")}},
    {"dc:title != \"a\"", "title IS NOT ? COLLATE NOCASE", {std::string("a")}},
    {"dc:date < \"2001\"", "date < ? COLLATE NOCASE", {std::string("2001")}},
    {"dc:date <= \"2001\"", "date <= ? COLLATE NOCASE", {std::string("2001")}},
    {"dc:date > \"2001\"", "date > ? COLLATE NOCASE", {std::string("2001")}},
    {"dc:date >= \"2001\"", "date >= ? COLLATE NOCASE", {std::string("2001")}},
    {"dc:creator = \"X\"", "artist = ? COLLATE NOCASE", {std::string("X")}},
    {"upnp:artist = \"X\"", "artist = ? COLLATE NOCASE", {std::string("X")}},
    {"upnp:album = \"X\"", "album = ? COLLATE NOCASE", {std::string("X")}},
    {"upnp:genre = \"X\"", "genre = ? COLLATE NOCASE", {std::string("X")}},
    {"upnp:class = \"object.item.audioItem.musicTrack\"",
     "upnp_class = ?",
     {std::string("object.item.audioItem.musicTrack")}},
    {"dc:title contains \"50%_off\\\\\"", "title LIKE ? ESCAPE '\\'", {std::string("%50\\%\\_off\\\\%")}},
    {"upnp:album doesNotContain \"live\"",
     "(album IS NULL OR album NOT LIKE ? ESCAPE '\\')",
     {std::string("%live%")}},
    {"upnp:class derivedfrom \"object.item.audioItem\"",
     "(upnp_class = ? OR upnp_class LIKE ? || '.%' ESCAPE '\\')",
     {std::string("object.item.audioItem"), std::string("object.item.audioItem")}},
    {"upnp:artist exists true", "artist IS NOT NULL", {}},
    {"upnp:artist exists false", "artist IS NULL", {}},
    {"@refID exists false", "1", {}},
    {"@refID exists true", "0", {}},
    {"@refID = \"12\"", "0", {}},
    {"res@size >= \"1000\"", "size >= ?", {std::int64_t{1000}}},
    {"res@duration > \"0:03:00\"", "duration_ms > ?", {std::int64_t{180000}}},
    {"res@duration < \"1:02:03.5\"", "duration_ms < ?", {std::int64_t{3723500}}},
    {"@id = \"12\"", "id = ?", {std::int64_t{12}}},
    {"@parentID = \"0\"", "parent_id = ?", {std::int64_t{0}}},
    // Xbox 360 / Windows Media Player.
    {"upnp:class derivedfrom \"object.item.audioItem\" and @refID exists false",
     "((upnp_class = ? OR upnp_class LIKE ? || '.%' ESCAPE '\\') AND 1)",
     {std::string("object.item.audioItem"), std::string("object.item.audioItem")}},
    // and binds tighter than or; parentheses regroup.
    {"dc:title = \"a\" or dc:title = \"b\" and upnp:genre = \"c\"",
     "(title = ? COLLATE NOCASE OR (title = ? COLLATE NOCASE AND genre = ? COLLATE NOCASE))",
     {std::string("a"), std::string("b"), std::string("c")}},
    {"(dc:title = \"a\" or dc:title = \"b\") and upnp:genre = \"c\"",
     "((title = ? COLLATE NOCASE OR title = ? COLLATE NOCASE) AND genre = ? COLLATE NOCASE)",
     {std::string("a"), std::string("b"), std::string("c")}},
    {"dc:title = \"a\" and dc:title = \"b\" and dc:title = \"c\"",
     "(title = ? COLLATE NOCASE AND title = ? COLLATE NOCASE AND title = ? COLLATE NOCASE)",
     {std::string("a"), std::string("b"), std::string("c")}},
    {"((dc:title exists true))", "title IS NOT NULL", {}},
    {"dc:title exists true AND dc:title exists TRUE", "(title IS NOT NULL AND title IS NOT NULL)", {}},
    // Escapes, and hostile text: it stays a bound value and never reaches the SQL.
    {"dc:title = \"say \\\"hi\\\"\"", "title = ? COLLATE NOCASE", {std::string("say \"hi\"")}},
    {"dc:title = \"x\\\" OR 1=1 --\"", "title = ? COLLATE NOCASE", {std::string("x\" OR 1=1 --")}},
    {"dc:title = \"'); DROP TABLE objects; --\"",
     "title = ? COLLATE NOCASE",
     {std::string("'); DROP TABLE objects; --")}},
    {"dc:title = \"and\"", "title = ? COLLATE NOCASE", {std::string("and")}},
    {"dc:title = \"\"", "title = ? COLLATE NOCASE", {std::string("")}},
};

TEST(SearchSql, ValidCriteriaBecomeParameterisedSql) {
    for (const auto& c : kValid) {
        SCOPED_TRACE(c.criteria);
        auto result = criteria_sql(c.criteria);
        ASSERT_TRUE(std::holds_alternative<SqlWhere>(result))
            << std::get<upnp::UpnpError>(result).description;
        const auto& where = std::get<SqlWhere>(result);
        EXPECT_EQ(where.sql, c.sql);
        std::vector<std::string> got, want;
        for (const auto& b : where.bindings)
            got.push_back(describe(b));
        for (const auto& b : c.bindings)
            want.push_back(describe(b));
        EXPECT_EQ(got, want);
        EXPECT_EQ(where.bindings, c.bindings); // same types too
    }
}

const char* const kInvalid[] = {
    "",
    "   ",
    "dc:title",
    "dc:title =",
    "dc:title = unquoted",
    "dc:title = \"unterminated",
    "dc:title = \"bad escape \\n\"",
    "dc:title = \"trailing backslash\\",
    "(dc:title = \"a\"",
    "dc:title = \"a\")",
    "((dc:title = \"a\")",
    "()",
    "dc:title = \"a\" and",
    "and dc:title = \"a\"",
    "dc:title = \"a\" or or dc:title = \"b\"",
    "dc:title = \"a\" dc:title = \"b\"",
    "dc:title == \"a\"",
    "dc:title ! \"a\"",
    "dc:title like \"a\"",
    "dc:description = \"a\"",
    "DC:TITLE = \"a\"",
    "upnp:artist exists maybe",
    "upnp:artist exists \"true\"",
    "dc:title derivedfrom \"a\"",
    "res@size contains \"1\"",
    "res@size = \"big\"",
    "res@size = \"-1\"",
    "res@size = \"99999999999999999999\"",
    "res@duration = \"3 minutes\"",
    "res@duration = \"0:3:00\"",
    "res@duration = \"0:03:60\"",
    "@id = \"abc\"",
    "* and dc:title = \"a\"",
    "dc:title = \"a\" ; DROP TABLE objects",
    "dc:title = \"x\" OR 1=1 --",
};

TEST(SearchSql, MalformedOrUnsupportedCriteriaAre708) {
    for (const char* criteria : kInvalid) {
        SCOPED_TRACE(criteria);
        auto result = criteria_sql(criteria);
        ASSERT_TRUE(std::holds_alternative<upnp::UpnpError>(result)) << std::get<SqlWhere>(result).sql;
        EXPECT_EQ(std::get<upnp::UpnpError>(result).code, 708);
    }
}

TEST(SearchSql, DeepNestingIsRefusedNotRecursedInto) {
    const std::string deep = std::string(100000, '(') + "dc:title exists true" + std::string(100000, ')');
    auto result = criteria_sql(deep);
    ASSERT_TRUE(std::holds_alternative<upnp::UpnpError>(result));
    EXPECT_EQ(std::get<upnp::UpnpError>(result).code, 708);
    const std::string fine = std::string(10, '(') + "dc:title exists true" + std::string(10, ')');
    EXPECT_TRUE(std::holds_alternative<SqlWhere>(criteria_sql(fine)));
}

TEST(SearchSql, ContainerClassesAreNoticed) {
    auto items = std::get<SqlWhere>(criteria_sql("upnp:class derivedfrom \"object.item\""));
    EXPECT_FALSE(items.mentions_containers);
    auto albums = std::get<SqlWhere>(criteria_sql("upnp:class = \"object.container.album.musicAlbum\""));
    EXPECT_TRUE(albums.mentions_containers);
}

TEST(SearchParse, BuildsTheTree) {
    auto parsed =
        parse("upnp:class derivedfrom \"object.item\" and (dc:title contains \"a\" or @refID exists false)");
    ASSERT_TRUE(std::holds_alternative<Expr>(parsed));
    const auto& e = std::get<Expr>(parsed);
    ASSERT_EQ(e.kind, Expr::Kind::all_of);
    ASSERT_EQ(e.operands.size(), 2u);
    EXPECT_EQ(e.operands[0].condition.property, "upnp:class");
    EXPECT_EQ(e.operands[0].condition.op, Op::derived_from);
    EXPECT_EQ(e.operands[0].condition.value, "object.item");
    ASSERT_EQ(e.operands[1].kind, Expr::Kind::any_of);
    EXPECT_EQ(e.operands[1].operands[1].condition.op, Op::exists);
    EXPECT_EQ(e.operands[1].operands[1].condition.value, "false");
}

TEST(SearchDuration, ReadsClockValuesInMilliseconds) {
    EXPECT_EQ(parse_duration_ms("0:00:00"), 0);
    EXPECT_EQ(parse_duration_ms("1:02:03"), 3723000);
    EXPECT_EQ(parse_duration_ms("12:00:00.25"), 43200250);
    EXPECT_EQ(parse_duration_ms("0:00:01.1234"), 1123);
    EXPECT_EQ(parse_duration_ms("0:00:01."), std::nullopt);
    EXPECT_EQ(parse_duration_ms(":00:01"), std::nullopt);
    EXPECT_EQ(parse_duration_ms("0:00"), std::nullopt);
    EXPECT_EQ(parse_duration_ms("0:00:01.x"), std::nullopt);
}

TEST(SearchCapabilities, ListsExactlyTheWhitelist) {
    EXPECT_EQ(capabilities(), "dc:title,dc:creator,upnp:artist,upnp:album,upnp:genre,upnp:class,dc:date,"
                              "res@size,res@duration,@id,@parentID,@refID");
    // Every advertised property is accepted.
    const std::string caps = capabilities();
    for (auto property : split(caps, ',')) {
        SCOPED_TRACE(std::string(property));
        EXPECT_TRUE(std::holds_alternative<SqlWhere>(criteria_sql(std::string(property) + " exists true")));
    }
}

} // namespace
} // namespace hearth::query::search
