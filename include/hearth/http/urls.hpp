#pragma once
// Hearth's URL scheme, builders and parsers side by side so that they cannot drift apart:
//   /media/<id>[.<ext>]        an item's file (the extension only helps renderers that look at it)
//   /media/<id>/play.ts|mp3    the item converted while it is sent
//   /media/<id>/image.jpg      a picture scaled down
//   /art/<id>[.jpg]            the item's thumbnail (JPEG_TN), /art/<id>/sm.jpg the larger one (JPEG_SM)
//   /subtitle/<id>.<format>    a sidecar subtitle
// Pure: ids and strings only (no database rows), so that cds (which writes the URLs) and serve (which
// answers them) both include it without depending on each other.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hearth::http {

/// Appends "/media/<id>[.<ext>]": ext is file_path's extension, lower-cased, when it is 1-5 ASCII letters
/// or digits (then it needs no escaping); none otherwise.
void append_media_path(std::string& out, std::int64_t id, std::string_view file_path);
std::string media_path(std::int64_t id, std::string_view file_path);

/// The variants of an item under /media/<id>/.
enum class Converted { play_ts, play_mp3, image_jpg };
std::string converted_path(std::int64_t id, Converted variant);

/// The two thumbnail sizes: JPEG_TN and JPEG_SM (media::ArtSize, which http does not include).
enum class ArtVariant { tn, sm };
/// Appends "/art/<id>.jpg" or "/art/<id>/sm.jpg".
void append_art_path(std::string& out, std::int64_t id, ArtVariant variant = ArtVariant::tn);
std::string art_path(std::int64_t id, ArtVariant variant = ArtVariant::tn);

std::string subtitle_path(std::int64_t id, std::string_view format);

/// The object id in a media path, or nullopt when the path is anything else (→ 404).
std::optional<std::int64_t> media_object_id(std::string_view path);
/// The object id in a converted-media path ("/media/<id>/play.ts", "/media/<id>/play.mp3"), else nullopt.
std::optional<std::int64_t> converted_object_id(std::string_view path);
/// The object id in a scaled-picture path ("/media/<id>/image.jpg"), else nullopt.
std::optional<std::int64_t> scaled_image_object_id(std::string_view path);

/// What a request path under /art/ asks for: "/art/<id>", "/art/<id>.jpg" (JPEG_TN), "/art/<id>/sm.jpg"
/// (JPEG_SM); nullopt for anything else.
struct ArtRequest {
    std::int64_t id = 0;
    ArtVariant variant = ArtVariant::tn;
};
std::optional<ArtRequest> parse_art_path(std::string_view path);

/// The subtitle id in "/subtitle/<id>.<anything>", else nullopt. The caller still compares the whole path
/// with subtitle_path() of the row it finds, so that one subtitle has one URL.
std::optional<std::int64_t> subtitle_id(std::string_view path);

} // namespace hearth::http
