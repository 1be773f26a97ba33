#include "hearth/library/live.hpp"

#include "hearth/library/settle.hpp"
#include "hearth/library/watch_limit.hpp"
#include "hearth/library/watcher.hpp"
#include "hearth/util/log.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <poll.h>
#include <set>
#include <sstream>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace hearth::library {

namespace {

std::string read_mountinfo() {
    std::ifstream in("/proc/self/mountinfo");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// mountinfo escapes space, tab, newline and backslash in paths as \ooo (octal).
std::string unescape_mount_path(std::string_view text) {
    std::string out;
    auto octal = [&](std::size_t at) { return at < text.size() && text[at] >= '0' && text[at] <= '7'; };
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && octal(i + 1) && octal(i + 2) && octal(i + 3)) {
            out +=
                static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0'));
            i += 3;
        } else {
            out += text[i];
        }
    }
    return out;
}

// The calling thread only (Linux: nice and I/O priority are per thread; threads it starts inherit them).
// A failure leaves the priority as it was (said once): under the shipped unit, whose system call filter
// denies @resources to keep the service's exposure low, the pass runs at normal priority (it is a stat per
// file, and probes only what changed). The I/O class is best effort at its lowest level
// rather than idle: the pass holds the index's write lock, and under a disk kept busy by streams the idle
// class could starve it, and with it every index write.
void lower_own_priority() {
    const auto tid = static_cast<id_t>(::gettid());
    const bool niced = ::setpriority(PRIO_PROCESS, tid, 19) == 0;
    constexpr int kWhoProcess = 1, kClassBestEffort = 2, kLowest = 7, kClassShift = 13; // linux/ioprio.h
    const bool io = ::syscall(SYS_ioprio_set, kWhoProcess, static_cast<int>(tid),
                              (kClassBestEffort << kClassShift) | kLowest) == 0;
    static std::once_flag said;
    if (!niced || !io) {
        std::call_once(said, [] {
            log::info("verification pass: could not lower its priority (", std::strerror(errno),
                      "); it runs at normal priority");
        });
    }
}

} // namespace

std::set<fs::path> mount_points_under(std::string_view mountinfo, const std::vector<fs::path>& roots) {
    std::set<fs::path> out;
    std::istringstream lines{std::string(mountinfo)};
    std::string line;
    while (std::getline(lines, line)) {
        // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw": the fifth field is where.
        std::istringstream fields(line);
        std::string id, parent, device, source, where;
        if (!(fields >> id >> parent >> device >> source >> where)) continue;
        const fs::path at(unescape_mount_path(where));
        for (const auto& root : roots) {
            const auto rel = at.lexically_relative(root);
            if (!rel.empty() && *rel.begin() != "..") out.insert(at);
        }
    }
    return out;
}

std::chrono::seconds presence_check_interval(std::chrono::seconds rescan_interval) {
    constexpr std::chrono::seconds kMostly{30};
    return rescan_interval.count() > 0 ? std::min(rescan_interval, kMostly) : kMostly;
}

// The loop's state, on its own thread only.
class LiveLibrary::Loop {
  public:
    explicit Loop(LiveLibrary& owner)
        : owner_(owner), settler_(ChangeSettler::Timing{owner.options_.quiet}) {}

    void run() {
        restart(true);
        while (!owner_.stopping_.load()) {
            wait();
            if (owner_.stopping_.load()) return;
            // A SIGHUP, or an inotify overflow among the events: rescan everything now, not at the next wake.
            if (!owner_.full_requested_.load()) take_events();
            if (owner_.full_requested_.exchange(false)) {
                restart(false);
                continue;
            }
            if (!owner_.stopping_.load()) scan_settled();
            if (!owner_.stopping_.load()) periodic();
            if (!owner_.stopping_.load() && verify_at_ && Clock::now() >= *verify_at_) verify();
        }
    }

  private:
    // New media folders (or the first time): watch everything, then scan everything. Watching first means
    // that nothing changing during the scan goes unseen. At start, only the folders changed since the index
    // was last brought up to date are read (Scanner::run_start); every file is verified some time later.
    void restart(bool at_start) {
        roots_ = owner_.roots_();
        watcher_ = std::make_unique<Watcher>(owner_.options_.watch_limit);
        settler_ = ChangeSettler(ChangeSettler::Timing{owner_.options_.quiet});
        if (!at_start) {
            for (const auto& root : roots_) {
                if (!watcher_->watch_tree(root)) break;
            }
            report_watches();
        }
        mounts_ = mount_points_under(read_mountinfo(), roots_);
        available_.clear();
        for (const auto& root : roots_)
            available_[root] = Scanner::available(root);
        if (at_start)
            start_scan();
        else
            full_scan();
        next_check_ = Clock::now() + presence_check_interval(owner_.options_.rescan_interval);
    }

