#pragma once
// Thin RAII layer over SQLite: the only code that touches sqlite3* and sqlite3_stmt*.
// A Database and its Statements belong to one thread at a time.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace hearth::db {

class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// SQLITE_FULL: the disk holding the database (or its WAL) has no space left. Writers stop and retry later;
/// readers are unaffected, so serving goes on from what is indexed.
class DiskFull : public Error {
  public:
    using Error::Error;
};

class Statement {
  public:
    Statement(sqlite3* db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;

    // Parameters are 1-based, as in SQLite.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, double value);
    Statement& bind_null(int index);
    Statement& bind(int index, const std::optional<std::int64_t>& value);
    Statement& bind(int index, const std::optional<std::string>& value);

    /// Advances to the next row; false when done.
    bool step();
    /// Runs a statement that returns no rows.
    void exec();
    void reset();

    bool is_null(int column) const;
    std::int64_t int64(int column) const;
    /// How many columns a row of this statement has.
    int column_count() const;
    double real(int column) const;
    std::string text(int column) const;
    std::optional<std::int64_t> opt_int64(int column) const;
    std::optional<std::string> opt_text(int column) const;
    /// text() and opt_text() into an existing string, reusing its buffer (rows read in a loop).
    void read_text(int column, std::string& into) const;
    void read_opt_text(int column, std::optional<std::string>& into) const;

  private:
    sqlite3* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
};

enum class OpenMode { read_write_create, read_only };

class Database {
  public:
    Database(const std::filesystem::path& path, OpenMode mode);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(std::string_view sql);
    Statement prepare(std::string_view sql) { return Statement(db_, sql); }
    std::int64_t last_insert_id() const;
    int changes() const;
    sqlite3* handle() { return db_; }

  private:
    sqlite3* db_ = nullptr;
};

/// Begins a transaction on construction; rolls back on destruction unless commit() was called.
class Transaction {
  public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

  private:
    Database& db_;
    bool done_ = false;
};

} // namespace hearth::db
