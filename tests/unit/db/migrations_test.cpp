#include "hearth/db/migrations.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace hearth::db {
namespace {

int user_version(Database& db) {
    auto s = db.prepare("PRAGMA user_version");
    s.step();
    return static_cast<int>(s.int64(0));
}

bool has_table(Database& db, const std::string& name) {
    auto s = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    s.bind(1, name);
    return s.step();
}

TEST(Migrations, EmbeddedFilesAreNumberedFromOneWithoutGaps) {
    auto all = embedded_migrations();
    ASSERT_FALSE(all.empty());
    for (std::size_t i = 0; i < all.size(); ++i)
        EXPECT_EQ(all[i].version, static_cast<int>(i + 1));
}

TEST(Migrations, EmptyDatabaseReachesNewestVersion) {
    test::TempDir dir;
    Database db(dir / "index.db", OpenMode::read_write_create);
    EXPECT_EQ(migrate(db), 0);
    EXPECT_EQ(user_version(db), embedded_migrations().back().version);
    EXPECT_TRUE(has_table(db, "objects"));
    EXPECT_TRUE(has_table(db, "settings"));
    EXPECT_TRUE(has_table(db, "skipped"));
}

TEST(Migrations, RunningTwiceChangesNothing) {
    test::TempDir dir;
    Database db(dir / "index.db", OpenMode::read_write_create);
    migrate(db);
    db.exec("INSERT INTO settings(key, value) VALUES('device_uuid', 'abc')");
    EXPECT_EQ(migrate(db), embedded_migrations().back().version);
    auto s = db.prepare("SELECT value FROM settings WHERE key = 'device_uuid'");
    ASSERT_TRUE(s.step());
    EXPECT_EQ(s.text(0), "abc");
}

TEST(Migrations, AppliesOnlyTheNewerOnesFromAnOlderVersion) {
    test::TempDir dir;
    Database db(dir / "index.db", OpenMode::read_write_create);
    std::vector<Migration> v1 = {{1, "CREATE TABLE a (x INTEGER);"}};
    std::vector<Migration> v2 = {{1, "CREATE TABLE a (x INTEGER);"}, {2, "ALTER TABLE a ADD COLUMN y TEXT;"}};
    migrate(db, v1);
    db.exec("INSERT INTO a(x) VALUES(7)");
    EXPECT_EQ(migrate(db, v2), 1);
    EXPECT_EQ(user_version(db), 2);
    auto s = db.prepare("SELECT x, y FROM a");
    ASSERT_TRUE(s.step());
    EXPECT_EQ(s.int64(0), 7);
    EXPECT_TRUE(s.is_null(1));
}

TEST(Migrations, FailedMigrationLeavesTheVersionAndDataAsTheyWere) {
    test::TempDir dir;
    Database db(dir / "index.db", OpenMode::read_write_create);
    std::vector<Migration> good = {{1, "CREATE TABLE a (x INTEGER);"}};
    migrate(db, good);
    std::vector<Migration> bad = {{1, "CREATE TABLE a (x INTEGER);"},
                                  {2, "CREATE TABLE b (y INTEGER); THIS IS NOT SQL;"}};
    EXPECT_THROW(migrate(db, bad), Error);
    EXPECT_EQ(user_version(db), 1);
    EXPECT_FALSE(has_table(db, "b"));
}

TEST(Migrations, RefusesADatabaseFromANewerHearth) {
    test::TempDir dir;
    Database db(dir / "index.db", OpenMode::read_write_create);
    db.exec("PRAGMA user_version = 999");
    EXPECT_THROW(migrate(db), Error);
}

} // namespace
} // namespace hearth::db
