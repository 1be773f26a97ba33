// The media probe on file contents: the input is written to a scratch file named with the extension its
// first bytes suggest (as a library's files are named) and probed the way the scanner does.
#include "fuzz_check.hpp"
#include "hearth/media/media_info.hpp"
#include "hearth/media/probe.hpp"

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace hearth;
namespace fs = std::filesystem;

namespace {

struct Scratch {
    fs::path dir;
    Scratch() {
        std::string pattern = (fs::temp_directory_path() / "hearth-fuzz-probe.XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) std::abort();
        dir = pattern;
        media::quiet_libav();
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

const char* extension_for(std::string_view head) {
    if (head.starts_with("\x1A\x45\xDF\xA3")) return "mkv";
    if (head.size() >= 8 && head.substr(4, 4) == "ftyp") return "mp4";
    if (head.starts_with("RIFF") && head.size() >= 12 && head.substr(8, 4) == "AVI ") return "avi";
    if (head.starts_with("RIFF")) return "wav";
    if (head.starts_with("fLaC")) return "flac";
    if (head.starts_with("OggS")) return "ogg";
    if (head.starts_with("ID3") || head.starts_with("\xFF\xFB") || head.starts_with("\xFF\xF3")) return "mp3";
    if (head.starts_with("\xFF\xF1") || head.starts_with("\xFF\xF9")) return "aac";
    if (head.starts_with("\xFF\xD8\xFF")) return "jpg";
    if (head.starts_with("\x89PNG")) return "png";
    if (head.starts_with("\x47")) return "ts";
    if (head.starts_with(std::string_view("\x00\x00\x01\xBA", 4))) return "mpg";
    return "mkv"; // random bytes with a media extension
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Scratch scratch;
    auto bytes = fuzz::as_text(data, size);
    auto file = scratch.dir / (std::string("input.") + extension_for(bytes));
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    auto result = media::probe(file);
    fs::remove(file);
    if (auto* error = std::get_if<media::ProbeError>(&result)) {
        FUZZ_CHECK(!error->reason.empty());
        FUZZ_CHECK(error->reason.find('\n') == std::string::npos);
        return 0;
    }
    const auto& info = std::get<media::MediaInfo>(result);
    FUZZ_CHECK(!info.container.empty());
    FUZZ_CHECK(!info.video_codec.empty() || !info.audio_codec.empty());
    if (info.duration_ms) FUZZ_CHECK(*info.duration_ms >= 0);
    if (info.width) FUZZ_CHECK(*info.width > 0 && info.height && *info.height > 0);
    for (const auto& tag : {info.title, info.artist, info.album, info.album_artist, info.genre, info.date}) {
        if (tag) FUZZ_CHECK(fuzz::valid_utf8(*tag)); // tags go into XML as they are
    }
    // What the index and Browse derive from it.
    auto format = media::dlna_format(info);
    FUZZ_CHECK(!format.mime.empty() && format.upnp_class.starts_with("object.item."));
    (void)media::protocol_info(format.mime, format.profile, info.kind == media::Kind::image);
    if (info.duration_ms) (void)media::format_duration(*info.duration_ms);
    return 0;
}
