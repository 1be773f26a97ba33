#pragma once
// HTTP on libmicrohttpd: the only code that touches MHD handles. Requests are handed to one Handler as plain
// values; the handler runs on its connection's thread (one thread per connection) and must be safe to call
// concurrently.
#include "hearth/util/fd.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <netinet/in.h>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hearth::http {

inline constexpr std::size_t kMaxBodyBytes = 1 << 20; ///< larger request bodies get 413

struct Request {
    std::string method;
    std::string path; ///< as libmicrohttpd decoded it, without the query
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    sockaddr_in client{};
    sockaddr_in local{}; ///< our address on this connection: the one the client reached us on

    /// The first header with this name (case-insensitive), or empty.
    std::string_view header(std::string_view name) const;
    bool has_header(std::string_view name) const;
    /// How many times a header with this name (case-insensitive) came.
    std::size_t header_count(std::string_view name) const;
};

/// The bytes of an open file a response sends. Copies share the descriptor (a Response stays a value that
/// handlers copy while adding headers); the last copy closes it, unless the server handed it to
/// libmicrohttpd, which closes it with the response.
struct FileBody {
    FileBody(Fd file, std::uint64_t from, std::uint64_t bytes, std::string name = {})
        : fd(std::make_shared<Fd>(std::move(file))), offset(from), length(bytes), label(std::move(name)) {}
    /// Takes ownership of file.
    FileBody(int file, std::uint64_t from, std::uint64_t bytes, std::string name = {})
        : FileBody(Fd(file), from, bytes, std::move(name)) {}

    std::shared_ptr<Fd> fd;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
    std::string label{}; ///< names the file in the log line when it ends early
};

/// A response body made while it is sent (a live transcode). The server calls read() from the connection's
/// thread, one call at a time for a given response.
class StreamSource {
  public:
    virtual ~StreamSource() = default;

    /// Hooks to pause the connection while no data is ready and to wake it when some is.
    struct Parking {
        std::function<void()> park;   ///< call from read(), under the source's lock, before returning 0
        std::function<void()> unpark; ///< call from the producing thread once data (or the end) is there
    };

    /// Copies up to max bytes: returns how many (> 0); 0 after calling parking.park() when nothing is ready
    /// (keep parking.unpark and call it once); -1 at the end of the stream; -2 when it failed midway.
    virtual long read(char* buf, std::size_t max, const Parking& parking) = 0;
    /// The response is gone (sent, or the client left): never call unpark again. Any server thread.
    virtual void detach() = 0;
};

/// How a response ended, told to the code that made it (Response::on_end).
struct Delivery {
    bool complete = false; ///< every byte was handed to the network (not cut short by the client or an error)
    std::uint64_t bytes = 0; ///< of this response, headers included, that the client's TCP acknowledged
};

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::optional<FileBody> file; ///< when set, the body is these bytes of the file
    /// When set, the body comes from this source, of unknown length: sent without chunking, then the
    /// connection closes (what TVs expect of a live stream).
    std::shared_ptr<StreamSource> stream;
    /// Kept until the response is fully sent or the client has gone (e.g. a stream slot).
    std::shared_ptr<void> keep_alive;
    /// Called once, on the connection's thread, when the response is fully sent or the client has gone
    /// (before keep_alive is released). Must not throw.
    std::function<void(const Delivery&)> on_end;
    /// Close the connection without answering (refusals that must not reveal a server).
    bool drop_connection = false;
    /// The answer to a HEAD whose GET streams: no Content-Length, like the GET.
    bool unknown_length = false;

    static Response text(int status, std::string body,
                         std::string content_type = "text/plain; charset=utf-8");
    Response& header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
};

using Handler = std::function<Response(const Request&)>;
/// Decides at accept time, before a byte is read, whether a client may connect. On the listening thread.
using AcceptPolicy = std::function<bool(const sockaddr_in&)>;

class Server {
  public:
    Server(std::uint16_t port, Handler handler, AcceptPolicy policy);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Starts listening; throws std::runtime_error naming the port when it cannot.
    void start();
    void stop();

    // Called by libmicrohttpd's C callbacks; not for other code.
    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

} // namespace hearth::http
