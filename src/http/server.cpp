#include "hearth/http/server.hpp"

#include "hearth/http/limits.hpp"
#include "hearth/util/fd.hpp"
#include "hearth/util/log.hpp"
#include "hearth/util/strings.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstring>
#include <fcntl.h>
#include <linux/tcp.h>
#include <map>
#include <microhttpd.h>
#include <mutex>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace hearth::http {

std::string_view Request::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (iequals(k, name)) return v;
    }
    return {};
}

bool Request::has_header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (iequals(k, name)) return true;
    }
    return false;
}

std::size_t Request::header_count(std::string_view name) const {
    std::size_t n = 0;
    for (const auto& [k, v] : headers) {
        if (iequals(k, name)) ++n;
    }
    return n;
}

Response Response::text(int status, std::string body, std::string content_type) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers.emplace_back("Content-Type", std::move(content_type));
    return r;
}

namespace {

// Files are sent with sendfile (no copy through user space), but libmicrohttpd's sendfile path has one
// flaw: when the file shrinks while it is sent (truncated, or replaced by a shorter one in place), sendfile
// returns 0 and libmicrohttpd then waits for the socket to become writable, which it already is: the
// renderer would hang until the connection times out. This thread looks at the size of each file being
// sent a few times a second; when one has become shorter than the bytes its response promised, it logs one
// line and shuts the connection's socket down, which wakes libmicrohttpd to end the response at once.
class ShrinkWatch {
  public:
    ShrinkWatch() = default;
    ShrinkWatch(const ShrinkWatch&) = delete;
    ShrinkWatch& operator=(const ShrinkWatch&) = delete;
    ~ShrinkWatch() { stop(); }

    void start() {
        thread_ = std::thread([this] { run(); });
    }
    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
        std::lock_guard lock(mutex_);
        watched_.clear();
    }

    /// Watches `file` until forget(key). The socket stays open at least until then (libmicrohttpd closes
    /// it only after its completion callback, which calls forget). The file is watched through a duplicate
    /// of its descriptor: libmicrohttpd may close the response's own before that callback, and the number
    /// could then name another connection's file.
    void watch(const void* key, int socket, int file, const FileBody& body) {
        Fd own(::fcntl(file, F_DUPFD_CLOEXEC, 0));
        if (!own.ok()) return; // out of descriptors: this one response goes unwatched
        {
            std::lock_guard lock(mutex_);
            watched_.insert_or_assign(key, Watched{socket, std::move(own), body.offset + body.length,
                                                   body.length, body.label, ++serial_});
        }
        wake_.notify_all();
    }
    void forget(const void* key) {
        std::lock_guard lock(mutex_);
        watched_.erase(key);
    }

  private:
    struct Watched {
        int socket;
        Fd file;              ///< ours (a duplicate), closed when the entry goes
        std::uint64_t end;    ///< the file offset just past the last byte promised
        std::uint64_t length; ///< the bytes promised
        std::string label;
        std::uint64_t serial; ///< tells a new response at a reused key from the one that was checked
    };
    /// One entry as a pass looks at it, through a duplicate of its own.
    struct Look {
        const void* key;
        Fd file;
        std::uint64_t end;
        std::uint64_t serial;
    };

    void run() {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            if (watched_.empty()) {
                wake_.wait(lock, [this] { return stopping_ || !watched_.empty(); });
                continue;
            }
            wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_; });
            // fstat without the lock: on a network mount that stopped answering it can block, and every
            // request's completion (forget) and every new file response (watch) takes this lock. The
            // pass looks through duplicates of its own, so that an entry forgotten meanwhile may close its.
            std::vector<Look> now;
            for (const auto& [key, w] : watched_)
                now.push_back({key, Fd(::fcntl(w.file.get(), F_DUPFD_CLOEXEC, 0)), w.end, w.serial});
            lock.unlock();
            std::vector<std::pair<const void*, std::uint64_t>> shrunk; // key, serial
            for (const auto& look : now) {
                struct stat st {};
                if (look.file.ok() && ::fstat(look.file.get(), &st) == 0 &&
                    static_cast<std::uint64_t>(st.st_size) < look.end)
                    shrunk.emplace_back(look.key, look.serial);
            }
            now.clear(); // closes the duplicates, still without the lock
            lock.lock();
            for (const auto& [key, serial] : shrunk) {
                auto it = watched_.find(key);
                if (it == watched_.end() || it->second.serial != serial) continue; // ended meanwhile
                const auto& w = it->second;
                log::warning("stopped sending ", w.label, ": the file became shorter than the ", w.length,
                             " bytes promised while it was sent");
                ::shutdown(w.socket, SHUT_RDWR);
                watched_.erase(it);
            }
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::map<const void*, Watched> watched_;
    std::uint64_t serial_ = 0;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace

