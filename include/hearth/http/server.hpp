#pragma once
// HTTP on libmicrohttpd: the only code that touches MHD handles. Requests are handed to one Handler as plain
// values; the handler runs on one of libmicrohttpd's pool threads and must be safe to call concurrently.
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
};

struct FileBody {
    int fd = -1; ///< owned by the response from the moment it is set
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::optional<FileBody> file; ///< when set, the body is these bytes of the file, sent with sendfile
    /// Kept until the response is fully sent or the client has gone (e.g. a stream slot).
    std::shared_ptr<void> keep_alive;
    /// Close the connection without answering (refusals that must not reveal a server).
    bool drop_connection = false;

    static Response text(int status, std::string body,
                         std::string content_type = "text/plain; charset=utf-8");
    Response& header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
};

using Handler = std::function<Response(const Request&)>;
/// Decides at accept time, before a byte is read, whether a client may connect. Any pool thread.
using AcceptPolicy = std::function<bool(const sockaddr_in&)>;

class Server {
  public:
    Server(std::uint16_t port, Handler handler, AcceptPolicy policy, unsigned threads);
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
