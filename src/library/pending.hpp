#pragma once
// The files a walk found to probe (library/walk.hpp), handed to the probe pool (library/probe_pool.hpp) and
// the index writer (library/index_writer.hpp). Private to the scanner.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace hearth::library {

// A file found by the walk, waiting to be probed. The whole list is held while the probe pool works
// through it, at the scan's memory peak, so it is kept small: the path is a view into PendingFiles' blocks
// (an fs::path holds its parsed components too, ~450 bytes for a path six folders deep; a std::string per
// file is a heap block of its own).
struct Pending {
    std::string_view path;
    std::int64_t parent_id;
    std::int64_t size;
    std::int64_t mtime;
    std::optional<std::int64_t> existing_id;
};

// The files to probe, with their paths stored end to end in blocks that never move. A deque, not a vector:
// a vector doubling its capacity holds the old and the new array at once (at 20,000 files, the list and
// its paths went from ~3.8 to ~2 MiB).
class PendingFiles {
  public:
    /// Keeps a copy of f's path; the view f brings may go once this returns.
    void push_back(Pending f) {
        f.path = keep(f.path);
        files_.push_back(f);
    }
    std::size_t size() const { return files_.size(); }
    const Pending& operator[](std::size_t i) const { return files_[i]; }
    auto begin() { return files_.begin(); }
    auto end() { return files_.end(); }

  private:
    static constexpr std::size_t kBlock = 64 * 1024;

    std::string_view keep(std::string_view path) {
        if (blocks_.empty() || used_ + path.size() > block_size_) {
            block_size_ = std::max(kBlock, path.size());
            blocks_.push_back(std::make_unique<char[]>(block_size_));
            used_ = 0;
        }
        char* at = blocks_.back().get() + used_;
        std::copy(path.begin(), path.end(), at);
        used_ += path.size();
        return {at, path.size()};
    }

    std::deque<Pending> files_;
    std::vector<std::unique_ptr<char[]>> blocks_;
    std::size_t block_size_ = 0;
    std::size_t used_ = 0;
};

} // namespace hearth::library
