// Renderer profile files (profiles.d/*.conf), and matching a request against a table holding the result.
#include "fuzz_check.hpp"
#include "hearth/renderers/profile.hpp"
#include "hearth/util/strings.hpp"

using namespace hearth;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto text = fuzz::as_text(data, size);
    renderers::Profile profile;
    try {
        profile = renderers::parse_profile(text, "lounge.conf");
    } catch (const renderers::ProfileFileError& e) {
        // Errors name the file (and the line when there is one) and stay on one line.
        std::string_view what = e.what();
        FUZZ_CHECK(what.starts_with("lounge.conf:"));
        FUZZ_CHECK(what.find('\n') == std::string_view::npos);
        return 0;
    }
    FUZZ_CHECK(!profile.name.empty());
    FUZZ_CHECK(profile.max_image_width >= 0 && profile.max_image_height >= 0 &&
               profile.target_max_height >= 0);
    for (const auto& v : profile.video)
        FUZZ_CHECK(!v.codec.empty() && v.max_width >= 0 && v.max_height >= 0 && v.max_level >= 0);
    for (const auto& a : profile.audio)
        FUZZ_CHECK(!a.codec.empty() && a.max_channels >= 0);

    auto table = renderers::builtin_profiles();
    table.insert(table.begin(), profile);
    // A request carrying exactly the headers the profile asks for.
    auto headers = [&](std::string_view name) -> std::string_view {
        for (const auto& [header, value] : profile.match_all)
            if (iequals(header, name)) return value;
        return {};
    };
    const auto& chosen = renderers::match(table, headers, "192.168.1.20");
    FUZZ_CHECK(!chosen.name.empty());
    for (const auto& c : profile.containers)
        (void)renderers::container_family(c, "mkv");
    return 0;
}
