#pragma once
// Whether a user may reach and list a folder, judged from mode bits, owners and the user's groups the way the
// kernel does (owner class, else group class, else other). ACLs are not read. Pure.
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace hearth::doctor {

struct UserIds {
    std::string name;
    uid_t uid = 0;
    std::vector<gid_t> groups; ///< primary and supplementary
};

struct Entry {
    std::filesystem::path path;
    uid_t owner = 0;
    gid_t group = 0;
    std::string group_name; ///< for the hint; may be empty
    mode_t mode = 0;
};

/// The permission bits (a mask of 4 = read, 2 = write, 1 = search) that apply to user for entry.
unsigned granted_bits(const Entry& entry, const UserIds& user);

struct Denial {
    Entry entry;
    unsigned missing = 0;   ///< 4 = read, 1 = search
    bool is_target = false; ///< the folder itself, not one of the folders above it
};

/// Whether the user may read a file, or list and enter a folder.
bool may_read(const Entry& entry, const UserIds& user, bool folder);

/// chain: every folder from / down to the media folder, in that order. The user needs search (x) on each
/// folder above and read + search (rx) on the media folder. The first entry that denies, or nullopt.
std::optional<Denial> first_denial(const std::vector<Entry>& chain, const UserIds& user);

/// Plain words for the denial: what is missing where, and the fix (group membership when the group may,
/// else an ACL, else chmod).
struct Explanation {
    std::string text;
    std::string hint;
};
Explanation explain(const Denial& denial, const UserIds& user, const std::filesystem::path& media_folder);

} // namespace hearth::doctor
