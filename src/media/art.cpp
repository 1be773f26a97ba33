#include "hearth/media/art.hpp"

#include "hearth/media/av.hpp"

extern "C" {
#include <libavformat/avformat.h>
}

#include <array>
#include <fstream>
#include <memory>
#include <sstream>

namespace hearth::media {
namespace {

constexpr std::size_t kMaxArtBytes = 8 << 20;

std::optional<Art> embedded(const std::filesystem::path& file) {
    AVFormatContext* raw = nullptr;
    if (avformat_open_input(&raw, file.c_str(), nullptr, nullptr) < 0) return std::nullopt;
    av::Input ctx(raw);
    for (unsigned i = 0; i < ctx->nb_streams; ++i) {
        const AVStream* s = ctx->streams[i];
        if ((s->disposition & AV_DISPOSITION_ATTACHED_PIC) == 0 || s->attached_pic.size <= 0) continue;
        std::string bytes(reinterpret_cast<const char*>(s->attached_pic.data),
                          static_cast<std::size_t>(s->attached_pic.size));
        auto mime = picture_mime(bytes);
        if (!mime.empty() && bytes.size() <= kMaxArtBytes) return Art{mime, std::move(bytes)};
    }
    return std::nullopt;
}

std::optional<Art> beside(const std::filesystem::path& file) {
    static constexpr std::array<const char*, 6> kNames = {"cover.jpg",  "folder.jpg", "cover.png",
                                                          "folder.png", "Cover.jpg",  "Folder.jpg"};
    for (const char* name : kNames) {
        auto candidate = file.parent_path() / name;
        std::error_code ec;
        auto size = std::filesystem::file_size(candidate, ec);
        if (ec || size == 0 || size > kMaxArtBytes) continue;
        std::ifstream in(candidate, std::ios::binary);
        std::stringstream bytes;
        bytes << in.rdbuf();
        auto mime = picture_mime(bytes.str());
        if (!mime.empty()) return Art{mime, bytes.str()};
    }
    return std::nullopt;
}

} // namespace

std::string picture_mime(std::string_view bytes) {
    if (bytes.size() > 3 && bytes.substr(0, 3) == "\xFF\xD8\xFF") return "image/jpeg";
    if (bytes.size() > 8 && bytes.substr(0, 8) == "\x89PNG\r\n\x1A\n") return "image/png";
    return {};
}

std::optional<Art> find_art(const std::filesystem::path& media_file) {
    if (auto art = embedded(media_file)) return art;
    return beside(media_file);
}

} // namespace hearth::media
