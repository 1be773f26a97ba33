#pragma once
#include "hearth/db/sqlite.hpp"

#include <string_view>
#include <vector>

namespace hearth::db {

struct Migration {
    int version;          ///< NNNN from the file name
    std::string_view sql; ///< the file's text
};

/// The embedded src/db/migrations/NNNN_*.sql files, in version order.
std::vector<Migration> embedded_migrations();

/// Brings the database to the newest version: applies each newer migration in its own transaction and sets
/// PRAGMA user_version with it. Throws db::Error when the file is newer than this program knows.
/// Returns the version the database had before.
int migrate(Database& db, const std::vector<Migration>& migrations = embedded_migrations());

/// Opens (creating if needed) the writable database in WAL mode and migrates it.
void configure_writer(Database& db);

} // namespace hearth::db
