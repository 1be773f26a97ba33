#include "hearth/db/migrations.hpp"

#include "hearth/util/resources.hpp"
#include "hearth/util/strings.hpp"

#include <algorithm>
#include <string>

namespace hearth::db {

std::vector<Migration> embedded_migrations() {
    constexpr std::string_view prefix = "src/db/migrations/";
    std::vector<Migration> out;
    for (auto path : resources::list(prefix)) {
        auto name = path.substr(prefix.size());
        auto version = parse_uint(name.substr(0, name.find('_')));
        if (!version || !name.ends_with(".sql")) continue;
        out.push_back({static_cast<int>(*version), *resources::find(path)});
    }
    std::sort(out.begin(), out.end(),
              [](const Migration& a, const Migration& b) { return a.version < b.version; });
    return out;
}

int migrate(Database& db, const std::vector<Migration>& migrations) {
    auto stmt = db.prepare("PRAGMA user_version");
    stmt.step();
    const int before = static_cast<int>(stmt.int64(0));
    const int newest = migrations.empty() ? 0 : migrations.back().version;
    if (before > newest) {
        throw Error("database version " + std::to_string(before) + " is newer than this Hearth knows (" +
                    std::to_string(newest) + ")");
    }
    for (const auto& m : migrations) {
        if (m.version <= before) continue;
        Transaction tx(db);
        db.exec(m.sql);
        db.exec("PRAGMA user_version = " + std::to_string(m.version));
        tx.commit();
    }
    return before;
}

void configure_writer(Database& db) {
    db.exec("PRAGMA journal_mode = WAL");
    // NORMAL is crash-safe in WAL mode: a power cut may lose the last transactions, never the database.
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
    migrate(db);
}

} // namespace hearth::db
