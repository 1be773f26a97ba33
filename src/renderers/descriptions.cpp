#include "hearth/renderers/descriptions.hpp"

#include "hearth/net/device_description.hpp"
#include "hearth/net/http_client.hpp"
#include "hearth/net/interfaces.hpp"
#include "hearth/util/log.hpp"

namespace hearth::renderers {
namespace {
constexpr auto kRefetchAfter = std::chrono::minutes(10);
constexpr auto kFetchTimeout = std::chrono::milliseconds(2000);
constexpr std::size_t kMaxDescription = 128 * 1024;
constexpr std::size_t kMaxQueue = 64;
constexpr std::size_t kMaxKnown = 1024;
constexpr const char* kUserAgent = "Hearth/" HEARTH_VERSION;
} // namespace

std::string_view description_field(const RendererDescription& d, std::string_view name) {
    if (name == "Description.friendlyName") return d.friendly_name;
    if (name == "Description.manufacturer") return d.manufacturer;
    if (name == "Description.modelName") return d.model_name;
    if (name == "Description.UDN") return d.udn;
    return {};
}

Descriptions::~Descriptions() {
    stop();
}

void Descriptions::start() {
    thread_ = std::thread([this] { loop(); });
}

void Descriptions::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Descriptions::announced(in_addr from, const std::string& location) {
    // Never fetch from a third party: a forged NOTIFY must not make Hearth connect elsewhere.
    auto url = net::parse_http_url(location);
    if (!url || url->host != net::to_string(from)) return;
    {
        std::lock_guard lock(mutex_);
        auto it = by_address_.find(from.s_addr);
        const auto now = std::chrono::steady_clock::now();
        if (it != by_address_.end() && it->second.location == location &&
            now - it->second.fetched < kRefetchAfter) {
            return;
        }
        if (queue_.size() >= kMaxQueue || (it == by_address_.end() && by_address_.size() >= kMaxKnown))
            return;
        by_address_[from.s_addr] =
            Known{location, now, it != by_address_.end() ? it->second.description : std::nullopt};
        queue_.emplace_back(from, location);
    }
    wake_.notify_all();
}

std::optional<RendererDescription> Descriptions::get(in_addr address) const {
    std::lock_guard lock(mutex_);
    auto it = by_address_.find(address.s_addr);
    if (it == by_address_.end()) return std::nullopt;
    return it->second.description;
}

void Descriptions::loop() {
    while (true) {
        std::pair<in_addr, std::string> job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        auto url = net::parse_http_url(job.second);
        auto fetched = net::http_get(*url, kUserAgent, {kFetchTimeout, kMaxDescription});
        std::optional<RendererDescription> description;
        if (fetched.response && fetched.response->status == 200) {
            if (auto d = net::parse_device_description(fetched.response->body)) {
                description = RendererDescription{d->friendly_name, d->manufacturer, d->model_name, d->udn};
            }
        }
        if (description) {
            log::debug("renderer at ", net::to_string(job.first), ": ", description->friendly_name, " (",
                       description->manufacturer, " ", description->model_name, ")");
        }
        std::lock_guard lock(mutex_);
        auto it = by_address_.find(job.first.s_addr);
        if (it != by_address_.end() && it->second.location == job.second && description) {
            it->second.description = std::move(description);
        }
    }
}

} // namespace hearth::renderers
