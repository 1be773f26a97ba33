// Config files: the input is the file given with --config, read by parse_options in a scratch folder whose
// surroundings (environment, current folder, default paths) are all empty.
#include "fuzz_check.hpp"
#include "hearth/config/config.hpp"
#include "hearth/renderers/profile.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace hearth;
namespace fs = std::filesystem;

namespace {

struct Scratch {
    fs::path dir;
    Scratch() {
        std::string pattern = (fs::temp_directory_path() / "hearth-fuzz-config.XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) std::abort();
        dir = pattern;
        fs::create_directories(dir / "media" / "Films");
        fs::create_directories(dir / "profiles");
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Scratch scratch;
    const auto file = scratch.dir / "hearth.conf";
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    Environment env;
    env.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    env.cwd = scratch.dir;
    env.hostname = "fuzz";
    env.default_config_file = scratch.dir / "no-such-default.conf";
    env.default_profiles_dir = scratch.dir / "no-such-profiles.d";
    env.check_profiles = renderers::profiles_error;

    auto result = parse_options({"--config", file.string()}, env);
    if (result.config) {
        FUZZ_CHECK(result.exit_code == 0);
        const auto& c = *result.config;
        FUZZ_CHECK(!c.media_dirs.empty());
        for (const auto& dir : c.media_dirs)
            FUZZ_CHECK(dir.is_absolute());
        FUZZ_CHECK(c.db_path.is_absolute());
        FUZZ_CHECK(c.port != 0);
        FUZZ_CHECK(!c.friendly_name.empty() && c.friendly_name.size() <= 64);
        FUZZ_CHECK(c.max_streams >= 1 && c.max_streams <= 1000);
        FUZZ_CHECK(c.max_streams_per_device >= 1 && c.max_streams_per_device <= 1000);
        FUZZ_CHECK(c.max_transcodes >= 1);
        FUZZ_CHECK(!c.scan_only); // command-line only
    } else {
        // Every error: exit 2 and exactly one line, "hearth: …".
        FUZZ_CHECK(result.exit_code == 2);
        FUZZ_CHECK(result.output.starts_with("hearth: "));
        FUZZ_CHECK(result.output.ends_with('\n'));
        FUZZ_CHECK(std::count(result.output.begin(), result.output.end(), '\n') == 1);
    }
    return 0;
}
