#include <tern/websocket/permessage_deflate.hpp>

#include <doctest/doctest.h>

using namespace tern::websocket;

namespace {

std::optional<DeflateParams> offer(std::string_view header) { return negotiate_deflate(header, true); }
std::optional<DeflateParams> answer(std::string_view header) { return negotiate_deflate(header, false); }

}  // namespace

TEST_CASE("a bare permessage-deflate offer is accepted with the defaults") {
    CHECK(offer("permessage-deflate") == DeflateParams{});
    CHECK(deflate_response_header(DeflateParams{}) == "permessage-deflate");
}

TEST_CASE("client_max_window_bits without a value is accepted in an offer") {
    CHECK(offer("permessage-deflate; client_max_window_bits") == DeflateParams{});
    CHECK(offer(deflate_offer_header()) == DeflateParams{});
}

TEST_CASE("an offer's parameters become the agreed ones and the response names them") {
    std::optional<DeflateParams> const params =
        offer("permessage-deflate; client_max_window_bits=10; server_no_context_takeover; server_max_window_bits=12");
    REQUIRE(params);
    CHECK(params->server_no_context_takeover);
    CHECK_FALSE(params->client_no_context_takeover);
    CHECK(params->server_max_window_bits == 12);
    CHECK(params->client_max_window_bits == 10);
    CHECK(deflate_response_header(*params) ==
          "permessage-deflate; server_no_context_takeover; server_max_window_bits=12; client_max_window_bits=10");
}

TEST_CASE("a quoted parameter value counts as the token inside it") {
    std::optional<DeflateParams> const params = offer("permessage-deflate; server_max_window_bits=\"10\"");
    REQUIRE(params);
    CHECK(params->server_max_window_bits == 10);
}

TEST_CASE("an offer with a repeated or unknown parameter is declined and the next one tried") {
    std::optional<DeflateParams> const params = offer(
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover, "
        "permessage-deflate; mystery=1, permessage-deflate; client_no_context_takeover");
    REQUIRE(params);
    CHECK_FALSE(params->server_no_context_takeover);
    CHECK(params->client_no_context_takeover);
    CHECK(offer("permessage-deflate; client_max_window_bits; client_max_window_bits=9") == std::nullopt);
}

TEST_CASE("window bits outside 8-15, malformed or missing are declined") {
    for (std::string_view bad : {"permessage-deflate; server_max_window_bits=16",
                                 "permessage-deflate; server_max_window_bits=7",
                                 "permessage-deflate; server_max_window_bits=010",
                                 "permessage-deflate; server_max_window_bits=+9",
                                 "permessage-deflate; server_max_window_bits",
                                 "permessage-deflate; client_max_window_bits=abc",
                                 "permessage-deflate; server_no_context_takeover=1",
                                 "permessage-deflate; server_max_window_bits=\"1,0\""}) {
        CAPTURE(bad);
        CHECK(offer(bad) == std::nullopt);
    }
}

TEST_CASE("a server declines server_max_window_bits=8, which zlib cannot compress with") {
    CHECK(offer("permessage-deflate; server_max_window_bits=8") == std::nullopt);
    CHECK(offer("permessage-deflate; server_max_window_bits=8, permessage-deflate")->server_max_window_bits == 15);
    CHECK(offer("permessage-deflate; client_max_window_bits=8")->client_max_window_bits == 8);
}

TEST_CASE("other extensions are skipped and names compare without case") {
    CHECK(offer("x-webkit-deflate-frame, Permessage-Deflate; Client_No_Context_Takeover")->client_no_context_takeover);
    CHECK(offer("x-webkit-deflate-frame") == std::nullopt);
    CHECK(offer("") == std::nullopt);
}

TEST_CASE("a client accepts the server's answer, which must give client_max_window_bits a value") {
    std::optional<DeflateParams> const params =
        answer("permessage-deflate; server_no_context_takeover; client_max_window_bits=12");
    REQUIRE(params);
    CHECK(params->server_no_context_takeover);
    CHECK(params->client_max_window_bits == 12);
    CHECK(answer("permessage-deflate; client_max_window_bits") == std::nullopt);
    CHECK(answer("permessage-deflate; client_max_window_bits=8") == std::nullopt);
    CHECK(answer("permessage-deflate; server_max_window_bits=8")->server_max_window_bits == 8);
    CHECK(answer("permessage-deflate; bogus, permessage-deflate") == std::nullopt);  // one answer only
}

TEST_CASE("the response header reads back as the parameters it was made from") {
    DeflateParams params;
    params.server_no_context_takeover = true;
    params.client_no_context_takeover = true;
    params.server_max_window_bits = 9;
    params.client_max_window_bits = 11;
    CHECK(answer(deflate_response_header(params)) == params);
}
