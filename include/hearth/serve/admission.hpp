#pragma once
// Stream admission: whether an audio/video GET may start streaming, under the household's limits
// (devices::Streams: --max-streams, --max-streams-per-device, --one-stream-per-title) and, for a conversion,
// --max-transcodes. What an admitted stream holds is one StreamLease; dropping it gives everything back.
// Any thread (HTTP connection threads).
#include "hearth/db/objects.hpp"
#include "hearth/devices/registry.hpp"
#include "hearth/devices/streams.hpp"
#include "hearth/http/server.hpp"
#include "hearth/net/lan_policy.hpp"
#include "hearth/net/refusals.hpp"
#include "hearth/util/slots.hpp"

#include <atomic>
#include <memory>
#include <string>
#include <variant>

namespace hearth::serve {

/// What an admitted stream holds while it is sent: its place in devices::Streams and, for a conversion, a
/// --max-transcodes slot. Copyable (a response keeps it through http::Response::keep_alive).
class StreamLease {
  public:
    explicit StreamLease(devices::Streams::Lease stream) : stream_(std::move(stream)) {}
    StreamLease(devices::Streams::Lease stream, util::Slots::Lease conversion)
        : stream_(std::move(stream)),
          conversion_(std::make_shared<util::Slots::Lease>(std::move(conversion))) {}
    /// As http::Response::keep_alive holds it.
    std::shared_ptr<void> keep_alive() &&;

  private:
    devices::Streams::Lease stream_;
    std::shared_ptr<util::Slots::Lease> conversion_; // shared: the slot comes back with the last copy
};

/// The stream being asked for.
struct Wanted {
    const db::ObjectRow& object;
    std::string how; ///< "direct", or the conversion (transcode::action_name)
    /// Where in the item the stream is: where it starts, or (a conversion) how far it has got.
    std::shared_ptr<std::atomic<double>> position;
};

/// A lease, or the answer to send instead (503 with Retry-After).
using Admitted = std::variant<StreamLease, http::Response>;

class Admission {
  public:
    Admission(devices::Streams& streams, devices::Registry& devices, net::Refusals& refusals)
        : streams_(streams), devices_(devices), refusals_(refusals) {}

    /// A stream of wanted.object to the request's client. policy: who is the host itself (not a device).
    Admitted stream(const http::Request& request, const net::LanPolicy& policy, Wanted wanted);
    /// As stream(), plus one of max_transcodes conversion slots.
    Admitted conversion(const http::Request& request, const net::LanPolicy& policy, Wanted wanted,
                        unsigned max_transcodes);
    /// Conversions running now.
    unsigned conversions() const { return conversions_.taken(); }

  private:
    devices::Streams& streams_;
    devices::Registry& devices_;
    net::Refusals& refusals_;
    util::Slots conversions_{0}; // no waiting: a conversion over the limit gets its 503 at once
};

} // namespace hearth::serve
