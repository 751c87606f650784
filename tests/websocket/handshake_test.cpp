#include <tern/websocket/handshake.hpp>

#include <doctest/doctest.h>

#include <array>
#include <string>
#include <vector>

using namespace tern::websocket;

TEST_CASE("the accept key of RFC 6455's example key is s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") {
    CHECK(accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("the accept key ignores spaces around the key, as a header value's own") {
    CHECK(accept_key(" dGhlIHNhbXBsZSBub25jZQ== ") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("base64 encodes RFC 4648's test vectors") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("foob") == "Zm9vYg==");
    CHECK(base64_encode("fooba") == "Zm9vYmE=");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64_encode(std::string("\xfb\xff", 2)) == "+/8=");
}

TEST_CASE("a client key must be the base64 of exactly 16 bytes") {
    CHECK(valid_client_key("dGhlIHNhbXBsZSBub25jZQ=="));
    CHECK(valid_client_key(base64_encode(std::string(16, '\xff'))));
    CHECK_FALSE(valid_client_key(""));
    CHECK_FALSE(valid_client_key("dGhlIHNhbXBsZSBub25jZQ="));             // 23 characters
    CHECK_FALSE(valid_client_key(base64_encode(std::string(17, 'k'))));   // 17 bytes
    CHECK_FALSE(valid_client_key(base64_encode(std::string(18, 'k'))));   // 24 characters, 18 bytes
    CHECK_FALSE(valid_client_key("dGhlIHNhbXBsZSBub25jZR=="));            // bits after the 16th byte
    CHECK_FALSE(valid_client_key("dGhlIHNhbXBsZSBub25j*Q=="));            // not the alphabet
    CHECK_FALSE(valid_client_key("dGhlIHNhbXBsZSBub25jZQ=A"));
}

TEST_CASE("the offered subprotocols are the tokens of the header, malformed ones skipped") {
    CHECK(split_subprotocols("chat, superchat") == std::vector<std::string_view>{"chat", "superchat"});
    CHECK(split_subprotocols(" , chat ,, bad token , v2.json,") == std::vector<std::string_view>{"chat", "v2.json"});
    CHECK(split_subprotocols("").empty());
}

TEST_CASE("the server's preferred subprotocol among those offered is chosen") {
    std::array<std::string_view, 2> const supported{"v2.json", "v1.json"};
    CHECK(select_subprotocol("v1.json, v2.json", supported) == "v2.json");
    CHECK(select_subprotocol("v1.json", supported) == "v1.json");
    CHECK(select_subprotocol("V2.JSON, mqtt", supported) == std::nullopt);  // case-sensitive
    CHECK(select_subprotocol("", supported) == std::nullopt);
}
