#include "hearth/media/exif.hpp"

#include <array>
#include <fstream>
#include <vector>

namespace hearth::media {
namespace {

// TIFF data (the Exif segment after "Exif\0\0") with its byte order; reads fail instead of leaving it.
class Tiff {
  public:
    explicit Tiff(std::span<const std::uint8_t> data) : data_(data) {}

    bool read_header(std::uint32_t& first_ifd) {
        if (data_.size() < 8) return false;
        if (data_[0] == 'I' && data_[1] == 'I') {
            little_ = true;
        } else if (!(data_[0] == 'M' && data_[1] == 'M')) {
            return false;
        }
        std::uint16_t magic = 0;
        return u16(2, magic) && magic == 42 && u32(4, first_ifd);
    }

    bool u16(std::uint64_t at, std::uint16_t& out) const {
        if (at + 2 > data_.size()) return false;
        const unsigned a = data_[at], b = data_[at + 1];
        out = static_cast<std::uint16_t>(little_ ? (b << 8 | a) : (a << 8 | b));
        return true;
    }

    bool u32(std::uint64_t at, std::uint32_t& out) const {
        std::uint16_t hi = 0, lo = 0;
        if (!u16(at, little_ ? lo : hi) || !u16(at + 2, little_ ? hi : lo)) return false;
        out = static_cast<std::uint32_t>(hi) << 16 | lo;
        return true;
    }

    /// The ASCII value of `tag` in the IFD at `ifd` ("" when absent or unreadable).
    std::string ascii(std::uint32_t ifd, std::uint16_t tag) const {
        const auto entry = find(ifd, tag);
        std::uint16_t type = 0;
        std::uint32_t count = 0, offset = 0;
        if (!entry || !u16(*entry + 2, type) || !u32(*entry + 4, count) || type != 2) return {};
        if (count <= 4) return {}; // too short for a date (the value would sit inline)
        if (!u32(*entry + 8, offset) || std::uint64_t{offset} + count > data_.size()) return {};
        std::string out(reinterpret_cast<const char*>(data_.data()) + offset, count);
        return out.substr(0, out.find('\0'));
    }

    /// The LONG value of `tag` in the IFD at `ifd` (an offset to a sub-IFD).
    std::optional<std::uint32_t> pointer(std::uint32_t ifd, std::uint16_t tag) const {
        const auto entry = find(ifd, tag);
        std::uint32_t value = 0;
        if (!entry || !u32(*entry + 8, value)) return std::nullopt;
        return value;
    }

  private:
    std::optional<std::uint64_t> find(std::uint32_t ifd, std::uint16_t tag) const {
        std::uint16_t count = 0;
        if (!u16(ifd, count)) return std::nullopt;
        // An IFD whose entries do not all fit is damaged: trust none of it.
        if (std::uint64_t{ifd} + 2 + std::uint64_t{count} * 12 > data_.size()) return std::nullopt;
        for (std::uint64_t i = 0; i < count; ++i) {
            const std::uint64_t entry = std::uint64_t{ifd} + 2 + i * 12;
            std::uint16_t id = 0;
            if (entry + 12 > data_.size() || !u16(entry, id)) return std::nullopt;
            if (id == tag) return entry;
        }
        return std::nullopt;
    }

    std::span<const std::uint8_t> data_;
    bool little_ = false;
};

constexpr std::uint16_t kDateTime = 0x0132;
constexpr std::uint16_t kExifIfd = 0x8769;
constexpr std::uint16_t kDateTimeOriginal = 0x9003;
constexpr std::uint16_t kDateTimeDigitized = 0x9004;

bool in_range(const std::string& s, std::size_t at, int low, int high) {
    int value = 0;
    for (std::size_t i = at; i < at + 2; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        value = value * 10 + (s[i] - '0');
    }
    return value >= low && value <= high;
}

// "YYYY:MM:DD HH:MM:SS" → "YYYY-MM-DDTHH:MM:SS"; cameras without a clock write zeros or blanks.
std::optional<std::string> exif_to_iso(const std::string& s) {
    if (s.size() < 19 || s[4] != ':' || s[7] != ':' || s[10] != ' ' || s[13] != ':' || s[16] != ':')
        return std::nullopt;
    if (!in_range(s, 0, 0, 99) || !in_range(s, 2, 0, 99) || s.compare(0, 4, "0000") == 0) return std::nullopt;
    if (!in_range(s, 5, 1, 12) || !in_range(s, 8, 1, 31) || !in_range(s, 11, 0, 23) ||
        !in_range(s, 14, 0, 59) || !in_range(s, 17, 0, 60))
        return std::nullopt;
    std::string out = s.substr(0, 19);
    out[4] = out[7] = '-';
    out[10] = 'T';
    return out;
}

std::optional<std::string> date_in_tiff(std::span<const std::uint8_t> data) {
    Tiff tiff(data);
    std::uint32_t ifd0 = 0;
    if (!tiff.read_header(ifd0)) return std::nullopt;
    if (auto exif = tiff.pointer(ifd0, kExifIfd)) {
        for (auto tag : {kDateTimeOriginal, kDateTimeDigitized}) {
            if (auto date = exif_to_iso(tiff.ascii(*exif, tag))) return date;
        }
    }
    return exif_to_iso(tiff.ascii(ifd0, kDateTime));
}

constexpr std::array<std::uint8_t, 6> kExifHeader = {'E', 'x', 'i', 'f', 0, 0};
constexpr int kMaxSegments = 64;

} // namespace

std::optional<std::string> exif_date(std::span<const std::uint8_t> jpeg) {
    if (jpeg.size() < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) return std::nullopt;
    std::size_t at = 2;
    for (int segment = 0; segment < kMaxSegments; ++segment) {
        while (at < jpeg.size() && jpeg[at] == 0xFF) // fill bytes before a marker
            ++at;
        if (at + 2 >= jpeg.size() || jpeg[at - 1] != 0xFF) return std::nullopt;
        const std::uint8_t marker = jpeg[at];
        if (marker == 0xDA || marker == 0xD9) return std::nullopt; // the picture starts: no Exif before it
        const std::size_t length = static_cast<std::size_t>(jpeg[at + 1]) << 8 | jpeg[at + 2];
        if (length < 2 || at + 1 + length > jpeg.size()) return std::nullopt;
        const auto body = jpeg.subspan(at + 3, length - 2);
        if (marker == 0xE1 && body.size() > kExifHeader.size() &&
            std::equal(kExifHeader.begin(), kExifHeader.end(), body.begin())) {
            if (auto date = date_in_tiff(body.subspan(kExifHeader.size()))) return date;
        }
        at += 1 + length;
    }
    return std::nullopt;
}

std::optional<std::string> exif_date_of_file(const std::filesystem::path& path) {
    constexpr std::size_t kHead = 128 * 1024;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::vector<std::uint8_t> head(kHead);
    in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return exif_date(head);
}

} // namespace hearth::media
