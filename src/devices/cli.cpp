#include "hearth/devices/cli.hpp"

#include "hearth/devices/registry.hpp"
#include "hearth/util/strings.hpp"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <ostream>

namespace hearth::devices {
namespace {

constexpr const char* kUsage =
    "usage: hearth devices list | approve ID | block ID [--db FILE] [--config FILE]\n";

std::string when(std::int64_t unix_seconds) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

void print(std::ostream& out, const std::vector<Device>& devices) {
    out << "ID\tSTATUS\tADDRESS\tMAC\tNAME\tUSER-AGENT\tLAST-SEEN\n";
    for (const auto& d : devices) {
        out << d.id << '\t' << status_name(d.status) << '\t' << d.address << '\t' << d.mac.value_or("-")
            << '\t' << d.name.value_or("-") << '\t' << d.user_agent.value_or("-") << '\t' << when(d.last_seen)
            << '\n';
    }
}

} // namespace

int run_cli(const std::vector<std::string>& args, const Environment& env, std::ostream& out,
            std::ostream& err) {
    if (args.empty()) {
        err << kUsage;
        return 2;
    }
    const std::string& verb = args[0];
    std::size_t options_from = 1;
    std::optional<std::int64_t> id;
    if (verb == "approve" || verb == "block") {
        auto parsed = args.size() > 1 ? parse_uint(args[1]) : std::nullopt;
        if (!parsed) {
            err << "hearth devices " << verb << ": expected a device ID (see 'hearth devices list')\n";
            return 2;
        }
        id = static_cast<std::int64_t>(*parsed);
        options_from = 2;
    } else if (verb != "list") {
        err << "hearth devices: unknown command '" << verb << "'\n" << kUsage;
        return 2;
    }
    auto parsed = parse_options({args.begin() + static_cast<std::ptrdiff_t>(options_from), args.end()}, env);
    if (!parsed.config) {
        (parsed.exit_code == 0 ? out : err) << parsed.output;
        return parsed.exit_code;
    }
    std::error_code ec;
    // Run by the owner from a shell, the per-user default is rarely the service's database: use the service's
    // when no --db was given and only that one exists.
    const std::filesystem::path service_db = "/var/lib/hearth/hearth.db";
    bool db_given =
        std::find(args.begin(), args.end(), "--db") != args.end() ||
        std::any_of(args.begin(), args.end(), [](const std::string& a) { return a.starts_with("--db="); });
    if (!db_given && !std::filesystem::exists(parsed.config->db_path, ec) &&
        std::filesystem::exists(service_db, ec)) {
        parsed.config->db_path = service_db;
    }
    if (!std::filesystem::exists(parsed.config->db_path, ec)) {
        err << "hearth devices: no database at " << parsed.config->db_path.string() << " (see --db)\n";
        return 2;
    }
    Store store(parsed.config->db_path);
    if (!id) {
        print(out, store.list());
        return 0;
    }
    Status status = verb == "approve" ? Status::approved : Status::blocked;
    if (!store.set_status(*id, status)) {
        err << "hearth devices " << verb << ": no device with ID " << *id << "\n";
        return 2;
    }
    auto device = store.find(*id);
    out << (verb == "approve" ? "approved " : "blocked ") << *id << " ("
        << (device ? device->name.value_or(device->address) : std::string("?")) << ")\n";
    return 0;
}

} // namespace hearth::devices
