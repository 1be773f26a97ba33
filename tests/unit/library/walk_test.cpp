// The walk's rules for what cannot be read and what moved (library/walk.hpp), driven the way
// Scanner::index drives it but with each queued file indexed as a small video instead of probed: a media
// folder missing or suddenly empty goes offline, a folder inside one that is suddenly empty is hidden, each
// row keeping its id; a moved or renamed file keeps its id.
#include "hearth/db/objects.hpp"
#include "hearth/db/sqlite.hpp"
#include "library/index_writer.hpp"
#include "library/walk.hpp"
#include "support/temp_dir.hpp"
#include "unit/library/probed_video.hpp"

#include <gtest/gtest.h>

namespace fs = std::filesystem;

namespace hearth::library {
namespace {

struct Row {
    std::int64_t id;
    std::int64_t parent;
};

class WalkTest : public ::testing::Test {
  protected:
    test::TempDir media;
    test::TempDir state;
    test::TempDir away; ///< where a test puts what it takes out of the media folder
    fs::path db_path = state / "index.db";
    std::vector<fs::path> roots{media.path()};

    struct Pass {
        std::vector<std::string> queued; ///< the files the walk queued for probing
        std::int64_t removed = 0;
        ScanSummary summary;
    };

    Pass pass(const std::vector<fs::path>* scope = nullptr) {
        IndexWriter writer(db_path);
        Pass out;
        ScanProgress progress;
        const std::function<void(const fs::path&)> no_hook;
        Walk walk(writer, roots, out.summary, progress, scope, no_hook);
        const std::atomic<bool> stop{false};
        auto pending = walk.run(stop);
        for (const auto& f : pending) {
            out.queued.emplace_back(f.path);
            writer.put_item(f, test::probed_video(), std::nullopt);
        }
        walk.write_stamps();
        out.removed = writer.finish(scope ? &walk.walked() : nullptr, walk.unseen());
        return out;
    }

    std::optional<Row> row(const fs::path& path) {
        db::Database db(db_path, db::OpenMode::read_only);
        auto s = db.prepare("SELECT id, parent_id FROM objects WHERE path = ?");
        s.bind(1, std::string_view(path.native()));
        if (!s.step()) return std::nullopt;
        return Row{s.int64(0), s.int64(1)};
    }

    std::int64_t id(const fs::path& path) {
        auto r = row(path);
        EXPECT_TRUE(r) << path;
        return r ? r->id : -100;
    }

    std::int64_t parent(const fs::path& path) {
        auto r = row(path);
        EXPECT_TRUE(r) << path;
        return r ? r->parent : -100;
    }

