// libFuzzer target for the forms layer's parsers without I/O: MultipartParser,
// boundary_from_content_type and parse_urlencoded.
// The input's first byte chooses how the rest is cut into feeds and which limits apply. The
// rest is parsed as a multipart body with a fixed boundary, whole and in pieces: both must
// end the same way (the same parts, or the same FormError), and no part may pass a limit.
// The rest is also parsed as an urlencoded body and as a Content-Type.
#include <tern/forms/error.hpp>
#include <tern/forms/limits.hpp>
#include <tern/forms/multipart.hpp>
#include <tern/forms/urlencoded.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "forms/part_recorder.hpp"

namespace {

using tern::forms::FormError;
using tern::forms::FormLimits;
using tern::forms::testing::Outcome;

constexpr char const* boundary = "AaB03x";

void check(bool ok, char const* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

// Small limits, so that the fuzzer reaches every one of them; or the defaults.
FormLimits limits_for(std::uint8_t choice) {
    FormLimits limits;
    if (choice & 0x80) return limits;
    limits.max_parts = 6;
    limits.max_field_size = 48;
    limits.max_file_size = 160;
    limits.max_part_header_bytes = 200;
    return limits;
}

// Cut points from a tiny generator seeded by `choice`: pieces of 1 to 1 + (choice & 31) bytes,
// so that seed 0 feeds one byte at a time.
std::vector<std::size_t> cuts_for(std::uint8_t choice, std::size_t size) {
    std::vector<std::size_t> cuts;
    std::uint32_t state = choice * 2654435761u + 1;
    std::size_t const longest = 1 + (choice & 31);
    for (std::size_t at = 0;;) {
        state = state * 1103515245u + 12345u;
        at += 1 + (state >> 16) % longest;
        if (at >= size) return cuts;
        cuts.push_back(at);
    }
}

void check_within_limits(Outcome const& out, FormLimits const& limits) {
    check(!out.events_out_of_order, "begin, data and end come in order, data never empty");
    check(out.parts.size() <= limits.max_parts, "at most max_parts parts");
    for (auto const& part : out.parts) {
        std::size_t const limit = part.head.is_file() ? limits.max_file_size : limits.max_field_size;
        check(part.data.size() <= limit, "no part passes its size limit");
    }
    check(out.status == 0 || out.status == 400 || out.status == 413, "a FormError is a 400 or a 413");
    if (out.status == 0) {
        for (auto const& part : out.parts) check(part.ended, "a successful parse ends every part");
    }
}

void check_multipart(std::uint8_t choice, std::string_view body) {
    FormLimits const limits = limits_for(choice);
    Outcome const whole = tern::forms::testing::parse_whole(body, boundary, limits);
    Outcome const pieces = tern::forms::testing::parse_in_pieces(body, boundary, limits, cuts_for(choice, body.size()));
    check_within_limits(whole, limits);
    check_within_limits(pieces, limits);
    if (whole.status != pieces.status || whole.error != pieces.error) {
        std::fprintf(stderr, "whole: %d %s\nin pieces: %d %s\n", whole.status, whole.error.c_str(), pieces.status,
                     pieces.error.c_str());
        check(false, "whole and in pieces fail the same way");
    }
    if (whole.status == 0) check(whole.parts == pieces.parts, "whole and in pieces give the same parts");
}

void check_urlencoded(std::uint8_t choice, std::string_view body) {
    FormLimits const limits = limits_for(choice);
    try {
        auto const pairs = tern::forms::parse_urlencoded(body, limits);
        check(pairs.size() <= limits.max_parts, "at most max_parts pairs");
        for (auto const& [name, value] : pairs)
            check(name.size() <= limits.max_field_size && value.size() <= limits.max_field_size, "pairs within limits");
    } catch (FormError const& e) {
        check(e.status() == 400 || e.status() == 413, "an urlencoded FormError is a 400 or a 413");
    }
}

void check_content_type(std::string_view content_type) {
    try {
        std::string const found = tern::forms::boundary_from_content_type(content_type);
        check(!found.empty() && found.size() <= 70, "a boundary has 1 to 70 characters");
        tern::forms::MultipartParser parser(found, FormLimits{});   // accepts what it was given
    } catch (FormError const& e) {
        check(e.status() == 400, "a bad Content-Type is a 400");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size == 0) return 0;
    std::string_view const rest{reinterpret_cast<char const*>(data) + 1, size - 1};
    check_multipart(data[0], rest);
    check_urlencoded(data[0], rest);
    check_content_type(rest);
    return 0;
}
