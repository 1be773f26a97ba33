#pragma once
// ContentDirectory:1 SearchCriteria (§2.5.5): lexer → AST → parameterised SQL over a fixed whitelist of
// properties (STYLE rules 4 and 5). Pure: no database, no sockets; any thread.
#include "hearth/db/objects.hpp"
#include "hearth/upnp/soap.hpp"

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hearth::query::search {

enum class Op {
    equal,
    not_equal,
    less,
    less_equal,
    greater,
    greater_equal,
    contains,
    does_not_contain,
    derived_from,
    exists,
};

/// One relational expression: `property op "value"`, or `property exists true|false` (value "true"/"false").
struct Condition {
    std::string property; ///< one of the whitelisted properties, as the criteria spelled it
    Op op = Op::equal;
    std::string value; ///< unescaped
};

/// The criteria as a tree: `*`, one condition, or and/or over two or more operands.
struct Expr {
    enum class Kind { everything, condition, all_of, any_of };
    Kind kind = Kind::everything;
    Condition condition;        ///< for Kind::condition
    std::vector<Expr> operands; ///< for all_of (and) / any_of (or)
};

/// Parses SearchCriteria; `and` binds tighter than `or`. 708 for anything malformed or an unknown property.
std::variant<Expr, upnp::UpnpError> parse(std::string_view criteria);

/// A WHERE body over the `objects` table whose every value is a `?` placeholder.
struct SqlWhere {
    std::string sql;
    std::vector<db::SqlValue> bindings;
    /// The criteria name a container class (upnp:class with "container" in its value): search containers too.
    bool mentions_containers = false;
};

/// Emits SQL for a parsed tree. 708 when a value does not fit its property (a size that is not a number, a
/// duration that is not H:MM:SS[.fff], derivedfrom on anything but upnp:class...).
std::variant<SqlWhere, upnp::UpnpError> to_sql(const Expr& expr);

/// parse() then to_sql().
std::variant<SqlWhere, upnp::UpnpError> criteria_sql(std::string_view criteria);

/// The SearchCaps string: exactly the whitelisted properties, comma-separated.
std::string capabilities();

/// "H:MM:SS" or "H:MM:SS.F+" (up to 9 hour and 9 fraction digits; past the third, fraction digits are
/// ignored) in milliseconds.
std::optional<std::int64_t> parse_duration_ms(std::string_view text);

} // namespace hearth::query::search
