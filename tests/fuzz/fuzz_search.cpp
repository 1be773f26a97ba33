// ContentDirectory SearchCriteria: the whole input is the criteria. Whatever it holds, the answer is 708 or
// SQL made only of the generator's own vocabulary, with one binding per placeholder (STYLE rule 5).
#include "fuzz_check.hpp"
#include "hearth/query/search.hpp"

#include <set>
#include <string>

using namespace hearth;

namespace {

// Every word the generated SQL may contain: whitelisted columns, keywords, operators and fixed literals.
bool known_word(std::string_view w) {
    static const std::set<std::string, std::less<>> words = {
        "title",  "artist", "album",  "genre", "upnp_class", "date", "size", "duration_ms", "id", "parent_id",
        "=",      "<",      "<=",     ">",     ">=",         "IS",   "NOT",  "NULL",        "?",  "COLLATE",
        "NOCASE", "LIKE",   "ESCAPE", "'\\'",  "AND",        "OR",   "||",   "'.%'",        "0",  "1"};
    return words.contains(w);
}

bool only_known_words(std::string_view sql) {
    std::size_t i = 0;
    while (i < sql.size()) {
        if (sql[i] == ' ' || sql[i] == '(' || sql[i] == ')') {
            ++i;
            continue;
        }
        auto end = sql.find_first_of(" ()", i);
        if (end == std::string_view::npos) end = sql.size();
        if (!known_word(sql.substr(i, end - i))) return false;
        i = end;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto text = fuzz::as_text(data, size);
    auto result = query::search::criteria_sql(text);
    if (const auto* error = std::get_if<upnp::UpnpError>(&result)) {
        FUZZ_CHECK(error->code == 708);
        return 0;
    }
    const auto& where = std::get<query::search::SqlWhere>(result);
    FUZZ_CHECK(!where.sql.empty());
    FUZZ_CHECK(only_known_words(where.sql));
    std::size_t placeholders = 0;
    for (char c : where.sql)
        placeholders += c == '?';
    FUZZ_CHECK(placeholders == where.bindings.size());
    int depth = 0;
    for (char c : where.sql) {
        depth += c == '(' ? 1 : c == ')' ? -1 : 0;
        FUZZ_CHECK(depth >= 0);
    }
    FUZZ_CHECK(depth == 0);
    return 0;
}
