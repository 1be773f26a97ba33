#pragma once
// Files from descriptors/ and src/db/migrations/, compiled into the binary by cmake/embed.cmake.
#include <optional>
#include <string_view>
#include <vector>

namespace hearth::resources {
/// The bytes of an embedded file, by its path relative to the source root ("descriptors/device.xml").
std::optional<std::string_view> find(std::string_view path);
/// Embedded paths that start with prefix, in source order.
std::vector<std::string_view> list(std::string_view prefix);
} // namespace hearth::resources
