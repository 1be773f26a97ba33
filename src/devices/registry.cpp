#include "hearth/devices/registry.hpp"

#include "hearth/db/migrations.hpp"
#include "hearth/net/interfaces.hpp"
#include "hearth/util/log.hpp"
#include "hearth/util/strings.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

namespace hearth::devices {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kKeyCacheTime = std::chrono::seconds(60);
constexpr auto kSyncInterval = std::chrono::seconds(1);

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Device read_device(const db::Statement& s) {
    Device d;
    d.id = s.int64(0);
    d.key = s.text(1);
    d.address = s.text(2);
    d.mac = s.opt_text(3);
    d.name = s.opt_text(4);
    d.user_agent = s.opt_text(5);
    d.first_seen = s.int64(6);
    d.last_seen = s.int64(7);
    d.status = parse_status(s.text(8)).value_or(Status::pending);
    return d;
}

constexpr const char* kColumns = "id, key, address, mac, name, user_agent, first_seen, last_seen, status";

std::string clip(std::string_view text, std::size_t max) {
    return sanitize_utf8(text.substr(0, max));
}

} // namespace

std::string_view status_name(Status s) {
    switch (s) {
    case Status::pending:
        return "pending";
    case Status::approved:
        return "approved";
    case Status::blocked:
        return "blocked";
    }
    return "pending";
}

std::optional<Status> parse_status(std::string_view text) {
    if (text == "pending") return Status::pending;
    if (text == "approved") return Status::approved;
    if (text == "blocked") return Status::blocked;
    return std::nullopt;
}

std::optional<std::string> mac_from_arp(std::string_view arp_table, in_addr address) {
    const std::string ip = net::to_string(address);
    for (auto line : split(arp_table, '\n')) {
        std::istringstream fields{std::string(line)};
        std::string addr, hw_type, flags, mac;
        if (!(fields >> addr >> hw_type >> flags >> mac) || addr != ip) continue;
        if (flags == "0x0" || mac == "00:00:00:00:00:00") return std::nullopt; // incomplete entry
        return to_lower(mac);
    }
    return std::nullopt;
}

std::optional<std::string> name_from_headers(std::string_view friendly_name,
                                             std::string_view av_client_info) {
    auto name = trim(friendly_name);
    if (!name.empty()) return clip(name, 128);
    auto mn = av_client_info.find("mn=\"");
    if (mn == std::string_view::npos) return std::nullopt;
    auto rest = av_client_info.substr(mn + 4);
    auto end = rest.find('"');
    auto model = trim(rest.substr(0, end));
    if (model.empty()) return std::nullopt;
    return clip(model, 128);
}

Store::Store(const std::filesystem::path& db_path) : db_(db_path, db::OpenMode::read_write_create) {
    db::configure_writer(db_);
}

std::vector<Device> Store::list() {
    auto s = db_.prepare(std::string("SELECT ") + kColumns + " FROM devices ORDER BY id");
    std::vector<Device> out;
    while (s.step())
        out.push_back(read_device(s));
    return out;
}

