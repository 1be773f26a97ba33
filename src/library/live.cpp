#include "hearth/library/live.hpp"

#include "hearth/doctor/findings.hpp"
#include "hearth/library/settle.hpp"
#include "hearth/library/watcher.hpp"
#include "hearth/util/log.hpp"

#include <algorithm>
#include <map>
#include <poll.h>
#include <sys/eventfd.h>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace hearth::library {

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
        restart();
        while (!owner_.stopping_.load()) {
            wait();
            if (owner_.stopping_.load()) return;
            if (owner_.full_requested_.exchange(false)) {
                restart();
                continue;
            }
            take_events();
            if (!owner_.stopping_.load()) scan_settled();
            if (!owner_.stopping_.load()) periodic();
        }
    }

  private:
    // New media folders (or the first time): watch everything, then scan everything. Watching first means
    // that nothing changing during the scan goes unseen.
    void restart() {
        roots_ = owner_.roots_();
        watcher_ = std::make_unique<Watcher>(owner_.options_.watch_limit);
        settler_ = ChangeSettler(ChangeSettler::Timing{owner_.options_.quiet});
        for (const auto& root : roots_) {
            if (!watcher_->watch_tree(root)) break;
        }
        report_watches();
        available_.clear();
        for (const auto& root : roots_)
            available_[root] = Scanner::available(root);
        full_scan();
        next_check_ = Clock::now() + presence_check_interval(owner_.options_.rescan_interval);
    }

    void report_watches() {
        if (!watcher_->ok() || watcher_->complete()) {
            if (watcher_->ok()) log::info("watching ", watcher_->watches(), " folders for changes");
            return;
        }
        auto finding = doctor::watch_limit_finding(watcher_->watches(), watcher_->watches() + 1, false);
        const auto every = owner_.options_.rescan_interval.count();
        log::warning("inotify: only ", watcher_->watches(),
                     " folders could be watched (the limit is reached); changes elsewhere are found by a "
                     "rescan every ",
                     every, " s", every == 0 ? " (disabled: rescan-interval = 0)" : "",
                     "; to watch them all, ", finding.hint);
    }

    void full_scan() {
        last_full_ = Clock::now();
        guarded([&](Scanner& scanner) { return scanner.run(owner_.stop_, &owner_.progress_); }, true);
    }

    void scan(const std::vector<fs::path>& folders) {
        if (folders.empty()) return;
        guarded([&](Scanner& s) { return s.run_folders(folders, owner_.stop_, &owner_.progress_); }, false);
    }

    // A failed pass (the disk full under the database, say) is logged; the next event or check tries again.
    template <typename Pass> void guarded(Pass pass, bool full) {
        try {
            Scanner scanner(owner_.db_path_, roots_, owner_.probe_threads_);
            auto summary = pass(scanner);
            if (!owner_.stop_.load()) owner_.scanned_(summary, full);
        } catch (const std::exception& e) {
            log::error(full ? "scan failed: " : "live update failed: ", e.what());
        }
    }

    void wait() {
        auto deadline = next_check_;
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
                // A media folder itself: the presence check decides; anything else: its parent says.
                if (std::find(roots_.begin(), roots_.end(), e.folder) != roots_.end()) next_check_ = now;
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
        scan(turned);
        const auto every = owner_.options_.rescan_interval;
        if (!watcher_->complete() && every.count() > 0 && now - last_full_ >= every) full_scan();
    }

    LiveLibrary& owner_;
    std::vector<fs::path> roots_;
    std::unique_ptr<Watcher> watcher_;
    ChangeSettler settler_;
    std::map<fs::path, bool> available_;
    Clock::time_point next_check_{};
    Clock::time_point last_full_{};
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
