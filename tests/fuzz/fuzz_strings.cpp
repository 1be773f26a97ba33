// The text helpers every writer relies on: sanitize_utf8 (tags and file names from disk), xml_escape (all
// XML output) and json_escape (the status page).
#include "fuzz_check.hpp"
#include "hearth/util/strings.hpp"

#include <pugixml.hpp>

using namespace hearth;

namespace {

// What XML keeps of valid UTF-8 text: the characters XML 1.0 allows (no C0 controls but tab, LF and CR; no
// U+FFFE or U+FFFF).
std::string xml_chars(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c == 0xEF && (s.substr(i, 3) == "\xEF\xBF\xBE" || s.substr(i, 3) == "\xEF\xBF\xBF")) {
            i += 2;
            continue;
        }
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
        out += static_cast<char>(c);
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto text = fuzz::as_text(data, size);

    auto clean = sanitize_utf8(text);
    FUZZ_CHECK(fuzz::valid_utf8(clean));
    FUZZ_CHECK(sanitize_utf8(clean) == clean);             // idempotent
    if (fuzz::valid_utf8(text)) FUZZ_CHECK(clean == text); // valid text passes unchanged

    auto escaped = xml_escape(text);
    FUZZ_CHECK(fuzz::escaped_for_xml(escaped));
    std::string twice;
    append_xml_escaped_twice(twice, text);
    FUZZ_CHECK(twice == xml_escape(escaped)); // one pass, the same as escaping the escaped text

    // Escaped clean text is read back by an XML parser as exactly the characters XML can carry.
    auto element = "<a x=\"" + xml_escape(clean) + "\">" + xml_escape(clean) + "</a>";
    pugi::xml_document doc;
    FUZZ_CHECK(doc.load_buffer(element.data(), element.size(),
                               (pugi::parse_default & ~pugi::parse_eol) | pugi::parse_ws_pcdata,
                               pugi::encoding_utf8));
    auto expected = xml_chars(clean);
    FUZZ_CHECK(expected == doc.child("a").text().get());

    auto json = json_escape(text);
    for (std::size_t i = 0; i < json.size(); ++i) {
        auto c = static_cast<unsigned char>(json[i]);
        FUZZ_CHECK(c >= 0x20);
        if (c == '\\') {
            ++i; // the escaped character
            FUZZ_CHECK(i < json.size());
        } else {
            FUZZ_CHECK(c != '"');
        }
    }
    return 0;
}