std::optional<Device> Store::find(std::int64_t id) {
    auto s = db_.prepare(std::string("SELECT ") + kColumns + " FROM devices WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_device(s);
}

Device Store::insert_or_get(const Device& d) {
    auto insert =
        db_.prepare("INSERT INTO devices(key, address, mac, name, user_agent, first_seen, last_seen) "
                    "VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING");
    insert.bind(1, d.key).bind(2, d.address).bind(3, d.mac).bind(4, d.name).bind(5, d.user_agent);
    insert.bind(6, d.first_seen).bind(7, d.last_seen).exec();
    auto s = db_.prepare(std::string("SELECT ") + kColumns + " FROM devices WHERE key = ?");
    s.bind(1, d.key);
    if (!s.step()) throw db::Error("device row vanished after insert");
    return read_device(s);
}

void Store::touch(const Device& d) {
    auto s = db_.prepare("UPDATE devices SET address = ?, name = COALESCE(?, name), "
                         "user_agent = COALESCE(?, user_agent), last_seen = ? WHERE id = ?");
    s.bind(1, d.address).bind(2, d.name).bind(3, d.user_agent).bind(4, d.last_seen).bind(5, d.id).exec();
}

bool Store::set_status(std::int64_t id, Status status) {
    auto s = db_.prepare("UPDATE devices SET status = ? WHERE id = ?");
    s.bind(1, status_name(status)).bind(2, id).exec();
    return db_.changes() > 0;
}

Registry::Registry(const std::filesystem::path& db_path, Mode mode) : mode_(mode), store_(db_path) {
    reload();
}

Registry::~Registry() {
    stop();
}

void Registry::start() {
    writer_.start(kSyncInterval, [this] { sync(); });
}

void Registry::stop() {
    writer_.stop();
    try {
        flush();
    } catch (const std::exception& e) {
        log::warning("devices: last-seen times not saved: ", e.what());
    }
}

std::string Registry::key_for(in_addr address) {
    {
        std::lock_guard lock(mutex_);
        auto it = key_cache_.find(address.s_addr);
        if (it != key_cache_.end() && Clock::now() - it->second.second < kKeyCacheTime)
            return it->second.first;
    }
    std::ifstream arp("/proc/net/arp");
    std::stringstream text;
    text << arp.rdbuf();
    auto mac = mac_from_arp(text.str(), address);
    std::string key = mac ? "mac:" + *mac : "ip:" + net::to_string(address);
    std::lock_guard lock(mutex_);
    key_cache_[address.s_addr] = {key, Clock::now()};
    return key;
}

Registry::Seen Registry::seen(in_addr address, std::string_view user_agent, std::optional<std::string> name) {
    const auto key = key_for(address);
    const auto now = unix_now();
    {
        std::lock_guard lock(mutex_);
        auto it = by_key_.find(key);
        if (it != by_key_.end()) {
            Device& d = it->second;
            bool changed =
                d.address != net::to_string(address) || (name && d.name != name) || now - d.last_seen >= 30;
            if (changed) {
                d.address = net::to_string(address);
                if (name) d.name = name;
                if (!user_agent.empty()) d.user_agent = clip(user_agent, 256);
                d.last_seen = now;
                dirty_.insert(key);
            }
            return {d.id, d.status, d.name.value_or(d.address)};
        }
    }
    // First sight: write it now, so that the owner can approve it by id straight away.
    Device d;
    d.key = key;
    d.address = net::to_string(address);
    if (key.starts_with("mac:")) d.mac = key.substr(4);
    d.name = std::move(name);
    if (!user_agent.empty()) d.user_agent = clip(user_agent, 256);
    d.first_seen = d.last_seen = now;
    try {
        std::lock_guard store_lock(store_mutex_);
        d = store_.insert_or_get(d);
    } catch (const db::DiskFull&) {
        // Serving must go on while the disk holding the database is full: the device is treated as new and
        // undecided (id 0) for this request, and written at one of its next requests once space is back.
        log::debug("new device at ", d.address, " not saved: no space left");
        return {0, Status::pending, d.name.value_or(d.address)};
    }
    log::info("new device ", d.id, ": ", d.name.value_or("(no name)"), " at ", d.address, ", ",
              d.user_agent.value_or("no User-Agent"), " (", status_name(d.status), ")");
    std::lock_guard lock(mutex_);
    if (d.status == Status::blocked) blocked_addresses_.insert(address.s_addr);
    auto [it, inserted] = by_key_.emplace(key, d);
    return {it->second.id, it->second.status, it->second.name.value_or(it->second.address)};
}

bool Registry::is_blocked(in_addr address) const {
    std::lock_guard lock(mutex_);
    return blocked_addresses_.contains(address.s_addr);
}

std::vector<Device> Registry::snapshot() const {
    std::lock_guard lock(mutex_);
    std::vector<Device> out;
    for (const auto& [key, d] : by_key_)
        out.push_back(d);
    std::sort(out.begin(), out.end(), [](const Device& a, const Device& b) { return a.id < b.id; });
    return out;
}

bool Registry::set_status(std::int64_t id, Status status) {
    {
        std::lock_guard store_lock(store_mutex_);
        if (!store_.set_status(id, status)) return false;
    }
    reload();
    return true;
}

void Registry::reload() {
    std::vector<Device> rows;
    {
        std::lock_guard store_lock(store_mutex_);
        rows = store_.list();
    }
    std::lock_guard lock(mutex_);
    blocked_addresses_.clear();
    for (auto& row : rows) {
        auto it = by_key_.find(row.key);
        if (it == by_key_.end()) {
            it = by_key_.emplace(row.key, row).first;
        } else {
            it->second.status = row.status; // statuses come from the database; last-seen from memory
        }
        if (it->second.status == Status::blocked) {
            if (auto a = net::parse_ipv4(it->second.address)) blocked_addresses_.insert(a->s_addr);
        }
    }
}

void Registry::flush() {
    std::vector<Device> changed;
    {
        std::lock_guard lock(mutex_);
        for (const auto& key : dirty_)
            changed.push_back(by_key_.at(key));
        dirty_.clear();
    }
    if (changed.empty()) return;
    std::lock_guard store_lock(store_mutex_);
    for (const auto& d : changed)
        store_.touch(d);
}

void Registry::sync() {
    try {
        flush();
        reload();
        disk_full_ = false;
    } catch (const db::DiskFull& e) {
        // Last-seen times wait in memory; said once, not every second while the disk stays full.
        if (!disk_full_)
            log::warning("devices: ", e.what(), "; last-seen times are kept in memory meanwhile");
        disk_full_ = true;
    } catch (const std::exception& e) {
        log::warning("devices: ", e.what(), "; will retry");
    }
}

} // namespace hearth::devices
