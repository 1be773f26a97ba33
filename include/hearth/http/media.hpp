#pragma once
// GET/HEAD /media/<object-id>[.<ext>]: a file from the index by its object id, never by path.
// Runs on HTTP pool threads.
#include "hearth/db/objects.hpp"
#include "hearth/http/server.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <variant>

namespace hearth::http {

/// The object id in a media path, or nullopt when the path is anything else (→ 404).
std::optional<std::int64_t> media_object_id(std::string_view path);

/// The object id in a converted-media path ("/media/<id>/play.ts", "/media/<id>/play.mp3"), else nullopt.
std::optional<std::int64_t> converted_object_id(std::string_view path);

/// The object id in a scaled-picture path ("/media/<id>/image.jpg"), else nullopt.
std::optional<std::int64_t> scaled_image_object_id(std::string_view path);

/// The transferMode.dlna.org value to answer with: the request's when it is valid for this kind of content,
/// else the default (Streaming for audio/video, Interactive for images).
std::string transfer_mode(std::string_view requested, bool is_image);

/// Decides whether an audio/video GET may start streaming: a lease to hold while it streams, or the refusal
/// to send instead.
/// start_seconds: where in the item the request starts (from its byte range), for the status page.
using StreamAdmission =
    std::function<std::variant<std::shared_ptr<void>, Response>(const db::ObjectRow&, double start_seconds)>;

Response serve_media(const Request& request, db::ReaderPool& readers, const StreamAdmission& admit);

} // namespace hearth::http