    // Moves a file or folder; rename keeps its size and time, so the walk can know it again.
    static void move(const fs::path& from, const fs::path& to) {
        fs::create_directories(to.parent_path());
        fs::rename(from, to);
    }
};

TEST_F(WalkTest, AnEmptiedMediaFolderGoesOfflineAndComesBackWithTheSameIds) {
    media.write("Show/e1.mkv", "1111");
    media.write("top.mkv", "2222");
    ASSERT_EQ(pass().queued.size(), 2u);
    const auto root = id(media.path()), show = id(media / "Show");
    const auto e1 = id(media / "Show/e1.mkv"), top = id(media / "top.mkv");

    // The empty mount point an unmounted disk leaves.
    move(media / "Show", away / "Show");
    move(media / "top.mkv", away / "top.mkv");
    auto gone = pass();
    EXPECT_EQ(gone.removed, 0);
    EXPECT_TRUE(gone.queued.empty());
    EXPECT_EQ(parent(media.path()), db::kOfflineParentId);
    EXPECT_EQ(parent(media / "Show"), hidden_parent(root));
    EXPECT_EQ(parent(media / "top.mkv"), hidden_parent(root));
    EXPECT_EQ(parent(media / "Show/e1.mkv"), hidden_parent(show));

    move(away / "Show", media / "Show");
    move(away / "top.mkv", media / "top.mkv");
    auto back = pass();
    EXPECT_EQ(back.removed, 0);
    EXPECT_TRUE(back.queued.empty()); // known again by size and time: not probed again
    EXPECT_EQ(row(media.path())->id, root);
    EXPECT_EQ(parent(media.path()), db::kRootId);
    EXPECT_EQ(row(media / "Show")->id, show);
    EXPECT_EQ(parent(media / "Show"), root);
    EXPECT_EQ(row(media / "Show/e1.mkv")->id, e1);
    EXPECT_EQ(parent(media / "Show/e1.mkv"), show);
    EXPECT_EQ(row(media / "top.mkv")->id, top);
    EXPECT_EQ(parent(media / "top.mkv"), root);
}

TEST_F(WalkTest, AMissingMediaFolderGoesOfflineAndComesBackWithTheSameIds) {
    media.write("a.mkv", "1111");
    pass();
    const auto root = id(media.path()), a = id(media / "a.mkv");

    move(media.path(), away / "media");
    EXPECT_EQ(pass().removed, 0);
    EXPECT_EQ(parent(media.path()), db::kOfflineParentId);
    EXPECT_EQ(parent(media / "a.mkv"), hidden_parent(root));

    move(away / "media", media.path());
    EXPECT_TRUE(pass().queued.empty());
    EXPECT_EQ(parent(media.path()), db::kRootId);
    EXPECT_EQ(row(media / "a.mkv")->id, a);
    EXPECT_EQ(parent(media / "a.mkv"), root);
}

TEST_F(WalkTest, ASubfolderSuddenlyEmptyIsHiddenNotDeleted) {
    media.write("Show/e1.mkv", "1111");
    media.write("Show/e2.mkv", "2222");
    media.write("other.mkv", "3333");
    pass();
    const auto root = id(media.path()), show = id(media / "Show"), e1 = id(media / "Show/e1.mkv");

    move(media / "Show/e1.mkv", away / "e1.mkv");
    move(media / "Show/e2.mkv", away / "e2.mkv");
    EXPECT_EQ(pass().removed, 0);
    EXPECT_EQ(parent(media / "Show"), root); // the folder itself is still there
    EXPECT_EQ(parent(media / "Show/e1.mkv"), hidden_parent(show));
    EXPECT_EQ(parent(media / "Show/e2.mkv"), hidden_parent(show));
    EXPECT_EQ(parent(media / "other.mkv"), root);

    move(away / "e1.mkv", media / "Show/e1.mkv");
    move(away / "e2.mkv", media / "Show/e2.mkv");
    EXPECT_TRUE(pass().queued.empty());
    EXPECT_EQ(row(media / "Show/e1.mkv")->id, e1);
    EXPECT_EQ(parent(media / "Show/e1.mkv"), show);
    EXPECT_EQ(parent(media / "Show/e2.mkv"), show);
}

TEST_F(WalkTest, AFileDeletedBesideOthersIsRemoved) {
    media.write("Show/e1.mkv", "1111");
    media.write("Show/e2.mkv", "2222");
    pass();
    fs::remove(media / "Show/e2.mkv");
    EXPECT_EQ(pass().removed, 1); // only an emptied folder is taken for an unmounted one
    EXPECT_FALSE(row(media / "Show/e2.mkv"));
    EXPECT_EQ(parent(media / "Show/e1.mkv"), id(media / "Show"));
}

TEST_F(WalkTest, AMovedFileKeepsItsId) {
    media.write("a/x.mkv", "1111");
    fs::create_directories(media / "b");
    pass();
    const auto x = id(media / "a/x.mkv");

    move(media / "a/x.mkv", media / "b/x.mkv");
    auto moved = pass();
    EXPECT_EQ(moved.removed, 0);
    EXPECT_FALSE(row(media / "a/x.mkv"));
    EXPECT_EQ(row(media / "b/x.mkv")->id, x);
    EXPECT_EQ(parent(media / "b/x.mkv"), id(media / "b"));

    // The same in a partial pass over the two folders inotify saw change.
    move(media / "b/x.mkv", media / "a/x.mkv");
    const std::vector<fs::path> scope{media / "a", media / "b"};
    EXPECT_EQ(pass(&scope).removed, 0);
    EXPECT_EQ(row(media / "a/x.mkv")->id, x);
    EXPECT_EQ(parent(media / "a/x.mkv"), id(media / "a"));
}

TEST_F(WalkTest, ARenamedFileKeepsItsIdWhenItsExtensionStays) {
    media.write("a/x.mkv", "1111");
    media.write("a/p.mkv", "2222");
    pass();
    const auto x = id(media / "a/x.mkv"), p = id(media / "a/p.mkv");

    move(media / "a/x.mkv", media / "a/y.mkv");
    move(media / "a/p.mkv", media / "a/p.webm"); // another format: a new file to renderers
    auto renamed = pass();
    EXPECT_EQ(row(media / "a/y.mkv")->id, x);
    ASSERT_TRUE(row(media / "a/p.webm"));
    EXPECT_NE(row(media / "a/p.webm")->id, p);
    EXPECT_EQ(renamed.removed, 1); // p.mkv's row
}

} // namespace
} // namespace hearth::library
