#include "hearth/query/search.hpp"

#include "hearth/util/strings.hpp"

#include <cstdint>
#include <optional>

namespace hearth::query::search {
namespace {

// ---- The whitelist: the only column names that can appear in generated SQL. ----

enum class Type { text, upnp_class, integer, duration, ref };

struct Property {
    std::string_view name;
    const char* column; ///< nullptr for @refID (we never hand out references)
    Type type;
};

constexpr Property kProperties[] = {
    {"dc:title", "title", Type::text},
    {"dc:creator", "artist", Type::text},
    {"upnp:artist", "artist", Type::text},
    {"upnp:album", "album", Type::text},
    {"upnp:genre", "genre", Type::text},
    {"upnp:class", "upnp_class", Type::upnp_class},
    {"dc:date", "date", Type::text},
    {"res@size", "size", Type::integer},
    {"res@duration", "duration_ms", Type::duration},
    {"@id", "id", Type::integer},
    {"@parentID", "parent_id", Type::integer},
    {"@refID", nullptr, Type::ref},
};

const Property* find_property(std::string_view name) {
    for (const auto& p : kProperties)
        if (p.name == name) return &p;
    return nullptr;
}

upnp::UpnpException invalid(std::string what) {
    return upnp::UpnpException(upnp::errors::invalid_search("Invalid search criteria: " + what));
}

// ---- Lexer ----

struct Token {
    enum class Kind { end, lparen, rparen, op, string, word };
    Kind kind = Kind::end;
    std::string text; ///< the operator, the unescaped string or the word
};

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool ends_word(char c) {
    return is_space(c) || c == '(' || c == ')' || c == '"' || c == '=' || c == '!' || c == '<' || c == '>';
}

class Lexer {
  public:
    explicit Lexer(std::string_view text) : text_(text) {}

    Token next() {
        while (pos_ < text_.size() && is_space(text_[pos_]))
            ++pos_;
        if (pos_ == text_.size()) return {};
        const char c = text_[pos_];
        if (c == '(' || c == ')') {
            ++pos_;
            return {c == '(' ? Token::Kind::lparen : Token::Kind::rparen, std::string(1, c)};
        }
        if (c == '"') return quoted();
        if (c == '=' || c == '!' || c == '<' || c == '>') return op();
        const auto start = pos_;
        while (pos_ < text_.size() && !ends_word(text_[pos_]))
            ++pos_;
        return {Token::Kind::word, std::string(text_.substr(start, pos_ - start))};
    }

  private:
    Token op() {
        const char c = text_[pos_++];
        const bool then_equal = pos_ < text_.size() && text_[pos_] == '=';
        if (c == '=') return {Token::Kind::op, "="};
        if (c == '!' && !then_equal) throw invalid("'!' without '='");
        if (then_equal) ++pos_;
        return {Token::Kind::op, then_equal ? std::string{c, '='} : std::string(1, c)};
    }

