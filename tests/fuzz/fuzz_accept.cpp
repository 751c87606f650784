// libFuzzer target for the compress layer: Accept-Encoding negotiation and compressible types on
// arbitrary text, and the decoders on arbitrary bytes, which is what the network sends them.
// The input is used whole as a header value, as a media type, and as a compressed stream.
#include <tern/compress/accept_encoding.hpp>
#include <tern/compress/compressible.hpp>
#include <tern/compress/decoder.hpp>
#include <tern/compress/encoder.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace {

using tern::compress::Coding;
using tern::compress::Format;

constexpr std::size_t max_output = 64 * 1024;
constexpr std::array<Coding, 3> offered{Coding::gzip, Coding::deflate, Coding::br};

void check(bool ok, char const* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

// negotiate() answers an offered coding, identity or nothing, the same each time, and agrees
// with accepts(): what it picks is acceptable, and when it picks nothing, nothing is.
void check_negotiation(std::string_view value) {
    std::optional<Coding> const chosen = tern::compress::negotiate(value, offered);
    check(chosen == tern::compress::negotiate(value, offered), "negotiate is deterministic");
    if (chosen) {
        check(*chosen == Coding::identity || std::find(offered.begin(), offered.end(), *chosen) != offered.end(),
              "negotiate picks an offered coding or identity");
        check(tern::compress::accepts(value, *chosen), "the chosen coding is acceptable");
    } else {
        check(!tern::compress::accepts(value, Coding::identity), "nothing chosen: identity is refused");
        for (Coding coding : offered) check(!tern::compress::accepts(value, coding), "nothing chosen: all refused");
    }
}

struct Outcome {
    std::string out;
    bool threw = false;
    bool too_large = false;
    bool finished = false;
};

// Decodes `parts`, one write each, checking the limit as the output grows.
template <typename... Parts>
Outcome decode(Format format, Parts... parts) {
    tern::compress::Decoder decoder(format, max_output);
    Outcome outcome;
    try {
        (decoder.write(parts, outcome.out), ...);
        outcome.finished = decoder.finished();
    } catch (tern::compress::TooLarge const&) {
        outcome.threw = outcome.too_large = true;
    } catch (tern::compress::Error const&) {
        outcome.threw = true;
    }
    check(outcome.out.size() <= max_output + 1, "the output never passes max_output by more than a byte");
    check(outcome.too_large == (outcome.out.size() > max_output), "TooLarge exactly when the output passes the limit");
    return outcome;
}

// Arbitrary bytes as a stream: whole and split in two give the same verdict and output.
void check_decoding(std::string_view bytes, std::size_t split) {
    for (Format format : {Format::gzip, Format::raw}) {
        Outcome const whole = decode(format, bytes);
        Outcome const pieces = decode(format, bytes.substr(0, split), bytes.substr(split));
        check(whole.threw == pieces.threw && whole.too_large == pieces.too_large, "split input: same verdict");
        if (!whole.threw) {
            check(whole.out == pieces.out && whole.finished == pieces.finished, "split input: same output");
        }
    }
}

// The bytes as data: compressed with a flush at the split, they come back unchanged.
void check_round_trip(std::string_view data, std::size_t split) {
    tern::compress::Encoder encoder(Format::raw, 1);
    std::string compressed;
    encoder.write(data.substr(0, split), compressed);
    encoder.flush(compressed);
    check(compressed.ends_with(tern::compress::sync_flush_tail), "a flush ends with the sync flush tail");
    encoder.write(data.substr(split), compressed);
    encoder.finish(compressed);
    tern::compress::Decoder decoder(Format::raw, data.size());
    std::string back;
    decoder.write(compressed, back);
    check(decoder.finished() && back == data, "raw deflate round-trips");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const input{reinterpret_cast<char const*>(data), size};
    std::size_t const split = size == 0 ? 0 : data[0] % (size + 1);
    check_negotiation(input);
    check(tern::compress::is_compressible(input) == tern::compress::is_compressible(input),
          "is_compressible is deterministic");
    check_decoding(input, split);
    check_round_trip(input, split);
    return 0;
}
