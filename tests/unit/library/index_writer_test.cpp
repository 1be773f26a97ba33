// The index writer's finish() (library/index_writer.hpp), on rows written straight through the writer: what
// it removes and commits, the counts it keeps, and when it bumps SystemUpdateID.
#include "hearth/db/objects.hpp"
#include "hearth/db/sqlite.hpp"
#include "hearth/library/views.hpp"
#include "library/index_writer.hpp"
#include "support/temp_dir.hpp"
#include "unit/library/probed_video.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace fs = std::filesystem;

namespace hearth::library {
namespace {

class IndexWriterTest : public ::testing::Test {
  protected:
    test::TempDir state;
    fs::path db_path = state / "index.db";
    fs::path root = "/srv/media";

    // Keeps the path Pending points at alive for the call.
    void put(IndexWriter& w, const std::string& path, std::int64_t parent) {
        w.put_item(Pending{path, parent, 4, 100, std::nullopt}, test::probed_video(), std::nullopt);
    }

    // Read through another connection: only what was committed.
    std::optional<std::int64_t> read(const std::string& sql, const std::string& arg = "") {
        db::Database db(db_path, db::OpenMode::read_only);
        auto s = db.prepare(sql);
        if (!arg.empty()) s.bind(1, arg);
        return s.step() ? std::optional<std::int64_t>(s.int64(0)) : std::nullopt;
    }
    std::optional<std::int64_t> setting(const std::string& key) {
        return read("SELECT value FROM settings WHERE key = ?", key);
    }
    std::optional<std::int64_t> id_of(const std::string& path) {
        return read("SELECT id FROM objects WHERE path = ?", path);
    }

