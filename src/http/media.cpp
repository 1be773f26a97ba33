#include "hearth/http/media.hpp"

#include "hearth/cds/didl.hpp"
#include "hearth/http/range.hpp"
#include "hearth/media/media_info.hpp"
#include "hearth/net/interfaces.hpp"
#include "hearth/util/log.hpp"
#include "hearth/util/strings.hpp"

#include <algorithm>
#include <fcntl.h>
#include <initializer_list>
#include <sys/stat.h>
#include <unistd.h>

namespace hearth::http {

std::optional<std::int64_t> media_object_id(std::string_view path) {
    constexpr std::string_view prefix = "/media/";
    if (!path.starts_with(prefix)) return std::nullopt;
    auto rest = path.substr(prefix.size());
    auto dot = rest.find('.');
    auto digits = rest.substr(0, dot);
    if (dot != std::string_view::npos) {
        auto ext = rest.substr(dot + 1);
        if (ext.empty() || ext.size() > 5) return std::nullopt;
        for (char c : ext) {
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return std::nullopt;
        }
    }
    auto id = parse_uint(digits);
    if (!id || *id == 0 || *id > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(*id);
}

namespace {
// "/media/<id>/<variant>" with variant one of the given names: the id.
std::optional<std::int64_t> variant_object_id(std::string_view path,
                                              std::initializer_list<std::string_view> variants) {
    constexpr std::string_view prefix = "/media/";
    if (!path.starts_with(prefix)) return std::nullopt;
    auto rest = path.substr(prefix.size());
    auto slash = rest.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    auto variant = rest.substr(slash + 1);
    if (std::find(variants.begin(), variants.end(), variant) == variants.end()) return std::nullopt;
    auto id = parse_uint(rest.substr(0, slash));
    if (!id || *id == 0 || *id > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(*id);
}
} // namespace

std::optional<std::int64_t> converted_object_id(std::string_view path) {
    return variant_object_id(path, {"play.ts", "play.mp3"});
}

std::optional<std::int64_t> scaled_image_object_id(std::string_view path) {
    return variant_object_id(path, {"image.jpg"});
}

std::string transfer_mode(std::string_view requested, bool is_image) {
    auto mode = trim(requested);
    if (iequals(mode, "Background")) return "Background";
    if (!is_image && iequals(mode, "Streaming")) return "Streaming";
    if (is_image && iequals(mode, "Interactive")) return "Interactive";
    return is_image ? "Interactive" : "Streaming";
}

resume::Played played_bytes(std::uint64_t first, std::uint64_t length, std::uint64_t size, double duration,
                            const Delivery& delivery) {
    const std::uint64_t sent = delivery.complete ? length : std::min(length, delivery.bytes);
    return {resume::seconds_at_byte(first, size, duration),
            resume::seconds_at_byte(first + sent, size, duration), duration,
            delivery.complete && first + length >= size};
}

Response serve_media(const Request& request, db::ReaderPool& readers, const StreamAdmission& admit,
                     PlaybackReport report) {
    if (request.method != "GET" && request.method != "HEAD") {
        return Response::text(405, "Method not allowed\n").header("Allow", "GET, HEAD");
    }
    auto id = media_object_id(request.path);
    if (!id) return Response::text(404, "Not found\n");
    std::optional<db::ObjectRow> object;
    {
        auto reader = readers.acquire();
        object = reader->get(*id);
    }
    if (!object || object->is_container) return Response::text(404, "Not found\n");

    int fd = ::open(object->path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) ::close(fd);
        log::warning("cannot open ", object->path, " for object ", *id);
        return Response::text(404, "Not found\n");
    }
    ::fcntl(fd, F_SETFL, 0); // O_NONBLOCK only guarded the open against FIFOs swapped in for the file
    const auto size = static_cast<std::uint64_t>(st.st_size);
    const bool image = object->upnp_class.starts_with("object.item.imageItem");

    Response r;
    r.header("Content-Type", object->mime.value_or("application/octet-stream"));
    r.header("Accept-Ranges", "bytes");
    r.header("transferMode.dlna.org", transfer_mode(request.header("transferMode.dlna.org"), image));
    if (trim(request.header("getcontentFeatures.dlna.org")) == "1") {
        r.header("contentFeatures.dlna.org", media::content_features(object->dlna_profile, image));
    }
    // Samsung TVs ask for the subtitle with the video (often on HEAD) and show it if told where it is.
    if (trim(request.header("getCaptionInfo.sec")) == "1" &&
        object->upnp_class.starts_with("object.item.videoItem")) {
        auto reader = readers.acquire();
        auto subtitles = reader->subtitles_of(object->id);
        if (!subtitles.empty()) {
            r.header("CaptionInfo.sec", "http://" + net::to_string(request.local.sin_addr) + ":" +
                                            std::to_string(ntohs(request.local.sin_port)) +
                                            cds::subtitle_path(subtitles.front()));
        }
    }
    auto range = request.has_header("Range") ? parse_range(request.header("Range"), size) : RangeResult{};
    if (request.method == "GET" && !image && range.outcome != RangeOutcome::unsatisfiable) {
        double start_seconds = 0;
        if (range.outcome == RangeOutcome::partial && size > 0 && object->duration_ms) {
            start_seconds = static_cast<double>(range.range.first) / static_cast<double>(size) *
                            static_cast<double>(*object->duration_ms) / 1000;
        }
        auto admitted = admit(*object, start_seconds);
        if (auto* refusal = std::get_if<Response>(&admitted)) {
            ::close(fd);
            return std::move(*refusal);
        }
        r.keep_alive = std::get<std::shared_ptr<void>>(std::move(admitted));
        if (report) {
            const bool partial = range.outcome == RangeOutcome::partial;
            const std::uint64_t first = partial ? range.range.first : 0;
            const std::uint64_t length = partial ? range.range.length() : size;
            const double duration =
                object->duration_ms ? static_cast<double>(*object->duration_ms) / 1000 : 0;
            r.on_end = [report = std::move(report), row = *object, first, length, size,
                        duration](const Delivery& delivery) {
                report(row, played_bytes(first, length, size, duration, delivery));
            };
        }
    }
    switch (range.outcome) {
    case RangeOutcome::unsatisfiable:
        ::close(fd);
        r.status = 416;
        r.header("Content-Range", "bytes */" + std::to_string(size));
        return r;
    case RangeOutcome::partial:
        r.status = 206;
        r.header("Content-Range", "bytes " + std::to_string(range.range.first) + "-" +
                                      std::to_string(range.range.last) + "/" + std::to_string(size));
        r.file = FileBody{fd, range.range.first, range.range.length(), object->path};
        return r;
    case RangeOutcome::whole:
        r.file = FileBody{fd, 0, size, object->path};
        return r;
    }
    return r;
}

} // namespace hearth::http
