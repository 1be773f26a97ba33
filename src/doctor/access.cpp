#include "hearth/doctor/access.hpp"

#include <algorithm>

namespace hearth::doctor {
namespace {

constexpr unsigned kRead = 4;
constexpr unsigned kSearch = 1;

std::string what_is_missing(unsigned missing) {
    if (missing == (kRead | kSearch)) return "read and enter";
    return missing == kRead ? "read" : "enter";
}

std::string bits_text(unsigned bits) {
    std::string out;
    if (bits & kRead) out += 'r';
    if (bits & kSearch) out += 'x';
    return out;
}

bool in_group(const UserIds& user, gid_t group) {
    return std::find(user.groups.begin(), user.groups.end(), group) != user.groups.end();
}

} // namespace

unsigned granted_bits(const Entry& entry, const UserIds& user) {
    if (user.uid == 0) return kRead | 2 | kSearch; // root; the kernel checks x on files only, not folders
    if (entry.owner == user.uid) return (entry.mode >> 6) & 7;
    if (in_group(user, entry.group)) return (entry.mode >> 3) & 7;
    return entry.mode & 7;
}

bool may_read(const Entry& entry, const UserIds& user, bool folder) {
    unsigned needed = folder ? kRead | kSearch : kRead;
    return (granted_bits(entry, user) & needed) == needed;
}

std::optional<Denial> first_denial(const std::vector<Entry>& chain, const UserIds& user) {
    for (std::size_t i = 0; i < chain.size(); ++i) {
        bool target = i + 1 == chain.size();
        unsigned needed = target ? kRead | kSearch : kSearch;
        unsigned missing = needed & ~granted_bits(chain[i], user);
        if (missing != 0) return Denial{chain[i], missing, target};
    }
    return std::nullopt;
}

Explanation explain(const Denial& denial, const UserIds& user, const std::filesystem::path& media_folder) {
    const auto& e = denial.entry;
    std::string path = e.path.string();
    Explanation out;
    out.text = "media folder " + media_folder.string() + ": user " + user.name + " cannot " +
               what_is_missing(denial.missing) + " " + (denial.is_target ? "it" : path);
    std::string bits = bits_text(denial.missing);
    bool group_may = ((e.mode >> 3) & denial.missing) == denial.missing && e.owner != user.uid;
    if (group_may && !e.group_name.empty()) {
        out.hint = "add the user to the folder's group: usermod -aG " + e.group_name + " " + user.name +
                   " (then restart Hearth)";
    } else if (denial.is_target) {
        out.hint = "give it access: setfacl -R -m u:" + user.name + ":rX " + path + " (or chmod -R o+rX " +
                   path + ")";
    } else {
        out.hint = "let it pass through: setfacl -m u:" + user.name + ":" + bits + " " + path +
                   " (or chmod o+" + bits + " " + path + ")";
    }
    return out;
}

} // namespace hearth::doctor