    struct First {
        std::int64_t root, a, b;
    };
    // The first pass: the media folder with a.mkv and b.mkv.
    First first_pass() {
        IndexWriter w(db_path);
        First ids{};
        ids.root = w.add_container(root, db::kRootId);
        put(w, "/srv/media/a.mkv", ids.root);
        put(w, "/srv/media/b.mkv", ids.root);
        EXPECT_EQ(w.finish(nullptr, {}), 0);
        ids.a = *id_of("/srv/media/a.mkv");
        ids.b = *id_of("/srv/media/b.mkv");
        return ids;
    }
};

TEST_F(IndexWriterTest, FinishCommitsThePassWithItsCounts) {
    IndexWriter w(db_path);
    EXPECT_EQ(w.generation(), 1);
    const auto folder = w.add_container(root, db::kRootId);
    put(w, "/srv/media/a.mkv", folder);
    put(w, "/srv/media/b.mkv", folder);
    EXPECT_EQ(w.finish(nullptr, {}), 0);
    EXPECT_EQ(w.system_update_id(), 1);
    EXPECT_EQ(w.files_in_index(), 2);
    auto changed = w.changed_containers();
    std::sort(changed.begin(), changed.end());
    EXPECT_EQ(changed, (std::vector<std::int64_t>{db::kRootId, folder}));
    EXPECT_EQ(read("SELECT child_count FROM objects WHERE id = ?", std::to_string(folder)), 2);
    EXPECT_EQ(setting("scan_generation"), 1);
    EXPECT_EQ(setting("system_update_id"), 1);
    EXPECT_EQ(setting("files_in_index"), 2);
    EXPECT_EQ(setting("counts_pending"), std::nullopt); // the pass finished: nothing left to redo
    EXPECT_EQ(read("SELECT COUNT(*) FROM objects WHERE position IS NULL"), 0);
    EXPECT_EQ(read("SELECT value FROM settings WHERE key = 'views_version'"), kViewsVersion);
}

TEST_F(IndexWriterTest, FinishRemovesTheUnseenAndCountsThem) {
    const auto ids = first_pass();
    IndexWriter w(db_path);
    EXPECT_EQ(w.generation(), 2);
    EXPECT_EQ(w.finish(nullptr, {ids.b}), 1);
    EXPECT_FALSE(id_of("/srv/media/b.mkv"));
    EXPECT_EQ(id_of("/srv/media/a.mkv"), ids.a);
    EXPECT_EQ(w.system_update_id(), 2);
    EXPECT_EQ(w.files_in_index(), 1);
    EXPECT_EQ(w.changed_containers(), std::vector<std::int64_t>{ids.root});
    EXPECT_EQ(read("SELECT child_count FROM objects WHERE id = ?", std::to_string(ids.root)), 1);
}

TEST_F(IndexWriterTest, AnUnchangedPassBumpsNothing) {
    const auto ids = first_pass();
    IndexWriter w(db_path);
    EXPECT_EQ(w.finish(nullptr, {}), 0);
    EXPECT_EQ(w.system_update_id(), 1);
    EXPECT_TRUE(w.changed_containers().empty());
    EXPECT_EQ(w.files_in_index(), 2);
    EXPECT_EQ(setting("scan_generation"), 2);
    EXPECT_EQ(id_of("/srv/media/b.mkv"), ids.b);
}

TEST_F(IndexWriterTest, ARowThisPassWroteIsNotRemoved) {
    const auto ids = first_pass();
    IndexWriter w(db_path);
    w.relocate(ids.b, "/srv/media/c.mkv", ids.root, ids.root); // b.mkv renamed: loaded, not found at b
    EXPECT_EQ(w.finish(nullptr, {ids.b}), 0);
    EXPECT_EQ(id_of("/srv/media/c.mkv"), ids.b);
    EXPECT_EQ(w.system_update_id(), 2); // a rename is a change renderers see
}

TEST_F(IndexWriterTest, AVanishedFolderTakesWhatIsUnderIt) {
    IndexWriter w(db_path);
    const auto folder = w.add_container(root, db::kRootId);
    const auto show = w.add_container("/srv/media/Show", folder);
    put(w, "/srv/media/Show/e1.mkv", show);
    put(w, "/srv/media/a.mkv", folder);
    w.finish(nullptr, {});
    IndexWriter partial(db_path);
    // A partial pass over the media folder: Show is gone; its episode was not loaded as unseen.
    const std::vector<std::int64_t> walked{folder};
    EXPECT_EQ(partial.finish(&walked, {show}), 2);
    EXPECT_FALSE(id_of("/srv/media/Show/e1.mkv"));
    EXPECT_EQ(partial.files_in_index(), 1);
    EXPECT_EQ(partial.changed_containers(), std::vector<std::int64_t>{folder}); // Show itself is gone
}

TEST_F(IndexWriterTest, HiddenRowsAreKeptButNotCounted) {
    const auto ids = first_pass();
    IndexWriter w(db_path);
    EXPECT_TRUE(w.take_offline(root));
    EXPECT_FALSE(w.take_offline(root)); // already offline
    EXPECT_EQ(w.hide_tree(root, db::kRootId), 2);
    EXPECT_EQ(w.finish(nullptr, {}), 0);
    EXPECT_EQ(w.files_in_index(), 0);
    EXPECT_EQ(w.system_update_id(), 2);
    EXPECT_EQ(read("SELECT parent_id FROM objects WHERE id = ?", std::to_string(ids.root)),
              db::kOfflineParentId);
    EXPECT_EQ(read("SELECT parent_id FROM objects WHERE id = ?", std::to_string(ids.a)),
              hidden_parent(ids.root));
    EXPECT_TRUE(w.has_children(ids.root)); // hidden children count
}

TEST_F(IndexWriterTest, FolderStampsAreCommittedByFinishOnly) {
    const auto ids = first_pass();
    {
        IndexWriter killed(db_path);
        killed.set_folder_stamp(ids.root, 1234);
    } // no finish(): the pass was stopped, the stamp is rolled back
    EXPECT_EQ(read("SELECT COALESCE(folder_stamp, 0) FROM objects WHERE id = ?", std::to_string(ids.root)),
              0);
    IndexWriter w(db_path);
    w.set_folder_stamp(ids.root, 1234);
    w.finish(nullptr, {});
    EXPECT_EQ(read("SELECT folder_stamp FROM objects WHERE id = ?", std::to_string(ids.root)), 1234);
}

TEST_F(IndexWriterTest, AKilledPassLeavesItsMarkForTheNext) {
    const auto ids = first_pass();
    {
        IndexWriter killed(db_path);
        put(killed, "/srv/media/new.mkv", ids.root);
        killed.flush(); // a batch committed, then killed before finish()
    }
    EXPECT_EQ(setting("counts_pending"), 1);
    EXPECT_EQ(read("SELECT child_count FROM objects WHERE id = ?", std::to_string(ids.root)), 2); // stale
    IndexWriter next(db_path);
    const std::vector<std::int64_t> walked; // a pass that reads no folder still fixes the counts
    next.finish(&walked, {});
    EXPECT_EQ(read("SELECT child_count FROM objects WHERE id = ?", std::to_string(ids.root)), 3);
    EXPECT_EQ(setting("counts_pending"), std::nullopt);
    EXPECT_EQ(read("SELECT COUNT(*) FROM objects WHERE position IS NULL"), 0);
}

} // namespace
} // namespace hearth::library
