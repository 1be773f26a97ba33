// The URL scheme's parsers (http/urls.hpp): "/media/<id>.<ext>" (the original), "/media/<id>/play.ts|mp3" (a
// conversion), "/media/<id>/image.jpg", "/art/..." and "/subtitle/...".
#include "fuzz_check.hpp"
#include "hearth/http/urls.hpp"

#include <string>

using namespace hearth;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto path = fuzz::as_text(data, size);
    auto original = http::media_object_id(path);
    auto converted = http::converted_object_id(path);
    auto scaled = http::scaled_image_object_id(path);
    // one path never names two of them
    FUZZ_CHECK(int(original.has_value()) + int(converted.has_value()) + int(scaled.has_value()) <= 1);
    for (auto id : {original, converted, scaled}) {
        if (!id) continue;
        FUZZ_CHECK(*id > 0);
        FUZZ_CHECK(path.starts_with("/media/"));
        // No byte that could climb out of /media/ or smuggle a query or a header.
        FUZZ_CHECK(path.find("..") == std::string_view::npos);
        FUZZ_CHECK(path.find_first_of(std::string_view("?#\\%\r\n\0 ", 9)) == std::string_view::npos);
    }
    if (original) {
        FUZZ_CHECK(http::media_object_id("/media/" + std::to_string(*original) + ".mkv") == original);
        FUZZ_CHECK(http::converted_object_id("/media/" + std::to_string(*original) + "/play.ts") == original);
        FUZZ_CHECK(http::media_object_id(http::media_path(*original, path)) == original);
    }
    if (auto art = http::parse_art_path(path)) {
        FUZZ_CHECK(art->id > 0);
        FUZZ_CHECK(http::parse_art_path(http::art_path(art->id, art->variant))->id == art->id);
    }
    if (auto sub = http::subtitle_id(path)) FUZZ_CHECK(*sub > 0 && path.starts_with("/subtitle/"));
    return 0;
}
