#pragma once
// Random identifiers from the kernel's generator (/dev/urandom; std::random_device if it cannot be read).
// Any thread.
#include <string>

namespace hearth::util {

/// A random RFC 4122 version 4 UUID, lower-case: "xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx".
std::string random_uuid();
/// 40 random hex digits (for tokens that must not be guessed).
std::string random_token();

} // namespace hearth::util
