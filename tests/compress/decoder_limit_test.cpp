// The decoder's max_output against decompression bombs: a small input that inflates to far more
// than the caller allows is refused while inflating, before the output grows past the limit.
#include <tern/compress/decoder.hpp>  // first include: proves the header is self-contained

#include <tern/compress/encoder.hpp>

#include <doctest/doctest.h>

#include <limits>
#include <string>

using tern::compress::Decoder;
using tern::compress::Error;
using tern::compress::Format;
using tern::compress::TooLarge;

namespace {

constexpr std::size_t kib = 1024;
constexpr std::size_t mib = 1024 * kib;
constexpr std::size_t step = 16 * kib;  // the decoder's inflate step

// 64 MiB of zeros, compressed a mebibyte at a time so the test never holds the 64 MiB:
// about 64 KiB of input, a ratio of a thousand to one.
std::string bomb(Format format) {
    tern::compress::Encoder encoder(format, 9);
    std::string const zeros(mib, '\0');
    std::string out;
    for (int i = 0; i < 64; ++i) encoder.write(zeros, out);
    encoder.finish(out);
    return out;
}

}  // namespace

TEST_CASE("a bomb of 64 MiB of zeros is refused at a 1 MiB limit before the output passes it") {
    for (Format format : {Format::gzip, Format::deflate, Format::raw}) {
        CAPTURE(static_cast<int>(format));
        std::string const input = bomb(format);
        CHECK(input.size() < 128 * kib);
        Decoder decoder(format, mib);
        std::string out;
        CHECK_THROWS_AS(decoder.write(input, out), TooLarge);
        CHECK(out.size() <= mib + 1);            // the one byte that proved the excess
        CHECK(out.capacity() <= mib + step);      // and no doubling past the limit
    }
}

TEST_CASE("the limit holds across writes when the bomb arrives in small pieces") {
    std::string const input = bomb(Format::gzip);
    Decoder decoder(Format::gzip, mib);
    std::string out;
    std::size_t offset = 0;
    auto feed = [&] {
        for (; offset < input.size(); offset += 100) decoder.write(std::string_view{input}.substr(offset, 100), out);
    };
    CHECK_THROWS_AS(feed(), TooLarge);
    CHECK(offset < input.size());
    CHECK(out.size() <= mib + 1);
}

TEST_CASE("output of exactly max_output bytes is allowed, and one byte more is TooLarge") {
    std::string const body(100 * kib, 'a');
    std::string const gz = tern::compress::compress(body, Format::gzip);
    CHECK(tern::compress::decompress(gz, Format::gzip, body.size()) == body);
    CHECK_THROWS_AS(tern::compress::decompress(gz, Format::gzip, body.size() - 1), TooLarge);
}

TEST_CASE("a limit of zero allows only empty streams") {
    CHECK(tern::compress::decompress(tern::compress::compress("", Format::gzip), Format::gzip, 0).empty());
    CHECK_THROWS_AS(tern::compress::decompress(tern::compress::compress("x", Format::gzip), Format::gzip, 0),
                    TooLarge);
}

TEST_CASE("the largest limit there is does not overflow the room computation") {
    std::string const body(3 * step + 5, 'b');
    CHECK(tern::compress::decompress(tern::compress::compress(body, Format::raw), Format::raw,
                                     std::numeric_limits<std::size_t>::max()) == body);
}

TEST_CASE("TooLarge is an Error, so one handler can catch both, and its message names the limit") {
    try {
        tern::compress::decompress(bomb(Format::deflate), Format::deflate, 4096);
        FAIL("no exception");
    } catch (Error const& e) {
        CHECK(dynamic_cast<TooLarge const*>(&e) != nullptr);
        CHECK(std::string_view{e.what()}.find("4096") != std::string_view::npos);
    }
}
