#include "hearth/http/urls.hpp"

#include "hearth/util/strings.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <initializer_list>

namespace hearth::http {
namespace {

constexpr std::string_view kMedia = "/media/";
constexpr std::string_view kArt = "/art/";
constexpr std::string_view kSubtitle = "/subtitle/";

void append_number(std::string& out, std::int64_t value) {
    char digits[24];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}

// An object id: 1 .. INT64_MAX in decimal.
std::optional<std::int64_t> object_id(std::string_view digits) {
    auto id = parse_uint(digits);
    if (!id || *id == 0 || *id > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(*id);
}

// "/media/<id>/<variant>" with variant one of the given names: the id.
std::optional<std::int64_t> variant_object_id(std::string_view path,
                                              std::initializer_list<std::string_view> variants) {
    if (!path.starts_with(kMedia)) return std::nullopt;
    auto rest = path.substr(kMedia.size());
    auto slash = rest.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    auto variant = rest.substr(slash + 1);
    if (std::find(variants.begin(), variants.end(), variant) == variants.end()) return std::nullopt;
    return object_id(rest.substr(0, slash));
}

} // namespace

void append_media_path(std::string& out, std::int64_t id, std::string_view file_path) {
    out.append(kMedia);
    append_number(out, id);
    auto dot = file_path.rfind('.');
    auto slash = file_path.rfind('/');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return;
    const auto ext = file_path.substr(dot + 1);
    char lower[5];
    if (ext.empty() || ext.size() > sizeof lower) return;
    for (std::size_t i = 0; i < ext.size(); ++i) {
        const char c = (ext[i] >= 'A' && ext[i] <= 'Z') ? static_cast<char>(ext[i] - 'A' + 'a') : ext[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return;
        lower[i] = c;
    }
    out.append(".").append(lower, ext.size());
}

std::string media_path(std::int64_t id, std::string_view file_path) {
    std::string path;
    append_media_path(path, id, file_path);
    return path;
}

std::string converted_path(std::int64_t id, Converted variant) {
    std::string path(kMedia);
    append_number(path, id);
    switch (variant) {
    case Converted::play_ts:
        return path + "/play.ts";
    case Converted::play_mp3:
        return path + "/play.mp3";
    case Converted::image_jpg:
        return path + "/image.jpg";
    }
    return path;
}

void append_art_path(std::string& out, std::int64_t id, ArtVariant variant) {
    out.append(kArt);
    append_number(out, id);
    out.append(variant == ArtVariant::tn ? ".jpg" : "/sm.jpg");
}

std::string art_path(std::int64_t id, ArtVariant variant) {
    std::string path;
    append_art_path(path, id, variant);
    return path;
}

std::string subtitle_path(std::int64_t id, std::string_view format) {
    std::string path(kSubtitle);
    append_number(path, id);
    return path.append(".").append(format);
}

std::optional<std::int64_t> media_object_id(std::string_view path) {
    if (!path.starts_with(kMedia)) return std::nullopt;
    auto rest = path.substr(kMedia.size());
    auto dot = rest.find('.');
    if (dot != std::string_view::npos) {
        auto ext = rest.substr(dot + 1);
        if (ext.empty() || ext.size() > 5) return std::nullopt;
        for (char c : ext) {
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return std::nullopt;
        }
    }
    return object_id(rest.substr(0, dot));
}

std::optional<std::int64_t> converted_object_id(std::string_view path) {
    return variant_object_id(path, {"play.ts", "play.mp3"});
}

std::optional<std::int64_t> scaled_image_object_id(std::string_view path) {
    return variant_object_id(path, {"image.jpg"});
}

std::optional<ArtRequest> parse_art_path(std::string_view path) {
    if (!path.starts_with(kArt)) return std::nullopt;
    path.remove_prefix(kArt.size());
    ArtRequest request;
    if (path.ends_with("/sm.jpg")) {
        request.variant = ArtVariant::sm;
        path.remove_suffix(7);
    } else if (path.ends_with(".jpg")) {
        path.remove_suffix(4);
    }
    // One URL per picture: no leading zeros.
    if (path.empty() || path.front() == '0' || path.find_first_not_of("0123456789") != std::string_view::npos)
        return std::nullopt;
    auto id = object_id(path);
    if (!id) return std::nullopt;
    request.id = *id;
    return request;
}

std::optional<std::int64_t> subtitle_id(std::string_view path) {
    if (!path.starts_with(kSubtitle)) return std::nullopt;
    auto name = path.substr(kSubtitle.size());
    return object_id(name.substr(0, name.find('.')));
}

} // namespace hearth::http
