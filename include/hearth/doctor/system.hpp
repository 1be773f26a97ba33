#pragma once
// The checks that read the host (folders, users, kernel limits, FFmpeg, Hearth's database). Each is bounded
// and reports what it could not read instead of throwing.
#include "hearth/doctor/access.hpp"
#include "hearth/doctor/findings.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hearth::doctor {

/// Opens the folder and reads one entry as this process: 0, or the errno that stopped it.
int try_read_folder(const std::filesystem::path& folder);

struct CountLimits {
    std::uint64_t max_entries = 2'000'000;
    std::chrono::milliseconds max_time{5000};
};

/// Counts folders and files below folder without following symbolic links, until a limit is reached. With a
/// user, also counts the files and folders inside that this user may not read (from their mode bits).
FolderCount count_folder(const std::filesystem::path& folder, const CountLimits& limits,
                         const UserIds* user = nullptr);

/// The user's uid and groups (getpwnam + getgrouplist), or nullopt when there is no such user.
std::optional<UserIds> lookup_user(const std::string& name);

/// Every folder from / down to folder with owner, group and mode; error set when one cannot be stat'ed.
std::vector<Entry> folder_chain(const std::filesystem::path& folder, std::string& error);

/// /proc/sys/fs/inotify/max_user_watches, or nullopt when it cannot be read.
std::optional<std::uint64_t>
read_watch_limit(const std::filesystem::path& file = "/proc/sys/fs/inotify/max_user_watches");

/// Whether the linked FFmpeg has this encoder or muxer.
bool ffmpeg_has(Component component, const std::string& name);

/// The device UUID kept in Hearth's database, or empty when there is no database or no UUID yet.
std::string stored_device_uuid(const std::filesystem::path& db_path);

} // namespace hearth::doctor
