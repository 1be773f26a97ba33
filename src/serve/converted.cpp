// GET/HEAD /media/<id>/play.ts|mp3 (the item converted for the asking renderer, made while it is sent) and
// /media/<id>/image.jpg (a picture scaled down to what it shows).
#include "hearth/cds/didl.hpp"
#include "hearth/http/time_seek.hpp"
#include "hearth/http/urls.hpp"
#include "hearth/media/image_scale.hpp"
#include "hearth/serve/requests.hpp"
#include "hearth/transcode/decision.hpp"
#include "hearth/transcode/job.hpp"
#include "hearth/util/log.hpp"
#include "hearth/util/strings.hpp"

namespace hearth::serve {
namespace {

// A conversion's output as a response body: transcode::Job's reader side behind http::StreamSource.
class JobStream : public http::StreamSource {
  public:
    explicit JobStream(std::shared_ptr<transcode::Job> job) : job_(std::move(job)) {}
    long read(char* buf, std::size_t max, const Parking& parking) override {
        return job_->read(buf, max, {parking.park, parking.unpark});
    }
    void detach() override { job_->detach(); }

  private:
    std::shared_ptr<transcode::Job> job_;
};

http::Response method_not_allowed() {
    return http::Response::text(405, "Method not allowed\n").header("Allow", "GET, HEAD");
}

// The request as if it had asked for the item's original file.
http::Request as_original(const http::Request& request, const db::ObjectRow& object) {
    http::Request original = request;
    original.path = http::media_path(object.id, object.path);
    return original;
}

} // namespace

http::Response Requests::converted(const http::Request& request, const Settings& settings, std::int64_t id,
                                   std::int64_t device_id) {
    if (request.method != "GET" && request.method != "HEAD") return method_not_allowed();
    auto object = item(id);
    if (!object) return http::Response::text(404, "Not found\n");
    const auto& profile = renderer_of(request, settings.profiles, s_.descriptions);
    auto plan = transcode::decide(db::media_info(*object), profile);
    if (plan.action == transcode::Action::scale_image) return http::Response::text(404, "Not found\n");
    if (plan.action == transcode::Action::direct) // it plays the original after all: send that
        return original(as_original(request, *object), settings, playback_report(device_id));
    std::optional<double> duration;
    if (object->duration_ms) duration = static_cast<double>(*object->duration_ms) / 1000;
    http::TimeSeek seek;
    const bool seeking = request.has_header("TimeSeekRange.dlna.org");
    if (seeking) {
        auto parsed = http::parse_time_seek(request.header("TimeSeekRange.dlna.org"));
        if (!parsed) return http::Response::text(400, "Bad TimeSeekRange.dlna.org\n");
        if (duration && parsed->start >= *duration) return http::Response::text(416, "Seek past the end\n");
        seek = *parsed;
    }
    http::Response r;
    r.header("Content-Type", plan.mime);
    r.header("transferMode.dlna.org", transfer_mode(request.header("transferMode.dlna.org"), false));
    if (trim(request.header("getcontentFeatures.dlna.org")) == "1") {
        r.header("contentFeatures.dlna.org", cds::converted_features(plan));
    }
    if (seeking) r.header("TimeSeekRange.dlna.org", http::time_seek_answer(seek.start, seek.end, duration));
    if (request.method == "HEAD") {
        r.unknown_length = true;
        return r;
    }

    auto position = std::make_shared<std::atomic<double>>(seek.start);
    auto admitted = s_.admission.conversion(request, settings.policy,
                                            {*object, transcode::action_name(plan.action), position},
                                            settings.max_transcodes);
    if (auto* refusal = std::get_if<http::Response>(&admitted)) return std::move(*refusal);
    transcode::JobRequest job;
    job.input = object->path;
    job.plan = plan;
    job.start_seconds = seek.start;
    job.position = position;
    job.label =
        "'" + object->title + "' for " + profile.name + " (" + transcode::action_name(plan.action) + ")";
    log::info("converting ", job.label);
    r.stream = std::make_shared<JobStream>(transcode::Job::start(std::move(job)));
    // It reached the natural end when the conversion ran out of input, unless the seek asked for an end.
    r.on_end = [report = playback_report(device_id), row = *object, start = seek.start, to_end = !seek.end,
                duration = duration.value_or(0), position](const http::Delivery& d) {
        report(row, {start, position->load(), duration, d.complete && to_end});
    };
    r.keep_alive = std::get<StreamLease>(std::move(admitted)).keep_alive();
    return r;
}

http::Response Requests::scaled_image(const http::Request& request, const Settings& settings,
                                      std::int64_t id) {
    if (request.method != "GET" && request.method != "HEAD") return method_not_allowed();
    auto object = item(id);
    if (!object) return http::Response::text(404, "Not found\n");
    const auto& profile = renderer_of(request, settings.profiles, s_.descriptions);
    auto plan = transcode::decide(db::media_info(*object), profile);
    if (plan.action != transcode::Action::scale_image) // it shows the original: send that
        return original(as_original(request, *object), settings, {});
    auto [width, height] = transcode::image_limit(profile);
    auto jpeg = media::scaled_jpeg(object->path, width, height);
    if (!jpeg) {
        log::warning("cannot scale ", object->path, " for ", profile.name);
        return http::Response::text(500, "Cannot scale this picture\n");
    }
    auto r = http::Response::text(200, std::move(*jpeg), "image/jpeg");
    r.header("transferMode.dlna.org", transfer_mode(request.header("transferMode.dlna.org"), true));
    if (trim(request.header("getcontentFeatures.dlna.org")) == "1") {
        r.header("contentFeatures.dlna.org", cds::converted_features(plan));
    }
    return r;
}

} // namespace hearth::serve