struct Server::Impl {
    std::uint16_t port = 0;
    Handler handler;
    AcceptPolicy policy;
    MHD_Daemon* daemon = nullptr;
    ShrinkWatch shrink_watch{};
    std::atomic<bool> stopping{false}; ///< set before the daemon stops: waiting stream readers give up
};

namespace {

// What libmicrohttpd keeps for us between the calls of one request.
struct PendingRequest {
    std::string body;
    bool too_large = false;
    std::shared_ptr<void> keep_alive; // released when libmicrohttpd reports the request completed
    std::function<void(const Delivery&)> on_end;
    std::uint64_t acked_before = 0; // bytes the client had acknowledged on this connection before our answer
};

// Bytes the peer has acknowledged on this connection so far (Linux TCP_INFO), 0 when unknown. How much of
// a response reached the client, which libmicrohttpd does not tell for a sendfile body.
std::uint64_t bytes_acked(MHD_Connection* connection) {
    const auto* fd_info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (fd_info == nullptr) return 0;
    tcp_info info{};
    socklen_t len = sizeof info;
    if (getsockopt(fd_info->connect_fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return 0;
    if (len < offsetof(tcp_info, tcpi_bytes_acked) + sizeof info.tcpi_bytes_acked) return 0;
    return info.tcpi_bytes_acked;
}

MHD_Result collect_header(void* cls, MHD_ValueKind, const char* key, const char* value) {
    auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(cls);
    headers->emplace_back(key ? key : "", value ? value : "");
    return MHD_YES;
}

// The state of one streamed response, owned by libmicrohttpd from creation to its free callback. Each
// connection has its own thread, so a reader with nothing ready waits here for the source to wake it
// (libmicrohttpd's suspend/resume does not work with a thread per connection).
struct StreamState {
    std::shared_ptr<StreamSource> source;
    const std::atomic<bool>* stopping;
    StreamSource::Parking parking{};
    std::mutex mutex{};
    std::condition_variable ready{};
    bool woken = false;
};

ssize_t read_stream(void* cls, std::uint64_t, char* buf, size_t max) {
    auto* state = static_cast<StreamState*>(cls);
    for (;;) {
        long n = state->source->read(buf, max, state->parking);
        if (n == -1) return MHD_CONTENT_READER_END_OF_STREAM;
        if (n < 0) return MHD_CONTENT_READER_END_WITH_ERROR;
        if (n > 0) return static_cast<ssize_t>(n);
        // Parked: wait for unpark. The timeout only lets a stopping server end the response.
        std::unique_lock lock(state->mutex);
        state->ready.wait_for(lock, std::chrono::milliseconds(500),
                              [state] { return state->woken || state->stopping->load(); });
        state->woken = false;
        if (state->stopping->load()) return MHD_CONTENT_READER_END_WITH_ERROR;
    }
}

void free_stream(void* cls) {
    auto* state = static_cast<StreamState*>(cls);
    state->source->detach();
    delete state;
}

MHD_Response* stream_response(std::shared_ptr<StreamSource> source, const std::atomic<bool>& stopping) {
    auto* state = new StreamState{std::move(source), &stopping};
    state->parking.park = [] {}; // read_stream waits once read() has returned 0
    state->parking.unpark = [state] {
        std::lock_guard lock(state->mutex);
        state->woken = true;
        state->ready.notify_one();
    };
    MHD_Response* response =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, read_stream, state, free_stream);
    if (response == nullptr) {
        free_stream(state);
        return nullptr;
    }
    // No chunked encoding, and close afterwards: renderers expect a plain byte stream.
    MHD_set_response_options(response, MHD_RF_HTTP_1_0_COMPATIBLE_STRICT, MHD_RO_END);
    return response;
}

// A file body, sent with sendfile, its size watched while it is sent (ShrinkWatch).
MHD_Response* file_response(FileBody&& body, MHD_Connection* connection, ShrinkWatch& watch,
                            const void* key) {
    const auto* fd_info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    MHD_Response* response =
        MHD_create_response_from_fd_at_offset64(body.length, body.fd->get(), body.offset);
    if (response == nullptr) return nullptr; // body.fd still closes the file
    const int file = body.fd->release();     // libmicrohttpd closes it with the response
    if (fd_info != nullptr && key != nullptr) watch.watch(key, fd_info->connect_fd, file, body);
    return response;
}

// The body handed to libmicrohttpd as it is, freed with the response: a Browse answer is tens of KiB, and
// MHD_RESPMEM_MUST_COPY would copy it once more.
MHD_Response* body_response(std::string&& body) {
    auto owned = std::make_unique<std::string>(std::move(body));
    MHD_Response* response = MHD_create_response_from_buffer_with_free_callback_cls(
        owned->size(), owned->data(), [](void* cls) { delete static_cast<std::string*>(cls); }, owned.get());
    if (response != nullptr) static_cast<void>(owned.release());
    return response;
}

MHD_Result queue(MHD_Connection* connection, Response&& r, Server::Impl* impl = nullptr,
                 PendingRequest* pending = nullptr) {
    if (r.drop_connection) return MHD_NO; // a file body closes with r
    if (pending != nullptr) {
        pending->keep_alive = std::move(r.keep_alive);
        pending->on_end = std::move(r.on_end);
        if (pending->on_end) pending->acked_before = bytes_acked(connection);
    }
    MHD_Response* response = nullptr;
    if (r.unknown_length && !r.stream) {
        response = MHD_create_response_from_callback(
            MHD_SIZE_UNKNOWN, 1024,
            [](void*, std::uint64_t, char*, size_t) -> ssize_t { return MHD_CONTENT_READER_END_OF_STREAM; },
            nullptr, nullptr);
        if (response != nullptr)
            MHD_set_response_options(response, MHD_RF_HTTP_1_0_COMPATIBLE_STRICT, MHD_RO_END);
    } else if (r.stream) {
        response = stream_response(std::move(r.stream), impl->stopping);
    } else if (r.file) {
        response = file_response(std::move(*r.file), connection, impl->shrink_watch, pending);
    } else {
        response = body_response(std::move(r.body));
    }
    if (response == nullptr) return MHD_NO;
    for (const auto& [name, value] : r.headers)
        MHD_add_response_header(response, name.c_str(), value.c_str());
    MHD_Result rc = MHD_queue_response(connection, static_cast<unsigned>(r.status), response);
    MHD_destroy_response(response);
    return rc;
}

Request make_request(MHD_Connection* connection, const char* url, const char* method,
                     PendingRequest& pending) {
    Request req;
    req.method = method;
    req.path = url;
    req.body = std::move(pending.body);
    MHD_get_connection_values(connection, MHD_HEADER_KIND, collect_header, &req.headers);
    const auto* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info != nullptr && info->client_addr != nullptr && info->client_addr->sa_family == AF_INET) {
        req.client = *reinterpret_cast<const sockaddr_in*>(info->client_addr);
    }
    const auto* fd_info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (fd_info != nullptr) {
        socklen_t len = sizeof req.local;
        getsockname(fd_info->connect_fd, reinterpret_cast<sockaddr*>(&req.local), &len);
    }
    return req;
}

// libmicrohttpd itself refuses only heads that overflow its per-connection memory pool (32 KiB by default);
// shrinking the pool to 16 KiB would also shrink the room it has for reading bodies and writing answers, so
// the limit is checked here, once the head has been parsed.
bool head_too_large(MHD_Connection* connection, const char* url, const char* method) {
    std::vector<std::pair<std::string, std::string>> headers;
    MHD_get_connection_values(connection, MHD_HEADER_KIND, collect_header, &headers);
    return request_head_bytes(method, url, headers) > kMaxHeaderBytes;
}

MHD_Result on_request(void* cls, MHD_Connection* connection, const char* url, const char* method, const char*,
                      const char* upload_data, size_t* upload_data_size, void** con_cls) {
    auto* impl = static_cast<Server::Impl*>(cls);
    if (*con_cls == nullptr) {
        auto* pending = new PendingRequest();
        *con_cls = pending;
        if (head_too_large(connection, url, method)) {
            pending->too_large = true;
            return queue(connection, Response::text(431, "Request header fields too large\n"));
        }
        const char* length =
            MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        auto declared = length ? parse_uint(length) : std::nullopt;
        if (declared && *declared > kMaxBodyBytes) {
            pending->too_large = true;
            return queue(connection, Response::text(413, "Request body too large\n"));
        }
        return MHD_YES;
    }
    auto* pending = static_cast<PendingRequest*>(*con_cls);
    if (*upload_data_size > 0) {
        if (pending->body.size() + *upload_data_size > kMaxBodyBytes) pending->too_large = true;
        if (!pending->too_large) pending->body.append(upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (pending->too_large) return queue(connection, Response::text(413, "Request body too large\n"));
    Request req = make_request(connection, url, method, *pending);
    try {
        return queue(connection, impl->handler(req), impl, pending);
    } catch (const std::exception& e) {
        log::error("internal error answering ", req.method, " ", req.path, ": ", e.what());
        return queue(connection, Response::text(500, "Internal error\n"));
    }
}

void on_completed(void* cls, MHD_Connection* connection, void** con_cls, MHD_RequestTerminationCode code) {
    auto* pending = static_cast<PendingRequest*>(*con_cls);
    if (pending != nullptr) static_cast<Server::Impl*>(cls)->shrink_watch.forget(pending);
    if (pending != nullptr && pending->on_end) {
        const std::uint64_t acked = bytes_acked(connection);
        Delivery delivery{code == MHD_REQUEST_TERMINATED_COMPLETED_OK,
                          acked > pending->acked_before ? acked - pending->acked_before : 0};
        try {
            pending->on_end(delivery);
        } catch (const std::exception& e) {
            log::error("after a response: ", e.what());
        }
    }
    delete pending;
    *con_cls = nullptr;
}

// Percent-decoding in place, except that "%00" stays as it is: a NUL would cut the path short when it is
// handed on as a C string, so that "/media/12%00.txt" would reach "/media/12" (such a path now matches
// nothing).
size_t unescape(void*, MHD_Connection*, char* s) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    char* out = s;
    for (const char* in = s; *in != '\0'; ++in) {
        int hi = in[0] == '%' ? hex(in[1]) : -1;
        int lo = hi >= 0 ? hex(in[2]) : -1;
        if (lo >= 0 && (hi | lo) != 0) {
            *out++ = static_cast<char>(hi * 16 + lo);
            in += 2;
        } else {
            *out++ = *in;
        }
    }
    *out = '\0';
    return static_cast<size_t>(out - s);
}

MHD_Result on_accept(void* cls, const sockaddr* addr, socklen_t) {
    auto* impl = static_cast<Server::Impl*>(cls);
    if (addr == nullptr || addr->sa_family != AF_INET) return MHD_NO;
    return impl->policy(*reinterpret_cast<const sockaddr_in*>(addr)) ? MHD_YES : MHD_NO;
}

// Each connection holds a socket and often a media file: the usual soft limit of 1024 descriptors would run
// out long before the connection limit does, and accept() would start failing for everyone.
void ensure_open_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    auto raised = raised_open_file_limit(limit.rlim_cur, limit.rlim_max);
    if (!raised) {
        if (limit.rlim_cur < kWantedOpenFiles) {
            log::warning("open-file limit is ", limit.rlim_cur, " (hard limit too); fewer than ",
                         kConnectionLimit, " connections may be served at once");
        }
        return;
    }
    const auto before = limit.rlim_cur;
    limit.rlim_cur = static_cast<rlim_t>(*raised);
    if (::setrlimit(RLIMIT_NOFILE, &limit) == 0)
        log::info("raised the open-file limit from ", before, " to ", *raised, " for ", kConnectionLimit,
                  " connections");
}

} // namespace

