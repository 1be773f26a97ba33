// The router: the household boundary for each request (serve/boundary.hpp), then the handler for its path,
// all in serve/ but GENA's subscriptions (upnp). Everything here runs on libmicrohttpd's connection threads.
#include "app/state.hpp"
#include "hearth/app/app.hpp"
#include "hearth/serve/control.hpp"
#include "hearth/serve/status_page.hpp"

namespace hearth {

http::Response App::handle(const http::Request& request) {
    const auto live = state_->live();
    serve::Visitor visitor;
    if (auto refusal = state_->boundary.refuse(request, live->policy, visitor)) return std::move(*refusal);
    const serve::Settings settings{live->policy, live->profiles, live->config.max_transcodes};
    if (auto served = state_->requests.handle(request, settings, visitor)) return std::move(*served);
    const auto& path = request.path;
    if (path.starts_with("/control/")) {
        const serve::ControlTables tables{state_->content_directory.actions(),
                                          state_->connection_manager.actions(), state_->registrar.actions()};
        return serve::control(request, tables,
                              serve::renderer_of(request, live->profiles, state_->descriptions), config_.port,
                              visitor);
    }
    if (path.starts_with("/event/")) return state_->eventing.handle(request);
    if (request.method != "GET" && request.method != "HEAD") {
        return http::Response::text(405, "Method not allowed\n").header("Allow", "GET, HEAD");
    }
    if (auto document = serve::document(request, live->description)) return std::move(*document);
    const serve::StatusSources sources{state_->refusals, state_->devices,       state_->streams,
                                       state_->readers,  state_->scan_progress, state_->ssdp_counters,
                                       state_->started};
    const serve::StatusSettings status{live->config.friendly_name, live->status_page,
                                       live->config.require_approval};
    if (auto page = serve::status_answer(request, sources, status, visitor)) return std::move(*page);
    return http::Response::text(404, "Not found\n");
}

} // namespace hearth