    void report_watches() {
        if (!watcher_->ok() || watcher_->complete()) {
            if (watcher_->ok()) log::info("watching ", watcher_->watches(), " folders for changes");
            return;
        }
        auto advice = watch_limit_advice(watcher_->watches(), watcher_->watches() + 1, false);
        const auto every = owner_.options_.rescan_interval.count();
        log::warning("inotify: only ", watcher_->watches(),
                     " folders could be watched (the limit is reached); changes elsewhere are found by a "
                     "rescan every ",
                     every, " s", every == 0 ? " (disabled: rescan-interval = 0)" : "",
                     "; to watch them all, ", advice.hint);
    }

    void full_scan() {
        last_full_ = Clock::now();
        verify_at_.reset(); // a full pass looks at every file
        guarded([&](Scanner& scanner) { return scanner.run(owner_.stop_, &owner_.progress_); }, true);
    }

    // A restart costs a stat per folder, not per file. A file rewritten in place while Hearth was down left
    // its folder's stamp alone: the verification pass (a full one) finds it later.
    // The watches come from the index's folders, not from listing every folder: the pass hands each indexed
    // folder to the watcher before it compares stamps, and each folder it reads (new ones too) before it
    // lists it. A change after a folder's watch is an event; one before it is in the folder's stamp (a
    // folder made while Hearth was down changed its parent's), or the pass lists it after its watch.
    void start_scan() {
        last_full_ = Clock::now();
        verify_at_.reset();
        const bool done = guarded(
            [&](Scanner& scanner) {
                auto summary =
                    scanner.run_start(owner_.stop_, &owner_.progress_,
                                      [this](const fs::path& dir) { watcher_->watch_folder(dir, roots_); });
                if (summary.folders_not_read > 0) verify_at_ = Clock::now() + owner_.options_.verify_delay;
                return summary;
            },
            true);
        if (!done) { // the index could not say which folders there are
            for (const auto& root : roots_) {
                if (!watcher_->watch_tree(root)) break;
            }
        }
        report_watches();
    }

    // The full pass that the start pass put off, on a thread of its own at the lowest CPU and I/O
    // priority (its probe threads inherit them), so that it yields to streaming and browsing. The live
    // loop waits for it as for any pass.
    void verify() {
        log::info("scan: verifying every file (the start pass read only the folders that changed)");
        last_full_ = Clock::now();
        verify_at_.reset();
        guarded(
            [&](Scanner& scanner) {
                ScanSummary summary;
                std::exception_ptr error;
                std::thread low([&] {
                    lower_own_priority();
                    try {
                        summary = scanner.run(owner_.stop_, &owner_.progress_);
                    } catch (...) {
                        error = std::current_exception();
                    }
                });
                low.join();
                if (error) std::rethrow_exception(error);
                return summary;
            },
            true);
    }

    void scan(const std::vector<fs::path>& folders) {
        if (folders.empty()) return;
        guarded([&](Scanner& s) { return s.run_folders(folders, owner_.stop_, &owner_.progress_); }, false);
    }

    // A failed pass is logged; the next event or check tries again. One stopped by a full disk under the
    // index left changes unindexed that no event will announce again: a full scan at the next check
    // picks them up once there is space. False when the pass failed.
    template <typename Pass> bool guarded(Pass pass, bool full) {
        try {
            Scanner scanner(owner_.db_path_, roots_, owner_.probe_threads_);
            auto summary = pass(scanner);
            if (full || summary.out_of_space) retry_full_ = summary.out_of_space;
            if (!owner_.stop_.load()) owner_.scanned_(summary, full);
            return true;
        } catch (const std::exception& e) {
            log::error(full ? "scan failed: " : "live update failed: ", e.what());
            return false;
        }
    }

