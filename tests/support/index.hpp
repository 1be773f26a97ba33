#pragma once
// The one writer connection a test fills a fresh index through, opened as the scanner opens its own: the
// schema is created on first open, then the writer's settings. Tests read the index back the way the server
// does.
#include "hearth/db/migrations.hpp"
#include "hearth/db/sqlite.hpp"

#include <filesystem>

namespace hearth::test {

class IndexWriter : public db::Database {
  public:
    explicit IndexWriter(const std::filesystem::path& path)
        : Database(path, db::OpenMode::read_write_create) {
        db::configure_writer(*this);
    }
};

} // namespace hearth::test
