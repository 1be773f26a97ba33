#include "library/probe_pool.hpp"

#include "hearth/media/art.hpp"
#include "hearth/media/exif.hpp"

namespace hearth::library {

namespace {

// FFmpeg reports no Exif: a JPEG's date taken comes from its APP1 segment (Pictures by date, dc:date).
void add_date_taken(Probed& p) {
    auto* info = std::get_if<media::MediaInfo>(&p.result);
    if (!info || info->kind != media::Kind::image || (info->extension != "jpg" && info->extension != "jpeg"))
        return;
    if (auto date = media::exif_date_of_file(p.file->path)) info->date = *date;
}

} // namespace

ProbePool::ProbePool(const PendingFiles& files, unsigned threads, const std::atomic<bool>& stop)
    : files_(files), stop_(stop) {
    // No more threads than files: a restart on an unchanged library has none to probe.
    for (unsigned i = 0; i < std::min<std::size_t>(threads, files.size()); ++i)
        workers_.emplace_back([this] { work(); });
}

ProbePool::~ProbePool() {
    abandon_.store(true); // the scanner left early (stop, or an error such as a full disk)
    for (auto& w : workers_)
        w.join();
}

std::optional<Probed> ProbePool::next() {
    std::unique_lock lock(mutex_);
    ready_cv_.wait(lock, [&] { return !done_.empty() || finished_ == workers_.size(); });
    if (done_.empty()) return std::nullopt;
    Probed p = std::move(done_.front());
    done_.pop_front();
    return p;
}

void ProbePool::work() {
    while (!stop_.load() && !abandon_.load()) {
        std::size_t i = next_.fetch_add(1);
        if (i >= files_.size()) break;
        Probed p{&files_[i], media::probe(files_[i].path), std::nullopt};
        if (const auto* info = std::get_if<media::MediaInfo>(&p.result)) p.art = media::art_column(*info);
        add_date_taken(p);
        std::lock_guard lock(mutex_);
        done_.push_back(std::move(p));
        ready_cv_.notify_one();
    }
    std::lock_guard lock(mutex_);
    ++finished_;
    ready_cv_.notify_one();
}

} // namespace hearth::library