    void wait() {
        auto deadline = next_check_;
        if (verify_at_) deadline = std::min(deadline, *verify_at_);
        if (auto due = settler_.next_due()) deadline = std::min(deadline, *due);
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        pollfd fds[2] = {{owner_.wake_fd_.get(), POLLIN, 0}, {watcher_->fd(), POLLIN, 0}};
        ::poll(fds, watcher_->ok() ? 2 : 1, static_cast<int>(std::clamp<long long>(ms, 0, 60'000)));
        if (fds[0].revents & POLLIN) {
            std::uint64_t count = 0;
            ssize_t ignored = ::read(owner_.wake_fd_.get(), &count, sizeof count);
            (void)ignored;
        }
    }

    void take_events() {
        const auto now = Clock::now();
        for (auto& e : watcher_->read()) {
            const auto folder = e.folder.string();
            switch (e.kind) {
            case FolderEvent::overflow:
                log::warning("inotify dropped events (too many at once): rescanning everything");
                owner_.full_requested_ = true;
                return;
            case FolderEvent::folder_added:
                if (!watcher_->watch_tree(e.folder / e.name)) report_watches();
                settler_.changed(folder, now);
                break;
            case FolderEvent::folder_gone:
                watcher_->forget_tree(e.folder / e.name);
                settler_.changed(folder, now);
                break;
            case FolderEvent::self_gone:
                self_gone(e.folder, now);
                break;
            case FolderEvent::writing:
                settler_.writing(folder, e.name, now);
                break;
            case FolderEvent::closed:
                settler_.closed(folder, e.name, now);
                break;
            case FolderEvent::changed:
                settler_.closed(folder, e.name, now); // deleted or moved away: no longer being written
                break;
            }
        }
    }

    // A watched folder went. A media folder that is gone: the presence check decides. A folder inside one
    // deleted or moved away: its parent's events say so too. Its disk unmounted: only this says so (the
    // empty mount point left behind is scanned, and hidden).
    void self_gone(const fs::path& folder, Clock::time_point now) {
        const bool root = std::find(roots_.begin(), roots_.end(), folder) != roots_.end();
        if (root) next_check_ = now;
        std::error_code ec;
        if (!root || fs::is_directory(folder, ec)) settler_.changed(folder.string(), now);
    }

    void scan_settled() {
        auto due = settler_.take_due(Clock::now());
        std::vector<fs::path> folders(due.begin(), due.end());
        scan(folders);
    }

    // The media folders' presence, and the fallback rescan where inotify does not see everything.
    void periodic() {
        const auto now = Clock::now();
        if (now < next_check_) return;
        next_check_ = now + presence_check_interval(owner_.options_.rescan_interval);
        std::vector<fs::path> turned;
        for (const auto& root : roots_) {
            bool there = Scanner::available(root);
            if (there == available_[root]) continue;
            available_[root] = there;
            turned.push_back(root);
            // A remounted disk is a new folder to inotify: watch it again.
            if (there && !watcher_->watch_tree(root)) report_watches();
        }
        // Disks mounted or unmounted at or under the media folders since the last check: an unmount may
        // give no inotify event (a bind mount gives none), and a mount never does.
        auto mounts = mount_points_under(read_mountinfo(), roots_);
        std::set<fs::path> moved;
        std::set_symmetric_difference(mounts.begin(), mounts.end(), mounts_.begin(), mounts_.end(),
                                      std::inserter(moved, moved.end()));
        mounts_ = std::move(mounts);
        for (const auto& dir : moved) {
            if (mounts_.contains(dir) && Scanner::available(dir) && !watcher_->watch_tree(dir))
                report_watches();
            if (std::find(turned.begin(), turned.end(), dir) == turned.end()) turned.push_back(dir);
        }
        scan(turned);
        const auto every = owner_.options_.rescan_interval;
        const bool fallback = !watcher_->complete() && every.count() > 0 && now - last_full_ >= every;
        if (fallback || retry_full_) full_scan();
    }

    LiveLibrary& owner_;
    std::vector<fs::path> roots_;
    std::unique_ptr<Watcher> watcher_;
    ChangeSettler settler_;
    std::map<fs::path, bool> available_;
    std::set<fs::path> mounts_; ///< mount points at or under the media folders at the last check
    bool retry_full_ = false;   ///< the last pass stopped on a full disk
    Clock::time_point next_check_{};
    Clock::time_point last_full_{};
    std::optional<Clock::time_point> verify_at_; ///< when the start pass's deferred full pass is due
};

LiveLibrary::LiveLibrary(fs::path db_path, Roots roots, unsigned probe_threads, LiveOptions options,
                         ScanProgress& progress, const std::atomic<bool>& stop, Scanned scanned)
    : db_path_(std::move(db_path)), roots_(std::move(roots)), probe_threads_(probe_threads),
      options_(options), progress_(progress), stop_(stop), scanned_(std::move(scanned)),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (!wake_fd_.ok()) throw std::runtime_error("eventfd failed");
}

LiveLibrary::~LiveLibrary() {
    stop();
}

void LiveLibrary::start() {
    thread_ = std::thread([this] {
        try {
            Loop(*this).run();
        } catch (const std::exception& e) {
            log::error("live updates stopped: ", e.what());
        }
    });
}

void LiveLibrary::wake() {
    std::uint64_t one = 1;
    ssize_t ignored = ::write(wake_fd_.get(), &one, sizeof one);
    (void)ignored;
}

void LiveLibrary::request_full_scan() {
    full_requested_ = true;
    wake();
}

void LiveLibrary::stop() {
    stopping_ = true;
    wake();
    if (thread_.joinable()) thread_.join();
}

} // namespace hearth::library
