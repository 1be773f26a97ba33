#pragma once
// What renderers say about themselves in their UPnP device descriptions (friendlyName, modelName…), learnt
// from their SSDP announcements, so that profiles can match on it ("match = Description.modelName: KD-55").
// Only a description served by the announcing address itself is fetched. Any thread; one thread of its own
// fetches.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace hearth::renderers {

struct RendererDescription {
    std::string friendly_name;
    std::string manufacturer;
    std::string model_name;
    std::string udn;
};

/// The value a "Description.<field>" match name stands for (friendlyName, manufacturer, modelName, UDN);
/// empty for any other name.
std::string_view description_field(const RendererDescription& d, std::string_view match_name);

class Descriptions {
  public:
    Descriptions() = default;
    ~Descriptions();
    Descriptions(const Descriptions&) = delete;
    Descriptions& operator=(const Descriptions&) = delete;

    void start();
    void stop();

    /// An ssdp:alive from `from` whose LOCATION is `location`: fetched (once per address and location every
    /// ten minutes) when the URL's host is `from` itself.
    void announced(in_addr from, const std::string& location);
    std::optional<RendererDescription> get(in_addr address) const;

  private:
    struct Known {
        std::string location;
        std::chrono::steady_clock::time_point fetched;
        std::optional<RendererDescription> description;
    };
    void loop();

    mutable std::mutex mutex_; // guards everything below but the thread
    std::condition_variable wake_;
    std::map<std::uint32_t, Known> by_address_;
    std::deque<std::pair<in_addr, std::string>> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace hearth::renderers