Server::Server(std::uint16_t port, Handler handler, AcceptPolicy policy) : impl_(std::make_unique<Impl>()) {
    impl_->port = port;
    impl_->handler = std::move(handler);
    impl_->policy = std::move(policy);
}

Server::~Server() {
    stop();
}

void Server::start() {
    ensure_open_file_limit();
    impl_->shrink_watch.start();
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(impl_->port);
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    // A thread per connection rather than a pool: a Browse is never queued behind another connection's
    // work on a shared pool thread (in an interleaved A/B on 2 cores with 8 busy connections the p99 went
    // from 1.28x to 0.88x MiniDLNA's), and sendfile goes out in 2 MiB pieces between polls instead of
    // 128 KiB ones (libmicrohttpd's MHD_SENFILE_CHUNK_THR_P_C_). Connections are capped at
    // kConnectionLimit (limits.hpp), so are threads.
    impl_->daemon = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_THREAD_PER_CONNECTION, impl_->port, on_accept, impl_.get(),
        on_request, impl_.get(), MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        impl_.get(), MHD_OPTION_CONNECTION_TIMEOUT, 120U, MHD_OPTION_CONNECTION_LIMIT, kConnectionLimit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, kPerAddressConnectionLimit, MHD_OPTION_LISTENING_ADDRESS_REUSE,
        1U, MHD_OPTION_UNESCAPE_CALLBACK, unescape, nullptr, MHD_OPTION_END);
    if (impl_->daemon == nullptr) {
        throw std::runtime_error("cannot listen on TCP port " + std::to_string(impl_->port) +
                                 " (in use, or not permitted); choose another with --port");
    }
}

void Server::stop() {
    if (impl_ && impl_->daemon != nullptr) {
        impl_->stopping = true;
        MHD_stop_daemon(impl_->daemon);
        impl_->daemon = nullptr;
        impl_->shrink_watch.stop();
    }
}

} // namespace hearth::http
