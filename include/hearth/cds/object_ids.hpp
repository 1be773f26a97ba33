#pragma once
// ContentDirectory object ids. The folder tree keeps the index's integer ids (renderers keep bookmarks);
// the browse views use path-like ids that can never be integers: "music", "music/album/12", and an item
// shown in a view is "<view>/<object id>" (DIDL refID = the object id). Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hearth::cds {

inline constexpr std::string_view kRootId = "0";
/// The folder tree's top: the shared folders are its children.
inline constexpr std::string_view kFoldersId = "folders";

/// What an object id can name, before the index is asked.
struct ObjectRef {
    enum class Kind { root, folders, object, view };
    Kind kind = Kind::root;
    std::int64_t object = 0; ///< object: its id; view: the object id after the last '/' (when item_of is set)
    std::string key;         ///< view: the whole id, to look up as a view container first
    std::optional<std::string> item_of; ///< view: the part before the last '/', when the id may be an item
};

/// nullopt when the id cannot name anything (error 701 without asking the index).
std::optional<ObjectRef> parse_object_id(std::string_view id);

enum class MsAsk { browse, search };

/// The view a Windows Media Connect container number names, or the id unchanged. Search's ContainerID: "4"
/// all music, "5" genres, "6" artists, "7" albums, "8" all video, "B" all pictures, "15" video folders, "16"
/// picture folders. Browse's ObjectID: only "15" and "16", the two the Xbox 360 browses; every other number
/// is an object of the folder tree, which a mapped Browse would hide from these clients. Only for clients
/// that use these numbers (Xbox 360, Windows Media Player): for others they are all object ids.
std::string_view ms_container(std::string_view id, MsAsk ask);

/// The id of an object shown inside a view container.
std::string view_item_id(std::string_view view, std::int64_t object);

} // namespace hearth::cds
