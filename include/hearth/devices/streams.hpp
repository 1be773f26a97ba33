#pragma once
// Active media streams and the household's limits on them. A stream is one (device, item) pair: the several
// connections a TV opens for the same file count once. Any thread.
#include "hearth/net/refusals.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace hearth::devices {

struct StreamLimits {
    unsigned max_total = 6;
    unsigned max_per_device = 3;
    bool one_per_title = false;
};

struct ActiveStream {
    std::int64_t device_id;
    std::string device_label;
    std::string address;
    std::int64_t object_id;
    std::string title;
    unsigned connections;
    std::string how = "direct"; ///< "direct", or the conversion: "remux", "audio-only", "full"
    double duration_s = 0;      ///< of the item; 0 when unknown
    std::int64_t bitrate = 0;   ///< bits per second of what is sent; 0 when unknown
    /// Seconds into the item: where a direct stream started, or how far a conversion has got (it updates it).
    std::shared_ptr<std::atomic<double>> position;
};

class Streams {
  public:
    explicit Streams(StreamLimits limits) : limits_(limits) {}

    /// Held for as long as a response streams; releasing the last one for a (device, item) ends that stream.
    using Lease = std::shared_ptr<void>;

    /// A lease, or the reason the limits refuse this stream.
    std::variant<Lease, net::Refusal> start(const ActiveStream& wanted);
    std::vector<ActiveStream> active() const;
    StreamLimits limits() const;
    /// New limits apply to streams that start from now on; playing ones go on. Any thread.
    void set_limits(StreamLimits limits);

  private:
    using Key = std::pair<std::int64_t, std::int64_t>; // device, object
    void release(const Key& key);

    StreamLimits limits_;
    mutable std::mutex mutex_; // guards active_ and limits_
    std::map<Key, ActiveStream> active_;
};

} // namespace hearth::devices