    // dQuote escapedQuote dQuote, where the only escapes are \" and \\.
    Token quoted() {
        ++pos_;
        std::string value;
        while (pos_ < text_.size()) {
            const char c = text_[pos_++];
            if (c == '"') return {Token::Kind::string, std::move(value)};
            if (c == '\\') {
                if (pos_ == text_.size() || (text_[pos_] != '"' && text_[pos_] != '\\'))
                    throw invalid("only \\\" and \\\\ may be escaped");
                value += text_[pos_++];
                continue;
            }
            value += c;
        }
        throw invalid("unterminated string");
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

// ---- Parser: or-expressions of and-expressions of (parenthesised expressions | relational expressions).
// ----

constexpr int kMaxDepth = 64; // parentheses nest no deeper: keeps hostile input off the stack

std::optional<Op> word_op(std::string_view w) {
    if (iequals(w, "contains")) return Op::contains;
    if (iequals(w, "doesNotContain")) return Op::does_not_contain;
    if (iequals(w, "derivedfrom")) return Op::derived_from;
    if (iequals(w, "exists")) return Op::exists;
    return std::nullopt;
}

Op symbol_op(std::string_view s) {
    if (s == "=") return Op::equal;
    if (s == "!=") return Op::not_equal;
    if (s == "<") return Op::less;
    if (s == "<=") return Op::less_equal;
    if (s == ">") return Op::greater;
    return Op::greater_equal;
}

class Parser {
  public:
    explicit Parser(std::string_view text) : lexer_(text) { advance(); }

    Expr criteria() {
        Expr e = any_of(0);
        if (token_.kind != Token::Kind::end) throw invalid("unexpected '" + token_.text + "'");
        return e;
    }

  private:
    void advance() { token_ = lexer_.next(); }
    bool at_word(std::string_view w) const {
        return token_.kind == Token::Kind::word && iequals(token_.text, w);
    }

    Expr logical(Expr::Kind kind, std::string_view keyword, int depth) {
        const bool is_or = kind == Expr::Kind::any_of;
        Expr first = is_or ? logical(Expr::Kind::all_of, "and", depth) : primary(depth);
        if (!at_word(keyword)) return first;
        Expr group;
        group.kind = kind;
        group.operands.push_back(std::move(first));
        while (at_word(keyword)) {
            advance();
            group.operands.push_back(is_or ? logical(Expr::Kind::all_of, "and", depth) : primary(depth));
        }
        return group;
    }

    Expr any_of(int depth) { return logical(Expr::Kind::any_of, "or", depth); }

    Expr primary(int depth) {
        if (token_.kind == Token::Kind::lparen) {
            if (depth >= kMaxDepth) throw invalid("parentheses nest too deep");
            advance();
            Expr inner = any_of(depth + 1);
            if (token_.kind != Token::Kind::rparen) throw invalid("missing ')'");
            advance();
            return inner;
        }
        if (token_.kind != Token::Kind::word) throw invalid("expected a property");
        Expr e;
        e.kind = Expr::Kind::condition;
        e.condition = relation();
        return e;
    }

    Condition relation() {
        Condition c;
        c.property = token_.text;
        if (!find_property(c.property)) throw invalid("unsupported property '" + c.property + "'");
        advance();
        if (token_.kind == Token::Kind::op) {
            c.op = symbol_op(token_.text);
        } else if (auto op = token_.kind == Token::Kind::word ? word_op(token_.text) : std::nullopt) {
            c.op = *op;
        } else {
            throw invalid("expected an operator after '" + c.property + "'");
        }
        advance();
        if (c.op == Op::exists) {
            if (!at_word("true") && !at_word("false")) throw invalid("exists needs true or false");
            c.value = to_lower(token_.text);
        } else if (token_.kind == Token::Kind::string) {
            c.value = token_.text;
        } else {
            throw invalid("expected a quoted value");
        }
        advance();
        return c;
    }

    Lexer lexer_;
    Token token_;
};

// ---- SQL ----

std::string like_pattern(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '%' || c == '_') out += '\\';
        out += c;
    }
    return out;
}

db::SqlValue number(const Property& p, const Condition& c) {
    if (p.type == Type::duration) {
        auto ms = parse_duration_ms(c.value);
        if (!ms) throw invalid(std::string(p.name) + " needs H:MM:SS[.fff]");
        return *ms;
    }
    auto n = parse_uint(c.value);
    if (!n || *n > static_cast<std::uint64_t>(INT64_MAX))
        throw invalid(std::string(p.name) + " needs a number");
    return static_cast<std::int64_t>(*n);
}

const char* relational_sql(Op op) {
    switch (op) {
    case Op::equal:
        return " = ?";
    case Op::not_equal:
        return " IS NOT ?"; // NULL (an untagged file) is "not equal" too
    case Op::less:
        return " < ?";
    case Op::less_equal:
        return " <= ?";
    case Op::greater:
        return " > ?";
    default:
        return " >= ?";
    }
}

void condition_sql(const Condition& c, SqlWhere& out) {
    const Property& p = *find_property(c.property);
    if (p.type == Type::ref) { // no object is a reference
        out.sql += c.op == Op::exists && c.value == "false" ? "1" : "0";
        return;
    }
    const std::string col = p.column;
    const bool is_string = p.type == Type::text || p.type == Type::upnp_class;
    switch (c.op) {
    case Op::exists:
        out.sql += col + (c.value == "true" ? " IS NOT NULL" : " IS NULL");
        return;
    case Op::contains:
    case Op::does_not_contain:
        if (!is_string) throw invalid(std::string(p.name) + " is not text");
        out.sql += c.op == Op::contains ? col + " LIKE ? ESCAPE '\\'"
                                        : "(" + col + " IS NULL OR " + col + " NOT LIKE ? ESCAPE '\\')";
        out.bindings.emplace_back("%" + like_pattern(c.value) + "%");
        return;
    case Op::derived_from:
        if (p.type != Type::upnp_class) throw invalid("derivedfrom applies to upnp:class only");
        out.sql += "(upnp_class = ? OR upnp_class LIKE ? || '.%' ESCAPE '\\')";
        out.bindings.emplace_back(c.value);
        out.bindings.emplace_back(like_pattern(c.value));
        return;
    default:
        break;
    }
    out.sql += col + relational_sql(c.op);
    if (p.type == Type::text) out.sql += " COLLATE NOCASE";
    if (is_string) {
        out.bindings.emplace_back(c.value);
    } else {
        out.bindings.push_back(number(p, c));
    }
}

void expr_sql(const Expr& e, SqlWhere& out) {
    if (e.kind == Expr::Kind::everything) {
        out.sql += "1";
        return;
    }
    if (e.kind == Expr::Kind::condition) {
        if (e.condition.property == "upnp:class" &&
            to_lower(e.condition.value).find("container") != std::string::npos)
            out.mentions_containers = true;
        condition_sql(e.condition, out);
        return;
    }
    const char* joiner = e.kind == Expr::Kind::all_of ? " AND " : " OR ";
    out.sql += "(";
    for (std::size_t i = 0; i < e.operands.size(); ++i) {
        if (i) out.sql += joiner;
        expr_sql(e.operands[i], out);
    }
    out.sql += ")";
}

std::optional<int> digits(std::string_view s) {
    if (s.empty() || s.size() > 9) return std::nullopt;
    int n = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
    }
    return n;
}

} // namespace

