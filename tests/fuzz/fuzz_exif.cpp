// Exif date reader: any bytes as the start of a JPEG file.
#include "fuzz_check.hpp"
#include "hearth/media/exif.hpp"

#include <vector>

using namespace hearth;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // An exact-size copy: a read one byte past the input is a heap overflow ASan reports.
    const std::vector<std::uint8_t> bytes(data, data + size);
    auto date = media::exif_date(bytes);
    if (date) {
        // Only a well-formed "YYYY-MM-DDTHH:MM:SS" ever comes out.
        FUZZ_CHECK(date->size() == 19);
        FUZZ_CHECK((*date)[4] == '-' && (*date)[7] == '-' && (*date)[10] == 'T');
        FUZZ_CHECK((*date)[13] == ':' && (*date)[16] == ':');
        for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
            FUZZ_CHECK((*date)[i] >= '0' && (*date)[i] <= '9');
    }
    return 0;
}
