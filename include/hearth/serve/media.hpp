#pragma once
// GET/HEAD /media/<object-id>[.<ext>]: a file from the index by its object id, never by path.
// Runs on HTTP connection threads.
#include "hearth/db/objects.hpp"
#include "hearth/http/server.hpp"
#include "hearth/resume/bookmarks.hpp"
#include "hearth/serve/admission.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <variant>

namespace hearth::serve {

/// The transferMode.dlna.org value to answer with: the request's when it is valid for this kind of content,
/// else the default (Streaming for audio/video, Interactive for images).
std::string transfer_mode(std::string_view requested, bool is_image);

/// Decides whether an audio/video GET may start streaming: a lease to hold while it streams, or the refusal
/// to send instead.
/// start_seconds: where in the item the request starts (from its byte range), for the status page.
using StreamAdmission = std::function<Admitted(const db::ObjectRow&, double start_seconds)>;

/// Told, when an audio/video stream has ended, what part of the item it delivered (for resume bookmarks).
using PlaybackReport = std::function<void(const db::ObjectRow&, const resume::Played&)>;

/// report may be empty.
http::Response serve_media(const http::Request& request, db::ReaderPool& readers,
                           const StreamAdmission& admit, PlaybackReport report = {});

/// The part of a file a direct stream delivered: the bytes [first, first + length) were sent, of which
/// the client acknowledged `delivery.bytes` (all of them when the response completed).
resume::Played played_bytes(std::uint64_t first, std::uint64_t length, std::uint64_t size, double duration,
                            const http::Delivery& delivery);

} // namespace hearth::serve
