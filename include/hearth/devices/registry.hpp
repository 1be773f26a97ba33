#pragma once
// The devices that use Hearth: remembered in the database, approved or blocked by the owner.
// Store is one database connection (one thread at a time; the CLI uses it directly).
// Registry is shared by the HTTP connection threads (any thread) and runs one thread of its own that writes
// last-seen times and re-reads statuses, so that `hearth devices approve` works while the server runs.
#include "hearth/db/sqlite.hpp"
#include "hearth/util/periodic.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::devices {

enum class Status { pending, approved, blocked };
std::string_view status_name(Status s);
std::optional<Status> parse_status(std::string_view text);

enum class Mode { open, approved };

struct Device {
    std::int64_t id = 0;
    std::string key;
    std::string address;
    std::optional<std::string> mac, name, user_agent;
    std::int64_t first_seen = 0, last_seen = 0;
    Status status = Status::pending;
};

/// The MAC address for an IPv4 address from a /proc/net/arp text, or nullopt.
std::optional<std::string> mac_from_arp(std::string_view arp_table, in_addr address);

/// The name a device gives itself in its request headers: FriendlyName.DLNA.ORG, or mn="…" of
/// X-AV-Client-Info.
std::optional<std::string> name_from_headers(std::string_view friendly_name, std::string_view av_client_info);

class Store {
  public:
    explicit Store(const std::filesystem::path& db_path);
    std::vector<Device> list();
    std::optional<Device> find(std::int64_t id);
    /// Inserts a new device or returns the existing one with this key.
    Device insert_or_get(const Device& d);
    void touch(const Device& d);
    bool set_status(std::int64_t id, Status status);

  private:
    db::Database db_;
};

class Registry {
  public:
    Registry(const std::filesystem::path& db_path, Mode mode);
    ~Registry();
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    void start();
    void stop();

    struct Seen {
        std::int64_t id;
        Status status;
        std::string label; ///< name or address, for log lines
    };
    /// Records a request from a device and returns what it may do. Any thread.
    Seen seen(in_addr address, std::string_view user_agent, std::optional<std::string> name);
    /// Whether the device last seen at this address is blocked (checked at accept time). Any thread.
    bool is_blocked(in_addr address) const;
    /// In approved mode, whether the device may see the library. Any thread.
    bool may_browse(Status status) const {
        return status == Status::approved || (mode_ == Mode::open && status == Status::pending);
    }
    std::vector<Device> snapshot() const;
    /// The owner's decision, from the status page. Any thread. False when there is no such device.
    bool set_status(std::int64_t id, Status status);
    Mode mode() const { return mode_.load(); }
    void set_mode(Mode mode) { mode_.store(mode); }

  private:
    std::string key_for(in_addr address);
    void reload();
    void flush();
    void sync(); // flush() and reload(), every second on writer_'s thread

    std::atomic<Mode> mode_;
    mutable std::mutex mutex_; // guards everything below except store_, disk_full_ and writer_
    std::map<std::string, Device> by_key_;
    std::map<std::uint32_t, std::pair<std::string, std::chrono::steady_clock::time_point>> key_cache_;
    std::set<std::uint32_t> blocked_addresses_;
    std::set<std::string> dirty_;
    std::mutex store_mutex_; // guards store_
    Store store_;
    bool disk_full_ = false; // writer_'s thread only
    util::Periodic writer_;
};

} // namespace hearth::devices
