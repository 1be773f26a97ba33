#include "hearth/util/strings.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <vector>

namespace hearth {
namespace {

// --- xml_escape ---

struct EscapeCase {
    std::string in, out;
};

std::ostream& operator<<(std::ostream& os, const EscapeCase& c) {
    return os << '"' << c.in << '"';
}

class XmlEscape : public ::testing::TestWithParam<EscapeCase> {};

TEST_P(XmlEscape, Escapes) {
    EXPECT_EQ(xml_escape(GetParam().in), GetParam().out);
    std::string appended = "prefix:";
    append_xml_escaped(appended, GetParam().in);
    EXPECT_EQ(appended, "prefix:" + GetParam().out);
    // Escaped twice in one pass: what escaping the escaped text again gives.
    std::string twice = "prefix:";
    append_xml_escaped_twice(twice, GetParam().in);
    EXPECT_EQ(twice, "prefix:" + xml_escape(GetParam().out));
}

INSTANTIATE_TEST_SUITE_P(
    Table, XmlEscape,
    ::testing::Values(EscapeCase{"", ""}, EscapeCase{"plain text", "plain text"},
                      EscapeCase{"a&b<c>\"d'", "a&amp;b&lt;c&gt;&quot;d&apos;"},
                      EscapeCase{"&amp;", "&amp;amp;"}, EscapeCase{"tab\tnl\ncr\r", "tab\tnl\ncr\r"},
                      EscapeCase{std::string("nul\0x", 5), "nulx"}, EscapeCase{"\x01\x08\x0B\x0C\x1F", ""},
                      EscapeCase{"bell\x07!", "bell!"}, EscapeCase{"del\x7F", "del\x7F"},
                      // U+FFFE and U+FFFF are not XML characters either; U+FFFD and U+FFFC are
                      EscapeCase{"a\xEF\xBF\xBE"
                                 "b\xEF\xBF\xBF"
                                 "c",
                                 "abc"},
                      EscapeCase{"\xEF\xBF\xBD\xEF\xBF\xBC", "\xEF\xBF\xBD\xEF\xBF\xBC"},
                      EscapeCase{"\xEF\xBF", "\xEF\xBF"}, EscapeCase{"\xEF<\xEF\xBF\xBE>", "\xEF&lt;&gt;"},
                      // Not UTF-8: dropping a byte must not join its neighbours into U+FFFE or U+FFFF (the
                      // result escaped again would lose them: escaping twice in one pass would differ).
                      EscapeCase{"a\xEF\xBF\x16\xBE"
                                 "b",
                                 "ab"},
                      EscapeCase{"\xEF\xEF\xBF\xBE\xBF\xBF"
                                 "c",
                                 "c"},
                      EscapeCase{"\xEF\x01\xBF&\xBE", "\xEF\xBF&amp;\xBE"},
                      EscapeCase{std::string(300, 'a') + "&" + std::string(300, 'b'),
                                 std::string(300, 'a') + "&amp;" + std::string(300, 'b')},
                      EscapeCase{"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\xB5",
                                 "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\xB5"}));

// --- sanitize_utf8 ---

const std::string kReplacement = "\xEF\xBF\xBD";

struct Utf8Case {
    std::string name, in, out;
};

std::ostream& operator<<(std::ostream& os, const Utf8Case& c) {
    return os << c.name;
}

class SanitizeUtf8 : public ::testing::TestWithParam<Utf8Case> {};

TEST_P(SanitizeUtf8, Sanitizes) {
    auto out = sanitize_utf8(GetParam().in);
    EXPECT_EQ(out, GetParam().out);
    EXPECT_EQ(sanitize_utf8(out), out) << "idempotent";
}

const std::string R = kReplacement;

INSTANTIATE_TEST_SUITE_P(
    Valid, SanitizeUtf8,
    ::testing::Values(Utf8Case{"empty", "", ""}, Utf8Case{"ascii", "Hello, world!", "Hello, world!"},
                      Utf8Case{"two_byte", "caf\xC3\xA9", "caf\xC3\xA9"},
                      Utf8Case{"two_byte_lowest", "\xC2\x80", "\xC2\x80"},
                      Utf8Case{"three_byte", "\xE2\x82\xAC", "\xE2\x82\xAC"},
                      Utf8Case{"three_byte_cjk", "\xE6\x97\xA5\xE6\x9C\xAC", "\xE6\x97\xA5\xE6\x9C\xAC"},
                      Utf8Case{"three_byte_lowest", "\xE0\xA0\x80", "\xE0\xA0\x80"},
                      Utf8Case{"before_surrogates", "\xED\x9F\xBF", "\xED\x9F\xBF"},
                      Utf8Case{"after_surrogates", "\xEE\x80\x80", "\xEE\x80\x80"},
                      Utf8Case{"four_byte", "\xF0\x9F\x8E\xB5", "\xF0\x9F\x8E\xB5"},
                      Utf8Case{"four_byte_lowest", "\xF0\x90\x80\x80", "\xF0\x90\x80\x80"},
                      Utf8Case{"four_byte_highest", "\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF"},
                      Utf8Case{"replacement_itself", "\xEF\xBF\xBD", "\xEF\xBF\xBD"},
                      Utf8Case{"nul_kept", std::string("a\0b", 3), std::string("a\0b", 3)}));

INSTANTIATE_TEST_SUITE_P(Invalid, SanitizeUtf8,
                         ::testing::Values(Utf8Case{"latin1_byte", "caf\xE9", "caf" + R},
                                           Utf8Case{"latin1_in_middle", "M\xFCller Hits",
                                                    "M" + R + "ller Hits"},
                                           Utf8Case{"lone_continuation", "a\x80z", "a" + R + "z"},
                                           Utf8Case{"continuations", "\x80\xBF", R + R},
                                           Utf8Case{"truncated_two_at_end", "ab\xC3", "ab" + R},
                                           Utf8Case{"truncated_three", "\xE2\x82z", R + R + "z"},
                                           Utf8Case{"truncated_four_at_end", "\xF0\x9F\x8E", R + R + R},
                                           Utf8Case{"overlong_two_c0", "\xC0\xAF", R + R},
                                           Utf8Case{"overlong_two_c1", "\xC1\xBF", R + R},
                                           Utf8Case{"overlong_three_slash", "\xE0\x80\xAF", R + R + R},
                                           Utf8Case{"overlong_three_nul", "\xE0\x80\x80", R + R + R},
                                           Utf8Case{"overlong_four", "\xF0\x80\x80\xAF", R + R + R + R},
                                           Utf8Case{"surrogate_high", "\xED\xA0\x80", R + R + R},
                                           Utf8Case{"surrogate_low", "\xED\xBF\xBF", R + R + R},
                                           Utf8Case{"above_max_f4", "\xF4\x90\x80\x80", R + R + R + R},
                                           Utf8Case{"above_max_f5", "\xF5\x80\x80\x80", R + R + R + R},
                                           Utf8Case{"fe_ff", "\xFE\xFF", R + R},
                                           Utf8Case{"valid_after_invalid", "\xFF\xC3\xA9", R + "\xC3\xA9"}));

// --- parse_uint ---

struct UintCase {
    std::string text;
    std::optional<std::uint64_t> value;
};

std::ostream& operator<<(std::ostream& os, const UintCase& c) {
    return os << '"' << c.text << '"';
}

class ParseUint : public ::testing::TestWithParam<UintCase> {};

TEST_P(ParseUint, Parses) {
    EXPECT_EQ(parse_uint(GetParam().text), GetParam().value);
}

INSTANTIATE_TEST_SUITE_P(Table, ParseUint,
                         ::testing::Values(UintCase{"0", 0}, UintCase{"7", 7}, UintCase{"007", 7},
                                           UintCase{"1234567890", 1234567890},
                                           UintCase{"18446744073709551615", UINT64_MAX},
                                           UintCase{"18446744073709551616", std::nullopt},
                                           UintCase{"99999999999999999999999", std::nullopt},
                                           UintCase{"", std::nullopt}, UintCase{" 1", std::nullopt},
                                           UintCase{"1 ", std::nullopt}, UintCase{"-1", std::nullopt},
                                           UintCase{"+1", std::nullopt}, UintCase{"1.0", std::nullopt},
                                           UintCase{"0x10", std::nullopt}, UintCase{"1e3", std::nullopt},
                                           UintCase{"abc", std::nullopt}, UintCase{"12abc", std::nullopt},
                                           UintCase{std::string("1\0", 2), std::nullopt}));

// --- split / trim / iequals / istarts_with / to_lower ---

using Parts = std::vector<std::string_view>;

TEST(Split, KeepsEmptyFields) {
    EXPECT_EQ(split("a,b,c", ','), (Parts{"a", "b", "c"}));
    EXPECT_EQ(split("", ','), (Parts{""}));
    EXPECT_EQ(split(",", ','), (Parts{"", ""}));
    EXPECT_EQ(split("a,,b", ','), (Parts{"a", "", "b"}));
    EXPECT_EQ(split(",a,", ','), (Parts{"", "a", ""}));
    EXPECT_EQ(split("no separator", ','), (Parts{"no separator"}));
    EXPECT_EQ(split("a b", ' '), (Parts{"a", "b"}));
}

TEST(Split, PartsViewTheInput) {
    std::string text = "x:y";
    auto parts = split(text, ':');
    ASSERT_EQ(parts.size(), 2U);
    EXPECT_EQ(parts[0].data(), text.data());
    EXPECT_EQ(parts[1].data(), text.data() + 2);
}

TEST(Trim, StripsSpacesTabsAndLineEnds) {
    EXPECT_EQ(trim(""), "");
    EXPECT_EQ(trim("   "), "");
    EXPECT_EQ(trim(" \t\r\n"), "");
    EXPECT_EQ(trim("a"), "a");
    EXPECT_EQ(trim("  a b  "), "a b");
    EXPECT_EQ(trim("\tvalue\r\n"), "value");
    EXPECT_EQ(trim("\vx\f"), "\vx\f"); // only the four whitespace characters of HTTP and XML
}

TEST(Iequals, AsciiCaseInsensitive) {
    EXPECT_TRUE(iequals("", ""));
    EXPECT_TRUE(iequals("Range", "range"));
    EXPECT_TRUE(iequals("CONTENT-TYPE", "content-type"));
    EXPECT_FALSE(iequals("Range", "Ranges"));
    EXPECT_FALSE(iequals("a", ""));
    EXPECT_FALSE(iequals("abc", "abd"));
    EXPECT_FALSE(iequals("@", "`")); // 0x40 and 0x60 differ by the case bit but are not letters
    EXPECT_FALSE(iequals("[", "{"));
    EXPECT_FALSE(iequals("\xC3\xA9", "\xC3\x89")); // no Unicode folding
}

TEST(IstartsWith, CaseInsensitivePrefix) {
    EXPECT_TRUE(istarts_with("Bytes=0-1", "bytes="));
    EXPECT_TRUE(istarts_with("abc", ""));
    EXPECT_FALSE(istarts_with("by", "bytes"));
    EXPECT_FALSE(istarts_with("xbytes=", "bytes="));
}

TEST(ToLower, AsciiOnly) {
    EXPECT_EQ(to_lower("MiXeD-Case_123"), "mixed-case_123");
    EXPECT_EQ(to_lower("\xC3\x89"), "\xC3\x89");
    EXPECT_EQ(to_lower(""), "");
}

} // namespace
} // namespace hearth
