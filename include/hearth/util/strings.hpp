#pragma once
// Small pure string helpers shared by the protocol parsers.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

/// Escapes &, <, >, " and ' for XML text and attribute values; drops characters XML 1.0 forbids.
std::string xml_escape(std::string_view text);
void append_xml_escaped(std::string& out, std::string_view text);
/// What append_xml_escaped(text) appends, escaped once more ("&" -> "&amp;amp;", "<" -> "&amp;lt;"...):
/// a value of an XML document that is itself carried as the text of an outer element (a DIDL-Lite value
/// inside a SOAP <Result>), written in one pass.
void append_xml_escaped_twice(std::string& out, std::string_view text);

/// Escapes a string for a JSON string literal (without the quotes).
std::string json_escape(std::string_view text);

std::string_view trim(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
std::string to_lower(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);

/// Parses a whole decimal number (no sign, no spaces); nullopt on anything else or overflow.
std::optional<std::uint64_t> parse_uint(std::string_view s);

/// Replaces invalid UTF-8 sequences with U+FFFD so that tags from broken files never break XML.
std::string sanitize_utf8(std::string_view s);

} // namespace hearth
