#include "hearth/util/strings.hpp"

#include <array>
#include <charconv>
#include <cstdio>

namespace hearth {

namespace {
// Bytes append_xml_escaped must look at: the five markup characters, control characters other than tab,
// newline and carriage return, and 0xEF (which starts U+FFFE and U+FFFF). Everything else is copied as it is.
constexpr std::array<bool, 256> kXmlSpecial = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 0x20; ++c)
        t[c] = c != '\t' && c != '\n' && c != '\r';
    for (unsigned char c : {'&', '<', '>', '"', '\''})
        t[c] = true;
    t[0xEF] = true;
    return t;
}();

// The entity for each markup character, in the order '&', '<', '>', '"', '\''.
using Entities = std::array<std::string_view, 5>;
constexpr Entities kEntities = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
constexpr Entities kEntitiesTwice = {"&amp;amp;", "&amp;lt;", "&amp;gt;", "&amp;quot;", "&amp;apos;"};

// U+FFFE or U+FFFF (EF BF BE/BF) ends at out[end - 1].
bool noncharacter_ends_at(const std::string& out, std::size_t begin, std::size_t end) {
    return end - begin >= 3 && out[end - 3] == '\xEF' && out[end - 2] == '\xBF' &&
           (out[end - 1] == '\xBE' || out[end - 1] == '\xBF');
}

// After a byte was dropped, the bytes either side of it may have joined into U+FFFE or U+FFFF (in text that
// is not UTF-8: "EF BF 01 BE"). Removes such sequences from out[begin..], also those that removing one forms,
// so that the result never holds one and escaping it again drops nothing.
void remove_joined_noncharacters(std::string& out, std::size_t begin) {
    std::size_t w = begin;
    for (std::size_t r = begin; r < out.size(); ++r) {
        out[w++] = out[r];
        if (noncharacter_ends_at(out, begin, w)) w -= 3;
    }
    out.resize(w);
}

// Runs of ordinary bytes are appended in one go: a byte-at-a-time append was a third of a Browse's CPU time.
void append_escaped(std::string& out, std::string_view text, const Entities& entities) {
    out.reserve(out.size() + text.size());
    const std::size_t begin = out.size();
    bool dropped = false;
    const char* p = text.data();
    const char* const end = p + text.size();
    while (p < end) {
        const char* run = p;
        while (p < end && !kXmlSpecial[static_cast<unsigned char>(*p)])
            ++p;
        out.append(run, static_cast<std::size_t>(p - run));
        if (p == end) break;
        const char c = *p++;
        switch (c) {
        case '&':
            out += entities[0];
            break;
        case '<':
            out += entities[1];
            break;
        case '>':
            out += entities[2];
            break;
        case '"':
            out += entities[3];
            break;
        case '\'':
            out += entities[4];
            break;
        case '\xEF':
            // U+FFFE and U+FFFF (EF BF BE/BF) are outside XML 1.0's Char production too; byte-swapped UTF-16
            // BOMs in tags decode to U+FFFE.
            if (end - p >= 2 && p[0] == '\xBF' && (p[1] == '\xBE' || p[1] == '\xBF')) {
                p += 2;
                dropped = true;
            } else {
                out += c;
            }
            break;
        default:
            dropped = true; // XML 1.0 allows only tab, newline and carriage return below 0x20
            break;
        }
    }
    if (dropped) remove_joined_noncharacters(out, begin);
}
} // namespace

void append_xml_escaped(std::string& out, std::string_view text) {
    append_escaped(out, text, kEntities);
}

void append_xml_escaped_twice(std::string& out, std::string_view text) {
    append_escaped(out, text, kEntitiesTwice);
}

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    append_xml_escaped(out, text);
    return out;
}

std::string json_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    return out;
}

std::string_view trim(std::string_view s) {
    const char* ws = " \t\r\n";
    auto b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(ws);
    return s.substr(b, e - b + 1);
}

static char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = lower(c);
    return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        auto pos = s.find(sep, start);
        out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        if (pos == std::string_view::npos) break;
        start = pos + 1;
    }
    return out;
}

std::optional<std::uint64_t> parse_uint(std::string_view s) {
    if (s.empty()) return std::nullopt;
    std::uint64_t value = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    return value;
}

std::string sanitize_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        bool ok = len > 0 && i + len <= s.size();
        for (std::size_t k = 1; ok && k < len; ++k)
            ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
        if (ok && len == 2) ok = c >= 0xC2; // no overlong two-byte forms
        if (ok && len > 2) {
            // Unicode Table 3-7: no overlong three- or four-byte forms, no UTF-16 surrogates (ED A0..BF),
            // nothing above U+10FFFF (F4 90.., F5..F7). XML parsers reject all of these.
            auto c1 = static_cast<unsigned char>(s[i + 1]);
            ok = (c != 0xE0 || c1 >= 0xA0) && (c != 0xED || c1 < 0xA0) && (c != 0xF0 || c1 >= 0x90) &&
                 (c != 0xF4 || c1 < 0x90) && c <= 0xF4;
        }
        if (ok) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out;
}

} // namespace hearth
