// The media URL paths: "/media/<id>.<ext>" (the original) and "/media/<id>/play.ts|mp3" (a conversion).
#include "fuzz_check.hpp"
#include "hearth/http/media.hpp"

#include <string>

using namespace hearth;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto path = fuzz::as_text(data, size);
    auto original = http::media_object_id(path);
    auto converted = http::converted_object_id(path);
    FUZZ_CHECK(!(original && converted)); // one path never names both
    for (auto id : {original, converted}) {
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
    }
    return 0;
}
