#include <tern/compress/accept_encoding.hpp>  // first include: proves the header is self-contained

#include <doctest/doctest.h>

#include <array>
#include <optional>
#include <string_view>

using tern::compress::accepts;
using tern::compress::Coding;
using tern::compress::negotiate;

namespace {

// What a server with gzip and deflate encoders offers, gzip first.
constexpr std::array<Coding, 2> gzip_then_deflate{Coding::gzip, Coding::deflate};

std::optional<Coding> choose(std::string_view accept_encoding) { return negotiate(accept_encoding, gzip_then_deflate); }

template <std::size_t N>
std::optional<Coding> choose(std::string_view accept_encoding, std::array<Coding, N> const& offered) {
    return negotiate(accept_encoding, offered);
}

}  // namespace

TEST_CASE("the examples of RFC 9110 12.5.3") {
    CHECK(choose("compress, gzip") == Coding::gzip);
    CHECK(choose("") == Coding::identity);
    CHECK(choose("*") == Coding::gzip);
    CHECK(choose("compress;q=0.5, gzip;q=1.0") == Coding::gzip);
    CHECK(choose("gzip;q=1.0, identity; q=0.5, *;q=0") == Coding::gzip);
    CHECK(choose("gzip;q=1.0, identity; q=0.5, *;q=0", std::array{Coding::deflate}) == Coding::identity);
}

TEST_CASE("the client's highest q wins over the server's order") {
    CHECK(choose("gzip;q=0.8, deflate") == Coding::deflate);
    CHECK(choose("br;q=0.9, gzip;q=0.8", std::array{Coding::gzip, Coding::br}) == Coding::br);
}

TEST_CASE("equal q values go to the server's order") {
    CHECK(choose("deflate, gzip") == Coding::gzip);
    CHECK(choose("gzip, deflate", std::array{Coding::deflate, Coding::gzip}) == Coding::deflate);
    CHECK(choose("*", std::array{Coding::identity, Coding::gzip}) == Coding::identity);
}

TEST_CASE("an empty value, or a missing header passed as one, means identity only") {
    CHECK(choose("") == Coding::identity);
    CHECK(choose(" , ,") == Coding::identity);
    CHECK(accepts("", Coding::identity));
    CHECK_FALSE(accepts("", Coding::gzip));
}

TEST_CASE("a coding the server does not offer is not chosen") {
    CHECK(choose("br") == Coding::identity);
    CHECK(choose("compress, zstd") == Coding::identity);
}

TEST_CASE("q=0 makes a coding unacceptable") {
    CHECK(choose("gzip;q=0, deflate;q=0.1") == Coding::deflate);
    CHECK(choose("gzip;q=0") == Coding::identity);
    CHECK(choose("gzip;q=0.000") == Coding::identity);
    CHECK_FALSE(accepts("gzip;q=0", Coding::gzip));
}

TEST_CASE("identity is refused only by identity;q=0, or by *;q=0 without an identity element") {
    CHECK(choose("identity;q=0") == std::nullopt);
    CHECK(choose("*;q=0") == std::nullopt);
    CHECK(choose("*;q=0, identity") == Coding::identity);
    CHECK(choose("identity;q=0, gzip;q=0.2") == Coding::gzip);
    CHECK_FALSE(accepts("*;q=0", Coding::identity));
    CHECK(accepts("*;q=0, identity;q=0.5", Coding::identity));
}

TEST_CASE("identity that no element names ranks below every coding the client names") {
    CHECK(choose("gzip;q=0.001", std::array{Coding::identity, Coding::gzip}) == Coding::gzip);
    CHECK(choose("deflate;q=0.5") == Coding::deflate);
}

TEST_CASE("a client may prefer identity by its q") {
    CHECK(choose("identity, gzip;q=0.5") == Coding::identity);
    CHECK(choose("*;q=0.3, identity;q=0.4") == Coding::identity);
}

TEST_CASE("* stands for every coding the value does not name") {
    CHECK(choose("*;q=0.5, gzip;q=0.1") == Coding::deflate);
    CHECK(choose("gzip;q=0, *") == Coding::deflate);
    CHECK(accepts("*", Coding::br));
}

TEST_CASE("codings and the q parameter are case-insensitive, and x-gzip means gzip") {
    CHECK(choose("GZip;Q=0.5, DEFLATE;q=0.4") == Coding::gzip);
    CHECK(choose("x-gzip") == Coding::gzip);
    CHECK(accepts("BR", Coding::br));
}

TEST_CASE("whitespace around elements and around the semicolon is allowed") {
    CHECK(choose(" gzip ;  q=0.5 ,\tdeflate;q=0.6 ") == Coding::deflate);
    CHECK(choose("gzip\t;\tq=0.5") == Coding::gzip);
}

TEST_CASE("q has up to three decimals, from 0 to 1") {
    CHECK(choose("gzip;q=0.001, deflate;q=0.002") == Coding::deflate);
    CHECK(choose("gzip;q=1.000, deflate;q=0.999") == Coding::gzip);
    CHECK(choose("gzip;q=1., deflate;q=0.") == Coding::gzip);
    CHECK_FALSE(accepts("gzip;q=0.", Coding::gzip));
}

TEST_CASE("an element with an invalid q or another parameter is ignored, as if absent") {
    for (std::string_view bad : {"gzip;q=2", "gzip;q=1.001", "gzip;q=0.1234", "gzip;q=.5", "gzip;q=", "gzip;q",
                                 "gzip;q = 0.5", "gzip;q=0.5x", "gzip;level=9", "gzip;q=0.5;q=0.6", "gz ip",
                                 "gzip;", "\"gzip\""}) {
        CAPTURE(bad);
        CHECK(choose(bad) == Coding::identity);
        CHECK_FALSE(accepts(bad, Coding::gzip));
    }
    CHECK(choose("gzip;q=2, deflate") == Coding::deflate);
    CHECK(choose("gzip;q=5, *;q=0.1") == Coding::gzip);  // the ignored element does not hide gzip from *
}

TEST_CASE("when a coding is named twice, the first element counts") {
    CHECK(choose("gzip;q=0, gzip") == Coding::identity);
    CHECK(choose("gzip, gzip;q=0") == Coding::gzip);
}

TEST_CASE("identity is considered even when the offer list is empty") {
    CHECK(negotiate("gzip", {}) == Coding::identity);
    CHECK(negotiate("identity;q=0", {}) == std::nullopt);
}

TEST_CASE("a precompressed file may be served when the client accepts its coding") {
    CHECK(accepts("gzip, deflate, br", Coding::br));
    CHECK(accepts("br;q=0.1", Coding::br));
    CHECK_FALSE(accepts("gzip, deflate", Coding::br));
    CHECK(accepts("gzip, deflate", Coding::identity));
}

TEST_CASE("each coding's name is its Content-Encoding token") {
    using tern::compress::name;
    CHECK(name(Coding::identity) == "identity");
    CHECK(name(Coding::gzip) == "gzip");
    CHECK(name(Coding::deflate) == "deflate");
    CHECK(name(Coding::br) == "br");
}
