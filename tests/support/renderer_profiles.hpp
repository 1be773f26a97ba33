#pragma once
// A built-in renderer profile by its name, for tests that decide what a known renderer is offered.
#include "hearth/renderers/profile.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

namespace hearth::test {

/// Throws when no row has this name, so that a renamed row fails the tests that use it.
inline const renderers::Profile& builtin_profile(std::string_view name) {
    for (const auto& p : renderers::builtin_profiles())
        if (p.name == name) return p;
    throw std::runtime_error("no built-in profile " + std::string(name));
}

} // namespace hearth::test
