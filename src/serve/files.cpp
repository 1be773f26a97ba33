// GET/HEAD /art/... and /subtitle/...: pictures and sidecar subtitles, by id (never by path).
#include "hearth/http/urls.hpp"
#include "hearth/media/art.hpp"
#include "hearth/media/media_info.hpp"
#include "hearth/serve/requests.hpp"
#include "hearth/util/strings.hpp"

#include <filesystem>
#include <fstream>

namespace hearth::serve {

// /art/<id>[.jpg] (JPEG_TN) and /art/<id>/sm.jpg (JPEG_SM): the item's thumbnail, made on the first request
// and kept in the state folder (media/thumbnail_cache.hpp). Only items whose index row names a picture source
// (objects.art) have one.
http::Response Requests::art(const http::Request& request, const Visitor& visitor) {
    if (visitor.restricted) return waiting_for_approval();
    auto wanted = http::parse_art_path(request.path);
    auto object = wanted ? item(wanted->id) : std::nullopt;
    if (!object || !object->art) return http::Response::text(404, "Not found\n");
    const auto size = wanted->variant == http::ArtVariant::sm ? media::ArtSize::sm : media::ArtSize::tn;
    auto source = media::art_source(*object->art, object->path);
    if (!source) return http::Response::text(404, "No picture\n");
    // A renderer revalidating what it has gets its 304 from one stat, without the thumbnail being read.
    const auto key = media::ThumbnailCache::key_of(*source);
    if (!key) return http::Response::text(404, "No picture\n");
    const std::string etag = "\"" + *key + "\"";
    std::optional<http::Response> r;
    if (trim(request.header("If-None-Match")) == etag) {
        r = http::Response::text(304, "", "image/jpeg");
    } else {
        auto art = s_.thumbnails.get(object->id, *source, size);
        if (art.status == media::CachedArt::Status::busy) {
            return http::Response::text(503, "Busy making thumbnails; try again shortly\n")
                .header("Retry-After", "2");
        }
        if (art.status == media::CachedArt::Status::none) return http::Response::text(404, "No picture\n");
        r = http::Response::text(200, std::move(art.jpeg), "image/jpeg");
    }
    return r->header("contentFeatures.dlna.org", media::art_features(size))
        .header("transferMode.dlna.org", transfer_mode(request.header("transferMode.dlna.org"), true))
        .header("Cache-Control", "max-age=3600")
        .header("ETag", etag);
}

// /subtitle/<id>.<format>: the one URL of each sidecar subtitle (subtitle_path), at most 4 MiB.
http::Response Requests::subtitle(const http::Request& request, const Visitor& visitor) {
    if (visitor.restricted) return waiting_for_approval();
    auto id = http::subtitle_id(request.path);
    std::optional<db::SubtitleRow> sub;
    if (id) {
        auto reader = s_.readers.acquire();
        sub = reader->subtitle(*id);
    }
    if (!sub || request.path != http::subtitle_path(sub->id, sub->format))
        return http::Response::text(404, "Not found\n");
    std::error_code ec;
    auto size = std::filesystem::file_size(sub->path, ec);
    if (ec || size > (4U << 20)) return http::Response::text(404, "Not found\n");
    std::ifstream in(sub->path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return http::Response::text(200, std::move(text), media::subtitle_mime(sub->format))
        .header("transferMode.dlna.org", "Interactive");
}

} // namespace hearth::serve