std::optional<std::int64_t> parse_duration_ms(std::string_view text) {
    text = trim(text);
    const auto c1 = text.find(':');
    if (c1 == std::string_view::npos) return std::nullopt;
    const auto c2 = text.find(':', c1 + 1);
    if (c2 == std::string_view::npos || c2 - c1 != 3) return std::nullopt;
    auto seconds_part = text.substr(c2 + 1);
    std::string_view fraction;
    if (auto dot = seconds_part.find('.'); dot != std::string_view::npos) {
        fraction = seconds_part.substr(dot + 1);
        seconds_part = seconds_part.substr(0, dot);
        if (fraction.empty()) return std::nullopt;
    }
    if (seconds_part.size() != 2 || fraction.size() > 9) return std::nullopt;
    const auto h = digits(text.substr(0, c1));
    const auto m = digits(text.substr(c1 + 1, 2));
    const auto sec = digits(seconds_part);
    if (!h || !m || !sec || *m > 59 || *sec > 59) return std::nullopt;
    std::int64_t ms = ((std::int64_t{*h} * 60 + *m) * 60 + *sec) * 1000;
    if (!fraction.empty()) {
        // Milliseconds: the first three digits, padded ("5" is 500 ms); further digits are ignored.
        const auto frac = digits(fraction);
        if (!frac) return std::nullopt;
        std::string first3(fraction.substr(0, 3));
        first3.resize(3, '0');
        ms += *digits(first3);
    }
    return ms;
}

std::variant<Expr, upnp::UpnpError> parse(std::string_view criteria) {
    if (trim(criteria) == "*") return Expr{};
    try {
        return Parser(criteria).criteria();
    } catch (const upnp::UpnpException& e) {
        return e.error;
    }
}

std::variant<SqlWhere, upnp::UpnpError> to_sql(const Expr& expr) {
    try {
        SqlWhere out;
        expr_sql(expr, out);
        return out;
    } catch (const upnp::UpnpException& e) {
        return e.error;
    }
}

std::variant<SqlWhere, upnp::UpnpError> criteria_sql(std::string_view criteria) {
    auto parsed = parse(criteria);
    if (auto* error = std::get_if<upnp::UpnpError>(&parsed)) return *error;
    return to_sql(std::get<Expr>(parsed));
}

std::string capabilities() {
    std::string out;
    for (const auto& p : kProperties) {
        if (!out.empty()) out += ",";
        out += p.name;
    }
    return out;
}

} // namespace hearth::query::search
