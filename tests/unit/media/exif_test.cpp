// The Exif date reader: JPEGs built byte by byte (both byte orders, each date tag), and damaged ones that
// must give nothing without reading past the buffer (every prefix, wild offsets and counts).
#include "hearth/media/exif.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace hearth::media {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct ExifSpec {
    bool little = true;
    std::optional<std::string> original;  ///< DateTimeOriginal, in the Exif IFD
    std::optional<std::string> digitized; ///< DateTimeDigitized, in the Exif IFD
    std::optional<std::string> ifd0;      ///< DateTime, in IFD0
};

class Tiff {
  public:
    explicit Tiff(bool little) : little_(little) {}
    void u16(std::uint32_t v) {
        little_ ? bytes.insert(bytes.end(), {std::uint8_t(v), std::uint8_t(v >> 8)})
                : bytes.insert(bytes.end(), {std::uint8_t(v >> 8), std::uint8_t(v)});
    }
    void u32(std::uint32_t v) { little_ ? (u16(v & 0xFFFF), u16(v >> 16)) : (u16(v >> 16), u16(v & 0xFFFF)); }
    void entry(std::uint16_t tag, std::uint16_t type, std::uint32_t count, std::uint32_t value) {
        u16(tag), u16(type), u32(count), u32(value);
    }
    Bytes bytes;

  private:
    bool little_;
};

Bytes tiff_of(const ExifSpec& spec) {
    Tiff t(spec.little);
    t.bytes = spec.little ? Bytes{'I', 'I'} : Bytes{'M', 'M'};
    t.u16(42);
    t.u32(8);
    const std::uint32_t exif_entries = (spec.original ? 1 : 0) + (spec.digitized ? 1 : 0);
    const std::uint32_t ifd0_entries = (spec.ifd0 ? 1 : 0) + (exif_entries ? 1 : 0);
    const std::uint32_t exif_at = 8 + 2 + 12 * ifd0_entries + 4;
    std::uint32_t strings_at = exif_at + (exif_entries ? 2 + 12 * exif_entries + 4 : 0);
    std::string strings;
    auto place = [&](const std::string& s) {
        const auto at = strings_at + static_cast<std::uint32_t>(strings.size());
        strings += s + '\0';
        return at;
    };
    t.u16(ifd0_entries);
    if (spec.ifd0) t.entry(0x0132, 2, static_cast<std::uint32_t>(spec.ifd0->size() + 1), place(*spec.ifd0));
    if (exif_entries) t.entry(0x8769, 4, 1, exif_at);
    t.u32(0);
    if (exif_entries) {
        t.u16(exif_entries);
        if (spec.original)
            t.entry(0x9003, 2, static_cast<std::uint32_t>(spec.original->size() + 1), place(*spec.original));
        if (spec.digitized)
            t.entry(0x9004, 2, static_cast<std::uint32_t>(spec.digitized->size() + 1),
                    place(*spec.digitized));
        t.u32(0);
    }
    t.bytes.insert(t.bytes.end(), strings.begin(), strings.end());
    return t.bytes;
}

