#include "hearth/doctor/system.hpp"

#include "hearth/db/sqlite.hpp"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

namespace hearth::doctor {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class Dir {
  public:
    explicit Dir(const fs::path& path) : dir_(::opendir(path.c_str())) {}
    ~Dir() {
        if (dir_ != nullptr) ::closedir(dir_);
    }
    Dir(const Dir&) = delete;
    Dir& operator=(const Dir&) = delete;
    bool ok() const { return dir_ != nullptr; }
    /// The next entry other than . and .., or nullptr at the end (errno set on error).
    dirent* next() {
        while (true) {
            errno = 0;
            dirent* e = ::readdir(dir_);
            if (e == nullptr) return nullptr;
            std::string_view name = e->d_name;
            if (name != "." && name != "..") return e;
        }
    }

  private:
    DIR* dir_;
};

bool is_folder(const fs::path& parent, const dirent& e) {
    if (e.d_type != DT_UNKNOWN) return e.d_type == DT_DIR;
    struct stat st {};
    return ::lstat((parent / e.d_name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

/// Notes a file or folder (not a symbolic link) that user may not read.
void judge(const fs::path& path, bool folder, const UserIds& user, FolderCount& count) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) return;
    if (may_read({path, st.st_uid, st.st_gid, "", st.st_mode}, user, folder)) return;
    if (count.denied_to_user++ == 0) count.first_denied_to_user = path.string();
}

std::string group_name(gid_t gid) {
    std::vector<char> buf(16384);
    group g{};
    group* found = nullptr;
    if (::getgrgid_r(gid, &g, buf.data(), buf.size(), &found) != 0 || found == nullptr) return {};
    return found->gr_name;
}

} // namespace

int try_read_folder(const fs::path& folder) {
    Dir dir(folder);
    if (!dir.ok()) return errno;
    if (dir.next() == nullptr && errno != 0) return errno;
    return 0;
}

FolderCount count_folder(const fs::path& folder, const CountLimits& limits, const UserIds* user) {
    FolderCount count;
    auto deadline = Clock::now() + limits.max_time;
    std::vector<fs::path> pending{folder};
    while (!pending.empty()) {
        if (count.folders + count.files >= limits.max_entries || Clock::now() > deadline) {
            count.complete = false;
            return count;
        }
        fs::path current = std::move(pending.back());
        pending.pop_back();
        ++count.folders;
        Dir dir(current);
        if (!dir.ok()) {
            if (count.unreadable++ == 0) count.first_unreadable = current.string();
            continue;
        }
        while (dirent* e = dir.next()) {
            bool folder = is_folder(current, *e);
            if (user != nullptr) judge(current / e->d_name, folder, *user, count);
            if (folder) {
                pending.push_back(current / e->d_name);
            } else {
                ++count.files;
            }
        }
    }
    return count;
}

std::optional<UserIds> lookup_user(const std::string& name) {
    std::vector<char> buf(16384);
    passwd pw{};
    passwd* found = nullptr;
    if (::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr)
        return std::nullopt;
    UserIds user{name, found->pw_uid, {}};
    int n = 64;
    std::vector<gid_t> groups(static_cast<std::size_t>(n));
    if (::getgrouplist(name.c_str(), found->pw_gid, groups.data(), &n) < 0) {
        groups.resize(static_cast<std::size_t>(n));
        ::getgrouplist(name.c_str(), found->pw_gid, groups.data(), &n);
    }
    groups.resize(static_cast<std::size_t>(n));
    user.groups = std::move(groups);
    return user;
}

std::vector<Entry> folder_chain(const fs::path& folder, std::string& error) {
    std::vector<Entry> chain;
    fs::path path;
    for (const auto& part : folder.lexically_normal()) {
        path /= part;
        if (part.empty()) continue; // a trailing separator
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) {
            error = "cannot look at " + path.string() + ": " + std::strerror(errno);
            return chain;
        }
        chain.push_back({path, st.st_uid, st.st_gid, group_name(st.st_gid), st.st_mode});
    }
    return chain;
}

std::optional<std::uint64_t> read_watch_limit(const fs::path& file) {
    std::ifstream in(file);
    std::uint64_t limit = 0;
    if (!(in >> limit)) return std::nullopt;
    return limit;
}

bool ffmpeg_has(Component component, const std::string& name) {
    if (component == Component::encoder) return avcodec_find_encoder_by_name(name.c_str()) != nullptr;
    return av_guess_format(name.c_str(), nullptr, nullptr) != nullptr;
}

std::string stored_device_uuid(const fs::path& db_path) {
    std::error_code ec;
    if (!fs::exists(db_path, ec)) return {};
    try {
        db::Database db(db_path, db::OpenMode::read_only);
        auto s = db.prepare("SELECT value FROM settings WHERE key = 'device_uuid'");
        return s.step() ? s.text(0) : std::string();
    } catch (const std::exception&) {
        return {}; // an unreadable or older database only means our own answers are not recognised
    }
}

} // namespace hearth::doctor
