// HTTP Range: "<representation size>\n<Range header value>".
#include "fuzz_check.hpp"
#include "hearth/http/range.hpp"

#include <charconv>

using namespace hearth;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto f = fuzz::fields(fuzz::as_text(data, size), 2);
    std::uint64_t length = 0;
    std::from_chars(f[0].data(), f[0].data() + f[0].size(), length); // unparsable: an empty file
    auto result = http::parse_range(f[1], length);
    switch (result.outcome) {
    case http::RangeOutcome::partial:
        // A 206 never reaches past the end of the file, and never runs backwards.
        FUZZ_CHECK(length > 0);
        FUZZ_CHECK(result.range.first <= result.range.last);
        FUZZ_CHECK(result.range.last < length);
        FUZZ_CHECK(result.range.length() >= 1 && result.range.length() <= length);
        break;
    case http::RangeOutcome::unsatisfiable:
    case http::RangeOutcome::whole:
        break;
    default:
        FUZZ_CHECK(!"unknown outcome");
    }
    return 0;
}