Bytes segment(std::uint8_t marker, const Bytes& body) {
    const auto length = body.size() + 2;
    Bytes out{0xFF, marker, std::uint8_t(length >> 8), std::uint8_t(length)};
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

Bytes jpeg_with(const Bytes& tiff) {
    Bytes jpeg{0xFF, 0xD8};
    const Bytes jfif{'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0};
    auto app0 = segment(0xE0, jfif);
    jpeg.insert(jpeg.end(), app0.begin(), app0.end());
    Bytes exif{'E', 'x', 'i', 'f', 0, 0};
    exif.insert(exif.end(), tiff.begin(), tiff.end());
    auto app1 = segment(0xE1, exif);
    jpeg.insert(jpeg.end(), app1.begin(), app1.end());
    auto sos = segment(0xDA, {1, 2, 3});
    jpeg.insert(jpeg.end(), sos.begin(), sos.end());
    jpeg.insert(jpeg.end(), {0x12, 0x34, 0xFF, 0xD9});
    return jpeg;
}

TEST(ExifDate, ReadsTheDateTakenInBothByteOrders) {
    struct Case {
        const char* name;
        ExifSpec spec;
        std::optional<std::string> want;
    };
    const Case cases[] = {
        {"original, little-endian", {true, "2019:05:02 10:11:12", {}, {}}, "2019-05-02T10:11:12"},
        {"original, big-endian", {false, "2019:05:02 10:11:12", {}, {}}, "2019-05-02T10:11:12"},
        {"original wins over the others",
         {true, "2001:02:03 04:05:06", "2002:01:01 00:00:00", "2003:01:01 00:00:00"},
         "2001-02-03T04:05:06"},
        {"digitized when no original",
         {false, {}, "2002:01:01 00:00:00", "2003:01:01 00:00:00"},
         "2002-01-01T00:00:00"},
        {"IFD0 DateTime last", {true, {}, {}, "2003:12:31 23:59:59"}, "2003-12-31T23:59:59"},
        {"a blank original falls through",
         {true, "0000:00:00 00:00:00", {}, "2003:12:31 23:59:59"},
         "2003-12-31T23:59:59"},
        {"spaces instead of a date", {true, "                   ", {}, {}}, std::nullopt},
        {"month 13", {true, "2019:13:02 10:11:12", {}, {}}, std::nullopt},
        {"dashes", {true, "2019-05-02 10:11:12", {}, {}}, std::nullopt},
        {"too short", {true, "2019:05:02", {}, {}}, std::nullopt},
        {"no dates at all", {true, {}, {}, {}}, std::nullopt},
    };
    for (const auto& c : cases)
        EXPECT_EQ(exif_date(jpeg_with(tiff_of(c.spec))), c.want) << c.name;
}

TEST(ExifDate, NotAJpegOrNoExifGivesNothing) {
    EXPECT_EQ(exif_date({}), std::nullopt);
    const Bytes png{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    EXPECT_EQ(exif_date(png), std::nullopt);
    Bytes no_exif{0xFF, 0xD8};
    auto sos = segment(0xDA, {1, 2, 3});
    no_exif.insert(no_exif.end(), sos.begin(), sos.end());
    EXPECT_EQ(exif_date(no_exif), std::nullopt);
    // An APP1 that is XMP, not Exif.
    Bytes xmp{0xFF, 0xD8};
    auto app1 = segment(0xE1, {'h', 't', 't', 'p', ':', '/', '/'});
    xmp.insert(xmp.end(), app1.begin(), app1.end());
    EXPECT_EQ(exif_date(xmp), std::nullopt);
}

TEST(ExifDate, EveryPrefixOfAGoodFileIsSafe) {
    const auto good = jpeg_with(tiff_of({false, "2019:05:02 10:11:12", {}, {}}));
    const std::optional<std::string> want = "2019-05-02T10:11:12";
    for (std::size_t n = 0; n <= good.size(); ++n) {
        // Exact-size copies, so that a read past the end is a read past the allocation (ASan).
        const Bytes prefix(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
        const auto got = exif_date(prefix);
        EXPECT_TRUE(!got || got == want) << n;
    }
}

TEST(ExifDate, WildOffsetsAndCountsAreRefused) {
    auto tiff = tiff_of({true, "2019:05:02 10:11:12", {}, {}});
    // IFD0 offset (bytes 4..7) far past the end.
    auto far = tiff;
    far[4] = far[5] = far[6] = far[7] = 0xFF;
    EXPECT_EQ(exif_date(jpeg_with(far)), std::nullopt);
    // The Exif IFD pointer's value (IFD0 entry 0, value at 8 + 2 + 8) past the end.
    auto pointer = tiff;
    pointer[18] = pointer[19] = pointer[20] = pointer[21] = 0xFF;
    EXPECT_EQ(exif_date(jpeg_with(pointer)), std::nullopt);
    // The string's count (Exif IFD entry 0, count at exif_at + 2 + 4) huge.
    const std::size_t exif_at = 8 + 2 + 12 + 4;
    auto count = tiff;
    count[exif_at + 6] = count[exif_at + 7] = count[exif_at + 8] = count[exif_at + 9] = 0xFF;
    EXPECT_EQ(exif_date(jpeg_with(count)), std::nullopt);
    // An entry count larger than the IFD holds.
    auto entries = tiff;
    entries[exif_at] = entries[exif_at + 1] = 0xFF;
    EXPECT_EQ(exif_date(jpeg_with(entries)), std::nullopt);
    // A segment length running past the end of the file.
    auto jpeg = jpeg_with(tiff);
    jpeg[2 + 18 + 2] = 0xFF; // APP1's length, high byte
    EXPECT_EQ(exif_date(jpeg), std::nullopt);
}

TEST(ExifDate, ReadsTheStartOfAFile) {
    test::TempDir dir;
    const auto jpeg = jpeg_with(tiff_of({true, "2015:06:21 08:30:00", {}, {}}));
    auto path = dir.write("photo.jpg", std::string(jpeg.begin(), jpeg.end()) + std::string(200000, 'x'));
    EXPECT_EQ(exif_date_of_file(path), "2015-06-21T08:30:00");
    EXPECT_EQ(exif_date_of_file(dir / "missing.jpg"), std::nullopt);
}

} // namespace
} // namespace hearth::media
