// ReaderPool: connections are reused, and renewed once a scan has changed the index since they opened.
#include "hearth/db/migrations.hpp"
#include "hearth/db/objects.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace hearth::db {
namespace {

TEST(ReaderPool, RenewsConnectionsOpenedBeforeTheIndexChanged) {
    test::TempDir dir;
    Database writer(dir / "index.db", OpenMode::read_write_create);
    configure_writer(writer);
    writer.exec("INSERT INTO settings VALUES('system_update_id', '7')");
    ReaderPool pool(dir / "index.db");
    const ObjectReader* first = nullptr;
    {
        auto lease = pool.acquire();
        EXPECT_EQ(lease->opened_at_update(), 7);
        first = &*lease;
    }
    {
        auto lease = pool.acquire();
        EXPECT_EQ(&*lease, first); // unchanged index: the idle connection is reused
    }
    writer.exec("UPDATE settings SET value = '8' WHERE key = 'system_update_id'");
    auto lease = pool.acquire();
    EXPECT_EQ(lease->opened_at_update(), 8); // a connection opened after the change
    EXPECT_EQ(lease->system_update_id(), 8);
}

} // namespace
} // namespace hearth::db
