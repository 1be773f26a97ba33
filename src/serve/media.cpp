#include "hearth/serve/media.hpp"

#include "hearth/http/range.hpp"
#include "hearth/http/urls.hpp"
#include "hearth/media/media_info.hpp"
#include "hearth/net/interfaces.hpp"
#include "hearth/util/fd.hpp"
#include "hearth/util/log.hpp"
#include "hearth/util/strings.hpp"

#include <algorithm>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hearth::serve {

using http::RangeOutcome;
using http::Response;

std::string transfer_mode(std::string_view requested, bool is_image) {
    auto mode = trim(requested);
    if (iequals(mode, "Background")) return "Background";
    if (!is_image && iequals(mode, "Streaming")) return "Streaming";
    if (is_image && iequals(mode, "Interactive")) return "Interactive";
    return is_image ? "Interactive" : "Streaming";
}

resume::Played played_bytes(std::uint64_t first, std::uint64_t length, std::uint64_t size, double duration,
                            const http::Delivery& delivery) {
    const std::uint64_t sent = delivery.complete ? length : std::min(length, delivery.bytes);
    return {resume::seconds_at_byte(first, size, duration),
            resume::seconds_at_byte(first + sent, size, duration), duration,
            delivery.complete && first + length >= size};
}

namespace {

// The item's file, opened for reading and checked to be a regular file; not ok() when it is not there.
Fd open_regular(const std::string& path, std::uint64_t& size) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    struct stat st {};
    if (!fd.ok() || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return Fd{};
    ::fcntl(fd.get(), F_SETFL, 0); // O_NONBLOCK only guarded the open against FIFOs swapped in for the file
    size = static_cast<std::uint64_t>(st.st_size);
    return fd;
}

// Samsung TVs ask for the subtitle with the video (often on HEAD) and show it if told where it is.
void caption_info(const http::Request& request, db::ReaderPool& readers, const db::ObjectRow& object,
                  Response& r) {
    if (trim(request.header("getCaptionInfo.sec")) != "1" ||
        !object.upnp_class.starts_with("object.item.videoItem"))
        return;
    auto reader = readers.acquire();
    auto subtitles = reader->subtitles_of(object.id);
    if (subtitles.empty()) return;
    r.header("CaptionInfo.sec", "http://" + net::to_string(request.local.sin_addr) + ":" +
                                    std::to_string(ntohs(request.local.sin_port)) +
                                    http::subtitle_path(subtitles.front().id, subtitles.front().format));
}

// The DLNA headers of every answer for a file, HEAD or GET, whatever its range.
void file_headers(const http::Request& request, db::ReaderPool& readers, const db::ObjectRow& object,
                  bool image, Response& r) {
    r.header("Content-Type", object.mime.value_or("application/octet-stream"));
    r.header("Accept-Ranges", "bytes");
    r.header("transferMode.dlna.org", transfer_mode(request.header("transferMode.dlna.org"), image));
    if (trim(request.header("getcontentFeatures.dlna.org")) == "1") {
        r.header("contentFeatures.dlna.org", media::content_features(object.dlna_profile, image));
    }
    caption_info(request, readers, object, r);
}

// A GET of audio or video that will send bytes is a stream: admitted under the limits (a refusal is the
// answer), and, when asked, reported with the part of the item it delivered once it ends.
std::optional<Response> admit_playback(const db::ObjectRow& object, const http::RangeResult& range,
                                       std::uint64_t size, const StreamAdmission& admit,
                                       PlaybackReport report, Response& r) {
    const bool partial = range.outcome == RangeOutcome::partial;
    const double duration = object.duration_ms ? static_cast<double>(*object.duration_ms) / 1000 : 0;
    const double start_seconds =
        partial && size > 0 ? static_cast<double>(range.range.first) / static_cast<double>(size) * duration
                            : 0;
    auto admitted = admit(object, start_seconds);
    if (auto* refusal = std::get_if<Response>(&admitted)) return std::move(*refusal);
    r.keep_alive = std::get<StreamLease>(std::move(admitted)).keep_alive();
    if (report) {
        const std::uint64_t first = partial ? range.range.first : 0;
        const std::uint64_t length = partial ? range.range.length() : size;
        r.on_end = [report = std::move(report), row = object, first, length, size,
                    duration](const http::Delivery& delivery) {
            report(row, played_bytes(first, length, size, duration, delivery));
        };
    }
    return std::nullopt;
}

// The status and body the range asks for.
Response with_body(Response r, Fd fd, const http::RangeResult& range, std::uint64_t size,
                   const std::string& path) {
    switch (range.outcome) {
    case RangeOutcome::unsatisfiable:
        r.status = 416;
        r.header("Content-Range", "bytes */" + std::to_string(size));
        return r;
    case RangeOutcome::partial:
        r.status = 206;
        r.header("Content-Range", "bytes " + std::to_string(range.range.first) + "-" +
                                      std::to_string(range.range.last) + "/" + std::to_string(size));
        r.file = http::FileBody{fd.release(), range.range.first, range.range.length(), path};
        return r;
    case RangeOutcome::whole:
        r.file = http::FileBody{fd.release(), 0, size, path};
        return r;
    }
    return r;
}

} // namespace

Response serve_media(const http::Request& request, db::ReaderPool& readers, const StreamAdmission& admit,
                     PlaybackReport report) {
    if (request.method != "GET" && request.method != "HEAD") {
        return Response::text(405, "Method not allowed\n").header("Allow", "GET, HEAD");
    }
    auto id = http::media_object_id(request.path);
    if (!id) return Response::text(404, "Not found\n");
    std::optional<db::ObjectRow> object;
    {
        auto reader = readers.acquire();
        object = reader->get(*id);
    }
    if (!object || object->is_container) return Response::text(404, "Not found\n");

    std::uint64_t size = 0;
    Fd fd = open_regular(object->path, size);
    if (!fd.ok()) {
        log::warning("cannot open ", object->path, " for object ", *id);
        return Response::text(404, "Not found\n");
    }
    const bool image = object->upnp_class.starts_with("object.item.imageItem");
    Response r;
    file_headers(request, readers, *object, image, r);
    auto range =
        request.has_header("Range") ? http::parse_range(request.header("Range"), size) : http::RangeResult{};
    if (request.method == "GET" && !image && range.outcome != RangeOutcome::unsatisfiable) {
        if (auto refusal = admit_playback(*object, range, size, admit, std::move(report), r))
            return std::move(*refusal);
    }
    return with_body(std::move(r), std::move(fd), range, size, object->path);
}

} // namespace hearth::serve
