#pragma once
// ContentDirectory:1 SortCriteria (§2.5.7) → an ORDER BY body over a fixed whitelist of columns (STYLE rule
// 5). Pure: no database, no sockets; any thread.
#include <optional>
#include <string>
#include <string_view>

namespace hearth::query {

/// SortCriteria → an ORDER BY body over whitelisted columns (folders always first), or nullopt for 709.
std::optional<std::string> sort_sql(std::string_view criteria);

/// The sort capabilities string matching sort_sql's whitelist.
std::string sort_capabilities();

} // namespace hearth::query
