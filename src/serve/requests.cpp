// Routing within serve/, the renderer lookup, and the original file with its direct-stream admission.
#include "hearth/serve/requests.hpp"

#include "hearth/http/urls.hpp"
#include "hearth/net/interfaces.hpp"
#include "hearth/util/log.hpp"

namespace hearth::serve {

const renderers::Profile& renderer_of(const http::Request& request,
                                      const std::vector<renderers::Profile>& profiles,
                                      const renderers::Descriptions& descriptions) {
    // Rows may also match what the renderer's own device description says ("Description.modelName").
    const auto description = descriptions.get(request.client.sin_addr);
    return renderers::match(
        profiles,
        [&](std::string_view name) -> std::string_view {
            if (name.starts_with("Description.")) {
                return description ? renderers::description_field(*description, name) : std::string_view{};
            }
            return request.header(name);
        },
        net::to_string(request.client.sin_addr));
}

std::optional<http::Response> Requests::handle(const http::Request& request, const Settings& settings,
                                               const Visitor& visitor) {
    const auto& path = request.path;
    if (auto id = http::converted_object_id(path))
        return converted(request, settings, *id, visitor.device_id);
    if (auto id = http::scaled_image_object_id(path)) return scaled_image(request, settings, *id);
    if (path.starts_with("/media/")) return original(request, settings, playback_report(visitor.device_id));
    if (path.starts_with("/devices/")) return device_action(request, visitor, s_.action_token, s_.devices);
    if (!path.starts_with("/art/") && !path.starts_with("/subtitle/")) return std::nullopt;
    if (request.method != "GET" && request.method != "HEAD") {
        return http::Response::text(405, "Method not allowed\n").header("Allow", "GET, HEAD");
    }
    return path.starts_with("/art/") ? art(request, visitor) : subtitle(request, visitor);
}

http::Response Requests::original(const http::Request& request, const Settings& settings,
                                  PlaybackReport report) {
    return serve_media(
        request, s_.readers,
        [&](const db::ObjectRow& o, double start) {
            return s_.admission.stream(request, settings.policy,
                                       {o, "direct", std::make_shared<std::atomic<double>>(start)});
        },
        std::move(report));
}

PlaybackReport Requests::playback_report(std::int64_t device_id) {
    return [&bookmarks = s_.bookmarks, device_id](const db::ObjectRow& object, const resume::Played& played) {
        auto verdict = resume::after_stream(played);
        if (verdict.change == resume::Change::none) return;
        log::debug("'", object.title, "' for device ", device_id, ": played ", played.start, "-", played.end,
                   " s of ", played.duration,
                   verdict.change == resume::Change::set ? ", bookmarked" : ", finished");
        bookmarks.apply(object.id, device_id, verdict);
    };
}

std::optional<db::ObjectRow> Requests::item(std::int64_t id) {
    std::optional<db::ObjectRow> object;
    {
        auto reader = s_.readers.acquire();
        object = reader->get(id);
    }
    if (object && object->is_container) return std::nullopt;
    return object;
}

} // namespace hearth::serve
